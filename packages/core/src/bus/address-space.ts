/**
 * Address spaces: the memory map a bus master sees.
 *
 * Physical and bus addresses are JavaScript numbers. Every machine Tessera models keeps its
 * physical address space far below 2^53, so an address at or above 2^53 (or negative) is
 * simply unmapped. CPUs convert their 64-bit register values once, when they leave the TLB
 * fast path.
 *
 * RAM is flat typed-array memory ({@link RamRegion}). CPUs look a RAM region up once per
 * page (`findRam`) and keep it in their own TLB, so RAM accesses never go through this
 * class's dispatch. MMIO regions dispatch to a device's handlers. An alias maps a window of
 * one address space into another at an offset, which is how per-master views (a PCI
 * device's bus addresses behind a host bridge window) are built.
 */

import { SimError } from '../util/errors.js';
import { RamRegion } from './ram.js';

export type AccessSize = 1 | 2 | 4 | 8;

/** Outcome of the last access made through an {@link AddressSpace}. */
export const enum BusStatus {
  Ok = 0,
  /** Nothing is mapped at the address (the master raises its access fault). */
  Unmapped = 1,
  /** A device rejected the access (e.g. a write to ROM, a size it does not decode). */
  DeviceError = 2,
}

/**
 * A memory-mapped device's register interface. Offsets are relative to the region base.
 * Values of 1, 2 and 4 bytes are unsigned numbers; 8-byte accesses use `read64`/`write64`
 * when the device has them, and are otherwise split into two 4-byte accesses (low word
 * first), the way a 32-bit interconnect would carry them.
 *
 * A handler may call `fault()` on the {@link MmioAccess} passed to it to report a bus
 * error for this access; it must never throw for guest-controlled values.
 */
export interface MmioDevice {
  read(offset: number, size: 1 | 2 | 4, access: MmioAccess): number;
  write(offset: number, size: 1 | 2 | 4, value: number, access: MmioAccess): void;
  read64?(offset: number, access: MmioAccess): bigint;
  write64?(offset: number, value: bigint, access: MmioAccess): void;
}

/** Context of one MMIO access, given to the device handler. */
export interface MmioAccess {
  /** Name of the bus master (e.g. `hart0`, `virtio-net0`), for traces and per-master devices. */
  readonly master: string;
  /** Numeric id of the master, e.g. the CPU index; -1 for DMA masters. */
  readonly masterId: number;
  /** Report a bus error for this access (the master sees {@link BusStatus.DeviceError}). */
  fault(): void;
}

export interface MmioRegion {
  readonly kind: 'mmio';
  readonly name: string;
  readonly base: number;
  readonly size: number;
  readonly device: MmioDevice;
}

export interface AliasRegion {
  readonly kind: 'alias';
  readonly name: string;
  readonly base: number;
  readonly size: number;
  readonly target: AddressSpace;
  /** Address in `target` that `base` maps to. */
  readonly targetBase: number;
}

export type Region = RamRegion | MmioRegion | AliasRegion;

/** Receives a note of every MMIO access, for traces (installed only when someone listens). */
export type MmioObserver = (
  region: MmioRegion,
  offset: number,
  size: AccessSize,
  isWrite: boolean,
  value: number | bigint,
  master: string,
) => void;

const MAX_ADDRESS = 2 ** 53;

export class AddressSpace {
  readonly name: string;
  private regions: Region[] = [];
  private lastHit: Region | undefined;
  /** Status of the most recent access made through this space. */
  status: BusStatus = BusStatus.Ok;
  /** Optional observer of MMIO accesses (traces). */
  mmioObserver: MmioObserver | undefined;

  private readonly access: MmioAccess & { master: string; masterId: number; failed: boolean };

  constructor(name: string) {
    this.name = name;
    const self = { master: name, masterId: -1, failed: false, fault() { self.failed = true; } };
    this.access = self;
  }

  /** All regions, sorted by base address. */
  get map(): readonly Region[] {
    return this.regions;
  }

  addRam(name: string, base: number, size: number, opts: { readonly?: boolean } = {}): RamRegion {
    const ram = new RamRegion(name, base, size, opts.readonly ?? false);
    this.insert(ram);
    return ram;
  }

  /** Map an existing RAM region (shared memory seen by several spaces). */
  addRamRegion(ram: RamRegion): RamRegion {
    this.insert(ram);
    return ram;
  }

  addMmio(name: string, base: number, size: number, device: MmioDevice): MmioRegion {
    const r: MmioRegion = { kind: 'mmio', name, base, size, device };
    this.insert(r);
    return r;
  }

  addAlias(name: string, base: number, size: number, target: AddressSpace, targetBase: number): AliasRegion {
    if (target === this) throw new SimError(`alias '${name}' cannot point into its own address space '${this.name}'`);
    const r: AliasRegion = { kind: 'alias', name, base, size, target, targetBase };
    this.insert(r);
    return r;
  }

  /** Remove a region (e.g. a BAR being moved by the guest). */
  remove(region: Region): void {
    const i = this.regions.indexOf(region);
    if (i >= 0) this.regions.splice(i, 1);
    this.lastHit = undefined;
  }

  private insert(r: Region): void {
    if (!Number.isSafeInteger(r.base) || r.base < 0 || !Number.isSafeInteger(r.size) || r.size <= 0 || r.base + r.size > MAX_ADDRESS) {
      throw new SimError(`region '${r.name}' in '${this.name}' has an invalid range (base ${hex(r.base)}, size ${hex(r.size)})`);
    }
    const end = r.base + r.size;
    for (const o of this.regions) {
      if (r.base < o.base + o.size && o.base < end) {
        throw new SimError(
          `region '${r.name}' [${hex(r.base)}..${hex(end - 1)}] overlaps '${o.name}' [${hex(o.base)}..${hex(o.base + o.size - 1)}] in address space '${this.name}'`,
        );
      }
    }
    this.regions.push(r);
    this.regions.sort((a, b) => a.base - b.base);
    this.lastHit = undefined;
  }

  /** The region containing `addr`, or undefined. */
  find(addr: number): Region | undefined {
    const h = this.lastHit;
    if (h !== undefined && addr >= h.base && addr - h.base < h.size) return h;
    const rs = this.regions;
    let lo = 0;
    let hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = rs[mid]!;
      if (addr < r.base) hi = mid - 1;
      else if (addr - r.base >= r.size) lo = mid + 1;
      else {
        this.lastHit = r;
        return r;
      }
    }
    return undefined;
  }

  /**
   * The RAM region backing `addr` (following aliases), with the offset of `addr` in it, for
   * a CPU's TLB fill. `length` is how many bytes from `addr` on are that same RAM in this
   * view: the rest of the region, or less when an alias window ends first (a master must
   * not reach past its window, so use `length`, not `ram.size - offset`). Returns undefined
   * for MMIO and unmapped addresses.
   */
  findRam(addr: number): { ram: RamRegion; offset: number; length: number } | undefined {
    const r = this.find(addr);
    if (r === undefined) return undefined;
    if (r.kind === 'ram') return { ram: r, offset: addr - r.base, length: r.size - (addr - r.base) };
    if (r.kind === 'alias') {
      const hit = r.target.findRam(r.targetBase + (addr - r.base));
      if (hit === undefined) return undefined;
      const rest = r.size - (addr - r.base);
      if (hit.length > rest) hit.length = rest;
      return hit;
    }
    return undefined;
  }

  /** Set the master identity used for MMIO accesses made through this space. */
  setMaster(master: string, masterId: number): void {
    this.access.master = master;
    this.access.masterId = masterId;
  }

  /** Read 1, 2 or 4 bytes. Sets {@link status}; unmapped reads return 0. */
  read(addr: number, size: 1 | 2 | 4): number {
    const r = this.find(addr);
    if (r === undefined) {
      this.status = BusStatus.Unmapped;
      return 0;
    }
    const off = addr - r.base;
    if (off + size > r.size) {
      this.status = BusStatus.Unmapped;
      return 0;
    }
    switch (r.kind) {
      case 'ram':
        this.status = BusStatus.Ok;
        return r.readN(off, size);
      case 'mmio': {
        const a = this.access;
        a.failed = false;
        const v = r.device.read(off, size, a) >>> 0;
        this.status = a.failed ? BusStatus.DeviceError : BusStatus.Ok;
        if (this.mmioObserver !== undefined) this.mmioObserver(r, off, size, false, v, a.master);
        return v;
      }
      case 'alias': {
        const t = r.target;
        t.setMaster(this.access.master, this.access.masterId);
        const v = t.read(r.targetBase + off, size);
        this.status = t.status;
        return v;
      }
    }
  }

  /** Write 1, 2 or 4 bytes. Sets {@link status}. */
  write(addr: number, size: 1 | 2 | 4, value: number): void {
    const r = this.find(addr);
    if (r === undefined) {
      this.status = BusStatus.Unmapped;
      return;
    }
    const off = addr - r.base;
    if (off + size > r.size) {
      this.status = BusStatus.Unmapped;
      return;
    }
    switch (r.kind) {
      case 'ram':
        if (r.readonly) {
          this.status = BusStatus.DeviceError;
          return;
        }
        r.writeN(off, size, value);
        this.status = BusStatus.Ok;
        return;
      case 'mmio': {
        const a = this.access;
        a.failed = false;
        r.device.write(off, size, value >>> 0, a);
        this.status = a.failed ? BusStatus.DeviceError : BusStatus.Ok;
        if (this.mmioObserver !== undefined) this.mmioObserver(r, off, size, true, value >>> 0, a.master);
        return;
      }
      case 'alias': {
        const t = r.target;
        t.setMaster(this.access.master, this.access.masterId);
        t.write(r.targetBase + off, size, value);
        this.status = t.status;
        return;
      }
    }
  }

  /** Read 8 bytes. Sets {@link status}. */
  read64(addr: number): bigint {
    const r = this.find(addr);
    if (r === undefined || addr - r.base + 8 > r.size) {
      this.status = BusStatus.Unmapped;
      return 0n;
    }
    const off = addr - r.base;
    switch (r.kind) {
      case 'ram':
        this.status = BusStatus.Ok;
        return r.read64(off);
      case 'mmio': {
        const a = this.access;
        a.failed = false;
        let v: bigint;
        if (r.device.read64 !== undefined) v = BigInt.asUintN(64, r.device.read64(off, a));
        else {
          const lo = r.device.read(off, 4, a) >>> 0;
          const hi = r.device.read(off + 4, 4, a) >>> 0;
          v = (BigInt(hi) << 32n) | BigInt(lo);
        }
        this.status = a.failed ? BusStatus.DeviceError : BusStatus.Ok;
        if (this.mmioObserver !== undefined) this.mmioObserver(r, off, 8, false, v, a.master);
        return v;
      }
      case 'alias': {
        const t = r.target;
        t.setMaster(this.access.master, this.access.masterId);
        const v = t.read64(r.targetBase + off);
        this.status = t.status;
        return v;
      }
    }
  }

  /** Write 8 bytes. Sets {@link status}. */
  write64(addr: number, value: bigint): void {
    const r = this.find(addr);
    if (r === undefined || addr - r.base + 8 > r.size) {
      this.status = BusStatus.Unmapped;
      return;
    }
    const off = addr - r.base;
    switch (r.kind) {
      case 'ram':
        if (r.readonly) {
          this.status = BusStatus.DeviceError;
          return;
        }
        r.write64(off, value);
        this.status = BusStatus.Ok;
        return;
      case 'mmio': {
        const a = this.access;
        a.failed = false;
        const v = BigInt.asUintN(64, value);
        if (r.device.write64 !== undefined) r.device.write64(off, v, a);
        else {
          r.device.write(off, 4, Number(v & 0xffffffffn), a);
          r.device.write(off + 4, 4, Number(v >> 32n), a);
        }
        this.status = a.failed ? BusStatus.DeviceError : BusStatus.Ok;
        if (this.mmioObserver !== undefined) this.mmioObserver(r, off, 8, true, v, a.master);
        return;
      }
      case 'alias': {
        const t = r.target;
        t.setMaster(this.access.master, this.access.masterId);
        t.write64(r.targetBase + off, value);
        this.status = t.status;
        return;
      }
    }
  }

  /**
   * Copy `length` bytes starting at `addr` into `dst` (DMA). Returns false, copying
   * nothing, if any byte of the range is not RAM. Device memory is never read by DMA here:
   * masters that need device-to-device transfers use read()/write().
   */
  readBytes(addr: number, dst: Uint8Array, length = dst.length): boolean {
    let done = 0;
    // Validate first so that a failing transfer has no partial effect.
    if (!this.isRam(addr, length)) return false;
    while (done < length) {
      const hit = this.findRam(addr + done)!;
      const n = Math.min(length - done, hit.length);
      dst.set(hit.ram.u8.subarray(hit.offset, hit.offset + n), done);
      done += n;
    }
    return true;
  }

  /** Copy `src` to guest memory at `addr` (DMA). Returns false, writing nothing, unless the whole range is writable RAM. */
  writeBytes(addr: number, src: Uint8Array, length = src.length): boolean {
    if (!this.isRam(addr, length, true)) return false;
    let done = 0;
    while (done < length) {
      const hit = this.findRam(addr + done)!;
      const n = Math.min(length - done, hit.length);
      hit.ram.u8.set(src.subarray(done, done + n), hit.offset);
      hit.ram.noteWrite(hit.offset, n);
      done += n;
    }
    return true;
  }

  /** True if every byte of [addr, addr+length) is RAM (writable RAM if `writable`). */
  isRam(addr: number, length: number, writable = false): boolean {
    if (!Number.isSafeInteger(addr) || addr < 0 || length < 0 || addr + length > MAX_ADDRESS) return false;
    let a = addr;
    const end = addr + length;
    while (a < end) {
      const hit = this.findRam(a);
      if (hit === undefined || (writable && hit.ram.readonly)) return false;
      a += hit.length;
    }
    return true;
  }
}

export function hex(n: number | bigint): string {
  return '0x' + n.toString(16);
}
