/**
 * Simulations and machines: instantiating components and wiring them together.
 *
 * A {@link Simulation} owns the one scheduler, event bus and console hub. It holds one or
 * more {@link Machine}s (several boards in one deterministic run). A machine owns its
 * physical address space and its components. Machines are built from a loaded machine
 * file (`buildMachine`) or programmatically with {@link Machine.add}, which is what tests
 * and embedders use.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { AddressSpace } from '../bus/address-space.js';
import { EventBus } from '../events/events.js';
import { createTree, type FdtNode } from '../fdt/node.js';
import { IrqLine, isIrqTarget, WiredOr, type IrqInput } from '../irq/irq.js';
import { Scheduler, type Runnable, type StopInfo } from '../time/scheduler.js';
import { SimError } from '../util/errors.js';
import { ConsoleHub, type ConsolePort } from './console.js';
import {
  isDtInterruptController,
  type BootOptions,
  type Component,
  type ComponentContext,
  type ComponentType,
  type DeviceTreeContext,
  type IrqRef,
  type MachineHandle,
} from '../plugin/types.js';

export interface SimulationOptions {
  /** Quantum in ns (default 10 µs). */
  quantumNs?: number;
}

export class Simulation {
  readonly scheduler: Scheduler;
  readonly events: EventBus;
  readonly consoles = new ConsoleHub();
  readonly machines: Machine[] = [];
  private disposed = false;
  private readonly disposers: Array<() => void> = [];
  /** Machines in the order they powered off, with their exit codes. */
  readonly poweredOff: Array<{ machine: string; exitCode: number; source: string }> = [];

  constructor(opts: SimulationOptions = {}) {
    this.scheduler = new Scheduler({ quantumNs: opts.quantumNs });
    this.events = new EventBus(() => this.scheduler.now());
  }

  addMachine(name: string, opts: { boot?: BootOptions; baseDir?: string } = {}): Machine {
    if (this.machines.some((m) => m.name === name)) throw new SimError(`two machines are named '${name}'`);
    const m = new Machine(this, name, opts.boot ?? {}, opts.baseDir ?? process.cwd());
    this.machines.push(m);
    return m;
  }

  /** Connect, reset and run until a stop (or `limitNs` of virtual time). */
  run(limitNs = Infinity, opts: { instructionBudget?: number } = {}): StopInfo | undefined {
    for (const m of this.machines) m.start();
    for (;;) {
      const r = this.scheduler.run(limitNs, opts);
      if (r?.reason === 'reset') {
        // A guest-requested reboot resets its machine and carries on.
        const m = this.machines.find((mm) => mm.resetPending);
        if (m !== undefined) {
          this.scheduler.clearStop();
          m.resetPending = false;
          m.reset();
          continue;
        }
      }
      return r;
    }
  }

  /** Run `f` when the simulation is disposed (links between machines close their files). */
  onDispose(f: () => void): void {
    this.disposers.push(f);
  }

  /**
   * A machine powered off. With one machine, or when it was the last one running, the run
   * ends with the first non-zero exit code of the machines (0 if all were 0); otherwise its
   * CPUs are parked and the other machines run on (a network of boards in one run).
   */
  machinePoweredOff(m: Machine, exitCode: number, source: string): void {
    if (this.poweredOff.some((p) => p.machine === m.name)) return;
    this.poweredOff.push({ machine: m.name, exitCode, source });
    const running = this.machines.filter((x) => !this.poweredOff.some((p) => p.machine === x.name));
    if (this.machines.length <= 1) {
      this.scheduler.stop({ reason: 'poweroff', exitCode, message: `${source} powered the machine off (exit code ${exitCode})` });
      return;
    }
    if (running.length === 0) {
      const failed = this.poweredOff.find((p) => p.exitCode !== 0);
      const list = this.poweredOff.map((p) => `${p.machine}: ${p.exitCode}`).join(', ');
      this.scheduler.stop({ reason: 'poweroff', exitCode: failed?.exitCode ?? 0, message: `every machine powered off (exit codes ${list})` });
      return;
    }
    for (const r of m.runnables) this.scheduler.park(r);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const m of this.machines) m.dispose();
    for (const f of this.disposers) f();
    this.consoles.closeAll();
    this.events.close();
  }
}

interface Entry {
  readonly name: string;
  readonly component: Component;
  readonly typeName: string;
}

export class Machine implements MachineHandle {
  readonly system: AddressSpace;
  private readonly entries = new Map<string, Entry>();
  private readonly order: Entry[] = [];
  private readonly wires = new Map<string, WiredOr>();
  private started = false;
  resetPending = false;
  /** The scheduler runnables (CPUs) this machine's components added. */
  readonly runnables: Runnable[] = [];

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    readonly boot: BootOptions,
    readonly baseDir: string,
  ) {
    this.system = new AddressSpace(`${name}.system`);
  }

  /** Names of the components in creation order. */
  get componentNames(): string[] {
    return this.order.map((e) => e.name);
  }

  /** The API object of a component (what `ctx.ref` returns), or undefined. */
  api<T = unknown>(name: string): T | undefined {
    return this.entries.get(name)?.component.api as T | undefined;
  }

  component(name: string): Component | undefined {
    return this.entries.get(name)?.component;
  }

  /** Instantiate one component. References in `options` must name components added before. */
  async add<O>(name: string, type: ComponentType<O>, options: O, typeName = 'component'): Promise<Component> {
    if (this.entries.has(name)) throw new SimError(`machine '${this.name}' already has a component named '${name}'`);
    const ctx = this.context(name);
    const before = this.sim.scheduler.cpus.length;
    const component = await type.create(ctx, options);
    this.runnables.push(...this.sim.scheduler.cpus.slice(before));
    const e: Entry = { name, component, typeName };
    this.entries.set(name, e);
    this.order.push(e);
    if (this.started) {
      component.connect?.();
      component.reset?.();
    }
    return component;
  }

  private context(name: string): ComponentContext {
    const machine = this;
    const sim = this.sim;
    return {
      name,
      machine,
      system: this.system,
      scheduler: sim.scheduler,
      events: sim.events,
      boot: this.boot,
      ref<T>(other: string): T {
        const e = machine.entries.get(other);
        if (e === undefined) throw new SimError(`'${name}' refers to '${other}', which is not a component of machine '${machine.name}' (or is declared after it)`);
        return e.component.api as T;
      },
      lookup<T>(other: string): T | undefined {
        return machine.entries.get(other)?.component.api as T | undefined;
      },
      irq(ref: IrqRef, lineName?: string): IrqLine {
        const line = new IrqLine(lineName ?? `${name}->${ref.controller}:${ref.line}`);
        line.connect(machine.irqInput(ref, name));
        return line;
      },
      console(spec: string): ConsolePort {
        return sim.consoles.open(name, spec, (p) => path.resolve(machine.baseDir, p), machine.name);
      },
      readFile(p: string, what: string): Uint8Array {
        return readUserFile(path.resolve(machine.baseDir, p), what);
      },
      resolvePath(p: string): string {
        return path.resolve(machine.baseDir, p);
      },
      log(message: string): void {
        process.stderr.write(`[${name}] ${message}\n`);
      },
    };
  }

  /** The input that drives `ref`, wired-OR'ed when several sources share it. */
  irqInput(ref: IrqRef, from: string): IrqInput {
    const e = this.entries.get(ref.controller);
    if (e === undefined) throw new SimError(`'${from}' connects an interrupt to '${ref.controller}', which is not a component of machine '${this.name}' (or is declared after it)`);
    const api = e.component.api;
    if (!isIrqTarget(api)) throw new SimError(`'${from}' connects an interrupt to '${ref.controller}', which has no interrupt inputs`);
    const input = api.irqInput(ref.line);
    if (input === undefined) throw new SimError(`'${from}' connects an interrupt to line '${ref.line}' of '${ref.controller}', which has no such input`);
    const key = `${ref.controller}\u0000${ref.line}`;
    let w = this.wires.get(key);
    if (w === undefined) {
      w = new WiredOr(input);
      this.wires.set(key, w);
    }
    return w.source();
  }

  /** Connect every component, then reset. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const e of this.order) e.component.connect?.();
    this.reset();
  }

  reset(): void {
    for (const e of this.order) e.component.reset?.();
  }

  powerOff(exitCode: number, source: string): void {
    this.sim.events.emit('power.off', source, { machine: this.name, exitCode });
    this.sim.machinePoweredOff(this, exitCode, source);
  }

  requestReset(source: string): void {
    // A machine that powered off stays off while the others of the simulation run on.
    if (this.sim.poweredOff.some((p) => p.machine === this.name)) return;
    this.sim.events.emit('power.reset', source, { machine: this.name });
    this.resetPending = true;
    this.sim.scheduler.stop({ reason: 'reset', exitCode: 0, message: `${source} requested a reset` });
  }

  deviceTree(): FdtNode {
    const root = createTree();
    root.cells('#address-cells', 2).cells('#size-cells', 2);
    const nodes = new Map<string, FdtNode>();
    let current = '';
    let soc: FdtNode | undefined;
    const chosen = root.child('chosen');
    const dt: DeviceTreeContext = {
      root,
      chosen,
      boot: this.boot,
      get soc(): FdtNode {
        if (soc === undefined) {
          soc = root.child('soc');
          soc.cells('#address-cells', 2).cells('#size-cells', 2).str('compatible', 'simple-bus').flag('ranges');
        }
        return soc;
      },
      register: (node: FdtNode) => {
        nodes.set(current, node);
      },
      nodeOf: (c: string) => nodes.get(c),
      interruptSpecifier: (r: IrqRef) => {
        const p = nodes.get(r.controller);
        const api = this.entries.get(r.controller)?.component.api;
        if (p === undefined || !isDtInterruptController(api)) {
          throw new SimError(`device tree: '${current}' has an interrupt on '${r.controller}', which put no interrupt-controller node in the tree`);
        }
        return { parent: p, cells: api.dtInterruptCells(r.line) };
      },
      interrupts: (node: FdtNode, ...refs: IrqRef[]) => {
        if (refs.length === 0) return;
        const parents = refs.map((r) => {
          const s = dt.interruptSpecifier(r);
          return { phandle: s.parent.phandle(), cells: s.cells };
        });
        const same = parents.every((p) => p.phandle === parents[0]!.phandle);
        if (same) {
          node.cells('interrupt-parent', parents[0]!.phandle);
          node.cells('interrupts', ...parents.flatMap((p) => p.cells));
        } else {
          node.cells('interrupts-extended', ...parents.flatMap((p) => [p.phandle, ...p.cells]));
        }
      },
    };
    for (const e of this.order) {
      current = e.name;
      e.component.deviceTree?.(dt);
    }
    return root;
  }

  dispose(): void {
    for (const e of this.order) e.component.dispose?.();
  }
}

/** Read a user-named file, with one clear message when it is missing or unreadable. */
export function readUserFile(p: string, what: string): Uint8Array {
  try {
    return new Uint8Array(fs.readFileSync(p));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new SimError(`${what} '${p}' does not exist`, 'images from Debian are fetched with: pnpm fetch-images');
    throw new SimError(`cannot read ${what} '${p}': ${(e as Error).message}`);
  }
}
