/**
 * Advanced SIMD arithmetic groups (Arm ARM DDI 0487 C4.1.9): three registers of the same type,
 * two-register miscellaneous, across lanes, scalar pairwise and vector x indexed element, in
 * their vector and scalar forms, integer and floating point (single and double; FEAT_FP16 and
 * the v8.1+ additions SQRDMLAH/SDOT/FCMLA/FMLAL are not implemented and stay UNDEFINED).
 *
 * Elements are read from the V registers and results built in the scratch register (`T*`) so
 * the destination may alias a source; integer lanes narrower than 64 bits are JS numbers and
 * 64-bit lanes bigints. Floating point goes through the per-precision tables over
 * @tessera/softfloat, whose flags are ORed into FPSR once per instruction.
 */

import { f64_to_f32, f32_to_f64, f64_to_f32_roundOdd, recipEstimate, recipSqrtEstimate, RTZ } from '@tessera/softfloat';
import type { A64Core } from './core.js';
import {
  M64, env, fpEnv, cvtToHalf, cvtFromHalf, fpFlags, setQC, RM_OF, type FV, type FOps, S, D, T64, T32, T16, T8, eu, es_, tset, commit, commitScalar, fget, ftset,
} from './fp-common.js';

// ------------------------------------------------------------------ integer helpers

/** Signed saturation to `bits` (SignedSatQ, shared pseudocode), QC on saturation. */
function satS(c: A64Core, v: number, bits: number): number {
  const max = 2 ** (bits - 1) - 1;
  if (v > max) {
    setQC(c);
    return max;
  }
  if (v < -max - 1) {
    setQC(c);
    return -max - 1;
  }
  return v;
}
/** Unsigned saturation to `bits` (UnsignedSatQ). */
function satU(c: A64Core, v: number, bits: number): number {
  const max = 2 ** bits - 1;
  if (v > max) {
    setQC(c);
    return max;
  }
  if (v < 0) {
    setQC(c);
    return 0;
  }
  return v;
}
const S64_MAX = (1n << 63n) - 1n;
const S64_MIN = -(1n << 63n);
function satS64(c: A64Core, v: bigint): bigint {
  if (v > S64_MAX) {
    setQC(c);
    return S64_MAX;
  }
  if (v < S64_MIN) {
    setQC(c);
    return S64_MIN;
  }
  return v;
}
function satU64(c: A64Core, v: bigint): bigint {
  if (v > M64) {
    setQC(c);
    return M64;
  }
  if (v < 0n) {
    setQC(c);
    return 0n;
  }
  return v;
}
function satB(c: A64Core, v: bigint, bits: number, unsigned: boolean): bigint {
  if (bits === 64) return unsigned ? satU64(c, v) : satS64(c, v);
  return BigInt(unsigned ? satU(c, Number(v), bits) : satS(c, Number(v), bits));
}

/** 64-bit lane `i` of Vn, signed or unsigned. */
function d64(c: A64Core, n: number, i: number, signed: boolean): bigint {
  const v = c.v64[2 * n + i]!;
  return signed ? BigInt.asIntN(64, v) : v;
}
/** Element read, signed or unsigned, for es 0..2. */
function el(c: A64Core, n: number, i: number, es: number, signed: boolean): number {
  return signed ? es_(c, n, i, es) : eu(c, n, i, es);
}
function ones(es: number): number {
  return es === 0 ? 0xff : es === 1 ? 0xffff : 0xffff_ffff;
}

/**
 * Shift by a signed register amount (SSHL/USHL/SRSHL/URSHL/SQSHL/UQSHL/SQRSHL/UQRSHL,
 * C7.2.x): shift = SInt(element2<7:0>), negative shifts right with optional rounding; the
 * saturating forms saturate the infinitely precise result.
 */
function shiftReg(c: A64Core, a: bigint, sh: number, bits: number, unsigned: boolean, round: boolean, saturating: boolean): bigint {
  let r: bigint;
  if (sh >= 0) r = a << BigInt(sh);
  else {
    const s = BigInt(-sh);
    r = round ? (a + (1n << (s - 1n))) >> s : a >> s;
  }
  return saturating ? satB(c, r, bits, unsigned) : r;
}

/** Polynomial multiply of bytes (PMUL, PolynomialMult), low 8 bits. */
function pmul8(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if ((a >>> i) & 1) r ^= b << i;
  return r & 0xff;
}

/** SQDMULH/SQRDMULH on one element pair: SignedSatQ((2*a*b + round) >> esize). */
function sqdmulh(c: A64Core, a: number, b: number, es: number, round: boolean): number {
  if (es === 1) {
    const p = 2 * a * b + (round ? 0x8000 : 0);
    return satS(c, Math.floor(p / 65536), 16);
  }
  const p = 2n * BigInt(a) * BigInt(b) + (round ? 1n << 31n : 0n);
  return satS(c, Number(p >> 32n), 32);
}

// ------------------------------------------------------------------ three same

/** AdvSIMD (scalar) three same (C4.1.9): integer opcodes 0-23, floating point 24-31. */
export function threeSame(c: A64Core, insn: number, scalar: boolean): void {
  const opcode = (insn >>> 11) & 31;
  if (opcode >= 24) return fpThreeSame(c, insn, scalar);
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (opcode === 3) {
    if (scalar) c.undef();
    return logic(c, u, size, q, n, m, d);
  }
  if (scalar) {
    switch (opcode) {
      case 1: case 5: case 9: case 11:
        break; // saturating: every size
      case 6: case 7: case 8: case 10: case 16: case 17:
        if (size !== 3) c.undef();
        break;
      case 22:
        if (size !== 1 && size !== 2) c.undef();
        break;
      default:
        c.undef();
    }
  } else {
    if (size === 3 && !q) c.undef();
    switch (opcode) {
      case 0: case 2: case 4: case 12: case 13: case 14: case 15: case 18: case 20: case 21:
        if (size === 3) c.undef();
        break;
      case 19:
        if (size === 3 || (u && size !== 0)) c.undef();
        break;
      case 22:
        if (size !== 1 && size !== 2) c.undef();
        break;
      case 23:
        if (u) c.undef();
        break;
    }
  }
  const elements = scalar ? 1 : (q ? 16 : 8) >> size;
  if (size === 3) {
    threeSame64(c, opcode, u, elements, n, m, d);
    if (scalar) commitScalar(c, d, 8);
    else commit(c, d, 16);
    c.next();
    return;
  }
  const es = size;
  const bits = 8 << es;
  const signed = u === 0 || opcode === 22; // SQDMULH and SQRDMULH (U=1) are both signed
  const all = ones(es);
  const half = elements >> 1;
  // Lanes addressed straight in the views of the register file (V register r, lane i of
  // size es is A[st * r + i]); signed lanes by shifting left then arithmetically right.
  const A = es === 0 ? c.v8 : es === 1 ? c.v16 : c.v32;
  const T = es === 0 ? T8 : es === 1 ? T16 : T32;
  const st = 16 >> es;
  const bn = st * n;
  const bm = st * m;
  const sh = 32 - bits;
  switch (opcode) {
    // The commonest in string and memory routines, as tight loops.
    case 16:
      if (u) for (let i = 0; i < elements; i++) T[i] = A[bn + i]! - A[bm + i]!;
      else for (let i = 0; i < elements; i++) T[i] = A[bn + i]! + A[bm + i]!;
      break;
    case 17:
      if (u) for (let i = 0; i < elements; i++) T[i] = A[bn + i] === A[bm + i] ? all : 0;
      else for (let i = 0; i < elements; i++) T[i] = (A[bn + i]! & A[bm + i]!) !== 0 ? all : 0;
      break;
    case 6: case 7:
      // CMGT/CMGE (signed), CMHI/CMHS (unsigned)
      for (let i = 0; i < elements; i++) {
        const a = signed ? (A[bn + i]! << sh) >> sh : A[bn + i]!;
        const b = signed ? (A[bm + i]! << sh) >> sh : A[bm + i]!;
        T[i] = (opcode === 6 ? a > b : a >= b) ? all : 0;
      }
      break;
    case 20: case 21: case 23:
      // Pairwise over the concatenation Vm:Vn (SMAXP/UMAXP/SMINP/UMINP/ADDP).
      for (let i = 0; i < elements; i++) {
        const j = i < half ? bn + 2 * i : bm + 2 * (i - half);
        const a = signed ? (A[j]! << sh) >> sh : A[j]!;
        const b = signed ? (A[j + 1]! << sh) >> sh : A[j + 1]!;
        T[i] = opcode === 23 ? a + b : opcode === 20 ? (a > b ? a : b) : a < b ? a : b;
      }
      break;
    default:
      for (let i = 0; i < elements; i++) {
        const a = el(c, n, i, es, signed);
        const b = el(c, m, i, es, signed);
        let r: number;
        switch (opcode) {
          case 0: r = Math.floor((a + b) / 2); break; // SHADD/UHADD
          case 1: r = signed ? satS(c, a + b, bits) : satU(c, a + b, bits); break; // SQADD/UQADD
          case 2: r = Math.floor((a + b + 1) / 2); break; // SRHADD/URHADD
          case 4: r = Math.floor((a - b) / 2); break; // SHSUB/UHSUB
          case 5: r = signed ? satS(c, a - b, bits) : satU(c, a - b, bits); break; // SQSUB/UQSUB
          case 6: r = a > b ? all : 0; break; // CMGT/CMHI
          case 7: r = a >= b ? all : 0; break; // CMGE/CMHS
          case 8: case 9: case 10: case 11: {
            const sh = (eu(c, m, i, es) << 24) >> 24;
            r = Number(BigInt.asIntN(64, shiftReg(c, BigInt(a), sh, bits, !signed, (opcode & 2) !== 0, (opcode & 1) !== 0) & ((1n << BigInt(bits)) - 1n)));
            break;
          }
          case 12: r = a > b ? a : b; break;
          case 13: r = a < b ? a : b; break;
          case 14: r = Math.abs(a - b); break; // SABD/UABD
          case 15: r = eu(c, d, i, es) + Math.abs(a - b); break; // SABA/UABA
          case 18: { // MLA/MLS
            const p = Math.imul(a, b);
            r = u ? eu(c, d, i, es) - p : eu(c, d, i, es) + p;
            break;
          }
          case 19: r = u ? pmul8(a, b) : Math.imul(a, b); break; // PMUL/MUL
          case 22: r = sqdmulh(c, a, b, es, u === 1); break; // SQDMULH/SQRDMULH
          default: return c.undef();
        }
        tset(i, es, r);
      }
  }
  if (scalar) commitScalar(c, d, 1 << es);
  else commit(c, d, q ? 16 : 8);
  c.next();
}

function threeSame64(c: A64Core, opcode: number, u: number, elements: number, n: number, m: number, d: number): void {
  const signed = u === 0;
  for (let i = 0; i < elements; i++) {
    let r: bigint;
    if (opcode === 23) {
      // ADDP: pairs of Vn then of Vm.
      const src = i === 0 ? n : m;
      r = c.v64[2 * src]! + c.v64[2 * src + 1]!;
      T64[i] = r & M64;
      continue;
    }
    const a = d64(c, n, i, signed);
    const b = d64(c, m, i, signed);
    switch (opcode) {
      case 1: r = signed ? satS64(c, a + b) : satU64(c, a + b); break;
      case 5: r = signed ? satS64(c, a - b) : satU64(c, a - b); break;
      case 6: r = a > b ? M64 : 0n; break;
      case 7: r = a >= b ? M64 : 0n; break;
      case 8: case 9: case 10: case 11: {
        const sh = Number(BigInt.asIntN(8, c.v64[2 * m + i]!));
        r = shiftReg(c, a, sh, 64, !signed, (opcode & 2) !== 0, (opcode & 1) !== 0);
        break;
      }
      case 16: r = u ? a - b : a + b; break;
      case 17: r = u ? (a === b ? M64 : 0n) : (a & b) !== 0n ? M64 : 0n; break;
      default: return c.undef();
    }
    T64[i] = r & M64;
  }
}

/** AND/BIC/ORR/ORN (U=0) and EOR/BSL/BIT/BIF (U=1) on whole 64-bit halves (size selects). */
function logic(c: A64Core, u: number, size: number, q: number, n: number, m: number, d: number): void {
  const lanes = q ? 2 : 1;
  for (let i = 0; i < lanes; i++) {
    const a = c.v64[2 * n + i]!;
    const b = c.v64[2 * m + i]!;
    let r: bigint;
    if (!u) {
      r = size === 0 ? a & b : size === 1 ? a & ~b : size === 2 ? a | b : a | ~b;
    } else {
      const dv = c.v64[2 * d + i]!;
      // BSL: d selects n/m; BIT: m selects n into d; BIF: ~m selects n into d.
      r = size === 0 ? a ^ b : size === 1 ? (dv & a) | (~dv & b) : size === 2 ? (dv & ~b) | (a & b) : (dv & b) | (a & ~b);
    }
    T64[i] = r & M64;
  }
  commit(c, d, q ? 16 : 8);
  c.next();
}

// ------------------------------------------------------------------ floating point helpers

function isNaNv(v: FV, es: number): boolean {
  if (es === 3) return ((v as bigint) & 0x7fff_ffff_ffff_ffffn) > 0x7ff0_0000_0000_0000n;
  return ((v as number) & 0x7fff_ffff) > 0x7f80_0000;
}
function fzero(es: number): FV {
  return es === 3 ? 0n : 0;
}
function fones(es: number): FV {
  return es === 3 ? M64 : 0xffff_ffff;
}

/** FPCompareEQ (quiet), FPCompareGE/GT (signalling), as masks. */
function fcmp(f: FOps, key: 'eq' | 'ge' | 'gt', a: FV, b: FV, es: number): FV {
  const r = f.cmp(env, a, b, key !== 'eq');
  const t = key === 'eq' ? r === 'eq' : key === 'ge' ? r === 'eq' || r === 'gt' : r === 'gt';
  return t ? fones(es) : fzero(es);
}

/** One FP three-same operation; `key` = U:a:opcode<2:0> (opcode 11xxx). */
function fop3(c: A64Core, f: FOps, key: number, a: FV, b: FV, d: number, i: number, es: number): FV {
  switch (key) {
    case 0x00: return f.maxnm(env, a, b);
    case 0x01: return f.fma(env, a, b, fget(c, d, i, es)); // FMLA: FPMulAdd(d, n, m)
    case 0x02: return f.add(env, a, b);
    case 0x03: return f.mulx(env, a, b);
    case 0x04: return fcmp(f, 'eq', a, b, es);
    case 0x06: return f.max(env, a, b);
    case 0x07: return f.recps(env, a, b);
    case 0x08: return f.minnm(env, a, b);
    case 0x09: return f.fma(env, f.neg(a), b, fget(c, d, i, es)); // FMLS: FPMulAdd(d, -n, m)
    case 0x0a: return f.sub(env, a, b);
    case 0x0e: return f.min(env, a, b);
    case 0x0f: return f.rsqrts(env, a, b);
    case 0x13: return f.mul(env, a, b);
    case 0x14: return fcmp(f, 'ge', a, b, es);
    case 0x15: return fcmp(f, 'ge', f.abs(a), f.abs(b), es); // FACGE
    case 0x17: return f.div(env, a, b);
    case 0x1a: return f.abs(f.sub(env, a, b)); // FABD: FPAbs(FPSub)
    case 0x1c: return fcmp(f, 'gt', a, b, es);
    case 0x1d: return fcmp(f, 'gt', f.abs(a), f.abs(b), es); // FACGT
    default: return c.undef();
  }
}

/** Pairwise FP ops (FMAXNMP, FADDP, FMAXP, FMINNMP, FMINP) by the same key. */
function fpair(c: A64Core, f: FOps, key: number, a: FV, b: FV): FV {
  switch (key) {
    case 0x10: return f.maxnm(env, a, b);
    case 0x12: return f.add(env, a, b);
    case 0x16: return f.max(env, a, b);
    case 0x18: return f.minnm(env, a, b);
    case 0x1e: return f.min(env, a, b);
    default: return c.undef();
  }
}

function fpThreeSame(c: A64Core, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const a = (insn >>> 23) & 1;
  const sz = (insn >>> 22) & 1;
  const op = (insn >>> 11) & 7;
  const key = (u << 4) | (a << 3) | op;
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const es = sz ? 3 : 2;
  const f = es === 3 ? D : S;
  const pairwise = key === 0x10 || key === 0x12 || key === 0x16 || key === 0x18 || key === 0x1e;
  if (scalar) {
    // FMULX, FCMEQ, FRECPS, FRSQRTS, FCMGE, FACGE, FABD, FCMGT, FACGT.
    if (key !== 0x03 && key !== 0x04 && key !== 0x07 && key !== 0x0f && key !== 0x14 && key !== 0x15 && key !== 0x1a && key !== 0x1c && key !== 0x1d) c.undef();
  } else if (sz && !q) c.undef();
  const elements = scalar ? 1 : (q ? 16 : 8) >> es;
  fpEnv(c);
  if (pairwise) {
    const half = elements >> 1;
    for (let i = 0; i < elements; i++) {
      const src = i < half ? n : m;
      const j = 2 * (i < half ? i : i - half);
      ftset(i, es, fpair(c, f, key, fget(c, src, j, es), fget(c, src, j + 1, es)));
    }
  } else {
    for (let i = 0; i < elements; i++) ftset(i, es, fop3(c, f, key, fget(c, n, i, es), fget(c, m, i, es), d, i, es));
  }
  fpFlags(c);
  if (scalar) commitScalar(c, d, 1 << es);
  else commit(c, d, q ? 16 : 8);
  c.next();
}

// ------------------------------------------------------------------ two-register misc

/** FPRecpX (FRECPX): the exponent inverted, fraction zero; zeros and denormals give the largest exponent. */
function frecpx(f: FOps, a: FV, es: number): FV {
  if (isNaNv(a, es)) return f.add(env, a, a); // FPProcessNaN: quiet it, IOC on SNaN, DN
  if (es === 3) {
    const v = a as bigint;
    const exp = Number((v >> 52n) & 0x7ffn);
    if (exp === 0 && (v & 0xf_ffff_ffff_ffffn) !== 0n && env.fz) env.flags |= 32;
    const sign = v & (1n << 63n);
    return sign | (BigInt(exp === 0 ? 0x7fe : ~exp & 0x7ff) << 52n);
  }
  const v = a as number;
  const exp = (v >>> 23) & 0xff;
  if (exp === 0 && (v & 0x7f_ffff) !== 0 && env.fz) env.flags |= 32;
  return ((v & 0x8000_0000) | ((exp === 0 ? 0xfe : ~exp & 0xff) << 23)) >>> 0;
}

/** AdvSIMD (scalar) two-register miscellaneous (C4.1.9). */
export function misc2(c: A64Core, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const opcode = (insn >>> 12) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (opcode >= 22 || (opcode >= 12 && opcode <= 15 && size >= 2) || (opcode === 31 && size >= 2)) return fpMisc2(c, insn, scalar);
  if (opcode >= 12 && opcode <= 17) c.undef();
  const bytes = q ? 16 : 8;
  // Narrowing and lengthening forms.
  if (opcode === 18 || opcode === 20) {
    // XTN/SQXTUN (18), SQXTN/UQXTN (20): source elements twice the size.
    if (size === 3 || (scalar && opcode === 18 && u === 0)) c.undef();
    const es = size;
    const bits = 8 << es;
    const elements = scalar ? 1 : 8 >> es;
    const base = scalar ? 0 : q ? elements : 0;
    if (!scalar && q) {
      T64[0] = c.v64[2 * d]!;
    }
    for (let i = 0; i < elements; i++) {
      let r: number;
      if (es === 2) {
        const wide = c.v64[2 * n + i]!;
        let v: bigint;
        if (opcode === 18 && u === 0) v = wide; // XTN
        else if (opcode === 18) v = satB(c, BigInt.asIntN(64, wide), 32, true); // SQXTUN: signed in, unsigned out
        else if (u === 0) v = satB(c, BigInt.asIntN(64, wide), 32, false); // SQXTN
        else v = satB(c, wide, 32, true); // UQXTN
        r = Number(v & 0xffff_ffffn);
      } else {
        const sv = es_(c, n, i, es + 1);
        const uv = eu(c, n, i, es + 1);
        if (opcode === 18 && u === 0) r = uv;
        else if (opcode === 18) r = satU(c, sv, bits);
        else if (u === 0) r = satS(c, sv, bits);
        else r = satU(c, uv, bits);
      }
      tset(base + i, es, r);
    }
    if (scalar) commitScalar(c, d, 1 << es);
    else commit(c, d, q ? 16 : 8);
    c.next();
    return;
  }
  if (opcode === 19) {
    // SHLL/SHLL2: widen and shift left by the element size.
    if (scalar || u === 0 || size === 3) c.undef();
    const es = size;
    const elements = 8 >> es;
    const base = q ? elements : 0;
    for (let i = 0; i < elements; i++) {
      const v = eu(c, n, base + i, es);
      if (es === 2) T64[i] = BigInt(v) << 32n;
      else tset(i, es + 1, v << (8 << es));
    }
    commit(c, d, 16);
    c.next();
    return;
  }
  if (opcode === 2 || opcode === 6) {
    // SADDLP/UADDLP, SADALP/UADALP.
    if (scalar || size === 3) c.undef();
    const es = size;
    const elements = bytes >> (es + 1);
    const signed = u === 0;
    for (let i = 0; i < elements; i++) {
      const s = el(c, n, 2 * i, es, signed) + el(c, n, 2 * i + 1, es, signed);
      if (es === 2) T64[i] = BigInt.asUintN(64, BigInt(s) + (opcode === 6 ? c.v64[2 * d + i]! : 0n));
      else tset(i, es + 1, s + (opcode === 6 ? eu(c, d, i, es + 1) : 0));
    }
    commit(c, d, bytes);
    c.next();
    return;
  }
  // Element-wise forms.
  switch (opcode) {
    case 0: // REV64 / REV32
      if (scalar || size + u >= 3) c.undef();
      break;
    case 1: // REV16
      if (scalar || u || size !== 0) c.undef();
      break;
    case 4: case 5:
      if (scalar || size === 3) c.undef();
      if (opcode === 5 && (u ? size > 1 : size !== 0)) c.undef(); // CNT size 0; NOT size 0, RBIT size 1
      break;
    case 3: case 7: // SUQADD/USQADD, SQABS/SQNEG
      if (!scalar && size === 3 && !q) c.undef();
      break;
    case 8: case 9: case 10: case 11:
      if (opcode === 10 && u) c.undef();
      if (scalar ? size !== 3 : size === 3 && !q) c.undef();
      break;
    default:
      c.undef();
  }
  if (opcode === 5) {
    // CNT, NOT, RBIT work on bytes whatever the size field says.
    for (let i = 0; i < bytes; i++) {
      const v = c.v8[16 * n + i]!;
      T8[i] = !u ? popcount8(v) : size === 0 ? ~v & 0xff : rbit8(v);
    }
    commit(c, d, bytes);
    c.next();
    return;
  }
  const elements = scalar ? 1 : bytes >> size;
  if (opcode === 0 || opcode === 1) {
    const cbytes = opcode === 1 ? 2 : u ? 4 : 8;
    const x = (cbytes >> size) - 1;
    for (let i = 0; i < elements; i++) tset(i, size, eu(c, n, i ^ x, size));
    commit(c, d, bytes);
    c.next();
    return;
  }
  if (size === 3) {
    for (let i = 0; i < elements; i++) {
      const a = d64(c, n, i, true);
      let r: bigint;
      switch (opcode) {
        case 3: r = u ? satU64(c, c.v64[2 * d + i]! + a) : satS64(c, BigInt.asIntN(64, c.v64[2 * d + i]!) + c.v64[2 * n + i]!); break;
        case 7: r = satS64(c, u ? -a : a < 0n ? -a : a); break;
        case 8: r = (u ? a >= 0n : a > 0n) ? M64 : 0n; break;
        case 9: r = (u ? a <= 0n : a === 0n) ? M64 : 0n; break;
        case 10: r = a < 0n ? M64 : 0n; break;
        default: r = u ? -a : a < 0n ? -a : a; // NEG / ABS
      }
      T64[i] = r & M64;
    }
    if (scalar) commitScalar(c, d, 8);
    else commit(c, d, 16);
    c.next();
    return;
  }
  const es = size;
  const bits = 8 << es;
  const all = ones(es);
  for (let i = 0; i < elements; i++) {
    const a = es_(c, n, i, es);
    let r: number;
    switch (opcode) {
      case 3: r = u ? satU(c, eu(c, d, i, es) + a, bits) : satS(c, es_(c, d, i, es) + eu(c, n, i, es), bits); break;
      case 4: // CLS / CLZ
        r = u ? Math.clz32(eu(c, n, i, es)) - (32 - bits) : cls(a, bits);
        break;
      case 7: r = satS(c, u ? -a : Math.abs(a), bits); break;
      case 8: r = (u ? a >= 0 : a > 0) ? all : 0; break;
      case 9: r = (u ? a <= 0 : a === 0) ? all : 0; break;
      case 10: r = a < 0 ? all : 0; break;
      default: r = u ? -a : Math.abs(a); // NEG / ABS
    }
    tset(i, es, r);
  }
  if (scalar) commitScalar(c, d, 1 << es);
  else commit(c, d, bytes);
  c.next();
}

/** CountLeadingSignBits of a `bits`-wide signed value. */
function cls(a: number, bits: number): number {
  const v = (a ^ (a >> 31)) & (2 ** bits - 1);
  return Math.clz32(v) - (32 - bits) - 1;
}
function popcount8(v: number): number {
  v = v - ((v >>> 1) & 0x55);
  v = (v & 0x33) + ((v >>> 2) & 0x33);
  return (v + (v >>> 4)) & 0x0f;
}
function rbit8(v: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((v >>> i) & 1) << (7 - i);
  return r;
}

function fpMisc2(c: A64Core, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const a = (insn >>> 23) & 1;
  const sz = (insn >>> 22) & 1;
  const opcode = (insn >>> 12) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const e = fpEnv(c);
  if (a === 0 && (opcode === 22 || opcode === 23)) {
    // FCVTN/FCVTXN (22), FCVTL (23).
    if (opcode === 22) {
      if (u && !sz) c.undef(); // FCVTXN: double to single only
      if (!u && scalar) c.undef();
      const elements = scalar ? 1 : sz ? 2 : 4;
      const base = scalar ? 0 : q ? elements : 0;
      if (!scalar && q) T64[0] = c.v64[2 * d]!;
      for (let i = 0; i < elements; i++) {
        if (sz) T32[base + i] = u ? f64_to_f32_roundOdd(e, c.v64[2 * n + i]!) : f64_to_f32(e, c.v64[2 * n + i]!);
        else T16[base + i] = cvtToHalf(c, e, c.v32[4 * n + i]!, 2);
      }
      fpFlags(c);
      if (scalar) commitScalar(c, d, 4);
      else commit(c, d, q ? 16 : 8);
      c.next();
      return;
    }
    if (u || scalar) c.undef();
    const elements = sz ? 2 : 4;
    const base = q ? elements : 0;
    for (let i = 0; i < elements; i++) {
      if (sz) T64[i] = f32_to_f64(e, c.v32[4 * n + base + i]!);
      else T32[i] = cvtFromHalf(c, e, c.v16[8 * n + base + i]!, 2) as number;
    }
    fpFlags(c);
    commit(c, d, 16);
    c.next();
    return;
  }
  if (!scalar && sz && !q) c.undef();
  const es = sz ? 3 : 2;
  const f = es === 3 ? D : S;
  const elements = scalar ? 1 : (q ? 16 : 8) >> es;
  const key = (u << 6) | (a << 5) | opcode;
  // Scalar forms: compares with zero, conversions, estimates, FRECPX.
  if (scalar) {
    const o = key & 0x3f;
    const ok = (o >= 0x2c && o <= 0x2e) || (o >= 0x1a && o <= 0x1d) || (o >= 0x3a && o <= 0x3b) || o === 0x3d || o === 0x3f;
    if (!ok || (key & 0x7f) === 0x7f) c.undef();
  }
  for (let i = 0; i < elements; i++) {
    const x = fget(c, n, i, es);
    let r: FV;
    switch (key) {
      case 0x18: case 0x19: case 0x38: case 0x39: // FRINTN, FRINTM, FRINTP, FRINTZ
        r = f.rint(e, x, RM_OF[opcode === 0x18 ? (a ? 1 : 0) : a ? 3 : 2]!, false);
        break;
      case 0x58: r = f.rint(e, x, RM_OF[4]!, false); break; // FRINTA
      case 0x59: r = f.rint(e, x, e.rm, true); break; // FRINTX
      case 0x79: r = f.rint(e, x, e.rm, false); break; // FRINTI
      case 0x1a: case 0x1b: case 0x3a: case 0x3b: case 0x1c:
      case 0x5a: case 0x5b: case 0x7a: case 0x7b: case 0x5c: {
        // FCVT{N,M,P,Z,A}{S,U} (vector and scalar, integer of the element's size)
        const o = key & 0x3f;
        const rm = o === 0x1a ? RM_OF[0]! : o === 0x1b ? RM_OF[2]! : o === 0x3a ? RM_OF[1]! : o === 0x3b ? RTZ : RM_OF[4]!;
        if (es === 3) r = u ? f.toU64(e, x, rm, 0) : f.toI64(e, x, rm, 0) & M64;
        else r = (u ? f.toU32(e, x, rm, 0) : f.toI32(e, x, rm, 0)) >>> 0;
        break;
      }
      case 0x1d: r = es === 3 ? f.fromI64(e, BigInt.asIntN(64, x as bigint), 0) : f.fromI32(e, (x as number) | 0, 0); break; // SCVTF
      case 0x5d: r = es === 3 ? f.fromU64(e, x as bigint, 0) : f.fromU32(e, x as number, 0); break; // UCVTF
      case 0x3c: case 0x7c: { // URECPE, URSQRTE (32-bit only)
        if (es === 3) return c.undef();
        const v = x as number;
        if (u) r = v >>> 30 === 0 ? 0xffff_ffff : (recipSqrtEstimate(v >>> 23) << 23) >>> 0;
        else r = v >>> 31 === 0 ? 0xffff_ffff : (recipEstimate(v >>> 23) << 23) >>> 0;
        break;
      }
      case 0x3d: r = f.recpe(e, x); break; // FRECPE
      case 0x7d: r = f.rsqrte(e, x); break; // FRSQRTE
      case 0x3f: // FRECPX (scalar only)
        if (!scalar) return c.undef();
        r = frecpx(f, x, es);
        break;
      case 0x7f: r = f.sqrt(e, x); break; // FSQRT
      case 0x2c: r = fcmp(f, 'gt', x, fzero(es), es); break; // FCMGT #0
      case 0x6c: r = fcmp(f, 'ge', x, fzero(es), es); break; // FCMGE #0
      case 0x2d: r = fcmp(f, 'eq', x, fzero(es), es); break; // FCMEQ #0
      case 0x6d: r = fcmp(f, 'ge', fzero(es), x, es); break; // FCMLE #0
      case 0x2e: r = fcmp(f, 'gt', fzero(es), x, es); break; // FCMLT #0
      case 0x2f: r = f.abs(x); break; // FABS
      case 0x6f: r = f.neg(x); break; // FNEG
      default: return c.undef();
    }
    ftset(i, es, r);
  }
  fpFlags(c);
  if (scalar) commitScalar(c, d, 1 << es);
  else commit(c, d, q ? 16 : 8);
  c.next();
}

// ------------------------------------------------------------------ across lanes, scalar pairwise

/** Arm's Reduce(): a balanced tree, op(Reduce(low half), Reduce(high half)). */
function reduceF(c: A64Core, f: FOps, key: number, vals: FV[], lo: number, count: number): FV {
  if (count === 1) return vals[lo]!;
  const h = count >> 1;
  return fpair(c, f, key, reduceF(c, f, key, vals, lo, h), reduceF(c, f, key, vals, lo + h, h));
}

/** AdvSIMD across lanes (C4.1.9): ADDV, SADDLV/UADDLV, SMAXV/UMAXV, SMINV/UMINV, FMAXV/FMINV/FMAXNMV/FMINNMV. */
export function acrossLanes(c: A64Core, insn: number): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const opcode = (insn >>> 12) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (opcode === 12 || opcode === 15) {
    // FMAXNMV/FMINNMV (12), FMAXV/FMINV (15): 4S only (U=0 is FP16).
    if (!u || (size & 1) || !q) c.undef();
    const key = opcode === 12 ? (size ? 0x18 : 0x10) : size ? 0x1e : 0x16;
    fpEnv(c);
    const vals = [c.v32[4 * n]!, c.v32[4 * n + 1]!, c.v32[4 * n + 2]!, c.v32[4 * n + 3]!];
    const r = reduceF(c, S, key, vals, 0, 4);
    fpFlags(c);
    c.v64[2 * d] = BigInt(r as number);
    c.v64[2 * d + 1] = 0n;
    c.next();
    return;
  }
  if (size === 3 || (size === 2 && !q)) c.undef();
  const es = size;
  const elements = (q ? 16 : 8) >> es;
  const signed = u === 0;
  let r: number;
  let outEs = es;
  switch (opcode) {
    case 3: // SADDLV/UADDLV
      r = 0;
      for (let i = 0; i < elements; i++) r += el(c, n, i, es, signed);
      outEs = es + 1;
      break;
    case 10: case 26: { // SMAXV/UMAXV, SMINV/UMINV
      r = el(c, n, 0, es, signed);
      const max = opcode === 10;
      for (let i = 1; i < elements; i++) {
        const v = el(c, n, i, es, signed);
        if (max ? v > r : v < r) r = v;
      }
      break;
    }
    case 27: // ADDV
      if (u) c.undef();
      r = 0;
      for (let i = 0; i < elements; i++) r += eu(c, n, i, es);
      break;
    default:
      return c.undef();
  }
  if (outEs === 3) c.v64[2 * d] = BigInt.asUintN(64, BigInt(r));
  else {
    T64[0] = 0n;
    tset(0, outEs, r);
    c.v64[2 * d] = T64[0]!;
  }
  c.v64[2 * d + 1] = 0n;
  c.next();
}

/** AdvSIMD scalar pairwise (C4.1.9): ADDP (D), FADDP/FMAXP/FMINP/FMAXNMP/FMINNMP. */
export function pairwiseScalar(c: A64Core, insn: number): void {
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const opcode = (insn >>> 12) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (!u) {
    if (opcode !== 27 || size !== 3) c.undef();
    c.v64[2 * d] = (c.v64[2 * n]! + c.v64[2 * n + 1]!) & M64;
    c.v64[2 * d + 1] = 0n;
    c.next();
    return;
  }
  const a = size >>> 1;
  const key = opcode === 12 ? (a ? 0x18 : 0x10) : opcode === 13 && !a ? 0x12 : opcode === 15 ? (a ? 0x1e : 0x16) : -1;
  if (key < 0) c.undef();
  const es = size & 1 ? 3 : 2;
  const f = es === 3 ? D : S;
  fpEnv(c);
  const r = fpair(c, f, key, fget(c, n, 0, es), fget(c, n, 1, es));
  fpFlags(c);
  ftset(0, es, r);
  commitScalar(c, d, 1 << es);
  c.next();
}

// ------------------------------------------------------------------ by element

/** AdvSIMD (scalar) x indexed element (C4.1.9). */
export function byElement(c: A64Core, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const l = (insn >>> 21) & 1;
  const mb = (insn >>> 20) & 1;
  const rm4 = (insn >>> 16) & 15;
  const opcode = (insn >>> 12) & 15;
  const h = (insn >>> 11) & 1;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const fp = (opcode === 1 || opcode === 5 || opcode === 9) && (u === 0 || opcode === 9);
  if (fp) {
    // FMLA/FMLS/FMUL (U=0), FMULX (U=1); size 1x = single/double (0x is FP16).
    if (size < 2) c.undef();
    const es = size & 1 ? 3 : 2;
    if (es === 3 && (l || (!scalar && !q))) c.undef();
    const index = es === 3 ? h : (h << 1) | l;
    const m = (mb << 4) | rm4;
    const f = es === 3 ? D : S;
    const elements = scalar ? 1 : (q ? 16 : 8) >> es;
    fpEnv(c);
    const b = fget(c, m, index, es);
    for (let i = 0; i < elements; i++) {
      const a = fget(c, n, i, es);
      let r: FV;
      if (u) r = f.mulx(env, a, b);
      else if (opcode === 9) r = f.mul(env, a, b);
      else r = f.fma(env, opcode === 5 ? f.neg(a) : a, b, fget(c, d, i, es));
      ftset(i, es, r);
    }
    fpFlags(c);
    if (scalar) commitScalar(c, d, 1 << es);
    else commit(c, d, q ? 16 : 8);
    c.next();
    return;
  }
  if (size === 0 || size === 3) c.undef();
  const es = size;
  const index = es === 1 ? (h << 2) | (l << 1) | mb : (h << 1) | l;
  const m = es === 1 ? rm4 : (mb << 4) | rm4;
  const long = opcode === 2 || opcode === 3 || opcode === 6 || opcode === 7 || opcode === 10 || opcode === 11;
  if (scalar) {
    // SQDMLAL, SQDMLSL, SQDMULL, SQDMULH, SQRDMULH.
    if (u || (opcode !== 3 && opcode !== 7 && opcode !== 11 && opcode !== 12 && opcode !== 13)) c.undef();
  } else {
    const ok = u ? opcode === 0 || opcode === 2 || opcode === 4 || opcode === 6 || opcode === 10 : opcode === 2 || opcode === 3 || opcode === 6 || opcode === 7 || opcode === 8 || opcode === 10 || opcode === 11 || opcode === 12 || opcode === 13;
    if (!ok) c.undef();
  }
  const signed = u === 0;
  const bits = 8 << es;
  const b = el(c, m, index, es, signed);
  if (!long) {
    // MUL, MLA, MLS, SQDMULH, SQRDMULH.
    const elements = scalar ? 1 : (q ? 16 : 8) >> es;
    for (let i = 0; i < elements; i++) {
      const a = el(c, n, i, es, signed);
      let r: number;
      if (opcode === 8) r = Math.imul(a, b);
      else if (opcode === 0) r = eu(c, d, i, es) + Math.imul(a, b);
      else if (opcode === 4) r = eu(c, d, i, es) - Math.imul(a, b);
      else r = sqdmulh(c, a, b, es, opcode === 13);
      tset(i, es, r);
    }
    if (scalar) commitScalar(c, d, 1 << es);
    else commit(c, d, q ? 16 : 8);
    c.next();
    return;
  }
  // Long forms: SMULL/UMULL (10), SMLAL/UMLAL (2), SMLSL/UMLSL (6), SQDMULL (11), SQDMLAL (3), SQDMLSL (7).
  const elements = scalar ? 1 : 8 >> es;
  const base = scalar ? 0 : q ? elements : 0;
  const wbits = 2 * bits;
  for (let i = 0; i < elements; i++) {
    const a = el(c, n, base + i, es, signed);
    let p = BigInt(a) * BigInt(b);
    let acc = 0n;
    if (opcode !== 10 && opcode !== 11) acc = es === 2 ? d64(c, d, i, signed) : BigInt(el(c, d, i, es + 1, signed));
    let r: bigint;
    if (opcode === 3 || opcode === 7 || opcode === 11) {
      p = satB(c, 2n * p, wbits, false);
      r = opcode === 11 ? p : satB(c, opcode === 3 ? acc + p : acc - p, wbits, false);
    } else r = opcode === 10 ? p : opcode === 2 ? acc + p : acc - p;
    if (es === 2) T64[i] = r & M64;
    else T32[i] = Number(r & 0xffff_ffffn);
  }
  if (scalar) commitScalar(c, d, 2 << es);
  else commit(c, d, 16);
  c.next();
}

