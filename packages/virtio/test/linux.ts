/**
 * What the Linux end-to-end tests share: fetched images (skipped locally when missing, an
 * error under CI), initramfs building, adding a machine to a simulation, and running a
 * simulation of several machines until a condition holds.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSimulation, loadMachine, type ConsolePort, type Machine, type PluginRegistry, type Simulation } from '@tessera/core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../../..');
export const fixtures = path.join(here, 'fixtures');

/** A fetched image of `arch`, or undefined (skip) — under CI a missing image is an error. */
export function need(arch: 'riscv64' | 'arm64', name: string): string | undefined {
  const p = path.join(repo, '.cache', 'images', arch, name);
  if (fs.existsSync(p)) return p;
  if (process.env.CI) throw new Error(`${p} is missing: run 'pnpm fetch-images' before the end-to-end tests`);
  return undefined;
}

export interface Images {
  firmware?: string;
  kernel?: string;
  busybox?: string;
  modulesRoot?: string;
}

/** Debian's Linux images of `arch` (with OpenSBI's fw_dynamic on riscv64). */
export function linuxImages(arch: 'riscv64' | 'arm64'): Images {
  return {
    ...(arch === 'riscv64' ? { firmware: need(arch, 'fw_dynamic.bin') } : {}),
    kernel: need(arch, 'Image'),
    busybox: need(arch, 'busybox'),
    modulesRoot: need(arch, 'modules'),
  };
}

/** Every image was found. */
export function haveAll(img: Images): boolean {
  return Object.values(img).every((v) => v !== undefined);
}

/** /init commands that bring eth0 up at `ip`/24 and print NET-UP. */
export const netUp = (ip: string): string[] => ['ip link set eth0 up', `ip addr add ${ip}/24 dev eth0`, 'echo NET-UP'];

/** /init commands that ping `peer` twice, a second after eth0 came up, then print PING-DONE. */
export const pingPeer = (peer: string): string[] => ['sleep 1', `ping -c 2 -W 5 ${peer}`, 'echo PING-DONE'];

/** /init commands that mount /dev/vda (an {@link ext2Disk}) read-only, print MOUNTED and its hello.txt. */
export const mountHello: readonly string[] = ['mkdir -p /mnt', 'mount -t ext2 -o ro /dev/vda /mnt && echo MOUNTED', 'cat /mnt/hello.txt'];

/** An ext2 image `dir`/disk.ext2 (4 MiB, `mke2fs -d`) holding hello.txt with `hello`. */
export function ext2Disk(dir: string, hello: string): string {
  const root = path.join(dir, 'root');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'hello.txt'), hello);
  const disk = path.join(dir, 'disk.ext2');
  execFileSync('mke2fs', ['-q', '-t', 'ext2', '-d', root, disk, '4M']);
  return disk;
}

/** The names of the machines of `sim` that power off, in order, as they do. */
export function powerOffs(sim: Simulation): string[] {
  const offs: string[] = [];
  sim.events.addSink({ kinds: ['power.off'], event: (e) => offs.push(String(e.machine)) });
  return offs;
}

/** Whether Wireshark's tshark is installed (the pcap is then also checked with it). */
export function haveTshark(): boolean {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** An initramfs whose /init loads `modules` (with dependencies) and runs `commands`. */
export async function initramfs(img: Images, file: string, modules: string[], commands: string[], poweroff = true): Promise<string> {
  const { buildInitramfs } = (await import(path.join(repo, 'scripts', 'initramfs', 'build.mjs'))) as {
    buildInitramfs(o: { busybox: string; modulesRoot: string; modules: string[]; commands: string[]; poweroff?: boolean }): Uint8Array;
  };
  fs.writeFileSync(file, buildInitramfs({ busybox: img.busybox!, modulesRoot: img.modulesRoot!, modules, commands, poweroff }));
  return file;
}

/** Load `machineFile` as machine `name` into `sim`, with the console of `console` captured. */
export async function addMachine(
  sim: Simulation,
  registry: PluginRegistry,
  machineFile: string,
  name: string,
  boot: { firmware?: string; kernel?: string; initrd?: string; append?: string },
  sets: string[],
  console = 'uart0',
): Promise<{ machine: Machine; port: ConsolePort }> {
  const config = await loadMachine(machineFile, {
    registry,
    sets: [`name=${name}`, `components.${console}.console=capture`, ...sets],
    overrides: boot,
    cwd: repo,
  });
  const { machine } = await buildSimulation(config, registry, { sim });
  return { machine, port: machine.api<{ port: ConsolePort }>(console)!.port };
}

/**
 * Run in slices until `done()` or the wall-clock limit; power-offs of other machines do not
 * end it. With TESSERA_E2E_LOG=FILE, the consoles are written to FILE after every slice.
 */
export function runUntil(sim: Simulation, done: () => boolean, wallMs: number, ports: ConsolePort[] = []): void {
  const start = Date.now();
  const log = process.env.TESSERA_E2E_LOG;
  while (!done() && Date.now() - start < wallMs) {
    const stop = sim.run(sim.scheduler.now() + 20_000_000);
    if (stop !== undefined) {
      if (stop.reason !== 'poweroff') throw new Error(`run stopped: ${stop.message}`);
      sim.scheduler.clearStop();
    }
    if (log !== undefined) {
      const text = ports.map((p) => `==== ${p.name} (virtual ${(sim.scheduler.now() / 1e9).toFixed(3)} s)\n${p.captured()}`).join('\n');
      fs.writeFileSync(log, text);
    }
  }
}

/** ICMP types (8 request, 0 reply) of the IPv4 ICMP frames in a pcap's records. */
export function icmpTypes(frames: Uint8Array[]): number[] {
  return frames.filter((f) => f[12] === 0x08 && f[13] === 0x00 && f[23] === 1).map((f) => f[14 + (f[14]! & 15) * 4]!);
}

/** One step of a console session: wait for `expect`, then type `send`. */
export interface Step {
  expect: RegExp;
  send?: string;
}

/** Run in slices of virtual time, typing when expected output appears, until power-off, the last step or the wall limit. */
export function drive(sim: Simulation, port: ConsolePort, steps: Step[], wallMs: number): { output: string; reached: number; stop: string | undefined } {
  const start = Date.now();
  let from = 0;
  let i = 0;
  let stop: string | undefined;
  while (i < steps.length && Date.now() - start < wallMs) {
    const s = sim.run(sim.scheduler.now() + 5_000_000);
    const out = port.captured();
    while (i < steps.length) {
      const m = steps[i]!.expect.exec(out.slice(from));
      if (m === null) break;
      from += m.index + m[0].length;
      if (steps[i]!.send !== undefined) port.input(steps[i]!.send!);
      i++;
    }
    if (s !== undefined) {
      stop = s.reason;
      break;
    }
  }
  return { output: port.captured(), reached: i, stop };
}
