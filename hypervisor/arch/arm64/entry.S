/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors (Arm ARM D1.10.2). Every entry saves the general
 * registers, ELR_EL2 and SPSR_EL2 into a struct cpu_regs on the EL2 stack
 * and calls C; traps from the guest return through exit_to_guest.
 */
#include <arch/regs.h>

	.macro	save_frame
	sub	sp, sp, #CPU_REGS_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x30, xzr, [sp, #16 * 15]
	stp	x0, x1, [sp, #CPU_REGS_ELR]
	.endm

	.macro	vector handler
	.balign	0x80
	save_frame
	mov	x0, sp
	bl	\handler
	b	exit_to_guest
	.endm

	.macro	bad_vector type
	.balign	0x80
	save_frame
	mov	x0, sp
	mov	x1, #\type
	bl	trap_unexpected
	b	.
	.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global	el2_vectors
el2_vectors:
	bad_vector 0		/* current EL, SP_EL0: sync */
	bad_vector 1		/* irq */
	bad_vector 2		/* fiq */
	bad_vector 3		/* serror */
	bad_vector 4		/* current EL, SP_ELx: sync */
	vector	trap_el2_irq	/* irq while in EL2 (idle loop) */
	bad_vector 6		/* fiq */

	/*
	 * SError at EL2. Taken inside serror_window it is one the last guest
	 * left pending (serror.c): serror_window returns 1. Anywhere else it
	 * is the hypervisor's own, and fatal.
	 */
	.balign	0x80
	stp	x1, x2, [sp, #-16]!
	mrs	x1, elr_el2
	adr	x2, serror_window_start
	cmp	x1, x2
	b.lo	1f
	adr	x2, serror_window_end
	cmp	x1, x2
	b.hi	1f
	mov	x0, #1
	ldp	x1, x2, [sp], #16
	eret
1:	ldp	x1, x2, [sp], #16
	b	el2_serror_fatal

	vector	trap_guest_sync	/* lower EL AArch64: sync */
	vector	trap_guest_irq	/* irq */
	bad_vector 10		/* fiq */
	vector	trap_guest_serror /* serror */
	bad_vector 12		/* lower EL AArch32 */
	bad_vector 13
	bad_vector 14
	bad_vector 15

/*
 * Restore the frame at sp and eret. Also used to enter a vCPU for the
 * first time: the caller builds a frame and jumps here with sp at it.
 */
	.text
	.global	exit_to_guest
exit_to_guest:
	ldp	x0, x1, [sp, #CPU_REGS_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #CPU_REGS_SIZE
	eret
	dsb	nsh
	isb

el2_serror_fatal:
	save_frame
	mov	x0, sp
	mov	x1, #7
	bl	trap_unexpected
	b	.

/*
 * uint64_t serror_window(void): unmask SErrors for one ISB (Arm ARM
 * D1.15.3: a pending SError is taken at the latest at the context
 * synchronisation after the unmask). Returns 1 if one was taken.
 */
	.global	serror_window
serror_window:
	mov	x0, #0
	dsb	sy
	msr	daifclr, #4
serror_window_start:
	isb
serror_window_end:
	msr	daifset, #4
	ret

/* void arch_sched_restart(struct cpu_regs *frame): sched_run below frame. */
	.global	arch_sched_restart
arch_sched_restart:
	mov	sp, x0
	bl	sched_run
	b	.

/* void arch_enter_frame(struct cpu_regs *frame): switch sp to frame, eret. */
	.global	arch_enter_frame
arch_enter_frame:
	mov	sp, x0
	b	exit_to_guest
