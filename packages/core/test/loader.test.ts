import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadMachine, PluginRegistry, buildSimulation, ConfigError, creationOrder } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures', 'machines');

describe('loadMachine', () => {
  it('merges includes, coerces nested annotated values and collects references', async () => {
    const registry = new PluginRegistry();
    const m = await loadMachine(path.join(fixtures, 'good.yaml'), { registry });
    expect(m.name).toBe('good');
    expect(m.components.map((c) => c.name)).toEqual(['ram', 'intc', 'dev0', 'cpu', 'dev1', 'tick']);
    const dev0 = m.components.find((c) => c.name === 'dev0')!;
    expect(dev0.options).toEqual({ base: 0x1000_0000, irq: { controller: 'intc', line: 3 }, mode: 'slow' });
    expect(dev0.references).toEqual(['intc']);
    const dev1 = m.components.find((c) => c.name === 'dev1')!;
    expect(dev1.options).toMatchObject({
      base: 0x1000_1000,
      size: 4096,
      clock: 10_000_000,
      target: 'dev0',
      image: path.join(fixtures, '..', 'firmware.img'),
      irq: { controller: 'intc', line: 7 },
      lines: [{ controller: 'intc', line: 4 }, { controller: 'intc', line: 5 }],
      windows: [{ base: 0x2000_0000, size: 0x10_0000 }],
      placement: 0x4000_0000,
    });
    expect([...dev1.references].sort()).toEqual(['dev0', 'intc']);
    expect(m.boot).toEqual({ kernel: path.join(fixtures, 'kernel.bin'), append: 'console=ttyS0' });
    expect(m.positionOf('/components/dev0/mode')).toEqual({ file: path.join(fixtures, 'good.yaml'), line: 8, column: 18 });
    expect(m.positionOf('/components/dev0/base')).toEqual({ file: path.join(fixtures, 'base.yaml'), line: 7, column: 34 });
    // defaults from the schema are applied
    expect(m.components.find((c) => c.name === 'tick')!.options).toMatchObject({ console: 'capture', say: 'tick' });
  });

  it('applies --set and the QEMU-style overrides with command-line positions', async () => {
    const registry = new PluginRegistry();
    const m = await loadMachine(path.join(fixtures, 'good.yaml'), {
      registry,
      cwd: '/tmp',
      sets: ['components.dev0.mode=fast', 'components.dev1.windows=[{base: 0x100, size: 2k}]', 'boot.append=quiet loglevel=3'],
      overrides: { smp: '4', memory: '128', kernel: 'vmlinux', initrd: '/abs/initrd' },
    });
    expect(m.components.find((c) => c.name === 'dev0')!.options.mode).toBe('fast');
    expect(m.components.find((c) => c.name === 'dev1')!.options.windows).toEqual([{ base: 0x100, size: 2048 }]);
    expect(m.components.find((c) => c.name === 'cpu')!.options.count).toBe(4);
    expect(m.components.find((c) => c.name === 'ram')!.options.size).toBe(128 * 1024 * 1024);
    expect(m.boot).toEqual({ kernel: '/tmp/vmlinux', initrd: '/abs/initrd', append: 'quiet loglevel=3' });
    expect(m.positionOf('/components/dev0/mode')).toEqual({ file: '<--set>', line: 1, column: 22 });
  });

  it('orders creation by references, then file order', async () => {
    const registry = new PluginRegistry();
    const m = await loadMachine(path.join(fixtures, 'good.yaml'), { registry });
    expect(creationOrder(m).map((c) => c.name)).toEqual(['ram', 'intc', 'dev0', 'cpu', 'dev1', 'tick']);
    const reordered = { ...m, components: [...m.components].reverse() };
    expect(creationOrder(reordered).map((c) => c.name)).toEqual(['tick', 'intc', 'dev0', 'dev1', 'cpu', 'ram']);
  });

  it('builds and runs the machine', async () => {
    const registry = new PluginRegistry();
    const m = await loadMachine(path.join(fixtures, 'good.yaml'), { registry });
    const { sim, machine } = await buildSimulation(m, registry);
    expect(machine.componentNames).toEqual(['ram', 'intc', 'dev0', 'cpu', 'dev1', 'tick']);
    const stop = sim.run();
    expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 7 });
    expect(sim.scheduler.now()).toBe(10_500);
    sim.dispose();
  });

  it('reports a reference cycle with a position', async () => {
    const registry = new PluginRegistry();
    const m = await loadMachine(path.join(fixtures, 'good.yaml'), { registry });
    const a = { ...m.components[2]!, references: ['dev1'] };
    const cyc = { ...m, components: m.components.map((c) => (c.name === 'dev0' ? a : c)) };
    expect(() => creationOrder(cyc)).toThrow(ConfigError);
    expect(() => creationOrder(cyc)).toThrow(/base\.yaml:7:3: \/components\/dev0: components reference each other in a cycle: dev0 -> dev1 -> dev0/);
  });

  it('replaces a component whose type changes and keeps its place in file order', async () => {
    const registry = new PluginRegistry();
    const m = await loadMachine(path.join(fixtures, 'retype.yaml'), { registry, sets: ['components.extra={type: ram, base: 0xa000_0000, size: 2MiB}'] });
    expect(m.components.map((c) => `${c.name}:${c.type}`)).toEqual(['ram:ram', 'intc:intc', 'dev0:rom', 'spare:fake-dev', 'extra:ram']);
    expect(m.components.find((c) => c.name === 'dev0')!.options).toEqual({ base: 0x1000_0000, size: 4096 });
    expect(m.components.find((c) => c.name === 'dev0')!.references).toEqual([]);
    expect(m.components.find((c) => c.name === 'extra')!.options).toEqual({ base: 0xa000_0000, size: 2 << 20 });
    // the replaced component's positions come from the overriding file only
    expect(m.positionOf('/components/dev0/mode').file).toBe(path.join(fixtures, 'retype.yaml'));
    expect(m.positionOf('/components/extra/size')).toEqual({ file: '<--set>', line: 1, column: 55 });
  });

  it('--set indexes lists by number', async () => {
    const registry = new PluginRegistry();
    const m = await loadMachine(path.join(fixtures, 'good.yaml'), { registry, sets: ['components.dev1.lines.1=intc:9', 'components.dev1.windows.0.size=2MiB'] });
    const dev1 = m.components.find((c) => c.name === 'dev1')!;
    expect(dev1.options.lines).toEqual([{ controller: 'intc', line: 4 }, { controller: 'intc', line: 9 }]);
    expect(dev1.options.windows).toEqual([{ base: 0x2000_0000, size: 2 << 20 }]);
    await expect(loadMachine(path.join(fixtures, 'good.yaml'), { registry, sets: ['components.dev1.lines.x=intc:9'] })).rejects.toThrow(
      "<--set>:1:25: /components/dev1/lines: --set components.dev1.lines.x: 'components.dev1.lines' is a list of 2 item(s); 'x' is not an index of it",
    );
  });

  it('rejects duplicate keys and keeps YAML 1.2 core scalars as text', async () => {
    const { parseYamlSource } = await import('../src/config/source.js');
    const p = parseYamlSource('a: on\nb: 0x10\nc: 0x8000_0000\nd: 010\n', 'x.yaml');
    expect(p.value).toEqual({ a: 'on', b: 16, c: '0x8000_0000', d: 10 });
    expect(() => parseYamlSource('a: 1\nb:\n  c: 1\n  c: 2\n', 'x.yaml')).toThrow("x.yaml:4:3: duplicate key 'c'");
  });
});
