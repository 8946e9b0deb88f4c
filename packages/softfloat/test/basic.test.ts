import { describe, expect, it } from 'vitest';
import * as sf from '../src/index.js';
import { b32, b64 } from './helpers.js';

const { FLAG_NX, FLAG_NV, FLAG_DZ, FLAG_OF, FLAG_UF } = sf;

describe('softfloat basics', () => {
  it('adds exactly and flags inexact results', () => {
    const env = sf.makeEnv('riscv');
    expect(sf.f32_add(env, b32(1), b32(2))).toBe(b32(3));
    expect(env.flags).toBe(0);
    expect(sf.f64_div(env, b64(1), b64(3))).toBe(b64(1 / 3));
    expect(env.flags).toBe(FLAG_NX);
  });

  it('divides by zero with DZ and gives signed infinity', () => {
    const env = sf.makeEnv('riscv');
    expect(sf.f64_div(env, b64(-1), b64(0))).toBe(b64(-Infinity));
    expect(env.flags).toBe(FLAG_DZ);
  });

  it('overflows to infinity or max finite by rounding mode', () => {
    const env = sf.makeEnv('riscv', sf.RTZ);
    expect(sf.f64_to_f32(env, b64(1e300))).toBe(0x7f7fffff);
    expect(env.flags).toBe(FLAG_OF | FLAG_NX);
    env.rm = sf.RNE;
    expect(sf.f64_to_f32(env, b64(1e300))).toBe(0x7f800000);
  });

  it('gives the canonical NaN on RISC-V and raises NV for inf - inf', () => {
    const env = sf.makeEnv('riscv');
    expect(sf.f32_sub(env, 0x7f800000, 0x7f800000)).toBe(0x7fc00000);
    expect(env.flags).toBe(FLAG_NV);
  });

  it('flags underflow for tiny inexact results', () => {
    const env = sf.makeEnv('riscv');
    // 2^-149 / 3 rounds to zero: tiny and inexact
    expect(sf.f32_div(env, 1, b32(3))).toBe(0);
    expect(env.flags).toBe(FLAG_UF | FLAG_NX);
  });
});

describe('binary32 operands held as signed int32', () => {
  it('are read as their bit patterns and results are unsigned', () => {
    const env = sf.makeEnv('riscv');
    const negOne = 0xbf800000 | 0; // negative as an int32
    expect(sf.f32_add(env, negOne, negOne)).toBe(0xc0000000);
    expect(sf.f32_mul(env, negOne, 0x7f800000 | 0)).toBe(0xff800000);
    expect(sf.f32_roundToInt(env, 0xcf000000 | 0, sf.RNE, false)).toBe(0xcf000000);
    expect(sf.f32_max(env, negOne, 0xc0000000 | 0)).toBe(0xbf800000);
    expect(sf.f32_sqrt(env, negOne)).toBe(0x7fc00000);
    expect(sf.f32_classify(negOne)).toBe(1 << 1);
    expect(sf.f32_to_f64(env, negOne)).toBe(0xbff0000000000000n);
  });
});
