/* SPDX-License-Identifier: MIT */
/*
 * Balancing at slice ends between busy pCPUs (sched_place.c), lone-vCPU
 * rotation, and pause and destroy of a vCPU that moved, on the host's two
 * pCPUs through the real scheduler paths (sched_place_test.h).
 */
#include <string.h>

#include <sable/mm.h>
#include <sable/percpu.h>

#include "core_test.h"
#include "sched_place_test.h"
#include "sched_priv.h"

/*
 * Play both pCPUs for @ticks, each taking its slice deadlines in time
 * order and every reschedule it is sent; @ran per domain id. Affinity
 * is checked after each step.
 */
static void run_both_for(uint64_t ticks, uint64_t *ran)
{
	uint64_t until = now + ticks;

	while (now < until) {
		uint64_t next = until;

		for (unsigned int i = 0; i < HX_NR_CPUS; i++) {
			uint64_t dl = pcpu_get(i)->sched_deadline;

			if (dl && dl < next) {
				next = dl > now ? dl : now;
			}
		}
		for (unsigned int i = 0; i < HX_NR_CPUS; i++) {
			struct vcpu *cur = pcpu_get(i)->current;

			if (cur) {
				ran[cur->dom->id] += next - now;
			}
		}
		clock_at(next);
		for (unsigned int i = 0; i < HX_NR_CPUS; i++) {
			struct pcpu *c = pcpu_get(i);

			if (c->sched_deadline && c->sched_deadline <= now) {
				host_cpu_select(i);
				host_timer_irq(now);
			}
		}
		/* A decision may send the other pCPU a reschedule: taken too. */
		for (unsigned int round = 0; round < 4; round++) {
			for (unsigned int i = 0; i < HX_NR_CPUS; i++) {
				if (pcpu_get(i)->resched) {
					(void)decide(i);
				}
			}
		}
		ASSERT_TRUE(allowed_everywhere_it_is());
	}
}

static unsigned int load_of(unsigned int cpu)
{
	return pcpu_get(cpu)->nr_queued + (pcpu_get(cpu)->current != NULL);
}

TEST(sched_slice_end_evens_out_a_queue_of_3_beside_a_queue_of_1)
{
	struct domain *d[4];
	uint64_t ran[8] = { 0 };
	unsigned int ipis;

	clock_at(T0);
	for (unsigned int i = 0; i < 4; i++) {
		d[i] = hx_domain(i + 1, 1, false, HX_DOM_MEM);
	}
	/* d1, d3, d4 on pCPU 0 (d4 sent there), d2 alone on pCPU 1. */
	ASSERT_EQ(sched_set_affinity(d[3]->vcpus[0], CPU0, 0), 0);
	host_cpu_select(0);
	sched_add_vcpu(d[0]->vcpus[0]);
	ASSERT_TRUE(decide(0) == d[0]->vcpus[0]);
	sched_add_vcpu(d[2]->vcpus[0]);
	sched_add_vcpu(d[3]->vcpus[0]);
	host_cpu_select(1);
	sched_add_vcpu(d[1]->vcpus[0]);
	ASSERT_TRUE(decide(1) == d[1]->vcpus[0]);
	ASSERT_EQ(sched_set_affinity(d[3]->vcpus[0], BOTH, BOTH), 0);
	ASSERT_EQ(load_of(0), 3);
	ASSERT_EQ(load_of(1), 1);
	/* Alone, pCPU 1 has no deadline: only pCPU 0 decides. */
	EXPECT_EQ(pcpu_get(1)->sched_deadline, 0);
	ASSERT_TRUE(pcpu_get(0)->sched_deadline != 0);
	/* Its slice ends: one of its waiters goes to pCPU 1, told at once. */
	ipis = pcpu_get(1)->arch.resched_ipis;
	clock_at(pcpu_get(0)->sched_deadline);
	host_cpu_select(0);
	host_timer_irq(now);
	(void)decide(0);
	EXPECT_EQ(load_of(0), 2);
	EXPECT_EQ(load_of(1), 2);
	EXPECT_EQ(pcpu_get(1)->arch.resched_ipis, ipis + 1);
	/* pCPU 1 takes the SGI: now it has a slice too. */
	(void)decide(1);
	EXPECT_TRUE(pcpu_get(1)->sched_deadline != 0);
	/* From here each of the four gets half a pCPU, within 10%. */
	run_both_for(400 * MS, ran);
	for (unsigned int i = 1; i <= 4; i++) {
		EXPECT_TRUE(ran[i] >= 180 * MS && ran[i] <= 220 * MS);
	}
	EXPECT_EQ(load_of(0), 2);
	EXPECT_EQ(load_of(1), 2);
}

/*
 * Three busy vCPUs of three domains on two pCPUs: the one alone on its
 * pCPU has no slices, yet it does not keep a whole pCPU while the other
 * two share one. Each gets two thirds of a pCPU, within 10%, and a vCPU
 * moves at most once per slice.
 */
TEST(sched_lone_vcpu_takes_its_turn_sharing_three_on_two_pcpus)
{
	struct domain *d1, *d2, *d3;
	uint64_t ran[8] = { 0 };
	uint64_t moved[4] = { 0 }, last[4];
	struct vcpu *v[4];
	unsigned int moves = 0;

	three(&d1, &d2, &d3);
	v[1] = d1->vcpus[0];
	v[2] = d2->vcpus[0];
	v[3] = d3->vcpus[0];
	host_cpu_select(0);
	sched_add_vcpu(v[1]);
	sched_add_vcpu(v[3]);
	host_cpu_select(1);
	sched_add_vcpu(v[2]);
	(void)decide(0);
	(void)decide(1);
	ASSERT_EQ(load_of(0), 2);
	ASSERT_EQ(load_of(1), 1);
	for (unsigned int i = 1; i <= 3; i++) {
		last[i] = v[i]->migrated_at;
	}
	/* 600 ms in steps of 10 ms, counting the moves. */
	for (unsigned int step = 0; step < 60; step++) {
		run_both_for(10 * MS, ran);
		for (unsigned int i = 1; i <= 3; i++) {
			if (v[i]->migrated_at != last[i]) {
				last[i] = v[i]->migrated_at;
				moved[i]++;
				moves++;
			}
		}
	}
	for (unsigned int i = 1; i <= 3; i++) {
		EXPECT_TRUE(ran[i] >= 360 * MS && ran[i] <= 440 * MS);
		EXPECT_TRUE(moved[i] > 0);
	}
	EXPECT_EQ(ran[1] + ran[2] + ran[3], 1200 * MS);
	/* At most one move per slice. */
	EXPECT_TRUE(moves <= 600 * MS / SLICE);
	EXPECT_EQ(load_of(0) + load_of(1), 3);
}

/*
 * a (running) and b (queued) on pCPU 0, lone running alone on pCPU 1, at
 * T0.
 */
static void two_beside_one(struct vcpu **a, struct vcpu **b, struct vcpu **lone)
{
	struct domain *d1, *d2, *d3;

	three(&d1, &d2, &d3);
	*a = d1->vcpus[0];
	*b = d3->vcpus[0];
	*lone = d2->vcpus[0];
	host_cpu_select(0);
	sched_add_vcpu(*a);
	sched_add_vcpu(*b);
	ASSERT_TRUE(decide(0) == *a);
	host_cpu_select(1);
	sched_add_vcpu(*lone);
	ASSERT_TRUE(decide(1) == *lone);
}

/*
 * The lone vCPU is disturbed only once it has kept its pCPU for two
 * slices on end: a vCPU that runs in bursts (it blocks, and is picked
 * again, between them) never is.
 */
TEST(sched_lone_vcpu_is_rotated_only_after_two_slices_alone)
{
	struct vcpu *a, *b, *lone;
	unsigned int ipis;

	two_beside_one(&a, &b, &lone);
	EXPECT_EQ(pcpu_get(1)->sched_deadline, 0);
	ipis = pcpu_get(1)->arch.resched_ipis;
	/* One slice alone: pCPU 0's slice end moves nothing. */
	clock_at(T0 + SLICE);
	EXPECT_TRUE(decide(0) == b);
	EXPECT_EQ(load_of(0), 2);
	EXPECT_EQ(load_of(1), 1);
	EXPECT_EQ(pcpu_get(1)->arch.resched_ipis, ipis);
	/* Two: a, waiting on pCPU 0, joins pCPU 1, which is told. */
	clock_at(T0 + 2 * SLICE);
	EXPECT_TRUE(decide(0) == b);
	EXPECT_TRUE(queued_on(a, 1));
	EXPECT_EQ(pcpu_get(1)->arch.resched_ipis, ipis + 1);
	EXPECT_EQ(pcpu_get(0)->sched_deadline, 0);
	/* pCPU 1 takes the SGI: a runs, the former lone vCPU waits. */
	EXPECT_TRUE(decide(1) == a);
	EXPECT_TRUE(queued_on(lone, 1));
	EXPECT_TRUE(pcpu_get(1)->sched_deadline != 0);
	EXPECT_TRUE(allowed_everywhere_it_is());
}

/*
 * The lone pCPU's slice_start moves at every switch there: with another
 * vCPU running there for moments now and then, it never reads two slices
 * alone. A waiter that has waited two slices on the busy pCPU goes over
 * all the same (seen under QEMU: a dom0 vCPU waited 100 ms while a
 * spinner ran alone on the other pCPU).
 */
TEST(sched_waiter_of_two_slices_goes_to_a_pcpu_alone_but_for_moments)
{
	struct vcpu *a, *b, *lone;
	unsigned int ipis;

	two_beside_one(&a, &b, &lone);
	/* b is far ahead in virtual time: a keeps pCPU 0 at slice ends. */
	b->vtime = a->vtime + 100 * MS;
	ipis = pcpu_get(1)->arch.resched_ipis;
	clock_at(T0 + SLICE);
	pcpu_get(1)->slice_start = now - MS; /* a switch there a moment ago */
	EXPECT_TRUE(decide(0) == a);
	EXPECT_TRUE(queued_on(b, 0));
	EXPECT_EQ(pcpu_get(1)->arch.resched_ipis, ipis);
	clock_at(T0 + 2 * SLICE);
	pcpu_get(1)->slice_start = now - MS;
	EXPECT_TRUE(decide(0) == a);
	EXPECT_TRUE(queued_on(b, 1));
	EXPECT_EQ(pcpu_get(1)->arch.resched_ipis, ipis + 1);
	/* pCPU 1 takes the SGI: b, put just ahead of lone, runs. */
	EXPECT_TRUE(decide(1) == b);
	EXPECT_TRUE(queued_on(lone, 1));
	EXPECT_TRUE(allowed_everywhere_it_is());
}

/*
 * A waiter moved to the lone vCPU's pCPU runs there, however late that
 * pCPU takes the SGI: its own decision does not send the waiter back by
 * the same rule (seen under QEMU: the SGI came 4 ms later, past the
 * 2 ms hold, and dom0's vCPU went to and fro for 53 ms without running).
 */
TEST(sched_vcpu_moved_to_a_lone_pcpu_runs_there_before_it_moves_again)
{
	struct vcpu *a, *b, *lone;

	two_beside_one(&a, &b, &lone);
	clock_at(T0 + SLICE);
	EXPECT_TRUE(decide(0) == b);
	clock_at(T0 + 2 * SLICE);
	EXPECT_TRUE(decide(0) == b);
	EXPECT_TRUE(queued_on(a, 1));
	/* pCPU 1 takes the SGI two slices late: a still runs there. */
	clock_at(T0 + 2 * SLICE + 4 * MS);
	EXPECT_TRUE(decide(1) == a);
	EXPECT_TRUE(queued_on(lone, 1));
	EXPECT_EQ(load_of(0), 1);
	/* Once it has run, the rule may move it on again as before. */
	EXPECT_TRUE(allowed_everywhere_it_is());
}

TEST(sched_slice_end_runs_the_sibling_that_waited_longest_on_either_pcpu)
{
	struct domain *x = hx_domain(1, 4, false, HX_DOM_MEM); /* 0 1 0 1 */
	struct domain *y = hx_domain(2, 1, false, HX_DOM_MEM); /* 0 */
	struct vcpu *a = x->vcpus[0], *b = x->vcpus[1];
	struct vcpu *c = x->vcpus[2], *d = x->vcpus[3];
	struct vcpu *other = y->vcpus[0];

	ASSERT_EQ(c->pcpu, 0);
	ASSERT_EQ(d->pcpu, 1);
	/* pCPU 1 runs b, d waits there from T0. */
	clock_at(T0);
	host_cpu_select(1);
	sched_add_vcpu(b);
	ASSERT_TRUE(decide(1) == b);
	sched_add_vcpu(d);
	/* pCPU 0 runs a, c waits there from 1 ms later. */
	clock_at(T0 + MS);
	host_cpu_select(0);
	sched_add_vcpu(a);
	ASSERT_TRUE(decide(0) == a);
	sched_add_vcpu(c);
	/*
	 * pCPU 0's slice ends: d, waiting longest, runs here, with a slice
	 * of its own (not the end of a's); c goes over.
	 */
	clock_at(T0 + 2 * MS);
	EXPECT_TRUE(decide(0) == d);
	EXPECT_EQ(d->pcpu, 0);
	EXPECT_EQ(pcpu_get(0)->slice_start, now);
	EXPECT_TRUE(queued_on(a, 0));
	EXPECT_TRUE(queued_on(c, 1));
	EXPECT_EQ(load_of(0), 2);
	EXPECT_EQ(load_of(1), 2);
	/* pCPU 1's slice ends: c, now the longest waiter, runs next. */
	clock_at(T0 + 3 * MS);
	EXPECT_TRUE(decide(1) == c);
	EXPECT_TRUE(queued_on(b, 1));
	/*
	 * Only siblings change places: y has waited on pCPU 0 since long
	 * ago, but at pCPU 1's next decision a (of b's domain) comes over.
	 */
	host_cpu_select(0);
	sched_add_vcpu(other);
	other->queued_at = T0 - 100 * MS;
	clock_at(T0 + 4 * MS);
	EXPECT_TRUE(decide(1) == a);
	EXPECT_TRUE(queued_on(other, 0));
	EXPECT_TRUE(queued_on(b, 0));
	EXPECT_TRUE(allowed_everywhere_it_is());
}

/*
 * Two domains of two busy vCPUs each, each domain stacked on one pCPU
 * (x on pCPU 0, y on pCPU 1): at the first slice end a waiter of each
 * changes places, and from then on each pCPU has one vCPU of each
 * domain, which share it evenly. (Under QEMU dom0's two vCPUs were seen
 * stacked so beside a domain spinning on both pCPUs: one dom0 vCPU spun
 * for the other, and a shell command took 100 ms of dom0's time.)
 */
TEST(sched_slice_end_unstacks_the_vcpus_of_a_domain)
{
	struct domain *x = hx_domain(1, 2, false, HX_DOM_MEM);
	struct domain *y = hx_domain(2, 2, false, HX_DOM_MEM);
	uint64_t ran[8] = { 0 };
	unsigned int ipis;

	clock_at(T0);
	for (unsigned int i = 0; i < 2; i++) {
		ASSERT_EQ(sched_set_affinity(x->vcpus[i], CPU0, 0), 0);
		ASSERT_EQ(sched_set_affinity(y->vcpus[i], CPU1, 0), 0);
	}
	host_cpu_select(0);
	sched_add_vcpu(x->vcpus[0]);
	sched_add_vcpu(x->vcpus[1]);
	ASSERT_TRUE(decide(0) == x->vcpus[0]);
	host_cpu_select(1);
	sched_add_vcpu(y->vcpus[0]);
	sched_add_vcpu(y->vcpus[1]);
	ASSERT_TRUE(decide(1) == y->vcpus[0]);
	/* Each runs (sibling slices), still pinned: stacked, and settled. */
	run_both_for(3 * MS, ran);
	for (unsigned int i = 0; i < 2; i++) {
		ASSERT_EQ(x->vcpus[i]->pcpu, 0);
		ASSERT_EQ(y->vcpus[i]->pcpu, 1);
		ASSERT_EQ(sched_set_affinity(x->vcpus[i], BOTH, BOTH), 0);
		ASSERT_EQ(sched_set_affinity(y->vcpus[i], BOTH, BOTH), 0);
	}
	ipis = pcpu_get(1)->arch.resched_ipis;
	/* pCPU 0 decides: its waiter and pCPU 1's change places. */
	clock_at(now + MS);
	host_cpu_select(0);
	host_timer_irq(now);
	(void)decide(0);
	EXPECT_TRUE(x->vcpus[0]->pcpu != x->vcpus[1]->pcpu);
	EXPECT_TRUE(y->vcpus[0]->pcpu != y->vcpus[1]->pcpu);
	EXPECT_EQ(pcpu_get(1)->arch.resched_ipis, ipis + 1);
	EXPECT_EQ(load_of(0), 2);
	EXPECT_EQ(load_of(1), 2);
	memset(ran, 0, sizeof(ran));
	run_both_for(400 * MS, ran);
	EXPECT_TRUE(ran[1] >= 360 * MS && ran[1] <= 440 * MS);
	EXPECT_TRUE(ran[2] >= 360 * MS && ran[2] <= 440 * MS);
	EXPECT_TRUE(x->vcpus[0]->pcpu != x->vcpus[1]->pcpu);
	EXPECT_TRUE(y->vcpus[0]->pcpu != y->vcpus[1]->pcpu);
	EXPECT_TRUE(allowed_everywhere_it_is());
}

TEST(sched_slice_end_balancing_keeps_weights_and_affinity)
{
	struct domain *x = hx_domain(1, 2, false, HX_DOM_MEM); /* 0 1 */
	struct domain *y = hx_domain(2, 2, false, HX_DOM_MEM); /* 0 1 */
	uint64_t ran[8] = { 0 };

	clock_at(T0);
	x->sched_weight = 512;
	/* One of y's vCPUs may only use pCPU 1. */
	ASSERT_EQ(sched_set_affinity(y->vcpus[1], CPU1, CPU1), 0);
	for (unsigned int i = 0; i < 2; i++) {
		host_cpu_select(x->vcpus[i]->pcpu);
		sched_add_vcpu(x->vcpus[i]);
		sched_add_vcpu(y->vcpus[i]);
	}
	(void)decide(0);
	(void)decide(1);
	run_both_for(1200 * MS, ran);
	/* 512:256 over both pCPUs: x two thirds of 2.4 s, y one third. */
	EXPECT_TRUE(ran[1] >= 1440 * MS && ran[1] <= 1760 * MS);
	EXPECT_TRUE(ran[2] >= 720 * MS && ran[2] <= 880 * MS);
	EXPECT_EQ(ran[1] + ran[2], 2400 * MS);
	EXPECT_EQ(load_of(0), 2);
	EXPECT_EQ(load_of(1), 2);
}

static int pause_op(struct domain *d)
{
	return domain_pause(d);
}

TEST(pause_and_destroy_follow_a_vcpu_that_migrated)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM); /* pCPU 0 */
	uint64_t free0 = mm_free_pages_count();
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM); /* pCPU 1 */
	struct vcpu *v = d1->vcpus[0];

	clock_at(T0);
	host_cpu_select(1);
	sched_add_vcpu(v);
	ASSERT_TRUE(decide(1) == v);
	/* dom0 sends it to pCPU 0, then lets pCPU 1 take it back. */
	hx_set_current(d0->vcpus[0]);
	ASSERT_EQ(sched_set_affinity(v, CPU0, 0), 0);
	ASSERT_TRUE(decide(1) == NULL);
	ASSERT_TRUE(queued_on(v, 0));
	host_cpu_select(0);
	ASSERT_EQ(sched_set_affinity(v, BOTH, 0), 0);
	ASSERT_TRUE(decide(1) == v);
	ASSERT_EQ(v->pcpu, 1);
	/* Paused from pCPU 0 while it runs on pCPU 1. */
	hx_set_current(d0->vcpus[0]);
	EXPECT_EQ(pause_op(d1), 0);
	EXPECT_TRUE(pcpu_get(1)->current == NULL);
	EXPECT_EQ(v->state, VCPU_RUNNABLE);
	EXPECT_FALSE(v->on_rq);
	/* Moved while paused: it stays off every queue until unpause. */
	host_cpu_select(0);
	EXPECT_EQ(sched_set_affinity(v, CPU0, 0), 0);
	EXPECT_EQ(v->pcpu, 0);
	EXPECT_FALSE(v->on_rq);
	EXPECT_TRUE(decide(1) == NULL);
	EXPECT_EQ(domain_unpause(d1), 0);
	EXPECT_TRUE(queued_on(v, 0));
	/* Destroyed: off its queue at once, every page back after. */
	EXPECT_EQ(domain_destroy(d1), 0);
	EXPECT_EQ(pcpu_get(0)->nr_queued, 0);
	EXPECT_EQ(pcpu_get(1)->nr_queued, 0);
	host_quiesce_all();
	EXPECT_TRUE(domain_lookup(1) == NULL);
	EXPECT_EQ(mm_free_pages_count(), free0);
	EXPECT_TRUE(decide(1) == NULL);
}
