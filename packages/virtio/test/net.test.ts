import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Simulation } from '@tessera/core';
import { parsePcap } from '@tessera/net';
import {
  MmioReg,
  VIRTIO_F_EVENT_IDX,
  VIRTIO_F_INDIRECT_DESC,
  VIRTIO_F_VERSION_1,
  VIRTIO_NET_F_CSUM,
  VIRTIO_NET_F_MAC,
  VIRTIO_NET_F_MRG_RXBUF,
  VIRTIO_NET_F_STATUS,
  VIRTIO_NET_HDR_F_NEEDS_CSUM,
  virtioMmioNet,
  type DriverQueue,
  type VirtioMmioDriver,
  type VirtioNet,
} from '../src/index.js';
import { attach, board, ethFrame, RAM_BASE, RAM_SIZE, readGuest, SLOT, type TestBoard } from './helpers.js';

const ALL = [VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_NET_F_CSUM, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_EVENT_IDX];
const BCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

interface Nic {
  b: TestBoard;
  drv: VirtioMmioDriver;
  dev: VirtioNet;
  rx: DriverQueue;
  tx: DriverQueue;
  mac: Uint8Array;
  rxBufs: Map<number, number>;
}

async function nic(b: TestBoard, opts: { features?: number[]; network?: object; mac?: string; legacy?: boolean; mrg?: boolean } = {}): Promise<Nic> {
  const { drv, device } = await attach<object, VirtioNet>(
    b,
    'net0',
    virtioMmioNet as never,
    { base: SLOT, irq: { controller: 'intc', line: 1 }, network: opts.network ?? { backend: 'switch', switch: 'lan0' }, ...(opts.mac ? { mac: opts.mac } : {}), ...(opts.legacy ? { legacy: true } : {}), ...(opts.mrg === false ? { 'mrg-rxbuf': false } : {}) },
    { legacy: opts.legacy },
  );
  const neg = drv.negotiate(opts.features ?? ALL);
  expect(neg.ok).toBe(true);
  const rx = drv.setupQueue(0, 64);
  const tx = drv.setupQueue(1, 64);
  drv.driverOk();
  const mac = Uint8Array.from([0, 1, 2, 3, 4, 5].map((i) => drv.config(i, 1)));
  return { b, drv, dev: device, rx, tx, mac, rxBufs: new Map() };
}

function postRx(n: Nic, count: number, size: number): void {
  for (let i = 0; i < count; i++) {
    const { head, out } = n.rx.addData([], [size]);
    n.rxBufs.set(head, out[0]!);
  }
  n.rx.kick();
}

function send(n: Nic, frame: Uint8Array, opts: { hdr?: Uint8Array; indirect?: boolean; split?: boolean } = {}): void {
  const hdr = opts.hdr ?? new Uint8Array(n.dev.headerLength);
  if (opts.split) n.tx.addData([hdr, frame], [], opts);
  else {
    const all = new Uint8Array(hdr.length + frame.length);
    all.set(hdr);
    all.set(frame, hdr.length);
    n.tx.addData([all], [], opts);
  }
  n.tx.kick();
}

/** Received frames (header stripped, mergeable buffers joined) from the rx used ring. */
function received(n: Nic): Array<{ numBuffers: number; frame: Uint8Array; lens: number[] }> {
  const used = n.rx.takeUsed();
  const out: Array<{ numBuffers: number; frame: Uint8Array; lens: number[] }> = [];
  const hdr = n.dev.headerLength;
  let i = 0;
  while (i < used.length) {
    const first = used[i]!;
    const head = readGuest(n.b, n.rxBufs.get(first.id)!, first.len);
    const numBuffers = hdr === 12 ? head[10]! | (head[11]! << 8) : 1;
    const parts = [head.subarray(hdr)];
    const lens = [first.len];
    for (let k = 1; k < numBuffers; k++) {
      const u = used[i + k]!;
      parts.push(readGuest(n.b, n.rxBufs.get(u.id)!, u.len));
      lens.push(u.len);
    }
    const total = parts.reduce((s, p) => s + p.length, 0);
    const frame = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      frame.set(p, o);
      o += p.length;
    }
    out.push({ numBuffers, frame, lens });
    i += numBuffers;
  }
  return out;
}

describe('virtio-net', () => {
  it('offers MAC, STATUS, MRG_RXBUF, CSUM and the ring features, and shows its MAC and link in config space', async () => {
    const b = await board();
    const n = await nic(b, { mac: '52:54:00:12:34:56' });
    const offered = n.drv.deviceFeatures();
    for (const f of ALL) expect(offered).toContain(f);
    expect(n.drv.r32(MmioReg.DeviceID)).toBe(1);
    expect([...n.mac]).toEqual([0x52, 0x54, 0, 0x12, 0x34, 0x56]);
    expect(n.drv.config(6, 2)).toBe(1); // VIRTIO_NET_S_LINK_UP
    expect(n.dev.headerLength).toBe(12);
  });

  it('derives a stable default MAC from the machine and component names', async () => {
    const sim = new Simulation();
    const a = await nic(await board(sim, 'alpha'));
    const c = await nic(await board(sim, 'beta'));
    expect(a.mac[0]).toBe(0x52);
    expect([...a.mac]).not.toEqual([...c.mac]);
    const again = await nic(await board(new Simulation(), 'alpha'));
    expect([...again.mac]).toEqual([...a.mac]);
  });

  it('carries frames between two machines of one simulation through a switch, with a pcap tap', async () => {
    const sim = new Simulation();
    const pcap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-virtio-')), 'a.pcap');
    const a = await nic(await board(sim, 'a'), { network: { backend: 'switch', switch: 'lan0', pcap } });
    const c = await nic(await board(sim, 'c'));
    postRx(a, 8, 2048);
    postRx(c, 8, 2048);
    const hello = ethFrame(BCAST, a.mac, 'hello from a');
    send(a, hello);
    // Transmit completes at once; the switch delivers after its latency.
    expect(a.tx.takeUsed()).toEqual([{ id: 0, len: 0 }]);
    expect(a.b.intc.level(1)).toBe(true);
    expect(c.rx.usedIdx()).toBe(0);
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    const got = received(c);
    expect(got.length).toBe(1);
    expect(got[0]!.numBuffers).toBe(1);
    expect(got[0]!.frame).toEqual(hello);
    expect(c.b.intc.level(1)).toBe(true);
    // The reply is unicast to a (learned) and reaches only a.
    const reply = ethFrame(a.mac, c.mac, 'hi a, from c');
    send(c, reply, { split: true });
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    const back = received(a);
    expect(back.map((r) => r.frame)).toEqual([reply]);
    expect(received(c)).toEqual([]);
    expect(a.dev.stats.rxFrames.value).toBe(1);
    expect(c.dev.stats.txFrames.value).toBe(1);
    sim.dispose();
    const p = parsePcap(new Uint8Array(fs.readFileSync(pcap)));
    expect(p.records.map((r) => r.data)).toEqual([hello, reply]);
  });

  it('spreads a frame over several mergeable receive buffers and sets num_buffers', async () => {
    const sim = new Simulation();
    const a = await nic(await board(sim, 'a'));
    const c = await nic(await board(sim, 'c'));
    postRx(c, 8, 256);
    const payload = new Uint8Array(986).map((_, i) => (i * 7) & 0xff);
    const big = ethFrame(c.mac, a.mac, payload); // 1000 bytes + 12-byte header = 4 buffers
    send(a, big);
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    const got = received(c);
    expect(got.length).toBe(1);
    expect(got[0]!.numBuffers).toBe(4);
    expect(got[0]!.lens).toEqual([256, 256, 256, 244]);
    expect(got[0]!.frame).toEqual(big);
  });

  it('without mergeable buffers, puts a frame in one buffer and drops frames that do not fit', async () => {
    const sim = new Simulation();
    const a = await nic(await board(sim, 'a'));
    const c = await nic(await board(sim, 'c'), { features: ALL.filter((f) => f !== VIRTIO_NET_F_MRG_RXBUF) });
    postRx(c, 2, 128);
    send(a, ethFrame(c.mac, a.mac, 'short'));
    send(a, ethFrame(c.mac, a.mac, new Uint8Array(300)));
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    const used = c.rx.takeUsed();
    expect(used.length).toBe(2);
    expect(used[0]!.len).toBe(12 + 14 + 5);
    expect(readGuest(c.b, c.rxBufs.get(used[0]!.id)! + 10, 2)).toEqual(Uint8Array.from([1, 0])); // num_buffers = 1
    expect(used[1]!.len).toBe(0);
    expect(c.dev.stats.rxDropped.value).toBe(1);
  });

  it('keeps frames that arrive before receive buffers, and delivers them when buffers come', async () => {
    const sim = new Simulation();
    const a = await nic(await board(sim, 'a'));
    const c = await nic(await board(sim, 'c'));
    send(a, ethFrame(c.mac, a.mac, 'one'));
    send(a, ethFrame(c.mac, a.mac, 'two'));
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    expect(c.rx.usedIdx()).toBe(0);
    postRx(c, 4, 2048);
    expect(received(c).map((r) => new TextDecoder().decode(r.frame.subarray(14)))).toEqual(['one', 'two']);
  });

  it('changes link status at run time with a configuration-change interrupt, and drops traffic while down', async () => {
    const sim = new Simulation();
    const a = await nic(await board(sim, 'a'));
    const c = await nic(await board(sim, 'c'));
    postRx(c, 4, 2048);
    const gen = a.drv.r32(MmioReg.ConfigGeneration);
    a.dev.setLink(false);
    expect(a.drv.config(6, 2)).toBe(0);
    expect(a.drv.r32(MmioReg.ConfigGeneration)).not.toBe(gen);
    expect(a.drv.r32(MmioReg.InterruptStatus) & 2).toBe(2);
    expect(a.b.intc.level(1)).toBe(true);
    a.drv.ackInterrupts();
    expect(a.b.intc.level(1)).toBe(false);
    send(a, ethFrame(c.mac, a.mac, 'lost'));
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    expect(c.rx.usedIdx()).toBe(0);
    expect(a.tx.takeUsed().length).toBe(1); // the buffer still comes back
    a.dev.setLink(true);
    expect(a.drv.config(6, 2)).toBe(1);
    send(a, ethFrame(c.mac, a.mac, 'found'));
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    expect(received(c).length).toBe(1);
  });

  it('fills in the transport checksum for VIRTIO_NET_HDR_F_NEEDS_CSUM', async () => {
    const sim = new Simulation();
    const a = await nic(await board(sim, 'a'));
    const c = await nic(await board(sim, 'c'));
    postRx(c, 2, 2048);
    // A UDP-like payload: checksum over bytes from csum_start, stored at csum_start + 6.
    const payload = Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x00, 0x0c, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef]);
    const frame = ethFrame(c.mac, a.mac, payload, 0x0800);
    const hdr = new Uint8Array(12);
    hdr[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    hdr[6] = 14; // csum_start
    hdr[8] = 6; // csum_offset
    send(a, frame, { hdr });
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    const got = received(c)[0]!.frame;
    // Summing the covered bytes including the stored checksum gives 0xffff.
    let sum = 0;
    for (let i = 14; i < got.length; i += 2) sum += (got[i]! << 8) | (got[i + 1] ?? 0);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    expect(sum).toBe(0xffff);
    expect(got[20]! | got[21]!).not.toBe(0);
  });

  it('transmits through indirect descriptors', async () => {
    const sim = new Simulation();
    const a = await nic(await board(sim, 'a'));
    const c = await nic(await board(sim, 'c'));
    postRx(c, 2, 2048);
    const f = ethFrame(c.mac, a.mac, 'via an indirect table');
    send(a, f, { indirect: true, split: true });
    expect(a.tx.freeCount).toBe(63); // one descriptor for the whole chain
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    expect(received(c)[0]!.frame).toEqual(f);
    expect(a.tx.takeUsed().length).toBe(1);
  });

  it('suppresses used-buffer interrupts with VIRTIO_F_EVENT_IDX (used_event) and publishes avail_event', async () => {
    const sim = new Simulation();
    const a = await nic(await board(sim, 'a'));
    const intc = a.b.intc;
    // Ask for an interrupt only once used idx passes 2 (i.e. after the third buffer).
    a.tx.setUsedEvent(2);
    const f = ethFrame(BCAST, a.mac, 'x');
    send(a, f); // used idx 1: the first notification always interrupts (nothing signalled yet)
    expect(intc.raised(1)).toBe(1);
    a.drv.ackInterrupts();
    send(a, f); // used idx 2: used_event 2 not crossed
    expect(intc.raised(1)).toBe(1);
    send(a, f); // used idx 3: crosses 2
    expect(intc.raised(1)).toBe(2);
    a.drv.ackInterrupts();
    a.tx.setUsedEvent(10);
    for (let i = 0; i < 5; i++) send(a, f); // used idx 8
    expect(intc.raised(1)).toBe(2);
    expect(a.tx.availEvent()).toBe(a.tx.availIdx);
    expect(a.tx.takeUsed().length).toBe(8);
  });

  it('honours VIRTQ_AVAIL_F_NO_INTERRUPT without EVENT_IDX', async () => {
    const sim = new Simulation();
    const a = await nic(await board(sim, 'a'), { features: ALL.filter((f) => f !== VIRTIO_F_EVENT_IDX) });
    a.tx.setNoInterrupt(true);
    send(a, ethFrame(BCAST, a.mac, 'quiet'));
    expect(a.b.intc.raised(1)).toBe(0);
    expect(a.tx.takeUsed().length).toBe(1);
    a.tx.setNoInterrupt(false);
    send(a, ethFrame(BCAST, a.mac, 'loud'));
    expect(a.b.intc.raised(1)).toBe(1);
  });

  it('works over the legacy virtio-mmio version 1 transport with the 10-byte header', async () => {
    const sim = new Simulation();
    const a = await nic(await board(sim, 'a'), { legacy: true, features: [VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS] });
    const c = await nic(await board(sim, 'c'), { legacy: true, features: [VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS] });
    expect(a.drv.r32(MmioReg.Version)).toBe(1);
    expect(a.drv.deviceFeatures()).not.toContain(VIRTIO_F_VERSION_1);
    expect(a.dev.headerLength).toBe(10);
    postRx(c, 2, 2048);
    const f = ethFrame(c.mac, a.mac, 'legacy');
    send(a, f);
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    const used = c.rx.takeUsed();
    expect(used.length).toBe(1);
    expect(used[0]!.len).toBe(10 + f.length);
    expect(readGuest(c.b, c.rxBufs.get(used[0]!.id)! + 10, f.length)).toEqual(f);
    // Legacy: writing 0 to QueuePFN stops the queue.
    c.drv.w32(MmioReg.QueueSel, 0);
    expect(c.drv.r32(MmioReg.QueuePFN)).not.toBe(0);
    c.drv.w32(MmioReg.QueuePFN, 0);
    send(a, f);
    sim.scheduler.advance(sim.scheduler.now() + 1000);
    expect(c.rx.usedIdx()).toBe(1);
  });

  it('drops a transmit chain larger than any frame (16 x all of RAM) without allocating it', async () => {
    const sim = new Simulation();
    const a = await nic(await board(sim, 'a'));
    a.tx.add(Array.from({ length: 16 }, () => ({ addr: RAM_BASE, len: RAM_SIZE, write: false })));
    expect(() => a.tx.kick()).not.toThrow();
    expect(a.tx.takeUsed().length).toBe(1);
    expect(a.dev.stats.txDropped.value).toBe(1);
  });

  it('lets a legacy driver set the MAC through config space, and ignores config writes otherwise', async () => {
    const sim = new Simulation();
    const modern = await nic(await board(sim, 'a'));
    modern.b.machine.system.write(SLOT + 0x100, 1, 0x02);
    expect(modern.drv.config(0, 1)).toBe(0x52);
    const legacy = await nic(await board(sim, 'c'), { legacy: true, features: [VIRTIO_NET_F_STATUS] });
    legacy.b.machine.system.write(SLOT + 0x100, 4, 0x03020102);
    expect(legacy.dev.mac.startsWith('02:01:02:03')).toBe(true);
  });
});
