import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Simulation, builtinPlugin, type StopInfo } from '@tessera/core';
import plugin, { type RiscvCluster, type RiscvHartOptions } from '../src/index.js';

export const GUEST = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'guest', 'bin');

export interface GuestRun {
  stop: StopInfo | undefined;
  output: string;
  cluster: RiscvCluster;
  sim: Simulation;
}

/** Run a guest ELF on ram@0x80000000 + riscv-hart + htif until it exits (or `limitNs`). */
export async function runGuest(elf: string, opts: RiscvHartOptions = {}, limitNs = 5e7, trace?: (e: unknown) => void): Promise<GuestRun> {
  const sim = new Simulation();
  if (trace !== undefined) sim.events.addSink({ kinds: ['cpu.'], event: trace });
  const m = sim.addMachine('t', { boot: { kernel: path.join(GUEST, elf) } });
  await m.add('ram', builtinPlugin.components.ram!, { base: 0x8000_0000, size: 64 * 1024 * 1024 });
  await m.add('cpus', plugin.components['riscv-hart']!, opts);
  await m.add('htif', plugin.components.htif!, { harts: 'cpus', console: 'capture' });
  let output = '';
  sim.consoles.watch((text) => {
    output += text;
  });
  const stop = sim.run(limitNs);
  const cluster = m.api<RiscvCluster>('cpus')!;
  sim.dispose();
  return { stop, output, cluster, sim };
}
