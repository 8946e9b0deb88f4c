/**
 * The virtual CPU interface of one core, shared by GICv2 (GICH_* / GICV_*) and GICv3
 * (ICH_*_EL2 / ICV_*_EL1): list registers, the virtual machine control register, the
 * virtual active priorities and the maintenance interrupt.
 *
 * List registers are kept decoded (state, HW, group, priority, vINTID, pINTID, EOI, CPUID)
 * so that the GICv2 32-bit and the GICv3 64-bit formats are only encodings of the same
 * fields (IHI 0048B §5.3.15, IHI 0069H §12.4.10).
 *
 * The VMCR is stored in the GICv3 ICH_VMCR_EL2 layout, which GICH_VMCR shares bit for bit:
 * VENG0 0, VENG1 1, VAckCtl 2, VFIQEn 3, VCBPR 4, VEOIM 9, VBPR1 [20:18], VBPR0 [23:21],
 * VPMR [31:24] (GICv2's 5-bit VMPriMask sits at [31:27], the top of the same byte).
 * HCR and MISR share their low bits between versions (En, UIE, LRENPIE, NPIE, VGrp*IE;
 * EOIcount [31:27]).
 */

import { SPURIOUS, SPURIOUS_OTHER_GROUP, PRIORITY_MASK, IDLE_PRIORITY } from './gic-core.js';

export const LR_INVALID = 0;
export const LR_PENDING = 1;
export const LR_ACTIVE = 2;
export const LR_PENDING_ACTIVE = 3;

export const HCR_EN = 1 << 0;
export const HCR_UIE = 1 << 1;
export const HCR_LRENPIE = 1 << 2;
export const HCR_NPIE = 1 << 3;
export const HCR_VGRP0EIE = 1 << 4;
export const HCR_VGRP0DIE = 1 << 5;
export const HCR_VGRP1EIE = 1 << 6;
export const HCR_VGRP1DIE = 1 << 7;

export const MISR_EOI = 1 << 0;
export const MISR_U = 1 << 1;
export const MISR_LRENP = 1 << 2;
export const MISR_NP = 1 << 3;
export const MISR_VGRP0E = 1 << 4;
export const MISR_VGRP0D = 1 << 5;
export const MISR_VGRP1E = 1 << 6;
export const MISR_VGRP1D = 1 << 7;

export const VMCR_VENG0 = 1 << 0;
export const VMCR_VENG1 = 1 << 1;
export const VMCR_VACKCTL = 1 << 2;
export const VMCR_VFIQEN = 1 << 3;
export const VMCR_VCBPR = 1 << 4;
export const VMCR_VEOIM = 1 << 9;

export interface VirtualSignals {
  virq(level: boolean): void;
  vfiq(level: boolean): void;
  maintenance(level: boolean): void;
  /** A list register with HW = 1 was deactivated: deactivate physical `pintid` (IHI 0048B §5.4.1). */
  deactivatePhysical(pintid: number): void;
}

export class VirtualCpuInterface {
  readonly state: Uint8Array;
  readonly hw: Uint8Array;
  readonly group: Uint8Array;
  readonly priority: Uint8Array;
  readonly vintid: Uint32Array;
  readonly pintid: Uint32Array;
  /** EOI maintenance request (HW = 0 only). */
  readonly eoi: Uint8Array;
  /** GICv2 SGI source CPU (HW = 0 only). */
  readonly cpuid: Uint8Array;
  hcr = 0;
  vmcr = 0;
  apr0 = 0;
  apr1 = 0;
  private virqOut = false;
  private vfiqOut = false;
  private maintOut = false;

  constructor(
    readonly nLrs: number,
    /** GICv3 semantics: virtual Group 0 is always vFIQ; 32-bit vINTIDs. */
    private readonly v3: boolean,
    private readonly signals: VirtualSignals,
  ) {
    this.state = new Uint8Array(nLrs);
    this.hw = new Uint8Array(nLrs);
    this.group = new Uint8Array(nLrs);
    this.priority = new Uint8Array(nLrs);
    this.vintid = new Uint32Array(nLrs);
    this.pintid = new Uint32Array(nLrs);
    this.eoi = new Uint8Array(nLrs);
    this.cpuid = new Uint8Array(nLrs);
  }

  reset(): void {
    this.state.fill(0);
    this.hw.fill(0);
    this.group.fill(0);
    this.priority.fill(0);
    this.vintid.fill(0);
    this.pintid.fill(0);
    this.eoi.fill(0);
    this.cpuid.fill(0);
    this.hcr = 0;
    this.vmcr = 0;
    this.apr0 = 0;
    this.apr1 = 0;
    this.update();
  }

  get vpmr(): number {
    return (this.vmcr >>> 24) & PRIORITY_MASK;
  }

  get eoiCount(): number {
    return this.hcr >>> 27;
  }

  /** Bits of LRs with no pending/active state that request an EOI maintenance interrupt. */
  eisr(): number {
    let r = 0;
    for (let n = 0; n < this.nLrs; n++) if (this.state[n] === LR_INVALID && this.hw[n] === 0 && this.eoi[n] !== 0) r |= 1 << n;
    return r >>> 0;
  }

  /** Bits of LRs that hold no interrupt and may be reused (IHI 0048B §5.3.10). */
  elrsr(): number {
    let r = 0;
    for (let n = 0; n < this.nLrs; n++) if (this.state[n] === LR_INVALID && (this.hw[n] !== 0 || this.eoi[n] === 0)) r |= 1 << n;
    return r >>> 0;
  }

  /** GICH_MISR / ICH_MISR_EL2 (IHI 0048B §5.3.6, IHI 0069H §12.4.8). */
  misr(): number {
    const h = this.hcr;
    let m = 0;
    if (this.eisr() !== 0) m |= MISR_EOI;
    let valid = 0;
    let pending = 0;
    for (let n = 0; n < this.nLrs; n++) {
      if (this.state[n] !== LR_INVALID) valid++;
      if (this.state[n] === LR_PENDING) pending++;
    }
    if ((h & HCR_UIE) !== 0 && valid <= 1) m |= MISR_U;
    if ((h & HCR_LRENPIE) !== 0 && this.eoiCount !== 0) m |= MISR_LRENP;
    if ((h & HCR_NPIE) !== 0 && pending === 0) m |= MISR_NP;
    const eng0 = (this.vmcr & VMCR_VENG0) !== 0;
    const eng1 = (this.vmcr & VMCR_VENG1) !== 0;
    if ((h & HCR_VGRP0EIE) !== 0 && eng0) m |= MISR_VGRP0E;
    if ((h & HCR_VGRP0DIE) !== 0 && !eng0) m |= MISR_VGRP0D;
    if ((h & HCR_VGRP1EIE) !== 0 && eng1) m |= MISR_VGRP1E;
    if ((h & HCR_VGRP1DIE) !== 0 && !eng1) m |= MISR_VGRP1D;
    return m;
  }

  groupPriority(grp: number, prio: number): number {
    let bpr: number;
    if (grp === 0 || (this.vmcr & VMCR_VCBPR) !== 0) bpr = (this.vmcr >>> 21) & 7;
    else bpr = ((this.vmcr >>> 18) & 7) - 1;
    if (bpr < 2) bpr = 2;
    return prio & ((0xff << (bpr + 1)) & 0xff);
  }

  runningPriority(): number {
    const a = (this.apr0 | this.apr1) >>> 0;
    if (a === 0) return IDLE_PRIORITY;
    return (31 - Math.clz32(a & -a)) << 3;
  }

  /** LR index of the highest priority pending virtual interrupt whose group is enabled, or -1. */
  hppiLr(): number {
    let best = -1;
    let bestPrio = 0x100;
    for (let n = 0; n < this.nLrs; n++) {
      if (this.state[n] !== LR_PENDING) continue;
      const g = this.group[n]!;
      if (((this.vmcr >> g) & 1) === 0) continue;
      const p = this.priority[n]!;
      if (p < bestPrio) {
        bestPrio = p;
        best = n;
      }
    }
    return best;
  }

  /** Highest pending vINTID (for ICV_HPPIR / GICV_HPPIR), SPURIOUS if none. */
  hppi(groups: number): number {
    const n = this.hppiLr();
    if (n < 0) return SPURIOUS;
    if (((groups >> this.group[n]!) & 1) === 0) return SPURIOUS;
    return this.intidOf(n);
  }

  private intidOf(n: number): number {
    const v = this.vintid[n]!;
    if (!this.v3 && v < 16 && this.hw[n] === 0) return v | (this.cpuid[n]! << 10);
    return v;
  }

  /** ICV_IAR / GICV_IAR: acknowledge the highest pending virtual interrupt of `groups`. */
  acknowledge(groups: number, reportOtherGroup: boolean): number {
    // Nothing can be acknowledged while the virtual CPU interface is disabled (GICH_HCR.En / ICH_HCR_EL2.En).
    if ((this.hcr & HCR_EN) === 0) return SPURIOUS;
    const n = this.hppiLr();
    if (n < 0) return SPURIOUS;
    const g = this.group[n]!;
    if (((groups >> g) & 1) === 0) return reportOtherGroup ? SPURIOUS_OTHER_GROUP : SPURIOUS;
    const p = this.priority[n]!;
    const gp = this.groupPriority(g, p);
    if (p >= this.vpmr || gp >= this.runningPriority()) return SPURIOUS;
    this.state[n] = LR_ACTIVE;
    const bit = 1 << (gp >>> 3);
    if (g === 0) this.apr0 = (this.apr0 | bit) >>> 0;
    else this.apr1 = (this.apr1 | bit) >>> 0;
    const r = this.intidOf(n);
    this.update();
    return r;
  }

  /** Virtual priority drop; then deactivation unless VEOIM (IHI 0048B §5.4). */
  endOfInterrupt(intid: number): void {
    const a = (this.apr0 | this.apr1) >>> 0;
    if (a !== 0) {
      const low = a & -a;
      if ((this.apr0 & low) !== 0) this.apr0 = (this.apr0 & ~low) >>> 0;
      else this.apr1 = (this.apr1 & ~low) >>> 0;
    }
    if ((this.vmcr & VMCR_VEOIM) === 0) this.deactivate(intid);
    else this.update();
  }

  /**
   * Deactivate the list register holding `intid`. Without a matching active LR, EOIcount
   * counts the EOI (IHI 0048B §5.3.1 "EOICount"; LPIs are never counted on GICv3).
   */
  deactivate(intid: number): void {
    const v = this.v3 ? intid >>> 0 : intid & 0x3ff;
    let found = -1;
    for (let n = 0; n < this.nLrs; n++) {
      if ((this.state[n]! & LR_ACTIVE) !== 0 && this.vintid[n] === v) {
        found = n;
        break;
      }
    }
    if (found < 0) {
      if (!(this.v3 && v >= 8192)) {
        const cnt = (this.eoiCount + 1) & 31;
        this.hcr = ((this.hcr & 0x07ffffff) | (cnt << 27)) >>> 0;
      }
      this.update();
      return;
    }
    this.state[found] = this.state[found]! & ~LR_ACTIVE;
    if (this.hw[found] !== 0) {
      if (this.pintid[found]! < 1020) this.signals.deactivatePhysical(this.pintid[found]!);
    }
    this.update();
  }

  /** Recompute the vIRQ/vFIQ and maintenance outputs. */
  update(): void {
    let virq = false;
    let vfiq = false;
    if ((this.hcr & HCR_EN) !== 0) {
      const n = this.hppiLr();
      if (n >= 0) {
        const g = this.group[n]!;
        const p = this.priority[n]!;
        if (p < this.vpmr && this.groupPriority(g, p) < this.runningPriority()) {
          if (g === 0 && (this.v3 || (this.vmcr & VMCR_VFIQEN) !== 0)) vfiq = true;
          else virq = true;
        }
      }
    }
    const maint = (this.hcr & HCR_EN) !== 0 && this.misr() !== 0;
    if (virq !== this.virqOut) {
      this.virqOut = virq;
      this.signals.virq(virq);
    }
    if (vfiq !== this.vfiqOut) {
      this.vfiqOut = vfiq;
      this.signals.vfiq(vfiq);
    }
    if (maint !== this.maintOut) {
      this.maintOut = maint;
      this.signals.maintenance(maint);
    }
  }

  get virqLevel(): boolean {
    return this.virqOut;
  }
  get vfiqLevel(): boolean {
    return this.vfiqOut;
  }
  get maintenanceLevel(): boolean {
    return this.maintOut;
  }
}
