/**
 * Debian's U-Boot (qemu_arm64) on machines/aarch64-virt.yaml (GICv3) and
 * aarch64-virt-gicv2.yaml, started at EL2 (PSCI over SMC) and at EL1 (PSCI over HVC):
 * prompt, `version`, `poweroff` ends the run with exit code 0. Image: `pnpm fetch-images`
 * (.cache/images/arm64/u-boot.bin).
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSimulation, loadMachine, PluginRegistry, type ConsolePort, type Simulation, type StopInfo } from '@tessera/core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WALL = 600_000;

function image(name: string): string | undefined {
  const p = path.join(repoRoot, '.cache', 'images', 'arm64', name);
  if (fs.existsSync(p)) return p;
  if (process.env.CI) throw new Error(`${p} is missing: run 'pnpm fetch-images' before the end-to-end tests`);
  return undefined;
}

async function boot(machine: string, firmware: string, sets: string[]): Promise<{ sim: Simulation; port: ConsolePort }> {
  const registry = new PluginRegistry();
  const config = await loadMachine(path.join(repoRoot, 'machines', machine), {
    registry,
    sets: ['components.uart0.console=capture', ...sets],
    overrides: { firmware },
    cwd: repoRoot,
  });
  const { sim, machine: m } = await buildSimulation(config, registry);
  return { sim, port: m.api<{ port: ConsolePort }>('uart0')!.port };
}

interface Step {
  expect: RegExp;
  send?: string;
}

/** Run in slices of virtual time, typing when expected output appears, until power-off or the wall limit. */
function drive(sim: Simulation, port: ConsolePort, steps: Step[], wallMs: number): { output: string; stop: StopInfo | undefined; reached: number } {
  const start = Date.now();
  let from = 0;
  let i = 0;
  let stop: StopInfo | undefined;
  while (Date.now() - start < wallMs) {
    stop = sim.run(sim.scheduler.now() + 5_000_000);
    const out = port.captured();
    while (i < steps.length) {
      const m = steps[i]!.expect.exec(out.slice(from));
      if (m === null) break;
      from += m.index + m[0].length;
      if (steps[i]!.send !== undefined) port.input(steps[i]!.send!);
      i++;
    }
    if (stop !== undefined) break;
  }
  return { output: port.captured(), stop, reached: i };
}

function session(machine: string, startEl: 1 | 2) {
  return async (ctx: { skip: () => void }) => {
    const fw = image('u-boot.bin');
    if (fw === undefined) return ctx.skip();
    const { sim, port } = await boot(machine, fw, [`components.cpus.start-el=${startEl}`]);
    try {
      const r = drive(
        sim,
        port,
        [
          { expect: /Hit any key to stop autoboot/, send: ' ' },
          { expect: /=> $/, send: 'version\r' },
          { expect: /U-Boot 20\d\d\.\d+[^\n]*\n[\s\S]*=> $/, send: 'poweroff\r' },
        ],
        WALL,
      );
      expect(r.reached, `stopped before step ${r.reached}; output:\n${r.output.slice(-2000)}`).toBe(3);
      expect(r.output).toMatch(/version\r?\nU-Boot 20\d\d/);
      expect(r.stop?.reason, r.output.slice(-1000)).toBe('poweroff');
      expect(r.stop?.exitCode).toBe(0);
    } finally {
      sim.dispose();
    }
  };
}

describe('aarch64-virt boots Debian U-Boot', () => {
  it('GICv3, EL2 (PSCI over SMC): prompt, version, poweroff exits 0', session('aarch64-virt.yaml', 2), WALL + 60_000);
  it('GICv3, EL1 (PSCI over HVC): prompt, version, poweroff exits 0', session('aarch64-virt.yaml', 1), WALL + 60_000);
  it('GICv2, EL2 (PSCI over SMC): prompt, version, poweroff exits 0', session('aarch64-virt-gicv2.yaml', 2), WALL + 60_000);
  it('GICv2, EL1 (PSCI over HVC): prompt, version, poweroff exits 0', session('aarch64-virt-gicv2.yaml', 1), WALL + 60_000);
});
