/**
 * Public operations per format. f16/f32 operands and results are numbers holding the raw bit
 * pattern (u16/u32); f64 ones are bigints holding the raw u64 pattern. Each routes to a number
 * fast path where one exists (fast.ts) and otherwise to the exact reference path (generic.ts).
 */
import type { CmpResult, FloatEnv } from './env.js';
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
  gMin,
  gMinNum,
  gMul,
  gRoundToInt,
  gSqrt,
  gToInt,
} from './generic.js';

// --- f16 --------------------------------------------------------------------------------
export function f16_add(env: FloatEnv, a: number, b: number): number {
  return Number(gAdd(F16, env, BigInt(a), BigInt(b), false));
}
export function f16_sub(env: FloatEnv, a: number, b: number): number {
  return Number(gAdd(F16, env, BigInt(a), BigInt(b), true));
}
export function f16_mul(env: FloatEnv, a: number, b: number): number {
  return Number(gMul(F16, env, BigInt(a), BigInt(b)));
}
export function f16_div(env: FloatEnv, a: number, b: number): number {
  return Number(gDiv(F16, env, BigInt(a), BigInt(b)));
}
export function f16_sqrt(env: FloatEnv, a: number): number {
  return Number(gSqrt(F16, env, BigInt(a)));
}
/** Fused a*b + c with one rounding. Arm FMADD Dd = Da + Dn*Dm is f16_fma(env, n, m, a). */
export function f16_fma(env: FloatEnv, a: number, b: number, c: number): number {
  return Number(gFma(F16, env, BigInt(a), BigInt(b), BigInt(c)));
}
/** RISC-V FMIN (minimumNumber); Arm FMIN (NaN-propagating). */
export function f16_min(env: FloatEnv, a: number, b: number): number {
  return Number(gMin(F16, env, BigInt(a), BigInt(b)));
}
/** RISC-V FMAX (maximumNumber); Arm FMAX (NaN-propagating). */
export function f16_max(env: FloatEnv, a: number, b: number): number {
  return Number(gMax(F16, env, BigInt(a), BigInt(b)));
}
/** Arm FMINNM; for RISC-V the same as min. */
export function f16_minNum(env: FloatEnv, a: number, b: number): number {
  return Number(gMinNum(F16, env, BigInt(a), BigInt(b)));
}
/** Arm FMAXNM; for RISC-V the same as max. */
export function f16_maxNum(env: FloatEnv, a: number, b: number): number {
  return Number(gMaxNum(F16, env, BigInt(a), BigInt(b)));
}
/** Unordered compare (Arm FCMP: signaling=false, FCMPE: signaling=true). */
export function f16_cmp(env: FloatEnv, a: number, b: number, signaling: boolean): CmpResult {
  return gCmp(F16, env, BigInt(a), BigInt(b), signaling);
}
/** Quiet equality (RISC-V FEQ): NV only for signaling NaNs. */
export function f16_eq(env: FloatEnv, a: number, b: number): boolean {
  return gCmp(F16, env, BigInt(a), BigInt(b), false) === 'eq';
}
/** Signaling less-than (RISC-V FLT): NV for any NaN. */
export function f16_lt(env: FloatEnv, a: number, b: number): boolean {
  return gCmp(F16, env, BigInt(a), BigInt(b), true) === 'lt';
}
/** Signaling less-or-equal (RISC-V FLE): NV for any NaN. */
export function f16_le(env: FloatEnv, a: number, b: number): boolean {
  const r = gCmp(F16, env, BigInt(a), BigInt(b), true);
  return r === 'lt' || r === 'eq';
}
/** RISC-V FCLASS mask. */
export function f16_classify(a: number): number {
  return gClassify(F16, BigInt(a));
}
/** Round to an integral value in mode rm; `exact` raises NX when the value changes (FRINTX, FROUNDNX). */
export function f16_roundToInt(env: FloatEnv, a: number, rm: number, exact: boolean): number {
  return Number(gRoundToInt(F16, env, BigInt(a), rm, exact));
}
export function f16_to_i32(env: FloatEnv, a: number, rm: number): number {
  return Number(gToInt(F16, env, BigInt(a), rm, true, 32));
}
export function i32_to_f16(env: FloatEnv, v: number): number {
  return Number(gFromInt(F16, env, BigInt(v)));
}
export function f16_to_u32(env: FloatEnv, a: number, rm: number): number {
  return Number(gToInt(F16, env, BigInt(a), rm, false, 32));
}
export function u32_to_f16(env: FloatEnv, v: number): number {
  return Number(gFromInt(F16, env, BigInt(v)));
}
export function f16_to_i64(env: FloatEnv, a: number, rm: number): bigint {
  return gToInt(F16, env, BigInt(a), rm, true, 64);
}
export function i64_to_f16(env: FloatEnv, v: bigint): number {
  return Number(gFromInt(F16, env, v));
}
export function f16_to_u64(env: FloatEnv, a: number, rm: number): bigint {
  return gToInt(F16, env, BigInt(a), rm, false, 64);
}
export function u64_to_f16(env: FloatEnv, v: bigint): number {
  return Number(gFromInt(F16, env, v));
}

// --- f32 --------------------------------------------------------------------------------
export function f32_add(env: FloatEnv, a: number, b: number): number {
  return Number(gAdd(F32, env, BigInt(a), BigInt(b), false));
}
export function f32_sub(env: FloatEnv, a: number, b: number): number {
  return Number(gAdd(F32, env, BigInt(a), BigInt(b), true));
}
export function f32_mul(env: FloatEnv, a: number, b: number): number {
  return Number(gMul(F32, env, BigInt(a), BigInt(b)));
}
export function f32_div(env: FloatEnv, a: number, b: number): number {
  return Number(gDiv(F32, env, BigInt(a), BigInt(b)));
}
export function f32_sqrt(env: FloatEnv, a: number): number {
  return Number(gSqrt(F32, env, BigInt(a)));
}
/** Fused a*b + c with one rounding. Arm FMADD Dd = Da + Dn*Dm is f32_fma(env, n, m, a). */
export function f32_fma(env: FloatEnv, a: number, b: number, c: number): number {
  return Number(gFma(F32, env, BigInt(a), BigInt(b), BigInt(c)));
}
/** RISC-V FMIN (minimumNumber); Arm FMIN (NaN-propagating). */
export function f32_min(env: FloatEnv, a: number, b: number): number {
  return Number(gMin(F32, env, BigInt(a), BigInt(b)));
}
/** RISC-V FMAX (maximumNumber); Arm FMAX (NaN-propagating). */
export function f32_max(env: FloatEnv, a: number, b: number): number {
  return Number(gMax(F32, env, BigInt(a), BigInt(b)));
}
/** Arm FMINNM; for RISC-V the same as min. */
export function f32_minNum(env: FloatEnv, a: number, b: number): number {
  return Number(gMinNum(F32, env, BigInt(a), BigInt(b)));
}
/** Arm FMAXNM; for RISC-V the same as max. */
export function f32_maxNum(env: FloatEnv, a: number, b: number): number {
  return Number(gMaxNum(F32, env, BigInt(a), BigInt(b)));
}
/** Unordered compare (Arm FCMP: signaling=false, FCMPE: signaling=true). */
export function f32_cmp(env: FloatEnv, a: number, b: number, signaling: boolean): CmpResult {
  return gCmp(F32, env, BigInt(a), BigInt(b), signaling);
}
/** Quiet equality (RISC-V FEQ): NV only for signaling NaNs. */
export function f32_eq(env: FloatEnv, a: number, b: number): boolean {
  return gCmp(F32, env, BigInt(a), BigInt(b), false) === 'eq';
}
/** Signaling less-than (RISC-V FLT): NV for any NaN. */
export function f32_lt(env: FloatEnv, a: number, b: number): boolean {
  return gCmp(F32, env, BigInt(a), BigInt(b), true) === 'lt';
}
/** Signaling less-or-equal (RISC-V FLE): NV for any NaN. */
export function f32_le(env: FloatEnv, a: number, b: number): boolean {
  const r = gCmp(F32, env, BigInt(a), BigInt(b), true);
  return r === 'lt' || r === 'eq';
}
/** RISC-V FCLASS mask. */
export function f32_classify(a: number): number {
  return gClassify(F32, BigInt(a));
}
/** Round to an integral value in mode rm; `exact` raises NX when the value changes (FRINTX, FROUNDNX). */
export function f32_roundToInt(env: FloatEnv, a: number, rm: number, exact: boolean): number {
  return Number(gRoundToInt(F32, env, BigInt(a), rm, exact));
}
export function f32_to_i32(env: FloatEnv, a: number, rm: number): number {
  return Number(gToInt(F32, env, BigInt(a), rm, true, 32));
}
export function i32_to_f32(env: FloatEnv, v: number): number {
  return Number(gFromInt(F32, env, BigInt(v)));
}
export function f32_to_u32(env: FloatEnv, a: number, rm: number): number {
  return Number(gToInt(F32, env, BigInt(a), rm, false, 32));
}
export function u32_to_f32(env: FloatEnv, v: number): number {
  return Number(gFromInt(F32, env, BigInt(v)));
}
export function f32_to_i64(env: FloatEnv, a: number, rm: number): bigint {
  return gToInt(F32, env, BigInt(a), rm, true, 64);
}
export function i64_to_f32(env: FloatEnv, v: bigint): number {
  return Number(gFromInt(F32, env, v));
}
export function f32_to_u64(env: FloatEnv, a: number, rm: number): bigint {
  return gToInt(F32, env, BigInt(a), rm, false, 64);
}
export function u64_to_f32(env: FloatEnv, v: bigint): number {
  return Number(gFromInt(F32, env, v));
}

// --- f64 --------------------------------------------------------------------------------
export function f64_add(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gAdd(F64, env, a, b, false);
}
export function f64_sub(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gAdd(F64, env, a, b, true);
}
export function f64_mul(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gMul(F64, env, a, b);
}
export function f64_div(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gDiv(F64, env, a, b);
}
export function f64_sqrt(env: FloatEnv, a: bigint): bigint {
  return gSqrt(F64, env, a);
}
/** Fused a*b + c with one rounding. Arm FMADD Dd = Da + Dn*Dm is f64_fma(env, n, m, a). */
export function f64_fma(env: FloatEnv, a: bigint, b: bigint, c: bigint): bigint {
  return gFma(F64, env, a, b, c);
}
/** RISC-V FMIN (minimumNumber); Arm FMIN (NaN-propagating). */
export function f64_min(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gMin(F64, env, a, b);
}
/** RISC-V FMAX (maximumNumber); Arm FMAX (NaN-propagating). */
export function f64_max(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gMax(F64, env, a, b);
}
/** Arm FMINNM; for RISC-V the same as min. */
export function f64_minNum(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gMinNum(F64, env, a, b);
}
/** Arm FMAXNM; for RISC-V the same as max. */
export function f64_maxNum(env: FloatEnv, a: bigint, b: bigint): bigint {
  return gMaxNum(F64, env, a, b);
}
/** Unordered compare (Arm FCMP: signaling=false, FCMPE: signaling=true). */
export function f64_cmp(env: FloatEnv, a: bigint, b: bigint, signaling: boolean): CmpResult {
  return gCmp(F64, env, a, b, signaling);
}
/** Quiet equality (RISC-V FEQ): NV only for signaling NaNs. */
export function f64_eq(env: FloatEnv, a: bigint, b: bigint): boolean {
  return gCmp(F64, env, a, b, false) === 'eq';
}
/** Signaling less-than (RISC-V FLT): NV for any NaN. */
export function f64_lt(env: FloatEnv, a: bigint, b: bigint): boolean {
  return gCmp(F64, env, a, b, true) === 'lt';
}
/** Signaling less-or-equal (RISC-V FLE): NV for any NaN. */
export function f64_le(env: FloatEnv, a: bigint, b: bigint): boolean {
  const r = gCmp(F64, env, a, b, true);
  return r === 'lt' || r === 'eq';
}
/** RISC-V FCLASS mask. */
export function f64_classify(a: bigint): number {
  return gClassify(F64, a);
}
/** Round to an integral value in mode rm; `exact` raises NX when the value changes (FRINTX, FROUNDNX). */
export function f64_roundToInt(env: FloatEnv, a: bigint, rm: number, exact: boolean): bigint {
  return gRoundToInt(F64, env, a, rm, exact);
}
export function f64_to_i32(env: FloatEnv, a: bigint, rm: number): number {
  return Number(gToInt(F64, env, a, rm, true, 32));
}
export function i32_to_f64(env: FloatEnv, v: number): bigint {
  return gFromInt(F64, env, BigInt(v));
}
export function f64_to_u32(env: FloatEnv, a: bigint, rm: number): number {
  return Number(gToInt(F64, env, a, rm, false, 32));
}
export function u32_to_f64(env: FloatEnv, v: number): bigint {
  return gFromInt(F64, env, BigInt(v));
}
export function f64_to_i64(env: FloatEnv, a: bigint, rm: number): bigint {
  return gToInt(F64, env, a, rm, true, 64);
}
export function i64_to_f64(env: FloatEnv, v: bigint): bigint {
  return gFromInt(F64, env, v);
}
export function f64_to_u64(env: FloatEnv, a: bigint, rm: number): bigint {
  return gToInt(F64, env, a, rm, false, 64);
}
export function u64_to_f64(env: FloatEnv, v: bigint): bigint {
  return gFromInt(F64, env, v);
}

// --- format conversions ----------------------------------------------------------------------
export function f16_to_f32(env: FloatEnv, a: number): number {
  return Number(gConvert(F16, F32, env, BigInt(a)));
}
export function f16_to_f64(env: FloatEnv, a: number): bigint {
  return gConvert(F16, F64, env, BigInt(a));
}
export function f32_to_f16(env: FloatEnv, a: number): number {
  return Number(gConvert(F32, F16, env, BigInt(a)));
}
export function f32_to_f64(env: FloatEnv, a: number): bigint {
  return gConvert(F32, F64, env, BigInt(a));
}
export function f64_to_f16(env: FloatEnv, a: bigint): number {
  return Number(gConvert(F64, F16, env, a));
}
export function f64_to_f32(env: FloatEnv, a: bigint): number {
  return Number(gConvert(F64, F32, env, a));
}
