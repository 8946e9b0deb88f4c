/**
 * The plugin API: the whole contract between the core and a hardware block or hypervisor
 * feature.
 *
 * A plugin is an npm package whose default export is a {@link Plugin}: a name, a version
 * and a table of component types. Each {@link ComponentType} carries a JSON Schema for the
 * options a machine file gives it, and a `create` factory. The core never imports a plugin
 * by name: a machine file lists the packages it uses under `plugins:`.
 *
 * Life of a component:
 *  1. `create(ctx, options)` in dependency order (every component named by a reference in
 *     `options` is created first, so `ctx.ref()` works for those). Map regions, take
 *     interrupt lines, schedule timers here.
 *  2. `connect()` once every component exists: late references (`ctx.lookup`) for
 *     cyclic relations such as a CPU and its interrupt controller.
 *  3. `deviceTree(dt)` when a device tree is generated, in creation order.
 *  4. `reset()` at power-on and at every guest-requested reboot.
 */

import type { AddressSpace } from '../bus/address-space.js';
import type { EventBus } from '../events/events.js';
import type { FdtNode } from '../fdt/node.js';
import type { IrqLine } from '../irq/irq.js';
import type { Scheduler } from '../time/scheduler.js';
import type { ConsolePort } from '../machine/console.js';

/** A JSON Schema (draft 2020-12 subset ajv understands), with Tessera's `x-tessera` annotations. */
export type JsonSchema = { [keyword: string]: unknown };

export interface Plugin {
  /** The npm package name, e.g. `@tessera/plic-clint`. */
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  /** Component types by type name, e.g. `plic`, `clint`. */
  readonly components: Readonly<Record<string, ComponentType<any>>>;
  /**
   * Link types by type name (e.g. `switch`): what a multi-machine file's `links:` section
   * declares and the machines' components join by name (options annotated with `link()`).
   */
  readonly links?: Readonly<Record<string, LinkType<any>>>;
}

/**
 * A link between machines of one simulation (an Ethernet switch, a serial cable). Links are
 * created before any machine, so components that join one by name find it set up.
 */
export interface LinkType<O = Record<string, unknown>> {
  /** One line for `tessera list`. */
  readonly description: string;
  /** JSON Schema of the options (the link's YAML map without `type`). */
  readonly schema: JsonSchema;
  create(ctx: LinkContext, options: O): Link | void;
}

export interface Link {
  readonly api?: unknown;
  /** Called once when the simulation ends (close capture files). */
  dispose?(): void;
}

export interface LinkContext {
  /** The link's name under `links:`. */
  readonly name: string;
  readonly scheduler: Scheduler;
  readonly events: EventBus;
  /** Resolve a path written in the file (relative to it). */
  resolvePath(path: string): string;
  log(message: string): void;
}

export interface ComponentType<O = Record<string, unknown>> {
  /** One line for `tessera list`. */
  readonly description: string;
  /** JSON Schema of the options (the component's YAML map without `type`). */
  readonly schema: JsonSchema;
  create(ctx: ComponentContext, options: O): Component | Promise<Component>;
}

export interface Component {
  /** The typed API other components get from `ctx.ref(name)` (an IrqTarget, a CPU cluster, ...). */
  readonly api?: unknown;
  connect?(): void;
  reset?(): void;
  deviceTree?(dt: DeviceTreeContext): void;
  /** Called once when the simulation ends (close files and sockets). */
  dispose?(): void;
}

/** A reference to an interrupt input: a controller component and one of its lines. */
export interface IrqRef {
  readonly controller: string;
  readonly line: number | string;
}

/** Boot images and arguments: the machine's `boot:` section merged with CLI flags. */
export interface BootOptions {
  /** Absolute paths (resolved against the machine file or the working directory). */
  readonly firmware?: string;
  readonly kernel?: string;
  readonly initrd?: string;
  readonly dtb?: string;
  /** Kernel command line. */
  readonly append?: string;
}

export interface MachineHandle {
  readonly name: string;
  /** The machine's physical address space (what its CPUs see). */
  readonly system: AddressSpace;
  /** Guest asked to power off: ends the run with `exitCode`. */
  powerOff(exitCode: number, source: string): void;
  /** Guest asked for a reboot: every component is reset before the next quantum. */
  requestReset(source: string): void;
  /** Build the machine's device tree (as `tessera dtb` does). */
  deviceTree(): FdtNode;
}

export interface ComponentContext {
  /** This component's instance name in the machine file. */
  readonly name: string;
  readonly machine: MachineHandle;
  readonly system: AddressSpace;
  readonly scheduler: Scheduler;
  readonly events: EventBus;
  readonly boot: BootOptions;
  /**
   * The API of a component this one names in its options (already created). Throws a
   * ConfigError-style SimError if the name is unknown.
   */
  ref<T = unknown>(name: string): T;
  /** Like `ref`, for any component, valid from `connect()` on. Undefined if absent. */
  lookup<T = unknown>(name: string): T | undefined;
  /** An interrupt output wired to `ref`'s input (shared lines are wired-OR'ed). */
  irq(ref: IrqRef, name?: string): IrqLine;
  /** A console port (`stdio`, `file:PATH`, `none`); console output is watched by `--until`. */
  console(spec: string): ConsolePort;
  /** Read a file given in the machine or on the command line, with a clear error if missing. */
  readFile(path: string, what: string): Uint8Array;
  /** Resolve a path written in the machine file (relative to that file). */
  resolvePath(path: string): string;
  /** Informational message to the user (stderr, prefixed with the component name). */
  log(message: string): void;
}

export interface DeviceTreeContext {
  readonly root: FdtNode;
  /** `/chosen`. */
  readonly chosen: FdtNode;
  /** `/soc` (a `simple-bus`), created on first use. */
  readonly soc: FdtNode;
  /** Record `node` as the node of the component being processed (its phandle target). */
  register(node: FdtNode): void;
  /** The node another component registered (it must come earlier in creation order). */
  nodeOf(component: string): FdtNode | undefined;
  /**
   * `interrupt-parent` + `interrupts` for `ref` on `node`, using the controller's
   * {@link DtInterruptController} API.
   */
  interrupts(node: FdtNode, ...refs: IrqRef[]): void;
  /**
   * The interrupt parent node and specifier cells for `ref` (for `interrupt-map` and
   * other properties that embed specifiers).
   */
  interruptSpecifier(ref: IrqRef): { parent: FdtNode; cells: number[] };
  /** The boot options in force (for /chosen). */
  readonly boot: BootOptions;
}

/**
 * Implemented by the API of interrupt controllers that appear in device trees: the cells of
 * an interrupt specifier for one of their lines (e.g. PLIC `<10>`, GIC `<0 33 4>`).
 */
export interface DtInterruptController {
  dtInterruptCells(line: number | string): number[];
}

export function isDtInterruptController(x: unknown): x is DtInterruptController {
  return typeof x === 'object' && x !== null && typeof (x as DtInterruptController).dtInterruptCells === 'function';
}

/** Identity helpers that give plugin authors type inference. */
export function definePlugin(p: Plugin): Plugin {
  return p;
}

export function defineComponent<O>(t: ComponentType<O>): ComponentType<O> {
  return t;
}

export function defineLink<O>(t: LinkType<O>): LinkType<O> {
  return t;
}
