/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's pause and destroy (docs/lifecycle.md) through the real
 * scheduler, modules and hooks: counted pause of vCPUs on other pCPUs,
 * wake-ups kept while paused, teardown of everything a domain holds, the
 * dying state while another domain references its frames, the final free
 * after a grace period, and exact memory accounting over many cycles.
 * domain_pause/unpause/destroy are called as dom0's vCPU would reach them
 * from its control hypercall.
 */
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <sable/mm.h>
#include <sable/page.h>

#include "core_test.h"

#define MAP_AT (HX_FREE_GFN(8) << PAGE_SHIFT)
#define FAR_GFN (0x100000000ULL >> PAGE_SHIFT)

static bool on_queue(struct vcpu *v)
{
	for (struct vcpu *q = pcpu_get(v->pcpu)->rq_head; q; q = q->rq_next) {
		if (q == v) {
			return true;
		}
	}
	return false;
}

/* The toolstack's calls, made by dom0's vCPU 0. */
static int as_dom0(struct domain *d0, int (*op)(struct domain *),
		   struct domain *d)
{
	hx_set_current(d0->vcpus[0]);
	return op(d);
}

static uint32_t bind_virq_dom_exc(struct domain *d0)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC };

	ASSERT_EQ(hx_op(d0, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq,
			&bv, sizeof(bv), 0),
		  0);
	return bv.port;
}

static bool port_pending(struct domain *d, uint32_t port)
{
	return __atomic_load_n(&d->shinfo->evtchn_pending[port / 64],
			       __ATOMIC_RELAXED) &
	       (1ULL << (port % 64));
}

static void clear_pending(struct domain *d, uint32_t port)
{
	__atomic_and_fetch(&d->shinfo->evtchn_pending[port / 64],
			   ~(1ULL << (port % 64)), __ATOMIC_RELAXED);
}

static long evtchn_status(struct domain *d, uint32_t port,
			  struct evtchn_status *st)
{
	long rc;

	*st = (struct evtchn_status){ .dom = DOMID_SELF, .port = port };
	rc = hx_op(d, __HYPERVISOR_event_channel_op, EVTCHNOP_status, st,
		   sizeof(*st), 0);
	return rc;
}

static long evtchn_close(struct domain *d, uint32_t port)
{
	struct evtchn_close c = { .port = port };

	return hx_op_in(d, __HYPERVISOR_event_channel_op, EVTCHNOP_close, &c,
			sizeof(c), 0);
}

static long place_shared_info(struct domain *d, uint64_t gfn)
{
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = XENMAPSPACE_shared_info,
					.gpfn = gfn };

	return hx_op_in(d, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x,
			sizeof(x), 0);
}

static long setup_table(struct domain *d, uint32_t frames)
{
	struct gnttab_setup_table s = { .dom = DOMID_SELF,
					.nr_frames = frames,
					.frame_list = HX_ARG1 };

	return hx_op_in(d, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
			&s, sizeof(s), 1);
}

/* ---- pause ---------------------------------------------------------------- */

TEST(pause_is_counted_and_refused_for_the_callers_domain)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct vcpu *v = d1->vcpus[0];

	sched_add_vcpu(v);
	ASSERT_TRUE(on_queue(v));
	EXPECT_EQ(as_dom0(d0, domain_unpause, d1), -EINVAL);
	EXPECT_EQ(as_dom0(d0, domain_pause, d1), 0);
	EXPECT_EQ(d1->pause_count, 1);
	EXPECT_FALSE(on_queue(v));
	EXPECT_EQ(as_dom0(d0, domain_pause, d1), 0);
	EXPECT_EQ(d1->pause_count, 2);
	EXPECT_EQ(as_dom0(d0, domain_unpause, d1), 0);
	EXPECT_FALSE(on_queue(v));
	EXPECT_EQ(hx_run_pcpu(v->pcpu, NULL), HOST_IDLE);
	EXPECT_EQ(as_dom0(d0, domain_unpause, d1), 0);
	EXPECT_EQ(d1->pause_count, 0);
	EXPECT_TRUE(on_queue(v));
	EXPECT_EQ(v->state, VCPU_RUNNABLE);
	EXPECT_EQ(as_dom0(d0, domain_unpause, d1), -EINVAL);
	/* A domain never pauses itself: it could not unpause. */
	hx_set_current(v);
	EXPECT_EQ(domain_pause(d1), -EINVAL);
	EXPECT_EQ(d1->pause_count, 0);
}

TEST(pause_takes_a_vcpu_off_another_pcpu_and_stops_its_clock)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct vcpu *v = d1->vcpus[0];
	struct host_stop stop;
	unsigned int ipis;

	ASSERT_NE(v->pcpu, d0->vcpus[0]->pcpu);
	host_clock_manual(true);
	host_clock_set(1000);
	sched_add_vcpu(v);
	ASSERT_EQ(hx_run_pcpu(v->pcpu, &stop), HOST_VCPU_RUN);
	ASSERT_TRUE(stop.vcpu == v);
	ASSERT_TRUE(pcpu_get(v->pcpu)->current == v);
	host_clock_set(5000);
	ipis = pcpu_get(v->pcpu)->arch.resched_ipis;
	EXPECT_EQ(as_dom0(d0, domain_pause, d1), 0);
	/* Its pCPU was interrupted, and it left before pause returned. */
	EXPECT_EQ(pcpu_get(v->pcpu)->arch.resched_ipis, ipis + 1);
	EXPECT_EQ(pcpu_get(v->pcpu)->arch.remote_preempts, 1);
	EXPECT_TRUE(pcpu_get(v->pcpu)->current == NULL);
	EXPECT_EQ(v->state, VCPU_RUNNABLE);
	EXPECT_FALSE(on_queue(v));
	EXPECT_EQ(v->cpu_time, 4000);
	/* Paused time is not run time, nor credit. */
	host_clock_set(900000);
	EXPECT_EQ(hx_run_pcpu(v->pcpu, NULL), HOST_IDLE);
	EXPECT_EQ(v->cpu_time, 4000);
	EXPECT_EQ(as_dom0(d0, domain_unpause, d1), 0);
	EXPECT_EQ(v->cpu_time, 4000);
	EXPECT_EQ(hx_run_pcpu(v->pcpu, &stop), HOST_VCPU_RUN);
	EXPECT_TRUE(stop.vcpu == v);
	EXPECT_EQ(v->run_start, 900000);
}

TEST(pause_keeps_wakeups_and_cpu_on_until_unpause)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 2, false, HX_DOM_MEM);
	struct vcpu *v = d1->vcpus[0], *v1 = d1->vcpus[1];
	uint32_t p0 = hx_evtchn_bind(d0, 1, hx_evtchn_unbound(d1, 0));
	uint64_t args[5] = { SCHEDOP_block };

	hx_enable_upcall(d1, 0);
	/* vCPU 0 blocks in SCHEDOP_block. */
	EXPECT_EQ(hx_call_stop(v, __HYPERVISOR_sched_op, args, NULL, NULL),
		  HOST_IDLE);
	ASSERT_EQ(v->state, VCPU_BLOCKED);
	EXPECT_EQ(as_dom0(d0, domain_pause, d1), 0);
	/* An event while paused: runnable, but not run. */
	EXPECT_EQ(hx_evtchn_send(d0, p0), 0);
	EXPECT_EQ(v->state, VCPU_RUNNABLE);
	EXPECT_FALSE(on_queue(v));
	/* PSCI CPU_ON while paused: started, held likewise. */
	EXPECT_EQ(sched_power_on(v1, 0x80000, 0), 0);
	EXPECT_EQ(sched_power_on(v1, 0x80000, 0), -EEXIST);
	EXPECT_FALSE(on_queue(v1));
	EXPECT_EQ(hx_run_pcpu(v->pcpu, NULL), HOST_IDLE);
	EXPECT_EQ(hx_run_pcpu(v1->pcpu, NULL), HOST_IDLE);
	EXPECT_EQ(as_dom0(d0, domain_unpause, d1), 0);
	EXPECT_TRUE(on_queue(v));
	EXPECT_TRUE(on_queue(v1));
	EXPECT_EQ(hx_run_pcpu(v->pcpu, NULL), HOST_VCPU_RUN);
	EXPECT_TRUE(pcpu_get(v->pcpu)->current == v);
	EXPECT_EQ(hx_run_pcpu(v1->pcpu, NULL), HOST_VCPU_RUN);
	EXPECT_TRUE(pcpu_get(v1->pcpu)->current == v1);
}

TEST(unpause_of_a_domain_shut_down_meanwhile_leaves_it_stopped)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct vcpu *v = d1->vcpus[0];

	sched_add_vcpu(v);
	EXPECT_EQ(as_dom0(d0, domain_pause, d1), 0);
	domain_shutdown(d1, SHUTDOWN_poweroff);
	EXPECT_EQ(as_dom0(d0, domain_unpause, d1), 0);
	EXPECT_FALSE(on_queue(v));
	EXPECT_EQ(v->state, VCPU_PAUSED);
}

/* ---- destroy -------------------------------------------------------------- */

TEST(destroy_refuses_dom0_and_the_callers_own_domain)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, true, HX_DOM_MEM);

	EXPECT_EQ(as_dom0(d0, domain_destroy, d0), -EPERM);
	EXPECT_EQ(as_dom0(d0, domain_destroy, d2), -EPERM);
	hx_set_current(d1->vcpus[0]);
	EXPECT_EQ(domain_destroy(d1), -EINVAL);
	EXPECT_FALSE(d1->is_dying);
	EXPECT_FALSE(d0->is_dying);
	EXPECT_TRUE(domain_lookup(1) == d1);
}

/*
 * pCPU 1 takes the interrupt destroy sent it while pCPU 0 has the flag of
 * pending work down (in domain_quiescent_work, between lowering and
 * raising it): it sees nothing to do and sleeps on. pCPU 0 finishing its
 * quiescent point must wake it again while its grace period bit is set,
 * or with every pCPU idle the domain stays dying for good.
 */
TEST(destroy_wakes_again_a_pcpu_that_took_its_kick_with_the_flag_down)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);

	ASSERT_EQ(as_dom0(d0, domain_destroy, d1), 0);
	EXPECT_TRUE(pcpu_get(1)->resched);
	/* pCPU 1 took its kick while the flag was down: nothing seen. */
	pcpu_get(1)->resched = false;
	/* pCPU 0's quiescent point: acks, cannot reap yet, re-arms. */
	host_cpu_select(0);
	domain_quiescent_work();
	EXPECT_TRUE(domain_destroy_pending());
	EXPECT_TRUE(pcpu_get(1)->resched);
	/* Woken, pCPU 1 passes its point and the domain goes. */
	host_quiesce_all();
	EXPECT_TRUE(domain_lookup(1) == NULL);
}

/*
 * A domU with a channel to dom0, FIFO control blocks, shared_info placed,
 * vcpu_info registered, ballooned pages, a grant of dom0's mapped and a
 * grown grant table: after destroy nothing of it is left, dom0's port is
 * unbound, and the machine has exactly the pages it had before.
 */
TEST(destroy_tears_down_everything_and_returns_every_page)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	uint32_t exc = bind_virq_dom_exc(d0);
	uint64_t d0_page = hx_maddr(d0, hx_arg(d0, 3));
	uint64_t free0 = mm_free_pages_count();
	struct domain *d1 = hx_domain(1, 2, false, HX_DOM_MEM);
	uint32_t p1 = hx_evtchn_unbound(d1, 0);
	uint32_t p0 = hx_evtchn_bind(d0, 1, p1);
	struct evtchn_status st;
	unsigned int rounds;
	int32_t err;

	ASSERT_EQ(hx_evtchn_init_control(d1, HX_GFN(HX_PAGE(0)), 0, 0, NULL),
		  0);
	ASSERT_EQ(hx_evtchn_init_control(d1, HX_GFN(HX_PAGE(0)), 64, 1, NULL),
		  0);
	ASSERT_EQ(hx_evtchn_expand_array(d1, HX_GFN(HX_PAGE(1))), 0);
	ASSERT_EQ(place_shared_info(d1, HX_FREE_GFN(0)), 0);
	ASSERT_EQ(hx_vcpu_info_at(d1, 1, HX_GFN(HX_PAGE(2)), 64), 0);
	ASSERT_EQ(setup_table(d1, 4), 0);
	for (unsigned int i = 0; i < 8; i++) {
		ASSERT_EQ(hx_reserve(d1, XENMEM_decrease_reservation,
				     HX_GFN(HX_PAGE(8 + i))),
			  1);
	}
	hx_grant(d0, 5, 1, HX_GFN(hx_arg(d0, 3)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d1, 0, 5, MAP_AT, 0, NULL), GNTST_okay);
	EXPECT_TRUE(hx_grant_flags(d0, 5) & (GTF_reading | GTF_writing));
	ASSERT_EQ(hx_evtchn_send(d0, p0), 0);
	sched_add_vcpu(d1->vcpus[0]);
	clear_pending(d0, exc);

	EXPECT_EQ(as_dom0(d0, domain_destroy, d1), 0);
	EXPECT_TRUE(port_pending(d0, exc));
	EXPECT_TRUE(domain_lookup(1) == d1);
	EXPECT_TRUE(d1->is_dying);
	/*
	 * Nothing references it: its RAM goes back in pieces at the next
	 * quiescent points, then it is gone.
	 */
	clear_pending(d0, exc);
	rounds = host_quiesce_rounds;
	host_quiesce_all();
	/* Its references, then its RAM (unscrubbed): apart. */
	EXPECT_TRUE(host_quiesce_rounds - rounds >= 2);
	EXPECT_TRUE(domain_lookup(1) == NULL);
	EXPECT_TRUE(port_pending(d0, exc));
	EXPECT_TRUE(strstr(host_console_output(),
			   "domain 1 (hx1) destroyed: gone") != NULL);
	/* The memory line, with its tables and RAM all given back. */
	EXPECT_TRUE(strstr(host_console_output(),
			   "domain 1 (hx1): p2m tables 0 (peak ") != NULL);
	EXPECT_TRUE(strstr(host_console_output(),
			   "RAM pages 0 of 2048, hypervisor pages 0 of") !=
		    NULL);
	/* dom0's end of the channel is unbound, as on Xen. */
	EXPECT_EQ(evtchn_status(d0, p0, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(evtchn_close(d0, p0), 0);
	/* Its mapping of dom0's grant is gone, the page is dom0's still. */
	EXPECT_FALSE(hx_grant_flags(d0, 5) & (GTF_reading | GTF_writing));
	EXPECT_TRUE(hx_maddr(d0, hx_arg(d0, 3)) == d0_page);
	EXPECT_EQ(mm_free_pages_count(), free0);
	EXPECT_EQ(page_owner_frames(1), 0);
	/* The dead id: -ESRCH (or Xen's grant status) for what names it. */
	EXPECT_EQ(hx_foreign_map(d0, 1, HX_GFN(HX_PAGE(3)), FAR_GFN, &err),
		  -ESRCH);
	EXPECT_NE(hx_map_grant(d0, 1, 0, MAP_AT, 0, NULL), GNTST_okay);
	{
		struct sched_remote_shutdown r = { .domain_id = 1,
						   .reason =
							   SHUTDOWN_poweroff };

		hx_put(d0, hx_arg(d0, 1), &r, sizeof(r));
		EXPECT_EQ(hx_call(d0->vcpus[0], __HYPERVISOR_sched_op,
				  SCHEDOP_remote_shutdown, hx_arg(d0, 1), 0),
			  -ESRCH);
	}
	{
		struct evtchn_bind_interdomain b = { .remote_dom = 1,
						     .remote_port = p1 };

		EXPECT_EQ(hx_op_in(d0, __HYPERVISOR_event_channel_op,
				   EVTCHNOP_bind_interdomain, &b, sizeof(b), 0),
			  -ESRCH);
	}
	EXPECT_TRUE(hx_console_clean());
}

/*
 * A domain whose page dom0 maps through a grant and through a foreign
 * mapping stays dying (listed, flagged) until both are gone; then it is
 * freed, dom0 is told, and its id can be used again.
 */
TEST(destroy_of_a_granting_domain_waits_for_the_last_mapping)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	uint32_t exc = bind_virq_dom_exc(d0);
	uint64_t free0 = mm_free_pages_count();
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	uint32_t handle;
	int32_t err = 1;

	memset(hx_va(d1, HX_PAGE(0)), 0x5a, PAGE_SIZE);
	hx_grant(d1, 8, 0, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d0, 1, 8, MAP_AT, 0, &handle), GNTST_okay);
	ASSERT_EQ(hx_foreign_map(d0, 1, HX_GFN(HX_PAGE(1)), FAR_GFN, &err), 0);
	ASSERT_EQ(err, 0);

	EXPECT_EQ(as_dom0(d0, domain_destroy, d1), 0);
	EXPECT_EQ(as_dom0(d0, domain_destroy, d1), 0); /* already dying */
	host_quiesce_all();
	EXPECT_TRUE(domain_lookup(1) == d1);
	EXPECT_TRUE(d1->is_dying);
	EXPECT_EQ(d1->tot_pages, 0);
	EXPECT_EQ(d1->p2m.nr_tables, 0);
	EXPECT_EQ(page_owner_frames(1), 3); /* two pages and a grant frame */
	EXPECT_EQ(as_dom0(d0, domain_pause, d1), -EINVAL);
	/* dom0 still reads what the page held; nothing new is allowed. */
	EXPECT_EQ(*(uint8_t *)hx_va(d0, MAP_AT), 0x5a);
	EXPECT_NE(hx_map_grant(d0, 1, 8, MAP_AT + PAGE_SIZE, 0, NULL),
		  GNTST_okay);
	EXPECT_EQ(hx_foreign_map(d0, 1, HX_GFN(HX_PAGE(2)), FAR_GFN + 1, &err),
		  0);
	EXPECT_EQ(err, -ESRCH);
	clear_pending(d0, exc);
	EXPECT_EQ(hx_unmap_grant(d0, MAP_AT, handle), GNTST_okay);
	host_quiesce_all();
	EXPECT_TRUE(domain_lookup(1) == d1);
	EXPECT_FALSE(port_pending(d0, exc));
	EXPECT_EQ(hx_remove_gfn(d0, FAR_GFN), 0);
	/* The last reference went: unlisted now, freed after the grace. */
	EXPECT_TRUE(domain_lookup(1) == NULL);
	EXPECT_FALSE(port_pending(d0, exc));
	host_quiesce_all();
	EXPECT_TRUE(port_pending(d0, exc));
	/* All back but dom0's own handle page, which dom0 keeps. */
	EXPECT_EQ(d0->gnttab.nr_maptrack_frames, 1);
	EXPECT_EQ(mm_free_pages_count() + 1, free0);
	d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	EXPECT_TRUE(domain_lookup(1) == d1);
	EXPECT_FALSE(d1->is_dying);
	EXPECT_TRUE(hx_console_clean());
}

/* The free memory is exactly back after each of 50 lifetimes. */
TEST(create_and_destroy_50_times_returns_exactly_every_page)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	uint64_t free0 = mm_free_pages_count();

	EXPECT_EQ(mm_total_pages_count(), HX_RAM_SIZE >> PAGE_SHIFT);
	for (unsigned int i = 0; i < 50; i++) {
		struct domain *d = hx_domain(3, 2, false, HX_DOM_MEM);
		uint32_t p0 = hx_evtchn_bind(d0, 3, hx_evtchn_unbound(d, 0));

		ASSERT_EQ(hx_evtchn_init_control(d, HX_GFN(HX_PAGE(0)), 0, 0,
						 NULL),
			  0);
		ASSERT_EQ(setup_table(d, 2 + i % 3), 0);
		ASSERT_EQ(vpl011_init(d), 0);
		ASSERT_EQ(hx_reserve(d, XENMEM_decrease_reservation,
				     HX_GFN(HX_PAGE(5))),
			  1);
		sched_add_vcpu(d->vcpus[i % 2]);
		ASSERT_EQ(as_dom0(d0, domain_destroy, d), 0);
		host_quiesce_all();
		ASSERT_TRUE(domain_lookup(3) == NULL);
		ASSERT_EQ(evtchn_close(d0, p0), 0);
		ASSERT_EQ(mm_free_pages_count(), free0);
	}
	EXPECT_TRUE(hx_console_clean());
}

/*
 * Its RAM goes back unscrubbed, counted free at once, and the domain is
 * gone without waiting for it; an idle pCPU scrubs it a piece at a time,
 * coming back through its reschedule SGI for the next piece.
 */
TEST(destroyed_domain_is_gone_at_once_and_idle_pcpus_scrub_its_ram)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	uint64_t free0 = mm_free_pages_count();
	struct domain *d = hx_domain(3, 1, false, HX_DOM_MEM);
	uint8_t *ram = hx_va(d, GUEST_RAM_BASE);
	unsigned int pieces = 0;
	bool zero = true;

	memset(ram, 0xee, HX_DOM_MEM);
	ASSERT_EQ(as_dom0(d0, domain_destroy, d), 0);
	host_quiesce_all();
	EXPECT_TRUE(domain_lookup(3) == NULL);
	EXPECT_TRUE(strstr(host_console_output(),
			   "domain 3 (hx3) destroyed: gone") != NULL);
	EXPECT_EQ(mm_free_pages_count(), free0);
	EXPECT_TRUE(mm_scrub_pending());
	EXPECT_EQ(ram[0], 0xee);
	EXPECT_EQ(ram[HX_DOM_MEM - 1], 0xee);
	while (mm_scrub_pending()) {
		uint64_t ipis = pcpu_get(1)->arch.resched_ipis;

		ASSERT_EQ(hx_run_pcpu(1, NULL), HOST_IDLE);
		pieces++;
		if (mm_scrub_pending()) {
			ASSERT_EQ(pcpu_get(1)->arch.resched_ipis, ipis + 1);
		}
		EXPECT_EQ(mm_free_pages_count(), free0);
		ASSERT_TRUE(pieces < 100000);
	}
	EXPECT_TRUE(pieces >= (HX_DOM_MEM >> PAGE_SHIFT) / MM_SCRUB_PIECE);
	for (uint64_t i = 0; i < HX_DOM_MEM; i++) {
		zero &= ram[i] == 0;
	}
	EXPECT_TRUE(zero);
	/* Nothing left: an idle pCPU sleeps. */
	{
		uint64_t ipis = pcpu_get(1)->arch.resched_ipis;

		ASSERT_EQ(hx_run_pcpu(1, NULL), HOST_IDLE);
		EXPECT_EQ(pcpu_get(1)->arch.resched_ipis, ipis);
	}
	EXPECT_TRUE(hx_console_clean());
}

/*
 * domain_create() failing at any step (the machine out of memory, an id
 * in use) leaves every page where it was.
 */
TEST(domain_create_unwinds_every_failure)
{
	static paddr_t held[HX_RAM_SIZE >> PAGE_SHIFT];
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	uint64_t nr = 0, free0;
	struct domain *d = NULL;

	free0 = mm_free_pages_count();
	EXPECT_TRUE(domain_create(1, "again", 1, false, 32) == NULL);
	EXPECT_EQ(mm_free_pages_count(), free0);
	EXPECT_TRUE(domain_lookup(1) == d1);
	/* Take the machine's memory away, then give it back page by page. */
	while ((held[nr] = mm_alloc_pages(1, 1)).pa) {
		nr++;
	}
	for (unsigned int tries = 0; !d && nr; tries++) {
		mm_free_pages(held[--nr], 1);
		free0 = mm_free_pages_count();
		d = domain_create(4, "tight", 2, false, 32);
		if (!d) {
			EXPECT_EQ(mm_free_pages_count(), free0);
			EXPECT_TRUE(domain_lookup(4) == NULL);
		}
		ASSERT_TRUE(tries < 256);
	}
	ASSERT_TRUE(d != NULL);
	hx_set_current(d1->vcpus[0]);
	EXPECT_EQ(domain_destroy(d), 0);
	host_quiesce_all();
	EXPECT_TRUE(domain_lookup(4) == NULL);
	EXPECT_EQ(mm_free_pages_count(), free0);
	while (nr) {
		mm_free_pages(held[--nr], 1);
	}
}

/*
 * Teardown starts only once every pCPU passed a quiescent point (none may
 * still be using the domain it found alive), and a buried domain is freed
 * only after another such grace period: a pCPU that looked it up keeps a
 * valid pointer until it returns to a guest or to its scheduler. In the
 * first one, each pCPU lets go of the vCPU state it kept.
 */
TEST(destroyed_domain_waits_for_every_pcpu_at_each_step)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct vcpu *v = d1->vcpus[0];
	unsigned int other = v->pcpu, self = d0->vcpus[0]->pcpu;
	struct domain *held;
	uint32_t handle;

	ASSERT_NE(other, self);
	hx_grant(d1, 8, 0, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d0, 1, 8, MAP_AT, 0, &handle), GNTST_okay);
	/* It ran on the other pCPU, which keeps its state loaded. */
	sched_add_vcpu(v);
	ASSERT_EQ(hx_run_pcpu(other, NULL), HOST_VCPU_RUN);
	ASSERT_TRUE(pcpu_get(other)->loaded == v);
	EXPECT_EQ(as_dom0(d0, domain_destroy, d1), 0);
	EXPECT_TRUE(pcpu_get(other)->current == NULL);
	/* Only dom0's pCPU passes quiescent points: nothing torn down. */
	for (unsigned int i = 0; i < 100; i++) {
		domain_quiescent();
	}
	EXPECT_EQ(d1->tot_pages, d1->max_pages);
	EXPECT_TRUE(hx_type(d1, HX_GFN(HX_PAGE(1))) == p2m_ram_rw);
	/* The other pCPU too: torn down, the loaded vCPU forgotten. */
	EXPECT_EQ(hx_run_pcpu(other, NULL), HOST_IDLE);
	EXPECT_TRUE(pcpu_get(other)->loaded == NULL);
	EXPECT_EQ(pcpu_get(other)->arch.forgets, 1);
	host_quiesce_all();
	EXPECT_EQ(d1->tot_pages, 0);
	EXPECT_TRUE(domain_lookup(1) == d1); /* dom0 maps its page */
	held = domain_lookup(1); /* as a hypercall there would have */
	/* The last mapping goes: unlisted at once... */
	EXPECT_EQ(hx_unmap_grant(d0, MAP_AT, handle), GNTST_okay);
	EXPECT_TRUE(domain_lookup(1) == NULL);
	host_cpu_select(self);
	for (unsigned int i = 0; i < 100; i++) {
		domain_quiescent();
	}
	/* ...but kept for the other pCPU, which has not passed one: the
	 * flag every return to a guest reads stays up. */
	EXPECT_TRUE(domain_destroy_pending());
	EXPECT_TRUE(__atomic_load_n(&quiescent_due, __ATOMIC_SEQ_CST));
	EXPECT_EQ(held->id, 1);
	EXPECT_TRUE(held->is_dying);
	EXPECT_TRUE(strstr(host_console_output(), "destroyed: gone") == NULL);
	EXPECT_EQ(hx_run_pcpu(other, NULL), HOST_IDLE);
	EXPECT_FALSE(domain_destroy_pending());
	EXPECT_TRUE(strstr(host_console_output(), "destroyed: gone") != NULL);
	/* Nothing left: down after the next quiescent point, and raised
	 * again by the next destroy. */
	domain_quiescent();
	EXPECT_FALSE(__atomic_load_n(&quiescent_due, __ATOMIC_SEQ_CST));
	d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	EXPECT_EQ(as_dom0(d0, domain_destroy, d1), 0);
	EXPECT_TRUE(__atomic_load_n(&quiescent_due, __ATOMIC_SEQ_CST));
	host_quiesce_all();
	EXPECT_FALSE(domain_destroy_pending());
}
