/* SPDX-License-Identifier: MIT */
/*
 * Sable entry. The image carries an arm64 Linux Image header so that boot
 * loaders (and QEMU's -kernel) load it like a kernel: entered at EL2 with
 * the MMU off and x0 = physical address of the device tree.
 *
 * The image is linked at 0 as a position-independent executable and
 * applies its own R_AARCH64_RELATIVE relocations before touching C.
 */

#define R_AARCH64_RELATIVE 1027
#define STACK_SIZE 16384

	.section .text.head, "ax"
	.global _start
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	_image_size		/* image_size */
	.quad	0xa			/* flags: LE, 4K, anywhere */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

primary_entry:
	mov	x19, x0			/* DTB */
	msr	daifset, #0xf

	/* Relocate: delta = where we run - where we were linked (0). */
	adr	x20, _start
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #16	/* r_offset, r_info */
	ldr	x5, [x1], #8		/* r_addend */
	cmp	x4, #R_AARCH64_RELATIVE
	b.ne	1b
	add	x5, x5, x20
	str	x5, [x3, x20]
	b	1b
2:
	/* Clear BSS. */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
3:	cmp	x1, x2
	b.hs	4f
	str	xzr, [x1], #8
	b	3b
4:
	/* Boot stack: top of CPU 0's stack. */
	adrp	x1, pcpu_stacks
	add	x1, x1, :lo12:pcpu_stacks
	add	sp, x1, #STACK_SIZE
	bl	arch_cpu_early_init
	mov	x0, x19
	mov	x1, x20
	bl	arch_boot_primary
5:	wfi
	b	5b

/*
 * Secondary CPUs arrive here through PSCI CPU_ON with x0 = logical CPU
 * index, MMU off.
 */
	.global secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	adrp	x1, pcpu_stacks
	add	x1, x1, :lo12:pcpu_stacks
	add	x2, x0, #1
	mov	x3, #STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	bl	arch_cpu_early_init
	mov	x0, x19
	bl	arch_boot_secondary
6:	wfi
	b	6b
