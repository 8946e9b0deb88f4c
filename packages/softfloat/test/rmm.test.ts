import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as sf from '../src/index.js';
import { R16, R32, R64, add, decode, div, mul, round, type Fmt, type Rational } from './rational.js';
import { parseLine, type ParsedVector } from './vectors.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const vectors: ParsedVector[] = gunzipSync(readFileSync(join(here, 'gen/vectors.txt.gz')))
  .toString('utf8')
  .split('\n')
  .map(parseLine)
  .filter((v): v is ParsedVector => v !== undefined);

type AnyFn = (...args: unknown[]) => unknown;
const api = sf as unknown as Record<string, AnyFn>;
const fmts: Record<string, Fmt> = { f16: R16, f32: R32, f64: R64 };

/** Exact value of an arithmetic vector's result, or undefined when an operand is not finite or it is zero. */
function exact(v: ParsedVector): { f: Fmt; val: Rational } | undefined {
  const m = /^(f\d\d)_(add|sub|mul|div|fma|to_f\d\d)$/.exec(v.op);
  if (!m) return undefined;
  const src = fmts[m[1]!]!;
  const a = decode(src, BigInt('0x' + v.a));
  if (!a) return undefined;
  if (m[2]!.startsWith('to_')) return a.n === 0n ? undefined : { f: fmts[m[2]!.slice(3)]!, val: a };
  const b = decode(src, BigInt('0x' + v.b));
  const c = decode(src, BigInt('0x' + v.c));
  if (!b || !c) return undefined;
  let val: Rational;
  switch (m[2]) {
    case 'add':
      val = add(a, b);
      break;
    case 'sub':
      val = add(a, { ...b, neg: !b.neg });
      break;
    case 'mul':
      val = mul(a, b);
      break;
    case 'div':
      if (b.n === 0n) return undefined;
      val = div(a, b);
      break;
    default:
      val = add(mul(a, b), c);
  }
  return val.n === 0n ? undefined : { f: src, val };
}

function run(v: ParsedVector, rm: number): { bits: bigint; flags: number } {
  const env = sf.makeEnv('riscv', rm);
  const w = fmts[v.op.slice(0, 3)]!.w;
  const p = (h: string): number | bigint => (w === 64 ? BigInt('0x' + h) : parseInt(h, 16));
  const fn = api[v.op]!;
  const r = v.op.endsWith('fma') ? fn(env, p(v.a), p(v.b), p(v.c)) : v.op.includes('_to_') ? fn(env, p(v.a)) : fn(env, p(v.a), p(v.b));
  return { bits: BigInt(r as number | bigint), flags: env.flags };
}

describe('independent rational reference', () => {
  it('agrees with the host vectors in RNE/RTZ/RDN/RUP (validating the reference)', () => {
    let n = 0;
    const bad: string[] = [];
    for (const v of vectors) {
      const x = exact(v);
      if (!x) continue;
      n++;
      const r = round(x.f, x.val, v.rm);
      if (r.bits !== BigInt('0x' + v.result) || r.flags !== v.flags) bad.push(`${v.op} ${v.rm} ${v.a} ${v.b} ${v.c}: ref ${r.bits.toString(16)} ${r.flags}`);
    }
    expect(n).toBeGreaterThan(30_000);
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('agrees with the package in RMM on every finite vector operand set', () => {
    let n = 0;
    let differsFromRne = 0;
    const bad: string[] = [];
    for (const v of vectors) {
      if (v.rm !== 0) continue;
      const x = exact(v);
      if (!x) continue;
      n++;
      const ref = round(x.f, x.val, sf.RMM);
      const got = run(v, sf.RMM);
      if (ref.bits !== got.bits || ref.flags !== got.flags)
        bad.push(`${v.op} ${v.a} ${v.b} ${v.c}: ref ${ref.bits.toString(16)} ${ref.flags} got ${got.bits.toString(16)} ${got.flags}`);
      if (ref.bits !== BigInt('0x' + v.result)) differsFromRne++;
    }
    expect(n).toBeGreaterThan(8_000);
    // Ties do occur among these operands, so RMM is really exercised.
    expect(differsFromRne).toBeGreaterThan(10);
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('rounds ties away from zero in RMM', () => {
    const env = sf.makeEnv('riscv', sf.RMM);
    // 1 + 2^-24 is halfway between 1 and 1 + 2^-23
    expect(sf.f32_add(env, 0x3f800000, 0x33800000)).toBe(0x3f800001);
    expect(sf.f32_sub(env, 0xbf800000, 0x33800000)).toBe(0xbf800001);
    expect(env.flags).toBe(sf.FLAG_NX);
    // 2^-149 / 2 is halfway between 0 and the least subnormal: away from zero, tiny and inexact
    env.flags = 0;
    expect(sf.f32_mul(env, 1, 0x3f000000)).toBe(1);
    expect(env.flags).toBe(sf.FLAG_NX | sf.FLAG_UF);
    // overflow in RMM goes to infinity
    env.flags = 0;
    expect(sf.f64_mul(env, 0x7fefffffffffffffn, 0x4000000000000000n)).toBe(0x7ff0000000000000n);
    expect(env.flags).toBe(sf.FLAG_OF | sf.FLAG_NX);
  });

  it('gives RMM == RNE for sqrt, whose results are never ties', () => {
    for (const v of vectors) {
      if (!v.op.endsWith('sqrt') || v.rm !== 0) continue;
      const w = v.op.startsWith('f64');
      const a = w ? BigInt('0x' + v.a) : parseInt(v.a, 16);
      const e1 = sf.makeEnv('riscv', sf.RMM);
      const e2 = sf.makeEnv('riscv', sf.RNE);
      const r1 = w ? sf.f64_sqrt(e1, a as bigint) : sf.f32_sqrt(e1, a as number);
      const r2 = w ? sf.f64_sqrt(e2, a as bigint) : sf.f32_sqrt(e2, a as number);
      expect([r1, e1.flags]).toEqual([r2, e2.flags]);
    }
  });
});

describe('binary16 arithmetic against the rational reference', () => {
  it('add/sub/mul/div/fma in all five modes (flags included)', () => {
    let s = 0x1234567;
    const rnd = (): number => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return s >>> 0;
    };
    // finite f16 operands with exponents spread over the whole range, subnormals included
    const operand = (): number => {
      const e = rnd() % 31;
      const frac = rnd() & 0x3ff;
      return ((rnd() & 1) << 15) | (e << 10) | (rnd() % 4 === 0 ? frac & 0x3f0 : frac);
    };
    const bad: string[] = [];
    let n = 0;
    for (let i = 0; i < 4000; i++) {
      const a = operand();
      const b = operand();
      const c = operand();
      const [ra, rb, rc] = [a, b, c].map((x) => decode(R16, BigInt(x))!) as [Rational, Rational, Rational];
      const cases: [string, Rational | undefined, (e: sf.FloatEnv) => number][] = [
        ['add', add(ra, rb), (e) => sf.f16_add(e, a, b)],
        ['sub', add(ra, { ...rb, neg: !rb.neg }), (e) => sf.f16_sub(e, a, b)],
        ['mul', mul(ra, rb), (e) => sf.f16_mul(e, a, b)],
        ['div', rb.n === 0n ? undefined : div(ra, rb), (e) => sf.f16_div(e, a, b)],
        ['fma', add(mul(ra, rb), rc), (e) => sf.f16_fma(e, a, b, c)],
      ];
      for (const [name, val, fn] of cases) {
        if (!val || val.n === 0n) continue;
        for (let rm = 0; rm <= 4; rm++) {
          n++;
          const ref = round(R16, val, rm);
          const env = sf.makeEnv('riscv', rm);
          const got = fn(env);
          if (BigInt(got) !== ref.bits || env.flags !== ref.flags)
            bad.push(`${name} ${a.toString(16)} ${b.toString(16)} ${c.toString(16)} rm=${rm}: ref ${ref.bits.toString(16)}/${ref.flags} got ${got.toString(16)}/${env.flags}`);
        }
      }
    }
    expect(n).toBeGreaterThan(50_000);
    expect(bad.slice(0, 10)).toEqual([]);
  });
});
