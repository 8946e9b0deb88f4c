/**
 * Split virtqueues (virtio 1.2 §2.7).
 *
 * The driver owns the descriptor table (§2.7.5) and the available ring (§2.7.6); the device
 * owns the used ring (§2.7.8). The three areas are resolved to RAM regions once, when the
 * queue is first used, and every buffer is checked with `isRam` before it is touched.
 *
 * Notification suppression: without VIRTIO_F_EVENT_IDX the device interrupts unless the
 * driver set VIRTQ_AVAIL_F_NO_INTERRUPT (§2.7.7); with it, the device interrupts only when
 * the used index crosses `used_event` (§2.7.10, the vring_need_event rule) and publishes
 * `avail_event` so the driver can skip notifications.
 */

import type { AddressSpace } from '@tessera/core';
import { DescChain, Virtqueue, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, type RingMap } from './virtqueue.js';

export { DescChain, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, VIRTQ_MAX_SIZE } from './virtqueue.js';

export class SplitVirtqueue extends Virtqueue {
  /** Next available-ring entry the device will read (last_avail_idx). */
  lastAvail = 0;
  /** Used index as published to the driver. */
  usedIdx = 0;
  /** Used entries added but not yet published. */
  private pendingUsed = 0;
  private signalledUsed = 0;
  private signalledValid = false;
  private readonly descMap: RingMap = { ram: undefined, off: 0 };
  private readonly availMap: RingMap = { ram: undefined, off: 0 };
  private readonly usedMap: RingMap = { ram: undefined, off: 0 };
  constructor(index: number, maxSize: number, dma: AddressSpace) {
    super(index, maxSize, dma);
  }

  /** Back to the state after a device reset (§2.4). */
  override reset(): void {
    super.reset();
    this.lastAvail = this.usedIdx = 0;
    this.pendingUsed = 0;
    this.signalledUsed = 0;
    this.signalledValid = false;
  }

  protected map(): boolean {
    const n = this.size;
    if (n === 0 || n > this.maxSize) return this.fail(`queue size ${n} is not between 1 and QueueNumMax (${this.maxSize})`);
    if (!this.resolve(this.descMap, this.desc, 16 * n, false)) return this.fail(`descriptor table at 0x${this.desc.toString(16)} (${16 * n} bytes) is outside guest RAM`);
    if (!this.resolve(this.availMap, this.driver, 6 + 2 * n, false)) return this.fail(`available ring at 0x${this.driver.toString(16)} is outside guest RAM`);
    if (!this.resolve(this.usedMap, this.device, 6 + 8 * n, true)) return this.fail(`used ring at 0x${this.device.toString(16)} is outside writable guest RAM`);
    this.mapped = true;
    return true;
  }

  /** `idx` field of the available ring. */
  availIdx(): number {
    return this.availMap.ram!.view.getUint16(this.availMap.off + 2, true);
  }

  hasAvailable(): boolean {
    if (!this.usable()) return false;
    return this.availIdx() !== this.lastAvail;
  }

  /**
   * Take the next available descriptor chain into `chain` (default: {@link chain}). Returns
   * undefined when the ring is empty or malformed ({@link error} tells which).
   */
  override pop(chain: DescChain = this.chain): DescChain | undefined {
    if (!this.usable()) return undefined;
    const av = this.availMap.ram!.view;
    const ao = this.availMap.off;
    const n = this.size;
    const pending = (av.getUint16(ao + 2, true) - this.lastAvail) & 0xffff;
    if (pending === 0) {
      this.publishAvailEvent();
      return undefined;
    }
    if (pending > n) {
      this.fail(`available index moved ${pending} entries past the device's position, more than the queue size ${n}`);
      return undefined;
    }
    const head = av.getUint16(ao + 4 + 2 * (this.lastAvail % n), true);
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    this.publishAvailEvent();
    return this.walk(head, chain) ? chain : undefined;
  }

  /** Give back the last `count` chains taken (a device that cannot finish with them yet). */
  unpop(count: number): void {
    this.lastAvail = (this.lastAvail - count) & 0xffff;
  }

  /** §2.7.10: with EVENT_IDX the device tells the driver which avail index to notify at. */
  private publishAvailEvent(): void {
    if (!this.eventIdx) return;
    const u = this.usedMap;
    const o = u.off + 4 + 8 * this.size;
    u.ram!.view.setUint16(o, this.lastAvail, true);
    u.ram!.noteWrite(o, 2);
  }

  /** Follow a chain (§2.7.5), with indirect tables (§2.7.5.3), checking every rule. */
  private walk(head: number, chain: DescChain): boolean {
    const n = this.size;
    if (head >= n) return this.fail(`descriptor index ${head} from the available ring is not below the queue size ${n}`);
    chain.clear(head);
    let table = this.descMap.ram!;
    let base = this.descMap.off;
    let tableSize = n;
    let inIndirect = false;
    let i = head;
    let seen = 0;
    for (;;) {
      if (++seen > tableSize) {
        return this.fail(inIndirect ? `indirect descriptor chain longer than its table (${tableSize} entries): a loop` : `descriptor chain longer than the queue size (${n}): a loop`);
      }
      const v = table.view;
      const o = base + 16 * i;
      const lo = v.getUint32(o, true);
      const hi = v.getUint32(o + 4, true);
      const addr = hi * 0x1_0000_0000 + lo;
      const len = v.getUint32(o + 8, true);
      const flags = v.getUint16(o + 12, true);
      const next = v.getUint16(o + 14, true);
      if ((flags & VIRTQ_DESC_F_INDIRECT) !== 0) {
        if (!this.indirect) return this.fail(`descriptor ${i} is indirect but VIRTIO_F_INDIRECT_DESC was not negotiated`);
        if (inIndirect) return this.fail(`indirect descriptor inside an indirect table (entry ${i})`);
        if ((flags & VIRTQ_DESC_F_NEXT) !== 0) return this.fail(`descriptor ${i} has both INDIRECT and NEXT set`);
        if (len === 0 || len % 16 !== 0) return this.fail(`indirect table length ${len} is not a non-zero multiple of 16`);
        if (!this.dma.isRam(addr, len)) return this.fail(`indirect table at 0x${addr.toString(16)} (${len} bytes) is outside guest RAM`);
        const hit = this.dma.findRam(addr)!;
        if (hit.ram.size - hit.offset < len) return this.fail(`indirect table at 0x${addr.toString(16)} crosses a RAM region boundary`);
        table = hit.ram;
        base = hit.offset;
        tableSize = len / 16;
        inIndirect = true;
        i = 0;
        seen = 0;
        continue;
      }
      if (!this.addBuffer(chain, addr, len, (flags & VIRTQ_DESC_F_WRITE) !== 0)) return false;
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) return true;
      if (next >= tableSize) return this.fail(`next descriptor index ${next} is not below ${inIndirect ? 'the indirect table size' : 'the queue size'} ${tableSize}`);
      i = next;
    }
  }

  /** Add a used element without publishing it (several go out together with {@link publishUsed}). */
  addUsed(head: number, len: number): void {
    const u = this.usedMap;
    const slot = (this.usedIdx + this.pendingUsed) % this.size;
    const o = u.off + 4 + 8 * slot;
    const v = u.ram!.view;
    v.setUint32(o, head, true);
    v.setUint32(o + 4, len, true);
    u.ram!.noteWrite(o, 8);
    this.pendingUsed++;
  }

  /** Publish every added used element by moving the used ring's `idx` (§2.7.8.2). */
  publishUsed(): void {
    if (this.pendingUsed === 0) return;
    this.usedIdx = (this.usedIdx + this.pendingUsed) & 0xffff;
    this.pendingUsed = 0;
    const u = this.usedMap;
    u.ram!.view.setUint16(u.off + 2, this.usedIdx, true);
    u.ram!.noteWrite(u.off + 2, 2);
  }

  /**
   * Should the driver be interrupted for the used entries published since the last call?
   * (§2.7.7.2 without EVENT_IDX, §2.7.10 with it.)
   */
  needsInterrupt(): boolean {
    if (!this.mapped) return false;
    const av = this.availMap.ram!.view;
    const ao = this.availMap.off;
    if (this.eventIdx) {
      const usedEvent = av.getUint16(ao + 4 + 2 * this.size, true);
      const now = this.usedIdx;
      const old = this.signalledUsed;
      const valid = this.signalledValid;
      this.signalledUsed = now;
      this.signalledValid = true;
      if (!valid) return true;
      // vring_need_event: interrupt if used_event lies in (old, now].
      return ((now - usedEvent - 1) & 0xffff) < ((now - old) & 0xffff);
    }
    return (av.getUint16(ao, true) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
  }
}
