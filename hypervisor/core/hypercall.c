/* SPDX-License-Identifier: MIT */
/*
 * The hypercall table. Indexed only after a range check; a hole is
 * -ENOSYS, as Xen answers unknown hypercalls.
 */
#include <public/sable_ctl.h>
#include <public/xen.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/hypercall.h>

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
