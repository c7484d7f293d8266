/* SPDX-License-Identifier: MIT */
/*
 * Grant tables against hostile granters and grantees, through the real
 * hypercall paths and hooks: revocation while mapped (Linux's
 * gnttab_end_foreign_access_ref is a compare-and-swap of the flags that
 * fails while GTF_reading or GTF_writing is set), entries rewritten while
 * pinned, mappings placed over what a gfn already holds, and grant frames
 * placed over one another.
 */
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/xen.h>
#include <sable/page.h>

#include "core_test.h"

#define AT(n) ((HX_FREE_GFN(8) + (uint64_t)(n)) << PAGE_SHIFT)

/* Linux's end of access: clear the flags unless a pin shows. */
static bool end_access(struct domain *d, uint32_t ref)
{
	struct grant_entry_v1 *e;
	uint16_t flags;
	void *va;
	mfn_t mfn;

	ASSERT_EQ(gnttab_get_frame(&d->gnttab, ref / 512, &mfn, &va), 0);
	e = (struct grant_entry_v1 *)va + ref % 512;
	flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
	do {
		if (flags & (GTF_reading | GTF_writing)) {
			return false;
		}
	} while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	return true;
}

static struct grant_entry_v1 *entry(struct domain *d, uint32_t ref)
{
	void *va;
	mfn_t mfn;

	ASSERT_EQ(gnttab_get_frame(&d->gnttab, ref / 512, &mfn, &va), 0);
	return (struct grant_entry_v1 *)va + ref % 512;
}

static uint32_t page_refs(uint64_t maddr)
{
	struct page_state s;

	ASSERT_TRUE(page_state(mfn_init(maddr >> PAGE_SHIFT), &s));
	return s.refs;
}

/* setup_table of @d's own table: the gfn it reports for frame @idx. */
static uint64_t listed_gfn(struct domain *d, unsigned int idx)
{
	struct gnttab_setup_table s = { .dom = DOMID_SELF,
					.nr_frames = idx + 1,
					.frame_list = HX_ARG1 };
	uint64_t gfn = 0;

	ASSERT_EQ(hx_op_in(d, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
			   &s, sizeof(s), 1),
		  0);
	hx_get(d, HX_ARG1 + idx * sizeof(gfn), &gfn, sizeof(gfn));
	return gfn;
}

/* A copy by @d of @len bytes of @granter's @ref into its own page. */
static int16_t copy_from_grant(struct domain *d, domid_t granter, uint32_t ref,
			       uint64_t gfn, uint16_t len)
{
	struct gnttab_copy c = {
		.source = { .u.ref = ref, .domid = granter },
		.dest = { .u.gmfn = gfn, .domid = DOMID_SELF },
		.len = len,
		.flags = GNTCOPY_source_gref,
	};

	ASSERT_EQ(hx_op(d, __HYPERVISOR_grant_table_op, GNTTABOP_copy, &c,
			sizeof(c), 1),
		  0);
	return c.status;
}

/*
 * Read-only and writable mappings of one ref under several handles, and
 * copies meanwhile: the granter cannot end access until the last one goes,
 * GTF_writing goes with the last writer, and the page reference with the
 * last pin.
 */
TEST(gnttab_revocation_fails_until_the_last_mapping_of_a_ref_goes)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint64_t m = hx_maddr(d1, HX_PAGE(0));
	uint32_t ro, rw1, rw2;

	hx_grant(d1, 8, 2, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d2, 1, 8, AT(0), GNTMAP_readonly, &ro),
		  GNTST_okay);
	EXPECT_EQ(hx_grant_flags(d1, 8), GTF_permit_access | GTF_reading);
	ASSERT_EQ(hx_map_grant(d2, 1, 8, AT(1), 0, &rw1), GNTST_okay);
	ASSERT_EQ(hx_map_grant(d2, 1, 8, AT(2), 0, &rw2), GNTST_okay);
	EXPECT_EQ(page_refs(m), 2);
	EXPECT_EQ(copy_from_grant(d2, 1, 8, HX_GFN(HX_PAGE(4)), 64),
		  GNTST_okay);
	EXPECT_FALSE(end_access(d1, 8));
	/* Unmapping with another mapping's address or twice changes nothing. */
	EXPECT_EQ(hx_unmap_grant(d2, AT(2), rw1), GNTST_general_error);
	EXPECT_EQ(hx_unmap_grant(d2, AT(1), rw1), GNTST_okay);
	EXPECT_EQ(hx_unmap_grant(d2, AT(1), rw1), GNTST_bad_handle);
	EXPECT_EQ(hx_type(d2, HX_GFN(AT(2))), p2m_grant_rw);
	EXPECT_FALSE(end_access(d1, 8));
	EXPECT_EQ(hx_unmap_grant(d2, AT(2), rw2), GNTST_okay);
	EXPECT_EQ(hx_grant_flags(d1, 8), GTF_permit_access | GTF_reading);
	EXPECT_FALSE(end_access(d1, 8));
	EXPECT_EQ(page_refs(m), 2);
	EXPECT_EQ(hx_unmap_grant(d2, AT(0), ro), GNTST_okay);
	EXPECT_EQ(page_refs(m), 1);
	EXPECT_TRUE(end_access(d1, 8));
	/* Revoked: neither a map nor a copy gets it now. */
	EXPECT_NE(hx_map_grant(d2, 1, 8, AT(0), GNTMAP_readonly, NULL),
		  GNTST_okay);
	EXPECT_NE(copy_from_grant(d2, 1, 8, HX_GFN(HX_PAGE(4)), 64),
		  GNTST_okay);
	EXPECT_EQ(hx_grant_flags(d1, 8), 0);
	EXPECT_EQ(page_refs(m), 1);
	EXPECT_TRUE(hx_console_clean());
}

/*
 * The granter points a mapped entry at another page: mappings of the
 * pinned grant keep the frame that was pinned; once the last one goes the
 * next mapping reads the entry afresh.
 */
TEST(gnttab_entry_rewritten_while_mapped_keeps_the_pinned_frame)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint64_t a = hx_maddr(d1, HX_PAGE(0)), b = hx_maddr(d1, HX_PAGE(1));
	uint32_t h1, h2;

	hx_grant(d1, 9, 2, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d2, 1, 9, AT(0), 0, &h1), GNTST_okay);
	__atomic_store_n(&entry(d1, 9)->frame, (uint32_t)HX_GFN(HX_PAGE(1)),
			 __ATOMIC_RELEASE);
	ASSERT_EQ(hx_map_grant(d2, 1, 9, AT(1), 0, &h2), GNTST_okay);
	EXPECT_EQ(hx_maddr(d2, AT(1)), a);
	EXPECT_EQ(page_refs(b), 1);
	EXPECT_EQ(hx_unmap_grant(d2, AT(0), h1), GNTST_okay);
	EXPECT_EQ(hx_unmap_grant(d2, AT(1), h2), GNTST_okay);
	EXPECT_EQ(page_refs(a), 1);
	ASSERT_EQ(hx_map_grant(d2, 1, 9, AT(0), 0, &h1), GNTST_okay);
	EXPECT_EQ(hx_maddr(d2, AT(0)), b);
	EXPECT_EQ(page_refs(b), 2);
	/* Rewritten to another grantee: the pin stays d2's alone. */
	__atomic_store_n(&entry(d1, 9)->domid, 3, __ATOMIC_RELEASE);
	hx_domain(3, 1, false, HX_DOM_MEM);
	EXPECT_NE(hx_map_grant(domain_lookup(3), 1, 9, AT(0), 0, NULL),
		  GNTST_okay);
	EXPECT_EQ(hx_unmap_grant(d2, AT(0), h1), GNTST_okay);
	EXPECT_EQ(page_refs(b), 1);
	EXPECT_EQ(hx_grant_flags(d1, 9), GTF_permit_access);
}

/*
 * A page mapped read-only from a read-only place in the granter's map: a
 * writable mapping of the same, pinned, grant must not make it writable.
 */
TEST(gnttab_writable_map_of_a_pinned_read_only_page_refused)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint64_t ro = HX_FREE_GFN(2), page = hx_maddr(d1, HX_PAGE(3));
	struct gnttab_copy c = {
		.source = { .u.gmfn = HX_GFN(HX_PAGE(0)), .domid = DOMID_SELF },
		.dest = { .u.ref = 12, .domid = 1 },
		.len = 8,
		.flags = GNTCOPY_dest_gref,
	};

	spin_lock(&d1->p2m.lock);
	ASSERT_EQ(p2m_map(&d1->p2m, gfn_to_ipa(gfn_init(ro)), pa_init(page),
			  PAGE_SIZE, p2m_ram_ro),
		  0);
	spin_unlock(&d1->p2m.lock);
	hx_grant(d1, 12, 2, ro, GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d2, 1, 12, AT(0), GNTMAP_readonly, NULL),
		  GNTST_okay);
	EXPECT_NE(hx_map_grant(d2, 1, 12, AT(1), 0, NULL), GNTST_okay);
	EXPECT_EQ(hx_type(d2, HX_GFN(AT(1))), p2m_invalid);
	EXPECT_EQ(hx_op(d2, __HYPERVISOR_grant_table_op, GNTTABOP_copy, &c,
			sizeof(c), 1),
		  0);
	EXPECT_NE(c.status, GNTST_okay);
	EXPECT_EQ(hx_grant_flags(d1, 12), GTF_permit_access | GTF_reading);
}

/*
 * A mapping placed where the mapper's own RAM, shared_info or a grant
 * frame was replaces it (the RAM given back, the others placeable again);
 * a foreign mapping stays and the grant is not pinned.
 */
TEST(gnttab_map_over_ram_shared_info_grant_frame_and_foreign_mapping)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct xen_add_to_physmap si = { .domid = DOMID_SELF,
					 .space = XENMAPSPACE_shared_info,
					 .gpfn = HX_GFN(AT(1)) };
	uint64_t own = hx_maddr(d2, HX_PAGE(6)), pages = d2->tot_pages;
	uint64_t far = 0x100000000ULL >> PAGE_SHIFT;
	int32_t err = 1;
	uint32_t h;

	hx_grant(d1, 10, 2, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	hx_grant(d1, 11, 0, HX_GFN(HX_PAGE(1)), GTF_permit_access);
	/* Own RAM: given back, freed (no one else holds it). */
	ASSERT_EQ(hx_map_grant(d2, 1, 10, HX_PAGE(6), 0, &h), GNTST_okay);
	EXPECT_EQ(d2->tot_pages, pages - 1);
	EXPECT_EQ(page_refs(own), 0);
	EXPECT_EQ(hx_unmap_grant(d2, HX_PAGE(6), h), GNTST_okay);
	/* shared_info: may be placed again elsewhere. */
	ASSERT_EQ(hx_op_in(d2, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &si, sizeof(si), 0),
		  0);
	ASSERT_EQ(hx_map_grant(d2, 1, 10, AT(1), 0, &h), GNTST_okay);
	si.gpfn = HX_GFN(AT(2));
	EXPECT_EQ(hx_op_in(d2, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &si, sizeof(si), 0),
		  0);
	EXPECT_EQ(hx_unmap_grant(d2, AT(1), h), GNTST_okay);
	/* A grant frame: reported nowhere, then placeable again. */
	ASSERT_EQ(hx_add_grant_frame(d2, 0, HX_GFN(AT(3))), 0);
	ASSERT_EQ(hx_map_grant(d2, 1, 10, AT(3), 0, &h), GNTST_okay);
	EXPECT_EQ(listed_gfn(d2, 0), GNTTAB_INVALID_GFN);
	EXPECT_EQ(hx_add_grant_frame(d2, 0, HX_GFN(AT(4))), 0);
	EXPECT_EQ(hx_unmap_grant(d2, AT(3), h), GNTST_okay);
	/* A foreign mapping of the control domain stays. */
	ASSERT_EQ(hx_foreign_map(d0, 2, HX_GFN(HX_PAGE(7)), far, &err), 0);
	ASSERT_EQ(err, 0);
	EXPECT_NE(hx_map_grant(d0, 1, 11, far << PAGE_SHIFT, 0, NULL),
		  GNTST_okay);
	EXPECT_EQ(hx_type(d0, far), p2m_foreign_rw);
	EXPECT_EQ(hx_grant_flags(d1, 11), GTF_permit_access);
	EXPECT_EQ(page_refs(hx_maddr(d1, HX_PAGE(1))), 1);
	EXPECT_EQ(hx_grant_flags(d1, 10), GTF_permit_access);
	EXPECT_TRUE(hx_console_clean());
}

/*
 * A grant frame placed where another one is: the one replaced is mapped
 * nowhere now, the one placed is at that gfn (reported there, and not
 * placeable a second time elsewhere).
 */
TEST(gnttab_grant_frame_placed_over_another_is_at_one_gfn)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);

	ASSERT_EQ(hx_add_grant_frame(d1, 0, HX_FREE_GFN(0)), 0);
	ASSERT_EQ(hx_add_grant_frame(d1, 1, HX_FREE_GFN(0)), 0);
	EXPECT_EQ(listed_gfn(d1, 0), GNTTAB_INVALID_GFN);
	EXPECT_EQ(listed_gfn(d1, 1), HX_FREE_GFN(0));
	EXPECT_EQ(hx_add_grant_frame(d1, 1, HX_FREE_GFN(1)), -EBUSY);
	EXPECT_EQ(hx_type(d1, HX_FREE_GFN(1)), p2m_invalid);
	EXPECT_EQ(hx_add_grant_frame(d1, 0, HX_FREE_GFN(1)), 0);
	EXPECT_EQ(listed_gfn(d1, 0), HX_FREE_GFN(1));
}

/* A copy whose source and destination are the same grant, overlapping. */
TEST(gnttab_copy_within_one_grant_and_at_page_edges)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint8_t *p = hx_va(d1, HX_PAGE(0));
	struct gnttab_copy c = {
		.source = { .u.ref = 13, .domid = 1, .offset = 0 },
		.dest = { .u.ref = 13, .domid = 1, .offset = 1 },
		.len = PAGE_SIZE - 1,
		.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref,
	};

	for (unsigned int i = 0; i < PAGE_SIZE; i++) {
		p[i] = (uint8_t)i;
	}
	hx_grant(d1, 13, 2, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	EXPECT_EQ(hx_op(d2, __HYPERVISOR_grant_table_op, GNTTABOP_copy, &c,
			sizeof(c), 1),
		  0);
	EXPECT_EQ(c.status, GNTST_okay);
	EXPECT_EQ(p[0], 0);
	EXPECT_EQ(p[1], 0);
	EXPECT_EQ(p[PAGE_SIZE - 1], (uint8_t)(PAGE_SIZE - 2));
	/* One byte past the end, on either side: nothing happens. */
	c.source.offset = 1;
	c.dest.offset = 0;
	c.len = PAGE_SIZE;
	EXPECT_EQ(hx_op(d2, __HYPERVISOR_grant_table_op, GNTTABOP_copy, &c,
			sizeof(c), 1),
		  0);
	EXPECT_EQ(c.status, GNTST_bad_copy_arg);
	c.source.offset = PAGE_SIZE - 1;
	c.dest.offset = 1;
	c.len = 1;
	EXPECT_EQ(hx_op(d2, __HYPERVISOR_grant_table_op, GNTTABOP_copy, &c,
			sizeof(c), 1),
		  0);
	EXPECT_EQ(c.status, GNTST_okay);
	EXPECT_EQ(p[1], (uint8_t)(PAGE_SIZE - 2));
	EXPECT_EQ(hx_grant_flags(d1, 13), GTF_permit_access);
	EXPECT_TRUE(end_access(d1, 13));
	EXPECT_EQ(page_refs(hx_maddr(d1, HX_PAGE(0))), 1);
}

/* A domU sets up no other domain's table and learns nothing of it. */
TEST(gnttab_setup_table_of_another_domain_refused_for_a_domu)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct gnttab_setup_table s = { .dom = 2,
					.nr_frames = 8,
					.frame_list = HX_ARG1 };
	uint64_t untouched = 0x1234;

	hx_put(d1, HX_ARG1, &untouched, sizeof(untouched));
	EXPECT_EQ(hx_op(d1, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
			&s, sizeof(s), 1),
		  0);
	EXPECT_EQ(s.status, GNTST_permission_denied);
	EXPECT_EQ(gnttab_nr_frames(&d2->gnttab), 1);
	hx_get(d1, HX_ARG1, &untouched, sizeof(untouched));
	EXPECT_EQ(untouched, 0x1234);
}

/* Refs of @d from @first, @n of them, still pinned (GTF_reading shows). */
static unsigned int still_pinned(struct domain *d, uint32_t first,
				 unsigned int n)
{
	unsigned int pinned = 0;

	for (uint32_t ref = first; ref < first + n; ref++) {
		pinned += (hx_grant_flags(d, ref) & GTF_reading) != 0;
	}
	return pinned;
}

/*
 * A destroyed domain with thousands of grant mappings gives them back in
 * pieces, one at each quiescent point, not all in one long stretch of
 * hypervisor time; every granter's entry is clear in the end.
 */
TEST(gnttab_mappings_of_a_destroyed_domain_go_in_pieces)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	const unsigned int n = 2000, first = 16;
	unsigned int left = n, steps = 0, now;

	for (unsigned int i = 0; i < n; i++) {
		hx_grant(d1, first + i, 2, HX_GFN(HX_PAGE(0)),
			 GTF_permit_access | GTF_readonly);
		ASSERT_EQ(hx_map_grant(d2, 1, first + i, AT(i), GNTMAP_readonly,
				       NULL),
			  GNTST_okay);
	}
	EXPECT_EQ(still_pinned(d1, first, n), n);
	hx_set_current(d0->vcpus[0]);
	EXPECT_EQ(domain_destroy(d2), 0);
	while (left && steps < 1000) {
		host_cpu_select(steps++ % HX_NR_CPUS);
		domain_quiescent();
		now = still_pinned(d1, first, n);
		EXPECT_LE(left - now, GNTTAB_RELEASE_PIECE);
		left = now;
	}
	EXPECT_EQ(left, 0);
	EXPECT_GT(steps, n / GNTTAB_RELEASE_PIECE);
	host_quiesce_all();
	EXPECT_TRUE(domain_lookup(2) == NULL);
	EXPECT_EQ(page_refs(hx_maddr(d1, HX_PAGE(0))), 1);
	EXPECT_TRUE(hx_console_clean());
}
