/**
 * virtio-net (virtio 1.2 §5.1): one receive and one transmit queue, MAC address, link
 * status, mergeable receive buffers and transmit checksum offload.
 *
 * Frames come from and go to a backend of @tessera/net. Received frames arrive in
 * scheduler events (never straight from a socket); when the driver has no receive buffers
 * they wait in a bounded queue and are delivered when it adds some.
 */

import type { Counter } from '@tessera/core';
import type { NetLink } from '@tessera/net';
import { Features, readConfigBytes, virtioCounterGroup, VirtioDevice, VIRTIO_F_VERSION_1, VIRTIO_ID_NET, type VirtioEnv } from './device.js';
import { DescChain } from './queue/virtqueue.js';

/** Feature bits (§5.1.3). */
export const VIRTIO_NET_F_CSUM = 0;
export const VIRTIO_NET_F_GUEST_CSUM = 1;
export const VIRTIO_NET_F_MTU = 3;
export const VIRTIO_NET_F_MAC = 5;
export const VIRTIO_NET_F_MRG_RXBUF = 15;
export const VIRTIO_NET_F_STATUS = 16;

export const VIRTIO_NET_S_LINK_UP = 1;
export const VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
export const VIRTIO_NET_HDR_GSO_NONE = 0;

/** Frames kept while the driver has no receive buffers. */
const RX_BACKLOG = 256;
/** Largest frame accepted from the driver (no GSO is offered: a jumbo frame at most). */
const MAX_TX_FRAME = 65535;

export interface VirtioNetOptions {
  /** Six bytes. */
  mac: Uint8Array;
  link: boolean;
  mergeableRxBuffers: boolean;
  checksumOffload: boolean;
  queueSize: number;
}

export class VirtioNet extends VirtioDevice {
  readonly deviceId = VIRTIO_ID_NET;
  readonly configSize = 12;
  private readonly config = new Uint8Array(12);
  /** The backend; attached after construction (it needs the device as its client). */
  link: NetLink | undefined;
  private linkUp: boolean;
  private readonly backlog: Uint8Array[] = [];
  private txBuf = new Uint8Array(2048);
  private rxBuf = new Uint8Array(2048);
  private readonly rxChains: DescChain[] = [];
  readonly stats: { txFrames: Counter; rxFrames: Counter; rxDropped: Counter; txDropped: Counter };

  constructor(env: VirtioEnv, readonly opts: VirtioNetOptions) {
    const f = Features.of(VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS);
    if (opts.mergeableRxBuffers) f.set(VIRTIO_NET_F_MRG_RXBUF);
    if (opts.checksumOffload) f.set(VIRTIO_NET_F_CSUM);
    super(env, [opts.queueSize, opts.queueSize], f);
    this.config.set(opts.mac, 0);
    this.linkUp = opts.link;
    this.writeLinkStatus();
    // max_virtqueue_pairs: one pair (meaningful only with VIRTIO_NET_F_MQ, which is not offered).
    this.config[8] = 1;
    const g = virtioCounterGroup(env);
    this.stats = {
      txFrames: env.events.counter(g, 'tx frames'),
      rxFrames: env.events.counter(g, 'rx frames'),
      rxDropped: env.events.counter(g, 'rx frames dropped'),
      txDropped: env.events.counter(g, 'tx frames dropped'),
    };
  }

  get mac(): string {
    return [...this.config.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
  }

  get linkIsUp(): boolean {
    return this.linkUp;
  }

  /** Plug or unplug the cable at run time: status changes, config-change interrupt (§5.1.4). */
  setLink(up: boolean): void {
    if (up === this.linkUp) return;
    this.linkUp = up;
    this.writeLinkStatus();
    if (!up) this.backlog.length = 0;
    this.configChanged();
  }

  private writeLinkStatus(): void {
    this.config[6] = this.linkUp ? VIRTIO_NET_S_LINK_UP : 0;
    this.config[7] = 0;
  }

  configRead(offset: number, size: 1 | 2 | 4): number {
    return readConfigBytes(this.config, offset, size);
  }

  /**
   * The MAC is writable only through the legacy interface (virtio 1.2 §5.1.4.2 legacy note:
   * a legacy driver without VIRTIO_NET_F_MAC may set it); everything else is read-only.
   */
  override configWrite(offset: number, size: 1 | 2 | 4, value: number): void {
    if (!this.legacy) return;
    for (let i = 0; i < size; i++) {
      const o = offset + i;
      if (o < 6) this.config[o] = (value >>> (8 * i)) & 0xff;
    }
  }

  /**
   * The header is 12 bytes with VIRTIO_F_VERSION_1 or mergeable buffers, 10 bytes for a legacy
   * driver without them (§5.1.6, legacy interface note).
   */
  get headerLength(): number {
    return this.has(VIRTIO_F_VERSION_1) || this.has(VIRTIO_NET_F_MRG_RXBUF) ? 12 : 10;
  }

  protected override resetDevice(): void {
    this.backlog.length = 0;
  }

  protected override onDriverOk(): void {
    this.drainBacklog();
  }

  protected processQueue(q: number): void {
    if (q === 0) this.drainBacklog();
    else if (q === 1) this.transmit();
  }

  private transmit(): void {
    const vq = this.queues[1]!;
    const hdr = this.headerLength;
    let done = 0;
    for (;;) {
      const c = vq.pop();
      if (c === undefined) break;
      if (c.writableBytes > 0) {
        this.needsReset(`transmit chain at ${c.head} has a device-writable buffer (§5.1.6.2)`, 1);
        return;
      }
      if (c.readableBytes < hdr) {
        this.needsReset(`transmit chain at ${c.head} is ${c.readableBytes} bytes, shorter than the ${hdr}-byte virtio-net header`, 1);
        return;
      }
      const total = c.readableBytes;
      if (total - hdr > MAX_TX_FRAME) {
        this.stats.txDropped.value++;
      } else {
        if (this.txBuf.length < total) this.txBuf = new Uint8Array(total);
        const buf = this.txBuf;
        vq.readChain(c, 0, buf, total);
        const frame = buf.subarray(hdr, total);
        if ((buf[0]! & VIRTIO_NET_HDR_F_NEEDS_CSUM) !== 0 && this.has(VIRTIO_NET_F_CSUM)) {
          const csumStart = buf[6]! | (buf[7]! << 8);
          const csumOffset = buf[8]! | (buf[9]! << 8);
          insertChecksum(frame, csumStart, csumOffset);
        }
        if (this.linkUp && this.link !== undefined && frame.length > 0) {
          this.stats.txFrames.value++;
          this.link.send(frame);
        } else this.stats.txDropped.value++;
      }
      vq.push(c.head, 0);
      done++;
    }
    if (vq.error !== undefined) {
      this.queueError(vq);
      return;
    }
    if (done > 0) this.signalUsed(vq);
  }

  /** A frame from the backend (called from a scheduler event). */
  receive(frame: Uint8Array): void {
    if (!this.linkUp || !this.driverOk) {
      this.stats.rxDropped.value++;
      return;
    }
    if (this.backlog.length > 0 || !this.deliver(frame)) {
      if (this.backlog.length >= RX_BACKLOG) this.stats.rxDropped.value++;
      else this.backlog.push(frame);
    }
  }

  private drainBacklog(): void {
    while (this.backlog.length > 0 && this.driverOk) {
      if (!this.deliver(this.backlog[0]!)) return;
      this.backlog.shift();
    }
  }

  /** Put one frame into receive buffers. False if there are not enough buffers yet. */
  private deliver(frame: Uint8Array): boolean {
    const vq = this.queues[0]!;
    if (!vq.ready) return false;
    const hdr = this.headerLength;
    const total = hdr + frame.length;
    if (this.rxBuf.length < total) this.rxBuf = new Uint8Array(total);
    const buf = this.rxBuf.subarray(0, total);
    buf.fill(0, 0, hdr); // flags 0, GSO_NONE
    buf.set(frame, hdr);
    const mergeable = this.has(VIRTIO_NET_F_MRG_RXBUF);
    // Gather enough buffers first, so num_buffers is known before the header is written.
    let n = 0;
    let room = 0;
    while (room < total) {
      if (!mergeable && n === 1) break;
      const c = this.rxChains[n] ?? (this.rxChains[n] = new DescChain());
      if (vq.pop(c) === undefined) {
        if (vq.error !== undefined) {
          this.queueError(vq);
          this.backlog.length = 0;
          return true; // the frame is gone with the device
        }
        vq.unpop(n);
        return false;
      }
      n++;
      if (c.readableBytes > 0) {
        this.needsReset(`receive chain at ${c.head} has a device-readable buffer (§5.1.6.3)`, 0);
        this.backlog.length = 0;
        return true;
      }
      if (mergeable && c.writableBytes < hdr && n === 1) {
        this.needsReset(`receive buffer at ${c.head} is ${c.writableBytes} bytes, shorter than the ${hdr}-byte virtio-net header`, 0);
        this.backlog.length = 0;
        return true;
      }
      room += c.writableBytes;
    }
    if (room < total) {
      // Without mergeable buffers a frame must fit one buffer; drop it and recycle the buffer.
      this.stats.rxDropped.value++;
      vq.push(this.rxChains[0]!.head, 0);
      this.signalUsed(vq);
      return true;
    }
    if (mergeable) {
      buf[10] = n & 0xff;
      buf[11] = n >>> 8;
    } else if (hdr === 12) {
      buf[10] = 1;
    }
    let off = 0;
    for (let i = 0; i < n; i++) {
      const c = this.rxChains[i]!;
      const len = Math.min(c.writableBytes, total - off);
      vq.writeChain(c, 0, buf.subarray(off, off + len));
      vq.addUsed(c.head, len);
      off += len;
    }
    vq.publishUsed();
    this.stats.rxFrames.value++;
    this.signalUsed(vq);
    return true;
  }
}

/**
 * VIRTIO_NET_HDR_F_NEEDS_CSUM (§5.1.6.2): the ones'-complement checksum of the bytes from
 * `start` to the end of the frame goes into the 16 bits at `start + offset`. The driver has
 * already put the pseudo-header sum there.
 */
export function insertChecksum(frame: Uint8Array, start: number, offset: number): void {
  if (start >= frame.length || start + offset + 2 > frame.length) return;
  let sum = 0;
  const end = frame.length;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (frame[i]! << 8) | frame[i + 1]!;
  if (i < end) sum += frame[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  frame[start + offset] = c >>> 8;
  frame[start + offset + 1] = c & 0xff;
}

/** Parse `52:54:00:12:34:56`. */
export function parseMac(text: string): Uint8Array | undefined {
  const m = /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i.exec(text);
  if (m === null) return undefined;
  return Uint8Array.from(m.slice(1).map((h) => parseInt(h, 16)));
}

/**
 * A locally administered unicast MAC derived from a name (FNV-1a), in QEMU's 52:54:00
 * prefix, so each NIC of each machine gets a stable address without configuration.
 */
export function defaultMac(name: string): Uint8Array {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return Uint8Array.from([0x52, 0x54, 0x00, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff]);
}

