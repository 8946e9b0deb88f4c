/*
 * GICv3 virtualization through a real CPU model: code at EL2 (a minimal hypervisor) puts
 * vINTID 50 in ICH_LR0_EL2 with an EOI maintenance request, enables the virtual CPU
 * interface and drops to EL1 with HCR_EL2.IMO/FMO set. The EL1 guest takes the virtual
 * interrupt through ICC_IAR1_EL1 (which is ICV_IAR1_EL1 there) and completes it; the EOI
 * raises the maintenance interrupt (PPI 25), a physical IRQ taken to EL2, whose handler
 * records ICH_EISR_EL2 and frees the list register.
 *
 * Records (u64 count, then values): EL1 at RES, EL2 at RES + 0x100 (INTID, then EISR).
 * Starts at EL2 (QEMU: -M virt,gic-version=3,virtualization=on).
 */
    .equ GICD, 0x08000000
    .equ GICR, 0x080a0000
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
    orr x2, x2, #(1 << 31)          // HCR_EL2.RW: EL1 is AArch64
    msr hcr_el2, x2
    mov x2, #0xf
    msr S3_4_C12_C9_5, x2           // ICC_SRE_EL2: SRE, Enable
    isb

    ldr x0, =GICD
    mov w1, #((1 << 4) | (1 << 1))  // ARE, EnableGrp1
    str w1, [x0]
    ldr x0, =GICR
    str wzr, [x0, #0x14]            // GICR_WAKER: wake
1:  ldr w1, [x0, #0x14]
    tbnz w1, #2, 1b
    add x0, x0, #0x10000
    mov w1, #-1
    str w1, [x0, #0x80]             // GICR_IGROUPR0: Group 1
    mov w1, #(1 << 25)
    str w1, [x0, #0x100]            // GICR_ISENABLER0: the maintenance interrupt
    mov x1, #0xff
    msr S3_0_C4_C6_0, x1            // ICC_PMR_EL1 (physical at EL2)
    mov x1, #1
    msr S3_0_C12_C12_7, x1          // ICC_IGRPEN1_EL1

    ldr x1, =((0xf8 << 24) | 2)
    msr S3_4_C12_C11_7, x1          // ICH_VMCR_EL2: VPMR 0xf8, VENG1
    ldr x1, =((1 << 62) | (1 << 60) | (0x80 << 48) | (1 << 41) | 50)
    msr S3_4_C12_C12_0, x1          // ICH_LR0_EL2: pending, Group 1, priority 0x80, EOI, vINTID 50
    mov x1, #1
    msr S3_4_C12_C11_0, x1          // ICH_HCR_EL2.En
    isb

    adr x1, guest
    msr elr_el2, x1
    mov x1, #0x3c5                  // EL1h, DAIF masked
    msr spsr_el2, x1
    eret

guest:
    adr x1, el1_vectors
    msr vbar_el1, x1
    isb
    mov x1, #1
    msr S3_0_C12_C12_7, x1          // ICV_IGRPEN1_EL1
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
    .org el2_vectors + 0x280        // IRQ at EL2 itself
    b el2_irq
    .org el2_vectors + 0x480        // IRQ from EL1
    b el2_irq
    .org el2_vectors + 0x800

el1_irq:
    mrs x1, S3_0_C12_C12_0          // ICV_IAR1_EL1
    ldr x2, =RES
    ldr x3, [x2]
    add x3, x3, #1
    str x3, [x2]
    str x1, [x2, x3, lsl #3]
    msr S3_0_C12_C12_1, x1          // ICV_EOIR1_EL1
    eret

el2_irq:
    mrs x4, S3_0_C12_C12_0          // ICC_IAR1_EL1
    ldr x5, =(RES + 0x100)
    ldr x6, [x5]
    add x6, x6, #1
    str x6, [x5]
    str x4, [x5, x6, lsl #3]
    cmp x4, #25
    b.ne 3f
    mrs x7, S3_4_C12_C11_3          // ICH_EISR_EL2
    add x6, x6, #1
    str x6, [x5]
    str x7, [x5, x6, lsl #3]
    msr S3_4_C12_C12_0, xzr         // free ICH_LR0_EL2
3:  msr S3_0_C12_C12_1, x4          // ICC_EOIR1_EL1
    eret
    .ltorg
