/**
 * GICv2 (ARM IHI 0048B) with the Virtualization Extensions, modelled on GIC-400 without
 * the Security Extensions (as QEMU virt presents it to a Non-secure OS): the distributor
 * (GICD_*), the memory-mapped CPU interface (GICC_*), the virtual interface control
 * (GICH_*) and the virtual CPU interface (GICV_*).
 *
 * Banked registers are selected by {@link MmioAccess.masterId}, the CPU index (see
 * cpu-interface.ts). Guest misprogramming never throws: it is ignored as the spec says
 * (RAZ/WI) and reported through `onError` (the component turns it into a `gic.error`).
 */

import type { MmioAccess, MmioDevice } from '@tessera/core';
import { GicCore, SPURIOUS, SPURIOUS_OTHER_GROUP, PRIORITY_MASK, type GicSignals } from './gic-core.js';
import { VirtualCpuInterface, type VirtualSignals } from './virtual.js';

/** GIC-400 identification (GIC-400 TRM: GICD_IIDR 0x0200043B, GICC_IIDR 0x0202143B). */
export const GICD_IIDR_GIC400 = 0x0200043b;
export const GICC_IIDR_GIC400 = 0x0202143b;
/** Maintenance interrupt PPI (QEMU virt and Linux bindings: PPI 9 = INTID 25). */
export const MAINTENANCE_INTID = 25;

export interface GicV2Signals extends GicSignals {
  virq(cpu: number, level: boolean): void;
  vfiq(cpu: number, level: boolean): void;
}

export type GicErrorReporter = (message: string, fields?: Record<string, unknown>) => void;

// GICC_CTLR bits without the Security Extensions (IHI 0048B §4.4.1).
const CTLR_ENABLE_GRP0 = 1 << 0;
const CTLR_ENABLE_GRP1 = 1 << 1;
const CTLR_ACKCTL = 1 << 2;
const CTLR_FIQEN = 1 << 3;
const CTLR_CBPR = 1 << 4;
const CTLR_EOIMODE = 1 << 9;
const GICC_CTLR_MASK = 0x3ff;

export class GicV2 {
  readonly core: GicCore;
  /** One past the highest implemented INTID below the special range. */
  private readonly lim: number;
  readonly virtual: VirtualCpuInterface[];
  readonly gicc_ctlr: Uint32Array;
  readonly distributor: MmioDevice;
  readonly cpuInterface: MmioDevice;
  readonly hypervisor: MmioDevice;
  readonly virtualCpuInterface: MmioDevice;
  onError: GicErrorReporter = () => {};

  constructor(
    readonly nCpus: number,
    readonly nIrqs: number,
    signals: GicV2Signals,
    readonly nLrs = 4,
  ) {
    this.core = new GicCore(nCpus, nIrqs, signals);
    // INTIDs 1020..1023 are special even when ITLinesNumber is 31 (IHI 0069H §2.2.1).
    this.lim = Math.min(this.nIrqs, 1020);
    this.gicc_ctlr = new Uint32Array(nCpus);
    this.virtual = [];
    for (let c = 0; c < nCpus; c++) {
      const vs: VirtualSignals = {
        virq: (l) => signals.virq(c, l),
        vfiq: (l) => signals.vfiq(c, l),
        maintenance: (l) => this.core.setInput(c, MAINTENANCE_INTID, l),
        deactivatePhysical: (p) => {
          // HW = 1: the virtual deactivation deactivates the physical interrupt (IHI 0048B §5.4.1).
          if (!this.core.deactivate(c, p)) this.onError('GICH_LR HW deactivation of an interrupt that is not active', { cpu: c, intid: p });
          this.core.update();
        },
      };
      this.virtual.push(new VirtualCpuInterface(nLrs, false, vs));
    }
    const self = this;
    this.distributor = {
      read: (o, s, a) => self.distRead(o, s, self.cpuOf(a)),
      write: (o, s, v, a) => self.distWrite(o, s, v, self.cpuOf(a)),
    };
    this.cpuInterface = {
      read: (o, s, a) => self.giccRead(o, s, self.cpuOf(a)),
      write: (o, s, v, a) => self.giccWrite(o, s, v, self.cpuOf(a)),
    };
    this.hypervisor = {
      read: (o, s, a) => self.gichRead(o, s, self.cpuOf(a)),
      write: (o, s, v, a) => self.gichWrite(o, s, v, self.cpuOf(a)),
    };
    this.virtualCpuInterface = {
      read: (o, s, a) => self.gicvRead(o, s, self.cpuOf(a)),
      write: (o, s, v, a) => self.gicvWrite(o, s, v, self.cpuOf(a)),
    };
  }

  reset(): void {
    this.gicc_ctlr.fill(0);
    this.core.reset();
    // The maintenance interrupt is level-sensitive.
    for (let c = 0; c < this.nCpus; c++) this.core.setEdge(this.core.idx(c, MAINTENANCE_INTID), 0);
    for (const v of this.virtual) v.reset();
  }

  private cpuOf(a: MmioAccess): number {
    const id = a.masterId;
    return id >= 0 && id < this.nCpus ? id : 0;
  }

  /** Drive SPI `intid` (32..nIrqs-1). Returns false for an INTID out of range. */
  setSpi(intid: number, level: boolean): boolean {
    if (intid < 32 || intid >= this.lim) return false;
    this.core.setInput(0, intid, level);
    return true;
  }

  /** Drive PPI `intid` (16..31) of `cpu`. */
  setPpi(cpu: number, intid: number, level: boolean): boolean {
    if (cpu < 0 || cpu >= this.nCpus || intid < 16 || intid > 31) return false;
    this.core.setInput(cpu, intid, level);
    return true;
  }

  // ---------------------------------------------------------------- distributor

  private distRead(off: number, size: number, cpu: number): number {
    const core = this.core;
    // Byte-accessible registers (IHI 0048B §4.1.4 Table 4-1).
    if (off >= 0x400 && off < 0x800) return this.readBytes(off - 0x400, size, (id) => (id < this.lim ? core.priority[core.idx(cpu, id)]! : 0));
    if (off >= 0x800 && off < 0xc00) return this.readBytes(off - 0x800, size, (id) => this.targetsByte(cpu, id));
    if (off >= 0xf10 && off < 0xf30) {
      return this.readBytes(off & 0xf, size, (sgi) => (sgi < 16 ? core.sgiSources[cpu * 16 + sgi]! : 0));
    }
    if (size !== 4) {
      this.onError('GICD access of an unsupported size (RAZ)', { offset: off, size });
      return 0;
    }
    switch (off) {
      case 0x000:
        return core.distEnable;
      case 0x004:
        // ITLinesNumber [4:0], CPUNumber [7:5], SecurityExtn 0 (IHI 0048B §4.3.2).
        return ((this.nIrqs / 32 - 1) & 0x1f) | (((this.nCpus - 1) & 7) << 5);
      case 0x008:
        return GICD_IIDR_GIC400;
    }
    if (off >= 0x080 && off < 0x100) return this.readBits(off - 0x080, cpu, (i) => core.group[i]!);
    if (off >= 0x100 && off < 0x200) return this.readBits(off & 0x7f, cpu, (i) => core.enabled[i]!);
    if (off >= 0x200 && off < 0x300) return this.readBits(off & 0x7f, cpu, (i) => (core.isPending(i) ? 1 : 0));
    if (off >= 0x300 && off < 0x400) return this.readBits(off & 0x7f, cpu, (i) => core.active[i]!);
    if (off >= 0xc00 && off < 0xd00) {
      const n = (off - 0xc00) >> 2;
      let v = 0;
      for (let f = 0; f < 16; f++) {
        const id = n * 16 + f;
        if (id >= this.lim) break;
        if (core.edge[core.idx(cpu, id)] !== 0) v |= 2 << (2 * f);
      }
      return v >>> 0;
    }
    if (off === 0xd00) {
      // GIC-400 GICD_PPISR: PPI input levels [15:9] for INTIDs 25..31 (GIC-400 TRM §3.3.x).
      let v = 0;
      for (let id = 25; id < 32; id++) if (core.level[core.idx(cpu, id)] !== 0) v |= 1 << (id - 16);
      return v;
    }
    if (off >= 0xfd0) return peripheralId(off, 0x2b);
    return 0;
  }

  private distWrite(off: number, size: number, value: number, cpu: number): void {
    const core = this.core;
    if (off >= 0x400 && off < 0x800) {
      this.writeBytes(off - 0x400, size, value, (id, b) => {
        if (id < this.lim) core.priority[core.idx(cpu, id)] = b & PRIORITY_MASK;
      });
      core.update();
      return;
    }
    if (off >= 0x800 && off < 0xc00) {
      this.writeBytes(off - 0x800, size, value, (id, b) => {
        // ITARGETSR0..7 are read-only (IHI 0048B §4.3.12).
        if (id >= 32 && id < this.lim) core.spiTargets[id] = b & ((1 << this.nCpus) - 1);
      });
      core.update();
      return;
    }
    if (off >= 0xf10 && off < 0xf30) {
      const set = off >= 0xf20;
      this.writeBytes(off & 0xf, size, value, (sgi, b) => {
        const s = cpu * 16 + sgi;
        const mask = b & ((1 << this.nCpus) - 1);
        core.sgiSources[s] = set ? core.sgiSources[s]! | mask : core.sgiSources[s]! & ~mask;
        core.setLatch(core.idx(cpu, sgi), core.sgiSources[s] !== 0 ? 1 : 0);
      });
      core.update();
      return;
    }
    if (size !== 4) {
      this.onError('GICD access of an unsupported size (WI)', { offset: off, size });
      return;
    }
    if (off === 0x000) {
      core.distEnable = value & 3;
      core.update();
      return;
    }
    if (off >= 0x080 && off < 0x100) {
      this.writeBits(off - 0x080, cpu, value, (i, _id, bit) => (core.group[i] = bit), true);
    } else if (off >= 0x100 && off < 0x180) this.writeBits(off - 0x100, cpu, value, (i) => core.setEnabled(i, 1));
    else if (off >= 0x180 && off < 0x200) this.writeBits(off - 0x180, cpu, value, (i) => core.setEnabled(i, 0));
    else if (off >= 0x200 && off < 0x280) {
      // SGI bits of ISPENDR0/ICPENDR0 are WI: SGIs use GICD_SPENDSGIR (IHI 0048B §4.3.7).
      this.writeBits(off - 0x200, cpu, value, (i, id) => {
        if (id >= 16) core.setLatch(i, 1);
      });
    } else if (off >= 0x280 && off < 0x300) {
      this.writeBits(off - 0x280, cpu, value, (i, id) => {
        if (id >= 16) core.setLatch(i, 0);
      });
    } else if (off >= 0x300 && off < 0x380) this.writeBits(off - 0x300, cpu, value, (i) => core.setActive(i, 1));
    else if (off >= 0x380 && off < 0x400) this.writeBits(off - 0x380, cpu, value, (i) => core.setActive(i, 0));
    else if (off >= 0xc00 && off < 0xd00) {
      const n = (off - 0xc00) >> 2;
      // ICFGR0 (SGIs) is read-only.
      if (n === 0) return;
      for (let f = 0; f < 16; f++) {
        const id = n * 16 + f;
        if (id >= this.lim) break;
        core.setEdge(core.idx(cpu, id), (value >>> (2 * f + 1)) & 1);
      }
    } else if (off === 0xf00) {
      this.sgir(cpu, value);
    } else if (off === 0x004 || off === 0x008 || off === 0xd00 || off >= 0xfd0) {
      this.onError('write to a read-only GICD register ignored', { offset: off, value });
      return;
    }
    core.update();
  }

  /** GICD_SGIR (IHI 0048B §4.3.15). */
  private sgir(cpu: number, value: number): void {
    const filter = (value >>> 24) & 3;
    const sgi = value & 0xf;
    let targets: number;
    const all = (1 << this.nCpus) - 1;
    if (filter === 0) targets = (value >>> 16) & 0xff & all;
    else if (filter === 1) targets = all & ~(1 << cpu);
    else if (filter === 2) targets = 1 << cpu;
    else {
      this.onError('GICD_SGIR with the reserved TargetListFilter 0b11 ignored', { value });
      return;
    }
    for (let t = 0; t < this.nCpus; t++) {
      if (((targets >> t) & 1) === 0) continue;
      this.core.sgiSources[t * 16 + sgi] |= 1 << cpu;
      this.core.setLatch(this.core.idx(t, sgi), 1);
    }
  }

  private targetsByte(cpu: number, id: number): number {
    if (id >= this.lim) return 0;
    // SGI/PPI target registers read as the accessing CPU (IHI 0048B §4.3.12).
    if (id < 32) return 1 << cpu;
    return this.core.spiTargets[id]!;
  }

  private readBytes(base: number, size: number, f: (i: number) => number): number {
    let v = 0;
    for (let k = 0; k < size; k++) v |= f(base + k) << (8 * k);
    return v >>> 0;
  }

  private writeBytes(base: number, size: number, value: number, f: (i: number, b: number) => void): void {
    for (let k = 0; k < size; k++) f(base + k, (value >>> (8 * k)) & 0xff);
  }

  private readBits(regOff: number, cpu: number, f: (i: number) => number): number {
    const n = regOff >> 2;
    let v = 0;
    for (let b = 0; b < 32; b++) {
      const id = n * 32 + b;
      if (id >= this.lim) break;
      if (f(this.core.idx(cpu, id)) !== 0) v |= 1 << b;
    }
    return v >>> 0;
  }

  private writeBits(regOff: number, cpu: number, value: number, f: (i: number, id: number, bit: number) => void, all = false): void {
    const n = regOff >> 2;
    for (let b = 0; b < 32; b++) {
      const id = n * 32 + b;
      if (id >= this.lim) break;
      const bit = (value >>> b) & 1;
      if (bit !== 0 || all) f(this.core.idx(cpu, id), id, bit);
    }
  }

  // ---------------------------------------------------------------- CPU interface (GICC)

  /** GICC_IAR (IHI 0048B §4.4.4): acknowledge for `cpu`. */
  iar(cpu: number): number {
    const ack = (this.gicc_ctlr[cpu]! & CTLR_ACKCTL) !== 0;
    return this.core.acknowledge(cpu, ack ? 3 : 1, true);
  }

  /** GICC_EOIR (IHI 0048B §4.4.5). */
  eoir(cpu: number, value: number): void {
    const intid = value & 0x3ff;
    if (intid >= 1020) return;
    if (intid >= this.lim) {
      this.onError('GICC_EOIR with an INTID out of range ignored', { cpu, intid });
      return;
    }
    this.core.dropPriority(cpu);
    if ((this.gicc_ctlr[cpu]! & CTLR_EOIMODE) === 0) this.core.deactivate(cpu, intid);
    this.core.updateIntid(cpu, intid);
  }

  private giccRead(off: number, size: number, cpu: number): number {
    if (size !== 4) {
      this.onError('GICC access of an unsupported size (RAZ)', { offset: off, size });
      return 0;
    }
    const core = this.core;
    switch (off) {
      case 0x00:
        return this.gicc_ctlr[cpu]!;
      case 0x04:
        return core.pmr[cpu]!;
      case 0x08:
        return core.bpr0[cpu]!;
      case 0x0c:
        return this.iar(cpu);
      case 0x14:
        return core.runningPriority(cpu);
      case 0x18: {
        const id = this.hppiWithSource(cpu);
        if (id !== SPURIOUS && core.groupOf(cpu, id & 0x3ff) === 1 && (this.gicc_ctlr[cpu]! & CTLR_ACKCTL) === 0) return SPURIOUS_OTHER_GROUP;
        return id;
      }
      case 0x1c:
        return core.bpr1[cpu]!;
      case 0x20:
        return core.acknowledge(cpu, 2, false);
      case 0x28: {
        const id = this.hppiWithSource(cpu);
        return id !== SPURIOUS && core.groupOf(cpu, id & 0x3ff) === 1 ? id : SPURIOUS;
      }
      case 0xd0:
        return core.apr0[cpu]!;
      case 0xe0:
        return core.apr1[cpu]!;
      case 0xfc:
        return GICC_IIDR_GIC400;
    }
    return 0;
  }

  private hppiWithSource(cpu: number): number {
    const id = this.core.hppi(cpu);
    if (id < 16) {
      const src = this.core.sgiSources[cpu * 16 + id]!;
      if (src !== 0) return id | ((31 - Math.clz32(src & -src)) << 10);
    }
    return id;
  }

  private syncCtlr(cpu: number): void {
    const c = this.gicc_ctlr[cpu]!;
    this.core.cpuEnable[cpu] = (c & CTLR_ENABLE_GRP0 ? 1 : 0) | (c & CTLR_ENABLE_GRP1 ? 2 : 0);
    this.core.fiqEn[cpu] = c & CTLR_FIQEN ? 1 : 0;
    this.core.cbpr[cpu] = c & CTLR_CBPR ? 1 : 0;
  }

  private giccWrite(off: number, size: number, value: number, cpu: number): void {
    if (size !== 4) {
      this.onError('GICC access of an unsupported size (WI)', { offset: off, size });
      return;
    }
    const core = this.core;
    switch (off) {
      case 0x00:
        this.gicc_ctlr[cpu] = value & GICC_CTLR_MASK;
        this.syncCtlr(cpu);
        break;
      case 0x04:
        core.pmr[cpu] = value & PRIORITY_MASK;
        break;
      case 0x08:
        // 5 priority bits: the minimum BPR is 2 (IHI 0048B §3.3.3 Table 3-2).
        core.bpr0[cpu] = Math.max(value & 7, 2);
        break;
      case 0x1c:
        core.bpr1[cpu] = Math.max(value & 7, 3);
        break;
      case 0x10:
        this.eoir(cpu, value);
        return;
      case 0x24:
        this.eoir(cpu, value);
        return;
      case 0xd0:
        core.apr0[cpu] = value >>> 0;
        break;
      case 0xe0:
        core.apr1[cpu] = value >>> 0;
        break;
      case 0x1000: {
        // GICC_DIR (IHI 0048B §4.4.15).
        const intid = value & 0x3ff;
        if (intid >= 1020) return;
        if (intid >= this.lim) {
          this.onError('GICC_DIR with an INTID out of range ignored', { cpu, intid });
          return;
        }
        core.deactivate(cpu, intid);
        break;
      }
      case 0x0c:
      case 0x14:
      case 0x18:
      case 0x20:
      case 0x28:
      case 0xfc:
        this.onError('write to a read-only GICC register ignored', { offset: off, value });
        return;
      default:
        return;
    }
    core.update();
  }

  // ---------------------------------------------------------------- GICH (IHI 0048B §5.3)

  encodeLr(cpu: number, n: number): number {
    const v = this.virtual[cpu]!;
    let r = (v.vintid[n]! & 0x3ff) | ((v.priority[n]! >>> 3) << 23) | (v.state[n]! << 28) | (v.group[n]! << 30);
    if (v.hw[n] !== 0) r |= ((v.pintid[n]! & 0x3ff) << 10) | (1 << 31);
    else r |= (v.eoi[n]! << 19) | ((v.cpuid[n]! & 7) << 10);
    return r >>> 0;
  }

  decodeLr(cpu: number, n: number, r: number): void {
    const v = this.virtual[cpu]!;
    v.vintid[n] = r & 0x3ff;
    v.priority[n] = ((r >>> 23) & 0x1f) << 3;
    v.state[n] = (r >>> 28) & 3;
    v.group[n] = (r >>> 30) & 1;
    v.hw[n] = r >>> 31;
    if (v.hw[n] !== 0) {
      v.pintid[n] = (r >>> 10) & 0x3ff;
      v.eoi[n] = 0;
      v.cpuid[n] = 0;
    } else {
      v.pintid[n] = 0;
      v.eoi[n] = (r >>> 19) & 1;
      v.cpuid[n] = (r >>> 10) & 7;
    }
  }

  private gichRead(off: number, size: number, cpu: number): number {
    if (size !== 4) return 0;
    const v = this.virtual[cpu]!;
    switch (off) {
      case 0x00:
        return v.hcr;
      case 0x04:
        // PRIbits [31:29], PREbits [28:26], ListRegs [5:0] (IHI 0048B §5.3.2).
        return ((4 << 29) | (4 << 26) | (this.nLrs - 1)) >>> 0;
      case 0x08:
        return v.vmcr & 0xf8fc021f;
      case 0x10:
        return v.misr();
      case 0x20:
        return v.eisr();
      case 0x30:
        return v.elrsr();
      case 0xf0:
        return (v.apr0 | v.apr1) >>> 0;
    }
    if (off >= 0x100 && off < 0x100 + 4 * this.nLrs) return this.encodeLr(cpu, (off - 0x100) >> 2);
    return 0;
  }

  private gichWrite(off: number, size: number, value: number, cpu: number): void {
    if (size !== 4) {
      this.onError('GICH access of an unsupported size (WI)', { offset: off, size });
      return;
    }
    const v = this.virtual[cpu]!;
    switch (off) {
      case 0x00:
        v.hcr = value & 0xf80000ff;
        break;
      case 0x08:
        v.vmcr = value & 0xf8fc021f;
        break;
      case 0xf0:
        v.apr0 = value >>> 0;
        v.apr1 = 0;
        break;
      case 0x04:
      case 0x10:
      case 0x20:
      case 0x24:
      case 0x30:
      case 0x34:
        this.onError('write to a read-only GICH register ignored', { offset: off, value });
        return;
      default:
        if (off >= 0x100 && off < 0x100 + 4 * this.nLrs) this.decodeLr(cpu, (off - 0x100) >> 2, value);
        else return;
    }
    v.update();
  }

  // ---------------------------------------------------------------- GICV (IHI 0048B §5.5)

  private gicvRead(off: number, size: number, cpu: number): number {
    if (size !== 4) return 0;
    const v = this.virtual[cpu]!;
    const ackCtl = (v.vmcr & 4) !== 0;
    switch (off) {
      case 0x00:
        // GICV_CTLR bits 0..4 and 9 are GICH_VMCR's (IHI 0048B §5.3.4).
        return v.vmcr & 0x21f;
      case 0x04:
        return v.vpmr;
      case 0x08:
        return (v.vmcr >>> 21) & 7;
      case 0x0c:
        return v.acknowledge(ackCtl ? 3 : 1, true);
      case 0x14:
        return v.runningPriority();
      case 0x18: {
        const id = v.hppi(3);
        const n = v.hppiLr();
        if (id !== SPURIOUS && n >= 0 && v.group[n] === 1 && !ackCtl) return SPURIOUS_OTHER_GROUP;
        return id;
      }
      case 0x1c:
        return (v.vmcr >>> 18) & 7;
      case 0x20:
        return v.acknowledge(2, false);
      case 0x28:
        return v.hppi(2);
      case 0xd0:
        return (v.apr0 | v.apr1) >>> 0;
      case 0xfc:
        return GICC_IIDR_GIC400;
    }
    return 0;
  }

  private gicvWrite(off: number, size: number, value: number, cpu: number): void {
    if (size !== 4) return;
    const v = this.virtual[cpu]!;
    switch (off) {
      case 0x00:
        v.vmcr = ((v.vmcr & ~0x21f) | (value & 0x21f)) >>> 0;
        break;
      case 0x04:
        v.vmcr = ((v.vmcr & 0x00ffffff) | ((value & PRIORITY_MASK) << 24)) >>> 0;
        break;
      case 0x08:
        v.vmcr = ((v.vmcr & ~(7 << 21)) | (Math.max(value & 7, 2) << 21)) >>> 0;
        break;
      case 0x1c:
        v.vmcr = ((v.vmcr & ~(7 << 18)) | (Math.max(value & 7, 3) << 18)) >>> 0;
        break;
      case 0x10:
      case 0x24: {
        const intid = value & 0x3ff;
        if (intid >= 1020) return;
        v.endOfInterrupt(intid);
        return;
      }
      case 0xd0:
        v.apr0 = value >>> 0;
        v.apr1 = 0;
        break;
      case 0x1000: {
        const intid = value & 0x3ff;
        if (intid >= 1020) return;
        v.deactivate(intid);
        return;
      }
      default:
        return;
    }
    v.update();
  }
}

/** CoreSight peripheral/component ID registers at 0xFD0..0xFFC (ArchRev in PIDR2 [7:4]). */
export function peripheralId(off: number, pidr2: number): number {
  switch (off) {
    case 0xfe0:
      return 0x90;
    case 0xfe4:
      return 0xb4;
    case 0xfe8:
      return pidr2;
    case 0xff0:
      return 0x0d;
    case 0xff4:
      return 0xf0;
    case 0xff8:
      return 0x05;
    case 0xffc:
      return 0xb1;
  }
  return 0;
}
