import { describe, expect, it } from 'vitest';
import * as sf from '../src/index.js';

describe('register-file forms (F64Regs)', () => {
  it('give exactly the bigint API results and flags, NaN payloads included', () => {
    let s = 0x9abcdef;
    const rnd = (): number => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return s >>> 0;
    };
    const specials = [0n, 1n << 63n, 1n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0x7ff4000000000123n, 0xfff8000000000456n, 0x000fffffffffffffn];
    const operand = (): bigint => {
      if (rnd() % 6 === 0) return specials[rnd() % specials.length]!;
      const e = BigInt(rnd() % 8 === 0 ? rnd() % 2047 : 1023 - 30 + (rnd() % 60));
      return (BigInt(rnd() & 1) << 63n) | (e << 52n) | ((BigInt(rnd()) << 20n) ^ BigInt(rnd())) & 0xfffffffffffffn;
    };
    const file = new BigUint64Array(32);
    const regs = new sf.F64Regs(file);
    const bad: string[] = [];
    for (let i = 0; i < 3000; i++) {
      for (const nan of ['riscv', 'arm'] as const) {
        for (let rm = 0; rm <= 4; rm++) {
          const a = operand();
          const b = operand();
          const c = operand();
          const check = (name: string, want: bigint, wantFlags: number, run: (e: sf.FloatEnv) => void): void => {
            file[1] = a;
            file[2] = b;
            file[3] = c;
            const e: sf.FloatEnv = { rm, flags: 0, nan };
            run(e);
            if (file[4] !== want || e.flags !== wantFlags) bad.push(`${name} ${nan} rm=${rm} ${a.toString(16)} ${b.toString(16)} ${c.toString(16)}`);
          };
          const ops: [string, (e: sf.FloatEnv) => bigint, (e: sf.FloatEnv) => void][] = [
            ['add', (e) => sf.f64_add(e, a, b), (e) => sf.f64r_add(e, regs, 4, 1, 2)],
            ['sub', (e) => sf.f64_sub(e, a, b), (e) => sf.f64r_sub(e, regs, 4, 1, 2)],
            ['mul', (e) => sf.f64_mul(e, a, b), (e) => sf.f64r_mul(e, regs, 4, 1, 2)],
            ['div', (e) => sf.f64_div(e, a, b), (e) => sf.f64r_div(e, regs, 4, 1, 2)],
            ['sqrt', (e) => sf.f64_sqrt(e, a), (e) => sf.f64r_sqrt(e, regs, 4, 1)],
            ['fma', (e) => sf.f64_fma(e, a, b, c), (e) => sf.f64r_fma(e, regs, 4, 1, 2, 3)],
            ['fnmadd', (e) => sf.f64_fma(e, a ^ (1n << 63n), b, c ^ (1n << 63n)), (e) => sf.f64r_fma(e, regs, 4, 1, 2, 3, true, true)],
          ];
          for (const [name, ref, run] of ops) {
            const e: sf.FloatEnv = { rm, flags: 0, nan };
            const want = ref(e);
            check(name, want, e.flags, run);
          }
        }
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('aliases the register file in place', () => {
    const file = new BigUint64Array(4);
    const regs = new sf.F64Regs(file);
    file[0] = 0x3ff0000000000000n; // 1.0
    sf.f64r_add(sf.makeEnv('riscv'), regs, 0, 0, 0);
    expect(file[0]).toBe(0x4000000000000000n);
  });
});
