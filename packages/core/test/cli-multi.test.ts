/** `tessera run|validate|dtb|list` on a multi-machine file (fixtures/machines/pair.yaml). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSystem, PluginRegistry } from '../src/index.js';
import { cli, machines, plugin, scratchDir } from './cli-harness.js';

const pair = path.join(machines, 'pair.yaml');
const tmp = scratchDir('tessera-cli-multi-');

describe('tessera CLI on a multi-machine file', () => {
  it('run: every machine in one simulation; the exit code is the first non-zero one once all are off', async () => {
    const r = await cli('run', pair, '--stats');
    expect(r.code).toBe(3);
    // left powered off at 5 µs, right at 12 µs: the run ended with the last one.
    expect(r.err).toMatch(/virtual time\s+12\.000 µs/);
    const zero = await cli('run', pair, '--set', 'machines.right.components.tick.code=0');
    expect(zero.code).toBe(0);
    const failedFirst = await cli('run', pair, '--set', 'machines.left.components.tick.code=2');
    expect(failedFirst.code).toBe(2);
  });

  it('run: --until watches the consoles of every machine', async () => {
    const r = await cli('run', pair, '--until', '^right 8$', '--stats');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/virtual time\s+8\.000 µs/);
  });

  it('validate: names the machines and links; --print writes a file that loads the same', async () => {
    const r = await cli('validate', pair);
    expect(r.code).toBe(0);
    expect(r.out).toBe('fixtures/machines/pair.yaml: ok (2 machines: left: 2 components, right: 2 components; 1 link(s): w0)\n');
    const printed = await cli('validate', pair, '--print', '--set', 'machines.right.components.tick.code=6');
    expect(printed.code).toBe(0);
    const text = printed.out.slice(0, printed.out.lastIndexOf('fixtures/machines/pair.yaml: ok'));
    expect(text).toMatch(/^name: pair\n/);
    expect(text).toContain('links:\n  w0:\n    type: wire\n');
    const again = path.join(tmp, 'printed.yaml');
    fs.writeFileSync(again, text);
    const system = await loadSystem(again, { registry: new PluginRegistry() });
    expect(system.machines.map((m) => m.name)).toEqual(['left', 'right']);
    expect(system.machines[1]!.components.find((c) => c.name === 'tick')!.options).toMatchObject({ code: 6, after: 12000 });
  });

  it('validate: a mistake inside one machine is one line with its JSON path', async () => {
    const r = await cli('validate', pair, '--set', 'machines.left.components.tick.wire=w9');
    expect(r.code).toBe(1);
    expect(r.err).toBe("tessera: <--set>:1:36: /machines/left/components/tick/wire: no link named 'w9' under links: (did you mean 'w0'?)\n");
  });

  it('dtb: --machine chooses the machine; without it a multi-machine file is a usage error', async () => {
    const none = await cli('dtb', pair, '--dts');
    expect(none.code).toBe(2);
    expect(none.err).toContain('pair.yaml describes 2 machines: choose one with --machine left|right');
    const typo = await cli('dtb', pair, '--dts', '--machine', 'rigth');
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("no machine 'rigth' in pair.yaml (did you mean 'right'?)");
    const right = await cli('dtb', pair, '--dts', '--machine', 'right');
    expect(right.code).toBe(0);
    expect(right.out).toMatch(/^\/dts-v1\/;/);
    expect(right.out).toContain('memory@80000000');
  });

  it('schema: the editor schema has both file forms and the link types', async () => {
    const file = path.join(tmp, 'schema.json');
    const r = await cli('schema', '--plugin', plugin, '-o', file);
    expect(r.code).toBe(0);
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as { properties: Record<string, { additionalProperties?: { properties?: { type?: { enum?: string[] } } } }>; if: unknown };
    expect(s.if).toEqual({ required: ['machines'] });
    // The fixture's wire and the workspace's @tessera/net switch.
    expect(s.properties.links!.additionalProperties!.properties!.type!.enum).toEqual(expect.arrayContaining(['wire', 'tessera-test-plugin#wire', 'switch', '@tessera/net#switch']));
    expect(s.properties.machines!.additionalProperties).toEqual({ $ref: '#/definitions/machine' });
  });

  it('list: link types of a plugin', async () => {
    const r = await cli('list', '--plugin', plugin);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n {2}wire \(link\)\s+test link: records the ticks/);
  });
});
