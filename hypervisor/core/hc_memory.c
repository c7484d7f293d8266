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

static long add_to_physmap(struct vcpu *v, uint64_t gva)
{
	struct xen_add_to_physmap x;
	struct domain *d = v->dom;
	gfn_t old;
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
		/* Placed again only once removed, as on Xen 4.17. */
		spin_lock(&d->physmap_lock);
		rc = __atomic_load_n(&d->shinfo_gfn, __ATOMIC_ACQUIRE) != ~0ULL
			     ? -EBUSY
			     : physmap_add(
				       d, x.gpfn,
				       pa_init((uint64_t)(uintptr_t)d->shinfo),
				       p2m_ram_rw);
		if (!rc) {
			__atomic_store_n(&d->shinfo_gfn, x.gpfn,
					 __ATOMIC_RELEASE);
		}
		spin_unlock(&d->physmap_lock);
		return rc;
	case XENMAPSPACE_grant_table:
		if (x.idx & XENMAPIDX_grant_table_status) {
			return -EINVAL; /* v2 status frames: v1 only */
		}
		rc = gnttab_get_frame(&d->gnttab, (unsigned int)x.idx, &mfn,
				      &va);
		if (rc) {
			return rc;
		}
		/* Placed again only once removed, as on Xen 4.17. */
		spin_lock(&d->physmap_lock);
		rc = gnttab_set_frame_gfn(&d->gnttab, (unsigned int)x.idx,
					  gfn_init(x.gpfn), &old);
		if (!rc && old.gfn != GNTTAB_INVALID_GFN) {
			rc = -EBUSY;
		}
		if (!rc) {
			rc = physmap_add(d, x.gpfn, mfn_to_pa(mfn), p2m_ram_rw);
		}
		if (rc) {
			gnttab_set_frame_gfn(&d->gnttab, (unsigned int)x.idx,
					     old, &old);
		}
		spin_unlock(&d->physmap_lock);
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
		uint64_t gfn;
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
		rc = populate ? physmap_populate(d, gfn)
			      : physmap_decrease(d, gfn);
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

	if (copy_from_guest(&x, gva, sizeof(x))) {
		return -EFAULT;
	}
	if (x.domid != DOMID_SELF && x.domid != d->id) {
		return -EPERM;
	}
	return physmap_remove(d, x.gpfn);
}

/*
 * privcmd's foreign mappings: the control domain maps frames of another
 * domain's RAM at its own gfns, each holding a reference on the frame
 * until XENMEM_remove_from_physmap. One error code per entry.
 */
#define MAX_BATCH 256

static long add_to_physmap_batch(struct vcpu *v, uint64_t gva)
{
	struct xen_add_to_physmap_batch b;
	struct domain *d = v->dom, *fd;

	if (copy_from_guest(&b, gva, sizeof(b))) {
		return -EFAULT;
	}
	if (b.domid != DOMID_SELF && b.domid != d->id) {
		return -EPERM;
	}
	if (b.space != XENMAPSPACE_gmfn_foreign) {
		return -EOPNOTSUPP;
	}
	fd = domain_lookup(b.foreign_domid);
	if (!fd || fd == d) {
		return fd ? -EINVAL : -ESRCH;
	}
	if (b.size > MAX_BATCH) {
		return -EINVAL; /* Linux sends at most a page of entries */
	}
	for (unsigned int i = 0; i < b.size; i++) {
		uint64_t idx, gpfn;
		int32_t err;

		if (copy_from_guest(&idx, b.idxs + i * 8ULL, 8) ||
		    copy_from_guest(&gpfn, b.gpfns + i * 8ULL, 8)) {
			return -EFAULT;
		}
		/* Only the control domain: refused entry by entry, as Xen. */
		err = d->privileged ? physmap_map_foreign(d, gpfn, fd, idx)
				    : -EPERM;
		if (copy_to_guest(b.errs + i * 4ULL, &err, 4)) {
			if (!err) {
				physmap_remove(d, gpfn);
			}
			return -EFAULT;
		}
	}
	return 0;
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
	case XENMEM_add_to_physmap_batch:
		return add_to_physmap_batch(v, args[1]);
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
