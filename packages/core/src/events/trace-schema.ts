/**
 * The schema of `--trace` lines (TRACE.md in machine-checkable form): every event has `kind`,
 * `t` and `src`; the kinds listed here have their required fields checked. Kinds not listed
 * (device errors, plugin-specific kinds) need only the common fields. Additional fields are
 * allowed everywhere: a CPU may add its own (RISC-V `virt`, Arm `ec`/`esr`).
 */

import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonSchema } from '../plugin/types.js';

const hex = { type: 'string', pattern: '^0x[0-9a-f]+$' } as const;
const int = { type: 'integer', minimum: 0 } as const;
const str = { type: 'string' } as const;

function kind(required: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', required: Object.keys(required), properties: required };
}

const trap = kind({ hart: int, cause: str, from: str, to: str, pc: hex, tval: hex });

/** Required fields per event kind. */
export const TRACE_KINDS: Readonly<Record<string, JsonSchema>> = {
  'cpu.exception': trap,
  'cpu.interrupt': trap,
  'cpu.firmware-unhandled': kind({ level: int, esr: { type: ['integer', 'string'] } }),
  'psci.cpu-on': kind({ cpu: int, el: int }),
  'psci.cpu-off': kind({ cpu: int }),
  'hyp.exit': kind({ partition: str, vcpu: int, reason: str, pc: hex }),
  'hyp.blocked': kind({ partition: str, vcpu: int, access: str, address: hex, pc: hex }),
  'hyp.partition.off': kind({ partition: str, exitCode: { type: 'integer' } }),
  'hyp.partition.reboot': kind({ partition: str }),
  'irq.inject': kind({ partition: str, vcpu: int, hart: int, irq: str, level: { type: 'boolean' } }),
  mmio: kind({ machine: str, op: { enum: ['read', 'write'] }, offset: int, addr: int, size: { enum: [1, 2, 4, 8] } }),
  'power.off': kind({ machine: str, exitCode: { type: 'integer' } }),
  'power.reset': kind({ machine: str }),
  'power.error': kind({ offset: int, size: int, message: str }),
};

/** The JSON Schema of one trace line. */
export const traceEventSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Tessera trace event (one line of tessera run --trace)',
  type: 'object',
  required: ['kind', 't', 'src'],
  properties: { kind: { type: 'string', pattern: '^[a-z0-9-]+(\\.[a-z0-9-]+)*$' }, t: { type: 'number', minimum: 0 }, src: str },
  allOf: Object.entries(TRACE_KINDS).map(([k, schema]) => ({ if: { properties: { kind: { const: k } } }, then: schema })),
};

let validator: ValidateFunction | undefined;

/** Check one parsed trace line; undefined if it conforms, else the first problem. */
export function checkTraceEvent(e: unknown): string | undefined {
  validator ??= new Ajv({ strict: false, allErrors: false }).compile(traceEventSchema);
  if (validator(e)) return undefined;
  const err = validator.errors?.[0];
  return `${(e as { kind?: unknown })?.kind ?? '?'}${err?.instancePath ?? ''}: ${err?.message ?? 'invalid'}`;
}
