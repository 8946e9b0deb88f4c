/* Entry of the CPU-bound benchmark: set a stack, run main, power off through PSCI
 * SYSTEM_OFF over HVC (what QEMU virt provides to an EL1 kernel, and what arm-cpu with
 * start-el 1 provides), so the same ELF runs on both. */
	.text
	.globl _start
_start:
	ldr	x0, =__stack_top
	mov	sp, x0
	bl	main
	ldr	x1, =result
	str	x0, [x1]
	ldr	x0, =0x84000008
	hvc	#0
1:	b	1b
	.data
	.globl result
	.align 3
result:	.quad 0
	.bss
	.align 4
	.space 65536
__stack_top:
