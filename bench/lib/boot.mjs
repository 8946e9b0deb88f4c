// Boot timing shared by the boot benchmarks (packages/*/bench/*.bench.mjs): a simulator is
// started as a process and timed until its console shows a marker, so process start-up counts
// on both sides of a Tessera / QEMU comparison. Not a benchmark itself (no .bench.mjs suffix).

import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built Tessera CLI (`pnpm build`). */
export const cli = path.join(root, 'packages', 'core', 'dist', 'cli', 'main.js');
export const reps = Number(process.env.BENCH_REPS ?? 3);
const limitMs = Number(process.env.BENCH_LIMIT_MS ?? 1_800_000);

/** Spawn, watch stdout+stderr for `re`, kill, return elapsed ms (or undefined on timeout/exit). */
export function timeTo(cmd, args, re) {
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

export function median(xs) {
  const v = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  return v[Math.floor(v.length / 2)];
}

export async function measure(cmd, args, re) {
  const times = [];
  for (let i = 0; i < reps; i++) times.push(await timeTo(cmd, args, re));
  return median(times);
}
