# With `misaligned: trap`: misaligned loads and stores raise address-misaligned exceptions
# with the address in mtval, and leave memory unchanged.
#include "test.h"
RVTEST_BEGIN
  la a0, data
  li TESTNUM, 1
  addi a1, a0, 1
  EXPECT(4, ld t0, 0(a1))
  bne s9, a1, fail
  li TESTNUM, 2
  addi a1, a0, 2
  EXPECT(4, lw t0, 0(a1))
  bne s9, a1, fail
  li TESTNUM, 3
  addi a1, a0, 3
  li t1, -1
  EXPECT(6, sh t1, 0(a1))
  bne s9, a1, fail
  ld t0, 0(a0)
  bnez t0, fail
  li TESTNUM, 4
  lh t0, 2(a0)                          # aligned ones still work
  sw t1, 4(a0)
  lw t0, 4(a0)
  bne t0, t1, fail
  j pass
RVTEST_END
  .data
  .align 3
data: .dword 0, 0
