/**
 * Debian 12's arm64 Linux on machines/aarch64-virt.yaml (GICv3, 2 cores, started at EL2 with
 * PSCI over SMC) with a busybox-static initramfs: user space runs on FP/AdvSIMD (glibc-free
 * static busybox still uses SIMD in its string routines and the kernel saves/restores the FP
 * registers across context switches), reaches the /init marker, runs a few commands and
 * powers off through PSCI SYSTEM_OFF with exit code 0. Images: `pnpm fetch-images`
 * (.cache/images/arm64/{Image,busybox}); the initramfs is built here with the same builder
 * as .cache/images/arm64/initramfs.cpio.gz, with extra commands.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSimulation, loadMachine, PluginRegistry, type ConsolePort, type StopInfo } from '@tessera/core';
import { buildInitramfs } from '../../../scripts/initramfs/build.mjs';
import cpuPlugin from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// A boot to user space is a few G instructions; on a shared, loaded machine it takes minutes.
const WALL = 2_400_000;

function image(name: string): string | undefined {
  const p = path.join(repoRoot, '.cache', 'images', 'arm64', name);
  if (fs.existsSync(p)) return p;
  if (process.env.CI) throw new Error(`${p} is missing: run 'pnpm fetch-images' before the end-to-end tests`);
  return undefined;
}

export const COMMANDS = [
  'ls /',
  'echo answer=$((6*7))',
  'uname -a',
  // busybox awk computes in double precision (FDIV, FADD, and the conversions of printf).
  "awk 'BEGIN { printf \"awk=%.9f\\n\", 2/3 + 1/7 }'",
  'cat /proc/interrupts | head -n 8',
];

/** Build the test initramfs into a temporary file. */
export function initramfs(busybox: string): string {
  const gz = (buildInitramfs as (o: { busybox: string; commands: string[] }) => Uint8Array)({ busybox, commands: COMMANDS });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-a64-'));
  const p = path.join(dir, 'initramfs.cpio.gz');
  fs.writeFileSync(p, gz);
  return p;
}

export interface LinuxRun {
  output: string;
  stop: StopInfo | undefined;
  markerMs: number | undefined;
  wallMs: number;
}

/** Boot to power-off (or the wall limit); `markerMs` is the wall time when the /init marker appeared. */
export async function bootLinux(kernel: string, initrd: string, wallMs: number, stopAtMarker = false): Promise<LinuxRun> {
  const registry = new PluginRegistry();
  // This package's sources, not a build in dist/ that may be older.
  registry.add(cpuPlugin);
  const config = await loadMachine(path.join(repoRoot, 'machines', 'aarch64-virt.yaml'), {
    registry,
    sets: ['components.uart0.console=capture'],
    overrides: { kernel, initrd, smp: 2, append: 'console=ttyAMA0 earlycon=pl011,0x09000000' },
    cwd: repoRoot,
  });
  const start = Date.now();
  const { sim, machine } = await buildSimulation(config, registry);
  const port = machine.api<{ port: ConsolePort }>('uart0')!.port;
  let stop: StopInfo | undefined;
  let markerMs: number | undefined;
  try {
    while (Date.now() - start < wallMs) {
      stop = sim.run(sim.scheduler.now() + 20_000_000);
      // Debugging aid: follow the console while the test runs.
      if (process.env.A64_CONSOLE_LOG) fs.writeFileSync(process.env.A64_CONSOLE_LOG, port.captured());
      if (markerMs === undefined && /TESSERA-INIT-OK/.test(port.captured())) {
        markerMs = Date.now() - start;
        if (stopAtMarker) break;
      }
      if (stop !== undefined) break;
    }
    return { output: port.captured(), stop, markerMs, wallMs: Date.now() - start };
  } finally {
    sim.dispose();
  }
}

describe('Linux user space on FP/AdvSIMD', () => {
  it(
    'Debian 12 arm64 kernel, GICv3, 2 cores: busybox /init marker, commands, PSCI SYSTEM_OFF exits 0',
    async (ctx) => {
      const kernel = image('Image');
      const busybox = image('busybox');
      if (kernel === undefined || busybox === undefined) return ctx.skip();
      const initrd = initramfs(busybox);
      const r = await bootLinux(kernel, initrd, WALL);
      fs.rmSync(path.dirname(initrd), { recursive: true, force: true });
      const tail = r.output.slice(-3000);
      expect(r.output, tail).toMatch(/smp: Brought up 1 node, 2 CPUs/);
      expect(r.output, tail).toMatch(/TESSERA-INIT-OK/);
      expect(r.output).toMatch(/processor\s*: 0/);
      expect(r.output).toMatch(/processor\s*: 1/);
      expect(r.output).toMatch(/Features\s*: fp asimd/);
      expect(r.output).toMatch(/answer=42/);
      expect(r.output).toMatch(/Linux \S+ 6\.1\.\S+ .* aarch64/);
      expect(r.output).toMatch(/^bin\s+dev\s+etc\s+init\s+.*proc.*sys/m);
      expect(r.output).toMatch(/awk=0\.809523810/);
      expect(r.output).toMatch(/TESSERA-INIT-POWEROFF/);
      expect(r.output).not.toMatch(/undefined instruction|Illegal instruction|Kernel panic|Oops/i);
      expect(r.stop?.reason, tail).toBe('poweroff');
      expect(r.stop?.exitCode).toBe(0);
    },
    WALL + 60_000,
  );
});
