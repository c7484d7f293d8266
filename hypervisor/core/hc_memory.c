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
#include <sable/page.h>

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
		if (x.idx > UINT32_MAX) {
			return -EINVAL; /* beyond any table, not frame idx % 2^32 */
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

/* Map frame @idx of @fd's grant table at the gfn read from @gfn_gva. */
static long map_grant_frame(struct domain *d, struct domain *fd,
			    uint64_t gfn_gva, unsigned int idx)
{
	uint64_t gfn;
	mfn_t mfn;
	void *va;
	long rc;

	if (copy_from_guest(&gfn, gfn_gva, 8)) {
		return -EFAULT;
	}
	rc = gnttab_get_frame(&fd->gnttab, idx, &mfn, &va);
	if (!rc) {
		rc = page_get(mfn, fd->id, PGT_shared);
	}
	if (!rc) {
		rc = physmap_add(d, gfn, mfn_to_pa(mfn), p2m_foreign_rw);
		if (rc) {
			page_put(mfn);
		}
	}
	return rc;
}

/*
 * privcmd's resource mappings: the control domain maps frames of another
 * domain's grant table (the shared entries) at its own gfns, each holding
 * a reference on the frame until XENMEM_remove_from_physmap. nr_frames 0
 * with no list asks how many frames the table may have. All or nothing.
 */
static long acquire_resource(struct vcpu *v, uint64_t gva)
{
	struct xen_mem_acquire_resource r;
	struct domain *d = v->dom, *fd;
	unsigned int max, i;
	long rc = 0;

	if (copy_from_guest(&r, gva, sizeof(r))) {
		return -EFAULT;
	}
	if (!d->privileged) {
		return -EPERM;
	}
	if (r.type != XENMEM_resource_grant_table) {
		return -EOPNOTSUPP;
	}
	if (r.id != XENMEM_resource_grant_table_id_shared) {
		return -EINVAL; /* status frames: grant tables v1 only */
	}
	fd = domain_lookup(r.domid);
	/* A dying domain's table is being torn down (docs/lifecycle.md). */
	if (!fd || __atomic_load_n(&fd->is_dying, __ATOMIC_SEQ_CST)) {
		return -ESRCH;
	}
	if (fd == d) {
		return -EINVAL;
	}
	max = gnttab_max_frames(&fd->gnttab);
	if (r.nr_frames == 0) {
		if (r.frame_list) {
			return -EINVAL;
		}
		r.nr_frames = max;
		r.flags = 0;
		return copy_to_guest(gva, &r, sizeof(r)) ? -EFAULT : 0;
	}
	if (r.nr_frames > MAX_BATCH) {
		return -E2BIG;
	}
	if (r.frame >= max || r.nr_frames > max - r.frame) {
		return -EINVAL;
	}
	for (i = 0; i < r.nr_frames; i++) {
		rc = map_grant_frame(d, fd, r.frame_list + i * 8ULL,
				     (unsigned int)(r.frame + i));
		if (rc) {
			break;
		}
	}
	if (rc) {
		/* Undo the frames mapped before the failure. */
		while (i--) {
			uint64_t gfn;

			if (!copy_from_guest(&gfn, r.frame_list + i * 8ULL,
					     8)) {
				physmap_remove(d, gfn);
			}
		}
		return rc;
	}
	r.flags = 0; /* the frames stay the other domain's */
	return copy_to_guest(gva, &r, sizeof(r)) ? -EFAULT : 0;
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
	case XENMEM_acquire_resource:
		return acquire_resource(v, args[1]);
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
