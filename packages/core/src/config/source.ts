/**
 * Reading YAML with source positions.
 *
 * A machine file becomes a plain JSON-like value plus two maps from JSON paths
 * (`/components/uart0/base`, RFC 6901 escaping) to where the value, and where the key that
 * names it, were written. Every later error — from schema validation, from reference
 * checks, from a plugin's `create` — is reported at one of these positions.
 *
 * YAML 1.2 core schema (so `0x8000_0000` stays text for the size/address parser and `on`
 * is not a boolean); a key written twice in one map is an error.
 */

import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { ConfigError } from '../util/errors.js';
import type { SourcePos } from './types.js';

/** Path -> position of values and of the keys naming them. */
export class PositionMap {
  readonly values = new Map<string, SourcePos>();
  readonly keys = new Map<string, SourcePos>();

  constructor(readonly fallback: SourcePos) {}

  /** Where the value at `path` was written; the nearest written ancestor if it was not. */
  valueAt(path: string): SourcePos {
    for (let p = path; ; p = parentPath(p)) {
      const hit = this.values.get(p);
      if (hit !== undefined) return hit;
      if (p === '') return this.fallback;
    }
  }

  /** Where the key of `path` was written (falls back to its value, then its ancestors). */
  keyAt(path: string): SourcePos {
    return this.keys.get(path) ?? this.valueAt(path);
  }

  /** Copy the positions of `path` and everything under it from `from`. */
  copySubtree(from: PositionMap, path: string, value: unknown): void {
    const v = from.values.get(path);
    if (v !== undefined) this.values.set(path, v);
    const k = from.keys.get(path);
    if (k !== undefined) this.keys.set(path, k);
    forEachChild(value, (child, key) => this.copySubtree(from, childPath(path, key), child));
  }

  /** Forget the positions of everything under `path` (not `path` itself). */
  dropBelow(path: string, value: unknown): void {
    forEachChild(value, (child, key) => {
      const p = childPath(path, key);
      this.values.delete(p);
      this.keys.delete(p);
      this.dropBelow(p, child);
    });
  }
}

function forEachChild(value: unknown, f: (child: unknown, key: string) => void): void {
  if (Array.isArray(value)) value.forEach((c, i) => f(c, String(i)));
  else if (isPlainObject(value)) for (const [k, c] of Object.entries(value)) f(c, k);
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** RFC 6901 escaping of one path segment. */
export function escapeSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function childPath(path: string, key: string | number): string {
  return `${path}/${escapeSegment(String(key))}`;
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '' : path.slice(0, i);
}

export interface ParsedSource {
  readonly file: string;
  readonly value: unknown;
  readonly positions: PositionMap;
}

/**
 * Parse YAML text. `file` names the source in positions (a path, or `<--set>`);
 * `lineOffset`/`columnOffset` shift positions for text embedded in something larger.
 */
export function parseYamlSource(text: string, file: string, opts: { line?: number; columnOffset?: number } = {}): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    schema: 'core',
    version: '1.2',
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    keepSourceTokens: false,
  });
  const at = (offset: number): SourcePos => {
    const lp = lineCounter.linePos(offset);
    return opts.line !== undefined
      ? { file, line: opts.line, column: lp.col + (opts.columnOffset ?? 0) }
      : { file, line: lp.line, column: lp.col };
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = at(e.pos[0]);
    let detail: string;
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^[^\s:#]*/.exec(text.slice(e.pos[0]))![0] || 'key';
      detail = `duplicate key '${key}' (a key may appear only once in a map)`;
    } else {
      detail = `YAML syntax error: ${firstLine(e.message)}`;
    }
    throw new ConfigError(pos.file, pos.line, pos.column, '', detail);
  }
  const positions = new PositionMap({ file, line: 1, column: 1 });
  const value = toValue(doc, doc.contents as YamlNode | null, '', positions, at, 0);
  return { file, value, positions };
}

function firstLine(s: string): string {
  const line = s.split('\n')[0]!.trim();
  // The yaml package appends " at line N, column M"; we print our own position.
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function toValue(
  doc: Document,
  node: YamlNode | null,
  path: string,
  positions: PositionMap,
  at: (offset: number) => SourcePos,
  depth: number,
): unknown {
  if (node === null || node === undefined) return null;
  if (depth > 64) {
    const p = at(node.range?.[0] ?? 0);
    throw new ConfigError(p.file, p.line, p.column, path, 'nested too deeply (more than 64 levels; a recursive alias?)');
  }
  if (node.range) positions.values.set(path, at(node.range[0]));
  if (isAlias(node)) {
    const target = node.resolve(doc);
    return toValue(doc, (target ?? null) as YamlNode | null, path, positions, at, depth + 1);
  }
  if (isScalar(node)) return node.value === undefined ? null : node.value;
  if (isSeq(node)) {
    return node.items.map((item, i) => toValue(doc, item as YamlNode | null, childPath(path, i), positions, at, depth + 1));
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = pair.key as YamlNode | null;
      if (!isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number' && typeof k.value !== 'boolean')) {
        const p = at((k as YamlNode | null)?.range?.[0] ?? node.range?.[0] ?? 0);
        throw new ConfigError(p.file, p.line, p.column, path, 'map keys must be plain text');
      }
      const key = String(k.value);
      const cp = childPath(path, key);
      if (k.range) positions.keys.set(cp, at(k.range[0]));
      const v = pair.value as YamlNode | null;
      if (v === null || v === undefined || !v.range) {
        // `key:` with nothing after it: a null at the key's place.
        if (k.range) positions.values.set(cp, at(k.range[0]));
      }
      const child = toValue(doc, v, cp, positions, at, depth + 1);
      // `__proto__` as a key must stay data, not replace the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: child, enumerable: true, writable: true, configurable: true });
      else out[key] = child;
    }
    return out;
  }
  return null;
}
