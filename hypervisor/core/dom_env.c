/* SPDX-License-Identifier: MIT */
/*
 * The environment hooks of the portable modules (evtchn/, grant-tables/,
 * the device models), implemented on top of domains, the p2m and the
 * scheduler.
 */
#include <evtchn_env.h>
#include <gnttab_env.h>
#include <sable/alloc.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/page.h>
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

static bool upcall_level(void *arg)
{
	struct vcpu *v = arg;

	return evtchn_vcpu_upcall_pending(&v->dom->evtchn, v->id);
}

void vcpu_sync_upcall(struct vcpu *v)
{
	vgic_sync_line(&v->dom->vgic, v->id, EVTCHN_UPCALL_INTID, upcall_level,
		       v, &v->upcall_line);
}

/*
 * An upcall became pending: the event PPI (level) follows
 * evtchn_upcall_pending, read under the vGIC lock, so that an entry
 * lowering it at the same moment cannot leave it low (and the vCPU deaf
 * to every event) while the flag is set.
 */
void evtchn_env_kick_vcpu(struct evtchn_domain *e, unsigned int vcpu)
{
	struct domain *d = ev_dom(e);

	if (vcpu < d->nr_vcpus) {
		vcpu_sync_upcall(d->vcpus[vcpu]);
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

/*
 * Long-term use of a page of @e's own RAM (FIFO control blocks and event
 * arrays): a typed reference on the frame, dropped by unmap. Grant-mapped,
 * foreign, MMIO and hypervisor pages are refused.
 */
void *evtchn_env_map_gfn(struct evtchn_domain *e, uint64_t gfn)
{
	mfn_t mfn;

	if (physmap_get_ram(ev_dom(e), gfn, true, &mfn)) {
		return NULL;
	}
	return (void *)(uintptr_t)mfn_to_pa(mfn).pa;
}

void evtchn_env_unmap_gfn(struct evtchn_domain *e, void *va)
{
	(void)e;
	page_put(pa_to_mfn(pa_init((uint64_t)(uintptr_t)va)));
}

int evtchn_env_charge(struct evtchn_domain *e, long pages)
{
	return domain_charge(ev_dom(e), pages);
}

/* ---- grant tables -------------------------------------------------------- */

/* A dying domain is no grant peer any more: -ESRCH for its id. */
struct gnttab_domain *gnttab_env_domain_get(domid_t id)
{
	struct domain *d = domain_lookup(id);

	return d && !d->is_dying ? &d->gnttab : NULL;
}

void gnttab_env_domain_put(struct gnttab_domain *g)
{
	(void)g;
}

/* A reference on a frame of @owner's own RAM (sable/page.h). */
int gnttab_env_get_page(struct gnttab_domain *owner, gfn_t gfn, bool writable,
			mfn_t *mfn)
{
	return physmap_get_ram(gt_dom(owner), gfn.gfn, writable, mfn) ? -EINVAL
								      : 0;
}

int gnttab_env_get_owned_page(struct gnttab_domain *g, mfn_t mfn)
{
	return page_get(mfn, g->domid, PGT_ram) ? -EPERM : 0;
}

void gnttab_env_put_page(mfn_t mfn)
{
	page_put(mfn);
}

void *gnttab_env_frame_alloc(struct gnttab_domain *g)
{
	void *page = page_alloc();

	if (page && page_assign(virt_to_pa(page), 1, g->domid, PGT_shared)) {
		page_free(page);
		page = NULL;
	}
	return page;
}

/* The table gives its frame back; a foreign mapping may keep it alive. */
void gnttab_env_frame_free(void *page)
{
	mfn_t mfn = pa_to_mfn(virt_to_pa(page));
	struct page_state s;

	if (page_state(mfn, &s) && s.allocated) {
		page_release(mfn, s.owner);
	}
}

int gnttab_env_charge(struct gnttab_domain *g, long pages)
{
	if (!g) {
		return pages > 0 ? -ENOMEM : 0;
	}
	return domain_charge(gt_dom(g), pages);
}

/* A grant mapping goes where the domain's own RAM or a hole was. */
int gnttab_env_p2m_map(struct gnttab_domain *mapper, ipaddr_t ipa, mfn_t mfn,
		       bool readonly)
{
	if (!IS_ALIGNED(ipa.ipa, PAGE_SIZE)) {
		return -EINVAL;
	}
	return physmap_add(gt_dom(mapper), ipa_to_gfn(ipa).gfn, mfn_to_pa(mfn),
			   readonly ? p2m_grant_ro : p2m_grant_rw);
}

int gnttab_env_p2m_unmap(struct gnttab_domain *mapper, ipaddr_t ipa, mfn_t mfn)
{
	struct domain *d = gt_dom(mapper);
	enum p2m_type t;
	paddr_t pa;
	int rc;

	if (!IS_ALIGNED(ipa.ipa, PAGE_SIZE)) {
		return -EINVAL;
	}
	spin_lock(&d->p2m.lock);
	rc = p2m_lookup(&d->p2m, ipa, &pa, &t);
	if (!rc && ((pa.pa & PAGE_MASK) != mfn_to_pa(mfn).pa ||
		    (t != p2m_grant_rw && t != p2m_grant_ro))) {
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
	if (vcpu >= d->nr_vcpus) {
		return -EINVAL;
	}
	return sched_power_on(d->vcpus[vcpu], entry, ctx);
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
