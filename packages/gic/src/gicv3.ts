/**
 * GICv3 (ARM IHI 0069H): distributor with affinity routing, one redistributor per core
 * (RD_base and SGI_base frames), LPIs with their configuration and pending tables in
 * guest memory, the system-register CPU interface (ICC_*), and the virtualization
 * interface (ICH_*_EL2 with ICV_*_EL1 seen by a guest at EL1).
 *
 * Modelled as a GIC with a single Security state (GICD_CTLR.DS = 1, as QEMU virt presents
 * it to a Non-secure OS when EL3 is not emulated): Group 0 is signalled as FIQ, Group 1 as
 * IRQ. Affinity routing is always enabled (GICD_CTLR.ARE RAO/WI) and the system-register
 * interface is always used (ICC_SRE_ELx.SRE RAO/WI), as IHI 0069H §12.1.7 and §8.1 permit
 * for implementations without legacy operation.
 */

import type { AddressSpace, MmioDevice, MmioAccess } from '@tessera/core';
import { GicCore, SPURIOUS, PRIORITY_MASK, LPI_BASE, type GicSignals } from './gic-core.js';
import { VirtualCpuInterface, type VirtualSignals } from './virtual.js';
import {
  SYSREG,
  SYSREG_TRAP_EL2,
  SYSREG_TRAP_EL3,
  SYSREG_UNDEFINED,
  defaultAffinity,
  type GicCpuInterface,
  type SysregAccessContext,
  type SysregEncoding,
  type SysregTrap,
} from './cpu-interface.js';
import { peripheralId, MAINTENANCE_INTID, type GicErrorReporter } from './gicv2.js';

export interface GicV3Signals extends GicSignals {
  virq(cpu: number, level: boolean): void;
  vfiq(cpu: number, level: boolean): void;
}

export interface GicV3Options {
  nCpus: number;
  nIrqs: number;
  /** Affinity (Aff3.Aff2.Aff1.Aff0 packed in 32 bits) of each core. */
  affinity?: (cpu: number) => number;
  lpis: boolean;
  /** Number of INTID bits (GICD_TYPER.IDbits + 1), 16 by default. */
  idBits?: number;
  nLrs?: number;
  /** Memory holding the LPI tables (the machine's system address space). */
  memory: AddressSpace;
  /** Redistributor frame stride (0x20000: RD_base + SGI_base, no VLPI frames). */
  redistStride?: number;
}

/**
 * GICD_IIDR / GICR_IIDR / GITS_IIDR: Arm as implementer (0x43b), product, variant and revision
 * 0 (IHI 0069H §12.9.16), as QEMU reports, so that no implementation erratum workaround in
 * guest drivers matches.
 */
export const GICV3_IIDR = 0x0000043b;

const HCR_TC = 1 << 10;
const HCR_TALL0 = 1 << 11;
const HCR_TALL1 = 1 << 12;
const HCR_TDIR = 1 << 14;
const ICH_HCR_MASK = 0xf8007cff;
const HCR_EL2_FMO = 1 << 3;
const HCR_EL2_IMO = 1 << 4;
const SCR_EL3_IRQ = 1 << 1;
const SCR_EL3_FIQ = 1 << 2;

/** Which group a CPU-interface register belongs to, for the trap and ICV selection rules. */
const enum RegClass {
  Group0,
  Group1,
  Common,
  Sgi0,
  Sgi1,
  Sre,
}

export class GicV3 {
  readonly core: GicCore;
  /** One past the highest implemented INTID below the special range. */
  private readonly lim: number;
  readonly nCpus: number;
  readonly nIrqs: number;
  readonly lpis: boolean;
  readonly idBits: number;
  readonly nLrs: number;
  readonly stride: number;
  readonly virtual: VirtualCpuInterface[];
  readonly cpuInterfaces: GicCpuInterface[];
  readonly affinity: Uint32Array;
  /** GICD_IROUTER<n> as (Aff3 << 24 | Aff2 << 16 | Aff1 << 8 | Aff0) and the IRM bit. */
  readonly irouterAff: Uint32Array;
  readonly irouterIrm: Uint8Array;
  // Redistributor state.
  readonly enableLpis: Uint8Array;
  readonly processorSleep: Uint8Array;
  readonly propbaser: Float64Array;
  readonly pendbaser: Float64Array;
  readonly propbaserHi: Uint32Array;
  readonly propbaserLo: Uint32Array;
  readonly pendbaserHi: Uint32Array;
  readonly pendbaserLo: Uint32Array;
  // CPU interface state (ICC_*).
  readonly eoiMode: Uint8Array;
  readonly sreEl2Enable: Uint8Array;
  readonly sreEl3Enable: Uint8Array;
  readonly igrpen1El3: Uint8Array;
  readonly distributor: MmioDevice;
  readonly redistributors: MmioDevice;
  onError: GicErrorReporter = () => {};
  private readonly mem: AddressSpace;
  private readonly lpiCfgCache: Array<Map<number, number>>;
  private readonly scratch = new Uint8Array(1);

  constructor(opts: GicV3Options, signals: GicV3Signals) {
    this.nCpus = opts.nCpus;
    this.nIrqs = opts.nIrqs;
    this.lpis = opts.lpis;
    this.idBits = opts.idBits ?? 16;
    this.nLrs = opts.nLrs ?? 4;
    this.stride = opts.redistStride ?? 0x20000;
    this.mem = opts.memory;
    const n = this.nCpus;
    this.core = new GicCore(n, this.nIrqs, signals);
    // INTIDs 1020..1023 are special even when ITLinesNumber is 31 (IHI 0069H §2.2.1).
    this.lim = Math.min(this.nIrqs, 1020);
    this.affinity = new Uint32Array(n);
    const aff = opts.affinity ?? defaultAffinity;
    for (let c = 0; c < n; c++) this.affinity[c] = aff(c) >>> 0;
    this.irouterAff = new Uint32Array(this.nIrqs);
    this.irouterIrm = new Uint8Array(this.nIrqs);
    this.enableLpis = new Uint8Array(n);
    this.processorSleep = new Uint8Array(n);
    this.propbaser = new Float64Array(n);
    this.pendbaser = new Float64Array(n);
    this.propbaserHi = new Uint32Array(n);
    this.propbaserLo = new Uint32Array(n);
    this.pendbaserHi = new Uint32Array(n);
    this.pendbaserLo = new Uint32Array(n);
    this.eoiMode = new Uint8Array(n);
    this.sreEl2Enable = new Uint8Array(n);
    this.sreEl3Enable = new Uint8Array(n);
    this.igrpen1El3 = new Uint8Array(n);
    this.lpiCfgCache = Array.from({ length: n }, () => new Map<number, number>());
    this.core.lpiConfig = (cpu, intid) => this.lpiConfig(cpu, intid);
    this.core.lpiPendingChanged = (cpu, intid, p) => this.writePendingBit(cpu, intid, p);
    this.virtual = [];
    this.cpuInterfaces = [];
    for (let c = 0; c < n; c++) {
      const vs: VirtualSignals = {
        virq: (l) => signals.virq(c, l),
        vfiq: (l) => signals.vfiq(c, l),
        maintenance: (l) => this.core.setInput(c, MAINTENANCE_INTID, l),
        deactivatePhysical: (p) => {
          if (!this.core.deactivate(c, p)) this.onError('ICH_LR HW deactivation of an interrupt that is not active', { cpu: c, intid: p });
          this.core.update();
        },
      };
      this.virtual.push(new VirtualCpuInterface(this.nLrs, true, vs));
      this.cpuInterfaces.push(new GicV3CpuInterface(this, c));
    }
    this.distributor = {
      read: (o, s) => this.distRead(o, s),
      write: (o, s, v) => this.distWrite(o, s, v),
    };
    this.redistributors = {
      read: (o, s, a) => this.redistRead(o, s, a),
      write: (o, s, v, a) => this.redistWrite(o, s, v, a),
    };
  }

  reset(): void {
    const core = this.core;
    core.reset();
    for (let c = 0; c < this.nCpus; c++) core.setEdge(core.idx(c, MAINTENANCE_INTID), 0);
    // Group 0 is always signalled as FIQ on GICv3 (IHI 0069H §4.6).
    core.fiqEn.fill(1);
    // Group 1 is what a Non-secure OS uses; with DS = 1 everything resets to Group 0 and
    // software sets IGROUPR (IHI 0069H §12.9.15: reset value implementation defined).
    this.irouterAff.fill(0);
    this.irouterIrm.fill(0);
    for (let i = 32; i < this.lim; i++) this.route(i);
    this.enableLpis.fill(0);
    // ProcessorSleep resets to 1: no interrupt is forwarded until software wakes the
    // redistributor (IHI 0069H §12.11.42).
    this.processorSleep.fill(1);
    core.cpuAwake.fill(0);
    this.propbaser.fill(0);
    this.pendbaser.fill(0);
    this.propbaserHi.fill(0);
    this.propbaserLo.fill(0);
    this.pendbaserHi.fill(0);
    this.pendbaserLo.fill(0);
    this.eoiMode.fill(0);
    this.sreEl2Enable.fill(1);
    this.sreEl3Enable.fill(1);
    this.igrpen1El3.fill(0);
    for (const m of this.lpiCfgCache) m.clear();
    for (const v of this.virtual) v.reset();
    core.update();
  }

  /** Drive SPI `intid`. */
  setSpi(intid: number, level: boolean): boolean {
    if (intid < 32 || intid >= this.lim) return false;
    this.core.setInput(0, intid, level);
    return true;
  }

  setPpi(cpu: number, intid: number, level: boolean): boolean {
    if (cpu < 0 || cpu >= this.nCpus || intid < 16 || intid > 31) return false;
    this.core.setInput(cpu, intid, level);
    return true;
  }

  cpuOfAffinity(aff: number): number {
    for (let c = 0; c < this.nCpus; c++) if (this.affinity[c] === aff) return c;
    return -1;
  }

  /** Recompute SPI `intid`'s target mask from GICD_IROUTER (IHI 0069H §12.9.22). */
  private route(intid: number): void {
    if (this.irouterIrm[intid] !== 0) {
      // 1-of-N: any participating PE may take it; the first to acknowledge wins.
      this.core.spiTargets[intid] = (2 ** this.nCpus - 1) >>> 0;
      return;
    }
    const c = this.cpuOfAffinity(this.irouterAff[intid]!);
    this.core.spiTargets[intid] = c >= 0 ? 1 << c : 0;
  }

  // ---------------------------------------------------------------- LPIs

  /** Number of LPI INTID bits the redistributor of `cpu` accepts (min of PROPBASER.IDbits+1 and GICD_TYPER). */
  lpiLimit(cpu: number): number {
    const bits = Math.min((this.propbaserLo[cpu]! & 0x1f) + 1, this.idBits);
    return 2 ** bits;
  }

  private propBase(cpu: number): number {
    return (this.propbaserHi[cpu]! & 0xfffff) * 2 ** 32 + (this.propbaserLo[cpu]! & 0xfffff000);
  }

  private pendBase(cpu: number): number {
    return (this.pendbaserHi[cpu]! & 0xfffff) * 2 ** 32 + (this.pendbaserLo[cpu]! & 0xffff0000);
  }

  private lpiConfig(cpu: number, intid: number): number {
    if (this.enableLpis[cpu] === 0) return -1;
    const cache = this.lpiCfgCache[cpu]!;
    const c = cache.get(intid);
    if (c !== undefined) return c;
    let v = -1;
    if (intid < this.lpiLimit(cpu)) {
      const addr = this.propBase(cpu) + (intid - LPI_BASE);
      if (this.mem.readBytes(addr, this.scratch, 1)) v = this.scratch[0]!;
      else this.onError('LPI configuration table entry is not in RAM', { cpu, intid, address: addr });
    }
    cache.set(intid, v);
    return v;
  }

  /** Drop cached LPI configuration (GICR_INVLPIR, GICR_INVALLR, ITS INV/INVALL). */
  invalidateLpiConfig(cpu: number, intid?: number): void {
    if (intid === undefined) this.lpiCfgCache[cpu]!.clear();
    else this.lpiCfgCache[cpu]!.delete(intid);
    this.core.updateCpu(cpu);
  }

  private writePendingBit(cpu: number, intid: number, pending: boolean): void {
    const addr = this.pendBase(cpu) + (intid >>> 3);
    if (!this.mem.readBytes(addr, this.scratch, 1)) {
      this.onError('LPI pending table is not in RAM', { cpu, intid, address: addr });
      return;
    }
    const bit = 1 << (intid & 7);
    this.scratch[0] = pending ? this.scratch[0]! | bit : this.scratch[0]! & ~bit;
    this.mem.writeBytes(addr, this.scratch, 1);
  }

  /**
   * Make LPI `intid` pending (or not) at the redistributor of `cpu` (ITS translation,
   * GICR_SETLPIR). Returns false, with an error event, if that redistributor cannot take it.
   */
  setLpi(cpu: number, intid: number, pending: boolean): boolean {
    if (cpu < 0 || cpu >= this.nCpus) return false;
    if (this.enableLpis[cpu] === 0) {
      this.onError('LPI for a redistributor with GICR_CTLR.EnableLPIs = 0 ignored', { cpu, intid });
      return false;
    }
    if (intid < LPI_BASE || intid >= this.lpiLimit(cpu)) {
      this.onError('LPI INTID out of range ignored', { cpu, intid });
      return false;
    }
    this.core.setLpiPending(cpu, intid, pending);
    return true;
  }

  /** GICR_CTLR.EnableLPIs 0 -> 1: load the pending table unless it is known zero (IHI 0069H §5.1.2). */
  private enableLpisFor(cpu: number): void {
    this.enableLpis[cpu] = 1;
    this.lpiCfgCache[cpu]!.clear();
    const ptz = (this.pendbaserHi[cpu]! >>> 30) & 1;
    if (ptz !== 0) return;
    const limit = this.lpiLimit(cpu);
    // PROPBASER.IDbits below 13 leaves no LPI INTIDs: nothing to load (IHI 0069H §12.11.30).
    if (limit <= LPI_BASE) return;
    const base = this.pendBase(cpu);
    const bytes = new Uint8Array(limit / 8 - LPI_BASE / 8);
    if (!this.mem.readBytes(base + LPI_BASE / 8, bytes)) {
      this.onError('LPI pending table is not in RAM', { cpu, address: base });
      return;
    }
    for (let k = 0; k < bytes.length; k++) {
      const b = bytes[k]!;
      if (b === 0) continue;
      for (let j = 0; j < 8; j++) if ((b >> j) & 1) this.core.lpiPending[cpu]!.add(LPI_BASE + k * 8 + j);
    }
    this.core.updateCpu(cpu);
  }

  // ---------------------------------------------------------------- GICD

  private distRead(off: number, size: number): number {
    const core = this.core;
    if (off >= 0x400 && off < 0x800) {
      let v = 0;
      for (let k = 0; k < size; k++) {
        const id = off - 0x400 + k;
        if (id >= 32 && id < this.lim) v |= core.priority[core.idx(0, id)]! << (8 * k);
      }
      return v >>> 0;
    }
    if (size !== 4) {
      this.onError('GICD access of an unsupported size (RAZ)', { offset: off, size });
      return 0;
    }
    switch (off) {
      case 0x0000:
        // EnableGrp0, EnableGrp1, ARE (RAO), DS (RAO); RWP always 0 (IHI 0069H §12.9.4).
        return core.distEnable | (1 << 4) | (1 << 6);
      case 0x0004:
        // ITLinesNumber, CPUNumber, LPIS [17], IDbits [23:19], A3V [24] (IHI 0069H §12.9.38).
        return (
          ((this.nIrqs / 32 - 1) & 0x1f) |
          ((Math.min(this.nCpus, 8) - 1) << 5) |
          ((this.lpis ? 1 : 0) << 17) |
          ((this.idBits - 1) << 19) |
          (1 << 24)
        ) >>> 0;
      case 0x0008:
        return GICV3_IIDR;
      case 0x000c:
        return 0;
    }
    if (off >= 0x080 && off < 0x100) return this.spiBits(off - 0x080, (i) => core.group[i]!);
    if (off >= 0x100 && off < 0x200) return this.spiBits(off & 0x7f, (i) => core.enabled[i]!);
    if (off >= 0x200 && off < 0x300) return this.spiBits(off & 0x7f, (i) => (core.isPending(i) ? 1 : 0));
    if (off >= 0x300 && off < 0x400) return this.spiBits(off & 0x7f, (i) => core.active[i]!);
    if (off >= 0xc00 && off < 0xd00) {
      const n = (off - 0xc00) >> 2;
      if (n < 2) return 0;
      let v = 0;
      for (let f = 0; f < 16; f++) {
        const id = n * 16 + f;
        if (id < this.lim && core.edge[core.idx(0, id)] !== 0) v |= 2 << (2 * f);
      }
      return v >>> 0;
    }
    if (off >= 0x6100 && off < 0x8000) {
      const id = (off - 0x6000) >> 3;
      if (id >= this.lim) return 0;
      const a = this.irouterAff[id]!;
      if ((off & 4) === 0) return ((a & 0xffffff) | (this.irouterIrm[id]! << 31)) >>> 0;
      return a >>> 24;
    }
    if (off >= 0xffd0) return peripheralId(off - 0xf000, 0x3b);
    return 0;
  }

  private spiBits(regOff: number, f: (i: number) => number): number {
    const n = regOff >> 2;
    if (n === 0) return 0; // SGIs/PPIs live in the redistributors when ARE = 1
    let v = 0;
    for (let b = 0; b < 32; b++) {
      const id = n * 32 + b;
      if (id >= this.lim) break;
      if (f(this.core.idx(0, id)) !== 0) v |= 1 << b;
    }
    return v >>> 0;
  }

  private spiWrite(regOff: number, value: number, f: (i: number, bit: number) => void, all = false): void {
    const n = regOff >> 2;
    if (n === 0) return;
    for (let b = 0; b < 32; b++) {
      const id = n * 32 + b;
      if (id >= this.lim) break;
      const bit = (value >>> b) & 1;
      if (bit !== 0 || all) f(this.core.idx(0, id), bit);
    }
  }

  private distWrite(off: number, size: number, value: number): void {
    const core = this.core;
    if (off >= 0x400 && off < 0x800) {
      for (let k = 0; k < size; k++) {
        const id = off - 0x400 + k;
        if (id >= 32 && id < this.lim) core.priority[core.idx(0, id)] = (value >>> (8 * k)) & PRIORITY_MASK;
      }
      core.update();
      return;
    }
    if (size !== 4) {
      this.onError('GICD access of an unsupported size (WI)', { offset: off, size });
      return;
    }
    if (off === 0x0000) {
      core.distEnable = value & 3;
    } else if (off >= 0x080 && off < 0x100) this.spiWrite(off - 0x080, value, (i, b) => (core.group[i] = b), true);
    else if (off >= 0x100 && off < 0x180) this.spiWrite(off - 0x100, value, (i) => core.setEnabled(i, 1));
    else if (off >= 0x180 && off < 0x200) this.spiWrite(off - 0x180, value, (i) => core.setEnabled(i, 0));
    else if (off >= 0x200 && off < 0x280) this.spiWrite(off - 0x200, value, (i) => core.setLatch(i, 1));
    else if (off >= 0x280 && off < 0x300) this.spiWrite(off - 0x280, value, (i) => core.setLatch(i, 0));
    else if (off >= 0x300 && off < 0x380) this.spiWrite(off - 0x300, value, (i) => core.setActive(i, 1));
    else if (off >= 0x380 && off < 0x400) this.spiWrite(off - 0x380, value, (i) => core.setActive(i, 0));
    else if (off >= 0xc00 && off < 0xd00) {
      const n = (off - 0xc00) >> 2;
      if (n < 2) return;
      for (let f = 0; f < 16; f++) {
        const id = n * 16 + f;
        if (id < this.lim) core.setEdge(core.idx(0, id), (value >>> (2 * f + 1)) & 1);
      }
    } else if (off >= 0x6100 && off < 0x8000) {
      const id = (off - 0x6000) >> 3;
      if (id >= this.lim) {
        this.onError('GICD_IROUTER of an unimplemented SPI ignored', { intid: id });
        return;
      }
      if ((off & 4) === 0) {
        this.irouterAff[id] = ((this.irouterAff[id]! & 0xff000000) | (value & 0xffffff)) >>> 0;
        this.irouterIrm[id] = value >>> 31;
      } else this.irouterAff[id] = ((this.irouterAff[id]! & 0xffffff) | ((value & 0xff) << 24)) >>> 0;
      this.route(id);
    } else if (off === 0x0004 || off === 0x0008 || off >= 0xffd0) {
      this.onError('write to a read-only GICD register ignored', { offset: off, value });
      return;
    } else if (off === 0x0f00) {
      // GICD_SGIR is not available with affinity routing (IHI 0069H §12.9.21).
      this.onError('GICD_SGIR write with ARE = 1 ignored', { value });
      return;
    } else return;
    core.update();
  }

  // ---------------------------------------------------------------- GICR

  private redistRead(off: number, size: number, _a: MmioAccess): number {
    const cpu = Math.floor(off / this.stride);
    const o = off - cpu * this.stride;
    if (cpu >= this.nCpus) return 0;
    const core = this.core;
    if (o >= 0x10000) {
      const s = o - 0x10000;
      if (s >= 0x400 && s < 0x420) {
        let v = 0;
        for (let k = 0; k < size; k++) v |= core.priority[core.idx(cpu, s - 0x400 + k)]! << (8 * k);
        return v >>> 0;
      }
      if (size !== 4) return 0;
      switch (s) {
        case 0x080:
          return this.ppiBits(cpu, (i) => core.group[i]!);
        case 0x100:
        case 0x180:
          return this.ppiBits(cpu, (i) => core.enabled[i]!);
        case 0x200:
        case 0x280:
          return this.ppiBits(cpu, (i) => (core.isPending(i) ? 1 : 0));
        case 0x300:
        case 0x380:
          return this.ppiBits(cpu, (i) => core.active[i]!);
        case 0xc00:
          return 0xaaaaaaaa;
        case 0xc04: {
          let v = 0;
          for (let f = 0; f < 16; f++) if (core.edge[core.idx(cpu, 16 + f)] !== 0) v |= 2 << (2 * f);
          return v >>> 0;
        }
      }
      return 0;
    }
    if (size !== 4) return 0;
    switch (o) {
      case 0x0000:
        return this.enableLpis[cpu]!;
      case 0x0004:
        return GICV3_IIDR;
      case 0x0008:
        // PLPIS [0], Last [4], ProcessorNumber [23:8] (IHI 0069H §12.11.35).
        return ((this.lpis ? 1 : 0) | (cpu === this.nCpus - 1 ? 1 << 4 : 0) | (cpu << 8)) >>> 0;
      case 0x000c:
        return this.affinity[cpu]!;
      case 0x0014:
        // WAKER: ProcessorSleep [1], ChildrenAsleep [2] follows it at once.
        return this.processorSleep[cpu] ? 6 : 0;
      case 0x0070:
        return this.propbaserLo[cpu]!;
      case 0x0074:
        return this.propbaserHi[cpu]!;
      case 0x0078:
        return this.pendbaserLo[cpu]!;
      case 0x007c:
        return this.pendbaserHi[cpu]!;
      case 0x00c0:
        return 0; // GICR_SYNCR.Busy
    }
    if (o >= 0xffd0) return peripheralId(o - 0xf000, 0x3b);
    return 0;
  }

  private ppiBits(cpu: number, f: (i: number) => number): number {
    let v = 0;
    for (let b = 0; b < 32; b++) if (f(cpu * 32 + b) !== 0) v |= 1 << b;
    return v >>> 0;
  }

  private redistWrite(off: number, size: number, value: number, _a: MmioAccess): void {
    const cpu = Math.floor(off / this.stride);
    const o = off - cpu * this.stride;
    if (cpu >= this.nCpus) return;
    const core = this.core;
    if (o >= 0x10000) {
      const s = o - 0x10000;
      if (s >= 0x400 && s < 0x420) {
        for (let k = 0; k < size; k++) core.priority[core.idx(cpu, s - 0x400 + k)] = (value >>> (8 * k)) & PRIORITY_MASK;
        core.updateCpu(cpu);
        return;
      }
      if (size !== 4) return;
      const each = (f: (i: number, bit: number) => void, all = false): void => {
        for (let b = 0; b < 32; b++) {
          const bit = (value >>> b) & 1;
          if (bit !== 0 || all) f(cpu * 32 + b, bit);
        }
      };
      switch (s) {
        case 0x080:
          each((i, b) => (core.group[i] = b), true);
          break;
        case 0x100:
          each((i) => core.setEnabled(i, 1));
          break;
        case 0x180:
          each((i) => core.setEnabled(i, 0));
          break;
        case 0x200:
          each((i) => core.setLatch(i, 1));
          break;
        case 0x280:
          each((i) => core.setLatch(i, 0));
          break;
        case 0x300:
          each((i) => core.setActive(i, 1));
          break;
        case 0x380:
          each((i) => core.setActive(i, 0));
          break;
        case 0xc00:
          this.onError('GICR_ICFGR0 is read-only (SGIs are edge-triggered)', { cpu, value });
          return;
        case 0xc04:
          for (let f = 0; f < 16; f++) core.setEdge(core.idx(cpu, 16 + f), (value >>> (2 * f + 1)) & 1);
          break;
        default:
          return;
      }
      core.updateCpu(cpu);
      return;
    }
    if (size !== 4) {
      this.onError('GICR access of an unsupported size (WI)', { offset: off, size });
      return;
    }
    switch (o) {
      case 0x0000: {
        const en = value & 1;
        if (en !== 0 && !this.lpis) return;
        if (en !== 0 && this.enableLpis[cpu] === 0) this.enableLpisFor(cpu);
        else if (en === 0 && this.enableLpis[cpu] !== 0) {
          this.enableLpis[cpu] = 0;
          core.lpiPending[cpu]!.clear();
          core.updateCpu(cpu);
        }
        return;
      }
      case 0x0014: {
        const sleep = (value >>> 1) & 1;
        this.processorSleep[cpu] = sleep;
        core.cpuAwake[cpu] = sleep ? 0 : 1;
        core.updateCpu(cpu);
        return;
      }
      case 0x0040:
        this.setLpi(cpu, value, true);
        return;
      case 0x0044:
        return;
      case 0x0048:
        this.setLpi(cpu, value, false);
        return;
      case 0x004c:
        return;
      case 0x00a0:
        this.invalidateLpiConfig(cpu, value);
        return;
      case 0x00b0:
        this.invalidateLpiConfig(cpu);
        return;
    }
    if (o >= 0x70 && o < 0x80) {
      // PROPBASER/PENDBASER are WI while EnableLPIs = 1 (IHI 0069H §12.11.30, §12.11.23).
      if (this.enableLpis[cpu] !== 0) {
        this.onError('GICR_PROPBASER/PENDBASER write with EnableLPIs = 1 ignored', { cpu, offset: o });
        return;
      }
      if (o === 0x70) this.propbaserLo[cpu] = value >>> 0;
      else if (o === 0x74) this.propbaserHi[cpu] = value >>> 0;
      else if (o === 0x78) this.pendbaserLo[cpu] = value >>> 0;
      else this.pendbaserHi[cpu] = value >>> 0;
      return;
    }
    if (o === 0x0004 || o === 0x0008 || o === 0x000c || o >= 0xffd0) {
      this.onError('write to a read-only GICR register ignored', { cpu, offset: o, value });
    }
  }

  // ---------------------------------------------------------------- SGIs (ICC_SGI*R_EL1)

  /** ICC_SGI0R/SGI1R/ASGI1R (IHI 0069H §12.2.21): generate SGIs by affinity. */
  generateSgi(src: number, value: bigint, group: number): void {
    const lo = Number(value & 0xffffffffn);
    const hi = Number((value >> 32n) & 0xffffffffn);
    const intid = (lo >>> 24) & 0xf;
    const targetList = lo & 0xffff;
    const aff1 = (lo >>> 16) & 0xff;
    const aff2 = hi & 0xff;
    const irm = (hi >>> 8) & 1;
    const rs = (hi >>> 12) & 0xf;
    const aff3 = (hi >>> 16) & 0xff;
    const core = this.core;
    const send = (t: number): void => {
      const i = core.idx(t, intid);
      // With DS = 1 an SGI is forwarded only when its group matches the register used.
      if (core.group[i] !== group) return;
      core.setLatch(i, 1);
    };
    if (irm !== 0) {
      for (let t = 0; t < this.nCpus; t++) if (t !== src) send(t);
    } else {
      const upper = ((aff3 << 24) | (aff2 << 16) | (aff1 << 8)) >>> 0;
      for (let k = 0; k < 16; k++) {
        if (((targetList >> k) & 1) === 0) continue;
        const aff0 = rs * 16 + k;
        if (aff0 > 255) continue;
        const t = this.cpuOfAffinity((upper | aff0) >>> 0);
        if (t >= 0) send(t);
      }
    }
    core.update();
  }
}

/** Trap/ICV classification of each CPU interface register encoding at EL1. */
function regClass(enc: SysregEncoding): RegClass {
  switch (enc) {
    case SYSREG.ICC_IAR0_EL1:
    case SYSREG.ICC_EOIR0_EL1:
    case SYSREG.ICC_HPPIR0_EL1:
    case SYSREG.ICC_BPR0_EL1:
    case SYSREG.ICC_IGRPEN0_EL1:
      return RegClass.Group0;
    case SYSREG.ICC_IAR1_EL1:
    case SYSREG.ICC_EOIR1_EL1:
    case SYSREG.ICC_HPPIR1_EL1:
    case SYSREG.ICC_BPR1_EL1:
    case SYSREG.ICC_IGRPEN1_EL1:
      return RegClass.Group1;
    case SYSREG.ICC_SGI0R_EL1:
    case SYSREG.ICC_ASGI1R_EL1:
      return RegClass.Sgi0;
    case SYSREG.ICC_SGI1R_EL1:
      return RegClass.Sgi1;
    case SYSREG.ICC_SRE_EL1:
      return RegClass.Sre;
  }
  if (enc >= SYSREG.ICC_AP0R0_EL1 && enc < SYSREG.ICC_AP0R0_EL1 + 4) return RegClass.Group0;
  if (enc >= SYSREG.ICC_AP1R0_EL1 && enc < SYSREG.ICC_AP1R0_EL1 + 4) return RegClass.Group1;
  return RegClass.Common;
}

const ICC_CTLR_RO = (4 << 8) | (1 << 15); // PRIbits = 4 (5 bits), IDbits = 0 (16), A3V
const ICC_SRE_RO = 7n; // SRE, DFB, DIB

/**
 * One core's system-register CPU interface. Implements the access rules of IHI 0069H
 * §12.1 (EL0 UNDEFINED; ICH_HCR_EL2.TALL0/TALL1/TC/TDIR traps; HCR_EL2.IMO/FMO selecting
 * ICV_*; SCR_EL3.IRQ/FIQ traps; ICC_SRE_EL2/EL3.Enable gating ICC_SRE_EL1/EL2).
 */
export class GicV3CpuInterface implements GicCpuInterface {
  constructor(
    private readonly gic: GicV3,
    readonly cpu: number,
  ) {}

  /** Decide who handles an access: 'icc', 'icv', or a trap. */
  private route(enc: SysregEncoding, ctx: SysregAccessContext): 'icc' | 'icv' | SysregTrap {
    const op1 = (enc >>> 11) & 7;
    const el = ctx.el;
    if (op1 === 4) {
      // ICH_*_EL2 and ICC_SRE_EL2: EL2 and EL3 only.
      if (el < 2) return SYSREG_UNDEFINED;
      if (enc === SYSREG.ICC_SRE_EL2 && el === 2 && ctx.haveEL3 && this.gic.sreEl3Enable[this.cpu] === 0) return SYSREG_TRAP_EL3;
      return 'icc';
    }
    if (op1 === 6) return el === 3 && ctx.haveEL3 ? 'icc' : SYSREG_UNDEFINED;
    if (op1 !== 0) return SYSREG_UNDEFINED;
    if (el === 0) return SYSREG_UNDEFINED;
    const cls = regClass(enc);
    const el2Enabled = ctx.haveEL2 && ctx.ns;
    const hcr = ctx.hcr;
    const ich = this.gic.virtual[this.cpu]!.hcr;
    const irq = (ctx.scr & SCR_EL3_IRQ) !== 0;
    const fiq = (ctx.scr & SCR_EL3_FIQ) !== 0;
    if (cls === RegClass.Sre) {
      if (el === 1 && el2Enabled && this.gic.sreEl2Enable[this.cpu] === 0) return SYSREG_TRAP_EL2;
      if (el < 3 && ctx.haveEL3 && this.gic.sreEl3Enable[this.cpu] === 0) return SYSREG_TRAP_EL3;
      return 'icc';
    }
    if (el === 1 && el2Enabled) {
      switch (cls) {
        case RegClass.Group0:
          if ((ich & HCR_TALL0) !== 0) return SYSREG_TRAP_EL2;
          if ((hcr & HCR_EL2_FMO) !== 0) return 'icv';
          break;
        case RegClass.Group1:
          if ((ich & HCR_TALL1) !== 0) return SYSREG_TRAP_EL2;
          if ((hcr & HCR_EL2_IMO) !== 0) return 'icv';
          break;
        case RegClass.Sgi0:
          if ((ich & HCR_TC) !== 0 || (hcr & HCR_EL2_FMO) !== 0) return SYSREG_TRAP_EL2;
          break;
        case RegClass.Sgi1:
          if ((ich & HCR_TC) !== 0 || (hcr & HCR_EL2_IMO) !== 0) return SYSREG_TRAP_EL2;
          break;
        case RegClass.Common:
          if ((ich & HCR_TC) !== 0) return SYSREG_TRAP_EL2;
          if (enc === SYSREG.ICC_DIR_EL1 && (ich & HCR_TDIR) !== 0) return SYSREG_TRAP_EL2;
          if ((hcr & (HCR_EL2_IMO | HCR_EL2_FMO)) !== 0) return 'icv';
          break;
      }
    }
    if (el < 3 && ctx.haveEL3) {
      if ((cls === RegClass.Group0 || cls === RegClass.Sgi0) && fiq) return SYSREG_TRAP_EL3;
      if ((cls === RegClass.Group1 || cls === RegClass.Sgi1) && irq) return SYSREG_TRAP_EL3;
      if (cls === RegClass.Common && irq && fiq) return SYSREG_TRAP_EL3;
    }
    return 'icc';
  }

  sysregRead(enc: SysregEncoding, ctx: SysregAccessContext): bigint | SysregTrap {
    const r = this.route(enc, ctx);
    if (r === 'icc') return this.iccRead(enc);
    if (r === 'icv') return this.icvRead(enc);
    return r;
  }

  sysregWrite(enc: SysregEncoding, value: bigint, ctx: SysregAccessContext): SysregTrap | undefined {
    const r = this.route(enc, ctx);
    if (r === 'icc') return this.iccWrite(enc, value);
    if (r === 'icv') return this.icvWrite(enc, value);
    return r;
  }

  private iccRead(enc: SysregEncoding): bigint | SysregTrap {
    const gic = this.gic;
    const core = gic.core;
    const c = this.cpu;
    switch (enc) {
      case SYSREG.ICC_IAR1_EL1:
        return BigInt(core.acknowledge(c, 2, false));
      case SYSREG.ICC_IAR0_EL1:
        return BigInt(core.acknowledge(c, 1, false));
      case SYSREG.ICC_HPPIR1_EL1:
      case SYSREG.ICC_HPPIR0_EL1: {
        const id = core.hppi(c);
        const want = enc === SYSREG.ICC_HPPIR1_EL1 ? 1 : 0;
        return BigInt(id !== SPURIOUS && core.groupOf(c, id) === want ? id : SPURIOUS);
      }
      case SYSREG.ICC_BPR0_EL1:
        return BigInt(core.bpr0[c]!);
      case SYSREG.ICC_BPR1_EL1:
        // With CBPR, BPR1 reads as BPR0 + 1 saturated (IHI 0069H §12.2.3).
        return BigInt(core.cbpr[c] ? Math.min(core.bpr0[c]! + 1, 7) : core.bpr1[c]!);
      case SYSREG.ICC_PMR_EL1:
        return BigInt(core.pmr[c]!);
      case SYSREG.ICC_RPR_EL1:
        return BigInt(core.runningPriority(c));
      case SYSREG.ICC_CTLR_EL1:
        return BigInt(ICC_CTLR_RO | core.cbpr[c]! | (gic.eoiMode[c]! << 1));
      case SYSREG.ICC_SRE_EL1:
      case SYSREG.ICC_SRE_EL2:
      case SYSREG.ICC_SRE_EL3:
        return ICC_SRE_RO | (enc === SYSREG.ICC_SRE_EL2 ? BigInt(gic.sreEl2Enable[c]! << 3) : enc === SYSREG.ICC_SRE_EL3 ? BigInt(gic.sreEl3Enable[c]! << 3) : 0n);
      case SYSREG.ICC_IGRPEN0_EL1:
        return BigInt(core.cpuEnable[c]! & 1);
      case SYSREG.ICC_IGRPEN1_EL1:
        return BigInt((core.cpuEnable[c]! >> 1) & 1);
      case SYSREG.ICC_IGRPEN1_EL3:
        return BigInt((core.cpuEnable[c]! >> 1) & 1);
      case SYSREG.ICC_CTLR_EL3:
        return BigInt(ICC_CTLR_RO | (gic.eoiMode[c]! << 2));
      case SYSREG.ICC_AP0R0_EL1:
        return BigInt(core.apr0[c]!);
      case SYSREG.ICC_AP1R0_EL1:
        return BigInt(core.apr1[c]!);
      case SYSREG.ICC_SGI0R_EL1:
      case SYSREG.ICC_SGI1R_EL1:
      case SYSREG.ICC_ASGI1R_EL1:
      case SYSREG.ICC_EOIR0_EL1:
      case SYSREG.ICC_EOIR1_EL1:
      case SYSREG.ICC_DIR_EL1:
        // Write-only registers: reads are UNDEFINED (IHI 0069H §12.1.x access tables).
        return SYSREG_UNDEFINED;
    }
    if ((enc > SYSREG.ICC_AP0R0_EL1 && enc < SYSREG.ICC_AP0R0_EL1 + 4) || (enc > SYSREG.ICC_AP1R0_EL1 && enc < SYSREG.ICC_AP1R0_EL1 + 4)) return 0n;
    return this.ichRead(enc);
  }

  private iccWrite(enc: SysregEncoding, value: bigint): SysregTrap | undefined {
    const gic = this.gic;
    const core = gic.core;
    const c = this.cpu;
    const v = Number(value & 0xffffffffn);
    switch (enc) {
      case SYSREG.ICC_EOIR1_EL1:
      case SYSREG.ICC_EOIR0_EL1:
        this.eoi(v & 0xffffff);
        return undefined;
      case SYSREG.ICC_DIR_EL1: {
        const intid = v & 0xffffff;
        if (intid >= 1020 && intid < 1024) return undefined;
        if (intid >= LPI_BASE) return undefined; // LPIs have no active state
        if (intid >= gic.nIrqs) gic.onError('ICC_DIR_EL1 with an INTID out of range ignored', { cpu: c, intid });
        else if (!core.deactivate(c, intid)) gic.onError('ICC_DIR_EL1 of an interrupt that is not active', { cpu: c, intid });
        core.update();
        return undefined;
      }
      case SYSREG.ICC_PMR_EL1:
        core.pmr[c] = v & PRIORITY_MASK;
        break;
      case SYSREG.ICC_BPR0_EL1:
        core.bpr0[c] = Math.max(v & 7, 2);
        break;
      case SYSREG.ICC_BPR1_EL1:
        if (core.cbpr[c] === 0) core.bpr1[c] = Math.max(v & 7, 3);
        break;
      case SYSREG.ICC_CTLR_EL1:
        core.cbpr[c] = v & 1;
        gic.eoiMode[c] = (v >>> 1) & 1;
        break;
      case SYSREG.ICC_CTLR_EL3:
        gic.eoiMode[c] = (v >>> 2) & 1;
        break;
      case SYSREG.ICC_SRE_EL1:
        return undefined;
      case SYSREG.ICC_SRE_EL2:
        gic.sreEl2Enable[c] = (v >>> 3) & 1;
        return undefined;
      case SYSREG.ICC_SRE_EL3:
        gic.sreEl3Enable[c] = (v >>> 3) & 1;
        return undefined;
      case SYSREG.ICC_IGRPEN0_EL1:
        core.cpuEnable[c] = (core.cpuEnable[c]! & 2) | (v & 1);
        break;
      case SYSREG.ICC_IGRPEN1_EL1:
      case SYSREG.ICC_IGRPEN1_EL3:
        core.cpuEnable[c] = (core.cpuEnable[c]! & 1) | ((v & 1) << 1);
        break;
      case SYSREG.ICC_AP0R0_EL1:
        core.apr0[c] = v >>> 0;
        break;
      case SYSREG.ICC_AP1R0_EL1:
        core.apr1[c] = v >>> 0;
        break;
      case SYSREG.ICC_SGI1R_EL1:
        gic.generateSgi(c, value, 1);
        return undefined;
      case SYSREG.ICC_SGI0R_EL1:
      case SYSREG.ICC_ASGI1R_EL1:
        gic.generateSgi(c, value, 0);
        return undefined;
      case SYSREG.ICC_IAR0_EL1:
      case SYSREG.ICC_IAR1_EL1:
      case SYSREG.ICC_HPPIR0_EL1:
      case SYSREG.ICC_HPPIR1_EL1:
      case SYSREG.ICC_RPR_EL1:
        return SYSREG_UNDEFINED;
      default:
        if ((enc > SYSREG.ICC_AP0R0_EL1 && enc < SYSREG.ICC_AP0R0_EL1 + 4) || (enc > SYSREG.ICC_AP1R0_EL1 && enc < SYSREG.ICC_AP1R0_EL1 + 4)) return undefined;
        return this.ichWrite(enc, value);
    }
    core.updateCpu(c);
    return undefined;
  }

  /** ICC_EOIR0/1_EL1: priority drop, and deactivation unless EOImode (IHI 0069H §12.2.9). */
  private eoi(intid: number): void {
    const gic = this.gic;
    const core = gic.core;
    const c = this.cpu;
    if (intid >= 1020 && intid < 1024) return;
    if (intid >= gic.nIrqs && intid < LPI_BASE) {
      gic.onError('ICC_EOIR_EL1 with an INTID out of range ignored', { cpu: c, intid });
      return;
    }
    core.dropPriority(c);
    if (gic.eoiMode[c] === 0 && intid < LPI_BASE) core.deactivate(c, intid);
    core.updateIntid(c, intid);
  }

  // ---------------------------------------------------------------- ICH_*_EL2

  encodeLr(n: number): bigint {
    const v = this.gic.virtual[this.cpu]!;
    let hi = (v.priority[n]! << 16) | (v.group[n]! << 28) | (v.hw[n]! << 29) | (v.state[n]! << 30);
    if (v.hw[n] !== 0) hi |= v.pintid[n]! & 0x1fff;
    else hi |= v.eoi[n]! << 9;
    return (BigInt(hi >>> 0) << 32n) | BigInt(v.vintid[n]!);
  }

  decodeLr(n: number, value: bigint): void {
    const v = this.gic.virtual[this.cpu]!;
    const lo = Number(value & 0xffffffffn);
    const hi = Number((value >> 32n) & 0xffffffffn);
    v.vintid[n] = lo >>> 0;
    v.priority[n] = (hi >>> 16) & PRIORITY_MASK;
    v.group[n] = (hi >>> 28) & 1;
    v.hw[n] = (hi >>> 29) & 1;
    v.state[n] = (hi >>> 30) & 3;
    if (v.hw[n] !== 0) {
      v.pintid[n] = hi & 0x1fff;
      v.eoi[n] = 0;
    } else {
      v.pintid[n] = 0;
      v.eoi[n] = (hi >>> 9) & 1;
    }
  }

  private lrIndex(enc: SysregEncoding): number {
    if (((enc >>> 11) & 7) !== 4 || ((enc >>> 7) & 15) !== 12) return -1;
    const crm = (enc >>> 3) & 15;
    if (crm !== 12 && crm !== 13) return -1;
    const n = ((crm - 12) << 3) | (enc & 7);
    return n < this.gic.nLrs ? n : -1;
  }

  private ichRead(enc: SysregEncoding): bigint | SysregTrap {
    const v = this.gic.virtual[this.cpu]!;
    switch (enc) {
      case SYSREG.ICH_HCR_EL2:
        return BigInt(v.hcr);
      case SYSREG.ICH_VTR_EL2:
        // ListRegs, TDS [19], nV4 [20], A3V [21], IDbits 0 (16), PREbits 4, PRIbits 4 (IHI 0069H §12.4.11).
        return BigInt((((4 << 29) | (4 << 26) | (1 << 21) | (1 << 20) | (1 << 19) | (this.gic.nLrs - 1)) >>> 0));
      case SYSREG.ICH_VMCR_EL2:
        return BigInt(v.vmcr);
      case SYSREG.ICH_MISR_EL2:
        return BigInt(v.misr());
      case SYSREG.ICH_EISR_EL2:
        return BigInt(v.eisr());
      case SYSREG.ICH_ELRSR_EL2:
        return BigInt(v.elrsr());
      case SYSREG.ICH_AP0R0_EL2:
        return BigInt(v.apr0);
      case SYSREG.ICH_AP1R0_EL2:
        return BigInt(v.apr1);
    }
    if ((enc > SYSREG.ICH_AP0R0_EL2 && enc < SYSREG.ICH_AP0R0_EL2 + 4) || (enc > SYSREG.ICH_AP1R0_EL2 && enc < SYSREG.ICH_AP1R0_EL2 + 4)) return 0n;
    const n = this.lrIndex(enc);
    if (n >= 0) return this.encodeLr(n);
    return SYSREG_UNDEFINED;
  }

  private ichWrite(enc: SysregEncoding, value: bigint): SysregTrap | undefined {
    const v = this.gic.virtual[this.cpu]!;
    const x = Number(value & 0xffffffffn);
    switch (enc) {
      case SYSREG.ICH_HCR_EL2:
        v.hcr = (x & ICH_HCR_MASK) >>> 0;
        break;
      case SYSREG.ICH_VMCR_EL2:
        v.vmcr = (x & 0xfffc021f) >>> 0;
        break;
      case SYSREG.ICH_AP0R0_EL2:
        v.apr0 = x >>> 0;
        break;
      case SYSREG.ICH_AP1R0_EL2:
        v.apr1 = x >>> 0;
        break;
      case SYSREG.ICH_VTR_EL2:
      case SYSREG.ICH_MISR_EL2:
      case SYSREG.ICH_EISR_EL2:
      case SYSREG.ICH_ELRSR_EL2:
        return SYSREG_UNDEFINED;
      default: {
        if ((enc > SYSREG.ICH_AP0R0_EL2 && enc < SYSREG.ICH_AP0R0_EL2 + 4) || (enc > SYSREG.ICH_AP1R0_EL2 && enc < SYSREG.ICH_AP1R0_EL2 + 4)) return undefined;
        const n = this.lrIndex(enc);
        if (n < 0) return SYSREG_UNDEFINED;
        this.decodeLr(n, value);
      }
    }
    v.update();
    return undefined;
  }

  // ---------------------------------------------------------------- ICV_*_EL1

  private icvRead(enc: SysregEncoding): bigint | SysregTrap {
    const v = this.gic.virtual[this.cpu]!;
    switch (enc) {
      case SYSREG.ICC_IAR1_EL1:
        return BigInt(v.acknowledge(2, false));
      case SYSREG.ICC_IAR0_EL1:
        return BigInt(v.acknowledge(1, false));
      case SYSREG.ICC_HPPIR1_EL1:
        return BigInt(v.hppi(2));
      case SYSREG.ICC_HPPIR0_EL1:
        return BigInt(v.hppi(1));
      case SYSREG.ICC_BPR0_EL1:
        return BigInt((v.vmcr >>> 21) & 7);
      case SYSREG.ICC_BPR1_EL1:
        return BigInt((v.vmcr & 0x10) !== 0 ? Math.min(((v.vmcr >>> 21) & 7) + 1, 7) : (v.vmcr >>> 18) & 7);
      case SYSREG.ICC_PMR_EL1:
        return BigInt(v.vpmr);
      case SYSREG.ICC_RPR_EL1:
        return BigInt(v.runningPriority());
      case SYSREG.ICC_CTLR_EL1:
        return BigInt(ICC_CTLR_RO | ((v.vmcr >>> 4) & 1) | (((v.vmcr >>> 9) & 1) << 1));
      case SYSREG.ICC_IGRPEN0_EL1:
        return BigInt(v.vmcr & 1);
      case SYSREG.ICC_IGRPEN1_EL1:
        return BigInt((v.vmcr >>> 1) & 1);
      case SYSREG.ICC_AP0R0_EL1:
        return BigInt(v.apr0);
      case SYSREG.ICC_AP1R0_EL1:
        return BigInt(v.apr1);
      case SYSREG.ICC_EOIR0_EL1:
      case SYSREG.ICC_EOIR1_EL1:
      case SYSREG.ICC_DIR_EL1:
        return SYSREG_UNDEFINED;
    }
    return 0n;
  }

  private icvWrite(enc: SysregEncoding, value: bigint): SysregTrap | undefined {
    const v = this.gic.virtual[this.cpu]!;
    const x = Number(value & 0xffffffffn);
    const setVmcr = (mask: number, bits: number): void => {
      v.vmcr = ((v.vmcr & ~mask) | (bits & mask)) >>> 0;
    };
    switch (enc) {
      case SYSREG.ICC_EOIR0_EL1:
      case SYSREG.ICC_EOIR1_EL1: {
        const intid = x & 0xffffff;
        if (intid >= 1020 && intid < 1024) return undefined;
        v.endOfInterrupt(intid);
        return undefined;
      }
      case SYSREG.ICC_DIR_EL1: {
        const intid = x & 0xffffff;
        if (intid >= 1020 && intid < 1024) return undefined;
        v.deactivate(intid);
        return undefined;
      }
      case SYSREG.ICC_PMR_EL1:
        setVmcr(0xff000000, (x & PRIORITY_MASK) << 24);
        break;
      case SYSREG.ICC_BPR0_EL1:
        setVmcr(7 << 21, Math.max(x & 7, 2) << 21);
        break;
      case SYSREG.ICC_BPR1_EL1:
        if ((v.vmcr & 0x10) === 0) setVmcr(7 << 18, Math.max(x & 7, 3) << 18);
        break;
      case SYSREG.ICC_CTLR_EL1:
        setVmcr(0x210, ((x & 1) << 4) | (((x >>> 1) & 1) << 9));
        break;
      case SYSREG.ICC_IGRPEN0_EL1:
        setVmcr(1, x & 1);
        break;
      case SYSREG.ICC_IGRPEN1_EL1:
        setVmcr(2, (x & 1) << 1);
        break;
      case SYSREG.ICC_AP0R0_EL1:
        v.apr0 = x >>> 0;
        break;
      case SYSREG.ICC_AP1R0_EL1:
        v.apr1 = x >>> 0;
        break;
      case SYSREG.ICC_IAR0_EL1:
      case SYSREG.ICC_IAR1_EL1:
      case SYSREG.ICC_HPPIR0_EL1:
      case SYSREG.ICC_HPPIR1_EL1:
      case SYSREG.ICC_RPR_EL1:
        return SYSREG_UNDEFINED;
      default:
        return undefined;
    }
    v.update();
    return undefined;
  }
}
