/* SPDX-License-Identifier: MIT */
/*
 * The EL2 physical timer (CNTHP_*_EL2, PPI 26), the hypervisor's own time
 * source for scheduling and for waking blocked vCPUs.
 */
#include <stdint.h>

#include <arch/sysreg.h>
#include <sable/arch.h>

#include "arm64.h"

#define CNT_CTL_ENABLE (1UL << 0)
#define CNT_CTL_IMASK (1UL << 1)

uint64_t arch_counter(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

uint64_t arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

void timer_cpu_init(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	/*
	 * EL1 may read the physical counter; the EL1 physical timer is
	 * not given to guests (they use the virtual timer).
	 */
	write_sysreg(cnthctl_el2, 1UL << 0);
	write_sysreg(cntvoff_el2, 0);
	gic_enable_irq(GIC_PPI_HYPTIMER, 0);
	gic_enable_irq(GIC_PPI_VTIMER, 0);
	gic_enable_irq(GIC_PPI_MAINT, 0);
}

void timer_set_deadline(uint64_t cval)
{
	write_sysreg(cnthp_cval_el2, cval);
	write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
}

void timer_cancel(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}
