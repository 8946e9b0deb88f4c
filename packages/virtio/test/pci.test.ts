/**
 * The modern virtio-pci transport (virtio 1.2 §4.1), driven as firmware and a driver
 * would: through ECAM configuration space, BARs placed behind a translated host bridge
 * window, MSI-X messages to a doorbell and INTx with the ISR status.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MmioAccess } from '@tessera/core';
import pciPlugin, { type EcamHostOptions } from '@tessera/pci-msi';
import {
  CommonCfg,
  GuestAllocator,
  VIRTIO_BLK_T_IN,
  VIRTIO_F_ACCESS_PLATFORM,
  VIRTIO_F_VERSION_1,
  VIRTIO_MSI_NO_VECTOR,
  VIRTIO_NET_F_MAC,
  VIRTIO_PCI_CAP_COMMON_CFG,
  VIRTIO_PCI_CAP_DEVICE_CFG,
  VIRTIO_PCI_CAP_ISR_CFG,
  VIRTIO_PCI_CAP_NOTIFY_CFG,
  VIRTIO_PCI_CAP_PCI_CFG,
  VIRTIO_STATUS_DEVICE_NEEDS_RESET,
  VIRTIO_STATUS_FEATURES_OK,
  VirtioPciDriver,
  virtioPciBlk,
  virtioPciConsole,
  virtioPciNet,
  type VirtioBlk,
  type VirtioNet,
  type VirtioPciApi,
} from '../src/index.js';
import { board, RAM_BASE, readGuest, type TestBoard } from './helpers.js';

const ECAM = 0x3000_0000;
const WIN = { cpu: 0x4000_0000, bus: 0x1000_0000, size: 0x1000_0000 }; // bus != CPU address
const DOORBELL = 0x0900_0000;
const INTX = [32, 33, 34, 35];
const SECTORS = 64;

function image(fill: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-vpci-'));
  const file = path.join(dir, 'disk.img');
  fs.writeFileSync(file, new Uint8Array(SECTORS * 512).fill(fill));
  return file;
}

interface PciBoard extends TestBoard {
  messages: Array<{ value: number; masterId: number }>;
}

async function pciBoard(host: Partial<EcamHostOptions> = {}): Promise<PciBoard> {
  const b = await board();
  const messages: Array<{ value: number; masterId: number }> = [];
  b.machine.system.addMmio('doorbell', DOORBELL, 0x1000, {
    read: () => 0,
    write: (_o: number, _s: number, value: number, a: MmioAccess) => messages.push({ value, masterId: a.masterId }),
  });
  await b.machine.add('pcie', pciPlugin.components['pci-host-ecam']!, {
    ecam: { base: ECAM, size: 16 << 20 },
    windows: [{ type: 'mem32', ...WIN }],
    intx: INTX.map((line) => ({ controller: 'intc', line })),
    ...host,
  } satisfies EcamHostOptions);
  return { ...b, messages };
}

function driver(b: TestBoard, dev: number, fn = 0, allocAt = 0x10_0000): VirtioPciDriver {
  const alloc = new GuestAllocator(RAM_BASE + allocAt, 0x20_0000);
  return new VirtioPciDriver(b.machine.system, ECAM + ((dev << 15) | (fn << 12)), alloc);
}

function blkHeader(type: number, sector: number): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint32(0, type, true);
  v.setBigUint64(8, BigInt(sector), true);
  return h;
}

/** A block device ready to take requests on queue 0 (vector `vector` if given). */
function blkUp(drv: VirtioPciDriver, vector?: number): ReturnType<VirtioPciDriver['setupQueue']> {
  expect(drv.negotiate([VIRTIO_F_VERSION_1]).ok).toBe(true);
  const q = drv.setupQueue(0, 16, vector);
  drv.driverOk();
  return q;
}

function readSector(b: TestBoard, q: ReturnType<VirtioPciDriver['setupQueue']>, sector: number): Uint8Array {
  const { out } = q.addData([blkHeader(VIRTIO_BLK_T_IN, sector)], [512, 1]);
  q.kick();
  expect(q.takeUsed().length).toBe(1);
  expect(readGuest(b, out[1]!, 1)[0]).toBe(0); // VIRTIO_BLK_S_OK
  return readGuest(b, out[0]!, 512);
}

describe('virtio-pci transport', () => {
  it('identifies itself (§4.1.2) and lists its structures in vendor capabilities (§4.1.4)', async () => {
    const b = await pciBoard();
    await b.machine.add('net0', virtioPciNet, { bus: 'pcie', device: 1 });
    b.machine.start();
    const drv = driver(b, 1);
    expect(drv.cfg(0x00, 2)).toBe(0x1af4);
    expect(drv.cfg(0x02, 2)).toBe(0x1041); // 0x1040 + network (1)
    expect(drv.cfg(0x08, 1)).toBe(1); // revision 1: not transitional
    expect(drv.cfg(0x08) >>> 8).toBe(0x020000); // Ethernet controller
    expect(drv.cfg(0x2c, 2)).toBe(0x1af4);
    expect(drv.cfg(0x2e, 2)).toBeGreaterThanOrEqual(0x40);
    expect(drv.cfg(0x3d, 1)).toBe(1); // INTA
    const sizes = drv.enable(WIN);
    expect(sizes[1]).toBe(0x1000);
    expect(sizes[4]).toBe(0x4000);
    expect(drv.cfg(0x20) & 0xf).toBe(0xc); // BAR4: 64-bit prefetchable memory
    const caps = drv.capabilities();
    expect(caps.map((c) => c.id)).toEqual(expect.arrayContaining([0x09, 0x10, 0x11, 0x01]));
    const types = caps.filter((c) => c.id === 0x09).map((c) => drv.cfg(c.offset + 3, 1));
    expect(types).toEqual([VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_CAP_PCI_CFG]);
    // The structures are reached at CPU addresses translated from the BAR's bus address.
    expect(drv.barBus[4]).toBeLessThan(WIN.cpu);
    expect(drv.common).toBe(drv.barCpu[4]);
    expect(drv.notifyMultiplier).toBe(4);
    expect(drv.read(CommonCfg.NumQueues, 2)).toBe(2);
    drv.write(CommonCfg.QueueSelect, 2, 0);
    expect(drv.read(CommonCfg.QueueSize, 2)).toBe(256);
    expect(drv.read(CommonCfg.QueueNotifyOff, 2)).toBe(0);
    drv.write(CommonCfg.QueueSelect, 2, 1);
    expect(drv.read(CommonCfg.QueueNotifyOff, 2)).toBe(1);
    drv.write(CommonCfg.QueueSelect, 2, 2);
    expect(drv.read(CommonCfg.QueueSize, 2)).toBe(0); // no such queue
    // The MAC through the device configuration structure.
    const mac = b.machine.api<VirtioPciApi<VirtioNet>>('net0')!.device.mac;
    const bytes = [0, 1, 2, 3, 4, 5].map((i) => drv.config(i, 1).toString(16).padStart(2, '0'));
    expect(bytes.join(':')).toBe(mac.toLowerCase());
  });

  it('negotiates features (VIRTIO_F_VERSION_1 required), and a reset clears status, queues and vectors', async () => {
    const b = await pciBoard();
    await b.machine.add('net0', virtioPciNet, { bus: 'pcie', device: 1 });
    b.machine.start();
    const drv = driver(b, 1);
    drv.enable(WIN);
    const offered = drv.deviceFeatures();
    expect(offered).toContain(VIRTIO_F_VERSION_1);
    expect(offered).not.toContain(VIRTIO_F_ACCESS_PLATFORM); // identity DMA: not needed
    expect(drv.negotiate([], [VIRTIO_NET_F_MAC]).ok).toBe(false);
    expect(drv.negotiate([VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC]).ok).toBe(true);
    expect(drv.status() & VIRTIO_STATUS_FEATURES_OK).toBe(VIRTIO_STATUS_FEATURES_OK);
    drv.write(CommonCfg.DriverFeatureSelect, 4, 1);
    expect(drv.read(CommonCfg.DriverFeature, 4)).toBe(1); // VERSION_1 is bit 32
    // Vectors: NO_VECTOR at first; one past the table reads back as NO_VECTOR (§4.1.5.1.2).
    expect(drv.read(CommonCfg.ConfigMsixVector, 2)).toBe(VIRTIO_MSI_NO_VECTOR);
    drv.write(CommonCfg.ConfigMsixVector, 2, 3);
    expect(drv.read(CommonCfg.ConfigMsixVector, 2)).toBe(VIRTIO_MSI_NO_VECTOR);
    drv.write(CommonCfg.ConfigMsixVector, 2, 0);
    expect(drv.read(CommonCfg.ConfigMsixVector, 2)).toBe(0);
    const q = drv.setupQueue(1, 64, 2);
    drv.write(CommonCfg.QueueSelect, 2, 1);
    expect(drv.read(CommonCfg.QueueEnable, 2)).toBe(1);
    expect(drv.read(CommonCfg.QueueSize, 2)).toBe(64);
    expect(drv.read(CommonCfg.QueueMsixVector, 2)).toBe(2);
    expect(drv.read(CommonCfg.QueueDesc, 4)).toBe(q.desc);
    expect(drv.read(CommonCfg.QueueDriver, 4)).toBe(q.avail);
    expect(drv.read(CommonCfg.QueueDevice, 4)).toBe(q.used);
    drv.write(CommonCfg.QueueEnable, 2, 0); // not allowed: ignored
    expect(drv.read(CommonCfg.QueueEnable, 2)).toBe(1);
    drv.write(CommonCfg.DeviceStatus, 1, 0);
    expect(drv.status()).toBe(0);
    expect(drv.read(CommonCfg.QueueEnable, 2)).toBe(0);
    expect(drv.read(CommonCfg.QueueSize, 2)).toBe(256);
    expect(drv.read(CommonCfg.QueueMsixVector, 2)).toBe(VIRTIO_MSI_NO_VECTOR);
    expect(drv.read(CommonCfg.ConfigMsixVector, 2)).toBe(VIRTIO_MSI_NO_VECTOR);
  });

  it('interrupts by INTx while MSI-X is off: the ISR read returns the cause, clears it and lowers the line', async () => {
    const b = await pciBoard();
    await b.machine.add('disk0', virtioPciBlk, { bus: 'pcie', device: 2, image: image(0x5a) });
    b.machine.start();
    const drv = driver(b, 2);
    drv.enable(WIN);
    const q = blkUp(drv);
    const wire = INTX[(2 + 1 - 1) % 4]!; // slot 2, INTA: the swizzle
    expect(b.intc.level(wire)).toBe(false);
    expect(readSector(b, q, 3)).toEqual(new Uint8Array(512).fill(0x5a));
    expect(b.intc.level(wire)).toBe(true);
    expect(drv.cfg(0x06, 2) & 0x8).toBe(0x8); // Status.Interrupt Status
    expect(drv.readIsr()).toBe(1);
    expect(b.intc.level(wire)).toBe(false);
    expect(drv.cfg(0x06, 2) & 0x8).toBe(0);
    expect(drv.readIsr()).toBe(0);
    // INTx Disable keeps the wire low though the ISR is set.
    drv.setCfg(0x04, 2, drv.cfg(0x04, 2) | 0x400);
    readSector(b, q, 4);
    expect(b.intc.level(wire)).toBe(false);
    expect(drv.readIsr()).toBe(1);
  });

  it('sends MSI-X messages per queue vector, none for VIRTIO_MSI_NO_VECTOR, and a config vector with the ISR config bit', async () => {
    const b = await pciBoard();
    await b.machine.add('disk0', virtioPciBlk, { bus: 'pcie', device: 3, image: image(1) });
    b.machine.start();
    const drv = driver(b, 3);
    drv.enable(WIN);
    // The doorbell is a CPU address; the function's bus addresses reach it 1:1 (no dma-offset).
    drv.enableMsix([{ addr: DOORBELL, data: 0x100 }, { addr: DOORBELL, data: 0x101 }]);
    const q = blkUp(drv, 1);
    drv.write(CommonCfg.ConfigMsixVector, 2, 0);
    readSector(b, q, 0);
    expect(b.messages).toEqual([{ value: 0x101, masterId: 3 << 3 }]); // requester ID 00:03.0
    expect(b.intc.level(INTX[3]!)).toBe(false);
    expect(drv.readIsr()).toBe(0); // queue interrupts do not touch the ISR under MSI-X
    drv.write(CommonCfg.QueueSelect, 2, 0);
    drv.write(CommonCfg.QueueMsixVector, 2, VIRTIO_MSI_NO_VECTOR);
    readSector(b, q, 1);
    expect(b.messages.length).toBe(1);
    // A malformed ring: DEVICE_NEEDS_RESET, told through the configuration vector.
    const api = b.machine.api<VirtioPciApi<VirtioBlk>>('disk0')!;
    api.device.needsReset('test');
    expect(b.messages.at(-1)).toEqual({ value: 0x100, masterId: 3 << 3 });
    expect(drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET).toBe(VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    expect(drv.readIsr()).toBe(2);
  });

  it('shares one INTx wire between two functions: each ISR reports only its own cause and the wire stays high while either asserts', async () => {
    const b = await pciBoard();
    // Two functions of slot 1, both on INTA: the same wire.
    await b.machine.add('diskA', virtioPciBlk, { bus: 'pcie', device: 1, function: 0, image: image(0xa) });
    await b.machine.add('diskB', virtioPciBlk, { bus: 'pcie', device: 1, function: 1, image: image(0xb) });
    b.machine.start();
    const a = driver(b, 1, 0, 0x10_0000);
    const c = driver(b, 1, 1, 0x40_0000);
    expect(a.cfg(0x0e, 1) & 0x80).toBe(0x80); // multi-function device
    a.enable(WIN);
    c.enable({ ...WIN, bus: WIN.bus + 0x10_0000, cpu: WIN.cpu + 0x10_0000 });
    const qa = blkUp(a);
    const qc = blkUp(c);
    const wire = INTX[1]!;
    expect(readSector(b, qa, 0)[0]).toBe(0xa);
    expect(readSector(b, qc, 0)[0]).toBe(0xb);
    expect(b.intc.level(wire)).toBe(true);
    expect(a.readIsr()).toBe(1);
    expect(a.readIsr()).toBe(0);
    expect(b.intc.level(wire)).toBe(true); // B still asserts
    expect(c.readIsr()).toBe(1);
    expect(b.intc.level(wire)).toBe(false);
    // Only B has work: A's ISR stays clear.
    readSector(b, qc, 1);
    expect(a.readIsr()).toBe(0);
    expect(b.intc.level(wire)).toBe(true);
    expect(c.readIsr()).toBe(1);
    expect(b.intc.level(wire)).toBe(false);
  });

  it('reaches BAR4 through the PCI configuration access capability (§4.1.4.7)', async () => {
    const b = await pciBoard();
    await b.machine.add('disk0', virtioPciBlk, { bus: 'pcie', device: 1, image: image(2) });
    b.machine.start();
    const drv = driver(b, 1);
    drv.enable(WIN);
    const cap = drv.capabilities().find((c) => c.id === 0x09 && drv.cfg(c.offset + 3, 1) === VIRTIO_PCI_CAP_PCI_CFG)!;
    const via = (off: number, len: 1 | 2 | 4, v?: number): number => {
      drv.setCfg(cap.offset + 4, 1, 4);
      drv.setCfg(cap.offset + 8, 4, off);
      drv.setCfg(cap.offset + 12, 4, len);
      if (v !== undefined) {
        drv.setCfg(cap.offset + 16, 4, v);
        return 0;
      }
      return drv.cfg(cap.offset + 16);
    };
    via(CommonCfg.DeviceFeatureSelect, 4, 1);
    expect(via(CommonCfg.DeviceFeature, 4)).toBe(drv.read(CommonCfg.DeviceFeature, 4));
    expect(via(CommonCfg.DeviceFeature, 4) & 1).toBe(1); // VERSION_1 in word 1
    expect(via(CommonCfg.NumQueues, 2)).toBe(1);
    // The block device's capacity (§5.2.4) through the window.
    expect(via(0x2000, 4)).toBe(SECTORS);
  });

  it('offers VIRTIO_F_ACCESS_PLATFORM behind a host bridge with a dma-offset', async () => {
    const b = await pciBoard({ 'dma-offset': 0x4000_0000 });
    await b.machine.add('hvc0', virtioPciConsole, { bus: 'pcie', device: 1 });
    b.machine.start();
    const drv = driver(b, 1);
    drv.enable(WIN);
    expect(drv.cfg(0x02, 2)).toBe(0x1043);
    expect(drv.deviceFeatures()).toContain(VIRTIO_F_ACCESS_PLATFORM);
  });

  it('survives random config-space and BAR accesses of every size at every offset', async () => {
    const b = await pciBoard();
    await b.machine.add('net0', virtioPciNet, { bus: 'pcie', device: 1 });
    await b.machine.add('disk0', virtioPciBlk, { bus: 'pcie', device: 2, image: image(3) });
    b.machine.start();
    let seed = 0x1234567;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const sizes = [1, 2, 4] as const;
    const sys = b.machine.system;
    for (const dev of [1, 2]) driver(b, dev).enable({ ...WIN, bus: WIN.bus + dev * 0x10_0000, cpu: WIN.cpu + dev * 0x10_0000 });
    for (let i = 0; i < 40_000; i++) {
      const size = sizes[rnd(3)]!;
      const dev = 1 + rnd(2);
      const write = rnd(2) === 1;
      const value = rnd(2 ** 32);
      // Config space, avoiding the BAR and command registers half the time so BARs stay mapped.
      const reg = rnd(2) === 0 ? 0x40 + rnd(0xfc0) : rnd(0x1000);
      const cfgAddr = ECAM + (dev << 15) + reg;
      const barAddr = WIN.cpu + dev * 0x10_0000 + rnd(0x8000);
      const addr = rnd(2) === 0 ? cfgAddr : barAddr;
      expect(() => (write ? sys.write(addr, size, value) : sys.read(addr, size))).not.toThrow();
    }
  });
});
