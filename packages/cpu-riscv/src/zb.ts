/**
 * Zba, Zbb and Zbs (RISC-V bit-manipulation 1.0.0). Off unless named in the `isa` option.
 * They are decoded to one op carrying the raw instruction word and executed here, off the
 * interpreter's hot path.
 */

import type { Hart } from './hart.js';

export const ZBA = 0x100, ZBB = 0x200, ZBS = 0x400;

// Sub-operations (low byte) with their extension bit.
const ADD_UW = ZBA | 1, SH1ADD = ZBA | 2, SH2ADD = ZBA | 3, SH3ADD = ZBA | 4, SH1ADD_UW = ZBA | 5, SH2ADD_UW = ZBA | 6, SH3ADD_UW = ZBA | 7, SLLI_UW = ZBA | 8;
const ANDN = ZBB | 1, ORN = ZBB | 2, XNOR = ZBB | 3, CLZ = ZBB | 4, CTZ = ZBB | 5, CPOP = ZBB | 6, CLZW = ZBB | 7, CTZW = ZBB | 8, CPOPW = ZBB | 9;
const MAX = ZBB | 10, MAXU = ZBB | 11, MIN = ZBB | 12, MINU = ZBB | 13, SEXT_B = ZBB | 14, SEXT_H = ZBB | 15, ZEXT_H = ZBB | 16;
const ROL = ZBB | 17, ROR = ZBB | 18, RORI = ZBB | 19, ROLW = ZBB | 20, RORW = ZBB | 21, RORIW = ZBB | 22, ORC_B = ZBB | 23, REV8 = ZBB | 24;
const BCLR = ZBS | 1, BCLRI = ZBS | 2, BEXT = ZBS | 3, BEXTI = ZBS | 4, BINV = ZBS | 5, BINVI = ZBS | 6, BSET = ZBS | 7, BSETI = ZBS | 8;

/** The Zb* operation encoded by `w`, or 0 (bit-manipulation 1.0.0, chapter 2 instruction list). */
export function zbKind(w: number): number {
  const opc = w & 0x7f;
  const f3 = (w >>> 12) & 7;
  const f7 = w >>> 25;
  const f6 = w >>> 26;
  const imm12 = w >>> 20;
  const rs2 = (w >>> 20) & 31;
  switch (opc) {
    case 0x33:
      if (f7 === 0x20) return f3 === 7 ? ANDN : f3 === 6 ? ORN : f3 === 4 ? XNOR : 0;
      if (f7 === 0x10) return f3 === 2 ? SH1ADD : f3 === 4 ? SH2ADD : f3 === 6 ? SH3ADD : 0;
      if (f7 === 0x05) return f3 === 4 ? MIN : f3 === 5 ? MINU : f3 === 6 ? MAX : f3 === 7 ? MAXU : 0;
      if (f7 === 0x30) return f3 === 1 ? ROL : f3 === 5 ? ROR : 0;
      if (f7 === 0x24) return f3 === 1 ? BCLR : f3 === 5 ? BEXT : 0;
      if (f7 === 0x34) return f3 === 1 ? BINV : 0;
      if (f7 === 0x14) return f3 === 1 ? BSET : 0;
      return 0;
    case 0x3b:
      if (f7 === 0x04) return f3 === 0 ? ADD_UW : f3 === 4 && rs2 === 0 ? ZEXT_H : 0;
      if (f7 === 0x10) return f3 === 2 ? SH1ADD_UW : f3 === 4 ? SH2ADD_UW : f3 === 6 ? SH3ADD_UW : 0;
      if (f7 === 0x30) return f3 === 1 ? ROLW : f3 === 5 ? RORW : 0;
      return 0;
    case 0x13:
      if (f3 === 1) {
        if (imm12 === 0x600) return CLZ;
        if (imm12 === 0x601) return CTZ;
        if (imm12 === 0x602) return CPOP;
        if (imm12 === 0x604) return SEXT_B;
        if (imm12 === 0x605) return SEXT_H;
        if (f6 === 0x12) return BCLRI;
        if (f6 === 0x1a) return BINVI;
        if (f6 === 0x0a) return BSETI;
        return 0;
      }
      if (f3 === 5) {
        if (imm12 === 0x287) return ORC_B;
        if (imm12 === 0x6b8) return REV8;
        if (f6 === 0x18) return RORI;
        if (f6 === 0x12) return BEXTI;
      }
      return 0;
    case 0x1b:
      if (f3 === 1) {
        if (imm12 === 0x600) return CLZW;
        if (imm12 === 0x601) return CTZW;
        if (imm12 === 0x602) return CPOPW;
        if (f6 === 0x02) return SLLI_UW;
        return 0;
      }
      if (f3 === 5 && f7 === 0x30) return RORIW;
      return 0;
    default:
      return 0;
  }
}

const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint): bigint => v & M64;
const u32 = (v: bigint): bigint => v & 0xffffffffn;
const sext32 = (v: bigint): bigint => BigInt.asIntN(32, v);

function clz(v: bigint, bits: number): bigint {
  let n = 0;
  for (let i = bits - 1; i >= 0 && ((v >> BigInt(i)) & 1n) === 0n; i--) n++;
  return BigInt(n);
}
function ctz(v: bigint, bits: number): bigint {
  let n = 0;
  for (let i = 0; i < bits && ((v >> BigInt(i)) & 1n) === 0n; i++) n++;
  return BigInt(n);
}
function cpop(v: bigint): bigint {
  let n = 0n;
  for (let x = v; x !== 0n; x >>= 1n) n += x & 1n;
  return n;
}
function rotl(v: bigint, s: bigint, bits: bigint): bigint {
  const mask = (1n << bits) - 1n;
  s %= bits;
  return ((v << s) | (v >> ((bits - s) % bits))) & mask;
}

/** Execute a Zb* instruction (raw word `w`); illegal if its extension is not enabled. */
export function execZb(h: Hart, w: number, rd: number, rs1: number, rs2: number): void {
  const k = zbKind(w);
  const ext = k & 0x700;
  if (k === 0 || (ext === ZBA && !h.cfg.zba) || (ext === ZBB && !h.cfg.zbb) || (ext === ZBS && !h.cfg.zbs)) h.illegal(w);
  const a = h.xu[rs1]!;
  const b = h.xu[rs2]!;
  const sa = h.x[rs1]!;
  const sb = h.x[rs2]!;
  const shamt = BigInt((w >>> 20) & 63);
  let r: bigint;
  switch (k) {
    case ADD_UW: r = u32(a) + b; break;
    case SH1ADD: r = (a << 1n) + b; break;
    case SH2ADD: r = (a << 2n) + b; break;
    case SH3ADD: r = (a << 3n) + b; break;
    case SH1ADD_UW: r = (u32(a) << 1n) + b; break;
    case SH2ADD_UW: r = (u32(a) << 2n) + b; break;
    case SH3ADD_UW: r = (u32(a) << 3n) + b; break;
    case SLLI_UW: r = u32(a) << shamt; break;
    case ANDN: r = a & ~b; break;
    case ORN: r = a | u64(~b); break;
    case XNOR: r = u64(~(a ^ b)); break;
    case CLZ: r = clz(a, 64); break;
    case CTZ: r = ctz(a, 64); break;
    case CPOP: r = cpop(a); break;
    case CLZW: r = clz(u32(a), 32); break;
    case CTZW: r = ctz(u32(a), 32); break;
    case CPOPW: r = cpop(u32(a)); break;
    case MAX: r = sa > sb ? sa : sb; break;
    case MAXU: r = a > b ? a : b; break;
    case MIN: r = sa < sb ? sa : sb; break;
    case MINU: r = a < b ? a : b; break;
    case SEXT_B: r = BigInt.asIntN(8, a); break;
    case SEXT_H: r = BigInt.asIntN(16, a); break;
    case ZEXT_H: r = a & 0xffffn; break;
    case ROL: r = rotl(a, b & 63n, 64n); break;
    case ROR: r = rotl(a, (64n - (b & 63n)) % 64n, 64n); break;
    case RORI: r = rotl(a, (64n - shamt) % 64n, 64n); break;
    case ROLW: r = sext32(rotl(u32(a), b & 31n, 32n)); break;
    case RORW: r = sext32(rotl(u32(a), (32n - (b & 31n)) % 32n, 32n)); break;
    case RORIW: r = sext32(rotl(u32(a), (32n - (shamt & 31n)) % 32n, 32n)); break;
    case ORC_B: {
      r = 0n;
      for (let i = 0n; i < 64n; i += 8n) if (((a >> i) & 0xffn) !== 0n) r |= 0xffn << i;
      break;
    }
    case REV8: {
      r = 0n;
      for (let i = 0n; i < 64n; i += 8n) r = (r << 8n) | ((a >> i) & 0xffn);
      break;
    }
    case BCLR: r = a & ~(1n << (b & 63n)); break;
    case BCLRI: r = a & ~(1n << shamt); break;
    case BEXT: r = (a >> (b & 63n)) & 1n; break;
    case BEXTI: r = (a >> shamt) & 1n; break;
    case BINV: r = a ^ (1n << (b & 63n)); break;
    case BINVI: r = a ^ (1n << shamt); break;
    case BSET: r = a | (1n << (b & 63n)); break;
    default: r = a | (1n << shamt); break; // BSETI
  }
  h.x[rd] = BigInt.asIntN(64, r);
}
