// Wall time from start to the U-Boot prompt and to the Linux /init marker on
// machines/riscv-virt.yaml, beside qemu-system-riscv64 booting the same Debian images in the
// same run. Each figure is the median of BENCH_REPS runs (default 3). Both simulators are
// started as processes and timed until their console shows the text, so process start-up is
// counted on both sides.
//
// Needs `pnpm fetch-images` and `pnpm build`; qemu-system-riscv64 is optional (no ratio without it).

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const img = path.join(root, '.cache', 'images', 'riscv64');
const cli = path.join(root, 'packages', 'core', 'dist', 'cli', 'main.js');
const machine = path.join(root, 'machines', 'riscv-virt.yaml');
const reps = Number(process.env.BENCH_REPS ?? 3);
const limitMs = Number(process.env.BENCH_LIMIT_MS ?? 1_800_000);

/** Spawn, watch stdout+stderr for `re`, kill, return elapsed ms (or undefined on timeout/exit). */
function timeTo(cmd, args, re) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const finish = (v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      p.kill('SIGKILL');
      resolve(v);
    };
    const timer = setTimeout(() => finish(undefined), limitMs);
    const onData = (d) => {
      out += d.toString('latin1');
      if (out.length > 1 << 20) out = out.slice(-(1 << 19));
      if (re.test(out)) finish(Number(process.hrtime.bigint() - t0) / 1e6);
    };
    p.stdout.on('data', onData);
    p.stderr.on('data', onData);
    p.on('exit', () => finish(undefined));
  });
}

function median(xs) {
  const v = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  return v[Math.floor(v.length / 2)];
}

async function measure(cmd, args, re) {
  const times = [];
  for (let i = 0; i < reps; i++) times.push(await timeTo(cmd, args, re));
  return median(times);
}

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
