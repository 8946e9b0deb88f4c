/**
 * Booting Linux: the kernel `Image` headers, compressed kernels, where the kernel, initrd
 * and DTB go in RAM, and `/chosen`.
 *
 * Sources: Linux Documentation/riscv/boot-image-header.rst and Documentation/riscv/boot.rst
 * (RISC-V), Documentation/arch/arm64/booting.rst (arm64), devicetree specification v0.4
 * §3.6 (/chosen). Placement follows QEMU's `virt` boards so that what boots there boots here.
 */

import { gunzipSync } from 'node:zlib';
import type { FdtNode } from '../fdt/node.js';
import { SimError } from '../util/errors.js';
import { isElf } from './elf.js';
import { type LoadTarget, loadRaw } from './load.js';

const MiB = 1024 * 1024;

export type LinuxArch = 'riscv' | 'arm64';

/** What a kernel `Image` header says. */
export interface LinuxImageHeader {
  readonly arch: LinuxArch;
  /** Offset from a 2 MiB aligned base (arm64) or from the start of RAM (RISC-V). */
  readonly textOffset: number;
  /** Memory the kernel needs from its load address, bss included (at least the file size). */
  readonly imageSize: number;
  readonly flags: bigint;
  /** Flags bit 0 (both architectures): big-endian kernel. */
  readonly bigEndian: boolean;
  /** arm64 flags bit 3: the image may be placed anywhere in RAM, not only near its start. */
  readonly placeAnywhere: boolean;
  /** RISC-V header version (major << 16 | minor); 0 for arm64. */
  readonly version: number;
}

export type KernelKind = 'elf' | 'riscv-image' | 'arm64-image' | 'gzip' | 'zboot' | 'uimage' | 'raw';

const RISCV_MAGIC = 'RISCV\0\0\0'; // at 0x30, deprecated in header version 0.2
const RISCV_MAGIC2 = 0x05435352; // "RSC\x05" at 0x38
const ARM64_MAGIC = 0x644d5241; // "ARM\x64" at 0x38

function ascii(bytes: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n && at + i < bytes.length; i++) s += String.fromCharCode(bytes[at + i]!);
  return s;
}

/** Recognise a kernel file by its magic numbers. */
export function detectKernel(bytes: Uint8Array): KernelKind {
  if (isElf(bytes)) return 'elf';
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes.length >= 64) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // EFI zboot: a PE "MZ" stub whose bytes 4..7 say "zimg" (Linux drivers/firmware/efi/libstub/zboot-header.S).
    if (ascii(bytes, 0, 2) === 'MZ' && ascii(bytes, 4, 4) === 'zimg') return 'zboot';
    if (dv.getUint32(0x38, true) === ARM64_MAGIC) return 'arm64-image';
    if (dv.getUint32(0x38, true) === RISCV_MAGIC2 || ascii(bytes, 0x30, 8) === RISCV_MAGIC) return 'riscv-image';
    if (dv.getUint32(0, false) === 0x27051956) return 'uimage';
  }
  return 'raw';
}

/**
 * The kernel's bytes ready to load: gzip (Debian's arm64 `vmlinuz`) and gzip-compressed EFI
 * zboot images are decompressed; other compressions are a clear error.
 */
export function decompressKernel(bytes: Uint8Array, name = 'kernel'): Uint8Array {
  const kind = detectKernel(bytes);
  if (kind === 'gzip') {
    try {
      return new Uint8Array(gunzipSync(bytes));
    } catch (e) {
      throw new SimError(`${name}: gzip-compressed but does not decompress (${(e as Error).message})`, 'the file is probably truncated; fetch it again');
    }
  }
  if (kind === 'zboot') {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const offset = dv.getUint32(8, true);
    const size = dv.getUint32(12, true);
    const comp = ascii(bytes, 24, 32).split('\0')[0]!;
    if (offset + size > bytes.length) throw new SimError(`${name}: EFI zboot payload [0x${offset.toString(16)}, +0x${size.toString(16)}) runs past the end of the file`);
    if (comp !== 'gzip') {
      throw new SimError(`${name}: an EFI zboot kernel compressed with '${comp}', which Tessera cannot unpack`, `extract the Image first (e.g. with the kernel's scripts/extract-vmlinux) and pass that`);
    }
    return decompressKernel(bytes.subarray(offset, offset + size), name);
  }
  if (kind === 'uimage') throw new SimError(`${name}: a U-Boot uImage; pass the kernel Image inside it, or boot it through U-Boot`);
  return bytes;
}

/** Read a RISC-V or arm64 `Image` header; undefined if `bytes` is not such an image. */
export function parseLinuxImage(bytes: Uint8Array): LinuxImageHeader | undefined {
  const kind = detectKernel(bytes);
  if (kind !== 'riscv-image' && kind !== 'arm64-image') return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const textOffset = dv.getBigUint64(8, true);
  const imageSize = dv.getBigUint64(16, true);
  const flags = dv.getBigUint64(24, true);
  if (textOffset > 1n << 40n || imageSize > 1n << 40n) throw new SimError(`kernel Image header: implausible text_offset 0x${textOffset.toString(16)} or image_size 0x${imageSize.toString(16)}`);
  if (kind === 'arm64-image') {
    // booting.rst: image_size 0 means a kernel older than 3.17, whose text_offset is 0x80000.
    const old = imageSize === 0n;
    return {
      arch: 'arm64',
      textOffset: old ? 0x80000 : Number(textOffset),
      imageSize: Math.max(Number(imageSize), bytes.length),
      flags,
      bigEndian: (flags & 1n) !== 0n,
      placeAnywhere: (flags & 8n) !== 0n,
      version: 0,
    };
  }
  return {
    arch: 'riscv',
    textOffset: Number(textOffset),
    imageSize: Math.max(Number(imageSize), bytes.length),
    flags,
    bigEndian: (flags & 1n) !== 0n,
    placeAnywhere: false,
    version: dv.getUint32(32, true),
  };
}

export interface RamBank {
  readonly ramBase: number;
  readonly ramSize: number;
}

export interface LoadedKernel {
  readonly header: LinuxImageHeader;
  /** Load address, which is also the entry point. */
  readonly start: number;
  /** start + image_size: the first byte the kernel does not claim. */
  readonly end: number;
  /** The (decompressed) bytes that were loaded. */
  readonly bytes: Uint8Array;
}

/**
 * Where a kernel `Image` goes:
 * - RISC-V: at RAM base + text_offset (0x200000 for rv64: the 2 MiB OpenSBI keeps below the
 *   kernel), or at the first 2 MiB boundary above `after` (the end of the firmware) if that
 *   is higher, as QEMU does. rv64 kernels need 2 MiB alignment (boot.rst).
 * - arm64: text_offset bytes above the first 2 MiB aligned address at or above both the RAM
 *   base and `after` (booting.rst: "placed text_offset bytes from a 2MB aligned base").
 */
export function linuxLoadAddress(h: LinuxImageHeader, ram: RamBank & { after?: number }): number {
  const after = ram.after ?? ram.ramBase;
  if (h.arch === 'riscv') return Math.max(ram.ramBase + h.textOffset, alignUp(after, 2 * MiB));
  return alignUp(Math.max(ram.ramBase, after), 2 * MiB) + h.textOffset;
}

/** Decompress if needed, read the header, place and load a Linux `Image`. */
export function loadLinuxImage(
  target: LoadTarget,
  bytes: Uint8Array,
  ram: RamBank & { after?: number; arch?: LinuxArch; name?: string },
): LoadedKernel {
  const name = ram.name ?? 'kernel';
  const data = decompressKernel(bytes, name);
  const h = parseLinuxImage(data);
  if (h === undefined) {
    throw new SimError(`${name}: not a Linux Image (no RISC-V or arm64 Image magic at offset 0x38)`, 'pass the kernel Image (arch/*/boot/Image), or an ELF, or load it as firmware');
  }
  if (ram.arch !== undefined && h.arch !== ram.arch) throw new SimError(`${name}: an ${h.arch} kernel, but this machine boots ${ram.arch} kernels`);
  if (h.bigEndian) throw new SimError(`${name}: a big-endian kernel; Tessera models little-endian machines only`);
  const start = linuxLoadAddress(h, ram);
  const end = start + h.imageSize;
  if (end > ram.ramBase + ram.ramSize) {
    throw new SimError(
      `${name}: needs ${h.imageSize} bytes at 0x${start.toString(16)}, beyond the end of RAM at 0x${(ram.ramBase + ram.ramSize).toString(16)}`,
      'give the machine more memory (-m)',
    );
  }
  loadRaw(target, data, start, name);
  return { header: h, start, end, bytes: data };
}

export interface InitrdPlacement {
  readonly start: number;
  /** One past the last byte (as `linux,initrd-end`). */
  readonly end: number;
}

/**
 * Choose where the initrd goes. The rule is QEMU's (hw/arm/boot.c, hw/riscv/boot.c): far
 * enough above the kernel that the kernel's early allocations do not overwrite it, but low
 * enough to stay in the memory a 32-bit or early-boot kernel maps directly:
 * `kernelStart + min(ramSize / 2, 128 MiB)`, never below `kernelEnd`, page aligned. If that
 * does not fit before `limit` (the end of RAM, or where the DTB goes), the initrd goes as
 * high as it fits below `limit`, still above the kernel; otherwise it is an error.
 */
export function placeInitrd(opts: RamBank & { kernelStart: number; kernelEnd: number; size: number; limit?: number }): InitrdPlacement {
  const limit = Math.min(opts.limit ?? Infinity, opts.ramBase + opts.ramSize);
  let start = alignUp(Math.max(opts.kernelStart + Math.min(Math.floor(opts.ramSize / 2), 128 * MiB), opts.kernelEnd), 4096);
  if (start + opts.size > limit) start = alignDown(limit - opts.size, 4096);
  if (start < opts.kernelEnd || start < opts.ramBase) {
    throw new SimError(
      `initrd of ${opts.size} bytes does not fit in RAM between the kernel (ends 0x${opts.kernelEnd.toString(16)}) and 0x${limit.toString(16)}`,
      'give the machine more memory (-m) or use a smaller initrd',
    );
  }
  return { start, end: start + opts.size };
}

/**
 * Choose where the DTB goes: at the top of RAM, below 3 GiB when RAM starts below it (so
 * 32-bit and early-boot code can reach it; QEMU's riscv rule), aligned down to 2 MiB so
 * the kernel's early mapping of it is one block. Must stay above `above` (kernel end).
 */
export function placeDtb(opts: RamBank & { size: number; above?: number }): number {
  let top = opts.ramBase + opts.ramSize;
  const cap = 3 * 1024 * MiB;
  if (opts.ramBase < cap) top = Math.min(top, cap);
  const addr = alignDown(top - opts.size, 2 * MiB);
  if (addr < (opts.above ?? opts.ramBase) || addr < opts.ramBase) {
    // Small RAM: the highest 8-byte aligned place (§5.1: the DTB must be 8-byte aligned).
    const low = alignDown(top - opts.size, 8);
    if (low < (opts.above ?? opts.ramBase) || low < opts.ramBase) throw new SimError(`the device tree (${opts.size} bytes) does not fit in RAM above 0x${(opts.above ?? opts.ramBase).toString(16)}`, 'give the machine more memory (-m)');
    return low;
  }
  return addr;
}

export interface ChosenOptions {
  bootargs?: string;
  initrdStart?: number;
  initrdEnd?: number;
  /** Path (or alias) of the console device, e.g. `/soc/serial@10000000`. */
  stdoutPath?: string;
  /** Bytes for `rng-seed` (Linux credits them to its entropy pool). */
  rngSeed?: Uint8Array;
  /** Value for `kaslr-seed` (arm64). */
  kaslrSeed?: bigint;
}

/**
 * Write boot information into `/chosen` (devicetree spec v0.4 §3.6; Linux
 * Documentation/devicetree/bindings/chosen.txt). `linux,initrd-start`/`-end` are written as
 * 64-bit values: Linux reads them with the length the property has.
 */
export function setChosen(root: FdtNode, opts: ChosenOptions): FdtNode {
  const chosen = root.child('chosen');
  if (opts.bootargs !== undefined) chosen.str('bootargs', opts.bootargs);
  if (opts.stdoutPath !== undefined) chosen.str('stdout-path', opts.stdoutPath);
  if ((opts.initrdStart === undefined) !== (opts.initrdEnd === undefined)) throw new SimError('setChosen: initrdStart and initrdEnd go together');
  if (opts.initrdStart !== undefined && opts.initrdEnd !== undefined) {
    if (opts.initrdEnd < opts.initrdStart) throw new SimError(`setChosen: initrd end 0x${opts.initrdEnd.toString(16)} is below its start 0x${opts.initrdStart.toString(16)}`);
    chosen.u64('linux,initrd-start', opts.initrdStart).u64('linux,initrd-end', opts.initrdEnd);
  }
  if (opts.rngSeed !== undefined) chosen.set('rng-seed', opts.rngSeed.slice());
  if (opts.kaslrSeed !== undefined) chosen.u64('kaslr-seed', opts.kaslrSeed);
  return chosen;
}

function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}

function alignDown(v: number, a: number): number {
  return Math.floor(v / a) * a;
}
