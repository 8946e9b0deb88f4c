/**
 * Multi-machine files: several machines and the links between them, run in one
 * deterministic simulation (a small network of boards).
 *
 * ```yaml
 * name: two-boards
 * plugins: ["@tessera/net"]              # packages providing the link types
 * links:
 *   lan0: { type: switch, latency: 1000, pcap: lan0.pcap }
 * machines:
 *   left:                                # a machine body, exactly as a machine file's
 *     include: [./riscv-virt.yaml]       # merged first (paths relative to this file)
 *     plugins: ["@tessera/virtio"]       # joined with the included plugins
 *     components:
 *       net0: { type: virtio-mmio-net, base: 0x1000_8000, irq: plic:8,
 *               network: { backend: switch, switch: lan0 } }
 *   right: { include: [./riscv-virt.yaml], ... }
 * ```
 *
 * Each entry under `machines:` is a machine body with the include and merge rules of a
 * machine file (included files first, then the entry's own keys); its key is the
 * machine's name. `links:` entries have a `type` resolved like component types, among the
 * link types of the plugins named at the top. Component options that name a link (schema
 * helper `link()`) must name a declared link of the right type when `links:` is present.
 *
 * `--set machines.NAME.PATH=VALUE` changes one machine after its includes are merged;
 * other `--set` paths (`links.lan0.latency=5000`) change the file itself. The QEMU-style
 * flags (`--kernel`, `--smp`, ...) apply to every machine.
 */

import * as path from 'node:path';
import { SimError } from '../util/errors.js';
import type { JsonSchema } from '../plugin/types.js';
import { childPath, isPlainObject, parseYamlSource, PositionMap, escapeSegment } from './source.js';
import type { LinkConfig, MachineConfig, SystemConfig } from './types.js';
import { applyOverrides, applySetList, composeLayer, errAt, loadBody, loadMachine, readMachineText, type Layer, type LoadOptions, type SetArg } from './loader.js';
import { compileSchema, didYouMean, validateValue } from './validate.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The static schema of a multi-machine file's top level. */
export const systemSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['machines'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'name of the whole setup' },
    description: { type: 'string', description: 'one line saying what this setup is' },
    plugins: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'packages providing the link types' },
    links: {
      type: 'object',
      description: 'links between the machines by name: `type` plus that link type\'s options',
      additionalProperties: { type: 'object' },
    },
    machines: {
      type: 'object',
      minProperties: 1,
      description: 'machines by name: each a machine body (include:, plugins:, components:, ...)',
      additionalProperties: { type: 'object' },
    },
  },
};

/** Whether a parsed file is a multi-machine file. */
export function isSystemFile(value: unknown): boolean {
  return isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, 'machines');
}

/**
 * Load a machine file of either kind. A single-machine file gives one machine and no links;
 * a multi-machine file (top-level `machines:`) gives every machine, validated, and its links.
 */
export async function loadSystem(fileName: string, opts: LoadOptions): Promise<SystemConfig> {
  const cwd = opts.cwd ?? process.cwd();
  const top = path.resolve(cwd, fileName);
  const parsed = parseYamlSource(readMachineText(top, undefined), top);
  if (!isSystemFile(parsed.value)) {
    const config = await loadMachine(fileName, opts);
    return {
      name: config.name,
      ...(config.description !== undefined ? { description: config.description } : {}),
      file: config.file,
      multi: false,
      plugins: [],
      links: [],
      machines: [config],
    };
  }
  const value = parsed.value as Record<string, unknown>;
  const positions = parsed.positions;
  const dir = path.dirname(top);

  // --set: paths inside one machine wait until that machine's includes are merged.
  const sets = (opts.sets ?? []).map((arg, i): SetArg => ({ arg, line: i + 1 }));
  const machineSets = new Map<string, SetArg[]>();
  const topSets: SetArg[] = [];
  for (const s of sets) {
    const segs = s.arg.slice(0, Math.max(0, s.arg.indexOf('='))).split('.');
    if (segs[0] === 'machines' && segs.length >= 3 && segs[1] !== '') {
      const list = machineSets.get(segs[1]!) ?? [];
      list.push({ arg: s.arg, line: s.line, skip: 'machines.'.length + segs[1]!.length + 1 });
      machineSets.set(segs[1]!, list);
    } else topSets.push(s);
  }
  const layer: Layer = { file: top, value, positions };
  applySetList(layer, topSets, '');

  if (Array.isArray(value.plugins)) {
    value.plugins = value.plugins.map((p) => (typeof p === 'string' && p.startsWith('.') ? path.resolve(dir, p) : p));
  }
  const scope = { prefix: '', positions, components: new Set<string>(), references: new Set<string>(), cwd };
  if (value.include !== undefined) {
    throw errAt(positions.keyAt('/include'), '/include', "a multi-machine file has no top-level include: (write include: inside each entry under machines:)");
  }
  if (value.components !== undefined) {
    throw errAt(positions.keyAt('/components'), '/components', 'a multi-machine file has no top-level components: (components belong to a machine under machines:)');
  }
  validateValue(systemSchema, value, scope, { noun: 'top-level key' });

  const plugins = (value.plugins as string[] | undefined) ?? [];
  for (let i = 0; i < plugins.length; i++) {
    try {
      await opts.registry.load(plugins[i]!, dir);
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      const p = `/plugins/${i}`;
      throw errAt(positions.valueAt(p), p, e.message.replace(/\s*\n\s*/g, ' '), e.hint);
    }
  }

  // Links first: the machines' link options are checked against them.
  const links: LinkConfig[] = [];
  const linkTypes = new Map<string, string>();
  const linksRaw = isPlainObject(value.links) ? value.links : undefined;
  for (const [name, raw] of Object.entries(linksRaw ?? {})) {
    const lp = childPath('/links', name);
    if (!NAME.test(name)) throw errAt(positions.keyAt(lp), lp, `'${name}' is not a valid link name (letters, digits, '_', '.', '-', starting with a letter or '_')`);
    const l = raw as Record<string, unknown>;
    const type = l.type;
    if (type === undefined) throw errAt(positions.valueAt(lp), lp, `link '${name}' has no type (add 'type: <link type>', e.g. type: switch)`);
    if (typeof type !== 'string') throw errAt(positions.valueAt(lp + '/type'), lp + '/type', `expected a link type name, got ${JSON.stringify(type)}`);
    const resolved = opts.registry.resolveLinkType(type, plugins);
    if (resolved === 'ambiguous') {
      throw errAt(positions.valueAt(lp + '/type'), lp + '/type', `link type '${type}' is ambiguous: several plugins declare it (write 'package#${type}')`);
    }
    if (resolved === undefined) {
      const known = opts.registry.linkTypeNames(plugins);
      const close = didYouMean(type.slice(type.lastIndexOf('#') + 1), known);
      const elsewhere = opts.registry.all.find((p) => p.links?.[type] !== undefined);
      let detail = `unknown link type '${type}'`;
      if (close !== undefined) detail += ` (did you mean '${close}'?)`;
      if (elsewhere !== undefined) detail += `; plugin '${elsewhere.name}' declares it: add it under the top-level 'plugins:'`;
      detail += known.length > 0 ? `; known: ${known.join(', ')}` : `; the top-level plugins declare no link types (the switch comes with @tessera/net)`;
      throw errAt(positions.valueAt(lp + '/type'), lp + '/type', detail);
    }
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(l)) if (k !== 'type') options[k] = v;
    try {
      compileSchema(resolved.type.schema);
    } catch (e) {
      throw new SimError(`plugin '${resolved.plugin.name}' declares an invalid schema for link type '${resolved.typeName}': ${(e as Error).message}`, 'this is a bug in that plugin');
    }
    validateValue(resolved.type.schema, options, { ...scope, prefix: lp, references: new Set<string>() }, { noun: 'option', context: ` for link type '${type}'` });
    links.push({ name, type, options, pos: positions.keyAt(lp) });
    linkTypes.set(name, resolved.typeName);
  }

  const entries = value.machines as Record<string, unknown>;
  for (const name of machineSets.keys()) {
    if (entries[name] === undefined) {
      const s = machineSets.get(name)![0]!;
      const names = Object.keys(entries);
      const close = didYouMean(name, names);
      throw errAt({ file: '<--set>', line: s.line, column: 1 }, `/machines/${escapeSegment(name)}`, `--set: this file has no machine '${name}'${close ? ` (did you mean '${close}'?)` : ` (machines: ${names.join(', ')})`}`);
    }
  }
  const machines: MachineConfig[] = [];
  const linkReferences = new Set<string>();
  for (const [name, raw] of Object.entries(entries)) {
    const mp = childPath('/machines', name);
    if (!NAME.test(name)) throw errAt(positions.keyAt(mp), mp, `'${name}' is not a valid machine name (letters, digits, '_', '.', '-', starting with a letter or '_')`);
    const own = raw as Record<string, unknown>;
    const ownPositions = subtree(positions, mp);
    const machine = composeLayer(top, own, ownPositions, [], mp);
    // The machine's name is its key (an included file's `name:` does not rename it).
    machine.value.name = name;
    machine.positions.values.set('/name', positions.keyAt(mp));
    applySetList(machine, machineSets.get(name) ?? [], mp);
    applyOverrides(machine, opts.overrides ?? {}, mp);
    const config = await loadBody(machine.value, rebase(machine.positions, mp), mp, {
      file: top,
      registry: opts.registry,
      cwd,
      ...(linksRaw !== undefined ? { links: linkTypes } : {}),
      linkReferences,
    });
    machines.push(config);
  }

  return {
    name: typeof value.name === 'string' ? value.name : path.basename(top).replace(/\.ya?ml$/i, ''),
    ...(typeof value.description === 'string' ? { description: value.description } : {}),
    file: top,
    multi: true,
    plugins,
    links,
    machines,
  };
}

/** The positions under `prefix`, keyed from it (`/machines/a/components` -> `/components`). */
function subtree(pm: PositionMap, prefix: string): PositionMap {
  const out = new PositionMap(pm.valueAt(prefix));
  for (const [k, v] of pm.values) if (k === prefix || k.startsWith(prefix + '/')) out.values.set(k.slice(prefix.length), v);
  for (const [k, v] of pm.keys) if (k === prefix || k.startsWith(prefix + '/')) out.keys.set(k.slice(prefix.length), v);
  return out;
}

/** The positions of `pm` moved under `prefix`. */
function rebase(pm: PositionMap, prefix: string): PositionMap {
  const out = new PositionMap(pm.fallback);
  for (const [k, v] of pm.values) out.values.set(prefix + k, v);
  for (const [k, v] of pm.keys) out.keys.set(prefix + k, v);
  return out;
}
