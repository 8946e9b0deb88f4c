/* Start-up for the C guest programs: stack, main(), exit through HTIF and the SiFive test finisher. */
  .section .text.init
  .globl _start
_start:
  la sp, stack_top
  call main
  .globl exit
exit:
  /* HTIF (Tessera, Spike): tohost = (code << 1) | 1. */
  slli a1, a0, 1
  ori a1, a1, 1
  la t0, tohost
  sd a1, 0(t0)
  /* Give an HTIF poller time to see it, then QEMU virt's SiFive test finisher. */
  li t1, 200000
1: addi t1, t1, -1
  bnez t1, 1b
  li t0, 0x100000
  li t1, 0x5555
  beqz a0, 2f
  slli t1, a0, 16
  li t2, 0x3333
  or t1, t1, t2
2: sw t1, 0(t0)
3: j 3b
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .align 6
  .globl fromhost
fromhost: .dword 0
  .section .bss
  .align 4
  .skip 16384
stack_top:
