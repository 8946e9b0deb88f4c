// Wall time from start to the U-Boot prompt and to the Linux /init marker on
// machines/riscv-virt.yaml, beside qemu-system-riscv64 booting the same Debian images in the
// same run. Each figure is the median of BENCH_REPS runs (default 3). Both simulators are
// started as processes and timed until their console shows the text, so process start-up is
// counted on both sides.
//
// Needs `pnpm fetch-images` and `pnpm build`; qemu-system-riscv64 is optional (no ratio without it).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, measure, reps, root } from '../../../bench/lib/boot.mjs';

const img = path.join(root, '.cache', 'images', 'riscv64');
const machine = path.join(root, 'machines', 'riscv-virt.yaml');

export default async function () {
  const rows = [];
  const need = ['fw_jump.bin', 'fw_dynamic.bin', 'u-boot.bin', 'Image', 'initramfs.cpio.gz'];
  const missing = need.filter((f) => !fs.existsSync(path.join(img, f)));
  if (missing.length > 0) {
    return [{ bench: 'riscv-virt boot', metric: 'skipped', value: 0, unit: '', note: `missing ${missing.join(', ')}: run pnpm fetch-images` }];
  }
  const haveQemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;
  const uboot = /Hit any key to stop autoboot/;
  const marker = /TESSERA-INIT-OK/;
  const cases = [
    {
      bench: 'riscv-virt U-Boot prompt (fw_jump)',
      re: uboot,
      // fw_jump.bin, not the .elf: Debian's OpenSBI ELF is position-independent and linked at 0,
      // which QEMU 7.2's ELF loader rejects ("ROM regions are overlapping").
      tessera: [cli, 'run', machine, '--firmware', path.join(img, 'fw_jump.bin'), '--kernel', path.join(img, 'u-boot.bin')],
      qemu: ['-M', 'virt', '-m', '512M', '-nographic', '-bios', path.join(img, 'fw_jump.bin'), '-kernel', path.join(img, 'u-boot.bin')],
    },
    {
      bench: 'riscv-virt Linux /init marker (2 harts)',
      re: marker,
      tessera: [cli, 'run', machine, '--smp', '2', '--firmware', path.join(img, 'fw_dynamic.bin'), '--kernel', path.join(img, 'Image'), '--initrd', path.join(img, 'initramfs.cpio.gz'), '--append', 'console=ttyS0'],
      qemu: ['-M', 'virt', '-smp', '2', '-m', '512M', '-nographic', '-bios', path.join(img, 'fw_dynamic.bin'), '-kernel', path.join(img, 'Image'), '-initrd', path.join(img, 'initramfs.cpio.gz'), '-append', 'console=ttyS0'],
    },
  ];
  for (const c of cases) {
    const t = await measure(process.execPath, c.tessera, c.re);
    const q = haveQemu ? await measure('qemu-system-riscv64', c.qemu, c.re) : undefined;
    rows.push({
      bench: c.bench,
      metric: 'wall time',
      value: t ?? NaN,
      unit: 'ms',
      ...(q !== undefined ? { reference: q, ratio: t !== undefined ? t / q : NaN } : {}),
      note: `median of ${reps}${haveQemu ? '; reference: qemu-system-riscv64 (TCG)' : '; qemu-system-riscv64 not installed'}${t === undefined ? '; Tessera did not get there' : ''}`,
    });
  }
  return rows;
}
