/* SPDX-License-Identifier: MIT */
/*
 * The hypercall table. Indexed only after a range check; a hole is
 * -ENOSYS, as Xen answers unknown hypercalls. Also the pieces of a long
 * hypercall: its budget and its continuation.
 */
#include <public/sable_ctl.h>
#include <public/xen.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/hypercall.h>
#include <sable/percpu.h>

static const hypercall_fn hypercall_table[NR_HYPERCALLS] = {
	[__HYPERVISOR_xen_version] = do_xen_version,
	[__HYPERVISOR_console_io] = do_console_io,
	[__HYPERVISOR_sched_op] = do_sched_op,
	[__HYPERVISOR_memory_op] = do_memory_op,
	[__HYPERVISOR_vcpu_op] = do_vcpu_op,
	[__HYPERVISOR_hvm_op] = do_hvm_op,
	[__HYPERVISOR_vm_assist] = do_vm_assist,
	[__HYPERVISOR_platform_op] = do_platform_op,
	[__HYPERVISOR_physdev_op] = do_physdev_op,
	[__HYPERVISOR_event_channel_op] = do_event_channel_op,
	[__HYPERVISOR_grant_table_op] = do_grant_table_op,
	[__HYPERVISOR_sable_ctl] = do_sable_ctl,
};

long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[5])
{
	if (nr >= NR_HYPERCALLS || !hypercall_table[nr]) {
		return -ENOSYS;
	}
	return hypercall_table[nr](v, args);
}

/* ---- continuations ------------------------------------------------------ */

void hypercall_budget_start(struct hypercall_budget *b)
{
	uint64_t ticks = arch_counter_freq() / 1000000U * HYPERCALL_SLICE_US;

	b->deadline = arch_counter() + ticks;
}

bool hypercall_preempt_check(const struct hypercall_budget *b)
{
	return arch_irq_pending() || this_cpu()->resched ||
	       arch_counter() >= b->deadline;
}

bool hypercall_preempt_cb(void *budget)
{
	return hypercall_preempt_check(budget);
}

long hypercall_continue(struct vcpu *v, const uint64_t args[5])
{
	arch_hypercall_continue(v, args);
	/* The caller stores the result in x0: keep it the new first argument. */
	return (long)args[0];
}
