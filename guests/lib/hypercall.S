/* SPDX-License-Identifier: MIT */
/* Xen hypercalls: number in x16, args x0..x4, HVC #0xEA1, result x0. */
	.text
	.global	xen_hypercall
/* long xen_hypercall(unsigned long nr, a0, a1, a2, a3, a4) */
xen_hypercall:
	mov	x16, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	mov	x4, x5
	hvc	#0xea1
	ret

	.global	smccc_hvc
/* long smccc_hvc(fn, a1, a2, a3): PSCI/SMCCC over HVC #0 */
smccc_hvc:
	hvc	#0
	ret

	.global	raw_hvc_imm1
/* HVC with an immediate that is neither 0 nor 0xEA1 */
raw_hvc_imm1:
	hvc	#1
	nop			/* the UNDEF handler may return here or past it */
	ret
