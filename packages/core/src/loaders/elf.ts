/**
 * ELF64 little-endian images (System V gABI, "ELF-64 Object File Format" 1.5): the header,
 * program headers (PT_LOAD segments with their bss), section headers and the symbol table.
 *
 * Every offset and count read from the file is checked against the file's size first, so a
 * truncated or corrupt file is a {@link SimError}, never a RangeError.
 */

import { SimError } from '../util/errors.js';

export const EM_AARCH64 = 183;
export const EM_RISCV = 243;
export const PT_LOAD = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_DYNSYM = 11;
export const SHT_NOBITS = 8;

const MACHINE_NAMES: Record<number, string> = { [EM_AARCH64]: 'AArch64', [EM_RISCV]: 'RISC-V', 62: 'x86-64', 40: 'ARM', 3: 'x86' };

export interface ElfSegment {
  /** Index in the program header table. */
  readonly index: number;
  readonly type: number;
  /** PF_X 1, PF_W 2, PF_R 4. */
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: bigint;
  readonly paddr: bigint;
  readonly filesz: number;
  readonly memsz: number;
  readonly align: bigint;
}

export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: bigint;
  readonly addr: bigint;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly entsize: number;
}

export interface ElfSymbol {
  readonly name: string;
  readonly value: bigint;
  readonly size: bigint;
  /** STT_*: 0 notype, 1 object, 2 func, 3 section, 4 file. */
  readonly type: number;
  /** STB_*: 0 local, 1 global, 2 weak. */
  readonly bind: number;
  readonly shndx: number;
}

/** Symbols by name; a global definition wins over a local one of the same name. */
export class ElfSymbols {
  private readonly byName = new Map<string, ElfSymbol>();

  /** @internal */
  add(s: ElfSymbol): void {
    if (s.name === '' || s.shndx === 0) return; // undefined symbols name nothing here
    const old = this.byName.get(s.name);
    if (old === undefined || (old.bind === 0 && s.bind !== 0)) this.byName.set(s.name, s);
  }

  /** The symbol's value as an address, or undefined (also when it does not fit in 2^53). */
  symbol(name: string): number | undefined {
    const s = this.byName.get(name);
    if (s === undefined || s.value >= 1n << 53n) return undefined;
    return Number(s.value);
  }

  lookup(name: string): ElfSymbol | undefined {
    return this.byName.get(name);
  }

  get size(): number {
    return this.byName.size;
  }

  all(): IterableIterator<ElfSymbol> {
    return this.byName.values();
  }
}

export interface ElfFile {
  /** ET_EXEC 2, ET_DYN 3, ... */
  readonly type: number;
  readonly machine: number;
  readonly flags: number;
  readonly entry: bigint;
  readonly segments: readonly ElfSegment[];
  readonly sections: readonly ElfSection[];
  readonly symbols: ElfSymbols;
  /** The file's bytes. */
  readonly bytes: Uint8Array;
}

export interface ParseElfOptions {
  /** Expected e_machine (EM_RISCV, EM_AARCH64); another machine is an error. */
  machine?: number;
  /** Name used in messages (a file path). */
  name?: string;
}

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Parse an ELF64 little-endian file. */
export function parseElf(bytes: Uint8Array, opts: ParseElfOptions = {}): ElfFile {
  const what = opts.name ?? 'ELF image';
  const fail = (msg: string): SimError => new SimError(`${what}: ${msg}`);
  if (!isElf(bytes)) throw fail('not an ELF file (no \\x7fELF magic)');
  if (bytes.length < 64) throw fail(`truncated: ${bytes.length} bytes is shorter than the ELF64 header`);
  // e_ident: EI_CLASS at 4 (2 = 64-bit), EI_DATA at 5 (1 = little-endian).
  if (bytes[4] !== 2) throw fail(`a ${bytes[4] === 1 ? '32-bit' : 'unknown-class'} ELF file; only 64-bit (ELFCLASS64) images are loaded`);
  if (bytes[5] !== 1) throw fail(`a ${bytes[5] === 2 ? 'big-endian' : 'unknown-endian'} ELF file; only little-endian images are loaded`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => dv.getUint16(o, true);
  const u32 = (o: number): number => dv.getUint32(o, true);
  const u64 = (o: number): bigint => dv.getBigUint64(o, true);
  /** A file offset or size, which must lie within the file. */
  const off = (v: bigint, field: string): number => {
    if (v > BigInt(bytes.length)) throw fail(`truncated or corrupt: ${field} 0x${v.toString(16)} is beyond the end of the ${bytes.length}-byte file`);
    return Number(v);
  };

  const type = u16(16);
  const machine = u16(18);
  if (opts.machine !== undefined && machine !== opts.machine) {
    throw fail(`built for ${MACHINE_NAMES[machine] ?? `machine ${machine}`} (e_machine ${machine}), but this CPU needs ${MACHINE_NAMES[opts.machine] ?? opts.machine} (e_machine ${opts.machine})`);
  }
  const entry = u64(24);
  const phoff = off(u64(32), 'e_phoff');
  const shoff = off(u64(40), 'e_shoff');
  const flags = u32(48);
  const phentsize = u16(54);
  let phnum = u16(56);
  const shentsize = u16(58);
  let shnum = u16(60);
  let shstrndx = u16(62);

  // Extended numbering (gABI): counts that do not fit 16 bits live in section header 0.
  if (shoff !== 0 && (shnum === 0 || phnum === 0xffff || shstrndx === 0xffff)) {
    if (shentsize < 64 || shoff + 64 > bytes.length) throw fail('truncated: section header 0 is beyond the end of the file');
    if (shnum === 0) shnum = off(u64(shoff + 32), 'section count');
    if (phnum === 0xffff) phnum = u32(shoff + 44);
    if (shstrndx === 0xffff) shstrndx = u32(shoff + 40);
  }

  const segments: ElfSegment[] = [];
  if (phnum > 0) {
    if (phentsize < 56) throw fail(`e_phentsize ${phentsize} is smaller than an ELF64 program header`);
    if (phoff + phnum * phentsize > bytes.length) throw fail(`truncated: ${phnum} program headers at 0x${phoff.toString(16)} run past the end of the file`);
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      const ptype = u32(o);
      const offset = u64(o + 8);
      const filesz = u64(o + 32);
      const memsz = u64(o + 40);
      if (ptype === PT_LOAD) {
        // A segment with nothing in the file (all bss) may carry any offset.
        if (filesz > 0n && offset + filesz > BigInt(bytes.length)) throw fail(`truncated: segment ${i} needs file bytes [0x${offset.toString(16)}, +0x${filesz.toString(16)}) beyond the end of the file`);
        if (memsz < filesz) throw fail(`segment ${i} has p_memsz 0x${memsz.toString(16)} smaller than p_filesz 0x${filesz.toString(16)}`);
        if (memsz > 1n << 40n) throw fail(`segment ${i} has an implausible p_memsz 0x${memsz.toString(16)}`);
      }
      segments.push({
        index: i,
        type: ptype,
        flags: u32(o + 4),
        offset: ptype === PT_LOAD && filesz > 0n ? Number(offset) : Number(BigInt.asUintN(52, offset)),
        vaddr: u64(o + 16),
        paddr: u64(o + 24),
        filesz: ptype === PT_LOAD ? Number(filesz) : Number(BigInt.asUintN(52, filesz)),
        memsz: ptype === PT_LOAD ? Number(memsz) : Number(BigInt.asUintN(52, memsz)),
        align: u64(o + 48),
      });
    }
  }

  const sections: ElfSection[] = [];
  if (shoff !== 0 && shnum > 0) {
    if (shentsize < 64) throw fail(`e_shentsize ${shentsize} is smaller than an ELF64 section header`);
    if (shoff + shnum * shentsize > bytes.length) throw fail(`truncated: ${shnum} section headers at 0x${shoff.toString(16)} run past the end of the file`);
    const raw = [];
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      const stype = u32(o + 4);
      const offset = u64(o + 24);
      const size = u64(o + 32);
      if (stype !== SHT_NOBITS && stype !== 0 && offset + size > BigInt(bytes.length)) {
        throw fail(`truncated: section ${i} [0x${offset.toString(16)}, +0x${size.toString(16)}) runs past the end of the file`);
      }
      raw.push({
        index: i,
        nameOff: u32(o),
        type: stype,
        flags: u64(o + 8),
        addr: u64(o + 16),
        offset: stype === SHT_NOBITS ? 0 : Number(offset),
        size: stype === SHT_NOBITS || stype === 0 ? Number(BigInt.asUintN(52, size)) : Number(size),
        link: u32(o + 40),
        entsize: Number(BigInt.asUintN(32, u64(o + 56))),
      });
    }
    const shstr = shstrndx < raw.length ? raw[shstrndx] : undefined;
    for (const r of raw) {
      const name = shstr !== undefined && shstr.type === SHT_STRTAB ? cstr(bytes, shstr.offset, shstr.size, r.nameOff) : '';
      sections.push({ index: r.index, name, type: r.type, flags: r.flags, addr: r.addr, offset: r.offset, size: r.size, link: r.link, entsize: r.entsize });
    }
  }

  // Symbols: .symtab (and .dynsym for stripped shared objects), names from the linked strtab.
  const symbols = new ElfSymbols();
  for (const s of sections) {
    if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
    const strtab = sections[s.link];
    if (strtab === undefined || strtab.type !== SHT_STRTAB) continue;
    const entsize = s.entsize >= 24 ? s.entsize : 24;
    for (let o = s.offset; o + 24 <= s.offset + s.size; o += entsize) {
      const info = bytes[o + 4]!;
      symbols.add({
        name: cstr(bytes, strtab.offset, strtab.size, u32(o)),
        value: u64(o + 8),
        size: u64(o + 16),
        type: info & 0xf,
        bind: info >> 4,
        shndx: u16(o + 6),
      });
    }
  }

  return { type, machine, flags, entry, segments, sections, symbols, bytes };
}

/** A NUL-terminated string at `index` in the string table at [start, start+size). */
function cstr(bytes: Uint8Array, start: number, size: number, index: number): string {
  if (index >= size) return '';
  const end = Math.min(start + size, bytes.length);
  let e = start + index;
  while (e < end && bytes[e] !== 0) e++;
  let s = '';
  for (let i = start + index; i < e; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}
