/* Two vCPUs: vCPU 0 checks HSM hart_get_status, starts vCPU 1 with hart_start (a0 = hart
   ID, a1 = opaque), waits for the IPI vCPU 1 sends (a VS-level supervisor software
   interrupt), waits for vCPU 1 to stop itself (hart_stop), fences both vCPUs with RFENCE,
   prints "smp ok" and shuts down. Any failure shuts down with reason 1. */
#include "sbi.h"
#define EID_IPI    0x735049
#define EID_RFENCE 0x52464E43
#define OPAQUE     0x5eed1234
  .option norvc
  .section .text.start, "ax"
  .globl _start
_start:
  bnez a0, fail                 /* the boot vCPU is 0 */
  la sp, stack_top
  la t0, on_trap
  csrw stvec, t0
  li t0, 1 << 1                 /* sie.SSIE */
  csrs sie, t0

  li a0, 1                      /* hart_get_status(1): STOPPED (1) */
  li a7, EID_HSM
  li a6, 2
  ecall
  bnez a0, fail
  li t0, 1
  bne a1, t0, fail

  li a0, 1                      /* hart_start(1, secondary, OPAQUE) */
  la a1, secondary
  li a2, OPAQUE
  li a7, EID_HSM
  li a6, 0
  ecall
  bnez a0, fail
  li a0, 1                      /* starting it again: ALREADY_AVAILABLE (-6) */
  la a1, secondary
  li a2, OPAQUE
  li a7, EID_HSM
  li a6, 0
  ecall
  li t0, -6
  bne a0, t0, fail

  csrsi sstatus, 2              /* SIE */
1:
  wfi
  beqz s1, 1b                   /* the IPI handler sets s1 */
  csrci sstatus, 2

  la t0, flag
2:
  lw t1, 0(t0)
  beqz t1, 2b
  li t2, 1
  bne t1, t2, fail              /* vCPU 1 saw the wrong a0/a1 */

3:
  li a0, 1                      /* wait until hart_get_status(1) = STOPPED */
  li a7, EID_HSM
  li a6, 2
  ecall
  bnez a0, fail
  li t0, 1
  bne a1, t0, 3b

  li a0, 3                      /* remote_sfence_vma(mask 0b11, base 0, everything) */
  li a1, 0
  li a2, 0
  li a3, -1
  li a7, EID_RFENCE
  li a6, 1
  ecall
  bnez a0, fail

  sbi_puts msg, msg_end
  bnez a0, fail
  sbi_shutdown 0
fail:
  sbi_shutdown 1
9: j 9b

secondary:
  li t0, 1
  bne a0, t0, 4f
  li t0, OPAQUE
  bne a1, t0, 4f
  li t1, 1
  j 5f
4:
  li t1, 2
5:
  la t0, flag
  sw t1, 0(t0)
  li a0, 1                      /* send_ipi(mask 0b1, base 0): vCPU 0 */
  li a1, 0
  li a7, EID_IPI
  li a6, 0
  ecall
  li a7, EID_HSM                /* hart_stop: does not return */
  li a6, 1
  ecall
  j fail

  .align 4
on_trap:
  csrr t3, scause
  li t4, (1 << 63) | 1          /* supervisor software interrupt */
  bne t3, t4, fail
  csrci sip, 2                  /* clear SSIP (hvip.VSSIP underneath) */
  li s1, 1
  sret

  .data
  .align 3
flag:
  .word 0
msg:
  .ascii "smp ok\n"
msg_end:
