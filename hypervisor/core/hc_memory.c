/* SPDX-License-Identifier: MIT */
/*
 * memory_op: placing the shared_info page and grant-table frames in the
 * guest's physical map (add_to_physmap), and the balloon operations
 * (decrease_reservation, populate_physmap) Linux uses to free RAM for
 * foreign mappings. dom0's RAM is 1:1: a page it gives back keeps its
 * machine frame reserved for it and comes back at the same place.
 */
#include <public/memory.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/guest_access.h>
#include <sable/hypercall.h>
#include <sable/log.h>

#define MAX_EXTENTS_PER_CALL (1UL << 20)

static int map_page(struct domain *d, uint64_t gpfn, paddr_t pa,
		    enum p2m_type t)
{
	int rc;

	spin_lock(&d->p2m.lock);
	rc = p2m_map(&d->p2m, gfn_to_ipa(gfn_init(gpfn)), pa, PAGE_SIZE, t);
	spin_unlock(&d->p2m.lock);
	return rc;
}

static long add_to_physmap(struct vcpu *v, uint64_t gva)
{
	struct xen_add_to_physmap x;
	struct domain *d = v->dom;
	mfn_t mfn;
	void *va;
	long rc;

	if (copy_from_guest(&x, gva, sizeof(x))) {
		return -EFAULT;
	}
	if (x.domid != DOMID_SELF && x.domid != d->id) {
		return -EPERM;
	}
	if (x.gpfn >= (P2M_IPA_LIMIT >> PAGE_SHIFT)) {
		return -EINVAL;
	}
	switch (x.space) {
	case XENMAPSPACE_shared_info:
		if (x.idx != 0) {
			return -EINVAL;
		}
		return map_page(d, x.gpfn,
				pa_init((uint64_t)(uintptr_t)d->shinfo),
				p2m_ram_rw);
	case XENMAPSPACE_grant_table:
		if (x.idx & XENMAPIDX_grant_table_status) {
			return -EINVAL; /* v2 status frames: v1 only */
		}
		rc = gnttab_get_frame(&d->gnttab, (unsigned int)x.idx, &mfn,
				      &va);
		if (rc) {
			return rc;
		}
		rc = map_page(d, x.gpfn, mfn_to_pa(mfn), p2m_ram_rw);
		if (!rc) {
			gnttab_set_frame_gfn(&d->gnttab, (unsigned int)x.idx,
					     gfn_init(x.gpfn), NULL);
		}
		return rc;
	default:
		return -ENOSYS;
	}
}

/*
 * Apply @op to each gfn of a reservation; returns extents done. Runs in
 * pieces: the extent to start from rides in cmd's bits above
 * MEMOP_EXTENT_SHIFT (Xen's encoding); the result counts the extents of
 * every piece.
 */
static long reservation(struct vcpu *v, const uint64_t args[5], bool populate)
{
	struct xen_memory_reservation r;
	struct domain *d = v->dom;
	struct hypercall_budget b;
	uint64_t first = args[0] >> MEMOP_EXTENT_SHIFT, done;

	if (copy_from_guest(&r, args[1], sizeof(r))) {
		return -EFAULT;
	}
	if (r.domid != DOMID_SELF && r.domid != d->id) {
		return -EPERM; /* other domains: the toolstack interface */
	}
	if (r.extent_order != 0 || r.nr_extents > MAX_EXTENTS_PER_CALL) {
		return -EINVAL;
	}
	hypercall_budget_start(&b);
	for (done = first; done < r.nr_extents; done++) {
		uint64_t gfn, ipa;
		int rc;

		if (done > first && hypercall_preempt_check(&b)) {
			const uint64_t rest[5] = {
				(args[0] & XENMEM_CMD_MASK) |
					(done << MEMOP_EXTENT_SHIFT),
				args[1], args[2], args[3], args[4]
			};

			return hypercall_continue(v, rest);
		}
		if (copy_from_guest(&gfn, r.extent_start + done * 8, 8)) {
			break;
		}
		ipa = gfn << PAGE_SHIFT;
		if (!d->direct_map || ipa < d->ram_base ||
		    ipa >= d->ram_base + d->ram_size) {
			break; /* only dom0's own 1:1 RAM for now */
		}
		spin_lock(&d->p2m.lock);
		if (populate) {
			rc = p2m_map(&d->p2m, ipa_init(ipa), pa_init(ipa),
				     PAGE_SIZE, p2m_ram_rw);
		} else {
			rc = p2m_unmap(&d->p2m, ipa_init(ipa), PAGE_SIZE);
		}
		spin_unlock(&d->p2m.lock);
		if (rc) {
			break;
		}
	}
	return (long)done;
}

static long remove_from_physmap(struct vcpu *v, uint64_t gva)
{
	struct xen_remove_from_physmap x;
	struct domain *d = v->dom;
	long rc;

	if (copy_from_guest(&x, gva, sizeof(x))) {
		return -EFAULT;
	}
	if (x.domid != DOMID_SELF && x.domid != d->id) {
		return -EPERM;
	}
	spin_lock(&d->p2m.lock);
	rc = p2m_unmap(&d->p2m, gfn_to_ipa(gfn_init(x.gpfn)), PAGE_SIZE);
	spin_unlock(&d->p2m.lock);
	return rc;
}

long do_memory_op(struct vcpu *v, const uint64_t args[5])
{
	switch (args[0] & XENMEM_CMD_MASK) {
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, args[1]);
	case XENMEM_decrease_reservation:
		return reservation(v, args, false);
	case XENMEM_populate_physmap:
	case XENMEM_increase_reservation:
		return reservation(v, args, true);
	case XENMEM_remove_from_physmap:
		return remove_from_physmap(v, args[1]);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		return (long)(v->dom->ram_size >> PAGE_SHIFT);
	case XENMEM_maximum_gpfn:
		return (long)((v->dom->ram_base + v->dom->ram_size) >>
			      PAGE_SHIFT);
	default:
		return -ENOSYS;
	}
}
