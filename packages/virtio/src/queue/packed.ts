/**
 * Packed virtqueues (virtio 1.2 §2.8), offered with VIRTIO_F_RING_PACKED.
 *
 * One descriptor ring, read and written by both sides; the driver and device event
 * suppression structures (§2.8.10) sit in the driver and device areas. A descriptor
 * (`struct pvirtq_desc`: le64 addr, le32 len, le16 id, le16 flags) is available when its
 * AVAIL bit equals the device's available wrap counter and its USED bit does not; the
 * device marks a buffer used by writing one descriptor, with both bits equal to its used
 * wrap counter, at its used position, then skips the list's length (§2.8.6).
 *
 * This device model uses buffers in the order it takes them (it never completes out of
 * order), which is what keeps the used position and the lists' lengths in step.
 */

import type { AddressSpace } from '@tessera/core';
import { DescChain, Virtqueue, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, type RingMap } from './virtqueue.js';

export const VIRTQ_DESC_F_AVAIL = 1 << 7;
export const VIRTQ_DESC_F_USED = 1 << 15;
/** Event suppression flags (§2.8.10). */
export const RING_EVENT_FLAGS_ENABLE = 0;
export const RING_EVENT_FLAGS_DISABLE = 1;
export const RING_EVENT_FLAGS_DESC = 2;

export class PackedVirtqueue extends Virtqueue {
  /** Next ring slot the device reads, and its available wrap counter. */
  private availPos = 0;
  private availWrap = 1;
  /** Next ring slot the device writes a used descriptor to, and its used wrap counter. */
  private usedPos = 0;
  private usedWrap = 1;
  /** Ring slots of the lists taken but not yet used, oldest first. */
  private inflight: number[] = [];
  /** Slots used since reset (absolute, for event offsets), and at the last notification. */
  private usedTotal = 0;
  private signalledTotal = 0;
  private readonly ring: RingMap = { ram: undefined, off: 0 };
  private readonly driverEvent: RingMap = { ram: undefined, off: 0 };
  private readonly deviceEvent: RingMap = { ram: undefined, off: 0 };

  constructor(index: number, maxSize: number, dma: AddressSpace) {
    super(index, maxSize, dma);
  }

  get lastAvail(): number {
    return this.availPos;
  }

  override reset(): void {
    super.reset();
    this.availPos = this.usedPos = 0;
    this.availWrap = this.usedWrap = 1;
    this.inflight = [];
    this.usedTotal = this.signalledTotal = 0;
  }

  protected map(): boolean {
    const n = this.size;
    if (n === 0 || n > this.maxSize || n > 32768) return this.fail(`queue size ${n} is not between 1 and QueueNumMax (${this.maxSize})`);
    if (!this.resolve(this.ring, this.desc, 16 * n, true)) return this.fail(`descriptor ring at 0x${this.desc.toString(16)} (${16 * n} bytes) is outside writable guest RAM`);
    if (!this.resolve(this.driverEvent, this.driver, 4, false)) return this.fail(`driver event suppression area at 0x${this.driver.toString(16)} is outside guest RAM`);
    if (!this.resolve(this.deviceEvent, this.device, 4, true)) return this.fail(`device event suppression area at 0x${this.device.toString(16)} is outside writable guest RAM`);
    this.mapped = true;
    return true;
  }

  private isAvailable(pos: number, wrap: number): boolean {
    const flags = this.ring.ram!.view.getUint16(this.ring.off + 16 * pos + 14, true);
    const a = (flags & VIRTQ_DESC_F_AVAIL) !== 0 ? 1 : 0;
    const u = (flags & VIRTQ_DESC_F_USED) !== 0 ? 1 : 0;
    return a === wrap && u !== wrap;
  }

  hasAvailable(): boolean {
    if (!this.usable()) return false;
    return this.isAvailable(this.availPos, this.availWrap);
  }

  pop(chain: DescChain = this.chain): DescChain | undefined {
    if (!this.usable()) return undefined;
    if (this.inflight.length >= this.size || !this.isAvailable(this.availPos, this.availWrap)) return undefined;
    const n = this.size;
    const v = this.ring.ram!.view;
    const base = this.ring.off;
    let pos = this.availPos;
    let wrap = this.availWrap;
    let slots = 0;
    chain.clear(pos);
    for (;;) {
      if (++slots > n) {
        this.fail(`descriptor list at slot ${this.availPos} longer than the queue size (${n})`);
        return undefined;
      }
      const o = base + 16 * pos;
      const addr = v.getUint32(o + 4, true) * 0x1_0000_0000 + v.getUint32(o, true);
      const len = v.getUint32(o + 8, true);
      const id = v.getUint16(o + 12, true);
      const flags = v.getUint16(o + 14, true);
      if (++pos === n) {
        pos = 0;
        wrap ^= 1;
      }
      if ((flags & VIRTQ_DESC_F_INDIRECT) !== 0) {
        // §2.8.7: a list holds descriptors of one type only, so an indirect one stands alone.
        if (slots > 1 || (flags & VIRTQ_DESC_F_NEXT) !== 0) {
          this.fail(`indirect descriptor at slot ${(pos + n - 1) % n} is part of a list`);
          return undefined;
        }
        if (!this.walkIndirect(chain, addr, len)) return undefined;
        chain.head = id;
        break;
      }
      if (!this.addBuffer(chain, addr, len, (flags & VIRTQ_DESC_F_WRITE) !== 0)) return undefined;
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) {
        // §2.8.6: the Buffer ID is in the last descriptor of the list.
        chain.head = id;
        break;
      }
    }
    this.availPos = pos;
    this.availWrap = wrap;
    this.inflight.push(slots);
    return chain;
  }

  private walkIndirect(chain: DescChain, addr: number, len: number): boolean {
    if (!this.indirect) return this.fail('indirect descriptor but VIRTIO_F_INDIRECT_DESC was not negotiated');
    if (len === 0 || len % 16 !== 0) return this.fail(`indirect table length ${len} is not a non-zero multiple of 16`);
    if (!this.dma.isRam(addr, len)) return this.fail(`indirect table at 0x${addr.toString(16)} (${len} bytes) is outside guest RAM`);
    const hit = this.dma.findRam(addr)!;
    if (hit.ram.size - hit.offset < len) return this.fail(`indirect table at 0x${addr.toString(16)} crosses a RAM region boundary`);
    const v = hit.ram.view;
    for (let i = 0; i < len / 16; i++) {
      const o = hit.offset + 16 * i;
      const flags = v.getUint16(o + 14, true);
      if ((flags & VIRTQ_DESC_F_INDIRECT) !== 0) return this.fail(`indirect descriptor inside an indirect table (entry ${i})`);
      // §2.8.7: WRITE is the only valid flag in an indirect table; the rest are ignored.
      const a = v.getUint32(o + 4, true) * 0x1_0000_0000 + v.getUint32(o, true);
      if (!this.addBuffer(chain, a, v.getUint32(o + 8, true), (flags & VIRTQ_DESC_F_WRITE) !== 0)) return false;
    }
    return true;
  }

  unpop(count: number): void {
    const n = this.size;
    for (let i = 0; i < count; i++) {
      const slots = this.inflight.pop();
      if (slots === undefined) return;
      let p = this.availPos - slots;
      if (p < 0) {
        p += n;
        this.availWrap ^= 1;
      }
      this.availPos = p;
    }
  }

  addUsed(head: number, len: number): void {
    const slots = this.inflight.shift() ?? 1;
    const v = this.ring.ram!.view;
    const o = this.ring.off + 16 * this.usedPos;
    v.setUint32(o + 8, len, true);
    v.setUint16(o + 12, head, true);
    const both = this.usedWrap === 1 ? VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED : 0;
    // In a used descriptor WRITE says whether the device wrote into the buffer (§2.8.4).
    v.setUint16(o + 14, both | (len > 0 ? VIRTQ_DESC_F_WRITE : 0), true);
    this.ring.ram!.noteWrite(o + 8, 8);
    this.usedPos += slots;
    if (this.usedPos >= this.size) {
      this.usedPos -= this.size;
      this.usedWrap ^= 1;
    }
    this.usedTotal += slots;
  }

  publishUsed(): void {
    // Used descriptors are visible as soon as they are written: the driver runs only after
    // the device returns, so there is no partial list to hide.
  }

  /** §2.8.10: the driver event suppression structure decides. */
  needsInterrupt(): boolean {
    if (!this.mapped) return false;
    const v = this.driverEvent.ram!.view;
    const o = this.driverEvent.off;
    const old = this.signalledTotal;
    const now = this.usedTotal;
    this.signalledTotal = now;
    if (now === old) return false;
    const flags = v.getUint16(o + 2, true) & 3;
    if (flags === RING_EVENT_FLAGS_DISABLE) return false;
    if (flags !== RING_EVENT_FLAGS_DESC || !this.eventIdx) return true;
    // Interrupt if a slot written in [old, now) is the event's offset with the event's wrap.
    const offWrap = v.getUint16(o, true);
    const off = offWrap & 0x7fff;
    const wrap = offWrap >>> 15;
    const n = this.size;
    if (off >= n) return false;
    let p = old + ((off - (old % n) + n) % n);
    for (; p < now; p += n) {
      const wrapAt = 1 ^ (Math.floor(p / n) & 1);
      if (wrapAt === wrap) return true;
    }
    return false;
  }
}
