/* SPDX-License-Identifier: MIT */
/*
 * The contracts of the environment hooks (evtchn/evtchn_env.h,
 * grant-tables/gnttab_env.h, grant-tables/gnttab.h), asserted through the
 * real hypercall paths and the real hooks of hypervisor/core/dom_env.c.
 * Each test is named contract_<behaviour>.
 *
 * "Grant-mapped" below: a gfn of the caller at which it mapped another
 * domain's grant (p2m_grant_rw/ro). Such a frame is not the caller's RAM.
 */
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/xen.h>

#include "core_test.h"

#define MAPPED_AT (HX_FREE_GFN(8) << PAGE_SHIFT)

/* d1 maps d2's page HX_PAGE(0) at MAPPED_AT (read-only if @ro). */
static void map_foreign(struct domain *d1, struct domain *d2, bool ro)
{
	hx_grant(d2, 8, d1->id, HX_GFN(HX_PAGE(0)),
		 GTF_permit_access | (ro ? GTF_readonly : 0));
	ASSERT_EQ(hx_map_grant(d1, d2->id, 8, MAPPED_AT,
			       ro ? GNTMAP_readonly : 0, NULL),
		  GNTST_okay);
	ASSERT_EQ(hx_type(d1, HX_GFN(MAPPED_AT)),
		  ro ? p2m_grant_ro : p2m_grant_rw);
}

/*
 * gnttab.h, gnttab_set_frame_gfn(): "*old gets the previous gfn" is an
 * out-parameter the caller must supply; XENMEM_add_to_physmap of a grant
 * frame maps the frame and reports it in setup_table.
 */
TEST(contract_add_to_physmap_of_a_grant_frame_maps_it)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct gnttab_setup_table s = { .dom = DOMID_SELF,
					.nr_frames = 1,
					.frame_list = HX_ARG1 };
	uint64_t listed = 0;
	void *va;
	mfn_t mfn;

	EXPECT_EQ(hx_add_grant_frame(d1, 0, HX_FREE_GFN(0)), 0);
	ASSERT_EQ(gnttab_get_frame(&d1->gnttab, 0, &mfn, &va), 0);
	EXPECT_TRUE(hx_va(d1, HX_FREE_GFN(0) << PAGE_SHIFT) == va);
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_grant_table_op,
			   GNTTABOP_setup_table, &s, sizeof(s), 1),
		  0);
	hx_get(d1, HX_ARG1, &listed, sizeof(listed));
	EXPECT_EQ(listed, HX_FREE_GFN(0));
}

/*
 * A frame appears at one gfn only: placed again only once removed (-EBUSY
 * before, as Xen 4.17 answers), then at its new place alone.
 */
TEST(contract_add_to_physmap_of_a_grant_frame_again_drops_the_old_gfn)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct xen_remove_from_physmap x = { .domid = DOMID_SELF,
					     .gpfn = HX_FREE_GFN(0) };

	EXPECT_EQ(hx_add_grant_frame(d1, 0, HX_FREE_GFN(0)), 0);
	EXPECT_EQ(hx_add_grant_frame(d1, 0, HX_FREE_GFN(1)), -EBUSY);
	EXPECT_EQ(hx_add_grant_frame(d1, 0, HX_FREE_GFN(0)), -EBUSY);
	EXPECT_EQ(hx_type(d1, HX_FREE_GFN(1)), p2m_invalid);
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op,
			   XENMEM_remove_from_physmap, &x, sizeof(x), 0),
		  0);
	EXPECT_EQ(hx_add_grant_frame(d1, 0, HX_FREE_GFN(1)), 0);
	EXPECT_EQ(hx_type(d1, HX_FREE_GFN(1)), p2m_ram_rw);
	EXPECT_EQ(hx_type(d1, HX_FREE_GFN(0)), p2m_invalid);
}

/* gnttab_env.h, get_page: fails "for ... foreign or grant-mapped gfns". */
TEST(contract_gnttab_map_refuses_a_grant_mapped_gfn)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct domain *d3 = hx_domain(3, 1, false, HX_DOM_MEM);

	map_foreign(d1, d2, false);
	/* d1 passes d2's page on as if it were its own. */
	hx_grant(d1, 20, 3, HX_GFN(MAPPED_AT), GTF_permit_access);
	EXPECT_NE(
		hx_map_grant(d3, 1, 20, HX_FREE_GFN(0) << PAGE_SHIFT, 0, NULL),
		GNTST_okay);
	EXPECT_EQ(hx_type(d3, HX_FREE_GFN(0)), p2m_invalid);
}

TEST(contract_gnttab_map_refuses_a_readonly_grant_mapped_gfn)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct domain *d3 = hx_domain(3, 1, false, HX_DOM_MEM);

	map_foreign(d1, d2, true);
	hx_grant(d1, 21, 3, HX_GFN(MAPPED_AT),
		 GTF_permit_access | GTF_readonly);
	EXPECT_NE(hx_map_grant(d3, 1, 21, HX_FREE_GFN(0) << PAGE_SHIFT,
			       GNTMAP_readonly, NULL),
		  GNTST_okay);
	EXPECT_EQ(hx_type(d3, HX_FREE_GFN(0)), p2m_invalid);
}

/* The same hook behind GNTTABOP_copy's local (gmfn) side. */
TEST(contract_gnttab_copy_refuses_a_grant_mapped_local_gfn)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct gnttab_copy c = {
		.source = { .u.gmfn = HX_GFN(MAPPED_AT), .domid = DOMID_SELF },
		.dest = { .u.gmfn = HX_GFN(HX_PAGE(5)), .domid = DOMID_SELF },
		.len = 8,
	};

	map_foreign(d1, d2, false);
	EXPECT_EQ(hx_op(d1, __HYPERVISOR_grant_table_op, GNTTABOP_copy, &c,
			sizeof(c), 1),
		  0);
	EXPECT_NE(c.status, GNTST_okay);
}

/* evtchn_env.h, map_gfn: "NULL if @gfn is not a RAM page @d owns". */
TEST(contract_evtchn_fifo_refuses_a_grant_mapped_gfn)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct evtchn_init_control ic = { .control_gfn = HX_GFN(MAPPED_AT) };
	struct evtchn_expand_array ea = { .array_gfn = HX_GFN(MAPPED_AT) };

	map_foreign(d1, d2, false);
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_event_channel_op,
			   EVTCHNOP_init_control, &ic, sizeof(ic), 0),
		  -EINVAL);
	ic.control_gfn = HX_GFN(HX_PAGE(1));
	ASSERT_EQ(hx_op_in(d1, __HYPERVISOR_event_channel_op,
			   EVTCHNOP_init_control, &ic, sizeof(ic), 0),
		  0);
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_event_channel_op,
			   EVTCHNOP_expand_array, &ea, sizeof(ea), 0),
		  -EINVAL);
}

/*
 * gnttab_env.h, get_owned_page: "-EPERM unless a RAM page owned by d";
 * GNTTABOP_cache_flush then accepts only frames the caller maps through a
 * grant (else -EINVAL for the call), and nothing is cleaned.
 */
TEST(contract_cache_flush_refuses_another_domains_ram)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct host_dcache_stats before, after;

	host_dcache_stats(&before);
	EXPECT_EQ(hx_cache_flush(d2, hx_maddr(d1, HX_PAGE(0)), 0, 64,
				 GNTTAB_CACHE_CLEAN),
		  -EINVAL);
	host_dcache_stats(&after);
	EXPECT_EQ(after.calls, before.calls);
}

TEST(contract_cache_flush_refuses_hypervisor_and_device_frames)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct host_dcache_stats before, after;

	host_dcache_stats(&before);
	/* Another domain's shared_info, a p2m table root, a device. */
	EXPECT_EQ(hx_cache_flush(d1, (uint64_t)(uintptr_t)d2->shinfo, 0, 64,
				 GNTTAB_CACHE_CLEAN),
		  -EINVAL);
	EXPECT_EQ(hx_cache_flush(d1, p2m_root_pa(&d2->p2m).pa, 0, 64,
				 GNTTAB_CACHE_CLEAN),
		  -EINVAL);
	EXPECT_EQ(hx_cache_flush(d1, HX_UART, 0, 64, GNTTAB_CACHE_CLEAN),
		  -EINVAL);
	host_dcache_stats(&after);
	EXPECT_EQ(after.calls, before.calls);
	EXPECT_EQ(after.outside_ram, 0);
}
