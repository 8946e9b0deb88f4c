import { describe, expect, it } from 'vitest';
import * as sf from '../src/index.js';
import { b32, b64, v32 } from './helpers.js';

const arm = (o: Partial<sf.FloatEnv> = {}): sf.FloatEnv => ({ ...sf.makeEnv('arm'), ...o });

describe('RecipEstimate / RecipSqrtEstimate tables', () => {
  it('stay within 256..511, are monotonic and accurate to about 8 bits', () => {
    let prev = 512;
    for (let a = 256; a < 512; a++) {
      const r = sf.recipEstimate(a);
      expect(r).toBeGreaterThanOrEqual(256);
      expect(r).toBeLessThan(512);
      expect(r).toBeLessThanOrEqual(prev);
      prev = r;
      // a/512 * r/256 ~ 1
      expect(Math.abs(((a + 0.5) / 512) * (r / 256) - 1)).toBeLessThan(1 / 256);
    }
    prev = 512;
    for (let a = 128; a < 512; a++) {
      const r = sf.recipSqrtEstimate(a);
      expect(r).toBeGreaterThanOrEqual(256);
      expect(r).toBeLessThan(512);
      expect(r).toBeLessThanOrEqual(prev);
      prev = r;
      expect(Math.abs(Math.sqrt((a + 0.5) / 512) * (r / 256) - 1)).toBeLessThan(1 / 128);
    }
  });
});

describe('FRECPE', () => {
  it('estimates normal values', () => {
    const e = arm();
    expect(sf.f32_recipEstimate(e, b32(1))).toBe(0x3f7f8000);
    expect(sf.f32_recipEstimate(e, b32(-2))).toBe(0xbeff8000);
    expect(sf.f64_recipEstimate(e, b64(1))).toBe(0x3feff00000000000n);
    expect(sf.f16_recipEstimate(e, 0x3c00)).toBe(0x3bfc);
    expect(e.flags).toBe(0);
    for (const x of [3, 0.1, 12345.678, -7e-20, 1.5e30]) {
      const r = v32(sf.f32_recipEstimate(e, b32(x)));
      expect(Math.abs(r * Math.fround(x) - 1)).toBeLessThan(1 / 256);
    }
  });
  it('produces subnormal results for large inputs, and flushes them with FZ', () => {
    expect(sf.f32_recipEstimate(arm(), 0x7f000000)).toBe(0x003fe000);
    expect(sf.f32_recipEstimate(arm(), 0x7e800000)).toBe(0x007fc000);
    const e = arm({ fz: true });
    expect(sf.f32_recipEstimate(e, 0x7f000000)).toBe(0);
    expect(e.flags).toBe(sf.FLAG_UF);
  });
  it('handles zeros, infinities, tiny inputs and NaNs', () => {
    let e = arm();
    expect(sf.f32_recipEstimate(e, 0x80000000)).toBe(0xff800000);
    expect(e.flags).toBe(sf.FLAG_DZ);
    expect(sf.f32_recipEstimate(e, 0x7f800000)).toBe(0);
    e = arm();
    expect(sf.f32_recipEstimate(e, 0x00400000)).toBe(0x7eff8000); // 2^-127 -> ~2^127
    expect(e.flags).toBe(0);
    expect(sf.f32_recipEstimate(e, 0x00080000)).toBe(0x7f800000); // 2^-130: overflows
    expect(e.flags).toBe(sf.FLAG_OF | sf.FLAG_NX);
    e = arm({ rm: sf.RTZ });
    expect(sf.f32_recipEstimate(e, 0x80080000)).toBe(0xff7fffff);
    e = arm();
    expect(sf.f32_recipEstimate(e, 0x7f800001)).toBe(0x7fc00001);
    expect(e.flags).toBe(sf.FLAG_NV);
    e = arm({ fz: true });
    expect(sf.f32_recipEstimate(e, 0x00400000)).toBe(0x7f800000);
    expect(e.flags).toBe(sf.FLAG_IDC | sf.FLAG_DZ);
  });
});

describe('FRSQRTE', () => {
  it('estimates by exponent parity', () => {
    const e = arm();
    expect(sf.f32_rsqrtEstimate(e, b32(1))).toBe(0x3f7f8000);
    expect(sf.f32_rsqrtEstimate(e, b32(2))).toBe(0x3f348000);
    expect(sf.f32_rsqrtEstimate(e, b32(4))).toBe(0x3eff8000);
    expect(sf.f64_rsqrtEstimate(e, b64(1))).toBe(0x3feff00000000000n);
    for (const x of [3, 0.1, 12345.678, 7e-20, 1.5e30, 2 ** -140]) {
      const r = v32(sf.f32_rsqrtEstimate(e, b32(x)));
      expect(Math.abs(r * Math.sqrt(Math.fround(x)) - 1)).toBeLessThan(1 / 128);
    }
    expect(e.flags).toBe(0);
  });
  it('handles zeros, negatives and infinity', () => {
    let e = arm();
    expect(sf.f32_rsqrtEstimate(e, 0x80000000)).toBe(0xff800000);
    expect(e.flags).toBe(sf.FLAG_DZ);
    e = arm();
    expect(sf.f32_rsqrtEstimate(e, b32(-4))).toBe(0x7fc00000);
    expect(e.flags).toBe(sf.FLAG_NV);
    expect(sf.f32_rsqrtEstimate(e, 0x7f800000)).toBe(0);
  });
});

describe('FRECPS / FRSQRTS', () => {
  it('compute 2 - a*b and (3 - a*b)/2 with one rounding', () => {
    const e = arm();
    expect(sf.f32_recipStep(e, b32(2), b32(0.5))).toBe(b32(1));
    expect(sf.f32_rsqrtStep(e, b32(1), b32(1))).toBe(b32(1));
    expect(sf.f32_recipStep(e, 0x7f800000, 0)).toBe(b32(2));
    expect(sf.f32_rsqrtStep(e, 0x80000000, 0xff800000)).toBe(b32(1.5));
    expect(sf.f32_recipStep(e, 0x7f800000, b32(2))).toBe(0xff800000);
    expect(e.flags).toBe(0);
    expect(sf.f32_rsqrtStep(e, b32(3), b32(1))).toBe(0);
    expect(sf.f32_rsqrtStep(arm({ rm: sf.RDN }), b32(3), b32(1))).toBe(0x80000000);
    // fused: 2 - (1+2^-23)(1-2^-24) = 1 - 2^-24 + 2^-47 rounds to 1 - 2^-24; rounding the
    // product first would give exactly 1.0
    const r = sf.f32_recipStep(e, 0x3f800001, 0x3f7fffff);
    expect(r).toBe(0x3f7fffff);
    expect(e.flags).toBe(sf.FLAG_NX);
  });
  it('negate operand 1 before NaN propagation (FPNeg)', () => {
    const e = arm();
    expect(sf.f32_recipStep(e, 0x7fc0000a, b32(1))).toBe(0xffc0000a);
    expect(sf.f32_rsqrtStep(e, b32(1), 0x7fc0000b)).toBe(0x7fc0000b);
  });
  it('converge by Newton-Raphson from the estimates', () => {
    const e = arm();
    const d = b64(3);
    let x = sf.f64_recipEstimate(e, d);
    for (let i = 0; i < 4; i++) x = sf.f64_mul(e, x, sf.f64_recipStep(e, d, x));
    expect(Math.abs(new Float64Array(new BigUint64Array([x]).buffer)[0]! - 1 / 3)).toBeLessThan(1e-15);
    let y = sf.f64_rsqrtEstimate(e, d);
    for (let i = 0; i < 4; i++) y = sf.f64_mul(e, y, sf.f64_rsqrtStep(e, sf.f64_mul(e, d, y), y));
    expect(Math.abs(new Float64Array(new BigUint64Array([y]).buffer)[0]! - 1 / Math.sqrt(3))).toBeLessThan(1e-15);
  });
});
