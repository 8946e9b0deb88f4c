/* Generic exception vectors for the guest tests: every synchronous exception records
 * ESR/ELR/FAR in x20/x21/x22 and the level it was taken to in x23, then returns: to x25 if
 * non-zero (x25 is cleared), else past the faulting instruction (SVC/HVC, and SMC taken to
 * EL3, already point past it). SPSR.IL is cleared so an illegal return can be recovered. */
.macro vector_table el
	.align 11
vec\el:
	.rept 4			/* current EL with SP_EL0: unused */
	.align 7
	b	.
	.endr
	.align 7		/* current EL with SP_ELx: synchronous */
	b	handler\el
	.align 7
	b	.
	.align 7
	b	.
	.align 7
	b	.
	.align 7		/* lower EL, AArch64: synchronous */
	b	handler\el
	.align 7
	b	.
	.align 7
	b	.
	.align 7
	b	.
	.rept 4
	.align 7
	b	.
	.endr
handler\el:
	mrs	x20, esr_el\el
	mrs	x21, elr_el\el
	mrs	x22, far_el\el
	mov	x23, #\el
	mrs	x24, spsr_el\el
	bic	x24, x24, #(1 << 20)
	msr	spsr_el\el, x24
	cbz	x25, 2f
	msr	elr_el\el, x25
	mov	x25, #0
	eret
2:	lsr	x24, x20, #26
	cmp	x24, #0x15
	b.eq	3f
	cmp	x24, #0x16
	b.eq	3f
	.if \el == 3
	cmp	x24, #0x17
	b.eq	3f
	.endif
	add	x21, x21, #4
	msr	elr_el\el, x21
3:	eret
.endm

/* Check the last exception: ESR and target level. */
.macro exc esr, level, id
	check	x20, \esr, \id
	check	x23, \level, \id
	mov	x20, #0
	mov	x23, #0
.endm
