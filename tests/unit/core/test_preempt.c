/* SPDX-License-Identifier: MIT */
/*
 * Hypercall continuations through the real dispatch (docs/bounded-time.md):
 * with an interrupt waiting, a long call stops after each unit of work and
 * the guest's re-issued HVC carries on; the guest sees one call.
 */
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/xen.h>

#include "core_host.h"
#include "core_test.h"

#define EXTENTS 64U

TEST(reservation_runs_in_pieces_and_returns_the_whole_count)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct xen_memory_reservation r = { .extent_start = HX_ARG1,
					    .nr_extents = EXTENTS,
					    .domid = DOMID_SELF };
	uint64_t gfns[EXTENTS];

	for (unsigned int i = 0; i < EXTENTS; i++) {
		gfns[i] = HX_GFN(HX_PAGE(32 + i));
	}
	hx_put(d1, HX_ARG1, gfns, sizeof(gfns));
	hx_put(d1, HX_ARG0, &r, sizeof(r));
	host_irq_pending = true;
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_memory_op,
			  XENMEM_decrease_reservation, HX_ARG0, 0),
		  EXTENTS);
	/* One piece per extent: each makes progress, none does more. */
	EXPECT_EQ(d1->vcpus[0]->arch.continuations, EXTENTS - 1);
	EXPECT_EQ(d1->tot_pages, d1->max_pages - EXTENTS);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_memory_op,
			  XENMEM_populate_physmap, HX_ARG0, 0),
		  EXTENTS);
	host_irq_pending = false;
	EXPECT_EQ(d1->tot_pages, d1->max_pages);
	for (unsigned int i = 0; i < EXTENTS; i++) {
		EXPECT_EQ(hx_type(d1, gfns[i]), p2m_ram_rw);
	}
}

TEST(grant_copy_batch_runs_in_pieces)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct gnttab_copy ops[16];

	memcpy(hx_va(d2, HX_PAGE(0)), "sixteen copies..", 16);
	hx_grant(d2, 8, d1->id, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	for (unsigned int i = 0; i < 16; i++) {
		ops[i] = (struct gnttab_copy){
			.source = { .u.ref = 8, .domid = d2->id, .offset = i },
			.dest = { .u.gmfn = HX_GFN(HX_PAGE(1)),
				  .domid = DOMID_SELF,
				  .offset = (uint16_t)(i * 16) },
			.len = 1,
			.flags = GNTCOPY_source_gref,
		};
	}
	hx_put(d1, HX_ARG0, ops, sizeof(ops));
	host_irq_pending = true;
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_grant_table_op,
			  GNTTABOP_copy, HX_ARG0, 16),
		  0);
	host_irq_pending = false;
	EXPECT_GT(d1->vcpus[0]->arch.continuations, 0);
	hx_get(d1, HX_ARG0, ops, sizeof(ops));
	for (unsigned int i = 0; i < 16; i++) {
		EXPECT_EQ(ops[i].status, GNTST_okay);
		EXPECT_EQ(((char *)hx_va(d1, HX_PAGE(1)))[i * 16],
			  "sixteen copies.."[i]);
	}
}
