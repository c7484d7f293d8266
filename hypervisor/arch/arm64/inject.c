/* SPDX-License-Identifier: MIT */
/*
 * Injecting synchronous exceptions into the current vCPU at EL1 (Arm ARM
 * D1.10.2: vector offsets; D13.2.36 ESR_EL1). The vCPU's EL1 registers are
 * live, so they are written directly.
 */
#include <arch/sysreg.h>

#include "arm64.h"
#include "trap.h"

#define PSR_MODE_MASK 0xfUL
#define PSR_MODE_AARCH32 0x10UL
#define PSR_MODE_EL0T 0x0UL
#define PSR_MODE_EL1T 0x4UL
#define PSR_EL1H_DAIF 0x3c5UL
#define ESR_IL (1UL << 25)
#define FSC_SYNC_EXT_ABORT 0x10UL

static void enter_el1_vector(struct cpu_regs *regs, uint64_t esr, uint64_t far,
			     bool set_far)
{
	uint64_t mode = regs->spsr & PSR_MODE_MASK;
	uint64_t offset;

	if (regs->spsr & PSR_MODE_AARCH32) {
		offset = 0x600; /* lower EL using AArch32 (only EL0 can) */
	} else if (mode == PSR_MODE_EL0T) {
		offset = 0x400;
	} else if (mode == PSR_MODE_EL1T) {
		offset = 0x000;
	} else {
		offset = 0x200;
	}
	write_sysreg(esr_el1, esr);
	if (set_far) {
		write_sysreg(far_el1, far);
	}
	write_sysreg(elr_el1, regs->elr);
	write_sysreg(spsr_el1, regs->spsr);
	regs->elr = read_sysreg(vbar_el1) + offset;
	regs->spsr = PSR_EL1H_DAIF;
}

void inject_undef(struct cpu_regs *regs)
{
	enter_el1_vector(regs, ESR_IL, 0, false);
}

static uint64_t abort_ec(const struct cpu_regs *regs, uint64_t lower,
			 uint64_t same)
{
	return (regs->spsr & PSR_MODE_MASK) == PSR_MODE_EL0T ? lower : same;
}

void inject_dabt(struct cpu_regs *regs, uint64_t far)
{
	uint64_t ec = abort_ec(regs, ESR_EC_DABT_LOW, ESR_EC_DABT_CUR);

	enter_el1_vector(regs,
			 (ec << ESR_EC_SHIFT) | ESR_IL | FSC_SYNC_EXT_ABORT,
			 far, true);
}

void inject_iabt(struct cpu_regs *regs, uint64_t far)
{
	uint64_t ec = abort_ec(regs, ESR_EC_IABT_LOW, ESR_EC_IABT_CUR);

	enter_el1_vector(regs,
			 (ec << ESR_EC_SHIFT) | ESR_IL | FSC_SYNC_EXT_ABORT,
			 far, true);
}
