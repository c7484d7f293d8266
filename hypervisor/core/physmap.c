/* SPDX-License-Identifier: MIT */
/*
 * A domain's guest physical map as the hypercalls change it, on top of the
 * stage-2 builder and the frame table: which frame a gfn may name, who
 * owns it, and which reference each mapping holds.
 *
 * - A domain's own RAM is mapped under its allocation reference. Given
 *   back (decrease_reservation, replaced by another mapping), the frame is
 *   released and freed once nobody else holds a reference. dom0's RAM is
 *   1:1 and stays dom0's, so a ballooned frame comes back at its place.
 * - A foreign mapping (privcmd) holds a reference on the other domain's
 *   frame for as long as it is in the p2m.
 * - Grant mappings belong to grant-tables/ (map and unmap); nothing here
 *   replaces or removes them, nor MMIO, nor the emulated windows.
 */
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/mm.h>
#include <sable/page.h>

static bool type_is_ram(enum p2m_type t)
{
	return t == p2m_ram_rw || t == p2m_ram_ro;
}

static bool type_is_foreign(enum p2m_type t)
{
	return t == p2m_foreign_rw || t == p2m_foreign_ro;
}

static bool ipa_is_emulated(const struct domain *d, uint64_t ipa)
{
	for (unsigned int i = 0; i < d->nr_mmio; i++) {
		if (ipa >= d->mmio[i].base &&
		    ipa - d->mmio[i].base < d->mmio[i].size) {
			return true;
		}
	}
	return false;
}

/* Is @mfn RAM that @d holds (its allocation reference)? */
static bool frame_is_own_ram(const struct domain *d, mfn_t mfn)
{
	struct page_state s;

	return page_state(mfn, &s) && s.allocated && s.owner == d->id &&
	       s.type == PGT_ram;
}

/*
 * What is at @gfn may be replaced by a new mapping: nothing, the
 * domain's own RAM or a hypervisor page it was given. Called with the p2m
 * lock held; *old gets the frame of the domain's own RAM being replaced.
 */
static int slot_check(struct domain *d, uint64_t gfn, bool *own, mfn_t *old)
{
	uint64_t ipa = gfn << PAGE_SHIFT;
	enum p2m_type t;
	paddr_t pa;

	*own = false;
	*old = mfn_init(0);
	if (gfn >= (P2M_IPA_LIMIT >> PAGE_SHIFT) || ipa_is_emulated(d, ipa)) {
		return -EINVAL;
	}
	if (p2m_lookup(&d->p2m, ipa_init(ipa), &pa, &t)) {
		return 0;
	}
	if (!type_is_ram(t)) {
		return -EBUSY; /* grant, foreign or MMIO: not through here */
	}
	*old = pa_to_mfn(pa);
	*own = frame_is_own_ram(d, *old);
	return 0;
}

/*
 * A hypervisor page (shared_info, a grant frame) left @gfn: it is mapped
 * nowhere now, and may be placed again. Called without the p2m lock.
 */
static void forget_shared_page(struct domain *d, uint64_t gfn, paddr_t pa)
{
	if (pa.pa == (uint64_t)(uintptr_t)d->shinfo) {
		__atomic_store_n(&d->shinfo_gfn, ~0ULL, __ATOMIC_RELEASE);
	} else {
		gnttab_forget_frame_gfn(&d->gnttab, gfn_init(gfn),
					pa_to_mfn(pa));
	}
}

/* The domain gives the RAM frame @mfn back (p2m lock held). */
static void give_back(struct domain *d, mfn_t mfn)
{
	if (d->direct_map) {
		return; /* dom0's frame stays reserved for its 1:1 place */
	}
	if (!page_release(mfn, d->id)) {
		d->tot_pages--;
	}
}

int physmap_get_ram(struct domain *d, uint64_t gfn, bool writable, mfn_t *mfn)
{
	enum p2m_type t;
	paddr_t pa;
	int rc;

	spin_lock(&d->p2m.lock);
	rc = p2m_lookup(&d->p2m, gfn_to_ipa(gfn_init(gfn)), &pa, &t);
	if (!rc && (t == p2m_ram_rw || (t == p2m_ram_ro && !writable))) {
		*mfn = pa_to_mfn(pa);
		rc = page_get(*mfn, d->id, PGT_ram);
	} else {
		rc = -EINVAL;
	}
	spin_unlock(&d->p2m.lock);
	return rc;
}

int physmap_add(struct domain *d, uint64_t gfn, paddr_t pa, enum p2m_type type)
{
	mfn_t old;
	bool own;
	int rc;

	spin_lock(&d->p2m.lock);
	rc = slot_check(d, gfn, &own, &old);
	if (!rc) {
		rc = p2m_map(&d->p2m, gfn_to_ipa(gfn_init(gfn)), pa, PAGE_SIZE,
			     type);
	}
	if (!rc && own && old.mfn != pa_to_mfn(pa).mfn) {
		give_back(d, old);
	}
	spin_unlock(&d->p2m.lock);
	if (!rc && !own && old.mfn && old.mfn != pa_to_mfn(pa).mfn) {
		forget_shared_page(d, gfn, mfn_to_pa(old));
	}
	return rc;
}

int physmap_remove(struct domain *d, uint64_t gfn)
{
	ipaddr_t ipa = gfn_to_ipa(gfn_init(gfn));
	enum p2m_type t;
	paddr_t pa;
	bool own;
	int rc;

	if (gfn >= (P2M_IPA_LIMIT >> PAGE_SHIFT)) {
		return -EINVAL;
	}
	spin_lock(&d->p2m.lock);
	if (p2m_lookup(&d->p2m, ipa, &pa, &t)) {
		spin_unlock(&d->p2m.lock);
		return 0; /* a hole: nothing to do */
	}
	if (!type_is_ram(t) && !type_is_foreign(t)) {
		spin_unlock(&d->p2m.lock);
		return -EBUSY; /* grants unmap through grant_table_op */
	}
	rc = p2m_unmap(&d->p2m, ipa, PAGE_SIZE);
	own = frame_is_own_ram(d, pa_to_mfn(pa));
	if (!rc && type_is_foreign(t)) {
		page_put(pa_to_mfn(pa));
	} else if (!rc && own) {
		give_back(d, pa_to_mfn(pa));
	}
	spin_unlock(&d->p2m.lock);
	if (!rc && type_is_ram(t) && !own) {
		forget_shared_page(d, gfn, pa_init(pa.pa & PAGE_MASK));
	}
	return rc;
}

int physmap_decrease(struct domain *d, uint64_t gfn)
{
	ipaddr_t ipa = gfn_to_ipa(gfn_init(gfn));
	enum p2m_type t;
	paddr_t pa;
	int rc = -EINVAL;

	if (gfn >= (P2M_IPA_LIMIT >> PAGE_SHIFT)) {
		return -EINVAL;
	}
	spin_lock(&d->p2m.lock);
	if (!p2m_lookup(&d->p2m, ipa, &pa, &t) && type_is_ram(t) &&
	    frame_is_own_ram(d, pa_to_mfn(pa))) {
		rc = p2m_unmap(&d->p2m, ipa, PAGE_SIZE);
		if (!rc) {
			give_back(d, pa_to_mfn(pa));
		}
	}
	spin_unlock(&d->p2m.lock);
	return rc;
}

int physmap_populate(struct domain *d, uint64_t gfn)
{
	uint64_t ipa = gfn << PAGE_SHIFT;
	mfn_t old;
	bool own;
	paddr_t pa;
	int rc;

	if (__atomic_load_n(&d->is_dying, __ATOMIC_ACQUIRE)) {
		return -ESRCH;
	}
	if (d->direct_map) {
		/* dom0: only its own frames, at their 1:1 place. */
		if (ipa < d->ram_base || ipa - d->ram_base >= d->ram_size ||
		    !frame_is_own_ram(d, pa_to_mfn(pa_init(ipa)))) {
			return -EINVAL;
		}
		spin_lock(&d->p2m.lock);
		rc = slot_check(d, gfn, &own, &old);
		if (!rc) {
			rc = p2m_map(&d->p2m, ipa_init(ipa), pa_init(ipa),
				     PAGE_SIZE, p2m_ram_rw);
		}
		spin_unlock(&d->p2m.lock);
		return rc;
	}
	spin_lock(&d->p2m.lock);
	rc = slot_check(d, gfn, &own, &old);
	if (!rc && !p2m_lookup(&d->p2m, ipa_init(ipa), NULL, NULL)) {
		rc = -EBUSY; /* populate fills holes only */
	}
	/*
	 * The domain's memory, not the machine's: a frame it gave back that
	 * another domain still maps counts until it is freed.
	 */
	if (!rc && (d->tot_pages >= d->max_pages ||
		    page_owner_ram_frames(d->id) >= d->max_pages)) {
		rc = -ENOMEM;
	}
	if (rc) {
		spin_unlock(&d->p2m.lock);
		return rc;
	}
	pa = mm_alloc_pages(1, 1);
	if (!pa.pa) {
		spin_unlock(&d->p2m.lock);
		return -ENOMEM;
	}
	memset((void *)(uintptr_t)pa.pa, 0, PAGE_SIZE);
	rc = page_assign(pa, 1, d->id, PGT_ram);
	if (!rc) {
		d->tot_pages++;
		rc = p2m_map(&d->p2m, ipa_init(ipa), pa, PAGE_SIZE, p2m_ram_rw);
		if (rc) {
			give_back(d, pa_to_mfn(pa));
		}
	} else {
		mm_free_pages(pa, 1);
	}
	spin_unlock(&d->p2m.lock);
	return rc;
}

int physmap_map_foreign(struct domain *d, uint64_t gfn, struct domain *fd,
			uint64_t fgfn)
{
	bool ro = false;
	mfn_t mfn;
	int rc;

	if (fd == d) {
		return -EINVAL;
	}
	if (__atomic_load_n(&fd->is_dying, __ATOMIC_ACQUIRE)) {
		return -ESRCH; /* its frames are going */
	}
	rc = physmap_get_ram(fd, fgfn, true, &mfn);
	if (rc) {
		ro = true;
		rc = physmap_get_ram(fd, fgfn, false, &mfn);
	}
	if (rc) {
		return -EINVAL;
	}
	rc = physmap_add(d, gfn, mfn_to_pa(mfn),
			 ro ? p2m_foreign_ro : p2m_foreign_rw);
	if (rc) {
		page_put(mfn);
	}
	return rc;
}
