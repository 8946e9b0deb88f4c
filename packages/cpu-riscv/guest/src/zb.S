# Zba, Zbb, Zbs (run with isa including _zba_zbb_zbs; without them every one is illegal).
#include "test.h"
RVTEST_BEGIN
  TEST_RR(1, add.uw, 0x80000012, 0x8000000180000001, 0x11)
  TEST_RR(2, sh1add, 0x300000013, 0x8000000180000001, 0x11)
  TEST_RR(3, sh2add, 0x600000015, 0x8000000180000001, 0x11)
  TEST_RR(4, sh3add, 0xc00000019, 0x8000000180000001, 0x11)
  TEST_RR(5, sh3add.uw, 0x400000019, 0x8000000180000001, 0x11)
  TEST_RI(6, slli.uw, 0x800000010, 0x8000000180000001, 4)
  TEST_RR(7, andn, 0x8000000180000000, 0x8000000180000001, 0x11)
  TEST_RR(8, orn, 0xffffffffffffffef, 0x8000000180000001, 0x11)
  TEST_RR(9, xnor, 0x7ffffffe7fffffef, 0x8000000180000001, 0x11)
  li TESTNUM, 10
  li x1, 0x0000100000000000
  clz x3, x1
  li x4, 19
  bne x3, x4, fail
  ctz x3, x1
  li x4, 44
  bne x3, x4, fail
  cpop x3, x1
  li x4, 1
  bne x3, x4, fail
  li x1, 0x00000000000f0000
  clzw x3, x1
  li x4, 12
  bne x3, x4, fail
  ctzw x3, x1
  li x4, 16
  bne x3, x4, fail
  cpopw x3, x1
  li x4, 4
  bne x3, x4, fail
  clz x3, zero
  li x4, 64
  bne x3, x4, fail
  TEST_RR(11, max, 3, -5, 3)
  TEST_RR(12, maxu, -5, -5, 3)
  TEST_RR(13, min, -5, -5, 3)
  TEST_RR(14, minu, 3, -5, 3)
  li TESTNUM, 15
  li x1, 0x1234ff80
  sext.b x3, x1
  li x4, -128
  bne x3, x4, fail
  sext.h x3, x1
  li x4, -128
  bne x3, x4, fail
  zext.h x3, x1
  li x4, 0xff80
  bne x3, x4, fail
  TEST_RR(16, rol, 0x0000000000000003, 0x8000000000000001, 1)
  TEST_RR(17, ror, 0xc000000000000000, 0x8000000000000001, 1)
  TEST_RI(18, rori, 0x1000000000000000, 0x1, 4)
  TEST_RR(19, rolw, 0x0000000000000003, 0x80000001, 1)
  TEST_RR(20, rorw, 0xffffffffc0000000, 0x80000001, 1)
  TEST_RI(21, roriw, 0x0000000010000000, 0x1, 4)
  li TESTNUM, 22
  li x1, 0x0001000000ff0010
  orc.b x3, x1
  li x4, 0x00ff000000ff00ff
  bne x3, x4, fail
  li x1, 0x0102030405060708
  rev8 x3, x1
  li x4, 0x0807060504030201
  bne x3, x4, fail
  TEST_RR(23, bclr, 0xfffffffffffffffe, -1, 64)
  TEST_RI(24, bclri, 0x7fffffffffffffff, -1, 63)
  TEST_RR(25, bext, 1, 0x100, 8)
  TEST_RI(26, bexti, 0, 0x100, 9)
  TEST_RR(27, binv, 0x101, 0x100, 0)
  TEST_RI(28, binvi, 0, 0x100, 8)
  TEST_RR(29, bset, 0x8000000000000000, 0, 63)
  TEST_RI(30, bseti, 0x10, 0, 4)
  j pass
RVTEST_END
