/* SPDX-License-Identifier: MIT */
/*
 * vcpu_op (register_vcpu_info, runstate area and info, is_up) and
 * the small hypercalls: hvm_op params, vm_assist, platform_op, physdev_op,
 * and the event-channel and grant-table entry points.
 */
#include <public/hvm.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/guest_access.h>
#include <sable/hypercall.h>
#include <sable/page.h>

static long register_vcpu_info(struct vcpu *v, struct vcpu *t, uint64_t gva)
{
	struct vcpu_register_vcpu_info r;
	struct domain *d = v->dom;
	struct vcpu_info *cur;
	mfn_t mfn;
	long rc;

	if (copy_from_guest(&r, gva, sizeof(r))) {
		return -EFAULT;
	}
	if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) || (r.offset & 7)) {
		return -EINVAL;
	}
	/* Early out; evtchn_set_vcpu_info() decides under its lock. */
	cur = evtchn_vcpu_info(&d->evtchn, t->id);
	if (cur && cur != &d->shinfo->vcpu_info[0]) {
		return -EBUSY;
	}
	/* The frame stays referenced for as long as it holds vcpu_info. */
	if (physmap_get_ram(d, r.mfn, true, &mfn)) {
		return -EINVAL;
	}
	/*
	 * This marks an upcall pending; the guest-entry path raises it. Two
	 * vCPUs registering for @t at once: one wins, the other's reference
	 * is dropped here.
	 */
	rc = evtchn_set_vcpu_info(
		&d->evtchn, t->id,
		(struct vcpu_info *)(uintptr_t)(mfn_to_pa(mfn).pa + r.offset));
	if (rc) {
		page_put(mfn);
		return rc;
	}
	t->vcpu_info_mfn = mfn;
	t->vcpu_info_held = true;
	return 0;
}

long do_vcpu_op(struct vcpu *v, const uint64_t args[5])
{
	struct domain *d = v->dom;
	struct vcpu *t;

	if (args[1] >= d->nr_vcpus) {
		return -ENOENT;
	}
	t = d->vcpus[args[1]];
	switch (args[0]) {
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(v, t, args[2]);
	case VCPUOP_register_runstate_memory_area: {
		struct vcpu_register_runstate_memory_area r;

		if (copy_from_guest(&r, args[2], sizeof(r))) {
			return -EFAULT;
		}
		return runstate_register(v, t, r.addr);
	}
	case VCPUOP_get_runstate_info: {
		struct vcpu_runstate_info info;

		runstate_get(t, &info);
		return copy_to_guest(args[2], &info, sizeof(info)) ? -EFAULT
								   : 0;
	}
	case VCPUOP_is_up:
		return t->state != VCPU_OFFLINE;
	default:
		return -ENOSYS;
	}
}

long do_hvm_op(struct vcpu *v, const uint64_t args[5])
{
	struct xen_hvm_param p;
	struct domain *d = v->dom;

	if (args[0] != HVMOP_get_param && args[0] != HVMOP_set_param) {
		return -ENOSYS;
	}
	if (copy_from_guest(&p, args[1], sizeof(p))) {
		return -EFAULT;
	}
	if (p.domid != DOMID_SELF && p.domid != d->id) {
		if (!d->privileged) {
			return -EPERM;
		}
		d = domain_lookup(p.domid);
		if (!d) {
			return -ESRCH;
		}
	}
	if (p.index >= HVM_NR_PARAMS) {
		return -EINVAL;
	}
	if (args[0] == HVMOP_set_param) {
		if (!v->dom->privileged && p.index != HVM_PARAM_CALLBACK_IRQ) {
			return -EPERM;
		}
		d->hvm_params[p.index] = p.value;
		return 0;
	}
	p.value = d->hvm_params[p.index];
	return copy_to_guest(args[1], &p, sizeof(p));
}

/*
 * vm_assist(cmd, type): Arm knows one type, runstate_update_flag
 * (runstate.c). As on Xen, an unknown type is -EINVAL, then an unknown
 * command -ENOSYS.
 */
long do_vm_assist(struct vcpu *v, const uint64_t args[5])
{
	uint64_t bit = 1ULL << VMASST_TYPE_runstate_update_flag;

	if (args[1] != VMASST_TYPE_runstate_update_flag) {
		return -EINVAL;
	}
	switch (args[0]) {
	case VMASST_CMD_enable:
		__atomic_fetch_or(&v->dom->vm_assist, bit, __ATOMIC_RELAXED);
		return 0;
	case VMASST_CMD_disable:
		__atomic_fetch_and(&v->dom->vm_assist, ~bit, __ATOMIC_RELAXED);
		return 0;
	default:
		return -ENOSYS;
	}
}

long do_platform_op(struct vcpu *v, const uint64_t args[5])
{
	(void)args;
	return v->dom->privileged ? 0 : -EPERM;
}

long do_physdev_op(struct vcpu *v, const uint64_t args[5])
{
	(void)v;
	(void)args;
	return -ENOSYS;
}

long do_event_channel_op(struct vcpu *v, const uint64_t args[5])
{
	return evtchn_hypercall(&v->dom->evtchn, v->id, (unsigned int)args[0],
				args[1]);
}

/* A batch runs in pieces: see hypercall_continue(). */
long do_grant_table_op(struct vcpu *v, const uint64_t args[5])
{
	struct hypercall_budget b;
	struct gnttab_progress p = { .preempt = hypercall_preempt_cb,
				     .ctx = &b };
	long rc;

	if (args[2] > 0xffffffffUL) {
		return -EINVAL;
	}
	hypercall_budget_start(&b);
	rc = gnttab_hypercall_preemptible(&v->dom->gnttab,
					  (unsigned int)args[0], args[1],
					  (unsigned int)args[2], &p);
	if (rc == GNTTAB_PREEMPTED) {
		const uint64_t rest[5] = { args[0], p.next_arg, p.left, args[3],
					   args[4] };

		return hypercall_continue(v, rest);
	}
	return rc;
}
