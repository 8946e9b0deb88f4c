import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MmioReg,
  VIRTIO_BLK_F_BLK_SIZE,
  VIRTIO_BLK_F_FLUSH,
  VIRTIO_BLK_F_RO,
  VIRTIO_BLK_F_SEG_MAX,
  VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VIRTIO_F_INDIRECT_DESC,
  VIRTIO_F_VERSION_1,
  virtioMmioBlk,
  type DriverQueue,
  type VirtioBlk,
  type VirtioMmioDriver,
} from '../src/index.js';
import { attach, board, readGuest, SLOT, type TestBoard } from './helpers.js';

const SECTORS = 128; // 64 KiB

function makeImage(): { file: string; hash: () => string; original: Uint8Array } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-blk-'));
  const file = path.join(dir, 'disk.img');
  const original = new Uint8Array(SECTORS * 512).map((_, i) => (i * 13 + (i >>> 9)) & 0xff);
  fs.writeFileSync(file, original);
  return { file, original, hash: () => createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
}

interface Disk {
  b: TestBoard;
  drv: VirtioMmioDriver;
  q: DriverQueue;
  dev: VirtioBlk;
}

async function disk(image: string, extra: object = {}): Promise<Disk> {
  const b = await board();
  const { drv, device } = await attach<object, VirtioBlk>(b, 'blk0', virtioMmioBlk as never, { base: SLOT, irq: { controller: 'intc', line: 2 }, image, ...extra });
  expect(drv.negotiate([VIRTIO_F_VERSION_1, VIRTIO_F_INDIRECT_DESC, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_RO]).ok).toBe(true);
  const q = drv.setupQueue(0, 32);
  drv.driverOk();
  return { b, drv, q, dev: device };
}

function header(type: number, sector: number): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint32(0, type, true);
  v.setBigUint64(8, BigInt(sector), true);
  return h;
}

/** Submit one request; returns status, used length and the data read. */
function request(d: Disk, type: number, sector: number, opts: { out?: Uint8Array; inLen?: number; indirect?: boolean } = {}): { status: number; len: number; data: Uint8Array } {
  const readable = [header(type, sector)];
  if (opts.out !== undefined) readable.push(opts.out);
  const inLen = opts.inLen ?? 0;
  const { out } = d.q.addData(readable, inLen > 0 ? [inLen, 1] : [1], { indirect: opts.indirect });
  d.q.kick();
  const used = d.q.takeUsed();
  expect(used.length).toBe(1);
  const statusAddr = out[out.length - 1]!;
  return {
    status: readGuest(d.b, statusAddr, 1)[0]!,
    len: used[0]!.len,
    data: inLen > 0 ? readGuest(d.b, out[0]!, inLen) : new Uint8Array(0),
  };
}

describe('virtio-blk', () => {
  it('describes the disk in config space and offers SEG_MAX, BLK_SIZE and FLUSH', async () => {
    const img = makeImage();
    const d = await disk(img.file);
    expect(d.drv.r32(MmioReg.DeviceID)).toBe(2);
    expect(d.drv.config(0, 4)).toBe(SECTORS);
    expect(d.drv.config(4, 4)).toBe(0);
    expect(d.drv.config(12, 4)).toBe(254); // seg_max
    expect(d.drv.config(20, 4)).toBe(512); // blk_size
    const f = d.drv.deviceFeatures();
    expect(f).toEqual(expect.arrayContaining([VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH]));
    expect(f).not.toContain(VIRTIO_BLK_F_RO);
  });

  it('reads sectors, and writes land in the overlay: the image file is unchanged', async () => {
    const img = makeImage();
    const before = img.hash();
    const d = await disk(img.file);
    const r = request(d, VIRTIO_BLK_T_IN, 3, { inLen: 1024 });
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect(r.len).toBe(1025);
    expect(r.data).toEqual(img.original.subarray(3 * 512, 5 * 512));
    const data = new Uint8Array(1536).fill(0x5a);
    const w = request(d, VIRTIO_BLK_T_OUT, 7, { out: data });
    expect(w.status).toBe(VIRTIO_BLK_S_OK);
    expect(w.len).toBe(1);
    // Read across the written range and its neighbours (partial overlay clusters).
    const back = request(d, VIRTIO_BLK_T_IN, 6, { inLen: 5 * 512, indirect: true });
    expect(back.data.subarray(0, 512)).toEqual(img.original.subarray(6 * 512, 7 * 512));
    expect(back.data.subarray(512, 2048)).toEqual(data);
    expect(back.data.subarray(2048)).toEqual(img.original.subarray(10 * 512, 11 * 512));
    expect(request(d, VIRTIO_BLK_T_FLUSH, 0).status).toBe(VIRTIO_BLK_S_OK);
    expect(d.dev.image.overlay.size).toBeGreaterThan(0);
    d.b.sim.dispose();
    expect(img.hash()).toBe(before);
  });

  it('writes through to the image with writable: true', async () => {
    const img = makeImage();
    const d = await disk(img.file, { writable: true });
    const data = new Uint8Array(512).fill(0x77);
    expect(request(d, VIRTIO_BLK_T_OUT, 1, { out: data }).status).toBe(VIRTIO_BLK_S_OK);
    expect(request(d, VIRTIO_BLK_T_FLUSH, 0).status).toBe(VIRTIO_BLK_S_OK);
    d.b.sim.dispose();
    const file = new Uint8Array(fs.readFileSync(img.file));
    expect(file.subarray(512, 1024)).toEqual(data);
    expect(file.subarray(0, 512)).toEqual(img.original.subarray(0, 512));
  });

  it('offers VIRTIO_BLK_F_RO with readonly: true and fails writes with IOERR', async () => {
    const img = makeImage();
    const before = img.hash();
    const d = await disk(img.file, { readonly: true });
    expect(d.drv.deviceFeatures()).toContain(VIRTIO_BLK_F_RO);
    expect(request(d, VIRTIO_BLK_T_OUT, 0, { out: new Uint8Array(512) }).status).toBe(VIRTIO_BLK_S_IOERR);
    expect(request(d, VIRTIO_BLK_T_IN, 0, { inLen: 512 }).data).toEqual(img.original.subarray(0, 512));
    d.b.sim.dispose();
    expect(img.hash()).toBe(before);
  });

  it('answers out-of-range and partial-sector requests with IOERR and unknown types with UNSUPP', async () => {
    const img = makeImage();
    const d = await disk(img.file);
    expect(request(d, VIRTIO_BLK_T_IN, SECTORS - 1, { inLen: 1024 }).status).toBe(VIRTIO_BLK_S_IOERR);
    expect(request(d, VIRTIO_BLK_T_IN, SECTORS - 1, { inLen: 512 }).status).toBe(VIRTIO_BLK_S_OK);
    expect(request(d, VIRTIO_BLK_T_OUT, SECTORS, { out: new Uint8Array(512) }).status).toBe(VIRTIO_BLK_S_IOERR);
    expect(request(d, VIRTIO_BLK_T_IN, 2 ** 60, { inLen: 512 }).status).toBe(VIRTIO_BLK_S_IOERR);
    expect(request(d, VIRTIO_BLK_T_IN, 0, { inLen: 100 }).status).toBe(VIRTIO_BLK_S_IOERR);
    expect(request(d, 99, 0, { inLen: 512 }).status).toBe(VIRTIO_BLK_S_UNSUPP);
    // Nothing of this is a ring error.
    expect(d.b.events.filter((e) => e.kind === 'virtio.error')).toEqual([]);
  });

  it('returns the serial for GET_ID', async () => {
    const img = makeImage();
    const d = await disk(img.file, { serial: 'tessera-disk-0' });
    const r = request(d, VIRTIO_BLK_T_GET_ID, 0, { inLen: 20 });
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect(r.len).toBe(21);
    expect(new TextDecoder().decode(r.data).replace(/\0+$/, '')).toBe('tessera-disk-0');
  });

  it('rejects readonly together with writable, and names a missing image', async () => {
    const img = makeImage();
    await expect(disk(img.file, { readonly: true, writable: true })).rejects.toThrow(/cannot both be true/);
    await expect(disk('/nonexistent/disk.img')).rejects.toThrow(/disk image '\/nonexistent\/disk.img' does not exist/);
  });

  it('works over the legacy virtio-mmio transport', async () => {
    const img = makeImage();
    const b = await board();
    const { drv } = await attach<object, VirtioBlk>(b, 'blk0', virtioMmioBlk as never, { base: SLOT, irq: { controller: 'intc', line: 2 }, image: img.file, legacy: true }, { legacy: true });
    expect(drv.r32(MmioReg.Version)).toBe(1);
    drv.negotiate([VIRTIO_BLK_F_FLUSH]);
    const q = drv.setupQueue(0, 8);
    drv.driverOk();
    const d: Disk = { b, drv, q, dev: undefined as never };
    const r = request(d, VIRTIO_BLK_T_IN, 5, { inLen: 512 });
    expect(r.status).toBe(VIRTIO_BLK_S_OK);
    expect(r.data).toEqual(img.original.subarray(5 * 512, 6 * 512));
  });
});
