/**
 * The loaders on Debian's real firmware and kernels (fetched by `pnpm fetch-images` into
 * .cache/images, never committed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AddressSpace } from '../bus/address-space.js';
import { parseDtb, writeDtb } from '../fdt/dtb.js';
import { createTree } from '../fdt/node.js';
import { EM_RISCV } from './elf.js';
import { loadElf } from './load.js';
import { loadLinuxImage, placeDtb, placeInitrd, setChosen } from './linux.js';

const images = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../.cache/images');
const need = (rel: string): string | undefined => {
  const p = path.join(images, rel);
  if (fs.existsSync(p)) return p;
  if (process.env.CI) throw new Error(`${p} is missing: run \`pnpm fetch-images\` first`);
  return undefined;
};
const MiB = 1024 * 1024;

describe('Debian images', () => {
  const fwElf = need('riscv64/fw_dynamic.elf');
  const fwBin = need('riscv64/fw_dynamic.bin');
  (fwElf !== undefined && fwBin !== undefined ? it : it.skip)('OpenSBI fw_dynamic.elf loaded at 0x80000000 matches fw_dynamic.bin', () => {
    const s = new AddressSpace('sysbus');
    s.addRam('ram', 0x8000_0000, 64 * MiB);
    // Debian's OpenSBI ELF is position independent and linked at 0: load it with an offset.
    const r = loadElf(s, new Uint8Array(fs.readFileSync(fwElf!)), { machine: EM_RISCV, offset: 0x8000_0000 });
    expect(r.entry).toBe(0x8000_0000);
    const bin = new Uint8Array(fs.readFileSync(fwBin!));
    for (const seg of r.segments) {
      const mem = new Uint8Array(seg.filesz);
      expect(s.readBytes(seg.address, mem)).toBe(true);
      const off = seg.address - 0x8000_0000;
      expect(Buffer.from(mem).equals(Buffer.from(bin.subarray(off, off + seg.filesz)))).toBe(true);
    }
  });

  for (const [arch, ramBase] of [
    ['riscv64', 0x8000_0000],
    ['arm64', 0x4000_0000],
  ] as const) {
    const kernel = need(`${arch}/Image`);
    const initrd = need(`${arch}/initramfs.cpio.gz`);
    (kernel !== undefined && initrd !== undefined ? it : it.skip)(`${arch} kernel Image, initrd and /chosen are placed without overlap`, () => {
      const ramSize = 512 * MiB;
      const s = new AddressSpace('sysbus');
      s.addRam('ram', ramBase, ramSize);
      const k = loadLinuxImage(s, new Uint8Array(fs.readFileSync(kernel!)), { ramBase, ramSize, arch: arch === 'riscv64' ? 'riscv' : 'arm64', after: ramBase + 0x4_0000 });
      expect(k.header.imageSize).toBeGreaterThan(k.bytes.length - 1);
      expect(k.start % (2 * MiB)).toBe(arch === 'riscv64' ? 0 : k.header.textOffset % (2 * MiB));
      const first = new Uint8Array(64);
      s.readBytes(k.start, first);
      expect(Buffer.from(first).equals(Buffer.from(k.bytes.subarray(0, 64)))).toBe(true);
      const rd = new Uint8Array(fs.readFileSync(initrd!));
      const dtbAt = placeDtb({ ramBase, ramSize, size: 0x10000, above: k.end });
      const p = placeInitrd({ ramBase, ramSize, kernelStart: k.start, kernelEnd: k.end, size: rd.length, limit: dtbAt });
      expect(p.start).toBeGreaterThanOrEqual(k.end);
      expect(p.end).toBeLessThanOrEqual(dtbAt);
      expect(s.writeBytes(p.start, rd)).toBe(true);
      const root = createTree();
      setChosen(root, { bootargs: 'console=ttyS0', initrdStart: p.start, initrdEnd: p.end });
      expect(parseDtb(writeDtb(root)).find('chosen')!.getU64('linux,initrd-end')).toBe(BigInt(p.end));
    });
  }
});
