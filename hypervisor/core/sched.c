/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: one run queue per pCPU; a vCPU has a home pCPU, which
 * changes when it migrates (sched_place.c: placement on wake-up, work
 * stealing, affinity, directed yield). Blocking (WFI, SCHEDOP_block) and
 * waking are ordered by the home run queue's lock, so a wake-up that
 * races with a block is never lost.
 *
 * Policy (docs/scheduler.md): weighted fair sharing by virtual time. A
 * vCPU's virtual time advances by its run time * 256 / weight of its
 * domain; the runnable vCPU with the smallest virtual time runs next. A
 * vCPU entering the queue (woken, started) is moved up to the pCPU's
 * virtual-time floor, so time asleep is not banked as credit. A domain's
 * cap (percent of a pCPU, per vCPU) throttles it within each cap period.
 *
 * Time slices: while other vCPUs wait, the running one is preempted at
 * the end of its slice through one deadline the arch programs (the EL2
 * timer on arm64, shared with the parked virtual timers). A pCPU with a
 * single runnable uncapped vCPU, or none, has no slice deadline at all.
 */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/percpu.h>
#include <sable/runstate.h>

#include "sched_arch.h"
#include "sched_priv.h"

/* The period caps are counted in (the slice: sched_priv.h). */
#define SCHED_CAP_PERIOD_US 20000ULL

struct vcpu *current_vcpu(void)
{
	return this_cpu()->current;
}

static uint64_t us_to_ticks(uint64_t us)
{
	return arch_counter_freq() * us / 1000000ULL;
}

/* Virtual times only grow; compare them modulo 2^64. */
static bool vtime_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static void rq_push(struct pcpu *c, struct vcpu *v)
{
	v->rq_next = NULL;
	if (c->rq_tail) {
		c->rq_tail->rq_next = v;
	} else {
		c->rq_head = v;
	}
	c->rq_tail = v;
	v->on_rq = true;
	c->nr_queued++;
}

void sched_rq_remove(struct pcpu *c, struct vcpu *v)
{
	struct vcpu **pp = &c->rq_head, *prev = NULL;

	if (!v->on_rq) {
		return;
	}
	while (*pp && *pp != v) {
		prev = *pp;
		pp = &(*pp)->rq_next;
	}
	if (!*pp) {
		return;
	}
	*pp = v->rq_next;
	if (c->rq_tail == v) {
		c->rq_tail = prev;
	}
	v->rq_next = NULL;
	v->on_rq = false;
	c->nr_queued--;
}

/*
 * Budget @v has left in its cap period at @now: UINT64_MAX when its
 * domain has no cap, 0 while throttled. Starts the next period when the
 * current one ended, carrying over what the last slice overran. rq_lock.
 */
static uint64_t cap_left(struct vcpu *v, uint64_t now)
{
	unsigned int cap = v->dom->sched_cap;
	uint64_t period, budget;

	if (!cap) {
		return UINT64_MAX;
	}
	period = us_to_ticks(SCHED_CAP_PERIOD_US);
	budget = period * cap / 100;
	if (now - v->cap_start >= period) {
		v->cap_start = now - v->cap_start < 2 * period
				       ? v->cap_start + period
				       : now;
		v->cap_used = v->cap_used > budget ? v->cap_used - budget : 0;
	}
	return v->cap_used < budget ? budget - v->cap_used : 0;
}

static uint64_t ran_since(const struct vcpu *v, uint64_t now)
{
	return now > v->run_start ? now - v->run_start : 0;
}

static uint64_t to_vtime(const struct vcpu *v, uint64_t ticks)
{
	return ticks * SCHED_WEIGHT_DEFAULT / v->dom->sched_weight;
}

/* @v ran from run_start to @now: charge its clocks. rq_lock held. */
static void charge(struct vcpu *v, uint64_t now)
{
	uint64_t ran = ran_since(v, now);

	v->run_start = now;
	v->cpu_time += ran;
	v->vtime += to_vtime(v, ran);
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
static uint64_t vtime_floor(struct pcpu *c, uint64_t now)
{
	struct vcpu *cur = __atomic_load_n(&c->current, __ATOMIC_RELAXED);
	uint64_t floor = 0;
	bool any = false;

	if (cur && cur->state == VCPU_RUNNING) {
		floor = cur->vtime + to_vtime(cur, ran_since(cur, now));
		any = true;
	}
	for (struct vcpu *q = c->rq_head; q; q = q->rq_next) {
		if (!any || vtime_before(q->vtime, floor)) {
			floor = q->vtime;
			any = true;
		}
	}
	if (any && vtime_before(c->min_vtime, floor)) {
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
	return to_vtime(v, us_to_ticks(SCHED_SLICE_US / 2));
}

/*
 * @v becomes runnable and joins @c's queue. It starts no lower than the
 * floor less wake_credit(), so time asleep (or paused) is not banked as
 * credit against the vCPUs that ran meanwhile. A vCPU of a paused domain
 * stays off the queue until domain_unpause(): false then. rq_lock held.
 */
static bool enqueue(struct pcpu *c, struct vcpu *v)
{
	uint64_t floor;

	v->state = VCPU_RUNNABLE;
	runstate_update(v);
	if (v->paused) {
		return false;
	}
	floor = vtime_floor(c, arch_counter()) - wake_credit(v);
	if (vtime_before(v->vtime, floor)) {
		v->vtime = floor;
	}
	rq_push(c, v);
	return true;
}

struct pick {
	struct vcpu *v; /* to run next, or NULL */
	unsigned int waiting; /* other vCPUs that could run now */
	/* Earliest end of a cap throttle or a timed block, 0 if none. */
	uint64_t release;
};

/*
 * Choose among the queued vCPUs of @c at @now: the smallest virtual time
 * among those within their cap. @skip (a yielding vCPU) is chosen only if
 * no other can run. rq_lock held.
 */
static struct pick rq_pick(struct pcpu *c, uint64_t now, struct vcpu *skip)
{
	struct pick p = { 0 };
	struct vcpu *fallback = NULL;
	unsigned int eligible = 0;

	for (struct vcpu *v = c->rq_head; v; v = v->rq_next) {
		if (cap_left(v, now) == 0) {
			uint64_t end =
				v->cap_start + us_to_ticks(SCHED_CAP_PERIOD_US);

			if (!p.release || end < p.release) {
				p.release = end;
			}
			continue;
		}
		eligible++;
		if (v == skip) {
			fallback = v;
		} else if (!p.v || vtime_before(v->vtime, p.v->vtime)) {
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
 * When the pCPU must next look at its queue while @v runs (NULL: idle):
 * the end of the slice if others wait, the end of @v's cap budget, the
 * end of a throttle. 0 when nothing needs a deadline. rq_lock held.
 */
static uint64_t slice_deadline(struct vcpu *v, const struct pick *p,
			       uint64_t now)
{
	uint64_t d = p->release ? p->release : UINT64_MAX;

	if (v) {
		uint64_t left = cap_left(v, now);

		if (p->waiting) {
			uint64_t slice = us_to_ticks(SCHED_SLICE_US);

			left = left < slice ? left : slice;
		}
		if (left != UINT64_MAX && now + left < d) {
			d = now + left;
		}
	}
	return d == UINT64_MAX ? 0 : d;
}

/* Program this pCPU's scheduling deadline (only when it changes). */
static void set_deadline(struct pcpu *c, uint64_t deadline)
{
	if (c->sched_deadline != deadline) {
		c->sched_deadline = deadline;
		sched_arch_set_deadline(deadline);
	}
}

/*
 * A vCPU joined this pCPU's queue while @cur runs here. With no slice
 * running yet, start one as if @cur had been given one when it started:
 * a vCPU that ran alone for longer is preempted at once.
 */
static void start_slice(struct pcpu *c, struct vcpu *cur)
{
	uint64_t d = cur->run_start + us_to_ticks(SCHED_SLICE_US);

	if (!c->sched_deadline || d < c->sched_deadline) {
		set_deadline(c, d);
	}
}

/* After enqueue() on @c: make its pCPU take the new vCPU into account. */
static void notify(struct pcpu *c, struct vcpu *v)
{
	struct vcpu *cur;

	if (c != this_cpu()) {
		arch_send_resched(c->id);
	} else {
		cur = c->current;
		if (cur && cur != v) {
			uint64_t now = arch_counter();

			start_slice(c, cur);
			/* Ahead of the running vCPU (a wake-up): at once. */
			if (vtime_before(
				    v->vtime,
				    cur->vtime +
					    to_vtime(cur,
						     ran_since(cur, now)))) {
				c->resched = true;
			}
		}
	}
	/* It waits behind a running vCPU: an idle pCPU may take it. */
	sched_kick_idle(c, v);
}

/* @v (blocked) is woken at @until at the latest. rq_lock held. */
static void sleeper_add(struct pcpu *c, struct vcpu *v, uint64_t until)
{
	v->sleep_until = until;
	v->sleep_next = c->sleepers;
	c->sleepers = v;
}

static void sleeper_remove(struct pcpu *c, struct vcpu *v)
{
	struct vcpu **pp = &c->sleepers;

	if (!v->sleep_until) {
		return;
	}
	while (*pp && *pp != v) {
		pp = &(*pp)->sleep_next;
	}
	if (*pp) {
		*pp = v->sleep_next;
	}
	v->sleep_next = NULL;
	v->sleep_until = 0;
}

void sched_add_vcpu(struct vcpu *v)
{
	struct pcpu *c = sched_lock_home(v);
	bool queued;

	queued = enqueue(c, v);
	spin_unlock(&c->rq_lock);
	if (queued) {
		notify(c, v);
	}
}

int sched_power_on(struct vcpu *v, uint64_t entry, uint64_t ctx)
{
	struct pcpu *c = sched_lock_home(v);
	bool queued;

	/* Checked and changed under one lock: racing CPU_ONs, one winner. */
	if (v->state != VCPU_OFFLINE || c->current == v) {
		spin_unlock(&c->rq_lock);
		return -EEXIST;
	}
	arch_vcpu_init(v, entry, ctx);
	queued = enqueue(c, v);
	spin_unlock(&c->rq_lock);
	if (queued) {
		notify(c, v);
	}
	return 0;
}

/*
 * Blocked @v, homed at @c (locked, not running there), is woken onto
 * @t's queue instead (placement). Drops the lock. False if its state
 * changed before both locks were held: the caller starts again.
 */
static bool wake_elsewhere(struct vcpu *v, struct pcpu *c, struct pcpu *t)
{
	bool queued;

	spin_unlock(&c->rq_lock);
	sched_lock_two(c, t);
	if (v->pcpu != c->id || v->state != VCPU_BLOCKED ||
	    __atomic_load_n(&c->current, __ATOMIC_ACQUIRE) == v) {
		sched_unlock_two(c, t);
		return false;
	}
	sleeper_remove(c, v);
	sched_migrate_locked(v, c, t, arch_counter());
	queued = enqueue(t, v);
	sched_unlock_two(c, t);
	if (queued) {
		notify(t, v);
	}
	return true;
}

void sched_wake(struct vcpu *v)
{
	struct pcpu *c, *t;
	bool queued = false, kick = false;

again:
	c = sched_lock_home(v);
	v->wake_pending = true;
	if (v->state == VCPU_BLOCKED) {
		/* Still on its way off this pCPU (blocking): it stays. */
		t = __atomic_load_n(&c->current, __ATOMIC_ACQUIRE) == v ||
				    v->paused
			    ? c
			    : sched_place(v, c);
		if (t != c) {
			if (!wake_elsewhere(v, c, t)) {
				goto again;
			}
			return;
		}
		sleeper_remove(c, v);
		queued = enqueue(c, v);
	} else if (v->state == VCPU_RUNNING && c != this_cpu()) {
		kick = true; /* make it re-enter and see the interrupt */
	}
	spin_unlock(&c->rq_lock);
	if (queued) {
		notify(c, v);
	} else if (kick) {
		arch_send_resched(c->id);
	}
}

/* The current vCPU @v (charged, its state set) leaves the pCPU. */
static __attribute__((noreturn)) void switch_away(struct pcpu *c,
						  struct vcpu *v)
{
	sched_arch_save_current(v);
	/* domain_pause() waits for this store. */
	__atomic_store_n(&c->current, NULL, __ATOMIC_RELEASE);
	sched_run();
}

/*
 * Called from a trap of the current vCPU: save it, then run another, until
 * an interrupt or event wakes it or (@until not 0) the counter reaches
 * @until. Returns at once if something is pending or @until has passed.
 */
void sched_block_current_until(uint64_t until)
{
	struct pcpu *c = this_cpu();
	struct vcpu *v = c->current;

	spin_lock(&c->rq_lock);
	if (v->wake_pending) {
		v->wake_pending = false;
		spin_unlock(&c->rq_lock);
		return;
	}
	if (until && until <= arch_counter()) {
		spin_unlock(&c->rq_lock);
		return;
	}
	v->state = VCPU_BLOCKED;
	runstate_update(v);
	if (until) {
		sleeper_add(c, v, until);
	}
	spin_unlock(&c->rq_lock);
	/*
	 * Checked without the run-queue lock: the device models and event
	 * channels take their own locks and then wake vCPUs (run-queue lock),
	 * so taking theirs under ours would invert the order. A wake-up that
	 * lands from here on finds the vCPU blocked and queues it.
	 */
	if (sched_arch_has_work(v)) {
		spin_lock(&c->rq_lock);
		if (v->state == VCPU_BLOCKED && !v->paused) {
			sleeper_remove(c, v);
			v->state = VCPU_RUNNING;
			runstate_update(v);
			spin_unlock(&c->rq_lock);
			return;
		}
		if (v->state == VCPU_BLOCKED) {
			/* Woken, but paused: runnable at domain_unpause(). */
			sleeper_remove(c, v);
			v->state = VCPU_RUNNABLE;
			runstate_update(v);
		}
		spin_unlock(&c->rq_lock); /* already queued by a wake-up */
	}
	spin_lock(&c->rq_lock);
	charge(v, arch_counter());
	spin_unlock(&c->rq_lock);
	switch_away(c, v);
}

void sched_block_current(void)
{
	sched_block_current_until(0);
}

/* @to, a directed yield's target, can run on @c now. rq_lock held. */
static bool can_run_here(struct pcpu *c, struct vcpu *to, uint64_t now)
{
	return to && to->on_rq && to->pcpu == c->id && cap_left(to, now);
}

/*
 * A spinning vCPU's yield (directed yield): it goes behind the queue,
 * by at most one slice of its virtual time. rq_lock held.
 */
static void move_behind(struct pcpu *c, struct vcpu *v)
{
	uint64_t last = v->vtime;
	uint64_t most = v->vtime + to_vtime(v, us_to_ticks(SCHED_SLICE_US));

	for (struct vcpu *q = c->rq_head; q; q = q->rq_next) {
		if (vtime_before(last, q->vtime)) {
			last = q->vtime;
		}
	}
	v->vtime = vtime_before(most, last) ? most : last;
}

/*
 * The current vCPU goes back to the queue. With @yield it gives way to
 * any other that can run (WFE, SCHEDOP_yield), to @to first if it is
 * queued here (directed yield), going behind the others if @behind;
 * otherwise (a reschedule request, the end of a slice) the policy
 * decides, and it may go on. A vCPU no longer allowed here leaves for
 * another pCPU (sched_run() hands it over once it is off this one).
 */
static void requeue_current(bool yield, struct vcpu *to, bool behind)
{
	struct pcpu *c = this_cpu();
	struct vcpu *v = c->current;
	uint64_t now = arch_counter();
	struct pick p;

	spin_lock(&c->rq_lock);
	charge(v, now);
	v->state = VCPU_RUNNABLE;
	if (v->paused) {
		/* domain_pause() sent the reschedule: leave, off the queue. */
		runstate_update(v);
		spin_unlock(&c->rq_lock);
		switch_away(c, v);
	}
	if (!sched_allowed_on(v, c)) {
		c->move_out = v;
		spin_unlock(&c->rq_lock);
		switch_away(c, v);
	}
	if (behind) {
		move_behind(c, v);
	}
	rq_push(c, v);
	p = rq_pick(c, now, yield ? v : NULL);
	if (can_run_here(c, to, now)) {
		p.v = to;
	}
	if (p.v == v) {
		sched_rq_remove(c, v);
		v->state = VCPU_RUNNING;
		spin_unlock(&c->rq_lock);
		set_deadline(c, slice_deadline(v, &p, now));
		return;
	}
	runstate_update(v);
	if (yield) {
		c->yield_skip = v;
	}
	c->yield_to = p.v == to ? to : NULL;
	spin_unlock(&c->rq_lock);
	switch_away(c, v);
}

void sched_yield_current(void)
{
	requeue_current(true, NULL, false);
}

void sched_preempt_current(void)
{
	requeue_current(false, NULL, false);
}

void sched_tick(uint64_t now)
{
	struct pcpu *c = this_cpu();
	struct vcpu **pp = &c->sleepers;

	if (!c->sched_deadline || c->sched_deadline > now) {
		return;
	}
	c->sched_deadline = 0;
	c->resched = true;
	/* Timed blocks that ended: runnable again, with nothing pending. */
	spin_lock(&c->rq_lock);
	while (*pp) {
		struct vcpu *v = *pp;

		if (v->sleep_until > now) {
			pp = &v->sleep_next;
			continue;
		}
		*pp = v->sleep_next;
		v->sleep_next = NULL;
		v->sleep_until = 0;
		if (v->state == VCPU_BLOCKED) {
			enqueue(c, v);
		}
	}
	spin_unlock(&c->rq_lock);
}

static void stop_current(enum vcpu_state state)
{
	struct pcpu *c = this_cpu();
	struct vcpu *v = c->current;

	spin_lock(&c->rq_lock);
	charge(v, arch_counter());
	v->state = state;
	runstate_update(v);
	spin_unlock(&c->rq_lock);
	switch_away(c, v);
}

/* The current vCPU stops: its domain shut down or paused. */
void sched_pause_current(void)
{
	stop_current(VCPU_PAUSED);
}

/* PSCI CPU_OFF: the vCPU may be started again with CPU_ON. */
void sched_pause_current_offline(void)
{
	stop_current(VCPU_OFFLINE);
}

void sched_run(void)
{
	struct pcpu *c = this_cpu();

	for (;;) {
		uint64_t now;
		uint64_t deadline;
		struct pick p;

		if (c->move_out) {
			sched_move_out(c);
		}
		/* No vCPU and no domain pointer held here. */
		domain_quiescent();
		now = arch_counter();
		spin_lock(&c->rq_lock);
		p = rq_pick(c, now, c->yield_skip);
		if (can_run_here(c, c->yield_to, now)) {
			p.v = c->yield_to;
		}
		c->yield_skip = NULL;
		c->yield_to = NULL;
		if (!p.v) {
			/* Nothing here: take work from a busier pCPU first. */
			spin_unlock(&c->rq_lock);
			if (sched_steal(c, now)) {
				continue;
			}
			spin_lock(&c->rq_lock);
			p = rq_pick(c, now, NULL);
		}
		if (p.v) {
			sched_rq_remove(c, p.v);
			p.v->state = VCPU_RUNNING;
			runstate_update(p.v);
			p.v->wake_pending = false;
			p.v->run_start = now;
			if (vtime_before(c->min_vtime, p.v->vtime)) {
				c->min_vtime = p.v->vtime;
			}
			__atomic_store_n(&c->current, p.v, __ATOMIC_RELAXED);
		}
		deadline = slice_deadline(p.v, &p, now);
		spin_unlock(&c->rq_lock);
		set_deadline(c, deadline);
		if (p.v) {
			arch_vcpu_run(p.v);
		}
		arch_idle();
	}
}

/* ---- remote pause and retirement (domain_pause, domain_destroy) ------ */

/* @v leaves @c's queue for good or a while: no pick may name it. */
static void forget_picks(struct pcpu *c, struct vcpu *v)
{
	if (c->yield_skip == v) {
		c->yield_skip = NULL;
	}
	if (c->yield_to == v) {
		c->yield_to = NULL;
	}
}

bool sched_pause_vcpu(struct vcpu *v)
{
	struct pcpu *c = sched_lock_home(v);
	bool running;

	v->paused = true;
	runstate_update(v);
	if (v->state == VCPU_RUNNABLE) {
		sched_rq_remove(c, v);
	}
	forget_picks(c, v);
	running = __atomic_load_n(&c->current, __ATOMIC_ACQUIRE) == v;
	spin_unlock(&c->rq_lock);
	if (running && c != this_cpu()) {
		arch_send_resched(c->id);
	}
	return running;
}

void sched_wait_descheduled(struct vcpu *v)
{
	for (;;) {
		/* Its home may change once it is off (affinity hand-over). */
		struct pcpu *c =
			pcpu_get(__atomic_load_n(&v->pcpu, __ATOMIC_ACQUIRE));

		if (c == this_cpu()) {
			return; /* the caller's own pCPU runs the caller */
		}
		if (__atomic_load_n(&c->current, __ATOMIC_ACQUIRE) != v) {
			return;
		}
		sched_arch_wait_for(c->id);
	}
}

void sched_unpause_vcpu(struct vcpu *v, bool shut_down)
{
	struct pcpu *c = sched_lock_home(v);
	bool queued = false;

	v->paused = false;
	if (v->state == VCPU_RUNNABLE && c->current != v) {
		if (shut_down) {
			v->state = VCPU_PAUSED;
			runstate_update(v);
		} else {
			queued = enqueue(c, v);
		}
	}
	spin_unlock(&c->rq_lock);
	if (queued) {
		notify(c, v);
	}
}

void sched_retire_vcpu(struct vcpu *v)
{
	struct pcpu *c = sched_lock_home(v);

	v->paused = true;
	sleeper_remove(c, v);
	sched_rq_remove(c, v);
	forget_picks(c, v);
	v->state = VCPU_OFFLINE;
	runstate_update(v);
	spin_unlock(&c->rq_lock);
}

/* ---- for sched_place.c (sched_priv.h) ---------------------------------- */

uint64_t sched_us_to_ticks(uint64_t us)
{
	return us_to_ticks(us);
}

uint64_t sched_to_vtime(const struct vcpu *v, uint64_t ticks)
{
	return to_vtime(v, ticks);
}

void sched_rq_push(struct pcpu *c, struct vcpu *v)
{
	rq_push(c, v);
}

uint64_t sched_vtime_floor(struct pcpu *c, uint64_t now)
{
	return vtime_floor(c, now);
}

bool sched_enqueue(struct pcpu *c, struct vcpu *v)
{
	return enqueue(c, v);
}

void sched_sleeper_add(struct pcpu *c, struct vcpu *v, uint64_t until)
{
	sleeper_add(c, v, until);
}

void sched_sleeper_remove(struct pcpu *c, struct vcpu *v)
{
	sleeper_remove(c, v);
}

void sched_notify(struct pcpu *c, struct vcpu *v)
{
	notify(c, v);
}

void sched_requeue_current(bool yield, struct vcpu *to, bool behind)
{
	requeue_current(yield, to, behind);
}

void sched_forget_picks(struct pcpu *c, struct vcpu *v)
{
	forget_picks(c, v);
}
