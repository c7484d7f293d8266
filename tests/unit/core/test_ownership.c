/* SPDX-License-Identifier: MIT */
/*
 * Page ownership and references through the real hypercall paths and
 * hooks (docs/security.md): a frame a domain gives back lives exactly as
 * long as somebody holds a reference, foreign mappings are the control
 * domain's and hold a reference, stage-2 budgets fail only their owner.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <public/grant_table.h>
#include <public/memory.h>
#include <public/xen.h>
#include <sable/mm.h>
#include <sable/page.h>

#include "core_test.h"
#include "sched_arch.h"

#define MAPPED_AT (HX_FREE_GFN(8) << PAGE_SHIFT)
#define FAR_GFN (0x100000000ULL >> PAGE_SHIFT)

/*
 * Free pages, counting every domain's stage-2 tables as free: mapping and
 * unmapping take and give back tables of their own.
 */
static uint64_t free_pages(void)
{
	uint64_t n = mm_free_count();

	for (domid_t id = 0; id < 8; id++) {
		struct domain *d = domain_lookup(id);

		n += d ? d->p2m.nr_tables : 0;
	}
	return n;
}

static bool page_is_zero(uint64_t maddr)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)maddr;

	for (size_t i = 0; i < PAGE_SIZE; i++) {
		if (p[i]) {
			return false;
		}
	}
	return true;
}

/*
 * A freed frame goes back dirty, counted free: idle pCPUs scrub it (the
 * allocator would scrub it for whoever took it first).
 */
static bool scrubbed_when_idle(uint64_t maddr)
{
	struct page_state ps;

	if (!page_state(mfn_init(maddr >> PAGE_SHIFT), &ps) || ps.refs) {
		return false;
	}
	while (mm_scrub_some(MM_SCRUB_PIECE)) {
	}
	return page_is_zero(maddr);
}

TEST(ballooned_frame_is_scrubbed_and_freed)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	uint64_t m = hx_maddr(d1, HX_PAGE(3));
	uint64_t free0 = free_pages();

	memset(hx_va(d1, HX_PAGE(3)), 0x3c, PAGE_SIZE);
	EXPECT_EQ(
		hx_reserve(d1, XENMEM_decrease_reservation, HX_GFN(HX_PAGE(3))),
		1);
	EXPECT_EQ(free_pages(), free0 + 1);
	EXPECT_TRUE(scrubbed_when_idle(m));
	EXPECT_EQ(d1->tot_pages, d1->max_pages - 1);
	/* Back within its allowance, zeroed; not beyond it. */
	EXPECT_EQ(hx_reserve(d1, XENMEM_populate_physmap, HX_GFN(HX_PAGE(3))),
		  1);
	EXPECT_TRUE(page_is_zero(hx_maddr(d1, HX_PAGE(3))));
	EXPECT_EQ(hx_reserve(d1, XENMEM_populate_physmap, FAR_GFN), 0);
	EXPECT_EQ(hx_type(d1, FAR_GFN), p2m_invalid);
}

TEST(granted_frame_outlives_its_release_until_the_last_unmap)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint64_t m = hx_maddr(d2, HX_PAGE(0));
	uint32_t handle;
	uint64_t free0;

	memset(hx_va(d2, HX_PAGE(0)), 0x42, PAGE_SIZE);
	hx_grant(d2, 8, d1->id, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d1, d2->id, 8, MAPPED_AT, 0, &handle),
		  GNTST_okay);
	free0 = free_pages();
	/* The owner balloons it out while d1 maps it: not freed yet. */
	EXPECT_EQ(
		hx_reserve(d2, XENMEM_decrease_reservation, HX_GFN(HX_PAGE(0))),
		1);
	EXPECT_EQ(free_pages(), free0);
	EXPECT_EQ(*(uint8_t *)hx_va(d1, MAPPED_AT), 0x42);
	/* Nobody can take a new reference on it. */
	EXPECT_EQ(page_get(mfn_init(m >> PAGE_SHIFT), d2->id, PGT_ram), -EPERM);
	EXPECT_EQ(hx_unmap_grant(d1, MAPPED_AT, handle), GNTST_okay);
	EXPECT_EQ(free_pages(), free0 + 1);
	EXPECT_TRUE(scrubbed_when_idle(m));
	EXPECT_TRUE(hx_console_clean());
}

/*
 * A frame given back while another domain maps it still counts against
 * its owner's allowance until it is freed (as Xen's tot_pages): else the
 * owner could populate a new frame for each one a grant keeps alive.
 */
TEST(released_frame_still_mapped_counts_against_its_owner)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t handle;

	hx_grant(d2, 8, d1->id, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d1, d2->id, 8, MAPPED_AT, 0, &handle),
		  GNTST_okay);
	EXPECT_EQ(
		hx_reserve(d2, XENMEM_decrease_reservation, HX_GFN(HX_PAGE(0))),
		1);
	EXPECT_EQ(hx_reserve(d2, XENMEM_populate_physmap, HX_GFN(HX_PAGE(0))),
		  0);
	EXPECT_EQ(hx_type(d2, HX_GFN(HX_PAGE(0))), p2m_invalid);
	/* Freed with the last unmap: the allowance is back. */
	EXPECT_EQ(hx_unmap_grant(d1, MAPPED_AT, handle), GNTST_okay);
	EXPECT_EQ(hx_reserve(d2, XENMEM_populate_physmap, HX_GFN(HX_PAGE(0))),
		  1);
	EXPECT_EQ(hx_reserve(d2, XENMEM_populate_physmap, FAR_GFN), 0);
}

TEST(frame_of_a_grant_mapping_is_not_the_mappers_ram)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);

	hx_grant(d2, 8, d1->id, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d1, d2->id, 8, MAPPED_AT, 0, NULL), GNTST_okay);
	/* Neither balloon nor remove takes a grant mapping away. */
	EXPECT_EQ(
		hx_reserve(d1, XENMEM_decrease_reservation, HX_GFN(MAPPED_AT)),
		0);
	EXPECT_EQ(hx_remove_gfn(d1, HX_GFN(MAPPED_AT)), -EBUSY);
	EXPECT_EQ(hx_type(d1, HX_GFN(MAPPED_AT)), p2m_grant_rw);
	/* Nor does another mapping over it. */
	hx_grant(d2, 9, d1->id, HX_GFN(HX_PAGE(1)), GTF_permit_access);
	EXPECT_NE(hx_map_grant(d1, d2->id, 9, MAPPED_AT, 0, NULL), GNTST_okay);
	EXPECT_EQ(hx_maddr(d1, MAPPED_AT), hx_maddr(d2, HX_PAGE(0)));
}

TEST(foreign_mapping_is_the_control_domains_and_holds_a_reference)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint64_t m = hx_maddr(d1, HX_PAGE(4));
	int32_t err = 1;
	uint64_t free0;

	memset(hx_va(d1, HX_PAGE(4)), 0x17, PAGE_SIZE);
	/* A domU: refused for the entry. */
	EXPECT_EQ(hx_foreign_map(d2, d1->id, HX_GFN(HX_PAGE(4)), FAR_GFN, &err),
		  0);
	EXPECT_EQ(err, -EPERM);
	EXPECT_EQ(hx_type(d2, FAR_GFN), p2m_invalid);
	/* Unknown domain, own domain, unpopulated frame. */
	EXPECT_EQ(hx_foreign_map(d0, 40, 0, FAR_GFN, &err), -ESRCH);
	EXPECT_EQ(hx_foreign_map(d0, d0->id, 0, FAR_GFN, &err), -EINVAL);
	EXPECT_EQ(hx_foreign_map(d0, d1->id, FAR_GFN, FAR_GFN, &err), 0);
	EXPECT_EQ(err, -EINVAL);
	/* The control domain maps it; the owner's release waits for it. */
	EXPECT_EQ(hx_foreign_map(d0, d1->id, HX_GFN(HX_PAGE(4)), FAR_GFN, &err),
		  0);
	EXPECT_EQ(err, 0);
	EXPECT_EQ(hx_type(d0, FAR_GFN), p2m_foreign_rw);
	EXPECT_EQ(hx_maddr(d0, FAR_GFN << PAGE_SHIFT), m);
	/* A foreign frame is not the mapper's: it cannot be granted on. */
	hx_grant(d0, 8, d2->id, FAR_GFN, GTF_permit_access);
	EXPECT_NE(hx_map_grant(d2, d0->id, 8, MAPPED_AT, 0, NULL), GNTST_okay);
	free0 = free_pages();
	EXPECT_EQ(
		hx_reserve(d1, XENMEM_decrease_reservation, HX_GFN(HX_PAGE(4))),
		1);
	EXPECT_EQ(free_pages(), free0);
	EXPECT_EQ(*(uint8_t *)hx_va(d0, FAR_GFN << PAGE_SHIFT), 0x17);
	EXPECT_EQ(hx_remove_gfn(d0, FAR_GFN), 0);
	EXPECT_EQ(hx_type(d0, FAR_GFN), p2m_invalid);
	EXPECT_EQ(free_pages(), free0 + 1);
	EXPECT_TRUE(scrubbed_when_idle(m));
}

/* Populate far apart until the budget says no: only that domain fails. */
TEST(stage2_budget_fails_only_its_domain)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	unsigned int out = 0, in = 0;

	for (unsigned int i = 0; i < 400; i++) {
		out += hx_reserve(d1, XENMEM_decrease_reservation,
				  HX_GFN(HX_PAGE(16 + i))) == 1;
	}
	EXPECT_EQ(out, 400);
	for (unsigned int i = 0; i < 400; i++) {
		if (hx_reserve(d1, XENMEM_populate_physmap,
			       FAR_GFN + (uint64_t)i * (1ULL << 18)) != 1) {
			break;
		}
		in++;
	}
	EXPECT_LT(in, 400);
	EXPECT_GT(in, 16);
	EXPECT_LE(d1->p2m.nr_tables, d1->p2m.max_tables);
	/* d1's grant maps now fail too; d2 is untouched. */
	hx_grant(d2, 8, d1->id, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	hx_grant(d2, 9, d2->id, HX_GFN(HX_PAGE(1)), GTF_permit_access);
	EXPECT_NE(hx_map_grant(d1, d2->id, 8, (900ULL << 30), 0, NULL),
		  GNTST_okay);
	EXPECT_EQ(hx_map_grant(d2, d2->id, 9, (900ULL << 30), 0, NULL),
		  GNTST_okay);
	EXPECT_NE(hx_evtchn_unbound(d2, d1->id), 0);
	EXPECT_TRUE(hx_console_clean());
}

TEST(shared_info_is_placed_once_until_removed)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = XENMAPSPACE_shared_info,
					.gpfn = HX_FREE_GFN(3) };

	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  0);
	for (unsigned int i = 0; i < 100; i++) {
		x.gpfn = FAR_GFN + (uint64_t)i * 512;
		EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op,
				   XENMEM_add_to_physmap, &x, sizeof(x), 0),
			  -EBUSY);
	}
	EXPECT_EQ(d1->p2m.nr_tables, d1->p2m.peak_tables);
	EXPECT_EQ(hx_remove_gfn(d1, HX_FREE_GFN(3)), 0);
	x.gpfn = FAR_GFN;
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  0);
	EXPECT_EQ(hx_type(d1, HX_FREE_GFN(3)), p2m_invalid);
	EXPECT_EQ(hx_va(d1, FAR_GFN << PAGE_SHIFT), (void *)d1->shinfo);
	/* Not over an emulated device window. */
	EXPECT_EQ(hx_remove_gfn(d1, FAR_GFN), 0);
	x.gpfn = HX_GFN(GUEST_GICD_BASE);
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  -EINVAL);
}

TEST(psci_cpu_on_of_one_vcpu_has_one_winner)
{
	struct domain *d1 = hx_domain(1, 3, false, HX_DOM_MEM);

	EXPECT_EQ(sched_power_on(d1->vcpus[2], GUEST_RAM_BASE, 1), 0);
	EXPECT_EQ(sched_power_on(d1->vcpus[2], GUEST_RAM_BASE, 2), -EEXIST);
	EXPECT_EQ(d1->vcpus[2]->state, VCPU_RUNNABLE);
}

/*
 * Two pCPUs race PSCI CPU_ON of one vCPU for real: two threads, each a
 * pCPU of its own, meet at a barrier and call the real sched_power_on()
 * at once; in every round exactly one wins, the target's registers are
 * set once and it is queued once. The first thread checks each round and
 * puts the target back to "never started" for the next.
 */
#define CPU_ON_ROUNDS 20000

struct cpu_on_race {
	struct vcpu *target;
	unsigned int arrived; /* barrier arrivals, two per phase */
	long rc[2];
	unsigned int bad; /* rounds without exactly one winner */
};

/* Put @v back to "never started", off its queue. */
static void cpu_on_reset(struct vcpu *v)
{
	struct pcpu *c = pcpu_get(v->pcpu);

	spin_lock(&c->rq_lock);
	sched_rq_remove(c, v);
	v->state = VCPU_OFFLINE;
	spin_unlock(&c->rq_lock);
}

static void cpu_on_racer(struct cpu_on_race *r, unsigned int self)
{
	struct vcpu *t = r->target;
	struct pcpu *home = pcpu_get(t->pcpu);

	host_cpu_select(self);
	for (unsigned int round = 1; round <= CPU_ON_ROUNDS; round++) {
		unsigned int inits = t->arch.inits;

		hx_race_barrier(&r->arrived, 3 * round - 2);
		r->rc[self] = sched_power_on(t, GUEST_RAM_BASE, round);
		hx_race_barrier(&r->arrived, 3 * round - 1);
		if (self == 0) {
			spin_lock(&home->rq_lock);
			r->bad += (r->rc[0] == 0) == (r->rc[1] == 0) ||
				  r->rc[0] + r->rc[1] != -EEXIST ||
				  t->arch.inits != inits + 1 ||
				  t->state != VCPU_RUNNABLE || !t->on_rq;
			spin_unlock(&home->rq_lock);
			cpu_on_reset(t);
		}
		hx_race_barrier(&r->arrived, 3 * round);
	}
}

static void *cpu_on_second(void *arg)
{
	cpu_on_racer(arg, 1);
	return NULL;
}

TEST(psci_cpu_on_raced_by_two_pcpus_has_one_winner_each_round)
{
	struct domain *d1 = hx_domain(1, 3, false, HX_DOM_MEM);
	struct cpu_on_race r = { .target = d1->vcpus[2] };
	pthread_t th;

	ASSERT_TRUE(HX_NR_CPUS >= 2);
	ASSERT_EQ(pthread_create(&th, NULL, cpu_on_second, &r), 0);
	cpu_on_racer(&r, 0);
	pthread_join(th, NULL);
	EXPECT_EQ(r.bad, 0);
}

static long acquire(struct domain *d, struct xen_mem_acquire_resource *r)
{
	long rc;

	rc = hx_op(d, __HYPERVISOR_memory_op, XENMEM_acquire_resource, r,
		   sizeof(*r), 0);
	return rc;
}

TEST(acquire_resource_maps_grant_frames_for_the_control_domain_only)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint64_t gfns[2] = { FAR_GFN, FAR_GFN + 1 };
	struct xen_mem_acquire_resource r = {
		.domid = d1->id,
		.type = XENMEM_resource_grant_table,
		.id = XENMEM_resource_grant_table_id_shared,
	};
	struct page_state s;
	mfn_t m;
	void *va;

	/* The size: how many frames d1's table may have. */
	EXPECT_EQ(acquire(d0, &r), 0);
	EXPECT_EQ(r.nr_frames, gnttab_max_frames(&d1->gnttab));
	/* Not for a domU, not past the table, not status frames. */
	r.nr_frames = 2;
	r.frame_list = hx_arg(d0, 1);
	hx_put(d0, hx_arg(d0, 1), gfns, sizeof(gfns));
	hx_put(d2, hx_arg(d2, 1), gfns, sizeof(gfns));
	r.frame_list = hx_arg(d2, 1);
	EXPECT_EQ(acquire(d2, &r), -EPERM);
	r.frame_list = hx_arg(d0, 1);
	r.frame = gnttab_max_frames(&d1->gnttab) - 1;
	EXPECT_EQ(acquire(d0, &r), -EINVAL);
	r.frame = 0;
	r.id = XENMEM_resource_grant_table_id_status;
	EXPECT_EQ(acquire(d0, &r), -EINVAL);
	r.id = XENMEM_resource_grant_table_id_shared;
	r.type = 0;
	EXPECT_EQ(acquire(d0, &r), -EOPNOTSUPP);
	r.type = XENMEM_resource_grant_table;
	/* Two frames of d1's table in dom0: dom0 sees d1's entries. */
	hx_grant(d1, 8, d2->id, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	EXPECT_EQ(acquire(d0, &r), 0);
	EXPECT_EQ(r.flags, 0);
	EXPECT_EQ(hx_type(d0, FAR_GFN), p2m_foreign_rw);
	EXPECT_EQ(((struct grant_entry_v1 *)hx_va(d0, FAR_GFN << PAGE_SHIFT))[8]
			  .domid,
		  d2->id);
	ASSERT_EQ(gnttab_get_frame(&d1->gnttab, 0, &m, &va), 0);
	ASSERT_TRUE(page_state(m, &s));
	EXPECT_EQ(s.owner, d1->id);
	EXPECT_EQ(s.type, PGT_shared);
	EXPECT_EQ(s.refs, 2); /* the table's, dom0's mapping */
	/* A grant frame is never a grant source or a FIFO page. */
	EXPECT_EQ(page_get(m, d1->id, PGT_ram), -EPERM);
	EXPECT_EQ(hx_remove_gfn(d0, FAR_GFN), 0);
	EXPECT_EQ(hx_remove_gfn(d0, FAR_GFN + 1), 0);
	ASSERT_TRUE(page_state(m, &s));
	EXPECT_EQ(s.refs, 1);
	EXPECT_TRUE(hx_console_clean());
}

/* A failure part-way leaves nothing mapped. */
TEST(acquire_resource_is_all_or_nothing)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	uint64_t gfns[3] = { FAR_GFN, FAR_GFN + 1, HX_GFN(GUEST_GICD_BASE) };
	struct xen_mem_acquire_resource r = {
		.domid = d1->id,
		.type = XENMEM_resource_grant_table,
		.id = XENMEM_resource_grant_table_id_shared,
		.nr_frames = 3,
		.frame_list = hx_arg(d0, 1),
	};

	hx_put(d0, hx_arg(d0, 1), gfns, sizeof(gfns));
	EXPECT_NE(acquire(d0, &r), 0);
	EXPECT_EQ(hx_type(d0, FAR_GFN), p2m_invalid);
	EXPECT_EQ(hx_type(d0, FAR_GFN + 1), p2m_invalid);
}
