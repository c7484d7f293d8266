/* SPDX-License-Identifier: MIT */
/*
 * Placement, migration, affinity and directed yield (sched_place.c) on
 * the host's two pCPUs, through the real scheduler paths: the test plays
 * each pCPU in turn (sched_run() after an interrupt, the preemption a
 * reschedule request makes, a WFE or WFI trap of its current vCPU), on a
 * stopped clock it moves itself.
 */
#include <sable/mm.h>
#include <sable/percpu.h>

#include "core_test.h"
#include "sched_place_test.h"
#include "sched_priv.h"

TEST(sched_wake_places_a_vcpu_on_the_least_loaded_allowed_pcpu)
{
	struct domain *d1, *d2, *d3;
	struct vcpu *v;
	unsigned int ipis;

	three(&d1, &d2, &d3);
	v = d3->vcpus[0];
	blocked(v);
	host_cpu_select(0);
	sched_add_vcpu(d1->vcpus[0]);
	ASSERT_TRUE(decide(0) == d1->vcpus[0]);
	/* Woken on busy pCPU 0 by an interrupt there: pCPU 1 is idle. */
	ipis = pcpu_get(1)->arch.resched_ipis;
	host_cpu_select(0);
	sched_wake(v);
	EXPECT_EQ(v->pcpu, 1);
	EXPECT_TRUE(queued_on(v, 1));
	EXPECT_EQ(pcpu_get(1)->arch.resched_ipis, ipis + 1);
	EXPECT_TRUE(decide(1) == v);
	EXPECT_TRUE(pcpu_get(0)->current == d1->vcpus[0]);
	/* Hard affinity to pCPU 0 only: it waits there instead. */
	blocked(v);
	ASSERT_EQ(sched_set_affinity(v, CPU0, CPU0), 0);
	EXPECT_EQ(v->pcpu, 0); /* a blocked vCPU moves at once */
	host_cpu_select(0);
	sched_wake(v);
	EXPECT_TRUE(queued_on(v, 0));
	EXPECT_TRUE(decide(1) == NULL); /* pCPU 1 may not take it */
	EXPECT_TRUE(queued_on(v, 0));
	EXPECT_TRUE(allowed_everywhere_it_is());
}

TEST(sched_wake_prefers_the_last_pcpu_then_soft_affinity_when_equal)
{
	struct domain *d1, *d2, *d3;
	struct vcpu *v;

	three(&d1, &d2, &d3);
	v = d3->vcpus[0];
	blocked(v);
	/* Both pCPUs idle: it stays where its state is warm. */
	host_cpu_select(1);
	sched_wake(v);
	EXPECT_TRUE(queued_on(v, 0));
	EXPECT_TRUE(decide(0) == v);
	blocked(v);
	/* Soft affinity for pCPU 1 breaks the tie the other way. */
	ASSERT_EQ(sched_set_affinity(v, BOTH, CPU1), 0);
	EXPECT_EQ(v->pcpu, 0); /* allowed where it is: not moved */
	host_cpu_select(0);
	sched_wake(v);
	EXPECT_TRUE(queued_on(v, 1));
	/* But not to a busier pCPU: pCPU 1 runs d2, pCPU 0 is idle. */
	EXPECT_TRUE(decide(1) == v);
	blocked(v);
	host_cpu_select(1);
	sched_add_vcpu(d2->vcpus[0]);
	EXPECT_TRUE(decide(1) == d2->vcpus[0]);
	sched_wake(v);
	EXPECT_TRUE(queued_on(v, 0));
}

TEST(sched_idle_pcpu_steals_a_waiting_vcpu)
{
	struct domain *d1, *d2, *d3;
	unsigned int ipis;

	three(&d1, &d2, &d3);
	host_cpu_select(0);
	sched_add_vcpu(d1->vcpus[0]);
	ASSERT_TRUE(decide(0) == d1->vcpus[0]);
	/* d3 starts on busy pCPU 0: idle pCPU 1 is told, and takes it. */
	ipis = pcpu_get(1)->arch.resched_ipis;
	host_cpu_select(0);
	sched_add_vcpu(d3->vcpus[0]);
	EXPECT_TRUE(queued_on(d3->vcpus[0], 0));
	EXPECT_EQ(pcpu_get(1)->arch.resched_ipis, ipis + 1);
	EXPECT_TRUE(decide(1) == d3->vcpus[0]);
	EXPECT_EQ(d3->vcpus[0]->pcpu, 1);
	EXPECT_EQ(pcpu_get(0)->nr_queued, 0);
	/* Nothing waits anywhere now: an idle pCPU stays idle. */
	EXPECT_TRUE(decide(0) == d1->vcpus[0]);
	EXPECT_TRUE(allowed_everywhere_it_is());
}

TEST(sched_affinity_change_moves_a_running_vcpu_off_its_pcpu)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM); /* pCPU 0 */
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM); /* pCPU 1 */
	struct vcpu *v = d1->vcpus[0];
	unsigned int ipis;

	clock_at(T0);
	host_cpu_select(1);
	sched_add_vcpu(v);
	ASSERT_TRUE(decide(1) == v);
	hx_set_current(d0->vcpus[0]);
	EXPECT_EQ(sched_set_affinity(v, 0, BOTH), -EINVAL);
	EXPECT_EQ(sched_set_affinity(v, 1ULL << 5, BOTH), -EINVAL); /* off */
	EXPECT_EQ(v->hard_affinity, SCHED_AFFINITY_ALL);
	/* dom0 on pCPU 0 forbids pCPU 1: pCPU 1 is interrupted. */
	ipis = pcpu_get(1)->arch.resched_ipis;
	host_cpu_select(0);
	EXPECT_EQ(sched_set_affinity(v, CPU0, CPU0), 0);
	EXPECT_EQ(v->hard_affinity, CPU0);
	EXPECT_EQ(pcpu_get(1)->arch.resched_ipis, ipis + 1);
	EXPECT_TRUE(pcpu_get(1)->resched);
	/* pCPU 1 takes the interrupt: v leaves for pCPU 0's queue. */
	EXPECT_TRUE(decide(1) == NULL);
	EXPECT_TRUE(queued_on(v, 0));
	EXPECT_EQ(v->state, VCPU_RUNNABLE);
	EXPECT_TRUE(allowed_everywhere_it_is());
	/* A queued vCPU moves at once; pCPU 1 then runs it. */
	EXPECT_EQ(sched_set_affinity(v, CPU1, 0), 0);
	EXPECT_TRUE(queued_on(v, 1));
	EXPECT_TRUE(decide(1) == v);
	/* Its own pCPU's vCPU: the reschedule is taken on the way out. */
	host_cpu_select(1);
	hx_set_current(v);
	EXPECT_EQ(sched_set_affinity(v, CPU0, 0), 0);
	EXPECT_TRUE(pcpu_get(1)->resched);
	EXPECT_TRUE(decide(1) == NULL);
	EXPECT_TRUE(queued_on(v, 0));
}

/* A small deterministic generator for the mixed-operation test. */
static uint32_t rnd_state = 12345;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

TEST(sched_affinity_is_respected_through_wakes_blocks_yields_and_steals)
{
	static const uint64_t masks[] = { CPU0, CPU1, BOTH };
	struct domain *d[4];
	struct vcpu *vs[5];
	unsigned int nv = 0;

	clock_at(T0);
	d[0] = hx_domain(1, 2, false, HX_DOM_MEM);
	d[1] = hx_domain(2, 1, false, HX_DOM_MEM);
	d[2] = hx_domain(3, 1, false, HX_DOM_MEM);
	d[3] = hx_domain(4, 1, false, HX_DOM_MEM);
	for (unsigned int i = 0; i < 4; i++) {
		for (unsigned int j = 0; j < d[i]->nr_vcpus; j++) {
			vs[nv++] = d[i]->vcpus[j];
		}
	}
	for (unsigned int i = 0; i < nv; i++) {
		ASSERT_EQ(sched_set_affinity(vs[i], masks[i % 3], BOTH), 0);
		host_cpu_select(vs[i]->pcpu);
		sched_add_vcpu(vs[i]);
	}
	for (unsigned int step = 0; step < 3000; step++) {
		unsigned int cpu = rnd(HX_NR_CPUS);
		struct vcpu *cur = pcpu_get(cpu)->current;
		struct vcpu *w = vs[rnd(nv)];

		clock_at(now + rnd(3 * MS));
		switch (rnd(6)) {
		case 0:
			(void)decide(cpu);
			break;
		case 1:
			if (cur) {
				(void)trap(cpu, hx_block_fn);
			}
			break;
		case 2:
			if (cur) {
				(void)trap(cpu, wfe_fn);
			}
			break;
		case 3:
			host_cpu_select(cpu);
			sched_wake(w);
			break;
		case 4:
			host_cpu_select(cpu);
			ASSERT_EQ(sched_set_affinity(w, masks[rnd(3)], BOTH),
				  0);
			break;
		default:
			if (!cur) {
				(void)decide(cpu);
			}
			break;
		}
		/* A pending reschedule is taken before the guest runs on. */
		for (unsigned int i = 0; i < HX_NR_CPUS; i++) {
			if (pcpu_get(i)->resched) {
				(void)decide(i);
			}
		}
		ASSERT_TRUE(allowed_everywhere_it_is());
		for (unsigned int i = 0; i < nv; i++) {
			struct pcpu *h = pcpu_get(vs[i]->pcpu);

			/* Running only as its home's current vCPU. */
			ASSERT_EQ(vs[i]->state == VCPU_RUNNING,
				  h->current == vs[i]);
			ASSERT_EQ(vs[i]->on_rq, queued_on(vs[i], vs[i]->pcpu));
		}
	}
	EXPECT_TRUE(hx_console_clean());
}

/* Run pCPU @id's current vCPU for @ticks, taking its slice deadlines. */
static void run_cpu_for(unsigned int id, uint64_t ticks, uint64_t *ran)
{
	struct pcpu *c = pcpu_get(id);
	uint64_t until = now + ticks;

	host_cpu_select(id);
	while (now < until) {
		uint64_t dl = c->sched_deadline;

		if (!dl || dl > until) {
			dl = until;
		}
		if (dl < now) {
			dl = now;
		}
		if (c->current) {
			ran[c->current->dom->id] += dl - now;
		}
		clock_at(dl);
		if (c->sched_deadline && c->sched_deadline <= now) {
			host_cpu_select(id);
			host_timer_irq(now);
		}
		if (c->resched) {
			(void)decide(id);
		}
	}
}

TEST(sched_migrated_vcpu_neither_starves_others_nor_is_starved)
{
	struct domain *d1, *d2, *d3;
	uint64_t ran[8] = { 0 };
	uint64_t floor1;
	struct vcpu *v;

	three(&d1, &d2, &d3);
	v = d3->vcpus[0];
	/* pCPU 0: d1 and d3 share it for 2 s, its floor climbs. */
	ASSERT_EQ(sched_set_affinity(v, CPU0, 0), 0);
	ASSERT_EQ(sched_set_affinity(d1->vcpus[0], CPU0, 0), 0);
	host_cpu_select(0);
	sched_add_vcpu(d1->vcpus[0]);
	sched_add_vcpu(v);
	ASSERT_TRUE(decide(0) != NULL);
	run_cpu_for(0, 2000 * MS, ran);
	/* pCPU 1: then d2 alone for 100 ms, a floor 900 ms lower. */
	ASSERT_EQ(sched_set_affinity(d2->vcpus[0], CPU1, 0), 0);
	host_cpu_select(1);
	sched_add_vcpu(d2->vcpus[0]);
	ASSERT_TRUE(decide(1) == d2->vcpus[0]);
	run_cpu_for(1, 100 * MS, ran);
	ASSERT_TRUE(v->vtime > pcpu_get(1)->min_vtime + 500 * MS);
	clock_at(now);
	/* Move d3 over (wherever it is on pCPU 0, queued or running). */
	host_cpu_select(1);
	ASSERT_EQ(sched_set_affinity(v, CPU1, 0), 0);
	if (pcpu_get(0)->resched) {
		(void)decide(0);
	}
	ASSERT_EQ(v->pcpu, 1);
	floor1 = pcpu_get(1)->min_vtime;
	/* Carried relative to the floors: within a slice of pCPU 1's. */
	EXPECT_TRUE(v->vtime >= floor1 && v->vtime <= floor1 + 8 * MS);
	/* Sharing pCPU 1 from now on: half each, within 10%. */
	memset(ran, 0, sizeof(ran));
	(void)decide(1);
	run_cpu_for(1, 400 * MS, ran);
	EXPECT_TRUE(ran[2] >= 180 * MS && ran[2] <= 220 * MS);
	EXPECT_TRUE(ran[3] >= 180 * MS && ran[3] <= 220 * MS);
	/* And d1, alone on pCPU 0 now, runs there on its own. */
	EXPECT_TRUE(pcpu_get(0)->current == d1->vcpus[0]);
}

TEST(sched_wfe_yields_to_a_preempted_sibling_here_or_pulls_it)
{
	struct domain *a = hx_domain(1, 2, false, HX_DOM_MEM); /* 0, 1 */
	struct domain *b = hx_domain(2, 1, false, HX_DOM_MEM); /* 0 */
	struct domain *c = hx_domain(3, 1, false, HX_DOM_MEM); /* 1 */
	struct vcpu *a0 = a->vcpus[0], *a1 = a->vcpus[1];

	clock_at(T0);
	ASSERT_EQ(sched_set_affinity(b->vcpus[0], CPU0, 0), 0);
	ASSERT_EQ(sched_set_affinity(c->vcpus[0], CPU1, 0), 0);
	/* pCPU 0 runs a0 with b queued; pCPU 1 runs c with a1 queued. */
	host_cpu_select(0);
	sched_add_vcpu(a0);
	ASSERT_TRUE(decide(0) == a0);
	sched_add_vcpu(b->vcpus[0]);
	host_cpu_select(1);
	sched_add_vcpu(c->vcpus[0]);
	ASSERT_TRUE(decide(1) == c->vcpus[0]);
	sched_add_vcpu(a1);
	ASSERT_TRUE(queued_on(a1, 1));
	/* a0 waits on a lock a1 holds: WFE brings a1 over and runs it. */
	clock_at(now + MS);
	EXPECT_TRUE(trap(0, wfe_fn) == a1);
	EXPECT_EQ(a1->pcpu, 0);
	EXPECT_TRUE(queued_on(a0, 0));
	EXPECT_TRUE(pcpu_get(1)->current == c->vcpus[0]);
	/* Now a1 waits for a0, queued here behind b's smaller vtime. */
	b->vcpus[0]->vtime = a0->vtime - 1000;
	clock_at(now + MS);
	EXPECT_TRUE(trap(0, wfe_fn) == a0);
	EXPECT_TRUE(queued_on(a1, 0));
	EXPECT_TRUE(queued_on(b->vcpus[0], 0));
	EXPECT_TRUE(allowed_everywhere_it_is());
}

/*
 * Two siblings that keep yielding to each other (WFE or SCHEDOP_yield,
 * every 10 us) share one slice between them: when it ends the policy
 * decides, and a third domain's vCPU on the pCPU gets its turn.
 */
TEST(sched_directed_yields_between_siblings_leave_a_third_its_turn)
{
	struct domain *a = hx_domain(1, 2, false, HX_DOM_MEM);
	struct domain *b = hx_domain(2, 1, false, HX_DOM_MEM);
	struct vcpu *a0 = a->vcpus[0], *a1 = a->vcpus[1], *b0 = b->vcpus[0];
	struct pcpu *c = pcpu_get(0);
	uint64_t start;
	unsigned int i, turns = 0;

	clock_at(T0);
	ASSERT_EQ(sched_set_affinity(a0, CPU0, 0), 0);
	ASSERT_EQ(sched_set_affinity(a1, CPU0, 0), 0);
	ASSERT_EQ(sched_set_affinity(b0, CPU0, 0), 0);
	host_cpu_select(0);
	sched_add_vcpu(a0);
	ASSERT_TRUE(decide(0) == a0);
	sched_add_vcpu(a1);
	sched_add_vcpu(b0);
	start = now;
	/* 40 ms of ping-pong: b0 must run, and more than once. */
	for (i = 0; i < 4000; i++) {
		clock_at(now + 10);
		if (c->sched_deadline && now >= c->sched_deadline) {
			(void)decide(0); /* the EL2 timer: the slice ended */
		} else if (c->current != b0) {
			(void)trap(0, wfe_fn);
		}
		if (c->current == b0) {
			turns++;
			if (turns == 1) {
				EXPECT_LE(now - start, 5 * MS);
			}
		}
	}
	EXPECT_GE(turns, 1);
	EXPECT_TRUE(allowed_everywhere_it_is());
}

/* Let pCPU 0 decide, 1 ms apart, until it runs @v. */
static void run_until(struct vcpu *v)
{
	for (unsigned int i = 0; i < 100 && pcpu_get(0)->current != v; i++) {
		clock_at(now + MS);
		(void)decide(0);
	}
	ASSERT_TRUE(pcpu_get(0)->current == v);
}

TEST(sched_wfe_spinning_vcpu_goes_behind_the_queue)
{
	struct domain *a = hx_domain(1, 1, false, HX_DOM_MEM); /* 0 */
	struct domain *x = hx_domain(2, 1, false, HX_DOM_MEM); /* 1 */
	struct domain *b = hx_domain(3, 1, false, HX_DOM_MEM); /* 0 */
	struct vcpu *v = a->vcpus[0], *w = b->vcpus[0];

	(void)x;
	/*
	 * A 4 ms slice (sched_slice_us=4000): w, running a slice after each
	 * yield, stays within one slice of v, so that one move behind is
	 * enough to pass it.
	 */
	ASSERT_EQ(sched_set_slice(4000), 0);
	clock_at(T0);
	ASSERT_EQ(sched_set_affinity(v, CPU0, 0), 0);
	ASSERT_EQ(sched_set_affinity(w, CPU0, 0), 0);
	host_cpu_select(0);
	sched_add_vcpu(v);
	sched_add_vcpu(w);
	ASSERT_TRUE(decide(0) == v);
	w->vtime = v->vtime + 3 * MS; /* w ran more lately */
	/* WFEs after 5 ms of running each: ordinary yields to w. */
	for (unsigned int i = 0; i < 3; i++) {
		uint64_t before;

		run_until(v);
		before = v->vtime;
		clock_at(now + 5 * MS);
		EXPECT_TRUE(trap(0, wfe_fn) == w);
		EXPECT_EQ(v->vtime - before, 5 * MS); /* just its run time */
		EXPECT_EQ(v->wfe_run, 0);
	}
	/* WFE after WFE with a moment of running between: spinning. */
	for (unsigned int i = 0; i < 4; i++) {
		run_until(v);
		clock_at(now + 10);
		EXPECT_TRUE(trap(0, wfe_fn) == w);
	}
	EXPECT_EQ(v->wfe_run, 4);
	/* It went behind w, by at most a slice of virtual time. */
	EXPECT_TRUE(!sched_vtime_before(v->vtime, w->vtime));
	EXPECT_TRUE(v->vtime <= w->vtime + 4 * MS);
}
