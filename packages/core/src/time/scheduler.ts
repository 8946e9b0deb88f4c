/**
 * The deterministic scheduler: one virtual clock for the whole simulation.
 *
 * Time is in nanoseconds of virtual time, as a JavaScript number (exact for 104 days).
 * Devices schedule callbacks at absolute times; CPUs run in quanta. Within a quantum each
 * runnable CPU runs in a fixed order up to the quantum's end (or the next due event,
 * whichever is earlier), then due events fire in (time, insertion order). The same inputs
 * therefore give the same run, bit for bit. When every CPU is halted (WFI) time jumps to the
 * next event. Nothing depends on wall-clock time unless pacing is asked for.
 */

import { SimError } from '../util/errors.js';

/** A CPU (or anything that executes instructions) driven by the scheduler. */
export interface Runnable {
  readonly name: string;
  /**
   * Execute until the runnable's local time reaches `until` (ns), it halts, or
   * {@link Scheduler.exitRequested} becomes true. Must leave `localTime() <= until`
   * unless it already was past it.
   */
  run(until: number): void;
  /** This runnable's own notion of now (ns): where it is inside the current quantum. */
  localTime(): number;
  /** Bring local time to `t` without executing (used while halted and at quantum ends). */
  syncTime(t: number): void;
  /** True while it has nothing to execute (WFI, powered off); the scheduler skips it. */
  readonly halted: boolean;
  /** Instructions retired so far (for budgets and statistics). */
  readonly retired: number;
}

type Callback = () => void;

/** A reusable timer: one pending callback at a time, re-armable without allocation. */
export class Timer {
  /** @internal heap index, -1 when not armed */
  heapIndex = -1;
  /** @internal */
  time = 0;
  /** @internal insertion sequence, for determinism among equal times */
  seq = 0;

  constructor(
    private readonly scheduler: Scheduler,
    readonly callback: Callback,
  ) {}

  get armed(): boolean {
    return this.heapIndex >= 0;
  }

  /** Arm (or re-arm) at absolute time `t` (ns). Times in the past fire at the next opportunity. */
  setAt(t: number): void {
    this.scheduler.arm(this, t);
  }

  /** Arm (or re-arm) `delay` ns after now. */
  setAfter(delay: number): void {
    this.scheduler.arm(this, this.scheduler.now() + delay);
  }

  cancel(): void {
    this.scheduler.disarm(this);
  }
}

export interface StopInfo {
  reason: 'poweroff' | 'reset' | 'until' | 'timeout' | 'budget' | 'deadlock' | 'error' | 'user' | 'debug';
  /** Exit code for the process running the simulation. */
  exitCode: number;
  message: string;
}

export class Scheduler {
  /** Global time (ns): the start of the current quantum while CPUs run. */
  private globalTime = 0;
  private heap: Timer[] = [];
  private seq = 0;
  private readonly runnables: Runnable[] = [];
  /** Runnables that never run again (their machine powered off while others run on). */
  private readonly parked = new Set<Runnable>();
  private current: Runnable | undefined;
  /** The `until` the running CPU was given. */
  private runUntil = 0;
  /** Quantum length in ns. */
  quantum: number;
  /** Set to make the running CPU return at its next check (an event needs handling now). */
  exitRequested = false;
  private stopInfo: StopInfo | undefined;
  /** Number of timer callbacks fired, for statistics. */
  eventsFired = 0;

  constructor(opts: { quantumNs?: number } = {}) {
    this.quantum = opts.quantumNs ?? 10_000;
  }

  /** Current virtual time (ns), including the running CPU's progress through its quantum. */
  now(): number {
    return this.current !== undefined ? this.current.localTime() : this.globalTime;
  }

  /** The runnable currently executing, if any. */
  get running(): Runnable | undefined {
    return this.current;
  }

  addRunnable(r: Runnable): void {
    this.runnables.push(r);
  }

  get cpus(): readonly Runnable[] {
    return this.runnables;
  }

  /**
   * Stop running `r` for good (its machine powered off while other machines of the
   * simulation run on). It keeps its place in `cpus` for statistics; a running CPU that
   * parks itself returns at its next check.
   */
  park(r: Runnable): void {
    this.parked.add(r);
    if (this.current === r) this.exitRequested = true;
  }

  isParked(r: Runnable): boolean {
    return this.parked.size > 0 && this.parked.has(r);
  }

  timer(callback: Callback): Timer {
    return new Timer(this, callback);
  }

  /** One-shot callback at absolute time `t`. */
  at(t: number, callback: Callback): Timer {
    const tm = new Timer(this, callback);
    tm.setAt(t);
    return tm;
  }

  /** One-shot callback `delay` ns from now. */
  after(delay: number, callback: Callback): Timer {
    return this.at(this.now() + delay, callback);
  }

  /** Ask the running CPU to return early so due work is handled promptly. */
  kick(): void {
    this.exitRequested = true;
  }

  /** End the run (power-off, --until match, ...). The first stop wins. */
  stop(info: StopInfo): void {
    if (this.stopInfo === undefined) this.stopInfo = info;
    this.exitRequested = true;
  }

  /** Forget a stop (after a handled reboot) so the run can continue. */
  clearStop(): void {
    this.stopInfo = undefined;
    this.exitRequested = false;
  }

  get stopped(): StopInfo | undefined {
    return this.stopInfo;
  }

  /** Earliest armed timer's time, or Infinity. */
  nextEventTime(): number {
    return this.heap.length > 0 ? this.heap[0]!.time : Infinity;
  }

  /**
   * Run until stopped or until virtual time reaches `limitNs`. Returns the stop info, or
   * undefined if the time limit was reached without a stop.
   */
  run(limitNs = Infinity, opts: { instructionBudget?: number } = {}): StopInfo | undefined {
    const budget = opts.instructionBudget ?? Infinity;
    const rs = this.runnables;
    const h = this.heap;
    while (this.stopInfo === undefined) {
      this.fireDue();
      if (this.stopInfo !== undefined) break;
      const g = this.globalTime;
      if (g >= limitNs) return undefined;
      let end = Math.min(g + this.quantum, limitNs);
      if (h.length > 0 && h[0]!.time < end) end = h[0]!.time;
      if (end < g) end = g; // due event pending: fire first
      let anyRan = false;
      const parked = this.parked.size > 0 ? this.parked : undefined;
      for (let i = 0; i < rs.length; i++) {
        const r = rs[i]!;
        if (r.halted || parked?.has(r)) continue;
        anyRan = true;
        this.exitRequested = false;
        // A CPU that ran earlier in this quantum may have armed an earlier event: the ones
        // after it stop there too, so the event fires at its time on every CPU.
        let until = end;
        if (h.length > 0 && h[0]!.time < until) until = h[0]!.time < g ? g : h[0]!.time;
        this.runUntil = until;
        this.current = r;
        try {
          r.run(until);
        } finally {
          this.current = undefined;
        }
        if (this.stopInfo !== undefined) break;
      }
      if (this.stopInfo !== undefined) break;
      if (anyRan) {
        // A CPU that returned early without halting (it armed a timer, or was kicked) has
        // not executed the rest of the quantum: global time advances only as far as the
        // slowest such CPU, so the event fires at the right time and no CPU skips ahead
        // without executing. CPUs already further on wait (run() with an earlier `until`
        // is a no-op for them).
        let reached = end;
        for (let i = 0; i < rs.length; i++) {
          const r = rs[i]!;
          if (r.halted || this.isParked(r)) continue;
          const lt = r.localTime();
          if (lt < reached) reached = lt > g ? lt : g;
        }
        // Progress is guaranteed: if nobody moved and nothing is due, fall back to the
        // quantum end rather than spin.
        if (reached > g || (h.length > 0 && h[0]!.time <= g)) end = reached;
      } else {
        // Everything idle: jump to the next event.
        if (h.length === 0) {
          this.stop({ reason: 'deadlock', exitCode: 3, message: 'every CPU is halted and no event is pending: the guest can never wake up' });
          break;
        }
        end = Math.max(g, Math.min(h[0]!.time, limitNs));
      }
      this.globalTime = end;
      for (let i = 0; i < rs.length; i++) {
        const r = rs[i]!;
        if (r.localTime() < end) r.syncTime(end);
      }
      if (budget !== Infinity) {
        let total = 0;
        for (const r of rs) total += r.retired;
        if (total >= budget) {
          this.stop({ reason: 'budget', exitCode: 4, message: `instruction budget of ${budget} reached` });
        }
      }
    }
    return this.stopInfo;
  }

  /**
   * Run one runnable alone up to `until` (a debugger's single step): it is the current CPU
   * while it runs, so `now()` and timer arming see its local time as in a quantum.
   */
  runAlone(r: Runnable, until: number): void {
    if (this.current !== undefined) throw new SimError('runAlone() called while a CPU is running');
    this.exitRequested = false;
    this.runUntil = until;
    this.current = r;
    try {
      r.run(until);
    } finally {
      this.current = undefined;
    }
  }

  /** Fire every timer due at or before global time, in (time, sequence) order. */
  private fireDue(): void {
    const h = this.heap;
    // A stop (power-off, --until) ends the run at once: later timers, even ones due at the
    // same instant, must not see a machine that has already stopped.
    while (h.length > 0 && h[0]!.time <= this.globalTime && this.stopInfo === undefined) {
      const t = this.popMin();
      this.eventsFired++;
      t.callback();
    }
  }

  /** Advance global time without running CPUs (tests, device-only simulations). */
  advance(t: number): void {
    if (t < this.globalTime) throw new SimError(`cannot move time backwards (${t} < ${this.globalTime})`);
    while (this.heap.length > 0 && this.heap[0]!.time <= t && this.stopInfo === undefined) {
      const tm = this.popMin();
      if (tm.time > this.globalTime) this.globalTime = tm.time;
      this.eventsFired++;
      tm.callback();
    }
    this.globalTime = Math.max(this.globalTime, t);
  }

  /** @internal */
  arm(t: Timer, time: number): void {
    if (!(time >= 0)) time = 0; // NaN and negatives fire at once
    if (t.heapIndex >= 0) this.removeAt(t.heapIndex);
    t.time = time;
    t.seq = this.seq++;
    t.heapIndex = this.heap.length;
    this.heap.push(t);
    this.siftUp(t.heapIndex);
    if (this.current !== undefined && time < this.runUntil) {
      // Something became due before the running CPU's slice ends: make it return so the
      // event fires at its own time rather than at the end of the quantum.
      this.exitRequested = true;
    }
  }

  /** @internal */
  disarm(t: Timer): void {
    if (t.heapIndex >= 0) this.removeAt(t.heapIndex);
  }

  private less(a: Timer, b: Timer): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private popMin(): Timer {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    top.heapIndex = -1;
    if (h.length > 0) {
      h[0] = last;
      last.heapIndex = 0;
      this.siftDown(0);
    }
    return top;
  }

  private removeAt(i: number): void {
    const h = this.heap;
    const t = h[i]!;
    const last = h.pop()!;
    t.heapIndex = -1;
    if (i < h.length) {
      h[i] = last;
      last.heapIndex = i;
      this.siftDown(i);
      this.siftUp(last.heapIndex);
    }
  }

  private siftUp(i: number): void {
    const h = this.heap;
    const t = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = h[p]!;
      if (!this.less(t, pt)) break;
      h[i] = pt;
      pt.heapIndex = i;
      i = p;
    }
    h[i] = t;
    t.heapIndex = i;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    const t = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(h[r]!, h[l]!) ? r : l;
      const ct = h[c]!;
      if (!this.less(ct, t)) break;
      h[i] = ct;
      ct.heapIndex = i;
      i = c;
    }
    h[i] = t;
    t.heapIndex = i;
  }
}
