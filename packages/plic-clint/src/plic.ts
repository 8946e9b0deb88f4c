/**
 * RISC-V Platform-Level Interrupt Controller (RISC-V PLIC specification 1.0.0), with the
 * register map QEMU's `virt` board uses:
 *
 * | offset                     | register                                  |
 * |----------------------------|-------------------------------------------|
 * | 0x000000 + 4*source        | priority (WARL, `priority-bits` wide)     |
 * | 0x001000 + 4*word          | pending bits (read-only)                  |
 * | 0x002000 + 0x80*ctx + 4*w  | enable bits per context                   |
 * | 0x200000 + 0x1000*ctx      | priority threshold                        |
 * | 0x200004 + 0x1000*ctx      | claim (read) / complete (write)           |
 *
 * Each source has a gateway (PLIC spec §"Interrupt Gateways"): a level-triggered source
 * sends one request while asserted; the gateway then waits for the completion before it
 * forwards another, so a source is pending at most once until claimed, and re-pends after
 * completion if its line is still high. A pending bit is cleared only by a claim.
 */

import type { IrqLine, IrqTarget, IrqInput, MmioAccess, MmioDevice, EventBus, Counter } from '@tessera/core';

export interface PlicOptions {
  /** Number of sources (IDs 1..ndev). */
  ndev: number;
  /** Width of the priority registers; priorities are 0..2^bits-1. */
  priorityBits: number;
  /** Context outputs, in context order. */
  contexts: readonly IrqLine[];
  /** Event bus and source name, for counters and guest-error events. */
  events?: EventBus;
  name?: string;
}

export const PLIC_PRIORITY_BASE = 0x0;
export const PLIC_PENDING_BASE = 0x1000;
export const PLIC_ENABLE_BASE = 0x2000;
export const PLIC_ENABLE_STRIDE = 0x80;
export const PLIC_CONTEXT_BASE = 0x200000;
export const PLIC_CONTEXT_STRIDE = 0x1000;
/** Size of the region on QEMU virt: contexts for its 512 harts (M and S), as QEMU's VIRT_PLIC_SIZE. */
export const PLIC_DEFAULT_SIZE = 0x600000;

export class Plic implements MmioDevice, IrqTarget {
  readonly ndev: number;
  readonly nctx: number;
  private readonly words: number;
  private readonly prioMask: number;
  private readonly priority: Uint32Array;
  private readonly pending: Uint32Array;
  /** Sources claimed and not yet completed (the gateway holds further requests). */
  private readonly inFlight: Uint32Array;
  /** Current input levels. */
  private readonly level: Uint8Array;
  private readonly enable: Uint32Array;
  private readonly threshold: Uint32Array;
  private readonly outputs: readonly IrqLine[];
  private readonly inputs: IrqInput[] = [];
  private readonly events: EventBus | undefined;
  private readonly name: string;
  private readonly claims: Counter | undefined;
  /** Claims per source (`--stats`: interrupts by source), created on first claim. */
  private readonly sourceClaims = new Map<number, Counter>();

  constructor(o: PlicOptions) {
    this.ndev = o.ndev;
    this.nctx = o.contexts.length;
    this.words = (o.ndev >>> 5) + 1;
    this.prioMask = o.priorityBits >= 32 ? 0xffffffff : (1 << o.priorityBits) - 1;
    this.priority = new Uint32Array(o.ndev + 1);
    this.pending = new Uint32Array(this.words);
    this.inFlight = new Uint32Array(this.words);
    this.level = new Uint8Array(o.ndev + 1);
    this.enable = new Uint32Array(this.nctx * this.words);
    this.threshold = new Uint32Array(this.nctx);
    this.outputs = o.contexts;
    this.events = o.events;
    this.name = o.name ?? 'plic';
    this.claims = o.events?.counter(this.name, 'claims');
    for (let i = 0; i <= o.ndev; i++) {
      const id = i;
      this.inputs.push((lvl: boolean) => this.setLevel(id, lvl));
    }
  }

  /** Input `line` (a source number 1..ndev). */
  irqInput(line: number | string): IrqInput | undefined {
    const n = typeof line === 'number' ? line : /^\d+$/.test(line) ? Number(line) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > this.ndev) return undefined;
    return this.inputs[n];
  }

  reset(): void {
    this.priority.fill(0);
    this.pending.fill(0);
    this.inFlight.fill(0);
    this.enable.fill(0);
    this.threshold.fill(0);
    // Input levels are the devices' state, not ours: keep them, and let the gateways
    // forward the asserted ones again.
    for (let i = 1; i <= this.ndev; i++) if (this.level[i] !== 0) this.setBit(this.pending, i, true);
    this.update();
  }

  private bit(a: Uint32Array, id: number): boolean {
    return (a[id >>> 5]! & (1 << (id & 31))) !== 0;
  }

  private setBit(a: Uint32Array, id: number, v: boolean): void {
    if (v) a[id >>> 5]! |= 1 << (id & 31);
    else a[id >>> 5]! &= ~(1 << (id & 31));
  }

  /** A source's wire changed. */
  setLevel(id: number, lvl: boolean): void {
    this.level[id] = lvl ? 1 : 0;
    if (lvl && !this.bit(this.inFlight, id) && !this.bit(this.pending, id)) {
      this.setBit(this.pending, id, true);
      this.update();
    }
  }

  isPending(id: number): boolean {
    return this.bit(this.pending, id);
  }

  /** Highest-priority pending source enabled for `ctx` with priority above its threshold (ties: lowest ID); 0 if none. */
  best(ctx: number): number {
    const th = this.threshold[ctx]!;
    let bestId = 0;
    let bestPrio = th;
    const base = ctx * this.words;
    for (let w = 0; w < this.words; w++) {
      let bits = this.pending[w]! & this.enable[base + w]!;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const id = (w << 5) | b;
        const p = this.priority[id]!;
        if (p > bestPrio) {
          bestPrio = p;
          bestId = id;
        }
      }
    }
    return bestId;
  }

  /** Recompute every context output (PLIC spec §"Interrupt Notifications"). */
  update(): void {
    for (let c = 0; c < this.nctx; c++) this.outputs[c]!.set(this.best(c) !== 0);
  }

  /** Claim for context `ctx` (PLIC spec §"Interrupt Claim Process"). */
  claim(ctx: number): number {
    const id = this.best(ctx);
    if (id !== 0) {
      this.setBit(this.pending, id, false);
      this.setBit(this.inFlight, id, true);
      if (this.claims !== undefined) {
        this.claims.value++;
        let c = this.sourceClaims.get(id);
        if (c === undefined) this.sourceClaims.set(id, (c = this.events!.counter('irq.sources', `${this.name} source ${id}`)));
        c.value++;
      }
      this.update();
    }
    return id;
  }

  /** Completion by context `ctx` (PLIC spec §"Interrupt Completion"). */
  complete(ctx: number, id: number): void {
    // "If the completion ID does not match an interrupt source that is currently enabled
    // for the target, the completion is silently ignored."
    if (id < 1 || id > this.ndev || (this.enable[ctx * this.words + (id >>> 5)]! & (1 << (id & 31))) === 0) return;
    if (!this.bit(this.inFlight, id)) return;
    this.setBit(this.inFlight, id, false);
    if (this.level[id] !== 0) this.setBit(this.pending, id, true);
    this.update();
  }

  read(offset: number, size: 1 | 2 | 4, access: MmioAccess): number {
    if (size !== 4 || (offset & 3) !== 0) return this.badAccess(offset, size, false, access);
    if (offset < PLIC_PENDING_BASE) {
      const id = offset >>> 2;
      return id >= 1 && id <= this.ndev ? this.priority[id]! : 0;
    }
    if (offset < PLIC_ENABLE_BASE) {
      const w = (offset - PLIC_PENDING_BASE) >>> 2;
      return w < this.words ? this.pending[w]! >>> 0 : 0;
    }
    if (offset < PLIC_CONTEXT_BASE) {
      const ctx = Math.floor((offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
      const w = ((offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE) >>> 2;
      return ctx < this.nctx && w < this.words ? this.enable[ctx * this.words + w]! >>> 0 : 0;
    }
    const ctx = Math.floor((offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
    const reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
    if (ctx >= this.nctx) return 0;
    if (reg === 0) return this.threshold[ctx]!;
    if (reg === 4) return this.claim(ctx);
    return 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number, access: MmioAccess): void {
    if (size !== 4 || (offset & 3) !== 0) {
      this.badAccess(offset, size, true, access);
      return;
    }
    if (offset < PLIC_PENDING_BASE) {
      const id = offset >>> 2;
      if (id >= 1 && id <= this.ndev) {
        this.priority[id] = value & this.prioMask;
        this.update();
      }
      return;
    }
    if (offset < PLIC_ENABLE_BASE) return; // pending bits are read-only
    if (offset < PLIC_CONTEXT_BASE) {
      const ctx = Math.floor((offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
      const w = ((offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE) >>> 2;
      if (ctx >= this.nctx || w >= this.words) return;
      let v = value >>> 0;
      if (w === 0) v &= ~1; // source 0 does not exist
      if (w === this.words - 1) {
        const top = this.ndev & 31; // highest valid bit in the last word
        v &= top === 31 ? 0xffffffff : (1 << (top + 1)) - 1;
      }
      this.enable[ctx * this.words + w] = v;
      this.update();
      return;
    }
    const ctx = Math.floor((offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
    const reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
    if (ctx >= this.nctx) return;
    if (reg === 0) {
      this.threshold[ctx] = value & this.prioMask;
      this.update();
    } else if (reg === 4) this.complete(ctx, value >>> 0);
  }

  private badAccess(offset: number, size: number, isWrite: boolean, access: MmioAccess): number {
    // The PLIC only decodes naturally aligned 32-bit accesses (PLIC spec §"Memory Map").
    if (this.events?.wants('plic.error')) {
      this.events.emit('plic.error', this.name, { offset, size, write: isWrite, master: access.master, message: 'PLIC registers take aligned 32-bit accesses only' });
    }
    access.fault();
    return 0;
  }
}
