/**
 * What the virtio-mmio (§4.2) and virtio-pci (§4.1) transports share: writing a queue's
 * 64-bit area addresses as two 32-bit halves, enabling a queue, and the interrupt status
 * bits (virtio-mmio InterruptStatus, virtio-pci ISR status) that both report the same two
 * causes.
 */

import type { VirtioDevice } from './device.js';
import type { Virtqueue } from './queue/virtqueue.js';

/** Interrupt cause bits: InterruptStatus (§4.2.2) and ISR status (§4.1.4.5) agree. */
export const VIRTIO_INT_VRING = 1;
export const VIRTIO_INT_CONFIG = 2;

/** The three ring areas of a queue (§2.6): descriptor area, driver area, device area. */
export type QueueArea = 'desc' | 'driver' | 'device';

/** Write the low or high 32 bits of one of a queue's area addresses. */
export function setQueueAddressHalf(q: Virtqueue, area: QueueArea, high: boolean, value: number): void {
  value >>>= 0;
  if (high) {
    // Addresses at or above 2^53 cannot be RAM; keep them unmappable rather than wrapping.
    q[area] = value >= 0x200000 ? Number.MAX_SAFE_INTEGER : value * 0x1_0000_0000 + (q[area] % 0x1_0000_0000);
  } else {
    q[area] = Math.floor(q[area] / 0x1_0000_0000) * 0x1_0000_0000 + value;
  }
  q.unmap();
}

/** Low (`high` false) or high 32 bits of a queue's area address, as a register reads it. */
export function queueAddressHalf(q: Virtqueue, area: QueueArea, high: boolean): number {
  return high ? Math.floor(q[area] / 0x1_0000_0000) >>> 0 : q[area] >>> 0;
}

/**
 * QueueReady (§4.2.2) / queue_enable (§4.1.4.3): the queue's rings are in place. Buffers
 * the driver made available before enabling are picked up at once when the device is live.
 */
export function setQueueReady(d: VirtioDevice, sel: number, ready: boolean): void {
  const q = d.queues[sel];
  if (q === undefined) return;
  q.ready = ready;
  q.unmap();
  if (ready && d.driverOk) d.queueNotify(sel);
}
