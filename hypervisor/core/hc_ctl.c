/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's control hypercall (public/sable_ctl.h): decoded and
 * checked whole (caller, version, command, padding) before anything is
 * read or changed; answered by copying the whole structure back.
 */
#include <public/sable_ctl.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/guest_access.h>
#include <sable/hypercall.h>
#include <sable/lib.h>

static uint32_t domain_flags(struct domain *d)
{
	uint32_t f = d->privileged ? SABLE_DOMINF_privileged : 0;
	bool all_blocked = true;

	if (d->is_shutdown) {
		f |= SABLE_DOMINF_shutdown;
	}
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		enum vcpu_state s =
			__atomic_load_n(&d->vcpus[i]->state, __ATOMIC_RELAXED);

		if (s == VCPU_RUNNING) {
			f |= SABLE_DOMINF_running;
		}
		if (s == VCPU_RUNNING || s == VCPU_RUNNABLE) {
			all_blocked = false;
		}
	}
	if (all_blocked && !d->is_shutdown) {
		f |= SABLE_DOMINF_blocked;
	}
	return f;
}

static long ctl_domain_info(struct sable_ctl *c)
{
	struct sable_ctl_domain_info *info = &c->u.info;

	for (uint32_t id = c->domid; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_lookup((domid_t)id);

		if (!d) {
			continue;
		}
		memset(info, 0, sizeof(*info));
		info->domid = id;
		info->flags = domain_flags(d);
		info->shutdown_reason = d->is_shutdown ? d->shutdown_reason : 0;
		info->nr_vcpus = d->nr_vcpus;
		info->mem_kib = d->ram_size >> 10;
		snprintf(info->name, sizeof(info->name), "%s", d->name);
		return 0;
	}
	return -ESRCH;
}

long do_sable_ctl(struct vcpu *v, const uint64_t args[5])
{
	struct sable_ctl c;
	long rc;

	if (!v->dom->privileged) {
		return -EPERM;
	}
	if (copy_from_guest(&c, args[0], sizeof(c))) {
		return -EFAULT;
	}
	if (c.version != SABLE_CTL_VERSION) {
		return -EACCES;
	}
	if (c.pad != 0) {
		return -EINVAL;
	}
	switch (c.cmd) {
	case SABLE_CTL_domain_info:
		rc = ctl_domain_info(&c);
		break;
	default:
		return -ENOSYS;
	}
	if (!rc && copy_to_guest(args[0], &c, sizeof(c))) {
		return -EFAULT;
	}
	return rc;
}
