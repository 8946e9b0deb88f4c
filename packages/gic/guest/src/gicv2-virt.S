/*
 * GICv2 virtualization extensions through a real CPU model: code at EL2 writes GICH_LR0
 * (vINTID 50, pending, EOI maintenance request) and GICH_HCR.En, then drops to EL1 with
 * HCR_EL2.IMO/FMO set. The EL1 guest enables the virtual CPU interface (GICV), takes the
 * interrupt from GICV_IAR and completes it at GICV_EOIR; the EOI raises the maintenance
 * interrupt (PPI 25), a physical IRQ taken to EL2, whose handler records GICH_EISR0 and
 * frees the list register.
 *
 * Records (u64 count, then values): EL1 at RES, EL2 at RES + 0x100 (INTID, then EISR).
 * Starts at EL2 (QEMU: -M virt,gic-version=2,virtualization=on).
 */
    .equ GICD, 0x08000000
    .equ GICC, 0x08010000
    .equ GICH, 0x08030000
    .equ GICV, 0x08040000
    .equ RES, 0x40010000
    .equ STACK, 0x40100000

    .text
    .globl _start
_start:
    ldr x0, =STACK
    mov sp, x0
    adr x1, el2_vectors
    msr vbar_el2, x1
    mov x2, #((1 << 4) | (1 << 3))  // HCR_EL2.IMO, FMO
    orr x2, x2, #(1 << 31)          // HCR_EL2.RW
    msr hcr_el2, x2
    isb

    ldr x0, =GICD
    mov w1, #1
    str w1, [x0]                    // GICD_CTLR.EnableGrp0
    mov w1, #(1 << 25)
    str w1, [x0, #0x100]            // GICD_ISENABLER0: the maintenance interrupt
    ldr x0, =GICC
    mov w1, #0xf8
    str w1, [x0, #0x4]              // GICC_PMR
    mov w1, #1
    str w1, [x0]                    // GICC_CTLR.EnableGrp0

    ldr x0, =GICH
    ldr w1, =((1 << 28) | (0x10 << 23) | (1 << 19) | 50)
    str w1, [x0, #0x100]            // GICH_LR0: pending, priority 0x80, EOI, vINTID 50
    mov w1, #1
    str w1, [x0]                    // GICH_HCR.En

    adr x1, guest
    msr elr_el2, x1
    mov x1, #0x3c5                  // EL1h, DAIF masked
    msr spsr_el2, x1
    eret

guest:
    adr x1, el1_vectors
    msr vbar_el1, x1
    isb
    ldr x0, =GICV
    mov w1, #0xf8
    str w1, [x0, #0x4]              // GICV_PMR
    mov w1, #1
    str w1, [x0]                    // GICV_CTLR.EnableGrp0
    msr daifclr, #3
2:  wfi
    b 2b

    .ltorg

    .balign 0x800
el1_vectors:
    .org el1_vectors + 0x280
    b el1_irq
    .org el1_vectors + 0x800

    .balign 0x800
el2_vectors:
    .org el2_vectors + 0x280
    b el2_irq
    .org el2_vectors + 0x480
    b el2_irq
    .org el2_vectors + 0x800

el1_irq:
    ldr x0, =GICV
    ldr w1, [x0, #0xc]              // GICV_IAR
    ldr x2, =RES
    ldr x3, [x2]
    add x3, x3, #1
    str x3, [x2]
    str x1, [x2, x3, lsl #3]
    str w1, [x0, #0x10]             // GICV_EOIR
    eret

el2_irq:
    ldr x8, =GICC
    ldr w4, [x8, #0xc]              // GICC_IAR
    ldr x5, =(RES + 0x100)
    ldr x6, [x5]
    add x6, x6, #1
    str x6, [x5]
    str x4, [x5, x6, lsl #3]
    cmp w4, #25
    b.ne 3f
    ldr x9, =GICH
    ldr w7, [x9, #0x20]             // GICH_EISR0
    add x6, x6, #1
    str x6, [x5]
    str x7, [x5, x6, lsl #3]
    str wzr, [x9, #0x100]           // free GICH_LR0
3:  str w4, [x8, #0x10]             // GICC_EOIR
    eret
    .ltorg
