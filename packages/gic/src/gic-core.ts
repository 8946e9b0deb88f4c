/**
 * The physical interrupt state machine shared by the GICv2 and GICv3 models: per-INTID
 * enable, pending, active, group, priority and trigger configuration (banked per CPU for
 * SGIs and PPIs), the per-CPU interface state that decides signalling (priority mask,
 * binary point, active priorities), acknowledge, priority drop and deactivation.
 *
 * State follows IHI 0048B §3.2.4 / IHI 0069H §4.1.2: inactive, pending, active, active and
 * pending. A level-sensitive interrupt is pending while its input is asserted, or while a
 * software latch (ISPENDR) is set; an edge-triggered one latches on a rising edge
 * (IHI 0048B §3.2.4 "Level-sensitive and edge-triggered"). Acknowledging clears the latch
 * and sets active, so a level input still asserted leaves it active and pending.
 *
 * Priorities: 5 bits are implemented (32 levels, as GIC-400 and QEMU's GICv3), so the low
 * 3 bits of every priority field are RAZ/WI. The active-priority registers keep one bit
 * per preemption level at the granularity of 8 (bit n = priority n << 3), which is the
 * layout of GICC_APR0 / ICC_AP1R0_EL1 with 5 priority bits (IHI 0069H §12.2.2).
 *
 * LPIs (GICv3) have no active state (IHI 0069H §5.1): they are kept per CPU in a pending
 * set with their configuration byte supplied by the owner.
 */

export const SPURIOUS = 1023;
/** IAR value when the highest pending interrupt is of the other group (IHI 0048B §3.2.5). */
export const SPURIOUS_OTHER_GROUP = 1022;
export const PRIORITY_MASK = 0xf8;
export const IDLE_PRIORITY = 0xff;
/** First LPI INTID (IHI 0069H §1.2). */
export const LPI_BASE = 8192;

export interface GicSignals {
  /** Drive core `cpu`'s physical IRQ (group 1, or group 0 without FIQ) line. */
  irq(cpu: number, level: boolean): void;
  /** Drive core `cpu`'s physical FIQ line. */
  fiq(cpu: number, level: boolean): void;
}

export class GicCore {
  readonly nCpus: number;
  /** Total INTIDs 0..nIrqs-1 (SGI, PPI, SPI); a multiple of 32. */
  readonly nIrqs: number;
  readonly enabled: Uint8Array;
  /** Software or edge pending latch. */
  readonly latch: Uint8Array;
  /** Current level of the input wire. */
  readonly level: Uint8Array;
  readonly active: Uint8Array;
  readonly group: Uint8Array;
  readonly priority: Uint8Array;
  /** 1 = edge-triggered. */
  readonly edge: Uint8Array;
  /** SPI target CPUs as a bit mask (GICv2 ITARGETSR; GICv3 from IROUTER). Index = INTID. */
  readonly spiTargets: Uint32Array;
  /** GICv2 SGI sources: bit mask of source CPUs per (target, SGI). */
  readonly sgiSources: Uint8Array;
  /** Distributor group enables: bit 0 Group 0, bit 1 Group 1. */
  distEnable = 0;

  // Per-CPU interface state (GICC_* / ICC_*).
  /** Group enables at the CPU interface: bit 0 Group 0, bit 1 Group 1. */
  readonly cpuEnable: Uint8Array;
  /** Group 0 is signalled as FIQ (GICC_CTLR.FIQEn; always on GICv3). */
  readonly fiqEn: Uint8Array;
  readonly pmr: Uint8Array;
  readonly bpr0: Uint8Array;
  readonly bpr1: Uint8Array;
  /** ICC_CTLR_EL1.CBPR / GICC_CTLR.CBPR: group 1 uses BPR0. */
  readonly cbpr: Uint8Array;
  readonly apr0: Uint32Array;
  readonly apr1: Uint32Array;
  /** Whether interrupts are forwarded at all to each CPU (GICR_WAKER.ProcessorSleep = 0 etc.). */
  readonly cpuAwake: Uint8Array;

  // LPIs.
  readonly lpiPending: Array<Set<number>>;
  /** Configuration byte of an LPI as seen by `cpu` (priority[7:2], enable bit 0), or -1 if unreadable. */
  lpiConfig: (cpu: number, intid: number) => number = () => -1;
  /** Called when an LPI's pending state changes (GICv3 mirrors it into the pending table). */
  lpiPendingChanged: (cpu: number, intid: number, pending: boolean) => void = () => {};

  // Bit-packed mirrors of latch/level/edge/enabled/active (bit i of word i >> 5), so the
  // highest-pending search visits only candidate interrupts. Write state through the
  // set* methods, which keep both forms in step.
  private readonly latchW: Uint32Array;
  private readonly levelW: Uint32Array;
  private readonly edgeW: Uint32Array;
  private readonly enabledW: Uint32Array;
  private readonly activeW: Uint32Array;
  private readonly irqOut: Uint8Array;
  private readonly fiqOut: Uint8Array;
  private readonly hppiCache: Int32Array;

  constructor(
    nCpus: number,
    nIrqs: number,
    private readonly signals: GicSignals,
  ) {
    this.nCpus = nCpus;
    this.nIrqs = nIrqs;
    const n = nCpus * 32 + (nIrqs - 32);
    this.enabled = new Uint8Array(n);
    this.latch = new Uint8Array(n);
    this.level = new Uint8Array(n);
    this.active = new Uint8Array(n);
    this.group = new Uint8Array(n);
    this.priority = new Uint8Array(n);
    this.edge = new Uint8Array(n);
    const words = n >>> 5;
    this.latchW = new Uint32Array(words);
    this.levelW = new Uint32Array(words);
    this.edgeW = new Uint32Array(words);
    this.enabledW = new Uint32Array(words);
    this.activeW = new Uint32Array(words);
    this.spiTargets = new Uint32Array(nIrqs);
    this.sgiSources = new Uint8Array(nCpus * 16);
    this.cpuEnable = new Uint8Array(nCpus);
    this.fiqEn = new Uint8Array(nCpus);
    this.pmr = new Uint8Array(nCpus);
    this.bpr0 = new Uint8Array(nCpus);
    this.bpr1 = new Uint8Array(nCpus);
    this.cbpr = new Uint8Array(nCpus);
    this.apr0 = new Uint32Array(nCpus);
    this.apr1 = new Uint32Array(nCpus);
    this.cpuAwake = new Uint8Array(nCpus).fill(1);
    this.irqOut = new Uint8Array(nCpus);
    this.fiqOut = new Uint8Array(nCpus);
    this.hppiCache = new Int32Array(nCpus);
    this.lpiPending = Array.from({ length: nCpus }, () => new Set<number>());
  }

  /** Index of INTID `intid` (< nIrqs) in the state arrays, as seen by `cpu`. */
  idx(cpu: number, intid: number): number {
    return intid < 32 ? cpu * 32 + intid : this.nCpus * 32 + intid - 32;
  }

  setLatch(i: number, v: number): void {
    this.latch[i] = v;
    if (v !== 0) this.latchW[i >>> 5] |= 1 << (i & 31);
    else this.latchW[i >>> 5] &= ~(1 << (i & 31));
  }

  setLevel(i: number, v: number): void {
    this.level[i] = v;
    if (v !== 0) this.levelW[i >>> 5] |= 1 << (i & 31);
    else this.levelW[i >>> 5] &= ~(1 << (i & 31));
  }

  setEdge(i: number, v: number): void {
    this.edge[i] = v;
    if (v !== 0) this.edgeW[i >>> 5] |= 1 << (i & 31);
    else this.edgeW[i >>> 5] &= ~(1 << (i & 31));
  }

  setEnabled(i: number, v: number): void {
    this.enabled[i] = v;
    if (v !== 0) this.enabledW[i >>> 5] |= 1 << (i & 31);
    else this.enabledW[i >>> 5] &= ~(1 << (i & 31));
  }

  setActive(i: number, v: number): void {
    this.active[i] = v;
    if (v !== 0) this.activeW[i >>> 5] |= 1 << (i & 31);
    else this.activeW[i >>> 5] &= ~(1 << (i & 31));
  }

  reset(): void {
    this.enabled.fill(0);
    this.latch.fill(0);
    this.active.fill(0);
    this.group.fill(0);
    this.priority.fill(0);
    this.edge.fill(0);
    this.enabledW.fill(0);
    this.latchW.fill(0);
    this.activeW.fill(0);
    this.edgeW.fill(0);
    // SGIs are edge-triggered (GICD_ICFGR0 reads 0xaaaaaaaa, IHI 0048B §4.3.13).
    for (let c = 0; c < this.nCpus; c++) for (let i = 0; i < 16; i++) this.setEdge(c * 32 + i, 1);
    this.spiTargets.fill(0);
    this.sgiSources.fill(0);
    this.distEnable = 0;
    this.cpuEnable.fill(0);
    this.fiqEn.fill(0);
    this.pmr.fill(0);
    this.bpr0.fill(2);
    this.bpr1.fill(3);
    this.cbpr.fill(0);
    this.apr0.fill(0);
    this.apr1.fill(0);
    this.cpuAwake.fill(1);
    for (const s of this.lpiPending) s.clear();
    this.update();
  }

  isPending(i: number): boolean {
    return this.latch[i] !== 0 || (this.edge[i] === 0 && this.level[i] !== 0);
  }

  /** An input wire changed level (SPI: cpu ignored; PPI: the CPU it belongs to). */
  setInput(cpu: number, intid: number, high: boolean): void {
    const i = this.idx(cpu, intid);
    const v = high ? 1 : 0;
    if (this.level[i] === v) return;
    this.setLevel(i, v);
    if (high && this.edge[i] !== 0) this.setLatch(i, 1);
    this.update();
  }

  /** Group preemption priority of `prio` in group `grp` for `cpu` (IHI 0048B §3.3.3). */
  groupPriority(cpu: number, grp: number, prio: number): number {
    let bpr: number;
    if (grp === 0 || this.cbpr[cpu] !== 0) bpr = this.bpr0[cpu]!;
    else bpr = this.bpr1[cpu]! - 1;
    if (bpr < 2) bpr = 2; // 5 priority bits: a lower BPR behaves as the minimum
    return prio & ((0xff << (bpr + 1)) & 0xff);
  }

  /** Running priority: the highest active priority, or 0xff (IHI 0048B §3.3.4). */
  runningPriority(cpu: number): number {
    const a = this.apr0[cpu]! | this.apr1[cpu]!;
    if (a === 0) return IDLE_PRIORITY;
    return (31 - Math.clz32(a & -a)) << 3;
  }

  /**
   * Highest priority pending interrupt for `cpu` among enabled, not active interrupts
   * whose group is enabled in the distributor; SPURIOUS if none. Ties go to the lowest
   * INTID (implementation defined; IHI 0048B §3.3.2).
   */
  hppi(cpu: number): number {
    let best = SPURIOUS;
    let bestPrio = 0x100;
    const de = this.distEnable;
    if (de === 0 || this.cpuAwake[cpu] === 0) return SPURIOUS;
    const pri = this.priority;
    const grp = this.group;
    // SGIs and PPIs of this CPU: word `cpu`.
    let cand = (this.latchW[cpu]! | (this.levelW[cpu]! & ~this.edgeW[cpu]!)) & this.enabledW[cpu]! & ~this.activeW[cpu]!;
    while (cand !== 0) {
      const b = 31 - Math.clz32(cand & -cand);
      cand &= cand - 1;
      const i = cpu * 32 + b;
      if (((de >> grp[i]!) & 1) === 0) continue;
      const p = pri[i]!;
      if (p < bestPrio) {
        bestPrio = p;
        best = b;
      }
    }
    // SPIs: words nCpus.. (INTID 32 + 32k + b).
    const bit = 1 << cpu;
    const nw = (this.nIrqs - 32) >>> 5;
    for (let k = 0; k < nw; k++) {
      const w = this.nCpus + k;
      cand = (this.latchW[w]! | (this.levelW[w]! & ~this.edgeW[w]!)) & this.enabledW[w]! & ~this.activeW[w]!;
      while (cand !== 0) {
        const b = 31 - Math.clz32(cand & -cand);
        cand &= cand - 1;
        const intid = 32 + k * 32 + b;
        if ((this.spiTargets[intid]! & bit) === 0) continue;
        const i = w * 32 + b;
        if (((de >> grp[i]!) & 1) === 0) continue;
        const p = pri[i]!;
        if (p < bestPrio) {
          bestPrio = p;
          best = intid;
        }
      }
    }
    // LPIs are Group 1 only (IHI 0069H §5.1).
    if ((de & 2) !== 0) {
      for (const intid of this.lpiPending[cpu]!) {
        const cfg = this.lpiConfig(cpu, intid);
        if (cfg < 0 || (cfg & 1) === 0) continue;
        const p = cfg & 0xfc & PRIORITY_MASK;
        if (p < bestPrio || (p === bestPrio && intid < best)) {
          bestPrio = p;
          best = intid;
        }
      }
    }
    return best;
  }

  priorityOf(cpu: number, intid: number): number {
    if (intid >= LPI_BASE) return this.lpiConfig(cpu, intid) & PRIORITY_MASK;
    return this.priority[this.idx(cpu, intid)]!;
  }

  groupOf(cpu: number, intid: number): number {
    if (intid >= LPI_BASE) return 1;
    return this.group[this.idx(cpu, intid)]!;
  }

  /**
   * Recompute the outputs of `cpu` and of every CPU INTID `intid` can target (after an
   * acknowledge, priority drop or deactivation by `cpu`).
   */
  updateIntid(cpu: number, intid: number): void {
    if (intid < 32 || intid >= this.nIrqs) {
      this.updateCpu(cpu);
      return;
    }
    const mask = this.spiTargets[intid]! | (1 << cpu);
    for (let c = 0; c < this.nCpus; c++) if ((mask >>> c) & 1) this.updateCpu(c);
  }

  /** Recompute every CPU's IRQ/FIQ outputs. */
  update(): void {
    for (let c = 0; c < this.nCpus; c++) this.updateCpu(c);
  }

  updateCpu(cpu: number): void {
    const best = this.hppi(cpu);
    this.hppiCache[cpu] = best;
    let irq = 0;
    let fiq = 0;
    if (best !== SPURIOUS) {
      const grp = this.groupOf(cpu, best);
      const prio = this.priorityOf(cpu, best);
      if (((this.cpuEnable[cpu]! >> grp) & 1) !== 0 && prio < this.pmr[cpu]! && this.groupPriority(cpu, grp, prio) < this.runningPriority(cpu)) {
        if (grp === 0 && this.fiqEn[cpu] !== 0) fiq = 1;
        else irq = 1;
      }
    }
    if (this.irqOut[cpu] !== irq) {
      this.irqOut[cpu] = irq;
      this.signals.irq(cpu, irq !== 0);
    }
    if (this.fiqOut[cpu] !== fiq) {
      this.fiqOut[cpu] = fiq;
      this.signals.fiq(cpu, fiq !== 0);
    }
  }

  /** The last computed highest pending interrupt of `cpu`. */
  cachedHppi(cpu: number): number {
    return this.hppiCache[cpu]!;
  }

  /**
   * Acknowledge: for `allowedGroups` (bit mask), return the INTID of the highest pending
   * interrupt if it may be taken (priority below PMR and the running priority), mark it
   * active and set the active priority bit. Returns SPURIOUS (or SPURIOUS_OTHER_GROUP when
   * `otherGroup` reporting applies) otherwise. For a GICv2 SGI, bits 12:10 hold the source.
   */
  /** Called for every interrupt acknowledged (`--stats`: interrupts by source); unset costs one test. */
  onAcknowledge: ((cpu: number, intid: number) => void) | undefined;

  acknowledge(cpu: number, allowedGroups: number, reportOtherGroup: boolean): number {
    const best = this.hppi(cpu);
    if (best === SPURIOUS) return SPURIOUS;
    const grp = this.groupOf(cpu, best);
    const prio = this.priorityOf(cpu, best);
    if (((allowedGroups >> grp) & 1) === 0) return reportOtherGroup ? SPURIOUS_OTHER_GROUP : SPURIOUS;
    if (((this.cpuEnable[cpu]! >> grp) & 1) === 0) return SPURIOUS;
    const gp = this.groupPriority(cpu, grp, prio);
    if (prio >= this.pmr[cpu]! || gp >= this.runningPriority(cpu)) return SPURIOUS;
    let result = best;
    if (best >= LPI_BASE) {
      this.lpiPending[cpu]!.delete(best);
      this.lpiPendingChanged(cpu, best, false);
    } else {
      const i = this.idx(cpu, best);
      if (best < 16) {
        const s = cpu * 16 + best;
        const src = this.sgiSources[s]!;
        if (src !== 0) {
          const one = 31 - Math.clz32(src & -src);
          this.sgiSources[s] = src & ~(1 << one);
          result = best | (one << 10);
          if (this.sgiSources[s] === 0) this.setLatch(i, 0);
        } else this.setLatch(i, 0);
      } else this.setLatch(i, 0);
      this.setActive(i, 1);
    }
    const bit = 1 << (gp >>> 3);
    if (grp === 0) this.apr0[cpu]! |= bit;
    else this.apr1[cpu]! |= bit;
    this.updateIntid(cpu, best);
    if (this.onAcknowledge !== undefined) this.onAcknowledge(cpu, best);
    return result;
  }

  /**
   * Priority drop: clear the highest active priority bit (IHI 0048B §3.2.5 "Priority
   * drop", IHI 0069H §4.1.1). Returns false if nothing was active.
   */
  dropPriority(cpu: number): boolean {
    const a0 = this.apr0[cpu]!;
    const a1 = this.apr1[cpu]!;
    const a = a0 | a1;
    if (a === 0) return false;
    const low = a & -a;
    if ((a0 & low) !== 0) this.apr0[cpu] = a0 & ~low;
    else this.apr1[cpu] = a1 & ~low;
    return true;
  }

  /** Deactivate INTID `intid` as seen by `cpu`. Returns false if it was not active or out of range. */
  deactivate(cpu: number, intid: number): boolean {
    if (intid >= this.nIrqs) return false;
    const i = this.idx(cpu, intid);
    if (this.active[i] === 0) return false;
    this.setActive(i, 0);
    return true;
  }

  /** Make an LPI pending on `cpu`. */
  setLpiPending(cpu: number, intid: number, pending: boolean): void {
    const s = this.lpiPending[cpu]!;
    if (s.has(intid) === pending) return;
    if (pending) s.add(intid);
    else s.delete(intid);
    this.lpiPendingChanged(cpu, intid, pending);
    this.updateCpu(cpu);
  }

  irqLevel(cpu: number): boolean {
    return this.irqOut[cpu] !== 0;
  }

  fiqLevel(cpu: number): boolean {
    return this.fiqOut[cpu] !== 0;
  }
}
