import { describe, expect, it } from 'vitest';
import { address, irq, object, PositionMap, ref, size, validateValue, didYouMean, type CoercionScope, type JsonSchema } from '../src/index.js';

function scope(components: string[] = ['plic', 'cpus']): CoercionScope {
  return { prefix: '/components/x', positions: new PositionMap({ file: 'm.yaml', line: 1, column: 1 }), components: new Set(components), references: new Set(), cwd: '/' };
}

describe('validateValue', () => {
  it('coerces annotations behind $ref, inside oneOf, arrays and nested objects', () => {
    const schema: JsonSchema = {
      definitions: { region: object({ base: address(), size: size() }, ['base', 'size']) },
      type: 'object',
      properties: {
        regions: { type: 'array', items: { $ref: '#/definitions/region' } },
        irqs: { type: 'object', additionalProperties: irq() },
        parent: ref('interrupt controller'),
        either: { oneOf: [{ type: 'boolean' }, address()] },
      },
    };
    const data = { regions: [{ base: '0x1000_0000', size: '4k' }], irqs: { rx: 'plic:0x20', tx: 'cpus:0:meip' }, parent: 'plic', either: '1MiB' };
    const s = scope();
    validateValue(schema, data, s);
    expect(data).toEqual({
      regions: [{ base: 0x1000_0000, size: 4096 }],
      irqs: { rx: { controller: 'plic', line: 32 }, tx: { controller: 'cpus', line: '0:meip' } },
      parent: 'plic',
      either: 1 << 20,
    });
    expect([...s.references].sort()).toEqual(['cpus', 'plic']);
  });

  it('explains errors in plain words', () => {
    const schema = object({ n: { type: 'integer', minimum: 1 }, list: { type: 'array', items: { type: 'string' }, minItems: 2 }, k: { const: 'x' } });
    const msg = (data: unknown): string => {
      try {
        validateValue(schema, data, scope());
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(msg({ n: 0 })).toBe('m.yaml:1:1: /components/x/n: expected a number >= 1, got 0');
    expect(msg({ list: ['a'] })).toBe('m.yaml:1:1: /components/x/list: expected at least 2 item(s), got 1');
    expect(msg({ list: ['a', 3] })).toBe('m.yaml:1:1: /components/x/list/1: expected text, got 3');
    expect(msg({ k: 'y' })).toBe('m.yaml:1:1: /components/x/k: expected "x", got "y"');
    expect(msg({ n: 1, zz: 1 })).toBe("m.yaml:1:1: /components/x/zz: unknown key 'zz' (known: n, list, k)");
  });

  it('suggests close names', () => {
    expect(didYouMean('bsae', ['base', 'size'])).toBe('base');
    expect(didYouMean('uart', ['uart0', 'plic'])).toBe('uart0');
    expect(didYouMean('zzzz', ['base', 'size'])).toBeUndefined();
  });
});
