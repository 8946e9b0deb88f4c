import { describe, expect, it } from 'vitest';
import * as sf from '../src/index.js';
import { b32, b64 } from './helpers.js';

const { FLAG_NX, FLAG_UF, FLAG_OF, FLAG_NV, FLAG_IDC } = sf;
const arm = (o: Partial<sf.FloatEnv> = {}): sf.FloatEnv => ({ ...sf.makeEnv('arm'), ...o });
const rv = (rm = sf.RNE): sf.FloatEnv => sf.makeEnv('riscv', rm);

const QNAN_A = 0x7fc0000a;
const QNAN_B = 0xffc0000b;
const SNAN_A = 0x7f80000a;
const SNAN_B = 0xff80000b;
const ONE = 0x3f800000;
const INF = 0x7f800000;

describe('Arm NaN handling (FPProcessNaNs)', () => {
  it('propagates the first signalling NaN quietened, else the first quiet NaN', () => {
    let e = arm();
    expect(sf.f32_add(e, QNAN_A, SNAN_B)).toBe((SNAN_B | 0x400000) >>> 0);
    expect(e.flags).toBe(FLAG_NV);
    e = arm();
    expect(sf.f32_mul(e, QNAN_A, QNAN_B)).toBe(QNAN_A);
    expect(e.flags).toBe(0);
    e = arm();
    expect(sf.f32_sub(e, ONE, QNAN_B)).toBe(QNAN_B); // sign of a NaN op2 is not flipped by FSUB
    expect(sf.f64_div(e, 0x7ff0000000000123n, b64(1))).toBe(0x7ff8000000000123n);
    expect(e.flags).toBe(FLAG_NV);
  });

  it('gives the default NaN with FPCR.DN and on RISC-V', () => {
    const e = arm({ dn: true });
    expect(sf.f32_add(e, QNAN_A, ONE)).toBe(0x7fc00000);
    expect(sf.f32_add(rv(), QNAN_B, ONE)).toBe(0x7fc00000);
    expect(sf.f64_sqrt(rv(), 0xfff8000000000001n)).toBe(0x7ff8000000000000n);
  });

  it('orders FMA operands addend first and defaults inf*0 + qNaN', () => {
    let e = arm();
    expect(sf.f32_fma(e, QNAN_A, ONE, QNAN_B)).toBe(QNAN_B);
    expect(sf.f32_fma(e, SNAN_A, ONE, QNAN_B)).toBe(SNAN_A | 0x400000);
    expect(e.flags).toBe(FLAG_NV);
    e = arm();
    expect(sf.f32_fma(e, INF, 0, QNAN_B)).toBe(0x7fc00000);
    expect(e.flags).toBe(FLAG_NV);
    const r = rv();
    expect(sf.f32_fma(r, 0, INF, QNAN_B)).toBe(0x7fc00000);
    expect(r.flags).toBe(FLAG_NV);
  });

  it('converts NaN payloads between formats (FPConvertNaN)', () => {
    const e = arm();
    expect(sf.f64_to_f32(e, 0x7ff4000020000000n)).toBe(0x7fe00001);
    expect(e.flags).toBe(FLAG_NV);
    expect(sf.f32_to_f64(arm(), 0xffc00001)).toBe(0xfff8000020000000n);
    expect(sf.f32_to_f16(arm(), 0x7fc02000)).toBe(0x7e01);
    expect(sf.f32_to_f64(rv(), 0xffc00001)).toBe(0x7ff8000000000000n);
  });
});

describe('tininess and flush-to-zero', () => {
  // 2^-126 - 2^-151: below the least normal before rounding, rounds up to it (RNE).
  const justBelow = b64(2 ** -126 - 2 ** -151);
  it('RISC-V detects tininess after rounding', () => {
    const e = rv();
    expect(sf.f64_to_f32(e, justBelow)).toBe(0x00800000);
    expect(e.flags).toBe(FLAG_NX);
  });
  it('Arm detects tininess before rounding (FPRoundBase)', () => {
    const e = arm();
    expect(sf.f64_to_f32(e, justBelow)).toBe(0x00800000);
    expect(e.flags).toBe(FLAG_NX | FLAG_UF);
  });
  it('exact subnormal results do not underflow', () => {
    const e = arm();
    expect(sf.f32_mul(e, b32(2 ** -130), b32(0.5))).toBe(b32(2 ** -131));
    expect(e.flags).toBe(0);
  });
  it('FZ flushes subnormal inputs (IDC) and tiny outputs (UFC only)', () => {
    let e = arm({ fz: true });
    expect(sf.f32_add(e, 0x00000001, 0x80000000)).toBe(0x00000000);
    expect(e.flags).toBe(FLAG_IDC);
    e = arm({ fz: true });
    expect(sf.f32_mul(e, b32(-(2 ** -100)), b32(2 ** -30))).toBe(0x80000000);
    expect(e.flags).toBe(FLAG_UF);
    e = arm({ fz: true });
    expect(sf.f64_to_f32(e, justBelow)).toBe(0);
    expect(e.flags).toBe(FLAG_UF);
    // half precision is governed by FZ16, not FZ
    e = arm({ fz: true });
    expect(sf.f16_to_f32(e, 0x0001)).toBe(b32(2 ** -24));
    expect(e.flags).toBe(0);
  });
  it('overflows by rounding direction', () => {
    for (const [rm, pos, neg] of [
      [sf.RNE, 0x7f800000, 0xff800000],
      [sf.RTZ, 0x7f7fffff, 0xff7fffff],
      [sf.RDN, 0x7f7fffff, 0xff800000],
      [sf.RUP, 0x7f800000, 0xff7fffff],
      [sf.RMM, 0x7f800000, 0xff800000],
    ] as const) {
      const e = rv(rm);
      expect(sf.f32_mul(e, 0x7f000000, 0x40000000)).toBe(pos);
      expect(sf.f32_mul(e, 0xff000000, 0x40000000)).toBe(neg);
      expect(e.flags).toBe(FLAG_OF | FLAG_NX);
    }
  });
});

describe('min / max', () => {
  it('RISC-V minimumNumber/maximumNumber', () => {
    let e = rv();
    expect(sf.f32_min(e, QNAN_A, ONE)).toBe(ONE);
    expect(e.flags).toBe(0);
    expect(sf.f32_max(e, ONE, SNAN_B)).toBe(ONE);
    expect(e.flags).toBe(FLAG_NV);
    e = rv();
    expect(sf.f32_min(e, QNAN_A, QNAN_B)).toBe(0x7fc00000);
    expect(sf.f32_min(e, 0x80000000, 0)).toBe(0x80000000);
    expect(sf.f32_max(e, 0x80000000, 0)).toBe(0);
    expect(sf.f64_max(e, b64(-3), b64(2))).toBe(b64(2));
    expect(sf.f64_min(e, b64(-3), b64(2))).toBe(b64(-3));
    expect(e.flags).toBe(0);
  });
  it('Arm FMIN/FMAX propagate NaNs; FMINNM/FMAXNM prefer numbers but not over sNaN', () => {
    let e = arm();
    expect(sf.f32_min(e, QNAN_A, ONE)).toBe(QNAN_A);
    expect(sf.f32_minNum(e, QNAN_A, ONE)).toBe(ONE);
    expect(sf.f32_maxNum(e, b32(-5), QNAN_B)).toBe(b32(-5));
    expect(e.flags).toBe(0);
    expect(sf.f32_maxNum(e, SNAN_A, ONE)).toBe(SNAN_A | 0x400000);
    expect(e.flags).toBe(FLAG_NV);
    e = arm();
    expect(sf.f32_minNum(e, QNAN_A, QNAN_B)).toBe(QNAN_A);
    expect(sf.f32_max(e, 0x80000000, 0)).toBe(0);
    expect(sf.f32_min(e, 0, 0x80000000)).toBe(0x80000000);
    e = arm({ fz: true });
    expect(sf.f32_max(e, 0x00000005, 0x80000000)).toBe(0);
    expect(e.flags).toBe(FLAG_IDC);
  });
});

describe('comparisons and classification', () => {
  it('FEQ is quiet, FLT/FLE signal on any NaN', () => {
    let e = rv();
    expect(sf.f32_eq(e, QNAN_A, QNAN_A)).toBe(false);
    expect(e.flags).toBe(0);
    expect(sf.f32_eq(e, 0, 0x80000000)).toBe(true);
    expect(sf.f32_lt(e, QNAN_A, ONE)).toBe(false);
    expect(e.flags).toBe(FLAG_NV);
    e = rv();
    expect(sf.f32_eq(e, SNAN_A, ONE)).toBe(false);
    expect(e.flags).toBe(FLAG_NV);
    e = rv();
    expect(sf.f64_le(e, b64(-0), b64(0))).toBe(true);
    expect(sf.f64_lt(e, b64(-0), b64(0))).toBe(false);
    expect(sf.f64_lt(e, b64(-Infinity), b64(-1e308))).toBe(true);
    expect(sf.f64_le(e, b64(2), b64(1))).toBe(false);
    expect(sf.f32_lt(e, 0x80000001, 0)).toBe(true);
    expect(e.flags).toBe(0);
  });
  it('FCMP/FCMPE', () => {
    const e = arm();
    expect(sf.f64_cmp(e, b64(1), b64(2), false)).toBe('lt');
    expect(sf.f64_cmp(e, b64(2), b64(1), false)).toBe('gt');
    expect(sf.f64_cmp(e, b64(-0), b64(0), false)).toBe('eq');
    expect(sf.f64_cmp(e, 0x7ff8000000000000n, b64(0), false)).toBe('un');
    expect(e.flags).toBe(0);
    expect(sf.f64_cmp(e, 0x7ff8000000000000n, b64(0), true)).toBe('un');
    expect(e.flags).toBe(FLAG_NV);
  });
  it('classifies all ten classes', () => {
    const cases: [number, number][] = [
      [0xff800000, 0],
      [0xbf800000, 1],
      [0x80000001, 2],
      [0x80000000, 3],
      [0x00000000, 4],
      [0x00000001, 5],
      [0x3f800000, 6],
      [0x7f800000, 7],
      [0x7f800001, 8],
      [0x7fc00000, 9],
    ];
    for (const [x, bit] of cases) expect(sf.f32_classify(x)).toBe(1 << bit);
    expect(sf.f64_classify(0x7ff4000000000000n)).toBe(1 << 8);
    expect(sf.f16_classify(0x8200)).toBe(1 << 2);
  });
});

describe('integer conversion and round to integral', () => {
  it('RISC-V saturates and maps NaN to the largest value', () => {
    let e = rv();
    expect(sf.f32_to_u32(e, b32(-0.5), sf.RTZ)).toBe(0);
    expect(e.flags).toBe(FLAG_NX);
    e = rv();
    expect(sf.f32_to_u32(e, b32(-1), sf.RTZ)).toBe(0);
    expect(e.flags).toBe(FLAG_NV);
    expect(sf.f32_to_i32(e, QNAN_B, sf.RTZ)).toBe(0x7fffffff);
    expect(sf.f64_to_u64(e, b64(NaN), sf.RTZ)).toBe(0xffffffffffffffffn);
    expect(sf.f64_to_i64(e, b64(-1e30), sf.RTZ)).toBe(-(2n ** 63n));
    expect(sf.f64_to_i32(e, b64(-2147483648.9), sf.RTZ)).toBe(-2147483648);
    e = rv();
    expect(sf.f64_to_i32(e, b64(-2147483648.9), sf.RDN)).toBe(-2147483648);
    expect(e.flags).toBe(FLAG_NV);
  });
  it('Arm maps NaN to zero and saturates', () => {
    const e = arm();
    expect(sf.f32_to_i32(e, QNAN_A, sf.RTZ)).toBe(0);
    expect(sf.f64_to_u64(e, b64(NaN), sf.RTZ)).toBe(0n);
    expect(sf.f64_to_i64(e, b64(1e300), sf.RTZ)).toBe(2n ** 63n - 1n);
    expect(e.flags).toBe(FLAG_NV);
  });
  it('rounds to integral in every mode (FRINT*)', () => {
    const cases: [number, number[]][] = [
      // value: [RNE, RTZ, RDN, RUP, RMM]
      [2.5, [2, 2, 2, 3, 3]],
      [-2.5, [-2, -2, -3, -2, -3]],
      [3.5, [4, 3, 3, 4, 4]],
      [-0.4, [-0, -0, -1, -0, -0]],
      [0.7, [1, 0, 0, 1, 1]],
      [1e300, [1e300, 1e300, 1e300, 1e300, 1e300]],
    ];
    for (const [x, rs] of cases) {
      rs.forEach((want, rm) => {
        const e = rv();
        expect(sf.f64_roundToInt(e, b64(x), rm, false)).toBe(b64(want));
        expect(e.flags).toBe(0);
        const e2 = rv();
        expect(sf.f32_roundToInt(e2, b32(x), rm, true)).toBe(b32(want));
        expect(e2.flags).toBe(Number.isInteger(x) || Math.abs(x) >= 2 ** 24 ? 0 : FLAG_NX);
      });
    }
    // x - floor(x) is inexact here (-0.49999999999999994 + 1 needs 54 bits)
    const justUnderHalf = 0xbfdfffffffffffffn;
    expect(sf.f64_roundToInt(rv(), justUnderHalf, sf.RMM, false)).toBe(0x8000000000000000n);
    expect(sf.f64_roundToInt(rv(), justUnderHalf, sf.RDN, false)).toBe(b64(-1));
    expect(sf.f64_to_i32(rv(), justUnderHalf, sf.RMM)).toBe(0);
    expect(sf.f64_to_i64(rv(), justUnderHalf, sf.RNE)).toBe(0n);
    const e = rv();
    expect(sf.f32_roundToInt(e, SNAN_A, sf.RNE, false)).toBe(0x7fc00000);
    expect(e.flags).toBe(FLAG_NV);
  });
  it('converts 64-bit integers exactly or with one rounding', () => {
    const e = rv(sf.RTZ);
    expect(sf.u64_to_f64(e, 0xffffffffffffffffn)).toBe(0x43efffffffffffffn);
    expect(e.flags).toBe(FLAG_NX);
    expect(sf.i64_to_f32(rv(), -(2n ** 63n))).toBe(0xdf000000);
    expect(sf.i32_to_f64(rv(), -7)).toBe(b64(-7));
    expect(sf.u32_to_f16(rv(), 65520)).toBe(0x7c00);
  });
});

describe('FMULX and IEEE 754-2019 minimum/maximum', () => {
  it('FMULX gives +-2 for inf * 0 and multiplies otherwise', () => {
    const e = arm();
    expect(sf.f32_mulx(e, INF, 0x80000000)).toBe(0xc0000000);
    expect(sf.f64_mulx(e, 0n, 0x7ff0000000000000n)).toBe(b64(2));
    expect(sf.f32_mulx(e, b32(3), b32(0.5))).toBe(b32(1.5));
    expect(e.flags).toBe(0);
    expect(sf.f32_mulx(e, QNAN_A, 0)).toBe(QNAN_A);
  });
  it('minimum/maximum propagate NaNs (Zfa FMINM/FMAXM canonical, Arm FMIN/FMAX)', () => {
    let e = rv();
    expect(sf.f32_minimum(e, QNAN_A, ONE)).toBe(0x7fc00000);
    expect(e.flags).toBe(0);
    expect(sf.f32_maximum(e, ONE, SNAN_B)).toBe(0x7fc00000);
    expect(e.flags).toBe(FLAG_NV);
    e = rv();
    expect(sf.f64_minimum(e, b64(-0), b64(0))).toBe(b64(-0));
    expect(sf.f64_maximum(e, b64(-0), b64(0))).toBe(b64(0));
    expect(sf.f64_maximum(e, b64(-1), b64(-2))).toBe(b64(-1));
    expect(sf.f32_minimum(arm(), ONE, QNAN_B)).toBe(QNAN_B);
  });
});

describe('Zfa FCVTMOD.W.D', () => {
  const cases: [bigint, number, number][] = [
    // input, result, flags (as FCVT.W.D with RTZ)
    [b64(0), 0, 0],
    [b64(-0), 0, 0],
    [1n, 0, FLAG_NX],
    [b64(-1.5), -1, FLAG_NX],
    [b64(2147483647), 2147483647, 0],
    [b64(2 ** 31), -2147483648, FLAG_NV],
    [b64(2 ** 31 + 1.5), -2147483647, FLAG_NV],
    [b64(-(2 ** 31)), -2147483648, 0],
    [b64(-(2 ** 31) - 2), 2147483646, FLAG_NV],
    [b64(2 ** 32 + 5), 5, FLAG_NV],
    [b64(2 ** 80 + 2 ** 40), 0, FLAG_NV],
    [b64(-(2 ** 52) - 3), -3, FLAG_NV],
    [0x7ff0000000000000n, 0, FLAG_NV],
    [0x7ff8000000100000n, 0, FLAG_NV],
  ];
  it('wraps modulo 2^32 and flags like FCVT.W.D RTZ', () => {
    for (const [x, want, flags] of cases) {
      const e = rv();
      expect([sf.f64_to_i32_mod(e, x), e.flags]).toEqual([want, flags]);
    }
  });
});
