/**
 * The parts of a CPU cluster's debug target that do not depend on the architecture, shared
 * by the CPU plugins: a {@link DebugCore} over a register table and a side-effect-free
 * translation, and the target that installs one {@link DebugPoints} set in every core.
 * What stays with the CPU is its register table, its translation and its page keys.
 */

import type { AddressSpace } from '../bus/address-space.js';
import { debugRead, debugWrite } from './memory.js';
import { DebugPoints } from './points.js';
import { RegisterFile, targetDescriptionXml, type RegisterDef } from './registers.js';
import type { DebugCore, DebugHooks, DebugTarget, Watchpoint } from './target.js';

/** What a CPU plugin supplies for one core (hart) of its debug target. */
export interface DebugCoreParts {
  readonly name: string;
  readonly registers: readonly RegisterDef[];
  /** The address space the core's memory accesses go to (RAM only is ever touched). */
  memory(): AddressSpace;
  /** Physical address of `va` in the core's current regime, without side effects. */
  translate(va: bigint): number | undefined;
  /** The program counter as an unsigned 64-bit value, as GDB sends addresses. */
  pc(): bigint;
  step(): void;
}

/** A DebugCore whose registers come from a table and whose memory goes through translate. */
export class RegisterFileDebugCore implements DebugCore {
  readonly name: string;
  readonly regs: RegisterFile;

  constructor(private readonly parts: DebugCoreParts) {
    this.name = parts.name;
    this.regs = new RegisterFile(parts.registers);
  }

  readRegisters(): Uint8Array {
    return this.regs.readRegisters();
  }
  writeRegisters(bytes: Uint8Array): void {
    this.regs.writeRegisters(bytes);
  }
  readRegister(regno: number): Uint8Array | undefined {
    return this.regs.readRegister(regno);
  }
  writeRegister(regno: number, bytes: Uint8Array): boolean {
    return this.regs.writeRegister(regno, bytes);
  }
  readMemory(addr: bigint, length: number, physical: boolean): Uint8Array | undefined {
    return debugRead(this.parts.memory(), physical ? undefined : (va) => this.parts.translate(va), addr, length);
  }
  writeMemory(addr: bigint, data: Uint8Array, physical: boolean): boolean {
    return debugWrite(this.parts.memory(), physical ? undefined : (va) => this.parts.translate(va), addr, data);
  }
  pc(): bigint {
    return this.parts.pc();
  }
  step(): void {
    this.parts.step();
  }
}

/** The debug state a CPU core keeps: its thread index and the points it checks. */
export interface DebuggableCpu {
  debugIndex: number;
  /** Undefined while nothing is installed, so the core runs its plain loop. */
  debug: DebugPoints | undefined;
  /** The points changed: the core drops cached state that skipped the checks. */
  debugChanged(): void;
}

export interface ClusterDebugTargetOptions<C extends DebuggableCpu> {
  /** GDB architecture name (`riscv:rv64`, `aarch64`). */
  readonly architecture: string;
  readonly cpus: readonly C[];
  readonly core: (cpu: C) => DebugCoreParts;
  /** The page key of an address, as the core's fetch and TLB code compute it (DebugPoints). */
  readonly pageKey: (addr: bigint) => number;
  /** Types the target description declares inside a feature, by feature name. */
  readonly extraTypes?: Readonly<Record<string, string>>;
}

/**
 * The DebugTarget of a cluster: every core a thread (numbered in `cpus` order), one set of
 * breakpoints and watchpoints installed in all of them; target.xml from the first core's table.
 */
export function clusterDebugTarget<C extends DebuggableCpu>(o: ClusterDebugTargetOptions<C>): DebugTarget {
  const { cpus } = o;
  const points = new DebugPoints(o.pageKey);
  const cores = cpus.map((c, i) => {
    c.debugIndex = i;
    return new RegisterFileDebugCore(o.core(c));
  });
  const apply = (): void => {
    for (const c of cpus) {
      c.debug = points.empty ? undefined : points;
      c.debugChanged();
    }
  };
  return {
    architecture: o.architecture,
    cores,
    targetXml: () => targetDescriptionXml(o.architecture, cores[0]?.regs.regs ?? [], o.extraTypes),
    setDebugHooks(hooks: DebugHooks | undefined) {
      points.hooks = hooks;
    },
    setBreakpoints(addresses: ReadonlySet<bigint>) {
      points.setBreakpoints(addresses);
      apply();
    },
    setWatchpoints(watchpoints: readonly Watchpoint[]) {
      points.setWatchpoints(watchpoints);
      apply();
    },
  };
}
