/**
 * Drives machines/riscv-virt.yaml from tests: builds it through the machine loader with the
 * UART on a `capture` console, runs it in slices of virtual time, types into the console
 * when expected output appears, and stops at power-off or a wall-clock limit.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSimulation, loadMachine, PluginRegistry, type ConsolePort, type Simulation, type StopInfo } from '@tessera/core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const imagesDir = path.join(repoRoot, '.cache', 'images', 'riscv64');
export const machineFile = path.join(repoRoot, 'machines', 'riscv-virt.yaml');

/** Path of a fetched image; undefined (test skipped) or an error under CI when it is missing. */
export function image(name: string): string | undefined {
  const p = path.join(imagesDir, name);
  if (fs.existsSync(p)) return p;
  if (process.env.CI) throw new Error(`${p} is missing: run 'pnpm fetch-images' before the end-to-end tests`);
  return undefined;
}

export interface BootOpts {
  firmware?: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  smp?: number;
  sets?: string[];
  /** Machine file (default machines/riscv-virt.yaml). */
  machine?: string;
}

export async function boot(o: BootOpts): Promise<{ sim: Simulation; port: ConsolePort }> {
  const registry = new PluginRegistry();
  const config = await loadMachine(o.machine ?? machineFile, {
    registry,
    sets: ['components.uart0.console=capture', ...(o.sets ?? [])],
    overrides: {
      ...(o.smp !== undefined ? { smp: o.smp } : {}),
      ...(o.firmware !== undefined ? { firmware: o.firmware } : {}),
      ...(o.kernel !== undefined ? { kernel: o.kernel } : {}),
      ...(o.initrd !== undefined ? { initrd: o.initrd } : {}),
      ...(o.append !== undefined ? { append: o.append } : {}),
    },
    cwd: repoRoot,
  });
  const { sim, machine } = await buildSimulation(config, registry);
  const port = machine.api<{ port: ConsolePort }>('uart0')!.port;
  return { sim, port };
}

export interface Step {
  /** Wait for this in the output written since the previous step matched. */
  expect: RegExp;
  /** Then type this. */
  send?: string;
}

export interface DriveResult {
  output: string;
  stop: StopInfo | undefined;
  /** Index of the first step not reached (steps.length when all matched). */
  reached: number;
  wallMs: number;
  virtualNs: number;
}

/**
 * Run until every step matched and the machine stopped (or `stopAfterSteps`), or the wall
 * clock limit passes.
 */
export function drive(sim: Simulation, port: ConsolePort, steps: Step[], opts: { wallMs: number; sliceNs?: number; stopAfterSteps?: boolean }): DriveResult {
  const start = Date.now();
  const slice = opts.sliceNs ?? 5_000_000;
  let from = 0;
  let i = 0;
  let stop: StopInfo | undefined;
  while (Date.now() - start < opts.wallMs) {
    stop = sim.run(sim.scheduler.now() + slice);
    const out = port.captured();
    while (i < steps.length) {
      const m = steps[i]!.expect.exec(out.slice(from));
      if (m === null) break;
      from += m.index + m[0].length;
      if (steps[i]!.send !== undefined) port.input(steps[i]!.send!);
      i++;
    }
    if (stop !== undefined) break;
    if (i === steps.length && opts.stopAfterSteps === true) break;
  }
  return { output: port.captured(), stop, reached: i, wallMs: Date.now() - start, virtualNs: sim.scheduler.now() };
}
