/**
 * Advanced SIMD groups of mostly integer data processing (Arm ARM DDI 0487 C4.1.9):
 * copy (DUP/INS/UMOV/SMOV), modified immediate, TBL/TBX, permutes, EXT, shifts by immediate
 * and three registers of different widths. Dispatched from `fpsimd.ts`.
 *
 * Results are built in the scratch register (`T64` and its views) and committed at the end,
 * so Vd may alias a source. Lanes of 8, 16 and 32 bits are computed on numbers: every
 * intermediate is an exact integer (products of 32-bit lanes by a power of two are exact in
 * binary64, and stores into the typed arrays reduce modulo 2^esize). Lanes and results of
 * 64 bits use bigints.
 */

import { RTZ } from '@tessera/softfloat';
import type { A64Core } from './core.js';
import {
  T64, T32, T16, T8, eu, es_, tset, commit, commitScalar, setQC, fpEnv, fpFlags, S, D, xreg, wreg, setX, setW,
} from './fp-common.js';

/** 2^-32: scaling by a power of two is exact in binary64, and multiplying is cheaper than dividing. */
const TWO_M32 = 2 ** -32;

/** Signed 64-bit element `i` of Vn. */
function s64(c: A64Core, n: number, i: number): bigint {
  return BigInt.asIntN(64, c.v64[2 * n + i]!);
}

/** Element `i` of Vn as a number (es 0..2), signed or unsigned. */
function elt(c: A64Core, n: number, i: number, es: number, unsigned: boolean): number {
  return unsigned ? eu(c, n, i, es) : es_(c, n, i, es);
}

/** Element `i` of Vn as a bigint (es 0..3), signed or unsigned. */
function eltBig(c: A64Core, n: number, i: number, es: number, unsigned: boolean): bigint {
  if (es === 3) return unsigned ? c.v64[2 * n + i]! : s64(c, n, i);
  return BigInt(elt(c, n, i, es, unsigned));
}

/** Write an exact integer number (any magnitude) as the 64-bit lane `i` of the scratch register, modulo 2^64. */
function tset64n(i: number, v: number): void {
  T32[2 * i] = v;
  T32[2 * i + 1] = Math.floor(v * TWO_M32);
}

/** Copy element `j` of Vn into lane `i` of the scratch register (es 0..3). */
function tcopy(c: A64Core, i: number, n: number, j: number, es: number): void {
  switch (es) {
    case 0:
      T8[i] = c.v8[16 * n + j]!;
      return;
    case 1:
      T16[i] = c.v16[8 * n + j]!;
      return;
    case 2:
      T32[i] = c.v32[4 * n + j]!;
      return;
    default:
      T64[i] = c.v64[2 * n + j]!;
  }
}

/** Commit a vector result whose lanes are the high half of Vd when `part` = 1 (Vpart[d, part] = result, C7.2: the "2" forms keep bits 63:0). */
function commitPart(c: A64Core, d: number, part: number): void {
  if (part) {
    // The result was built in T64[1]; the low half of Vd is kept.
    T64[0] = c.v64[2 * d]!;
    commit(c, d, 16);
  } else commit(c, d, 8);
}

/** Saturation bounds of SignedSatQ / UnsignedSatQ for 8, 16 and 32 bits (index es). */
const SAT_MAX_S = [0x7f, 0x7fff, 0x7fff_ffff];
const SAT_MIN_S = [-0x80, -0x8000, -0x8000_0000];
const SAT_MAX_U = [0xff, 0xffff, 0xffff_ffff];

/** SignedSatQ / UnsignedSatQ (Arm ARM J1 shared pseudocode) of an exact integer to [lo, hi]; sets FPSR.QC when it saturates. */
function satQ(c: A64Core, v: number, lo: number, hi: number): number {
  if (v > hi) {
    setQC(c);
    return hi;
  }
  if (v < lo) {
    setQC(c);
    return lo;
  }
  return v;
}

/** SignedSatQ / UnsignedSatQ to `bits` (≤ 64) on a bigint. */
function satQBig(c: A64Core, v: bigint, bits: number, unsigned: boolean): bigint {
  const b = BigInt(bits);
  const hi = unsigned ? (1n << b) - 1n : (1n << (b - 1n)) - 1n;
  const lo = unsigned ? 0n : -(1n << (b - 1n));
  if (v > hi) {
    setQC(c);
    return hi;
  }
  if (v < lo) {
    setQC(c);
    return lo;
  }
  return v;
}

// ------------------------------------------------------------------ copy

/**
 * Advanced SIMD copy and scalar copy (C4.1.9): DUP (element, general), INS (element,
 * general), SMOV, UMOV; scalar DUP (element), alias MOV. size = LowestSetBit(imm5); imm5 =
 * x0000 is unallocated.
 */
export function simdCopy(c: A64Core, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const op = (insn >>> 29) & 1;
  const imm5 = (insn >>> 16) & 31;
  const imm4 = (insn >>> 11) & 15;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if ((imm5 & 15) === 0) return c.undef();
  const size = 31 - Math.clz32(imm5 & -imm5);
  const index = imm5 >>> (size + 1);
  if (scalar) {
    // DUP (element), scalar: op = 0, imm4 = 0000; everything else is unallocated.
    if (op !== 0 || imm4 !== 0) return c.undef();
    T64[0] = 0n;
    tcopy(c, 0, n, index, size);
    commitScalar(c, d, 1 << size);
    c.next();
    return;
  }
  if (op === 1) {
    // INS (element): Q = 1 only; src_index = imm4<3:size>.
    if (q === 0) return c.undef();
    const src = imm4 >>> size;
    switch (size) {
      case 0:
        c.v8[16 * d + index] = c.v8[16 * n + src]!;
        break;
      case 1:
        c.v16[8 * d + index] = c.v16[8 * n + src]!;
        break;
      case 2:
        c.v32[4 * d + index] = c.v32[4 * n + src]!;
        break;
      default:
        c.v64[2 * d + index] = c.v64[2 * n + src]!;
    }
    c.next();
    return;
  }
  switch (imm4) {
    case 0: {
      // DUP (element): size:Q = 110 reserved.
      if (size === 3 && q === 0) return c.undef();
      const lanes = (8 << q) >>> size;
      if (size === 3) {
        T64[0] = T64[1] = c.v64[2 * n + index]!;
      } else {
        const v = eu(c, n, index, size);
        for (let i = 0; i < lanes; i++) tset(i, size, v);
      }
      commit(c, d, 8 << q);
      break;
    }
    case 1: {
      // DUP (general): the low esize bits of Xn (XZR for 31).
      if (size === 3 && q === 0) return c.undef();
      if (size === 3) {
        T64[0] = T64[1] = xreg(c, n);
      } else {
        const v = wreg(c, n);
        const lanes = (8 << q) >>> size;
        for (let i = 0; i < lanes; i++) tset(i, size, v);
      }
      commit(c, d, 8 << q);
      break;
    }
    case 3: {
      // INS (general): Q = 1 only; other elements of Vd are kept.
      if (q === 0) return c.undef();
      switch (size) {
        case 0:
          c.v8[16 * d + index] = wreg(c, n);
          break;
        case 1:
          c.v16[8 * d + index] = wreg(c, n);
          break;
        case 2:
          c.v32[4 * d + index] = wreg(c, n);
          break;
        default:
          c.v64[2 * d + index] = xreg(c, n);
      }
      break;
    }
    case 5: {
      // SMOV: Q:imm5 = xxxxx1 (B), xxxx10 (H), 1xx100 (S to X).
      if (size === 3 || (size === 2 && q === 0)) return c.undef();
      const v = es_(c, n, index, size);
      if (q) setX(c, d, BigInt(v));
      else setW(c, d, v);
      break;
    }
    case 7: {
      // UMOV: Q:imm5 = 0xxxx1, 0xxx10, 0xx100 (to W), 1x1000 (D to X).
      if (q === 1 ? size !== 3 : size === 3) return c.undef();
      if (q) setX(c, d, c.v64[2 * n + index]!);
      else setW(c, d, eu(c, n, index, size));
      break;
    }
    default:
      return c.undef();
  }
  c.next();
}

// ------------------------------------------------------------------ modified immediate

/**
 * Advanced SIMD modified immediate (C4.1.9): MOVI, MVNI, ORR, BIC (vector, immediate),
 * FMOV (vector, immediate) single and double. The 64-bit immediate is AdvSIMDExpandImm
 * (shared pseudocode J1), built here as two 32-bit halves.
 */
export function simdModImm(c: A64Core, insn: number): void {
  const q = (insn >>> 30) & 1;
  const op = (insn >>> 29) & 1;
  const cmode = (insn >>> 12) & 15;
  const o2 = (insn >>> 11) & 1;
  const d = insn & 31;
  const imm8 = (((insn >>> 16) & 7) << 5) | ((insn >>> 5) & 31);
  // o2 = 1 is FMOV (vector, immediate) half-precision, which needs FEAT_FP16, or unallocated.
  if (o2) return c.undef();
  let lo: number;
  let hi: number | undefined;
  switch (cmode >>> 1) {
    case 0:
      lo = imm8;
      break;
    case 1:
      lo = imm8 << 8;
      break;
    case 2:
      lo = imm8 << 16;
      break;
    case 3:
      lo = imm8 << 24;
      break;
    case 4:
      lo = imm8 | (imm8 << 16);
      break;
    case 5:
      lo = (imm8 << 8) | (imm8 << 24);
      break;
    case 6:
      // Shifting ones (MSL).
      lo = cmode & 1 ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff;
      break;
    default: {
      const a = imm8 >>> 7;
      const b = (imm8 >>> 6) & 1;
      const cdefgh = imm8 & 0x3f;
      if ((cmode & 1) === 0) {
        if (op === 0) lo = imm8 * 0x01010101;
        else {
          // Each bit of imm8 is a byte of all ones or zeros (MOVI 64-bit).
          lo = 0;
          hi = 0;
          for (let i = 0; i < 4; i++) {
            if ((imm8 >>> i) & 1) lo |= 0xff << (8 * i);
            if ((imm8 >>> (i + 4)) & 1) hi |= 0xff << (8 * i);
          }
        }
      } else if (op === 0) {
        // FMOV single: a:NOT(b):Replicate(b,5):cdefgh:Zeros(19) (VFPExpandImm).
        lo = (a << 31) | ((b ^ 1) << 30) | (b ? 0x1f << 25 : 0) | (cdefgh << 19);
      } else {
        // FMOV double: a:NOT(b):Replicate(b,8):cdefgh:Zeros(48); Q = 0 is unallocated.
        if (q === 0) return c.undef();
        lo = 0;
        hi = (a << 31) | ((b ^ 1) << 30) | (b ? 0xff << 22 : 0) | (cdefgh << 16);
      }
    }
  }
  lo >>>= 0;
  hi = hi === undefined ? lo : hi >>> 0;
  // cmode 0xx1 and 10x1 are ORR (op 0) / BIC (op 1); 0xx0, 10x0, 110x are MOVI / MVNI;
  // 1110 and 1111 are MOVI / FMOV whatever op.
  const logical = (cmode & 1) === 1 && cmode < 12;
  const invert = op === 1 && cmode < 14;
  for (let i = 0; i < (2 << q); i++) {
    const imm = i & 1 ? hi : lo;
    if (!logical) T32[i] = invert ? ~imm : imm;
    else {
      const v = c.v32[4 * d + i]!;
      T32[i] = op ? v & ~imm : v | imm;
    }
  }
  commit(c, d, 8 << q);
  c.next();
}

// ------------------------------------------------------------------ table lookup, permute, extract

/** TBL / TBX (C7.2): 1-4 consecutive table registers (modulo 32), byte indices from Vm. */
export function simdTbl(c: A64Core, insn: number): void {
  if (((insn >>> 22) & 3) !== 0) return c.undef(); // op2 != 00: unallocated
  const q = (insn >>> 30) & 1;
  const m = (insn >>> 16) & 31;
  const len = (insn >>> 13) & 3;
  const tbx = (insn >>> 12) & 1;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const limit = 16 * (len + 1);
  const bytes = 8 << q;
  for (let i = 0; i < bytes; i++) {
    const idx = c.v8[16 * m + i]!;
    if (idx < limit) T8[i] = c.v8[16 * ((n + (idx >>> 4)) & 31) + (idx & 15)]!;
    else T8[i] = tbx ? c.v8[16 * d + i]! : 0;
  }
  commit(c, d, bytes);
  c.next();
}

/** UZP1/UZP2, TRN1/TRN2, ZIP1/ZIP2 (C7.2); size:Q = 110 is reserved. */
export function simdPermute(c: A64Core, insn: number): void {
  const q = (insn >>> 30) & 1;
  const size = (insn >>> 22) & 3;
  const m = (insn >>> 16) & 31;
  const opcode = (insn >>> 12) & 7;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if ((opcode & 3) === 0) return c.undef();
  if (size === 3 && q === 0) return c.undef();
  const part = opcode >>> 2;
  const elements = (8 << q) >>> size;
  const pairs = elements >>> 1;
  switch (opcode & 3) {
    case 1: // UZP: the even (part 0) or odd (part 1) elements of Vm:Vn
      for (let e = 0; e < elements; e++) {
        const j = 2 * e + part;
        if (j < elements) tcopy(c, e, n, j, size);
        else tcopy(c, e, m, j - elements, size);
      }
      break;
    case 2: // TRN
      for (let p = 0; p < pairs; p++) {
        tcopy(c, 2 * p, n, 2 * p + part, size);
        tcopy(c, 2 * p + 1, m, 2 * p + part, size);
      }
      break;
    default: {
      // ZIP: interleave the low (part 0) or high (part 1) halves
      const base = part * pairs;
      for (let p = 0; p < pairs; p++) {
        tcopy(c, 2 * p, n, base + p, size);
        tcopy(c, 2 * p + 1, m, base + p, size);
      }
    }
  }
  commit(c, d, 8 << q);
  c.next();
}

/** EXT (C7.2): bytes from imm4 upwards of Vm:Vn; Q = 0 with imm4<3> = 1 is UNDEFINED. */
export function simdExt(c: A64Core, insn: number): void {
  if (((insn >>> 22) & 3) !== 0) return c.undef(); // op2 != 00: unallocated
  const q = (insn >>> 30) & 1;
  const m = (insn >>> 16) & 31;
  const imm4 = (insn >>> 11) & 15;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (q === 0 && imm4 >= 8) return c.undef();
  const bytes = 8 << q;
  for (let i = 0; i < bytes; i++) {
    const j = i + imm4;
    T8[i] = j < bytes ? c.v8[16 * n + j]! : c.v8[16 * m + j - bytes]!;
  }
  commit(c, d, bytes);
  c.next();
}

// ------------------------------------------------------------------ shift by immediate

/**
 * Advanced SIMD (scalar) shift by immediate (C4.1.9, C7.2). esize = 8 << HighestSetBit(immh);
 * right shifts are 2*esize - immh:immb (1..esize), left shifts immh:immb - esize (0..esize-1).
 */
export function simdShiftImm(c: A64Core, insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const immh = (insn >>> 19) & 15;
  const immhb = (insn >>> 16) & 127;
  const opcode = (insn >>> 11) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (immh === 0) return c.undef(); // scalar: unallocated (vector: modified immediate)
  const es = 31 - Math.clz32(immh);
  const esize = 8 << es;
  switch (opcode) {
    case 0: // SSHR / USHR
    case 2: // SSRA / USRA
    case 4: // SRSHR / URSHR
    case 6: // SRSRA / URSRA
    case 8: // SRI (U = 1)
    case 10: // SHL (U = 0) / SLI (U = 1)
      if (opcode === 8 && u === 0) return c.undef();
      // Scalar forms are 64-bit only; vector immh<3>:Q = 10 is reserved.
      if (scalar ? es !== 3 : es === 3 && q === 0) return c.undef();
      return shiftSame(c, opcode, u, es, opcode === 10 ? immhb - esize : 2 * esize - immhb, n, d, scalar ? 1 : (8 << q) >>> es, scalar ? 8 : 8 << q);
    case 12: // SQSHLU (U = 1)
    case 14: // SQSHL / UQSHL (immediate)
      if (opcode === 12 && u === 0) return c.undef();
      if (!scalar && es === 3 && q === 0) return c.undef();
      return shiftSat(c, opcode === 12 ? false : u === 1, u === 1, es, immhb - esize, n, d, scalar, q);
    case 16: // SHRN (U = 0, vector only) / SQSHRUN (U = 1)
    case 17: // RSHRN / SQRSHRUN
    case 18: // SQSHRN / UQSHRN
    case 19: // SQRSHRN / UQRSHRN
      if (es === 3) return c.undef();
      if (scalar && opcode < 18 && u === 0) return c.undef();
      return shiftNarrow(c, opcode, u, es, 2 * esize - immhb, n, d, scalar, q);
    case 20: {
      // SSHLL / USHLL (SXTL / UXTL with shift 0): vector only, immh<3> = 1 reserved.
      if (scalar || es === 3) return c.undef();
      const shift = immhb - esize;
      const p = 2 ** shift;
      const lanes = 8 >>> es;
      const off = q * lanes;
      const unsigned = u === 1;
      if (es === 2) for (let i = 0; i < 2; i++) tset64n(i, elt(c, n, off + i, 2, unsigned) * p);
      else for (let i = 0; i < lanes; i++) tset(i, es + 1, elt(c, n, off + i, es, unsigned) * p);
      commit(c, d, 16);
      c.next();
      return;
    }
    case 28: // SCVTF / UCVTF (vector, fixed-point)
    case 31: // FCVTZS / FCVTZU (vector, fixed-point)
      // immh = 000x is unallocated, 001x half precision needs FEAT_FP16.
      if (es < 2) return c.undef();
      if (!scalar && es === 3 && q === 0) return c.undef();
      return fixedPoint(c, opcode === 28, u === 1, es, 2 * esize - immhb, n, d, scalar, q);
    default:
      return c.undef();
  }
}

/** SSHR, SSRA, SRSHR, SRSRA (and unsigned), SRI, SHL, SLI on `lanes` lanes of `es`. */
function shiftSame(c: A64Core, opcode: number, u: number, es: number, shift: number, n: number, d: number, lanes: number, bytes: number): void {
  const unsigned = u === 1;
  if (es === 3) {
    const sh = BigInt(shift);
    for (let i = 0; i < lanes; i++) {
      let r: bigint;
      if (opcode === 10) {
        const x = c.v64[2 * n + i]! << sh;
        if (u === 0) r = x; // SHL
        else r = (c.v64[2 * d + i]! & ((1n << sh) - 1n)) | x; // SLI keeps the bits below the shift
      } else if (opcode === 8) {
        // SRI: shift = 64 leaves Vd unchanged; otherwise Vd keeps its top `shift` bits.
        r = shift === 64 ? c.v64[2 * d + i]! : (c.v64[2 * d + i]! & ~((1n << (64n - sh)) - 1n)) | (c.v64[2 * n + i]! >> sh);
      } else {
        const x = eltBig(c, n, i, 3, unsigned);
        r = opcode & 4 ? (x + (1n << (sh - 1n))) >> sh : x >> sh;
        if (opcode & 2) r += c.v64[2 * d + i]!;
      }
      T64[i] = BigInt.asUintN(64, r);
    }
  } else {
    const esize = 8 << es;
    const ones = esize === 32 ? 0xffff_ffff : (1 << esize) - 1;
    const p = 2 ** shift;
    const ip = 2 ** -shift;
    for (let i = 0; i < lanes; i++) {
      let r: number;
      if (opcode === 10) {
        const x = eu(c, n, i, es) * p;
        if (u === 0) r = x;
        else r = (eu(c, d, i, es) & (p - 1)) + (x % 2 ** esize);
      } else if (opcode === 8) {
        if (shift === esize) r = eu(c, d, i, es);
        else {
          const keep = (ones - (ones >>> shift)) >>> 0; // top `shift` bits of Vd
          r = ((eu(c, d, i, es) & keep) >>> 0) + (eu(c, n, i, es) >>> shift);
        }
      } else {
        const x = elt(c, n, i, es, unsigned);
        r = Math.floor((opcode & 4 ? x + p / 2 : x) * ip);
        if (opcode & 2) r += eu(c, d, i, es);
      }
      tset(i, es, r);
    }
  }
  commit(c, d, bytes);
  c.next();
}

/** SQSHL, UQSHL, SQSHLU (immediate): SatQ(element << shift). */
function shiftSat(c: A64Core, srcUnsigned: boolean, dstUnsigned: boolean, es: number, shift: number, n: number, d: number, scalar: boolean, q: number): void {
  const lanes = scalar ? 1 : (8 << q) >>> es;
  if (scalar) T64[0] = T64[1] = 0n;
  if (es === 3) {
    const sh = BigInt(shift);
    for (let i = 0; i < lanes; i++) T64[i] = BigInt.asUintN(64, satQBig(c, eltBig(c, n, i, 3, srcUnsigned) << sh, 64, dstUnsigned));
  } else {
    const p = 2 ** shift;
    const lo = dstUnsigned ? 0 : SAT_MIN_S[es]!;
    const hi = dstUnsigned ? SAT_MAX_U[es]! : SAT_MAX_S[es]!;
    for (let i = 0; i < lanes; i++) tset(i, es, satQ(c, elt(c, n, i, es, srcUnsigned) * p, lo, hi));
  }
  if (scalar) commitScalar(c, d, 1 << es);
  else commit(c, d, 8 << q);
  c.next();
}

/**
 * SHRN, RSHRN, SQSHRN, UQSHRN, SQRSHRN, UQRSHRN, SQSHRUN, SQRSHRUN: 2*esize lanes of Vn
 * shifted right into esize lanes; vector results go to Vpart[d, Q].
 */
function shiftNarrow(c: A64Core, opcode: number, u: number, es: number, shift: number, n: number, d: number, scalar: boolean, q: number): void {
  const round = (opcode & 1) === 1;
  // opcode 1000x with U = 0: SHRN/RSHRN (truncating); with U = 1: SQSHRUN/SQRSHRUN.
  const truncate = opcode < 18 && u === 0;
  const srcUnsigned = opcode >= 18 ? u === 1 : truncate;
  const dstUnsigned = u === 1;
  const lanes = scalar ? 1 : 8 >>> es;
  const off = scalar ? 0 : q * lanes;
  if (scalar) T64[0] = T64[1] = 0n;
  if (es === 2) {
    const sh = BigInt(shift);
    const rc = round ? 1n << (sh - 1n) : 0n;
    for (let i = 0; i < lanes; i++) {
      const r = (eltBig(c, n, i, 3, srcUnsigned) + rc) >> sh;
      T32[off + i] = Number(BigInt.asUintN(32, truncate ? r : satQBig(c, r, 32, dstUnsigned)));
    }
  } else {
    const p = 2 ** shift;
    const ip = 2 ** -shift;
    const rc = round ? p / 2 : 0;
    const lo = dstUnsigned ? 0 : SAT_MIN_S[es]!;
    const hi = dstUnsigned ? SAT_MAX_U[es]! : SAT_MAX_S[es]!;
    for (let i = 0; i < lanes; i++) {
      const r = Math.floor((elt(c, n, i, es + 1, srcUnsigned) + rc) * ip);
      tset(off + i, es, truncate ? r : satQ(c, r, lo, hi));
    }
  }
  if (scalar) commitScalar(c, d, 1 << es);
  else commitPart(c, d, q);
  c.next();
}

/**
 * SCVTF/UCVTF and FCVTZS/FCVTZU (vector and scalar, fixed-point) with `fbits` fraction bits:
 * FixedToFP with FPCR rounding, FPToFixed rounding towards zero (C7.2).
 */
function fixedPoint(c: A64Core, toFloat: boolean, unsigned: boolean, es: number, fbits: number, n: number, d: number, scalar: boolean, q: number): void {
  const e = fpEnv(c);
  const lanes = scalar ? 1 : (8 << q) >>> es;
  if (scalar) T64[0] = T64[1] = 0n;
  if (es === 2) {
    for (let i = 0; i < lanes; i++) {
      const a = c.v32[4 * n + i]!;
      if (toFloat) T32[i] = (unsigned ? S.fromU32(e, a, fbits) : S.fromI32(e, a | 0, fbits)) as number;
      else T32[i] = unsigned ? S.toU32(e, a, RTZ, fbits) : S.toI32(e, a, RTZ, fbits);
    }
  } else {
    for (let i = 0; i < lanes; i++) {
      const a = c.v64[2 * n + i]!;
      if (toFloat) T64[i] = (unsigned ? D.fromU64(e, a, fbits) : D.fromI64(e, BigInt.asIntN(64, a), fbits)) as bigint;
      else T64[i] = BigInt.asUintN(64, unsigned ? D.toU64(e, a, RTZ, fbits) : D.toI64(e, a, RTZ, fbits));
    }
  }
  fpFlags(c);
  if (scalar) commitScalar(c, d, 1 << es);
  else commit(c, d, 8 << q);
  c.next();
}

// ------------------------------------------------------------------ three different

/**
 * Advanced SIMD (scalar) three different (C4.1.9, C7.2): long (L), wide (W) and narrow-high
 * (HN) add/subtract, absolute difference, multiply(-accumulate), saturating doubling
 * multiply(-accumulate) and PMULL with 8-bit elements. Source lanes are Vpart[n, Q].
 */
export function simdThreeDiff(c: A64Core, insn: number, scalar: boolean): void {
  const q = scalar ? 0 : (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const m = (insn >>> 16) & 31;
  const opcode = (insn >>> 12) & 15;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const sqd = opcode === 9 || opcode === 11 || opcode === 13;
  if (scalar && !sqd) return c.undef();
  switch (opcode) {
    case 9: // SQDMLAL
    case 11: // SQDMLSL
    case 13: // SQDMULL
      if (u === 1 || size === 0 || size === 3) return c.undef();
      break;
    case 14: // PMULL: size 11 (64-bit) needs the crypto extension; 01 and 10 are reserved
      if (u === 1 || size !== 0) return c.undef();
      break;
    case 15:
      return c.undef();
    default:
      if (size === 3) return c.undef();
  }
  const lanes = scalar ? 1 : 8 >>> size;
  const off = q * lanes;
  const unsigned = u === 1;
  if (opcode === 4 || opcode === 6) return narrowHigh(c, opcode === 6, u === 1, size, m, n, d, q);
  if (opcode === 14) {
    for (let i = 0; i < 8; i++) {
      const a = c.v8[16 * n + off + i]!;
      const b = c.v8[16 * m + off + i]!;
      let r = 0;
      for (let j = 0; j < 8; j++) if ((b >>> j) & 1) r ^= a << j;
      T16[i] = r;
    }
    commit(c, d, 16);
    c.next();
    return;
  }
  const wide = opcode === 1 || opcode === 3;
  const les = size + 1;
  if (scalar) T64[0] = T64[1] = 0n;
  if (size < 2) {
    for (let i = 0; i < lanes; i++) {
      const a = wide ? elt(c, n, i, les, unsigned) : elt(c, n, off + i, size, unsigned);
      const b = elt(c, m, off + i, size, unsigned);
      let r: number;
      switch (opcode) {
        case 0:
        case 1:
          r = a + b;
          break;
        case 2:
        case 3:
          r = a - b;
          break;
        case 5:
          r = eu(c, d, i, les) + Math.abs(a - b);
          break;
        case 7:
          r = Math.abs(a - b);
          break;
        case 8:
          r = eu(c, d, i, les) + a * b;
          break;
        case 10:
          r = eu(c, d, i, les) - a * b;
          break;
        case 12:
          r = a * b;
          break;
        default: {
          // SQDMLAL/SQDMLSL/SQDMULL, 16-bit sources: the product saturates only for -32768 * -32768.
          const prod = satQ(c, 2 * a * b, -0x8000_0000, 0x7fff_ffff);
          r = opcode === 13 ? prod : satQ(c, es_(c, d, i, les) + (opcode === 9 ? prod : -prod), -0x8000_0000, 0x7fff_ffff);
        }
      }
      tset(i, les, r);
    }
  } else {
    for (let i = 0; i < lanes; i++) {
      const a = wide ? eltBig(c, n, i, 3, unsigned) : BigInt(elt(c, n, off + i, 2, unsigned));
      const b = BigInt(elt(c, m, off + i, 2, unsigned));
      let r: bigint;
      switch (opcode) {
        case 0:
        case 1:
          r = a + b;
          break;
        case 2:
        case 3:
          r = a - b;
          break;
        case 5:
          r = c.v64[2 * d + i]! + (a > b ? a - b : b - a);
          break;
        case 7:
          r = a > b ? a - b : b - a;
          break;
        case 8:
          r = c.v64[2 * d + i]! + a * b;
          break;
        case 10:
          r = c.v64[2 * d + i]! - a * b;
          break;
        case 12:
          r = a * b;
          break;
        default: {
          const prod = satQBig(c, 2n * a * b, 64, false);
          r = opcode === 13 ? prod : satQBig(c, s64(c, d, i) + (opcode === 9 ? prod : -prod), 64, false);
        }
      }
      T64[i] = BigInt.asUintN(64, r);
    }
  }
  if (scalar) commitScalar(c, d, 2 << size);
  else commit(c, d, 16);
  c.next();
}

/** ADDHN, RADDHN, SUBHN, RSUBHN: the high half of each 2*esize sum or difference, into Vpart[d, Q]. */
function narrowHigh(c: A64Core, sub: boolean, round: boolean, size: number, m: number, n: number, d: number, q: number): void {
  const lanes = 8 >>> size;
  const off = q * lanes;
  if (size === 2) {
    const rc = round ? 1n << 31n : 0n;
    for (let i = 0; i < lanes; i++) {
      const a = c.v64[2 * n + i]!;
      const b = c.v64[2 * m + i]!;
      T32[off + i] = Number(BigInt.asUintN(32, ((sub ? a - b : a + b) + rc) >> 32n));
    }
  } else {
    const p = 2 ** (8 << size);
    const ip = 2 ** -(8 << size);
    const rc = round ? p / 2 : 0;
    for (let i = 0; i < lanes; i++) {
      const a = eu(c, n, i, size + 1);
      const b = eu(c, m, i, size + 1);
      tset(off + i, size, Math.floor(((sub ? a - b : a + b) + rc) * ip));
    }
  }
  commitPart(c, d, q);
  c.next();
}
