# Self-modifying code: an instruction rewritten by a store runs in its new form after FENCE.I,
# also when the page was executed (and its decoded form cached) before.
#include "test.h"
RVTEST_BEGIN
  li TESTNUM, 1
  li a0, 0
  call patch_me
  li t0, 1
  bne a0, t0, fail
  # rewrite "li a0, 1" (addi a0, zero, 1) into "addi a0, zero, 2"
  la t1, patch_me
  li t2, 0x00200513
  sw t2, 0(t1)
  fence.i
  call patch_me
  li TESTNUM, 2
  li t0, 2
  bne a0, t0, fail
  # and a half-word store into the same instruction (immediate 2 -> 3: bits 20+)
  la t1, patch_me
  li t2, 0x0030
  sh t2, 2(t1)
  fence.i
  call patch_me
  li TESTNUM, 3
  li t0, 3
  bne a0, t0, fail
  # A 32-bit instruction that straddles a page boundary
  li TESTNUM, 4
  li a0, 40
  call straddle
  li t0, 41
  bne a0, t0, fail
  j pass
  .align 2
patch_me:
  .option push
  .option norvc
  addi a0, zero, 1
  ret
  .option pop
  .align 12
  .skip 4094 - 4
straddle_pad:
  .option push
  .option norvc
  nop
straddle:
  .option pop
  .option push
  .option norvc
  addi a0, a0, 1                        # bytes 4094..4097 of the page pair
  ret
  .option pop
RVTEST_END
