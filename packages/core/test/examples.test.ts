import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildSimulation, composeSchema, loadMachine, PluginRegistry } from '../src/index.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const examples = path.join(root, 'machines', 'examples');
const files = fs.readdirSync(examples).filter((f) => f.endsWith('.yaml') && f !== 'common.yaml');

describe('machines/examples', () => {
  for (const f of files) {
    it(`${f} loads and builds`, async () => {
      const registry = new PluginRegistry();
      const config = await loadMachine(path.join(examples, f), { registry });
      const { sim, machine } = await buildSimulation(config, registry);
      expect(machine.componentNames.length).toBeGreaterThan(0);
      sim.dispose();
    });
  }

  it('the include-override example merges by name', async () => {
    const registry = new PluginRegistry();
    const config = await loadMachine(path.join(examples, 'include-override.yaml'), { registry, overrides: { memory: '1G' } });
    expect(config.components.map((c) => [c.name, c.options])).toEqual([
      ['ram', { base: 0x8000_0000, size: 1 << 30 }],
      ['scratch', { base: 0x0200_0000, size: 0x1_0000, 'device-tree': false }],
    ]);
    expect(config.positionOf('/components/ram/base').file).toBe(path.join(examples, 'common.yaml'));
  });

  it('every example (and the bad-machine fixtures that are only wrong in Tessera terms) is checked by the composed editor schema', () => {
    const registry = new PluginRegistry();
    const ajv = new Ajv({ strict: false, allowUnionTypes: true });
    const validate = ajv.compile(composeSchema(registry));
    for (const f of [...files, 'common.yaml']) {
      const doc = parse(fs.readFileSync(path.join(examples, f), 'utf8'), { schema: 'core' }) as unknown;
      expect(validate(doc), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate(parse('components:\n  ram: { type: ram, base: banana, size: 4k }\n', { schema: 'core' }))).toBe(false);
    expect(validate(parse('components:\n  ram: { type: ram, base: 0x8000_0000, size: 4k, bsae: 1 }\n', { schema: 'core' }))).toBe(false);
    expect(validate(parse('components:\n  ram: { type: rma, base: 0, size: 4k }\n', { schema: 'core' }))).toBe(false);
    expect(validate(parse('name: x\nbood: {}\ncomponents: {}\n', { schema: 'core' }))).toBe(false);
  });
});
