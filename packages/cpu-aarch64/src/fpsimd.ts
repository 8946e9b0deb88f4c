/**
 * A64 floating-point and Advanced SIMD (Arm ARM DDI 0487, C4.1.7 "Loads and Stores" with V=1,
 * C4.1.9 "Data Processing -- Scalar Floating-Point and Advanced SIMD", C7 instruction pages),
 * Armv8.0 without FEAT_FP16 half-precision arithmetic, without crypto.
 *
 * Arithmetic is @tessera/softfloat in its Arm mode (`FPProcessNaNs`, tininess before
 * rounding, FPCR.DN/FZ/RMode); the cumulative exception flags it reports are ORed into FPSR.
 * Conversions to and from half precision follow FPCR.AHP (alternative half precision).
 */

import { RNE, RTZ, RDN, RUP, RMM, f32_to_f64, f64_to_f32 } from '@tessera/softfloat';
import type { A64Core } from './core.js';
import { fpAccessCheck } from './sysregs.js';
import { checkSpAlign, cond } from './exec.js';
import { acrossLanes, byElement, misc2, pairwiseScalar, threeSame } from './advsimd.js';
import { simdCopy, simdExt, simdModImm, simdPermute, simdShiftImm, simdTbl, simdThreeDiff } from './advsimd-int.js';
import {
  M64, fpEnv, fpFlags, RM_OF, cvtToHalf, cvtFromHalf, type FV, type FOps, S, D, T64, T32, T16, T8, fget, fsetScalar, xreg, wreg, setX, setW,
} from './fp-common.js';

// ------------------------------------------------------------------ loads and stores

/** Read `bytes` (1..16) at va into the scratch register's low bytes (nothing written to V). */
function memToT(c: A64Core, va: bigint, bytes: number, mmu: number): void {
  switch (bytes) {
    case 1:
      T8[0] = c.read8(va, mmu);
      return;
    case 2:
      T16[0] = c.read16(va, mmu);
      return;
    case 4:
      T32[0] = c.read32(va, mmu);
      return;
    case 8:
      T64[0] = c.read64(va, mmu);
      return;
    default: {
      if (read16Fast(c, va, mmu)) return;
      const lo = c.read64(va, mmu);
      const hi = c.read64((va + 8n) & M64, mmu);
      T64[0] = lo;
      T64[1] = hi;
    }
  }
}

/**
 * 16 bytes from RAM into the scratch register through the core's TLB when the access stays in
 * one page that is mapped to RAM for reads (the hit test of `A64Core.read*`); false sends the
 * access down the general path (faults, MMIO, page crossings). Q loads are the bulk of
 * memcpy/strlen, and two BigInt halves cost more than these four word copies.
 */
function read16Fast(c: A64Core, va: bigint, mmu: number): boolean {
  const s = c.scratch32;
  c.scratch[0] = va;
  const lo = s[0]!;
  const vpn = s[1]! * 1048576 + (lo >>> 12);
  const slot = (mmu << 8) | (vpn & 255);
  const po = lo & 0xfff;
  if (c.tlbTag[slot] !== vpn || po > 4080) return false;
  const ram = c.tlbRam[slot];
  if (ram === null || ram === undefined) return false;
  const o = c.tlbOff[slot]! + po;
  if ((o & 3) === 0) {
    const u32 = ram.u32;
    const w = o >>> 2;
    T32[0] = u32[w]!;
    T32[1] = u32[w + 1]!;
    T32[2] = u32[w + 2]!;
    T32[3] = u32[w + 3]!;
  } else {
    const u8 = ram.u8;
    for (let k = 0; k < 16; k++) T8[k] = u8[o + k]!;
  }
  return true;
}

/** Store the low `bytes` of Vt. */
function storeV(c: A64Core, t: number, va: bigint, bytes: number, mmu: number): void {
  switch (bytes) {
    case 1:
      c.write8(va, c.v8[16 * t]!, mmu);
      return;
    case 2:
      c.write16(va, c.v16[8 * t]!, mmu);
      return;
    case 4:
      c.write32(va, c.v32[4 * t]!, mmu);
      return;
    case 8:
      c.write64(va, c.v64[2 * t]!, mmu);
      return;
    default:
      c.write64(va, c.v64[2 * t]!, mmu);
      c.write64((va + 8n) & M64, c.v64[2 * t + 1]!, mmu);
  }
}

/** Load `bytes` into Vt, zeroing the rest of the register. */
function loadV(c: A64Core, t: number, va: bigint, bytes: number, mmu: number): void {
  T64[0] = 0n;
  T64[1] = 0n;
  memToT(c, va, bytes, mmu);
  c.v64[2 * t] = T64[0]!;
  c.v64[2 * t + 1] = T64[1]!;
}

/** Before a multi-part store crossing a page, check both pages so a fault writes nothing. */
function precheck(c: A64Core, va: bigint, total: number, write: boolean, mmu: number): void {
  if (Number(va & 0xfffn) + total > 4096) {
    c.translateData(va, write, mmu);
    c.translateData((va + BigInt(total - 1)) & M64, write, mmu);
  }
}

function baseOf(c: A64Core, n: number): bigint {
  if (n === 31) {
    checkSpAlign(c, 31);
    return c.getSP();
  }
  return c.x[n]!;
}
function setBase(c: A64Core, n: number, v: bigint): void {
  if (n === 31) c.setSP(v & M64);
  else c.x[n] = v & M64;
}

function sext(v: number, bits: number): number {
  return (v << (32 - bits)) >> (32 - bits);
}

/** SIMD&FP loads and stores (C4.1.7 with V = 1). */
export function fpsimdLoadStore(c: A64Core, insn: number): void {
  fpAccessCheck(c);
  const op0 = insn >>> 28;
  c.curISS = 0;
  const mmu = c.mmu;
  if ((op0 & 3) === 0) {
    if (insn >>> 31 !== 0) c.undef();
    return structures(c, insn);
  }
  if ((op0 & 3) === 1) {
    // LDR (literal, SIMD&FP): opc 00 S, 01 D, 10 Q (C7.2.177).
    const opc = insn >>> 30;
    if (opc === 3 || ((insn >>> 24) & 1) !== 0) c.undef();
    const bytes = 4 << opc;
    const va = (c.pc + BigInt(sext((insn >>> 5) & 0x7ffff, 19) * 4)) & M64;
    loadV(c, insn & 31, va, bytes, mmu);
    c.next();
    return;
  }
  if ((op0 & 3) === 2) {
    // LDP/STP/LDNP/STNP (SIMD&FP): opc 00 S, 01 D, 10 Q (C7.2.175, C7.2.316).
    const opc = insn >>> 30;
    if (opc === 3) c.undef();
    const mode = (insn >>> 23) & 3;
    const l = (insn >>> 22) & 1;
    const t = insn & 31;
    const n = (insn >>> 5) & 31;
    const t2 = (insn >>> 10) & 31;
    const bytes = 4 << opc;
    const imm = BigInt(sext((insn >>> 15) & 0x7f, 7) * bytes);
    const base = baseOf(c, n);
    const va = mode === 1 ? base : (base + imm) & M64;
    const va2 = (va + BigInt(bytes)) & M64;
    if (l) {
      // LDP with t == t2 is CONSTRAINED UNPREDICTABLE; the second value wins.
      memToT(c, va, bytes, mmu);
      const a0 = T64[0]!;
      const a1 = T64[1]!;
      T64[0] = 0n;
      T64[1] = 0n;
      memToT(c, va2, bytes, mmu);
      const b0 = bytes === 16 ? T64[0]! : BigInt.asUintN(bytes * 8, T64[0]!);
      const b1 = bytes === 16 ? T64[1]! : 0n;
      c.v64[2 * t] = bytes === 16 ? a0 : BigInt.asUintN(bytes * 8, a0);
      c.v64[2 * t + 1] = bytes === 16 ? a1 : 0n;
      c.v64[2 * t2] = b0;
      c.v64[2 * t2 + 1] = b1;
    } else {
      precheck(c, va, 2 * bytes, true, mmu);
      storeV(c, t, va, bytes, mmu);
      storeV(c, t2, va2, bytes, mmu);
    }
    if (mode === 1) setBase(c, n, base + imm);
    else if (mode === 3) setBase(c, n, va);
    c.next();
    return;
  }
  // Load/store register (SIMD&FP): size:opc selects B/H/S/D/Q (C7.2.176, C7.2.315).
  const size = insn >>> 30;
  const opc = (insn >>> 22) & 3;
  const t = insn & 31;
  const n = (insn >>> 5) & 31;
  let scale = size;
  if (opc >= 2) {
    if (size !== 0) c.undef();
    scale = 4;
  }
  const isLoad = (opc & 1) === 1;
  const bytes = 1 << scale;
  let va: bigint;
  let wbVal: bigint | undefined;
  if ((insn >>> 24) & 1) {
    va = (baseOf(c, n) + BigInt(((insn >>> 10) & 0xfff) << scale)) & M64;
  } else if ((insn >>> 21) & 1) {
    if (((insn >>> 10) & 3) !== 2) c.undef();
    const option = (insn >>> 13) & 7;
    if ((option & 2) === 0) c.undef();
    const s = (insn >>> 12) & 1;
    const m = (insn >>> 16) & 31;
    let off = xreg(c, m);
    if (option === 2) off = off & 0xffff_ffffn;
    else if (option === 6) off = BigInt.asIntN(32, off);
    off = BigInt.asIntN(64, off) << BigInt(s ? scale : 0);
    va = (baseOf(c, n) + off) & M64;
  } else {
    const kind = (insn >>> 10) & 3;
    if (kind === 2) c.undef(); // no unprivileged SIMD&FP forms
    const imm = BigInt(sext((insn >>> 12) & 0x1ff, 9));
    const base = baseOf(c, n);
    if (kind === 0) va = (base + imm) & M64;
    else if (kind === 1) {
      va = base;
      wbVal = base + imm;
    } else {
      va = (base + imm) & M64;
      wbVal = va;
    }
  }
  if (isLoad) loadV(c, t, va, bytes, mmu);
  else {
    if (bytes === 16) precheck(c, va, 16, true, mmu);
    storeV(c, t, va, bytes, mmu);
  }
  if (wbVal !== undefined) setBase(c, n, wbVal);
  c.next();
}

/** LD1-LD4/ST1-ST4 multiple and single structures, LD1R-LD4R (C4.1.7, C7.2.x). */
function structures(c: A64Core, insn: number): void {
  const q = (insn >>> 30) & 1;
  const single = ((insn >>> 24) & 1) !== 0;
  const post = ((insn >>> 23) & 1) !== 0;
  const l = (insn >>> 22) & 1;
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  if (!post && m !== 0) c.undef();
  const mmu = c.mmu;
  const base = baseOf(c, n);
  let total = 0;
  if (!single) {
    if (((insn >>> 21) & 1) !== 0) c.undef();
    const opcode = (insn >>> 12) & 15;
    const size = (insn >>> 10) & 3;
    let rpt: number;
    let selem: number;
    switch (opcode) {
      case 0: rpt = 1; selem = 4; break;
      case 2: rpt = 4; selem = 1; break;
      case 4: rpt = 1; selem = 3; break;
      case 6: rpt = 3; selem = 1; break;
      case 7: rpt = 1; selem = 1; break;
      case 8: rpt = 1; selem = 2; break;
      case 10: rpt = 2; selem = 1; break;
      default: return c.undef();
    }
    if (size === 3 && q === 0 && selem !== 1) c.undef();
    const ebytes = 1 << size;
    const elements = (q ? 16 : 8) >> size;
    total = rpt * selem * elements * ebytes;
    if (!l) precheck(c, base, total, true, mmu);
    else precheck(c, base, total, false, mmu);
    let off = 0;
    // Loads clear bits 127:64 of each register written when Q = 0.
    if (l && q === 0) for (let r = 0; r < rpt; r++) for (let s = 0; s < selem; s++) c.v64[2 * ((t + r + s) & 31) + 1] = 0n;
    for (let r = 0; r < rpt; r++) {
      for (let e = 0; e < elements; e++) {
        for (let s = 0; s < selem; s++) {
          const tt = (t + r + s) & 31;
          const va = (base + BigInt(off)) & M64;
          elemAccess(c, l, tt, e, size, va, mmu);
          off += ebytes;
        }
      }
    }
  } else {
    const opcode = (insn >>> 13) & 7;
    const r = (insn >>> 21) & 1;
    const s = (insn >>> 12) & 1;
    let size = (insn >>> 10) & 3;
    const selem = (((opcode & 1) << 1) | r) + 1;
    let scale = opcode >>> 1;
    let index = 0;
    let replicate = false;
    switch (scale) {
      case 3:
        if (l === 0 || s !== 0) c.undef();
        scale = size;
        replicate = true;
        break;
      case 0:
        index = (q << 3) | (s << 2) | size;
        break;
      case 1:
        if (size & 1) c.undef();
        index = (q << 2) | (s << 1) | (size >>> 1);
        break;
      case 2:
        if (size & 2) c.undef();
        if ((size & 1) === 0) index = (q << 1) | s;
        else {
          if (s !== 0) c.undef();
          index = q;
          scale = 3;
        }
        break;
    }
    size = scale;
    const ebytes = 1 << scale;
    total = selem * ebytes;
    precheck(c, base, total, l === 0, mmu);
    for (let k = 0; k < selem; k++) {
      const tt = (t + k) & 31;
      const va = (base + BigInt(k * ebytes)) & M64;
      if (replicate) {
        T64[0] = 0n;
        memToT(c, va, ebytes, mmu);
        const v = T64[0]!;
        const lanes = (q ? 16 : 8) >> scale;
        for (let i = 0; i < lanes; i++) {
          if (scale === 3) c.v64[2 * tt + i] = v;
          else if (scale === 2) c.v32[4 * tt + i] = Number(v);
          else if (scale === 1) c.v16[8 * tt + i] = Number(v);
          else c.v8[16 * tt + i] = Number(v);
        }
        if (!q) c.v64[2 * tt + 1] = 0n;
      } else elemAccess(c, l, tt, index, size, va, mmu);
    }
  }
  if (post) setBase(c, n, base + (m === 31 ? BigInt(total) : c.x[m]!));
  c.next();
}

function elemAccess(c: A64Core, l: number, t: number, e: number, size: number, va: bigint, mmu: number): void {
  if (l) {
    if (size === 0) c.v8[16 * t + e] = c.read8(va, mmu);
    else if (size === 1) c.v16[8 * t + e] = c.read16(va, mmu);
    else if (size === 2) c.v32[4 * t + e] = c.read32(va, mmu);
    else c.v64[2 * t + e] = c.read64(va, mmu);
  } else {
    if (size === 0) c.write8(va, c.v8[16 * t + e]!, mmu);
    else if (size === 1) c.write16(va, c.v16[8 * t + e]!, mmu);
    else if (size === 2) c.write32(va, c.v32[4 * t + e]!, mmu);
    else c.write64(va, c.v64[2 * t + e]!, mmu);
  }
}

// ------------------------------------------------------------------ data processing

/** Scalar FP and Advanced SIMD data processing (op0 = x111, C4.1.9). */
export function fpsimdDataProc(c: A64Core, insn: number): void {
  fpAccessCheck(c);
  const op0 = insn >>> 28;
  if ((op0 & 5) === 1) {
    // x0x1: scalar floating point
    if ((insn >>> 24) & 1) return fp3(c, insn);
    if (((insn >>> 21) & 1) === 0) return fpFixed(c, insn);
    const op3 = (insn >>> 10) & 0x3f;
    switch (op3 & 3) {
      case 1:
        return fpCondCmp(c, insn);
      case 2:
        return fp2(c, insn);
      case 3:
        return fpCsel(c, insn);
    }
    if ((op3 & 7) === 4) return fpImm(c, insn);
    if ((op3 & 0xf) === 8) return fpCmp(c, insn);
    if ((op3 & 0x1f) === 0x10) return fp1(c, insn);
    if (op3 === 0) return fpInt(c, insn);
    return c.undef();
  }
  return simd(c, insn);
}

/** ftype 00 single, 01 double; 11 half needs FEAT_FP16 (not implemented). */
function ftypeEs(c: A64Core, ftype: number): number {
  if (ftype === 0) return 2;
  if (ftype === 1) return 3;
  return c.undef();
}
function opsOf(es: number): FOps {
  return es === 3 ? D : S;
}

/** FMADD/FMSUB/FNMADD/FNMSUB (C7.2.x): o1 negates the product's addend, o0 the product. */
function fp3(c: A64Core, insn: number): void {
  if ((insn >>> 29) & 1 || (insn >>> 31) !== 0) c.undef();
  const es = ftypeEs(c, (insn >>> 22) & 3);
  const f = opsOf(es);
  const o1 = (insn >>> 21) & 1;
  const o0 = (insn >>> 15) & 1;
  const m = (insn >>> 16) & 31;
  const a = (insn >>> 10) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  let va = fget(c, a, 0, es);
  let vn = fget(c, n, 0, es);
  // FMADD: a + n*m; FMSUB: a - n*m; FNMADD: -a - n*m; FNMSUB: -a + n*m (FPMulAdd with negated inputs).
  if (o1) va = f.neg(va);
  if (o0 !== o1) vn = f.neg(vn);
  const e = fpEnv(c);
  // FPMulAdd(addend, op1, op2): softfloat's fma(a, b, c) is a*b + c with Arm's NaN order (c, a, b).
  const r = f.fma(e, vn, fget(c, m, 0, es), va);
  fpFlags(c);
  fsetScalar(c, d, es, r);
  c.next();
}

function fp2(c: A64Core, insn: number): void {
  if ((insn >>> 29) & 1 || (insn >>> 31) !== 0) c.undef();
  const es = ftypeEs(c, (insn >>> 22) & 3);
  const f = opsOf(es);
  const opcode = (insn >>> 12) & 15;
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const a = fget(c, n, 0, es);
  const b = fget(c, m, 0, es);
  const e = fpEnv(c);
  let r: FV;
  switch (opcode) {
    case 0: r = f.mul(e, a, b); break;
    case 1: r = f.div(e, a, b); break;
    case 2: r = f.add(e, a, b); break;
    case 3: r = f.sub(e, a, b); break;
    case 4: r = f.max(e, a, b); break;
    case 5: r = f.min(e, a, b); break;
    case 6: r = f.maxnm(e, a, b); break;
    case 7: r = f.minnm(e, a, b); break;
    case 8: r = f.neg(f.mul(e, a, b)); break; // FNMUL: FPNeg(FPMul), a NaN result's sign flips too (FPCR.AH = 0)
    default: return c.undef();
  }
  fpFlags(c);
  fsetScalar(c, d, es, r);
  c.next();
}

function isNaNv(v: FV, es: number): boolean {
  if (es === 3) return ((v as bigint) & 0x7fff_ffff_ffff_ffffn) > 0x7ff0_0000_0000_0000n;
  return ((v as number) & 0x7fff_ffff) > 0x7f80_0000;
}

/** FMOV/FABS/FNEG/FSQRT/FCVT/FRINT* (FP data-processing 1 source). */
function fp1(c: A64Core, insn: number): void {
  if ((insn >>> 29) & 1 || (insn >>> 31) !== 0) c.undef();
  const ftype = (insn >>> 22) & 3;
  const opcode = (insn >>> 15) & 0x3f;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (opcode >= 4 && opcode <= 7) {
    // FCVT between H (11), S (00), D (01); opc = destination type.
    const to = opcode & 3;
    if (to === 2 || to === ftype || ftype === 2) c.undef();
    const e = fpEnv(c);
    let r: FV;
    // Half precision follows FPCR.AHP (alternative format) in both directions.
    if (ftype === 3) r = cvtFromHalf(c, e, c.v16[8 * n]!, to === 0 ? 2 : 3);
    else if (ftype === 0) {
      const s = c.v32[4 * n]!;
      r = to === 1 ? f32_to_f64(e, s) : cvtToHalf(c, e, s, 2);
    } else {
      const dv = c.v64[2 * n]!;
      r = to === 0 ? f64_to_f32(e, dv) : cvtToHalf(c, e, dv, 3);
    }
    fpFlags(c);
    fsetScalar(c, d, to === 0 ? 2 : to === 1 ? 3 : 1, r);
    c.next();
    return;
  }
  const es = ftypeEs(c, ftype);
  const f = opsOf(es);
  const a = fget(c, n, 0, es);
  let r: FV;
  const e = fpEnv(c);
  switch (opcode) {
    case 0: r = a; break; // FMOV
    case 1: r = f.abs(a); break;
    case 2: r = f.neg(a); break;
    case 3: r = f.sqrt(e, a); break;
    case 8: case 9: case 10: case 11: case 12:
      r = f.rint(e, a, RM_OF[opcode - 8]!, false); // FRINTN/P/M/Z/A
      break;
    case 14: r = f.rint(e, a, e.rm, true); break; // FRINTX
    case 15: r = f.rint(e, a, e.rm, false); break; // FRINTI
    default: return c.undef();
  }
  fpFlags(c);
  fsetScalar(c, d, es, r);
  c.next();
}

/** FCMP/FCMPE (C7.2.x): NZCV = 0110 equal, 1000 less, 0010 greater, 0011 unordered. */
function nzcvOf(r: 'lt' | 'eq' | 'gt' | 'un'): number {
  return r === 'eq' ? 0x6 : r === 'lt' ? 0x8 : r === 'gt' ? 0x2 : 0x3;
}

function fpCmp(c: A64Core, insn: number): void {
  if ((insn >>> 29) & 1 || (insn >>> 31) !== 0 || ((insn >>> 14) & 3) !== 0 || (insn & 7) !== 0) c.undef();
  const es = ftypeEs(c, (insn >>> 22) & 3);
  const f = opsOf(es);
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  const opc = (insn >>> 3) & 3;
  const a = fget(c, n, 0, es);
  const b = opc & 1 ? (es === 3 ? 0n : 0) : fget(c, m, 0, es);
  const e = fpEnv(c);
  const r = f.cmp(e, a, b, (opc & 2) !== 0);
  fpFlags(c);
  c.nzcv = (nzcvOf(r) << 28) >>> 0;
  c.next();
}

function fpCondCmp(c: A64Core, insn: number): void {
  if ((insn >>> 29) & 1 || (insn >>> 31) !== 0) c.undef();
  const es = ftypeEs(c, (insn >>> 22) & 3);
  const f = opsOf(es);
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  const cd = (insn >>> 12) & 15;
  if (cond(c, cd)) {
    const e = fpEnv(c);
    const r = f.cmp(e, fget(c, n, 0, es), fget(c, m, 0, es), ((insn >>> 4) & 1) !== 0);
    fpFlags(c);
    c.nzcv = (nzcvOf(r) << 28) >>> 0;
  } else c.nzcv = ((insn & 15) << 28) >>> 0;
  c.next();
}

function fpCsel(c: A64Core, insn: number): void {
  if ((insn >>> 29) & 1 || (insn >>> 31) !== 0) c.undef();
  const es = ftypeEs(c, (insn >>> 22) & 3);
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const cd = (insn >>> 12) & 15;
  fsetScalar(c, d, es, fget(c, cond(c, cd) ? n : m, 0, es));
  c.next();
}

/** FMOV (scalar, immediate): VFPExpandImm (C2.2.3 / shared pseudocode). */
function vfpExpandImm(imm8: number, es: number): FV {
  const sign = imm8 >>> 7;
  const b6 = (imm8 >>> 6) & 1;
  const low = imm8 & 0x3f;
  if (es === 3) {
    // sign : NOT(b6) : Replicate(b6, 8) : imm8<5:0> : Zeros(48)
    const exp = ((b6 ^ 1) << 10) | (b6 ? 0x3fc : 0) | ((low >>> 4) & 3);
    const hi = (sign << 31) | (exp << 20) | ((low & 15) << 16);
    return BigInt(hi >>> 0) << 32n;
  }
  if (es === 2) {
    const exp = ((b6 ^ 1) << 7) | (b6 ? 0x7c : 0) | ((low >>> 4) & 3);
    return ((sign << 31) | (exp << 23) | ((low & 15) << 19)) >>> 0;
  }
  const exp = ((b6 ^ 1) << 4) | (b6 ? 0xc : 0) | ((low >>> 4) & 3);
  return (sign << 15) | (exp << 10) | ((low & 15) << 6);
}

function fpImm(c: A64Core, insn: number): void {
  if ((insn >>> 29) & 1 || (insn >>> 31) !== 0 || ((insn >>> 5) & 31) !== 0) c.undef();
  const es = ftypeEs(c, (insn >>> 22) & 3);
  fsetScalar(c, insn & 31, es, vfpExpandImm((insn >>> 13) & 0xff, es));
  c.next();
}

/** Conversions between FP and fixed-point (C4.1.9 op: scale = 64 - fbits). */
function fpFixed(c: A64Core, insn: number): void {
  const sf = insn >>> 31;
  if ((insn >>> 29) & 1) c.undef();
  const es = ftypeEs(c, (insn >>> 22) & 3);
  const f = opsOf(es);
  const rmode = (insn >>> 19) & 3;
  const opcode = (insn >>> 16) & 7;
  const scale = (insn >>> 10) & 0x3f;
  if (sf === 0 && scale < 32) c.undef();
  const fbits = 64 - scale;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const e = fpEnv(c);
  if (rmode === 3 && (opcode === 0 || opcode === 1)) {
    // FCVTZS/FCVTZU (scalar, fixed-point)
    const a = fget(c, n, 0, es);
    if (sf) setX(c, d, opcode === 0 ? f.toI64(e, a, RTZ, fbits) : f.toU64(e, a, RTZ, fbits));
    else setW(c, d, opcode === 0 ? f.toI32(e, a, RTZ, fbits) : f.toU32(e, a, RTZ, fbits));
  } else if (rmode === 0 && (opcode === 2 || opcode === 3)) {
    // SCVTF/UCVTF (scalar, fixed-point)
    let r: FV;
    if (sf) r = opcode === 2 ? f.fromI64(e, BigInt.asIntN(64, xreg(c, n)), fbits) : f.fromU64(e, xreg(c, n), fbits);
    else r = opcode === 2 ? f.fromI32(e, wreg(c, n) | 0, fbits) : f.fromU32(e, wreg(c, n), fbits);
    fsetScalar(c, d, es, r);
  } else c.undef();
  fpFlags(c);
  c.next();
}

/** Conversions between FP and integer, FMOV (general) (C4.1.9). */
function fpInt(c: A64Core, insn: number): void {
  const sf = insn >>> 31;
  if ((insn >>> 29) & 1) c.undef();
  const ftype = (insn >>> 22) & 3;
  const rmode = (insn >>> 19) & 3;
  const opcode = (insn >>> 16) & 7;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (opcode === 6 || opcode === 7) {
    // FMOV (general): 32-bit W<->S (sf 0, type 00), X<->D (sf 1, type 01), X<->V.D[1] (sf 1, type 10, rmode 01).
    const toGp = opcode === 6;
    if (sf === 0 && ftype === 0 && rmode === 0) {
      if (toGp) setW(c, d, c.v32[4 * n]!);
      else {
        c.v64[2 * d] = BigInt(wreg(c, n));
        c.v64[2 * d + 1] = 0n;
      }
    } else if (sf === 1 && ftype === 1 && rmode === 0) {
      if (toGp) setX(c, d, c.v64[2 * n]!);
      else {
        c.v64[2 * d] = xreg(c, n);
        c.v64[2 * d + 1] = 0n;
      }
    } else if (sf === 1 && ftype === 2 && rmode === 1) {
      if (toGp) setX(c, d, c.v64[2 * n + 1]!);
      else c.v64[2 * d + 1] = xreg(c, n); // the low half is kept
    } else c.undef();
    c.next();
    return;
  }
  const es = ftypeEs(c, ftype);
  const f = opsOf(es);
  const e = fpEnv(c);
  if (opcode === 2 || opcode === 3) {
    if (rmode !== 0) c.undef();
    let r: FV;
    if (sf) r = opcode === 2 ? f.fromI64(e, BigInt.asIntN(64, xreg(c, n)), 0) : f.fromU64(e, xreg(c, n), 0);
    else r = opcode === 2 ? f.fromI32(e, wreg(c, n) | 0, 0) : f.fromU32(e, wreg(c, n), 0);
    fpFlags(c);
    fsetScalar(c, d, es, r);
    c.next();
    return;
  }
  // FCVT{N,P,M,Z}{S,U} by rmode, FCVTA{S,U} (opcode 4/5)
  let rm: number;
  let unsigned: boolean;
  if (opcode === 0 || opcode === 1) {
    rm = [RNE, RUP, RDN, RTZ][rmode]!;
    unsigned = opcode === 1;
  } else if (opcode === 4 || opcode === 5) {
    if (rmode !== 0) c.undef();
    rm = RMM;
    unsigned = opcode === 5;
  } else return c.undef();
  const a = fget(c, n, 0, es);
  if (sf) setX(c, d, unsigned ? f.toU64(e, a, rm, 0) : f.toI64(e, a, rm, 0));
  else setW(c, d, unsigned ? f.toU32(e, a, rm, 0) : f.toI32(e, a, rm, 0));
  fpFlags(c);
  c.next();
}

// ------------------------------------------------------------------ Advanced SIMD

function simd(c: A64Core, insn: number): void {
  const op0 = insn >>> 28;
  const op1 = (insn >>> 23) & 3;
  const op2 = (insn >>> 19) & 15;
  const op3 = (insn >>> 10) & 0x1ff;
  if ((op0 & 8) !== 0) return c.undef(); // op0 1xxx: SM3/SHA512/... (not in Armv8.0) and unallocated
  const scalar = (op0 & 5) === 5;
  if (!scalar && (op0 & 5) !== 0 && (op0 & 5) !== 4) return c.undef();
  if (scalar) {
    if (op1 === 0 && (op2 & 12) === 0 && (op3 & 0x21) === 1) return simdCopy(c, insn, true);
    if (op1 < 2 && (op2 & 7) === 4 && (op3 & 0x183) === 2) return misc2(c, insn, true);
    if (op1 < 2 && (op2 & 7) === 6 && (op3 & 0x183) === 2) return pairwiseScalar(c, insn);
    if (op1 < 2 && (op2 & 4) === 4 && (op3 & 3) === 0) return simdThreeDiff(c, insn, true);
    if (op1 < 2 && (op2 & 4) === 4 && (op3 & 1) === 1) return threeSame(c, insn, true);
    if (op1 === 2 && (op3 & 1) === 1) return simdShiftImm(c, insn, true);
    if (op1 >= 2 && (op3 & 1) === 0) return byElement(c, insn, true);
    return c.undef();
  }
  if ((op0 & 0xb) === 0 && op1 < 2 && (op2 & 4) === 0 && (op3 & 0x23) === 0) return simdTbl(c, insn);
  if ((op0 & 0xb) === 0 && op1 < 2 && (op2 & 4) === 0 && (op3 & 0x23) === 2) return simdPermute(c, insn);
  if ((op0 & 0xb) === 2 && op1 < 2 && (op2 & 4) === 0 && (op3 & 0x21) === 0) return simdExt(c, insn);
  if (op1 === 0 && (op2 & 12) === 0 && (op3 & 0x21) === 1) return simdCopy(c, insn, false);
  if (op1 < 2 && (op2 & 7) === 4 && (op3 & 0x183) === 2) return misc2(c, insn, false);
  if (op1 < 2 && (op2 & 7) === 6 && (op3 & 0x183) === 2) return acrossLanes(c, insn);
  if (op1 < 2 && (op2 & 4) === 4 && (op3 & 3) === 0) return simdThreeDiff(c, insn, false);
  if (op1 < 2 && (op2 & 4) === 4 && (op3 & 1) === 1) return threeSame(c, insn, false);
  if (op1 === 2 && op2 === 0 && (op3 & 1) === 1) return simdModImm(c, insn);
  if (op1 === 2 && op2 !== 0 && (op3 & 1) === 1) return simdShiftImm(c, insn, false);
  if (op1 >= 2 && (op3 & 1) === 0) return byElement(c, insn, false);
  return c.undef();
}

