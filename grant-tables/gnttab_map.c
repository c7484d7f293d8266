// SPDX-License-Identifier: MIT
/*
 * GNTTABOP_map_grant_ref and GNTTABOP_unmap_grant_ref, and the per-domain
 * maptrack that records every grant mapping a domain holds.
 *
 * Lock order: a domain's maptrack_lock, then a grant table's lock. Neither
 * is held across the p2m hooks.
 */
#include <sable/alloc.h>
#include <sable/errno.h>
#include <sable/log.h>

#include "gnttab_env.h"
#include "gnttab_internal.h"

static struct gnttab_maptrack *mt_entry(struct gnttab_domain *d, uint32_t h)
{
	return &d->maptrack[h / GNTTAB_MT_PER_FRAME][h % GNTTAB_MT_PER_FRAME];
}

static uint32_t mt_limit(const struct gnttab_domain *d)
{
	return (uint32_t)(d->nr_maptrack_frames * GNTTAB_MT_PER_FRAME);
}

/* Add maptrack page @page to the free list. maptrack_lock held. */
static void mt_install(struct gnttab_domain *d, struct gnttab_maptrack *page)
{
	uint32_t base = mt_limit(d);
	uint32_t i;

	d->maptrack[d->nr_maptrack_frames++] = page;
	for (i = GNTTAB_MT_PER_FRAME; i-- > 0;) {
		page[i].state = GNTTAB_MT_FREE;
		page[i].next_free = d->maptrack_free;
		d->maptrack_free = base + i;
	}
}

/*
 * Reserve a handle (state BUSY), growing the maptrack by a page if needed.
 * Returns 0, or -ENOSPC when the domain's maptrack limit is reached, or
 * -ENOMEM.
 */
static int mt_alloc(struct gnttab_domain *d, uint32_t *handle)
{
	struct gnttab_maptrack *page = NULL;
	int rc = 0;

	for (;;) {
		spin_lock(&d->maptrack_lock);
		if (d->maptrack_free == GNTTAB_NO_HANDLE && page &&
		    d->nr_maptrack_frames < d->max_maptrack_frames) {
			mt_install(d, page);
			page = NULL;
		}
		if (d->maptrack_free != GNTTAB_NO_HANDLE) {
			*handle = d->maptrack_free;
			d->maptrack_free = mt_entry(d, *handle)->next_free;
			mt_entry(d, *handle)->state = GNTTAB_MT_BUSY;
			break;
		}
		if (d->nr_maptrack_frames >= d->max_maptrack_frames) {
			rc = -ENOSPC;
			break;
		}
		spin_unlock(&d->maptrack_lock);
		/* Allocate with no lock held, then retry. */
		if (gnttab_env_charge(d, 1)) {
			return -ENOMEM;
		}
		page = page_alloc();
		if (!page) {
			gnttab_env_charge(d, -1);
			return -ENOMEM;
		}
	}
	spin_unlock(&d->maptrack_lock);
	if (page) {
		page_free(page);
		gnttab_env_charge(d, -1);
	}
	return rc;
}

static void mt_free(struct gnttab_domain *d, uint32_t handle)
{
	struct gnttab_maptrack *e;

	spin_lock(&d->maptrack_lock);
	e = mt_entry(d, handle);
	e->state = GNTTAB_MT_FREE;
	e->table = NULL;
	e->next_free = d->maptrack_free;
	d->maptrack_free = handle;
	spin_unlock(&d->maptrack_lock);
}

/* Decode the flags and address of a map request (arm: host mappings only). */
static int16_t map_check_args(const struct gnttab_map_grant_ref *op)
{
	if (!(op->flags & (GNTMAP_device_map | GNTMAP_host_map))) {
		return GNTST_bad_gntref;
	}
	if (op->flags & ~(GNTMAP_host_map | GNTMAP_readonly)) {
		return GNTST_general_error;
	}
	if (!IS_ALIGNED(op->host_addr, PAGE_SIZE)) {
		return GNTST_general_error;
	}
	return GNTST_okay;
}

/*
 * Map grant op->ref of op->dom at op->host_addr in @ld's stage 2. On any
 * failure every step already taken is undone in reverse order.
 */
void gnttab_map_one(struct gnttab_domain *ld, struct gnttab_map_grant_ref *op)
{
	bool ro = (op->flags & GNTMAP_readonly) != 0;
	struct gnttab_domain *rd;
	struct gnttab_maptrack *e;
	uint32_t handle;
	mfn_t mfn;
	int16_t st;

	st = map_check_args(op);
	if (st != GNTST_okay) {
		goto out;
	}
	rd = gnttab_lookup(ld, op->dom, false);
	if (!rd) {
		st = GNTST_bad_domain;
		goto out;
	}
	if (mt_alloc(ld, &handle)) {
		st = GNTST_no_device_space;
		goto put_domain;
	}
	/* The mapping will hold the granter's table; take that first. */
	gnttab_table_get(rd->table);
	st = gnttab_pin(rd, op->ref, ld->domid, ro, true, &mfn);
	if (st != GNTST_okay) {
		goto put_table;
	}
	if (gnttab_env_p2m_map(ld, ipa_init(op->host_addr), mfn, ro)) {
		st = GNTST_general_error;
		goto unpin;
	}
	spin_lock(&ld->maptrack_lock);
	e = mt_entry(ld, handle);
	e->table = rd->table;
	e->host_addr = op->host_addr;
	e->mfn = mfn;
	e->ref = op->ref;
	e->readonly = ro;
	e->state = GNTTAB_MT_LIVE;
	spin_unlock(&ld->maptrack_lock);
	op->handle = handle;
	op->dev_bus_addr = mfn_to_pa(mfn).pa;
	gnttab_lookup_put(ld, rd);
	op->status = GNTST_okay;
	return;

unpin:
	gnttab_unpin(rd->table, op->ref, ro);
put_table:
	gnttab_table_put(rd->table);
	mt_free(ld, handle);
put_domain:
	gnttab_lookup_put(ld, rd);
out:
	op->status = st;
}

/*
 * Claim live handle @h for teardown (state BUSY) after checking @host_addr.
 * Returns GNTST_okay with a copy of the entry in *out.
 */
static int16_t mt_claim(struct gnttab_domain *ld, uint32_t h,
			uint64_t host_addr, struct gnttab_maptrack *out)
{
	struct gnttab_maptrack *e;
	int16_t st = GNTST_okay;

	spin_lock(&ld->maptrack_lock);
	if (h >= mt_limit(ld) || mt_entry(ld, h)->state != GNTTAB_MT_LIVE) {
		st = GNTST_bad_handle;
	} else if (mt_entry(ld, h)->host_addr != host_addr) {
		st = GNTST_general_error;
	} else {
		e = mt_entry(ld, h);
		e->state = GNTTAB_MT_BUSY;
		*out = *e;
	}
	spin_unlock(&ld->maptrack_lock);
	return st;
}

/* Drop the pin and table reference of a torn-down mapping. */
static void mt_release_grant(const struct gnttab_maptrack *m)
{
	gnttab_unpin(m->table, m->ref, m->readonly);
	gnttab_table_put(m->table);
}

void gnttab_unmap_one(struct gnttab_domain *ld,
		      struct gnttab_unmap_grant_ref *op)
{
	struct gnttab_maptrack m;

	op->status = mt_claim(ld, op->handle, op->host_addr, &m);
	if (op->status != GNTST_okay) {
		return;
	}
	if (gnttab_env_p2m_unmap(ld, ipa_init(m.host_addr), m.mfn)) {
		/* The guest replaced the page under us: keep the mapping. */
		spin_lock(&ld->maptrack_lock);
		mt_entry(ld, op->handle)->state = GNTTAB_MT_LIVE;
		spin_unlock(&ld->maptrack_lock);
		op->status = GNTST_general_error;
		return;
	}
	mt_release_grant(&m);
	mt_free(ld, op->handle);
}

/* Handles looked at per piece of a teardown, live or not. */
#define RELEASE_SCAN (16 * GNTTAB_MT_PER_FRAME)

/*
 * Dying domain: tear down the mappings it holds, at most
 * GNTTAB_RELEASE_PIECE of them per call, from d->release_next on; once
 * none is left, free the maptrack and return true. No vCPU of @d runs, so
 * no entry is BUSY.
 */
bool gnttab_maptrack_release(struct gnttab_domain *d)
{
	uint32_t limit = mt_limit(d), released = 0, scanned = 0;
	struct gnttab_maptrack *e;
	unsigned int i;

	for (; d->release_next < limit; d->release_next++) {
		if (released == GNTTAB_RELEASE_PIECE ||
		    scanned++ == RELEASE_SCAN) {
			return false;
		}
		e = mt_entry(d, d->release_next);
		if (e->state != GNTTAB_MT_LIVE) {
			continue;
		}
		if (gnttab_env_p2m_unmap(d, ipa_init(e->host_addr), e->mfn)) {
			pr_guest(d->domid,
				 "gnttab: d%u handle %u: stage 2 entry gone\n",
				 d->domid, d->release_next);
		}
		mt_release_grant(e);
		e->state = GNTTAB_MT_FREE;
		released++;
	}
	for (i = 0; i < d->nr_maptrack_frames; i++) {
		page_free(d->maptrack[i]);
		gnttab_env_charge(d, -1);
	}
	xfree(d->maptrack);
	d->maptrack = NULL;
	d->nr_maptrack_frames = 0;
	d->max_maptrack_frames = 0;
	d->maptrack_free = GNTTAB_NO_HANDLE;
	return true;
}

/*
 * Cache maintenance on a frame @d has mapped through a grant. The maptrack
 * lock keeps the mapping (and its page reference) alive meanwhile.
 * Returns the hook's result, or -EINVAL when @d maps no such frame.
 */
int gnttab_maptrack_flush(struct gnttab_domain *d, mfn_t mfn,
			  unsigned int offset, unsigned int len,
			  unsigned int op)
{
	uint32_t h;
	int rc = -EINVAL;

	spin_lock(&d->maptrack_lock);
	for (h = 0; h < mt_limit(d); h++) {
		struct gnttab_maptrack *e = mt_entry(d, h);

		if (e->state == GNTTAB_MT_LIVE && e->mfn.mfn == mfn.mfn) {
			rc = gnttab_env_cache_flush(mfn, offset, len, op);
			break;
		}
	}
	spin_unlock(&d->maptrack_lock);
	return rc;
}
