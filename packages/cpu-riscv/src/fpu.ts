/**
 * F and D (RISC-V unprivileged 20191213 §11, §12): loads/stores, arithmetic through
 * @tessera/softfloat, NaN-boxing, fcsr and mstatus.FS tracking.
 */

import * as SF from '@tessera/softfloat';
import type { Hart } from './hart.js';
import * as D from './decode.js';
import { Op } from './hart.js';

const BOX = 0xffffffff00000000n;
const CANON_NAN_S = 0x7fc00000;
const SIGN_S = 0x80000000;
const SIGN_D = 1n << 63n;

const envs = new WeakMap<Hart, SF.FloatEnv>();
function envOf(h: Hart): SF.FloatEnv {
  let e = envs.get(h);
  if (e === undefined) {
    e = SF.makeEnv('riscv');
    envs.set(h, e);
  }
  return e;
}

/** An f32 operand: NaN-boxed values only (§12.2); anything else reads as the canonical NaN. */
function s(h: Hart, r: number): number {
  const v = h.f[r]!;
  if (v >> 32n !== 0xffffffffn) return CANON_NAN_S;
  return Number(v & 0xffffffffn);
}

function setS(h: Hart, r: number, v: number): void {
  h.f[r] = BOX | BigInt(v >>> 0);
}

export function fpLoadStore(h: Hart, op: number, f: number, addr: number): void {
  if (!h.fpEnabled()) h.illegal(0);
  const rd = f & 31;
  const rs2 = (f >>> D.F_RS2) & 31;
  switch (op) {
    case Op.FLW:
      h.f[rd] = BOX | BigInt(h.load32(addr) >>> 0);
      h.fpDirty();
      return;
    case Op.FLD:
      h.f[rd] = h.load64(addr);
      h.fpDirty();
      return;
    case Op.FSW:
      h.store32(addr, Number(h.f[rs2]! & 0xffffffffn) | 0);
      return;
    default:
      h.store64(addr, h.f[rs2]!);
  }
}

/** The rounding mode for an instruction: static rm, or frm for DYN; reserved ones are illegal. */
function roundingMode(h: Hart, rm: number): number {
  const r = rm === 7 ? h.frm : rm;
  if (r > 4) h.illegal(0);
  return r;
}

export function execFp(h: Hart, op: number, f: number, imm: number): void {
  if (!h.fpEnabled()) h.illegal(0);
  const env = envOf(h);
  env.flags = 0;
  const rd = f & 63;
  const rs1 = (f >>> D.F_RS1) & 31;
  const rs2 = (f >>> D.F_RS2) & 31;
  const rs3 = (f >>> D.F_RS3) & 31;
  const rm = (f >>> D.F_RM) & 7;
  const fr = h.f;
  if (op !== Op.FOP) {
    env.rm = roundingMode(h, rm);
    const negProd = op === Op.FNMSUB || op === Op.FNMADD;
    const negAdd = op === Op.FMSUB || op === Op.FNMADD;
    if (imm === 0) {
      const a = s(h, rs1) ^ (negProd ? SIGN_S : 0);
      const c = s(h, rs3) ^ (negAdd ? SIGN_S : 0);
      setS(h, rd, SF.f32_fma(env, a >>> 0, s(h, rs2), c >>> 0));
    } else {
      const a = fr[rs1]! ^ (negProd ? SIGN_D : 0n);
      const c = fr[rs3]! ^ (negAdd ? SIGN_D : 0n);
      fr[rd] = SF.f64_fma(env, a, fr[rs2]!, c);
    }
    finish(h, env);
    return;
  }
  const f7 = imm & 0x7f;
  const sel = imm >>> 7; // the rs2 field
  const dbl = (f7 & 1) === 1;
  const x = h.x;
  switch (f7) {
    case 0x00: case 0x04: case 0x08: case 0x0c:
      env.rm = roundingMode(h, rm);
      setS(h, rd, f7 === 0 ? SF.f32_add(env, s(h, rs1), s(h, rs2)) : f7 === 4 ? SF.f32_sub(env, s(h, rs1), s(h, rs2)) : f7 === 8 ? SF.f32_mul(env, s(h, rs1), s(h, rs2)) : SF.f32_div(env, s(h, rs1), s(h, rs2)));
      break;
    case 0x01: case 0x05: case 0x09: case 0x0d:
      env.rm = roundingMode(h, rm);
      fr[rd] = f7 === 1 ? SF.f64_add(env, fr[rs1]!, fr[rs2]!) : f7 === 5 ? SF.f64_sub(env, fr[rs1]!, fr[rs2]!) : f7 === 9 ? SF.f64_mul(env, fr[rs1]!, fr[rs2]!) : SF.f64_div(env, fr[rs1]!, fr[rs2]!);
      break;
    case 0x2c:
      if (sel !== 0) h.illegal(0);
      env.rm = roundingMode(h, rm);
      setS(h, rd, SF.f32_sqrt(env, s(h, rs1)));
      break;
    case 0x2d:
      if (sel !== 0) h.illegal(0);
      env.rm = roundingMode(h, rm);
      fr[rd] = SF.f64_sqrt(env, fr[rs1]!);
      break;
    case 0x10: {
      const a = s(h, rs1);
      const b = s(h, rs2);
      let sign: number;
      if (rm === 0) sign = b & SIGN_S;
      else if (rm === 1) sign = ~b & SIGN_S;
      else if (rm === 2) sign = (a ^ b) & SIGN_S;
      else return h.illegal(0);
      setS(h, rd, (a & 0x7fffffff) | sign);
      break;
    }
    case 0x11: {
      const a = fr[rs1]!;
      const b = fr[rs2]!;
      let sign: bigint;
      if (rm === 0) sign = b & SIGN_D;
      else if (rm === 1) sign = ~b & SIGN_D;
      else if (rm === 2) sign = (a ^ b) & SIGN_D;
      else return h.illegal(0);
      fr[rd] = (a & ~SIGN_D) | sign;
      break;
    }
    case 0x14:
      if (rm > 1) h.illegal(0);
      setS(h, rd, rm === 0 ? SF.f32_min(env, s(h, rs1), s(h, rs2)) : SF.f32_max(env, s(h, rs1), s(h, rs2)));
      break;
    case 0x15:
      if (rm > 1) h.illegal(0);
      fr[rd] = rm === 0 ? SF.f64_min(env, fr[rs1]!, fr[rs2]!) : SF.f64_max(env, fr[rs1]!, fr[rs2]!);
      break;
    case 0x20:
      if (sel !== 1) h.illegal(0);
      env.rm = roundingMode(h, rm);
      setS(h, rd, SF.f64_to_f32(env, fr[rs1]!));
      break;
    case 0x21:
      if (sel !== 0) h.illegal(0);
      env.rm = roundingMode(h, rm);
      fr[rd] = SF.f32_to_f64(env, s(h, rs1));
      break;
    case 0x50:
    case 0x51: {
      let r: boolean;
      if (rm === 0) r = dbl ? SF.f64_le(env, fr[rs1]!, fr[rs2]!) : SF.f32_le(env, s(h, rs1), s(h, rs2));
      else if (rm === 1) r = dbl ? SF.f64_lt(env, fr[rs1]!, fr[rs2]!) : SF.f32_lt(env, s(h, rs1), s(h, rs2));
      else if (rm === 2) r = dbl ? SF.f64_eq(env, fr[rs1]!, fr[rs2]!) : SF.f32_eq(env, s(h, rs1), s(h, rs2));
      else return h.illegal(0);
      x[rd] = r ? 1n : 0n;
      break;
    }
    case 0x60:
    case 0x61: {
      const r = roundingMode(h, rm);
      if (sel > 3) h.illegal(0);
      if (dbl) {
        const a = fr[rs1]!;
        x[rd] = sel === 0 ? BigInt(SF.f64_to_i32(env, a, r) | 0) : sel === 1 ? BigInt(SF.f64_to_u32(env, a, r) | 0) : sel === 2 ? SF.f64_to_i64(env, a, r) : SF.f64_to_u64(env, a, r);
      } else {
        const a = s(h, rs1);
        x[rd] = sel === 0 ? BigInt(SF.f32_to_i32(env, a, r) | 0) : sel === 1 ? BigInt(SF.f32_to_u32(env, a, r) | 0) : sel === 2 ? SF.f32_to_i64(env, a, r) : SF.f32_to_u64(env, a, r);
      }
      break;
    }
    case 0x68:
    case 0x69: {
      env.rm = roundingMode(h, rm);
      if (sel > 3) h.illegal(0);
      const lo = h.x32[rs1 * 2]!;
      if (dbl) fr[rd] = sel === 0 ? SF.i32_to_f64(env, lo) : sel === 1 ? SF.u32_to_f64(env, lo >>> 0) : sel === 2 ? SF.i64_to_f64(env, x[rs1]!) : SF.u64_to_f64(env, h.xu[rs1]!);
      else setS(h, rd, sel === 0 ? SF.i32_to_f32(env, lo) : sel === 1 ? SF.u32_to_f32(env, lo >>> 0) : sel === 2 ? SF.i64_to_f32(env, x[rs1]!) : SF.u64_to_f32(env, h.xu[rs1]!));
      break;
    }
    case 0x70:
      if (sel !== 0) h.illegal(0);
      if (rm === 0) x[rd] = BigInt(Number(fr[rs1]! & 0xffffffffn) | 0); // FMV.X.W sign-extends
      else if (rm === 1) x[rd] = BigInt(SF.f32_classify(s(h, rs1)));
      else h.illegal(0);
      return; // no FP state change
    case 0x71:
      if (sel !== 0) h.illegal(0);
      if (rm === 0) x[rd] = fr[rs1]!;
      else if (rm === 1) x[rd] = BigInt(SF.f64_classify(fr[rs1]!));
      else h.illegal(0);
      return;
    case 0x78:
      if (sel !== 0 || rm !== 0) h.illegal(0);
      setS(h, rd, h.x32[rs1 * 2]!);
      break;
    case 0x79:
      if (sel !== 0 || rm !== 0) h.illegal(0);
      fr[rd] = h.xu[rs1]!;
      break;
    default:
      h.illegal(0);
  }
  finish(h, env);
}

function finish(h: Hart, env: SF.FloatEnv): void {
  h.fflags |= env.flags & 31;
  h.fpDirty();
}
