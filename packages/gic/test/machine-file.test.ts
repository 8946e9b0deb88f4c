import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, buildSimulation, definePlugin, defineComponent, loadMachine, object, ref, type Component } from '@tessera/core';
import gicPlugin, { type GicV3ComponentApi } from '../src/index.js';
import { FakeCluster } from './helpers.js';

/** A cluster type that names its GIC by reference, as a CPU wiring its timer PPIs does. */
const testCluster = definePlugin({
  name: 'test-cluster',
  version: '0.0.0',
  components: {
    'fake-cluster': defineComponent<{ count: number; gic: string }>({
      description: 'fake CPU cluster',
      schema: object({ count: { type: 'integer' }, gic: ref('an interrupt controller') }, ['count', 'gic']),
      create(ctx, o): Component {
        ctx.irq({ controller: o.gic, line: 'ppi:0:30' });
        return { api: new FakeCluster(o.count) };
      },
    }),
  },
});

describe('GIC in a machine file', () => {
  it('loads, validates and builds a GICv3 + ITS machine whose cluster references the GIC', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gic-'));
    const file = path.join(dir, 'm.yaml');
    fs.writeFileSync(
      file,
      [
        'name: gic-test',
        'plugins: ["@tessera/gic", "test-cluster"]',
        'components:',
        '  ram: { type: ram, base: 0x4000_0000, size: 16MiB }',
        '  cpus: { type: fake-cluster, count: 3, gic: gic }',
        '  gic: { type: gicv3, gicd: 0x0800_0000, gicr: 0x080a_0000, cpus: cpus, its: { base: 0x0808_0000 } }',
        '  gic2: { type: gicv2, gicd: 0x0900_0000, gicc: 0x0901_0000, gich: 0x0903_0000, gicv: 0x0904_0000, cpus: cpus, num-irqs: 96 }',
        '  v2m: { type: gicv2m, base: 0x0902_0000, gic: gic2, spi-base: 64, spi-count: 32 }',
        '',
      ].join('\n'),
    );
    const registry = new PluginRegistry();
    registry.add(gicPlugin);
    registry.add(testCluster);
    const config = await loadMachine(file, { registry });
    const { sim, machine } = await buildSimulation(config, registry);
    machine.start();
    const gic = machine.api<GicV3ComponentApi>('gic')!;
    expect(gic.gic.nCpus).toBe(3);
    expect(gic.its).toBeDefined();
    expect(machine.system.read(0x0808_0000 + 0x8, 4) & 1).toBe(1);
    const dt = machine.deviceTree();
    expect(dt.find('intc@8000000/its@8080000')).toBeDefined();
    expect(dt.find('intc@9000000/v2m@9020000')).toBeDefined();
    sim.dispose();
  });

  it('rejects unknown options with the loader', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gic-'));
    const file = path.join(dir, 'm.yaml');
    fs.writeFileSync(file, ['name: bad', 'plugins: ["@tessera/gic"]', 'components:', '  gic: { type: gicv3, gicd: 0x0800_0000, gicr: 0x080a_0000, cpus: cpus, itss: 1 }', ''].join('\n'));
    const registry = new PluginRegistry();
    registry.add(gicPlugin);
    await expect(loadMachine(file, { registry })).rejects.toThrow(/itss/);
  });
});
