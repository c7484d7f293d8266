/* SPDX-License-Identifier: MIT */
/* Trapped system-register accesses (EC 0x18). */
#include <sable/domain.h>
#include <sable/log.h>

#include "arm64.h"
#include "trap.h"

void sysreg_guest_trap(struct vcpu *v, struct cpu_regs *regs, uint64_t esr)
{
	pr_guest("d%u v%u: trapped system register access (ISS 0x%lx)\n",
		 v->dom->id, v->id, (unsigned long)(esr & 0x1ffffff));
	inject_undef(regs);
}
