/**
 * Public operations per format. f16/f32 operands and results are numbers holding the raw bit
 * pattern (u16/u32); f64 ones are bigints holding the raw u64 pattern. Each tries a number fast
 * path (fast.ts) and otherwise takes the exact reference path (generic.ts).
 */
import { FLAG_NX, ROUND_ODD, type CmpResult, type FloatEnv } from './env.js';
import {
  f32FromBits,
  f32ToBits,
  f64FromBits,
  f64ToBits,
  fastAdd32,
  fastAdd64,
  fastDiv32,
  fastDiv64,
  fastFma32,
  fastFma64,
  fastMul32,
  fastMul64,
  fastRound32,
  fastSqrt32,
  fastSqrt64,
  roundIntegral,
} from './fast.js';
import {
  F16,
  F32,
  F64,
  gAdd,
  gClassify,
  gCmp,
  gConvert,
  gDiv,
  gFma,
  gFromInt,
  gMax,
  gMaxNum,
  gMaximum,
  gMin,
  gMinimum,
  gMinNum,
  gMul,
  gMulX,
  gRoundToInt,
  gSqrt,
  gToI32Mod,
  gToInt,
} from './generic.js';
import { gRecipEstimate, gRSqrtEstimate, gStepFused } from './estimate.js';

const MIN_NORMAL32 = 2 ** -126;
const MIN_NORMAL64 = 2 ** -1022;
const TWO53 = 2n ** 53n;

/** A value that FPCR.FZ would flush: nonzero and below the format's least normal. */
function flushable(env: FloatEnv, x: number, minNormal: number): boolean {
  return env.fz === true && x !== 0 && Math.abs(x) < minNormal;
}

/** min/max of two non-NaN operands by value, -0 below +0; returns a or b. */
function pickMinMax<T>(x: number, y: number, a: T, b: T, isMax: boolean): T {
  if (x < y) return isMax ? b : a;
  if (y < x) return isMax ? a : b;
  if (x !== 0) return a; // equal nonzero values have equal encodings
  const aNeg = Object.is(x, -0);
  return aNeg === isMax ? b : a;
}

// --- f16 --------------------------------------------------------------------------------
export function f16_add(env: FloatEnv, a: number, b: number): number {
  return Number(gAdd(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff), false));
}
export function f16_sub(env: FloatEnv, a: number, b: number): number {
  return Number(gAdd(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff), true));
}
export function f16_mul(env: FloatEnv, a: number, b: number): number {
  return Number(gMul(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff)));
}
export function f16_div(env: FloatEnv, a: number, b: number): number {
  return Number(gDiv(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff)));
}
export function f16_sqrt(env: FloatEnv, a: number): number {
  return Number(gSqrt(F16, env, BigInt(a & 0xffff)));
}
/** Fused a*b + c with one rounding. Arm FMADD Hd = Ha + Hn*Hm is f16_fma(env, n, m, a). */
export function f16_fma(env: FloatEnv, a: number, b: number, c: number): number {
  return Number(gFma(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff), BigInt(c & 0xffff)));
}
/** RISC-V FMIN (minimumNumber); Arm FMIN (NaN-propagating). */
export function f16_min(env: FloatEnv, a: number, b: number): number {
  return Number(gMin(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff)));
}
/** RISC-V FMAX (maximumNumber); Arm FMAX (NaN-propagating). */
export function f16_max(env: FloatEnv, a: number, b: number): number {
  return Number(gMax(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff)));
}
/** Arm FMINNM; for RISC-V the same as min. */
export function f16_minNum(env: FloatEnv, a: number, b: number): number {
  return Number(gMinNum(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff)));
}
/** Arm FMAXNM; for RISC-V the same as max. */
export function f16_maxNum(env: FloatEnv, a: number, b: number): number {
  return Number(gMaxNum(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff)));
}
/** Unordered compare (Arm FCMP: signaling=false, FCMPE: signaling=true). */
export function f16_cmp(env: FloatEnv, a: number, b: number, signaling: boolean): CmpResult {
  return gCmp(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff), signaling);
}
/** Quiet equality (RISC-V FEQ): NV only for signaling NaNs. */
export function f16_eq(env: FloatEnv, a: number, b: number): boolean {
  return gCmp(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff), false) === 'eq';
}
/** Signaling less-than (RISC-V FLT): NV for any NaN. */
export function f16_lt(env: FloatEnv, a: number, b: number): boolean {
  return gCmp(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff), true) === 'lt';
}
/** Signaling less-or-equal (RISC-V FLE): NV for any NaN. */
export function f16_le(env: FloatEnv, a: number, b: number): boolean {
  const r = gCmp(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff), true);
  return r === 'lt' || r === 'eq';
}
/** RISC-V FCLASS mask. */
export function f16_classify(a: number): number {
  return gClassify(F16, BigInt(a & 0xffff));
}
/** Round to an integral value in mode rm; `exact` raises NX when the value changes (FRINTX, FROUNDNX). */
export function f16_roundToInt(env: FloatEnv, a: number, rm: number, exact: boolean): number {
  return Number(gRoundToInt(F16, env, BigInt(a & 0xffff), rm, exact));
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f16_to_i32(env: FloatEnv, a: number, rm: number, fbits = 0): number {
  return Number(gToInt(F16, env, BigInt(a & 0xffff), rm, true, 32, fbits));
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). */
export function i32_to_f16(env: FloatEnv, v: number, fbits = 0): number {
  return Number(gFromInt(F16, env, BigInt(v | 0), fbits));
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f16_to_u32(env: FloatEnv, a: number, rm: number, fbits = 0): number {
  return Number(gToInt(F16, env, BigInt(a & 0xffff), rm, false, 32, fbits));
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). */
export function u32_to_f16(env: FloatEnv, v: number, fbits = 0): number {
  return Number(gFromInt(F16, env, BigInt(v >>> 0), fbits));
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f16_to_i64(env: FloatEnv, a: number, rm: number, fbits = 0): bigint {
  return gToInt(F16, env, BigInt(a & 0xffff), rm, true, 64, fbits);
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). */
export function i64_to_f16(env: FloatEnv, v: bigint, fbits = 0): number {
  return Number(gFromInt(F16, env, BigInt.asIntN(64, v), fbits));
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f16_to_u64(env: FloatEnv, a: number, rm: number, fbits = 0): bigint {
  return gToInt(F16, env, BigInt(a & 0xffff), rm, false, 64, fbits);
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). */
export function u64_to_f16(env: FloatEnv, v: bigint, fbits = 0): number {
  return Number(gFromInt(F16, env, BigInt.asUintN(64, v), fbits));
}

// --- f32 --------------------------------------------------------------------------------
export function f32_add(env: FloatEnv, a: number, b: number): number {
  const r = fastAdd32(env, f32FromBits(a), f32FromBits(b));
  return r === undefined ? Number(gAdd(F32, env, BigInt(a >>> 0), BigInt(b >>> 0), false)) : r;
}
export function f32_sub(env: FloatEnv, a: number, b: number): number {
  const r = fastAdd32(env, f32FromBits(a), -f32FromBits(b));
  return r === undefined ? Number(gAdd(F32, env, BigInt(a >>> 0), BigInt(b >>> 0), true)) : r;
}
export function f32_mul(env: FloatEnv, a: number, b: number): number {
  const r = fastMul32(env, f32FromBits(a), f32FromBits(b));
  return r === undefined ? Number(gMul(F32, env, BigInt(a >>> 0), BigInt(b >>> 0))) : r;
}
export function f32_div(env: FloatEnv, a: number, b: number): number {
  const r = fastDiv32(env, f32FromBits(a), f32FromBits(b));
  return r === undefined ? Number(gDiv(F32, env, BigInt(a >>> 0), BigInt(b >>> 0))) : r;
}
export function f32_sqrt(env: FloatEnv, a: number): number {
  const r = fastSqrt32(env, f32FromBits(a));
  return r === undefined ? Number(gSqrt(F32, env, BigInt(a >>> 0))) : r;
}
/** Fused a*b + c with one rounding. Arm FMADD Sd = Sa + Sn*Sm is f32_fma(env, n, m, a). */
export function f32_fma(env: FloatEnv, a: number, b: number, c: number): number {
  const r = fastFma32(env, f32FromBits(a), f32FromBits(b), f32FromBits(c));
  return r === undefined ? Number(gFma(F32, env, BigInt(a >>> 0), BigInt(b >>> 0), BigInt(c >>> 0))) : r;
}
/** RISC-V FMIN (minimumNumber); Arm FMIN (NaN-propagating). */
export function f32_min(env: FloatEnv, a: number, b: number): number {
  const x = f32FromBits(a);
  const y = f32FromBits(b);
  if (x === x && y === y && !flushable(env, x, MIN_NORMAL32) && !flushable(env, y, MIN_NORMAL32)) return (pickMinMax(x, y, a, b, false)) >>> 0;
  return Number(gMin(F32, env, BigInt(a >>> 0), BigInt(b >>> 0)));
}
/** RISC-V FMAX (maximumNumber); Arm FMAX (NaN-propagating). */
export function f32_max(env: FloatEnv, a: number, b: number): number {
  const x = f32FromBits(a);
  const y = f32FromBits(b);
  if (x === x && y === y && !flushable(env, x, MIN_NORMAL32) && !flushable(env, y, MIN_NORMAL32)) return (pickMinMax(x, y, a, b, true)) >>> 0;
  return Number(gMax(F32, env, BigInt(a >>> 0), BigInt(b >>> 0)));
}
/** Arm FMINNM; for RISC-V the same as min. */
export function f32_minNum(env: FloatEnv, a: number, b: number): number {
  const x = f32FromBits(a);
  const y = f32FromBits(b);
  if (x === x && y === y && !flushable(env, x, MIN_NORMAL32) && !flushable(env, y, MIN_NORMAL32)) return (pickMinMax(x, y, a, b, false)) >>> 0;
  return Number(gMinNum(F32, env, BigInt(a >>> 0), BigInt(b >>> 0)));
}
/** Arm FMAXNM; for RISC-V the same as max. */
export function f32_maxNum(env: FloatEnv, a: number, b: number): number {
  const x = f32FromBits(a);
  const y = f32FromBits(b);
  if (x === x && y === y && !flushable(env, x, MIN_NORMAL32) && !flushable(env, y, MIN_NORMAL32)) return (pickMinMax(x, y, a, b, true)) >>> 0;
  return Number(gMaxNum(F32, env, BigInt(a >>> 0), BigInt(b >>> 0)));
}
/** Unordered compare (Arm FCMP: signaling=false, FCMPE: signaling=true). */
export function f32_cmp(env: FloatEnv, a: number, b: number, signaling: boolean): CmpResult {
  const x = f32FromBits(a);
  const y = f32FromBits(b);
  const fast = x === x && y === y && !flushable(env, x, MIN_NORMAL32) && !flushable(env, y, MIN_NORMAL32);
  if (fast) return x < y ? 'lt' : x > y ? 'gt' : 'eq';
  return gCmp(F32, env, BigInt(a >>> 0), BigInt(b >>> 0), signaling);
}
/** Quiet equality (RISC-V FEQ): NV only for signaling NaNs. */
export function f32_eq(env: FloatEnv, a: number, b: number): boolean {
  const x = f32FromBits(a);
  const y = f32FromBits(b);
  const fast = x === x && y === y && !flushable(env, x, MIN_NORMAL32) && !flushable(env, y, MIN_NORMAL32);
  if (fast) return x === y;
  return gCmp(F32, env, BigInt(a >>> 0), BigInt(b >>> 0), false) === 'eq';
}
/** Signaling less-than (RISC-V FLT): NV for any NaN. */
export function f32_lt(env: FloatEnv, a: number, b: number): boolean {
  const x = f32FromBits(a);
  const y = f32FromBits(b);
  const fast = x === x && y === y && !flushable(env, x, MIN_NORMAL32) && !flushable(env, y, MIN_NORMAL32);
  if (fast) return x < y;
  return gCmp(F32, env, BigInt(a >>> 0), BigInt(b >>> 0), true) === 'lt';
}
/** Signaling less-or-equal (RISC-V FLE): NV for any NaN. */
export function f32_le(env: FloatEnv, a: number, b: number): boolean {
  const x = f32FromBits(a);
  const y = f32FromBits(b);
  const fast = x === x && y === y && !flushable(env, x, MIN_NORMAL32) && !flushable(env, y, MIN_NORMAL32);
  if (fast) return x <= y;
  const r = gCmp(F32, env, BigInt(a >>> 0), BigInt(b >>> 0), true);
  return r === 'lt' || r === 'eq';
}
/** RISC-V FCLASS mask. */
export function f32_classify(a: number): number {
  return gClassify(F32, BigInt(a >>> 0));
}
/** Round to an integral value in mode rm; `exact` raises NX when the value changes (FRINTX, FROUNDNX). */
export function f32_roundToInt(env: FloatEnv, a: number, rm: number, exact: boolean): number {
  const x = f32FromBits(a);
  const ax = Math.abs(x);
  if (ax >= MIN_NORMAL32 && ax < 2 ** 23) {
    let r = roundIntegral(x, rm);
    if (r !== x && exact) env.flags |= FLAG_NX;
    if (r === 0) r = x < 0 ? -0 : 0;
    return f32ToBits(r);
  }
  if (ax >= 2 ** 23 && ax < Infinity) return a >>> 0;
  return Number(gRoundToInt(F32, env, BigInt(a >>> 0), rm, exact));
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f32_to_i32(env: FloatEnv, a: number, rm: number, fbits = 0): number {
  const x = f32FromBits(a);
  const ax = Math.abs(x);
  if (fbits === 0 && ax >= MIN_NORMAL32 && ax < 2 ** 64) {
    const r = roundIntegral(x, rm);
    if (r >= -2147483648 && r <= 2147483647) {
      if (r !== x) env.flags |= FLAG_NX;
      return r | 0;
    }
  }
  return Number(gToInt(F32, env, BigInt(a >>> 0), rm, true, 32, fbits));
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). */
export function i32_to_f32(env: FloatEnv, v: number, fbits = 0): number {
  if (fbits !== 0) return Number(gFromInt(F32, env, BigInt(v | 0), fbits));
  const x = v | 0;
  if (Math.abs(x) <= 2 ** 24) return f32ToBits(x);
  return fastRound32(env, x) ?? Number(gFromInt(F32, env, BigInt(x)));
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f32_to_u32(env: FloatEnv, a: number, rm: number, fbits = 0): number {
  const x = f32FromBits(a);
  const ax = Math.abs(x);
  if (fbits === 0 && ax >= MIN_NORMAL32 && ax < 2 ** 64) {
    const r = roundIntegral(x, rm);
    if (r >= 0 && r <= 4294967295) {
      if (r !== x) env.flags |= FLAG_NX;
      return r >>> 0;
    }
  }
  return Number(gToInt(F32, env, BigInt(a >>> 0), rm, false, 32, fbits));
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). */
export function u32_to_f32(env: FloatEnv, v: number, fbits = 0): number {
  if (fbits !== 0) return Number(gFromInt(F32, env, BigInt(v >>> 0), fbits));
  const x = v >>> 0;
  if (Math.abs(x) <= 2 ** 24) return f32ToBits(x);
  return fastRound32(env, x) ?? Number(gFromInt(F32, env, BigInt(x)));
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f32_to_i64(env: FloatEnv, a: number, rm: number, fbits = 0): bigint {
  const x = f32FromBits(a);
  const ax = Math.abs(x);
  if (fbits === 0 && ax >= MIN_NORMAL32 && ax < 2 ** 64) {
    const r = roundIntegral(x, rm);
    if (r >= -(2 ** 63) && r < 2 ** 63) {
      if (r !== x) env.flags |= FLAG_NX;
      return BigInt(r);
    }
  }
  return gToInt(F32, env, BigInt(a >>> 0), rm, true, 64, fbits);
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). */
export function i64_to_f32(env: FloatEnv, v: bigint, fbits = 0): number {
  if (fbits !== 0) return Number(gFromInt(F32, env, BigInt.asIntN(64, v), fbits));
  if (v <= TWO53 && v >= -TWO53) {
    const x = Number(v);
    if (Math.abs(x) <= 2 ** 24) return f32ToBits(x);
    const r = fastRound32(env, x);
    if (r !== undefined) return r;
  }
  return Number(gFromInt(F32, env, BigInt.asIntN(64, v)));
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f32_to_u64(env: FloatEnv, a: number, rm: number, fbits = 0): bigint {
  const x = f32FromBits(a);
  const ax = Math.abs(x);
  if (fbits === 0 && ax >= MIN_NORMAL32 && ax < 2 ** 64) {
    const r = roundIntegral(x, rm);
    if (r >= 0 && r < 2 ** 64) {
      if (r !== x) env.flags |= FLAG_NX;
      return BigInt(r);
    }
  }
  return gToInt(F32, env, BigInt(a >>> 0), rm, false, 64, fbits);
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). */
export function u64_to_f32(env: FloatEnv, v: bigint, fbits = 0): number {
  if (fbits !== 0) return Number(gFromInt(F32, env, BigInt.asUintN(64, v), fbits));
  if (v <= TWO53 && v >= -TWO53) {
    const x = Number(v);
    if (Math.abs(x) <= 2 ** 24) return f32ToBits(x);
    const r = fastRound32(env, x);
    if (r !== undefined) return r;
  }
  return Number(gFromInt(F32, env, BigInt.asUintN(64, v)));
}

// --- f64 --------------------------------------------------------------------------------
export function f64_add(env: FloatEnv, a: bigint, b: bigint): bigint {
  const r = fastAdd64(env, f64FromBits(a), f64FromBits(b));
  return r === undefined ? gAdd(F64, env, a, b, false) : f64ToBits(r);
}
export function f64_sub(env: FloatEnv, a: bigint, b: bigint): bigint {
  const r = fastAdd64(env, f64FromBits(a), -f64FromBits(b));
  return r === undefined ? gAdd(F64, env, a, b, true) : f64ToBits(r);
}
export function f64_mul(env: FloatEnv, a: bigint, b: bigint): bigint {
  const r = fastMul64(env, f64FromBits(a), f64FromBits(b));
  return r === undefined ? gMul(F64, env, a, b) : f64ToBits(r);
}
export function f64_div(env: FloatEnv, a: bigint, b: bigint): bigint {
  const r = fastDiv64(env, f64FromBits(a), f64FromBits(b));
  return r === undefined ? gDiv(F64, env, a, b) : f64ToBits(r);
}
export function f64_sqrt(env: FloatEnv, a: bigint): bigint {
  const r = fastSqrt64(env, f64FromBits(a));
  return r === undefined ? gSqrt(F64, env, a) : f64ToBits(r);
}
/** Fused a*b + c with one rounding. Arm FMADD Dd = Da + Dn*Dm is f64_fma(env, n, m, a). */
export function f64_fma(env: FloatEnv, a: bigint, b: bigint, c: bigint): bigint {
  const r = fastFma64(env, f64FromBits(a), f64FromBits(b), f64FromBits(c));
  return r === undefined ? gFma(F64, env, a, b, c) : f64ToBits(r);
}
/** RISC-V FMIN (minimumNumber); Arm FMIN (NaN-propagating). */
export function f64_min(env: FloatEnv, a: bigint, b: bigint): bigint {
  const x = f64FromBits(a);
  const y = f64FromBits(b);
  if (x === x && y === y && !flushable(env, x, MIN_NORMAL64) && !flushable(env, y, MIN_NORMAL64)) return pickMinMax(x, y, a, b, false);
  return gMin(F64, env, a, b);
}
/** RISC-V FMAX (maximumNumber); Arm FMAX (NaN-propagating). */
export function f64_max(env: FloatEnv, a: bigint, b: bigint): bigint {
  const x = f64FromBits(a);
  const y = f64FromBits(b);
  if (x === x && y === y && !flushable(env, x, MIN_NORMAL64) && !flushable(env, y, MIN_NORMAL64)) return pickMinMax(x, y, a, b, true);
  return gMax(F64, env, a, b);
}
/** Arm FMINNM; for RISC-V the same as min. */
export function f64_minNum(env: FloatEnv, a: bigint, b: bigint): bigint {
  const x = f64FromBits(a);
  const y = f64FromBits(b);
  if (x === x && y === y && !flushable(env, x, MIN_NORMAL64) && !flushable(env, y, MIN_NORMAL64)) return pickMinMax(x, y, a, b, false);
  return gMinNum(F64, env, a, b);
}
/** Arm FMAXNM; for RISC-V the same as max. */
export function f64_maxNum(env: FloatEnv, a: bigint, b: bigint): bigint {
  const x = f64FromBits(a);
  const y = f64FromBits(b);
  if (x === x && y === y && !flushable(env, x, MIN_NORMAL64) && !flushable(env, y, MIN_NORMAL64)) return pickMinMax(x, y, a, b, true);
  return gMaxNum(F64, env, a, b);
}
/** Unordered compare (Arm FCMP: signaling=false, FCMPE: signaling=true). */
export function f64_cmp(env: FloatEnv, a: bigint, b: bigint, signaling: boolean): CmpResult {
  const x = f64FromBits(a);
  const y = f64FromBits(b);
  const fast = x === x && y === y && !flushable(env, x, MIN_NORMAL64) && !flushable(env, y, MIN_NORMAL64);
  if (fast) return x < y ? 'lt' : x > y ? 'gt' : 'eq';
  return gCmp(F64, env, a, b, signaling);
}
/** Quiet equality (RISC-V FEQ): NV only for signaling NaNs. */
export function f64_eq(env: FloatEnv, a: bigint, b: bigint): boolean {
  const x = f64FromBits(a);
  const y = f64FromBits(b);
  const fast = x === x && y === y && !flushable(env, x, MIN_NORMAL64) && !flushable(env, y, MIN_NORMAL64);
  if (fast) return x === y;
  return gCmp(F64, env, a, b, false) === 'eq';
}
/** Signaling less-than (RISC-V FLT): NV for any NaN. */
export function f64_lt(env: FloatEnv, a: bigint, b: bigint): boolean {
  const x = f64FromBits(a);
  const y = f64FromBits(b);
  const fast = x === x && y === y && !flushable(env, x, MIN_NORMAL64) && !flushable(env, y, MIN_NORMAL64);
  if (fast) return x < y;
  return gCmp(F64, env, a, b, true) === 'lt';
}
/** Signaling less-or-equal (RISC-V FLE): NV for any NaN. */
export function f64_le(env: FloatEnv, a: bigint, b: bigint): boolean {
  const x = f64FromBits(a);
  const y = f64FromBits(b);
  const fast = x === x && y === y && !flushable(env, x, MIN_NORMAL64) && !flushable(env, y, MIN_NORMAL64);
  if (fast) return x <= y;
  const r = gCmp(F64, env, a, b, true);
  return r === 'lt' || r === 'eq';
}
/** RISC-V FCLASS mask. */
export function f64_classify(a: bigint): number {
  return gClassify(F64, a);
}
/** Round to an integral value in mode rm; `exact` raises NX when the value changes (FRINTX, FROUNDNX). */
export function f64_roundToInt(env: FloatEnv, a: bigint, rm: number, exact: boolean): bigint {
  const x = f64FromBits(a);
  const ax = Math.abs(x);
  if (ax >= MIN_NORMAL64 && ax < 2 ** 52) {
    let r = roundIntegral(x, rm);
    if (r !== x && exact) env.flags |= FLAG_NX;
    if (r === 0) r = x < 0 ? -0 : 0;
    return f64ToBits(r);
  }
  if (ax >= 2 ** 52 && ax < Infinity) return a;
  return gRoundToInt(F64, env, a, rm, exact);
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f64_to_i32(env: FloatEnv, a: bigint, rm: number, fbits = 0): number {
  const x = f64FromBits(a);
  const ax = Math.abs(x);
  if (fbits === 0 && ax >= MIN_NORMAL64 && ax < 2 ** 64) {
    const r = roundIntegral(x, rm);
    if (r >= -2147483648 && r <= 2147483647) {
      if (r !== x) env.flags |= FLAG_NX;
      return r | 0;
    }
  }
  return Number(gToInt(F64, env, a, rm, true, 32, fbits));
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). Without fbits exact: every 32-bit integer is a binary64 value. */
export function i32_to_f64(env: FloatEnv, v: number, fbits = 0): bigint {
  return fbits === 0 ? f64ToBits(v | 0) : gFromInt(F64, env, BigInt(v | 0), fbits);
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f64_to_u32(env: FloatEnv, a: bigint, rm: number, fbits = 0): number {
  const x = f64FromBits(a);
  const ax = Math.abs(x);
  if (fbits === 0 && ax >= MIN_NORMAL64 && ax < 2 ** 64) {
    const r = roundIntegral(x, rm);
    if (r >= 0 && r <= 4294967295) {
      if (r !== x) env.flags |= FLAG_NX;
      return r >>> 0;
    }
  }
  return Number(gToInt(F64, env, a, rm, false, 32, fbits));
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). Without fbits exact: every 32-bit integer is a binary64 value. */
export function u32_to_f64(env: FloatEnv, v: number, fbits = 0): bigint {
  return fbits === 0 ? f64ToBits(v >>> 0) : gFromInt(F64, env, BigInt(v >>> 0), fbits);
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f64_to_i64(env: FloatEnv, a: bigint, rm: number, fbits = 0): bigint {
  const x = f64FromBits(a);
  const ax = Math.abs(x);
  if (fbits === 0 && ax >= MIN_NORMAL64 && ax < 2 ** 64) {
    const r = roundIntegral(x, rm);
    if (r >= -(2 ** 63) && r < 2 ** 63) {
      if (r !== x) env.flags |= FLAG_NX;
      return BigInt(r);
    }
  }
  return gToInt(F64, env, a, rm, true, 64, fbits);
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). */
export function i64_to_f64(env: FloatEnv, v: bigint, fbits = 0): bigint {
  if (fbits !== 0) return gFromInt(F64, env, BigInt.asIntN(64, v), fbits);
  if (v <= TWO53 && v >= -TWO53) return f64ToBits(Number(v));
  return gFromInt(F64, env, BigInt.asIntN(64, v));
}
/** `fbits` > 0: fixed-point result (Arm FCVTZS/FCVTZU #fbits). */
export function f64_to_u64(env: FloatEnv, a: bigint, rm: number, fbits = 0): bigint {
  const x = f64FromBits(a);
  const ax = Math.abs(x);
  if (fbits === 0 && ax >= MIN_NORMAL64 && ax < 2 ** 64) {
    const r = roundIntegral(x, rm);
    if (r >= 0 && r < 2 ** 64) {
      if (r !== x) env.flags |= FLAG_NX;
      return BigInt(r);
    }
  }
  return gToInt(F64, env, a, rm, false, 64, fbits);
}
/** `fbits` > 0: the integer is fixed-point with that many fraction bits (Arm SCVTF/UCVTF #fbits). */
export function u64_to_f64(env: FloatEnv, v: bigint, fbits = 0): bigint {
  if (fbits !== 0) return gFromInt(F64, env, BigInt.asUintN(64, v), fbits);
  if (v <= TWO53 && v >= -TWO53) return f64ToBits(Number(v));
  return gFromInt(F64, env, BigInt.asUintN(64, v));
}

// --- format conversions ----------------------------------------------------------------------
/** Arm FCVTXN: binary64 to binary32 rounding to odd (FPRounding_ODD), whatever env.rm is. */
export function f64_to_f32_roundOdd(env: FloatEnv, a: bigint): number {
  return Number(gConvert(F64, F32, env, a, ROUND_ODD));
}
export function f16_to_f32(env: FloatEnv, a: number): number {
  return Number(gConvert(F16, F32, env, BigInt(a & 0xffff)));
}
export function f16_to_f64(env: FloatEnv, a: number): bigint {
  return gConvert(F16, F64, env, BigInt(a & 0xffff));
}
export function f32_to_f16(env: FloatEnv, a: number): number {
  return Number(gConvert(F32, F16, env, BigInt(a >>> 0)));
}
/** Exact for every non-NaN input. */
export function f32_to_f64(env: FloatEnv, a: number): bigint {
  const x = f32FromBits(a);
  if (x === x && !flushable(env, x, MIN_NORMAL32)) return f64ToBits(x);
  return gConvert(F32, F64, env, BigInt(a >>> 0));
}
export function f64_to_f16(env: FloatEnv, a: bigint): number {
  return Number(gConvert(F64, F16, env, a));
}
export function f64_to_f32(env: FloatEnv, a: bigint): number {
  return fastRound32(env, f64FromBits(a)) ?? Number(gConvert(F64, F32, env, a));
}

// --- Arm estimates and Newton-Raphson steps ----------------------------------------------------
/** Arm FRECPE: 8-bit reciprocal estimate. */
export function f16_recipEstimate(env: FloatEnv, a: number): number {
  return Number(gRecipEstimate(F16, env, BigInt(a & 0xffff)));
}
/** Arm FRSQRTE: 8-bit reciprocal square root estimate. */
export function f16_rsqrtEstimate(env: FloatEnv, a: number): number {
  return Number(gRSqrtEstimate(F16, env, BigInt(a & 0xffff)));
}
/** Arm FRECPS: 2 - a*b, fused. */
export function f16_recipStep(env: FloatEnv, a: number, b: number): number {
  return Number(gStepFused(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff), false));
}
/** Arm FRSQRTS: (3 - a*b) / 2, fused. */
export function f16_rsqrtStep(env: FloatEnv, a: number, b: number): number {
  return Number(gStepFused(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff), true));
}
/** Arm FRECPE: 8-bit reciprocal estimate. */
export function f32_recipEstimate(env: FloatEnv, a: number): number {
  return Number(gRecipEstimate(F32, env, BigInt(a >>> 0)));
}
/** Arm FRSQRTE: 8-bit reciprocal square root estimate. */
export function f32_rsqrtEstimate(env: FloatEnv, a: number): number {
  return Number(gRSqrtEstimate(F32, env, BigInt(a >>> 0)));
}
/** Arm FRECPS: 2 - a*b, fused. */
export function f32_recipStep(env: FloatEnv, a: number, b: number): number {
  return Number(gStepFused(F32, env, BigInt(a >>> 0), BigInt(b >>> 0), false));
}
/** Arm FRSQRTS: (3 - a*b) / 2, fused. */
export function f32_rsqrtStep(env: FloatEnv, a: number, b: number): number {
  return Number(gStepFused(F32, env, BigInt(a >>> 0), BigInt(b >>> 0), true));
}
/** Arm FRECPE: 8-bit reciprocal estimate. */
export function f64_recipEstimate(env: FloatEnv, a: bigint): bigint {
  return gRecipEstimate(F64, env, a);
}
/** Arm FRSQRTE: 8-bit reciprocal square root estimate. */
export function f64_rsqrtEstimate(env: FloatEnv, a: bigint): bigint {
  return gRSqrtEstimate(F64, env, a);
}
/** Arm FRECPS: 2 - a*b, fused. */
export function f64_recipStep(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gStepFused(F64, env, a, b, false);
}
/** Arm FRSQRTS: (3 - a*b) / 2, fused. */
export function f64_rsqrtStep(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gStepFused(F64, env, a, b, true);
}

// --- further Arm and Zfa operations ----------------------------------------------------------
/** Arm FMULX: multiply with inf * 0 = +-2.0. */
export function f16_mulx(env: FloatEnv, a: number, b: number): number {
  return Number(gMulX(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff)));
}
/** IEEE 754-2019 minimum (RISC-V Zfa FMINM; Arm FMIN): NaN if either operand is NaN. */
export function f16_minimum(env: FloatEnv, a: number, b: number): number {
  return Number(gMinimum(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff)));
}
/** IEEE 754-2019 maximum (RISC-V Zfa FMAXM; Arm FMAX): NaN if either operand is NaN. */
export function f16_maximum(env: FloatEnv, a: number, b: number): number {
  return Number(gMaximum(F16, env, BigInt(a & 0xffff), BigInt(b & 0xffff)));
}
/** Arm FMULX: multiply with inf * 0 = +-2.0. */
export function f32_mulx(env: FloatEnv, a: number, b: number): number {
  return Number(gMulX(F32, env, BigInt(a >>> 0), BigInt(b >>> 0)));
}
/** IEEE 754-2019 minimum (RISC-V Zfa FMINM; Arm FMIN): NaN if either operand is NaN. */
export function f32_minimum(env: FloatEnv, a: number, b: number): number {
  return Number(gMinimum(F32, env, BigInt(a >>> 0), BigInt(b >>> 0)));
}
/** IEEE 754-2019 maximum (RISC-V Zfa FMAXM; Arm FMAX): NaN if either operand is NaN. */
export function f32_maximum(env: FloatEnv, a: number, b: number): number {
  return Number(gMaximum(F32, env, BigInt(a >>> 0), BigInt(b >>> 0)));
}
/** Arm FMULX: multiply with inf * 0 = +-2.0. */
export function f64_mulx(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gMulX(F64, env, a, b);
}
/** IEEE 754-2019 minimum (RISC-V Zfa FMINM; Arm FMIN): NaN if either operand is NaN. */
export function f64_minimum(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gMinimum(F64, env, a, b);
}
/** IEEE 754-2019 maximum (RISC-V Zfa FMAXM; Arm FMAX): NaN if either operand is NaN. */
export function f64_maximum(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gMaximum(F64, env, a, b);
}
/** RISC-V Zfa FCVTMOD.W.D (JavaScript ToInt32): truncated value modulo 2^32 as a signed number. */
export function f64_to_i32_mod(env: FloatEnv, a: bigint): number {
  return gToI32Mod(F64, env, a);
}
