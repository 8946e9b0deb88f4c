/**
 * A64 instruction semantics (Arm ARM C4 encoding index, C6 base instructions), integer and
 * system. Decoding follows the top-level encoding table (C4.1): op0 = bits[28:25].
 * FP/AdvSIMD encodings (op0 x111, and loads/stores with V = 1) go to fpsimd.ts, which runs
 * the FP access checks first.
 */

import type { A64Core } from './core.js';
import { EC, HCR, SCR, PSR } from './defs.js';
import { R } from './regs.js';
import { execMsrImmediate, execSystemRegister } from './sysregs.js';
import { fpsimdDataProc, fpsimdLoadStore } from './fpsimd.js';

const M64 = 0xffff_ffff_ffff_ffffn;
const M32 = 0xffff_ffffn;

/** Immediates as BigInt, precomputed: BigInt(number) is slow in V8's hot paths. */
const BIG_U15: bigint[] = Array.from({ length: 0x8000 }, (_, i) => BigInt(i));
const BIG_SH12: bigint[] = Array.from({ length: 0x1000 }, (_, i) => BigInt(i) << 12n);
const BIG_S9: bigint[] = Array.from({ length: 512 }, (_, i) => BigInt((i << 23) >> 23));

/**
 * Decode once: the op id cached per instruction word (core.ts keeps one byte per word of
 * each code page). 1 = generic, 2 = B.cond, 3 = data processing (immediate), 4 = data
 * processing (register), 5 = integer loads/stores, 6 = other branches and system.
 */
export function decodeOp(insn: number): number {
  switch ((insn >>> 25) & 15) {
    case 8:
    case 9:
      return 3;
    case 5:
    case 13:
      return 4;
    case 4:
    case 6:
    case 12:
    case 14:
      return (insn >>> 26) & 1 ? 1 : 5;
    case 10:
    case 11:
      return insn >>> 24 === 0x54 && (insn & 0x10) === 0 ? 2 : 6;
    default:
      return 1;
  }
}

export function executeOp(c: A64Core, op: number, insn: number): void {
  switch (op) {
    case 2:
      if (cond(c, insn & 15)) relBranch(c, ((insn << 8) >> 13) * 4);
      else c.next();
      return;
    case 3:
      return dpImm(c, insn);
    case 4:
      return dpReg(c, insn);
    case 5:
      return loadStore(c, insn);
    case 6:
      return branchSys(c, insn);
    default:
      return execute(c, insn);
  }
}

export function execute(c: A64Core, insn: number): void {
  const op0 = (insn >>> 25) & 15;
  switch (op0) {
    case 8:
    case 9:
      return dpImm(c, insn);
    case 10:
    case 11:
      return branchSys(c, insn);
    case 5:
    case 13:
      return dpReg(c, insn);
    case 4:
    case 6:
    case 12:
    case 14:
      return loadStore(c, insn);
    case 7:
    case 15:
      return fpsimdDataProc(c, insn);
    default:
      return c.undef();
  }
}

// ------------------------------------------------------------------ helpers

/** Register or SP (Rn/Rd = 31 means SP in these forms). */
function rnSp(c: A64Core, n: number): bigint {
  return n === 31 ? c.getSP() : c.x[n]!;
}

function setRdSp(c: A64Core, d: number, v: bigint): void {
  if (d === 31) c.setSP(v);
  else c.x[d] = v;
}

export function cond(c: A64Core, cd: number): boolean {
  const f = c.nzcv;
  const n = (f >>> 31) & 1;
  const z = (f >>> 30) & 1;
  const cc = (f >>> 29) & 1;
  const v = (f >>> 28) & 1;
  let r: boolean;
  switch (cd >>> 1) {
    case 0:
      r = z === 1;
      break;
    case 1:
      r = cc === 1;
      break;
    case 2:
      r = n === 1;
      break;
    case 3:
      r = v === 1;
      break;
    case 4:
      r = cc === 1 && z === 0;
      break;
    case 5:
      r = n === v;
      break;
    case 6:
      r = n === v && z === 0;
      break;
    default:
      r = true;
  }
  if ((cd & 1) !== 0 && cd !== 15) r = !r;
  return r;
}

/**
 * a + b + carry with NZCV (AddWithCarry, Arm ARM J1). `sf` 1 = 64-bit. Sign bits and 32-bit
 * halves are read through the core's scratch alias: Number(bigint) is slow in V8.
 */
function addWithCarry(c: A64Core, sf: number, a: bigint, b: bigint, carry: number, setFlags: boolean): bigint {
  const sc = c.scratch;
  const s32 = c.scratch32;
  if (sf !== 0) {
    const res = (carry !== 0 ? a + b + 1n : a + b) & M64;
    if (setFlags) {
      sc[0] = a;
      sc[1] = b;
      sc[2] = res;
      const ah = s32[1]! >>> 31;
      const bh = s32[3]! >>> 31;
      const rh = s32[5]! >>> 31;
      const z = res === 0n ? 1 : 0;
      const cf = carry !== 0 ? (res <= a ? 1 : 0) : res < a ? 1 : 0;
      const v = ah === bh && rh !== ah ? 1 : 0;
      c.nzcv = ((rh << 31) | (z << 30) | (cf << 29) | (v << 28)) >>> 0;
    }
    return res;
  }
  sc[0] = a;
  sc[1] = b;
  const an = s32[0]!;
  const bn = s32[2]!;
  const full = an + bn + carry;
  const res = full >>> 0;
  if (setFlags) {
    const n = res >>> 31;
    const z = res === 0 ? 1 : 0;
    const cf = full > 0xffffffff ? 1 : 0;
    const v = (((an ^ res) & (bn ^ res)) >>> 31) & 1;
    c.nzcv = ((n << 31) | (z << 30) | (cf << 29) | (v << 28)) >>> 0;
  }
  s32[6] = res;
  s32[7] = 0;
  return sc[3]!;
}

function setLogicFlags(c: A64Core, sf: number, res: bigint): void {
  c.scratch[0] = res;
  const n = sf !== 0 ? c.scratch32[1]! >>> 31 : c.scratch32[0]! >>> 31;
  const z = res === 0n ? 1 : 0;
  c.nzcv = ((n << 31) | (z << 30)) >>> 0;
}

/** 64-bit a - b with optional NZCV (the SUBS/CMP form of AddWithCarry(a, NOT b, 1)). */
function sub64(c: A64Core, a: bigint, b: bigint, setFlags: boolean): bigint {
  const res = (a - b) & M64;
  if (setFlags) {
    const sc = c.scratch;
    const s32 = c.scratch32;
    sc[0] = a;
    sc[1] = b;
    sc[2] = res;
    const ah = s32[1]! >>> 31;
    const bh = s32[3]! >>> 31;
    const rh = s32[5]! >>> 31;
    const z = res === 0n ? 1 : 0;
    const cf = a >= b ? 1 : 0;
    const v = ah !== bh && rh !== ah ? 1 : 0;
    c.nzcv = ((rh << 31) | (z << 30) | (cf << 29) | (v << 28)) >>> 0;
  }
  return res;
}

/** 64-bit SUBS on 32-bit halves: Xd = a - b with NZCV (Rd = 31 is XZR, as in CMP). */
function subs64h(c: A64Core, rd: number, al: number, ah: number, bl: number, bh: number): void {
  let lo = al - bl;
  let borrow = 0;
  if (lo < 0) {
    lo += 4294967296;
    borrow = 1;
  }
  const hiFull = ah - bh - borrow;
  const hi = hiFull >>> 0;
  const n = hi >>> 31;
  const z = lo === 0 && hi === 0 ? 1 : 0;
  const cf = hiFull >= 0 ? 1 : 0; // no borrow out of bit 63: a >= b unsigned
  const v = (((ah ^ bh) & (ah ^ hi)) >>> 31) & 1;
  c.nzcv = ((n << 31) | (z << 30) | (cf << 29) | (v << 28)) >>> 0;
  if (rd !== 31) {
    c.x32[2 * rd] = lo;
    c.x32[2 * rd + 1] = hi;
  }
}

/** 32-bit add/sub on numbers (W registers), with optional NZCV. */
function addSub32(c: A64Core, a: number, b: number, sub: number, setFlags: boolean): number {
  const bb = sub !== 0 ? ~b >>> 0 : b;
  const full = a + bb + sub;
  const res = full >>> 0;
  if (setFlags) {
    const n = res >>> 31;
    const z = res === 0 ? 1 : 0;
    const cf = full > 0xffffffff ? 1 : 0;
    const v = (((a ^ res) & (bb ^ res)) >>> 31) & 1;
    c.nzcv = ((n << 31) | (z << 30) | (cf << 29) | (v << 28)) >>> 0;
  }
  return res;
}

/** Write a W result (upper half zeroed); Rd = 31 is WZR. */
function setW(c: A64Core, rd: number, v: number): void {
  if (rd === 31) return;
  c.x32[2 * rd] = v;
  c.x32[2 * rd + 1] = 0;
}

function shift32(v: number, type: number, amt: number): number {
  if (amt === 0) return v;
  switch (type) {
    case 0:
      return (v << amt) >>> 0;
    case 1:
      return v >>> amt;
    case 2:
      return (v >> amt) >>> 0;
    default:
      return ((v >>> amt) | (v << (32 - amt))) >>> 0;
  }
}

/** PC-relative branch: stays in the current page without any BigInt arithmetic when it can. */
function relBranch(c: A64Core, off: number): void {
  const lo = c.pcLo + off;
  if (lo >= 0 && lo < 4096) c.pcLo = lo;
  else c.branch(c.pc + BigInt(off));
}

function shiftReg(v: bigint, type: number, amt: number, sf: number): bigint {
  if (amt === 0) return v;
  const width = sf !== 0 ? 64 : 32;
  const a = BigInt(amt);
  switch (type) {
    case 0:
      return BigInt.asUintN(width, v << a);
    case 1:
      return v >> a;
    case 2:
      return BigInt.asUintN(width, BigInt.asIntN(width, v) >> a);
    default:
      return BigInt.asUintN(width, (v >> a) | (v << BigInt(width - amt)));
  }
}

/** ExtendReg (C6.2.x): UXTB/H/W/X, SXTB/H/W/X then LSL by 0..4. */
function extendReg(v: bigint, option: number, shift: number): bigint {
  let r: bigint;
  switch (option) {
    case 0:
      r = v & 0xffn;
      break;
    case 1:
      r = v & 0xffffn;
      break;
    case 2:
      r = v & M32;
      break;
    case 3:
      r = v;
      break;
    case 4:
      r = ((BigInt.asIntN(8, v)) & M64);
      break;
    case 5:
      r = ((BigInt.asIntN(16, v)) & M64);
      break;
    case 6:
      r = ((BigInt.asIntN(32, v)) & M64);
      break;
    default:
      r = v;
  }
  return shift === 0 ? r : ((r << BigInt(shift)) & M64);
}

function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

function ror(v: bigint, amt: number, width: number): bigint {
  if (amt === 0) return v;
  return BigInt.asUintN(width, (v >> BigInt(amt)) | (v << BigInt(width - amt)));
}

const bitMaskCache = new Map<number, bigint>();

/** DecodeBitMasks for logical immediates (Arm ARM J1, shared pseudocode). Returns undefined if reserved. */
function decodeLogicalImm(n: number, imms: number, immr: number, sf: number): bigint | undefined {
  const key = (sf << 13) | (n << 12) | (immr << 6) | imms;
  const cached = bitMaskCache.get(key);
  if (cached !== undefined) return cached;
  const combined = (n << 6) | (~imms & 63);
  if (combined === 0) return undefined;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return undefined;
  if (sf === 0 && n !== 0) return undefined;
  const levels = (1 << len) - 1;
  if ((imms & levels) === levels) return undefined;
  const s = imms & levels;
  const r = immr & levels;
  const esize = 1 << len;
  const welem = ror(ones(s + 1), r, esize);
  const width = sf !== 0 ? 64 : 32;
  let v = 0n;
  for (let i = 0; i < width; i += esize) v |= welem << BigInt(i);
  bitMaskCache.set(key, v);
  return v;
}

// ------------------------------------------------------------------ data processing — immediate

function dpImm(c: A64Core, insn: number): void {
  const op = (insn >>> 23) & 7;
  const sf = insn >>> 31;
  const rd = insn & 31;
  const rn = (insn >>> 5) & 31;
  switch (op) {
    case 0:
    case 1: {
      // ADR / ADRP
      const imm = (((insn >>> 5) & 0x7ffff) << 2) | ((insn >>> 29) & 3);
      const simm = BigInt((imm << 11) >> 11);
      if (insn >>> 31) c.setReg(rd, (c.pc & ~0xfffn) + (simm << 12n));
      else c.setReg(rd, c.pc + simm);
      break;
    }
    case 2: {
      // ADD/ADDS/SUB/SUBS (immediate)
      const sub = (insn >>> 30) & 1;
      const s = (insn >>> 29) & 1;
      const sh = (insn >>> 22) & 1;
      const imm = sh ? BIG_SH12[(insn >>> 10) & 0xfff]! : BIG_U15[(insn >>> 10) & 0xfff]!;
      if (sf === 0 && rn !== 31 && (rd !== 31 || s !== 0)) {
        const imm12 = (insn >>> 10) & 0xfff;
        setW(c, rd, addSub32(c, c.x32[2 * rn]!, sh ? imm12 << 12 : imm12, sub, s !== 0));
        break;
      }
      if (sf !== 0 && s !== 0 && sub && rn !== 31) {
        const x32 = c.x32;
        const immN = ((insn >>> 10) & 0xfff) * (sh ? 4096 : 1);
        subs64h(c, rd, x32[2 * rn]!, x32[2 * rn + 1]!, immN, 0);
        break;
      }
      if (sf !== 0 && s === 0) {
        // 64-bit ADD/SUB immediate without flags (incl. SP) on 32-bit halves.
        baseH(c, rn);
        const immN = ((insn >>> 10) & 0xfff) * (sh ? 4096 : 1);
        let lo = sub ? BASE[0]! - immN : BASE[0]! + immN;
        let hi = BASE[1]!;
        if (lo > 0xffffffff) {
          lo -= 4294967296;
          hi = (hi + 1) >>> 0;
        } else if (lo < 0) {
          lo += 4294967296;
          hi = (hi - 1) >>> 0;
        }
        setBaseH(c, rd, hi, lo);
        break;
      }
      const a = rnSp(c, rn);
      const r = sub ? (sf ? sub64(c, a, imm, s !== 0) : addWithCarry(c, sf, a, ~imm & M64, 1, s !== 0)) : addWithCarry(c, sf, a, imm, 0, s !== 0);
      if (s) c.setReg(rd, r);
      else setRdSp(c, rd, r);
      break;
    }
    case 4: {
      // Logical (immediate)
      const opc = (insn >>> 29) & 3;
      const imm = decodeLogicalImm((insn >>> 22) & 1, (insn >>> 10) & 63, (insn >>> 16) & 63, sf);
      if (imm === undefined) c.undef();
      if (sf === 0 && (rd !== 31 || opc === 3)) {
        const iw = Number(imm);
        const aw = c.x32[2 * rn]!;
        const rw = (opc === 0 || opc === 3 ? aw & iw : opc === 1 ? aw | iw : aw ^ iw) >>> 0;
        if (opc === 3) c.nzcv = (((rw >>> 31) << 31) | (rw === 0 ? 1 << 30 : 0)) >>> 0;
        setW(c, rd, rw);
        break;
      }
      const a = c.x[rn]!;
      let r: bigint;
      if (opc === 0 || opc === 3) r = a & imm;
      else if (opc === 1) r = a | imm;
      else r = a ^ imm;
      if (sf === 0) r &= M32;
      if (opc === 3) {
        setLogicFlags(c, sf, r);
        c.setReg(rd, r);
      } else setRdSp(c, rd, r);
      break;
    }
    case 5: {
      // MOVN / MOVZ / MOVK
      const opc = (insn >>> 29) & 3;
      const hw = (insn >>> 21) & 3;
      if (opc === 1 || (sf === 0 && hw >= 2)) c.undef();
      if (sf === 0) {
        const i16 = ((insn >>> 5) & 0xffff) << (hw * 16);
        const cur = c.x32[2 * rd] ?? 0;
        const rw = opc === 0 ? ~i16 >>> 0 : opc === 2 ? i16 >>> 0 : ((cur & ~(0xffff << (hw * 16))) | i16) >>> 0;
        setW(c, rd, rw);
        break;
      }
      if (rd !== 31) {
        const x32 = c.x32;
        const i16 = (insn >>> 5) & 0xffff;
        const word = 2 * rd + (hw >>> 1);
        const shift = (hw & 1) * 16;
        if (opc === 2 || opc === 0) {
          x32[2 * rd] = 0;
          x32[2 * rd + 1] = 0;
          x32[word] = i16 << shift;
          if (opc === 0) {
            x32[2 * rd] = ~x32[2 * rd]! >>> 0;
            x32[2 * rd + 1] = ~x32[2 * rd + 1]! >>> 0;
          }
        } else {
          x32[word] = ((x32[word]! & ~(0xffff << shift)) | (i16 << shift)) >>> 0;
        }
        break;
      }
      const sh = BigInt(hw * 16);
      const imm = BigInt((insn >>> 5) & 0xffff) << sh;
      let r: bigint;
      if (opc === 0) r = ~imm & M64;
      else if (opc === 2) r = imm;
      else r = (c.x[rd]! & ~(0xffffn << sh)) | imm;
      if (sf === 0) r &= M32;
      c.setReg(rd, r);
      break;
    }
    case 6: {
      // SBFM / BFM / UBFM
      const opc = (insn >>> 29) & 3;
      const n = (insn >>> 22) & 1;
      const immr = (insn >>> 16) & 63;
      const imms = (insn >>> 10) & 63;
      const width = sf ? 64 : 32;
      if (opc === 3 || n !== sf || (sf === 0 && (immr >= 32 || imms >= 32))) c.undef();
      if (sf === 0) {
        const sw = c.x32[2 * rn]!;
        const dw = c.x32[2 * rd] ?? 0;
        let rw: number;
        if (imms >= immr) {
          const w = imms - immr + 1;
          const mask = w === 32 ? 0xffffffff : (1 << w) - 1;
          const field = (sw >>> immr) & mask;
          if (opc === 0) rw = w === 32 ? field : (field << (32 - w)) >> (32 - w);
          else if (opc === 2) rw = field;
          else rw = (dw & ~mask) | field;
        } else {
          const w = imms + 1;
          const pos = 32 - immr;
          const mask = (1 << w) - 1;
          const field = sw & mask;
          if (opc === 0) rw = (((field << (32 - w)) >> (32 - w)) << pos);
          else if (opc === 2) rw = field << pos;
          else rw = (dw & ~(mask << pos)) | (field << pos);
        }
        setW(c, rd, rw >>> 0);
        break;
      }
      const src = c.x[rn]!;
      let r: bigint;
      if (imms >= immr) {
        const w = imms - immr + 1;
        const field = (src >> BigInt(immr)) & ones(w);
        if (opc === 0) r = BigInt.asUintN(width, BigInt.asIntN(w, field));
        else if (opc === 2) r = field;
        else r = (c.x[rd]! & ~ones(w)) | field;
      } else {
        const w = imms + 1;
        const pos = BigInt(width - immr);
        const field = src & ones(w);
        if (opc === 0) r = BigInt.asUintN(width, BigInt.asIntN(w, field) << pos);
        else if (opc === 2) r = field << pos;
        else r = (c.x[rd]! & ~(ones(w) << pos)) | (field << pos);
      }
      if (sf === 0) r &= M32;
      c.setReg(rd, r);
      break;
    }
    case 7: {
      // EXTR
      const n = (insn >>> 22) & 1;
      const o0 = (insn >>> 21) & 1;
      const imms = (insn >>> 10) & 63;
      if ((insn >>> 29) & 3 || o0 || n !== sf || (sf === 0 && imms >= 32)) c.undef();
      const width = sf ? 64 : 32;
      const rm = (insn >>> 16) & 31;
      const hi = c.x[rn]!;
      const lo = c.x[rm]!;
      const r = imms === 0 ? lo : BigInt.asUintN(width, (lo >> BigInt(imms)) | (hi << BigInt(width - imms)));
      c.setReg(rd, r);
      break;
    }
    default:
      c.undef();
  }
  c.next();
}

// ------------------------------------------------------------------ branches, exception generation, system

function branchSys(c: A64Core, insn: number): void {
  const top = insn >>> 26;
  // B / BL
  if ((top & 0x1f) === 0x05) {
    if (top & 0x20) c.linkRegister();
    relBranch(c, ((insn << 6) >> 6) * 4);
    return;
  }
  const top7 = insn >>> 25;
  // CBZ / CBNZ
  if ((top7 & 0x3f) === 0x1a) {
    const sf = insn >>> 31;
    const rt = insn & 31;
    const zero = sf ? c.x32[2 * rt] === 0 && c.x32[2 * rt + 1] === 0 : c.x32[2 * rt] === 0;
    const nz = (insn >>> 24) & 1;
    if (zero !== (nz === 1)) relBranch(c, ((insn << 8) >> 13) * 4);
    else c.next();
    return;
  }
  // TBZ / TBNZ
  if ((top7 & 0x3f) === 0x1b) {
    const bit = ((insn >>> 31) << 5) | ((insn >>> 19) & 31);
    const rt = insn & 31;
    const set = (c.x32[2 * rt + (bit >>> 5)]! >>> (bit & 31)) & 1;
    const nz = (insn >>> 24) & 1;
    if ((set === 1) === (nz === 1)) relBranch(c, ((insn << 13) >> 18) * 4);
    else c.next();
    return;
  }
  // B.cond
  if (top7 === 0x2a) {
    if ((insn >>> 4) & 1 || (insn >>> 24) & 1) c.undef();
    if (cond(c, insn & 15)) relBranch(c, ((insn << 8) >> 13) * 4);
    else c.next();
    return;
  }
  if (top7 === 0x6a) {
    const b24 = (insn >>> 24) & 1;
    if (b24 === 0) return exceptionGen(c, insn);
    if (((insn >>> 22) & 3) === 0) return system(c, insn);
    return c.undef();
  }
  if (top7 === 0x6b) return branchReg(c, insn);
  c.undef();
}

function exceptionGen(c: A64Core, insn: number): void {
  const opc = (insn >>> 21) & 7;
  const ll = insn & 3;
  const imm16 = (insn >>> 5) & 0xffff;
  if (((insn >>> 2) & 7) !== 0) c.undef();
  const next = c.pc + 4n;
  if (opc === 0 && ll === 1) {
    // SVC (C6.2.x): to EL1, or EL2 with TGE from EL0.
    c.takeSync(c.syncTarget(), EC.SVC64, imm16, next);
  }
  if (opc === 0 && ll === 2) {
    // HVC: UNDEFINED at EL0, when SCR_EL3.HCE = 0, or from Secure EL1 (D1.x).
    if (c.el === 0 || (c.scr & SCR.HCE) === 0 || (c.el === 1 && !c.el2Enabled())) c.undef();
    c.takeSync(c.el === 3 ? 3 : 2, EC.HVC64, imm16, next);
  }
  if (opc === 0 && ll === 3) {
    // SMC: UNDEFINED at EL0; trapped to EL2 by HCR_EL2.TSC at EL1 (preferred return = the SMC);
    // UNDEFINED when SCR_EL3.SMD = 1.
    if (c.el === 0) c.undef();
    if (c.el === 1 && (c.effHcr() & HCR.TSC) !== 0) c.takeSync(2, EC.SMC64, imm16, c.pc);
    if ((c.scr & SCR.SMD) !== 0) c.undef();
    c.takeSync(3, EC.SMC64, imm16, next);
  }
  if (opc === 1 && ll === 0) {
    // BRK: preferred return is the BRK itself.
    c.takeSync(c.syncTarget(), EC.BRK64, imm16, c.pc);
  }
  c.undef();
}

function system(c: A64Core, insn: number): void {
  // HINT: 1101 0101 0000 0011 0010 CRm op2 11111
  if (((insn & 0xfffff01f) >>> 0) === 0xd503201f) {
    const hint = (insn >>> 5) & 0x7f;
    switch (hint) {
      case 1: // YIELD
        c.yieldNow = true;
        c.attn = true;
        break;
      case 2: // WFE
        wfx(c, true);
        return;
      case 3: // WFI
        wfx(c, false);
        return;
      case 4: // SEV: set every core's event register (a waiting WFE is a yield, so it sees it).
        c.sendEvent();
        break;
      case 5: // SEVL
        c.eventReg = true;
        break;
      default: // NOP and unallocated hints
        break;
    }
    c.next();
    return;
  }
  // Barriers and CLREX: 1101 0101 0000 0011 0011 CRm op2 11111
  if (((insn & 0xfffff01f) >>> 0) === 0xd503301f) {
    const op2 = (insn >>> 5) & 7;
    if (op2 === 2) c.monitor.clear(c.index);
    else if (op2 !== 4 && op2 !== 5 && op2 !== 6) c.undef();
    c.next();
    return;
  }
  // MSR (immediate): 1101 0101 0000 0 op1 0100 CRm op2 11111
  if (((insn & 0xfff8f01f) >>> 0) === 0xd500401f) return execMsrImmediate(c, insn);
  // SYS/SYSL (op0 = 1) and MRS/MSR (op0 = 2, 3)
  if (((insn >>> 19) & 3) !== 0) return execSystemRegister(c, insn);
  c.undef();
}

/** WFI / WFE with the HCR_EL2.TWI/TWE and SCR_EL3.TWI/TWE traps (D1.16.x). */
function wfx(c: A64Core, isWfe: boolean): void {
  const hcr = c.effHcr();
  const iss = (0xe << 20) | (1 << 24) | (isWfe ? 1 : 0);
  if (c.el === 0 && (c.sr[R.SCTLR_EL1]! & (isWfe ? 1n << 18n : 1n << 16n)) === 0n && (hcr & HCR.TGE) === 0) {
    c.takeSync(1, EC.WFX, iss, c.pc);
  }
  if (c.el <= 1 && (hcr & (isWfe ? HCR.TWE : HCR.TWI)) !== 0) c.takeSync(2, EC.WFX, iss, c.pc);
  if (c.el <= 2 && (c.scr & (isWfe ? SCR.TWE : SCR.TWI)) !== 0) c.takeSync(3, EC.WFX, iss, c.pc);
  c.next();
  if (isWfe) {
    if (c.eventReg) c.eventReg = false;
    else {
      c.yieldNow = true;
      c.attn = true;
    }
    return;
  }
  if (!c.wakeCondition()) {
    c.halted = true;
    c.attn = true;
  }
}

function branchReg(c: A64Core, insn: number): void {
  const opc = (insn >>> 21) & 15;
  const op2 = (insn >>> 16) & 31;
  const op3 = (insn >>> 10) & 63;
  const rn = (insn >>> 5) & 31;
  const op4 = insn & 31;
  if (op2 !== 31 || op3 !== 0) c.undef();
  switch (opc) {
    case 0: // BR
    case 2: // RET
      if (op4 !== 0) c.undef();
      c.branch(c.x[rn]!);
      return;
    case 1: {
      // BLR
      if (op4 !== 0) c.undef();
      const t = c.x[rn]!;
      c.linkRegister();
      c.branch(t);
      return;
    }
    case 4:
      // ERET: UNDEFINED at EL0 (C6.2.x).
      if (rn !== 31 || op4 !== 0 || c.el === 0) c.undef();
      c.eret();
      return;
    default:
      c.undef();
  }
}

// ------------------------------------------------------------------ data processing — register

function dpReg(c: A64Core, insn: number): void {
  const sf = insn >>> 31;
  const rd = insn & 31;
  const rn = (insn >>> 5) & 31;
  const rm = (insn >>> 16) & 31;
  const op1 = (insn >>> 28) & 1;
  const op2 = (insn >>> 21) & 15;
  if (op1 === 0) {
    if ((op2 & 8) === 0) {
      // Logical (shifted register)
      const opc = (insn >>> 29) & 3;
      const shift = (insn >>> 22) & 3;
      const n = (insn >>> 21) & 1;
      const imm6 = (insn >>> 10) & 63;
      if (sf === 0 && imm6 >= 32) c.undef();
      if (sf === 0) {
        let bw = shift32(c.x32[2 * rm]!, shift, imm6);
        if (n) bw = ~bw >>> 0;
        const aw = c.x32[2 * rn]!;
        const rw = (opc === 0 || opc === 3 ? aw & bw : opc === 1 ? aw | bw : aw ^ bw) >>> 0;
        if (opc === 3) c.nzcv = (((rw >>> 31) << 31) | (rw === 0 ? 1 << 30 : 0)) >>> 0;
        setW(c, rd, rw);
        c.next();
        return;
      }
      if (imm6 === 0 || (shift !== 3 && imm6 < 32)) {
        const x32 = c.x32;
        const ml = x32[2 * rm]!;
        const mh = x32[2 * rm + 1]!;
        let bl: number;
        let bh: number;
        if (imm6 === 0) {
          bl = ml;
          bh = mh;
        } else if (shift === 0) {
          bl = (ml << imm6) >>> 0;
          bh = ((mh << imm6) | (ml >>> (32 - imm6))) >>> 0;
        } else if (shift === 1) {
          bl = ((ml >>> imm6) | (mh << (32 - imm6))) >>> 0;
          bh = mh >>> imm6;
        } else {
          bl = ((ml >>> imm6) | (mh << (32 - imm6))) >>> 0;
          bh = (mh >> imm6) >>> 0;
        }
        if (n) {
          bl = ~bl >>> 0;
          bh = ~bh >>> 0;
        }
        const al = x32[2 * rn]!;
        const ah = x32[2 * rn + 1]!;
        let rl: number;
        let rh: number;
        if (opc === 0 || opc === 3) {
          rl = (al & bl) >>> 0;
          rh = (ah & bh) >>> 0;
        } else if (opc === 1) {
          rl = (al | bl) >>> 0;
          rh = (ah | bh) >>> 0;
        } else {
          rl = (al ^ bl) >>> 0;
          rh = (ah ^ bh) >>> 0;
        }
        if (opc === 3) c.nzcv = (((rh >>> 31) << 31) | (rl === 0 && rh === 0 ? 1 << 30 : 0)) >>> 0;
        if (rd !== 31) {
          x32[2 * rd] = rl;
          x32[2 * rd + 1] = rh;
        }
        c.next();
        return;
      }
      let b = shiftReg(c.x[rm]!, shift, imm6, sf);
      if (n) b = ~b & (sf ? M64 : M32);
      const a = sf ? c.x[rn]! : c.x[rn]! & M32;
      let r: bigint;
      if (opc === 0 || opc === 3) r = a & b;
      else if (opc === 1) r = a | b;
      else r = a ^ b;
      if (opc === 3) setLogicFlags(c, sf, r);
      c.setReg(rd, r);
    } else if ((op2 & 1) === 0) {
      // Add/subtract (shifted register)
      const sub = (insn >>> 30) & 1;
      const s = (insn >>> 29) & 1;
      const shift = (insn >>> 22) & 3;
      const imm6 = (insn >>> 10) & 63;
      if (shift === 3 || (sf === 0 && imm6 >= 32)) c.undef();
      if (sf === 0) {
        setW(c, rd, addSub32(c, c.x32[2 * rn]!, shift32(c.x32[2 * rm]!, shift, imm6), sub, s !== 0));
        c.next();
        return;
      }
      if (s === 0 && shift === 0 && imm6 < 32) {
        // 64-bit ADD/SUB (shifted register, LSL < 32) without flags on 32-bit halves.
        if (rd !== 31) {
          const x32 = c.x32;
          const ml = x32[2 * rm]!;
          const mh = x32[2 * rm + 1]!;
          const bl = imm6 === 0 ? ml : (ml << imm6) >>> 0;
          const bh = imm6 === 0 ? mh : ((mh << imm6) | (ml >>> (32 - imm6))) >>> 0;
          const al = x32[2 * rn]!;
          const ah = x32[2 * rn + 1]!;
          let lo: number;
          let hi: number;
          if (sub) {
            lo = al - bl;
            hi = ah - bh;
            if (lo < 0) {
              lo += 4294967296;
              hi -= 1;
            }
          } else {
            lo = al + bl;
            hi = ah + bh;
            if (lo > 0xffffffff) {
              lo -= 4294967296;
              hi += 1;
            }
          }
          x32[2 * rd] = lo;
          x32[2 * rd + 1] = hi >>> 0;
        }
        c.next();
        return;
      }
      if (sub && shift === 0 && imm6 === 0) {
        // SUBS/CMP (64-bit, unshifted register) on halves.
        const x32 = c.x32;
        subs64h(c, rd, x32[2 * rn]!, x32[2 * rn + 1]!, x32[2 * rm]!, x32[2 * rm + 1]!);
        c.next();
        return;
      }
      const b = shiftReg(c.x[rm]!, shift, imm6, sf);
      const a = c.x[rn]!;
      const r = sub ? sub64(c, a, b, s !== 0) : addWithCarry(c, sf, a, b, 0, s !== 0);
      c.setReg(rd, r);
    } else {
      // Add/subtract (extended register)
      const sub = (insn >>> 30) & 1;
      const s = (insn >>> 29) & 1;
      const opt = (insn >>> 22) & 3;
      const option = (insn >>> 13) & 7;
      const imm3 = (insn >>> 10) & 7;
      if (opt !== 0 || imm3 > 4) c.undef();
      const b = extendReg(c.x[rm]!, option, imm3);
      const a = rnSp(c, rn);
      const r = sub ? addWithCarry(c, sf, a, ~b & M64, 1, s !== 0) : addWithCarry(c, sf, a, b, 0, s !== 0);
      if (s) c.setReg(rd, r);
      else setRdSp(c, rd, r);
    }
    c.next();
    return;
  }
  switch (op2) {
    case 0: {
      // ADC/ADCS/SBC/SBCS
      if (((insn >>> 10) & 63) !== 0) c.undef();
      const sub = (insn >>> 30) & 1;
      const s = (insn >>> 29) & 1;
      const carry = (c.nzcv >>> 29) & 1;
      const b = sub ? ~c.x[rm]! & M64 : c.x[rm]!;
      c.setReg(rd, addWithCarry(c, sf, c.x[rn]!, b, carry, s !== 0));
      break;
    }
    case 2: {
      // CCMN/CCMP (register or immediate)
      if (((insn >>> 29) & 1) === 0 || (insn >>> 10) & 1 || (insn >>> 4) & 1) c.undef();
      const sub = (insn >>> 30) & 1;
      const isImm = (insn >>> 11) & 1;
      if (cond(c, (insn >>> 12) & 15)) {
        const b = isImm ? BigInt(rm) : c.x[rm]!;
        if (sub) addWithCarry(c, sf, c.x[rn]!, ~b & M64, 1, true);
        else addWithCarry(c, sf, c.x[rn]!, b, 0, true);
      } else c.nzcv = ((insn & 15) << 28) >>> 0;
      break;
    }
    case 4: {
      // CSEL/CSINC/CSINV/CSNEG
      if ((insn >>> 29) & 1 || (insn >>> 11) & 1) c.undef();
      const o = ((insn >>> 29) & 2) | ((insn >>> 10) & 1);
      if (o <= 1 && rd !== 31) {
        // CSEL/CSINC (incl. CSET/CINC) on halves.
        const x32 = c.x32;
        if (cond(c, (insn >>> 12) & 15)) {
          x32[2 * rd] = x32[2 * rn]!;
          x32[2 * rd + 1] = sf ? x32[2 * rn + 1]! : 0;
        } else {
          let lo = x32[2 * rm]!;
          let hi = sf ? x32[2 * rm + 1]! : 0;
          if (o === 1) {
            lo += 1;
            if (lo > 0xffffffff) {
              lo = 0;
              hi = sf ? (hi + 1) >>> 0 : 0;
            }
          }
          x32[2 * rd] = lo;
          x32[2 * rd + 1] = hi;
        }
        break;
      }
      let r: bigint;
      if (cond(c, (insn >>> 12) & 15)) r = c.x[rn]!;
      else {
        const m = c.x[rm]!;
        if (o === 0) r = m;
        else if (o === 1) r = m + 1n;
        else if (o === 2) r = ~m;
        else r = -m;
        r &= M64;
      }
      if (sf === 0) r &= M32;
      c.setReg(rd, r);
      break;
    }
    case 6:
      if ((insn >>> 30) & 1) dp1(c, insn, sf, rd, rn);
      else dp2(c, insn, sf, rd, rn, rm);
      break;
    default:
      if (op2 & 8) dp3(c, insn, sf, rd, rn, rm);
      else c.undef();
  }
  c.next();
}

function dp1(c: A64Core, insn: number, sf: number, rd: number, rn: number): void {
  const opcode = (insn >>> 10) & 63;
  if (((insn >>> 16) & 31) !== 0 || (insn >>> 29) & 1) c.undef();
  const width = sf ? 64 : 32;
  const v = sf ? c.x[rn]! : c.x[rn]! & M32;
  let r: bigint;
  switch (opcode) {
    case 0: {
      // RBIT
      r = 0n;
      let t = v;
      for (let i = 0; i < width; i++) {
        r = (r << 1n) | (t & 1n);
        t >>= 1n;
      }
      break;
    }
    case 1: // REV16
      r = revBytes(v, width, 2);
      break;
    case 2: // REV32 (sf=1) / REV (sf=0)
      r = revBytes(v, width, 4);
      break;
    case 3:
      if (!sf) c.undef();
      r = revBytes(v, 64, 8);
      break;
    case 4: // CLZ
      r = BigInt(clz(v, width));
      break;
    case 5: {
      // CLS: leading sign bits excluding the top one.
      const top = (v >> BigInt(width - 1)) & 1n;
      const x = top ? ~v & ones(width) : v;
      r = BigInt(clz(x, width) - 1);
      break;
    }
    default:
      c.undef();
  }
  c.setReg(rd, r);
}

function clz(v: bigint, width: number): number {
  if (v === 0n) return width;
  const hi = Number(v >> 32n);
  if (width === 64 && hi !== 0) return Math.clz32(hi);
  const lo = Number(v & M32);
  return (width === 64 ? 32 : 0) + Math.clz32(lo);
}

/** Reverse bytes inside each container of `cbytes` bytes. */
function revBytes(v: bigint, width: number, cbytes: number): bigint {
  let r = 0n;
  const nbytes = width / 8;
  for (let i = 0; i < nbytes; i++) {
    const b = (v >> BigInt(i * 8)) & 0xffn;
    const container = Math.floor(i / cbytes);
    const within = i % cbytes;
    const dst = container * cbytes + (cbytes - 1 - within);
    r |= b << BigInt(dst * 8);
  }
  return r;
}

function dp2(c: A64Core, insn: number, sf: number, rd: number, rn: number, rm: number): void {
  const opcode = (insn >>> 10) & 63;
  if ((insn >>> 29) & 1) c.undef();
  const width = sf ? 64 : 32;
  const a = sf ? c.x[rn]! : c.x[rn]! & M32;
  const b = sf ? c.x[rm]! : c.x[rm]! & M32;
  let r: bigint;
  switch (opcode) {
    case 2: // UDIV (division by zero gives 0, C6.2.x)
      r = b === 0n ? 0n : a / b;
      break;
    case 3: {
      // SDIV
      const sa = BigInt.asIntN(width, a);
      const sb = BigInt.asIntN(width, b);
      r = sb === 0n ? 0n : BigInt.asUintN(width, sa / sb);
      break;
    }
    case 8:
      r = BigInt.asUintN(width, a << (b % BigInt(width)));
      break;
    case 9:
      r = a >> (b % BigInt(width));
      break;
    case 10:
      r = BigInt.asUintN(width, BigInt.asIntN(width, a) >> (b % BigInt(width)));
      break;
    case 11:
      r = ror(a, Number(b % BigInt(width)), width);
      break;
    default: {
      // CRC32B/H/W/X and CRC32CB/H/W/X (ID_AA64ISAR0.CRC32 = 1): opcode 010 C sz; only
      // the X forms use sf = 1 (C6.2.x).
      if ((opcode & 0x38) !== 0x10) c.undef();
      const sz = opcode & 3;
      if ((sz === 3) !== (sf === 1)) c.undef();
      const table = opcode & 4 ? CRC32C_TABLE : CRC32_TABLE;
      let crc = Number(c.x[rn]! & M32);
      const data = c.x[rm]!;
      const n = 1 << sz;
      const lo = Number(data & M32);
      const hi = Number(data >> 32n);
      for (let i = 0; i < n; i++) {
        const byte = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
        crc = (crc >>> 8) ^ table[(crc ^ byte) & 0xff]!;
      }
      c.setReg(rd, BigInt(crc >>> 0));
      return;
    }
  }
  c.setReg(rd, r);
}

function crcTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let v = i;
    for (let k = 0; k < 8; k++) v = v & 1 ? (v >>> 1) ^ poly : v >>> 1;
    t[i] = v >>> 0;
  }
  return t;
}

/** Reflected polynomials: CRC-32 0x04C11DB7 and CRC-32C 0x1EDC6F41. */
const CRC32_TABLE = crcTable(0xedb88320);
const CRC32C_TABLE = crcTable(0x82f63b78);

function dp3(c: A64Core, insn: number, sf: number, rd: number, rn: number, rm: number): void {
  const op54 = (insn >>> 29) & 3;
  const op31 = (insn >>> 21) & 7;
  const o0 = (insn >>> 15) & 1;
  const ra = (insn >>> 10) & 31;
  if (op54 !== 0) c.undef();
  if (op31 === 0 && sf === 0) {
    // MADD/MSUB (32-bit) on numbers: Math.imul gives the low 32 bits of the product.
    const x32 = c.x32;
    const p = Math.imul(x32[2 * rn]!, x32[2 * rm]!);
    setW(c, rd, (o0 ? x32[2 * ra]! - p : x32[2 * ra]! + p) >>> 0);
    return;
  }
  const a = c.x[ra]!;
  let r: bigint;
  switch (op31) {
    case 0: {
      const width = sf ? 64 : 32;
      const p = c.x[rn]! * c.x[rm]!;
      r = BigInt.asUintN(width, o0 ? a - p : a + p);
      break;
    }
    case 1: {
      if (!sf) c.undef();
      const p = BigInt.asIntN(32, c.x[rn]!) * BigInt.asIntN(32, c.x[rm]!);
      r = ((o0 ? a - p : a + p) & M64);
      break;
    }
    case 5: {
      if (!sf) c.undef();
      const p = (c.x[rn]! & M32) * (c.x[rm]! & M32);
      r = ((o0 ? a - p : a + p) & M64);
      break;
    }
    case 2:
      if (!sf || o0) c.undef();
      r = (((BigInt.asIntN(64, c.x[rn]!) * BigInt.asIntN(64, c.x[rm]!)) >> 64n) & M64);
      break;
    case 6:
      if (!sf || o0) c.undef();
      r = (c.x[rn]! * c.x[rm]!) >> 64n;
      break;
    default:
      c.undef();
  }
  c.setReg(rd, r);
}

// ------------------------------------------------------------------ loads and stores

/** Load `size` bytes (1, 2, 4, 8) zero-extended. */
function load(c: A64Core, va: bigint, size: number, mmu: number): bigint {
  switch (size) {
    case 1:
      return BigInt(c.read8(va, mmu));
    case 2:
      return BigInt(c.read16(va, mmu));
    case 4:
      return BigInt(c.read32(va, mmu) >>> 0);
    default:
      return c.read64(va, mmu);
  }
}

/**
 * Load into Xt (zero-extended, or sign-extended from `size` bytes to 32 or 64 bits) through
 * the register file's 32-bit alias, avoiding BigInt(number).
 */
function loadInto(c: A64Core, rt: number, va: bigint, size: number, signedTo: 0 | 32 | 64, mmu: number): void {
  if (size === 8) {
    const v = c.read64(va, mmu);
    if (rt !== 31) c.x[rt] = v;
    return;
  }
  let v = size === 4 ? c.read32(va, mmu) : size === 2 ? c.read16(va, mmu) : c.read8(va, mmu);
  if (rt === 31) return;
  const x32 = c.x32;
  if (signedTo === 0) {
    x32[2 * rt] = v;
    x32[2 * rt + 1] = 0;
    return;
  }
  const sh = 32 - size * 8;
  v = (v << sh) >> sh;
  x32[2 * rt] = v;
  x32[2 * rt + 1] = signedTo === 64 && v < 0 ? 0xffffffff : 0;
}

/** Store the low `size` bytes of Xt. */
function storeFrom(c: A64Core, rt: number, va: bigint, size: number, mmu: number): void {
  if (size === 8) c.write64(va, c.x[rt]!, mmu);
  else {
    const v = c.x32[2 * rt]!;
    if (size === 4) c.write32(va, v, mmu);
    else if (size === 2) c.write16(va, v & 0xffff, mmu);
    else c.write8(va, v & 0xff, mmu);
  }
}

function store(c: A64Core, va: bigint, size: number, v: bigint, mmu: number): void {
  switch (size) {
    case 1:
      c.write8(va, Number(v & 0xffn), mmu);
      return;
    case 2:
      c.write16(va, Number(v & 0xffffn), mmu);
      return;
    case 4:
      c.write32(va, Number(v & M32), mmu);
      return;
    default:
      c.write64(va, v, mmu);
  }
}

/** SP alignment check for SP-based addressing (SCTLR_ELx.SA / SA0, D1.8.2). */
export function checkSpAlign(c: A64Core, rn: number): void {
  if (rn !== 31) return;
  const sp = c.getSP();
  if ((sp & 15n) === 0n) return;
  const sctlr = c.el === 0 || c.el === 1 ? c.sr[R.SCTLR_EL1]! : c.sr[c.el === 2 ? R.SCTLR_EL2 : R.SCTLR_EL3]!;
  const bit = c.el === 0 ? 4n : 3n;
  if ((sctlr >> bit) & 1n) c.takeSync(c.syncTarget(), EC.SP_ALIGN, 0, c.pc);
}

/** Data-abort syndrome for single-register accesses (ISV=1, SAS, SSE, SRT, SF, AR). */
function iss(size: number, signed: boolean, rt: number, sf64: boolean, ar: boolean): number {
  const sas = size === 1 ? 0 : size === 2 ? 1 : size === 4 ? 2 : 3;
  return (1 << 24) | (sas << 22) | (signed ? 1 << 21 : 0) | (rt << 16) | (sf64 ? 1 << 15 : 0) | (ar ? 1 << 14 : 0);
}

/** Virtual address from 32-bit halves (slow paths only). */
function vaOf(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Load from the address given as 32-bit halves into Xt: the fast path reads RAM through the
 * TLB without creating any BigInt; misses, MMIO and unaligned accesses take the BigInt path.
 */
function loadH(c: A64Core, rt: number, hi: number, lo: number, size: number, signedTo: 0 | 32 | 64, mmu: number): void {
  const vpn = hi * 1048576 + (lo >>> 12);
  const slot = (mmu << 8) | (vpn & 255);
  const po = lo & 0xfff;
  if (c.tlbTag[slot] === vpn && (po & (size - 1)) === 0) {
    const ram = c.tlbRam[slot];
    if (ram !== null) {
      if (rt === 31) return;
      const off = c.tlbOff[slot]! + po;
      const x32 = c.x32;
      if (size === 8) {
        const i = off >>> 2;
        x32[2 * rt] = ram.u32[i]!;
        x32[2 * rt + 1] = ram.u32[i + 1]!;
        return;
      }
      let v = size === 4 ? ram.u32[off >>> 2]! : size === 2 ? ram.u16[off >>> 1]! : ram.u8[off]!;
      if (signedTo === 0) {
        x32[2 * rt] = v;
        x32[2 * rt + 1] = 0;
        return;
      }
      const sh = 32 - size * 8;
      v = (v << sh) >> sh;
      x32[2 * rt] = v;
      x32[2 * rt + 1] = signedTo === 64 && v < 0 ? 0xffffffff : 0;
      return;
    }
  }
  loadInto(c, rt, vaOf(hi, lo), size, signedTo, mmu);
}

/** Store the low `size` bytes of Xt at an address given as 32-bit halves (see {@link loadH}). */
function storeH(c: A64Core, rt: number, hi: number, lo: number, size: number, mmu: number): void {
  const vpn = hi * 1048576 + (lo >>> 12);
  const slot = (mmu << 8) | (vpn & 255);
  const po = lo & 0xfff;
  if (c.tlbTag[1024 + slot] === vpn && (po & (size - 1)) === 0) {
    const ram = c.tlbRam[slot];
    if (ram !== null) {
      const off = c.tlbOff[slot]! + po;
      const x32 = c.x32;
      if (size === 8) {
        const i = off >>> 2;
        ram.u32[i] = x32[2 * rt]!;
        ram.u32[i + 1] = x32[2 * rt + 1]!;
      } else if (size === 4) ram.u32[off >>> 2] = x32[2 * rt]!;
      else if (size === 2) ram.u16[off >>> 1] = x32[2 * rt]! & 0xffff;
      else ram.u8[off] = x32[2 * rt]! & 0xff;
      if (ram.codePages[off >>> 12] !== 0) ram.noteWrite(off, size);
      if (c.monitor.active !== 0) c.monitor.store(c.index, ram.base + off);
      return;
    }
  }
  storeFrom(c, rt, vaOf(hi, lo), size, mmu);
}

/** Base register (Rn, 31 = SP) as 32-bit halves into BASE[0] (lo) and BASE[1] (hi). */
const BASE = new Float64Array(2);
function baseH(c: A64Core, rn: number): void {
  if (rn === 31) {
    const i = c.spsel !== 0 ? c.el : 0;
    BASE[0] = c.sp32[2 * i]!;
    BASE[1] = c.sp32[2 * i + 1]!;
  } else {
    BASE[0] = c.x32[2 * rn]!;
    BASE[1] = c.x32[2 * rn + 1]!;
  }
}

/** Write back a base register from halves. */
function setBaseH(c: A64Core, rn: number, hi: number, lo: number): void {
  if (rn === 31) {
    const i = c.spsel !== 0 ? c.el : 0;
    c.sp32[2 * i] = lo;
    c.sp32[2 * i + 1] = hi;
  } else {
    c.x32[2 * rn] = lo;
    c.x32[2 * rn + 1] = hi;
  }
}

function loadStore(c: A64Core, insn: number): void {
  const op0 = insn >>> 28;
  if ((insn >>> 26) & 1) return fpsimdLoadStore(c, insn);
  if ((op0 & 3) === 0) return exclusive(c, insn);
  if ((op0 & 3) === 1) {
    // Load register (literal)
    if ((insn >>> 24) & 1) c.undef();
    const opc = insn >>> 30;
    const rt = insn & 31;
    const va = ((c.pc + BigInt(((insn << 8) >> 13) * 4)) & M64);
    c.curISS = 0;
    if (opc === 0) c.setReg(rt, load(c, va, 4, c.mmu));
    else if (opc === 1) c.setReg(rt, load(c, va, 8, c.mmu));
    else if (opc === 2) c.setReg(rt, ((BigInt.asIntN(32, load(c, va, 4, c.mmu))) & M64));
    // opc 3: PRFM (literal) is a hint.
    c.next();
    return;
  }
  if ((op0 & 3) === 2) return pair(c, insn);
  // Load/store register: unscaled, post, unprivileged, pre, register offset, unsigned offset.
  const size = insn >>> 30;
  const opc = (insn >>> 22) & 3;
  const rt = insn & 31;
  const rn = (insn >>> 5) & 31;
  const bytes = 1 << size;
  if ((insn >>> 24) & 1 && (opc < 2 || (size < 2 || (size === 2 && opc === 2)))) {
    // Unsigned offset, the common case: address arithmetic on 32-bit halves.
    if (rn === 31) checkSpAlign(c, rn);
    baseH(c, rn);
    let lo = BASE[0]! + (((insn >>> 10) & 0xfff) << size);
    let hi = BASE[1]!;
    if (lo > 0xffffffff) {
      lo -= 4294967296;
      hi = (hi + 1) >>> 0;
    }
    if (opc === 0) {
      c.curISS = iss(bytes, false, rt, size === 3, false);
      storeH(c, rt, hi, lo, bytes, c.mmu);
    } else if (opc === 1) {
      c.curISS = iss(bytes, false, rt, size === 3, false);
      loadH(c, rt, hi, lo, bytes, 0, c.mmu);
    } else {
      c.curISS = iss(bytes, true, rt, opc === 2, false);
      loadH(c, rt, hi, lo, bytes, opc === 3 ? 32 : 64, c.mmu);
    }
    c.next();
    return;
  }
  let va: bigint;
  let wb = 0; // 0 none, 1 post, 2 pre
  let mmu = c.mmu;
  let off: bigint;
  if ((insn >>> 24) & 1) {
    off = BIG_U15[((insn >>> 10) & 0xfff) << size]!;
    va = ((rnSp(c, rn) + off) & M64);
  } else if ((insn >>> 21) & 1) {
    if (((insn >>> 10) & 3) !== 2) c.undef(); // atomics (LSE) not implemented
    const option = (insn >>> 13) & 7;
    if ((option & 2) === 0) c.undef();
    const s = (insn >>> 12) & 1;
    const rm = (insn >>> 16) & 31;
    if (opc < 2 || size < 2 || (size === 2 && opc === 2)) {
      // Register offset on 32-bit halves: the index as a double is exact below 2^52.
      const ml = c.x32[2 * rm]!;
      const mh = c.x32[2 * rm + 1]!;
      let idx: number;
      if (option === 2) idx = ml;
      else if (option === 6) idx = ml | 0;
      else if (mh === 0) idx = ml;
      else if (mh === 0xffffffff) idx = ml - 4294967296;
      else idx = NaN;
      if (idx === idx) {
        if (rn === 31) checkSpAlign(c, rn);
        baseH(c, rn);
        const total = BASE[0]! + idx * (s ? bytes : 1);
        const carry = Math.floor(total / 4294967296);
        const lo = total - carry * 4294967296;
        const hi = (BASE[1]! + carry) >>> 0;
        if (opc === 0) {
          c.curISS = iss(bytes, false, rt, size === 3, false);
          storeH(c, rt, hi, lo, bytes, c.mmu);
        } else if (opc === 1) {
          c.curISS = iss(bytes, false, rt, size === 3, false);
          loadH(c, rt, hi, lo, bytes, 0, c.mmu);
        } else {
          c.curISS = iss(bytes, true, rt, opc === 2, false);
          loadH(c, rt, hi, lo, bytes, opc === 3 ? 32 : 64, c.mmu);
        }
        c.next();
        return;
      }
    }
    va = ((rnSp(c, rn) + extendReg(c.x[rm]!, option, s ? size : 0)) & M64);
  } else if (((insn >>> 10) & 3) !== 2 && (opc < 2 || size < 2 || (size === 2 && opc === 2)) && (opc === 0 || rt !== rn || ((insn >>> 10) & 3) === 0)) {
    // Unscaled (LDUR/STUR), post-index and pre-index on 32-bit halves.
    const kind = (insn >>> 10) & 3;
    const imm9 = (((insn >>> 12) & 0x1ff) << 23) >> 23;
    if (rn === 31) checkSpAlign(c, rn);
    baseH(c, rn);
    let nlo = BASE[0]! + imm9;
    let nhi = BASE[1]!;
    if (nlo > 0xffffffff) {
      nlo -= 4294967296;
      nhi = (nhi + 1) >>> 0;
    } else if (nlo < 0) {
      nlo += 4294967296;
      nhi = (nhi - 1) >>> 0;
    }
    const lo = kind === 1 ? BASE[0]! : nlo;
    const hi = kind === 1 ? BASE[1]! : nhi;
    const mmu = c.mmu;
    if (opc === 0) {
      c.curISS = kind === 0 ? iss(bytes, false, rt, size === 3, false) : 0;
      storeH(c, rt, hi, lo, bytes, mmu);
      if (kind !== 0) setBaseH(c, rn, nhi, nlo);
    } else {
      const signedTo = opc === 1 ? 0 : opc === 3 ? 32 : 64;
      c.curISS = kind === 0 ? iss(bytes, opc !== 1, rt, opc === 1 ? size === 3 : opc === 2, false) : 0;
      loadH(c, rt, hi, lo, bytes, signedTo, mmu);
      if (kind !== 0) setBaseH(c, rn, nhi, nlo);
    }
    c.next();
    return;
  } else {
    const imm9 = BIG_S9[(insn >>> 12) & 0x1ff]!;
    const kind = (insn >>> 10) & 3;
    const base = rnSp(c, rn);
    if (kind === 0) va = ((base + imm9) & M64);
    else if (kind === 1) {
      va = base;
      wb = 1;
    } else if (kind === 2) {
      va = ((base + imm9) & M64);
      // LDTR/STTR: EL0 permissions when executed at EL1 (C6.2.x).
      if (c.el === 1) mmu = 0;
    } else {
      va = ((base + imm9) & M64);
      wb = 2;
    }
    if (wb !== 0) off = imm9;
    else off = 0n;
  }
  if (rn === 31) checkSpAlign(c, rn);
  const sfReg = (x: bigint): bigint => x;
  void sfReg;
  if (opc === 0) {
    // STR*
    c.curISS = wb === 0 ? iss(bytes, false, rt, size === 3, false) : 0;
    storeFrom(c, rt, va, bytes, mmu);
  } else if (opc === 1) {
    c.curISS = wb === 0 ? iss(bytes, false, rt, size === 3, false) : 0;
    if (wb !== 0) {
      const val = load(c, va, bytes, mmu);
      writeback(c, rn, wb, va, off!);
      c.setReg(rt, val);
    } else loadInto(c, rt, va, bytes, 0, mmu);
    c.next();
    return;
  } else {
    if (size === 3) {
      if (opc === 2) {
        // PRFM: a hint, no access.
        c.next();
        return;
      }
      c.undef();
    }
    if (size === 2 && opc === 3) c.undef();
    const to32 = opc === 3;
    c.curISS = wb === 0 ? iss(bytes, true, rt, !to32, false) : 0;
    if (wb !== 0) {
      const raw = load(c, va, bytes, mmu);
      const sx = BigInt.asIntN(bytes * 8, raw);
      const val = to32 ? BigInt.asUintN(32, sx) : ((sx) & M64);
      writeback(c, rn, wb, va, off!);
      c.setReg(rt, val);
    } else loadInto(c, rt, va, bytes, to32 ? 32 : 64, mmu);
    c.next();
    return;
  }
  if (wb !== 0) writeback(c, rn, wb, va, off!);
  c.next();
}

function writeback(c: A64Core, rn: number, wb: number, va: bigint, off: bigint): void {
  const nv = wb === 1 ? ((va + off) & M64) : va;
  setRdSp(c, rn, nv);
}

function pair(c: A64Core, insn: number): void {
  const opc = insn >>> 30;
  const mode = (insn >>> 23) & 3;
  const l = (insn >>> 22) & 1;
  const rt = insn & 31;
  const rn = (insn >>> 5) & 31;
  const rt2 = (insn >>> 10) & 31;
  if (opc === 3 || (opc === 1 && l === 0) || (opc === 1 && mode === 0)) c.undef();
  const size = opc === 2 ? 8 : 4;
  const scale = opc === 2 ? 3 : 2;
  if (opc !== 1) {
    // 32/64-bit pairs on 32-bit halves; the second access is checked before the first is
    // done only when the pair crosses a page (a fault must leave memory unchanged).
    if (rn === 31) checkSpAlign(c, rn);
    baseH(c, rn);
    const immN = (((insn >>> 15) & 0x7f) << 25) >> 25 << scale;
    let nlo = BASE[0]! + immN;
    let nhi = BASE[1]!;
    if (nlo > 0xffffffff) {
      nlo -= 4294967296;
      nhi = (nhi + 1) >>> 0;
    } else if (nlo < 0) {
      nlo += 4294967296;
      nhi = (nhi - 1) >>> 0;
    }
    let lo = mode === 1 ? BASE[0]! : nlo;
    let hi = mode === 1 ? BASE[1]! : nhi;
    let lo2 = lo + size;
    let hi2 = hi;
    if (lo2 > 0xffffffff) {
      lo2 -= 4294967296;
      hi2 = (hi2 + 1) >>> 0;
    }
    c.curISS = 0;
    const mmu = c.mmu;
    if ((lo & 0xfff) + 2 * size > 4096) {
      c.translateData(vaOf(hi, lo), l === 0, mmu);
      c.translateData(vaOf(hi2, lo2), l === 0, mmu);
    }
    if (l) {
      // Load into scratch registers first so Rt = Rn or a fault keeps the old values.
      const x32 = c.x32;
      const a0 = x32[2 * rt]!;
      const a1 = x32[2 * rt + 1]!;
      loadH(c, rt, hi, lo, size, 0, mmu);
      try {
        loadH(c, rt2, hi2, lo2, size, 0, mmu);
      } catch (e) {
        x32[2 * rt] = a0;
        x32[2 * rt + 1] = a1;
        throw e;
      }
      if (mode === 1 || mode === 3) {
        if (rn !== rt && rn !== rt2) setBaseH(c, rn, nhi, nlo);
      }
    } else {
      storeH(c, rt, hi, lo, size, mmu);
      storeH(c, rt2, hi2, lo2, size, mmu);
      if (mode === 1 || mode === 3) setBaseH(c, rn, nhi, nlo);
    }
    c.next();
    return;
  }
  const imm = BigInt(((((insn >>> 15) & 0x7f) << 25) >> 25) << scale);
  const base = rnSp(c, rn);
  if (rn === 31) checkSpAlign(c, rn);
  const va = mode === 1 ? base : ((base + imm) & M64);
  const va2 = ((va + BigInt(size)) & M64);
  c.curISS = 0;
  const mmu = c.mmu;
  if (l) {
    let a = load(c, va, size, mmu);
    let b = load(c, va2, size, mmu);
    if (opc === 1) {
      a = ((BigInt.asIntN(32, a)) & M64);
      b = ((BigInt.asIntN(32, b)) & M64);
    }
    if (mode === 1) setRdSp(c, rn, ((base + imm) & M64));
    else if (mode === 3) setRdSp(c, rn, va);
    c.setReg(rt, a);
    c.setReg(rt2, b);
  } else {
    const a = c.x[rt]!;
    const b = c.x[rt2]!;
    // Check both halves before writing either, so a fault leaves memory unchanged.
    if (Number(va & 0xfffn) + 2 * size > 4096) {
      c.translateData(va, true, mmu);
      c.translateData(va2, true, mmu);
    }
    store(c, va, size, a, mmu);
    store(c, va2, size, b, mmu);
    if (mode === 1) setRdSp(c, rn, ((base + imm) & M64));
    else if (mode === 3) setRdSp(c, rn, va);
  }
  c.next();
}

/** Load/store exclusive, load-acquire/store-release (C6.2.x; global monitor B2.9). */
function exclusive(c: A64Core, insn: number): void {
  const size = insn >>> 30;
  const o2 = (insn >>> 23) & 1;
  const l = (insn >>> 22) & 1;
  const o1 = (insn >>> 21) & 1;
  const rs = (insn >>> 16) & 31;
  const o0 = (insn >>> 15) & 1;
  const rt2 = (insn >>> 10) & 31;
  const rn = (insn >>> 5) & 31;
  const rt = insn & 31;
  const bytes = 1 << size;
  const mmu = c.mmu;
  const va = rnSp(c, rn);
  if (rn === 31) checkSpAlign(c, rn);
  if (o2 === 1) {
    // LDAR/STLR (o1 = 0, o0 = 1); LDLAR/STLLR and CAS* are not Armv8.0.
    if (o1 !== 0 || o0 !== 1) c.undef();
    if ((va & BigInt(bytes - 1)) !== 0n) c.alignmentFault(va, l === 0, mmu);
    c.curISS = iss(bytes, false, rt, size === 3, true);
    if (l) c.setReg(rt, load(c, va, bytes, mmu));
    else store(c, va, bytes, c.x[rt]!, mmu);
    c.next();
    return;
  }
  const isPair = o1 === 1;
  if (isPair && size < 2) c.undef();
  const total = isPair ? bytes * 2 : bytes;
  // Exclusives must be aligned to their total size (B2.5.2).
  if ((va & BigInt(total - 1)) !== 0n) c.alignmentFault(va, l === 0, mmu);
  c.curISS = 0;
  if (l) {
    if (isPair) {
      const a = load(c, va, bytes, mmu);
      const b = load(c, ((va + BigInt(bytes)) & M64), bytes, mmu);
      const pa = c.translateData(va, false, mmu);
      c.monitor.mark(c.index, pa);
      c.setReg(rt, a);
      c.setReg(rt2, b);
    } else {
      const a = load(c, va, bytes, mmu);
      const pa = c.translateData(va, false, mmu);
      c.monitor.mark(c.index, pa);
      c.setReg(rt, a);
    }
    c.next();
    return;
  }
  // Store exclusive: translate first (faults are taken even if the monitor is open).
  const pa = c.translateData(va, true, mmu);
  if (c.monitor.holds(c.index, pa)) {
    c.monitor.clear(c.index);
    if (isPair) {
      store(c, va, bytes, c.x[rt]!, mmu);
      store(c, ((va + BigInt(bytes)) & M64), bytes, c.x[rt2]!, mmu);
    } else store(c, va, bytes, c.x[rt]!, mmu);
    c.setReg(rs, 0n);
  } else {
    c.setReg(rs, 1n);
  }
  c.next();
}

export { PSR };
