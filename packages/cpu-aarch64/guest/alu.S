/* Integer data processing, loads/stores and branches, run at EL3 with the MMU off. */
#include "common.h"
	.text
	.globl _start
_start:
	ldr	x0, =stack_top
	mov	sp, x0

	/* 1-9: add/sub immediate and flags */
	mov	x1, #5
	add	x2, x1, #0xabc
	check	x2, 0xac1, 1
	add	x2, x1, #1, lsl #12
	check	x2, 0x1005, 2
	subs	x3, x1, #5
	checkflags 0x6, 3           /* Z C */
	subs	x3, x1, #6
	checkflags 0x8, 4           /* N */
	check	x3, 0xffffffffffffffff, 5
	mov	w4, #0x7fffffff
	adds	w5, w4, #1
	checkflags 0x9, 6           /* N V */
	check	x5, 0x80000000, 7
	movn	x6, #0
	adds	x7, x6, #1
	checkflags 0x6, 8           /* Z C */
	cmn	w6, #1
	checkflags 0x6, 9

	/* 10-19: logical immediates, move wide */
	mov	x1, #0x5555555555555555
	check	x1, 0x5555555555555555, 10
	and	x2, x1, #0xff00ff00ff00ff00
	check	x2, 0x5500550055005500, 11
	orr	w3, wzr, #0x3f0
	check	x3, 0x3f0, 12
	eor	x4, x1, #0xffffffff00000000
	check	x4, 0xaaaaaaaa55555555, 13
	ands	x5, x1, #0x8000000000000000
	checkflags 0x4, 14
	movz	x6, #0x1234, lsl #32
	movk	x6, #0xbeef
	check	x6, 0x000012340000beef, 15
	movn	w7, #0x1
	check	x7, 0xfffffffe, 16
	tst	x1, #1
	checkflags 0x0, 17

	/* 20-29: bitfield and extract */
	ldr	x1, =0x0123456789abcdef
	ubfx	x2, x1, #8, #12
	check	x2, 0xbcd, 20
	sbfx	x3, x1, #4, #8
	check	x3, 0xffffffffffffffde, 21
	mov	x4, #0
	bfi	x4, x1, #16, #8
	check	x4, 0xef0000, 22
	lsl	x5, x1, #4
	check	x5, 0x123456789abcdef0, 23
	asr	x6, x5, #60
	check	x6, 0x1, 24
	sxtb	x7, w1
	check	x7, 0xffffffffffffffef, 25
	uxth	w8, w1
	check	x8, 0xcdef, 26
	extr	x9, x1, x1, #16
	check	x9, 0xcdef0123456789ab, 27
	sxtw	x10, w5
	check	x10, 0xffffffff9abcdef0, 28
	bfxil	x4, x1, #0, #4
	check	x4, 0xef000f, 29

	/* 30-39: shifted/extended register, carry */
	mov	x1, #3
	mov	x2, #0x10
	add	x3, x1, x2, lsl #4
	check	x3, 0x103, 30
	sub	x4, x1, x2, lsr #2
	check	x4, 0xffffffffffffffff, 31
	mov	x5, #-8
	add	x6, x1, w5, sxtw #1
	check	x6, 0xfffffffffffffff3, 32
	mov	x7, sp
	add	x8, sp, x1, uxtx #2
	sub	x8, x8, x7
	check	x8, 12, 33
	mov	x9, #-1
	adds	x10, x9, #1          /* C = 1 */
	adc	x11, x1, x2
	check	x11, 0x14, 34
	sbc	x12, x1, x2          /* 3 - 16 - 0 */
	check	x12, 0xfffffffffffffff3, 35
	orn	x13, xzr, x1
	check	x13, 0xfffffffffffffffc, 36
	eon	w14, w1, w2, ror #4
	check	x14, 0xfffffffd, 37
	bics	x15, x9, x1
	checkflags 0x8, 39
	check	x15, 0xfffffffffffffffc, 38

	/* 40-49: conditional select / compare */
	mov	x1, #1
	mov	x2, #2
	cmp	x1, x2
	csel	x3, x1, x2, lt
	check	x3, 1, 40
	cmp	x1, x2
	csinc	x4, x1, x2, ge
	check	x4, 3, 41
	cmp	x1, x2
	csinv	x5, x1, x2, eq
	check	x5, 0xfffffffffffffffd, 42
	cmp	x1, x2
	csneg	x6, x1, x2, hi
	check	x6, 0xfffffffffffffffe, 43
	cmp	x1, x2
	cset	x7, ne
	check	x7, 1, 44
	cmp	x1, x2
	ccmp	x1, #1, #0, lt        /* lt true -> compare 1,1 -> Z C */
	checkflags 0x6, 45
	cmp	x1, x2
	ccmp	x1, #5, #0x8, gt      /* gt false -> nzcv = 8 */
	checkflags 0x8, 46
	ccmn	w1, #1, #0, al
	checkflags 0x0, 47

	/* 50-59: multiply, divide */
	ldr	x1, =0x123456789
	ldr	x2, =0xfedcba987
	mul	x3, x1, x2
	check	x3, 0x1fa00acc59960a3f, 50
	umulh	x4, x1, x2
	check	x4, 0x12, 51
	mov	x5, #-3
	smulh	x6, x5, x2
	check	x6, 0xffffffffffffffff, 52
	smull	x7, w5, w5
	check	x7, 9, 53
	umull	x8, w5, w5
	check	x8, 0xfffffffa00000009, 54
	msub	x9, x1, x1, x1
	mov	x10, #100
	mov	x11, #7
	udiv	x12, x10, x11
	check	x12, 14, 55
	mov	x13, #-100
	sdiv	x14, x13, x11
	check	x14, 0xfffffffffffffff2, 56
	udiv	x15, x10, xzr
	check	x15, 0, 57
	madd	w16, w10, w11, w11
	check	x16, 707, 58
	smaddl	x17, w13, w11, x10
	check	x17, 0xfffffffffffffda8, 59

	/* 60-69: variable shifts, bit ops */
	mov	x1, #1
	mov	x2, #65
	lsl	x3, x1, x2
	check	x3, 2, 60
	ldr	x4, =0x8000000000000001
	ror	x5, x4, x1
	check	x5, 0xc000000000000000, 61
	asr	w6, w4, w1
	check	x6, 0, 62
	clz	x7, x1
	check	x7, 63, 63
	cls	x8, x4
	check	x8, 0, 64
	rbit	x9, x1
	check	x9, 0x8000000000000000, 65
	ldr	x10, =0x0011223344556677
	rev	x11, x10
	check	x11, 0x7766554433221100, 66
	rev16	x12, x10
	check	x12, 0x1100332255447766, 67
	rev32	x13, x10
	check	x13, 0x3322110077665544, 68
	clz	w14, wzr
	check	x14, 32, 69

	/* 70-89: loads and stores */
	adr	x1, buf
	ldr	x2, =0x8877665544332211
	str	x2, [x1]
	ldrb	w3, [x1, #7]
	check	x3, 0x88, 70
	ldrsb	x4, [x1, #7]
	check	x4, 0xffffffffffffff88, 71
	ldrsh	w5, [x1, #6]
	check	x5, 0xffff8877, 72
	ldrsw	x6, [x1, #4]
	check	x6, 0xffffffff88776655, 73
	ldur	w7, [x1, #3]
	check	x7, 0x77665544, 74
	mov	x8, x1
	str	w2, [x8, #8]!
	sub	x9, x8, x1
	check	x9, 8, 75
	ldr	x10, [x8], #-8
	sub	x9, x8, x1
	check	x9, 0, 76
	mov	x11, #2
	ldrh	w12, [x1, x11, lsl #1]
	check	x12, 0x6655, 77
	mov	x13, #-1
	add	x14, x1, #8
	ldrb	w15, [x14, w13, sxtw]
	check	x15, 0x88, 78
	stp	x2, x1, [x1, #16]
	ldp	w16, w17, [x1, #16]
	check	x16, 0x44332211, 79
	check	x17, 0x88776655, 80
	ldpsw	x18, x19, [x1, #16]
	check	x19, 0xffffffff88776655, 81
	stp	x1, x2, [sp, #-16]!
	ldp	x20, x21, [sp], #16
	check	x21, 0x8877665544332211, 82
	ldr	x22, lit
	check	x22, 0xcafef00d12345678, 83
	ldr	w23, lit
	check	x23, 0x12345678, 84
	ldrsw	x24, lit+4
	check	x24, 0xffffffffcafef00d, 85
	strh	w2, [x1, #32]
	strb	w2, [x1, #34]
	ldr	w25, [x1, #32]
	check	x25, 0x00112211, 86
	sttr	x2, [x1, #40]
	ldtr	x3, [x1, #40]
	check	x3, 0x8877665544332211, 87

	/* 90-99: exclusives, acquire/release */
	add	x1, x1, #64
	mov	x2, #42
	str	x2, [x1]
	ldaxr	x3, [x1]
	add	x3, x3, #1
	stlxr	w4, x3, [x1]
	check	x4, 0, 90
	ldr	x5, [x1]
	check	x5, 43, 91
	stxr	w4, x3, [x1]           /* no reservation */
	check	x4, 1, 92
	ldxp	x6, x7, [x1]
	clrex
	stxp	w8, x6, x7, [x1]
	check	x8, 1, 93
	ldxp	x6, x7, [x1]
	stxp	w8, x7, x6, [x1]
	check	x8, 0, 94
	ldar	w9, [x1, #0]
	check	x9, 0, 95
	stlr	x2, [x1]
	ldr	x10, [x1]
	check	x10, 42, 96
	ldxrb	w11, [x1]
	stxrb	w12, w11, [x1]
	check	x12, 0, 97

	/* 98-99: DC ZVA zeroes the 64-byte block (DCZID_EL0.BS = 4) */
	mrs	x1, dczid_el0
	check	x1, 4, 98
	adr	x1, buf
	add	x1, x1, #128
	mov	x2, #-1
	stp	x2, x2, [x1]
	stp	x2, x2, [x1, #48]
	str	x2, [x1, #64]
	add	x3, x1, #40
	dc	zva, x3
	ldr	x4, [x1]
	ldr	x5, [x1, #56]
	orr	x4, x4, x5
	check	x4, 0, 99
	ldr	x6, [x1, #64]
	check	x6, 0xffffffffffffffff, 99

	/* 100-109: branches */
	mov	x1, #0
	bl	sub1
	check	x1, 1, 100
	adr	x2, sub1
	blr	x2
	check	x1, 2, 101
	mov	x3, #0x10
	tbz	x3, #4, bad
	tbnz	x3, #3, bad
	cbz	x3, bad
	cbnz	xzr, bad
	mov	x4, #(1 << 40)
	tbz	x4, #40, bad
	b	pass

bad:
	mov	x0, #200
	b	fail

sub1:
	add	x1, x1, #1
	ret

pass:
	mov	x0, #0
fail:
	ldr	x1, =TEST_BASE
	str	w0, [x1]
2:	b	2b

	.align 3
lit:	.quad 0xcafef00d12345678
	.ltorg
	.data
	.align 6
buf:	.space 256
	.align 4
	.space 4096
stack_top:
