/**
 * Arm reciprocal and reciprocal-square-root estimates and Newton-Raphson steps (FRECPE, FRSQRTE,
 * FRECPS, FRSQRTS), following the Arm ARM (DDI 0487) shared pseudocode FPRecipEstimate,
 * FPRSqrtEstimate, RecipEstimate, RecipSqrtEstimate, FPRecipStepFused and FPRSqrtStepFused,
 * without FEAT_RPRES (8-bit estimates) and with FPCR.AH = 0.
 */
import { FLAG_DZ, FLAG_NX, FLAG_OF, FLAG_UF, type FloatEnv } from './env.js';
import {
  Cls,
  bitLength,
  flushes,
  invalid,
  isNaNCls,
  overflowResult,
  packInf,
  packZero,
  propagateNaN,
  roundPack,
  unpack,
  zeroSumSign,
  type Format,
} from './generic.js';

const MASK52 = (1n << 52n) - 1n;

/** RecipEstimate: a in 256..511 (0.5 <= x < 1 in 1/512 steps) -> 256..511 (1 <= r < 2 in 1/256 steps). */
export function recipEstimate(a: number): number {
  const a2 = a * 2 + 1; // midpoint of the input interval, in 1/1024 units
  const b = Math.floor(2 ** 19 / a2);
  return (b + 1) >> 1; // round to nearest
}

/** RecipSqrtEstimate: a in 128..511 (0.25 <= x < 1 in 1/512 steps) -> 256..511. */
export function recipSqrtEstimate(a: number): number {
  // Input as the midpoint of its interval in 1/1024 units: [0.25, 0.5) keeps 1/512 resolution,
  // [0.5, 1) drops the bottom bit (1/256 resolution).
  const a2 = a < 256 ? a * 2 + 1 : ((a >> 1) * 2 + 1) * 2;
  // Largest b (in 1/512 units) with b < 1/sqrt(a): a * b^2 < 2^28 in these fixed-point units.
  let b = 512;
  while (a2 * (b + 1) * (b + 1) < 2 ** 28) b++;
  return (b + 1) >> 1;
}

function fields(f: Format, a: bigint): { sign: number; exp: number; frac: bigint } {
  return {
    sign: Number(a >> BigInt(f.width - 1)) & 1,
    exp: Number((a >> BigInt(f.mbits)) & f.expField),
    frac: (a & f.fracMask) << BigInt(52 - f.mbits), // as the 52-bit fraction the pseudocode uses
  };
}

function assemble(f: Format, sign: number, exp: number, frac52: bigint): bigint {
  const bits = (BigInt(exp) << BigInt(f.mbits)) | (frac52 >> BigInt(52 - f.mbits));
  return sign ? bits | f.signBit : bits;
}

/** FRECPE (FPRecipEstimate). */
export function gRecipEstimate(f: Format, env: FloatEnv, a: bigint): bigint {
  const u = unpack(f, a, env);
  if (isNaNCls(u.cls)) return propagateNaN(f, env, [u]);
  if (u.cls === Cls.Inf) return packZero(f, u.sign);
  if (u.cls === Cls.Zero) {
    env.flags |= FLAG_DZ;
    return packInf(f, u.sign);
  }
  const E = u.exp + bitLength(u.sig) - 1;
  if (E < f.emin - 2) {
    // |x| < 2^(emin-2): the reciprocal overflows (2^-16, 2^-128, 2^-1024).
    env.flags |= FLAG_OF | FLAG_NX;
    return overflowResult(f, u.sign, env.rm);
  }
  if (flushes(f, env) && E >= f.bias - 1) {
    // |x| >= 2^(bias-1): the reciprocal is subnormal and FZ flushes it (UFC only).
    env.flags |= FLAG_UF;
    return packZero(f, u.sign);
  }
  let { exp, frac } = fields(f, a);
  if (exp === 0) {
    if ((frac >> 51n) === 0n) {
      exp = -1;
      frac = (frac << 2n) & MASK52;
    } else frac = (frac << 1n) & MASK52;
  }
  const scaled = 256 | Number(frac >> 44n);
  let resultExp = 2 * f.bias - 1 - exp;
  const estimate = recipEstimate(scaled);
  frac = BigInt(estimate & 0xff) << 44n;
  if (resultExp === 0) frac = (1n << 51n) | (frac >> 1n);
  else if (resultExp === -1) {
    frac = (1n << 50n) | (frac >> 2n);
    resultExp = 0;
  }
  return assemble(f, u.sign, resultExp, frac);
}

/** FRSQRTE (FPRSqrtEstimate). */
export function gRSqrtEstimate(f: Format, env: FloatEnv, a: bigint): bigint {
  const u = unpack(f, a, env);
  if (isNaNCls(u.cls)) return propagateNaN(f, env, [u]);
  if (u.cls === Cls.Zero) {
    env.flags |= FLAG_DZ;
    return packInf(f, u.sign);
  }
  if (u.sign) return invalid(f, env);
  if (u.cls === Cls.Inf) return packZero(f, 0);
  let { exp, frac } = fields(f, a);
  if (exp === 0) {
    while ((frac >> 51n) === 0n) {
      frac <<= 1n;
      exp--;
    }
    frac = (frac << 1n) & MASK52;
  }
  // An even unbiased exponent (odd biased one, the biases being odd) scales into [0.25, 0.5).
  const scaled = (exp & 1) === 0 ? 256 | Number(frac >> 44n) : 128 | Number(frac >> 45n);
  const resultExp = Math.floor((3 * f.bias - 1 - exp) / 2);
  const estimate = recipSqrtEstimate(scaled);
  return assemble(f, 0, resultExp, BigInt(estimate & 0xff) << 44n);
}

/**
 * FRECPS (2 - a*b) and FRSQRTS ((3 - a*b) / 2), fused with one rounding. Operand 1 is negated
 * before NaN processing, as FPNeg does with AH = 0 (so a propagated NaN from it has its sign
 * flipped); inf*0 gives exactly 2.0 / 1.5.
 */
export function gStepFused(f: Format, env: FloatEnv, a: bigint, b: bigint, rsqrt: boolean): bigint {
  const ua = unpack(f, a ^ f.signBit, env);
  const ub = unpack(f, b, env);
  if (isNaNCls(ua.cls) || isNaNCls(ub.cls)) return propagateNaN(f, env, [ua, ub]);
  const k = rsqrt ? 3n : 2n; // the constant
  const shift = rsqrt ? 1 : 0; // the final halving
  const inf = ua.cls === Cls.Inf || ub.cls === Cls.Inf;
  const zero = ua.cls === Cls.Zero || ub.cls === Cls.Zero;
  if (inf && zero) return roundPack(f, env, 0, k, -shift); // exactly 2.0 or 1.5
  if (inf) return packInf(f, ua.sign ^ ub.sign);
  if (zero) return roundPack(f, env, 0, k, -shift);
  const sp = ua.sign ^ ub.sign;
  const ep = ua.exp + ub.exp;
  const e = Math.min(ep, 0);
  const P = (ua.sig * ub.sig) << BigInt(ep - e);
  let s = (k << BigInt(-e)) + (sp ? -P : P);
  if (s === 0n) return packZero(f, zeroSumSign(env));
  let sign = 0;
  if (s < 0n) {
    sign = 1;
    s = -s;
  }
  return roundPack(f, env, sign, s, e - shift);
}
