/**
 * Multi-machine files (`machines:` + `links:`): loading with the include and merge rules of
 * machine files, `--set` per machine, links of plugin-declared types, one simulation that
 * ends when every machine has powered off.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildSystem, composeSchema, ConsoleHub, loadSystem, PluginRegistry } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const machines = path.join(here, 'fixtures', 'machines');
const pair = path.join(machines, 'pair.yaml');

interface Wire {
  name: string;
  gauge?: number;
  ticks: string[];
  disposed: boolean;
}

describe('multi-machine files', () => {
  it('load every machine with its includes merged, and the links with their options', async () => {
    const registry = new PluginRegistry();
    const system = await loadSystem(pair, { registry });
    expect(system.multi).toBe(true);
    expect(system.name).toBe('pair');
    expect(system.description).toBe('two tickers joined by a wire');
    expect(system.links.map((l) => [l.name, l.type, l.options])).toEqual([['w0', 'wire', { gauge: 12, log: path.join(machines, 'w0.log') }]]);
    expect(system.machines.map((m) => m.name)).toEqual(['left', 'right']);
    const left = system.machines[0]!;
    expect(left.pathPrefix).toBe('/machines/left');
    expect(left.components.map((c) => c.name)).toEqual(['ram', 'tick']);
    expect(left.components[1]!.options).toMatchObject({ period: 1000, after: 5000, code: 0, wire: 'w0', say: 'left' });
    expect(system.machines[1]!.components[1]!.options).toMatchObject({ after: 12000, code: 3, wire: 'w0' });
    // Positions: the override in pair.yaml, the rest in the included ticker.yaml.
    expect(left.positionOf('/components/tick/after')).toMatchObject({ file: pair, line: 12 });
    expect(left.positionOf('/components/ram/base').file).toBe(path.join(machines, 'ticker.yaml'));
    // The plugin path of the included file resolves against that file.
    expect(left.plugins).toEqual([path.join(here, 'fixtures', 'test-plugin.mjs')]);
  });

  it('a single-machine file loads as a system of one machine', async () => {
    const system = await loadSystem(path.join(machines, 'ticker.yaml'), { registry: new PluginRegistry() });
    expect(system.multi).toBe(false);
    expect(system.links).toEqual([]);
    expect(system.machines.map((m) => m.name)).toEqual(['ticker']);
    expect(system.machines[0]!.pathPrefix).toBeUndefined();
  });

  it('--set reaches one machine after its includes are merged, or the file itself', async () => {
    const system = await loadSystem(pair, {
      registry: new PluginRegistry(),
      sets: ['machines.right.components.tick.code=9', 'links.w0.gauge=3', 'machines.left.components.ram.size=2MiB'],
    });
    expect(system.links[0]!.options.gauge).toBe(3);
    expect(system.machines[1]!.components[1]!.options.code).toBe(9);
    expect(system.machines[0]!.components[0]!.options.size).toBe(2 << 20);
    expect(system.machines[1]!.components[0]!.options.size).toBe(1 << 20);
    // A component that no include brings is reported against the machine's path.
    await expect(loadSystem(pair, { registry: new PluginRegistry(), sets: ['machines.left.components.tock.code=1'] })).rejects.toThrow(
      "<--set>:1:36: /machines/left/components/tock: --set machines.left.components.tock.code: this machine has no component 'tock' (did you mean 'tick'?)",
    );
  });

  it('the run goes on after one machine powers off and ends with the first non-zero exit code when all have', async () => {
    const registry = new PluginRegistry();
    const system = await loadSystem(pair, { registry });
    const { sim, machines: built } = await buildSystem(system, registry);
    expect(built.map((m) => m.name)).toEqual(['left', 'right']);
    const offs: string[] = [];
    sim.events.addSink({ kinds: ['power.off'], event: (e) => offs.push(`${String(e.machine)}=${String(e.exitCode)}`) });
    const stop = sim.run(1e6);
    expect(offs).toEqual(['left=0', 'right=3']);
    expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 3, message: 'every machine powered off (exit codes left: 0, right: 3)' });
    expect(sim.scheduler.now()).toBe(12000);
    const wire = built[0]!.api<{ wire: Wire }>('tick')!.wire;
    // One wire for both machines: each ticker recorded its ticks on it.
    expect(built[1]!.api<{ wire: Wire }>('tick')!.wire).toBe(wire);
    expect(wire.gauge).toBe(12);
    expect(wire.ticks).toContain('left/tick 4');
    expect(wire.ticks).toContain('right/tick 11');
    expect(wire.disposed).toBe(false);
    sim.dispose();
    expect(wire.disposed).toBe(true);
  });

  it('with every exit code 0 the run ends with 0; the same file gives the same run', async () => {
    const runOnce = async (): Promise<string[]> => {
      const registry = new PluginRegistry();
      const system = await loadSystem(pair, { registry, sets: ['machines.right.components.tick.code=0'] });
      const { sim, machines: built } = await buildSystem(system, registry);
      const stop = sim.run(1e6);
      expect(stop).toMatchObject({ reason: 'poweroff', exitCode: 0 });
      const ticks = [...built[0]!.api<{ wire: Wire }>('tick')!.wire.ticks];
      sim.dispose();
      return ticks;
    };
    const a = await runOnce();
    expect(a).toEqual(await runOnce());
  });

  it('stdio consoles of several machines are prefixed per line with the machine name', () => {
    const hub = new ConsoleHub();
    hub.echo = false;
    hub.open('uart0', 'stdio', (p) => p, 'left');
    expect(hub.labelled('one\n', 'left')).toBe('one\n');
    hub.open('uart0', 'stdio', (p) => p, 'right');
    expect(hub.labelled('a\nb', 'left')).toBe('[left] a\n[left] b');
    expect(hub.labelled('c\n', 'left')).toBe('c\n');
    // A machine writing into another's unfinished line starts a new line.
    expect(hub.labelled('x', 'right')).toBe('[right] x');
    expect(hub.labelled('y\n', 'left')).toBe('\n[left] y\n');
  });

  it('the composed editor schema accepts multi-machine files and rejects a file with both forms', async () => {
    const registry = new PluginRegistry();
    await registry.load(path.join(here, 'fixtures', 'test-plugin.mjs'), here);
    const validate = new Ajv({ strict: false, allowUnionTypes: true }).compile(composeSchema(registry));
    const doc = (text: string): unknown => parse(text, { schema: 'core' }) as unknown;
    expect(validate(doc(fs.readFileSync(pair, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(doc(fs.readFileSync(path.join(machines, 'ticker.yaml'), 'utf8')))).toBe(true);
    expect(validate(doc('machines: { a: { include: x.yaml } }\ncomponents: { ram: { type: ram, base: 0, size: 4k } }\n'))).toBe(false);
    expect(validate(doc('links: { w0: { type: wire } }\ncomponents: { ram: { type: ram, base: 0, size: 4k } }\n'))).toBe(false);
    expect(validate(doc('links: { w0: { type: wier } }\nmachines: { a: { include: x.yaml } }\n'))).toBe(false);
    expect(validate(doc('links: { w0: { type: wire, gauge: 99 } }\nmachines: { a: { include: x.yaml } }\n'))).toBe(false);
    expect(validate(doc('machines: { a: { include: x.yaml, componets: {} } }\n'))).toBe(false);
  });
});
