/**
 * An independent exact reference for rounding: values as BigInt rationals, rounded by comparing
 * remainders against halves. Written separately from src/generic.ts (no shared code) so that it
 * can check RMM, which the x86 host cannot; the RNE/RTZ/RDN/RUP vectors validate it first.
 */
export interface Fmt {
  w: 16 | 32 | 64;
  e: number; // exponent bits
  m: number; // fraction bits
}
export const R16: Fmt = { w: 16, e: 5, m: 10 };
export const R32: Fmt = { w: 32, e: 8, m: 23 };
export const R64: Fmt = { w: 64, e: 11, m: 52 };

/** Exact value of a finite operand: [sign, N, D] with |value| = N/D. */
export interface Rational {
  neg: boolean;
  n: bigint;
  d: bigint;
}

export function decode(f: Fmt, bits: bigint): Rational | undefined {
  const neg = (bits >> BigInt(f.w - 1)) === 1n;
  const e = Number((bits >> BigInt(f.m)) & ((1n << BigInt(f.e)) - 1n));
  const frac = bits & ((1n << BigInt(f.m)) - 1n);
  const bias = (1 << (f.e - 1)) - 1;
  if (e === (1 << f.e) - 1) return undefined;
  const sig = e === 0 ? frac : frac | (1n << BigInt(f.m));
  const x = (e === 0 ? 1 : e) - bias - f.m;
  return x >= 0 ? { neg, n: sig << BigInt(x), d: 1n } : { neg, n: sig, d: 1n << BigInt(-x) };
}

function signed(r: Rational): [bigint, bigint] {
  return [r.neg ? -r.n : r.n, r.d];
}
function fromSigned(n: bigint, d: bigint): Rational {
  return n < 0n ? { neg: true, n: -n, d } : { neg: false, n, d };
}
export function add(a: Rational, b: Rational): Rational {
  const [an, ad] = signed(a);
  const [bn, bd] = signed(b);
  return fromSigned(an * bd + bn * ad, ad * bd);
}
export function mul(a: Rational, b: Rational): Rational {
  return { neg: a.neg !== b.neg, n: a.n * b.n, d: a.d * b.d };
}
export function div(a: Rational, b: Rational): Rational {
  return { neg: a.neg !== b.neg, n: a.n * b.d, d: a.d * b.n };
}

function bl(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Round a nonzero rational to f in mode rm (RISC-V encoding), tininess after rounding. */
export function round(f: Fmt, v: Rational, rm: number): { bits: bigint; flags: number } {
  const p = f.m + 1;
  const bias = (1 << (f.e - 1)) - 1;
  const emin = 1 - bias;
  // e = floor(log2(n/d))
  let e = bl(v.n) - bl(v.d);
  const ge = (k: number): boolean => (k >= 0 ? v.n >= v.d << BigInt(k) : v.n << BigInt(-k) >= v.d);
  if (!ge(e)) e--;
  const quantise = (lsb: number): [bigint, number] => {
    // q = floor(v / 2^lsb), and the remainder compared with half a unit: -1, 0, 1 (or -2 if zero)
    const num = lsb >= 0 ? v.n : v.n << BigInt(-lsb);
    const den = lsb >= 0 ? v.d << BigInt(lsb) : v.d;
    const q = num / den;
    const r = num - q * den;
    const c = r === 0n ? -2 : 2n * r < den ? -1 : 2n * r === den ? 0 : 1;
    return [q, c];
  };
  const up = (q: bigint, c: number): boolean => {
    if (c === -2) return false;
    switch (rm) {
      case 0:
        return c > 0 || (c === 0 && (q & 1n) === 1n);
      case 1:
        return false;
      case 2:
        return v.neg;
      case 3:
        return !v.neg;
      default:
        return c >= 0;
    }
  };
  let lsb = Math.max(e, emin) - (p - 1);
  const [q0, c0] = quantise(lsb);
  let q = up(q0, c0) ? q0 + 1n : q0;
  if (q === 1n << BigInt(p)) {
    q >>= 1n;
    lsb++;
  }
  let flags = c0 !== -2 ? 1 : 0;
  if (flags && e < emin) {
    const [qu, cu] = quantise(e - (p - 1));
    const ru = up(qu, cu) ? qu + 1n : qu;
    if (!(e === emin - 1 && ru === 1n << BigInt(p))) flags |= 2;
  }
  const sign = v.neg ? 1n << BigInt(f.w - 1) : 0n;
  const expField = (1n << BigInt(f.e)) - 1n;
  if (q >= 1n << BigInt(p - 1) && lsb + p - 1 > bias) {
    const toInf = rm === 0 || rm === 4 || (rm === 2 && v.neg) || (rm === 3 && !v.neg);
    const mag = toInf ? expField << BigInt(f.m) : (expField << BigInt(f.m)) - 1n;
    return { bits: sign | mag, flags: 1 | 4 };
  }
  let bits: bigint;
  if (q >= 1n << BigInt(p - 1)) {
    bits = (BigInt(lsb + p - 1 + bias) << BigInt(f.m)) | (q - (1n << BigInt(p - 1)));
  } else bits = q;
  return { bits: sign | bits, flags };
}
