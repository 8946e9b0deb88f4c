/**
 * Breakpoints and watchpoints as a CPU checks them, shared by the CPU plugins.
 *
 * A CPU keeps its fast paths free of debug checks by using page granularity: it asks
 * {@link DebugPoints.breakPages} only when execution enters a new code page, and keeps pages
 * in {@link DebugPoints.watchPages} out of its data TLB so that every access to them takes
 * the slow path, where {@link DebugPoints.watchHit} is asked. Page keys are computed by the
 * CPU's own `pageKey` so they match the page numbers its fetch and TLB code already use.
 */

import type { DebugHooks, DebugStop, Watchpoint } from './target.js';

export const DEBUG_PAGE_SIZE = 4096;

export class DebugPoints {
  /** Breakpoint addresses (unsigned 64-bit virtual addresses, as GDB sends them). */
  breakpoints: ReadonlySet<bigint> = new Set();
  /** Page keys holding at least one breakpoint. */
  breakPages = new Set<number>();
  watchpoints: readonly Watchpoint[] = [];
  /** Page keys overlapped by at least one watchpoint. */
  watchPages = new Set<number>();
  hooks: DebugHooks | undefined;

  constructor(private readonly pageKey: (addr: bigint) => number) {}

  /** Nothing installed: the CPU may drop back to its plain run loop. */
  get empty(): boolean {
    return this.breakpoints.size === 0 && this.watchpoints.length === 0;
  }

  setBreakpoints(addresses: ReadonlySet<bigint>): void {
    this.breakpoints = new Set(addresses);
    this.breakPages = new Set([...addresses].map((a) => this.pageKey(a)));
  }

  setWatchpoints(list: readonly Watchpoint[]): void {
    this.watchpoints = [...list];
    const pages = new Set<number>();
    for (const w of list) {
      const size = BigInt(DEBUG_PAGE_SIZE);
      const first = w.addr - (w.addr % size);
      for (let p = first; p < w.addr + BigInt(Math.max(w.length, 1)); p += size) pages.add(this.pageKey(p));
    }
    this.watchPages = pages;
  }

  /** The watchpoint an access of `size` bytes at `addr` triggers, if any. */
  watchHit(addr: bigint, size: number, write: boolean): Watchpoint | undefined {
    const end = addr + BigInt(size);
    for (const w of this.watchpoints) {
      if (w.kind === 'write' && !write) continue;
      if (w.kind === 'read' && write) continue;
      if (addr < w.addr + BigInt(w.length) && w.addr < end) return w;
    }
    return undefined;
  }

  /** Report a stop to the attached server (if any). */
  hit(stop: DebugStop): void {
    this.hooks?.hit(stop);
  }
}
