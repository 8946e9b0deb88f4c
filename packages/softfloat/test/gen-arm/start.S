// Bare-metal entry for the QEMU `virt` machine (entered at EL1): enable FP/AdvSIMD, set a
// stack, run main, then PSCI SYSTEM_OFF through HVC (QEMU's conduit without EL2/EL3).
    .section .text.start
    .global _start
_start:
    mov     x0, #(3 << 20)          // CPACR_EL1.FPEN = 0b11: no FP/SIMD traps
    msr     cpacr_el1, x0
    isb
    ldr     x0, =__stack_top
    mov     sp, x0
    bl      main
    ldr     x0, =0x84000008         // PSCI SYSTEM_OFF
    hvc     #0
1:  wfi
    b       1b
