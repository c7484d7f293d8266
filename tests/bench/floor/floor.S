/* SPDX-License-Identifier: MIT */
/*
 * The floor of the trap benchmark: the least an EL2 handler can cost
 * under this QEMU. Booted by QEMU at EL2 in place of a hypervisor, it
 * maps RAM 1:1 in stage 2 (the first GiB, with every device, is left
 * unmapped), enters the guest loaded at GUEST_ENTRY at EL1 with the
 * device tree QEMU gave it, and then answers each trap with the least
 * work that keeps the guest going:
 *
 *   HVC            x0 = 0, with two registers saved to read ESR_EL2
 *                  (console_io write, bytes to the PL011, and sched_op
 *                  shutdown, PSCI SYSTEM_OFF, take the slow path below:
 *                  the guest needs them to report)
 *   data abort     all general registers saved; a read returns 0 in its register, a write is
 *                  dropped (but a byte for the PL011's data register
 *                  is written to it: the guest may print there);
 *                  ELR_EL2 moves past the instruction
 *
 * Nothing else: no vGIC, no scheduler, no accounting. Whatever a
 * hypervisor costs above this is its own (docs/benchmarks.md).
 */
#define GUEST_ENTRY 0x50000000	/* tests/system/scenarios.py KERNEL_ADDR */
#define UART_DR 0x09000000	/* QEMU virt PL011 */
#define EC_HVC64 0x16
#define EC_DABT_LOW 0x24
#define HC_CONSOLE_IO 18
#define HC_SCHED_OP 29
#define FRAME 256

	.text
	.global	_start
_start:
	b	entry
	.long	0
	.quad	0			/* text_offset */
	.quad	image_end - _start
	.quad	0xa			/* LE, 4K pages, anywhere */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

entry:
	mov	x19, x0			/* the device tree, for the guest */
	adr	x1, stack_top
	mov	sp, x1
	adr	x1, vectors
	msr	vbar_el2, x1
	/* 4 KiB granule, 32-bit IPA, walk from level 1, inner shareable WB */
	ldr	x1, =0x80003560
	msr	vtcr_el2, x1
	adr	x1, s2_l1
	msr	vttbr_el2, x1
	mov	x1, #3			/* EL1 counters, no timer traps */
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	ldr	x1, =0x30d00800		/* SCTLR_EL1: RES1 bits, MMU off */
	msr	sctlr_el1, x1
	ldr	x1, =(1 << 31) | 1	/* HCR_EL2: RW (AArch64 EL1), VM */
	msr	hcr_el2, x1
	isb
	tlbi	vmalls12e1
	dsb	sy
	isb
	mov	x1, #0x3c5		/* EL1h, DAIF masked */
	msr	spsr_el2, x1
	ldr	x1, =GUEST_ENTRY
	msr	elr_el2, x1
	mov	x0, x19
	mov	x19, xzr
	eret

/* Block descriptors: Normal WB, read/write, inner shareable, AF. */
	.balign	4096
s2_l1:
	.quad	0
	.quad	0x40000000 | 0x7fd
	.quad	0x80000000 | 0x7fd
	.quad	0xc0000000 | 0x7fd

	.balign	0x800
vectors:
	.rept	8			/* anything taken from EL2: stop */
	.balign	0x80
	b	.
	.endr
	.balign	0x80			/* lower EL, AArch64, synchronous */
	b	lower_sync
	.rept	7
	.balign	0x80
	b	.
	.endr

lower_sync:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, esr_el2
	lsr	x1, x0, #26
	cmp	x1, #EC_HVC64
	b.ne	1f
	cmp	x16, #HC_CONSOLE_IO
	b.eq	1f
	cmp	x16, #HC_SCHED_OP
	b.eq	1f
	ldr	x1, [sp, #8]
	add	sp, sp, #16
	mov	x0, xzr
	eret
1:	ldp	x0, x1, [sp], #16
	sub	sp, sp, #FRAME
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
	str	x30, [sp, #16 * 15]
	mrs	x0, esr_el2
	lsr	x1, x0, #26
	cmp	x1, #EC_HVC64
	b.eq	hvc
	cmp	x1, #EC_DABT_LOW
	b.eq	dabt
	b	restore

hvc:
	ldr	x16, [sp, #8 * 16]
	cmp	x16, #HC_CONSOLE_IO
	b.eq	console_io
	cmp	x16, #HC_SCHED_OP
	b.eq	shutdown
	str	xzr, [sp]
	b	restore

/* console_io(CONSOLEIO_write = 0, len, buf): the guest's MMU is off. */
console_io:
	ldp	x1, x2, [sp, #8]
	ldr	x3, =UART_DR
	mov	x4, x1
1:	cbz	x4, 2f
	ldrb	w5, [x2], #1
	str	w5, [x3]
	sub	x4, x4, #1
	b	1b
2:	str	x1, [sp]
	b	restore

shutdown:
	ldr	x0, =0x84000008		/* PSCI SYSTEM_OFF */
	smc	#0
	b	.

dabt:
	ubfx	x1, x0, #16, #5		/* SRT */
	tbnz	x0, #6, 2f		/* WnR: a write */
	cmp	x1, #31
	b.eq	1f
	str	xzr, [sp, x1, lsl #3]
	b	1f
2:	mrs	x2, far_el2		/* the guest's MMU is off: VA = IPA */
	ldr	x3, =UART_DR
	cmp	x2, x3
	b.ne	1f
	mov	x2, xzr
	cmp	x1, #31
	b.eq	3f
	ldr	x2, [sp, x1, lsl #3]
3:	str	w2, [x3]
1:	mrs	x1, elr_el2
	add	x1, x1, #4
	msr	elr_el2, x1

restore:
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
	add	sp, sp, #FRAME
	eret

	.ltorg
	.balign	16
	.space	4096
stack_top:
image_end:
