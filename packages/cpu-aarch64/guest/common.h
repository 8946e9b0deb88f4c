/* Test conventions of the cpu-aarch64 guest programs.
 * A test device at TEST_BASE (defined by the test harness): a 32-bit write to +0 ends the run
 * with that exit code (0 = pass, otherwise the number of the failing check); +4 prints a byte. */
#define TEST_BASE 0x0b000000

.macro check reg, val, id
	ldr	x27, =\val
	cmp	\reg, x27
	b.eq	1f
	mov	x0, #\id
	b	fail
1:
.endm

.macro checkw reg, val, id
	ldr	w27, =\val
	cmp	\reg, w27
	b.eq	1f
	mov	x0, #\id
	b	fail
1:
.endm

/* Check NZCV equals \flags (a 4-bit value). */
.macro checkflags flags, id
	mrs	x26, nzcv
	lsr	x26, x26, #28
	cmp	x26, #\flags
	b.eq	1f
	mov	x0, #\id
	b	fail
1:
.endm
