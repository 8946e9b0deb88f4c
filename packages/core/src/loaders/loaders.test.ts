import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AddressSpace } from '../bus/address-space.js';
import { parseDtb, writeDtb } from '../fdt/dtb.js';
import { createTree } from '../fdt/node.js';
import { SimError } from '../util/errors.js';
import { EM_AARCH64, EM_RISCV, parseElf } from './elf.js';
import { loadElf, loadRaw } from './load.js';
import { decompressKernel, detectKernel, linuxLoadAddress, loadLinuxImage, parseLinuxImage, placeDtb, placeInitrd, setChosen } from './linux.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/elf');
const riscvElf = new Uint8Array(fs.readFileSync(path.join(fixtures, 'riscv.elf')));
const arm64Elf = new Uint8Array(fs.readFileSync(path.join(fixtures, 'aarch64.elf')));
const MiB = 1024 * 1024;

function space(base: number, size: number, fill = 0xaa): AddressSpace {
  const s = new AddressSpace('sysbus');
  const ram = s.addRam('ram', base, size);
  ram.u8.fill(fill);
  return s;
}

function expectSimError(f: () => unknown, re: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SimError);
  expect((err as Error).message).toMatch(re);
}

describe('parseElf', () => {
  it('reads header, segments, sections and symbols of a RISC-V ELF', () => {
    const e = parseElf(riscvElf, { machine: EM_RISCV });
    expect(e.machine).toBe(EM_RISCV);
    expect(e.type).toBe(2);
    expect(e.entry).toBe(0x8000_0000n);
    const loads = e.segments.filter((s) => s.type === 1);
    expect(loads.map((s) => [s.paddr, s.filesz, s.memsz])).toEqual([
      [0x8000_0000n, 0x3b, 0x3b],
      [0x8000_1000n, 0x1008, 0x4000],
    ]);
    expect(e.sections.map((s) => s.name)).toContain('.tohost');
    expect(e.symbols.symbol('tohost')).toBe(0x8000_1000);
    expect(e.symbols.symbol('fromhost')).toBe(0x8000_1040);
    expect(e.symbols.symbol('counter')).toBe(0x8000_2000);
    expect(e.symbols.lookup('_start')!.bind).toBe(1);
    expect(e.symbols.symbol('no_such_symbol')).toBeUndefined();
  });

  it('rejects what it cannot load with a clear SimError', () => {
    expectSimError(() => parseElf(new Uint8Array([1, 2, 3, 4, 5])), /not an ELF file/);
    const c32 = riscvElf.slice();
    c32[4] = 1;
    expectSimError(() => parseElf(c32), /32-bit ELF file/);
    const be = riscvElf.slice();
    be[5] = 2;
    expectSimError(() => parseElf(be), /big-endian ELF file/);
    expectSimError(() => parseElf(riscvElf, { machine: EM_AARCH64, name: 'fw.elf' }), /^fw\.elf: built for RISC-V \(e_machine 243\), but this CPU needs AArch64/);
    expectSimError(() => parseElf(riscvElf.subarray(0, 40)), /truncated/);
    expectSimError(() => parseElf(riscvElf.subarray(0, 0x1010)), /truncated/);
    const badMem = riscvElf.slice();
    // Segment 2's p_memsz (program headers at 64, 56 bytes each, p_memsz at +40) below p_filesz.
    new DataView(badMem.buffer).setBigUint64(64 + 2 * 56 + 40, 1n, true);
    expectSimError(() => parseElf(badMem), /segment 2 has p_memsz 0x1 smaller than p_filesz/);
  });

  it('never throws anything but SimError on truncated or corrupted files (fuzz)', () => {
    let seed = 99;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const target = space(0x8000_0000, MiB);
    const tryAll = (b: Uint8Array): void => {
      try {
        loadElf(target, b);
      } catch (e) {
        if (!(e instanceof SimError)) throw e;
      }
    };
    for (let n = 0; n < riscvElf.length; n += 7) tryAll(riscvElf.subarray(0, n));
    for (let i = 0; i < 2000; i++) {
      const b = riscvElf.slice();
      for (let k = 0; k < 3; k++) {
        // Corrupt the headers and tables, where corruption matters.
        const at = rnd(3) === 0 ? rnd(0x100) : 0x3060 + rnd(riscvElf.length - 0x3060);
        b[at] = rnd(256);
      }
      tryAll(b);
    }
  });
});

describe('loadElf', () => {
  it('loads segments, zero-fills bss and returns entry and symbols', () => {
    const s = space(0x8000_0000, MiB);
    const r = loadElf(s, riscvElf, { machine: EM_RISCV });
    expect(r.entry).toBe(0x8000_0000);
    expect(r.segments.map((x) => x.address)).toEqual([0x8000_0000, 0x8000_1000]);
    expect(r.low).toBe(0x8000_0000);
    expect(r.high).toBe(0x8000_5000);
    expect(r.symbols.symbol('tohost')).toBe(0x8000_1000);
    expect(s.read64(0x8000_2000)).toBe(0x1122334455667788n);
    const msg = new Uint8Array(16);
    s.readBytes(0x8000_002a, msg);
    expect(Buffer.from(msg).toString()).toBe('hello from riscv');
    // bss (0x80003000..0x80005000) zeroed over the 0xaa fill, nothing beyond touched.
    expect(s.read64(0x8000_3000)).toBe(0n);
    expect(s.read64(0x8000_4ff8)).toBe(0n);
    expect(s.read(0x8000_5000, 1)).toBe(0xaa);
    expect(s.read(0x8000_003b, 1)).toBe(0xaa);
  });

  it('translates a virtual entry point through the segment and loads at p_paddr', () => {
    const s = space(0x4000_0000, 16 * MiB);
    const r = loadElf(s, arm64Elf, { machine: EM_AARCH64 });
    expect(r.entry).toBe(0x4008_0000);
    expect(s.read64(0x4008_0018)).toBe(0xcafef00dn);
    expect(s.read64(0x4008_0020)).toBe(0n);
    expect(s.read64(0x4008_0118)).toBe(0n);
    expect(s.read(0x4008_0120, 1)).toBe(0xaa);
    expect(r.symbols.lookup('value')!.value).toBe(0xffff_0000_4008_0018n);
    // Its virtual addresses are no physical address.
    expectSimError(() => loadElf(s, arm64Elf, { useVirtual: true }), /outside any physical address/);
  });

  it('zero-fills a segment that is all bss, whatever its file offset', () => {
    const b = riscvElf.slice();
    const dv = new DataView(b.buffer);
    const ph = 64 + 2 * 56; // the data segment
    dv.setBigUint64(ph + 8, 0xffff_ffffn, true); // p_offset far past the end of the file
    dv.setBigUint64(ph + 32, 0n, true); // p_filesz
    const s = space(0x8000_0000, MiB);
    const r = loadElf(s, b);
    expect(r.segments[1]).toMatchObject({ address: 0x8000_1000, filesz: 0, memsz: 0x4000 });
    expect(s.read64(0x8000_2000)).toBe(0n);
    expect(s.read64(0x8000_4ff8)).toBe(0n);
    expect(s.read(0x8000_5000, 1)).toBe(0xaa);
  });

  it('applies a load offset to addresses and entry', () => {
    const s = space(0x9000_0000, MiB);
    const r = loadElf(s, riscvElf, { offset: 0x1000_0000 });
    expect(r.entry).toBe(0x9000_0000);
    expect(s.read64(0x9000_2000)).toBe(0x1122334455667788n);
  });

  it('names the segment and address outside RAM, and writes nothing', () => {
    expectSimError(() => loadElf(space(0x9000_0000, MiB), riscvElf), /segment 1 at 0x80000000\.\.0x8000003a is not in the RAM of 'sysbus'/);
    // Only the first segment fits: nothing is written at all.
    const s = space(0x8000_0000, 0x2000);
    expectSimError(() => loadElf(s, riscvElf), /segment 2 at 0x80001000/);
    expect(s.read(0x8000_0000, 4)).toBe(0xaaaaaaaa);
    // MMIO is not RAM either.
    const m = new AddressSpace('bus');
    m.addMmio('dev', 0x8000_0000, 0x10000, { read: () => 0, write: () => {} });
    expectSimError(() => loadElf(m, riscvElf), /not in the RAM/);
    expectSimError(() => loadRaw(m, new Uint8Array(4), 0x8000_0000, 'firmware.bin'), /firmware\.bin \(4 bytes\) at 0x80000000\.\.0x80000003 is not in the RAM/);
  });

  it('loads raw images and refuses read-only memory', () => {
    const s = space(0x8000_0000, MiB);
    const r = loadRaw(s, new Uint8Array([1, 2, 3, 4, 5]), 0x8000_0100);
    expect(r).toEqual({ start: 0x8000_0100, end: 0x8000_0105 });
    expect(s.read(0x8000_0104, 1)).toBe(5);
    const rom = new AddressSpace('bus');
    rom.addRam('rom', 0x1000, 0x1000, { readonly: true });
    expectSimError(() => loadRaw(rom, new Uint8Array(4), 0x1000), /not in the RAM/);
  });
});

function riscvImage(textOffset: number, imageSize: number, fileSize = 0x2000): Uint8Array {
  const b = new Uint8Array(fileSize);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x0000_006f, true); // j . (code0)
  dv.setBigUint64(8, BigInt(textOffset), true);
  dv.setBigUint64(16, BigInt(imageSize), true);
  dv.setUint32(32, 0x0002, true); // version 0.2
  b.set(Buffer.from('RISCV\0\0\0'), 0x30);
  dv.setUint32(0x38, 0x05435352, true);
  b[0x100] = 0x5a;
  return b;
}

function arm64Image(textOffset: number, imageSize: number, flags: number): Uint8Array {
  const b = new Uint8Array(0x3000);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x9100_0000, true);
  dv.setBigUint64(8, BigInt(textOffset), true);
  dv.setBigUint64(16, BigInt(imageSize), true);
  dv.setBigUint64(24, BigInt(flags), true);
  dv.setUint32(0x38, 0x644d5241, true);
  b[0x2fff] = 0x77;
  return b;
}

describe('Linux images', () => {
  it('reads the RISC-V Image header and places the kernel as QEMU does', () => {
    const img = riscvImage(0x20_0000, 0x10_0000);
    expect(detectKernel(img)).toBe('riscv-image');
    const h = parseLinuxImage(img)!;
    expect(h).toMatchObject({ arch: 'riscv', textOffset: 0x20_0000, imageSize: 0x10_0000, version: 2, bigEndian: false });
    const s = space(0x8000_0000, 64 * MiB);
    const k = loadLinuxImage(s, img, { ramBase: 0x8000_0000, ramSize: 64 * MiB, arch: 'riscv' });
    expect(k.start).toBe(0x8020_0000);
    expect(k.end).toBe(0x8030_0000);
    expect(s.read(0x8020_0100, 1)).toBe(0x5a);
    // Above a larger firmware: the next 2 MiB boundary.
    expect(linuxLoadAddress(h, { ramBase: 0x8000_0000, ramSize: 64 * MiB, after: 0x8030_0010 })).toBe(0x8040_0000);
    expectSimError(() => loadLinuxImage(s, img, { ramBase: 0x8000_0000, ramSize: 64 * MiB, arch: 'arm64' }), /an riscv kernel, but this machine boots arm64/);
    expectSimError(() => loadLinuxImage(s, riscvImage(0x20_0000, 0x4000_0000), { ramBase: 0x8000_0000, ramSize: 64 * MiB }), /beyond the end of RAM/);
  });

  it('reads the arm64 Image header, including gzip-compressed and pre-3.17 kernels', () => {
    const img = arm64Image(0, 0x1_0000, 0xa);
    expect(detectKernel(img)).toBe('arm64-image');
    expect(parseLinuxImage(img)).toMatchObject({ arch: 'arm64', textOffset: 0, imageSize: 0x1_0000, placeAnywhere: true, bigEndian: false });
    const gz = gzipSync(img);
    expect(detectKernel(gz)).toBe('gzip');
    const s = space(0x4000_0000, 64 * MiB);
    const k = loadLinuxImage(s, gz, { ramBase: 0x4000_0000, ramSize: 64 * MiB, after: 0x4000_1000 });
    expect(k.start).toBe(0x4020_0000);
    expect(k.end).toBe(0x4021_0000);
    expect(s.read(0x4020_2fff, 1)).toBe(0x77);
    const old = parseLinuxImage(arm64Image(0x1234, 0, 0))!;
    expect(old.textOffset).toBe(0x80000);
    expect(old.imageSize).toBe(0x3000);
    expectSimError(() => loadLinuxImage(s, arm64Image(0, 0x1_0000, 1), { ramBase: 0x4000_0000, ramSize: 64 * MiB }), /big-endian/);
    expectSimError(() => decompressKernel(gz.subarray(0, gz.length - 10)), /does not decompress/);
    expectSimError(() => loadLinuxImage(s, new Uint8Array(4096), { ramBase: 0x4000_0000, ramSize: 64 * MiB }), /not a Linux Image/);
  });

  it('unpacks a gzip EFI zboot image and rejects other compressions', () => {
    const payload = gzipSync(arm64Image(0, 0x1_0000, 0));
    const mk = (comp: string): Uint8Array => {
      const b = new Uint8Array(0x200 + payload.length);
      b.set(Buffer.from('MZ'), 0);
      b.set(Buffer.from('zimg'), 4);
      const dv = new DataView(b.buffer);
      dv.setUint32(8, 0x200, true);
      dv.setUint32(12, payload.length, true);
      b.set(Buffer.from(comp), 24);
      b.set(payload, 0x200);
      return b;
    };
    expect(detectKernel(mk('gzip'))).toBe('zboot');
    expect(parseLinuxImage(decompressKernel(mk('gzip')))!.arch).toBe('arm64');
    expectSimError(() => decompressKernel(mk('zstd22'), 'vmlinuz'), /vmlinuz: an EFI zboot kernel compressed with 'zstd22'/);
  });

  it('places the initrd as QEMU does, or as high as fits, or reports it', () => {
    const ram = { ramBase: 0x8000_0000, ramSize: 1024 * MiB };
    expect(placeInitrd({ ...ram, kernelStart: 0x8020_0000, kernelEnd: 0x8140_0000, size: 16 * MiB })).toEqual({ start: 0x8820_0000, end: 0x8920_0000 });
    // Small RAM: half of it above the kernel.
    expect(placeInitrd({ ramBase: 0x8000_0000, ramSize: 64 * MiB, kernelStart: 0x8020_0000, kernelEnd: 0x8100_0000, size: 1 * MiB }).start).toBe(0x8220_0000);
    // Large initrd: as high as it fits below the limit.
    const p = placeInitrd({ ramBase: 0x8000_0000, ramSize: 64 * MiB, kernelStart: 0x8020_0000, kernelEnd: 0x8100_0000, size: 40 * MiB, limit: 0x83e0_0000 });
    expect(p.end).toBeLessThanOrEqual(0x83e0_0000);
    expect(p.start).toBe(0x8160_0000);
    expectSimError(() => placeInitrd({ ramBase: 0x8000_0000, ramSize: 64 * MiB, kernelStart: 0x8020_0000, kernelEnd: 0x8100_0000, size: 60 * MiB }), /does not fit in RAM/);
  });

  it('places the DTB at the top of RAM below 3 GiB, 2 MiB aligned', () => {
    expect(placeDtb({ ramBase: 0x8000_0000, ramSize: 512 * MiB, size: 0x2000 })).toBe(0x9fe0_0000);
    expect(placeDtb({ ramBase: 0x8000_0000, ramSize: 4096 * MiB, size: 0x2000 })).toBe(0xbfe0_0000);
    expect(placeDtb({ ramBase: 0x8000_0000, ramSize: 1 * MiB, size: 0x2000 })).toBe(0x8000_0000);
    // Small RAM above a kernel: the highest 8-byte aligned place.
    expect(placeDtb({ ramBase: 0x8000_0000, ramSize: 1 * MiB, size: 0x2000, above: 0x8000_1000 })).toBe(0x800f_e000);
    expectSimError(() => placeDtb({ ramBase: 0x8000_0000, ramSize: 1 * MiB, size: 0x2000, above: 0x8010_0000 }), /does not fit/);
  });

  it('writes /chosen with 64-bit initrd addresses', () => {
    const root = createTree();
    root.cells('#address-cells', 2).cells('#size-cells', 2);
    setChosen(root, { bootargs: 'console=ttyS0 root=/dev/ram', initrdStart: 0x1_8820_0000, initrdEnd: 0x1_8920_0000, stdoutPath: '/soc/serial@10000000', rngSeed: new Uint8Array([9, 9]) });
    const back = parseDtb(writeDtb(root)).find('chosen')!;
    expect(back.getStrings('bootargs')).toEqual(['console=ttyS0 root=/dev/ram']);
    expect(back.props.get('linux,initrd-start')!.length).toBe(8);
    expect(back.getCells('linux,initrd-start')).toEqual([1, 0x8820_0000]);
    expect(back.getCells('linux,initrd-end')).toEqual([1, 0x8920_0000]);
    expect(back.getStrings('stdout-path')).toEqual(['/soc/serial@10000000']);
    expect([...back.props.get('rng-seed')!]).toEqual([9, 9]);
    expectSimError(() => setChosen(root, { initrdStart: 5 }), /go together/);
  });
});
