/**
 * Every malformed-ring rule: the device sets DEVICE_NEEDS_RESET, raises a configuration
 * change interrupt, reports a `virtio.error` event with the cause, never throws, and never
 * touches memory outside guest RAM.
 */
import { describe, expect, it } from 'vitest';
import {
  MmioReg,
  VIRTIO_F_EVENT_IDX,
  VIRTIO_F_INDIRECT_DESC,
  VIRTIO_F_VERSION_1,
  VIRTIO_NET_F_MAC,
  VIRTIO_NET_F_MRG_RXBUF,
  VIRTIO_STATUS_DEVICE_NEEDS_RESET,
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
  virtioMmioBlk,
  virtioMmioNet,
  type DriverQueue,
  type VirtioMmioDriver,
} from '../src/index.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { attach, board, RAM_BASE, RAM_SIZE, SLOT, type TestBoard } from './helpers.js';

const OUTSIDE = 0x4000_0000; // nothing mapped there

interface Setup {
  b: TestBoard;
  drv: VirtioMmioDriver;
  rx: DriverQueue;
  tx: DriverQueue;
}

async function net(features = [VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_EVENT_IDX], ready = true): Promise<Setup> {
  const b = await board();
  const { drv } = await attach(b, 'net0', virtioMmioNet as never, { base: SLOT, irq: { controller: 'intc', line: 3 }, network: { backend: 'none' } } as never);
  expect(drv.negotiate(features).ok).toBe(true);
  const rx = drv.setupQueue(0, 16);
  const tx = drv.setupQueue(1, 16);
  if (ready) drv.driverOk();
  return { b, drv, rx, tx };
}

/** The device reported `cause` the way the rules say. */
function expectNeedsReset(s: Setup, cause: RegExp): void {
  expect(s.drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET).toBe(VIRTIO_STATUS_DEVICE_NEEDS_RESET);
  expect(s.drv.r32(MmioReg.InterruptStatus) & 2).toBe(2);
  expect(s.b.intc.level(3)).toBe(true);
  const errs = s.b.events.filter((e) => e.kind === 'virtio.error');
  expect(errs.length).toBeGreaterThanOrEqual(1);
  expect(String(errs[0]!.cause)).toMatch(cause);
  expect(errs[0]!.src).toBe('net0');
}

const buf = (s: Setup, n = 64) => s.drv.alloc.alloc(n);

describe('malformed rings', () => {
  it('a loop in a descriptor chain', async () => {
    const s = await net();
    const a = buf(s);
    s.tx.writeDesc(0, a, 64, VIRTQ_DESC_F_NEXT, 1);
    s.tx.writeDesc(1, a, 64, VIRTQ_DESC_F_NEXT, 0);
    s.tx.publish(0);
    expect(() => s.tx.kick()).not.toThrow();
    expectNeedsReset(s, /longer than the queue size.*loop/);
    expect(s.tx.usedIdx()).toBe(0);
  });

  it('a loop inside an indirect table', async () => {
    const s = await net();
    const t = buf(s, 32);
    const a = buf(s);
    const m = s.b.machine.system;
    // entry 0 -> 1 -> 0
    for (const [i, next] of [[0, 1], [1, 0]] as const) {
      m.write(t + 16 * i, 4, a);
      m.write(t + 16 * i + 8, 4, 64);
      m.write(t + 16 * i + 12, 2, VIRTQ_DESC_F_NEXT);
      m.write(t + 16 * i + 14, 2, next);
    }
    s.tx.writeDesc(0, t, 32, VIRTQ_DESC_F_INDIRECT, 0);
    s.tx.publish(0);
    s.tx.kick();
    expectNeedsReset(s, /indirect descriptor chain longer than its table/);
  });

  it('a buffer outside guest RAM', async () => {
    const s = await net();
    s.tx.writeDesc(0, OUTSIDE, 64, 0, 0);
    s.tx.publish(0);
    s.tx.kick();
    expectNeedsReset(s, /outside guest RAM/);
  });

  it('a buffer that runs past the end of guest RAM', async () => {
    const s = await net();
    s.tx.writeDesc(0, RAM_BASE + RAM_SIZE - 8, 64, 0, 0);
    s.tx.publish(0);
    s.tx.kick();
    expectNeedsReset(s, /outside guest RAM/);
  });

  it('a receive buffer outside guest RAM is never written', async () => {
    const s = await net();
    // The last 16 bytes of RAM followed by nothing: a write there must not happen at all.
    const edge = RAM_BASE + RAM_SIZE - 16;
    s.b.machine.system.writeBytes(edge, new Uint8Array(16).fill(0xaa));
    s.rx.writeDesc(0, edge, 64, VIRTQ_DESC_F_WRITE, 0);
    s.rx.publish(0);
    s.rx.kick();
    (s.b.machine.api('net0') as { device: { receive(f: Uint8Array): void } }).device.receive(new Uint8Array(60).fill(1));
    expectNeedsReset(s, /outside writable guest RAM/);
    const tail = new Uint8Array(16);
    s.b.machine.system.readBytes(edge, tail);
    expect([...tail]).toEqual(new Array(16).fill(0xaa));
  });

  it('a head index from the available ring at or above the queue size', async () => {
    const s = await net();
    s.tx.publish(16);
    s.tx.kick();
    expectNeedsReset(s, /descriptor index 16 .* not below the queue size 16/);
  });

  it('a next index at or above the queue size', async () => {
    const s = await net();
    s.tx.writeDesc(0, buf(s), 64, VIRTQ_DESC_F_NEXT, 40);
    s.tx.publish(0);
    s.tx.kick();
    expectNeedsReset(s, /next descriptor index 40/);
  });

  it('an available index that jumps by more than the queue size', async () => {
    const s = await net();
    s.b.machine.system.write(s.tx.avail + 2, 2, 17);
    s.tx.kick();
    expectNeedsReset(s, /more than the queue size/);
  });

  it('a device-writable buffer where the device must read (transmit)', async () => {
    const s = await net();
    s.tx.add([{ addr: buf(s), len: 64, write: true }]);
    s.tx.kick();
    expectNeedsReset(s, /transmit chain .* device-writable buffer/);
  });

  it('a device-readable buffer where the device must write (receive)', async () => {
    const s = await net();
    s.rx.add([{ addr: buf(s), len: 2048, write: false }]);
    s.rx.kick();
    (s.b.machine.api('net0') as { device: { receive(f: Uint8Array): void } }).device.receive(new Uint8Array(60));
    expectNeedsReset(s, /receive chain .* device-readable buffer/);
  });

  it('a device-readable buffer after a device-writable one', async () => {
    const s = await net();
    s.tx.add([
      { addr: buf(s), len: 16, write: true },
      { addr: buf(s), len: 16, write: false },
    ]);
    s.tx.kick();
    expectNeedsReset(s, /device-readable buffer after a device-writable one/);
  });

  it('a transmit buffer shorter than the virtio-net header', async () => {
    const s = await net();
    s.tx.add([{ addr: buf(s), len: 4, write: false }]);
    s.tx.kick();
    expectNeedsReset(s, /shorter than the 12-byte virtio-net header/);
  });

  it('an indirect descriptor inside an indirect table', async () => {
    const s = await net();
    const inner = buf(s, 16);
    const outer = buf(s, 16);
    const m = s.b.machine.system;
    m.write(outer, 4, inner);
    m.write(outer + 8, 4, 16);
    m.write(outer + 12, 2, VIRTQ_DESC_F_INDIRECT);
    s.tx.writeDesc(0, outer, 16, VIRTQ_DESC_F_INDIRECT, 0);
    s.tx.publish(0);
    s.tx.kick();
    expectNeedsReset(s, /indirect descriptor inside an indirect table/);
  });

  it('an indirect descriptor when VIRTIO_F_INDIRECT_DESC was not negotiated', async () => {
    const s = await net([VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC]);
    const t = buf(s, 16);
    s.tx.writeDesc(0, t, 16, VIRTQ_DESC_F_INDIRECT, 0);
    s.tx.publish(0);
    s.tx.kick();
    expectNeedsReset(s, /VIRTIO_F_INDIRECT_DESC was not negotiated/);
  });

  it('an indirect table whose length is not a multiple of 16', async () => {
    const s = await net();
    s.tx.writeDesc(0, buf(s, 32), 24, VIRTQ_DESC_F_INDIRECT, 0);
    s.tx.publish(0);
    s.tx.kick();
    expectNeedsReset(s, /indirect table length 24/);
  });

  it('an indirect table outside guest RAM', async () => {
    const s = await net();
    s.tx.writeDesc(0, OUTSIDE, 32, VIRTQ_DESC_F_INDIRECT, 0);
    s.tx.publish(0);
    s.tx.kick();
    expectNeedsReset(s, /indirect table at 0x40000000 .* outside guest RAM/);
  });

  it('a used ring outside guest RAM', async () => {
    const s = await net(undefined, false);
    s.drv.w32(MmioReg.QueueSel, 1);
    s.drv.w32(MmioReg.QueueDeviceLow, OUTSIDE);
    s.drv.driverOk();
    s.tx.add([{ addr: buf(s), len: 64, write: false }]);
    s.tx.kick();
    expectNeedsReset(s, /used ring at 0x40000000 is outside writable guest RAM/);
  });

  it('a descriptor table outside guest RAM', async () => {
    const s = await net(undefined, false);
    s.drv.w32(MmioReg.QueueSel, 1);
    s.drv.w32(MmioReg.QueueDescHigh, 0x1234);
    s.drv.driverOk();
    s.tx.kick();
    expectNeedsReset(s, /descriptor table at .* outside guest RAM/);
  });

  it('a queue size above QueueNumMax', async () => {
    const s = await net(undefined, false);
    s.drv.w32(MmioReg.QueueSel, 1);
    s.drv.w32(MmioReg.QueueNum, 1024);
    s.drv.driverOk();
    s.tx.kick();
    expectNeedsReset(s, /queue size 1024/);
  });

  it('DRIVER_OK without FEATURES_OK', async () => {
    const b = await board();
    const { drv } = await attach(b, 'net0', virtioMmioNet as never, { base: SLOT, irq: { controller: 'intc', line: 3 } } as never);
    drv.w32(MmioReg.Status, 1 | 2 | 4);
    expect(drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET).toBe(VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    expect(String(b.events[0]!.cause)).toMatch(/DRIVER_OK set before FEATURES_OK/);
  });

  it('a block request header that is too short, and one without a status byte', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-blk-'));
    const img = path.join(dir, 'd.img');
    fs.writeFileSync(img, new Uint8Array(4096));
    for (const [segs, cause] of [
      [[{ len: 8, write: false }, { len: 1, write: true }], /fewer than the 16-byte header/],
      [[{ len: 16, write: false }], /no device-writable status byte/],
    ] as const) {
      const b = await board();
      const { drv } = await attach(b, 'blk0', virtioMmioBlk as never, { base: SLOT, irq: { controller: 'intc', line: 3 }, image: img } as never);
      expect(drv.negotiate([VIRTIO_F_VERSION_1]).ok).toBe(true);
      const q = drv.setupQueue(0, 8);
      drv.driverOk();
      q.add(segs.map((sg) => ({ addr: drv.alloc.alloc(sg.len), len: sg.len, write: sg.write })));
      q.kick();
      expect(drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET).toBe(VIRTIO_STATUS_DEVICE_NEEDS_RESET);
      expect(b.intc.level(3)).toBe(true);
      expect(String(b.events.find((e) => e.kind === 'virtio.error')!.cause)).toMatch(cause);
    }
  });

  it('a device that needs a reset ignores the queue until the driver resets it, then works again', async () => {
    const s = await net();
    s.tx.writeDesc(0, OUTSIDE, 64, 0, 0);
    s.tx.publish(0);
    s.tx.kick();
    expectNeedsReset(s, /outside guest RAM/);
    // Further notifications do nothing.
    s.tx.add([{ addr: buf(s), len: 64, write: false }]);
    s.tx.kick();
    expect(s.tx.usedIdx()).toBe(0);
    // The driver status write keeps NEEDS_RESET until a reset.
    s.drv.w32(MmioReg.Status, s.drv.status() & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    expect(s.drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET).toBe(VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    // Full re-initialisation.
    expect(s.drv.negotiate([VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC]).ok).toBe(true);
    expect(s.b.intc.level(3)).toBe(false);
    const tx = s.drv.setupQueue(1, 16);
    s.drv.driverOk();
    const hdr = new Uint8Array(12 + 60);
    tx.addData([hdr], []);
    tx.kick();
    expect(tx.takeUsed().length).toBe(1);
    expect(s.drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET).toBe(0);
  });
});
