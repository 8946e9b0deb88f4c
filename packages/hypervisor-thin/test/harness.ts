import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSimulation, loadMachine, PluginRegistry, type SimEvent, type Simulation, type StopInfo } from '@tessera/core';
// The hart from its sources: a bare '@tessera/cpu-riscv' resolves to its build here.
import cpuRiscv from '../../cpu-riscv/src/index.js';
import hypervisorPlugin, { type ThinHypervisorApi } from '../src/index.js';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');

export interface Run {
  sim: Simulation;
  api: ThinHypervisorApi;
  events: SimEvent[];
}

export async function build(file: string, sets: string[] = [], kinds: string[] = ['hyp.']): Promise<Run> {
  const registry = new PluginRegistry();
  // This package and the hart from their sources (a machine's plugins are otherwise imported from dist).
  registry.add(cpuRiscv);
  registry.add(hypervisorPlugin);
  const config = await loadMachine(file, { registry, sets, cwd: repoRoot });
  const { sim, machine } = await buildSimulation(config, registry);
  const events: SimEvent[] = [];
  sim.events.addSink({ kinds, event: (e) => events.push(e) });
  const api = machine.api<ThinHypervisorApi>('hyp')!;
  return { sim, api, events };
}

export function runToStop(sim: Simulation, limitNs = 2e9): StopInfo | undefined {
  return sim.run(limitNs);
}
