/**
 * Number fast paths. JS double arithmetic is IEEE 754 binary64 round-to-nearest-even; with the
 * error-free transforms TwoSum (Knuth) and TwoProduct (Dekker/Veltkamp splitting) the exact
 * rounding error of each double operation is known, which decides inexactness, the directed
 * roundings and RMM ties without BigInts. Each fast path only accepts operands and results in a
 * range where no over/underflow, subnormal or NaN handling can arise (so the architecture's NaN
 * and tininess rules cannot matter) and otherwise returns to the exact path in generic.ts.
 */
import { FLAG_NX, RDN, RMM, RNE, RTZ, RUP } from './env.js';
import type { FloatEnv } from './env.js';

const buf64 = new ArrayBuffer(8);
const d64 = new Float64Array(buf64);
const u64 = new BigUint64Array(buf64);
const w32 = new Uint32Array(buf64); // little-endian words of d64 (w32[0] low)
const buf32 = new ArrayBuffer(4);
const d32 = new Float32Array(buf32);
const u32 = new Uint32Array(buf32);

// Host byte order check: the word views below assume little-endian (x86-64, Arm64 Linux, ...).
d64[0] = 1;
const LE = w32[1] === 0x3ff00000;

export function f64FromBits(a: bigint): number {
  u64[0] = a;
  return d64[0]!;
}
export function f64ToBits(x: number): bigint {
  d64[0] = x;
  return u64[0]!;
}
export function f32FromBits(a: number): number {
  u32[0] = a;
  return d32[0]!;
}
/** Bits of a double that is exactly representable in binary32 (not NaN). */
export function f32ToBits(x: number): number {
  d32[0] = x;
  return u32[0]!;
}

export const MIN_NORMAL64 = 2 ** -1022;
export const MAX64 = Number.MAX_VALUE;
/** Results in [SAFE_LO, SAFE_HI) and their neighbours are normal and finite: no OF/UF possible. */
const SAFE_LO = 2 ** -1021;
const SAFE_HI = 2 ** 1023;
/** TwoProduct is exact when both factors are below 2^995 (splitting cannot overflow) and the
 * product's least significant bit is not below 2^-1074 (|product| >= 2^-968 guarantees it). */
const SPLIT_MAX = 2 ** 995;
const PROD_MIN = 2 ** -968;
const SPLITTER = 134217729; // 2^27 + 1

const MIN_NORMAL32 = 2 ** -126;
const F32_SAFE_LO = 2 ** -125;
const F32_SAFE_HI = 2 ** 127;

const LO = LE ? 0 : 1;
const HI = 1 - LO;

/** Next double from x (normal, nonzero) one unit away from zero (dir > 0) or towards it. */
function bump(x: number, dir: number): number {
  d64[0] = x;
  const lo = w32[LO]!;
  if (dir > 0) {
    if (lo === 0xffffffff) {
      w32[LO] = 0;
      w32[HI] = w32[HI]! + 1;
    } else w32[LO] = lo + 1;
  } else if (lo === 0) {
    w32[LO] = 0xffffffff;
    w32[HI] = w32[HI]! - 1;
  } else w32[LO] = lo - 1;
  return d64[0]!;
}

/** Neighbour of r (normal) in the direction of the sign of err (nonzero). */
function neighbour(r: number, err: number): number {
  return (err > 0) === (r > 0) ? bump(r, 1) : bump(r, -1);
}

/**
 * The exact value is v = r + err where r is a double in the safe range and err a double with
 * |err| <= half the gap between r and its neighbour towards err (r need not be RN(v) at a tie).
 * Returns the double that v rounds to in rm and raises NX if v != r.
 */
function roundNear(env: FloatEnv, r: number, err: number): number {
  if (err === 0) return r;
  env.flags |= FLAG_NX;
  switch (env.rm) {
    case RNE: {
      // (When r came straight from one double operation it is RN(v) already: see roundedNear.)
      const n = neighbour(r, err);
      if (2 * err !== n - r) return r;
      // Tie: the even significand (lowest significand bit clear).
      d64[0] = r;
      return (w32[LO]! & 1) === 0 ? r : n;
    }
    case RMM: {
      const n = neighbour(r, err);
      if (2 * err !== n - r) return r;
      return Math.abs(n) > Math.abs(r) ? n : r;
    }
    case RTZ:
      return (err > 0) !== (r > 0) ? bump(r, -1) : r;
    case RDN:
      return err < 0 ? neighbour(r, err) : r;
    case RUP:
      return err > 0 ? neighbour(r, err) : r;
    default:
      return r;
  }
}

/** As roundNear, for r = RN(v) computed by the hardware (add, mul): RNE needs no tie check. */
function roundedNear(env: FloatEnv, r: number, err: number): number {
  if (err === 0) return r;
  if (env.rm === RNE) {
    env.flags |= FLAG_NX;
    return r;
  }
  return roundNear(env, r, err);
}

function isSafe(r: number): boolean {
  const a = Math.abs(r);
  return a >= SAFE_LO && a < SAFE_HI;
}

function isNormal64(x: number): boolean {
  const a = Math.abs(x);
  return a >= MIN_NORMAL64 && a <= MAX64;
}

/** Error-free product: returns the low part (x*y - RN(x*y)); caller checks the range limits. */
function twoProductErr(x: number, y: number, p: number): number {
  let c = SPLITTER * x;
  const xh = c - (c - x);
  const xl = x - xh;
  c = SPLITTER * y;
  const yh = c - (c - y);
  const yl = y - yh;
  return xl * yl - (((p - xh * yh) - xl * yh) - xh * yl);
}

// ---------------------------------------------------------------------------------------------
// binary64: each returns the result double, or undefined to request the exact path.

/**
 * Sums and products with a zero operand and a normal or zero other operand (no subnormal, so
 * FZ's IDC cannot be involved): exact, no flags. IEEE 754-2008 §6.3: x + -x is +0 except -0 in RDN.
 */
function zeroAdd(env: FloatEnv, x: number, y: number, minNormal: number): number | undefined {
  if (x === 0) {
    if (y === 0) return Object.is(x, -0) !== Object.is(y, -0) ? (env.rm === RDN ? -0 : 0) : x;
    const a = Math.abs(y);
    return a >= minNormal && a < Infinity ? y : undefined;
  }
  if (y === 0) {
    const a = Math.abs(x);
    return a >= minNormal && a < Infinity ? x : undefined;
  }
  return undefined;
}

function zeroMul(x: number, y: number, minNormal: number): number | undefined {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if ((ax === 0 || (ax >= minNormal && ax < Infinity)) && (ay === 0 || (ay >= minNormal && ay < Infinity))) return x * y;
  return undefined;
}

export function fastAdd64(env: FloatEnv, x: number, y: number): number | undefined {
  if (!isNormal64(x) || !isNormal64(y)) return x === 0 || y === 0 ? zeroAdd(env, x, y, MIN_NORMAL64) : undefined;
  const s = x + y;
  if (!isSafe(s)) return undefined;
  const bb = s - x;
  const err = (x - (s - bb)) + (y - bb);
  return roundedNear(env, s, err);
}

export function fastMul64(env: FloatEnv, x: number, y: number): number | undefined {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (!(ax >= MIN_NORMAL64 && ax < SPLIT_MAX && ay >= MIN_NORMAL64 && ay < SPLIT_MAX)) {
    return x === 0 || y === 0 ? zeroMul(x, y, MIN_NORMAL64) : undefined;
  }
  const p = x * y;
  const ap = Math.abs(p);
  if (!(ap >= PROD_MIN && ap < SAFE_HI)) return undefined;
  return roundedNear(env, p, twoProductErr(x, y, p));
}

export function fastDiv64(env: FloatEnv, x: number, y: number): number | undefined {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (!(ax >= PROD_MIN && ax < SAFE_HI && ay >= MIN_NORMAL64 && ay < SPLIT_MAX)) return undefined;
  const q = x / y;
  const aq = Math.abs(q);
  if (!(aq >= SAFE_LO && aq < SPLIT_MAX)) return undefined;
  // x - q*y exactly: q*y = ph + pl; x - ph is exact (Sterbenz), and the sign of the rounded
  // difference (x - ph) - pl is the sign of the exact one. Quotients are never ties.
  const ph = q * y;
  const pl = twoProductErr(q, y, ph);
  const d = x - ph;
  if (d === pl) return q;
  return roundNearNoTie(env, q, (d - pl > 0) === (y > 0) ? 1 : -1);
}

export function fastSqrt64(env: FloatEnv, x: number): number | undefined {
  if (!(x >= PROD_MIN && x < 2 ** 1022)) return undefined; // r*r stays finite
  const r = Math.sqrt(x);
  const ph = r * r;
  const pl = twoProductErr(r, r, ph);
  const d = x - ph;
  if (d === pl) return r;
  return roundNearNoTie(env, r, d - pl > 0 ? 1 : -1);
}

/** v = r + (tiny of sign sgn), never a tie: nearest is r. */
function roundNearNoTie(env: FloatEnv, r: number, sgn: number): number {
  env.flags |= FLAG_NX;
  switch (env.rm) {
    case RTZ:
      return (sgn > 0) !== (r > 0) ? bump(r, -1) : r;
    case RDN:
      return sgn < 0 ? neighbour(r, sgn) : r;
    case RUP:
      return sgn > 0 ? neighbour(r, sgn) : r;
    default:
      return r;
  }
}

export function fastFma64(env: FloatEnv, x: number, y: number, z: number): number | undefined {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const az = Math.abs(z);
  if (!(ax >= MIN_NORMAL64 && ax < SPLIT_MAX && ay >= MIN_NORMAL64 && ay < SPLIT_MAX)) return undefined;
  if (!(az >= MIN_NORMAL64 && az < 2 ** 1022)) return undefined;
  const p = x * y;
  const ap = Math.abs(p);
  if (!(ap >= PROD_MIN && ap < 2 ** 1022)) return undefined;
  const pe = twoProductErr(x, y, p);
  // x*y + z = s + t + pe exactly
  const s = p + z;
  let bb = s - p;
  const t = (p - (s - bb)) + (z - bb);
  // t + pe = u + w exactly
  const u = t + pe;
  bb = u - t;
  const w = (t - (u - bb)) + (pe - bb);
  // s + u = r + e2 exactly
  const r = s + u;
  if (!isSafe(r)) return undefined;
  bb = r - s;
  const e2 = (s - (r - bb)) + (u - bb);
  // v = r + e2 + w; e2 + w = err + w2 exactly
  const err = e2 + w;
  bb = err - e2;
  const w2 = (e2 - (err - bb)) + (w - bb);
  if (err === 0) return w2 === 0 ? r : undefined;
  // v = r + err (+ w2, far below err's last bit). Rounding is decided by r and its neighbour n
  // towards err when |err| is at most half the gap (a tie only when exactly half and w2 == 0).
  const n = neighbour(r, err);
  const gap = Math.abs(n - r);
  const a2 = Math.abs(2 * err);
  if (w2 === 0 ? a2 > gap : a2 >= gap) return undefined;
  env.flags |= FLAG_NX;
  switch (env.rm) {
    case RNE:
      if (a2 !== gap) return r;
      d64[0] = r;
      return (w32[LO]! & 1) === 0 ? r : n;
    case RMM:
      if (a2 !== gap) return r;
      return Math.abs(n) > Math.abs(r) ? n : r;
    case RTZ:
      return (err > 0) !== (r > 0) ? n : r;
    case RDN:
      return err < 0 ? n : r;
    case RUP:
      return err > 0 ? n : r;
    default:
      return r;
  }
}

// ---------------------------------------------------------------------------------------------
// binary32 through doubles: the double result s and its exact error e (v = s + e, |e| at most
// half an ulp of s) are rounded once more to binary32 here.

function isNormal32(x: number): boolean {
  const a = Math.abs(x);
  return a >= MIN_NORMAL32 && a < Infinity;
}

/** Neighbouring binary32 of f (a binary32 value, normal) in direction dir (+1 up, -1 down). */
function next32(f: number, dir: number): number {
  d32[0] = f;
  const b = u32[0]!;
  u32[0] = (f > 0) === (dir > 0) ? b + 1 : b - 1;
  return d32[0]!;
}

/**
 * Round v = s + e to binary32 in env.rm (|s| in [2^-125, 2^127), so no over/underflow);
 * returns the bits. `e` may be a sign-only stand-in (+-1 scaled below s's ulp is not needed:
 * only its sign and whether it is zero are used, except that a zero e with s at a binary32
 * midpoint is an exact tie).
 */
function round32(env: FloatEnv, s: number, e: number, innocuous: boolean): number {
  const f = Math.fround(s);
  if (f === s && e === 0) return f32ToBits(f);
  // Rounding RN64(v) to binary32 in RNE equals RN32(v) for +, -, *, / and sqrt, whose exact results
  // cannot sit within 2^-53 relatively of a binary32 midpoint without being on it (double rounding
  // is innocuous when 53 >= 2*24 + 2; Figueroa, "When is double rounding innocuous?", 1995).
  if (innocuous && env.rm === RNE) {
    env.flags |= FLAG_NX;
    return f32ToBits(f);
  }
  if (f === s) {
    env.flags |= FLAG_NX;
    switch (env.rm) {
      case RTZ:
        return f32ToBits((e > 0) !== (f > 0) ? next32(f, -Math.sign(f)) : f);
      case RDN:
        return f32ToBits(e < 0 ? next32(f, -1) : f);
      case RUP:
        return f32ToBits(e > 0 ? next32(f, 1) : f);
      default:
        return f32ToBits(f);
    }
  }
  env.flags |= FLAG_NX;
  const dirG = s > f ? 1 : -1;
  const g = next32(f, dirG);
  switch (env.rm) {
    case RTZ:
      return f32ToBits(Math.abs(f) < Math.abs(g) ? f : g);
    case RDN:
      return f32ToBits(f < g ? f : g);
    case RUP:
      return f32ToBits(f > g ? f : g);
    default: {
      const d = s - (f + g) / 2; // exact: s and the midpoint share a binade
      const side = d !== 0 ? Math.sign(d) : Math.sign(e);
      if (side === 0) {
        // exact tie: RNE already chose the even one (f); RMM takes the larger magnitude
        return f32ToBits(env.rm === RMM && Math.abs(g) > Math.abs(f) ? g : f);
      }
      return f32ToBits(side === dirG ? g : f);
    }
  }
}

function safe32(s: number): boolean {
  const a = Math.abs(s);
  return a >= F32_SAFE_LO && a < F32_SAFE_HI;
}

export function fastAdd32(env: FloatEnv, x: number, y: number): number | undefined {
  if (!isNormal32(x) || !isNormal32(y)) {
    if (x !== 0 && y !== 0) return undefined;
    const r = zeroAdd(env, x, y, MIN_NORMAL32);
    return r === undefined ? undefined : f32ToBits(r);
  }
  const s = x + y;
  if (!safe32(s)) return undefined;
  const bb = s - x;
  const e = (x - (s - bb)) + (y - bb);
  if (env.rm === RNE) return rne32(env, s, e);
  return round32(env, s, e, true);
}

/** The RNE case of round32 for innocuous double rounding, small enough to be inlined. */
function rne32(env: FloatEnv, s: number, e: number): number {
  const f = Math.fround(s);
  if (f !== s || e !== 0) env.flags |= FLAG_NX;
  d32[0] = f;
  return u32[0]!;
}

export function fastMul32(env: FloatEnv, x: number, y: number): number | undefined {
  if (!isNormal32(x) || !isNormal32(y)) {
    if (x !== 0 && y !== 0) return undefined;
    const r = zeroMul(x, y, MIN_NORMAL32);
    return r === undefined ? undefined : f32ToBits(r);
  }
  const s = x * y; // exact: 24 + 24 significant bits
  if (!safe32(s)) return undefined;
  if (env.rm === RNE) return rne32(env, s, 0);
  return round32(env, s, 0, true);
}

export function fastDiv32(env: FloatEnv, x: number, y: number): number | undefined {
  if (!isNormal32(x) || !isNormal32(y)) return undefined;
  const q = x / y;
  if (!safe32(q)) return undefined;
  const ph = q * y;
  const pl = twoProductErr(q, y, ph);
  const d = x - ph;
  if (d === pl) return round32(env, q, 0, true);
  return round32(env, q, (d - pl > 0) === (y > 0) ? 1 : -1, true);
}

export function fastSqrt32(env: FloatEnv, x: number): number | undefined {
  if (!(x >= MIN_NORMAL32 && x < Infinity)) return undefined;
  const r = Math.sqrt(x);
  const ph = r * r;
  const pl = twoProductErr(r, r, ph);
  const d = x - ph;
  return round32(env, r, d === pl ? 0 : d - pl > 0 ? 1 : -1, true);
}

export function fastFma32(env: FloatEnv, x: number, y: number, z: number): number | undefined {
  if (!isNormal32(x) || !isNormal32(y) || !isNormal32(z)) return undefined;
  const p = x * y; // exact
  const s = p + z;
  if (!safe32(s)) return undefined;
  const bb = s - p;
  // The sum p + z can land near a binary32 midpoint: the full rounding below is needed.
  return round32(env, s, (p - (s - bb)) + (z - bb), false);
}

/** Round an exactly known double (binary32 conversions of f64 and of integers). */
export function fastRound32(env: FloatEnv, x: number): number | undefined {
  if (!safe32(x)) return undefined;
  if (env.rm === RNE) return rne32(env, x, 0);
  return round32(env, x, 0, true);
}

// ---------------------------------------------------------------------------------------------
// Integers

/** Round a finite double to an integral double in rm (the sign of a zero result is not meaningful). */
export function roundIntegral(x: number, rm: number): number {
  const t = Math.trunc(x);
  // |x - trunc(x)| is exact: for |x| >= 1 it only drops leading bits, for |x| < 1 it is |x|.
  // (x - floor(x) is not: -0.49999999999999994 + 1 needs 54 bits.)
  const d = Math.abs(x - t);
  if (d === 0) return t;
  const away = x < 0 ? t - 1 : t + 1;
  switch (rm) {
    case RTZ:
      return t;
    case RDN:
      return x < 0 ? away : t;
    case RUP:
      return x > 0 ? away : t;
    case RMM:
      return d >= 0.5 ? away : t;
    default:
      return d > 0.5 || (d === 0.5 && t % 2 !== 0) ? away : t;
  }
}
