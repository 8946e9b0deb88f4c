/* The adversarial guest: probes the whole guest physical address space outside its own
   memory [RAM_BASE, RAM_END) with byte loads, byte stores and instruction fetches. Each
   probe must end in the access fault missing hardware would give (load access fault 5,
   store access fault 7, instruction access fault 1) with stval = the probed address.
   Probes: every 64 KiB below 4 GiB, every 1 GiB up to 2^41 (the end of Sv39x4's guest
   physical space), and addresses beyond it. Prints the number of probes in hex and shuts
   down with reason 0, or reason 1 at the first probe that did not fault as expected. */
#include "sbi.h"
#define RAM_BASE 0x80000000
#define RAM_END  0x80200000
  .option norvc
  .section .text.start, "ax"
  .globl _start
_start:
  la sp, stack_top
  la t0, on_trap
  csrw stvec, t0
  li s1, 0               /* faults seen */
  li s2, 0               /* probes made */

  /* Below 4 GiB, every 64 KiB. */
  li s3, 0
  li s4, 0x100000000
  li s5, 0x10000
1:
  li t0, RAM_BASE
  bltu s3, t0, 2f
  li t0, RAM_END
  bltu s3, t0, 3f
2:
  call probe
3:
  add s3, s3, s5
  bltu s3, s4, 1b

  /* 4 GiB .. 2^41, every 1 GiB. */
  li s4, 1 << 41
  li s5, 1 << 30
4:
  call probe
  add s3, s3, s5
  bltu s3, s4, 4b

  /* Beyond the guest physical space. */
  li s3, 1 << 41
  call probe
  li s3, 1 << 50
  call probe
  li s3, 0x7ffffffff000
  call probe

  /* Instruction fetches: the hypervisor's and the other partition's host addresses. */
  li s3, 0x80200000
  call probe_fetch
  li s3, 0x80400000
  call probe_fetch
  li s3, 0x0
  call probe_fetch

  bne s1, s2, fail
  /* "scan: <16 hex digits> probes blocked\n" */
  la t0, hex
  li t1, 60
5:
  srl t2, s2, t1
  andi t2, t2, 15
  la t3, digits
  add t3, t3, t2
  lbu t3, 0(t3)
  sb t3, 0(t0)
  addi t0, t0, 1
  addi t1, t1, -4
  bgez t1, 5b
  sbi_puts msg, msg_end
  bnez a0, fail
  sbi_shutdown 0
fail:
  sbi_shutdown 1
6: j 6b

/* Load and store at s3; both must fault. t1/t2 must survive (the load does not write t1). */
probe:
  addi s2, s2, 2
  li t1, 0x5a
  lb t1, 0(s3)
  li t2, 0x5a
  bne t1, t2, fail       /* the load wrote its destination: it was not blocked */
  li t2, 0xa5
  sb t2, 0(s3)
  ret

/* Jump to s3; the fetch must fault and the handler returns to ra. */
probe_fetch:
  addi s2, s2, 1
  mv t6, ra
  jalr ra, 0(s3)
  mv ra, t6
  ret

  .align 4
on_trap:
  csrr t3, scause
  csrr t4, stval
  bne t4, s3, fail
  li t5, 5
  beq t3, t5, 7f
  li t5, 7
  beq t3, t5, 7f
  li t5, 1
  bne t3, t5, fail
  addi s1, s1, 1
  csrw sepc, ra          /* fetch fault: back to the caller of the jump */
  sret
7:
  addi s1, s1, 1
  csrr t5, sepc
  addi t5, t5, 4
  csrw sepc, t5
  sret

  .data
msg:
  .ascii "scan: 0x"
hex:
  .ascii "0000000000000000 probes blocked\n"
msg_end:
digits:
  .ascii "0123456789abcdef"
