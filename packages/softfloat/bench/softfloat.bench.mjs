// Throughput of the softfloat operations the CPU models call most, in RNE on random normal
// operands (the common case), plus a directed-rounding and a subnormal-heavy row for contrast.
import * as sf from '@tessera/softfloat';

const N = 4096;

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const dv = new DataView(new ArrayBuffer(8));
function bits64(x) {
  dv.setFloat64(0, x);
  return dv.getBigUint64(0);
}
function bits32(x) {
  dv.setFloat32(0, x);
  return dv.getUint32(0);
}

function operands(r, scale) {
  const v = [];
  for (let i = 0; i < N; i++) v.push((r() - 0.5) * 2 ** Math.floor(r() * scale - scale / 2));
  return v;
}

function measure(name, fn, ms = 400) {
  // warm up, then time whole passes over the operand arrays
  for (let i = 0; i < 3; i++) fn();
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    ops += fn();
    t = performance.now();
  }
  return { bench: name, metric: 'throughput', value: +(ops / (t - t0) / 1000).toFixed(2), unit: 'M ops/s' };
}

/**
 * Each row carries as `reference` the throughput of the same loop doing the bare JS double
 * operation with the same bit-pattern conversions in and out (the floor any bit-pattern API
 * pays), measured in the same run, so `ratio` stays meaningful on a loaded machine.
 */
const buf = new ArrayBuffer(8);
const d64 = new Float64Array(buf);
const u64 = new BigUint64Array(buf);
const f32 = new Float32Array(buf);
const u32 = new Uint32Array(buf);

function withReference(row, ref, note = 'reference: native double op with bit conversions') {
  row.reference = ref.value;
  row.ratio = +(row.value / ref.value).toFixed(3);
  row.note = note;
  return row;
}

export default async function bench() {
  const r = rng(12345);
  const A = operands(r, 40).map(bits64);
  const B = operands(r, 40).map(bits64);
  const C = operands(r, 40).map(bits64);
  const A32 = operands(r, 40).map(bits32);
  const B32 = operands(r, 40).map(bits32);
  const C32 = operands(r, 40).map(bits32);
  const SUB = operands(r, 40).map((x) => bits64(x * 2 ** -1040));
  const env = sf.makeEnv('riscv');
  const rtz = sf.makeEnv('riscv', sf.RTZ);
  let sink = 0n;
  let sink32 = 0;
  const file = new BigUint64Array(32);
  const regs = new sf.F64Regs(file);
  const loop64 = (op, e = env) => () => {
    for (let i = 0; i < N; i++) sink ^= op(e, A[i], B[i]);
    return N;
  };
  const native64 = (op) => () => {
    for (let i = 0; i < N; i++) {
      u64[0] = A[i];
      const x = d64[0];
      u64[0] = B[i];
      d64[0] = op(x, d64[0]);
      sink ^= u64[0];
    }
    return N;
  };
  const loop32 = (op) => () => {
    for (let i = 0; i < N; i++) sink32 ^= op(env, A32[i], B32[i]);
    return N;
  };
  const native32 = (op) => () => {
    for (let i = 0; i < N; i++) {
      u32[0] = A32[i];
      const x = f32[0];
      u32[0] = B32[i];
      f32[0] = op(x, f32[0]);
      sink32 ^= u32[0];
    }
    return N;
  };
  const add = (x, y) => x + y;
  const mul = (x, y) => x * y;
  const rows = [
    withReference(measure('f64_add RNE', loop64(sf.f64_add)), measure('native', native64(add))),
    withReference(measure('f64_mul RNE', loop64(sf.f64_mul)), measure('native', native64(mul))),
    withReference(
      measure('f64_fma RNE', () => {
        for (let i = 0; i < N; i++) sink ^= sf.f64_fma(env, A[i], B[i], C[i]);
        return N;
      }),
      measure('native', native64((x, y) => x * y + x)),
    ),
    withReference(measure('f64_div RNE', loop64(sf.f64_div)), measure('native', native64((x, y) => x / y))),
    measure('f64_sqrt RNE', () => {
      for (let i = 0; i < N; i++) sink ^= sf.f64_sqrt(env, A[i] & 0x7fffffffffffffffn);
      return N;
    }),
    measure('f64_add RTZ', loop64(sf.f64_add, rtz)),
    measure('f64_add subnormal operands (exact path)', () => {
      for (let i = 0; i < N; i++) sink ^= sf.f64_add(env, SUB[i], B[i] >> 12n);
      return N;
    }),
    // register-file forms: operands and result stay in a BigUint64Array, no BigInt per operation
    withReference(
      measure('f64r_add RNE (register file)', () => {
        for (let i = 0; i < N; i++) {
          file[1] = A[i];
          file[2] = B[i];
          sf.f64r_add(env, regs, 3, 1, 2);
        }
        return N;
      }),
      measure('native', () => {
        for (let i = 0; i < N; i++) {
          file[1] = A[i];
          file[2] = B[i];
          regs.d[3] = regs.d[1] + regs.d[2];
        }
        return N;
      }),
      'reference: native double add on the register-file view',
    ),
    measure('f64r_fma RNE (register file)', () => {
      for (let i = 0; i < N; i++) {
        file[1] = A[i];
        file[2] = B[i];
        file[3] = C[i];
        sf.f64r_fma(env, regs, 4, 1, 2, 3);
      }
      return N;
    }),
    withReference(measure('f32_add RNE', loop32(sf.f32_add)), measure('native', native32(add))),
    withReference(measure('f32_mul RNE', loop32(sf.f32_mul)), measure('native', native32(mul))),
    measure('f32_fma RNE', () => {
      for (let i = 0; i < N; i++) sink32 ^= sf.f32_fma(env, A32[i], B32[i], C32[i]);
      return N;
    }),
  ];
  if (sink === 1n && sink32 === 1) rows[0].note += '.';
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await bench());
}
