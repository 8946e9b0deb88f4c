/**
 * virtio-blk (virtio 1.2 §5.2) over a raw image file.
 *
 * Three ways to treat the user's image:
 *  - `overlay` (default): copy-on-write. Writes go to an in-memory overlay of changed 4 KiB
 *    clusters; the image file is opened read-only and never modified.
 *  - `readonly`: VIRTIO_BLK_F_RO is offered and write requests fail with IOERR.
 *  - `writable`: writes go through to the image file; FLUSH calls fsync.
 * Requests are served synchronously when the driver notifies the queue.
 */

import * as fs from 'node:fs';
import { SimError } from '@tessera/core';
import { Features, VirtioDevice, VIRTIO_ID_BLOCK, type VirtioEnv } from './device.js';

/** Feature bits (§5.2.3). */
export const VIRTIO_BLK_F_SIZE_MAX = 1;
export const VIRTIO_BLK_F_SEG_MAX = 2;
export const VIRTIO_BLK_F_GEOMETRY = 4;
export const VIRTIO_BLK_F_RO = 5;
export const VIRTIO_BLK_F_BLK_SIZE = 6;
export const VIRTIO_BLK_F_FLUSH = 9;

/** Request types and status values (§5.2.6). */
export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;
export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

export const SECTOR_SIZE = 512;
const CLUSTER = 4096;
/** Largest piece of a request copied at once. */
const CHUNK = 1024 * 1024;
/** Length of the GET_ID string (§5.2.6). */
export const VIRTIO_BLK_ID_BYTES = 20;

export type BlockMode = 'overlay' | 'readonly' | 'writable';

/** The backing store: an image file, optionally behind a copy-on-write overlay. */
export class BlockImage {
  private fd: number;
  readonly size: number;
  /** Changed clusters (overlay mode), by cluster index. */
  readonly overlay = new Map<number, Uint8Array>();

  constructor(
    readonly path: string,
    readonly mode: BlockMode,
  ) {
    try {
      this.fd = fs.openSync(path, mode === 'writable' ? 'r+' : 'r');
      this.size = fs.fstatSync(this.fd).size;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOENT') throw new SimError(`disk image '${path}' does not exist`, 'create it (e.g. truncate -s 64M disk.img, or mke2fs -d DIR disk.img 16M) or fix the path');
      throw new SimError(`cannot open disk image '${path}': ${(e as Error).message}`);
    }
  }

  get sectors(): number {
    return Math.floor(this.size / SECTOR_SIZE);
  }

  /** Read `dst.length` bytes at byte offset `pos` (inside the image). */
  read(pos: number, dst: Uint8Array): void {
    if (this.overlay.size === 0) {
      this.readBase(pos, dst);
      return;
    }
    let done = 0;
    while (done < dst.length) {
      const p = pos + done;
      const ci = Math.floor(p / CLUSTER);
      const co = p - ci * CLUSTER;
      const n = Math.min(CLUSTER - co, dst.length - done);
      const cl = this.overlay.get(ci);
      if (cl !== undefined) dst.set(cl.subarray(co, co + n), done);
      else this.readBase(p, dst.subarray(done, done + n));
      done += n;
    }
  }

  private readBase(pos: number, dst: Uint8Array): void {
    let done = 0;
    while (done < dst.length) {
      const n = fs.readSync(this.fd, dst, done, dst.length - done, pos + done);
      if (n <= 0) {
        dst.fill(0, done);
        return;
      }
      done += n;
    }
  }

  write(pos: number, src: Uint8Array): void {
    if (this.mode === 'writable') {
      let done = 0;
      while (done < src.length) done += fs.writeSync(this.fd, src, done, src.length - done, pos + done);
      return;
    }
    let done = 0;
    while (done < src.length) {
      const p = pos + done;
      const ci = Math.floor(p / CLUSTER);
      const co = p - ci * CLUSTER;
      const n = Math.min(CLUSTER - co, src.length - done);
      let cl = this.overlay.get(ci);
      if (cl === undefined) {
        cl = new Uint8Array(CLUSTER);
        this.readBase(ci * CLUSTER, cl.subarray(0, Math.max(0, Math.min(CLUSTER, this.size - ci * CLUSTER))));
        this.overlay.set(ci, cl);
      }
      cl.set(src.subarray(done, done + n), co);
      done += n;
    }
  }

  flush(): void {
    if (this.mode === 'writable') fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

export interface VirtioBlkOptions {
  queueSize: number;
  /** GET_ID string (at most 20 bytes are returned). */
  serial: string;
}

export class VirtioBlk extends VirtioDevice {
  readonly deviceId = VIRTIO_ID_BLOCK;
  /** Up to `writeback` (§5.2.4); later fields need features that are not offered. */
  readonly configSize = 36;
  private readonly config = new Uint8Array(36);
  private readonly hdr = new Uint8Array(16);
  private readonly hdrView = new DataView(this.hdr.buffer);
  private data = new Uint8Array(64 * 1024);
  private readonly statusByte = new Uint8Array(1);
  private readonly id: Uint8Array;

  constructor(
    env: VirtioEnv,
    readonly image: BlockImage,
    readonly opts: VirtioBlkOptions,
  ) {
    const f = Features.of(VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH);
    if (image.mode === 'readonly') f.set(VIRTIO_BLK_F_RO);
    super(env, [opts.queueSize], f);
    const v = new DataView(this.config.buffer);
    v.setBigUint64(0, BigInt(image.sectors), true); // capacity in 512-byte sectors
    v.setUint32(8, 0, true); // size_max (VIRTIO_BLK_F_SIZE_MAX not offered)
    v.setUint32(12, Math.max(1, opts.queueSize - 2), true); // seg_max: data segments besides header and status
    v.setUint32(20, SECTOR_SIZE, true); // blk_size
    this.id = new Uint8Array(VIRTIO_BLK_ID_BYTES);
    this.id.set(new TextEncoder().encode(opts.serial).subarray(0, VIRTIO_BLK_ID_BYTES));
  }

  configRead(offset: number, size: 1 | 2 | 4): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (this.config[offset + i] ?? 0);
    return v >>> 0;
  }

  protected processQueue(q: number): void {
    if (q !== 0) return;
    const vq = this.queues[0]!;
    let done = 0;
    for (;;) {
      const c = vq.pop();
      if (c === undefined) break;
      if (c.readableBytes < 16) {
        this.needsReset(`request at ${c.head} has ${c.readableBytes} device-readable bytes, fewer than the 16-byte header (§5.2.6)`, 0);
        return;
      }
      if (c.writableBytes < 1) {
        this.needsReset(`request at ${c.head} has no device-writable status byte (§5.2.6)`, 0);
        return;
      }
      vq.readChain(c, 0, this.hdr, 16);
      const type = this.hdrView.getUint32(0, true);
      const sector = Number(this.hdrView.getBigUint64(8, true));
      let status: number = VIRTIO_BLK_S_OK;
      let written = 0;
      const inLen = c.writableBytes - 1;
      const outLen = c.readableBytes - 16;
      switch (type) {
        case VIRTIO_BLK_T_IN: {
          if (!this.inRange(sector, inLen)) {
            status = VIRTIO_BLK_S_IOERR;
            break;
          }
          // In pieces, so a huge request never needs a huge host buffer.
          for (let done = 0; done < inLen; ) {
            const buf = this.buffer(Math.min(CHUNK, inLen - done));
            this.image.read(sector * SECTOR_SIZE + done, buf);
            vq.writeChain(c, done, buf);
            done += buf.length;
          }
          written = inLen;
          break;
        }
        case VIRTIO_BLK_T_OUT: {
          if (this.image.mode === 'readonly' || !this.inRange(sector, outLen)) {
            status = VIRTIO_BLK_S_IOERR;
            break;
          }
          for (let done = 0; done < outLen; ) {
            const buf = this.buffer(Math.min(CHUNK, outLen - done));
            vq.readChain(c, 16 + done, buf, buf.length);
            this.image.write(sector * SECTOR_SIZE + done, buf);
            done += buf.length;
          }
          break;
        }
        case VIRTIO_BLK_T_FLUSH:
          this.image.flush();
          break;
        case VIRTIO_BLK_T_GET_ID: {
          const n = Math.min(inLen, VIRTIO_BLK_ID_BYTES);
          vq.writeChain(c, 0, this.id.subarray(0, n));
          written = n;
          break;
        }
        default:
          status = VIRTIO_BLK_S_UNSUPP;
      }
      // The status byte is the last device-writable byte of the chain.
      this.statusByte[0] = status;
      vq.writeChain(c, inLen, this.statusByte);
      vq.push(c.head, written + 1);
      done++;
    }
    if (vq.error !== undefined) this.queueError(vq);
    else if (done > 0) this.signalUsed(vq);
  }

  /** Whole sectors, inside the disk. */
  private inRange(sector: number, bytes: number): boolean {
    if (bytes % SECTOR_SIZE !== 0) return false;
    return Number.isSafeInteger(sector) && sector + bytes / SECTOR_SIZE <= this.image.sectors;
  }

  private buffer(n: number): Uint8Array {
    if (this.data.length < n) this.data = new Uint8Array(n);
    return this.data.subarray(0, n);
  }
}
