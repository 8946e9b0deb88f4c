/* Exception routing between EL3, EL2, EL1 and EL0: SVC/HVC/SMC, HCR_EL2 traps (TSC, TWI,
 * TVM), UNDEFINED, BRK, FP access trap, external abort, PC alignment, illegal exception
 * return, EL0 system-register traps. */
#include "common.h"
#include "vectors.h"
	.text
	.globl _start
_start:
	ldr	x0, =vec3
	msr	vbar_el3, x0
	ldr	x0, =vec2
	msr	vbar_el2, x0
	ldr	x0, =vec1
	msr	vbar_el1, x0
	mov	x25, #0
	mrs	x1, CurrentEL
	check	x1, 0xc, 1
	/* Non-secure, EL2 AArch64, HVC enabled */
	mov	x0, #0x531
	msr	scr_el3, x0
	ldr	x0, =stack2
	msr	sp_el2, x0
	mov	x0, #0x3c9		/* EL2h, DAIF masked */
	msr	spsr_el3, x0
	adr	x0, at_el2
	msr	elr_el3, x0
	eret

at_el2:
	mrs	x1, CurrentEL
	check	x1, 0x8, 2
	hvc	#0x12
	exc	0x5a000012, 2, 3
	smc	#1
	exc	0x5e000001, 3, 4
	mrs	x1, hcr_el2
	check	x1, 0x80000000, 5	/* RW is RES1 */
	mrs	x1, id_aa64pfr0_el1
	check	x1, 0x1111, 6		/* FP and AdvSIMD implemented (0) */
	/* TSC, TWI, TVM, TID3, TTLB */
	ldr	x0, =(1 << 31) | (1 << 19) | (1 << 13) | (1 << 26) | (1 << 18) | (1 << 25)
	msr	hcr_el2, x0
	mov	x0, #(1 << 9)		/* MDCR_EL2.TDA */
	msr	mdcr_el2, x0
	ldr	x0, =stack1
	msr	sp_el1, x0
	mov	x0, #0x3c5
	msr	spsr_el2, x0
	adr	x0, at_el1
	msr	elr_el2, x0
	eret

at_el1:
	mrs	x1, CurrentEL
	check	x1, 0x4, 10
	svc	#7
	exc	0x56000007, 1, 11
	smc	#2			/* trapped by TSC, ELR = the SMC */
	exc	0x5e000002, 2, 12
	wfi				/* trapped by TWI */
	exc	0x07e00000, 2, 13
	mrs	x1, sctlr_el1		/* reads not trapped (TRVM = 0) */
	msr	sctlr_el1, x1		/* trapped by TVM: op0 3, CRn 1, Rt 1, write */
	exc	0x62300420, 2, 14
	.word	0			/* UDF #0 */
	exc	0x02000000, 1, 15
	brk	#5
	exc	0xf2000005, 1, 16
	hvc	#3
	exc	0x5a000003, 2, 17
	mrs	x1, id_aa64pfr0_el1	/* trapped by TID3: op0 3, CRm 4, Rt 1, read */
	exc	0x62300029, 2, 18
	tlbi	vmalle1			/* trapped by TTLB: op0 1, CRn 8, CRm 7, Rt 31 */
	exc	0x621023ee, 2, 26
	mrs	x1, mdscr_el1		/* trapped by MDCR_EL2.TDA: op0 2, op2 2, CRm 2, Rt 1, read */
	exc	0x62240025, 2, 27
	mrs	x1, sctlr_el2		/* EL2 register from EL1: UNDEFINED */
	exc	0x02000000, 1, 19
	msr	cpacr_el1, xzr
	fmov	d0, x1			/* FP trapped by CPACR_EL1.FPEN = 0 */
	exc	0x1fe00000, 1, 20
	ldr	x2, =0x70000000		/* nothing there: synchronous external abort */
	ldr	x1, [x2]
	exc	0x96000010, 1, 21
	check	x22, 0x70000000, 22
	adr	x25, after_align	/* PC alignment fault */
	adr	x1, after_align
	add	x1, x1, #2
	br	x1
after_align:
	exc	0x8a000000, 1, 23
	/* Illegal exception return: SPSR_EL1 asks for EL2 */
	mov	x0, #0x9
	msr	spsr_el1, x0
	adr	x0, illegal
	msr	elr_el1, x0
	eret
illegal:
	nop				/* executes with PSTATE.IL = 1: EC 0x0e */
	exc	0x3a000000, 1, 24
	mrs	x1, CurrentEL
	check	x1, 0x4, 25
	/* To EL0 */
	ldr	x0, =stack0
	msr	sp_el0, x0
	msr	spsr_el1, xzr
	adr	x0, at_el0
	msr	elr_el1, x0
	eret

at_el0:
	svc	#9
	exc	0x56000009, 1, 30
	mrs	x1, cntvct_el0		/* CNTKCTL_EL1.EL0VCTEN = 0: trapped to EL1 */
	exc	0x6234f821, 1, 31
	hvc	#0			/* UNDEFINED at EL0 */
	exc	0x02000000, 1, 32
	mrs	x1, CurrentEL		/* UNDEFINED at EL0 */
	exc	0x02000000, 1, 33
	mov	x0, #0
	b	fail

fail:
	ldr	x1, =TEST_BASE
	str	w0, [x1]
1:	b	1b

	vector_table 3
	vector_table 2
	vector_table 1
	.ltorg

	.data
	.align 4
	.space 1024
stack0:
	.space 1024
stack1:
	.space 1024
stack2:
