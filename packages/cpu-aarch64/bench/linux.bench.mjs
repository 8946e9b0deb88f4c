// Wall time from start to the Linux /init marker on machines/aarch64-virt.yaml (GICv3, 2 cores,
// EL2 start, Debian 12's arm64 kernel with the busybox initramfs), beside qemu-system-aarch64
// booting the same Image and initramfs on QEMU's virt board configured alike (GICv3, EL2,
// 2 Cortex-A72) in the same run. Each figure is the median of BENCH_REPS runs (default 3).
// Both simulators run as processes timed until their console shows the marker, so process
// start-up counts on both sides.
//
// Needs `pnpm fetch-images` and `pnpm build`; qemu-system-aarch64 is optional (no ratio without it).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, measure, reps, root } from '../../../bench/lib/boot.mjs';

const img = path.join(root, '.cache', 'images', 'arm64');
const machine = path.join(root, 'machines', 'aarch64-virt.yaml');

export default async function () {
  const need = ['Image', 'initramfs.cpio.gz'];
  const missing = need.filter((f) => !fs.existsSync(path.join(img, f)));
  if (missing.length > 0) {
    return [{ bench: 'aarch64-virt Linux /init marker', metric: 'skipped', value: 0, unit: '', note: `missing ${missing.join(', ')}: run pnpm fetch-images` }];
  }
  const haveQemu = spawnSync('qemu-system-aarch64', ['--version']).status === 0;
  const marker = /TESSERA-INIT-OK/;
  const kernel = path.join(img, 'Image');
  const initrd = path.join(img, 'initramfs.cpio.gz');
  const t = await measure(process.execPath, [cli, 'run', machine, '--smp', '2', '--kernel', kernel, '--initrd', initrd, '--append', 'console=ttyAMA0'], marker);
  const q = haveQemu
    ? await measure('qemu-system-aarch64', ['-M', 'virt,gic-version=3,virtualization=on', '-cpu', 'cortex-a72', '-smp', '2', '-m', '1G', '-nographic', '-kernel', kernel, '-initrd', initrd, '-append', 'console=ttyAMA0'], marker)
    : undefined;
  return [
    {
      bench: 'aarch64-virt Linux /init marker (GICv3, 2 cores)',
      metric: 'wall time',
      value: t ?? NaN,
      unit: 'ms',
      ...(q !== undefined ? { reference: q, ratio: t !== undefined ? t / q : NaN } : {}),
      note: `median of ${reps}${haveQemu ? '; reference: qemu-system-aarch64 -M virt,gic-version=3,virtualization=on -cpu cortex-a72 (TCG)' : '; qemu-system-aarch64 not installed'}${t === undefined ? '; Tessera did not get there' : ''}`,
    },
  ];
}
