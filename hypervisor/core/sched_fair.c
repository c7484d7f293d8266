/* SPDX-License-Identifier: MIT */
/*
 * The scheduler's policy (docs/scheduler.md): weighted fair sharing by
 * virtual time, caps, and when the running vCPU must next be looked at.
 * Pure accounting and choice over one run queue: it moves no vCPU and
 * switches nothing (sched.c does, with the queues, blocking and waking).
 *
 * A vCPU's virtual time advances by its run time * 256 / weight of its
 * domain; the runnable vCPU with the smallest virtual time runs next. A
 * vCPU entering the queue (woken, started) is moved up to the pCPU's
 * virtual-time floor, so time asleep is not banked as credit. A domain's
 * cap (percent of a pCPU, per vCPU) throttles it within each cap period.
 * All of it under the run queue's lock.
 */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/percpu.h>

#include "sched_priv.h"

uint64_t sched_slice_us = SCHED_SLICE_US;
uint64_t sched_sibling_slice_us = SCHED_SIBLING_SLICE_US;

int sched_set_slice(uint64_t us)
{
	if (us < SCHED_SLICE_MIN_US || us > SCHED_SLICE_MAX_US ||
	    us < sched_sibling_slice_us) {
		return -EINVAL;
	}
	sched_slice_us = us;
	return 0;
}

int sched_set_sibling_slice(uint64_t us)
{
	if (us < SCHED_SIBLING_SLICE_MIN_US || us > sched_slice_us) {
		return -EINVAL;
	}
	sched_sibling_slice_us = us;
	return 0;
}

/* The period caps are counted in (the slice: sched_priv.h). */
#define SCHED_CAP_PERIOD_US 20000ULL

uint64_t sched_us_to_ticks(uint64_t us)
{
	return arch_counter_freq() * us / 1000000ULL;
}

/*
 * Budget @v has left in its cap period at @now: UINT64_MAX when its
 * domain has no cap, 0 while throttled. Starts the next period when the
 * current one ended, carrying over what the last slice overran. rq_lock.
 */
uint64_t sched_cap_left(struct vcpu *v, uint64_t now)
{
	unsigned int cap = v->dom->sched_cap;
	uint64_t period, budget;

	if (!cap) {
		return UINT64_MAX;
	}
	period = sched_us_to_ticks(SCHED_CAP_PERIOD_US);
	budget = period * cap / 100;
	if (now - v->cap_start >= period) {
		v->cap_start = now - v->cap_start < 2 * period
				       ? v->cap_start + period
				       : now;
		v->cap_used = v->cap_used > budget ? v->cap_used - budget : 0;
	}
	return v->cap_used < budget ? budget - v->cap_used : 0;
}

uint64_t sched_ran_since(const struct vcpu *v, uint64_t now)
{
	return now > v->run_start ? now - v->run_start : 0;
}

uint64_t sched_to_vtime(const struct vcpu *v, uint64_t ticks)
{
	return ticks * SCHED_WEIGHT_DEFAULT / v->dom->sched_weight;
}

/* @v ran from run_start to @now: charge its clocks. rq_lock held. */
void sched_charge(struct vcpu *v, uint64_t now)
{
	uint64_t ran = sched_ran_since(v, now);

	v->run_start = now;
	v->cpu_time += ran;
	v->vtime += sched_to_vtime(v, ran);
	if (v->dom->sched_cap) {
		v->cap_used += ran;
	}
}

/*
 * The pCPU's virtual-time floor now: the smallest virtual time of the
 * vCPUs competing there, counting what the running one has used since it
 * was last charged, and never going back. rq_lock held (the current
 * vCPU is set under it and is running while its state says so).
 */
uint64_t sched_vtime_floor(struct pcpu *c, uint64_t now)
{
	struct vcpu *cur = __atomic_load_n(&c->current, __ATOMIC_RELAXED);
	uint64_t floor = 0;
	bool any = false;

	if (cur && cur->state == VCPU_RUNNING) {
		floor = cur->vtime +
			sched_to_vtime(cur, sched_ran_since(cur, now));
		any = true;
	}
	for (struct vcpu *q = c->rq_head; q; q = q->rq_next) {
		if (!any || sched_vtime_before(q->vtime, floor)) {
			floor = q->vtime;
			any = true;
		}
	}
	if (any && sched_vtime_before(c->min_vtime, floor)) {
		c->min_vtime = floor;
	}
	return c->min_vtime;
}

/*
 * Virtual time a vCPU joining a queue may start below the floor: half a
 * slice, so that a vCPU waking from a short sleep (an interactive one)
 * runs before the CPU hogs of its pCPU and a little longer, never more
 * than that ahead of them however long it slept.
 */
static uint64_t wake_credit(const struct vcpu *v)
{
	return sched_to_vtime(v, sched_us_to_ticks(sched_slice_us / 2));
}

void sched_join_vtime(struct pcpu *c, struct vcpu *v, uint64_t now)
{
	uint64_t floor = sched_vtime_floor(c, now) - wake_credit(v);

	if (sched_vtime_before(v->vtime, floor)) {
		v->vtime = floor;
	}
}

bool sched_vtime_ahead(const struct vcpu *v, const struct vcpu *cur,
		       uint64_t now)
{
	return sched_vtime_before(
		v->vtime,
		cur->vtime + sched_to_vtime(cur, sched_ran_since(cur, now)));
}

/*
 * Choose among the queued vCPUs of @c at @now: the smallest virtual time
 * among those within their cap. @skip (a yielding vCPU) is chosen only if
 * no other can run. rq_lock held.
 */
struct sched_pick sched_rq_pick(struct pcpu *c, uint64_t now, struct vcpu *skip)
{
	struct sched_pick p = { 0 };
	struct vcpu *fallback = NULL;
	unsigned int eligible = 0;

	for (struct vcpu *v = c->rq_head; v; v = v->rq_next) {
		if (sched_cap_left(v, now) == 0) {
			uint64_t end = v->cap_start +
				       sched_us_to_ticks(SCHED_CAP_PERIOD_US);

			if (!p.release || end < p.release) {
				p.release = end;
			}
			continue;
		}
		eligible++;
		if (v == skip) {
			fallback = v;
		} else if (!p.v || sched_vtime_before(v->vtime, p.v->vtime)) {
			p.v = v;
		}
	}
	if (!p.v) {
		p.v = fallback;
	}
	p.waiting = eligible ? eligible - 1 : 0;
	for (struct vcpu *v = c->sleepers; v; v = v->sleep_next) {
		if (!p.release || v->sleep_until < p.release) {
			p.release = v->sleep_until;
		}
	}
	return p;
}

/*
 * @w blocked lately (an interactive vCPU: a shell, a backend, a guest
 * taking interrupts), or not at all since it was a CPU hog.
 */
bool sched_interactive(const struct vcpu *w, uint64_t now)
{
	return w->blocked_at &&
	       now - w->blocked_at < sched_us_to_ticks(SCHED_INTERACTIVE_US);
}

uint64_t sched_slice_us_for(bool sibling, bool interactive)
{
	return sibling	     ? sched_sibling_slice_us
	       : interactive ? sched_slice_us / 2
			     : sched_slice_us;
}

/*
 * The slice @v gets while vCPUs wait on @c (one scan of the queue): see
 * sched_slice_us_for(). Only those within their cap count.
 */
static uint64_t queue_slice_us(struct pcpu *c, struct vcpu *v, uint64_t now)
{
	bool sibling = false, interactive = false;

	for (struct vcpu *w = c->rq_head; w; w = w->rq_next) {
		if (w == v || !sched_cap_left(w, now)) {
			continue;
		}
		if (w->dom == v->dom) {
			sibling = true;
		} else if (sched_interactive(w, now)) {
			interactive = true;
		}
	}
	return sched_slice_us_for(sibling, interactive);
}

/*
 * When @c must next look at its queue while @v runs (NULL: idle): the
 * end of the slice that began at c->slice_start if others wait
 * (queue_slice_us()), the end of @v's cap budget, the end of a
 * throttle. 0 when nothing needs a deadline. rq_lock held.
 */
uint64_t sched_slice_deadline(struct pcpu *c, struct vcpu *v,
			      const struct sched_pick *p, uint64_t now)
{
	uint64_t d = p->release ? p->release : UINT64_MAX;

	if (v) {
		uint64_t left = sched_cap_left(v, now);

		if (left != UINT64_MAX && now + left < d) {
			d = now + left;
		}
		if (p->waiting) {
			uint64_t end =
				c->slice_start +
				sched_us_to_ticks(queue_slice_us(c, v, now));

			d = end < d ? end : d;
		}
	}
	return d == UINT64_MAX ? 0 : d;
}

/* @to, a directed yield's target, can run on @c now. rq_lock held. */
bool sched_can_run_here(struct pcpu *c, struct vcpu *to, uint64_t now)
{
	return to && to->on_rq && to->pcpu == c->id && sched_cap_left(to, now);
}

/*
 * A spinning vCPU's yield (directed yield): it goes behind the queue,
 * by at most one slice of its virtual time. rq_lock held.
 */
void sched_move_behind(struct pcpu *c, struct vcpu *v)
{
	uint64_t last = v->vtime;
	uint64_t most =
		v->vtime + sched_to_vtime(v, sched_us_to_ticks(sched_slice_us));

	for (struct vcpu *q = c->rq_head; q; q = q->rq_next) {
		if (sched_vtime_before(last, q->vtime)) {
			last = q->vtime;
		}
	}
	v->vtime = sched_vtime_before(most, last) ? most : last;
}
