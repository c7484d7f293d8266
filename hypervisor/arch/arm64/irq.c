/* SPDX-License-Identifier: MIT */
/* Physical interrupts taken at EL2 (ICC_CTLR_EL1.EOImode = 1). */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/percpu.h>

#include "../../core/console.h"
#include "arm64.h"
#include "trap.h"

void irq_handle(uint32_t intid)
{
	struct pcpu *c = this_cpu();

	switch (intid) {
	case GIC_SGI_RESCHED:
		c->resched = true;
		break;
	case GIC_PPI_HYPTIMER:
		timer_cancel();
		timer_expire_parked();
		c->resched = true;
		break;
	case GIC_PPI_MAINT:
		/* Underflow: the entry path refills the list registers. */
		vgic_arch_maintenance();
		if (c->loaded) {
			vgic_arch_exit(c->loaded);
		}
		break;
	default:
		if (intid == 32 + uart_spi) {
			console_uart_irq();
			break;
		}
		if (vgic_arch_forward(intid)) {
			return; /* deactivated by the guest (HW bit) */
		}
		break;
	}
	gic_deactivate(intid);
}

void trap_exit_check(struct vcpu *v)
{
	struct pcpu *c = this_cpu();

	if (!v) {
		return;
	}
	if (c->resched) {
		c->resched = false;
		sched_preempt_current();
	}
	/* Back to the guest: no domain pointer is held past this point. */
	domain_quiescent();
	vgic_arch_enter(v);
}
