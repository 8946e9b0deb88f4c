/**
 * Checking reference vectors (lines "op rm a b c result flags", hex) against the package.
 * NaN results are compared by NaN-ness plus the RISC-V canonical NaN, since the host (x86)
 * propagates payloads where RISC-V canonicalises.
 */
import * as sf from '../src/index.js';

type Bits = number | bigint;
type Width = 16 | 32 | 64;

export interface Mismatch {
  line: string;
  got: string;
}

function widthOf(fmt: string): Width {
  return fmt === 'f16' ? 16 : fmt === 'f32' ? 32 : 64;
}

function parseFloatBits(hex: string, w: Width): Bits {
  return w === 64 ? BigInt('0x' + hex) : parseInt(hex, 16);
}

function isNaNBits(x: Bits, w: Width): boolean {
  if (w === 64) {
    const v = BigInt(x);
    return (v & 0x7ff0000000000000n) === 0x7ff0000000000000n && (v & 0xfffffffffffffn) !== 0n;
  }
  const n = Number(x);
  if (w === 32) return (n & 0x7f800000) === 0x7f800000 && (n & 0x7fffff) !== 0;
  return (n & 0x7c00) === 0x7c00 && (n & 0x3ff) !== 0;
}

const canonical: Record<Width, Bits> = { 16: 0x7e00, 32: 0x7fc00000, 64: 0x7ff8000000000000n };

type AnyFn = (...args: unknown[]) => unknown;
const api = sf as unknown as Record<string, AnyFn>;

export interface ParsedVector {
  op: string;
  rm: number;
  a: string;
  b: string;
  c: string;
  result: string;
  flags: number;
}

export function parseLine(line: string): ParsedVector | undefined {
  const p = line.trim().split(' ');
  if (p.length !== 7) return undefined;
  return { op: p[0]!, rm: Number(p[1]), a: p[2]!, b: p[3]!, c: p[4]!, result: p[5]!, flags: parseInt(p[6]!, 16) };
}

function fmaInfTimesZeroQuietAddend(v: ParsedVector, w: Width): boolean {
  const a = parseFloatBits(v.a, w);
  const b = parseFloatBits(v.b, w);
  const c = parseFloatBits(v.c, w);
  const mag = (x: Bits): bigint => BigInt(x) & ((1n << BigInt(w - 1)) - 1n);
  const inf = w === 64 ? 0x7ff0000000000000n : w === 32 ? 0x7f800000n : 0x7c00n;
  const quiet = w === 64 ? 0x8000000000000n : w === 32 ? 0x400000n : 0x200n;
  const infZero = (mag(a) === inf && mag(b) === 0n) || (mag(a) === 0n && mag(b) === inf);
  return infZero && isNaNBits(c, w) && (BigInt(c) & quiet) !== 0n;
}

/** Run one vector with env.rm = rm (or an override) and return a mismatch description or undefined. */
export function checkVector(v: ParsedVector): Mismatch | undefined {
  const env = sf.makeEnv('riscv', v.rm);
  const fn = api[v.op];
  if (!fn) return { line: v.op, got: 'no such function' };
  const m = /^([fiu]\d\d)_(?:to_)?([a-z0-9]+)$/.exec(v.op)!;
  const src = m[1]!;
  let got: unknown;
  let resW: Width | 0; // 0: integer result
  let intW = 32;
  if (v.op.includes('_to_')) {
    const dst = m[2]!;
    if (src[0] === 'f') {
      const a = parseFloatBits(v.a, widthOf(src));
      if (dst[0] === 'f') {
        got = fn(env, a);
        resW = widthOf(dst);
      } else {
        got = fn(env, a, v.rm);
        resW = 0;
        intW = dst.endsWith('64') ? 64 : 32;
      }
    } else {
      const raw = BigInt('0x' + v.a);
      const arg = src === 'i32' ? Number(BigInt.asIntN(32, raw)) : src === 'u32' ? Number(raw) : src === 'i64' ? BigInt.asIntN(64, raw) : raw;
      got = fn(env, arg);
      resW = widthOf(dst);
    }
  } else {
    const w = widthOf(src);
    const a = parseFloatBits(v.a, w);
    const b = parseFloatBits(v.b, w);
    const c = parseFloatBits(v.c, w);
    got = v.op.endsWith('sqrt') ? fn(env, a) : v.op.endsWith('fma') ? fn(env, a, b, c) : fn(env, a, b);
    resW = w;
  }
  let ok: boolean;
  let gotHex: string;
  if (resW === 0) {
    const g = BigInt.asUintN(intW, BigInt(got as Bits));
    gotHex = g.toString(16);
    ok = g === BigInt('0x' + v.result);
  } else {
    const exp = parseFloatBits(v.result, resW);
    const g = got as Bits;
    gotHex = g.toString(16);
    ok = isNaNBits(exp, resW) ? g === canonical[resW] : g === exp;
  }
  let flags = v.flags;
  if (v.op.endsWith('fma') && resW !== 0 && fmaInfTimesZeroQuietAddend(v, resW)) {
    // IEEE 754-2008 §7.2 leaves invalid for inf*0 + qNaN to the implementation; x86/glibc do not
    // raise it, RISC-V unprivileged §11.6 requires NV.
    flags |= sf.FLAG_NV;
  }
  ok = ok && env.flags === flags;
  return ok ? undefined : { line: `${v.op} ${v.rm} ${v.a} ${v.b} ${v.c} -> ${v.result} ${v.flags.toString(16)}`, got: `${gotHex} ${env.flags.toString(16)}` };
}
