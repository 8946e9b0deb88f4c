# HTIF console: device 1, command 1 prints a character; wait for fromhost between characters.
#include "test.h"
RVTEST_BEGIN
  li TESTNUM, 1
  la a0, msg
  la a1, tohost
  la a2, fromhost
1: lbu t0, 0(a0)
  beqz t0, 3f
  li t1, (1 << 56) | (1 << 48)
  or t1, t1, t0
  sd t1, 0(a1)
2: ld t2, 0(a2)
  beqz t2, 2b
  sd zero, 0(a2)
  addi a0, a0, 1
  j 1b
3: j pass
RVTEST_END
  .data
msg: .string "hello from htif\n"
