/**
 * FP/AdvSIMD access traps (Arm ARM DDI 0487 D1.13 / the CheckFPAdvSIMDEnabled64 pseudocode):
 * CPACR_EL1.FPEN traps EL0 and EL1 (FPEN = 01 only EL0) to EL1, CPTR_EL2.TFP traps EL0-EL2
 * to EL2, CPTR_EL3.TFP traps EL0-EL3 to EL3, with EC 0x07, IL = 1 and ISS CV = 1,
 * COND = 0b1110. Every kind of FP/SIMD encoding is checked: SIMD&FP loads/stores (single
 * register, pair, literal, structures), scalar FP, AdvSIMD vector and scalar, FMOV general,
 * and the FPCR/FPSR system registers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type A64Core, EXCEPTION_TAKEN, R } from '../src/index.js';
import { execute } from '../src/exec.js';
import { buildMachine } from './harness.js';

let c: A64Core;
const PC = 0x4000_1000;
const ESR_FP = 0x1fe0_0000n; // EC 0x07, IL, CV = 1, COND = 0xE

beforeAll(async () => {
  const b = await buildMachine({ 'start-el': 3 });
  b.machine.start();
  c = b.cluster.cores[0]!;
});

const ENCODINGS: [string, number][] = [
  ['ldr q0, [x1]', 0x3dc00020],
  ['stp d0, d1, [x1]', 0x6d000420],
  ['ldr s2, literal', 0x1c000042],
  ['ld4 {v0.16b-v3.16b}, [x1]', 0x4c400020],
  ['st1 {v0.s}[1], [x1]', 0x0d009020],
  ['fadd d0, d1, d2', 0x1e622820],
  ['fmov x0, d1', 0x9e660020],
  ['add v0.16b, v1.16b, v2.16b', 0x4e228420],
  ['sqadd b0, b1, b2', 0x5e220c20],
  ['mrs x0, fpcr', 0xd53b4400],
  ['msr fpsr, x0', 0xd51b4420],
];

/** Run one instruction at `el` and return where the core is afterwards. */
function run(insn: number, el: number, setup: () => void): { el: number; esr: bigint; pc: bigint } {
  c.reset(el, BigInt(PC));
  c.sr[R.VBAR_EL1] = 0x4000_8000n;
  c.sr[R.VBAR_EL2] = 0x4001_0000n;
  c.sr[R.VBAR_EL3] = 0x4001_8000n;
  c.x[1] = 0x4000_4000n;
  setup();
  c.stateChanged();
  try {
    execute(c, insn);
  } catch (e) {
    if (e !== EXCEPTION_TAKEN) throw e;
  }
  const esr = c.el === 1 ? c.sr[R.ESR_EL1]! : c.el === 2 ? c.sr[R.ESR_EL2]! : c.sr[R.ESR_EL3]!;
  return { el: c.el, esr, pc: c.pc };
}

describe('FP/AdvSIMD access traps', () => {
  for (const [name, insn] of ENCODINGS) {
    it(`${name}: CPACR_EL1.FPEN, CPTR_EL2.TFP, CPTR_EL3.TFP`, () => {
      // EL1 with FPEN = 00: to EL1 (current EL, SP_ELx: VBAR + 0x200).
      let r = run(insn, 1, () => {});
      expect(r.el).toBe(1);
      expect(r.esr).toBe(ESR_FP);
      expect(r.pc).toBe(0x4000_8200n);
      // EL0 with FPEN = 01: to EL1 (lower EL: VBAR + 0x400); EL1 with FPEN = 01 runs.
      r = run(insn, 0, () => (c.sr[R.CPACR_EL1] = 1n << 20n));
      expect(r.el).toBe(1);
      expect(r.esr).toBe(ESR_FP);
      expect(r.pc).toBe(0x4000_8400n);
      r = run(insn, 1, () => (c.sr[R.CPACR_EL1] = 1n << 20n));
      expect(r.el).toBe(1);
      expect(r.pc).toBe(BigInt(PC + 4));
      // EL1 with FPEN = 11 but CPTR_EL2.TFP: to EL2.
      r = run(insn, 1, () => {
        c.sr[R.CPACR_EL1] = 3n << 20n;
        c.sr[R.CPTR_EL2] = c.sr[R.CPTR_EL2]! | (1n << 10n);
      });
      expect(r.el).toBe(2);
      expect(r.esr).toBe(ESR_FP);
      expect(r.pc).toBe(0x4001_0400n);
      // EL2 with CPTR_EL3.TFP: to EL3.
      r = run(insn, 2, () => (c.sr[R.CPTR_EL3] = 1n << 10n));
      expect(r.el).toBe(3);
      expect(r.esr).toBe(ESR_FP);
      // EL3 with nothing set runs.
      r = run(insn, 3, () => {});
      expect(r.el).toBe(3);
      expect(r.pc).toBe(BigInt(PC + 4));
    });
  }
});
