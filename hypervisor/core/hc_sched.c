/* SPDX-License-Identifier: MIT */
/* sched_op: yield, block, shutdown, shutdown_code, remote_shutdown. */
#include <public/sched.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/guest_access.h>
#include <sable/hypercall.h>

static long sched_shutdown_op(struct vcpu *v, uint64_t gva)
{
	struct sched_shutdown s;

	if (copy_from_guest(&s, gva, sizeof(s))) {
		return -EFAULT;
	}
	if (s.reason > SHUTDOWN_soft_reset) {
		return -EINVAL;
	}
	domain_shutdown(v->dom, s.reason);
	/* dom0 or the last domain never gets here: the machine stopped. */
	sched_pause_current();
	return 0;
}

static long sched_remote_shutdown_op(struct vcpu *v, uint64_t gva)
{
	struct sched_remote_shutdown s;
	struct domain *d;

	if (copy_from_guest(&s, gva, sizeof(s))) {
		return -EFAULT;
	}
	if (!v->dom->privileged) {
		return -EPERM;
	}
	if (s.reason > SHUTDOWN_soft_reset) {
		return -EINVAL;
	}
	d = domain_lookup(s.domain_id);
	if (!d) {
		return -ESRCH;
	}
	domain_shutdown(d, s.reason);
	return 0;
}

long do_sched_op(struct vcpu *v, const uint64_t args[5])
{
	switch (args[0]) {
	case SCHEDOP_yield:
		sched_yield_current();
		return 0;
	case SCHEDOP_block:
		sched_block_current();
		return 0;
	case SCHEDOP_shutdown:
		return sched_shutdown_op(v, args[1]);
	case SCHEDOP_shutdown_code: {
		struct sched_shutdown s;

		if (copy_from_guest(&s, args[1], sizeof(s))) {
			return -EFAULT;
		}
		v->dom->shutdown_code = (int)s.reason;
		return 0;
	}
	case SCHEDOP_remote_shutdown:
		return sched_remote_shutdown_op(v, args[1]);
	default:
		return -ENOSYS;
	}
}
