/* SBI HSM hart_suspend with two vCPUs (run time-sliced on one hart or on two):
   vCPU 0 starts vCPU 1 and waits (WFI) for its IPIs; vCPU 1 checks the parameter errors,
   suspends retentively with interrupts off, and vCPU 0 sees hart_get_status(1) = SUSPENDED
   (4) and wakes it with an IPI: vCPU 1 continues after its ECALL with a0 = 0 and SSIP
   pending. Then vCPU 1 suspends non-retentively; vCPU 0 sees SUSPENDED again and wakes it;
   vCPU 1 resumes at the resume address with a0 = its hart ID, a1 = the opaque value and
   sstatus.SIE = 0, and stops. vCPU 0 prints "suspend ok" and shuts down. Any failure shuts
   down with reason 1. */
#include "sbi.h"
#define EID_IPI    0x735049
#define OPAQUE     0x5ab1e
#define RETENTIVE  0
#define NON_RETENTIVE 0x80000000
  .option norvc
  .section .text.start, "ax"
  .globl _start
_start:
  bnez a0, fail
  la sp, stack_top
  la t0, on_trap
  csrw stvec, t0
  li t0, 1 << 1                 /* sie.SSIE */
  csrs sie, t0

  li a0, 1                      /* hart_start(1, secondary, 0) */
  la a1, secondary
  li a2, 0
  li a7, EID_HSM
  li a6, 0
  ecall
  bnez a0, fail

  call wait_ipi                 /* vCPU 1: "about to suspend (retentive)" */
  call wait_suspended
  call ipi_1                    /* wake it */
  call wait_ipi                 /* vCPU 1: "resumed, about to suspend (non-retentive)" */
  call wait_suspended
  call ipi_1
  call wait_ipi                 /* vCPU 1: "resumed at the resume address" */
  la t0, flag
  lw t1, 0(t0)
  li t2, 3
  bne t1, t2, fail

  sbi_puts msg, msg_end
  bnez a0, fail
  sbi_shutdown 0
fail:
  sbi_shutdown 1
9: j 9b

/* WFI with interrupts on until the IPI handler sets s1. */
wait_ipi:
  li s1, 0
  csrsi sstatus, 2
1:
  wfi
  beqz s1, 1b
  csrci sstatus, 2
  ret

/* Poll hart_get_status(1) until SUSPENDED (4). */
wait_suspended:
  li a0, 1
  li a7, EID_HSM
  li a6, 2
  ecall
  bnez a0, fail
  li t0, 4
  bne a1, t0, wait_suspended
  ret

ipi_1:
  li a0, 2                      /* send_ipi(mask 0b10, base 0): vCPU 1 */
  li a1, 0
  li a7, EID_IPI
  li a6, 0
  ecall
  bnez a0, fail
  ret

  .align 4
on_trap:
  csrr t3, scause
  li t4, (1 << 63) | 1          /* supervisor software interrupt */
  bne t3, t4, fail
  csrci sip, 2
  li s1, 1
  sret

secondary:
  li t0, 1 << 1                 /* sie.SSIE (SIE stays 0: the IPI only wakes) */
  csrs sie, t0
  li a0, 0x7                    /* a reserved suspend type: INVALID_PARAM (-3) */
  li a1, 0
  li a2, 0
  li a7, EID_HSM
  li a6, 3
  ecall
  li t0, -3
  bne a0, t0, 8f
  li a0, NON_RETENTIVE          /* a resume address outside the partition: INVALID_ADDRESS (-5) */
  li a1, 0x1000
  li a2, 0
  li a7, EID_HSM
  li a6, 3
  ecall
  li t0, -5
  bne a0, t0, 8f

  call ipi_0
  li a0, RETENTIVE              /* hart_suspend(retentive) */
  li a1, 0
  li a2, 0
  li a7, EID_HSM
  li a6, 3
  ecall
  bnez a0, 8f                   /* resumed: a0 = SUCCESS */
  csrr t0, sip                  /* the waking IPI is pending (SIE was off) */
  andi t0, t0, 2
  beqz t0, 8f
  csrci sip, 2
  la t0, flag
  li t1, 1
  sw t1, 0(t0)

  call ipi_0
  li a0, NON_RETENTIVE          /* hart_suspend(non-retentive, resumed, OPAQUE) */
  li a0, 0x80000000
  la a1, resumed
  li a2, OPAQUE
  li a7, EID_HSM
  li a6, 3
  ecall
8:
  j fail                        /* a non-retentive suspend never returns here */

resumed:
  li t0, 1
  bne a0, t0, fail
  li t0, OPAQUE
  bne a1, t0, fail
  csrr t0, sstatus
  andi t0, t0, 2
  bnez t0, fail
  csrci sip, 2
  la t0, flag
  lw t1, 0(t0)
  addi t1, t1, 2
  sw t1, 0(t0)
  call ipi_0
  li a7, EID_HSM                /* hart_stop */
  li a6, 1
  ecall
  j fail

ipi_0:
  li a0, 1                      /* send_ipi(mask 0b1, base 0): vCPU 0 */
  li a1, 0
  li a7, EID_IPI
  li a6, 0
  ecall
  ret

  .data
  .align 3
flag:
  .word 0
msg:
  .ascii "suspend ok\n"
msg_end:
