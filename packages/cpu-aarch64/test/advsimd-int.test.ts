/**
 * Advanced SIMD copy, modified immediate, TBL/TBX, permute, EXT, shift by immediate and
 * three-different groups (advsimd-int.ts). Expected values are worked out by hand from the
 * Arm ARM (DDI 0487) C7.2 pseudocode; instruction words come from the GNU assembler
 * (disassembly in the comments). Each case runs twice, once calling the group's function
 * directly and once through the A64 decoder, from the same starting state.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type A64Core, EXCEPTION_TAKEN, R } from '../src/index.js';
import { execute } from '../src/exec.js';
import { simdCopy, simdExt, simdModImm, simdPermute, simdShiftImm, simdTbl, simdThreeDiff } from '../src/advsimd-int.js';
import { buildMachine } from './harness.js';

let c: A64Core;
const PC = 0x4000_1000n;
const QC = 1n << 27n;

beforeAll(async () => {
  const { machine, cluster } = await buildMachine({ 'start-el': 3 });
  machine.start();
  c = cluster.cores[0]!;
});

type Direct = (core: A64Core, insn: number) => void;
const copy: Direct = (k, w) => simdCopy(k, w, false);
const copyS: Direct = (k, w) => simdCopy(k, w, true);
const modImm: Direct = simdModImm;
const tbl: Direct = simdTbl;
const perm: Direct = simdPermute;
const ext: Direct = simdExt;
const shift: Direct = (k, w) => simdShiftImm(k, w, false);
const shiftS: Direct = (k, w) => simdShiftImm(k, w, true);
const diff: Direct = (k, w) => simdThreeDiff(k, w, false);
const diffS: Direct = (k, w) => simdThreeDiff(k, w, true);

/** Set the lanes of Vn (lane 0 first); lanes not given are zero. */
function setL(n: number, bits: 8 | 16 | 32 | 64, vals: (number | bigint)[]): void {
  c.v64[2 * n] = 0n;
  c.v64[2 * n + 1] = 0n;
  vals.forEach((v, i) => {
    if (bits === 8) c.v8[16 * n + i] = Number(v);
    else if (bits === 16) c.v16[8 * n + i] = Number(v);
    else if (bits === 32) c.v32[4 * n + i] = Number(v);
    else c.v64[2 * n + i] = BigInt(v);
  });
}
/** Lanes 0, 1, ... of Vn (unsigned). */
function L(n: number, bits: 8 | 16 | 32): number[] {
  if (bits === 8) return Array.from(c.v8.subarray(16 * n, 16 * n + 16));
  if (bits === 16) return Array.from(c.v16.subarray(8 * n, 8 * n + 8));
  return Array.from(c.v32.subarray(4 * n, 4 * n + 4));
}
function D(n: number): bigint[] {
  return [c.v64[2 * n]!, c.v64[2 * n + 1]!];
}
const iota = (base: number, count = 16) => Array.from({ length: count }, (_, i) => base + i);

function reset(): void {
  c.reset(3, PC);
}

/** Run `insn` from the state `setup` builds, directly and through the decoder; `check` sees each result. */
function run(insn: number, direct: Direct, setup: () => void, check: () => void): void {
  for (const via of ['direct', 'decoder'] as const) {
    reset();
    setup();
    if (via === 'direct') direct(c, insn);
    else execute(c, insn);
    expect(c.pc, via).toBe(PC + 4n);
    expect(c.el, via).toBe(3);
    check();
  }
}

/** `insn` is UNDEFINED: the exception is taken (EC 0) and no register changes. */
function undef(insn: number, direct: Direct): void {
  for (const via of ['direct', 'decoder'] as const) {
    reset();
    setL(0, 8, iota(0x40));
    setL(1, 8, iota(0x50));
    setL(2, 8, iota(0x60));
    c.x[0] = 0x1234n;
    c.x[1] = 0x5678n;
    let taken = false;
    try {
      if (via === 'direct') direct(c, insn);
      else execute(c, insn);
    } catch (e) {
      if (e !== EXCEPTION_TAKEN) throw e;
      taken = true;
    }
    expect(taken, `${insn.toString(16)} ${via}`).toBe(true);
    expect(c.sr[R.ESR_EL3]! >> 26n).toBe(0n);
    expect(c.sr[R.ELR_EL3]).toBe(PC);
    expect(L(0, 8)).toEqual(iota(0x40));
    expect(L(1, 8)).toEqual(iota(0x50));
    expect(c.x[0]).toBe(0x1234n);
  }
}

const ONES = 0xffff_ffff_ffff_ffffn;

describe('copy', () => {
  it('DUP (element) replicates one lane and clears bits 127:64 of a 64-bit result', () => {
    // 0e130420 dup v0.8b, v1.b[9]
    run(0x0e130420, copy, () => { setL(1, 8, iota(0x10)); setL(0, 64, [ONES, ONES]); }, () => {
      expect(D(0)).toEqual([0x1919191919191919n, 0n]);
    });
    // 4e180420 dup v0.2d, v1.d[1]
    run(0x4e180420, copy, () => setL(1, 64, [0x2222n, 0x1111_0000_0000_1111n]), () => {
      expect(D(0)).toEqual([0x1111_0000_0000_1111n, 0x1111_0000_0000_1111n]);
    });
  });

  it('DUP (general) takes the low esize bits of Xn, XZR for 31', () => {
    // 0e020c20 dup v0.4h, w1
    run(0x0e020c20, copy, () => { c.x[1] = 0xffff_ffff_1234_abcdn; setL(0, 64, [ONES, ONES]); }, () => {
      expect(D(0)).toEqual([0xabcd_abcd_abcd_abcdn, 0n]);
    });
    // 4e080fe0 dup v0.2d, xzr
    run(0x4e080fe0, copy, () => setL(0, 64, [ONES, ONES]), () => expect(D(0)).toEqual([0n, 0n]));
  });

  it('INS (general, element) changes one lane and keeps the rest of Vd, also when Vd is the source', () => {
    // 4e141c20 mov v0.s[2], w1
    run(0x4e141c20, copy, () => { setL(0, 32, [0xa0, 0xa1, 0xa2, 0xa3]); c.x[1] = 0x5555_6666_7777_8888n; }, () => {
      expect(L(0, 32)).toEqual([0xa0, 0xa1, 0x7777_8888, 0xa3]);
    });
    // 6e1e2420 mov v0.h[7], v1.h[2]
    run(0x6e1e2420, copy, () => { setL(0, 16, iota(0xa00, 8)); setL(1, 16, iota(0x100, 8)); }, () => {
      expect(L(0, 16)).toEqual([0xa00, 0xa01, 0xa02, 0xa03, 0xa04, 0xa05, 0xa06, 0x102]);
    });
    // 6e180400 mov v0.d[1], v0.d[0]
    run(0x6e180400, copy, () => setL(0, 64, [0x0123_4567_89ab_cdefn, 7n]), () => {
      expect(D(0)).toEqual([0x0123_4567_89ab_cdefn, 0x0123_4567_89ab_cdefn]);
    });
  });

  it('UMOV zero-extends, SMOV sign-extends to W (upper half of X zero) or X', () => {
    // 0e1f3c20 umov w0, v1.b[15]
    run(0x0e1f3c20, copy, () => { setL(1, 8, iota(0x80)); c.x[0] = ONES; }, () => expect(c.x[0]).toBe(0x8fn));
    // 4e183c20 mov x0, v1.d[1]
    run(0x4e183c20, copy, () => setL(1, 64, [1n, 0xfedc_ba98_7654_3210n]), () => expect(c.x[0]).toBe(0xfedc_ba98_7654_3210n));
    // 4e0e2c20 smov x0, v1.h[3]
    run(0x4e0e2c20, copy, () => setL(1, 16, [0, 0, 0, 0x8001]), () => expect(c.x[0]).toBe(0xffff_ffff_ffff_8001n));
    // 0e012c20 smov w0, v1.b[0]
    run(0x0e012c20, copy, () => { setL(1, 8, [0x80]); c.x[0] = ONES; }, () => expect(c.x[0]).toBe(0xffff_ff80n));
  });

  it('scalar DUP (element) writes one element and clears the rest of Vd', () => {
    // 5e0b0420 mov b0, v1.b[5]
    run(0x5e0b0420, copyS, () => { setL(1, 8, iota(0x80)); setL(0, 64, [ONES, ONES]); }, () => expect(D(0)).toEqual([0x85n, 0n]));
    // 5e180420 mov d0, v1.d[1]
    run(0x5e180420, copyS, () => { setL(1, 64, [1n, 0xabcdn]); setL(0, 64, [ONES, ONES]); }, () => expect(D(0)).toEqual([0xabcdn, 0n]));
  });

  it('reserved encodings are UNDEFINED', () => {
    undef(0x0e080420, copy); // DUP (element) .1d: size 3 with Q = 0
    undef(0x4e100420, copy); // imm5 = x0000
    undef(0x4e013c20, copy); // UMOV to X of a byte
    undef(0x0e183c20, copy); // UMOV to W of a doubleword
    undef(0x0e141c20, copy); // INS (general) with Q = 0
    undef(0x0e042c20, copy); // SMOV to W of a word
    undef(0x0e011420, copy); // imm4 = 0010
    undef(0x0e014420, copy); // imm4 = 1000
    undef(0x2e1e2420, copy); // INS (element) with Q = 0
    undef(0x5e0b0c20, copyS); // scalar copy with imm4 != 0
    undef(0x7e0b0420, copyS); // scalar copy with op = 1
  });
});

describe('modified immediate', () => {
  const pre = () => setL(0, 64, [ONES, ONES]);
  it('MOVI and MVNI with every kind of AdvSIMDExpandImm', () => {
    run(0x4f05e560, modImm, pre, () => expect(L(0, 8)).toEqual(Array(16).fill(0xab))); // movi v0.16b, #0xab
    run(0x4f006640, modImm, pre, () => expect(L(0, 32)).toEqual(Array(4).fill(0x1200_0000))); // movi v0.4s, #0x12, lsl #24
    run(0x6f01a680, modImm, pre, () => expect(L(0, 16)).toEqual(Array(8).fill(0xcbff))); // mvni v0.8h, #0x34, lsl #8
    run(0x0f02d6c0, modImm, pre, () => expect(D(0)).toEqual([0x0056_ffff_0056_ffffn, 0n])); // movi v0.2s, #0x56, msl #16
    run(0x2f04c400, modImm, pre, () => expect(D(0)).toEqual([0xffff_7f00_ffff_7f00n, 0n])); // mvni v0.2s, #0x80, msl #8
    run(0x2f05e4a0, modImm, pre, () => expect(D(0)).toEqual([0xff00_ff00_00ff_00ffn, 0n])); // movi d0, #0xff00ff0000ff00ff
    run(0x6f04e420, modImm, pre, () => expect(D(0)).toEqual([0xff00_0000_0000_00ffn, 0xff00_0000_0000_00ffn])); // movi v0.2d
  });

  it('ORR and BIC (vector, immediate) combine with Vd', () => {
    // 0f00b640 orr v0.4h, #0x12, lsl #8: 64-bit result clears bits 127:64
    run(0x0f00b640, modImm, () => setL(0, 64, [0x0001_0002_0003_0004n, ONES]), () => expect(D(0)).toEqual([0x1201_1202_1203_1204n, 0n]));
    // 6f0717e0 bic v0.4s, #0xff
    run(0x6f0717e0, modImm, () => setL(0, 32, [0x1234_5678, 0x1234_5678, 0xffff_ffff, 0x100]), () => {
      expect(L(0, 32)).toEqual([0x1234_5600, 0x1234_5600, 0xffff_ff00, 0x100]);
    });
  });

  it('FMOV (vector, immediate) single and double (VFPExpandImm)', () => {
    run(0x4f03f600, modImm, pre, () => expect(L(0, 32)).toEqual(Array(4).fill(0x3f80_0000))); // fmov v0.4s, #1.0
    run(0x6f07f400, modImm, pre, () => expect(D(0)).toEqual([0xbfe0_0000_0000_0000n, 0xbfe0_0000_0000_0000n])); // fmov v0.2d, #-0.5
  });

  it('reserved encodings are UNDEFINED', () => {
    undef(0x2f07f400, modImm); // FMOV double with Q = 0
    undef(0x0f00fc00, modImm); // FMOV half precision (o2 = 1) needs FEAT_FP16
    undef(0x4f00ec00, modImm); // o2 = 1 with cmode 1110
  });
});

describe('TBL and TBX', () => {
  it('TBL with one register: out-of-range indices give 0', () => {
    // 4e020020 tbl v0.16b, {v1.16b}, v2.16b
    run(0x4e020020, tbl, () => { setL(1, 8, iota(0x10)); setL(2, 8, [0, 15, 16, 0xff, 3, 2, 1, 0, 8, 9, 10, 11, 12, 13, 14, 0x80]); }, () => {
      expect(L(0, 8)).toEqual([0x10, 0x1f, 0, 0, 0x13, 0x12, 0x11, 0x10, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0]);
    });
  });

  it('TBL with four registers wraps from V31 to V0 and may write a table register', () => {
    // 0e0263c0 tbl v0.8b, {v30.16b, v31.16b, v0.16b, v1.16b}, v2.8b
    run(0x0e0263c0, tbl, () => {
      setL(30, 8, iota(0x00));
      setL(31, 8, iota(0x40));
      setL(0, 8, iota(0x80));
      setL(1, 8, iota(0xc0));
      setL(2, 8, [0, 17, 34, 63, 64, 5, 47, 50, 1, 1, 1, 1, 1, 1, 1, 1]);
    }, () => {
      expect(D(0)).toEqual([0xc28f_0500_cf82_4100n, 0n]);
    });
  });

  it('TBX keeps the Vd byte for out-of-range indices; the 8B form clears bits 127:64', () => {
    // 4e033020 tbx v0.16b, {v1.16b, v2.16b}, v3.16b
    run(0x4e033020, tbl, () => { setL(0, 8, iota(0xa0)); setL(1, 8, iota(0x10)); setL(2, 8, iota(0x20)); setL(3, 8, [0, 16, 31, 32, 255, ...iota(1, 11)]); }, () => {
      expect(L(0, 8)).toEqual([0x10, 0x20, 0x2f, 0xa3, 0xa4, ...iota(0x11, 11)]);
    });
    // 0e031020 tbx v0.8b, {v1.16b}, v3.8b
    run(0x0e031020, tbl, () => { setL(0, 8, iota(0xa0)); setL(1, 8, iota(0x10)); setL(3, 8, [0, 16, 31, 32, 255, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0]); }, () => {
      expect(L(0, 8)).toEqual([0x10, 0xa1, 0xa2, 0xa3, 0xa4, 0x11, 0x12, 0x13, 0, 0, 0, 0, 0, 0, 0, 0]);
    });
  });

  it('op2 != 00 is UNDEFINED', () => undef(0x4e420020, tbl));
});

describe('permute', () => {
  const setup = () => { setL(1, 8, iota(0x10)); setL(2, 8, iota(0x20)); setL(0, 64, [ONES, ONES]); };
  it('UZP1/UZP2 take the even/odd elements of Vn then Vm', () => {
    // 4e421820 uzp1 v0.8h, v1.8h, v2.8h
    run(0x4e421820, perm, () => { setL(1, 16, iota(0x100, 8)); setL(2, 16, iota(0x200, 8)); }, () => {
      expect(L(0, 16)).toEqual([0x100, 0x102, 0x104, 0x106, 0x200, 0x202, 0x204, 0x206]);
    });
    // 4e025820 uzp2 v0.16b, v1.16b, v2.16b
    run(0x4e025820, perm, setup, () => {
      expect(L(0, 8)).toEqual([0x11, 0x13, 0x15, 0x17, 0x19, 0x1b, 0x1d, 0x1f, 0x21, 0x23, 0x25, 0x27, 0x29, 0x2b, 0x2d, 0x2f]);
    });
  });
  it('TRN1/TRN2 interleave the even/odd elements', () => {
    // 4e822820 trn1 v0.4s, v1.4s, v2.4s
    run(0x4e822820, perm, () => { setL(1, 32, [0x10, 0x11, 0x12, 0x13]); setL(2, 32, [0x20, 0x21, 0x22, 0x23]); }, () => {
      expect(L(0, 32)).toEqual([0x10, 0x20, 0x12, 0x22]);
    });
    // 0e026820 trn2 v0.8b, v1.8b, v2.8b
    run(0x0e026820, perm, setup, () => expect(D(0)).toEqual([0x2717_2515_2313_2111n, 0n]));
  });
  it('ZIP1/ZIP2 interleave the low/high halves; Vd may be a source', () => {
    // 4ec23820 zip1 v0.2d, v1.2d, v2.2d
    run(0x4ec23820, perm, () => { setL(1, 64, [1n, 2n]); setL(2, 64, [3n, 4n]); }, () => expect(D(0)).toEqual([1n, 3n]));
    // 0e427820 zip2 v0.4h, v1.4h, v2.4h
    run(0x0e427820, perm, () => { setL(1, 16, iota(0x100, 8)); setL(2, 16, iota(0x200, 8)); setL(0, 64, [ONES, ONES]); }, () => {
      expect(L(0, 16)).toEqual([0x102, 0x202, 0x103, 0x203, 0, 0, 0, 0]);
    });
    // 4e823821 zip1 v1.4s, v1.4s, v2.4s
    run(0x4e823821, perm, () => { setL(1, 32, [0x10, 0x11, 0x12, 0x13]); setL(2, 32, [0x20, 0x21, 0x22, 0x23]); }, () => {
      expect(L(1, 32)).toEqual([0x10, 0x20, 0x11, 0x21]);
    });
  });
  it('reserved encodings are UNDEFINED', () => {
    undef(0x0ec23820, perm); // size:Q = 110
    undef(0x4e020820, perm); // opcode 000
    undef(0x4e024820, perm); // opcode 100
  });
});

describe('EXT', () => {
  const setup = () => { setL(1, 8, iota(0x10)); setL(2, 8, iota(0x20)); setL(0, 64, [ONES, ONES]); };
  it('extracts from the pair Vm:Vn', () => {
    // 6e021820 ext v0.16b, v1.16b, v2.16b, #3
    run(0x6e021820, ext, setup, () => expect(L(0, 8)).toEqual([...iota(0x13, 13), 0x20, 0x21, 0x22]));
    // 2e023820 ext v0.8b, v1.8b, v2.8b, #7
    run(0x2e023820, ext, setup, () => expect(D(0)).toEqual([0x2625_2423_2221_2017n, 0n]));
  });
  it('reserved encodings are UNDEFINED', () => {
    undef(0x2e024020, ext); // Q = 0 with imm4<3> = 1
    undef(0x6e421820, ext); // op2 != 00
  });
});

describe('shift by immediate', () => {
  it('SSHR/USHR by the element size give the sign / zero', () => {
    // 4f100420 sshr v0.8h, v1.8h, #16
    run(0x4f100420, shift, () => setL(1, 16, [0x8000, 0x7fff, 0xffff, 1, 0x1234, 0xf000, 0, 0x8001]), () => {
      expect(L(0, 16)).toEqual([0xffff, 0, 0xffff, 0, 0, 0xffff, 0, 0xffff]);
    });
    // 6f200420 ushr v0.4s, v1.4s, #32
    run(0x6f200420, shift, () => { setL(1, 32, [0xffff_ffff, 1, 2, 3]); setL(0, 64, [ONES, ONES]); }, () => expect(D(0)).toEqual([0n, 0n]));
    // 7f400420 ushr d0, d1, #64; 5f400420 sshr d0, d1, #64
    run(0x7f400420, shiftS, () => { setL(1, 64, [ONES, ONES]); setL(0, 64, [ONES, ONES]); }, () => expect(D(0)).toEqual([0n, 0n]));
    run(0x5f400420, shiftS, () => { setL(1, 64, [1n << 63n, 0n]); setL(0, 64, [0n, ONES]); }, () => expect(D(0)).toEqual([ONES, 0n]));
  });

  it('rounding shifts add 1 << (shift - 1) before shifting, without overflow', () => {
    // 4f0f2420 srshr v0.16b, v1.16b, #1
    run(0x4f0f2420, shift, () => setL(1, 8, [0x01, 0x03, 0xff, 0xfd, 0x7f, 0x80, 0x02, 0xfe]), () => {
      expect(L(0, 8)).toEqual([0x01, 0x02, 0x00, 0xff, 0x40, 0xc0, 0x01, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
    });
    // 6f402420 urshr v0.2d, v1.2d, #64
    run(0x6f402420, shift, () => setL(1, 64, [1n << 63n, (1n << 63n) - 1n]), () => expect(D(0)).toEqual([1n, 0n]));
  });

  it('SSRA/URSRA accumulate modulo the element size', () => {
    // 4f3c1420 ssra v0.4s, v1.4s, #4
    run(0x4f3c1420, shift, () => { setL(1, 32, [0x8000_0000, 0x100, 0xffff_fff0, 0x7fff_ffff]); setL(0, 32, [0x1000_0000, 1, 1, 0xf800_0001]); }, () => {
      expect(L(0, 32)).toEqual([0x0800_0000, 0x11, 0, 0]);
    });
    // 7f7f3420 ursra d0, d1, #1: (2^64 - 1 + 1) >> 1 = 2^63
    run(0x7f7f3420, shiftS, () => { setL(1, 64, [ONES, 5n]); setL(0, 64, [(1n << 63n) + 1n, 0x1234n]); }, () => expect(D(0)).toEqual([1n, 0n]));
  });

  it('SHL, SLI and SRI', () => {
    // 0f3f5420 shl v0.2s, v1.2s, #31
    run(0x0f3f5420, shift, () => { setL(1, 32, [3, 2, 9, 9]); setL(0, 64, [ONES, ONES]); }, () => expect(L(0, 32)).toEqual([0x8000_0000, 0, 0, 0]));
    // 2f0b5420 sli v0.8b, v1.8b, #3
    run(0x2f0b5420, shift, () => { setL(0, 8, Array(16).fill(0xff)); setL(1, 8, [0x01, 0xff, 0x20, 0, 0, 0, 0, 0x1f]); }, () => {
      expect(D(0)).toEqual([0xff07_0707_0707_ff0fn, 0n]);
    });
    // 2f104420 sri v0.4h, v1.4h, #16: Vd unchanged (64-bit result clears bits 127:64)
    run(0x2f104420, shift, () => { setL(0, 64, [0x1111_2222_3333_4444n, 0x5555n]); setL(1, 64, [ONES, ONES]); }, () => {
      expect(D(0)).toEqual([0x1111_2222_3333_4444n, 0n]);
    });
    // 6f1c4420 sri v0.8h, v1.8h, #4
    run(0x6f1c4420, shift, () => { setL(0, 16, Array(8).fill(0xabcd)); setL(1, 16, [0x1234, 0xffff, 0, 0x8000, 0, 0, 0, 0]); }, () => {
      expect(L(0, 16)).toEqual([0xa123, 0xafff, 0xa000, 0xa800, 0xa000, 0xa000, 0xa000, 0xa000]);
    });
    // 7f404420 sri d0, d1, #64; 7f7f5420 sli d0, d1, #63
    run(0x7f404420, shiftS, () => { setL(0, 64, [0x0123n, 0x5555n]); setL(1, 64, [ONES, ONES]); }, () => expect(D(0)).toEqual([0x0123n, 0n]));
    run(0x7f7f5420, shiftS, () => { setL(0, 64, [0x0123_4567_89ab_cdefn, 1n]); setL(1, 64, [3n, 0n]); }, () => {
      expect(D(0)).toEqual([0x8123_4567_89ab_cdefn, 0n]);
    });
  });

  it('SQSHL/UQSHL/SQSHLU (immediate) saturate and set FPSR.QC', () => {
    // 0f0c7420 sqshl v0.8b, v1.8b, #4
    run(0x0f0c7420, shift, () => setL(1, 8, [0x07, 0x08, 0xf8, 0xf7, 0, 1, 0x80, 0x7f]), () => {
      expect(D(0)).toEqual([0x7f80_1000_8080_7f70n, 0n]);
      expect(c.sr[R.FPSR]).toBe(QC);
    });
    // 6f3f7420 uqshl v0.4s, v1.4s, #31
    run(0x6f3f7420, shift, () => setL(1, 32, [1, 2, 0, 0xffff_ffff]), () => {
      expect(L(0, 32)).toEqual([0x8000_0000, 0xffff_ffff, 0, 0xffff_ffff]);
      expect(c.sr[R.FPSR]).toBe(QC);
    });
    run(0x6f3f7420, shift, () => setL(1, 32, [1, 0, 1, 0]), () => {
      expect(L(0, 32)).toEqual([0x8000_0000, 0, 0x8000_0000, 0]);
      expect(c.sr[R.FPSR]).toBe(0n);
    });
    // 6f136420 sqshlu v0.8h, v1.8h, #3
    run(0x6f136420, shift, () => setL(1, 16, [0xffff, 0x1fff, 0x2000, 1, 0x8000]), () => {
      expect(L(0, 16)).toEqual([0, 0xfff8, 0xffff, 8, 0, 0, 0, 0]);
      expect(c.sr[R.FPSR]).toBe(QC);
    });
    // 5f0f7420 sqshl b0, b1, #7
    run(0x5f0f7420, shiftS, () => { setL(1, 8, [0x01, 0x55, 0x55]); setL(0, 64, [ONES, ONES]); }, () => {
      expect(D(0)).toEqual([0x7fn, 0n]);
      expect(c.sr[R.FPSR]).toBe(QC);
    });
    // 7f7f7420 uqshl d0, d1, #63; 7f216420 sqshlu s0, s1, #1 (neither saturates)
    run(0x7f7f7420, shiftS, () => setL(1, 64, [1n, ONES]), () => {
      expect(D(0)).toEqual([1n << 63n, 0n]);
      expect(c.sr[R.FPSR]).toBe(0n);
    });
    run(0x7f216420, shiftS, () => setL(1, 32, [0x7fff_ffff, 0xffff_ffff]), () => {
      expect(D(0)).toEqual([0xffff_fffen, 0n]);
      expect(c.sr[R.FPSR]).toBe(0n);
    });
  });

  it('narrowing shifts: SHRN, RSHRN2 (upper half kept), SQSHRN2, UQRSHRN, SQRSHRUN, SQSHRUN', () => {
    // 0f0d8420 shrn v0.8b, v1.8h, #3
    run(0x0f0d8420, shift, () => { setL(1, 16, [0x0008, 0xffff, 0x0800, 0x07ff, 0x0010, 0, 0, 0x8000]); setL(0, 64, [ONES, ONES]); }, () => {
      expect(D(0)).toEqual([0x0000_0002_ff00_ff01n, 0n]);
    });
    // 4f088c20 rshrn2 v0.16b, v1.8h, #8
    run(0x4f088c20, shift, () => { setL(0, 64, [0x0706_0504_0302_0100n, ONES]); setL(1, 16, [0x1280, 0x127f, 0xff80, 0, 0x00ff, 0xabcd, 0x0180, 0x7f7f]); }, () => {
      expect(D(0)).toEqual([0x0706_0504_0302_0100n, 0x7f02_ac01_0000_1213n]);
      expect(c.sr[R.FPSR]).toBe(0n);
    });
    // 4f3f9420 sqshrn2 v0.4s, v1.2d, #1
    run(0x4f3f9420, shift, () => { setL(0, 64, [0x1111n, 0x2222n]); setL(1, 64, [0xffff_fffe_0000_0000n, 0x0000_0000_ffff_fffen]); }, () => {
      expect(D(0)).toEqual([0x1111n, 0x7fff_ffff_8000_0000n]);
      expect(c.sr[R.FPSR]).toBe(QC);
    });
    // 7f1c9c20 uqrshrn h0, s1, #4
    run(0x7f1c9c20, shiftS, () => { setL(1, 32, [0x000f_fff8, 1, 1, 1]); setL(0, 64, [ONES, ONES]); }, () => {
      expect(D(0)).toEqual([0xffffn, 0n]);
      expect(c.sr[R.FPSR]).toBe(QC);
    });
    // 2f108c20 sqrshrun v0.4h, v1.4s, #16
    run(0x2f108c20, shift, () => setL(1, 32, [0x8000_0000, 0x0001_8000, 0x7fff_8000, 0xffff_8000]), () => {
      expect(D(0)).toEqual([0x0000_8000_0002_0000n, 0n]);
      expect(c.sr[R.FPSR]).toBe(QC);
    });
    // 7f208420 sqshrun s0, d1, #32
    run(0x7f208420, shiftS, () => setL(1, 64, [0x7fff_ffff_ffff_ffffn, 1n]), () => {
      expect(D(0)).toEqual([0x7fff_ffffn, 0n]);
      expect(c.sr[R.FPSR]).toBe(0n);
    });
  });

  it('SSHLL/USHLL(2) and the SXTL/UXTL aliases widen', () => {
    // 0f3fa420 sshll v0.2d, v1.2s, #31
    run(0x0f3fa420, shift, () => setL(1, 32, [0x8000_0000, 3, 9, 9]), () => expect(D(0)).toEqual([0xc000_0000_0000_0000n, 0x1_8000_0000n]));
    // 6f0fa420 ushll2 v0.8h, v1.16b, #7
    run(0x6f0fa420, shift, () => setL(1, 8, [9, 9, 9, 9, 9, 9, 9, 9, 0xff, 0x01, 0x80, 0, 0, 0, 0, 0x02]), () => {
      expect(L(0, 16)).toEqual([0x7f80, 0x80, 0x4000, 0, 0, 0, 0, 0x100]);
    });
    // 0f10a420 sxtl v0.4s, v1.4h
    run(0x0f10a420, shift, () => setL(1, 16, [0x8000, 0x7fff, 0xffff, 1, 5, 5, 5, 5]), () => expect(L(0, 32)).toEqual([0xffff_8000, 0x7fff, 0xffff_ffff, 1]));
    // 6f20a420 uxtl2 v0.2d, v1.4s
    run(0x6f20a420, shift, () => setL(1, 32, [1, 1, 0xffff_ffff, 0x8000_0000]), () => expect(D(0)).toEqual([0xffff_ffffn, 0x8000_0000n]));
  });

  it('SCVTF/UCVTF and FCVTZS/FCVTZU (fixed-point)', () => {
    // 4f30e420 scvtf v0.4s, v1.4s, #16
    run(0x4f30e420, shift, () => setL(1, 32, [0x0001_0000, 0xffff_0000, 0x0000_8000, 1]), () => {
      expect(L(0, 32)).toEqual([0x3f80_0000, 0xbf80_0000, 0x3f00_0000, 0x3780_0000]);
      expect(c.sr[R.FPSR]).toBe(0n);
    });
    // 7f40e420 ucvtf d0, d1, #64
    run(0x7f40e420, shiftS, () => setL(1, 64, [1n << 63n, ONES]), () => expect(D(0)).toEqual([0x3fe0_0000_0000_0000n, 0n]));
    // 4f7ffc20 fcvtzs v0.2d, v1.2d, #1: -2.5 truncates to -2 (inexact); 2^64 saturates (invalid)
    run(0x4f7ffc20, shift, () => setL(1, 64, [0xbff4_0000_0000_0000n, 0x43e0_0000_0000_0000n]), () => {
      expect(D(0)).toEqual([0xffff_ffff_ffff_fffen, 0x7fff_ffff_ffff_ffffn]);
      expect(c.sr[R.FPSR]).toBe(0x11n); // IXC | IOC
    });
    // 7f38fc20 fcvtzu s0, s1, #8
    run(0x7f38fc20, shiftS, () => { setL(1, 32, [0x3fc0_0000, 7, 7, 7]); setL(0, 64, [ONES, ONES]); }, () => {
      expect(D(0)).toEqual([0x180n, 0n]);
      expect(c.sr[R.FPSR]).toBe(0n);
    });
    run(0x7f38fc20, shiftS, () => setL(1, 32, [0xbf80_0000]), () => {
      expect(D(0)).toEqual([0n, 0n]);
      expect(c.sr[R.FPSR]).toBe(1n); // IOC
    });
  });

  it('reserved encodings are UNDEFINED', () => {
    undef(0x0f400420, shift); // SSHR .1d: immh<3>:Q = 10
    undef(0x0f7ffc20, shift); // FCVTZS .1d
    undef(0x5f200420, shiftS); // scalar SSHR needs immh<3> = 1
    undef(0x5f085420, shiftS); // scalar SHL of a byte
    undef(0x4f104420, shift); // opcode 01000 with U = 0
    undef(0x4f100c20, shift); // opcode 00001
    undef(0x4f10f420, shift); // opcode 11110
    undef(0x0f408420, shift); // SHRN with immh<3> = 1
    undef(0x4f48a420, shift); // SSHLL with immh<3> = 1
    undef(0x5f088420, shiftS); // scalar SHRN (U = 0)
    undef(0x5f08a420, shiftS); // scalar SSHLL
    undef(0x5f086420, shiftS); // scalar opcode 01100 with U = 0
    undef(0x4f18e420, shift); // SCVTF half precision (immh = 001x) needs FEAT_FP16
    undef(0x4f08e420, shift); // SCVTF with immh = 0001
    undef(0x5f000420, shiftS); // scalar immh = 0000
  });
});

describe('three different', () => {
  it('long and wide add/subtract, including the 2 forms and 64-bit lanes', () => {
    // 0e220020 saddl v0.8h, v1.8b, v2.8b
    run(0x0e220020, diff, () => { setL(1, 8, [0x80, 0x7f, 0xff, 1, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9]); setL(2, 8, [0x80, 0x7f, 0x01, 0xff, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9]); }, () => {
      expect(L(0, 16)).toEqual([0xff00, 0x00fe, 0, 0, 0, 0, 0, 0]);
    });
    // 6e620020 uaddl2 v0.4s, v1.8h, v2.8h
    run(0x6e620020, diff, () => { setL(1, 16, [7, 7, 7, 7, 0xffff, 1, 0x8000, 0]); setL(2, 16, [7, 7, 7, 7, 0xffff, 2, 0x8000, 0]); }, () => {
      expect(L(0, 32)).toEqual([0x1_fffe, 3, 0x1_0000, 0]);
    });
    // 0ea22020 ssubl v0.2d, v1.2s, v2.2s
    run(0x0ea22020, diff, () => { setL(1, 32, [0x8000_0000, 5, 1, 1]); setL(2, 32, [1, 0xffff_ffff, 1, 1]); }, () => {
      expect(D(0)).toEqual([0xffff_ffff_7fff_ffffn, 6n]);
    });
    // 2e623020 usubw v0.4s, v1.4s, v2.4h
    run(0x2e623020, diff, () => { setL(1, 32, [0, 10, 0x1234_5678, 0xffff_ffff]); setL(2, 16, [1, 3, 0x5678, 0xffff, 5, 5, 5, 5]); }, () => {
      expect(L(0, 32)).toEqual([0xffff_ffff, 7, 0x1234_0000, 0xffff_0000]);
    });
    // 4ea21020 saddw2 v0.2d, v1.2d, v2.4s
    run(0x4ea21020, diff, () => { setL(1, 64, [0x7fff_ffff_ffff_ffffn, 5n]); setL(2, 32, [7, 7, 1, 0xffff_fffe]); }, () => {
      expect(D(0)).toEqual([0x8000_0000_0000_0000n, 3n]);
    });
  });

  it('ADDHN/RADDHN/SUBHN/RSUBHN(2) narrow to the high halves', () => {
    // 0e224020 addhn v0.8b, v1.8h, v2.8h
    run(0x0e224020, diff, () => { setL(1, 16, [0x1234, 0xff00, 0x80ff]); setL(2, 16, [0x0100, 0x0100, 0x0001]); setL(0, 64, [ONES, ONES]); }, () => {
      expect(D(0)).toEqual([0x81_00_13n, 0n]);
    });
    // 6e224020 raddhn2 v0.16b, v1.8h, v2.8h
    run(0x6e224020, diff, () => { setL(0, 64, [0x0706_0504_0302_0100n, ONES]); setL(1, 16, [0x1280, 0x127f, 0xff80, 0, 0, 0, 0, 0x8000]); setL(2, 16, [0, 0, 0, 0, 0, 0, 0, 0x7f7f]); }, () => {
      expect(D(0)).toEqual([0x0706_0504_0302_0100n, 0xff00_0000_0000_1213n]);
    });
    // 0ea26020 subhn v0.2s, v1.2d, v2.2d
    run(0x0ea26020, diff, () => { setL(1, 64, [0n, 0x5_0000_0000n]); setL(2, 64, [1n, 0x1_0000_0001n]); }, () => {
      expect(D(0)).toEqual([0x3_ffff_ffffn, 0n]);
    });
    // 6ea26020 rsubhn2 v0.4s, v1.2d, v2.2d
    run(0x6ea26020, diff, () => { setL(0, 64, [0xaaaan, ONES]); setL(1, 64, [0x1_8000_0000n, 0x1_7fff_ffffn]); setL(2, 64, [0n, 0n]); }, () => {
      expect(D(0)).toEqual([0xaaaan, 0x1_0000_0002n]);
    });
  });

  it('absolute differences: SABAL, UABDL2, SABDL', () => {
    // 0e225020 sabal v0.8h, v1.8b, v2.8b
    run(0x0e225020, diff, () => { setL(0, 16, [1, 0xffff, 3, 4, 5, 6, 7, 8]); setL(1, 8, [0x80, 0x7f, 5]); setL(2, 8, [0x7f, 0x80, 7]); }, () => {
      expect(L(0, 16)).toEqual([0x100, 0xfe, 5, 4, 5, 6, 7, 8]);
    });
    // 6ea27020 uabdl2 v0.2d, v1.4s, v2.4s
    run(0x6ea27020, diff, () => { setL(1, 32, [5, 5, 0, 0xffff_ffff]); setL(2, 32, [6, 6, 0xffff_ffff, 1]); }, () => {
      expect(D(0)).toEqual([0xffff_ffffn, 0xffff_fffen]);
    });
    // 0e627020 sabdl v0.4s, v1.4h, v2.4h
    run(0x0e627020, diff, () => { setL(1, 16, [0x8000, 0x7fff, 3, 0]); setL(2, 16, [0x7fff, 0x8000, 0xfffd, 0]); }, () => {
      expect(L(0, 32)).toEqual([0xffff, 0xffff, 6, 0]);
    });
  });

  it('multiplies: SMLAL, UMLSL2, SMULL, UMULL, UMLAL', () => {
    // 0e628020 smlal v0.4s, v1.4h, v2.4h
    run(0x0e628020, diff, () => { setL(0, 32, [0x4000_0000, 0, 3, 0]); setL(1, 16, [0x8000, 0x7fff, 0xffff, 2]); setL(2, 16, [0x8000, 0x7fff, 3, 0xfffe]); }, () => {
      expect(L(0, 32)).toEqual([0x8000_0000, 0x3fff_0001, 0, 0xffff_fffc]);
    });
    // 6ea2a020 umlsl2 v0.2d, v1.4s, v2.4s
    run(0x6ea2a020, diff, () => { setL(0, 64, [0n, 10n]); setL(1, 32, [9, 9, 0xffff_ffff, 2]); setL(2, 32, [9, 9, 0xffff_ffff, 3]); }, () => {
      expect(D(0)).toEqual([0x1_ffff_ffffn, 4n]);
    });
    // 0ea2c020 smull v0.2d, v1.2s, v2.2s
    run(0x0ea2c020, diff, () => { setL(1, 32, [0x8000_0000, 0xffff_ffff]); setL(2, 32, [0x8000_0000, 5]); }, () => {
      expect(D(0)).toEqual([0x4000_0000_0000_0000n, 0xffff_ffff_ffff_fffbn]);
    });
    // 2e22c020 umull v0.8h, v1.8b, v2.8b
    run(0x2e22c020, diff, () => { setL(1, 8, [0xff, 2, 0x80]); setL(2, 8, [0xff, 3, 0x80]); }, () => {
      expect(L(0, 16)).toEqual([0xfe01, 6, 0x4000, 0, 0, 0, 0, 0]);
    });
    // 2e228020 umlal v0.8h, v1.8b, v2.8b
    run(0x2e228020, diff, () => { setL(0, 16, [0x01ff, 1]); setL(1, 8, [0xff, 2]); setL(2, 8, [0xff, 3]); }, () => {
      expect(L(0, 16)).toEqual([0x0000, 7, 0, 0, 0, 0, 0, 0]);
    });
  });

  it('SQDMULL/SQDMLAL2/SQDMLSL saturate the product and the accumulation, setting QC', () => {
    // 0e62d020 sqdmull v0.4s, v1.4h, v2.4h
    run(0x0e62d020, diff, () => { setL(1, 16, [0x8000, 0x8000, 0x7fff, 3]); setL(2, 16, [0x8000, 0x7fff, 0x7fff, 0xfffe]); }, () => {
      expect(L(0, 32)).toEqual([0x7fff_ffff, 0x8001_0000, 0x7ffe_0002, 0xffff_fff4]);
      expect(c.sr[R.FPSR]).toBe(QC);
    });
    run(0x0e62d020, diff, () => { setL(1, 16, [0x8000, 2]); setL(2, 16, [0x7fff, 3]); }, () => {
      expect(L(0, 32)).toEqual([0x8001_0000, 12, 0, 0]);
      expect(c.sr[R.FPSR]).toBe(0n);
    });
    // 4ea29020 sqdmlal2 v0.2d, v1.4s, v2.4s
    run(0x4ea29020, diff, () => { setL(0, 64, [5n, 0x7fff_ffff_ffff_ffffn]); setL(1, 32, [1, 1, 0x8000_0000, 0x4000_0000]); setL(2, 32, [1, 1, 0x8000_0000, 2]); }, () => {
      expect(D(0)).toEqual([0x7fff_ffff_ffff_ffffn, 0x7fff_ffff_ffff_ffffn]);
      expect(c.sr[R.FPSR]).toBe(QC);
    });
    // 5e62b020 sqdmlsl s0, h1, h2
    run(0x5e62b020, diffS, () => { setL(0, 32, [0x8000_0000, 1, 1, 1]); setL(1, 16, [0x8000, 1]); setL(2, 16, [0x8000, 1]); }, () => {
      expect(D(0)).toEqual([0x8000_0000n, 0n]);
      expect(c.sr[R.FPSR]).toBe(QC);
    });
    // 5ea2d020 sqdmull d0, s1, s2
    run(0x5ea2d020, diffS, () => { setL(0, 64, [ONES, ONES]); setL(1, 32, [0x7fff_ffff, 1]); setL(2, 32, [0x8000_0000, 1]); }, () => {
      expect(D(0)).toEqual([0x8000_0001_0000_0000n, 0n]);
      expect(c.sr[R.FPSR]).toBe(0n);
    });
  });

  it('PMULL/PMULL2 with 8-bit elements multiply polynomials over GF(2)', () => {
    // 0e22e020 pmull v0.8h, v1.8b, v2.8b
    run(0x0e22e020, diff, () => { setL(1, 8, [0xff, 0x03, 0x80, 0x0e]); setL(2, 8, [0xff, 0x03, 0x02, 0x03]); }, () => {
      expect(L(0, 16)).toEqual([0x5555, 0x05, 0x100, 0x12, 0, 0, 0, 0]);
    });
    // 4e22e020 pmull2 v0.8h, v1.16b, v2.16b
    run(0x4e22e020, diff, () => { setL(1, 8, [...Array(8).fill(0xff), 0x0e, 0, 0, 0, 0, 0, 0, 0x81]); setL(2, 8, [...Array(8).fill(0xff), 0x03, 0, 0, 0, 0, 0, 0, 0x81]); }, () => {
      expect(L(0, 16)).toEqual([0x12, 0, 0, 0, 0, 0, 0, 0x4001]);
    });
  });

  it('reserved encodings are UNDEFINED', () => {
    undef(0x0ee20020, diff); // SADDL with size 11
    undef(0x0ee2e020, diff); // PMULL .1q needs the crypto extension
    undef(0x0e62e020, diff); // PMULL with size 01
    undef(0x0e22d020, diff); // SQDMULL with size 00
    undef(0x2e62d020, diff); // opcode 1101 with U = 1
    undef(0x0e62f020, diff); // opcode 1111
    undef(0x5e620020, diffS); // scalar SADDL
    undef(0x5ee2d020, diffS); // scalar SQDMULL with size 11
    undef(0x7e62d020, diffS); // scalar with U = 1
  });
});

describe('through the core', () => {
  it('a program of these instructions runs from RAM', async () => {
    const { sim, machine, cluster } = await buildMachine({ 'start-el': 3 });
    machine.start();
    const core = cluster.cores[0]!;
    const prog = [
      0x4f05e560, // movi v0.16b, #0xab
      0x4e080fe0, // dup v0.2d, xzr          (v0 = 0)
      0x0e020c21, // dup v1.4h, w1
      0x4e141c20, // mov v0.s[2], w1
      0x6e021822, // ext v2.16b, v1.16b, v2.16b, #3
      0x0e62d023, // sqdmull v3.4s, v1.4h, v2.4h
      0x4e183c04, // mov x4, v0.d[1]
      0x14000000, // b .
    ];
    machine.system.writeBytes(0x4000_0000, new Uint8Array(new Uint32Array(prog).buffer));
    core.reset(3, 0x4000_0000n);
    core.x[1] = 0x8000n;
    sim.run(Infinity, { instructionBudget: 100 }); // ends spinning on the branch
    expect(core.pc).toBe(0x4000_0000n + BigInt(4 * (prog.length - 1)));
    expect(core.v64[0]).toBe(0n);
    expect(core.v64[1]).toBe(0x8000n);
    expect(core.x[4]).toBe(0x8000n);
    expect(core.v64[2]).toBe(0x8000_8000_8000_8000n);
    // v2 = bytes 3..7 of v1 (h lanes 0x8000) then bytes 0..2 of the old v2 (zero)
    expect(core.v64[4]).toBe(0x0000_0080_0080_0080n);
    // v2.4h = (0x0080, 0x0080, 0x0080, 0): 2 * -32768 * 0x0080 = -2^23
    expect(Array.from(core.v32.subarray(12, 16))).toEqual([0xff80_0000, 0xff80_0000, 0xff80_0000, 0]);
    expect(core.sr[R.FPSR]).toBe(0n);
  });
});
