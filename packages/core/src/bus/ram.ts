/**
 * RAM and ROM: flat typed-array memory.
 *
 * A CPU reaches RAM through the typed-array views directly (its TLB caches the region and
 * offset per page), so no call is made per access. The views share one ArrayBuffer: `u8`,
 * `u16`, `u32` and `u64` for aligned accesses, `view` for unaligned ones. Hosts are
 * little-endian, as are all guests Tessera models (checked at load time).
 *
 * Code pages: a CPU that caches decoded instructions from a page marks the page with
 * {@link RamRegion.markCode}. Any write to a marked page that does not come from a CPU's
 * own checked store path (DMA, device models, loaders) must go through
 * {@link RamRegion.noteWrite}, which clears the mark and tells every {@link CodeWatcher}
 * so decoded instructions from that page are dropped. CPUs install write fast paths only
 * for pages that are not marked, and call `noteWrite` from their slow store path.
 */

import { SimError } from '../util/errors.js';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

export interface CodeWatcher {
  /** `page` (region-relative page index) was marked as holding decoded code. */
  codeMarked?(ram: RamRegion, page: number): void;
  /** `page` was written while marked: drop anything decoded from it. */
  codeWritten(ram: RamRegion, page: number): void;
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('Tessera needs a little-endian host');
}

export class RamRegion {
  readonly kind = 'ram' as const;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly u64: BigUint64Array;
  readonly view: DataView;
  /** One byte per 4 KiB page: non-zero while a CPU holds decoded instructions from it. */
  readonly codePages: Uint8Array;
  private readonly watchers: CodeWatcher[] = [];

  constructor(
    readonly name: string,
    readonly base: number,
    readonly size: number,
    readonly readonly: boolean,
  ) {
    // Round the backing store up to 8 bytes so every view covers the whole region.
    const buf = new ArrayBuffer(Math.ceil(size / 8) * 8);
    this.u8 = new Uint8Array(buf, 0, size);
    this.u16 = new Uint16Array(buf);
    this.u32 = new Uint32Array(buf);
    this.i32 = new Int32Array(buf);
    this.u64 = new BigUint64Array(buf);
    this.view = new DataView(buf);
    this.codePages = new Uint8Array(Math.ceil(size / PAGE_SIZE));
  }

  addCodeWatcher(w: CodeWatcher): void {
    if (!this.watchers.includes(w)) this.watchers.push(w);
  }

  markCode(page: number): void {
    if (this.codePages[page] !== 0) return;
    this.codePages[page] = 1;
    for (const w of this.watchers) w.codeMarked?.(this, page);
  }

  /** Record a write of `length` bytes at region offset `offset` made outside a CPU's fast path. */
  noteWrite(offset: number, length: number): void {
    if (length <= 0) return;
    const first = offset >>> PAGE_SHIFT;
    const last = (offset + length - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      if (this.codePages[p] !== 0) {
        this.codePages[p] = 0;
        for (const w of this.watchers) w.codeWritten(this, p);
      }
    }
  }

  readN(off: number, size: 1 | 2 | 4): number {
    if (size === 1) return this.u8[off]!;
    if (size === 2) return (off & 1) === 0 ? this.u16[off >>> 1]! : this.view.getUint16(off, true);
    return (off & 3) === 0 ? this.u32[off >>> 2]! : this.view.getUint32(off, true);
  }

  writeN(off: number, size: 1 | 2 | 4, value: number): void {
    if (size === 1) this.u8[off] = value;
    else if (size === 2) {
      if ((off & 1) === 0) this.u16[off >>> 1] = value;
      else this.view.setUint16(off, value, true);
    } else if ((off & 3) === 0) this.u32[off >>> 2] = value;
    else this.view.setUint32(off, value, true);
    if (this.codePages[off >>> PAGE_SHIFT] !== 0 || this.codePages[(off + size - 1) >>> PAGE_SHIFT] !== 0) this.noteWrite(off, size);
  }

  read64(off: number): bigint {
    return (off & 7) === 0 ? this.u64[off / 8]! : this.view.getBigUint64(off, true);
  }

  write64(off: number, value: bigint): void {
    if ((off & 7) === 0) this.u64[off / 8] = value;
    else this.view.setBigUint64(off, BigInt.asUintN(64, value), true);
    if (this.codePages[off >>> PAGE_SHIFT] !== 0 || this.codePages[(off + 7) >>> PAGE_SHIFT] !== 0) this.noteWrite(off, 8);
  }

  /** Load bytes (an image) at region offset `off`. A {@link SimError} if it does not fit. */
  load(off: number, bytes: Uint8Array): void {
    if (!(off >= 0) || off + bytes.length > this.size) {
      throw new SimError(`image of ${bytes.length} bytes does not fit in '${this.name}' at offset 0x${off.toString(16)}`);
    }
    this.u8.set(bytes, off);
    this.noteWrite(off, bytes.length);
  }
}
