/**
 * Instruction decoding: 32-bit and compressed (RVC) encodings to small integer op codes.
 *
 * Decoding happens once per instruction slot of a code page (see DecodedPage in hart.ts);
 * the interpreter then switches on the op code. A decoded instruction is three integers:
 * the op, the packed operand fields and the immediate. Compressed instructions are first
 * expanded to their 32-bit equivalents (RISC-V unprivileged 20191213 §16.8 lists them).
 */

import { Op } from './hart.js';
import { zbKind } from './zb.js';

// Packed field layout: rd [0,6) (integer rd 0 is mapped to 32, a scratch register, so that
// x0 stays zero without a check), rs1 [6,11), rs2 [11,16), rs3 [16,21), rm [21,24),
// compressed [24].
// hart.ts uses these three as literals in its hot loop (6, 11, 1 << 24).
export const F_RS1 = 6;
export const F_RS2 = 11;
export const F_RS3 = 16;
export const F_RM = 21;
export const F_C = 1 << 24;

/** HLV/HSV variants (imm). */
export const HV_B = 0, HV_BU = 1, HV_H = 2, HV_HU = 3, HV_W = 4, HV_WU = 5, HV_D = 6, HVX_HU = 7, HVX_WU = 8;

/** Output of {@link decode}: fields and immediate. */
export interface Decoded {
  f: number;
  imm: number;
}

const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);

/** Decode a 32-bit instruction word. `c` marks an expanded compressed instruction. */
export function decode32(w: number, out: Decoded, c: boolean): number {
  const op = decodeBase(w, out, c);
  if (op === Op.ILLEGAL && zbKind(w) !== 0) {
    out.imm = w | 0;
    return Op.BITMANIP;
  }
  return op;
}

function decodeBase(w: number, out: Decoded, c: boolean): number {
  const opc = w & 0x7f;
  const rdRaw = (w >>> 7) & 31;
  const rd = rdRaw === 0 ? 32 : rdRaw;
  const f3 = (w >>> 12) & 7;
  const rs1 = (w >>> 15) & 31;
  const rs2 = (w >>> 20) & 31;
  const f7 = w >>> 25;
  const base = (c ? F_C : 0) | (rs1 << F_RS1) | (rs2 << F_RS2);
  const iimm = w >> 20;
  out.f = base | rd;
  out.imm = iimm;
  switch (opc) {
    case 0x37:
      out.imm = w & 0xfffff000;
      return Op.LUI;
    case 0x17:
      out.imm = w & 0xfffff000;
      return Op.AUIPC;
    case 0x6f:
      out.imm = sext(((w >>> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1), 21);
      return Op.JAL;
    case 0x67:
      return f3 === 0 ? Op.JALR : Op.ILLEGAL;
    case 0x63: {
      out.imm = sext(((w >>> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1), 13);
      switch (f3) {
        case 0: return Op.BEQ;
        case 1: return Op.BNE;
        case 4: return Op.BLT;
        case 5: return Op.BGE;
        case 6: return Op.BLTU;
        case 7: return Op.BGEU;
        default: return Op.ILLEGAL;
      }
    }
    case 0x03:
      switch (f3) {
        case 0: return Op.LB;
        case 1: return Op.LH;
        case 2: return Op.LW;
        case 3: return Op.LD;
        case 4: return Op.LBU;
        case 5: return Op.LHU;
        case 6: return Op.LWU;
        default: return Op.ILLEGAL;
      }
    case 0x23:
      out.imm = sext(((w >>> 25) << 5) | ((w >>> 7) & 31), 12);
      switch (f3) {
        case 0: return Op.SB;
        case 1: return Op.SH;
        case 2: return Op.SW;
        case 3: return Op.SD;
        default: return Op.ILLEGAL;
      }
    case 0x13:
      switch (f3) {
        case 0: return Op.ADDI;
        case 2: return Op.SLTI;
        case 3: return Op.SLTIU;
        case 4: return Op.XORI;
        case 6: return Op.ORI;
        case 7: return Op.ANDI;
        case 1:
          out.imm = (w >>> 20) & 63;
          return (w >>> 26) === 0 ? Op.SLLI : Op.ILLEGAL;
        case 5:
          out.imm = (w >>> 20) & 63;
          if ((w >>> 26) === 0) return Op.SRLI;
          if ((w >>> 26) === 0x10) return Op.SRAI;
          return Op.ILLEGAL;
        default: return Op.ILLEGAL;
      }
    case 0x1b:
      switch (f3) {
        case 0: return Op.ADDIW;
        case 1:
          out.imm = rs2;
          return f7 === 0 ? Op.SLLIW : Op.ILLEGAL;
        case 5:
          out.imm = rs2;
          if (f7 === 0) return Op.SRLIW;
          if (f7 === 0x20) return Op.SRAIW;
          return Op.ILLEGAL;
        default: return Op.ILLEGAL;
      }
    case 0x33:
      if (f7 === 0) return [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND][f3]!;
      if (f7 === 0x20) return f3 === 0 ? Op.SUB : f3 === 5 ? Op.SRA : Op.ILLEGAL;
      if (f7 === 1) return [Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU][f3]!;
      return Op.ILLEGAL;
    case 0x3b:
      if (f7 === 0) return f3 === 0 ? Op.ADDW : f3 === 1 ? Op.SLLW : f3 === 5 ? Op.SRLW : Op.ILLEGAL;
      if (f7 === 0x20) return f3 === 0 ? Op.SUBW : f3 === 5 ? Op.SRAW : Op.ILLEGAL;
      if (f7 === 1) return f3 === 0 ? Op.MULW : f3 === 4 ? Op.DIVW : f3 === 5 ? Op.DIVUW : f3 === 6 ? Op.REMW : f3 === 7 ? Op.REMUW : Op.ILLEGAL;
      return Op.ILLEGAL;
    case 0x0f:
      if (f3 === 0) {
        // PAUSE is Op.FENCE with pred=W, succ=0 (Zihintpause); other FENCEs order nothing here.
        return w === 0x0100000f ? Op.PAUSE_HINT : Op.FENCE;
      }
      if (f3 === 1) return Op.FENCE_I;
      return Op.ILLEGAL;
    case 0x73: {
      if (f3 === 0) {
        if (w === 0x00000073) return Op.ECALL;
        if (w === 0x00100073) return Op.EBREAK;
        if (w === 0x10200073) return Op.SRET;
        if (w === 0x30200073) return Op.MRET;
        if (w === 0x10500073) return Op.WFI;
        if (rdRaw === 0 && f7 === 0x09) return Op.SFENCE_VMA;
        if (rdRaw === 0 && f7 === 0x11) return Op.HFENCE_VVMA;
        if (rdRaw === 0 && f7 === 0x31) return Op.HFENCE_GVMA;
        return Op.ILLEGAL;
      }
      if (f3 === 4) {
        // Hypervisor virtual-machine load/store instructions (H §9.2.3).
        if (f7 === 0x30 && rs2 === 0) { out.imm = HV_B; return Op.HLV; }
        if (f7 === 0x30 && rs2 === 1) { out.imm = HV_BU; return Op.HLV; }
        if (f7 === 0x32 && rs2 === 0) { out.imm = HV_H; return Op.HLV; }
        if (f7 === 0x32 && rs2 === 1) { out.imm = HV_HU; return Op.HLV; }
        if (f7 === 0x32 && rs2 === 3) { out.imm = HVX_HU; return Op.HLV; }
        if (f7 === 0x34 && rs2 === 0) { out.imm = HV_W; return Op.HLV; }
        if (f7 === 0x34 && rs2 === 1) { out.imm = HV_WU; return Op.HLV; }
        if (f7 === 0x34 && rs2 === 3) { out.imm = HVX_WU; return Op.HLV; }
        if (f7 === 0x36 && rs2 === 0) { out.imm = HV_D; return Op.HLV; }
        if (rdRaw === 0 && f7 === 0x31) { out.imm = HV_B; return Op.HSV; }
        if (rdRaw === 0 && f7 === 0x33) { out.imm = HV_H; return Op.HSV; }
        if (rdRaw === 0 && f7 === 0x35) { out.imm = HV_W; return Op.HSV; }
        if (rdRaw === 0 && f7 === 0x37) { out.imm = HV_D; return Op.HSV; }
        return Op.ILLEGAL;
      }
      out.imm = (w >>> 20) & 0xfff;
      switch (f3) {
        case 1: return Op.CSRRW;
        case 2: return Op.CSRRS;
        case 3: return Op.CSRRC;
        case 5: return Op.CSRRWI;
        case 6: return Op.CSRRSI;
        case 7: return Op.CSRRCI;
        default: return Op.ILLEGAL;
      }
    }
    case 0x2f: {
      const f5 = w >>> 27;
      out.imm = f5;
      if (f3 === 2) {
        if (f5 === 2) return rs2 === 0 ? Op.LR_W : Op.ILLEGAL;
        if (f5 === 3) return Op.SC_W;
        return isAmo(f5) ? Op.AMO_W : Op.ILLEGAL;
      }
      if (f3 === 3) {
        if (f5 === 2) return rs2 === 0 ? Op.LR_D : Op.ILLEGAL;
        if (f5 === 3) return Op.SC_D;
        return isAmo(f5) ? Op.AMO_D : Op.ILLEGAL;
      }
      return Op.ILLEGAL;
    }
    // Floating point: FP destinations keep rd 0 (f0 is a real register).
    case 0x07:
      out.f = base | rdRaw;
      if (f3 === 2) return Op.FLW;
      if (f3 === 3) return Op.FLD;
      return Op.ILLEGAL;
    case 0x27:
      out.f = base | rdRaw;
      out.imm = sext(((w >>> 25) << 5) | ((w >>> 7) & 31), 12);
      if (f3 === 2) return Op.FSW;
      if (f3 === 3) return Op.FSD;
      return Op.ILLEGAL;
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f: {
      const fmt = (w >>> 25) & 3;
      if (fmt > 1) return Op.ILLEGAL;
      out.f = base | rdRaw | ((w >>> 27) << F_RS3) | (f3 << F_RM);
      out.imm = fmt;
      return opc === 0x43 ? Op.FMADD : opc === 0x47 ? Op.FMSUB : opc === 0x4b ? Op.FNMSUB : Op.FNMADD;
    }
    case 0x53: {
      // Integer destinations: FMV.X.*, FCVT.{W,L}*, FEQ/FLT/FLE, FCLASS.
      const intDest = f7 === 0x70 || f7 === 0x71 || f7 === 0x60 || f7 === 0x61 || f7 === 0x50 || f7 === 0x51;
      out.f = base | (intDest ? rd : rdRaw) | (f3 << F_RM);
      out.imm = f7 | (rs2 << 7);
      return Op.FOP;
    }
    default:
      return Op.ILLEGAL;
  }
}

function isAmo(f5: number): boolean {
  return f5 === 0 || f5 === 1 || f5 === 4 || f5 === 8 || f5 === 12 || f5 === 16 || f5 === 20 || f5 === 24 || f5 === 28;
}

// 32-bit encoders used by the RVC expansion.
const encI = (opc: number, f3: number, rd: number, rs1: number, imm: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
const encS = (opc: number, f3: number, rs1: number, rs2: number, imm: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opc) >>> 0;
const encR = (opc: number, f3: number, f7: number, rd: number, rs1: number, rs2: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) >>> 0;
const encB = (f3: number, rs1: number, rs2: number, imm: number): number =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63) >>> 0;
const encJ = (rd: number, imm: number): number =>
  ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) | (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;

/**
 * Expand a 16-bit RVC instruction to its 32-bit equivalent (RV64 C, unprivileged §16),
 * or return 0 when it is illegal or reserved.
 */
export function expandCompressed(h: number): number {
  const q = h & 3;
  const f3 = (h >>> 13) & 7;
  const rdp = ((h >>> 2) & 7) + 8; // rd'/rs2'
  const rs1p = ((h >>> 7) & 7) + 8;
  const rd = (h >>> 7) & 31;
  const rs2 = (h >>> 2) & 31;
  const b = (i: number): number => (h >>> i) & 1;
  if (q === 0) {
    switch (f3) {
      case 0: {
        const imm = (((h >>> 7) & 0xf) << 6) | (((h >>> 11) & 3) << 4) | (b(5) << 3) | (b(6) << 2);
        return imm === 0 ? 0 : encI(0x13, 0, rdp, 2, imm); // C.ADDI4SPN
      }
      case 1: return encI(0x07, 3, rdp, rs1p, (((h >>> 10) & 7) << 3) | (((h >>> 5) & 3) << 6)); // C.FLD
      case 2: return encI(0x03, 2, rdp, rs1p, (((h >>> 10) & 7) << 3) | (b(6) << 2) | (b(5) << 6)); // C.LW
      case 3: return encI(0x03, 3, rdp, rs1p, (((h >>> 10) & 7) << 3) | (((h >>> 5) & 3) << 6)); // C.LD
      case 5: return encS(0x27, 3, rs1p, rdp, (((h >>> 10) & 7) << 3) | (((h >>> 5) & 3) << 6)); // C.FSD
      case 6: return encS(0x23, 2, rs1p, rdp, (((h >>> 10) & 7) << 3) | (b(6) << 2) | (b(5) << 6)); // C.SW
      case 7: return encS(0x23, 3, rs1p, rdp, (((h >>> 10) & 7) << 3) | (((h >>> 5) & 3) << 6)); // C.SD
      default: return 0;
    }
  }
  if (q === 1) {
    const imm6 = sext((b(12) << 5) | ((h >>> 2) & 31), 6);
    switch (f3) {
      case 0: return encI(0x13, 0, rd, rd, imm6); // C.ADDI / C.NOP
      case 1: return rd === 0 ? 0 : encI(0x1b, 0, rd, rd, imm6); // C.ADDIW
      case 2: return encI(0x13, 0, rd, 0, imm6); // C.LI
      case 3:
        if (rd === 2) {
          const imm = sext((b(12) << 9) | (b(4) << 8) | (b(3) << 7) | (b(5) << 6) | (b(2) << 5) | (b(6) << 4), 10);
          return imm === 0 ? 0 : encI(0x13, 0, 2, 2, imm); // C.ADDI16SP
        } else {
          if (imm6 === 0) return 0;
          return (((imm6 << 12) & 0xfffff000) | (rd << 7) | 0x37) >>> 0; // C.LUI
        }
      case 4: {
        const f2 = (h >>> 10) & 3;
        const sh = (b(12) << 5) | ((h >>> 2) & 31);
        if (f2 === 0) return encI(0x13, 5, rs1p, rs1p, sh); // C.SRLI
        if (f2 === 1) return encI(0x13, 5, rs1p, rs1p, sh | 0x400); // C.SRAI
        if (f2 === 2) return encI(0x13, 7, rs1p, rs1p, imm6); // C.ANDI
        const f = (h >>> 5) & 3;
        if (b(12) === 0) {
          if (f === 0) return encR(0x33, 0, 0x20, rs1p, rs1p, rdp); // C.SUB
          if (f === 1) return encR(0x33, 4, 0, rs1p, rs1p, rdp); // C.XOR
          if (f === 2) return encR(0x33, 6, 0, rs1p, rs1p, rdp); // C.OR
          return encR(0x33, 7, 0, rs1p, rs1p, rdp); // C.AND
        }
        if (f === 0) return encR(0x3b, 0, 0x20, rs1p, rs1p, rdp); // C.SUBW
        if (f === 1) return encR(0x3b, 0, 0, rs1p, rs1p, rdp); // C.ADDW
        return 0;
      }
      case 5: {
        const imm = sext((b(12) << 11) | (b(8) << 10) | (((h >>> 9) & 3) << 8) | (b(6) << 7) | (b(7) << 6) | (b(2) << 5) | (b(11) << 4) | (((h >>> 3) & 7) << 1), 12);
        return encJ(0, imm); // C.J
      }
      case 6:
      case 7: {
        const imm = sext((b(12) << 8) | (((h >>> 5) & 3) << 6) | (b(2) << 5) | (((h >>> 10) & 3) << 3) | (((h >>> 3) & 3) << 1), 9);
        return encB(f3 === 6 ? 0 : 1, rs1p, 0, imm); // C.BEQZ / C.BNEZ
      }
    }
    return 0;
  }
  if (q === 2) {
    switch (f3) {
      case 0: return encI(0x13, 1, rd, rd, (b(12) << 5) | rs2); // C.SLLI
      case 1: return encI(0x07, 3, rd, 2, (b(12) << 5) | (((h >>> 5) & 3) << 3) | (((h >>> 2) & 7) << 6)); // C.FLDSP
      case 2: return rd === 0 ? 0 : encI(0x03, 2, rd, 2, (b(12) << 5) | (((h >>> 4) & 7) << 2) | (((h >>> 2) & 3) << 6)); // C.LWSP
      case 3: return rd === 0 ? 0 : encI(0x03, 3, rd, 2, (b(12) << 5) | (((h >>> 5) & 3) << 3) | (((h >>> 2) & 7) << 6)); // C.LDSP
      case 4:
        if (b(12) === 0) {
          if (rs2 === 0) return rd === 0 ? 0 : encI(0x67, 0, 0, rd, 0); // C.JR
          return encR(0x33, 0, 0, rd, 0, rs2); // C.MV
        }
        if (rs2 === 0) {
          if (rd === 0) return 0x00100073; // C.EBREAK
          return encI(0x67, 0, 1, rd, 0); // C.JALR
        }
        return encR(0x33, 0, 0, rd, rd, rs2); // C.ADD
      case 5: return encS(0x27, 3, 2, rs2, (((h >>> 10) & 7) << 3) | (((h >>> 7) & 7) << 6)); // C.FSDSP
      case 6: return encS(0x23, 2, 2, rs2, (((h >>> 9) & 0xf) << 2) | (((h >>> 7) & 3) << 6)); // C.SWSP
      case 7: return encS(0x23, 3, 2, rs2, (((h >>> 10) & 7) << 3) | (((h >>> 7) & 7) << 6)); // C.SDSP
    }
  }
  return 0;
}

/** Decode a 16-bit compressed instruction (illegal ones decode to Op.ILLEGAL with the halfword in imm). */
export function decode16(h: number, out: Decoded): number {
  const w = expandCompressed(h);
  if (w === 0) {
    out.f = F_C;
    out.imm = h;
    return Op.ILLEGAL;
  }
  const o = decode32(w, out, true);
  if (o === Op.ILLEGAL) out.imm = h;
  return o;
}

/** Decode either form: `w` holds 16 or 32 bits depending on its low two bits. */
export function decodeAny(w: number, out: Decoded): number {
  if ((w & 3) !== 3) return decode16(w & 0xffff, out);
  const o = decode32(w >>> 0, out, false);
  if (o === Op.ILLEGAL) out.imm = w | 0;
  return o;
}
