/**
 * A guest-side virtio-pci driver model for tests and benchmarks: it does what firmware and
 * a driver do with a modern virtio-pci function — size and place its BARs behind a host
 * bridge window, turn on decoding and bus mastering, walk the capability list to find the
 * virtio structures (virtio 1.2 §4.1.4), negotiate features, set up queues with their
 * MSI-X vectors, and ring doorbells through the notification structure.
 */

import type { AddressSpace } from '@tessera/core';
import { DriverQueue, type DriverPort, type GuestAllocator } from './driver-model.js';
import { VIRTIO_F_RING_PACKED, VIRTIO_STATUS_ACKNOWLEDGE, VIRTIO_STATUS_DRIVER, VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_FEATURES_OK } from './device.js';
import { CommonCfg, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_CAP_NOTIFY_CFG } from './pci.js';

/** A host bridge window as the driver sees it: CPU base, bus base, size. */
export interface DriverWindow {
  cpu: number;
  bus: number;
  size: number;
}

export class VirtioPciDriver implements DriverPort {
  readonly queues: DriverQueue[] = [];
  packed = false;
  /** CPU addresses of the BARs once placed (index = BAR number). */
  readonly barCpu: number[] = [];
  /** Bus addresses the BARs were given. */
  readonly barBus: number[] = [];
  /** CPU addresses of the virtio structures. */
  common = 0;
  isr = 0;
  deviceCfg = 0;
  notifyBase = 0;
  notifyMultiplier = 0;
  /** Offset of the MSI-X capability (0 if none). */
  msixCap = 0;
  private readonly notifyOff: number[] = [];

  constructor(
    /** The bus the "guest" uses (a machine's system address space). */
    readonly mem: AddressSpace,
    /** CPU address of the function's 4 KiB of ECAM configuration space. */
    readonly cfgBase: number,
    readonly alloc: GuestAllocator,
  ) {}

  cfg(off: number, size: 1 | 2 | 4 = 4): number {
    return this.mem.read(this.cfgBase + off, size);
  }

  setCfg(off: number, size: 1 | 2 | 4, v: number): void {
    this.mem.write(this.cfgBase + off, size, v >>> 0);
  }

  /** Capability offsets with their IDs, following the list from 0x34 (PCI Local Bus 3.0 §6.7). */
  capabilities(): Array<{ offset: number; id: number }> {
    const out: Array<{ offset: number; id: number }> = [];
    let p = this.cfg(0x34, 1) & ~3;
    while (p !== 0 && out.length < 48) {
      out.push({ offset: p, id: this.cfg(p, 1) });
      p = this.cfg(p + 1, 1) & ~3;
    }
    return out;
  }

  /**
   * Size every BAR by writing all ones (PCI Local Bus 3.0 §6.2.5.1), place each naturally
   * aligned in `window` from its start, enable memory decoding and bus mastering, and find
   * the virtio structures. Returns the BAR sizes.
   */
  enable(window: DriverWindow): number[] {
    const sizes: number[] = [];
    let next = window.bus;
    for (let i = 0; i < 6; i++) {
      const off = 0x10 + 4 * i;
      this.setCfg(off, 4, 0xffffffff);
      const low = this.cfg(off);
      if (low === 0) continue;
      const is64 = (low & 0x7) === 0x4;
      let mask = low & ~0xf;
      let size: number;
      if (is64) {
        this.setCfg(off + 4, 4, 0xffffffff);
        const high = this.cfg(off + 4);
        size = 2 ** 64 - (high * 2 ** 32 + (mask >>> 0));
      } else {
        mask >>>= 0;
        size = 2 ** 32 - mask;
      }
      sizes[i] = size;
      const bus = Math.ceil(next / size) * size;
      next = bus + size;
      this.setCfg(off, 4, bus >>> 0);
      if (is64) this.setCfg(off + 4, 4, Math.floor(bus / 2 ** 32));
      this.barBus[i] = bus;
      this.barCpu[i] = window.cpu + (bus - window.bus);
      if (is64) i++;
    }
    // Memory Space and Bus Master (§6.2.2).
    this.setCfg(0x04, 2, this.cfg(0x04, 2) | 0x6);
    for (const cap of this.capabilities()) {
      if (cap.id === 0x11) this.msixCap = cap.offset;
      if (cap.id !== 0x09) continue;
      const type = this.cfg(cap.offset + 3, 1);
      const where = this.barCpu[this.cfg(cap.offset + 4, 1)]! + this.cfg(cap.offset + 8);
      if (type === VIRTIO_PCI_CAP_COMMON_CFG && this.common === 0) this.common = where;
      else if (type === VIRTIO_PCI_CAP_ISR_CFG && this.isr === 0) this.isr = where;
      else if (type === VIRTIO_PCI_CAP_DEVICE_CFG && this.deviceCfg === 0) this.deviceCfg = where;
      else if (type === VIRTIO_PCI_CAP_NOTIFY_CFG && this.notifyBase === 0) {
        this.notifyBase = where;
        this.notifyMultiplier = this.cfg(cap.offset + 16);
      }
    }
    return sizes;
  }

  /** Enable MSI-X (PCI Local Bus 3.0 §6.8.2) with one table entry per message, unmasked. */
  enableMsix(messages: ReadonlyArray<{ addr: number; data: number }>): void {
    const table = this.cfg(this.msixCap + 4);
    const base = this.barCpu[table & 7]! + (table & ~7);
    messages.forEach((m, v) => {
      this.mem.write(base + 16 * v, 4, m.addr >>> 0);
      this.mem.write(base + 16 * v + 4, 4, Math.floor(m.addr / 2 ** 32));
      this.mem.write(base + 16 * v + 8, 4, m.data >>> 0);
      this.mem.write(base + 16 * v + 12, 4, 0);
    });
    this.setCfg(this.msixCap + 2, 2, 0x8000);
  }

  read(field: CommonCfg, size: 1 | 2 | 4): number {
    return this.mem.read(this.common + field, size);
  }

  write(field: CommonCfg, size: 1 | 2 | 4, v: number): void {
    this.mem.write(this.common + field, size, v >>> 0);
  }

  config(off: number, size: 1 | 2 | 4): number {
    return this.mem.read(this.deviceCfg + off, size);
  }

  /** Read (and so clear) the ISR status. */
  readIsr(): number {
    return this.mem.read(this.isr, 1);
  }

  deviceFeatures(): number[] {
    const bits: number[] = [];
    for (let sel = 0; sel < 2; sel++) {
      this.write(CommonCfg.DeviceFeatureSelect, 4, sel);
      const w = this.read(CommonCfg.DeviceFeature, 4);
      for (let b = 0; b < 32; b++) if ((w >>> b) & 1) bits.push(sel * 32 + b);
    }
    return bits;
  }

  status(): number {
    return this.read(CommonCfg.DeviceStatus, 1);
  }

  /** §3.1.1 steps 1-6 through the common configuration structure. */
  negotiate(wanted: readonly number[], force?: readonly number[]): { accepted: number[]; ok: boolean } {
    this.write(CommonCfg.DeviceStatus, 1, 0);
    this.write(CommonCfg.DeviceStatus, 1, VIRTIO_STATUS_ACKNOWLEDGE);
    this.write(CommonCfg.DeviceStatus, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    const offered = this.deviceFeatures();
    const accepted = force !== undefined ? [...force] : wanted.filter((b) => offered.includes(b));
    const words = [0, 0];
    for (const b of accepted) words[b >>> 5] = (words[b >>> 5]! | (1 << (b & 31))) >>> 0;
    for (let sel = 0; sel < 2; sel++) {
      this.write(CommonCfg.DriverFeatureSelect, 4, sel);
      this.write(CommonCfg.DriverFeature, 4, words[sel]!);
    }
    this.packed = accepted.includes(VIRTIO_F_RING_PACKED);
    this.write(CommonCfg.DeviceStatus, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    return { accepted, ok: (this.status() & VIRTIO_STATUS_FEATURES_OK) !== 0 };
  }

  /** §4.1.5.1.3: select, size, MSI-X vector, the three areas, then queue_enable. */
  setupQueue(q: number, size: number, vector?: number): DriverQueue {
    this.write(CommonCfg.QueueSelect, 2, q);
    const dq = new DriverQueue(this, q, size, undefined, this.packed);
    this.write(CommonCfg.QueueSize, 2, size);
    if (vector !== undefined) this.write(CommonCfg.QueueMsixVector, 2, vector);
    for (const [field, addr] of [
      [CommonCfg.QueueDesc, dq.desc],
      [CommonCfg.QueueDriver, dq.avail],
      [CommonCfg.QueueDevice, dq.used],
    ] as const) {
      this.write(field, 4, addr >>> 0);
      this.mem.write(this.common + field + 4, 4, Math.floor(addr / 2 ** 32));
    }
    this.notifyOff[q] = this.read(CommonCfg.QueueNotifyOff, 2);
    this.write(CommonCfg.QueueEnable, 2, 1);
    this.queues[q] = dq;
    return dq;
  }

  driverOk(): void {
    this.write(CommonCfg.DeviceStatus, 1, this.status() | VIRTIO_STATUS_DRIVER_OK);
  }

  /** §4.1.4.4: write the queue index at notify base + queue_notify_off × multiplier. */
  notify(q: number): void {
    this.mem.write(this.notifyBase + (this.notifyOff[q] ?? 0) * this.notifyMultiplier, 2, q);
  }
}
