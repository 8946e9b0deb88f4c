/**
 * The virtio-pci transport, modern (non-transitional) flavour (virtio 1.2 §4.1).
 *
 * A {@link VirtioDevice} becomes a PCI function with vendor 0x1af4 and device ID
 * 0x1040 + device type (§4.1.2). Its registers are four structures in one 64-bit
 * memory BAR, found through vendor-specific capabilities (§4.1.4), laid out as QEMU lays
 * them out so that drivers see the familiar picture:
 *
 *   BAR1 (32-bit memory, 4 KiB): MSI-X table at 0x000, PBA at 0x800
 *   BAR4 (64-bit prefetchable memory, 16 KiB):
 *     0x0000 common configuration (§4.1.4.3)
 *     0x1000 ISR status (§4.1.4.5)
 *     0x2000 device-specific configuration (§4.1.4.6)
 *     0x3000 notifications, queue_notify_off = queue index, multiplier 4 (§4.1.4.4)
 *
 * plus the PCI configuration access capability (§4.1.4.7) that reaches BAR4 through
 * configuration space. Interrupts go by MSI-X when the driver enables it (one vector for
 * configuration changes and one per queue, each VIRTIO_MSI_NO_VECTOR until assigned), and
 * otherwise by INTx with the ISR status: reading it returns this function's causes and
 * clears them, so several functions can share one wire.
 */

import type { MmioDevice } from '@tessera/core';
import { PCI_CAP_ID_VNDR, type PciFunction } from '@tessera/pci-msi';
import type { VirtioDevice } from './device.js';
import { queueAddressHalf, setQueueAddressHalf, setQueueReady, VIRTIO_INT_CONFIG, VIRTIO_INT_VRING, type QueueArea } from './transport.js';

/** PCI identity (§4.1.2). */
export const VIRTIO_PCI_VENDOR_ID = 0x1af4;
export const VIRTIO_PCI_MODERN_DEVICE_ID_BASE = 0x1040;
/** Subsystem device ID of a non-transitional device: 0x40 or above (§4.1.2.1); QEMU's value. */
export const VIRTIO_PCI_SUBSYSTEM_ID = 0x1100;

/** cfg_type of the vendor-specific capabilities (§4.1.4). */
export const VIRTIO_PCI_CAP_COMMON_CFG = 1;
export const VIRTIO_PCI_CAP_NOTIFY_CFG = 2;
export const VIRTIO_PCI_CAP_ISR_CFG = 3;
export const VIRTIO_PCI_CAP_DEVICE_CFG = 4;
export const VIRTIO_PCI_CAP_PCI_CFG = 5;

/** "No vector" for config_msix_vector and queue_msix_vector (§4.1.5.1.2). */
export const VIRTIO_MSI_NO_VECTOR = 0xffff;

/** Fields of struct virtio_pci_common_cfg (§4.1.4.3). */
export const enum CommonCfg {
  DeviceFeatureSelect = 0x00,
  DeviceFeature = 0x04,
  DriverFeatureSelect = 0x08,
  DriverFeature = 0x0c,
  ConfigMsixVector = 0x10,
  NumQueues = 0x12,
  DeviceStatus = 0x14,
  ConfigGeneration = 0x15,
  QueueSelect = 0x16,
  QueueSize = 0x18,
  QueueMsixVector = 0x1a,
  QueueEnable = 0x1c,
  QueueNotifyOff = 0x1e,
  QueueDesc = 0x20,
  QueueDriver = 0x28,
  QueueDevice = 0x30,
  QueueNotifyData = 0x38,
  QueueReset = 0x3a,
}

/** Width in bytes of each common configuration field, by offset. */
const COMMON_FIELDS = new Map<number, 1 | 2 | 4 | 8>([
  [CommonCfg.DeviceFeatureSelect, 4],
  [CommonCfg.DeviceFeature, 4],
  [CommonCfg.DriverFeatureSelect, 4],
  [CommonCfg.DriverFeature, 4],
  [CommonCfg.ConfigMsixVector, 2],
  [CommonCfg.NumQueues, 2],
  [CommonCfg.DeviceStatus, 1],
  [CommonCfg.ConfigGeneration, 1],
  [CommonCfg.QueueSelect, 2],
  [CommonCfg.QueueSize, 2],
  [CommonCfg.QueueMsixVector, 2],
  [CommonCfg.QueueEnable, 2],
  [CommonCfg.QueueNotifyOff, 2],
  [CommonCfg.QueueDesc, 8],
  [CommonCfg.QueueDriver, 8],
  [CommonCfg.QueueDevice, 8],
  [CommonCfg.QueueNotifyData, 2],
  [CommonCfg.QueueReset, 2],
]);

const AREA_OF: ReadonlyMap<number, QueueArea> = new Map<number, QueueArea>([
  [CommonCfg.QueueDesc, 'desc'],
  [CommonCfg.QueueDriver, 'driver'],
  [CommonCfg.QueueDevice, 'device'],
]);

/** Where things are (see the file comment). */
export const VIRTIO_PCI_MSIX_BAR = 1;
export const VIRTIO_PCI_MODERN_BAR = 4;
export const VIRTIO_PCI_MODERN_BAR_SIZE = 0x4000;
export const VIRTIO_PCI_COMMON_OFFSET = 0x0000;
export const VIRTIO_PCI_ISR_OFFSET = 0x1000;
export const VIRTIO_PCI_DEVICE_OFFSET = 0x2000;
export const VIRTIO_PCI_NOTIFY_OFFSET = 0x3000;
export const VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER = 4;
const REGION = 0x1000;

export class VirtioPciTransport {
  /** ISR status (§4.1.4.5): bit 0 queue interrupt, bit 1 configuration change. */
  isr = 0;
  readonly msixVectors: number;
  configMsixVector = VIRTIO_MSI_NO_VECTOR;
  readonly queueMsixVector: Uint16Array;
  private deviceFeatureSelect = 0;
  private driverFeatureSelect = 0;
  private queueSelect = 0;
  /** The registers of BAR4 (also reached through the PCI configuration access capability). */
  readonly bar: MmioDevice;

  constructor(
    readonly device: VirtioDevice,
    readonly fn: PciFunction,
  ) {
    const n = device.queues.length;
    this.msixVectors = n + 1;
    this.queueMsixVector = new Uint16Array(n).fill(VIRTIO_MSI_NO_VECTOR);
    this.bar = {
      read: (off, size) => this.barRead(off, size),
      write: (off, size, v) => this.barWrite(off, size, v),
    };
    fn.addBar(VIRTIO_PCI_MSIX_BAR, { size: 0x1000, kind: 'mem32', device: { read: () => 0, write: () => {} } });
    fn.addBar(VIRTIO_PCI_MODERN_BAR, { size: VIRTIO_PCI_MODERN_BAR_SIZE, kind: 'mem64', prefetchable: true, device: this.bar });
    this.addVirtioCap(VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON_OFFSET, 0x3c);
    this.addVirtioCap(VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_OFFSET, 1);
    if (device.configSize > 0) this.addVirtioCap(VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE_OFFSET, device.configSize);
    const notify = this.addVirtioCap(VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_OFFSET, n * VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER, 4);
    fn.config.set(notify + 16, 4, VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER);
    this.addPciCfgCap();
    fn.addMsix(this.msixVectors, { tableBar: VIRTIO_PCI_MSIX_BAR, tableOffset: 0, pbaBar: VIRTIO_PCI_MSIX_BAR, pbaOffset: 0x800 });
    fn.addPcieCapability();
    fn.addPmCapability();
    device.sink = {
      usedBuffer: (q) => this.interrupt(VIRTIO_INT_VRING, this.queueMsixVector[q] ?? VIRTIO_MSI_NO_VECTOR),
      configChange: () => this.interrupt(VIRTIO_INT_CONFIG, this.configMsixVector),
      deviceReset: () => this.transportReset(),
    };
  }

  /** struct virtio_pci_cap (§4.1.4): cap_vndr, cap_next, cap_len, cfg_type, bar, id, offset, length. */
  private addVirtioCap(cfgType: number, offset: number, length: number, extra = 0): number {
    const len = 16 + extra;
    const c = this.fn.config;
    const off = this.fn.addCapability(PCI_CAP_ID_VNDR, len);
    c.set(off + 2, 1, len);
    c.set(off + 3, 1, cfgType);
    c.set(off + 4, 1, VIRTIO_PCI_MODERN_BAR);
    c.set(off + 5, 1, 0);
    c.set(off + 8, 4, offset);
    c.set(off + 12, 4, length);
    return off;
  }

  /**
   * struct virtio_pci_cfg_cap (§4.1.4.7): the driver picks bar, offset and length, then a
   * write of pci_cfg_data writes that much of the BAR and a read of it reads the BAR.
   * Only BAR4 is reachable; other choices and unaligned or odd lengths do nothing (§4.1.4.7.1
   * leaves them to the device).
   */
  private addPciCfgCap(): void {
    const c = this.fn.config;
    const off = this.addVirtioCap(VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 4);
    c.set(off + 4, 1, 0);
    c.setWritable(off + 4, 1, 0xff);
    c.setWritable(off + 8, 4, 0xffffffff);
    c.setWritable(off + 12, 4, 0xffffffff);
    c.setWritable(off + 16, 4, 0xffffffff);
    const window = (): { offset: number; size: 1 | 2 | 4 } | undefined => {
      const len = c.u32(off + 12);
      const o = c.u32(off + 8);
      if (c.u8(off + 4) !== VIRTIO_PCI_MODERN_BAR || (len !== 1 && len !== 2 && len !== 4) || o % len !== 0 || o + len > VIRTIO_PCI_MODERN_BAR_SIZE) return undefined;
      return { offset: o, size: len };
    };
    c.onWrite(off + 16, off + 20, () => {
      const w = window();
      if (w !== undefined) this.barWrite(w.offset, w.size, c.u32(off + 16));
    });
    c.onRead(off + 16, off + 20, () => {
      const w = window();
      if (w !== undefined) c.set(off + 16, 4, this.barRead(w.offset, w.size));
    });
  }

  /**
   * Interrupt the driver (§4.1.5.3, §4.1.5.4). With MSI-X on, the cause's vector is sent
   * (nothing for VIRTIO_MSI_NO_VECTOR) and only a configuration change is also recorded in
   * the ISR; with MSI-X off, the ISR bit is set and INTx asserted until the ISR is read.
   */
  private interrupt(bit: number, vector: number): void {
    if (this.fn.msixEnabled) {
      if (bit === VIRTIO_INT_CONFIG) this.isr |= bit;
      if (vector !== VIRTIO_MSI_NO_VECTOR) this.fn.signal(vector);
      return;
    }
    this.isr |= bit;
    this.fn.setIntx(true);
  }

  private transportReset(): void {
    this.isr = 0;
    this.fn.setIntx(false);
    // A device reset returns the vectors to VIRTIO_MSI_NO_VECTOR, as QEMU does.
    this.configMsixVector = VIRTIO_MSI_NO_VECTOR;
    this.queueMsixVector.fill(VIRTIO_MSI_NO_VECTOR);
  }

  /** Power-on reset of the function (machine reset). */
  reset(): void {
    this.deviceFeatureSelect = this.driverFeatureSelect = this.queueSelect = 0;
    this.device.reset();
  }

  private barRead(off: number, size: 1 | 2 | 4): number {
    const region = off & ~(REGION - 1);
    const o = off & (REGION - 1);
    switch (region) {
      case VIRTIO_PCI_COMMON_OFFSET:
        return this.commonRead(o, size);
      case VIRTIO_PCI_ISR_OFFSET: {
        if (o !== 0) return 0;
        // §4.1.4.5: reading the ISR status clears it and deasserts this function's INTx.
        const v = this.isr;
        this.isr = 0;
        this.fn.setIntx(false);
        return v;
      }
      case VIRTIO_PCI_DEVICE_OFFSET:
        if (o + size > this.device.configSize) return 0;
        return this.device.configRead(o, size);
      default:
        return 0;
    }
  }

  private barWrite(off: number, size: 1 | 2 | 4, value: number): void {
    const region = off & ~(REGION - 1);
    const o = off & (REGION - 1);
    switch (region) {
      case VIRTIO_PCI_COMMON_OFFSET:
        this.commonWrite(o, size, value >>> 0);
        return;
      case VIRTIO_PCI_DEVICE_OFFSET:
        if (o + size <= this.device.configSize) this.device.configWrite(o, size, value);
        return;
      case VIRTIO_PCI_NOTIFY_OFFSET: {
        // §4.1.4.4: the queue is identified by the address written (queue_notify_off ×
        // multiplier); the value is the queue index too, without NOTIFICATION_DATA.
        const q = Math.floor(o / VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER);
        if (q < this.device.queues.length) this.device.queueNotify(q);
        return;
      }
      default:
        return;
    }
  }

  /**
   * Which field an access reaches: each field is accessed at its own width, and the 64-bit
   * queue addresses as two 32-bit halves (§4.1.3.1). Anything else reads as zero and is
   * ignored on write.
   */
  private field(o: number, size: number): { start: number; high: boolean } | undefined {
    const w = COMMON_FIELDS.get(o);
    if (w !== undefined && (w === size || (w === 8 && size === 4))) return { start: o, high: false };
    if (size === 4 && COMMON_FIELDS.get(o - 4) === 8) return { start: o - 4, high: true };
    return undefined;
  }

  private commonRead(o: number, size: number): number {
    const f = this.field(o, size);
    if (f === undefined) return 0;
    const d = this.device;
    const q = d.queues[this.queueSelect];
    switch (f.start) {
      case CommonCfg.DeviceFeatureSelect:
        return this.deviceFeatureSelect;
      case CommonCfg.DeviceFeature:
        return d.offered(this.deviceFeatureSelect);
      case CommonCfg.DriverFeatureSelect:
        return this.driverFeatureSelect;
      case CommonCfg.DriverFeature:
        return d.driverFeatures.word(this.driverFeatureSelect);
      case CommonCfg.ConfigMsixVector:
        return this.configMsixVector;
      case CommonCfg.NumQueues:
        return d.queues.length;
      case CommonCfg.DeviceStatus:
        return d.status & 0xff;
      case CommonCfg.ConfigGeneration:
        return d.configGeneration & 0xff;
      case CommonCfg.QueueSelect:
        return this.queueSelect;
      case CommonCfg.QueueSize:
        // A queue that does not exist reads as size 0: unavailable (§4.1.4.3).
        return q !== undefined ? q.size : 0;
      case CommonCfg.QueueMsixVector:
        return q !== undefined ? this.queueMsixVector[this.queueSelect]! : VIRTIO_MSI_NO_VECTOR;
      case CommonCfg.QueueEnable:
        return q !== undefined && q.ready ? 1 : 0;
      case CommonCfg.QueueNotifyOff:
        return q !== undefined ? this.queueSelect : 0;
      case CommonCfg.QueueDesc:
      case CommonCfg.QueueDriver:
      case CommonCfg.QueueDevice:
        return q !== undefined ? queueAddressHalf(q, AREA_OF.get(f.start)!, f.high) : 0;
      default:
        // queue_notify_data (NOTIFICATION_DATA not offered), queue_reset (RING_RESET not offered).
        return 0;
    }
  }

  private commonWrite(o: number, size: number, value: number): void {
    const f = this.field(o, size);
    if (f === undefined) return;
    const d = this.device;
    const q = d.queues[this.queueSelect];
    switch (f.start) {
      case CommonCfg.DeviceFeatureSelect:
        this.deviceFeatureSelect = value;
        return;
      case CommonCfg.DriverFeatureSelect:
        this.driverFeatureSelect = value;
        return;
      case CommonCfg.DriverFeature:
        d.writeDriverFeatures(this.driverFeatureSelect, value);
        return;
      case CommonCfg.ConfigMsixVector:
        // §4.1.5.1.2: a vector the device cannot use reads back as NO_VECTOR.
        this.configMsixVector = value < this.msixVectors ? value : VIRTIO_MSI_NO_VECTOR;
        return;
      case CommonCfg.DeviceStatus:
        d.writeStatus(value & 0xff);
        return;
      case CommonCfg.QueueSelect:
        this.queueSelect = value & 0xffff;
        return;
      case CommonCfg.QueueSize:
        if (q !== undefined && !q.ready) {
          q.size = value & 0xffff;
          q.unmap();
        }
        return;
      case CommonCfg.QueueMsixVector:
        if (q !== undefined) this.queueMsixVector[this.queueSelect] = value < this.msixVectors ? value : VIRTIO_MSI_NO_VECTOR;
        return;
      case CommonCfg.QueueEnable:
        // §4.1.4.3.2: the driver must not write 0; a queue is disabled only by a reset.
        if ((value & 1) === 1) setQueueReady(d, this.queueSelect, true);
        return;
      case CommonCfg.QueueDesc:
      case CommonCfg.QueueDriver:
      case CommonCfg.QueueDevice:
        if (q !== undefined && !q.ready) setQueueAddressHalf(q, AREA_OF.get(f.start)!, f.high, value);
        return;
      default:
        return;
    }
  }
}
