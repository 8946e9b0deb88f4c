/* FP and Advanced SIMD: every listed instruction runs over 32 input vectors (and, for the
 * floating-point ones, under seven FPCR settings: the four rounding modes, FZ, DN and
 * RZ+FZ+DN) with NZCV and FPSR preset; the results (V0-V3, X0, the base register's
 * write-back, FPSR, NZCV and a 128-byte memory buffer) are folded into a CRC32C per
 * instruction and printed as "<instruction> <crc>" on the PL011 at 0x09000000. The expected
 * lines (fpsimd.expected) come from running this program on QEMU's cortex-a57 (Armv8.0,
 * no FEAT_FP16), whose floating point follows the Arm ARM pseudocode (IEEE 754 with Arm's
 * NaN rules, tininess before rounding, FZ/DN); the test compares line by line.
 * Runs at EL1 with PSCI over HVC (QEMU virt without EL2/EL3); ends with SYSTEM_OFF.
 *
 * Registers of a case: V0 = in[(3k+2)%32], V1 = in[k], V2 = in[(7k+3)%32],
 * V3 = in[(5k+1)%32], X1/X2 = the low halves of V1/V2, X0 = the low half of V3, X9 = the
 * buffer (a copy of in[k..k+7]), X10 = 16, V15 = in[(11k+5)%32].
 */
	.set	UART, 0x09000000
	.set	NIN, 32

	.macro TF insn:vararg
	adr	x19, 90f
	adr	x21, 91f
	mov	x22, #7
	bl	run_test
	b	92f
90:	\insn
	ret
91:	.asciz "\insn"
	.balign 4
92:
	.endm

	.macro TI insn:vararg
	adr	x19, 90f
	adr	x21, 91f
	mov	x22, #1
	bl	run_test
	b	92f
90:	\insn
	ret
91:	.asciz "\insn"
	.balign 4
92:
	.endm

	/* Half-precision conversions under FPCR.AHP (alternative half precision) */
	.macro TH insn:vararg
	adr	x19, 90f
	adr	x21, 91f
	mov	x22, #(8 + 4)		/* FPCR settings 8..11 of the table */
	mov	x23, #8
	bl	run_test_from
	b	92f
90:	\insn
	ret
91:	.asciz "AHP \insn"
	.balign 4
92:
	.endm

	/* in[(a*k+b) % 32] into Vreg: x24 = k, x26 = inputs */
	.macro LDIN reg, a, b
	mov	x27, #\a
	mul	x27, x24, x27
	add	x27, x27, #\b
	and	x27, x27, #(NIN - 1)
	add	x27, x26, x27, lsl #4
	ldr	\reg, [x27]
	.endm

	.text
	.globl	_start
_start:
	ldr	x0, =stack_top
	mov	sp, x0
	mov	x0, #(3 << 20)		/* CPACR_EL1.FPEN: no FP/AdvSIMD traps at EL0/EL1 */
	msr	cpacr_el1, x0
	isb
	ldr	x28, =UART
	mov	w0, #0x301		/* UARTCR: UARTEN, TXE, RXE */
	str	w0, [x28, #0x30]
	adr	x0, banner
	bl	puts
	bl	tests
	adr	x0, done
	bl	puts
	ldr	w0, =0x84000008		/* PSCI SYSTEM_OFF */
	hvc	#0
1:	b	1b

putc:
	strb	w0, [x28]
	ret

puts:
	mov	x7, x30
	mov	x6, x0
1:	ldrb	w0, [x6], #1
	cbz	w0, 2f
	bl	putc
	b	1b
2:	mov	x30, x7
	ret

/* w0 as 8 hex digits */
puthex32:
	mov	x7, x30
	mov	w5, w0
	mov	w6, #28
1:	lsr	w0, w5, w6
	and	w0, w0, #15
	cmp	w0, #10
	add	w4, w0, #'0'
	add	w0, w0, #('a' - 10)
	csel	w0, w4, w0, lo
	bl	putc
	subs	w6, w6, #4
	b.pl	1b
	mov	x30, x7
	ret

/* x19 = the instruction (returns with ret), x21 = its text, x22 = number of FPCR settings */
run_test:
	mov	x23, #0
/* x23 = first FPCR setting, x22 = one past the last */
run_test_from:
	stp	x29, x30, [sp, #-16]!
	mov	w20, #-1
1:	mov	x24, #0
2:	adr	x26, inputs
	add	x27, x26, x24, lsl #4
	adr	x25, buffer
	mov	x8, #0
3:	ldr	x0, [x27, x8]
	str	x0, [x25, x8]
	add	x8, x8, #8
	cmp	x8, #128
	b.lo	3b
	LDIN	q0, 3, 2
	LDIN	q1, 1, 0
	LDIN	q2, 7, 3
	LDIN	q3, 5, 1
	LDIN	q15, 11, 5
	LDIN	x2, 7, 3
	LDIN	x0, 5, 1
	add	x27, x26, x24, lsl #4
	ldr	x1, [x27]
	mov	x9, x25
	mov	x10, #16
	adr	x27, fpcrs
	ldr	x27, [x27, x23, lsl #3]
	msr	fpcr, x27
	msr	fpsr, xzr
	lsl	x27, x24, #28
	msr	nzcv, x27
	blr	x19
	mrs	x27, fpsr
	crc32cx	w20, w20, x27
	mrs	x27, nzcv
	crc32cx	w20, w20, x27
	crc32cx	w20, w20, x0
	sub	x27, x9, x25
	crc32cx	w20, w20, x27
	adr	x26, dump
	stp	q0, q1, [x26]
	stp	q2, q3, [x26, #32]
	mov	x8, #0
4:	ldr	x27, [x26, x8]
	crc32cx	w20, w20, x27
	add	x8, x8, #8
	cmp	x8, #64
	b.lo	4b
	mov	x8, #0
5:	ldr	x27, [x25, x8]
	crc32cx	w20, w20, x27
	add	x8, x8, #8
	cmp	x8, #128
	b.lo	5b
	add	x24, x24, #1
	cmp	x24, #NIN
	b.lo	2b
	add	x23, x23, #1
	cmp	x23, x22
	b.lo	1b
	mov	x0, x21
	bl	puts
	mov	w0, #' '
	bl	putc
	mov	w0, w20
	bl	puthex32
	mov	w0, #'\n'
	bl	putc
	ldp	x29, x30, [sp], #16
	ret

/* FPCR/FPSR writable bits (no AArch32, no FP16, no trapped exceptions: AHP DN FZ RMode;
 * QC IDC IXC UFC OFC DZC IOC), masked to what every Armv8.0 implementation keeps. */
fpcr_rw:
	msr	fpcr, x1
	mrs	x0, fpcr
	and	x0, x0, #0x07c00000
	ret
fpsr_rw:
	msr	fpsr, x1
	mrs	x0, fpsr
	ldr	x1, =0x0800009f
	and	x0, x0, x1
	msr	fpsr, x0		/* N/Z/C/V (31:28) exist only with AArch32 */
	ret

tests:
	stp	x29, x30, [sp, #-16]!
	TF fadd s0, s1, s2
	TF fsub s0, s1, s2
	TF fmul s0, s1, s2
	TF fdiv s0, s1, s2
	TF fmax s0, s1, s2
	TF fmin s0, s1, s2
	TF fmaxnm s0, s1, s2
	TF fminnm s0, s1, s2
	TF fnmul s0, s1, s2
	TF fmadd s0, s1, s2, s3
	TF fmsub s0, s1, s2, s3
	TF fnmadd s0, s1, s2, s3
	TF fnmsub s0, s1, s2, s3
	TF fabs s0, s1
	TF fneg s0, s1
	TF fsqrt s0, s1
	TF fmov s0, s1
	TF frintn s0, s1
	TF frintp s0, s1
	TF frintm s0, s1
	TF frintz s0, s1
	TF frinta s0, s1
	TF frintx s0, s1
	TF frinti s0, s1
	TF fcmp s1, s2
	TF fcmpe s1, s2
	TF fcmp s1, #0.0
	TF fcmpe s1, #0.0
	TF fccmp s1, s2, #5, ne
	TF fccmpe s1, s2, #2, ge
	TF fcsel s0, s1, s2, lt
	TF fadd d0, d1, d2
	TF fsub d0, d1, d2
	TF fmul d0, d1, d2
	TF fdiv d0, d1, d2
	TF fmax d0, d1, d2
	TF fmin d0, d1, d2
	TF fmaxnm d0, d1, d2
	TF fminnm d0, d1, d2
	TF fnmul d0, d1, d2
	TF fmadd d0, d1, d2, d3
	TF fmsub d0, d1, d2, d3
	TF fnmadd d0, d1, d2, d3
	TF fnmsub d0, d1, d2, d3
	TF fabs d0, d1
	TF fneg d0, d1
	TF fsqrt d0, d1
	TF fmov d0, d1
	TF frintn d0, d1
	TF frintp d0, d1
	TF frintm d0, d1
	TF frintz d0, d1
	TF frinta d0, d1
	TF frintx d0, d1
	TF frinti d0, d1
	TF fcmp d1, d2
	TF fcmpe d1, d2
	TF fcmp d1, #0.0
	TF fcmpe d1, #0.0
	TF fccmp d1, d2, #5, ne
	TF fccmpe d1, d2, #2, ge
	TF fcsel d0, d1, d2, lt
	TF fcvt d0, s1
	TF fcvt s0, d1
	TF fcvt h0, s1
	TF fcvt h0, d1
	TF fcvt s0, h1
	TF fcvt d0, h1
	TF fmov s0, #1.25
	TF fmov d0, #-0.1875
	TF fcvtns w0, s1
	TF fcvtns x0, d1
	TF fcvtnu w0, s1
	TF fcvtnu x0, d1
	TF fcvtps w0, s1
	TF fcvtps x0, d1
	TF fcvtpu w0, s1
	TF fcvtpu x0, d1
	TF fcvtms w0, s1
	TF fcvtms x0, d1
	TF fcvtmu w0, s1
	TF fcvtmu x0, d1
	TF fcvtzs w0, s1
	TF fcvtzs x0, d1
	TF fcvtzu w0, s1
	TF fcvtzu x0, d1
	TF fcvtas w0, s1
	TF fcvtas x0, d1
	TF fcvtau w0, s1
	TF fcvtau x0, d1
	TF fcvtzs x0, s1
	TF fcvtzu w0, d1
	TF fcvtns x0, s1
	TF fcvtau w0, d1
	TF fcvtms x0, s1
	TF fcvtpu x0, d1
	TF fcvtzs w0, s1, #3
	TF fcvtzu x0, d1, #40
	TF fcvtzs x0, d1, #64
	TF fcvtzu w0, s1, #32
	TF fcvtzs x0, s1, #1
	TF fcvtzu w0, d1, #17
	TF scvtf s0, w1
	TF scvtf d0, x1
	TF ucvtf s0, x1
	TF ucvtf d0, w1
	TF scvtf s0, x1, #7
	TF ucvtf d0, w1, #32
	TF scvtf d0, w1
	TF ucvtf s0, w1
	TF scvtf d0, x1, #64
	TF ucvtf s0, x2, #13
	TF fadd v0.4s, v1.4s, v2.4s
	TF fadd v0.2d, v1.2d, v2.2d
	TF fsub v0.4s, v1.4s, v2.4s
	TF fsub v0.2d, v1.2d, v2.2d
	TF fmul v0.4s, v1.4s, v2.4s
	TF fmul v0.2d, v1.2d, v2.2d
	TF fdiv v0.4s, v1.4s, v2.4s
	TF fdiv v0.2d, v1.2d, v2.2d
	TF fmax v0.4s, v1.4s, v2.4s
	TF fmax v0.2d, v1.2d, v2.2d
	TF fmin v0.4s, v1.4s, v2.4s
	TF fmin v0.2d, v1.2d, v2.2d
	TF fmaxnm v0.4s, v1.4s, v2.4s
	TF fmaxnm v0.2d, v1.2d, v2.2d
	TF fminnm v0.4s, v1.4s, v2.4s
	TF fminnm v0.2d, v1.2d, v2.2d
	TF fmla v0.4s, v1.4s, v2.4s
	TF fmla v0.2d, v1.2d, v2.2d
	TF fmls v0.4s, v1.4s, v2.4s
	TF fmls v0.2d, v1.2d, v2.2d
	TF fmulx v0.4s, v1.4s, v2.4s
	TF fmulx v0.2d, v1.2d, v2.2d
	TF fabd v0.4s, v1.4s, v2.4s
	TF fabd v0.2d, v1.2d, v2.2d
	TF frecps v0.4s, v1.4s, v2.4s
	TF frecps v0.2d, v1.2d, v2.2d
	TF frsqrts v0.4s, v1.4s, v2.4s
	TF frsqrts v0.2d, v1.2d, v2.2d
	TF fcmeq v0.4s, v1.4s, v2.4s
	TF fcmeq v0.2d, v1.2d, v2.2d
	TF fcmge v0.4s, v1.4s, v2.4s
	TF fcmge v0.2d, v1.2d, v2.2d
	TF fcmgt v0.4s, v1.4s, v2.4s
	TF fcmgt v0.2d, v1.2d, v2.2d
	TF facge v0.4s, v1.4s, v2.4s
	TF facge v0.2d, v1.2d, v2.2d
	TF facgt v0.4s, v1.4s, v2.4s
	TF facgt v0.2d, v1.2d, v2.2d
	TF faddp v0.4s, v1.4s, v2.4s
	TF faddp v0.2d, v1.2d, v2.2d
	TF fmaxp v0.4s, v1.4s, v2.4s
	TF fmaxp v0.2d, v1.2d, v2.2d
	TF fminp v0.4s, v1.4s, v2.4s
	TF fminp v0.2d, v1.2d, v2.2d
	TF fmaxnmp v0.4s, v1.4s, v2.4s
	TF fmaxnmp v0.2d, v1.2d, v2.2d
	TF fminnmp v0.4s, v1.4s, v2.4s
	TF fminnmp v0.2d, v1.2d, v2.2d
	TF fadd v0.2s, v1.2s, v2.2s
	TF fmla v0.2s, v1.2s, v2.2s
	TF faddp v0.2s, v1.2s, v2.2s
	TF fmaxp v0.2s, v1.2s, v2.2s
	TF fcmge v0.2s, v1.2s, v2.2s
	TF fmulx s0, s1, s2
	TF fmulx d0, d1, d2
	TF fcmeq s0, s1, s2
	TF fcmeq d0, d1, d2
	TF fcmge s0, s1, s2
	TF fcmge d0, d1, d2
	TF fcmgt s0, s1, s2
	TF fcmgt d0, d1, d2
	TF facge s0, s1, s2
	TF facge d0, d1, d2
	TF facgt s0, s1, s2
	TF facgt d0, d1, d2
	TF fabd s0, s1, s2
	TF fabd d0, d1, d2
	TF frecps s0, s1, s2
	TF frecps d0, d1, d2
	TF frsqrts s0, s1, s2
	TF frsqrts d0, d1, d2
	TF fabs v0.4s, v1.4s
	TF fabs v0.2d, v1.2d
	TF fneg v0.4s, v1.4s
	TF fneg v0.2d, v1.2d
	TF fsqrt v0.4s, v1.4s
	TF fsqrt v0.2d, v1.2d
	TF frintn v0.4s, v1.4s
	TF frintn v0.2d, v1.2d
	TF frintp v0.4s, v1.4s
	TF frintp v0.2d, v1.2d
	TF frintm v0.4s, v1.4s
	TF frintm v0.2d, v1.2d
	TF frintz v0.4s, v1.4s
	TF frintz v0.2d, v1.2d
	TF frinta v0.4s, v1.4s
	TF frinta v0.2d, v1.2d
	TF frintx v0.4s, v1.4s
	TF frintx v0.2d, v1.2d
	TF frinti v0.4s, v1.4s
	TF frinti v0.2d, v1.2d
	TF fcvtns v0.4s, v1.4s
	TF fcvtns v0.2d, v1.2d
	TF fcvtnu v0.4s, v1.4s
	TF fcvtnu v0.2d, v1.2d
	TF fcvtps v0.4s, v1.4s
	TF fcvtps v0.2d, v1.2d
	TF fcvtpu v0.4s, v1.4s
	TF fcvtpu v0.2d, v1.2d
	TF fcvtms v0.4s, v1.4s
	TF fcvtms v0.2d, v1.2d
	TF fcvtmu v0.4s, v1.4s
	TF fcvtmu v0.2d, v1.2d
	TF fcvtzs v0.4s, v1.4s
	TF fcvtzs v0.2d, v1.2d
	TF fcvtzu v0.4s, v1.4s
	TF fcvtzu v0.2d, v1.2d
	TF fcvtas v0.4s, v1.4s
	TF fcvtas v0.2d, v1.2d
	TF fcvtau v0.4s, v1.4s
	TF fcvtau v0.2d, v1.2d
	TF scvtf v0.4s, v1.4s
	TF scvtf v0.2d, v1.2d
	TF ucvtf v0.4s, v1.4s
	TF ucvtf v0.2d, v1.2d
	TF frecpe v0.4s, v1.4s
	TF frecpe v0.2d, v1.2d
	TF frsqrte v0.4s, v1.4s
	TF frsqrte v0.2d, v1.2d
	TF fabs v0.2s, v1.2s
	TF frintx v0.2s, v1.2s
	TF fcvtzs v0.2s, v1.2s
	TF urecpe v0.4s, v1.4s
	TF ursqrte v0.4s, v1.4s
	TF urecpe v0.2s, v1.2s
	TF fcmgt v0.4s, v1.4s, #0.0
	TF fcmgt v0.2d, v1.2d, #0.0
	TF fcmge v0.4s, v1.4s, #0.0
	TF fcmge v0.2d, v1.2d, #0.0
	TF fcmeq v0.4s, v1.4s, #0.0
	TF fcmeq v0.2d, v1.2d, #0.0
	TF fcmle v0.4s, v1.4s, #0.0
	TF fcmle v0.2d, v1.2d, #0.0
	TF fcmlt v0.4s, v1.4s, #0.0
	TF fcmlt v0.2d, v1.2d, #0.0
	TF fcvtn v0.4h, v1.4s
	TF fcvtn2 v0.8h, v1.4s
	TF fcvtn v0.2s, v1.2d
	TF fcvtn2 v0.4s, v1.2d
	TF fcvtl v0.4s, v1.4h
	TF fcvtl2 v0.4s, v1.8h
	TF fcvtl v0.2d, v1.2s
	TF fcvtl2 v0.2d, v1.4s
	TF fcvtxn v0.2s, v1.2d
	TF fcvtxn2 v0.4s, v1.2d
	TF fcvtxn s0, d1
	TF fcvtzs s0, s1
	TF fcvtnu d0, d1
	TF fcvtps s0, s1
	TF fcvtmu d0, d1
	TF fcvtas s0, s1
	TF scvtf s0, s1
	TF ucvtf d0, d1
	TF frecpe s0, s1
	TF frsqrte d0, d1
	TF frecpx s0, s1
	TF frecpx d0, d1
	TF fcmeq s0, s1, #0.0
	TF fcmlt d0, d1, #0.0
	TF fcmge s0, s1, #0.0
	TF fcmle d0, d1, #0.0
	TF fcmgt s0, s1, #0.0
	TF fmaxv s0, v1.4s
	TF fminv s0, v1.4s
	TF fmaxnmv s0, v1.4s
	TF fminnmv s0, v1.4s
	TF faddp s0, v1.2s
	TF faddp d0, v1.2d
	TF fmaxp s0, v1.2s
	TF fminnmp d0, v1.2d
	TF fmaxnmp s0, v1.2s
	TF fminp d0, v1.2d
	TF fmul v0.4s, v1.4s, v2.s[3]
	TF fmla v0.2d, v1.2d, v2.d[1]
	TF fmls v0.4s, v1.4s, v2.s[1]
	TF fmulx v0.2s, v1.2s, v2.s[2]
	TF fmul s0, s1, v2.s[1]
	TF fmla d0, d1, v2.d[1]
	TF fmulx d0, d1, v2.d[0]
	TF fmls s0, s1, v2.s[3]
	TF fmul v0.2d, v1.2d, v2.d[0]
	TF fmla v0.2s, v1.2s, v3.s[0]
	TI fmov w0, s1
	TI fmov x0, d1
	TI fmov s0, w1
	TI fmov d0, x1
	TI fmov x0, v1.d[1]
	TI fmov v0.d[1], x1
	TI add v0.16b, v1.16b, v2.16b
	TI sub v0.16b, v1.16b, v2.16b
	TI cmeq v0.16b, v1.16b, v2.16b
	TI sqadd v0.16b, v1.16b, v2.16b
	TI uqsub v0.16b, v1.16b, v2.16b
	TI sshl v0.16b, v1.16b, v2.16b
	TI urshl v0.16b, v1.16b, v2.16b
	TI sqrshl v0.16b, v1.16b, v2.16b
	TI uqshl v0.16b, v1.16b, v2.16b
	TI cmhi v0.16b, v1.16b, v2.16b
	TI cmge v0.16b, v1.16b, v2.16b
	TI addp v0.16b, v1.16b, v2.16b
	TI add v0.8h, v1.8h, v2.8h
	TI sub v0.8h, v1.8h, v2.8h
	TI cmeq v0.8h, v1.8h, v2.8h
	TI sqadd v0.8h, v1.8h, v2.8h
	TI uqsub v0.8h, v1.8h, v2.8h
	TI sshl v0.8h, v1.8h, v2.8h
	TI urshl v0.8h, v1.8h, v2.8h
	TI sqrshl v0.8h, v1.8h, v2.8h
	TI uqshl v0.8h, v1.8h, v2.8h
	TI cmhi v0.8h, v1.8h, v2.8h
	TI cmge v0.8h, v1.8h, v2.8h
	TI addp v0.8h, v1.8h, v2.8h
	TI add v0.4s, v1.4s, v2.4s
	TI sub v0.4s, v1.4s, v2.4s
	TI cmeq v0.4s, v1.4s, v2.4s
	TI sqadd v0.4s, v1.4s, v2.4s
	TI uqsub v0.4s, v1.4s, v2.4s
	TI sshl v0.4s, v1.4s, v2.4s
	TI urshl v0.4s, v1.4s, v2.4s
	TI sqrshl v0.4s, v1.4s, v2.4s
	TI uqshl v0.4s, v1.4s, v2.4s
	TI cmhi v0.4s, v1.4s, v2.4s
	TI cmge v0.4s, v1.4s, v2.4s
	TI addp v0.4s, v1.4s, v2.4s
	TI add v0.2d, v1.2d, v2.2d
	TI sub v0.2d, v1.2d, v2.2d
	TI cmeq v0.2d, v1.2d, v2.2d
	TI sqadd v0.2d, v1.2d, v2.2d
	TI uqsub v0.2d, v1.2d, v2.2d
	TI sshl v0.2d, v1.2d, v2.2d
	TI urshl v0.2d, v1.2d, v2.2d
	TI sqrshl v0.2d, v1.2d, v2.2d
	TI uqshl v0.2d, v1.2d, v2.2d
	TI cmhi v0.2d, v1.2d, v2.2d
	TI cmge v0.2d, v1.2d, v2.2d
	TI addp v0.2d, v1.2d, v2.2d
	TI mul v0.16b, v1.16b, v2.16b
	TI mla v0.16b, v1.16b, v2.16b
	TI mls v0.16b, v1.16b, v2.16b
	TI cmtst v0.16b, v1.16b, v2.16b
	TI shadd v0.16b, v1.16b, v2.16b
	TI uhadd v0.16b, v1.16b, v2.16b
	TI srhadd v0.16b, v1.16b, v2.16b
	TI urhadd v0.16b, v1.16b, v2.16b
	TI shsub v0.16b, v1.16b, v2.16b
	TI uhsub v0.16b, v1.16b, v2.16b
	TI smax v0.16b, v1.16b, v2.16b
	TI umax v0.16b, v1.16b, v2.16b
	TI smin v0.16b, v1.16b, v2.16b
	TI umin v0.16b, v1.16b, v2.16b
	TI sabd v0.16b, v1.16b, v2.16b
	TI uabd v0.16b, v1.16b, v2.16b
	TI saba v0.16b, v1.16b, v2.16b
	TI uaba v0.16b, v1.16b, v2.16b
	TI smaxp v0.16b, v1.16b, v2.16b
	TI umaxp v0.16b, v1.16b, v2.16b
	TI sminp v0.16b, v1.16b, v2.16b
	TI uminp v0.16b, v1.16b, v2.16b
	TI uqadd v0.16b, v1.16b, v2.16b
	TI sqsub v0.16b, v1.16b, v2.16b
	TI ushl v0.16b, v1.16b, v2.16b
	TI srshl v0.16b, v1.16b, v2.16b
	TI sqshl v0.16b, v1.16b, v2.16b
	TI uqrshl v0.16b, v1.16b, v2.16b
	TI cmgt v0.16b, v1.16b, v2.16b
	TI cmhs v0.16b, v1.16b, v2.16b
	TI mul v0.8h, v1.8h, v2.8h
	TI mla v0.8h, v1.8h, v2.8h
	TI mls v0.8h, v1.8h, v2.8h
	TI cmtst v0.8h, v1.8h, v2.8h
	TI shadd v0.8h, v1.8h, v2.8h
	TI uhadd v0.8h, v1.8h, v2.8h
	TI srhadd v0.8h, v1.8h, v2.8h
	TI urhadd v0.8h, v1.8h, v2.8h
	TI shsub v0.8h, v1.8h, v2.8h
	TI uhsub v0.8h, v1.8h, v2.8h
	TI smax v0.8h, v1.8h, v2.8h
	TI umax v0.8h, v1.8h, v2.8h
	TI smin v0.8h, v1.8h, v2.8h
	TI umin v0.8h, v1.8h, v2.8h
	TI sabd v0.8h, v1.8h, v2.8h
	TI uabd v0.8h, v1.8h, v2.8h
	TI saba v0.8h, v1.8h, v2.8h
	TI uaba v0.8h, v1.8h, v2.8h
	TI smaxp v0.8h, v1.8h, v2.8h
	TI umaxp v0.8h, v1.8h, v2.8h
	TI sminp v0.8h, v1.8h, v2.8h
	TI uminp v0.8h, v1.8h, v2.8h
	TI uqadd v0.8h, v1.8h, v2.8h
	TI sqsub v0.8h, v1.8h, v2.8h
	TI ushl v0.8h, v1.8h, v2.8h
	TI srshl v0.8h, v1.8h, v2.8h
	TI sqshl v0.8h, v1.8h, v2.8h
	TI uqrshl v0.8h, v1.8h, v2.8h
	TI cmgt v0.8h, v1.8h, v2.8h
	TI cmhs v0.8h, v1.8h, v2.8h
	TI mul v0.4s, v1.4s, v2.4s
	TI mla v0.4s, v1.4s, v2.4s
	TI mls v0.4s, v1.4s, v2.4s
	TI cmtst v0.4s, v1.4s, v2.4s
	TI shadd v0.4s, v1.4s, v2.4s
	TI uhadd v0.4s, v1.4s, v2.4s
	TI srhadd v0.4s, v1.4s, v2.4s
	TI urhadd v0.4s, v1.4s, v2.4s
	TI shsub v0.4s, v1.4s, v2.4s
	TI uhsub v0.4s, v1.4s, v2.4s
	TI smax v0.4s, v1.4s, v2.4s
	TI umax v0.4s, v1.4s, v2.4s
	TI smin v0.4s, v1.4s, v2.4s
	TI umin v0.4s, v1.4s, v2.4s
	TI sabd v0.4s, v1.4s, v2.4s
	TI uabd v0.4s, v1.4s, v2.4s
	TI saba v0.4s, v1.4s, v2.4s
	TI uaba v0.4s, v1.4s, v2.4s
	TI smaxp v0.4s, v1.4s, v2.4s
	TI umaxp v0.4s, v1.4s, v2.4s
	TI sminp v0.4s, v1.4s, v2.4s
	TI uminp v0.4s, v1.4s, v2.4s
	TI uqadd v0.4s, v1.4s, v2.4s
	TI sqsub v0.4s, v1.4s, v2.4s
	TI ushl v0.4s, v1.4s, v2.4s
	TI srshl v0.4s, v1.4s, v2.4s
	TI sqshl v0.4s, v1.4s, v2.4s
	TI uqrshl v0.4s, v1.4s, v2.4s
	TI cmgt v0.4s, v1.4s, v2.4s
	TI cmhs v0.4s, v1.4s, v2.4s
	TI pmul v0.16b, v1.16b, v2.16b
	TI sqdmulh v0.8h, v1.8h, v2.8h
	TI sqdmulh v0.4s, v1.4s, v2.4s
	TI sqrdmulh v0.8h, v1.8h, v2.8h
	TI sqrdmulh v0.4s, v1.4s, v2.4s
	TI sqdmulh v0.8h, v1.8h, v1.8h
	TI sqrdmulh v0.4s, v1.4s, v1.4s
	TI add v0.8b, v1.8b, v2.8b
	TI umaxp v0.8b, v1.8b, v2.8b
	TI uminp v0.4h, v1.4h, v2.4h
	TI cmeq v0.2s, v1.2s, v2.2s
	TI and v0.16b, v1.16b, v2.16b
	TI and v0.8b, v1.8b, v2.8b
	TI bic v0.16b, v1.16b, v2.16b
	TI bic v0.8b, v1.8b, v2.8b
	TI orr v0.16b, v1.16b, v2.16b
	TI orr v0.8b, v1.8b, v2.8b
	TI orn v0.16b, v1.16b, v2.16b
	TI orn v0.8b, v1.8b, v2.8b
	TI eor v0.16b, v1.16b, v2.16b
	TI eor v0.8b, v1.8b, v2.8b
	TI bsl v0.16b, v1.16b, v2.16b
	TI bsl v0.8b, v1.8b, v2.8b
	TI bit v0.16b, v1.16b, v2.16b
	TI bit v0.8b, v1.8b, v2.8b
	TI bif v0.16b, v1.16b, v2.16b
	TI bif v0.8b, v1.8b, v2.8b
	TI add d0, d1, d2
	TI sub d0, d1, d2
	TI cmeq d0, d1, d2
	TI cmgt d0, d1, d2
	TI cmhi d0, d1, d2
	TI cmge d0, d1, d2
	TI cmhs d0, d1, d2
	TI cmtst d0, d1, d2
	TI sshl d0, d1, d2
	TI ushl d0, d1, d2
	TI srshl d0, d1, d2
	TI urshl d0, d1, d2
	TI uqadd d0, d1, d2
	TI sqsub d0, d1, d2
	TI sqadd b0, b1, b2
	TI uqadd h0, h1, h2
	TI sqsub s0, s1, s2
	TI uqsub d0, d1, d2
	TI sqshl b0, b1, b2
	TI uqshl h0, h1, h2
	TI sqrshl s0, s1, s2
	TI uqrshl d0, d1, d2
	TI sqdmulh h0, h1, h2
	TI sqrdmulh s0, s1, s2
	TI sqdmulh s0, s1, s1
	TI rev64 v0.16b, v1.16b
	TI cls v0.16b, v1.16b
	TI clz v0.16b, v1.16b
	TI rev64 v0.8h, v1.8h
	TI cls v0.8h, v1.8h
	TI clz v0.8h, v1.8h
	TI rev64 v0.4s, v1.4s
	TI cls v0.4s, v1.4s
	TI clz v0.4s, v1.4s
	TI rev32 v0.16b, v1.16b
	TI rev32 v0.8h, v1.8h
	TI rev16 v0.16b, v1.16b
	TI rev64 v0.8b, v1.8b
	TI cnt v0.16b, v1.16b
	TI cnt v0.8b, v1.8b
	TI not v0.16b, v1.16b
	TI rbit v0.16b, v1.16b
	TI rbit v0.8b, v1.8b
	TI saddlp v0.8h, v1.16b
	TI uaddlp v0.4s, v1.8h
	TI saddlp v0.2d, v1.4s
	TI uaddlp v0.1d, v1.2s
	TI sadalp v0.2d, v1.4s
	TI uadalp v0.8h, v1.16b
	TI sadalp v0.4h, v1.8b
	TI suqadd v0.16b, v1.16b
	TI usqadd v0.16b, v1.16b
	TI sqabs v0.16b, v1.16b
	TI sqneg v0.16b, v1.16b
	TI abs v0.16b, v1.16b
	TI neg v0.16b, v1.16b
	TI cmgt v0.16b, v1.16b, #0
	TI cmge v0.16b, v1.16b, #0
	TI cmeq v0.16b, v1.16b, #0
	TI cmle v0.16b, v1.16b, #0
	TI cmlt v0.16b, v1.16b, #0
	TI suqadd v0.8h, v1.8h
	TI usqadd v0.8h, v1.8h
	TI sqabs v0.8h, v1.8h
	TI sqneg v0.8h, v1.8h
	TI abs v0.8h, v1.8h
	TI neg v0.8h, v1.8h
	TI cmgt v0.8h, v1.8h, #0
	TI cmge v0.8h, v1.8h, #0
	TI cmeq v0.8h, v1.8h, #0
	TI cmle v0.8h, v1.8h, #0
	TI cmlt v0.8h, v1.8h, #0
	TI suqadd v0.4s, v1.4s
	TI usqadd v0.4s, v1.4s
	TI sqabs v0.4s, v1.4s
	TI sqneg v0.4s, v1.4s
	TI abs v0.4s, v1.4s
	TI neg v0.4s, v1.4s
	TI cmgt v0.4s, v1.4s, #0
	TI cmge v0.4s, v1.4s, #0
	TI cmeq v0.4s, v1.4s, #0
	TI cmle v0.4s, v1.4s, #0
	TI cmlt v0.4s, v1.4s, #0
	TI suqadd v0.2d, v1.2d
	TI usqadd v0.2d, v1.2d
	TI sqabs v0.2d, v1.2d
	TI sqneg v0.2d, v1.2d
	TI abs v0.2d, v1.2d
	TI neg v0.2d, v1.2d
	TI cmgt v0.2d, v1.2d, #0
	TI cmge v0.2d, v1.2d, #0
	TI cmeq v0.2d, v1.2d, #0
	TI cmle v0.2d, v1.2d, #0
	TI cmlt v0.2d, v1.2d, #0
	TI xtn v0.8b, v1.8h
	TI xtn2 v0.16b, v1.8h
	TI xtn v0.2s, v1.2d
	TI xtn v0.4h, v1.4s
	TI sqxtn v0.4h, v1.4s
	TI sqxtn2 v0.4s, v1.2d
	TI sqxtn v0.8b, v1.8h
	TI uqxtn v0.8b, v1.8h
	TI uqxtn2 v0.4s, v1.2d
	TI uqxtn v0.4h, v1.4s
	TI sqxtun v0.2s, v1.2d
	TI sqxtun2 v0.8h, v1.4s
	TI sqxtun v0.8b, v1.8h
	TI shll v0.8h, v1.8b, #8
	TI shll2 v0.4s, v1.8h, #16
	TI shll2 v0.2d, v1.4s, #32
	TI abs d0, d1
	TI neg d0, d1
	TI sqabs b0, b1
	TI sqneg s0, s1
	TI sqabs d0, d1
	TI suqadd h0, h1
	TI usqadd d0, d1
	TI usqadd b0, b1
	TI cmgt d0, d1, #0
	TI cmeq d0, d1, #0
	TI cmle d0, d1, #0
	TI cmlt d0, d1, #0
	TI cmge d0, d1, #0
	TI sqxtn b0, h1
	TI sqxtn s0, d1
	TI uqxtn h0, s1
	TI sqxtun b0, h1
	TI sqxtun s0, d1
	TI uqxtn s0, d1
	TI addv b0, v1.16b
	TI addv h0, v1.8h
	TI addv s0, v1.4s
	TI addv b0, v1.8b
	TI saddlv h0, v1.16b
	TI uaddlv d0, v1.4s
	TI saddlv s0, v1.8h
	TI uaddlv h0, v1.8b
	TI smaxv b0, v1.8b
	TI umaxv h0, v1.8h
	TI sminv s0, v1.4s
	TI uminv b0, v1.16b
	TI umaxv b0, v1.16b
	TI smaxv h0, v1.4h
	TI uminv s0, v1.4s
	TI addp d0, v1.2d
	TI mul v0.8h, v1.8h, v2.h[5]
	TI mul v0.4s, v1.4s, v2.s[3]
	TI mla v0.4s, v1.4s, v2.s[1]
	TI mls v0.8h, v1.8h, v3.h[7]
	TI mul v0.4h, v1.4h, v15.h[2]
	TI smull v0.4s, v1.4h, v2.h[2]
	TI umull2 v0.2d, v1.4s, v2.s[3]
	TI smlal v0.2d, v1.2s, v2.s[0]
	TI umlal2 v0.4s, v1.8h, v2.h[6]
	TI smlsl v0.4s, v1.4h, v2.h[1]
	TI umlsl2 v0.2d, v1.4s, v2.s[2]
	TI sqdmull v0.4s, v1.4h, v2.h[3]
	TI sqdmull2 v0.2d, v1.4s, v2.s[1]
	TI sqdmlal v0.4s, v1.4h, v2.h[0]
	TI sqdmlsl2 v0.2d, v1.4s, v2.s[3]
	TI sqdmulh v0.8h, v1.8h, v2.h[4]
	TI sqrdmulh v0.4s, v1.4s, v2.s[2]
	TI sqdmull v0.4s, v1.4h, v1.h[0]
	TI sqdmulh v0.4s, v1.4s, v1.s[1]
	TI sqdmulh h0, h1, v2.h[3]
	TI sqrdmulh s0, s1, v2.s[1]
	TI sqdmull s0, h1, v2.h[7]
	TI sqdmlal d0, s1, v2.s[2]
	TI sqdmlsl s0, h1, v2.h[1]
	TI sqdmull d0, s1, v1.s[0]
	TI ld1 {v0.16b}, [x9]
	TI ld1 {v0.8b, v1.8b}, [x9]
	TI ld1 {v0.4s, v1.4s, v2.4s}, [x9]
	TI ld1 {v0.2d, v1.2d, v2.2d, v3.2d}, [x9], #64
	TI ld1 {v0.1d}, [x9], x10
	TI ld2 {v0.8h, v1.8h}, [x9]
	TI ld3 {v0.4s, v1.4s, v2.4s}, [x9]
	TI ld4 {v0.16b, v1.16b, v2.16b, v3.16b}, [x9]
	TI ld4 {v0.4h, v1.4h, v2.4h, v3.4h}, [x9], x10
	TI ld2 {v0.2d, v1.2d}, [x9], #32
	TI ld3 {v1.8b, v2.8b, v3.8b}, [x9], #24
	TI ld1 {v0.s}[1], [x9]
	TI ld2 {v0.h, v1.h}[5], [x9], #4
	TI ld3 {v0.b, v1.b, v2.b}[13], [x9]
	TI ld4 {v0.d, v1.d, v2.d, v3.d}[1], [x9]
	TI ld1 {v2.d}[0], [x9], x10
	TI ld1r {v0.8h}, [x9]
	TI ld2r {v0.4s, v1.4s}, [x9], #8
	TI ld3r {v0.2d, v1.2d, v2.2d}, [x9]
	TI ld4r {v0.16b, v1.16b, v2.16b, v3.16b}, [x9]
	TI ld1r {v0.2s}, [x9], x10
	TI ld4r {v0.4h, v1.4h, v2.4h, v3.4h}, [x9], #8
	TI st1 {v1.16b}, [x9]
	TI st1 {v1.2d, v2.2d}, [x9], #32
	TI st1 {v1.8b, v2.8b, v3.8b}, [x9]
	TI st1 {v0.4s, v1.4s, v2.4s, v3.4s}, [x9], x10
	TI st2 {v1.4s, v2.4s}, [x9]
	TI st3 {v1.8h, v2.8h, v3.8h}, [x9]
	TI st4 {v0.8b, v1.8b, v2.8b, v3.8b}, [x9], x10
	TI st2 {v0.2s, v1.2s}, [x9], #16
	TI st3 {v0.16b, v1.16b, v2.16b}, [x9], #48
	TI st4 {v0.2d, v1.2d, v2.2d, v3.2d}, [x9]
	TI st1 {v2.d}[1], [x9]
	TI st2 {v1.s, v2.s}[3], [x9]
	TI st3 {v1.h, v2.h, v3.h}[6], [x9], #6
	TI st4 {v0.b, v1.b, v2.b, v3.b}[9], [x9]
	TI st1 {v3.b}[15], [x9], x10
	TI ldr q0, [x9, #16]
	TI ldr d0, [x9, #8]!
	TI ldr s0, [x9], #4
	TI ldr h0, [x9, #6]
	TI ldr b0, [x9, x10]
	TI ldur q0, [x9, #3]
	TI ldr q0, [x9, w10, uxtw #4]
	TI ldr d0, [x9, x10, lsl #3]
	TI ldr s0, [x9, w10, sxtw]
	TI ldp q0, q1, [x9, #32]
	TI ldp s0, s1, [x9], #8
	TI ldp d0, d1, [x9, #-16]!
	TI ldnp q0, q1, [x9]
	TI ldp q2, q3, [x9], #-32
	TI stp q1, q2, [x9, #16]
	TI str q1, [x9, #48]
	TI str d1, [x9], #8
	TI str h1, [x9, #2]!
	TI str b1, [x9, x10]
	TI stur s1, [x9, #5]
	TI stnp d1, d2, [x9, #8]
	TI stp s1, s2, [x9, #-8]!
	TI str q2, [x9, x10, lsl #4]
	TI ldr q0, inputs + 32
	TI ldr d0, inputs + 8
	TI ldr s0, inputs + 4
	/* the groups of advsimd-int.ts: copy, modified immediate, TBL/TBX, permutes, EXT, shifts by immediate, three different */
	TF fmov v0.4s, #1.5
	TF fmov v0.2d, #-3.0
	TF fmov v0.2s, #0.125
	TF scvtf v0.4s, v1.4s, #8
	TF ucvtf v0.2d, v1.2d, #30
	TF fcvtzs v0.4s, v1.4s, #3
	TF fcvtzu v0.2d, v1.2d, #60
	TF scvtf s0, s1, #12
	TF fcvtzu d0, d1, #33
	TF ucvtf s0, s1, #32
	TF fcvtzs d0, d1, #1
	TI dup v0.16b, w1
	TI dup v0.8h, v1.h[3]
	TI dup v0.2d, x1
	TI dup s0, v1.s[2]
	TI dup v0.4s, v2.s[1]
	TI dup b0, v1.b[13]
	TI ins v0.s[1], w1
	TI ins v0.b[9], v1.b[3]
	TI ins v0.d[1], v2.d[0]
	TI umov w0, v1.h[5]
	TI umov x0, v1.d[1]
	TI umov w0, v1.b[15]
	TI smov x0, v1.b[7]
	TI smov w0, v1.h[2]
	TI smov x0, v1.s[3]
	TI movi v0.16b, #0xab
	TI movi v0.4s, #0x5a, lsl #16
	TI movi v0.2d, #0xff00ff00ff0000ff
	TI mvni v0.8h, #0x12, lsl #8
	TI orr v0.4s, #0x34, lsl #8
	TI bic v0.8h, #0x7f
	TI movi v0.4s, #0x42, msl #16
	TI mvni v0.2s, #0x1, msl #8
	TI movi d0, #0xff00ff00ff00ff00
	TI orr v0.2s, #0x80, lsl #24
	TI bic v0.4h, #0xff, lsl #8
	TI movi v0.8b, #0x7
	TI tbl v0.16b, {v1.16b}, v2.16b
	TI tbl v0.8b, {v1.16b, v2.16b}, v3.8b
	TI tbx v0.16b, {v1.16b, v2.16b, v3.16b}, v15.16b
	TI tbx v0.8b, {v1.16b}, v15.8b
	TI tbl v0.16b, {v1.16b, v2.16b, v3.16b}, v15.16b
	TI zip1 v0.16b, v1.16b, v2.16b
	TI zip1 v0.4h, v1.4h, v2.4h
	TI zip1 v0.4s, v1.4s, v2.4s
	TI zip1 v0.2d, v1.2d, v2.2d
	TI zip2 v0.16b, v1.16b, v2.16b
	TI zip2 v0.4h, v1.4h, v2.4h
	TI zip2 v0.4s, v1.4s, v2.4s
	TI zip2 v0.2d, v1.2d, v2.2d
	TI uzp1 v0.16b, v1.16b, v2.16b
	TI uzp1 v0.4h, v1.4h, v2.4h
	TI uzp1 v0.4s, v1.4s, v2.4s
	TI uzp1 v0.2d, v1.2d, v2.2d
	TI uzp2 v0.16b, v1.16b, v2.16b
	TI uzp2 v0.4h, v1.4h, v2.4h
	TI uzp2 v0.4s, v1.4s, v2.4s
	TI uzp2 v0.2d, v1.2d, v2.2d
	TI trn1 v0.16b, v1.16b, v2.16b
	TI trn1 v0.4h, v1.4h, v2.4h
	TI trn1 v0.4s, v1.4s, v2.4s
	TI trn1 v0.2d, v1.2d, v2.2d
	TI trn2 v0.16b, v1.16b, v2.16b
	TI trn2 v0.4h, v1.4h, v2.4h
	TI trn2 v0.4s, v1.4s, v2.4s
	TI trn2 v0.2d, v1.2d, v2.2d
	TI ext v0.16b, v1.16b, v2.16b, #5
	TI ext v0.8b, v1.8b, v2.8b, #3
	TI ext v0.16b, v1.16b, v1.16b, #15
	TI sshr v0.16b, v1.16b, #3
	TI ushr v0.2d, v1.2d, #63
	TI srshr v0.8h, v1.8h, #7
	TI urshr v0.4s, v1.4s, #17
	TI ssra v0.4s, v1.4s, #9
	TI usra v0.16b, v1.16b, #1
	TI srsra v0.2d, v1.2d, #40
	TI ursra v0.8h, v1.8h, #16
	TI shl v0.4s, v1.4s, #31
	TI sli v0.8h, v1.8h, #5
	TI sri v0.16b, v1.16b, #3
	TI sqshl v0.4s, v1.4s, #7
	TI uqshl v0.16b, v1.16b, #2
	TI sqshlu v0.8h, v1.8h, #4
	TI shrn v0.8b, v1.8h, #4
	TI shrn2 v0.8h, v1.4s, #16
	TI rshrn v0.4h, v1.4s, #5
	TI sqshrn v0.2s, v1.2d, #31
	TI uqshrn v0.8b, v1.8h, #1
	TI sqrshrn v0.4h, v1.4s, #3
	TI uqrshrn2 v0.16b, v1.8h, #8
	TI sqshrun v0.8b, v1.8h, #2
	TI sqrshrun v0.2s, v1.2d, #20
	TI sshll v0.8h, v1.8b, #3
	TI ushll2 v0.2d, v1.4s, #0
	TI sshll2 v0.4s, v1.8h, #15
	TI ushr v0.8b, v1.8b, #8
	TI sqshl v0.2d, v1.2d, #63
	TI sshr d0, d1, #13
	TI ushr d0, d1, #64
	TI srshr d0, d1, #1
	TI ssra d0, d1, #32
	TI shl d0, d1, #63
	TI sli d0, d1, #7
	TI sri d0, d1, #64
	TI sqshl b0, b1, #3
	TI uqshl s0, s1, #30
	TI sqshlu h0, h1, #9
	TI sqshrn b0, h1, #2
	TI uqrshrn s0, d1, #31
	TI sqrshrun h0, s1, #5
	TI urshr d0, d1, #64
	TI usra d0, d1, #3
	TI saddl v0.8h, v1.8b, v2.8b
	TI uaddl2 v0.4s, v1.8h, v2.8h
	TI ssubl v0.2d, v1.2s, v2.2s
	TI usubl2 v0.8h, v1.16b, v2.16b
	TI saddw v0.8h, v1.8h, v2.8b
	TI uaddw2 v0.2d, v1.2d, v2.4s
	TI ssubw v0.4s, v1.4s, v2.4h
	TI usubw2 v0.8h, v1.8h, v2.16b
	TI addhn v0.8b, v1.8h, v2.8h
	TI raddhn2 v0.8h, v1.4s, v2.4s
	TI subhn v0.2s, v1.2d, v2.2d
	TI rsubhn2 v0.16b, v1.8h, v2.8h
	TI sabal v0.8h, v1.8b, v2.8b
	TI uabal2 v0.4s, v1.8h, v2.8h
	TI sabdl v0.2d, v1.2s, v2.2s
	TI uabdl2 v0.8h, v1.16b, v2.16b
	TI smlal v0.8h, v1.8b, v2.8b
	TI umlal2 v0.4s, v1.8h, v2.8h
	TI smlsl v0.2d, v1.2s, v2.2s
	TI umlsl2 v0.8h, v1.16b, v2.16b
	TI smull v0.8h, v1.8b, v2.8b
	TI umull2 v0.2d, v1.4s, v2.4s
	TI pmull v0.8h, v1.8b, v2.8b
	TI pmull2 v0.8h, v1.16b, v2.16b
	TI sqdmull v0.4s, v1.4h, v2.4h
	TI sqdmlal2 v0.2d, v1.4s, v2.4s
	TI sqdmlsl v0.4s, v1.4h, v2.4h
	TI sqdmull v0.4s, v1.4h, v1.4h
	TI sqdmull s0, h1, h2
	TI sqdmlal d0, s1, s2
	TI sqdmlsl s0, h1, h1
	TI sqdmull d0, s1, s1
	TH fcvt h0, s1
	TH fcvt h0, d1
	TH fcvt s0, h1
	TH fcvt d0, h1
	TH fcvtn v0.4h, v1.4s
	TH fcvtn2 v0.8h, v1.4s
	TH fcvtl v0.4s, v1.4h
	TH fcvtl2 v0.4s, v1.8h
	TI b fpcr_rw
	TI b fpsr_rw
	ldp	x29, x30, [sp], #16
	ret
	.ltorg

banner:	.asciz	"fpsimd start\n"
done:	.asciz	"fpsimd done\n"
	.balign	16
fpcrs:
	.quad	0x00000000, 0x00400000, 0x00800000, 0x00c00000, 0x01000000, 0x02000000, 0x03c00000, 0
	/* 8..11: AHP with RN, RZ, FZ, RP+DN */
	.quad	0x04000000, 0x04c00000, 0x05000000, 0x06400000
	.balign	16
inputs:
	/* single precision lanes */
	.quad	0xbe2000003f800000, 0x404000003dcccccd	/* 1.0 -2.5 0.1 3.0 */
	.quad	0x8000000000000000, 0xff8000007f800000	/* +0 -0 +inf -inf */
	.quad	0x7f8000057fc00001, 0x3fc00000ffc12345	/* qNaN sNaN -qNaN(payload) 1.5 */
	.quad	0x807fffff00000001, 0x7f7fffff00800000	/* denormals, min normal, max */
	.quad	0xcf0000004b000001, 0x5f0000004f800000	/* 2^23+1 -2^31 2^32 2^63 */
	.quad	0x3f0000003effffff, 0x40200000bfc00000	/* 0.49999997 0.5 -1.5 2.5 */
	.quad	0x7f00000000ffffff, 0x338000003f7fffff	/* tiny normal, 2^127, 1-ulp, 2^-24 */
	.quad	0x477fe00047800000, 0xc700010047fff000	/* 65536 65504 131040 -32769 */
	/* double precision lanes */
	.quad	0x3ff0000000000000, 0xbfb999999999999a	/* 1.0 -0.1 */
	.quad	0x0000000000000000, 0x8000000000000000	/* +0 -0 */
	.quad	0x7ff0000000000000, 0xfff0000000000000	/* +inf -inf */
	.quad	0x7ff8000000000123, 0x7ff0000000000456	/* qNaN sNaN */
	.quad	0x0000000000000001, 0x800fffffffffffff	/* denormals */
	.quad	0x0010000000000000, 0x7fefffffffffffff	/* min normal, max */
	.quad	0x43e0000000000000, 0xc3e0000000000001	/* 2^63, -(2^63+2^11) */
	.quad	0x3fe0000000000000, 0x4004000000000000	/* 0.5 2.5 */
	.quad	0x3fd5555555555555, 0x7e37e43c8800759c	/* 1/3 1e300 */
	.quad	0x4330000000000001, 0xc1e0000000200000	/* 2^52+1, -(2^31+1) */
	.quad	0x41efffffffe00000, 0xc0f0002000000000	/* 2^32-1, -65538 */
	.quad	0x3ca0000000000000, 0xfff8000000000000	/* 2^-53, -default NaN */
	/* integer patterns */
	.quad	0x0001020304050607, 0x08090a0b0c0d0e0f
	.quad	0x8000000080000000, 0x7fffffff7fffffff
	.quad	0xffffffffffffffff, 0x0000000000000000
	.quad	0x80007fff0001ffff, 0x7f80ff01808100fe
	.quad	0x8000000000000000, 0x7fffffffffffffff
	.quad	0x0123456789abcdef, 0xfedcba9876543210
	.quad	0x00000000ffffffff, 0xffffffff00000001
	.quad	0x00ff00ff00ff00ff, 0x8080808040404040
	.quad	0x6a09e667f3bcc908, 0xbb67ae8584caa73b
	.quad	0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1
	.quad	0x510e527fade682d1, 0x9b05688c2b3e6c1f
	.quad	0x1f83d9abfb41bd6b, 0x5be0cd19137e2179
	/* in[0..7] again, so that the buffer copy of in[k..k+7] never wraps */
	.quad	0xbe2000003f800000, 0x404000003dcccccd
	.quad	0x8000000000000000, 0xff8000007f800000
	.quad	0x7f8000057fc00001, 0x3fc00000ffc12345
	.quad	0x807fffff00000001, 0x7f7fffff00800000
	.quad	0xcf0000004b000001, 0x5f0000004f800000
	.quad	0x3f0000003effffff, 0x40200000bfc00000
	.quad	0x7f00000000ffffff, 0x338000003f7fffff
	.quad	0x477fe00047800000, 0xc700010047fff000	/* 65536 65504 131040 -32769 */

	.bss
	.balign	16
	.space	64			/* room for negative pre-index forms */
buffer:	.space	128
	.space	64
dump:	.space	64
	.balign	16
	.space	4096
stack_top:
