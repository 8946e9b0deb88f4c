/* Generic timer at EL1 through a GICv2 (QEMU virt layout): CNTFRQ, CNTPCT, the EL1 physical
 * timer (PPI 30) by TVAL and the virtual timer (PPI 27) by CVAL, each waking a WFI with an
 * IRQ whose GICC_IAR is the timer's PPI; ISTATUS, IMASK and TVAL after expiry. */
#include "common.h"
#define GICD 0x08000000
#define GICC 0x08010000
	.text
	.globl _start
_start:
	ldr	x0, =stack
	mov	sp, x0
	adr	x0, vectors
	msr	vbar_el1, x0
	mrs	x1, CurrentEL
	check	x1, 0x4, 1
	mrs	x1, cntfrq_el0
	check	x1, 62500000, 2
	ldr	x0, =GICD
	mov	w1, #1
	str	w1, [x0]			/* GICD_CTLR.EnableGrp0 */
	ldr	w1, =((1 << 30) | (1 << 27))
	str	w1, [x0, #0x100]		/* GICD_ISENABLER0: PPIs 27, 30 */
	ldr	x0, =GICC
	mov	w1, #0xf8
	str	w1, [x0, #0x4]			/* GICC_PMR */
	mov	w1, #1
	str	w1, [x0]			/* GICC_CTLR */
	mrs	x2, cntpct_el0
	mrs	x3, cntpct_el0
	cmp	x3, x2
	b.hs	1f
	mov	x0, #3
	b	fail
1:
	/* Physical timer, 500 ticks (8 us) */
	mov	x10, #0
	mov	x1, #500
	msr	cntp_tval_el0, x1
	mrs	x12, cntpct_el0
	mov	x1, #1
	msr	cntp_ctl_el0, x1
	msr	daifclr, #2
2:	cbnz	x10, 9f
	wfi
	b	2b
9:
	msr	daifset, #2
	check	x10, 30, 4
	check	x11, 5, 5			/* CTL seen by the handler: ENABLE | ISTATUS */
	mrs	x13, cntp_cval_el0
	add	x12, x12, #500
	sub	x14, x13, x12
	cmp	x14, #8				/* CVAL = count at the TVAL write + 500 */
	b.ls	3f
	mov	x0, #6
	b	fail
3:	mrs	x1, cntpct_el0
	cmp	x1, x13
	b.hs	4f
	mov	x0, #7
	b	fail
4:	mrs	x1, cntp_tval_el0		/* expired: TVAL is negative */
	tbnz	w1, #31, 5f
	mov	x0, #8
	b	fail
5:
	/* Virtual timer, absolute compare value */
	mov	x10, #0
	mrs	x1, cntvct_el0
	add	x1, x1, #300
	msr	cntv_cval_el0, x1
	mov	x1, #3				/* ENABLE | IMASK: no interrupt yet */
	msr	cntv_ctl_el0, x1
	mov	x2, #20000
6:	subs	x2, x2, #1
	b.ne	6b
	mrs	x1, cntv_ctl_el0
	check	x1, 7, 9			/* ISTATUS set while masked */
	check	x10, 0, 10
	mov	x1, #1				/* unmask: the IRQ comes */
	msr	cntv_ctl_el0, x1
	msr	daifclr, #2
7:	cbnz	x10, 9f
	wfi
	b	7b
9:
	check	x10, 27, 11
	mov	x0, #0
fail:
	ldr	x1, =TEST_BASE
	str	w0, [x1]
8:	b	8b

	.balign 0x800
vectors:
	.org	vectors + 0x280
	b	irq
	.org	vectors + 0x800
irq:
	ldr	x4, =GICC
	ldr	w10, [x4, #0xc]			/* GICC_IAR */
	cmp	w10, #30
	b.ne	1f
	mrs	x11, cntp_ctl_el0
	msr	cntp_ctl_el0, xzr
	b	2f
1:	msr	cntv_ctl_el0, xzr
2:	str	w10, [x4, #0x10]		/* GICC_EOIR */
	eret
	.ltorg
	.data
	.align 4
	.space 2048
stack:
