/**
 * The machine-file loader: YAML with positions -> includes merged -> command-line
 * overrides -> plugins loaded -> every component's options validated and coerced.
 *
 * Merge rules (Renode's `using` is the model): included files first, in order, then the
 * including file; `plugins:` lists are joined; components merge by name — a later map's
 * keys override earlier ones deeply, a different `type` replaces the whole component, and
 * `null` deletes it. `--set path=value` and the QEMU-style flags (`--smp`, `-m`,
 * `--kernel`, ...) are applied last, as if written in one more file whose positions point
 * at the command line.
 *
 * A machine *body* (everything but `include:`) is validated from a JSON-path prefix, so a
 * multi-machine file (`machines:` + `links:`) can reuse {@link loadBody} for each sub-tree.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, SimError } from '../util/errors.js';
import type { PluginRegistry } from '../plugin/registry.js';
import type { BootOptions, JsonSchema } from '../plugin/types.js';
import { file, object } from './schema-helpers.js';
import { childPath, isPlainObject, parseYamlSource, PositionMap, type ParsedSource } from './source.js';
import type { ComponentConfig, MachineConfig, SourcePos } from './types.js';
import { didYouMean, validateValue, compileSchema } from './validate.js';

/** QEMU-style command-line overrides. Paths resolve against `cwd`. */
export interface CliOverrides {
  /** `--smp N`: `count` of the component named by `smp:`. */
  readonly smp?: number | string;
  /** `-m/--memory SIZE`: `size` of the component named by `memory:` (a bare number means MiB, as in QEMU). */
  readonly memory?: string | number;
  readonly firmware?: string;
  readonly kernel?: string;
  readonly initrd?: string;
  readonly dtb?: string;
  readonly append?: string;
}

export interface LoadOptions {
  readonly registry: PluginRegistry;
  /** `--set path=value` overrides, applied in order. */
  readonly sets?: readonly string[];
  readonly overrides?: CliOverrides;
  /** Directory for command-line paths (default: process.cwd()). */
  readonly cwd?: string;
}

/** The static schema of a machine body (the top level of a single-machine file). */
export const machineBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['components'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'machine name' },
    description: { type: 'string', description: 'one line saying what this machine is' },
    plugins: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'packages providing the component types' },
    smp: { type: 'string', description: 'component whose `count` the CLI\'s --smp sets' },
    memory: { type: 'string', description: 'component whose `size` -m/--memory sets' },
    boot: object(
      {
        firmware: file('firmware image (M-mode / EL3), relative to this file'),
        kernel: file('kernel image'),
        initrd: file('initial ramdisk'),
        dtb: file('device tree blob to use instead of the generated one'),
        append: { type: 'string', description: 'kernel command line' },
      },
      [],
      'boot images and arguments; command-line flags override them',
    ),
    components: {
      type: 'object',
      description: 'components by name: options plus `type`',
      additionalProperties: { type: 'object' },
    },
  },
};

/** Load, merge, override and validate a machine file. Every failure is a ConfigError. */
export async function loadMachine(file: string, opts: LoadOptions): Promise<MachineConfig> {
  const cwd = opts.cwd ?? process.cwd();
  const top = path.resolve(cwd, file);
  const layer = readLayer(top, [], undefined);
  applySets(layer, opts.sets ?? []);
  applyOverrides(layer, opts.overrides ?? {});
  return loadBody(layer.value, layer.positions, '', { file: top, registry: opts.registry, cwd });
}

export interface Layer {
  readonly file: string;
  value: Record<string, unknown>;
  readonly positions: PositionMap;
}

export function errAt(p: SourcePos, jsonPath: string, detail: string, hint?: string): ConfigError {
  return errAtTop(p, jsonPath, detail, hint);
}

function errAtTop(p: SourcePos, jsonPath: string, detail: string, hint?: string): ConfigError {
  const e = new ConfigError(p.file, p.line, p.column, jsonPath, detail);
  if (hint !== undefined) Object.defineProperty(e, 'hint', { value: hint, enumerable: true });
  return e;
}

/** Read a machine file as text, with one clear message if it cannot be read. */
export function readMachineText(file: string, from: SourcePos | undefined, fromPath = '/include'): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    const what = from === undefined ? 'machine file' : 'included file';
    const detail = code === 'ENOENT' ? `${what} '${file}' does not exist` : `cannot read ${what} '${file}': ${(e as Error).message}`;
    if (from !== undefined) throw errAt(from, fromPath, detail);
    throw new SimError(detail, code === 'ENOENT' ? 'check the path (machines live in machines/)' : undefined);
  }
}

/** Read one file and the files it includes, merged. `from` is where it was included. */
function readLayer(file: string, stack: readonly string[], from: SourcePos | undefined, fromPath = '/include'): Layer {
  const text = readMachineText(file, from, fromPath);
  const parsed: ParsedSource = parseYamlSource(text, file);
  if (!isPlainObject(parsed.value)) {
    const p = parsed.positions.valueAt('');
    throw errAt(p, '', `expected a machine description (a map with name, plugins and components), got ${parsed.value === null ? 'an empty file' : 'a ' + (Array.isArray(parsed.value) ? 'list' : 'single value')}`);
  }
  return composeLayer(file, parsed.value, parsed.positions, stack, '');
}

/**
 * Merge the machine body `own` (positions keyed from the body's root) over the files its
 * `include:` names. `file` is the file the body is written in: includes and plugin paths
 * are relative to it. `at` is the body's JSON path there, for messages (`''`, or
 * `/machines/NAME` in a multi-machine file).
 */
export function composeLayer(file: string, own: Record<string, unknown>, ownPositions: PositionMap, stack: readonly string[], at: string): Layer {
  const dir = path.dirname(file);

  // Plugin paths are relative to the file that names them.
  if (Array.isArray(own.plugins)) {
    own.plugins = own.plugins.map((p) => (typeof p === 'string' && p.startsWith('.') ? path.resolve(dir, p) : p));
  }

  // Without includes the file's own position map is the layer's (nothing to copy).
  const merged: Layer = { file, value: {}, positions: own.include === undefined ? ownPositions : new PositionMap(ownPositions.fallback) };
  if (own.include !== undefined) {
    const inc = own.include;
    const list = typeof inc === 'string' ? [inc] : inc;
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
      throw errAt(ownPositions.valueAt('/include'), `${at}/include`, 'expected a file name or a list of file names');
    }
    list.forEach((name, i) => {
      const incPath = path.resolve(dir, name as string);
      const incPos = ownPositions.valueAt(typeof inc === 'string' ? '/include' : `/include/${i}`);
      if (incPath === file || stack.includes(incPath)) {
        const chain = [...stack, file, incPath].map((f) => path.basename(f)).join(' -> ');
        throw errAt(incPos, `${at}/include`, `include cycle: ${chain}`);
      }
      const sub = readLayer(incPath, [...stack, file], incPos, `${at}/include`);
      mergeLayer(merged, sub.value, sub.positions);
    });
    delete own.include;
  }
  mergeLayer(merged, own, ownPositions);
  return merged;
}

/** A sink for position updates when source and destination share one map. */
const NO_POSITIONS = new (class extends PositionMap {
  override copySubtree(): void {}
  override dropBelow(): void {}
})({ file: '', line: 0, column: 0 });

/** Merge `src` (a machine body) into `dst` by the rules in this file's header. */
function mergeLayer(dst: Layer, src: Record<string, unknown>, srcPos: PositionMap): void {
  const d = dst.value;
  const pos = dst.positions === srcPos ? NO_POSITIONS : dst.positions;
  if (srcPos.values.has('')) pos.values.set('', srcPos.values.get('')!);
  for (const [key, value] of Object.entries(src)) {
    const kp = childPath('', key);
    if (key === 'plugins' && Array.isArray(value) && Array.isArray(d.plugins)) {
      const list = d.plugins as unknown[];
      value.forEach((v, j) => {
        if (list.includes(v)) return;
        list.push(v);
        const np = `/plugins/${list.length - 1}`;
        const vp = srcPos.values.get(`/plugins/${j}`);
        if (vp !== undefined) pos.values.set(np, vp);
      });
      continue;
    }
    if (key === 'components' && isPlainObject(value) && (d.components === undefined || isPlainObject(d.components))) {
      if (d.components === undefined) {
        d.components = {};
        const vp = srcPos.values.get(kp);
        if (vp !== undefined) pos.values.set(kp, vp);
        const kk = srcPos.keys.get(kp);
        if (kk !== undefined) pos.keys.set(kp, kk);
      }
      const comps = d.components as Record<string, unknown>;
      for (const [name, c] of Object.entries(value)) {
        const cp = childPath(kp, name);
        const old = comps[name];
        if (c === null) {
          if (old === undefined) {
            throw errAt(srcPos.valueAt(cp), cp, `component '${name}' has no options (give it a type; an empty entry only deletes a component from an included file)`);
          }
          pos.dropBelow(cp, old);
          delete comps[name];
          continue;
        }
        if (old === undefined || !isPlainObject(old) || !isPlainObject(c) || (c.type !== undefined && c.type !== old.type)) {
          if (old !== undefined) pos.dropBelow(cp, old);
          comps[name] = c;
          pos.copySubtree(srcPos, cp, c);
          continue;
        }
        mergeDeep(old, c, cp, pos, srcPos);
      }
      continue;
    }
    if (isPlainObject(value) && isPlainObject(d[key])) {
      mergeDeep(d[key] as Record<string, unknown>, value, kp, pos, srcPos);
      continue;
    }
    if (d[key] !== undefined) pos.dropBelow(kp, d[key]);
    d[key] = value;
    pos.copySubtree(srcPos, kp, value);
  }
}

function mergeDeep(dst: Record<string, unknown>, src: Record<string, unknown>, at: string, pos: PositionMap, srcPos: PositionMap): void {
  for (const [k, v] of Object.entries(src)) {
    const p = childPath(at, k);
    const old = dst[k];
    if (isPlainObject(old) && isPlainObject(v)) {
      mergeDeep(old, v, p, pos, srcPos);
      continue;
    }
    if (old !== undefined) pos.dropBelow(p, old);
    dst[k] = v;
    pos.copySubtree(srcPos, p, v);
  }
}

/** Put `value` (with positions relative to its own root) at `segments` of the layer. */
function setAt(layer: Layer, segments: readonly string[], parsed: ParsedSource, where: SourcePos, shown: string, at = ''): void {
  // Lists are indexed by number (`windows.1.size`); an index one past the end appends.
  let obj: Record<string, unknown> | unknown[] = layer.value;
  let p = '';
  const errAt = (w: SourcePos, jsonPath: string, detail: string): ConfigError => errAtTop(w, at + jsonPath, detail);
  const slot = (container: Record<string, unknown> | unknown[], seg: string, upTo: number): string => {
    if (!Array.isArray(container)) return seg;
    const n = /^(0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : NaN;
    if (!(n <= container.length)) {
      throw errAt(where, p, `${shown}: '${segments.slice(0, upTo).join('.')}' is a list of ${container.length} item(s); '${seg}' is not an index of it`);
    }
    return seg;
  };
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = slot(obj, segments[i]!, i);
    p = childPath(p, seg);
    let next = (obj as Record<string, unknown>)[seg];
    if (next === undefined) {
      if (p.startsWith('/components/') && i === 1) {
        const names = Object.keys((layer.value.components as Record<string, unknown> | undefined) ?? {});
        const close = didYouMean(seg, names);
        throw errAt(where, p, `${shown}: this machine has no component '${seg}'${close ? ` (did you mean '${close}'?)` : ''}`);
      }
      next = {};
      (obj as Record<string, unknown>)[seg] = next;
      layer.positions.values.set(p, where);
    }
    if (!isPlainObject(next) && !Array.isArray(next)) throw errAt(where, p, `${shown}: cannot set a key inside '${segments.slice(0, i + 1).join('.')}', which is not a map or a list`);
    obj = next as Record<string, unknown> | unknown[];
  }
  const last = slot(obj, segments[segments.length - 1]!, segments.length - 1);
  const full = childPath(p, last);
  const target = obj as Record<string, unknown>;
  if (target[last] !== undefined) layer.positions.dropBelow(full, target[last]);
  target[last] = parsed.value;
  // Re-root the parsed value's positions under `full`.
  for (const [k, v] of parsed.positions.values) layer.positions.values.set(full + k, v);
  for (const [k, v] of parsed.positions.keys) layer.positions.keys.set(full + k, v);
  layer.positions.values.set(full, where);
  layer.positions.keys.set(full, where);
}

function applySets(layer: Layer, sets: readonly string[]): void {
  applySetList(layer, sets.map((arg, i) => ({ arg, line: i + 1 })), '');
}

/** One `--set` argument and its place on the command line (the N-th --set is line N). */
export interface SetArg {
  readonly arg: string;
  readonly line: number;
  /** Characters of `arg` that chose the layer (`machines.left.`), skipped here but counted in columns. */
  readonly skip?: number;
}

/** Apply `--set` arguments to `layer`, whose JSON path in messages is `at`. */
export function applySetList(layer: Layer, sets: readonly SetArg[], at: string): void {
  sets.forEach(({ arg: full, line, skip = 0 }) => {
    const errAt = (w: SourcePos, jsonPath: string, detail: string): ConfigError => errAtTop(w, at + jsonPath, detail);
    const arg = full.slice(skip);
    const eq = arg.indexOf('=');
    if (eq <= 0) throw errAt({ file: '<--set>', line, column: 1 }, '', `expected path=value (like components.uart0.console=none), got ${JSON.stringify(arg)}`);
    const pathText = arg.slice(0, eq);
    const valueText = arg.slice(eq + 1);
    const where: SourcePos = { file: '<--set>', line, column: skip + eq + 2 };
    const segments = pathText.split('.');
    if (segments.some((s) => s === '')) {
      throw errAt({ file: '<--set>', line, column: 1 }, '', `'${pathText}' is not a dotted path like components.uart0.console`);
    }
    let parsed: ParsedSource;
    if (valueText.trim() === '') {
      parsed = { file: '<--set>', value: '', positions: new PositionMap(where) };
    } else {
      parsed = parseYamlSource(valueText, '<--set>', { line, columnOffset: skip + eq + 1 });
    }
    setAt(layer, segments, parsed, where, `--set ${full.slice(0, skip)}${pathText}`, at);
  });
}

/** Apply the QEMU-style flags to `layer`, whose JSON path in messages is `at`. */
export function applyOverrides(layer: Layer, o: CliOverrides, at = ''): void {
  const errAt = (w: SourcePos, jsonPath: string, detail: string): ConfigError => errAtTop(w, at + jsonPath, detail);
  const v = layer.value;
  const flagPos = (flag: string): SourcePos => ({ file: `<${flag}>`, line: 1, column: 1 });
  const scalar = (value: unknown, flag: string): ParsedSource => ({ file: `<${flag}>`, value, positions: new PositionMap(flagPos(flag)) });
  const named = (key: 'smp' | 'memory', flag: string, option: string, value: unknown): void => {
    const target = v[key];
    if (typeof target !== 'string') {
      const what = key === 'smp' ? 'its CPU cluster' : 'its RAM';
      throw errAt(flagPos(flag), `/${key}`, `this machine does not say which component is ${what}: add '${key}: <component>' to the machine file, or use --set components.<name>.${option}=...`);
    }
    const comps = isPlainObject(v.components) ? v.components : {};
    if (!isPlainObject(comps[target])) {
      throw errAt(layer.positions.valueAt(`/${key}`), `/${key}`, `no component named '${target}' in this machine (${flag} sets its '${option}')`);
    }
    setAt(layer, ['components', target, option], scalar(value, flag), flagPos(flag), flag, at);
  };
  if (o.smp !== undefined) named('smp', '--smp', 'count', typeof o.smp === 'string' && /^\d+$/.test(o.smp) ? Number(o.smp) : o.smp);
  if (o.memory !== undefined) {
    // QEMU's -m takes MiB when no unit is given.
    const m = typeof o.memory === 'number' || /^\s*\d+\s*$/.test(o.memory) ? `${String(o.memory).trim()}MiB` : o.memory;
    named('memory', '-m', 'size', m);
  }
  for (const k of ['firmware', 'kernel', 'initrd', 'dtb', 'append'] as const) {
    const val = o[k];
    if (val === undefined) continue;
    setAt(layer, ['boot', k], scalar(val, `--${k}`), flagPos(`--${k}`), `--${k}`, at);
  }
}

export interface BodyContext {
  /** The file the user named (MachineConfig.file). */
  readonly file: string;
  readonly registry: PluginRegistry;
  readonly cwd: string;
  /** The links of a multi-machine file (name -> link type), when it declares `links:`. */
  readonly links?: ReadonlyMap<string, string>;
  /** Filled with the links the machine's components name. */
  readonly linkReferences?: Set<string>;
}

/**
 * Validate one machine body found at JSON path `prefix` of a merged tree (`''` for a
 * single-machine file) and load its plugins.
 */
export async function loadBody(body: Record<string, unknown>, positions: PositionMap, prefix: string, ctx: BodyContext): Promise<MachineConfig> {
  const componentsRaw = isPlainObject(body.components) ? body.components : {};
  const names = new Set(Object.keys(componentsRaw));
  const linkScope = { ...(ctx.links !== undefined ? { links: ctx.links } : {}), ...(ctx.linkReferences !== undefined ? { linkReferences: ctx.linkReferences } : {}) };
  const topScope = { prefix, positions, components: names, references: new Set<string>(), cwd: ctx.cwd };
  validateValue(machineBodySchema, body, topScope, { noun: prefix === '' ? 'top-level key' : 'machine key' });

  for (const key of ['smp', 'memory'] as const) {
    const target = body[key];
    if (typeof target === 'string' && !names.has(target)) {
      const close = didYouMean(target, [...names]);
      const p = `${prefix}/${key}`;
      throw errAt(positions.valueAt(p), p, `no component named '${target}' in this machine${close ? ` (did you mean '${close}'?)` : ''}`);
    }
  }

  const plugins = (body.plugins as string[] | undefined) ?? [];
  const baseDir = path.dirname(ctx.file);
  for (let i = 0; i < plugins.length; i++) {
    try {
      await ctx.registry.load(plugins[i]!, baseDir);
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      const p = `${prefix}/plugins/${i}`;
      throw errAt(positions.valueAt(p), p, e.message.replace(/\s*\n\s*/g, ' '), e.hint);
    }
  }

  const components: ComponentConfig[] = [];
  for (const [name, raw] of Object.entries(componentsRaw)) {
    const cp = `${prefix}/components/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
      throw errAt(positions.keyAt(cp), cp, `'${name}' is not a valid component name (letters, digits, '_', '.', '-', starting with a letter or '_')`);
    }
    const c = raw as Record<string, unknown>;
    const type = c.type;
    if (type === undefined) throw errAt(positions.valueAt(cp), cp, `component '${name}' has no type (add 'type: <component type>')`);
    if (typeof type !== 'string') throw errAt(positions.valueAt(cp + '/type'), cp + '/type', `expected a component type name, got ${JSON.stringify(type)}`);
    const resolved = resolveComponentType(ctx.registry, type, plugins, positions, cp);
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c)) if (k !== 'type') options[k] = v;
    const scope = { prefix: cp, positions, components: names, references: new Set<string>(), cwd: ctx.cwd, ...linkScope };
    try {
      compileSchema(resolved.type.schema);
    } catch (e) {
      throw new SimError(`plugin '${resolved.plugin.name}' declares an invalid schema for type '${resolved.typeName}': ${(e as Error).message}`, 'this is a bug in that plugin');
    }
    validateValue(resolved.type.schema, options, scope, { noun: 'option', context: ` for type '${type}'` });
    components.push({ name, type, options, references: [...scope.references], pos: positions.keyAt(cp) });
  }

  const boot = (body.boot as BootOptions | undefined) ?? {};
  const config: MachineConfig = {
    name: typeof body.name === 'string' ? body.name : path.basename(ctx.file).replace(/\.ya?ml$/i, ''),
    ...(typeof body.description === 'string' ? { description: body.description } : {}),
    file: ctx.file,
    plugins,
    components,
    boot,
    ...(typeof body.smp === 'string' ? { smp: body.smp } : {}),
    ...(typeof body.memory === 'string' ? { memory: body.memory } : {}),
    ...(prefix !== '' ? { pathPrefix: prefix } : {}),
    // Paths are relative to the body (a multi-machine file's bodies live under /machines/NAME).
    positionOf: (p: string) => positions.valueAt(prefix + p),
  };
  return config;
}

export function resolveComponentType(registry: PluginRegistry, type: string, plugins: readonly string[], positions: PositionMap, cp: string) {
  const r = registry.resolveType(type, plugins);
  const tp = cp + '/type';
  if (r === 'ambiguous') {
    const owners = ['@tessera/core', ...plugins].map((spec) => registry.resolveType(`${spec}#${type}`));
    const names = [...new Set(owners.flatMap((o) => (o !== undefined && o !== 'ambiguous' ? [o.plugin.name] : [])))];
    throw errAt(positions.valueAt(tp), tp, `component type '${type}' is ambiguous: ${names.join(' and ')} both declare it (write '${names[0]}#${type}')`);
  }
  if (r !== undefined) return r;
  const known = registry.typeNames(plugins);
  const close = didYouMean(type.slice(type.lastIndexOf('#') + 1), known);
  const elsewhere = registry.all.find((p) => p.components[type] !== undefined);
  const searched = ['@tessera/core (built in)', ...plugins.map((p) => (path.isAbsolute(p) ? path.basename(p) : p))].join(', ');
  let detail = `unknown component type '${type}'`;
  if (close !== undefined) detail += ` (did you mean '${close}'?)`;
  if (elsewhere !== undefined) detail += `; plugin '${elsewhere.name}' declares it: add it under 'plugins:'`;
  detail += `; searched ${searched}`;
  throw errAt(positions.valueAt(tp), tp, detail, 'tessera list shows the installed plugins and their component types');
}
