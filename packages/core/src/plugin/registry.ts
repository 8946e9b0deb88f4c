/**
 * Finding plugins and their component types.
 *
 * Machine files name plugin packages; the registry imports each one (resolved from the
 * machine file's folder first, then the working directory, then the core's own
 * location) and indexes its component types. A type is named by its bare name when only one
 * loaded plugin declares it, or qualified as `package#type`.
 */

import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SimError } from '../util/errors.js';
import type { ComponentType, LinkType, Plugin } from './types.js';
import { builtinPlugin } from './builtin.js';

export interface ResolvedType {
  readonly plugin: Plugin;
  readonly typeName: string;
  readonly type: ComponentType<any>;
}

export interface ResolvedLinkType {
  readonly plugin: Plugin;
  readonly typeName: string;
  readonly type: LinkType<any>;
}

export class PluginRegistry {
  private readonly plugins = new Map<string, Plugin>();

  constructor() {
    this.add(builtinPlugin);
  }

  /** Register a plugin object (tests and embedders use this directly). */
  add(plugin: Plugin): void {
    if (!isPlugin(plugin)) throw new SimError(`'${String((plugin as { name?: unknown })?.name ?? plugin)}' is not a Tessera plugin (its default export needs name, version and components)`);
    this.plugins.set(plugin.name, plugin);
  }

  has(name: string): boolean {
    return this.plugins.has(name);
  }

  get all(): readonly Plugin[] {
    return [...this.plugins.values()];
  }

  /**
   * Import the plugin package `spec` (a package name, or a path relative to `fromDir`) and
   * register it. Idempotent.
   */
  async load(spec: string, fromDir: string): Promise<Plugin> {
    const known = this.plugins.get(spec);
    if (known !== undefined) return known;
    let mod: { default?: unknown } | undefined;
    if (!spec.startsWith('.') && !path.isAbsolute(spec)) {
      // A bare name first: found from the core's own location (a workspace, or a project
      // that depends on both), and under test runners that resolve sources.
      try {
        mod = (await import(spec)) as { default?: unknown };
      } catch (e) {
        if (!isNotFound(e)) throw new SimError(`plugin '${spec}' failed to load: ${(e as Error).message}`);
      }
    }
    if (mod === undefined) {
      const url = resolvePlugin(spec, fromDir);
      try {
        mod = (await import(url)) as { default?: unknown };
      } catch (e) {
        throw new SimError(`plugin '${spec}' failed to load: ${(e as Error).message}`);
      }
    }
    const p = mod.default;
    if (!isPlugin(p)) throw new SimError(`plugin '${spec}' has no default export describing its components`, 'a plugin exports `definePlugin({ name, version, components })` as default');
    this.plugins.set(spec, p);
    if (p.name !== spec) this.plugins.set(p.name, p);
    return p;
  }

  /** Look up a component type written in a machine file; undefined if none matches. */
  resolveType(written: string, within?: readonly string[]): ResolvedType | undefined | 'ambiguous' {
    const hash = written.lastIndexOf('#');
    if (hash > 0) {
      const p = this.plugins.get(written.slice(0, hash));
      const t = written.slice(hash + 1);
      const type = p?.components[t];
      return p !== undefined && type !== undefined ? { plugin: p, typeName: t, type } : undefined;
    }
    const hits: ResolvedType[] = [];
    const seen = new Set<Plugin>();
    for (const [key, p] of this.plugins) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (within !== undefined && p !== builtinPlugin && !within.includes(key) && !within.includes(p.name)) continue;
      const type = p.components[written];
      if (type !== undefined) hits.push({ plugin: p, typeName: written, type });
    }
    if (hits.length > 1) return 'ambiguous';
    return hits[0];
  }

  /** Look up a link type (`switch`, `@tessera/net#switch`) among the plugins `within`. */
  resolveLinkType(written: string, within?: readonly string[]): ResolvedLinkType | undefined | 'ambiguous' {
    const hash = written.lastIndexOf('#');
    if (hash > 0) {
      const p = this.plugins.get(written.slice(0, hash));
      const t = written.slice(hash + 1);
      const type = p?.links?.[t];
      return p !== undefined && type !== undefined ? { plugin: p, typeName: t, type } : undefined;
    }
    const hits: ResolvedLinkType[] = [];
    const seen = new Set<Plugin>();
    for (const [key, p] of this.plugins) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (within !== undefined && p !== builtinPlugin && !within.includes(key) && !within.includes(p.name)) continue;
      const type = p.links?.[written];
      if (type !== undefined) hits.push({ plugin: p, typeName: written, type });
    }
    if (hits.length > 1) return 'ambiguous';
    return hits[0];
  }

  /** Every link type name known among the plugins `within`. */
  linkTypeNames(within?: readonly string[]): string[] {
    const out = new Set<string>();
    for (const [key, p] of this.plugins) {
      if (within !== undefined && p !== builtinPlugin && !within.includes(key) && !within.includes(p.name)) continue;
      for (const t of Object.keys(p.links ?? {})) out.add(t);
    }
    return [...out].sort();
  }

  /** Every type name known, for "did you mean" messages and `tessera list`. */
  typeNames(within?: readonly string[]): string[] {
    const out = new Set<string>();
    for (const [key, p] of this.plugins) {
      if (within !== undefined && p !== builtinPlugin && !within.includes(key) && !within.includes(p.name)) continue;
      for (const t of Object.keys(p.components)) out.add(t);
    }
    return [...out].sort();
  }
}

function isPlugin(x: unknown): x is Plugin {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Plugin).name === 'string' &&
    typeof (x as Plugin).version === 'string' &&
    typeof (x as Plugin).components === 'object' &&
    (x as Plugin).components !== null
  );
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)|Failed to load url/.test(String((e as Error).message));
}

function resolvePlugin(spec: string, fromDir: string): string {
  if (spec.startsWith('.') || path.isAbsolute(spec)) return pathToFileURL(path.resolve(fromDir, spec)).href;
  const bases = [path.join(fromDir, 'package.json'), path.join(process.cwd(), 'package.json'), import.meta.url];
  for (const b of bases) {
    try {
      return pathToFileURL(createRequire(b).resolve(spec)).href;
    } catch {
      // try the next base
    }
  }
  throw new SimError(
    `plugin '${spec}' is not installed`,
    `install it next to the machine file (pnpm add ${spec}) or check the name under 'plugins:'`,
  );
}
