# Two harts: LR/SC and AMO increments of shared counters, then hart 0 checks the totals.
#include "test.h"
#define N 20000
RVTEST_BEGIN
  csrr a0, mhartid
  la a1, counter
  la a2, amo_counter
  li a3, N
1: lr.d t0, (a1)
  addi t0, t0, 1
  sc.d t1, t0, (a1)
  bnez t1, 1b
  li t2, 1
  amoadd.d zero, t2, (a2)
  addi a3, a3, -1
  bnez a3, 1b
  la a4, done
  amoadd.d zero, t2, (a4)
  bnez a0, park
2: ld t0, 0(a4)
  li t1, 2
  bne t0, t1, 2b
  li TESTNUM, 1
  ld t0, 0(a1)
  li t1, 2 * N
  bne t0, t1, fail
  li TESTNUM, 2
  ld t0, 0(a2)
  bne t0, t1, fail
  j pass
park:
  wfi
  j park
RVTEST_END
  .data
  .align 6
counter: .dword 0
  .align 6
amo_counter: .dword 0
  .align 6
done: .dword 0
