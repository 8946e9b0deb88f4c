/** A small ELF64 little-endian reader: loadable segments, entry point and symbols (ELF-64 Object File Format 1.5). */

export interface ElfSegment {
  readonly paddr: number;
  readonly vaddr: number;
  readonly data: Uint8Array;
  /** Bytes in memory (the tail past `data.length` is zero, .bss). */
  readonly memsz: number;
}

export interface ElfImage {
  readonly entry: number;
  readonly machine: number;
  readonly segments: readonly ElfSegment[];
  readonly symbols: ReadonlyMap<string, number>;
}

export const EM_RISCV = 243;

export function parseElf(bytes: Uint8Array): ElfImage {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 64 || dv.getUint32(0, false) !== 0x7f454c46) throw new Error('not an ELF file');
  if (bytes[4] !== 2) throw new Error('not a 64-bit ELF file');
  if (bytes[5] !== 1) throw new Error('not a little-endian ELF file');
  const u64 = (o: number): number => Number(dv.getBigUint64(o, true));
  const machine = dv.getUint16(18, true);
  const entry = u64(24);
  const phoff = u64(32);
  const shoff = u64(40);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  const shentsize = dv.getUint16(58, true);
  const shnum = dv.getUint16(60, true);
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (o + 56 > bytes.length) throw new Error('truncated program header');
    if (dv.getUint32(o, true) !== 1) continue; // PT_LOAD
    const off = u64(o + 8);
    const vaddr = u64(o + 16);
    const paddr = u64(o + 24);
    const filesz = u64(o + 32);
    const memsz = u64(o + 40);
    if (off + filesz > bytes.length) throw new Error('segment outside the file');
    segments.push({ paddr, vaddr, data: bytes.subarray(off, off + filesz), memsz });
  }
  const symbols = new Map<string, number>();
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    if (o + 64 > bytes.length) break;
    if (dv.getUint32(o + 4, true) !== 2) continue; // SHT_SYMTAB
    const off = u64(o + 24);
    const size = u64(o + 32);
    const link = dv.getUint32(o + 40, true);
    const entsize = u64(o + 56) || 24;
    const so = shoff + link * shentsize;
    const strOff = u64(so + 24);
    const strSize = u64(so + 32);
    for (let p = off; p + entsize <= off + size && p + 24 <= bytes.length; p += entsize) {
      const nameOff = dv.getUint32(p, true);
      if (nameOff === 0 || nameOff >= strSize) continue;
      let end = strOff + nameOff;
      while (end < bytes.length && bytes[end] !== 0) end++;
      const name = new TextDecoder().decode(bytes.subarray(strOff + nameOff, end));
      symbols.set(name, u64(p + 8));
    }
  }
  return { entry, machine, segments, symbols };
}
