/*
 * GICv3 interrupt delivery through a real CPU model (QEMU virt layout): every core wakes its
 * redistributor, enables SGIs and the timer PPIs as Group 1 and unmasks IRQs at whatever
 * exception level it starts in (EL3: SCR_EL3.IRQ, EL2: HCR_EL2.IMO route IRQs to it).
 * Core 0 also enables SPI 40 (routed to itself), sends SGI 2 to itself and SGI 1 to core 1
 * with ICC_SGI1R_EL1, makes the PL011 raise its transmit interrupt (SPI 33), and arms the
 * virtual timer (PPI 27).
 *
 * The IRQ handler acknowledges with ICC_IAR1_EL1, appends the INTID to the core's record
 * at RES + core * 0x100 (u64 count, then u64 INTIDs), stops the timer if it fired, and
 * completes with ICC_EOIR1_EL1. The test reads the records.
 */
    .equ GICD, 0x08000000
    .equ GICR, 0x080a0000
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
    orr x2, x2, #(1 << 1)           // SCR_EL3.IRQ: IRQs to EL3
    msr scr_el3, x2
    mov x2, #0xf
    msr S3_6_C12_C12_5, x2          // ICC_SRE_EL3: SRE, DFB, DIB, Enable
    b 3f
1:  cmp x0, #2
    b.ne 2f
    msr vbar_el2, x1
    mrs x2, hcr_el2
    orr x2, x2, #(1 << 4)           // HCR_EL2.IMO: IRQs to EL2
    msr hcr_el2, x2
    mov x2, #0xf
    msr S3_4_C12_C9_5, x2           // ICC_SRE_EL2
    b 3f
2:  msr vbar_el1, x1
3:  isb

    cbnz x19, 4f
    ldr x0, =GICD
    mov w1, #((1 << 4) | (1 << 1))  // ARE, EnableGrp1
    str w1, [x0]
    ldr w1, =((1 << 8) | (1 << 1))
    str w1, [x0, #0x84]             // GICD_IGROUPR1: INTIDs 33 (PL011) and 40 are Group 1
    mov w1, #0x80
    strb w1, [x0, #0x428]           // GICD_IPRIORITYR<40>
    strb w1, [x0, #0x421]           // GICD_IPRIORITYR<33>
    ldr x2, =(GICD + 0x6000 + 8 * 40)
    str xzr, [x2]                   // GICD_IROUTER<40>: affinity 0.0.0.0
    ldr x2, =(GICD + 0x6000 + 8 * 33)
    str xzr, [x2]                   // GICD_IROUTER<33>
    ldr w1, =((1 << 8) | (1 << 1))
    str w1, [x0, #0x104]            // GICD_ISENABLER1

4:  ldr x0, =GICR
    lsl x1, x19, #17
    add x0, x0, x1
    ldr w1, [x0, #0x14]
    bic w1, w1, #2                  // GICR_WAKER.ProcessorSleep = 0
    str w1, [x0, #0x14]
5:  ldr w1, [x0, #0x14]
    tbnz w1, #2, 5b                 // wait for ChildrenAsleep = 0
    add x0, x0, #0x10000
    mov w1, #-1
    str w1, [x0, #0x80]             // GICR_IGROUPR0: all Group 1
    ldr w1, =0x4800ffff             // SGIs, PPI 27 (CNTV), PPI 30 (CNTP)
    str w1, [x0, #0x100]            // GICR_ISENABLER0

    mov x1, #0xff
    msr S3_0_C4_C6_0, x1            // ICC_PMR_EL1
    mov x1, #1
    msr S3_0_C12_C12_7, x1          // ICC_IGRPEN1_EL1
    isb
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

    ldr x1, =((2 << 24) | 1)        // SGI 2 to Aff0 = 0 (self)
    msr S3_0_C12_C11_5, x1          // ICC_SGI1R_EL1
    ldr x1, =((1 << 24) | 2)        // SGI 1 to Aff0 = 1
    msr S3_0_C12_C11_5, x1
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
    msr cntv_ctl_el0, x1            // enable, unmasked
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
    mrs x1, S3_0_C12_C12_0          // ICC_IAR1_EL1
    ldr x2, =RES
    add x2, x2, x19, lsl #8
    ldr x3, [x2]
    add x3, x3, #1
    str x3, [x2]
    str x1, [x2, x3, lsl #3]
    cmp x1, #27
    b.ne 1f
    msr cntv_ctl_el0, xzr           // the timer output is a level: stop it before EOI
1:  cmp x1, #33
    b.ne 2f
    ldr x4, =UART
    mov w5, #0x7ff
    str w5, [x4, #0x44]             // UARTICR: clear the PL011's (level) interrupt
2:  msr S3_0_C12_C12_1, x1          // ICC_EOIR1_EL1
    eret
    .ltorg
