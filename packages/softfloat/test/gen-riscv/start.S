# Bare-metal entry for QEMU's RISC-V `virt` machine with -bios none (M-mode at 0x80000000):
# enable the FPU (mstatus.FS = Initial), set a stack, run main, then power off through the
# SiFive test finisher.
    .section .text.start
    .global _start
_start:
    la      sp, __stack_top
    li      t0, (1 << 13)
    csrs    mstatus, t0
    csrwi   fcsr, 0
    call    main
    li      t0, 0x100000
    li      t1, 0x5555
    sw      t1, 0(t0)
1:  wfi
    j       1b
