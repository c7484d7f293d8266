// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: random sequences of grant, revoke, map, unmap, copy,
 * cache flush, swap, domain death and rebirth among four fake domains,
 * all through gnttab_hypercall(). After every step it checks:
 *  - every live mapping still has its permission: the entry permits access
 *    to the mapper, is marked reading (and writing and not read-only for
 *    RW mappings), so the granter's end-access cannot have succeeded;
 *  - GTF_reading/GTF_writing match the mappings held (copies are transient);
 *  - every stage 2 grant entry belongs to a mapping the model knows;
 *  - page reference counts equal the allocation reference plus one per
 *    pinned grant, and everything is freed once all domains are destroyed.
 * An input whose first byte is odd also lets granters scribble on pinned
 * entries (as a hostile guest may); then only the crash, flag and
 * reference checks apply.
 */
#include <stdlib.h>
#include <string.h>

#include <sable/errno.h>

#include "fake_env.h"
#include "gnttab.h"

#define NDOMS 4
#define NREFS 16
#define NSLOTS 8
#define MAX_MAPS 512

struct model_map {
	bool live;
	uint8_t mapper, granter;
	uint32_t mapper_gen, granter_gen;
	uint32_t ref, handle;
	uint64_t ipa;
	bool ro;
	mfn_t mfn;
};

static struct fake_dom *doms[NDOMS];
static uint32_t gen[NDOMS];
static struct model_map maps[MAX_MAPS];
static bool hostile;

struct input {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct input *in, uint32_t range)
{
	uint32_t v;

	if (in->n == 0) {
		return 0;
	}
	v = *in->p++;
	in->n--;
	return range ? v % range : v;
}

static uint64_t slot_ipa(uint32_t slot)
{
	return 0x80000000ULL + ((uint64_t)slot << 12);
}

static void create(unsigned int i)
{
	if (doms[i] || fake_live_pages() + FAKE_RAM_PAGES > 56) {
		return;
	}
	doms[i] = fake_dom_create((domid_t)i, 2, 1, i == 0);
	if (!doms[i]) {
		abort();
	}
	gen[i]++;
}

static void destroy(unsigned int i)
{
	unsigned int k;

	if (!doms[i]) {
		return;
	}
	fake_dom_destroy(doms[i]);
	doms[i] = NULL;
	for (k = 0; k < MAX_MAPS; k++) {
		if (maps[k].live && maps[k].mapper == i) {
			maps[k].live = false;
		}
	}
}

static bool granter_alive(const struct model_map *m)
{
	return doms[m->granter] && gen[m->granter] == m->granter_gen;
}

static long call(unsigned int caller, unsigned int cmd, void *op)
{
	return gnttab_hypercall(&doms[caller]->gd, cmd, (uint64_t)(uintptr_t)op,
				1);
}

static void do_grant(struct input *in)
{
	unsigned int g = take(in, NDOMS), ref = take(in, NREFS);
	domid_t grantee = (domid_t)take(in, NDOMS + 1);
	uint64_t gfn = fake_gfn(take(in, FAKE_RAM_PAGES + 1));
	uint16_t flags = (uint16_t)take(in, 0);
	struct grant_entry_v1 *e;

	if (!doms[g]) {
		return;
	}
	e = fake_entry(doms[g], ref);
	/* A guest only reuses an entry its end-access freed. */
	if (e->flags & (GTF_reading | GTF_writing)) {
		return;
	}
	flags &= GTF_type_mask | GTF_readonly | GTF_sub_page;
	if (flags & 0x80) {
		flags = GTF_permit_access;
	}
	e->frame = (uint32_t)gfn;
	e->domid = grantee;
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

static void do_scribble(struct input *in)
{
	unsigned int g = take(in, NDOMS), ref = take(in, NREFS);
	uint32_t v = take(in, 0) | (take(in, 0) << 8);
	struct grant_entry_v1 *e;
	uint16_t keep = GTF_reading | GTF_writing;

	if (!hostile || !doms[g]) {
		return;
	}
	e = fake_entry(doms[g], ref);
	__atomic_store_n(&e->flags,
			 (uint16_t)((e->flags & keep) | (v & ~keep & 0x1ff)),
			 __ATOMIC_RELEASE);
	e->domid = (domid_t)take(in, NDOMS);
	e->frame = (uint32_t)fake_gfn(take(in, FAKE_RAM_PAGES + 1));
}

static void do_revoke(struct input *in)
{
	unsigned int g = take(in, NDOMS), ref = take(in, NREFS);

	if (doms[g]) {
		fake_end_access(doms[g], ref);
	}
}

static void do_map(struct input *in)
{
	unsigned int m = take(in, NDOMS), g = take(in, NDOMS + 1);
	struct gnttab_map_grant_ref op = { 0 };
	uint32_t sel = take(in, 0);
	unsigned int k;

	op.ref = take(in, NREFS + 1);
	op.host_addr = slot_ipa(take(in, NSLOTS));
	op.flags = GNTMAP_host_map | ((sel & 1) ? GNTMAP_readonly : 0);
	if ((sel & 0xe0) == 0xe0) {
		op.flags ^= 1U << (sel & 7); /* odd flags */
	}
	op.dom = (domid_t)g;
	if (!doms[m] || call(m, GNTTABOP_map_grant_ref, &op) != 0) {
		return;
	}
	if (op.status != GNTST_okay) {
		return;
	}
	for (k = 0; k < MAX_MAPS && maps[k].live; k++) {
	}
	if (k == MAX_MAPS) {
		abort();
	}
	maps[k] = (struct model_map){ true,
				      (uint8_t)m,
				      (uint8_t)g,
				      gen[m],
				      gen[g],
				      op.ref,
				      op.handle,
				      op.host_addr,
				      (op.flags & GNTMAP_readonly) != 0,
				      pa_to_mfn(pa_init(op.dev_bus_addr)) };
}

static void do_unmap(struct input *in)
{
	unsigned int k = take(in, 0) * 2 % MAX_MAPS, tries;
	uint32_t sel = take(in, 0);
	struct gnttab_unmap_grant_ref op = { 0 };
	struct model_map *m = NULL;

	for (tries = 0; tries < MAX_MAPS; tries++, k = (k + 1) % MAX_MAPS) {
		if (maps[k].live) {
			m = &maps[k];
			break;
		}
	}
	if (!m) {
		return;
	}
	op.handle = m->handle;
	op.host_addr = m->ipa;
	if ((sel & 0xc0) == 0xc0) {
		op.handle ^= sel & 0x3f; /* maybe someone else's */
	} else if ((sel & 0xc0) == 0x80) {
		op.host_addr ^= 0x1000;
	}
	if (call(m->mapper, GNTTABOP_unmap_grant_ref, &op) != 0) {
		abort();
	}
	if (op.status == GNTST_okay) {
		for (k = 0; k < MAX_MAPS; k++) {
			if (maps[k].live && maps[k].mapper == m->mapper &&
			    maps[k].handle == op.handle) {
				maps[k].live = false;
			}
		}
	}
}

static void copy_side(struct input *in, struct gnttab_copy_ptr *p,
		      uint16_t *flags, uint16_t bit)
{
	uint32_t sel = take(in, 0);

	p->offset = (uint16_t)(take(in, 0) << 4);
	if (sel & 1) {
		*flags |= bit;
		p->u.ref = take(in, NREFS + 1);
		p->domid = (domid_t)take(in, NDOMS + 1);
	} else {
		p->u.gmfn = fake_gfn(take(in, FAKE_RAM_PAGES + 1));
		p->domid = (sel & 2) ? (domid_t)take(in, NDOMS) : DOMID_SELF;
	}
}

static void do_copy(struct input *in)
{
	unsigned int c = take(in, NDOMS);
	struct gnttab_copy op = { 0 };

	copy_side(in, &op.source, &op.flags, GNTCOPY_source_gref);
	copy_side(in, &op.dest, &op.flags, GNTCOPY_dest_gref);
	op.len = (uint16_t)(take(in, 0) << 4 | take(in, 16));
	if (doms[c] && call(c, GNTTABOP_copy, &op) != 0) {
		abort();
	}
}

static void do_misc(struct input *in)
{
	unsigned int c = take(in, NDOMS), what = take(in, 4);
	struct gnttab_cache_flush f = { 0 };
	struct gnttab_swap_grant_ref s = { 0 };
	struct gnttab_query_size q = { 0 };
	unsigned int o;
	mfn_t mfn;
	void *va;

	if (!doms[c]) {
		return;
	}
	switch (what) {
	case 0:
		o = take(in, NDOMS);
		f.a.dev_bus_addr =
			mfn_to_pa(fake_gfn_mfn(doms[o] ? doms[o] : doms[c],
					       fake_gfn(take(in, 8))))
				.pa;
		f.length = 64;
		f.op = GNTTAB_CACHE_CLEAN;
		call(c, GNTTABOP_cache_flush, &f);
		break;
	case 1:
		s.ref_a = take(in, NREFS);
		s.ref_b = take(in, NREFS);
		call(c, GNTTABOP_swap_grant_ref, &s);
		break;
	case 2:
		q.dom = (domid_t)take(in, NDOMS);
		call(c, GNTTABOP_query_size, &q);
		break;
	default:
		gnttab_get_frame(&doms[c]->gd, take(in, 3), &mfn, &va);
		break;
	}
}

static void fail(const char *why)
{
	(void)why;
	abort();
}

/* Expected references: allocation + one per pinned grant on that page. */
static void check_refs(void)
{
	unsigned int k, j, i;

	for (i = 0; i < NDOMS; i++) {
		for (j = 0; doms[i] && j < FAKE_RAM_PAGES; j++) {
			mfn_t mfn = fake_gfn_mfn(doms[i], fake_gfn(j));
			int want = 1;

			for (k = 0; k < MAX_MAPS; k++) {
				unsigned int o;
				bool first = true;

				if (!maps[k].live ||
				    maps[k].mfn.mfn != mfn.mfn) {
					continue;
				}
				for (o = 0; o < k; o++) {
					if (maps[o].live &&
					    maps[o].granter ==
						    maps[k].granter &&
					    maps[o].granter_gen ==
						    maps[k].granter_gen &&
					    maps[o].ref == maps[k].ref) {
						first = false;
					}
				}
				want += first;
			}
			if (fake_page_refs(mfn) != want) {
				fail("page refs");
			}
		}
	}
}

static void check_flags(void)
{
	unsigned int g, ref, k;

	for (g = 0; g < NDOMS; g++) {
		for (ref = 0; doms[g] && ref < NREFS; ref++) {
			uint16_t fl = fake_entry(doms[g], ref)->flags;
			unsigned int rd = 0, wr = 0;

			for (k = 0; k < MAX_MAPS; k++) {
				if (maps[k].live && maps[k].granter == g &&
				    maps[k].granter_gen == gen[g] &&
				    maps[k].ref == ref) {
					rd++;
					wr += !maps[k].ro;
				}
			}
			if (!!(fl & GTF_reading) != !!rd ||
			    !!(fl & GTF_writing) != !!wr) {
				fail("status flags");
			}
		}
	}
}

static void check_maps(void)
{
	unsigned int k, i, s;

	for (k = 0; k < MAX_MAPS; k++) {
		const struct model_map *m = &maps[k];
		struct grant_entry_v1 *e;

		if (!m->live || !granter_alive(m) || hostile) {
			continue;
		}
		e = fake_entry(doms[m->granter], m->ref);
		if ((e->flags & GTF_type_mask) != GTF_permit_access ||
		    e->domid != m->mapper || !(e->flags & GTF_reading) ||
		    e->frame < FAKE_GFN_BASE ||
		    e->frame >= FAKE_GFN_BASE + FAKE_RAM_PAGES ||
		    fake_gfn_mfn(doms[m->granter], e->frame).mfn !=
			    m->mfn.mfn) {
			fail("mapping without permission");
		}
		if (!m->ro &&
		    ((e->flags & GTF_readonly) || !(e->flags & GTF_writing))) {
			fail("writable mapping of a read-only grant");
		}
	}
	/* Every stage 2 grant entry is a mapping we know. */
	for (i = 0; i < NDOMS; i++) {
		for (s = 0; doms[i] && s < FAKE_S2_SLOTS; s++) {
			const struct fake_s2 *e = &doms[i]->s2[s];
			bool found = false;

			for (k = 0; e->used && k < MAX_MAPS; k++) {
				found |= maps[k].live && maps[k].mapper == i &&
					 maps[k].ipa == e->ipa &&
					 maps[k].mfn.mfn == e->mfn.mfn &&
					 maps[k].ro == e->readonly;
			}
			if (e->used && !found) {
				fail("unknown stage 2 mapping");
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned int i, steps = 0;

	memset(maps, 0, sizeof(maps));
	memset(doms, 0, sizeof(doms));
	fake_reset();
	hostile = take(&in, 2) == 1;
	for (i = 0; i < NDOMS; i++) {
		create(i);
	}
	while (in.n > 0 && steps++ < 2000) {
		switch (take(&in, 10)) {
		case 0:
		case 1:
			do_grant(&in);
			break;
		case 2:
			do_revoke(&in);
			break;
		case 3:
		case 4:
			do_map(&in);
			break;
		case 5:
			do_unmap(&in);
			break;
		case 6:
			do_copy(&in);
			break;
		case 7:
			if (take(&in, 4) == 0) {
				destroy(take(&in, NDOMS));
			} else {
				create(take(&in, NDOMS));
			}
			break;
		case 8:
			do_scribble(&in);
			break;
		default:
			do_misc(&in);
			break;
		}
		if (fake_open_frame_maps() != 0) {
			fail("frame left mapped");
		}
		check_flags();
		check_maps();
		check_refs();
	}
	for (i = 0; i < NDOMS; i++) {
		destroy(i);
	}
	if (fake_live_pages() != 0) {
		fail("pages leaked");
	}
	return 0;
}
