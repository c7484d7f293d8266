/* SPDX-License-Identifier: MIT */
/*
 * PSCI and SMCCC calls from guests (HVC #0, or SMC), handled by the
 * portable vPSCI model (hypervisor/vdev/vpsci.c).
 */
#include <sable/domain.h>
#include <sable/vpsci.h>

#include "arm64.h"
#include "trap.h"

void psci_guest_call(struct vcpu *v, struct cpu_regs *regs)
{
	uint64_t args[4] = { regs->x[0], regs->x[1], regs->x[2], regs->x[3] };
	int action = vpsci_handle(v->dom, v->dom->nr_vcpus, v->id, args);

	regs->x[0] = args[0];
	switch (action) {
	case VPSCI_WFI:
		sched_block_current();
		break;
	case VPSCI_STOPPED:
		if (v->dom->is_shutdown) {
			sched_pause_current();
		} else {
			vcpu_arch_unload(v);
			sched_pause_current_offline();
		}
		break;
	default:
		break;
	}
}
