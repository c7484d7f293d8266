/* SPDX-License-Identifier: MIT */
/*
 * The guest frames event channels keep using (FIFO control blocks and
 * event arrays, registered vcpu_info): which frames qualify, and what
 * happens when the guest gives one back while the hypervisor holds it.
 */
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/xen.h>
#include <sable/page.h>

#include "core_test.h"

static long place(struct domain *d, unsigned int space, uint64_t gfn)
{
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = space,
					.gpfn = gfn };

	return hx_op_in(d, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x,
			sizeof(x), 0);
}

static struct page_state frame(uint64_t maddr)
{
	struct page_state s = { 0 };

	page_state(pa_to_mfn(pa_init(maddr)), &s);
	return s;
}

/*
 * shared_info and a grant-table frame are mapped in the guest's space but
 * are the hypervisor's pages: neither may become a control block, an
 * event array page or a vcpu_info (a reference on them would be dropped
 * at teardown on a page the hypervisor frees itself).
 */
TEST(evtchn_pages_refuse_shared_info_and_grant_frames)
{
	struct domain *d1 = hx_domain(1, 2, false, HX_DOM_MEM);
	uint64_t si = HX_FREE_GFN(0), gt = HX_FREE_GFN(1);

	ASSERT_EQ(place(d1, XENMAPSPACE_shared_info, si), 0);
	ASSERT_EQ(place(d1, XENMAPSPACE_grant_table, gt), 0);
	EXPECT_EQ(hx_evtchn_init_control(d1, si, 0, 0, NULL), -EINVAL);
	EXPECT_EQ(hx_evtchn_init_control(d1, gt, 0, 0, NULL), -EINVAL);
	EXPECT_EQ(hx_vcpu_info_at(d1, 1, si, 0), -EINVAL);
	EXPECT_EQ(hx_vcpu_info_at(d1, 1, gt, 0), -EINVAL);
	ASSERT_EQ(hx_evtchn_init_control(d1, HX_GFN(HX_PAGE(0)), 0, 0, NULL),
		  0);
	EXPECT_EQ(hx_evtchn_expand_array(d1, si), -EINVAL);
	EXPECT_EQ(hx_evtchn_expand_array(d1, gt), -EINVAL);
	EXPECT_TRUE(hx_console_clean());
}

/*
 * The guest balloons out the frames of its control block, event array
 * and vcpu_info while they are in use: each stays referenced (not freed,
 * not handed to anyone), events still land in it, the gfn populated
 * gets another frame once EVTCHNOP_reset has given the FIFO frames back
 * (until then they count against the domain's allowance).
 */
TEST(evtchn_pages_ballooned_out_stay_referenced_until_released)
{
	struct domain *d1 = hx_domain(1, 2, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t p1 = hx_evtchn_unbound(d1, 2);
	uint32_t p2 = hx_evtchn_bind(d2, 1, p1);
	uint64_t cb = hx_maddr(d1, HX_PAGE(0));
	uint64_t arr = hx_maddr(d1, HX_PAGE(1));
	uint64_t vi = hx_maddr(d1, HX_PAGE(2));
	struct evtchn_reset r = { .dom = DOMID_SELF };
	uint32_t word;

	ASSERT_EQ(hx_evtchn_init_control(d1, HX_GFN(HX_PAGE(0)), 0, 0, NULL),
		  0);
	ASSERT_EQ(hx_evtchn_expand_array(d1, HX_GFN(HX_PAGE(1))), 0);
	ASSERT_EQ(hx_vcpu_info_at(d1, 1, HX_GFN(HX_PAGE(2)), 0), 0);
	for (unsigned int i = 0; i < 3; i++) {
		EXPECT_EQ(hx_reserve(d1, XENMEM_decrease_reservation,
				     HX_GFN(HX_PAGE(i))),
			  1);
		EXPECT_EQ(hx_type(d1, HX_GFN(HX_PAGE(i))), p2m_invalid);
	}
	EXPECT_TRUE(frame(cb).refs > 0 && frame(cb).owner == d1->id);
	EXPECT_TRUE(frame(arr).refs > 0 && frame(arr).owner == d1->id);
	EXPECT_TRUE(frame(vi).refs > 0 && frame(vi).owner == d1->id);
	/* Nobody can take a new reference on them. */
	EXPECT_EQ(page_get(pa_to_mfn(pa_init(arr)), d1->id, PGT_ram), -EPERM);
	/* The event goes into the frame the hypervisor still holds. */
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	word = ((uint32_t *)(uintptr_t)arr)[p1];
	EXPECT_TRUE(word & (1U << EVTCHN_FIFO_PENDING));
	EXPECT_EQ(((struct evtchn_fifo_control_block *)(uintptr_t)cb)
			  ->head[EVTCHN_FIFO_PRIORITY_DEFAULT],
		  p1);
	/*
	 * Still held, they count against the domain's allowance (as Xen's
	 * tot_pages): no new frame for the gfn yet.
	 */
	EXPECT_EQ(hx_reserve(d1, XENMEM_populate_physmap, HX_GFN(HX_PAGE(1))),
		  0);
	/* Leaving FIFO lets the control block and array frames go. */
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_event_channel_op, EVTCHNOP_reset,
			   &r, sizeof(r), 0),
		  0);
	EXPECT_EQ(frame(cb).refs, 0);
	EXPECT_EQ(frame(arr).refs, 0);
	/* The gfn comes back with another frame. */
	EXPECT_EQ(hx_reserve(d1, XENMEM_populate_physmap, HX_GFN(HX_PAGE(1))),
		  1);
	EXPECT_NE(hx_maddr(d1, HX_PAGE(1)), arr);
	/* vcpu_info's frame is held until the domain's teardown. */
	EXPECT_TRUE(frame(vi).refs > 0);
	EXPECT_TRUE(hx_console_clean());
}
