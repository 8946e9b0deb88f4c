/**
 * Putting images into guest memory: ELF segments, raw images at an address.
 *
 * Images are written with {@link MemoryWriter.writeBytes} (an {@link AddressSpace}
 * qualifies), which writes RAM only and notes the write for decoded-code caches. Every
 * range is checked before anything is written, so a failed load leaves memory untouched.
 */

import type { AddressSpace } from '../bus/address-space.js';
import { SimError } from '../util/errors.js';
import { type ElfFile, type ElfSymbols, type ParseElfOptions, PT_LOAD, parseElf } from './elf.js';

/** Anything images can be written into. */
export interface MemoryWriter {
  writeBytes(addr: number, src: Uint8Array, length?: number): boolean;
  /** True if the whole range is writable RAM (checked before writing when present). */
  isRam?(addr: number, length: number, writable?: boolean): boolean;
  readonly name?: string;
}

export type LoadTarget = AddressSpace | MemoryWriter;

export interface LoadedSegment {
  /** Index of the program header. */
  readonly index: number;
  /** Guest physical address the segment was written at. */
  readonly address: number;
  readonly filesz: number;
  readonly memsz: number;
}

export interface LoadedElf {
  /** Entry point as a physical address (see {@link loadElf}). */
  readonly entry: number;
  readonly segments: readonly LoadedSegment[];
  readonly symbols: ElfSymbols;
  /** Lowest and one-past-highest address written. */
  readonly low: number;
  readonly high: number;
  readonly elf: ElfFile;
}

export interface LoadElfOptions extends ParseElfOptions {
  /** Added to every load address and to the entry point. */
  offset?: number;
  /** Load at p_vaddr instead of p_paddr (for images whose physical addresses are meaningless). */
  useVirtual?: boolean;
}

const MAX_ADDRESS = 2 ** 53;
const ZERO_CHUNK = 1 << 20;
let zeros: Uint8Array | undefined;

function spaceName(t: LoadTarget): string {
  return t.name !== undefined ? `'${t.name}'` : 'memory';
}

function checkWritable(t: LoadTarget, addr: number, length: number, what: string): void {
  const ok = Number.isSafeInteger(addr) && addr >= 0 && addr + length <= MAX_ADDRESS && (t.isRam === undefined || t.isRam(addr, length, true));
  if (!ok) {
    throw new SimError(
      `${what} at 0x${addr.toString(16)}..0x${(addr + Math.max(length, 1) - 1).toString(16)} is not in the RAM of ${spaceName(t)}`,
      'check the image was built for this machine\'s memory map (or give a load offset)',
    );
  }
}

function write(t: LoadTarget, addr: number, bytes: Uint8Array, what: string): void {
  if (bytes.length === 0) return;
  if (!t.writeBytes(addr, bytes)) failWrite(t, addr, bytes.length, what);
}

function failWrite(t: LoadTarget, addr: number, length: number, what: string): never {
  throw new SimError(`${what} at 0x${addr.toString(16)}..0x${(addr + length - 1).toString(16)} could not be written to ${spaceName(t)} (not RAM)`);
}

function zeroFill(t: LoadTarget, addr: number, length: number, what: string): void {
  zeros ??= new Uint8Array(ZERO_CHUNK);
  for (let done = 0; done < length; done += ZERO_CHUNK) {
    const n = Math.min(ZERO_CHUNK, length - done);
    if (!t.writeBytes(addr + done, zeros, n)) failWrite(t, addr + done, n, what);
  }
}

/**
 * Load an ELF64 image's PT_LOAD segments at their physical addresses (p_paddr, as QEMU's
 * loader does), zero-filling p_memsz beyond p_filesz (bss). The entry point is given as a
 * physical address: when e_entry lies inside a segment's virtual range (a kernel linked at
 * a high virtual address) it is translated through that segment's p_paddr.
 */
export function loadElf(target: LoadTarget, image: Uint8Array | ElfFile, opts: LoadElfOptions = {}): LoadedElf {
  const elf = image instanceof Uint8Array ? parseElf(image, opts) : image;
  const what = opts.name ?? 'ELF image';
  const offset = opts.offset ?? 0;
  const plan: Array<{ seg: (typeof elf.segments)[number]; address: number }> = [];
  for (const seg of elf.segments) {
    if (seg.type !== PT_LOAD || seg.memsz === 0) continue;
    const base = opts.useVirtual === true ? seg.vaddr : seg.paddr;
    const addr = base + BigInt(offset);
    if (addr < 0n || addr + BigInt(seg.memsz) > BigInt(MAX_ADDRESS)) {
      throw new SimError(`${what}: segment ${seg.index} at 0x${BigInt.asUintN(64, addr).toString(16)} is outside any physical address this machine has`);
    }
    const address = Number(addr);
    checkWritable(target, address, seg.memsz, `${what}: segment ${seg.index}`);
    plan.push({ seg, address });
  }
  if (plan.length === 0) throw new SimError(`${what}: no loadable (PT_LOAD) segment`);

  let low = Infinity;
  let high = 0;
  for (const { seg, address } of plan) {
    const label = `${what}: segment ${seg.index}`;
    write(target, address, elf.bytes.subarray(seg.offset, seg.offset + seg.filesz), label);
    if (seg.memsz > seg.filesz) zeroFill(target, address + seg.filesz, seg.memsz - seg.filesz, label);
    low = Math.min(low, address);
    high = Math.max(high, address + seg.memsz);
  }

  let entry = elf.entry;
  for (const { seg } of plan) {
    if (entry >= seg.vaddr && entry < seg.vaddr + BigInt(seg.memsz)) {
      entry = (opts.useVirtual === true ? seg.vaddr : seg.paddr) + (entry - seg.vaddr);
      break;
    }
  }
  entry += BigInt(offset);
  if (entry < 0n || entry >= BigInt(MAX_ADDRESS)) throw new SimError(`${what}: entry point 0x${BigInt.asUintN(64, entry).toString(16)} is not a physical address`);

  return {
    entry: Number(entry),
    segments: plan.map(({ seg, address }) => ({ index: seg.index, address, filesz: seg.filesz, memsz: seg.memsz })),
    symbols: elf.symbols,
    low,
    high,
    elf,
  };
}

export interface LoadedRaw {
  readonly start: number;
  /** One past the last byte written. */
  readonly end: number;
}

/** Copy a raw image (firmware `.bin`, kernel `Image`, initrd, DTB) to `address`. */
export function loadRaw(target: LoadTarget, bytes: Uint8Array, address: number, name = 'image'): LoadedRaw {
  checkWritable(target, address, bytes.length, `${name} (${bytes.length} bytes)`);
  write(target, address, bytes, name);
  return { start: address, end: address + bytes.length };
}
