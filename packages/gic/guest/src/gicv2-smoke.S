/*
 * GICv2 interrupt delivery through a real CPU model (QEMU virt GICv2 layout): the same
 * program as gicv3-smoke.S with the memory-mapped CPU interface. Every core enables its
 * SGIs and timer PPIs and its GICC; core 0 enables the distributor and SPI 40 (targeted at
 * core 0) and the PL011's SPI 33, sends SGI 2 to itself and SGI 1 to core 1 through
 * GICD_SGIR, makes the PL011 raise its transmit interrupt, and arms the virtual timer (PPI 27). The handler records GICC_IAR values (source CPU in bits 12:10)
 * at RES + core * 0x100 and writes them back to GICC_EOIR.
 */
    .equ GICD, 0x08000000
    .equ GICC, 0x08010000
    .equ RES, 0x40010000
    .equ UART, 0x09000000
    .equ STACKS, 0x40100000
    .equ READY, 0x40010f00          // core 1 sets it once its interface is set up

    .text
    .globl _start
_start:
    mrs x19, mpidr_el1
    and x19, x19, #0xff
    ldr x0, =STACKS
    add x1, x19, #1
    lsl x1, x1, #12
    add x0, x0, x1
    mov sp, x0

    mrs x0, CurrentEL
    lsr x0, x0, #2
    adr x1, vectors
    cmp x0, #3
    b.ne 1f
    msr vbar_el3, x1
    mrs x2, scr_el3
    orr x2, x2, #(1 << 1)
    msr scr_el3, x2
    b 3f
1:  cmp x0, #2
    b.ne 2f
    msr vbar_el2, x1
    mrs x2, hcr_el2
    orr x2, x2, #(1 << 4)
    msr hcr_el2, x2
    b 3f
2:  msr vbar_el1, x1
3:  isb

    ldr x0, =GICD
    cbnz x19, 4f
    mov w1, #1
    str w1, [x0]                    // GICD_CTLR.EnableGrp0
    mov w1, #0x80
    strb w1, [x0, #0x428]           // GICD_IPRIORITYR<40>
    strb w1, [x0, #0x421]           // GICD_IPRIORITYR<33>
    mov w1, #1
    strb w1, [x0, #0x828]           // GICD_ITARGETSR<40>: core 0
    strb w1, [x0, #0x821]           // GICD_ITARGETSR<33> (PL011): core 0
    ldr w1, =((1 << 8) | (1 << 1))
    str w1, [x0, #0x104]            // GICD_ISENABLER1
4:  ldr w1, =0x4800ffff
    str w1, [x0, #0x100]            // GICD_ISENABLER0 (banked): SGIs, PPIs 27 and 30
    ldr x0, =GICC
    mov w1, #0xf8
    str w1, [x0, #0x4]              // GICC_PMR
    mov w1, #1
    str w1, [x0]                    // GICC_CTLR.EnableGrp0
    msr daifclr, #2
    cbz x19, 6f
    ldr x0, =READY
    mov x1, #1
    str x1, [x0]
    b idle
    // Core 0 waits (bounded, core 1 may not run at all) until core 1 can take a Group 1 SGI.
6:  ldr x0, =READY
    mov x2, #0x100000
7:  ldr x1, [x0]
    cbnz x1, 8f
    subs x2, x2, #1
    b.ne 7b
8:

    ldr x0, =GICD
    mov w1, #2                      // SGI 2, TargetListFilter 0b10: self
    movk w1, #(2 << 8), lsl #16
    str w1, [x0, #0xf00]
    mov w1, #1                      // SGI 1, CPUTargetList = core 1
    movk w1, #(2 << 0), lsl #16
    str w1, [x0, #0xf00]
    ldr x0, =UART
    mov w1, #(1 << 5)
    str w1, [x0, #0x38]             // UARTIMSC.TXIM
    ldr w1, =0x301
    str w1, [x0, #0x30]             // UARTCR: UARTEN, TXE, RXE
    mov w1, #'G'
    str w1, [x0]                    // UARTDR: the transmit interrupt follows
    mov x1, #1000
    msr cntv_tval_el0, x1
    mov x1, #1
    msr cntv_ctl_el0, x1
idle:
    wfi
    b idle

    .ltorg

    .balign 0x800
vectors:
    .org vectors + 0x080
    b irq
    .org vectors + 0x280
    b irq
    .org vectors + 0x480
    b irq
    .org vectors + 0x800

irq:
    ldr x4, =GICC
    ldr w1, [x4, #0xc]              // GICC_IAR
    ldr x2, =RES
    add x2, x2, x19, lsl #8
    ldr x3, [x2]
    add x3, x3, #1
    str x3, [x2]
    str x1, [x2, x3, lsl #3]
    and w5, w1, #0x3ff
    cmp w5, #27
    b.ne 1f
    msr cntv_ctl_el0, xzr
1:  cmp w5, #33
    b.ne 2f
    ldr x6, =UART
    mov w7, #0x7ff
    str w7, [x6, #0x44]             // UARTICR
2:  str w1, [x4, #0x10]             // GICC_EOIR
    eret
    .ltorg
