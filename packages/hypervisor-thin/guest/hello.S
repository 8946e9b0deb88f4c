/* The smallest partition guest: prints a line through the SBI debug console (DBCN) with
   its hart ID, reads the `time` CSR, waits for an SBI timer interrupt (TIME set_timer,
   delivered as a VS-level supervisor timer interrupt) and shuts down through SRST.
   Exit reason 1 (system failure) if any SBI call fails. */
#include "sbi.h"
  .option norvc
  .section .text.start, "ax"
  .globl _start
_start:
  la sp, stack_top
  mv s0, a0
  la t0, digit
  addi t1, s0, '0'
  sb t1, 0(t0)
  sbi_puts msg, msg_end
  bnez a0, fail

  /* Timer: arm set_timer 1000 ticks (100 us at 10 MHz) ahead, wait with WFI. */
  la t0, on_trap
  csrw stvec, t0
  li t0, 1 << 5          /* sie.STIE */
  csrs sie, t0
  rdtime t1
  li t2, 1000
  add a0, t1, t2
  li a7, EID_TIME
  li a6, 0
  ecall
  bnez a0, fail
  csrsi sstatus, 2       /* SIE */
1:
  wfi
  beqz s1, 1b
  sbi_puts tmsg, tmsg_end
  bnez a0, fail
  sbi_shutdown 0
fail:
  sbi_shutdown 1
2: j 2b

  .align 4
on_trap:
  csrr t3, scause
  li t4, (1 << 63) | 5   /* supervisor timer interrupt */
  bne t3, t4, fail
  li s1, 1
  /* Disarm: set_timer(-1) clears the pending timer (SBI 2.0 §6.1). */
  li a0, -1
  li a7, EID_TIME
  li a6, 0
  ecall
  sret

  .data
msg:
  .ascii "hello from a VS-mode guest on vCPU "
digit:
  .ascii "0\n"
msg_end:
tmsg:
  .ascii "timer interrupt received\n"
tmsg_end:
