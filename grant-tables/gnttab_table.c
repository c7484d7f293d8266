// SPDX-License-Identifier: MIT
/*
 * The shared grant table of one domain: lifetime, growth, seeding, and the
 * pin/unpin protocol on its entries (Xen's active entries and the
 * GTF_reading/GTF_writing bookkeeping in the guest-visible entry).
 */
#include <sable/alloc.h>
#include <sable/errno.h>
#include <sable/log.h>

#include "gnttab_env.h"
#include "gnttab_internal.h"

#define ACTIVE_BYTES (GNTTAB_ENTRIES_PER_FRAME * sizeof(struct gnttab_active))
/* A grant frame and its active entries, as charged to the domain. */
#define FRAME_PAGES (1 + (long)((ACTIVE_BYTES + PAGE_SIZE - 1) / PAGE_SIZE))

/* Free a frame charged to @owner (NULL: its domain is gone). */
static void frame_free(struct gnttab_domain *owner, void *page, void *act)
{
	if (page) {
		gnttab_env_frame_free(page);
	}
	xfree(act);
	if (owner) {
		gnttab_env_charge(owner, -FRAME_PAGES);
	}
}

static void table_free(struct gnttab_table *t)
{
	unsigned int i;

	for (i = 0; i < t->nr_frames; i++) {
		frame_free(t->owner, t->shared[i], t->active[i]);
	}
	xfree(t->shared);
	xfree(t->active);
	xfree(t->frame_gfn);
	xfree(t);
}

void gnttab_table_get(struct gnttab_table *t)
{
	__atomic_fetch_add(&t->refs, 1, __ATOMIC_RELAXED);
}

void gnttab_table_put(struct gnttab_table *t)
{
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		table_free(t);
	}
}

/*
 * Grow @t to @nr frames. Pages are allocated with no lock held and installed
 * under the lock; a racing grower's surplus is freed. 0, -EINVAL, -ENOMEM.
 */
int gnttab_grow(struct gnttab_table *t, unsigned int nr)
{
	void *pages[8];
	struct gnttab_active *acts[8];
	struct gnttab_domain *owner;
	unsigned int have, want, i, n;
	int rc = 0;

	if (nr > t->max_frames) {
		return -EINVAL;
	}
	for (;;) {
		spin_lock(&t->lock);
		have = t->nr_frames;
		owner = t->owner;
		spin_unlock(&t->lock);
		if (have >= nr) {
			return 0;
		}
		if (!owner) {
			return -EINVAL; /* destroyed: no growth */
		}
		want = MIN(nr - have, (unsigned int)ARRAY_SIZE(pages));
		for (n = 0; n < want; n++) {
			if (gnttab_env_charge(owner, FRAME_PAGES)) {
				rc = -ENOMEM;
				break;
			}
			pages[n] = gnttab_env_frame_alloc(owner);
			acts[n] = xzalloc(ACTIVE_BYTES);
			if (!pages[n] || !acts[n]) {
				frame_free(owner, pages[n], acts[n]);
				rc = -ENOMEM;
				break;
			}
		}
		spin_lock(&t->lock);
		for (i = 0;
		     i < n && t->nr_frames == have + i && t->nr_frames < nr;
		     i++) {
			t->shared[t->nr_frames] = pages[i];
			t->active[t->nr_frames] = acts[i];
			t->frame_gfn[t->nr_frames] = GNTTAB_INVALID_GFN;
			t->nr_frames++;
		}
		spin_unlock(&t->lock);
		for (; i < n; i++) {
			frame_free(owner, pages[i], acts[i]);
		}
		if (rc) {
			return rc;
		}
	}
}

int gnttab_domain_init(struct gnttab_domain *d, domid_t id,
		       unsigned int max_frames,
		       unsigned int max_maptrack_frames, bool privileged)
{
	struct gnttab_table *t;
	int rc;

	__builtin_memset(d, 0, sizeof(*d));
	if (max_frames == 0 || max_frames > GNTTAB_MAX_FRAMES ||
	    max_maptrack_frames > GNTTAB_NO_HANDLE / GNTTAB_MT_PER_FRAME) {
		return -EINVAL;
	}
	t = xzalloc(sizeof(*t));
	if (!t) {
		return -ENOMEM;
	}
	spin_lock_init(&t->lock);
	t->refs = 1;
	t->domid = id;
	d->domid = id; /* the environment charges and owns frames by it */
	t->owner = d;
	t->max_frames = max_frames;
	t->shared = xzalloc(max_frames * sizeof(*t->shared));
	t->active = xzalloc(max_frames * sizeof(*t->active));
	t->frame_gfn = xzalloc(max_frames * sizeof(*t->frame_gfn));
	d->maptrack = xzalloc(max_maptrack_frames * sizeof(*d->maptrack));
	rc = -ENOMEM;
	if (t->shared && t->active && t->frame_gfn && d->maptrack) {
		rc = gnttab_grow(t, 1);
	}
	if (rc) {
		xfree(d->maptrack);
		d->maptrack = NULL;
		table_free(t);
		return rc;
	}
	d->privileged = privileged;
	spin_lock_init(&d->maptrack_lock);
	d->max_maptrack_frames = max_maptrack_frames;
	d->maptrack_free = GNTTAB_NO_HANDLE;
	d->table = t;
	return 0;
}

bool gnttab_domain_release_some(struct gnttab_domain *d)
{
	struct gnttab_table *t = d->table;
	unsigned int nr;

	if (!t) {
		return true;
	}
	if (!gnttab_maptrack_release(d)) {
		return false;
	}
	spin_lock(&t->lock);
	t->dying = true;
	t->owner = NULL;
	nr = t->nr_frames;
	spin_unlock(&t->lock);
	/* The frames now belong to the table alone, charged to nobody. */
	gnttab_env_charge(d, -FRAME_PAGES * (long)nr);
	d->table = NULL;
	gnttab_table_put(t);
	return true;
}

void gnttab_domain_destroy(struct gnttab_domain *d)
{
	while (!gnttab_domain_release_some(d)) {
	}
}

int gnttab_get_frame(struct gnttab_domain *d, unsigned int idx, mfn_t *mfn,
		     void **va)
{
	struct gnttab_table *t = d->table;
	int rc;

	if (!t || idx >= t->max_frames) {
		return -EINVAL;
	}
	rc = gnttab_grow(t, idx + 1);
	if (rc) {
		return rc;
	}
	spin_lock(&t->lock);
	*va = t->shared[idx];
	spin_unlock(&t->lock);
	*mfn = pa_to_mfn(virt_to_pa(*va));
	return 0;
}

int gnttab_set_frame_gfn(struct gnttab_domain *d, unsigned int idx, gfn_t gfn,
			 gfn_t *old)
{
	struct gnttab_table *t = d->table;
	int rc = -EINVAL;

	if (!t) {
		return -EINVAL;
	}
	spin_lock(&t->lock);
	if (idx < t->nr_frames) {
		*old = gfn_init(t->frame_gfn[idx]);
		t->frame_gfn[idx] = gfn.gfn;
		rc = 0;
	}
	spin_unlock(&t->lock);
	return rc;
}

void gnttab_forget_frame_gfn(struct gnttab_domain *d, gfn_t gfn, mfn_t mfn)
{
	struct gnttab_table *t = d->table;

	if (!t) {
		return;
	}
	spin_lock(&t->lock);
	for (unsigned int i = 0; i < t->nr_frames; i++) {
		if (t->frame_gfn[i] == gfn.gfn &&
		    pa_to_mfn(virt_to_pa(t->shared[i])).mfn == mfn.mfn) {
			t->frame_gfn[i] = GNTTAB_INVALID_GFN;
		}
	}
	spin_unlock(&t->lock);
}

unsigned int gnttab_max_frames(struct gnttab_domain *d)
{
	return d->table ? d->table->max_frames : 0;
}

unsigned int gnttab_nr_frames(struct gnttab_domain *d)
{
	unsigned int nr;

	if (!d->table) {
		return 0;
	}
	spin_lock(&d->table->lock);
	nr = d->table->nr_frames;
	spin_unlock(&d->table->lock);
	return nr;
}

int gnttab_seed_entry(struct gnttab_domain *d, uint32_t ref, domid_t grantee,
		      uint64_t gfn, bool readonly)
{
	struct gnttab_table *t = d->table;
	struct gnttab_active *act;
	uint32_t *w;
	uint32_t flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
	int rc = 0;

	if (!t || gfn > UINT32_MAX) {
		return -EINVAL;
	}
	spin_lock(&t->lock);
	if (ref >= gnttab_nr_entries(t)) {
		rc = -EINVAL;
		goto out;
	}
	act = gnttab_active_entry(t, ref);
	if (act->rd_pins || act->wr_pins) {
		rc = -EBUSY;
		goto out;
	}
	w = gnttab_entry_word(t, ref);
	/* The frame must be visible before the entry becomes valid. */
	__atomic_store_n(&w[1], (uint32_t)gfn, __ATOMIC_RELAXED);
	__atomic_store_n(&w[0], flags | ((uint32_t)grantee << 16),
			 __ATOMIC_RELEASE);
out:
	spin_unlock(&t->lock);
	return rc;
}

/*
 * Set GTF_reading (and GTF_writing unless @readonly) in the guest's entry,
 * checking that it still permits access to @ldom (Xen's _set_status_v1),
 * also when the grant is already pinned: a writer joining readers needs
 * the entry to permit it now, whatever it said at the first pin.
 * The guest may rewrite the word at any time, so this is a bounded
 * compare-and-swap loop that re-checks type and domid on every attempt.
 * Called with t->lock held. Returns GNTST_okay or GNTST_general_error.
 */
static int16_t set_status(struct gnttab_table *t, grant_ref_t ref, domid_t ldom,
			  bool readonly, bool map)
{
	uint32_t *w = gnttab_entry_word(t, ref);
	uint32_t cur = __atomic_load_n(w, __ATOMIC_ACQUIRE), want;
	uint16_t mask = GTF_type_mask | (map ? GTF_sub_page : 0);
	unsigned int tries;

	for (tries = 0; tries < GNTTAB_CAS_RETRIES; tries++) {
		uint16_t flags = (uint16_t)cur;

		if ((flags & mask) != GTF_permit_access ||
		    (cur >> 16) != ldom) {
			return GNTST_general_error;
		}
		if (!readonly && (flags & GTF_readonly)) {
			return GNTST_general_error;
		}
		/* Arm maps grants Normal WB only: no cache attributes. */
		if (map && (flags & (GTF_PWT | GTF_PCD | GTF_PAT))) {
			return GNTST_general_error;
		}
		want = cur | GTF_reading | (readonly ? 0 : GTF_writing);
		if (__atomic_compare_exchange_n(w, &cur, want, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			return GNTST_okay;
		}
	}
	pr_guest(t->domid, "gnttab: d%u ref %u: entry unstable\n", t->domid,
		 ref);
	return GNTST_general_error;
}

/*
 * Drop GTF_writing when the last writer goes and GTF_reading when the last
 * pin goes. Returns true when the grant is no longer pinned. Lock held.
 */
static bool clear_status(struct gnttab_table *t, grant_ref_t ref,
			 struct gnttab_active *act)
{
	uint32_t clear = 0;

	if (act->wr_pins == 0) {
		clear |= GTF_writing;
	}
	if (act->rd_pins == 0 && act->wr_pins == 0) {
		clear |= GTF_reading;
	}
	__atomic_fetch_and(gnttab_entry_word(t, ref), ~clear, __ATOMIC_ACQ_REL);
	return act->rd_pins == 0 && act->wr_pins == 0;
}

/*
 * Pin grant @ref of @rd for @ldom (a mapping if @map, else a copy): check
 * permission, set the entry's status bits, take the page on the first pin.
 * Returns GNTST_okay with *mfn set, or a GNTST_* error with nothing changed.
 */
int16_t gnttab_pin(struct gnttab_domain *rd, grant_ref_t ref, domid_t ldom,
		   bool readonly, bool map, mfn_t *mfn)
{
	struct gnttab_table *t = rd->table;
	struct gnttab_active *act;
	bool pinned;
	int16_t rc;

	spin_lock(&t->lock);
	if (t->dying) {
		rc = GNTST_bad_domain;
		goto out;
	}
	if (ref >= gnttab_nr_entries(t)) {
		rc = GNTST_bad_gntref;
		goto out;
	}
	act = gnttab_active_entry(t, ref);
	pinned = act->rd_pins || act->wr_pins;
	if (pinned && (act->domid != ldom || act->rd_pins >= GNTTAB_MAX_PINS ||
		       act->wr_pins >= GNTTAB_MAX_PINS)) {
		rc = GNTST_general_error;
		goto out;
	}
	/* A frame pinned read-only from a read-only gfn stays read-only. */
	if (pinned && !readonly && !act->writable) {
		rc = GNTST_bad_page;
		goto out;
	}
	if (!pinned || (!readonly && !act->wr_pins)) {
		rc = set_status(t, ref, ldom, readonly, map);
		if (rc != GNTST_okay) {
			goto out;
		}
	}
	if (!pinned) {
		gfn_t gfn = gfn_init(__atomic_load_n(
			gnttab_entry_word(t, ref) + 1, __ATOMIC_ACQUIRE));

		/*
		 * A reader learns whether the frame could be written too, for
		 * the writers that may pin it while it is pinned.
		 */
		act->writable = !gnttab_env_get_page(rd, gfn, true, &act->mfn);
		if (!act->writable &&
		    (!readonly ||
		     gnttab_env_get_page(rd, gfn, false, &act->mfn))) {
			clear_status(t, ref, act);
			rc = GNTST_bad_page;
			goto out;
		}
		act->domid = ldom;
	}
	if (readonly) {
		act->rd_pins++;
	} else {
		act->wr_pins++;
	}
	*mfn = act->mfn;
	rc = GNTST_okay;
out:
	spin_unlock(&t->lock);
	return rc;
}

/* Undo one gnttab_pin(); works on the table of a destroyed domain too. */
void gnttab_unpin(struct gnttab_table *t, grant_ref_t ref, bool readonly)
{
	struct gnttab_active *act;
	bool last;
	mfn_t mfn;

	spin_lock(&t->lock);
	act = gnttab_active_entry(t, ref);
	if (readonly) {
		act->rd_pins--;
	} else {
		act->wr_pins--;
	}
	mfn = act->mfn;
	last = clear_status(t, ref, act);
	spin_unlock(&t->lock);
	if (last) {
		gnttab_env_put_page(mfn);
	}
}

/*
 * GNTTABOP_swap_grant_ref on the caller's own table: both entries must be in
 * range and neither may be pinned (GNTST_eagain) while they are exchanged.
 */
int16_t gnttab_swap(struct gnttab_table *t, grant_ref_t a, grant_ref_t b)
{
	struct gnttab_active *aa, *ab;
	uint32_t *wa, *wb, tmp[2];
	int16_t st = GNTST_okay;

	spin_lock(&t->lock);
	if (a >= gnttab_nr_entries(t) || b >= gnttab_nr_entries(t)) {
		st = GNTST_bad_gntref;
		goto out;
	}
	if (a == b) {
		goto out;
	}
	aa = gnttab_active_entry(t, a);
	ab = gnttab_active_entry(t, b);
	if (aa->rd_pins || aa->wr_pins || ab->rd_pins || ab->wr_pins) {
		st = GNTST_eagain;
		goto out;
	}
	wa = gnttab_entry_word(t, a);
	wb = gnttab_entry_word(t, b);
	tmp[0] = __atomic_load_n(&wa[0], __ATOMIC_RELAXED);
	tmp[1] = __atomic_load_n(&wa[1], __ATOMIC_RELAXED);
	__atomic_store_n(&wa[0], __atomic_load_n(&wb[0], __ATOMIC_RELAXED),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&wa[1], __atomic_load_n(&wb[1], __ATOMIC_RELAXED),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&wb[0], tmp[0], __ATOMIC_RELAXED);
	__atomic_store_n(&wb[1], tmp[1], __ATOMIC_RELAXED);
out:
	spin_unlock(&t->lock);
	return st;
}
