/**
 * What every virtqueue format shares (virtio 1.2 §2.6): the registers a transport writes
 * (size, the three area addresses, ready), the DMA view, the RAM checks, and copying to and
 * from a descriptor chain's buffers. {@link SplitVirtqueue} (§2.7) and
 * {@link PackedVirtqueue} (§2.8) implement the ring formats.
 *
 * Guest mistakes never throw: a malformed ring makes `pop()` return undefined with
 * {@link Virtqueue.error} set to the cause; the device then sets DEVICE_NEEDS_RESET.
 */

import type { AddressSpace, RamRegion } from '@tessera/core';

export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_DESC_F_INDIRECT = 4;
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
/** Largest queue size a split virtqueue may have (§2.7). */
export const VIRTQ_MAX_SIZE = 32768;

/** A descriptor chain as the device sees it: a list of guest buffers, readable ones first. */
export class DescChain {
  /** Head descriptor index (what goes into the used ring). */
  head = 0;
  /** Number of buffers. */
  count = 0;
  addr: Float64Array;
  len: Uint32Array;
  writable: Uint8Array;
  /** Total bytes in device-readable / device-writable buffers. */
  readableBytes = 0;
  writableBytes = 0;
  /** Index of the first device-writable buffer (== count if none). */
  firstWritable = 0;

  constructor(capacity = 16) {
    this.addr = new Float64Array(capacity);
    this.len = new Uint32Array(capacity);
    this.writable = new Uint8Array(capacity);
  }

  /** @internal */
  clear(head: number): void {
    this.head = head;
    this.count = 0;
    this.readableBytes = 0;
    this.writableBytes = 0;
    this.firstWritable = 0;
  }

  /** @internal */
  add(addr: number, len: number, writable: boolean): void {
    if (this.count === this.addr.length) {
      const n = this.count * 2;
      const a = new Float64Array(n);
      a.set(this.addr);
      const l = new Uint32Array(n);
      l.set(this.len);
      const w = new Uint8Array(n);
      w.set(this.writable);
      this.addr = a;
      this.len = l;
      this.writable = w;
    }
    const i = this.count++;
    this.addr[i] = addr;
    this.len[i] = len;
    this.writable[i] = writable ? 1 : 0;
    if (writable) this.writableBytes += len;
    else {
      this.readableBytes += len;
      this.firstWritable = this.count;
    }
  }
}

/** Where a ring area lives: a RAM region and the offset in it. */
export interface RingMap {
  ram: RamRegion | undefined;
  off: number;
}

export abstract class Virtqueue {
  /** Queue size chosen by the driver (QueueNum); starts at the maximum. */
  size: number;
  /** Guest addresses of the descriptor area, driver area and device area (§2.6). */
  desc = 0;
  driver = 0;
  device = 0;
  /** QueueReady (or a legacy QueuePFN that is not zero). */
  ready = false;
  /** Negotiated VIRTIO_F_INDIRECT_DESC / VIRTIO_F_EVENT_IDX, set when the driver is ready. */
  indirect = false;
  eventIdx = false;
  /** The cause of the first malformed-ring error; the queue is dead until reset once set. */
  error: string | undefined;
  protected mapped = false;
  /** The chain `pop()` fills when not given one. */
  readonly chain = new DescChain();

  constructor(
    readonly index: number,
    readonly maxSize: number,
    protected readonly dma: AddressSpace,
  ) {
    this.size = maxSize;
  }

  /** Back to the state after a device reset (§2.4). */
  reset(): void {
    this.size = this.maxSize;
    this.desc = this.driver = this.device = 0;
    this.ready = false;
    this.indirect = this.eventIdx = false;
    this.error = undefined;
    this.mapped = false;
  }

  /** Forget resolved ring locations (the driver moved the rings). */
  unmap(): void {
    this.mapped = false;
  }

  /** True if the queue can be used: ready, rings in RAM, no error. Sets {@link error} otherwise. */
  usable(): boolean {
    if (!this.ready || this.error !== undefined) return false;
    if (!this.mapped) return this.map();
    return true;
  }

  /** Resolve the ring areas to RAM; false (with {@link error}) if they are not RAM. */
  protected abstract map(): boolean;
  /** Index of the next entry the device will take (for tests and statistics). */
  abstract readonly lastAvail: number;
  /** Are there buffers the device has not taken yet? */
  abstract hasAvailable(): boolean;
  /**
   * Take the next available buffer into `chain` (default: {@link chain}). Returns undefined
   * when there is none or the ring is malformed ({@link error} tells which).
   */
  abstract pop(chain?: DescChain): DescChain | undefined;
  /** Give back the last `count` chains taken, newest first (a device that cannot use them yet). */
  abstract unpop(count: number): void;
  /**
   * Mark the chain with head/buffer ID `head` used, `len` bytes written. Chains are used in
   * the order they were taken.
   */
  abstract addUsed(head: number, len: number): void;
  /** Make every used element added so far visible to the driver. */
  abstract publishUsed(): void;
  /** Should the driver get a used-buffer notification for what was published since the last call? */
  abstract needsInterrupt(): boolean;

  /** {@link addUsed} and {@link publishUsed} in one. */
  push(head: number, len: number): void {
    this.addUsed(head, len);
    this.publishUsed();
  }

  /** A ring area must be RAM and lie in one region (so it is read without a lookup per access). */
  protected resolve(m: RingMap, addr: number, len: number, writable: boolean): boolean {
    if (!this.dma.isRam(addr, len, writable)) return false;
    const hit = this.dma.findRam(addr);
    if (hit === undefined || hit.ram.size - hit.offset < len) return false;
    m.ram = hit.ram;
    m.off = hit.offset;
    return true;
  }

  protected fail(cause: string): false {
    if (this.error === undefined) this.error = cause;
    return false;
  }

  /** Check one buffer and add it to the chain (§2.7.4.2 / §2.8: readable buffers come first). */
  protected addBuffer(chain: DescChain, addr: number, len: number, w: boolean): boolean {
    if (!this.dma.isRam(addr, len, w)) {
      return this.fail(`buffer at 0x${addr.toString(16)} (${len} bytes, ${w ? 'device-writable' : 'device-readable'}) is outside ${w ? 'writable ' : ''}guest RAM`);
    }
    if (!w && chain.writableBytes > 0) return this.fail(`device-readable buffer after a device-writable one in the chain at ${chain.head} (§2.7.4.2)`);
    chain.add(addr, len, w);
    return true;
  }

  /** Copy `length` bytes from the chain's readable buffers, starting `offset` bytes in, into `dst`. */
  readChain(chain: DescChain, offset: number, dst: Uint8Array, length = dst.length): boolean {
    let done = 0;
    for (let s = 0; s < chain.firstWritable && done < length; s++) {
      const l = chain.len[s]!;
      if (offset >= l) {
        offset -= l;
        continue;
      }
      const n = Math.min(l - offset, length - done);
      if (!this.dma.readBytes(chain.addr[s]! + offset, dst.subarray(done, done + n), n)) return false;
      done += n;
      offset = 0;
    }
    return done === length;
  }

  /** Copy `src` into the chain's writable buffers, starting `offset` bytes into them. */
  writeChain(chain: DescChain, offset: number, src: Uint8Array): boolean {
    let done = 0;
    const length = src.length;
    for (let s = chain.firstWritable; s < chain.count && done < length; s++) {
      if (chain.writable[s] === 0) continue;
      const l = chain.len[s]!;
      if (offset >= l) {
        offset -= l;
        continue;
      }
      const n = Math.min(l - offset, length - done);
      if (!this.dma.writeBytes(chain.addr[s]! + offset, src.subarray(done, done + n), n)) return false;
      done += n;
      offset = 0;
    }
    return done === length;
  }
}
