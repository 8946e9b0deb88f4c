/**
 * The virtio-mmio transport (virtio 1.2 §4.2): version 2 by default, the legacy version 1
 * layout (§4.2.4: GuestPageSize, QueueAlign, QueuePFN) with `legacy: true`.
 *
 * Registers are 32 bits wide and accessed as such; other widths below the configuration
 * space read as zero and are ignored on write (§4.2.2.2 lets the device behave so). The
 * configuration space at 0x100 accepts 1, 2 and 4-byte accesses.
 */

import type { IrqLine, MmioAccess, MmioDevice } from '@tessera/core';
import type { VirtioDevice } from './device.js';
import { queueAddressHalf, setQueueAddressHalf, setQueueReady, VIRTIO_INT_CONFIG, VIRTIO_INT_VRING, type QueueArea } from './transport.js';

export const VIRTIO_MMIO_MAGIC = 0x74726976; // "virt"
/** VendorID: "TSRA", this project's own. */
export const VIRTIO_MMIO_VENDOR = 0x41525354;
/** Size of the register window (as QEMU's virt machine maps it). */
export const VIRTIO_MMIO_SIZE = 0x200;

/** Register offsets (§4.2.2, Table 4.1; legacy names §4.2.4). */
export const enum MmioReg {
  MagicValue = 0x000,
  Version = 0x004,
  DeviceID = 0x008,
  VendorID = 0x00c,
  DeviceFeatures = 0x010,
  DeviceFeaturesSel = 0x014,
  DriverFeatures = 0x020,
  DriverFeaturesSel = 0x024,
  GuestPageSize = 0x028,
  QueueSel = 0x030,
  QueueNumMax = 0x034,
  QueueNum = 0x038,
  QueueAlign = 0x03c,
  QueuePFN = 0x040,
  QueueReady = 0x044,
  QueueNotify = 0x050,
  InterruptStatus = 0x060,
  InterruptACK = 0x064,
  Status = 0x070,
  QueueDescLow = 0x080,
  QueueDescHigh = 0x084,
  QueueDriverLow = 0x090,
  QueueDriverHigh = 0x094,
  QueueDeviceLow = 0x0a0,
  QueueDeviceHigh = 0x0a4,
  SHMSel = 0x0ac,
  SHMLenLow = 0x0b0,
  SHMLenHigh = 0x0b4,
  SHMBaseLow = 0x0b8,
  SHMBaseHigh = 0x0bc,
  QueueReset = 0x0c0,
  ConfigGeneration = 0x0fc,
  Config = 0x100,
}

/** InterruptStatus bits (§4.2.2). */
export const VIRTIO_MMIO_INT_VRING = VIRTIO_INT_VRING;
export const VIRTIO_MMIO_INT_CONFIG = VIRTIO_INT_CONFIG;

/** The Queue{Desc,Driver,Device}{Low,High} registers: which area and which half. */
const QUEUE_AREA_REGS = new Map<number, { area: QueueArea; high: boolean }>([
  [MmioReg.QueueDescLow, { area: 'desc', high: false }],
  [MmioReg.QueueDescHigh, { area: 'desc', high: true }],
  [MmioReg.QueueDriverLow, { area: 'driver', high: false }],
  [MmioReg.QueueDriverHigh, { area: 'driver', high: true }],
  [MmioReg.QueueDeviceLow, { area: 'device', high: false }],
  [MmioReg.QueueDeviceHigh, { area: 'device', high: true }],
]);

export class VirtioMmioTransport implements MmioDevice {
  interruptStatus = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private queueSel = 0;
  /** Legacy registers. */
  private guestPageSize = 4096;
  private readonly queueAlign: Uint32Array;
  private readonly queuePfn: Uint32Array;

  constructor(
    readonly device: VirtioDevice,
    private readonly irq: IrqLine,
    readonly legacy = false,
  ) {
    device.legacy = legacy;
    const n = device.queues.length;
    this.queueAlign = new Uint32Array(n).fill(4096);
    this.queuePfn = new Uint32Array(n);
    device.sink = {
      usedBuffer: () => this.raise(VIRTIO_MMIO_INT_VRING),
      configChange: () => this.raise(VIRTIO_MMIO_INT_CONFIG),
      deviceReset: () => this.transportReset(),
    };
  }

  private raise(bit: number): void {
    this.interruptStatus |= bit;
    this.irq.set(true);
  }

  private transportReset(): void {
    this.interruptStatus = 0;
    this.irq.set(false);
    this.queuePfn.fill(0);
    this.queueAlign.fill(4096);
  }

  /** Power-on reset of the whole function (machine reset). */
  reset(): void {
    this.deviceFeaturesSel = this.driverFeaturesSel = this.queueSel = 0;
    this.guestPageSize = 4096;
    this.device.reset();
  }

  read(offset: number, size: 1 | 2 | 4, _access: MmioAccess): number {
    const d = this.device;
    if (offset >= MmioReg.Config) {
      const o = offset - MmioReg.Config;
      if (o + size > d.configSize) return 0;
      return d.configRead(o, size);
    }
    if (size !== 4 || (offset & 3) !== 0) return 0;
    const q = d.queues[this.queueSel];
    switch (offset) {
      case MmioReg.MagicValue:
        return VIRTIO_MMIO_MAGIC;
      case MmioReg.Version:
        return this.legacy ? 1 : 2;
      case MmioReg.DeviceID:
        return d.deviceId;
      case MmioReg.VendorID:
        return VIRTIO_MMIO_VENDOR;
      case MmioReg.DeviceFeatures:
        return d.offered(this.deviceFeaturesSel);
      case MmioReg.QueueNumMax:
        return q !== undefined ? q.maxSize : 0;
      case MmioReg.QueueReady:
        return !this.legacy && q !== undefined && q.ready ? 1 : 0;
      case MmioReg.QueuePFN:
        return this.legacy && q !== undefined ? this.queuePfn[this.queueSel]! : 0;
      case MmioReg.InterruptStatus:
        return this.interruptStatus;
      case MmioReg.Status:
        return d.status;
      case MmioReg.QueueDescLow:
      case MmioReg.QueueDescHigh:
      case MmioReg.QueueDriverLow:
      case MmioReg.QueueDriverHigh:
      case MmioReg.QueueDeviceLow:
      case MmioReg.QueueDeviceHigh: {
        const a = QUEUE_AREA_REGS.get(offset)!;
        return q !== undefined ? queueAddressHalf(q, a.area, a.high) : 0;
      }
      case MmioReg.SHMLenLow:
      case MmioReg.SHMLenHigh:
      case MmioReg.SHMBaseLow:
      case MmioReg.SHMBaseHigh:
        // §4.2.2: a shared memory region that does not exist reads as length and base -1.
        return this.legacy ? 0 : 0xffffffff;
      case MmioReg.ConfigGeneration:
        return this.legacy ? 0 : d.configGeneration;
      default:
        return 0;
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number, _access: MmioAccess): void {
    const d = this.device;
    if (offset >= MmioReg.Config) {
      const o = offset - MmioReg.Config;
      if (o + size <= d.configSize) d.configWrite(o, size, value);
      return;
    }
    if (size !== 4 || (offset & 3) !== 0) return;
    value >>>= 0;
    const q = d.queues[this.queueSel];
    switch (offset) {
      case MmioReg.DeviceFeaturesSel:
        this.deviceFeaturesSel = value;
        return;
      case MmioReg.DriverFeatures:
        d.writeDriverFeatures(this.driverFeaturesSel, value);
        return;
      case MmioReg.DriverFeaturesSel:
        this.driverFeaturesSel = value;
        return;
      case MmioReg.GuestPageSize:
        if (this.legacy) this.guestPageSize = value;
        return;
      case MmioReg.QueueSel:
        this.queueSel = value;
        return;
      case MmioReg.QueueNum:
        if (q !== undefined) {
          q.size = value;
          q.unmap();
          if (this.legacy && this.queuePfn[this.queueSel] !== 0) this.legacyLayout(this.queueSel);
        }
        return;
      case MmioReg.QueueAlign:
        if (this.legacy && q !== undefined) {
          this.queueAlign[this.queueSel] = value;
          if (this.queuePfn[this.queueSel] !== 0) this.legacyLayout(this.queueSel);
        }
        return;
      case MmioReg.QueuePFN:
        if (this.legacy && q !== undefined) {
          this.queuePfn[this.queueSel] = value;
          if (value === 0) {
            // §4.2.4: writing 0 to QueuePFN stops the queue.
            q.ready = false;
          } else {
            this.legacyLayout(this.queueSel);
            q.ready = true;
          }
        }
        return;
      case MmioReg.QueueReady:
        if (!this.legacy) setQueueReady(d, this.queueSel, (value & 1) === 1);
        return;
      case MmioReg.QueueNotify:
        // Only the queue index: VIRTIO_F_NOTIFICATION_DATA is not offered.
        d.queueNotify(value & 0xffff);
        return;
      case MmioReg.InterruptACK:
        this.interruptStatus &= ~value;
        if (this.interruptStatus === 0) this.irq.set(false);
        return;
      case MmioReg.Status:
        d.writeStatus(value);
        return;
      case MmioReg.QueueDescLow:
      case MmioReg.QueueDescHigh:
      case MmioReg.QueueDriverLow:
      case MmioReg.QueueDriverHigh:
      case MmioReg.QueueDeviceLow:
      case MmioReg.QueueDeviceHigh:
        if (q !== undefined && !this.legacy) {
          const a = QUEUE_AREA_REGS.get(offset)!;
          setQueueAddressHalf(q, a.area, a.high, value);
        }
        return;
      default:
        return;
    }
  }

  /** §4.2.4 / §2.7 legacy layout: table, then available ring, then used ring aligned to QueueAlign. */
  private legacyLayout(sel: number): void {
    const q = this.device.queues[sel]!;
    const align = this.queueAlign[sel]! || 1;
    const base = this.queuePfn[sel]! * this.guestPageSize;
    q.desc = base;
    q.driver = base + 16 * q.size;
    const availEnd = q.driver + 6 + 2 * q.size;
    q.device = Math.ceil(availEnd / align) * align;
    q.unmap();
  }
}
