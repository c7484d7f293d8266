/* SPDX-License-Identifier: MIT */
/*
 * Entry of Sable's bare-metal test guests: an arm64 Image header (so Sable
 * and Xen load them like a Linux kernel), self-relocation (linked at 0,
 * position independent), BSS clearing, a stack, then guest_main(dtb).
 * Runs at EL1 with the MMU off.
 */
#define R_AARCH64_RELATIVE 1027

	.section .text.head, "ax"
	.global _start
_start:
	b	entry
	.long	0
	.quad	0			/* text_offset */
	.quad	_image_size
	.quad	0xa			/* LE, 4K, anywhere */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

entry:
	mov	x19, x0			/* DTB */
	adr	x20, _start
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #16
	ldr	x5, [x1], #8
	cmp	x4, #R_AARCH64_RELATIVE
	b.ne	1b
	add	x5, x5, x20
	str	x5, [x3, x20]
	b	1b
2:	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
3:	cmp	x1, x2
	b.hs	4f
	str	xzr, [x1], #8
	b	3b
4:	adrp	x1, guest_stack_top
	add	x1, x1, :lo12:guest_stack_top
	mov	sp, x1
	adrp	x1, guest_vectors
	add	x1, x1, :lo12:guest_vectors
	msr	vbar_el1, x1
	/* FP/SIMD on at EL1 (CPACR_EL1.FPEN = 0b11). */
	mov	x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb
	mov	x0, x19
	bl	guest_start
5:	wfi
	b	5b

/*
 * Exceptions: IRQs go to guest_irq (gic.c) and return to the interrupted
 * instruction; everything else is recorded by guest_exception, which
 * returns past the faulting instruction.
 */
	.macro	gvec handler
	.balign	0x80
	sub	sp, sp, #256
	stp	x0, x1, [sp]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
	bl	\handler
	ldp	x0, x1, [sp]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x30, [sp, #144]
	add	sp, sp, #256
	eret
	.endm

	/* Four groups (EL1t, EL1h, lower EL64, lower EL32) of sync, IRQ,
	 * FIQ, SError. */
	.text
	.balign	0x800
guest_vectors:
	.rept	4
	gvec	guest_exception
	gvec	guest_irq
	gvec	guest_exception
	gvec	guest_exception
	.endr

	.bss
	.balign	16
guest_stack:
	.space	65536
guest_stack_top:
