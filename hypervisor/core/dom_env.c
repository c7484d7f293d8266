/* SPDX-License-Identifier: MIT */
/*
 * The environment hooks of the portable modules (evtchn/, grant-tables/,
 * the device models), implemented on top of domains, the p2m and the
 * scheduler.
 */
#include <evtchn_env.h>
#include <gnttab_env.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/vdev_env.h>
#include <sable/vpsci.h>

#include "dom0.h"

#define container_of(p, type, member) \
	((type *)((char *)(p) - __builtin_offsetof(type, member)))

static struct domain *ev_dom(struct evtchn_domain *e)
{
	return container_of(e, struct domain, evtchn);
}

static struct domain *gt_dom(struct gnttab_domain *g)
{
	return container_of(g, struct domain, gnttab);
}

static struct domain *vg_dom(struct vgic *g)
{
	return container_of(g, struct domain, vgic);
}

/* ---- event channels ------------------------------------------------------ */

struct evtchn_domain *evtchn_env_domain_get(domid_t id)
{
	struct domain *d = domain_lookup(id);

	return d ? &d->evtchn : NULL;
}

void evtchn_env_domain_put(struct evtchn_domain *d)
{
	(void)d;
}

/* An upcall became pending: raise the event PPI (level) on that vCPU. */
void evtchn_env_kick_vcpu(struct evtchn_domain *e, unsigned int vcpu)
{
	struct domain *d = ev_dom(e);

	if (vcpu < d->nr_vcpus) {
		d->vcpus[vcpu]->upcall_line = true;
		vgic_inject(&d->vgic, vcpu, EVTCHN_UPCALL_INTID, true);
	}
}

/* A port went pending while the vCPU polled: wake it, no interrupt. */
void evtchn_env_wake_poller(struct evtchn_domain *e, unsigned int vcpu)
{
	struct domain *d = ev_dom(e);

	if (vcpu < d->nr_vcpus) {
		sched_wake(d->vcpus[vcpu]);
	}
}

/* Guest frames are reached through the identity map once translated. */
static void *gfn_to_va(struct domain *d, uint64_t gfn, bool writable)
{
	paddr_t pa;
	enum p2m_type t;

	if (domain_gfn_lookup(d, gfn, &pa, &t) || t == p2m_mmio ||
	    (writable && (t == p2m_ram_ro || t == p2m_grant_ro))) {
		return NULL;
	}
	return (void *)(uintptr_t)pa.pa;
}

void *evtchn_env_map_gfn(struct evtchn_domain *e, uint64_t gfn)
{
	return gfn_to_va(ev_dom(e), gfn, true);
}

void evtchn_env_unmap_gfn(struct evtchn_domain *e, void *va)
{
	(void)e;
	(void)va;
}

/* ---- grant tables -------------------------------------------------------- */

struct gnttab_domain *gnttab_env_domain_get(domid_t id)
{
	struct domain *d = domain_lookup(id);

	return d ? &d->gnttab : NULL;
}

void gnttab_env_domain_put(struct gnttab_domain *g)
{
	(void)g;
}

/*
 * Page references: RAM of a domain is not freed while the domain exists,
 * and domain destruction waits for foreign mappings (grant-tables/ keeps
 * the granter's state until the last unmap), so a reference is a check.
 */
int gnttab_env_get_page(struct gnttab_domain *owner, gfn_t gfn, bool writable,
			mfn_t *mfn)
{
	void *va = gfn_to_va(gt_dom(owner), gfn.gfn, writable);

	if (!va) {
		return -EINVAL;
	}
	*mfn = pa_to_mfn(pa_init((uint64_t)(uintptr_t)va));
	return 0;
}

int gnttab_env_get_owned_page(struct gnttab_domain *g, mfn_t mfn)
{
	(void)g;
	(void)mfn;
	return 0;
}

void gnttab_env_put_page(mfn_t mfn)
{
	(void)mfn;
}

int gnttab_env_p2m_map(struct gnttab_domain *mapper, ipaddr_t ipa, mfn_t mfn,
		       bool readonly)
{
	struct domain *d = gt_dom(mapper);
	int rc;

	spin_lock(&d->p2m.lock);
	rc = p2m_map(&d->p2m, ipa, mfn_to_pa(mfn), PAGE_SIZE,
		     readonly ? p2m_grant_ro : p2m_grant_rw);
	spin_unlock(&d->p2m.lock);
	return rc;
}

int gnttab_env_p2m_unmap(struct gnttab_domain *mapper, ipaddr_t ipa, mfn_t mfn)
{
	struct domain *d = gt_dom(mapper);
	paddr_t pa;
	int rc;

	spin_lock(&d->p2m.lock);
	rc = p2m_lookup(&d->p2m, ipa, &pa, NULL);
	if (!rc && (pa.pa & PAGE_MASK) != mfn_to_pa(mfn).pa) {
		rc = -EINVAL;
	}
	if (!rc) {
		rc = p2m_unmap(&d->p2m, ipa, PAGE_SIZE);
	}
	spin_unlock(&d->p2m.lock);
	return rc;
}

void *gnttab_env_map_frame(mfn_t mfn)
{
	return (void *)(uintptr_t)mfn_to_pa(mfn).pa;
}

void gnttab_env_unmap_frame(void *va)
{
	(void)va;
}

int gnttab_env_cache_flush(mfn_t mfn, unsigned int offset, unsigned int len,
			   unsigned int op)
{
	(void)op;
	arch_dcache_clean((char *)(uintptr_t)mfn_to_pa(mfn).pa + offset, len);
	return 0;
}

/* ---- device models ------------------------------------------------------- */

void vdev_env_kick_vcpu(struct vgic *g, unsigned int vcpu)
{
	struct domain *d = vg_dom(g);

	if (vcpu < d->nr_vcpus) {
		sched_wake(d->vcpus[vcpu]);
	}
}

void vdev_env_route_hw_spi(struct vgic *g, unsigned int pintid,
			   unsigned int vcpu, bool enable)
{
	(void)g;
	(void)vcpu;
	arch_route_spi(pintid, enable);
}

int vdev_env_vcpu_on(struct domain *d, unsigned int vcpu, uint64_t entry,
		     uint64_t ctx)
{
	struct vcpu *v;

	if (vcpu >= d->nr_vcpus) {
		return -EINVAL;
	}
	v = d->vcpus[vcpu];
	if (v->state != VCPU_OFFLINE) {
		return -EEXIST;
	}
	arch_vcpu_init(v, entry, ctx);
	sched_add_vcpu(v);
	return 0;
}

int vdev_env_vcpu_off(struct domain *d, unsigned int vcpu)
{
	(void)d;
	(void)vcpu;
	return 0; /* the trap handler stops the vCPU (VPSCI_STOPPED) */
}

enum vdev_vcpu_power vdev_env_vcpu_state(struct domain *d, unsigned int vcpu)
{
	if (vcpu >= d->nr_vcpus || d->vcpus[vcpu]->state == VCPU_OFFLINE ||
	    d->vcpus[vcpu]->state == VCPU_PAUSED) {
		return VDEV_VCPU_OFF;
	}
	return VDEV_VCPU_ON;
}

void vdev_env_domain_shutdown(struct domain *d, unsigned int reason)
{
	domain_shutdown(d, reason);
}
