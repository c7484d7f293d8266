/* SPDX-License-Identifier: MIT */
/*
 * The balloon operations with hostile lists: orders, slots that are not
 * holes or not the domain's RAM, the top of the IPA space, the allowance
 * reached in the middle of a list (the extents done are returned, as
 * Xen does), and frames the hypervisor still references.
 */
#include <errno.h>
#include <string.h>

#include <public/event_channel.h>
#include <public/memory.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <sable/mm.h>
#include <sable/page.h>

#include "core_test.h"
#include "domu.h"

#define FAR_GFN (0x100000000ULL >> PAGE_SHIFT)

/* memory_op @op by vCPU 0 of @d on @n gfns with @order. */
static long reserve_list(struct domain *d, unsigned int op,
			 const uint64_t *gfns, unsigned int n,
			 unsigned int order)
{
	struct xen_memory_reservation r = { .extent_start = HX_ARG1,
					    .nr_extents = n,
					    .extent_order = order,
					    .domid = DOMID_SELF };

	hx_put(d, HX_ARG1, gfns, n * sizeof(*gfns));
	hx_put(d, HX_ARG0, &r, sizeof(r));
	return hx_call(d->vcpus[0], __HYPERVISOR_memory_op, op, HX_ARG0, 0);
}

TEST(reservation_refuses_orders_and_every_slot_but_holes_and_own_ram)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = XENMAPSPACE_shared_info,
					.gpfn = FAR_GFN + 8 };
	const uint64_t bad[] = {
		HX_GFN(GUEST_GICD_BASE),
		HX_GFN(GUEST_PL011_BASE),
		FAR_GFN + 8,
		FAR_GFN + 9,
		P2M_IPA_LIMIT >> PAGE_SHIFT,
		~0ULL,
	};
	uint64_t gfn = HX_GFN(HX_PAGE(0));

	ASSERT_EQ(vpl011_init(d1), 0); /* as the domU builder */
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  0);
	/* A grant frame beside it. */
	x.space = XENMAPSPACE_grant_table;
	x.gpfn = FAR_GFN + 9;
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  0);
	/* Orders above 0: neither way. */
	EXPECT_EQ(reserve_list(d1, XENMEM_decrease_reservation, &gfn, 1, 1),
		  -EINVAL);
	EXPECT_EQ(reserve_list(d1, XENMEM_populate_physmap, &gfn, 1, 9),
		  -EINVAL);
	EXPECT_EQ(hx_type(d1, gfn), p2m_ram_rw);
	/* Room for one page; then nothing but a hole takes it. */
	EXPECT_EQ(reserve_list(d1, XENMEM_decrease_reservation, &gfn, 1, 0), 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(reserve_list(d1, XENMEM_populate_physmap, &bad[i], 1,
				       0),
			  0);
		EXPECT_EQ(reserve_list(d1, XENMEM_increase_reservation, &bad[i],
				       1, 0),
			  0);
		/* Nor is any of them the domain's RAM to give back. */
		EXPECT_EQ(reserve_list(d1, XENMEM_decrease_reservation, &bad[i],
				       1, 0),
			  0);
	}
	EXPECT_EQ(hx_va(d1, (FAR_GFN + 8) << PAGE_SHIFT), (void *)d1->shinfo);
	EXPECT_EQ(hx_type(d1, FAR_GFN + 9), p2m_ram_rw);
	EXPECT_EQ(d1->tot_pages, d1->max_pages - 1);
	EXPECT_TRUE(hx_console_clean());
}

/* The allowance runs out in the middle of a list: the extents done. */
TEST(populate_reaching_max_pages_mid_list_reports_what_it_did)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	const uint64_t out[] = { HX_GFN(HX_PAGE(0)), HX_GFN(HX_PAGE(1)) };
	const uint64_t in[] = { FAR_GFN, FAR_GFN + 1, FAR_GFN + 2 };
	uint64_t twice[] = { HX_GFN(HX_PAGE(5)), HX_GFN(HX_PAGE(5)) };

	EXPECT_EQ(reserve_list(d1, XENMEM_decrease_reservation, out, 2, 0), 2);
	EXPECT_EQ(reserve_list(d1, XENMEM_populate_physmap, in, 3, 0), 2);
	EXPECT_EQ(hx_type(d1, FAR_GFN + 1), p2m_ram_rw);
	EXPECT_EQ(hx_type(d1, FAR_GFN + 2), p2m_invalid);
	EXPECT_EQ(d1->tot_pages, d1->max_pages);
	/* The same gfn twice: given back once. */
	EXPECT_EQ(reserve_list(d1, XENMEM_decrease_reservation, twice, 2, 0),
		  1);
	EXPECT_EQ(d1->tot_pages, d1->max_pages - 1);
	/* More extents than a call may name. */
	EXPECT_EQ(reserve_list(d1, XENMEM_populate_physmap, twice, 1, 0), 1);
	{
		struct xen_memory_reservation r = {
			.extent_start = HX_ARG1,
			.nr_extents = (1UL << 20) + 1,
			.domid = DOMID_SELF,
		};

		hx_put(d1, HX_ARG0, &r, sizeof(r));
		EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_memory_op,
				  XENMEM_decrease_reservation, HX_ARG0, 0),
			  -EINVAL);
		/* Another domain's reservation: the toolstack's. */
		r.nr_extents = 1;
		r.domid = 2;
		hx_put(d1, HX_ARG0, &r, sizeof(r));
		EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_memory_op,
				  XENMEM_decrease_reservation, HX_ARG0, 0),
			  -EPERM);
	}
}

/*
 * The page a registered vcpu_info lives on, given back: out of the
 * domain's map, still the hypervisor's to write, not freed nor given to
 * anyone, and counted against the domain until its last reference goes.
 */
TEST(ballooned_vcpu_info_page_stays_out_of_the_allocator)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	uint64_t gfn = HX_GFN(HX_PAGE(2)), far = FAR_GFN;
	uint64_t m = hx_maddr(d1, HX_PAGE(2));
	struct page_state ps;

	ASSERT_EQ(hx_vcpu_info_at(d1, 0, gfn, 64), 0);
	EXPECT_EQ(reserve_list(d1, XENMEM_decrease_reservation, &gfn, 1, 0), 1);
	EXPECT_EQ(hx_type(d1, gfn), p2m_invalid);
	ASSERT_TRUE(page_state(mfn_init(m >> PAGE_SHIFT), &ps));
	EXPECT_EQ(ps.refs, 1);
	EXPECT_EQ(ps.owner, d1->id);
	EXPECT_FALSE(ps.allocated);
	/* Neither its gfn nor another brings a new page meanwhile. */
	EXPECT_EQ(reserve_list(d1, XENMEM_populate_physmap, &far, 1, 0), 0);
	EXPECT_EQ(reserve_list(d1, XENMEM_populate_physmap, &gfn, 1, 0), 0);
	EXPECT_TRUE(hx_console_clean());
}

/* A grant frame index is 64 bits: one past 2^32 is not frame 0. */
TEST(add_to_physmap_grant_frame_index_is_not_truncated)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = XENMAPSPACE_grant_table,
					.idx = 1ULL << 32,
					.gpfn = HX_FREE_GFN(0) };

	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  -EINVAL);
	EXPECT_EQ(hx_type(d1, HX_FREE_GFN(0)), p2m_invalid);
	x.idx = 0;
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  0);
}

/*
 * The FIFO control block and event array pages, ballooned out while
 * registered: still written by the hypervisor, never freed nor given to
 * another domain, until EVTCHNOP_reset lets them go.
 */
TEST(ballooned_fifo_pages_live_until_the_reset)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t p1 = hx_evtchn_unbound(d1, 2);
	uint32_t p2 = hx_evtchn_bind(d2, 1, p1);
	const uint64_t gfns[] = { HX_GFN(HX_PAGE(0)), HX_GFN(HX_PAGE(1)) };
	uint64_t m0 = hx_maddr(d1, HX_PAGE(0)), m1 = hx_maddr(d1, HX_PAGE(1));
	uint64_t far = FAR_GFN, free0;
	struct evtchn_reset r = { .dom = DOMID_SELF };
	struct page_state ps;
	uint8_t link_bits = 0;
	uint32_t word;

	ASSERT_EQ(hx_evtchn_init_control(d1, gfns[0], 64, 0, &link_bits), 0);
	ASSERT_EQ(hx_evtchn_expand_array(d1, gfns[1]), 0);
	/* Stage-2 tables the unmap takes or gives count as free. */
	free0 = mm_free_count() + d1->p2m.nr_tables;
	EXPECT_EQ(reserve_list(d1, XENMEM_decrease_reservation, gfns, 2, 0), 2);
	EXPECT_EQ(mm_free_count() + d1->p2m.nr_tables, free0);
	/* Another domain's new page is neither of them. */
	EXPECT_EQ(reserve_list(d2, XENMEM_decrease_reservation, gfns, 1, 0), 1);
	EXPECT_EQ(reserve_list(d2, XENMEM_populate_physmap, &far, 1, 0), 1);
	EXPECT_NE(hx_maddr(d2, FAR_GFN << PAGE_SHIFT), m0);
	EXPECT_NE(hx_maddr(d2, FAR_GFN << PAGE_SHIFT), m1);
	/* Events still land in the old array frame. */
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	memcpy(&word, (const void *)(uintptr_t)(m1 + p1 * 4), sizeof(word));
	EXPECT_TRUE(word & (1U << EVTCHN_FIFO_PENDING));
	ASSERT_TRUE(page_state(mfn_init(m0 >> PAGE_SHIFT), &ps));
	EXPECT_FALSE(ps.allocated);
	EXPECT_EQ(ps.refs, 1);
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_event_channel_op, EVTCHNOP_reset,
			   &r, sizeof(r), 0),
		  0);
	ASSERT_TRUE(page_state(mfn_init(m0 >> PAGE_SHIFT), &ps));
	EXPECT_EQ(ps.refs, 0);
	ASSERT_TRUE(page_state(mfn_init(m1 >> PAGE_SHIFT), &ps));
	EXPECT_EQ(ps.refs, 0);
	EXPECT_TRUE(hx_console_clean());
}

/*
 * A grant frame placed over another one: the one replaced is free to be
 * placed again, the new one is at its gfn and nowhere else.
 */
TEST(grant_frame_placed_over_another_is_still_placed_once)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	void *va0, *va1;
	mfn_t mfn;

	ASSERT_EQ(hx_add_grant_frame(d1, 0, HX_FREE_GFN(0)), 0);
	ASSERT_EQ(hx_add_grant_frame(d1, 1, HX_FREE_GFN(0)), 0);
	ASSERT_EQ(gnttab_get_frame(&d1->gnttab, 0, &mfn, &va0), 0);
	ASSERT_EQ(gnttab_get_frame(&d1->gnttab, 1, &mfn, &va1), 0);
	EXPECT_TRUE(hx_va(d1, HX_FREE_GFN(0) << PAGE_SHIFT) == va1);
	/* Frame 1 is at gfn 0 and may not be placed a second time. */
	EXPECT_EQ(hx_add_grant_frame(d1, 1, HX_FREE_GFN(1)), -EBUSY);
	EXPECT_EQ(hx_type(d1, HX_FREE_GFN(1)), p2m_invalid);
	/* Frame 0 went: placed again, once. */
	EXPECT_EQ(hx_add_grant_frame(d1, 0, HX_FREE_GFN(2)), 0);
	EXPECT_TRUE(hx_va(d1, HX_FREE_GFN(2) << PAGE_SHIFT) == va0);
	EXPECT_EQ(hx_add_grant_frame(d1, 0, HX_FREE_GFN(3)), -EBUSY);
}

/*
 * The top of the IPA space: the last gfn below it takes a page, and its
 * tables go back to the budget with it; the limit and beyond do not.
 */
TEST(shared_info_at_the_top_of_the_ipa_space_and_beyond)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	const uint64_t last = (P2M_IPA_LIMIT >> PAGE_SHIFT) - 1;
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = XENMAPSPACE_shared_info };
	struct xen_remove_from_physmap r = { .domid = DOMID_SELF };
	uint64_t tables = d1->p2m.nr_tables;
	const uint64_t beyond[] = { last + 1, 1ULL << 52, ~0ULL };

	for (unsigned int i = 0; i < ARRAY_SIZE(beyond); i++) {
		x.gpfn = beyond[i];
		EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op,
				   XENMEM_add_to_physmap, &x, sizeof(x), 0),
			  -EINVAL);
		r.gpfn = beyond[i];
		EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op,
				   XENMEM_remove_from_physmap, &r, sizeof(r),
				   0),
			  -EINVAL);
	}
	EXPECT_EQ(d1->p2m.nr_tables, tables);
	x.gpfn = last;
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  0);
	EXPECT_EQ(hx_va(d1, last << PAGE_SHIFT), (void *)d1->shinfo);
	EXPECT_GT(d1->p2m.nr_tables, tables);
	r.gpfn = last;
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op,
			   XENMEM_remove_from_physmap, &r, sizeof(r), 0),
		  0);
	EXPECT_EQ(d1->p2m.nr_tables, tables);
	EXPECT_EQ(hx_type(d1, last), p2m_invalid);
}

/*
 * What a domU may not do to its map at all: move its own pages (gmfn,
 * gmfn_range with any size), map device memory, exchange extents.
 */
TEST(add_to_physmap_moves_device_memory_and_exchange_are_not_offered)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	const unsigned int spaces[] = { XENMAPSPACE_gmfn,
					XENMAPSPACE_gmfn_range,
					XENMAPSPACE_gmfn_foreign,
					XENMAPSPACE_dev_mmio, 0xffffffffu };
	uint64_t tables = d1->p2m.nr_tables;

	for (unsigned int i = 0; i < ARRAY_SIZE(spaces); i++) {
		struct xen_add_to_physmap x = {
			.domid = DOMID_SELF,
			.size = 0xffff,
			.space = spaces[i],
			.idx = HX_GFN(HX_PAGE(0)),
			.gpfn = FAR_GFN,
		};

		EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op,
				   XENMEM_add_to_physmap, &x, sizeof(x), 0),
			  -ENOSYS);
		x.idx = ~0ULL;
		x.gpfn = (P2M_IPA_LIMIT >> PAGE_SHIFT) - 1;
		EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op,
				   XENMEM_add_to_physmap, &x, sizeof(x), 0),
			  -ENOSYS);
	}
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_memory_op,
			  11 /* exchange */, HX_ARG0, 0),
		  -ENOSYS);
	EXPECT_EQ(hx_type(d1, FAR_GFN), p2m_invalid);
	EXPECT_EQ(hx_type(d1, HX_GFN(HX_PAGE(0))), p2m_ram_rw);
	EXPECT_EQ(d1->p2m.nr_tables, tables);
}
