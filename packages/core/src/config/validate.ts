/**
 * Validation and coercion of machine-file values against JSON Schemas (ajv).
 *
 * The `x-tessera` annotation (see schema-helpers.ts) is an ajv keyword with `modifying:
 * true`: wherever it appears in a schema — nested in objects, arrays, `oneOf` branches — it
 * turns what people write (`0x8000_0000`, `512MiB`, `10MHz`, `plic:10`, a relative path)
 * into what a component receives, and checks that references name components of the
 * machine. ajv evaluates custom keywords after the core ones of the same schema object, so
 * `type`/`oneOf`/`pattern` have already accepted the written form when it runs.
 *
 * ajv's messages are rewritten into plain words with the file position of the offending
 * value; only the first error is reported (one line per error).
 */

import * as path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction, type AnySchemaObject } from 'ajv';
import { ConfigError } from '../util/errors.js';
import type { JsonSchema, IrqRef } from '../plugin/types.js';
import { parseFrequency, parseSize, type TesseraAnnotation } from './schema-helpers.js';
import type { PositionMap } from './source.js';
import type { SourcePos } from './types.js';

/** What the `x-tessera` keyword needs while one value tree is being validated. */
export interface CoercionScope {
  /** Absolute JSON path of the validated value (`/components/uart0`). */
  readonly prefix: string;
  readonly positions: PositionMap;
  /** Names of the machine's components (targets of `ref` and irq controllers). */
  readonly components: ReadonlySet<string>;
  /** Filled with every component referenced. */
  readonly references: Set<string>;
  /** Directory for paths written on the command line. */
  readonly cwd: string;
  /**
   * The links a multi-machine file declares (name -> link type name). When present, every
   * `link()` option must name one of them, of the type it asks for; when absent, any name.
   */
  readonly links?: ReadonlyMap<string, string>;
  /** Filled with every link named. */
  readonly linkReferences?: Set<string>;
}

let scope: CoercionScope | undefined;

const EXAMPLES: Record<TesseraAnnotation, string> = {
  address: 'an address like 0x1000_0000',
  size: 'a size like 512MiB or 0x1000',
  frequency: 'a frequency like 10MHz',
  irq: 'an interrupt like plic:10 or cpus:0:meip',
  ref: 'the name of a component',
  file: 'a file path',
  link: 'the name of a link',
};

function coerce(kind: unknown, data: unknown, parentSchema: AnySchemaObject | undefined, dataCxt: { instancePath: string; parentData: Record<string | number, unknown>; parentDataProperty: string | number } | undefined): true | string {
  const s = scope;
  if (s === undefined || dataCxt === undefined) return true;
  const abs = s.prefix + dataCxt.instancePath;
  const put = (v: unknown): true => {
    if (dataCxt.parentData !== undefined) dataCxt.parentData[dataCxt.parentDataProperty] = v;
    return true;
  };
  switch (kind as TesseraAnnotation) {
    case 'address':
    case 'size': {
      const v = parseSize(data as string | number);
      if (v === undefined) return `expected ${EXAMPLES[kind as TesseraAnnotation]}, got ${show(data)}`;
      return put(v);
    }
    case 'frequency': {
      const v = parseFrequency(data as string | number);
      if (v === undefined) return `expected ${EXAMPLES.frequency}, got ${show(data)}`;
      return put(v);
    }
    case 'ref': {
      if (typeof data !== 'string') return `expected ${EXAMPLES.ref}, got ${show(data)}`;
      if (!s.components.has(data)) return unknownComponent(data, s.components);
      s.references.add(data);
      return true;
    }
    case 'irq': {
      let controller: string;
      let line: string | number;
      if (typeof data === 'string') {
        const i = data.indexOf(':');
        if (i <= 0 || i === data.length - 1) return `expected ${EXAMPLES.irq}, got ${show(data)}`;
        controller = data.slice(0, i);
        line = data.slice(i + 1);
      } else if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
        const o = data as Record<string, unknown>;
        if (typeof o.controller !== 'string' || (typeof o.line !== 'string' && typeof o.line !== 'number')) {
          return `expected ${EXAMPLES.irq}, got ${show(data)}`;
        }
        controller = o.controller;
        line = o.line;
      } else {
        return `expected ${EXAMPLES.irq}, got ${show(data)}`;
      }
      // Numeric-looking lines are numbers: a PLIC source, a GIC INTID.
      if (typeof line === 'string' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(line)) line = Number(line);
      if (!s.components.has(controller)) return unknownComponent(controller, s.components, 'interrupt controller');
      s.references.add(controller);
      const ref: IrqRef = { controller, line };
      return put(ref);
    }
    case 'link': {
      if (typeof data !== 'string' || data === '') return `expected ${EXAMPLES.link}, got ${show(data)}`;
      const wanted = typeof parentSchema?.['x-tessera-link'] === 'string' ? (parentSchema['x-tessera-link'] as string) : undefined;
      if (s.links !== undefined) {
        const type = s.links.get(data);
        if (type === undefined) {
          const names = [...s.links.keys()];
          const close = didYouMean(data, names);
          const known = names.length === 0 ? 'this file declares no links' : `links: ${names.join(', ')}`;
          return `no link named '${data}' under links:${close ? ` (did you mean '${close}'?)` : ` (${known})`}`;
        }
        if (wanted !== undefined && type !== wanted) return `link '${data}' is a '${type}', expected a '${wanted}'`;
      }
      s.linkReferences?.add(data);
      return true;
    }
    case 'file': {
      if (typeof data !== 'string' || data === '') return `expected ${EXAMPLES.file}, got ${show(data)}`;
      const where = s.positions.valueAt(abs).file;
      // Paths from the command line resolve against the working directory, paths in a
      // machine file against that file's folder.
      const base = where.startsWith('<') ? s.cwd : path.dirname(where);
      return put(path.resolve(base, data));
    }
    default:
      return true;
  }
}

function unknownComponent(name: string, components: ReadonlySet<string>, what = 'component'): string {
  const close = didYouMean(name, [...components]);
  return `no component named '${name}' in this machine${what === 'component' ? '' : ` (expected the ${what}'s name)`}${close ? ` (did you mean '${close}'?)` : ''}`;
}

function makeAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, useDefaults: true, allowUnionTypes: true });
  ajv.addKeyword({
    keyword: 'x-tessera',
    modifying: true,
    errors: true,
    schemaType: 'string',
    validate: function xTessera(
      this: unknown,
      kind: unknown,
      data: unknown,
      _parentSchema?: AnySchemaObject,
      dataCxt?: { instancePath: string; parentData: Record<string | number, unknown>; parentDataProperty: string | number },
    ): boolean {
      const r = coerce(kind, data, _parentSchema, dataCxt);
      if (r === true) return true;
      (xTessera as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: 'x-tessera', message: r, params: { annotation: kind } }];
      return false;
    },
  });
  ajv.addKeyword({ keyword: 'x-tessera-api', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'x-tessera-link', schemaType: 'string' });
  return ajv;
}

const ajv = makeAjv();
const compiled = new WeakMap<object, ValidateFunction>();

function compile(schema: JsonSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (v === undefined) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Check a schema compiles (a plugin's schema is its author's bug, not the user's). */
export function compileSchema(schema: JsonSchema): void {
  compile(schema);
}

export interface ValidateOptions {
  /** What the validated map is, in messages: `option` (a component's) or `key`. */
  readonly noun?: string;
  /** Appended to unknown-option messages, e.g. ` for type 'ram'`. */
  readonly context?: string;
}

/**
 * Validate `data` (modified in place: coerced values are written back) against `schema`.
 * Throws a ConfigError at the offending value's position.
 */
export function validateValue(schema: JsonSchema, data: unknown, s: CoercionScope, opts: ValidateOptions = {}): void {
  const validate = compile(schema);
  const saved = scope;
  scope = s;
  let ok: boolean;
  try {
    ok = validate(data) as boolean;
  } finally {
    scope = saved;
  }
  if (ok) return;
  const errors = validate.errors ?? [];
  const err = pickError(errors);
  throw explain(err, s, opts);
}

/**
 * The most useful error of ajv's list (allErrors is on, so a typo'd key is reported rather
 * than the required key it hides): branch errors of a failed `oneOf`/`anyOf` about the
 * same value are replaced by the `oneOf` itself; then an unknown key, then an annotated
 * value's own message, then the first remaining error.
 */
function pickError(errors: readonly ErrorObject[]): ErrorObject {
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const kept = errors.filter((e) => {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') return true;
    // `#/properties/p/oneOf/1/type` is a branch error of `#/properties/p/oneOf`.
    return !alternatives.some((a) => e.instancePath === a.instancePath && e.schemaPath.startsWith(a.schemaPath + '/'));
  });
  const list = kept.length > 0 ? kept : errors;
  return (
    list.find((e) => e.keyword === 'additionalProperties') ??
    list.find((e) => e.keyword === 'x-tessera') ??
    list.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf') ??
    list[0]!
  );
}

function isAnnotated(s: AnySchemaObject | undefined): boolean {
  return s !== undefined && typeof s['x-tessera'] === 'string';
}

function explain(e: ErrorObject, s: CoercionScope, opts: ValidateOptions): ConfigError {
  const abs = s.prefix + e.instancePath;
  const noun = opts.noun ?? 'key';
  const parent = e.parentSchema;
  const annotation = isAnnotated(parent) ? (parent!['x-tessera'] as TesseraAnnotation) : undefined;
  const at = (p: SourcePos, jsonPath: string, detail: string): ConfigError => new ConfigError(p.file, p.line, p.column, jsonPath, detail);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const p = abs + '/' + extra.replace(/~/g, '~0').replace(/\//g, '~1');
      const known = Object.keys((parent?.properties as Record<string, unknown> | undefined) ?? {});
      const close = didYouMean(extra, known);
      const top = abs === s.prefix;
      const what = top ? noun : 'key';
      const ctx = top ? (opts.context ?? '') : '';
      const hint = close ? ` (did you mean '${close}'?)` : known.length > 0 && known.length <= 8 ? ` (known: ${known.join(', ')})` : '';
      return at(s.positions.keyAt(p), p, `unknown ${what} '${extra}'${ctx}${hint}`);
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const top = abs === s.prefix;
      return at(s.positions.valueAt(abs), abs, `missing required ${top ? noun : 'key'} '${missing}'${top ? (opts.context ?? '') : ''}`);
    }
    case 'x-tessera':
      return at(s.positions.valueAt(abs), abs, e.message ?? 'invalid value');
    case 'type': {
      const detail = annotation !== undefined ? `expected ${EXAMPLES[annotation]}` : `expected ${typeWords(params.type)}`;
      return at(s.positions.valueAt(abs), abs, `${detail}, got ${show(e.data)}`);
    }
    case 'oneOf':
    case 'anyOf': {
      const detail = annotation !== undefined ? `expected ${EXAMPLES[annotation]}` : `expected ${describeAlternatives(parent?.[e.keyword] as AnySchemaObject[] | undefined)}`;
      return at(s.positions.valueAt(abs), abs, `${detail}, got ${show(e.data)}`);
    }
    case 'pattern':
      return at(s.positions.valueAt(abs), abs, annotation !== undefined ? `expected ${EXAMPLES[annotation]}, got ${show(e.data)}` : `expected text matching /${String(params.pattern)}/, got ${show(e.data)}`);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => show(v));
      const close = typeof e.data === 'string' ? didYouMean(e.data, (params.allowedValues as unknown[]).filter((v): v is string => typeof v === 'string')) : undefined;
      return at(s.positions.valueAt(abs), abs, `expected one of ${allowed.join(', ')}, got ${show(e.data)}${close ? ` (did you mean '${close}'?)` : ''}`);
    }
    case 'const':
      return at(s.positions.valueAt(abs), abs, `expected ${show(params.allowedValue)}, got ${show(e.data)}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return at(s.positions.valueAt(abs), abs, `expected a number ${String(params.comparison)} ${String(params.limit)}, got ${show(e.data)}`);
    case 'minItems':
      return at(s.positions.valueAt(abs), abs, `expected at least ${String(params.limit)} item(s), got ${(e.data as unknown[]).length}`);
    case 'maxItems':
      return at(s.positions.valueAt(abs), abs, `expected at most ${String(params.limit)} item(s), got ${(e.data as unknown[]).length}`);
    case 'minProperties':
      return at(s.positions.valueAt(abs), abs, `expected at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}, got ${Object.keys(e.data as object).length}`);
    case 'minLength':
      return at(s.positions.valueAt(abs), abs, `expected at least ${String(params.limit)} character(s), got ${show(e.data)}`);
    case 'maxLength':
      return at(s.positions.valueAt(abs), abs, `expected at most ${String(params.limit)} character(s), got ${show(e.data)}`);
    case 'multipleOf':
      return at(s.positions.valueAt(abs), abs, `expected a multiple of ${String(params.multipleOf)}, got ${show(e.data)}`);
    case 'uniqueItems':
      return at(s.positions.valueAt(abs), abs, `expected no repeated items (items ${String(params.j)} and ${String(params.i)} are the same)`);
    default:
      return at(s.positions.valueAt(abs), abs, `${e.message ?? 'invalid value'}${e.data !== undefined ? `, got ${show(e.data)}` : ''}`);
  }
}

function typeWords(t: unknown): string {
  const one = (x: string): string =>
    ({ integer: 'an integer', number: 'a number', string: 'text', boolean: 'true or false', object: 'a map', array: 'a list', null: 'nothing (null)' })[x] ?? x;
  const list = Array.isArray(t) ? t : String(t).split(',');
  return list.map((x) => one(String(x))).join(' or ');
}

function describeAlternatives(alts: AnySchemaObject[] | undefined): string {
  if (alts === undefined || alts.length === 0) return 'a valid value';
  const words = alts.map((a) => {
    if (typeof a !== 'object' || a === null) return 'a value';
    if (isAnnotated(a)) return EXAMPLES[a['x-tessera'] as TesseraAnnotation];
    if (a.const !== undefined) return show(a.const);
    if (Array.isArray(a.enum)) return a.enum.map((v: unknown) => show(v)).join(', ');
    if (a.type !== undefined) return typeWords(a.type);
    return 'a value';
  });
  return [...new Set(words)].join(' or ');
}

/** A short rendering of a value in messages. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a map';
}

/** The closest candidate to `word` by edit distance, if close enough to be a likely typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
  if (bestD <= limit) return best;
  // A prefix of a longer name (`uart` for `uart0`) is also a likely slip.
  const prefixed = candidates.find((c) => c.toLowerCase().startsWith(w) || w.startsWith(c.toLowerCase()));
  return prefixed !== undefined && Math.min(prefixed.length, word.length) >= 3 ? prefixed : undefined;
}

/** Damerau–Levenshtein (optimal string alignment) distance: a swap (`bsae`) counts once. */
function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => {
    const row = new Array<number>(n + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= n; j++) d[0]![j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}
