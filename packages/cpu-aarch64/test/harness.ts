/** Builds a small machine around an arm-cpu cluster and runs a guest test program on it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinPlugin, loadElf, Simulation, type ComponentType, type MmioDevice } from '@tessera/core';
import { armCpu, type A64Cluster, type ArmCpuOptions } from '../src/index.js';

export const GUEST_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'guest');
export const TEST_BASE = 0x0b00_0000;

export interface GuestRun {
  exitCode: number | undefined;
  output: string;
  cluster: A64Cluster;
  sim: Simulation;
  retired: number;
}

export async function buildMachine(opts: Partial<ArmCpuOptions> = {}, ramSize = 64 * 1024 * 1024, gicv2 = false) {
  const sim = new Simulation();
  const m = sim.addMachine('t');
  await m.add('ram', builtinPlugin.components.ram as ComponentType<unknown>, { base: 0x4000_0000, size: ramSize });
  if (gicv2) {
    // The GIC comes from @tessera/gic (a workspace package of the repository root).
    const gic = (await import('@tessera/gic')).default;
    await m.add('gic', gic.components.gicv2 as ComponentType<unknown>, { gicd: 0x0800_0000, gicc: 0x0801_0000, cpus: 'cpus' });
  }
  const comp = await m.add('cpus', armCpu, { count: 1, 'start-el': 3, psci: 'none', ...(gicv2 ? { gic: 'gic' } : {}), ...opts });
  const cluster = comp.api as A64Cluster;
  let output = '';
  const dev: MmioDevice = {
    read: () => 0,
    write: (off, _size, v) => {
      if (off === 0) m.powerOff(v, 'test');
      else if (off === 4) output += String.fromCharCode(v & 0xff);
    },
  };
  m.system.addMmio('test', TEST_BASE, 0x1000, dev);
  return { sim, machine: m, cluster, output: () => output };
}

export async function runGuest(name: string, opts: Partial<ArmCpuOptions> = {}, budget = 50_000_000, gicv2 = false): Promise<GuestRun> {
  const { sim, machine, cluster, output } = await buildMachine(opts, 64 * 1024 * 1024, gicv2);
  machine.start();
  const elf = loadElf(machine.system, new Uint8Array(fs.readFileSync(path.join(GUEST_DIR, `${name}.elf`))));
  cluster.entry = BigInt(elf.entry);
  cluster.reset();
  let traced = 0;
  if (process.env.A64_TRACE) sim.events.addSink({ kinds: ['cpu.'], event: (e) => (traced++ < 5) && console.log(JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v))) });
  const stop = sim.run(Infinity, { instructionBudget: budget });
  return {
    exitCode: stop?.reason === 'poweroff' ? stop.exitCode : undefined,
    output: output(),
    cluster,
    sim,
    retired: cluster.cores.reduce((n, c) => n + c.retired, 0),
  };
}
