/**
 * The generic timer of one core (Arm ARM D11): the system counter view (CNTPCT_EL0,
 * CNTVCT_EL0 = CNTPCT - CNTVOFF_EL2) and four timers — EL1 physical (CNTP), EL1 virtual
 * (CNTV), EL2 physical (CNTHP) and secure physical (CNTPS).
 *
 * The counter is derived from virtual time: CNTPCT = floor(now_ns * CNTFRQ / 1e9), as every
 * Tessera timer device computes it. Each timer's output is a level (ENABLE and ISTATUS and
 * not IMASK, D11.2.4) driven onto an interrupt line (a GIC PPI); a scheduler Timer is armed
 * for the instant the counter reaches the compare value, so nothing polls.
 */

import type { IrqLine, Scheduler, Timer } from '@tessera/core';

export const enum TimerId {
  Phys = 0,
  Virt = 1,
  Hyp = 2,
  Sec = 3,
}

const NS = 1_000_000_000n;

export class GenericTimer {
  /** CNTx_CTL: bit 0 ENABLE, bit 1 IMASK (ISTATUS is computed). */
  readonly ctl = new Uint8Array(4);
  readonly cval = new BigUint64Array(4);
  readonly outputs: Array<IrqLine | undefined> = [undefined, undefined, undefined, undefined];
  private readonly timers: Timer[];
  private readonly levels = [false, false, false, false];
  private readonly freqBig: bigint;
  /** CNTVOFF_EL2, kept here so the virtual timer can be evaluated. */
  cntvoff = 0n;

  constructor(
    private readonly scheduler: Scheduler,
    readonly frequency: number,
  ) {
    this.freqBig = BigInt(frequency);
    this.timers = [0, 1, 2, 3].map((i) => scheduler.timer(() => this.update(i)));
  }

  /** CNTPCT_EL0. */
  physicalCount(): bigint {
    return (BigInt(Math.floor(this.scheduler.now())) * this.freqBig) / NS;
  }

  /** The count timer `id` compares against (virtual for CNTV). */
  count(id: number): bigint {
    const p = this.physicalCount();
    return id === TimerId.Virt ? BigInt.asUintN(64, p - this.cntvoff) : p;
  }

  /** ISTATUS: enabled and the condition met. */
  istatus(id: number): boolean {
    return (this.ctl[id]! & 1) !== 0 && this.count(id) >= this.cval[id]!;
  }

  readCtl(id: number): bigint {
    return BigInt(this.ctl[id]! | (this.istatus(id) ? 4 : 0));
  }

  writeCtl(id: number, v: bigint): void {
    this.ctl[id] = Number(v & 3n);
    this.update(id);
  }

  readTval(id: number): bigint {
    return BigInt.asUintN(32, this.cval[id]! - this.count(id));
  }

  writeTval(id: number, v: bigint): void {
    this.cval[id] = BigInt.asUintN(64, this.count(id) + BigInt.asIntN(32, v));
    this.update(id);
  }

  writeCval(id: number, v: bigint): void {
    this.cval[id] = v;
    this.update(id);
  }

  setCntvoff(v: bigint): void {
    this.cntvoff = v;
    this.update(TimerId.Virt);
  }

  /** Re-evaluate timer `id`: drive its output and arm the scheduler for the next crossing. */
  update(id: number): void {
    const enabled = (this.ctl[id]! & 1) !== 0;
    const met = enabled && this.count(id) >= this.cval[id]!;
    const level = met && (this.ctl[id]! & 2) === 0;
    if (level !== this.levels[id]) {
      this.levels[id] = level;
      this.outputs[id]?.set(level);
    }
    const t = this.timers[id]!;
    if (enabled && !met) {
      // First ns at which floor(ns * f / 1e9) >= cval (physical), i.e. ceil(cval * 1e9 / f).
      const physCval = id === TimerId.Virt ? this.cval[id]! + this.cntvoff : this.cval[id]!;
      const ns = (physCval * NS + this.freqBig - 1n) / this.freqBig;
      if (ns < 2n ** 53n) t.setAt(Number(ns));
      else t.cancel();
    } else t.cancel();
  }

  /** Output level of timer `id` (for tests and ISR_EL1-like views). */
  level(id: number): boolean {
    return this.levels[id]!;
  }

  reset(): void {
    for (let i = 0; i < 4; i++) {
      this.ctl[i] = 0;
      this.cval[i] = 0n;
      this.update(i);
    }
    this.cntvoff = 0n;
  }
}
