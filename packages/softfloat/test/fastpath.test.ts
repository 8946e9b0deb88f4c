/**
 * The number fast paths (src/fast.ts) must give exactly what the exact BigInt path gives, in all
 * five rounding modes and under both architectures' conventions, including RMM (which the host
 * vectors cannot cover) and FZ.
 */
import { describe, expect, it } from 'vitest';
import * as sf from '../src/index.js';
import { F32, F64, gAdd, gConvert, gDiv, gFma, gFromInt, gMul, gRoundToInt, gSqrt, gToInt } from '../src/generic.js';

function xorshift(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const rnd = xorshift(0x5eed1234);

/** Random f64 bits: sign, exponent from interesting bands, fraction with structured low bits. */
function r64(nearExp?: number): bigint {
  if (rnd() % 12 === 0) return BigInt(rnd() & 1) << 63n; // signed zeros
  const sel = rnd() % 8;
  let e: number;
  if (nearExp !== undefined && sel < 4) e = Math.min(2046, Math.max(1, nearExp + ((rnd() % 120) - 60)));
  else if (sel === 4) e = 1 + (rnd() % 60);
  else if (sel === 5) e = 2046 - (rnd() % 60);
  else e = 1023 - 40 + (rnd() % 80);
  let frac = (BigInt(rnd()) << 20n) ^ BigInt(rnd());
  frac &= (1n << 52n) - 1n;
  if (rnd() % 3 === 0) frac &= ~((1n << BigInt(rnd() % 52)) - 1n);
  return (BigInt(rnd() & 1) << 63n) | (BigInt(e) << 52n) | frac;
}
function r32(nearExp?: number): number {
  if (rnd() % 12 === 0) return ((rnd() & 1) << 31) >>> 0; // signed zeros
  const sel = rnd() % 8;
  let e: number;
  if (nearExp !== undefined && sel < 4) e = Math.min(254, Math.max(1, nearExp + ((rnd() % 60) - 30)));
  else if (sel === 4) e = 1 + (rnd() % 30);
  else if (sel === 5) e = 254 - (rnd() % 30);
  else e = 127 - 20 + (rnd() % 40);
  let frac = rnd() & 0x7fffff;
  if (rnd() % 3 === 0) frac &= ~((1 << rnd() % 23) - 1);
  return (((rnd() & 1) << 31) | (e << 23) | frac) >>> 0;
}
const exp64 = (b: bigint): number => Number((b >> 52n) & 0x7ffn);
const exp32 = (b: number): number => (b >>> 23) & 0xff;

const envs: Array<() => sf.FloatEnv> = [];
for (let rm = 0; rm <= 4; rm++) {
  envs.push(() => sf.makeEnv('riscv', rm));
  envs.push(() => ({ ...sf.makeEnv('arm', rm), fz: true }));
}

function agree<T>(label: string, fast: (e: sf.FloatEnv) => T, exact: (e: sf.FloatEnv) => T, bad: string[]): void {
  for (const mk of envs) {
    const e1 = mk();
    const e2 = mk();
    const r1 = fast(e1);
    const r2 = exact(e2);
    if (r1 !== r2 || e1.flags !== e2.flags) {
      if (bad.length < 20) bad.push(`${label} rm=${e1.rm} ${e1.nan}: fast ${String(r1)}/${e1.flags} exact ${String(r2)}/${e2.flags}`);
    }
  }
}

describe('fast paths agree with the exact path', () => {
  it('binary64 add/sub/mul/div/sqrt/fma', () => {
    const bad: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const a = r64();
      const b = r64(exp64(a));
      const c = r64(exp64(a) + exp64(b) - 1023);
      const h = (x: bigint): string => x.toString(16);
      const L = `${h(a)} ${h(b)} ${h(c)}`;
      agree(`add ${L}`, (e) => sf.f64_add(e, a, b), (e) => gAdd(F64, e, a, b, false), bad);
      agree(`sub ${L}`, (e) => sf.f64_sub(e, a, b), (e) => gAdd(F64, e, a, b, true), bad);
      agree(`mul ${L}`, (e) => sf.f64_mul(e, a, b), (e) => gMul(F64, e, a, b), bad);
      agree(`div ${L}`, (e) => sf.f64_div(e, a, b), (e) => gDiv(F64, e, a, b), bad);
      agree(`sqrt ${L}`, (e) => sf.f64_sqrt(e, a & ~(1n << 63n)), (e) => gSqrt(F64, e, a & ~(1n << 63n)), bad);
      agree(`fma ${L}`, (e) => sf.f64_fma(e, a, b, c), (e) => gFma(F64, e, a, b, c), bad);
      // cancelling addend: c = -(a*b) rounded, +-1 ulp
      const p = sf.f64_mul(sf.makeEnv('riscv'), a, b) ^ (1n << 63n);
      const c2 = p ^ BigInt(rnd() & 3);
      agree(`fma-cancel ${L}`, (e) => sf.f64_fma(e, a, b, c2), (e) => gFma(F64, e, a, b, c2), bad);
      agree(`to_f32 ${L}`, (e) => sf.f64_to_f32(e, a), (e) => Number(gConvert(F64, F32, e, a)), bad);
      agree(`rint ${L}`, (e) => sf.f64_roundToInt(e, b, e.rm, true), (e) => gRoundToInt(F64, e, b, e.rm, true), bad);
      agree(`to_i64 ${L}`, (e) => sf.f64_to_i64(e, b, e.rm), (e) => gToInt(F64, e, b, e.rm, true, 64), bad);
      agree(`to_u32 ${L}`, (e) => sf.f64_to_u32(e, b, e.rm), (e) => Number(gToInt(F64, e, b, e.rm, false, 32)), bad);
    }
    expect(bad).toEqual([]);
  });

  it('binary32 add/sub/mul/div/sqrt/fma', () => {
    const bad: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const a = r32();
      const b = r32(exp32(a));
      const c = r32(exp32(a) + exp32(b) - 127);
      const A = BigInt(a);
      const B = BigInt(b);
      const C = BigInt(c);
      const L = `${a.toString(16)} ${b.toString(16)} ${c.toString(16)}`;
      agree(`add ${L}`, (e) => sf.f32_add(e, a, b), (e) => Number(gAdd(F32, e, A, B, false)), bad);
      agree(`sub ${L}`, (e) => sf.f32_sub(e, a, b), (e) => Number(gAdd(F32, e, A, B, true)), bad);
      agree(`mul ${L}`, (e) => sf.f32_mul(e, a, b), (e) => Number(gMul(F32, e, A, B)), bad);
      agree(`div ${L}`, (e) => sf.f32_div(e, a, b), (e) => Number(gDiv(F32, e, A, B)), bad);
      agree(`sqrt ${L}`, (e) => sf.f32_sqrt(e, a & 0x7fffffff), (e) => Number(gSqrt(F32, e, A & 0x7fffffffn)), bad);
      agree(`fma ${L}`, (e) => sf.f32_fma(e, a, b, c), (e) => Number(gFma(F32, e, A, B, C)), bad);
      const p = (sf.f32_mul(sf.makeEnv('riscv'), a, b) ^ 0x80000000 ^ (rnd() & 3)) >>> 0;
      agree(`fma-cancel ${L}`, (e) => sf.f32_fma(e, a, b, p), (e) => Number(gFma(F32, e, A, B, BigInt(p))), bad);
      agree(`rint ${L}`, (e) => sf.f32_roundToInt(e, b, e.rm, true), (e) => Number(gRoundToInt(F32, e, B, e.rm, true)), bad);
      agree(`to_i32 ${L}`, (e) => sf.f32_to_i32(e, b, e.rm), (e) => Number(gToInt(F32, e, B, e.rm, true, 32)), bad);
      agree(`to_u64 ${L}`, (e) => sf.f32_to_u64(e, b, e.rm), (e) => gToInt(F32, e, B, e.rm, false, 64), bad);
    }
    expect(bad).toEqual([]);
  });

  it('integer to float conversions', () => {
    const bad: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const v = BigInt.asIntN(64, (BigInt(rnd()) << 32n) | BigInt(rnd())) >> BigInt(rnd() % 64);
      const u = BigInt.asUintN(64, v);
      const n = Number(BigInt.asIntN(32, v));
      agree(`i64->f64 ${v}`, (e) => sf.i64_to_f64(e, v), (e) => gFromInt(F64, e, v), bad);
      agree(`u64->f64 ${u}`, (e) => sf.u64_to_f64(e, u), (e) => gFromInt(F64, e, u), bad);
      agree(`i64->f32 ${v}`, (e) => sf.i64_to_f32(e, v), (e) => Number(gFromInt(F32, e, v)), bad);
      agree(`u64->f32 ${u}`, (e) => sf.u64_to_f32(e, u), (e) => Number(gFromInt(F32, e, u)), bad);
      agree(`i32->f32 ${n}`, (e) => sf.i32_to_f32(e, n), (e) => Number(gFromInt(F32, e, BigInt(n))), bad);
      agree(`u32->f32 ${n >>> 0}`, (e) => sf.u32_to_f32(e, n >>> 0), (e) => Number(gFromInt(F32, e, BigInt(n >>> 0))), bad);
    }
    expect(bad).toEqual([]);
  });
});
