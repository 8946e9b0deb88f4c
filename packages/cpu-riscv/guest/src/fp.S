# F and D: arithmetic, rounding modes (static and dynamic), fflags, NaN boxing, conversions,
# compares, classify, min/max, fused multiply-add, sign injection, loads and stores.
#include "test.h"
#define FS(reg, bits) li t0, bits; fmv.w.x reg, t0
#define FD(reg, bits) li t0, bits; fmv.d.x reg, t0
#define CHECK_S(n, reg, bits) li TESTNUM, n; fmv.x.w t1, reg; li t2, bits; sext.w t2, t2; bne t1, t2, fail
#define CHECK_D(n, reg, bits) li TESTNUM, n; fmv.x.d t1, reg; li t2, bits; bne t1, t2, fail
#define CHECK_FLAGS(n, bits) li TESTNUM, n; frflags t1; li t2, bits; bne t1, t2, fail; fsflags zero
RVTEST_BEGIN
  fsflags zero
  FS(f1, 0x3fc00000)
  FS(f2, 0x40100000)
  fadd.s f3, f1, f2
  CHECK_S(1, f3, 0x40700000)
  CHECK_FLAGS(2, 0)
  FD(f4, 0x3ff0000000000000)
  FD(f5, 0x4000000000000000)
  fadd.d f6, f4, f5
  CHECK_D(3, f6, 0x4008000000000000)
  FD(f7, 0x4008000000000000)
  fdiv.d f8, f4, f7
  CHECK_D(4, f8, 0x3fd5555555555555)
  CHECK_FLAGS(5, 1)                     # NX
  fdiv.d f8, f4, f7, rup
  CHECK_D(6, f8, 0x3fd5555555555556)
  fsflags zero
  csrwi frm, 3                          # dynamic rounding: RUP
  fdiv.d f8, f4, f7
  CHECK_D(7, f8, 0x3fd5555555555556)
  csrwi frm, 0
  fsflags zero
  FS(f1, 0x40000000)
  fsqrt.s f2, f1
  CHECK_S(8, f2, 0x3fb504f3)
  fsflags zero
  FS(f1, 0x3f800000)
  fmv.w.x f2, zero
  fdiv.s f3, f1, f2
  CHECK_S(9, f3, 0x7f800000)
  CHECK_FLAGS(10, 8)                    # DZ
  # NaN boxing: an f32 operand whose upper half is not all ones reads as the canonical NaN
  li t0, 0x000000003f800000
  fmv.d.x f1, t0
  fadd.s f2, f1, f1
  CHECK_D(11, f2, 0xffffffff7fc00000)
  FS(f1, 0x3f800000)
  CHECK_D(12, f1, 0xffffffff3f800000)   # fmv.w.x boxes
  fsflags zero
  # Conversions
  FS(f1, 0x406ccccd)                    # 3.7
  fcvt.w.s t1, f1, rtz
  li TESTNUM, 13
  li t2, 3
  bne t1, t2, fail
  fcvt.w.s t1, f1, rne
  li t2, 4
  bne t1, t2, fail
  FD(f1, 0xbff8000000000000)            # -1.5
  fcvt.w.d t1, f1, rne
  li TESTNUM, 14
  li t2, -2
  bne t1, t2, fail
  fsflags zero
  FD(f1, 0xbff0000000000000)            # -1.0
  fcvt.wu.d t1, f1, rtz
  li TESTNUM, 15
  bnez t1, fail
  CHECK_FLAGS(16, 16)                   # NV
  li t0, 0x7ff8000000000000
  fmv.d.x f1, t0
  fcvt.l.d t1, f1
  li TESTNUM, 17
  li t2, 0x7fffffffffffffff
  bne t1, t2, fail
  fsflags zero
  li t0, -5
  fcvt.s.w f1, t0
  CHECK_S(18, f1, 0xc0a00000)
  li t0, 0x8000000000000000
  fcvt.d.lu f1, t0
  CHECK_D(19, f1, 0x43e0000000000000)
  li t0, -1
  fcvt.s.wu f1, t0
  CHECK_S(20, f1, 0x4f800000)
  FS(f1, 0x3dcccccd)
  fcvt.d.s f2, f1
  CHECK_D(21, f2, 0x3fb99999a0000000)
  fcvt.s.d f3, f2
  CHECK_S(22, f3, 0x3dcccccd)
  fsflags zero
  # Compares
  FD(f1, 0x3ff0000000000000)
  FD(f2, 0x4000000000000000)
  li TESTNUM, 23
  flt.d t1, f1, f2
  beqz t1, fail
  fle.d t1, f2, f1
  bnez t1, fail
  feq.d t1, f1, f1
  beqz t1, fail
  li t0, 0x7ff8000000000000
  fmv.d.x f3, t0
  feq.d t1, f3, f1
  bnez t1, fail
  CHECK_FLAGS(24, 0)                    # quiet compare with a qNaN
  flt.d t1, f3, f1
  CHECK_FLAGS(25, 16)                   # signaling compare
  # Classify
  li TESTNUM, 26
  li t0, 0x7f800000
  fmv.w.x f1, t0
  fclass.s t1, f1
  li t2, 0x80
  bne t1, t2, fail
  li t0, 0x8000000000000000
  fmv.d.x f1, t0
  fclass.d t1, f1
  li t2, 0x8
  bne t1, t2, fail
  fclass.d t1, f3
  li t2, 0x200
  bne t1, t2, fail
  # Min/max: a NaN operand gives the other; -0 < +0
  FD(f1, 0x3ff0000000000000)
  fmin.d f2, f3, f1
  CHECK_D(27, f2, 0x3ff0000000000000)
  li t0, 0x8000000000000000
  fmv.d.x f4, t0
  fmv.d.x f5, zero
  fmin.d f2, f5, f4
  CHECK_D(28, f2, 0x8000000000000000)
  fmax.d f2, f4, f5
  CHECK_D(29, f2, 0)
  # Fused multiply-add
  FD(f1, 0x4000000000000000)
  FD(f2, 0x4008000000000000)
  FD(f3, 0x3ff0000000000000)
  fmadd.d f4, f1, f2, f3
  CHECK_D(30, f4, 0x401c000000000000)
  fmsub.d f4, f1, f2, f3
  CHECK_D(31, f4, 0x4014000000000000)
  fnmsub.d f4, f1, f2, f3
  CHECK_D(32, f4, 0xc014000000000000)
  fnmadd.d f4, f1, f2, f3
  CHECK_D(33, f4, 0xc01c000000000000)
  FS(f1, 0x40000000)
  FS(f2, 0x40400000)
  FS(f3, 0x3f800000)
  fmadd.s f4, f1, f2, f3
  CHECK_S(34, f4, 0x40e00000)
  # Sign injection
  FD(f1, 0x3ff0000000000000)
  FD(f2, 0xc000000000000000)
  fsgnj.d f3, f1, f2
  CHECK_D(35, f3, 0xbff0000000000000)
  fsgnjn.d f3, f1, f2
  CHECK_D(36, f3, 0x3ff0000000000000)
  fsgnjx.d f3, f2, f2
  CHECK_D(37, f3, 0x4000000000000000)
  fneg.s f4, f1                         # f1 is not boxed as f32: canonical NaN, sign flipped
  CHECK_D(38, f4, 0xffffffffffc00000)
  # Loads and stores
  la a0, fdata
  li t0, 0x1122334455667788
  sd t0, 0(a0)
  flw f1, 0(a0)
  CHECK_D(39, f1, 0xffffffff55667788)
  fld f2, 0(a0)
  fsw f2, 8(a0)
  lwu t1, 8(a0)
  li t2, 0x55667788
  li TESTNUM, 40
  bne t1, t2, fail
  fsd f2, 16(a0)
  ld t1, 16(a0)
  bne t1, t0, fail
  # A reserved dynamic rounding mode makes rounding instructions illegal
  li TESTNUM, 41
  csrwi frm, 5
  EXPECT(2, fadd.d f1, f1, f1)
  fsgnj.d f1, f2, f2                    # no rounding: still legal
  csrwi frm, 0
  li TESTNUM, 42
  EXPECT(2, .word 0x02a0d0d3)           # fadd.d with rm=5 (reserved)
  # fcsr packs frm and fflags
  li TESTNUM, 43
  li t0, 0xff
  fscsr t0
  frrm t1
  li t2, 7
  bne t1, t2, fail
  frflags t1
  li t2, 31
  bne t1, t2, fail
  fscsr zero
  j pass
RVTEST_END
  .data
  .align 3
fdata: .skip 64
