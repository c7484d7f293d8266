/* SPDX-License-Identifier: MIT */
/*
 * Hypercall continuations on arm64. HVC is taken with ELR_EL2 pointing at
 * the next instruction (Arm ARM D1.10.1, preferred return address of an
 * exception-generating instruction); stepping it back by one instruction
 * makes the vCPU issue the same HVC again, with the arguments this writes
 * into its saved x0..x4. x16 (the hypercall number) stays as it is.
 */
#include <arch/sysreg.h>
#include <sable/domain.h>
#include <sable/hypercall.h>
#include <sable/log.h>

#include "arm64.h"

#define ISR_F (1UL << 6)
#define ISR_I (1UL << 7)
#define A64_INSN_SIZE 4

void arch_hypercall_continue(struct vcpu *v, const uint64_t args[5])
{
	struct cpu_regs *regs = arch_stack_frame();

	/* Only the vCPU that trapped has its registers in the frame. */
	if (v != current_vcpu()) {
		pr_err("continuation for d%u v%u, which is not running here\n",
		       v->dom->id, v->id);
		return;
	}
	for (unsigned int i = 0; i < 5; i++) {
		regs->x[i] = args[i];
	}
	regs->elr -= A64_INSN_SIZE;
}

/*
 * ISR_EL1 read at EL2 shows the physical IRQ and FIQ lines (Arm ARM,
 * ISR_EL1), which are masked while EL2 runs a hypercall.
 */
bool arch_irq_pending(void)
{
	return (read_sysreg(isr_el1) & (ISR_I | ISR_F)) != 0;
}
