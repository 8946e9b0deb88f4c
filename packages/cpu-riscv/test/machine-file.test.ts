import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, buildSimulation, loadMachine } from '@tessera/core';
import plugin from '../src/index.js';
import { GUEST } from './harness.js';

const machines = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'machines');

describe('machines/riscv-htif.yaml', () => {
  for (const [elf, code] of [['rv64i.elf', 0], ['misaligned.elf', 1]] as const) {
    it(`runs ${elf} given as --kernel and exits with its result (${code})`, async () => {
      const registry = new PluginRegistry();
      registry.add(plugin);
      const config = await loadMachine(path.join(machines, 'riscv-htif.yaml'), {
        registry,
        overrides: { kernel: path.join(GUEST, elf) },
      });
      const { sim } = await buildSimulation(config, registry);
      sim.consoles.echo = false;
      const stop = sim.run(5e7);
      sim.dispose();
      expect(stop?.reason).toBe('poweroff');
      expect(stop?.exitCode).toBe(code);
    });
  }
});
