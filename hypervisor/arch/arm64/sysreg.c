/* SPDX-License-Identifier: MIT */
/*
 * Trapped system-register accesses (EC 0x18, ISS: Op0 [21:20], Op2 [19:17],
 * Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], direction [0]).
 * ICC_SGI1R_EL1 goes to the vGIC; set/way cache maintenance (HCR_EL2.TSW) is
 * done by the hypervisor's own clean when it matters and ignored here;
 * ACTLR_EL1 (HCR_EL2.TACR) reads as zero. ID registers (HCR_EL2.TID3)
 * read as cpufeature.c shows them, debug registers are emulated per vCPU
 * (vdebug.c), RAS error records (HCR_EL2.TERR) read as zero: no records.
 * Anything else (PMU, AMU, SPE, trace, LOR, ...) is UNDEFINED, as those
 * features are hidden. See docs/cpu-state.md.
 */
#include <sable/domain.h>
#include <sable/log.h>

#include "arm64.h"
#include "cpu_state.h"
#include "trap.h"

#define ISS_RT(iss) ((unsigned int)(((iss) >> 5) & 31))
#define ISS_OP0(iss) ((unsigned int)(((iss) >> 20) & 3))
#define ISS_OP2(iss) ((unsigned int)(((iss) >> 17) & 7))
#define ISS_OP1(iss) ((unsigned int)(((iss) >> 14) & 7))
#define ISS_CRN(iss) ((unsigned int)(((iss) >> 10) & 15))
#define ISS_CRM(iss) ((unsigned int)(((iss) >> 1) & 15))
#define ISS_SYSREG_MASK 0x3ffc1eUL /* Op0, Op2, Op1, CRn, CRm */
#define SYSREG(op0, op1, crn, crm, op2)                      \
	(((uint64_t)(op0) << 20) | ((uint64_t)(op2) << 17) | \
	 ((uint64_t)(op1) << 14) | ((uint64_t)(crn) << 10) | \
	 ((uint64_t)(crm) << 1))

void sysreg_guest_trap(struct vcpu *v, struct cpu_regs *regs, uint64_t esr)
{
	uint64_t iss = esr & 0x1ffffff;
	unsigned int rt = ISS_RT(iss);
	uint64_t val = rt == 31 ? 0 : regs->x[rt];
	uint64_t reg = iss & ISS_SYSREG_MASK;
	bool is_read = iss & 1;

	if (vgic_arch_sysreg(v, iss, val)) {
		regs->elr += 4;
		return;
	}
	if (reg == SYSREG(1, 0, 7, 6, 2) || reg == SYSREG(1, 0, 7, 10, 2) ||
	    reg == SYSREG(1, 0, 7, 14, 2)) {
		regs->elr += 4; /* DC ISW / CSW / CISW */
		return;
	}
	if (ISS_OP0(iss) == 2 && vdebug_sysreg(v, regs, iss)) {
		return;
	}
	if (ISS_OP0(iss) == 3 && ISS_OP1(iss) == 0 && ISS_CRN(iss) == 0 &&
	    ISS_CRM(iss) >= 1 && ISS_CRM(iss) <= 7 && is_read) {
		if (rt != 31) {
			regs->x[rt] = cpufeat_guest_id_reg(ISS_CRM(iss),
							   ISS_OP2(iss));
		}
		regs->elr += 4;
		return;
	}
	if (reg == SYSREG(3, 0, 1, 0, 1) || /* ACTLR_EL1 */
	    (cpu_caps.ras && ISS_OP0(iss) == 3 && ISS_OP1(iss) == 0 &&
	     ISS_CRN(iss) == 5 && ISS_CRM(iss) >= 3 && ISS_CRM(iss) <= 5)) {
		if (is_read && rt != 31) {
			regs->x[rt] = 0;
		}
		regs->elr += 4;
		return;
	}
	pr_guest(v->dom->id,
		 "d%u v%u: trapped system register access (ISS 0x%lx)\n",
		 v->dom->id, v->id, (unsigned long)iss);
	inject_undef(regs);
}
