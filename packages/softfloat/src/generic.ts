/**
 * Exact reference arithmetic for any IEEE 754 binary format, on bigint bit patterns.
 *
 * Every operation decodes its operands to sign / bigint significand / exponent, computes the
 * exact result (or enough bits plus a sticky bit), and rounds ONCE through `roundPack`. This is
 * the path every special case, subnormal, overflow and non-RNE corner goes through; the number
 * fast paths in fast.ts defer to it whenever they cannot prove their answer.
 */
import {
  FLAG_DZ,
  FLAG_IDC,
  FLAG_NV,
  FLAG_NX,
  FLAG_OF,
  FLAG_UF,
  RDN,
  RMM,
  RNE,
  ROUND_ODD,
  RTZ,
  RUP,
  type CmpResult,
  type FloatEnv,
} from './env.js';

export interface Format {
  readonly width: number;
  readonly ebits: number;
  /** Stored fraction bits. */
  readonly mbits: number;
  /** Precision including the hidden bit. */
  readonly p: number;
  readonly bias: number;
  /** Minimum normal exponent (1 - bias). */
  readonly emin: number;
  /** Maximum finite exponent (bias). */
  readonly emax: number;
  readonly expField: bigint; // all-ones exponent field, unshifted
  readonly fracMask: bigint;
  readonly quietBit: bigint;
  readonly signBit: bigint;
  readonly inf: bigint;
  readonly maxFinite: bigint;
  /** RISC-V canonical NaN == Arm default NaN: positive, quiet, zero payload. */
  readonly defaultNaN: bigint;
  /** Arm FPCR.FZ governs single and double; half precision has FPCR.FZ16 instead. */
  readonly flushable: boolean;
}

function makeFormat(ebits: number, mbits: number): Format {
  const width = 1 + ebits + mbits;
  const bias = (1 << (ebits - 1)) - 1;
  const expField = (1n << BigInt(ebits)) - 1n;
  const fracMask = (1n << BigInt(mbits)) - 1n;
  const inf = expField << BigInt(mbits);
  const quietBit = 1n << BigInt(mbits - 1);
  return {
    width,
    ebits,
    mbits,
    p: mbits + 1,
    bias,
    emin: 1 - bias,
    emax: bias,
    expField,
    fracMask,
    quietBit,
    signBit: 1n << BigInt(width - 1),
    inf,
    maxFinite: inf - 1n,
    defaultNaN: inf | quietBit,
    flushable: width !== 16,
  };
}

export const F16: Format = makeFormat(5, 10);
export const F32: Format = makeFormat(8, 23);
export const F64: Format = makeFormat(11, 52);

export const enum Cls {
  Zero = 0,
  Finite = 1,
  Inf = 2,
  QNaN = 3,
  SNaN = 4,
}

/** A decoded operand. For Finite, |value| = sig * 2^exp with sig > 0. */
export interface Unpacked {
  cls: Cls;
  sign: number;
  sig: bigint;
  exp: number;
  bits: bigint;
}

export function bitLength(x: bigint): number {
  let n = 0;
  while (x >= 0x10000000000000000n) {
    x >>= 64n;
    n += 64;
  }
  const hi = Number(x >> 32n);
  if (hi !== 0) return n + 64 - Math.clz32(hi);
  const lo = Number(x);
  return lo === 0 ? n : n + 32 - Math.clz32(lo);
}

/**
 * Decode. With env.fz (Arm FPCR.FZ) a subnormal single/double input reads as a zero of the same
 * sign and raises IDC (Arm ARM FPUnpackBase: "if fpcr.FZ == '1' ... FPProcessException(FPExc_InputDenorm)");
 * with env.fz16 a subnormal half input reads as zero without IDC.
 */
/** Whether Arm flush-to-zero applies to format f: FPCR.FZ for single/double, FZ16 for half. */
export function flushes(f: Format, env: FloatEnv): boolean {
  return f.flushable ? env.fz === true : env.fz16 === true;
}

export function unpack(f: Format, bits: bigint, env: FloatEnv, flush: boolean = flushes(f, env)): Unpacked {
  const sign = Number(bits >> BigInt(f.width - 1)) & 1;
  const e = Number((bits >> BigInt(f.mbits)) & f.expField);
  const frac = bits & f.fracMask;
  if (e === 0) {
    if (frac === 0n) return { cls: Cls.Zero, sign, sig: 0n, exp: 0, bits };
    if (flush) {
      // FPUnpackBase raises InputDenorm for single/double only; FZ16 flushes half silently.
      if (f.flushable) env.flags |= FLAG_IDC;
      return { cls: Cls.Zero, sign, sig: 0n, exp: 0, bits: bits & f.signBit };
    }
    return { cls: Cls.Finite, sign, sig: frac, exp: f.emin - f.mbits, bits };
  }
  if (e === Number(f.expField)) {
    if (frac === 0n) return { cls: Cls.Inf, sign, sig: 0n, exp: 0, bits };
    return { cls: (frac & f.quietBit) !== 0n ? Cls.QNaN : Cls.SNaN, sign, sig: 0n, exp: 0, bits };
  }
  return { cls: Cls.Finite, sign, sig: frac | (1n << BigInt(f.mbits)), exp: e - f.bias - f.mbits, bits };
}

export function isNaNCls(c: Cls): boolean {
  return c === Cls.QNaN || c === Cls.SNaN;
}

export function packZero(f: Format, sign: number): bigint {
  return sign ? f.signBit : 0n;
}

export function packInf(f: Format, sign: number): bigint {
  return sign ? f.signBit | f.inf : f.inf;
}

/**
 * Whether rounding the magnitude `q + rem/2^shift` (rem < 2^shift) up by one unit is required.
 * IEEE 754-2008 §4.3: RNE ties to even, RMM ties away from zero, directed modes by sign.
 */
function roundUp(rm: number, sign: number, qOdd: boolean, rem: bigint, half: bigint): boolean {
  if (rem === 0n) return false;
  switch (rm) {
    case RNE:
      return rem > half || (rem === half && qOdd);
    case RTZ:
      return false;
    case RDN:
      return sign === 1;
    case RUP:
      return sign === 0;
    case RMM:
      return rem >= half;
    default:
      // Reserved encodings never reach here: the CPU models raise illegal-instruction first.
      return rem > half || (rem === half && qOdd);
  }
}

/**
 * Round the exact nonzero magnitude sig * 2^exp (sign `sign`) to format f in env.rm and encode it,
 * raising NX/UF/OF. `sig` may carry a sticky bit in its least significant position as long as
 * it holds at least p+2 significant bits (so the sticky sits strictly below the rounding bit).
 *
 * Tininess: env.nan === 'riscv' detects it after rounding (RISC-V unprivileged §11.2; IEEE 754-2008
 * §7.5 option "after rounding", also x86 SSE); 'arm' detects it before rounding (Arm ARM
 * FPRoundBase: biased_exp == 0 before rounding && error != 0 -> Underflow).
 * With env.fz (Arm), a result whose unrounded exponent is below emin becomes zero and raises UFC
 * only (FPRoundBase: "Flush-to-zero never generates a trapped exception ... FPSR.UFC = '1'").
 */
export function roundPack(
  f: Format,
  env: FloatEnv,
  sign: number,
  sig: bigint,
  exp: number,
  rm: number = env.rm,
  flush: boolean = flushes(f, env),
): bigint {
  const n = bitLength(sig);
  const E = exp + n - 1; // exponent of the leading bit
  if (E < f.emin && flush) {
    env.flags |= FLAG_UF;
    return packZero(f, sign);
  }
  let lsbExp = (E > f.emin ? E : f.emin) - (f.p - 1);
  let M: bigint;
  let inexact = false;
  const shift = lsbExp - exp;
  if (shift <= 0) {
    M = sig << BigInt(-shift);
  } else {
    const s = BigInt(shift);
    M = sig >> s;
    const rem = sig & ((1n << s) - 1n);
    if (rem !== 0n) {
      inexact = true;
      if (rm === ROUND_ODD) M |= 1n;
      else if (roundUp(rm, sign, (M & 1n) === 1n, rem, 1n << (s - 1n))) M += 1n;
    }
  }
  const top = 1n << BigInt(f.p);
  if (M === top) {
    M >>= 1n;
    lsbExp += 1;
  }
  if (inexact && E < f.emin) {
    let tiny = true;
    if (env.nan === 'riscv' && E === f.emin - 1) {
      // After rounding: would rounding to p bits with an unbounded exponent reach 2^emin?
      const s2 = BigInt(n - f.p);
      // n > p here: E = emin-1 and exp < lsbExp of the subnormal grid imply more bits than p.
      const q = sig >> s2;
      const rem = sig & ((1n << s2) - 1n);
      const rq = roundUp(rm, sign, (q & 1n) === 1n, rem, 1n << (s2 - 1n)) ? q + 1n : q;
      if (rq === 1n << BigInt(f.p)) tiny = false;
    }
    if (tiny) env.flags |= FLAG_UF;
  }
  const hidden = 1n << BigInt(f.mbits);
  let bits: bigint;
  if (M >= hidden) {
    const be = lsbExp + (f.p - 1) + f.bias;
    if (be >= Number(f.expField)) {
      env.flags |= FLAG_OF | FLAG_NX;
      return overflowResult(f, sign, rm);
    }
    bits = (BigInt(be) << BigInt(f.mbits)) | (M - hidden);
  } else {
    bits = M; // subnormal (or zero after rounding down)
  }
  if (inexact) env.flags |= FLAG_NX;
  return sign ? bits | f.signBit : bits;
}

/** IEEE 754-2008 §7.4: overflow delivers infinity or the largest finite number by rounding direction. */
export function overflowResult(f: Format, sign: number, rm: number): bigint {
  let toInf: boolean;
  switch (rm) {
    case RTZ:
    case ROUND_ODD:
      toInf = false;
      break;
    case RDN:
      toInf = sign === 1;
      break;
    case RUP:
      toInf = sign === 0;
      break;
    default:
      toInf = true;
  }
  const mag = toInf ? f.inf : f.maxFinite;
  return sign ? mag | f.signBit : mag;
}

/** Re-encode an operand exactly (after fz flushing): used where a result is one of the inputs. */
function repack(f: Format, env: FloatEnv, u: Unpacked): bigint {
  if (u.cls === Cls.Zero) return packZero(f, u.sign);
  if (u.cls === Cls.Inf) return packInf(f, u.sign);
  return roundPack(f, env, u.sign, u.sig, u.exp);
}

/**
 * NaN result for an operation whose operands (in the architecture's priority order) include a NaN.
 * RISC-V: canonical NaN, NV iff any operand is signaling (unprivileged §11.3).
 * Arm: FPProcessNaNs/FPProcessNaNs3 — the first signaling NaN quietened, else the first quiet NaN;
 * FPCR.DN selects the default NaN; IOC iff the chosen NaN was signaling, i.e. iff any was.
 */
export function propagateNaN(f: Format, env: FloatEnv, ops: readonly Unpacked[]): bigint {
  let firstS: Unpacked | undefined;
  let firstQ: Unpacked | undefined;
  for (const u of ops) {
    if (u.cls === Cls.SNaN) {
      if (!firstS) firstS = u;
    } else if (u.cls === Cls.QNaN) {
      if (!firstQ) firstQ = u;
    }
  }
  if (firstS) env.flags |= FLAG_NV;
  if (env.nan === 'riscv' || env.dn) return f.defaultNaN;
  const chosen = firstS ?? firstQ;
  return chosen ? chosen.bits | f.quietBit : f.defaultNaN;
}

export function invalid(f: Format, env: FloatEnv): bigint {
  env.flags |= FLAG_NV;
  return f.defaultNaN;
}

export function zeroSumSign(env: FloatEnv): number {
  // IEEE 754-2008 §6.3: an exact zero sum of opposite-signed operands is +0, except -0 in roundTowardNegative.
  return env.rm === RDN ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

export function gAdd(f: Format, env: FloatEnv, a: bigint, b: bigint, negB: boolean): bigint {
  const ua = unpack(f, a, env);
  const ub = unpack(f, b, env);
  if (isNaNCls(ua.cls) || isNaNCls(ub.cls)) return propagateNaN(f, env, [ua, ub]);
  const sb = negB ? ub.sign ^ 1 : ub.sign;
  if (ua.cls === Cls.Inf) {
    if (ub.cls === Cls.Inf && sb !== ua.sign) return invalid(f, env);
    return packInf(f, ua.sign);
  }
  if (ub.cls === Cls.Inf) return packInf(f, sb);
  if (ua.cls === Cls.Zero && ub.cls === Cls.Zero) {
    return packZero(f, ua.sign === sb ? ua.sign : zeroSumSign(env));
  }
  if (ub.cls === Cls.Zero) return roundPack(f, env, ua.sign, ua.sig, ua.exp);
  if (ua.cls === Cls.Zero) return roundPack(f, env, sb, ub.sig, ub.exp);
  return addFinite(f, env, ua.sign, ua.sig, ua.exp, sb, ub.sig, ub.exp);
}

/** Exact sum of two nonzero finite values, rounded once. */
function addFinite(f: Format, env: FloatEnv, sa: number, ma: bigint, ea: number, sb: number, mb: bigint, eb: number): bigint {
  // Bound the alignment shift: when one operand lies wholly below both the other's lowest set bit
  // and its rounding position (minus a margin), only its sign and non-zeroness matter, so it is
  // replaced by a small power of two in the same open interval. Keeps BigInts short for f64 sums.
  const la = ea + bitLength(ma);
  const lb = eb + bitLength(mb);
  const gap = f.p + 4;
  if (lb < la - gap && lb <= ea) {
    mb = 1n;
    eb = Math.min(ea, la - gap) - 2;
  } else if (la < lb - gap && la <= eb) {
    ma = 1n;
    ea = Math.min(eb, lb - gap) - 2;
  }
  const e = ea < eb ? ea : eb;
  const A = ma << BigInt(ea - e);
  const B = mb << BigInt(eb - e);
  let s = (sa ? -A : A) + (sb ? -B : B);
  if (s === 0n) return packZero(f, zeroSumSign(env));
  let sign = 0;
  if (s < 0n) {
    sign = 1;
    s = -s;
  }
  return roundPack(f, env, sign, s, e);
}

export function gMul(f: Format, env: FloatEnv, a: bigint, b: bigint): bigint {
  const ua = unpack(f, a, env);
  const ub = unpack(f, b, env);
  if (isNaNCls(ua.cls) || isNaNCls(ub.cls)) return propagateNaN(f, env, [ua, ub]);
  const sign = ua.sign ^ ub.sign;
  if (ua.cls === Cls.Inf || ub.cls === Cls.Inf) {
    if (ua.cls === Cls.Zero || ub.cls === Cls.Zero) return invalid(f, env);
    return packInf(f, sign);
  }
  if (ua.cls === Cls.Zero || ub.cls === Cls.Zero) return packZero(f, sign);
  return roundPack(f, env, sign, ua.sig * ub.sig, ua.exp + ub.exp);
}

/** Arm FMULX (FPMulX): as multiply, except inf * 0 gives 2.0 with the product's sign. */
export function gMulX(f: Format, env: FloatEnv, a: bigint, b: bigint): bigint {
  const ua = unpack(f, a, env);
  const ub = unpack(f, b, env);
  const infZero =
    (ua.cls === Cls.Inf && ub.cls === Cls.Zero) || (ua.cls === Cls.Zero && ub.cls === Cls.Inf);
  if (infZero) return roundPack(f, env, ua.sign ^ ub.sign, 2n, 0);
  return gMul(f, env, a, b);
}

export function gDiv(f: Format, env: FloatEnv, a: bigint, b: bigint): bigint {
  const ua = unpack(f, a, env);
  const ub = unpack(f, b, env);
  if (isNaNCls(ua.cls) || isNaNCls(ub.cls)) return propagateNaN(f, env, [ua, ub]);
  const sign = ua.sign ^ ub.sign;
  if (ua.cls === Cls.Inf) {
    if (ub.cls === Cls.Inf) return invalid(f, env);
    return packInf(f, sign);
  }
  if (ub.cls === Cls.Inf) return packZero(f, sign);
  if (ub.cls === Cls.Zero) {
    if (ua.cls === Cls.Zero) return invalid(f, env);
    env.flags |= FLAG_DZ;
    return packInf(f, sign);
  }
  if (ua.cls === Cls.Zero) return packZero(f, sign);
  // Quotient with at least p+2 bits, remainder folded into a sticky bit.
  let k = f.p + 2 + bitLength(ub.sig) - bitLength(ua.sig);
  if (k < 0) k = 0;
  const num = ua.sig << BigInt(k);
  const q = num / ub.sig;
  const r = num - q * ub.sig;
  const sig = (q << 1n) | (r !== 0n ? 1n : 0n);
  return roundPack(f, env, sign, sig, ua.exp - ub.exp - k - 1);
}

/** floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  const bl = bitLength(n);
  // Start above the root so Newton's iteration decreases monotonically to it.
  let x = 1n << BigInt((bl >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function gSqrt(f: Format, env: FloatEnv, a: bigint): bigint {
  const ua = unpack(f, a, env);
  if (isNaNCls(ua.cls)) return propagateNaN(f, env, [ua]);
  if (ua.cls === Cls.Zero) return packZero(f, ua.sign); // sqrt(-0) = -0 (IEEE 754-2008 §5.4.1)
  if (ua.sign) return invalid(f, env);
  if (ua.cls === Cls.Inf) return packInf(f, 0);
  let m = ua.sig;
  let e = ua.exp;
  if (e & 1) {
    m <<= 1n;
    e -= 1;
  }
  let k = Math.ceil((2 * (f.p + 2) - bitLength(m)) / 2) + 1;
  if (k < 0) k = 0;
  const n = m << BigInt(2 * k);
  const r = isqrt(n);
  const sig = (r << 1n) | (r * r !== n ? 1n : 0n);
  return roundPack(f, env, 0, sig, (e - 2 * k) / 2 - 1);
}

/** Fused a*b + c with a single rounding (IEEE 754-2008 §5.4.1 fusedMultiplyAdd). */
export function gFma(f: Format, env: FloatEnv, a: bigint, b: bigint, c: bigint): bigint {
  const ua = unpack(f, a, env);
  const ub = unpack(f, b, env);
  const uc = unpack(f, c, env);
  const infTimesZero =
    (ua.cls === Cls.Inf && ub.cls === Cls.Zero) || (ua.cls === Cls.Zero && ub.cls === Cls.Inf);
  if (isNaNCls(ua.cls) || isNaNCls(ub.cls) || isNaNCls(uc.cls)) {
    // Arm FPMulAdd processes the addend first (FPProcessNaNs3(typeA, type1, type2)).
    const r = propagateNaN(f, env, env.nan === 'arm' ? [uc, ua, ub] : [ua, ub, uc]);
    // RISC-V unprivileged §11.6: inf*0 raises NV even when the addend is a quiet NaN.
    // Arm FPMulAdd: a quiet-NaN addend with inf*0 gives the default NaN and IOC.
    if (infTimesZero && uc.cls === Cls.QNaN) {
      env.flags |= FLAG_NV;
      return f.defaultNaN;
    }
    return r;
  }
  if (infTimesZero) return invalid(f, env);
  const sp = ua.sign ^ ub.sign;
  if (ua.cls === Cls.Inf || ub.cls === Cls.Inf) {
    if (uc.cls === Cls.Inf && uc.sign !== sp) return invalid(f, env);
    return packInf(f, sp);
  }
  if (uc.cls === Cls.Inf) return packInf(f, uc.sign);
  if (ua.cls === Cls.Zero || ub.cls === Cls.Zero) {
    if (uc.cls === Cls.Zero) return packZero(f, uc.sign === sp ? sp : zeroSumSign(env));
    return roundPack(f, env, uc.sign, uc.sig, uc.exp);
  }
  const mp = ua.sig * ub.sig;
  const ep = ua.exp + ub.exp;
  if (uc.cls === Cls.Zero) return roundPack(f, env, sp, mp, ep);
  return addFinite(f, env, sp, mp, ep, uc.sign, uc.sig, uc.exp);
}

// ---------------------------------------------------------------------------------------------
// Comparison, min/max, classification

/** Signed comparison of two non-NaN decoded values: -1, 0, 1 (zeros compare equal). */
function compareValues(f: Format, a: Unpacked, b: Unpacked): number {
  if (a.cls === Cls.Zero && b.cls === Cls.Zero) return 0;
  // The magnitude bits of non-NaN encodings order like the magnitudes (flushed inputs are zeros).
  const ka = a.cls === Cls.Zero ? 0n : a.bits & ~f.signBit;
  const kb = b.cls === Cls.Zero ? 0n : b.bits & ~f.signBit;
  const va = a.sign ? -ka : ka;
  const vb = b.sign ? -kb : kb;
  return va < vb ? -1 : va > vb ? 1 : 0;
}

export function gCmp(f: Format, env: FloatEnv, a: bigint, b: bigint, signaling: boolean): CmpResult {
  const ua = unpack(f, a, env);
  const ub = unpack(f, b, env);
  if (isNaNCls(ua.cls) || isNaNCls(ub.cls)) {
    if (signaling || ua.cls === Cls.SNaN || ub.cls === Cls.SNaN) env.flags |= FLAG_NV;
    return 'un';
  }
  const c = compareValues(f, ua, ub);
  return c < 0 ? 'lt' : c > 0 ? 'gt' : 'eq';
}

/**
 * RISC-V FMIN/FMAX (unprivileged 20191213 §11.6, version 2.2 semantics = IEEE 754-2019
 * minimumNumber/maximumNumber): a NaN operand is ignored, both NaN -> canonical NaN,
 * any signaling NaN raises NV; -0 is less than +0.
 */
function riscvMinMax(f: Format, env: FloatEnv, a: bigint, b: bigint, isMax: boolean): bigint {
  const ua = unpack(f, a, env);
  const ub = unpack(f, b, env);
  const na = isNaNCls(ua.cls);
  const nb = isNaNCls(ub.cls);
  if (ua.cls === Cls.SNaN || ub.cls === Cls.SNaN) env.flags |= FLAG_NV;
  if (na && nb) return f.defaultNaN;
  if (na) return b;
  if (nb) return a;
  let c = compareValues(f, ua, ub);
  if (c === 0 && ua.cls === Cls.Zero) c = ua.sign === ub.sign ? 0 : ua.sign ? -1 : 1;
  return (isMax ? c >= 0 : c <= 0) ? a : b;
}

/**
 * Arm FPMin/FPMax (NaN-propagating, FMIN/FMAX) and, with `numberPreferring`, FPMinNum/FPMaxNum
 * (FMINNM/FMAXNM): a single quiet NaN is replaced by the infinity that loses, then FPMin/FPMax.
 * Zeros: min of opposite-signed zeros is -0, max is +0 (sign OR / AND).
 */
function armMinMax(f: Format, env: FloatEnv, a: bigint, b: bigint, isMax: boolean, numberPreferring: boolean): bigint {
  let ua = unpack(f, a, env);
  let ub = unpack(f, b, env);
  if (numberPreferring) {
    const lose: Unpacked = { cls: Cls.Inf, sign: isMax ? 1 : 0, sig: 0n, exp: 0, bits: packInf(f, isMax ? 1 : 0) };
    if (ua.cls === Cls.QNaN && !isNaNCls(ub.cls)) ua = lose;
    else if (ub.cls === Cls.QNaN && !isNaNCls(ua.cls)) ub = lose;
  }
  if (isNaNCls(ua.cls) || isNaNCls(ub.cls)) return propagateNaN(f, env, [ua, ub]);
  if (ua.cls === Cls.Zero && ub.cls === Cls.Zero) {
    const s = isMax ? ua.sign & ub.sign : ua.sign | ub.sign;
    return packZero(f, s);
  }
  const c = compareValues(f, ua, ub);
  const pick = isMax ? (c > 0 ? ua : ub) : c < 0 ? ua : ub;
  return repack(f, env, pick);
}

/**
 * IEEE 754-2019 minimum/maximum: any NaN operand gives a NaN (RISC-V Zfa FMINM/FMAXM: the
 * canonical NaN, NV for signaling NaNs; Arm: FMIN/FMAX's propagation), -0 < +0.
 */
function minimumMaximum(f: Format, env: FloatEnv, a: bigint, b: bigint, isMax: boolean): bigint {
  if (env.nan === 'arm') return armMinMax(f, env, a, b, isMax, false);
  const ua = unpack(f, a, env);
  const ub = unpack(f, b, env);
  if (isNaNCls(ua.cls) || isNaNCls(ub.cls)) return propagateNaN(f, env, [ua, ub]);
  return riscvMinMax(f, env, a, b, isMax);
}
export function gMinimum(f: Format, env: FloatEnv, a: bigint, b: bigint): bigint {
  return minimumMaximum(f, env, a, b, false);
}
export function gMaximum(f: Format, env: FloatEnv, a: bigint, b: bigint): bigint {
  return minimumMaximum(f, env, a, b, true);
}

export function gMin(f: Format, env: FloatEnv, a: bigint, b: bigint): bigint {
  return env.nan === 'riscv' ? riscvMinMax(f, env, a, b, false) : armMinMax(f, env, a, b, false, false);
}
export function gMax(f: Format, env: FloatEnv, a: bigint, b: bigint): bigint {
  return env.nan === 'riscv' ? riscvMinMax(f, env, a, b, true) : armMinMax(f, env, a, b, true, false);
}
export function gMinNum(f: Format, env: FloatEnv, a: bigint, b: bigint): bigint {
  return env.nan === 'riscv' ? riscvMinMax(f, env, a, b, false) : armMinMax(f, env, a, b, false, true);
}
export function gMaxNum(f: Format, env: FloatEnv, a: bigint, b: bigint): bigint {
  return env.nan === 'riscv' ? riscvMinMax(f, env, a, b, true) : armMinMax(f, env, a, b, true, true);
}

/** RISC-V FCLASS mask (unprivileged §11.9, Table 11.5). Works on raw bits, no flags. */
export function gClassify(f: Format, a: bigint): number {
  const sign = Number(a >> BigInt(f.width - 1)) & 1;
  const e = (a >> BigInt(f.mbits)) & f.expField;
  const frac = a & f.fracMask;
  if (e === f.expField) {
    if (frac === 0n) return sign ? 1 << 0 : 1 << 7;
    return (frac & f.quietBit) !== 0n ? 1 << 9 : 1 << 8;
  }
  if (e === 0n) {
    if (frac === 0n) return sign ? 1 << 3 : 1 << 4;
    return sign ? 1 << 2 : 1 << 5;
  }
  return sign ? 1 << 1 : 1 << 6;
}

// ---------------------------------------------------------------------------------------------
// Integers

/** Round sig*2^exp to an integer magnitude in mode rm. */
function roundToIntMag(sign: number, sig: bigint, exp: number, rm: number): { mag: bigint; inexact: boolean } {
  if (exp >= 0) return { mag: sig << BigInt(exp), inexact: false };
  const s = BigInt(-exp);
  const q = sig >> s;
  const rem = sig & ((1n << s) - 1n);
  if (rem === 0n) return { mag: q, inexact: false };
  return { mag: roundUp(rm, sign, (q & 1n) === 1n, rem, 1n << (s - 1n)) ? q + 1n : q, inexact: true };
}

/**
 * Float to integer of `width` bits. Out-of-range and NaN inputs raise NV (never NX) and give
 * RISC-V: the saturated bound, NaN -> the largest value (unprivileged §11.7, Table 11.4);
 * Arm: the saturated bound, NaN -> 0 (FPToFixed: IOC, "if type is NaN result = 0").
 */
export function gToInt(f: Format, env: FloatEnv, a: bigint, rm: number, signed: boolean, width: number, fbits = 0): bigint {
  const u = unpack(f, a, env);
  // Arm FPToFixed scales by 2^fbits before rounding (FCVTZS/FCVTZU #fbits).
  u.exp += fbits;
  const max = signed ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n;
  const min = signed ? -(1n << BigInt(width - 1)) : 0n;
  if (isNaNCls(u.cls)) {
    env.flags |= FLAG_NV;
    return env.nan === 'riscv' ? max : 0n;
  }
  if (u.cls === Cls.Inf) {
    env.flags |= FLAG_NV;
    return u.sign ? min : max;
  }
  if (u.cls === Cls.Zero) return 0n;
  const { mag, inexact } = roundToIntMag(u.sign, u.sig, u.exp, rm);
  const v = u.sign ? -mag : mag;
  if (v > max) {
    env.flags |= FLAG_NV;
    return max;
  }
  if (v < min) {
    env.flags |= FLAG_NV;
    return min;
  }
  if (inexact) env.flags |= FLAG_NX;
  return v;
}

/**
 * RISC-V Zfa FCVTMOD.W.D: truncate, then keep the low 32 bits (two's complement); NaN and
 * infinities give 0. Flags are those of FCVT.W.D with RTZ: NV when the value is NaN, infinite or
 * outside int32 (then no NX), else NX when inexact.
 */
export function gToI32Mod(f: Format, env: FloatEnv, a: bigint): number {
  const u = unpack(f, a, env);
  if (isNaNCls(u.cls) || u.cls === Cls.Inf) {
    env.flags |= FLAG_NV;
    return 0;
  }
  if (u.cls === Cls.Zero) return 0;
  const { mag, inexact } = roundToIntMag(u.sign, u.sig, u.exp, RTZ);
  const v = u.sign ? -mag : mag;
  if (v > 0x7fffffffn || v < -0x80000000n) env.flags |= FLAG_NV;
  else if (inexact) env.flags |= FLAG_NX;
  return Number(BigInt.asIntN(32, v));
}

/** Integer (any size) divided by 2^fbits (Arm FixedToFP, SCVTF/UCVTF #fbits) to float, rounded in env.rm. */
export function gFromInt(f: Format, env: FloatEnv, v: bigint, fbits = 0): bigint {
  if (v === 0n) return 0n;
  return v < 0n ? roundPack(f, env, 1, -v, -fbits) : roundPack(f, env, 0, v, -fbits);
}

/**
 * Round to an integral value in the same format (IEEE 754-2008 §5.3.1 roundToIntegral*; Arm
 * FRINT<N|A|P|M|Z|X|I>, RISC-V Zfa FROUND/FROUNDNX). `exact` raises NX when the value changes.
 */
export function gRoundToInt(f: Format, env: FloatEnv, a: bigint, rm: number, exact: boolean): bigint {
  const u = unpack(f, a, env);
  if (isNaNCls(u.cls)) return propagateNaN(f, env, [u]);
  if (u.cls === Cls.Inf) return packInf(f, u.sign);
  if (u.cls === Cls.Zero) return packZero(f, u.sign);
  if (u.exp >= 0) return u.bits;
  const { mag, inexact } = roundToIntMag(u.sign, u.sig, u.exp, rm);
  if (inexact && exact) env.flags |= FLAG_NX;
  if (mag === 0n) return packZero(f, u.sign);
  // The rounded integer has no more significant bits than the operand: this packing is exact.
  return roundPack(f, env, u.sign, mag, 0);
}

// ---------------------------------------------------------------------------------------------
// Format conversion

/**
 * Convert between formats. NaNs: RISC-V canonical NaN (§11.3); Arm FPConvertNaN keeps the sign
 * and the most significant payload bits and sets the quiet bit, unless FPCR.DN.
 */
export function gConvert(src: Format, dst: Format, env: FloatEnv, a: bigint, rm: number = env.rm): bigint {
  // Half-precision sides of a conversion are never flushed: FPConvert uses FPUnpackCV and
  // FPRoundCV, which ignore FZ16; FZ still applies to single/double sides.
  const u = unpack(src, a, env, src.flushable && env.fz === true);
  if (isNaNCls(u.cls)) {
    if (u.cls === Cls.SNaN) env.flags |= FLAG_NV;
    if (env.nan === 'riscv' || env.dn) return dst.defaultNaN;
    const payload = a & (src.quietBit - 1n);
    const d = dst.mbits - src.mbits;
    const p = d >= 0 ? payload << BigInt(d) : payload >> BigInt(-d);
    return (u.sign ? dst.signBit : 0n) | dst.inf | dst.quietBit | p;
  }
  if (u.cls === Cls.Inf) return packInf(dst, u.sign);
  if (u.cls === Cls.Zero) return packZero(dst, u.sign);
  return roundPack(dst, env, u.sign, u.sig, u.exp, rm, dst.flushable && env.fz === true);
}

