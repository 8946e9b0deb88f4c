/* Stage 1 (EL1&0, 4 KiB granule, 39-bit VA, level 1 start) and stage 2 (39-bit IPA, SL0 = 1)
 * translation faults with their ESR, FAR and HPFAR, and AT S1E1R into PAR_EL1. */
#include "common.h"
#include "vectors.h"

/* Stage 1 block attributes: AF, inner shareable, AttrIndx 0 (normal) or 1 (device). */
#define S1_RW   0x701
#define S1_RO   0x781
#define S1_NOAF 0x301
#define S1_DEV  0x405
/* Stage 2 block attributes: AF, S2AP, MemAttr. */
#define S2_RW   0x7fd
#define S2_RO   0x77d
#define S2_DEV  0x4c5

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
	mov	x0, #0x531
	msr	scr_el3, x0
	ldr	x0, =stack2
	msr	sp_el2, x0
	mov	x0, #0x3c9
	msr	spsr_el3, x0
	adr	x0, at_el2
	msr	elr_el3, x0
	eret

at_el2:
	/* Stage 2: T0SZ 25, SL0 1 (level 1), inner shareable WB, PS 40 bits */
	ldr	x0, =(25 | (1 << 6) | (1 << 8) | (1 << 10) | (3 << 12) | (2 << 16))
	msr	vtcr_el2, x0
	ldr	x0, =s2_l1
	msr	vttbr_el2, x0
	ldr	x0, =(1 << 31) | 1	/* RW, VM */
	msr	hcr_el2, x0
	/* Stage 1 for EL1: MAIR attr0 normal WB, attr1 device; TCR T0SZ 25, EPD1, IPS 40 bits */
	ldr	x0, =0x00ff
	msr	mair_el1, x0
	ldr	x0, =(25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (2 << 32))
	msr	tcr_el1, x0
	ldr	x0, =s1_l1
	msr	ttbr0_el1, x0
	ldr	x0, =stack1
	msr	sp_el1, x0
	mov	x0, #0x3c5
	msr	spsr_el2, x0
	adr	x0, at_el1
	msr	elr_el2, x0
	eret

at_el1:
	mrs	x0, sctlr_el1
	orr	x0, x0, #1
	msr	sctlr_el1, x0
	isb
	/* Mapped: read and write work through both stages */
	ldr	x2, =0x40100000
	ldr	x1, =0x1122334455667788
	str	x1, [x2]
	ldr	x3, [x2]
	check	x3, 0x1122334455667788, 1
	/* Stage 1 access flag fault, level 2 */
	ldr	x2, =0x42000000
	ldr	x1, [x2]
	exc	0x9600000a, 1, 2
	check	x22, 0x42000000, 3
	/* Stage 1 permission fault on a write to a read-only block, level 2 */
	ldr	x2, =0x42200010
	ldr	x1, [x2]		/* reading is fine */
	str	x1, [x2]
	exc	0x9600004e, 1, 4
	check	x22, 0x42200010, 5
	/* Stage 1 translation fault, level 2 */
	ldr	x2, =0x42400000
	ldr	x1, [x2]
	exc	0x96000006, 1, 6
	/* Stage 1 translation fault, level 1 (nothing in L1[2]) */
	ldr	x2, =0x80000000
	ldr	x1, [x2]
	exc	0x96000005, 1, 7
	/* Stage 2 permission fault: ISV, SAS = 3, SRT = 1, SF, WnR, DFSC level 2; HPFAR = IPA[47:12] << 4 */
	ldr	x2, =0x42600008
	str	x1, [x2]
	exc	0x93c1804e, 2, 8
	check	x22, 0x42600008, 9
	mrs	x0, hpfar_el2 		/* UNDEFINED at EL1 */
	exc	0x02000000, 1, 10
	/* Stage 2 translation fault, level 2, on a load into x1 */
	ldr	x2, =0x42800000
	ldr	x1, [x2]
	exc	0x93c18006, 2, 11
	/* AT S1E1R: PAR_EL1 gets the IPA; on a fault F = 1 and FST */
	ldr	x2, =0x40100123
	at	s1e1r, x2
	isb
	mrs	x3, par_el1
	ldr	x4, =0xfffffffff001
	and	x3, x3, x4
	check	x3, 0x40100000, 12
	ldr	x2, =0x42400000
	at	s1e1r, x2
	mrs	x3, par_el1
	and	x3, x3, #0x7f
	check	x3, ((0x06 << 1) | 1), 13
	/* Instruction fetch from a UXN/PXN-free but EL0-writable page is still fine at EL1? No:
	 * execution from a non-executable (PXN) block gives an instruction abort, level 2. */
	adr	x25, after_xn
	ldr	x1, =0x42a00000
	br	x1
after_xn:
	exc	0x8600000e, 1, 14
	check	x21, 0x42a00000, 15
	/* HVC: report back to EL2 which checks HPFAR and finishes */
	hvc	#0
	exc	0x5a000000, 2, 16
	mov	x0, #0
fail:
	ldr	x1, =TEST_BASE
	str	w0, [x1]
1:	b	1b

	vector_table 3
	vector_table 2
	vector_table 1
	.ltorg

	.data
	.align 12
/* Stage 1 level 1: [0] 0..1 GiB (device window), [1] 1..2 GiB (RAM) */
s1_l1:
	.quad	s1_l2_dev + 3
	.quad	s1_l2_ram + 3
	.fill	510, 8, 0
	.align 12
s1_l2_dev:
	.fill	88, 8, 0
	.quad	0x0b000000 | S1_DEV	/* the test device, index 88 */
	.fill	423, 8, 0
	.align 12
s1_l2_ram:
	.quad	0x40000000 | S1_RW
	.quad	0x40200000 | S1_RW
	.quad	0x40400000 | S1_RW
	.fill	13, 8, 0
	.quad	0x42000000 | S1_NOAF	/* 16 */
	.quad	0x42200000 | S1_RO	/* 17 */
	.quad	0			/* 18: 0x42400000 invalid */
	.quad	0x42600000 | S1_RW	/* 19: stage 2 read-only */
	.quad	0x42800000 | S1_RW	/* 20: no stage 2 mapping */
	.quad	0x42a00000 | S1_RW | (1 << 53)	/* 21: PXN */
	.fill	490, 8, 0

	.align 12
s2_l1:
	.quad	s2_l2_dev + 3
	.quad	s2_l2_ram + 3
	.fill	510, 8, 0
	.align 12
s2_l2_dev:
	.fill	88, 8, 0
	.quad	0x0b000000 | S2_DEV
	.fill	423, 8, 0
	.align 12
s2_l2_ram:
	.quad	0x40000000 | S2_RW
	.quad	0x40200000 | S2_RW
	.quad	0x40400000 | S2_RW
	.fill	13, 8, 0
	.quad	0x42000000 | S2_RW
	.quad	0x42200000 | S2_RW
	.quad	0x42400000 | S2_RW
	.quad	0x42600000 | S2_RO
	.quad	0			/* 0x42800000 */
	.quad	0x42a00000 | S2_RW
	.fill	490, 8, 0

	.align 4
	.space 1024
stack1:
	.space 1024
stack2:
