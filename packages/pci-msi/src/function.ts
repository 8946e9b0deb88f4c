/**
 * A PCI Express function: type 0 configuration header, BARs, capabilities, and the three
 * ways it interrupts (INTx, MSI, MSI-X).
 *
 * A device model subclasses nothing: it creates a `PciFunction` with its identity, adds
 * BARs with an `MmioDevice` each, optionally MSI/MSI-X, and calls `signal(vector)` or
 * `setIntx(level)`. Placing BARs in bus address space, decode enables and message
 * delivery happen here (PCI Local Bus 3.0 §6.2, §6.8; PCIe Base 4.0 §7.5, §7.7).
 */

import { AddressSpace, BusStatus, type MmioDevice } from '@tessera/core';
import { ConfigSpace } from './config-space.js';

/** Type 0 header offsets (PCI Local Bus 3.0 §6.1). */
export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;
export const PCI_COMMAND = 0x04;
export const PCI_STATUS = 0x06;
export const PCI_REVISION_ID = 0x08;
export const PCI_CLASS_PROG = 0x09;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_BAR0 = 0x10;
export const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
export const PCI_SUBSYSTEM_ID = 0x2e;
export const PCI_ROM_ADDRESS = 0x30;
export const PCI_CAPABILITY_LIST = 0x34;
export const PCI_INTERRUPT_LINE = 0x3c;
export const PCI_INTERRUPT_PIN = 0x3d;

export const PCI_COMMAND_IO = 1 << 0;
export const PCI_COMMAND_MEMORY = 1 << 1;
export const PCI_COMMAND_MASTER = 1 << 2;
export const PCI_COMMAND_SERR = 1 << 8;
export const PCI_COMMAND_INTX_DISABLE = 1 << 10;
export const PCI_STATUS_INTERRUPT = 1 << 3;
export const PCI_STATUS_CAP_LIST = 1 << 4;

export const PCI_CAP_ID_PM = 0x01;
export const PCI_CAP_ID_MSI = 0x05;
export const PCI_CAP_ID_VNDR = 0x09;
export const PCI_CAP_ID_EXP = 0x10;
export const PCI_CAP_ID_MSIX = 0x11;

export type BarKind = 'mem32' | 'mem64' | 'io';

export interface BarSpec {
  readonly size: number;
  readonly kind: BarKind;
  readonly prefetchable?: boolean;
  readonly device: MmioDevice;
}

export interface PciIdentity {
  vendorId: number;
  deviceId: number;
  /** Class code: base class << 16 | subclass << 8 | programming interface. */
  classCode: number;
  revision?: number;
  subsystemVendorId?: number;
  subsystemId?: number;
  /** Interrupt pin 1..4 = INTA..INTD, 0 = none. */
  interruptPin?: number;
}

/** Where a function's BARs live and how its messages leave it; provided by the host bridge. */
export interface PciBusPort {
  /** Bus memory space (BARs of kind mem32/mem64 are mapped here at their bus addresses). */
  readonly memSpace: AddressSpace;
  /** Bus I/O space. */
  readonly ioSpace: AddressSpace;
  /** Drive this function's INTx wire (the bridge swizzles by slot). */
  setIntx(fn: PciFunction, level: boolean): void;
  /** A DMA view for the function: bus addresses as it sees them, master id = requester ID. */
  dmaSpace(fn: PciFunction): AddressSpace;
  /** Report something the guest did wrong (overlapping BARs, DMA without bus mastering, ...). */
  report(fn: PciFunction, what: string): void;
}

interface Bar {
  readonly spec: BarSpec;
  readonly index: number;
  mapped: { space: AddressSpace; region: ReturnType<AddressSpace['addMmio']> } | undefined;
}

interface MsiState {
  readonly offset: number;
  readonly vectors: number;
  readonly is64: boolean;
  readonly perVectorMask: boolean;
}

interface MsixState {
  readonly offset: number;
  readonly vectors: number;
  readonly table: Uint8Array;
  readonly pba: Uint8Array;
  readonly tableBar: number;
  readonly tableOffset: number;
  readonly pbaBar: number;
  readonly pbaOffset: number;
}

export class PciFunction {
  readonly config = new ConfigSpace();
  private readonly bars: Array<Bar | undefined> = [];
  private lastCap = 0;
  private nextCapOffset = 0x40;
  private port: PciBusPort | undefined;
  private msi: MsiState | undefined;
  private msix: MsixState | undefined;
  private intxLevel = false;
  private dma: AddressSpace | undefined;
  /** Bus/device/function number, set when attached: bus << 8 | device << 3 | function. */
  bdf = 0;
  /** Messages sent, for statistics and tests. */
  messagesSent = 0;

  constructor(
    readonly name: string,
    id: PciIdentity,
  ) {
    const c = this.config;
    c.set(PCI_VENDOR_ID, 2, id.vendorId);
    c.set(PCI_DEVICE_ID, 2, id.deviceId);
    c.set(PCI_REVISION_ID, 1, id.revision ?? 0);
    c.set(PCI_CLASS_PROG, 1, id.classCode & 0xff);
    c.set(PCI_CLASS_PROG + 1, 2, (id.classCode >>> 8) & 0xffff);
    c.set(PCI_HEADER_TYPE, 1, 0);
    c.set(PCI_SUBSYSTEM_VENDOR_ID, 2, id.subsystemVendorId ?? id.vendorId);
    c.set(PCI_SUBSYSTEM_ID, 2, id.subsystemId ?? 0);
    c.set(PCI_INTERRUPT_PIN, 1, id.interruptPin ?? 0);
    c.setWritable(PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    c.setW1C(PCI_STATUS, 2, 0xf900); // error bits (§6.2.3)
    c.setWritable(PCI_INTERRUPT_LINE, 1, 0xff);
    c.setWritable(0x0c, 1, 0xff); // cache line size
    c.onWrite(PCI_COMMAND, PCI_COMMAND + 2, () => {
      this.updateMappings();
      this.updateIntx();
    });
    c.onWrite(PCI_BAR0, PCI_BAR0 + 24, () => this.updateMappings());
  }

  get command(): number {
    return this.config.u16(PCI_COMMAND);
  }

  get busMaster(): boolean {
    return (this.command & PCI_COMMAND_MASTER) !== 0;
  }

  /** Called by the host bridge. */
  attach(port: PciBusPort, bdf: number): void {
    this.port = port;
    this.bdf = bdf;
    this.dma = port.dmaSpace(this);
  }

  addBar(index: number, spec: BarSpec): void {
    if (index < 0 || index > 5 || (spec.kind === 'mem64' && index > 4)) throw new RangeError(`BAR ${index} of ${this.name} is out of range`);
    if (spec.size < (spec.kind === 'io' ? 4 : 16) || (spec.size & (spec.size - 1)) !== 0) {
      throw new RangeError(`BAR ${index} of ${this.name}: size ${spec.size} is not a power of two of at least ${spec.kind === 'io' ? 4 : 16}`);
    }
    const off = PCI_BAR0 + 4 * index;
    const c = this.config;
    if (spec.kind === 'io') {
      c.set(off, 4, 0x1);
      c.setWritable(off, 4, ~(spec.size - 1) & 0xfffffffc);
    } else {
      const low = (spec.kind === 'mem64' ? 0x4 : 0) | (spec.prefetchable ? 0x8 : 0);
      c.set(off, 4, low);
      c.setWritable(off, 4, Number(BigInt.asUintN(32, ~BigInt(spec.size - 1))) & 0xfffffff0);
      if (spec.kind === 'mem64') {
        const hiMask = spec.size > 2 ** 32 ? Number(BigInt.asUintN(32, ~BigInt(spec.size - 1) >> 32n)) : 0xffffffff;
        c.setWritable(off + 4, 4, hiMask);
      }
    }
    this.bars[index] = { spec, index, mapped: undefined };
  }

  /** Current bus address of BAR `index` (undefined for an absent BAR). */
  barAddress(index: number): number | undefined {
    const b = this.bars[index];
    if (b === undefined) return undefined;
    const off = PCI_BAR0 + 4 * index;
    const low = this.config.u32(off);
    if (b.spec.kind === 'io') return low & ~0x3;
    const lo = low & ~0xf;
    if (b.spec.kind === 'mem64') return this.config.u32(off + 4) * 2 ** 32 + (lo >>> 0);
    return lo >>> 0;
  }

  /** Append a capability with `id` and `length` bytes (header included); returns its offset. */
  addCapability(id: number, length: number): number {
    const off = this.nextCapOffset;
    if (off + length > 0x100) throw new RangeError(`${this.name}: no room for capability 0x${id.toString(16)} in the 256-byte PCI config space`);
    const c = this.config;
    c.set(off, 1, id);
    c.set(off + 1, 1, 0);
    if (this.lastCap === 0) c.set(PCI_CAPABILITY_LIST, 1, off);
    else c.set(this.lastCap + 1, 1, off);
    c.set(PCI_STATUS, 2, c.u16(PCI_STATUS) | PCI_STATUS_CAP_LIST);
    this.lastCap = off;
    this.nextCapOffset = (off + length + 3) & ~3;
    return off;
  }

  /** PCI Express capability, version 2, as an endpoint (PCIe Base 4.0 §7.5.3). */
  addPcieCapability(type: 'endpoint' | 'integrated' = 'endpoint'): number {
    const off = this.addCapability(PCI_CAP_ID_EXP, 0x3c);
    const c = this.config;
    c.set(off + 2, 2, 0x2 | ((type === 'endpoint' ? 0 : 9) << 4));
    c.set(off + 4, 4, 0x0000_8000 | (0 << 0)); // Role-Based Error Reporting, 128-byte max payload
    c.setWritable(off + 8, 2, 0x7fff); // device control
    c.set(off + 0xc, 4, 0x0000_0411); // link cap: x1, 2.5 GT/s... (reported, not modelled)
    c.set(off + 0x12, 2, 0x0011); // link status: x1 at 2.5 GT/s
    return off;
  }

  /** Power management capability, version 3 (PCI PM 1.2 §3.2). */
  addPmCapability(): number {
    const off = this.addCapability(PCI_CAP_ID_PM, 8);
    this.config.set(off + 2, 2, 0x0003);
    this.config.setWritable(off + 4, 2, 0x0003);
    return off;
  }

  /** MSI capability (PCI Local Bus 3.0 §6.8.1) with `vectors` (1..32, a power of two). */
  addMsi(vectors: number, opts: { is64?: boolean; perVectorMask?: boolean } = {}): number {
    const is64 = opts.is64 ?? true;
    const pvm = opts.perVectorMask ?? true;
    const length = 10 + (is64 ? 4 : 0) + (pvm ? 10 : 0);
    const off = this.addCapability(PCI_CAP_ID_MSI, length);
    const mmc = Math.log2(vectors);
    if (!Number.isInteger(mmc) || mmc > 5) throw new RangeError(`MSI vectors must be 1, 2, 4, 8, 16 or 32, not ${vectors}`);
    const c = this.config;
    c.set(off + 2, 2, (mmc << 1) | (is64 ? 0x80 : 0) | (pvm ? 0x100 : 0));
    c.setWritable(off + 2, 2, 0x0071); // enable, multiple message enable
    c.setWritable(off + 4, 4, 0xfffffffc);
    if (is64) c.setWritable(off + 8, 4, 0xffffffff);
    const dataOff = off + (is64 ? 0xc : 0x8);
    c.setWritable(dataOff, 2, 0xffff);
    if (pvm) {
      c.setWritable(dataOff + 4, 4, vectors === 32 ? 0xffffffff : (1 << vectors) - 1);
      c.onWrite(dataOff + 4, dataOff + 8, () => this.flushMsiPending());
    }
    this.msi = { offset: off, vectors, is64, perVectorMask: pvm };
    c.onWrite(off + 2, off + 4, () => this.updateIntx());
    return off;
  }

  /**
   * MSI-X capability (PCI Local Bus 3.0 §6.8.2): the table and PBA live in BARs that
   * must already be added; their ranges are served here, the rest of the BAR by its device.
   */
  addMsix(vectors: number, where: { tableBar: number; tableOffset: number; pbaBar: number; pbaOffset: number }): number {
    if (vectors < 1 || vectors > 2048) throw new RangeError(`MSI-X supports 1..2048 vectors, not ${vectors}`);
    const off = this.addCapability(PCI_CAP_ID_MSIX, 12);
    const c = this.config;
    c.set(off + 2, 2, vectors - 1);
    c.setWritable(off + 2, 2, 0xc000);
    c.set(off + 4, 4, where.tableOffset | where.tableBar);
    c.set(off + 8, 4, where.pbaOffset | where.pbaBar);
    const table = new Uint8Array(vectors * 16);
    for (let v = 0; v < vectors; v++) table[v * 16 + 12] = 1; // vector control: masked at reset
    const pba = new Uint8Array(Math.ceil(vectors / 64) * 8);
    this.msix = { offset: off, vectors, table, pba, ...where };
    c.onWrite(off + 2, off + 4, () => {
      this.updateIntx();
      this.flushMsixPending();
    });
    for (const barIndex of new Set([where.tableBar, where.pbaBar])) {
      const bar = this.bars[barIndex];
      if (bar === undefined) throw new RangeError(`MSI-X structures of ${this.name} point at BAR ${barIndex}, which does not exist`);
      this.bars[barIndex] = { ...bar, spec: { ...bar.spec, device: this.msixOverlay(barIndex, bar.spec.device) } };
    }
    return off;
  }

  private msixOverlay(barIndex: number, inner: MmioDevice): MmioDevice {
    const fn = this;
    const within = (o: number, base: number, len: number) => o >= base && o < base + len;
    return {
      read(o, size, a): number {
        const m = fn.msix!;
        if (barIndex === m.tableBar && within(o, m.tableOffset, m.table.length)) return readLE(m.table, o - m.tableOffset, size);
        if (barIndex === m.pbaBar && within(o, m.pbaOffset, m.pba.length)) return readLE(m.pba, o - m.pbaOffset, size);
        return inner.read(o, size, a);
      },
      write(o, size, v, a): void {
        const m = fn.msix!;
        if (barIndex === m.tableBar && within(o, m.tableOffset, m.table.length)) {
          writeLE(m.table, o - m.tableOffset, size, v);
          fn.flushMsixPending();
          return;
        }
        if (barIndex === m.pbaBar && within(o, m.pbaOffset, m.pba.length)) return; // PBA is read-only
        inner.write(o, size, v, a);
      },
    };
  }

  get msiEnabled(): boolean {
    return this.msi !== undefined && (this.config.u16(this.msi.offset + 2) & 1) !== 0;
  }

  get msixEnabled(): boolean {
    return this.msix !== undefined && (this.config.u16(this.msix.offset + 2) & 0x8000) !== 0;
  }

  /** True when a message (not INTx) would be used for interrupts. */
  get messagesEnabled(): boolean {
    return this.msiEnabled || this.msixEnabled;
  }

  /**
   * Signal interrupt `vector` by message. Returns false when neither MSI nor MSI-X is
   * enabled, so the device falls back to INTx.
   */
  signal(vector: number): boolean {
    if (this.msixEnabled) {
      const m = this.msix!;
      if (vector >= m.vectors) return true; // no such vector: dropped, as hardware would
      const functionMask = (this.config.u16(m.offset + 2) & 0x4000) !== 0;
      const vecMask = (m.table[vector * 16 + 12]! & 1) !== 0;
      if (functionMask || vecMask) {
        m.pba[vector >> 3]! |= 1 << (vector & 7);
        return true;
      }
      this.sendMsix(vector);
      return true;
    }
    if (this.msiEnabled) {
      const s = this.msi!;
      const ctl = this.config.u16(s.offset + 2);
      const allocated = 1 << ((ctl >> 4) & 7);
      if (vector >= Math.min(allocated, s.vectors)) return true;
      const dataOff = s.offset + (s.is64 ? 0xc : 0x8);
      if (s.perVectorMask) {
        const mask = this.config.u32(dataOff + 4);
        if ((mask >>> vector) & 1) {
          this.config.set(dataOff + 8, 4, this.config.u32(dataOff + 8) | (1 << vector));
          return true;
        }
      }
      const addr = this.config.u32(s.offset + 4) + (s.is64 ? this.config.u32(s.offset + 8) * 2 ** 32 : 0);
      const data = (this.config.u16(dataOff) & ~(allocated - 1)) | vector;
      this.deliver(addr, data);
      return true;
    }
    return false;
  }

  private sendMsix(vector: number): void {
    const t = this.msix!.table;
    const e = vector * 16;
    const addr = readLE(t, e, 4) + readLE(t, e + 4, 4) * 2 ** 32;
    this.deliver(addr, readLE(t, e + 8, 4));
  }

  private flushMsixPending(): void {
    if (!this.msixEnabled) return;
    const m = this.msix!;
    if ((this.config.u16(m.offset + 2) & 0x4000) !== 0) return;
    for (let v = 0; v < m.vectors; v++) {
      if (((m.pba[v >> 3]! >> (v & 7)) & 1) !== 0 && (m.table[v * 16 + 12]! & 1) === 0) {
        m.pba[v >> 3]! &= ~(1 << (v & 7));
        this.sendMsix(v);
      }
    }
  }

  private flushMsiPending(): void {
    if (!this.msiEnabled || !this.msi!.perVectorMask) return;
    const s = this.msi!;
    const dataOff = s.offset + (s.is64 ? 0xc : 0x8);
    const mask = this.config.u32(dataOff + 4);
    let pending = this.config.u32(dataOff + 8);
    for (let v = 0; v < s.vectors; v++) {
      if ((pending >>> v) & 1 && !((mask >>> v) & 1)) {
        pending &= ~(1 << v);
        this.config.set(dataOff + 8, 4, pending >>> 0);
        this.signal(v);
      }
    }
  }

  /** A message is a DWORD memory write from this function (PCIe Base 4.0 §6.1.4). */
  private deliver(addr: number, data: number): void {
    if (!this.busMaster) {
      this.port?.report(this, `message to 0x${addr.toString(16)} dropped: bus mastering is disabled`);
      return;
    }
    const dma = this.dma;
    if (dma === undefined) return;
    dma.write(addr, 4, data >>> 0);
    if (dma.status !== BusStatus.Ok) this.port?.report(this, `message write to 0x${addr.toString(16)} hit nothing`);
    this.messagesSent++;
  }

  /** The device's INTx request. Ignored on the wire while messages are enabled or INTx is disabled. */
  setIntx(level: boolean): void {
    this.intxLevel = level;
    this.updateIntx();
  }

  private updateIntx(): void {
    const c = this.config;
    const status = c.u16(PCI_STATUS);
    // Interrupt Status reflects the request regardless of INTx Disable (§6.2.3).
    c.set(PCI_STATUS, 2, this.intxLevel ? status | PCI_STATUS_INTERRUPT : status & ~PCI_STATUS_INTERRUPT);
    const assert = this.intxLevel && (this.command & PCI_COMMAND_INTX_DISABLE) === 0 && !this.messagesEnabled && c.u8(PCI_INTERRUPT_PIN) !== 0;
    this.port?.setIntx(this, assert);
  }

  /** The function's DMA view (bus addresses), valid once attached. */
  get dmaSpace(): AddressSpace | undefined {
    return this.dma;
  }

  private updateMappings(): void {
    const port = this.port;
    if (port === undefined) return;
    for (const bar of this.bars) {
      if (bar === undefined) continue;
      const space = bar.spec.kind === 'io' ? port.ioSpace : port.memSpace;
      const enabled = (this.command & (bar.spec.kind === 'io' ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)) !== 0;
      const addr = this.barAddress(bar.index)!;
      const wanted = enabled && addr !== 0 && addr + bar.spec.size <= 2 ** 52;
      if (bar.mapped !== undefined && (!wanted || bar.mapped.region.base !== addr || bar.mapped.space !== space)) {
        bar.mapped.space.remove(bar.mapped.region);
        bar.mapped = undefined;
      }
      if (wanted && bar.mapped === undefined) {
        const clash = space.map.find((r) => addr < r.base + r.size && r.base < addr + bar.spec.size);
        if (clash !== undefined) {
          port.report(this, `BAR ${bar.index} at 0x${addr.toString(16)} overlaps '${clash.name}': not decoded`);
          continue;
        }
        bar.mapped = { space, region: space.addMmio(`${this.name}.bar${bar.index}`, addr, bar.spec.size, bar.spec.device) };
      }
    }
  }

  /** Back to the power-on state (values, not the layout). */
  reset(): void {
    const c = this.config;
    c.set(PCI_COMMAND, 2, 0);
    c.set(PCI_STATUS, 2, c.u16(PCI_STATUS) & PCI_STATUS_CAP_LIST);
    c.set(PCI_INTERRUPT_LINE, 1, 0);
    for (const bar of this.bars) {
      if (bar === undefined) continue;
      const off = PCI_BAR0 + 4 * bar.index;
      c.set(off, 4, c.u32(off) & ~c.writableMask32(off));
      if (bar.spec.kind === 'mem64') c.set(off + 4, 4, 0);
    }
    if (this.msi !== undefined) {
      const s = this.msi;
      c.set(s.offset + 2, 2, c.u16(s.offset + 2) & ~0x71);
      for (let o = s.offset + 4; o < s.offset + 10 + (s.is64 ? 4 : 0) + (s.perVectorMask ? 10 : 0); o++) c.bytes[o] = 0;
    }
    if (this.msix !== undefined) {
      const m = this.msix;
      c.set(m.offset + 2, 2, m.vectors - 1);
      m.table.fill(0);
      for (let v = 0; v < m.vectors; v++) m.table[v * 16 + 12] = 1;
      m.pba.fill(0);
    }
    this.intxLevel = false;
    this.updateMappings();
    this.updateIntx();
  }
}

function readLE(b: Uint8Array, off: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = (v << 8) | (b[off + i] ?? 0);
  return v >>> 0;
}

function writeLE(b: Uint8Array, off: number, size: number, v: number): void {
  for (let i = 0; i < size; i++) if (off + i < b.length) b[off + i] = (v >>> (8 * i)) & 0xff;
}

