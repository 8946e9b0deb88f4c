/**
 * What a CPU plugin implements so the GDB server can debug it.
 *
 * Each core (hart) is one GDB thread. Registers travel in the order and sizes of the
 * target description the CPU provides (`targetXml`), little-endian, as the GDB remote
 * protocol's `g`/`p` packets carry them. Memory is read through the core's current
 * translation (without side effects: no TLB fills that change architectural state, no A/D
 * bit updates, no MMIO reads) or physically.
 *
 * Breakpoints and watchpoints are the CPU's to check, because only it knows when an
 * instruction is about to execute or an access about to happen: the server installs them
 * with `setBreakpoints`/`setWatchpoints`, and the CPU reports a hit through
 * {@link DebugHooks}. A CPU with no breakpoints installed must pay nothing for this.
 */

export interface DebugCore {
  /** Name shown by `info threads` (e.g. `hart0`). */
  readonly name: string;
  readRegisters(): Uint8Array;
  writeRegisters(bytes: Uint8Array): void;
  /** One register by its number in the target description; undefined if there is none. */
  readRegister(regno: number): Uint8Array | undefined;
  writeRegister(regno: number, bytes: Uint8Array): boolean;
  readMemory(addr: bigint, length: number, physical: boolean): Uint8Array | undefined;
  writeMemory(addr: bigint, data: Uint8Array, physical: boolean): boolean;
  pc(): bigint;
  /** Execute exactly one instruction (taking traps and interrupts as the hardware would). */
  step(): void;
}

export type WatchKind = 'write' | 'read' | 'access';

export interface Watchpoint {
  readonly addr: bigint;
  readonly length: number;
  readonly kind: WatchKind;
}

export type DebugStop =
  | { readonly reason: 'breakpoint'; readonly core: number; readonly hardware: boolean }
  | { readonly reason: 'watchpoint'; readonly core: number; readonly kind: WatchKind; readonly addr: bigint };

export interface DebugHooks {
  /**
   * A core hit a breakpoint (before executing the instruction at it) or a watchpoint
   * (after the access). The CPU returns from `run()` promptly after calling this.
   */
  hit(stop: DebugStop): void;
}

export interface DebugTarget {
  /** GDB architecture name (`riscv:rv64`, `aarch64`), for the target description. */
  readonly architecture: string;
  /** The target description XML (`target.xml`), features inline. */
  targetXml(): string;
  readonly cores: readonly DebugCore[];
  /** Install (or remove, with undefined) the hooks and the current breakpoint set. */
  setDebugHooks(hooks: DebugHooks | undefined): void;
  setBreakpoints(addresses: ReadonlySet<bigint>): void;
  setWatchpoints(watchpoints: readonly Watchpoint[]): void;
}

export function isDebugTarget(x: unknown): x is DebugTarget {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as DebugTarget).targetXml === 'function' &&
    Array.isArray((x as DebugTarget).cores) &&
    typeof (x as DebugTarget).setBreakpoints === 'function'
  );
}

/**
 * The debug target a component's API offers: the API itself, or its `debugTarget` property
 * (for APIs whose own `cores` are something else, such as the arm-cpu cluster).
 */
export function debugTargetOf(api: unknown): DebugTarget | undefined {
  if (isDebugTarget(api)) return api;
  const inner = typeof api === 'object' && api !== null ? (api as { debugTarget?: unknown }).debugTarget : undefined;
  return isDebugTarget(inner) ? inner : undefined;
}

/**
 * One debug target over several (the CPU clusters of a machine): their cores become one
 * thread list, breakpoints and watchpoints go to every one. They must share an architecture.
 */
export function combineDebugTargets(targets: readonly DebugTarget[]): DebugTarget {
  if (targets.length === 1) return targets[0]!;
  const arch = targets[0]!.architecture;
  const other = targets.find((t) => t.architecture !== arch);
  if (other !== undefined) throw new Error(`cannot debug ${arch} and ${other.architecture} cores in one GDB session`);
  // Thread numbering: the core index of a hit is relative to its own target.
  const offsets: number[] = [];
  let n = 0;
  for (const t of targets) {
    offsets.push(n);
    n += t.cores.length;
  }
  return {
    architecture: arch,
    cores: targets.flatMap((t) => [...t.cores]),
    targetXml: () => targets[0]!.targetXml(),
    setDebugHooks(hooks) {
      targets.forEach((t, i) => t.setDebugHooks(hooks === undefined ? undefined : { hit: (stop) => hooks.hit({ ...stop, core: stop.core + offsets[i]! }) }));
    },
    setBreakpoints(a) {
      for (const t of targets) t.setBreakpoints(a);
    },
    setWatchpoints(w) {
      for (const t of targets) t.setWatchpoints(w);
    },
  };
}
