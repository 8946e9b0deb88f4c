/**
 * A guest-side virtio driver model written in TypeScript, for tests and benchmarks of
 * devices and transports: it acts as the guest, writing descriptors and rings into guest
 * RAM, ringing doorbells through the bus, and reading used rings back. It follows the
 * driver's side of virtio 1.2 (§3.1.1 initialization, §2.7.13 supplying buffers, §2.7.14
 * receiving used buffers) and can also be told to break the rules.
 */

import type { AddressSpace } from '@tessera/core';
import { MmioReg } from './mmio.js';
import { VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from './queue/virtqueue.js';
import { RING_EVENT_FLAGS_DESC, RING_EVENT_FLAGS_DISABLE, RING_EVENT_FLAGS_ENABLE, VIRTQ_DESC_F_AVAIL, VIRTQ_DESC_F_USED } from './queue/packed.js';
import {
  VIRTIO_STATUS_ACKNOWLEDGE,
  VIRTIO_STATUS_DRIVER,
  VIRTIO_STATUS_DRIVER_OK,
  VIRTIO_STATUS_FEATURES_OK,
  VIRTIO_F_RING_PACKED,
} from './device.js';

/** One buffer of a chain: guest address, length, device-writable or not. */
export interface DriverSegment {
  addr: number;
  len: number;
  write: boolean;
}

/** A simple bump allocator over a window of guest RAM. */
export class GuestAllocator {
  private next: number;
  constructor(
    readonly base: number,
    readonly size: number,
  ) {
    this.next = base;
  }
  alloc(len: number, align = 16): number {
    const a = Math.ceil(this.next / align) * align;
    if (a + len > this.base + this.size) throw new Error(`driver model: out of guest memory (${len} bytes)`);
    this.next = a + len;
    return a;
  }
}

/** What a queue needs from its driver: guest memory, an allocator and a doorbell. */
export interface DriverPort {
  readonly mem: AddressSpace;
  readonly alloc: GuestAllocator;
  /** Tell the device about new buffers on queue `q`. */
  notify(q: number): void;
}

export class DriverQueue {
  readonly desc: number;
  readonly avail: number;
  readonly used: number;
  private readonly free: number[] = [];
  private readonly chains = new Map<number, number[]>();
  /** Driver's copy of avail->idx. */
  availIdx = 0;
  /** Last used index consumed. */
  lastUsed = 0;
  // Packed ring (§2.8) state: the driver's positions and wrap counters, buffer IDs, list lengths.
  private availPos = 0;
  private availWrap = 1;
  private usedPos = 0;
  private usedWrap = 1;
  private readonly slotsOf = new Map<number, number>();

  constructor(
    readonly drv: DriverPort,
    readonly index: number,
    readonly size: number,
    layout?: { desc: number; avail: number; used: number },
    /** A packed virtqueue: `avail` and `used` are then the driver and device event suppression areas. */
    readonly packed = false,
  ) {
    const m = drv.alloc;
    this.desc = layout?.desc ?? m.alloc(16 * size, 16);
    this.avail = layout?.avail ?? m.alloc(packed ? 4 : 6 + 2 * size, packed ? 4 : 2);
    this.used = layout?.used ?? m.alloc(packed ? 4 : 6 + 8 * size, 4);
    for (let i = size - 1; i >= 0; i--) this.free.push(i);
  }

  get freeCount(): number {
    return this.free.length;
  }

  /** Write descriptor `i` directly (tests that build bad rings use this). */
  writeDesc(i: number, addr: number, len: number, flags: number, next: number): void {
    const m = this.drv.mem;
    const o = this.desc + 16 * i;
    m.write(o, 4, addr >>> 0);
    m.write(o + 4, 4, Math.floor(addr / 0x1_0000_0000));
    m.write(o + 8, 4, len);
    m.write(o + 12, 2, flags);
    m.write(o + 14, 2, next);
  }

  /** Put `head` into the available ring and publish it (§2.7.13). */
  publish(head: number): void {
    const m = this.drv.mem;
    m.write(this.avail + 4 + 2 * (this.availIdx % this.size), 2, head);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    m.write(this.avail + 2, 2, this.availIdx);
  }

  /** Make a chain of `segs` available; with `indirect`, through an indirect table. Returns the head. */
  add(segs: readonly DriverSegment[], opts: { indirect?: boolean; publish?: boolean } = {}): number {
    if (this.packed) return this.addPacked(segs, opts.indirect === true);
    const m = this.drv.mem;
    let head: number;
    if (opts.indirect === true) {
      const table = this.drv.alloc.alloc(16 * segs.length, 16);
      segs.forEach((s, i) => {
        const o = table + 16 * i;
        m.write(o, 4, s.addr >>> 0);
        m.write(o + 4, 4, Math.floor(s.addr / 0x1_0000_0000));
        m.write(o + 8, 4, s.len);
        m.write(o + 12, 2, (s.write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < segs.length ? VIRTQ_DESC_F_NEXT : 0));
        m.write(o + 14, 2, i + 1 < segs.length ? i + 1 : 0);
      });
      head = this.take();
      this.writeDesc(head, table, 16 * segs.length, VIRTQ_DESC_F_INDIRECT, 0);
      this.chains.set(head, [head]);
    } else {
      const ids = segs.map(() => this.take());
      segs.forEach((s, i) => {
        const more = i + 1 < segs.length;
        this.writeDesc(ids[i]!, s.addr, s.len, (s.write ? VIRTQ_DESC_F_WRITE : 0) | (more ? VIRTQ_DESC_F_NEXT : 0), more ? ids[i + 1]! : 0);
      });
      head = ids[0]!;
      this.chains.set(head, ids);
    }
    if (opts.publish !== false) this.publish(head);
    return head;
  }

  /** §2.8.6 / §2.8.21: write the list, the first descriptor's flags last; the ID goes in every descriptor. */
  private addPacked(segs: readonly DriverSegment[], indirect: boolean): number {
    const m = this.drv.mem;
    const id = this.take();
    let list: Array<{ addr: number; len: number; flags: number }>;
    if (indirect) {
      const table = this.drv.alloc.alloc(16 * segs.length, 16);
      segs.forEach((sg, i) => {
        const o = table + 16 * i;
        m.write(o, 4, sg.addr >>> 0);
        m.write(o + 4, 4, Math.floor(sg.addr / 0x1_0000_0000));
        m.write(o + 8, 4, sg.len);
        m.write(o + 12, 2, 0);
        m.write(o + 14, 2, sg.write ? VIRTQ_DESC_F_WRITE : 0);
      });
      list = [{ addr: table, len: 16 * segs.length, flags: VIRTQ_DESC_F_INDIRECT }];
    } else {
      list = segs.map((sg, i) => ({ addr: sg.addr, len: sg.len, flags: (sg.write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < segs.length ? VIRTQ_DESC_F_NEXT : 0) }));
    }
    let firstFlags = 0;
    const first = this.availPos;
    list.forEach((d, i) => {
      const o = this.desc + 16 * this.availPos;
      m.write(o, 4, d.addr >>> 0);
      m.write(o + 4, 4, Math.floor(d.addr / 0x1_0000_0000));
      m.write(o + 8, 4, d.len);
      m.write(o + 12, 2, id);
      const f = d.flags | (this.availWrap === 1 ? VIRTQ_DESC_F_AVAIL : VIRTQ_DESC_F_USED);
      if (i === 0) firstFlags = f;
      else m.write(o + 14, 2, f);
      if (++this.availPos === this.size) {
        this.availPos = 0;
        this.availWrap ^= 1;
      }
    });
    m.write(this.desc + 16 * first + 14, 2, firstFlags);
    this.slotsOf.set(id, list.length);
    return id;
  }

  private takePackedUsed(peek: boolean): Array<{ id: number; len: number }> {
    const m = this.drv.mem;
    const out: Array<{ id: number; len: number }> = [];
    let pos = this.usedPos;
    let wrap = this.usedWrap;
    for (let guard = 0; guard < this.size; guard++) {
      const o = this.desc + 16 * pos;
      const f = m.read(o + 14, 2);
      const a = (f & VIRTQ_DESC_F_AVAIL) !== 0 ? 1 : 0;
      const u = (f & VIRTQ_DESC_F_USED) !== 0 ? 1 : 0;
      if (a !== wrap || u !== wrap) break;
      const id = m.read(o + 12, 2);
      out.push({ id, len: m.read(o + 8, 4) });
      const slots = this.slotsOf.get(id) ?? 1;
      pos += slots;
      if (pos >= this.size) {
        pos -= this.size;
        wrap ^= 1;
      }
      if (!peek) {
        this.slotsOf.delete(id);
        this.free.push(id);
      }
    }
    if (!peek) {
      this.usedPos = pos;
      this.usedWrap = wrap;
      this.lastUsed = (this.lastUsed + out.length) & 0xffff;
    }
    return out;
  }

  /** Packed ring: interrupt only when the device writes slot `off` with wrap counter `wrap` (RING_EVENT_FLAGS_DESC). */
  setPackedUsedEvent(off: number, wrap: number): void {
    this.drv.mem.write(this.avail, 2, (off & 0x7fff) | (wrap << 15));
    this.drv.mem.write(this.avail + 2, 2, RING_EVENT_FLAGS_DESC);
  }

  private take(): number {
    const i = this.free.pop();
    if (i === undefined) throw new Error(`driver model: queue ${this.index} has no free descriptors`);
    return i;
  }

  /** Allocate guest buffers for data (readable) and lengths (writable) and add them as one chain. */
  addData(readable: readonly Uint8Array[], writable: readonly number[], opts: { indirect?: boolean } = {}): { head: number; out: number[] } {
    const segs: DriverSegment[] = [];
    for (const d of readable) {
      const a = this.drv.alloc.alloc(Math.max(1, d.length));
      this.drv.mem.writeBytes(a, d);
      segs.push({ addr: a, len: d.length, write: false });
    }
    const out: number[] = [];
    for (const n of writable) {
      const a = this.drv.alloc.alloc(Math.max(1, n));
      out.push(a);
      segs.push({ addr: a, len: n, write: true });
    }
    return { head: this.add(segs, opts), out };
  }

  /** The used ring's idx. */
  usedIdx(): number {
    if (this.packed) return (this.lastUsed + this.takePackedUsed(true).length) & 0xffff;
    return this.drv.mem.read(this.used + 2, 2);
  }

  /** Used elements published since the last call; their descriptors are freed. */
  takeUsed(): Array<{ id: number; len: number }> {
    if (this.packed) return this.takePackedUsed(false);
    const m = this.drv.mem;
    const out: Array<{ id: number; len: number }> = [];
    const idx = this.usedIdx();
    while (this.lastUsed !== idx) {
      const o = this.used + 4 + 8 * (this.lastUsed % this.size);
      const id = m.read(o, 4);
      const len = m.read(o + 4, 4);
      out.push({ id, len });
      const ids = this.chains.get(id);
      if (ids !== undefined) {
        for (const i of ids) this.free.push(i);
        this.chains.delete(id);
      }
      this.lastUsed = (this.lastUsed + 1) & 0xffff;
    }
    return out;
  }

  /** VIRTQ_AVAIL_F_NO_INTERRUPT (§2.7.7). */
  setNoInterrupt(on: boolean): void {
    if (this.packed) {
      this.drv.mem.write(this.avail + 2, 2, on ? RING_EVENT_FLAGS_DISABLE : RING_EVENT_FLAGS_ENABLE);
      return;
    }
    this.drv.mem.write(this.avail, 2, on ? 1 : 0);
  }

  /** used_event, at the end of the available ring (§2.7.10). */
  setUsedEvent(v: number): void {
    this.drv.mem.write(this.avail + 4 + 2 * this.size, 2, v & 0xffff);
  }

  /** avail_event, written by the device at the end of the used ring (§2.7.10). */
  availEvent(): number {
    return this.drv.mem.read(this.used + 4 + 8 * this.size, 2);
  }

  kick(): void {
    this.drv.notify(this.index);
  }
}

export class VirtioMmioDriver implements DriverPort {
  readonly queues: DriverQueue[] = [];
  /** VIRTIO_F_RING_PACKED was accepted: new queues are packed. */
  packed = false;

  constructor(
    /** The bus the "guest" uses (a machine's system address space). */
    readonly mem: AddressSpace,
    /** Base of the device's register window. */
    readonly base: number,
    /** Where the driver model puts rings and buffers. */
    readonly alloc: GuestAllocator,
    readonly legacy = false,
  ) {}

  r32(off: number): number {
    return this.mem.read(this.base + off, 4);
  }

  notify(q: number): void {
    this.w32(MmioReg.QueueNotify, q);
  }

  w32(off: number, v: number): void {
    this.mem.write(this.base + off, 4, v >>> 0);
  }

  config(off: number, size: 1 | 2 | 4): number {
    return this.mem.read(this.base + MmioReg.Config + off, size);
  }

  /** Offered features as a list of bit numbers. */
  deviceFeatures(): number[] {
    const bits: number[] = [];
    for (let sel = 0; sel < 2; sel++) {
      this.w32(MmioReg.DeviceFeaturesSel, sel);
      const w = this.r32(MmioReg.DeviceFeatures);
      for (let b = 0; b < 32; b++) if ((w >>> b) & 1) bits.push(sel * 32 + b);
    }
    return bits;
  }

  /**
   * §3.1.1 steps 1-6: reset, ACKNOWLEDGE, DRIVER, accept `wanted` ∩ offered (or exactly
   * `force` if given), FEATURES_OK. Returns the accepted bits and whether FEATURES_OK stuck.
   */
  negotiate(wanted: readonly number[], force?: readonly number[]): { accepted: number[]; ok: boolean } {
    this.w32(MmioReg.Status, 0);
    this.w32(MmioReg.Status, VIRTIO_STATUS_ACKNOWLEDGE);
    this.w32(MmioReg.Status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    const offered = this.deviceFeatures();
    const accepted = force !== undefined ? [...force] : wanted.filter((b) => offered.includes(b));
    const words = [0, 0];
    for (const b of accepted) words[b >>> 5] = (words[b >>> 5]! | (1 << (b & 31))) >>> 0;
    for (let sel = 0; sel < (this.legacy ? 1 : 2); sel++) {
      this.w32(MmioReg.DriverFeaturesSel, sel);
      this.w32(MmioReg.DriverFeatures, words[sel]!);
    }
    this.packed = accepted.includes(VIRTIO_F_RING_PACKED);
    if (this.legacy) return { accepted, ok: true };
    this.w32(MmioReg.Status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    const ok = (this.r32(MmioReg.Status) & VIRTIO_STATUS_FEATURES_OK) !== 0;
    return { accepted, ok };
  }

  /** §4.2.3.2 (or §4.2.4 for legacy): set up queue `q` with `size` entries. */
  setupQueue(q: number, size: number): DriverQueue {
    this.w32(MmioReg.QueueSel, q);
    if (this.legacy) {
      const page = 4096;
      this.w32(MmioReg.GuestPageSize, page);
      this.w32(MmioReg.QueueNum, size);
      this.w32(MmioReg.QueueAlign, page);
      const bytes = Math.ceil((16 * size + 6 + 2 * size) / page) * page + 6 + 8 * size;
      const base = this.alloc.alloc(bytes, page);
      const availEnd = base + 16 * size + 6 + 2 * size;
      const dq = new DriverQueue(this, q, size, { desc: base, avail: base + 16 * size, used: Math.ceil(availEnd / page) * page });
      this.w32(MmioReg.QueuePFN, base / page);
      this.queues[q] = dq;
      return dq;
    }
    const dq = new DriverQueue(this, q, size, undefined, this.packed);
    this.w32(MmioReg.QueueNum, size);
    this.w32(MmioReg.QueueDescLow, dq.desc >>> 0);
    this.w32(MmioReg.QueueDescHigh, Math.floor(dq.desc / 0x1_0000_0000));
    this.w32(MmioReg.QueueDriverLow, dq.avail >>> 0);
    this.w32(MmioReg.QueueDriverHigh, Math.floor(dq.avail / 0x1_0000_0000));
    this.w32(MmioReg.QueueDeviceLow, dq.used >>> 0);
    this.w32(MmioReg.QueueDeviceHigh, Math.floor(dq.used / 0x1_0000_0000));
    this.w32(MmioReg.QueueReady, 1);
    this.queues[q] = dq;
    return dq;
  }

  driverOk(): void {
    const s = this.r32(MmioReg.Status);
    this.w32(MmioReg.Status, s | VIRTIO_STATUS_DRIVER_OK | (this.legacy ? VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER : 0));
  }

  status(): number {
    return this.r32(MmioReg.Status);
  }

  /** Read and acknowledge InterruptStatus. */
  ackInterrupts(): number {
    const s = this.r32(MmioReg.InterruptStatus);
    if (s !== 0) this.w32(MmioReg.InterruptACK, s);
    return s;
  }
}
