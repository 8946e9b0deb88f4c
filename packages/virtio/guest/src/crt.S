/* Start-up for the virtio guest programs: a stack, main(), and exit through HTIF
 * (tohost = (code << 1) | 1, the Spike/Tessera convention). */
  .section .text.init
  .globl _start
_start:
  la sp, stack_top
  call main
  .globl exit
exit:
  slli a1, a0, 1
  ori a1, a1, 1
  la t0, tohost
  sd a1, 0(t0)
1: j 1b

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
