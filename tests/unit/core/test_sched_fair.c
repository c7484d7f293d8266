/* SPDX-License-Identifier: MIT */
/*
 * The fair policy and time slices of sched.c on a stopped clock: the test
 * plays the pCPU, running the current vCPU up to the scheduling deadline
 * the scheduler programmed, then taking the timer interrupt the way the
 * arm64 code does (host_timer_irq(), then sched_preempt_current() on
 * the reschedule request, or sched_run() again from idle).
 */
#include <public/sched.h>
#include <public/xen.h>
#include <sable/percpu.h>

#include "core_test.h"
#include "sched_priv.h"

#define MS 1000ULL /* counter ticks (1 MHz) */
#define T0 (1000 * MS)
#define SLICE (SCHED_SLICE_US * MS / 1000) /* the default slice */

static uint64_t now = T0;
/* Counter ticks each domain's vCPU ran, by domain id. */
static uint64_t ran[8];

static void yield_fn(void *arg)
{
	(void)arg;
	sched_yield_current();
}

static struct pcpu *cpu0(void)
{
	host_cpu_select(0);
	return this_cpu();
}

/* Stop the clock at T0 and give pCPU 0 to the scheduler. */
static void start(void)
{
	host_clock_manual(true);
	host_clock_set(now);
	host_run(hx_run_fn, NULL, NULL);
}

/*
 * Let pCPU 0 run until @until: the current vCPU runs (is charged) up to
 * each deadline, where the timer interrupt is taken.
 */
static void run_for(uint64_t ticks)
{
	struct pcpu *c = cpu0();
	uint64_t until = now + ticks;

	while (now < until) {
		uint64_t d = c->sched_deadline;

		ASSERT_EQ(d, c->arch.deadline);
		if (!d || d > until) {
			d = until;
		}
		if (d < now) {
			d = now; /* due already: the interrupt is pending */
		}
		if (c->current) {
			ran[c->current->dom->id] += d - now;
		}
		now = d;
		host_clock_set(now);
		if (c->sched_deadline && c->sched_deadline <= now) {
			host_timer_irq(now);
		}
		if (c->resched) {
			c->resched = false;
			host_run(c->current ? hx_preempt_fn : hx_run_fn, NULL,
				 NULL);
		}
	}
}

/* Run until @v is the current vCPU of pCPU 0 (at most @ticks). */
static void run_until_current(struct vcpu *v, uint64_t ticks)
{
	uint64_t until = now + ticks;

	while (cpu0()->current != v && now < until) {
		run_for(MS);
	}
	ASSERT_TRUE(cpu0()->current == v);
}

/*
 * Two domains whose vCPU 0 share pCPU 0 (vCPUs are spread round robin),
 * held there by their hard affinity so that no wake-up moves them.
 */
static void pair(struct domain **a, struct domain **b)
{
	*a = hx_domain(1, 1, false, HX_DOM_MEM);
	(void)hx_domain(2, 1, false, HX_DOM_MEM); /* on pCPU 1 */
	*b = hx_domain(3, 1, false, HX_DOM_MEM);
	ASSERT_EQ((*a)->vcpus[0]->pcpu, 0);
	ASSERT_EQ((*b)->vcpus[0]->pcpu, 0);
	ASSERT_EQ(sched_set_affinity((*a)->vcpus[0], 1, 1), 0);
	ASSERT_EQ(sched_set_affinity((*b)->vcpus[0], 1, 1), 0);
}

/* @x / @y within @pct percent of @num / @den. */
static bool ratio_near(uint64_t x, uint64_t y, uint64_t num, uint64_t den,
		       uint64_t pct)
{
	return x * den * 100 >= y * num * (100 - pct) &&
	       x * den * 100 <= y * num * (100 + pct);
}

TEST(sched_weights_256_and_512_share_a_pcpu_one_to_two)
{
	struct domain *a, *b;

	pair(&a, &b);
	b->sched_weight = 512;
	sched_add_vcpu(a->vcpus[0]);
	sched_add_vcpu(b->vcpus[0]);
	start();
	run_for(1000 * MS);
	EXPECT_EQ(ran[1] + ran[3], 1000 * MS);
	EXPECT_TRUE(ratio_near(ran[3], ran[1], 2, 1, 10));
	EXPECT_EQ(a->vcpus[0]->cpu_time + b->vcpus[0]->cpu_time +
			  cpu0()->current->run_start - now,
		  1000 * MS);
	EXPECT_TRUE(hx_console_clean());
}

TEST(sched_equal_weights_alternate_in_slices)
{
	struct domain *a, *b;

	pair(&a, &b);
	sched_add_vcpu(a->vcpus[0]);
	sched_add_vcpu(b->vcpus[0]);
	start();
	EXPECT_TRUE(cpu0()->current == a->vcpus[0]);
	/* The first slice ends a slice in, and the other vCPU runs. */
	EXPECT_EQ(cpu0()->sched_deadline, T0 + SLICE);
	run_for(SLICE);
	EXPECT_TRUE(cpu0()->current == b->vcpus[0]);
	run_for(396 * MS);
	EXPECT_TRUE(ratio_near(ran[3], ran[1], 1, 1, 5));
}

TEST(sched_cap_50_holds_a_lone_vcpu_to_half_a_pcpu)
{
	struct domain *a, *b;

	pair(&a, &b);
	a->sched_cap = 50;
	sched_add_vcpu(a->vcpus[0]);
	start();
	run_for(1000 * MS);
	EXPECT_TRUE(ratio_near(ran[1], 1000 * MS, 1, 2, 10));
	/* It idled the rest: the pCPU slept in between. */
	EXPECT_GT(cpu0()->arch.idles, 10);
}

TEST(sched_cap_25_beside_an_uncapped_vcpu_leaves_it_the_rest)
{
	struct domain *a, *b;

	pair(&a, &b);
	a->sched_cap = 25;
	sched_add_vcpu(a->vcpus[0]);
	sched_add_vcpu(b->vcpus[0]);
	start();
	run_for(1000 * MS);
	EXPECT_TRUE(ratio_near(ran[1], 1000 * MS, 1, 4, 10));
	/* Work conserving: the pCPU never idled. */
	EXPECT_EQ(ran[1] + ran[3], 1000 * MS);
}

TEST(sched_single_runnable_vcpu_arms_no_timer)
{
	struct domain *a, *b;
	struct pcpu *c;

	pair(&a, &b);
	start();
	c = cpu0();
	/* Idle: nothing armed. */
	EXPECT_TRUE(c->current == NULL);
	EXPECT_EQ(c->arch.deadline_sets, 0);
	sched_add_vcpu(a->vcpus[0]);
	host_run(hx_run_fn, NULL, NULL);
	EXPECT_TRUE(c->current == a->vcpus[0]);
	EXPECT_EQ(c->sched_deadline, 0);
	EXPECT_EQ(c->arch.deadline_sets, 0);
	run_for(50 * MS);
	/* A second vCPU becomes runnable here: the slice starts. */
	sched_wake(b->vcpus[0]); /* offline: no effect */
	EXPECT_EQ(c->sched_deadline, 0);
	sched_add_vcpu(b->vcpus[0]);
	EXPECT_NE(c->sched_deadline, 0);
	EXPECT_EQ(c->arch.deadline, c->sched_deadline);
	run_until_current(b->vcpus[0], 10 * MS);
	/* b blocks: a runs alone again, and the timer is off. */
	EXPECT_EQ(host_run(hx_block_fn, NULL, NULL), HOST_VCPU_RUN);
	EXPECT_TRUE(c->current == a->vcpus[0]);
	EXPECT_EQ(c->sched_deadline, 0);
	EXPECT_EQ(c->arch.deadline, 0);
	/* a blocks too: the pCPU idles with no timer. */
	EXPECT_EQ(host_run(hx_block_fn, NULL, NULL), HOST_IDLE);
	EXPECT_EQ(c->arch.deadline, 0);
}

TEST(sched_a_woken_vcpu_gets_no_more_than_its_share)
{
	struct domain *a, *b;
	struct pcpu *c;

	pair(&a, &b);
	sched_add_vcpu(a->vcpus[0]);
	sched_add_vcpu(b->vcpus[0]);
	start();
	c = cpu0();
	run_until_current(b->vcpus[0], 10 * MS);
	EXPECT_EQ(host_run(hx_block_fn, NULL, NULL), HOST_VCPU_RUN);
	/* a runs alone for a second while b sleeps. */
	run_for(1000 * MS);
	EXPECT_TRUE(c->current == a->vcpus[0]);
	ran[1] = ran[3] = 0;
	/* b wakes (an interrupt on this pCPU) and is served at once... */
	sched_wake(b->vcpus[0]);
	EXPECT_LE(c->sched_deadline, now);
	run_for(1);
	EXPECT_TRUE(c->current == b->vcpus[0]);
	/* ...but its second asleep is no credit: the pCPU is shared evenly. */
	run_for(400 * MS - 1);
	EXPECT_TRUE(ratio_near(ran[3], ran[1], 1, 1, 10));
}

TEST(sched_yield_prefers_the_other_vcpu_even_with_more_virtual_time)
{
	struct domain *a, *b;
	struct host_stop stop;

	pair(&a, &b);
	b->sched_weight = 64;
	sched_add_vcpu(a->vcpus[0]);
	sched_add_vcpu(b->vcpus[0]);
	start();
	run_until_current(b->vcpus[0], 10 * MS);
	run_until_current(a->vcpus[0], 10 * MS);
	/* a's virtual time is lower, yet its yield lets b run. */
	EXPECT_LT(a->vcpus[0]->vtime, b->vcpus[0]->vtime);
	host_cpu_select(0);
	EXPECT_EQ(host_run(yield_fn, NULL, &stop), HOST_VCPU_RUN);
	EXPECT_TRUE(stop.vcpu == b->vcpus[0]);
}

/* SCHEDOP_poll on @port of @v's domain with @timeout (ns). */
static enum host_stop_kind poll_port(struct vcpu *v, uint32_t port,
				     uint64_t timeout, long *rc)
{
	struct sched_poll poll = { .ports = HX_ARG2,
				   .nr_ports = 1,
				   .timeout = timeout };
	uint64_t args[5] = { SCHEDOP_poll, HX_ARG1 };

	hx_put(v->dom, HX_ARG2, &port, sizeof(port));
	hx_put(v->dom, HX_ARG1, &poll, sizeof(poll));
	return hx_call_stop(v, __HYPERVISOR_sched_op, args, rc, NULL);
}

TEST(sched_op_poll_timeout_wakes_the_vcpu_at_the_deadline)
{
	struct domain *a, *b;
	struct vcpu *v;
	uint32_t port;
	long rc = -1;

	pair(&a, &b);
	v = a->vcpus[0];
	port = hx_evtchn_unbound(a, 3);
	host_clock_manual(true);
	host_clock_set(now);
	/* System time is the counter in ns (1 MHz: 1000 ns a tick). */
	EXPECT_EQ(poll_port(v, port, (now + 5 * MS) * 1000, &rc), HOST_IDLE);
	EXPECT_EQ(v->state, VCPU_BLOCKED);
	EXPECT_EQ(cpu0()->sched_deadline, now + 5 * MS);
	EXPECT_EQ(cpu0()->arch.deadline, now + 5 * MS);
	run_for(5 * MS - 1);
	EXPECT_EQ(v->state, VCPU_BLOCKED);
	run_for(1);
	EXPECT_TRUE(cpu0()->current == v);
	EXPECT_EQ(v->state, VCPU_RUNNING);
	/* Woken alone on the pCPU: no timer left. */
	EXPECT_EQ(cpu0()->arch.deadline, 0);
	/* A deadline already past: returns at once with 0. */
	rc = -1;
	EXPECT_EQ(poll_port(v, port, now * 1000, &rc), HOST_RETURNED);
	EXPECT_EQ(rc, 0);
	/* No timeout: no timer, only an event ends it. */
	EXPECT_EQ(poll_port(v, port, 0, &rc), HOST_IDLE);
	EXPECT_EQ(cpu0()->arch.deadline, 0);
	run_for(100 * MS);
	EXPECT_EQ(v->state, VCPU_BLOCKED);
}

TEST(sched_op_poll_woken_by_an_event_drops_its_timeout)
{
	struct domain *a, *b;
	struct vcpu *v;
	uint32_t pa, pb;
	long rc = -1;

	pair(&a, &b);
	v = a->vcpus[0];
	pa = hx_evtchn_unbound(a, 3);
	pb = hx_evtchn_bind(b, 1, pa);
	host_clock_manual(true);
	host_clock_set(now);
	EXPECT_EQ(poll_port(v, pa, (now + 50 * MS) * 1000, &rc), HOST_IDLE);
	EXPECT_EQ(hx_evtchn_send(b, pb), 0);
	EXPECT_EQ(v->state, VCPU_RUNNABLE);
	EXPECT_TRUE(cpu0()->sleepers == NULL);
	EXPECT_EQ(v->sleep_until, 0);
}

/* Both vCPUs of @d pinned to pCPU 0, added, and the pCPU started. */
static void stack_siblings_on_cpu0(struct domain *d)
{
	ASSERT_EQ(sched_set_affinity(d->vcpus[0], 1, 1), 0);
	ASSERT_EQ(sched_set_affinity(d->vcpus[1], 1, 1), 0);
	sched_add_vcpu(d->vcpus[0]);
	sched_add_vcpu(d->vcpus[1]);
	start();
}

TEST(sched_siblings_sharing_a_pcpu_take_turns_by_the_short_slice)
{
	struct domain *d = hx_domain(1, 2, false, HX_DOM_MEM);
	struct vcpu *last;
	struct pcpu *c;
	unsigned int switches = 0;

	stack_siblings_on_cpu0(d);
	c = cpu0();
	ASSERT_TRUE(c->current != NULL);
	/* Its sibling waits: 0.5 ms, not the slice between domains. */
	EXPECT_EQ(SCHED_SIBLING_SLICE_US, 500);
	EXPECT_EQ(c->sched_deadline, now + MS / 2);
	last = c->current;
	for (unsigned int i = 0; i < 40; i++) {
		run_for(MS / 2);
		if (c->current != last) {
			switches++;
			last = c->current;
		}
	}
	EXPECT_GE(switches, 39);
	EXPECT_EQ(d->vcpus[0]->cpu_time + d->vcpus[1]->cpu_time, 20 * MS);
	EXPECT_LE(d->vcpus[0]->cpu_time, 11 * MS);
	EXPECT_LE(d->vcpus[1]->cpu_time, 11 * MS);
}

TEST(sched_sibling_slice_is_set_at_boot_within_bounds)
{
	struct domain *d = hx_domain(1, 2, false, HX_DOM_MEM);
	struct pcpu *c;

	EXPECT_EQ(sched_set_sibling_slice(99), -EINVAL);
	EXPECT_EQ(sched_set_sibling_slice(SCHED_SLICE_US + 1), -EINVAL);
	EXPECT_EQ(sched_sibling_slice_us, SCHED_SIBLING_SLICE_US);
	ASSERT_EQ(sched_set_sibling_slice(250), 0);
	stack_siblings_on_cpu0(d);
	c = cpu0();
	EXPECT_EQ(c->sched_deadline, now + MS / 4);
	run_for(MS / 4);
	EXPECT_EQ(c->sched_deadline, now + MS / 4);
}

TEST(sched_slice_is_set_within_bounds_and_never_below_the_sibling_slice)
{
	struct domain *a, *b;

	EXPECT_EQ(SCHED_SLICE_US, 4000);
	EXPECT_EQ(sched_set_slice(499), -EINVAL);
	EXPECT_EQ(sched_set_slice(10001), -EINVAL);
	ASSERT_EQ(sched_set_sibling_slice(1000), 0);
	EXPECT_EQ(sched_set_slice(999), -EINVAL);
	EXPECT_EQ(sched_slice_us, SCHED_SLICE_US);
	ASSERT_EQ(sched_set_slice(1000), 0);
	EXPECT_EQ(sched_set_sibling_slice(1001), -EINVAL);
	ASSERT_EQ(sched_set_sibling_slice(SCHED_SIBLING_SLICE_US), 0);
	ASSERT_EQ(sched_set_slice(6000), 0);
	/* Two domains on one pCPU take turns by it. */
	pair(&a, &b);
	sched_add_vcpu(a->vcpus[0]);
	sched_add_vcpu(b->vcpus[0]);
	start();
	EXPECT_EQ(cpu0()->sched_deadline, now + 6 * MS);
	run_for(6 * MS);
	EXPECT_TRUE(cpu0()->current == b->vcpus[0]);
	EXPECT_EQ(cpu0()->sched_deadline, now + 6 * MS);
}

/*
 * A vCPU that blocked lately (interactive) waits half a slice behind a
 * CPU hog, not a whole one; once it has not blocked for
 * SCHED_INTERACTIVE_US, whole slices again. The shares do not change.
 */
TEST(sched_slice_is_halved_while_a_vcpu_that_blocked_lately_waits)
{
	struct domain *a, *b;
	struct vcpu *va, *vb;
	struct pcpu *c;

	pair(&a, &b);
	va = a->vcpus[0];
	vb = b->vcpus[0];
	sched_add_vcpu(va);
	sched_add_vcpu(vb);
	start();
	c = cpu0();
	run_until_current(vb, 10 * MS);
	EXPECT_EQ(host_run(hx_block_fn, NULL, NULL), HOST_VCPU_RUN);
	EXPECT_TRUE(c->current == va);
	run_for(10 * MS);
	/* vb wakes and runs at once; va, a hog, waits a whole slice. */
	sched_wake(vb);
	run_for(1);
	ASSERT_TRUE(c->current == vb);
	EXPECT_EQ(c->sched_deadline, now - 1 + SLICE);
	run_until_current(va, 2 * SLICE);
	/* vb, which blocked 11 ms ago, waits behind va half a slice. */
	EXPECT_EQ(c->sched_deadline, c->slice_start + SLICE / 2);
	/* Both busy from now on: 60 ms later vb is a hog too. */
	memset(ran, 0, sizeof(ran));
	run_for(60 * MS);
	run_until_current(vb, 2 * SLICE);
	run_until_current(va, 2 * SLICE);
	EXPECT_EQ(c->sched_deadline, c->slice_start + SLICE);
	run_for(100 * MS);
	EXPECT_TRUE(ratio_near(ran[1], ran[3], 1, 1, 10));
}

TEST(sched_vcpus_of_two_domains_take_turns_by_the_full_slice)
{
	struct domain *a, *b;

	pair(&a, &b);
	sched_add_vcpu(a->vcpus[0]);
	sched_add_vcpu(b->vcpus[0]);
	start();
	EXPECT_EQ(cpu0()->sched_deadline, now + SLICE);
}

TEST(sched_reschedule_within_a_slice_does_not_lengthen_it)
{
	struct domain *a, *b;
	struct vcpu *first;
	uint64_t end;

	pair(&a, &b);
	sched_add_vcpu(a->vcpus[0]);
	sched_add_vcpu(b->vcpus[0]);
	start();
	first = cpu0()->current;
	end = cpu0()->sched_deadline;
	EXPECT_EQ(end, now + SLICE);
	/* The other is 2 ms of virtual time ahead (it ran more lately). */
	(first == a->vcpus[0] ? b : a)->vcpus[0]->vtime = first->vtime + 2 * MS;
	/* 1 ms in, a reschedule request (a kick) lets it go on... */
	now += MS;
	host_clock_set(now);
	host_run(hx_preempt_fn, NULL, NULL);
	EXPECT_TRUE(cpu0()->current == first);
	/* ...to the end of the slice it had, not a slice from the request. */
	EXPECT_EQ(cpu0()->sched_deadline, end);
	run_for(SLICE - MS);
	EXPECT_TRUE(cpu0()->current != first);
	EXPECT_EQ(cpu0()->sched_deadline, now + SLICE);
}
