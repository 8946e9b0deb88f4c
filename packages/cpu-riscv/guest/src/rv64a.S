# RV64A: every AMO (W and D), LR/SC success and failure.
#include "test.h"
#define TEST_AMO(n, inst, init, src, expmem) \
  li TESTNUM, n; la a0, data; li t0, init; sd t0, 0(a0); li t1, src; inst t2, t1, (a0); \
  li t3, init; bne t2, t3, fail; ld t4, 0(a0); li t3, expmem; bne t4, t3, fail
#define TEST_AMOW(n, inst, init, src, expold, expmem) \
  li TESTNUM, n; la a0, data; li t0, init; sd t0, 0(a0); li t1, src; inst t2, t1, (a0); \
  li t3, expold; bne t2, t3, fail; ld t4, 0(a0); li t3, expmem; bne t4, t3, fail
RVTEST_BEGIN
  TEST_AMO(1, amoswap.d, 0x1111, 0x2222, 0x2222)
  TEST_AMO(2, amoadd.d, -1, 2, 1)
  TEST_AMO(3, amoxor.d, 0xff0, 0x0ff, 0xf0f)
  TEST_AMO(4, amoand.d, 0xff0, 0x0ff, 0x0f0)
  TEST_AMO(5, amoor.d, 0xff0, 0x0ff, 0xfff)
  TEST_AMO(6, amomin.d, -5, 3, -5)
  TEST_AMO(7, amomax.d, -5, 3, 3)
  TEST_AMO(8, amominu.d, -5, 3, 3)
  TEST_AMO(9, amomaxu.d, -5, 3, -5)
  TEST_AMOW(10, amoadd.w, 0x1234567f7fffffff, 1, 0x7fffffff, 0x1234567f80000000)
  TEST_AMOW(11, amoswap.w, 0x11111111ffffffff, 5, -1, 0x1111111100000005)
  TEST_AMOW(12, amomin.w, 0x0000000080000000, 1, 0xffffffff80000000, 0x0000000080000000)
  TEST_AMOW(13, amominu.w, 0x0000000080000000, 1, 0xffffffff80000000, 0x0000000000000001)
  TEST_AMOW(14, amomax.w, 0x0000000080000000, 1, 0xffffffff80000000, 0x0000000000000001)
  TEST_AMOW(15, amomaxu.w, 0x0000000080000000, 1, 0xffffffff80000000, 0x0000000080000000)
  TEST_AMOW(16, amoxor.w, 0x00000000ffffffff, 0xf, 0xffffffffffffffff, 0x00000000fffffff0)
  TEST_AMOW(17, amoand.w, 0x00000000ffff0000, 0xff00ff, 0xffffffffffff0000, 0x0000000000ff0000)
  TEST_AMOW(18, amoor.w, 0x0000000000000f00, 0xf, 0xf00, 0xf0f)
  # LR/SC
  li TESTNUM, 19
  la a0, data
  sd zero, 0(a0)
  lr.d t0, (a0)
  addi t0, t0, 5
  sc.d t1, t0, (a0)
  bnez t1, fail
  ld t2, 0(a0)
  li t3, 5
  bne t2, t3, fail
  li TESTNUM, 20
  sc.d t1, t0, (a0)                     # no reservation
  beqz t1, fail
  li TESTNUM, 21
  lr.w t0, (a0)
  sw zero, 0(a0)                        # changes the value: reservation lost
  sc.w t1, t0, (a0)
  beqz t1, fail
  li TESTNUM, 22
  lr.w t0, (a0)
  la a1, data + 8
  sc.w t1, t0, (a1)                     # other address fails
  beqz t1, fail
  j pass
RVTEST_END
  .data
  .align 3
data: .dword 0, 0
