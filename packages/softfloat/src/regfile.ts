/**
 * Register-file forms of the binary64 operations: they read and write a CPU's floating-point
 * register file (a BigUint64Array) in place through a Float64Array view of the same memory, so
 * the common case allocates no BigInt at all. Results are identical to the bigint API: the fast
 * paths only ever store non-NaN doubles (exact bit patterns), and everything else goes through
 * the exact path on the BigUint64Array view.
 */
import type { FloatEnv } from './env.js';
import { fastAdd64, fastDiv64, fastFma64, fastMul64, fastSqrt64 } from './fast.js';
import { F64, gAdd, gDiv, gFma, gMul, gSqrt } from './generic.js';

/** Two views of one register file. Create once per register file and keep it. */
export class F64Regs {
  readonly u64: BigUint64Array;
  readonly d: Float64Array;
  constructor(u64: BigUint64Array) {
    this.u64 = u64;
    this.d = new Float64Array(u64.buffer, u64.byteOffset, u64.length);
  }
}

export function f64r_add(env: FloatEnv, r: F64Regs, rd: number, rs1: number, rs2: number): void {
  const v = fastAdd64(env, r.d[rs1]!, r.d[rs2]!);
  if (v !== undefined) r.d[rd] = v;
  else r.u64[rd] = gAdd(F64, env, r.u64[rs1]!, r.u64[rs2]!, false);
}

export function f64r_sub(env: FloatEnv, r: F64Regs, rd: number, rs1: number, rs2: number): void {
  const v = fastAdd64(env, r.d[rs1]!, -r.d[rs2]!);
  if (v !== undefined) r.d[rd] = v;
  else r.u64[rd] = gAdd(F64, env, r.u64[rs1]!, r.u64[rs2]!, true);
}

export function f64r_mul(env: FloatEnv, r: F64Regs, rd: number, rs1: number, rs2: number): void {
  const v = fastMul64(env, r.d[rs1]!, r.d[rs2]!);
  if (v !== undefined) r.d[rd] = v;
  else r.u64[rd] = gMul(F64, env, r.u64[rs1]!, r.u64[rs2]!);
}

export function f64r_div(env: FloatEnv, r: F64Regs, rd: number, rs1: number, rs2: number): void {
  const v = fastDiv64(env, r.d[rs1]!, r.d[rs2]!);
  if (v !== undefined) r.d[rd] = v;
  else r.u64[rd] = gDiv(F64, env, r.u64[rs1]!, r.u64[rs2]!);
}

export function f64r_sqrt(env: FloatEnv, r: F64Regs, rd: number, rs1: number): void {
  const v = fastSqrt64(env, r.d[rs1]!);
  if (v !== undefined) r.d[rd] = v;
  else r.u64[rd] = gSqrt(F64, env, r.u64[rs1]!);
}

/**
 * rd = rs1*rs2 + rs3 with one rounding. `negProduct`/`negAddend` flip the operands' signs first
 * (RISC-V FMSUB/FNMSUB/FNMADD, Arm FMSUB/FNMADD/FNMSUB are all of this form).
 */
export function f64r_fma(
  env: FloatEnv,
  r: F64Regs,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  negProduct = false,
  negAddend = false,
): void {
  const x = r.d[rs1]!;
  const z = r.d[rs3]!;
  const v = fastFma64(env, negProduct ? -x : x, r.d[rs2]!, negAddend ? -z : z);
  if (v !== undefined) {
    r.d[rd] = v;
    return;
  }
  const SIGN = 0x8000000000000000n;
  const a = negProduct ? r.u64[rs1]! ^ SIGN : r.u64[rs1]!;
  const c = negAddend ? r.u64[rs3]! ^ SIGN : r.u64[rs3]!;
  r.u64[rd] = gFma(F64, env, a, r.u64[rs2]!, c);
}
