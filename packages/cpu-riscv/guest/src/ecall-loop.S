# A trap-heavy workload for the trace benchmark (bench/debug-trace.bench.mjs): 100000 ECALLs
# from M-mode, each taken to the M-mode handler (ECALL from M, cause 11) and returned from
# with MRET to the next instruction. Exit 0 when all were taken.
#include "test.h"
RVTEST_BEGIN
  la t0, ecall_trap
  csrw mtvec, t0
  li s1, 100000
  li s2, 0
1:
  ecall
  addi s1, s1, -1
  bnez s1, 1b
  li TESTNUM, 1
  li t0, 100000
  bne s2, t0, fail
  j pass
  .align 2
ecall_trap:
  addi s2, s2, 1
  csrr t1, mepc
  addi t1, t1, 4
  csrw mepc, t1
  mret
RVTEST_END
