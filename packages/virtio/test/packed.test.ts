import { describe, expect, it } from 'vitest';
import { Simulation } from '@tessera/core';
import {
  MmioReg,
  PackedVirtqueue,
  VIRTIO_F_EVENT_IDX,
  VIRTIO_F_INDIRECT_DESC,
  VIRTIO_F_RING_PACKED,
  VIRTIO_F_VERSION_1,
  VIRTIO_NET_F_MAC,
  VIRTIO_NET_F_MRG_RXBUF,
  VIRTIO_STATUS_DEVICE_NEEDS_RESET,
  VIRTQ_DESC_F_AVAIL,
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  virtioMmioNet,
  type DriverQueue,
  type VirtioMmioDriver,
  type VirtioNet,
} from '../src/index.js';
import { attach, board, ethFrame, readGuest, SLOT, type TestBoard } from './helpers.js';

const FEATURES = [VIRTIO_F_VERSION_1, VIRTIO_F_RING_PACKED, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_EVENT_IDX];

interface Nic {
  b: TestBoard;
  drv: VirtioMmioDriver;
  dev: VirtioNet;
  rx: DriverQueue;
  tx: DriverQueue;
  mac: number[];
  bufs: Map<number, number>;
}

async function nic(sim: Simulation, name: string, opts: { packed?: boolean; size?: number } = {}): Promise<Nic> {
  const b = await board(sim, name);
  const { drv, device } = await attach<object, VirtioNet>(b, 'net0', virtioMmioNet as never, { base: SLOT, irq: { controller: 'intc', line: 1 }, network: { backend: 'switch', switch: 'p' }, packed: opts.packed ?? true });
  const neg = drv.negotiate(FEATURES);
  expect(neg.ok).toBe(true);
  const rx = drv.setupQueue(0, opts.size ?? 16);
  const tx = drv.setupQueue(1, opts.size ?? 16);
  drv.driverOk();
  return { b, drv, dev: device, rx, tx, mac: device.mac.split(':').map((h) => parseInt(h, 16)), bufs: new Map() };
}

function postRx(n: Nic, count: number, size: number): void {
  for (let i = 0; i < count; i++) {
    const { head, out } = n.rx.addData([], [size]);
    n.bufs.set(head, out[0]!);
  }
  n.rx.kick();
}

function send(n: Nic, frame: Uint8Array, indirect = false): void {
  n.tx.addData([new Uint8Array(12), frame], [], { indirect });
  n.tx.kick();
}

describe('packed virtqueues (VIRTIO_F_RING_PACKED)', () => {
  it('is offered only with packed: true, and the device switches its queues to the packed format', async () => {
    const sim = new Simulation();
    const plain = await nic(sim, 'plain', { packed: false });
    expect(plain.drv.deviceFeatures()).not.toContain(VIRTIO_F_RING_PACKED);
    const p = await nic(sim, 'p');
    expect(p.drv.deviceFeatures()).toContain(VIRTIO_F_RING_PACKED);
    expect(p.dev.queues[0]).toBeInstanceOf(PackedVirtqueue);
    p.drv.w32(MmioReg.Status, 0);
    expect(p.dev.queues[0]).not.toBeInstanceOf(PackedVirtqueue);
  });

  it('carries frames both ways, spreads a frame over mergeable buffers, and takes indirect lists', async () => {
    const sim = new Simulation();
    const a = await nic(sim, 'a');
    const c = await nic(sim, 'c');
    postRx(a, 4, 2048);
    postRx(c, 8, 256);
    const big = ethFrame(c.mac, a.mac, new Uint8Array(700).map((_, i) => i & 0xff));
    send(a, big);
    expect(a.tx.takeUsed().length).toBe(1);
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    const used = c.rx.takeUsed();
    expect(used.map((u) => u.len)).toEqual([256, 256, 214]);
    const first = readGuest(c.b, c.bufs.get(used[0]!.id)!, 256);
    expect(first[10]).toBe(3); // num_buffers
    const joined = new Uint8Array(12 + big.length);
    let o = 0;
    for (const u of used) {
      joined.set(readGuest(c.b, c.bufs.get(u.id)!, u.len), o);
      o += u.len;
    }
    expect(joined.subarray(12)).toEqual(big);
    const back = ethFrame(a.mac, c.mac, 'packed and indirect');
    send(c, back, true);
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    const u2 = a.rx.takeUsed();
    expect(u2.length).toBe(1);
    expect(readGuest(a.b, a.bufs.get(u2[0]!.id)! + 12, back.length)).toEqual(back);
  });

  it('keeps working as both sides wrap around a small ring many times', async () => {
    const sim = new Simulation();
    const a = await nic(sim, 'a', { size: 4 });
    const c = await nic(sim, 'c', { size: 4 });
    let got = 0;
    for (let i = 0; i < 25; i++) {
      postRx(c, 1, 2048);
      send(a, ethFrame(c.mac, a.mac, `frame ${i}`));
      expect(a.tx.takeUsed().length).toBe(1);
      sim.scheduler.advance(sim.scheduler.now() + 1000);
      const u = c.rx.takeUsed();
      expect(u.length).toBe(1);
      const text = new TextDecoder().decode(readGuest(c.b, c.bufs.get(u[0]!.id)! + 12 + 14, u[0]!.len - 26));
      expect(text).toBe(`frame ${i}`);
      got++;
    }
    expect(got).toBe(25);
    expect(c.b.events.filter((e) => e.kind === 'virtio.error')).toEqual([]);
  });

  it('suppresses used-buffer notifications with the driver event suppression structure', async () => {
    const sim = new Simulation();
    const a = await nic(sim, 'a', { size: 8 });
    const f = ethFrame([255, 255, 255, 255, 255, 255], a.mac, 'x');
    a.tx.setNoInterrupt(true); // RING_EVENT_FLAGS_DISABLE
    send(a, f);
    expect(a.b.intc.raised(1)).toBe(0);
    a.tx.setNoInterrupt(false); // ENABLE
    send(a, f);
    expect(a.b.intc.raised(1)).toBe(1);
    a.drv.ackInterrupts();
    // Each frame is a 2-descriptor list: used slots so far 0 and 2; next ones are 4 and 6.
    a.tx.setPackedUsedEvent(6, 1);
    send(a, f); // slot 4
    expect(a.b.intc.raised(1)).toBe(1);
    send(a, f); // slot 6: the event
    expect(a.b.intc.raised(1)).toBe(2);
    a.drv.ackInterrupts();
    // Same offset with the other wrap counter: only after the ring wraps.
    a.tx.setPackedUsedEvent(2, 0);
    a.tx.takeUsed();
    send(a, f); // slot 0, wrap 0
    expect(a.b.intc.raised(1)).toBe(2);
    send(a, f); // slot 2, wrap 0
    expect(a.b.intc.raised(1)).toBe(3);
  });

  it('malformed packed rings set DEVICE_NEEDS_RESET: a list longer than the ring, a buffer outside RAM, an indirect descriptor in a list', async () => {
    const cases: Array<[string, (n: Nic) => void, RegExp]> = [
      [
        'list longer than the ring',
        (n) => {
          const m = n.b.machine.system;
          const buf = n.drv.alloc.alloc(64);
          for (let i = 0; i < 16; i++) {
            const o = n.tx.desc + 16 * i;
            m.write(o, 4, buf);
            m.write(o + 8, 4, 64);
            m.write(o + 14, 2, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_AVAIL);
          }
        },
        /longer than the queue size/,
      ],
      [
        'outside RAM',
        (n) => {
          n.tx.add([{ addr: 0x4000_0000, len: 64, write: false }]);
        },
        /outside guest RAM/,
      ],
      [
        'indirect in a list',
        (n) => {
          const m = n.b.machine.system;
          const buf = n.drv.alloc.alloc(64);
          m.write(n.tx.desc, 4, buf);
          m.write(n.tx.desc + 8, 4, 16);
          m.write(n.tx.desc + 14, 2, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_AVAIL);
          m.write(n.tx.desc + 16, 4, buf);
          m.write(n.tx.desc + 16 + 8, 4, 16);
          m.write(n.tx.desc + 16 + 14, 2, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_AVAIL);
        },
        /indirect descriptor at slot 1 is part of a list/,
      ],
    ];
    for (const [, build, cause] of cases) {
      const n = await nic(new Simulation(), 'm');
      build(n);
      expect(() => n.tx.kick()).not.toThrow();
      expect(n.drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET).toBe(VIRTIO_STATUS_DEVICE_NEEDS_RESET);
      expect(n.drv.r32(MmioReg.InterruptStatus) & 2).toBe(2);
      expect(String(n.b.events.find((e) => e.kind === 'virtio.error')!.cause)).toMatch(cause);
    }
  });
});
