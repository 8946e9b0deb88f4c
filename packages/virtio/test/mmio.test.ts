import { describe, expect, it } from 'vitest';
import {
  MmioReg,
  VIRTIO_F_VERSION_1,
  VIRTIO_MMIO_MAGIC,
  VIRTIO_NET_F_MAC,
  VIRTIO_STATUS_FEATURES_OK,
  virtioMmioNet,
  type VirtioNet,
} from '../src/index.js';
import { attach, board, SLOT } from './helpers.js';

async function dev(extra: object = {}) {
  const b = await board();
  const r = await attach<object, VirtioNet>(b, 'net0', virtioMmioNet as never, { base: SLOT, irq: { controller: 'intc', line: 1 }, ...extra }, { legacy: (extra as { legacy?: boolean }).legacy });
  return { b, ...r };
}

describe('virtio-mmio transport', () => {
  it('identifies itself (§4.2.2): magic, version 2, device and vendor IDs, queue sizes, absent SHM regions', async () => {
    const { drv } = await dev({ 'queue-size': 128 });
    expect(drv.r32(MmioReg.MagicValue)).toBe(VIRTIO_MMIO_MAGIC);
    expect(drv.r32(MmioReg.Version)).toBe(2);
    expect(drv.r32(MmioReg.DeviceID)).toBe(1);
    expect(drv.r32(MmioReg.VendorID)).not.toBe(0);
    drv.w32(MmioReg.QueueSel, 1);
    expect(drv.r32(MmioReg.QueueNumMax)).toBe(128);
    drv.w32(MmioReg.QueueSel, 2);
    expect(drv.r32(MmioReg.QueueNumMax)).toBe(0); // no such queue
    drv.w32(MmioReg.SHMSel, 0);
    expect(drv.r32(MmioReg.SHMLenLow)).toBe(0xffffffff);
    expect(drv.r32(MmioReg.SHMLenHigh)).toBe(0xffffffff);
    expect(drv.r32(MmioReg.SHMBaseLow)).toBe(0xffffffff);
  });

  it('leaves FEATURES_OK clear for features not offered or without VIRTIO_F_VERSION_1, and freezes features once accepted', async () => {
    const { drv, device } = await dev();
    expect(drv.negotiate([], [VIRTIO_F_VERSION_1, 40]).ok).toBe(false);
    expect(drv.negotiate([], [VIRTIO_NET_F_MAC]).ok).toBe(false);
    const r = drv.negotiate([VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC]);
    expect(r.ok).toBe(true);
    expect(device.has(VIRTIO_NET_F_MAC)).toBe(true);
    drv.w32(MmioReg.DriverFeaturesSel, 0);
    drv.w32(MmioReg.DriverFeatures, 0);
    expect(device.has(VIRTIO_NET_F_MAC)).toBe(true);
    expect(drv.status() & VIRTIO_STATUS_FEATURES_OK).toBe(VIRTIO_STATUS_FEATURES_OK);
  });

  it('sets up queues through the Queue* registers and reads them back', async () => {
    const { drv, device } = await dev();
    drv.negotiate([VIRTIO_F_VERSION_1]);
    const q = drv.setupQueue(1, 32);
    drv.w32(MmioReg.QueueSel, 1);
    expect(drv.r32(MmioReg.QueueReady)).toBe(1);
    expect(drv.r32(MmioReg.QueueDescLow)).toBe(q.desc);
    expect(drv.r32(MmioReg.QueueDriverLow)).toBe(q.avail);
    expect(drv.r32(MmioReg.QueueDeviceLow)).toBe(q.used);
    expect(device.queues[1]!.size).toBe(32);
    drv.w32(MmioReg.QueueReady, 0);
    expect(drv.r32(MmioReg.QueueReady)).toBe(0);
  });

  it('raises its line for used buffers, and InterruptACK clears it (§4.2.2)', async () => {
    const { b, drv } = await dev({ network: { backend: 'none' } });
    drv.negotiate([VIRTIO_F_VERSION_1]);
    drv.setupQueue(0, 8);
    const tx = drv.setupQueue(1, 8);
    drv.driverOk();
    tx.addData([new Uint8Array(12 + 60)], []);
    tx.kick();
    expect(drv.r32(MmioReg.InterruptStatus)).toBe(1);
    expect(b.intc.level(1)).toBe(true);
    drv.w32(MmioReg.InterruptACK, 1);
    expect(drv.r32(MmioReg.InterruptStatus)).toBe(0);
    expect(b.intc.level(1)).toBe(false);
  });

  it('resets the device when 0 is written to Status', async () => {
    const { b, drv, device } = await dev({ network: { backend: 'none' } });
    drv.negotiate([VIRTIO_F_VERSION_1]);
    drv.setupQueue(0, 8);
    const tx = drv.setupQueue(1, 8);
    drv.driverOk();
    tx.addData([new Uint8Array(72)], []);
    tx.kick();
    expect(b.intc.level(1)).toBe(true);
    drv.w32(MmioReg.Status, 0);
    expect(drv.status()).toBe(0);
    expect(drv.r32(MmioReg.InterruptStatus)).toBe(0);
    expect(b.intc.level(1)).toBe(false);
    expect(device.queues.every((q) => !q.ready && q.lastAvail === 0)).toBe(true);
    expect(device.has(VIRTIO_F_VERSION_1)).toBe(false);
  });

  it('bumps ConfigGeneration when the configuration changes', async () => {
    const { drv, device } = await dev();
    drv.negotiate([VIRTIO_F_VERSION_1]);
    drv.driverOk();
    const g = drv.r32(MmioReg.ConfigGeneration);
    device.setLink(false);
    expect(drv.r32(MmioReg.ConfigGeneration)).toBe((g + 1) >>> 0);
  });

  it('ignores narrow register accesses below the configuration space, and reads config bytes at 0x100', async () => {
    const { b, drv } = await dev({ mac: '02:00:00:00:00:2a' });
    expect(b.machine.system.read(SLOT + MmioReg.MagicValue, 2)).toBe(0);
    expect(b.machine.system.read(SLOT + 0x100 + 5, 1)).toBe(0x2a);
    expect(drv.config(0, 4)).toBe(0x00000002);
  });

  it('puts a virtio,mmio node with reg and interrupts in the device tree', async () => {
    const { b } = await dev();
    const root = b.machine.deviceTree();
    const n = root.find('soc/virtio_mmio@10001000')!;
    expect(n.getStrings('compatible')).toEqual(['virtio,mmio']);
    expect(n.getCells('reg')).toEqual([0, SLOT, 0, 0x200]);
    expect(n.getCells('interrupts')).toEqual([1]);
    expect(n.getCells('interrupt-parent')).toEqual([root.find('soc/intc@0')!.phandle()]);
  });
});
