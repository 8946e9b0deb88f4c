/**
 * Building a simulation from a loaded machine description.
 *
 * Components are created in dependency order: every component a component references
 * (`ref()` options, interrupt controllers) comes first; independent components keep file
 * order. Cyclic relations (a CPU and its interrupt controller) are resolved in `connect()`
 * with `ctx.lookup`, never by references in options, so a reference cycle is a mistake in
 * the machine file and reported as one.
 */

import type { MachineConfig, ComponentConfig, SourcePos, SystemConfig } from '../config/types.js';
import type { IrqRef, LinkContext } from '../plugin/types.js';
import type { PluginRegistry } from '../plugin/registry.js';
import { ConfigError, SimError } from '../util/errors.js';
import { Simulation, type Machine, type SimulationOptions } from './machine.js';
import * as path from 'node:path';

export interface BuildOptions extends SimulationOptions {
  /** Add the machine to this simulation instead of a new one. */
  readonly sim?: Simulation;
}

/** Creation order: references first, file order among independents. Throws on a cycle. */
export function creationOrder(config: MachineConfig): ComponentConfig[] {
  const byName = new Map(config.components.map((c) => [c.name, c]));
  const done = new Set<string>();
  const active: string[] = [];
  const out: ComponentConfig[] = [];
  const visit = (c: ComponentConfig): void => {
    if (done.has(c.name)) return;
    const i = active.indexOf(c.name);
    if (i >= 0) {
      const cycle = [...active.slice(i), c.name].join(' -> ');
      const p = c.pos;
      throw new ConfigError(p.file, p.line, p.column, `${config.pathPrefix ?? ''}/components/${c.name}`, `components reference each other in a cycle: ${cycle} (break it: a CPU and its interrupt controller find each other in connect())`);
    }
    active.push(c.name);
    for (const r of c.references) {
      const dep = byName.get(r);
      if (dep !== undefined && dep !== c) visit(dep);
    }
    active.pop();
    done.add(c.name);
    out.push(c);
  };
  for (const c of config.components) visit(c);
  return out;
}

/** Instantiate every component of `config` into a (new) simulation. */
export async function buildSimulation(
  config: MachineConfig,
  registry: PluginRegistry,
  opts: BuildOptions = {},
): Promise<{ sim: Simulation; machine: Machine }> {
  const order = creationOrder(config);
  const sim = opts.sim ?? new Simulation(opts);
  const machine = sim.addMachine(config.name, { boot: config.boot, baseDir: path.dirname(config.file) });
  for (const c of order) {
    const resolved = registry.resolveType(c.type, config.plugins);
    if (resolved === undefined || resolved === 'ambiguous') {
      // loadMachine has checked this; a config built by hand may not have been.
      throw new ConfigError(c.pos.file, c.pos.line, c.pos.column, `${config.pathPrefix ?? ''}/components/${c.name}/type`, `unknown or ambiguous component type '${c.type}'`);
    }
    try {
      await machine.add(c.name, resolved.type, c.options, resolved.typeName);
    } catch (e) {
      if (e instanceof ConfigError || !(e instanceof SimError)) throw e;
      // One line per error, whatever the plugin wrote.
      const message = e.message.replace(/\s*\n\s*/g, ' ');
      const at = locate(config, c, message);
      const err = new ConfigError(at.pos.file, at.pos.line, at.pos.column, (config.pathPrefix ?? '') + at.path, message);
      if (e.hint !== undefined) Object.defineProperty(err, 'hint', { value: e.hint, enumerable: true });
      throw err;
    }
  }
  return { sim, machine };
}

/**
 * Instantiate what a machine file describes into one simulation: the links of a
 * multi-machine file first (so components that join a link by name find it set up), then
 * every machine in file order.
 */
export async function buildSystem(
  system: SystemConfig,
  registry: PluginRegistry,
  opts: BuildOptions = {},
): Promise<{ sim: Simulation; machines: Machine[] }> {
  const sim = opts.sim ?? new Simulation(opts);
  try {
    const baseDir = path.dirname(system.file);
    for (const l of system.links) {
      const lp = `/links/${l.name}`;
      const resolved = registry.resolveLinkType(l.type, system.plugins);
      if (resolved === undefined || resolved === 'ambiguous') {
        throw new ConfigError(l.pos.file, l.pos.line, l.pos.column, `${lp}/type`, `unknown or ambiguous link type '${l.type}'`);
      }
      const ctx: LinkContext = {
        name: l.name,
        scheduler: sim.scheduler,
        events: sim.events,
        resolvePath: (p) => path.resolve(baseDir, p),
        log: (m) => process.stderr.write(`[${l.name}] ${m}\n`),
      };
      try {
        const link = resolved.type.create(ctx, l.options);
        if (link?.dispose !== undefined) sim.onDispose(() => link.dispose!());
      } catch (e) {
        if (e instanceof ConfigError || !(e instanceof SimError)) throw e;
        throw new ConfigError(l.pos.file, l.pos.line, l.pos.column, lp, e.message.replace(/\s*\n\s*/g, ' '));
      }
    }
    for (const m of system.machines) await buildSimulation(m, registry, { sim });
  } catch (e) {
    // Close what the links and the machines built so far opened (capture files, sockets).
    if (opts.sim === undefined) sim.dispose();
    throw e;
  }
  return { sim, machines: [...sim.machines] };
}

/**
 * The most precise position for an error a component's `create` reported: the interrupt
 * option naming a line the controller lacks, the `base` of a region that overlaps, else
 * the component's entry.
 */
function locate(config: MachineConfig, c: ComponentConfig, message: string): { path: string; pos: SourcePos } {
  const at = `/components/${c.name}`;
  const irq = /line '([^']*)' of '([^']*)'/.exec(message);
  let found: string | undefined;
  if (irq !== null) {
    found = findPath(c.options, at, (v) => {
      const r = v as Partial<IrqRef> | null;
      return typeof r === 'object' && r !== null && r.controller === irq[2] && String(r.line) === irq[1];
    });
  } else if (/overlaps|invalid range/.test(message) && c.options.base !== undefined) {
    found = `${at}/base`;
  }
  return found !== undefined ? { path: found, pos: config.positionOf(found) } : { path: at, pos: c.pos };
}

function findPath(value: unknown, at: string, match: (v: unknown) => boolean): string | undefined {
  if (match(value)) return at;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const hit = findPath(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, match);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
