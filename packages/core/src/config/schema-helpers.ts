/**
 * Schema building blocks for component options.
 *
 * Plugins describe their options in JSON Schema; these helpers add the `x-tessera`
 * annotation that tells the machine loader how to read a value the way people write it
 * and what it refers to:
 *
 * | helper      | YAML accepts                              | the component receives        |
 * |-------------|-------------------------------------------|-------------------------------|
 * | `address()` | `0x8000_0000`, `2147483648`, `2GiB`       | number                        |
 * | `size()`    | `512MiB`, `0x1000`, `4k`, `1_000_000`     | number                        |
 * | `ref()`     | a component name                          | string (checked to exist)     |
 * | `irq()`     | `plic:10`, `cpus:0:meip`, `{controller, line}` | {@link IrqRef}           |
 * | `file()`    | a path relative to the machine file       | absolute path                 |
 * | `frequency()`| `10MHz`, `1_000_000_000`, `1GHz`         | number (Hz)                   |
 * | `link()`    | the name of a link (`lan0`)               | string (checked against `links:` of a multi-machine file) |
 */

import type { JsonSchema } from '../plugin/types.js';

export type TesseraAnnotation = 'address' | 'size' | 'ref' | 'irq' | 'file' | 'frequency' | 'link';

const numberOrString = { type: ['integer', 'string'] };

export function address(description?: string): JsonSchema {
  return { ...numberOrString, 'x-tessera': 'address', ...(description ? { description } : {}) };
}

export function size(description?: string): JsonSchema {
  return { ...numberOrString, 'x-tessera': 'size', ...(description ? { description } : {}) };
}

export function frequency(description?: string): JsonSchema {
  return { ...numberOrString, 'x-tessera': 'frequency', ...(description ? { description } : {}) };
}

/**
 * A reference to another component by name. `api` names what the referenced component must
 * provide (documentation and error messages: "an interrupt controller", "a CPU cluster").
 */
export function ref(api?: string, description?: string): JsonSchema {
  return { type: 'string', 'x-tessera': 'ref', ...(api ? { 'x-tessera-api': api } : {}), ...(description ? { description } : {}) };
}

export function irq(description?: string): JsonSchema {
  return {
    'x-tessera': 'irq',
    oneOf: [
      { type: 'string', pattern: '^[A-Za-z_][\\w.-]*(:[\\w.-]+)+$' },
      {
        type: 'object',
        required: ['controller', 'line'],
        additionalProperties: false,
        properties: { controller: { type: 'string' }, line: { type: ['integer', 'string'] } },
      },
    ],
    ...(description ? { description } : {}),
  };
}

/**
 * The name of a link of type `linkType` (e.g. a NIC's switch). In a multi-machine file that
 * declares `links:`, the name must be one of them and of that type; elsewhere any name is
 * accepted (the plugin creates the link on first use).
 */
export function link(linkType: string, description?: string): JsonSchema {
  return { type: 'string', minLength: 1, 'x-tessera': 'link', 'x-tessera-link': linkType, ...(description ? { description } : {}) };
}

export function file(description?: string): JsonSchema {
  return { type: 'string', 'x-tessera': 'file', ...(description ? { description } : {}) };
}

/** An object schema with `additionalProperties: false` (typos in machine files are errors). */
export function object(properties: Record<string, JsonSchema>, required: string[] = [], description?: string): JsonSchema {
  return { type: 'object', properties, required, additionalProperties: false, ...(description ? { description } : {}) };
}

/**
 * Parse a size or address as people write it: decimal, `0x` hex, `0b` binary, `0o` octal,
 * `_` separators, and binary (`KiB`, `MiB`, `GiB`, `TiB`, or `K`, `M`, `G`, `T`) or decimal
 * (`kB`, `MB`, `GB`) unit suffixes. Returns undefined if the text is not one.
 */
export function parseSize(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isSafeInteger(text) && text >= 0 ? text : undefined;
  const m = /^\s*(0x[0-9a-f_]+|0b[01_]+|0o[0-7_]+|[0-9][0-9_]*(?:\.[0-9]+)?)\s*([kmgtKMGT](?:i?[bB])?)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const numText = m[1]!.replace(/_/g, '');
  let value: number;
  if (/^0[xbo]/i.test(numText)) value = Number(numText.toLowerCase());
  else value = Number(numText);
  if (!Number.isFinite(value)) return undefined;
  const unit = m[2];
  if (unit !== undefined) {
    const letter = unit[0]!.toLowerCase();
    const exp = { k: 1, m: 2, g: 3, t: 4 }[letter as 'k' | 'm' | 'g' | 't'];
    const decimal = /^[kmgt]b$/i.test(unit) && !/i/i.test(unit.slice(1));
    value *= (decimal ? 1000 : 1024) ** exp;
  }
  if (!Number.isSafeInteger(value) || value < 0) return undefined;
  return value;
}

/** Parse `10MHz`, `1GHz`, `32768Hz`, `1_000_000`. */
export function parseFrequency(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? text : undefined;
  const m = /^\s*([0-9][0-9_]*(?:\.[0-9]+)?)\s*(k|M|G)?(Hz)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const v = Number(m[1]!.replace(/_/g, '')) * ({ k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1);
  return Number.isFinite(v) && v > 0 ? Math.round(v) : undefined;
}
