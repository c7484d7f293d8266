/* SPDX-License-Identifier: MIT */
/*
 * Grant tables through the real hypercall path and the real hooks of
 * dom_env.c: table set-up, mapping into the mapper's stage 2, guest access
 * through a read-only grant mapping, copy, cache maintenance, and what
 * get_page refuses (unpopulated, MMIO, read-only for writing).
 */
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/xen.h>

#include "core_test.h"

#define MAP_AT (HX_FREE_GFN(4) << PAGE_SHIFT)

TEST(gnttab_setup_table_and_query_size)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct gnttab_setup_table s = { .dom = DOMID_SELF,
					.nr_frames = 2,
					.frame_list = HX_ARG1 };
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	uint64_t gfns[2];

	EXPECT_EQ(hx_op(d1, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
			&s, sizeof(s), 1),
		  0);
	EXPECT_EQ(s.status, GNTST_okay);
	hx_get(d1, HX_ARG1, gfns, sizeof(gfns));
	EXPECT_EQ(gfns[0], GNTTAB_INVALID_GFN);
	EXPECT_EQ(gfns[1], GNTTAB_INVALID_GFN);
	EXPECT_EQ(hx_op(d1, __HYPERVISOR_grant_table_op, GNTTABOP_query_size,
			&q, sizeof(q), 1),
		  0);
	EXPECT_EQ(q.nr_frames, 2);
	/* Another domain's table: privileged callers only. */
	hx_domain(2, 1, false, HX_DOM_MEM);
	q.dom = 2;
	EXPECT_EQ(hx_op(d1, __HYPERVISOR_grant_table_op, GNTTABOP_query_size,
			&q, sizeof(q), 1),
		  0);
	EXPECT_EQ(q.status, GNTST_permission_denied);
}

TEST(gnttab_map_shares_the_granted_page_and_unmap_removes_it)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t handle;
	char *mine;

	hx_grant(d1, 8, 2, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d2, 1, 8, MAP_AT, 0, &handle), GNTST_okay);
	EXPECT_EQ(hx_type(d2, HX_GFN(MAP_AT)), p2m_grant_rw);
	EXPECT_EQ(hx_maddr(d2, MAP_AT), hx_maddr(d1, HX_PAGE(0)));
	EXPECT_TRUE(hx_grant_flags(d1, 8) & GTF_writing);
	mine = hx_va(d2, MAP_AT);
	memcpy(mine, "from d2", 8);
	EXPECT_MEMEQ(hx_va(d1, HX_PAGE(0)), "from d2", 8);
	EXPECT_EQ(hx_unmap_grant(d2, MAP_AT, handle), GNTST_okay);
	EXPECT_EQ(hx_type(d2, HX_GFN(MAP_AT)), p2m_invalid);
	EXPECT_FALSE(hx_grant_flags(d1, 8) & (GTF_writing | GTF_reading));
	/* The handle is gone. */
	EXPECT_NE(hx_unmap_grant(d2, MAP_AT, handle), GNTST_okay);
}

TEST(gnttab_readonly_mapping_refuses_hypervisor_writes_through_it)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct gnttab_query_size q = { .dom = DOMID_SELF };

	hx_grant(d1, 9, 2, HX_GFN(HX_PAGE(0)),
		 GTF_permit_access | GTF_readonly);
	EXPECT_EQ(hx_map_grant(d2, 1, 9, MAP_AT, 0, NULL), GNTST_general_error);
	ASSERT_EQ(hx_map_grant(d2, 1, 9, MAP_AT, GNTMAP_readonly, NULL),
		  GNTST_okay);
	EXPECT_EQ(hx_type(d2, HX_GFN(MAP_AT)), p2m_grant_ro);
	/* query_size reads its argument there but cannot write it back. */
	memcpy(hx_va(d1, HX_PAGE(0)), &q, sizeof(q));
	EXPECT_EQ(hx_call(d2->vcpus[0], __HYPERVISOR_grant_table_op,
			  GNTTABOP_query_size, MAP_AT, 1),
		  -EFAULT);
}

TEST(gnttab_map_of_an_unpopulated_or_mmio_gfn_fails)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint64_t mmio = HX_FREE_GFN(1), ro = HX_FREE_GFN(2);
	uint64_t page = hx_maddr(d1, HX_PAGE(3));

	spin_lock(&d1->p2m.lock);
	ASSERT_EQ(p2m_map(&d1->p2m, gfn_to_ipa(gfn_init(mmio)),
			  pa_init(HX_UART), PAGE_SIZE, p2m_mmio),
		  0);
	ASSERT_EQ(p2m_map(&d1->p2m, gfn_to_ipa(gfn_init(ro)), pa_init(page),
			  PAGE_SIZE, p2m_ram_ro),
		  0);
	spin_unlock(&d1->p2m.lock);
	hx_grant(d1, 10, 2, HX_FREE_GFN(0), GTF_permit_access);
	hx_grant(d1, 11, 2, mmio, GTF_permit_access);
	hx_grant(d1, 12, 2, ro, GTF_permit_access);
	EXPECT_NE(hx_map_grant(d2, 1, 10, MAP_AT, 0, NULL), GNTST_okay);
	EXPECT_NE(hx_map_grant(d2, 1, 11, MAP_AT, 0, NULL), GNTST_okay);
	EXPECT_NE(hx_map_grant(d2, 1, 12, MAP_AT, 0, NULL), GNTST_okay);
	EXPECT_EQ(hx_type(d2, HX_GFN(MAP_AT)), p2m_invalid);
	/* A read-only p2m page may be granted and mapped read-only. */
	EXPECT_EQ(hx_map_grant(d2, 1, 12, MAP_AT, GNTMAP_readonly, NULL),
		  GNTST_okay);
	EXPECT_FALSE(hx_grant_flags(d1, 10) & (GTF_reading | GTF_writing));
	EXPECT_TRUE(hx_console_clean());
}

TEST(gnttab_copy_from_a_grant_into_own_page)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct gnttab_copy c = {
		.source = { .u.ref = 13, .domid = 1, .offset = 16 },
		.dest = { .u.gmfn = HX_GFN(HX_PAGE(5)),
			  .domid = DOMID_SELF,
			  .offset = 100 },
		.len = 11,
		.flags = GNTCOPY_source_gref,
	};

	memcpy((char *)hx_va(d1, HX_PAGE(0)) + 16, "hello grant", 11);
	hx_grant(d1, 13, 2, HX_GFN(HX_PAGE(0)),
		 GTF_permit_access | GTF_readonly);
	EXPECT_EQ(hx_op(d2, __HYPERVISOR_grant_table_op, GNTTABOP_copy, &c,
			sizeof(c), 1),
		  0);
	EXPECT_EQ(c.status, GNTST_okay);
	EXPECT_MEMEQ((char *)hx_va(d2, HX_PAGE(5)) + 100, "hello grant", 11);
	/* Writing into the read-only grant is refused. */
	c.source = (struct gnttab_copy_ptr){ .u.gmfn = HX_GFN(HX_PAGE(5)),
					     .domid = DOMID_SELF };
	c.dest = (struct gnttab_copy_ptr){ .u.ref = 13, .domid = 1 };
	c.flags = GNTCOPY_dest_gref;
	EXPECT_EQ(hx_op(d2, __HYPERVISOR_grant_table_op, GNTTABOP_copy, &c,
			sizeof(c), 1),
		  0);
	EXPECT_NE(c.status, GNTST_okay);
}

TEST(gnttab_cache_flush_of_own_ram_and_of_a_mapped_grant)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct host_dcache_stats st;

	EXPECT_EQ(hx_cache_flush(d1, hx_maddr(d1, HX_PAGE(0)), 64, 128,
				 GNTTAB_CACHE_CLEAN),
		  0);
	host_dcache_stats(&st);
	EXPECT_EQ(st.last_va, hx_maddr(d1, HX_PAGE(0)) + 64);
	EXPECT_EQ(st.last_len, 128);
	EXPECT_EQ(st.outside_ram, 0);
	hx_grant(d1, 14, 2, HX_GFN(HX_PAGE(1)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d2, 1, 14, MAP_AT, 0, NULL), GNTST_okay);
	EXPECT_EQ(hx_cache_flush(d2, hx_maddr(d1, HX_PAGE(1)), 0, 4096,
				 GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL),
		  0);
	host_dcache_stats(&st);
	EXPECT_EQ(st.last_va, hx_maddr(d1, HX_PAGE(1)));
	/* Bad ranges and ops end the call. */
	EXPECT_EQ(hx_cache_flush(d1, hx_maddr(d1, HX_PAGE(0)), 4000, 200,
				 GNTTAB_CACHE_CLEAN),
		  -EINVAL);
	EXPECT_EQ(hx_cache_flush(d1, hx_maddr(d1, HX_PAGE(0)), 0, 8, 1U << 5),
		  -EINVAL);
}

TEST(gnttab_add_to_physmap_of_shared_info_maps_the_page)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = XENMAPSPACE_shared_info,
					.gpfn = HX_FREE_GFN(0) };

	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  0);
	EXPECT_TRUE(hx_va(d1, HX_FREE_GFN(0) << PAGE_SHIFT) ==
		    (void *)d1->shinfo);
	x.idx = 1;
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  -EINVAL);
	x = (struct xen_add_to_physmap){ .domid = 2,
					 .space = XENMAPSPACE_shared_info };
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  -EPERM);
}
