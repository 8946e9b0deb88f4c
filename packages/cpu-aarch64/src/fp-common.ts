/**
 * Shared state and helpers of the FP and Advanced SIMD implementation: the FP environment
 * from FPCR and the flags into FPSR (Arm ARM DDI 0487 C5.2.8, C5.2.10), per-precision
 * operation tables over @tessera/softfloat, and element access to the V registers through a
 * scratch result register (so a destination may alias a source).
 */

import {
  type FloatEnv,
  armRModeToRm,
  RNE,
  RTZ,
  RDN,
  RUP,
  RMM,
  f32_add, f32_sub, f32_mul, f32_div, f32_sqrt, f32_fma, f32_min, f32_max, f32_minNum, f32_maxNum, f32_cmp, f32_roundToInt,
  f32_to_i32, f32_to_u32, f32_to_i64, f32_to_u64, i32_to_f32, u32_to_f32, i64_to_f32, u64_to_f32, f32_mulx,
  f32_recipEstimate, f32_rsqrtEstimate, f32_recipStep, f32_rsqrtStep,
  f64_add, f64_sub, f64_mul, f64_div, f64_sqrt, f64_fma, f64_min, f64_max, f64_minNum, f64_maxNum, f64_cmp, f64_roundToInt,
  f64_to_i32, f64_to_u32, f64_to_i64, f64_to_u64, i32_to_f64, u32_to_f64, i64_to_f64, u64_to_f64, f64_mulx,
  f64_recipEstimate, f64_rsqrtEstimate, f64_recipStep, f64_rsqrtStep,
  f16_to_f32, f16_to_f64, f32_to_f16, f64_to_f16,
} from '@tessera/softfloat';
import type { A64Core } from './core.js';
import { R } from './regs.js';

export const M64 = 0xffff_ffff_ffff_ffffn;

// ------------------------------------------------------------------ FP environment

/** FPSR bits (C5.2.10): IOC 0, DZC 1, OFC 2, UFC 3, IXC 4, IDC 7, QC 27. */
export const FPSR_QC = 1 << 27;

export const env: FloatEnv = { rm: RNE, flags: 0, nan: 'arm', dn: false, fz: false, fz16: false };

/** Load the environment from FPCR (C5.2.8: DN 25, FZ 24, RMode 23:22, FZ16 19). */
export function fpEnv(c: A64Core): FloatEnv {
  const fpcr = c.sr32[2 * R.FPCR]!;
  env.rm = armRModeToRm((fpcr >>> 22) & 3);
  env.dn = ((fpcr >>> 25) & 1) !== 0;
  env.fz = ((fpcr >>> 24) & 1) !== 0;
  env.fz16 = ((fpcr >>> 19) & 1) !== 0;
  env.flags = 0;
  return env;
}

/** OR softfloat's flags (NX UF OF DZ NV IDC) into FPSR's IXC UFC OFC DZC IOC IDC. */
export function fpFlags(c: A64Core): void {
  const f = env.flags;
  if (f === 0) return;
  let b = 0;
  if (f & 1) b |= 1 << 4;
  if (f & 2) b |= 1 << 3;
  if (f & 4) b |= 1 << 2;
  if (f & 8) b |= 1 << 1;
  if (f & 16) b |= 1;
  if (f & 32) b |= 1 << 7;
  c.sr32[2 * R.FPSR] |= b; // FPSR is 32 bits wide (C5.2.10)
}

export function setQC(c: A64Core): void {
  c.sr32[2 * R.FPSR] |= FPSR_QC;
}

// ------------------------------------------------------------------ half-precision conversions

/**
 * Conversions to half precision (FCVT, FCVTN), honouring FPCR.AHP: with AHP = 1 the result is
 * Arm's alternative half-precision format (FPConvert/FPRoundBase, C5.2.8): exponent 31 holds
 * normal numbers up to 131008, NaNs convert to a zero of their sign and infinities and
 * overflows to the largest magnitude, all three with Invalid Operation and without Inexact.
 * `es` 2 = the operand is single (number), 3 = double (bigint).
 */
export function cvtToHalf(c: A64Core, e: FloatEnv, a: FV, es: number): number {
  const ieee = es === 3 ? f64_to_f16 : f32_to_f16;
  if ((((c.sr32[2 * R.FPCR]! >>> 26) & 1) === 0)) return es === 3 ? f64_to_f16(e, a as bigint) : f32_to_f16(e, a as number);
  // Sign, biased exponent and "fraction non-zero" of the operand.
  let sign: number;
  let exp: number;
  let fracNZ: boolean;
  let bias: number;
  let expMax: number;
  if (es === 3) {
    const v = a as bigint;
    sign = Number(v >> 63n);
    exp = Number((v >> 52n) & 0x7ffn);
    fracNZ = (v & 0xf_ffff_ffff_ffffn) !== 0n;
    bias = 1023;
    expMax = 0x7ff;
  } else {
    const v = (a as number) >>> 0;
    sign = v >>> 31;
    exp = (v >>> 23) & 0xff;
    fracNZ = (v & 0x7f_ffff) !== 0;
    bias = 127;
    expMax = 0xff;
  }
  if (exp === expMax) {
    // NaN: FPZero(sign); infinity: sign:Ones(15). Both signal Invalid Operation.
    e.flags |= 16;
    return fracNZ ? sign << 15 : (sign << 15) | 0x7fff;
  }
  if (exp - bias < 15) return (ieee as (e: FloatEnv, x: FV) => number)(e, a); // the IEEE format's range
  // |a| >= 2^15: round a/2 (exact) in the IEEE format, then double the result: the rounding of
  // the significand is the same and IEEE overflow is exactly the alternative format's overflow.
  const half: FV = es === 3 ? (a as bigint) - (1n << 52n) : ((a as number) >>> 0) - (1 << 23);
  const saved = e.flags;
  e.flags = 0;
  const r = (ieee as (e: FloatEnv, x: FV) => number)(e, half);
  if ((e.flags & 4) !== 0) {
    e.flags = saved | 16;
    return (sign << 15) | 0x7fff;
  }
  e.flags |= saved;
  return r + (1 << 10);
}

/** Conversions from half precision (FCVT, FCVTL); with FPCR.AHP = 1 exponent 31 is a normal exponent. */
export function cvtFromHalf(c: A64Core, e: FloatEnv, h: number, es: number): FV {
  if ((h & 0x7c00) === 0x7c00 && ((c.sr32[2 * R.FPCR]! >>> 26) & 1) === 1) {
    const sign = (h >>> 15) & 1;
    const frac = h & 0x3ff;
    if (es === 3) return (BigInt(sign) << 63n) | (BigInt(31 - 15 + 1023) << 52n) | (BigInt(frac) << 42n);
    return ((sign << 31) | ((31 - 15 + 127) << 23) | (frac << 13)) >>> 0;
  }
  return es === 3 ? f16_to_f64(e, h) : f16_to_f32(e, h);
}

/** FPDecodeRounding for the FCVT{N,P,M,Z,A} / FRINT{N,P,M,Z,A} encodings. */
export const RM_OF = [RNE, RUP, RDN, RTZ, RMM];

// ------------------------------------------------------------------ float operation tables

/** f32 values are numbers (bit patterns), f64 values bigints; the tables hide the difference. */
export type FV = number | bigint;
export interface FOps {
  bits: number;
  add(e: FloatEnv, a: FV, b: FV): FV;
  sub(e: FloatEnv, a: FV, b: FV): FV;
  mul(e: FloatEnv, a: FV, b: FV): FV;
  div(e: FloatEnv, a: FV, b: FV): FV;
  max(e: FloatEnv, a: FV, b: FV): FV;
  min(e: FloatEnv, a: FV, b: FV): FV;
  maxnm(e: FloatEnv, a: FV, b: FV): FV;
  minnm(e: FloatEnv, a: FV, b: FV): FV;
  mulx(e: FloatEnv, a: FV, b: FV): FV;
  recps(e: FloatEnv, a: FV, b: FV): FV;
  rsqrts(e: FloatEnv, a: FV, b: FV): FV;
  fma(e: FloatEnv, a: FV, b: FV, c: FV): FV;
  sqrt(e: FloatEnv, a: FV): FV;
  recpe(e: FloatEnv, a: FV): FV;
  rsqrte(e: FloatEnv, a: FV): FV;
  cmp(e: FloatEnv, a: FV, b: FV, signaling: boolean): 'lt' | 'eq' | 'gt' | 'un';
  rint(e: FloatEnv, a: FV, rm: number, exact: boolean): FV;
  toI32(e: FloatEnv, a: FV, rm: number, fbits: number): number;
  toU32(e: FloatEnv, a: FV, rm: number, fbits: number): number;
  toI64(e: FloatEnv, a: FV, rm: number, fbits: number): bigint;
  toU64(e: FloatEnv, a: FV, rm: number, fbits: number): bigint;
  fromI32(e: FloatEnv, v: number, fbits: number): FV;
  fromU32(e: FloatEnv, v: number, fbits: number): FV;
  fromI64(e: FloatEnv, v: bigint, fbits: number): FV;
  fromU64(e: FloatEnv, v: bigint, fbits: number): FV;
  neg(a: FV): FV;
  abs(a: FV): FV;
}

export type B2 = (e: FloatEnv, a: FV, b: FV) => FV;
export type B1 = (e: FloatEnv, a: FV) => FV;

export const S: FOps = {
  bits: 32,
  add: f32_add as B2,
  sub: f32_sub as B2,
  mul: f32_mul as B2,
  div: f32_div as B2,
  max: f32_max as B2,
  min: f32_min as B2,
  maxnm: f32_maxNum as B2,
  minnm: f32_minNum as B2,
  mulx: f32_mulx as B2,
  recps: f32_recipStep as B2,
  rsqrts: f32_rsqrtStep as B2,
  fma: f32_fma as (e: FloatEnv, a: FV, b: FV, c: FV) => FV,
  sqrt: f32_sqrt as B1,
  recpe: f32_recipEstimate as B1,
  rsqrte: f32_rsqrtEstimate as B1,
  cmp: f32_cmp as FOps['cmp'],
  rint: f32_roundToInt as FOps['rint'],
  toI32: f32_to_i32 as FOps['toI32'],
  toU32: f32_to_u32 as FOps['toU32'],
  toI64: f32_to_i64 as FOps['toI64'],
  toU64: f32_to_u64 as FOps['toU64'],
  fromI32: i32_to_f32,
  fromU32: u32_to_f32,
  fromI64: i64_to_f32,
  fromU64: u64_to_f32,
  neg: (a) => ((a as number) ^ 0x8000_0000) >>> 0,
  abs: (a) => ((a as number) & 0x7fff_ffff) >>> 0,
};

export const D: FOps = {
  bits: 64,
  add: f64_add as B2,
  sub: f64_sub as B2,
  mul: f64_mul as B2,
  div: f64_div as B2,
  max: f64_max as B2,
  min: f64_min as B2,
  maxnm: f64_maxNum as B2,
  minnm: f64_minNum as B2,
  mulx: f64_mulx as B2,
  recps: f64_recipStep as B2,
  rsqrts: f64_rsqrtStep as B2,
  fma: f64_fma as (e: FloatEnv, a: FV, b: FV, c: FV) => FV,
  sqrt: f64_sqrt as B1,
  recpe: f64_recipEstimate as B1,
  rsqrte: f64_rsqrtEstimate as B1,
  cmp: f64_cmp as FOps['cmp'],
  rint: f64_roundToInt as FOps['rint'],
  toI32: f64_to_i32 as FOps['toI32'],
  toU32: f64_to_u32 as FOps['toU32'],
  toI64: f64_to_i64 as FOps['toI64'],
  toU64: f64_to_u64 as FOps['toU64'],
  fromI32: i32_to_f64,
  fromU32: u32_to_f64,
  fromI64: i64_to_f64,
  fromU64: u64_to_f64,
  neg: (a) => (a as bigint) ^ (1n << 63n),
  abs: (a) => (a as bigint) & ~(1n << 63n) & M64,
};

// ------------------------------------------------------------------ register access

/** Scratch result register: results are built here, then copied, so Vd may alias a source. */
export const T64 = new BigUint64Array(2);
export const T32 = new Uint32Array(T64.buffer);
export const T16 = new Uint16Array(T64.buffer);
export const T8 = new Uint8Array(T64.buffer);

/** Element `i` of Vn, `es` = log2 bytes 0..2, unsigned. */
export function eu(c: A64Core, n: number, i: number, es: number): number {
  return es === 0 ? c.v8[16 * n + i]! : es === 1 ? c.v16[8 * n + i]! : c.v32[4 * n + i]!;
}
/** Element `i` of Vn sign-extended (es 0..2). */
export function es_(c: A64Core, n: number, i: number, es: number): number {
  return es === 0 ? (c.v8[16 * n + i]! << 24) >> 24 : es === 1 ? (c.v16[8 * n + i]! << 16) >> 16 : c.v32[4 * n + i]! | 0;
}
export function tset(i: number, es: number, v: number): void {
  if (es === 0) T8[i] = v;
  else if (es === 1) T16[i] = v;
  else T32[i] = v;
}
export function tget(i: number, es: number): number {
  return es === 0 ? T8[i]! : es === 1 ? T16[i]! : T32[i]!;
}
/** Copy the scratch register to Vd; `bytes` = 8 clears bits 127:64, 16 writes all. */
export function commit(c: A64Core, d: number, bytes: number): void {
  c.v64[2 * d] = T64[0]!;
  c.v64[2 * d + 1] = bytes === 16 ? T64[1]! : 0n;
}
/** Commit a scalar of `bytes` (1, 2, 4, 8) held at the bottom of the scratch register. */
export function commitScalar(c: A64Core, d: number, bytes: number): void {
  if (bytes === 8) c.v64[2 * d] = T64[0]!;
  else if (bytes === 4) c.v64[2 * d] = BigInt(T32[0]!);
  else if (bytes === 2) c.v64[2 * d] = BigInt(T16[0]!);
  else c.v64[2 * d] = BigInt(T8[0]!);
  c.v64[2 * d + 1] = 0n;
}

/** Read a float element: es 2 = single (number), 3 = double (bigint). */
export function fget(c: A64Core, n: number, i: number, es: number): FV {
  return es === 3 ? c.v64[2 * n + i]! : c.v32[4 * n + i]!;
}
export function ftset(i: number, es: number, v: FV): void {
  if (es === 3) T64[i] = v as bigint;
  else T32[i] = v as number;
}
/** Write a scalar FP result to Vd, zeroing the rest (C7.2: scalar writes clear bits above). */
export function fsetScalar(c: A64Core, d: number, es: number, v: FV): void {
  if (es === 3) c.v64[2 * d] = v as bigint;
  else if (es === 2) c.v64[2 * d] = BigInt((v as number) >>> 0);
  else c.v64[2 * d] = BigInt((v as number) & 0xffff);
  c.v64[2 * d + 1] = 0n;
}

export function xreg(c: A64Core, n: number): bigint {
  return n === 31 ? 0n : c.x[n]!;
}
export function wreg(c: A64Core, n: number): number {
  return n === 31 ? 0 : c.x32[2 * n]!;
}
export function setX(c: A64Core, d: number, v: bigint): void {
  if (d !== 31) c.x[d] = v & M64;
}
export function setW(c: A64Core, d: number, v: number): void {
  if (d === 31) return;
  c.x32[2 * d] = v;
  c.x32[2 * d + 1] = 0;
}
