/**
 * Vectors from QEMU's Arm model (test/gen-arm: bare-metal, `max` CPU on `virt`) under random
 * FPCR.RMode/FZ/DN/FZ16: checks NaN propagation and payloads, tininess before rounding, flush-to-zero
 * with IDC/UFC, FMIN/FMAX/FMINNM/FMAXNM, FCMP/FCMPE, FRINT*, FCVT*, SCVTF/UCVTF and the
 * FRECPE/FRSQRTE/FRECPS/FRSQRTS estimates, bit for bit including the payload of NaN results.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as sf from '../src/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
type AnyFn = (...args: unknown[]) => unknown;
const api = sf as unknown as Record<string, AnyFn>;
const CMP = ['lt', 'eq', 'gt', 'un'];

function run(op: string, cfg: number, a: string, b: string, c: string): { r: bigint; flags: number } {
  const env: sf.FloatEnv = { rm: cfg & 7, flags: 0, nan: 'arm', fz: (cfg & 8) !== 0, dn: (cfg & 16) !== 0, fz16: (cfg & 32) !== 0 };
  const m = /^([fiu]\d\d)_/.exec(op)!;
  const src = m[1]!;
  const parse = (h: string): number | bigint => (src === 'f64' || src === 'i64' || src === 'u64' ? BigInt('0x' + h) : parseInt(h, 16));
  let r: unknown;
  if (op.endsWith('_cmp') || op.endsWith('_cmpe')) {
    r = BigInt(CMP.indexOf(api[src + '_cmp']!(env, parse(a), parse(b), op.endsWith('e')) as string));
  } else if (op.endsWith('_rint')) {
    r = api[src + '_roundToInt']!(env, parse(a), env.rm, c === '1');
  } else if (/_to_[iu]\d\d$/.test(op)) {
    r = api[op]!(env, parse(a), env.rm, parseInt(c, 16)); // c: fixed-point fraction bits
  } else if (src === 'i32') {
    r = api[op]!(env, Number(BigInt.asIntN(32, BigInt('0x' + a))), parseInt(c, 16));
  } else if (src === 'i64') {
    r = api[op]!(env, BigInt.asIntN(64, BigInt('0x' + a)), parseInt(c, 16));
  } else if (src === 'u32' || src === 'u64') {
    r = api[op]!(env, parse(a), parseInt(c, 16));
  } else if (op.endsWith('fma')) {
    r = api[op]!(env, parse(a), parse(b), parse(c));
  } else if (/(sqrt|Estimate|_to_f\d\d|roundOdd)$/.test(op)) {
    r = api[op]!(env, parse(a));
  } else {
    r = api[op]!(env, parse(a), parse(b));
  }
  const width = /_to_(i|u)32$/.test(op) ? 32 : 64;
  return { r: BigInt.asUintN(width, BigInt(r as number | bigint)), flags: env.flags };
}

describe('Arm vectors from QEMU (AArch64, FP16)', () => {
  it('match bit for bit, flags included, under random RMode/FZ/DN/FZ16', () => {
    const lines = gunzipSync(readFileSync(join(here, 'gen-arm/vectors-arm.txt.gz'))).toString('utf8').split('\n');
    const bad: string[] = [];
    let n = 0;
    for (const line of lines) {
      const p = line.split(' ');
      if (p.length !== 7) continue;
      n++;
      const [op, cfgHex, a, b, c, res, fl] = p as [string, string, string, string, string, string, string];
      const got = run(op, parseInt(cfgHex, 16), a, b, c);
      if (got.r !== BigInt('0x' + res) || got.flags !== parseInt(fl, 16)) {
        if (bad.length < 30) bad.push(`${line}   got ${got.r.toString(16)} ${got.flags.toString(16)}`);
      }
    }
    expect(n).toBeGreaterThan(100_000);
    expect(bad, bad.join('\n')).toEqual([]);
  });
});
