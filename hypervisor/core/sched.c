/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: one run queue per pCPU; a vCPU has a home pCPU, which
 * changes when it migrates (sched_place.c: placement on wake-up, work
 * stealing, affinity, directed yield). Blocking (WFI, SCHEDOP_block) and
 * waking are ordered by the home run queue's lock, so a wake-up that
 * races with a block is never lost.
 *
 * The policy (sched_fair.c, docs/scheduler.md), weighted fair sharing by
 * virtual time with caps, chooses; this file queues, blocks, wakes and
 * switches.
 *
 * Time slices: while other vCPUs wait, the running one is preempted at
 * the end of its slice through one deadline the arch programs (the EL2
 * timer on arm64, shared with the parked virtual timers). A pCPU with a
 * single runnable uncapped vCPU, or none, has no slice deadline at all.
 */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/log.h>
#include <sable/mm.h>
#include <sable/percpu.h>
#include <sable/runstate.h>
#include <sable/vgic.h>
#include <sable/watchdog.h>

#include "dom0.h"
#include "sched_arch.h"
#include "sched_priv.h"

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
	v->queued_at = arch_counter();
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
 * @v becomes runnable and joins @c's queue at its floor (sched_join_vtime:
 * time asleep or paused is no credit). A vCPU of a paused domain stays
 * off the queue until domain_unpause(): false then. rq_lock held.
 */
static bool enqueue(struct pcpu *c, struct vcpu *v)
{
	v->state = VCPU_RUNNABLE;
	runstate_update(v);
	if (v->paused) {
		return false;
	}
	sched_join_vtime(c, v, arch_counter());
	rq_push(c, v);
	return true;
}

/* Program this pCPU's scheduling deadline (only when it changes). */
static void set_deadline(struct pcpu *c, uint64_t deadline)
{
	if (c->id == 0) {
		deadline = watchdog_fold_deadline(deadline);
	}
	if (c->sched_deadline != deadline) {
		c->sched_deadline = deadline;
		sched_arch_set_deadline(deadline);
	}
}

/*
 * @v joined this pCPU's queue while @cur runs here. With no slice
 * running yet, start one as if @cur had been given one when it started:
 * a vCPU that ran alone for longer is preempted at once.
 */
static void start_slice(struct pcpu *c, struct vcpu *cur, struct vcpu *v)
{
	uint64_t d =
		c->slice_start + sched_us_to_ticks(sched_slice_us_for(
					 v->dom == cur->dom,
					 sched_interactive(v, arch_counter())));

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

			start_slice(c, cur, v);
			/* Ahead of the running vCPU (a wake-up): at once. */
			if (sched_vtime_ahead(v, cur, now)) {
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
 * Whether @v, blocking, has an interrupt to take: a deliverable one in its
 * vGIC, or its event upcall pending with the upcall PPI enabled (WFI's
 * test; Xen's local_events_need_delivery_nomask). With @need_delivery
 * (SCHEDOP_block, SCHEDOP_poll: Xen's local_events_need_delivery) none
 * counts while the vCPU has its interrupts masked: a guest that polls with
 * interrupts off, beside an upcall it cannot take yet, sleeps.
 */
static bool has_work(struct vcpu *v, bool need_delivery)
{
	if (need_delivery && sched_arch_irqs_masked(v)) {
		return false;
	}
	return vgic_vcpu_has_pending(&v->dom->vgic, v->vgic) ||
	       (evtchn_vcpu_upcall_pending(&v->dom->evtchn, v->id) &&
		vgic_private_enabled(&v->dom->vgic, v->vgic,
				     EVTCHN_UPCALL_INTID));
}

/*
 * Called from a trap of the current vCPU: save it, then run another, until
 * an interrupt or event wakes it or (@until not 0) the counter reaches
 * @until. Returns at once if it was woken since it last ran, has an
 * interrupt to take (has_work()) or @until has passed.
 */
static void block_current(uint64_t until, bool need_delivery)
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
	v->blocked_at = arch_counter();
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
	if (has_work(v, need_delivery)) {
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
	sched_charge(v, arch_counter());
	spin_unlock(&c->rq_lock);
	switch_away(c, v);
}

void sched_block_current(void)
{
	block_current(0, false);
}

void sched_block_current_until(uint64_t until)
{
	block_current(until, true);
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
	struct sched_pick p;

	spin_lock(&c->rq_lock);
	sched_charge(v, now);
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
		sched_move_behind(c, v);
	}
	rq_push(c, v);
	p = sched_rq_pick(c, now, yield ? v : NULL);
	if (sched_can_run_here(c, to, now)) {
		p.v = to;
	}
	if (p.v == v) {
		uint64_t deadline;

		sched_rq_remove(c, v);
		v->state = VCPU_RUNNING;
		/*
		 * It goes on: within its slice (a reschedule request), the
		 * slice goes on too; once it is over, a new one begins.
		 */
		deadline = sched_slice_deadline(c, v, &p, now);
		if (deadline && deadline <= now) {
			c->slice_start = now;
			deadline = sched_slice_deadline(c, v, &p, now);
		}
		spin_unlock(&c->rq_lock);
		set_deadline(c, deadline);
		return;
	}
	runstate_update(v);
	if (yield) {
		c->yield_skip = v;
	}
	c->yield_to = p.v == to ? to : NULL;
	c->yield_keeps_slice = yield;
	spin_unlock(&c->rq_lock);
	switch_away(c, v);
}

void sched_yield_current(void)
{
	requeue_current(true, NULL, false);
}

void sched_preempt_current(void)
{
	struct pcpu *c = this_cpu();

	requeue_current(false, sched_balance(c, arch_counter()), false);
}

void sched_tick(uint64_t now)
{
	struct pcpu *c = this_cpu();
	struct vcpu **pp = &c->sleepers;

	if (c->id == 0) {
		watchdog_check(now);
	}
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
	sched_charge(v, arch_counter());
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

void serror_charge(struct vcpu *v, const char *what)
{
	pr_warn("d%u (%s) v%u: %s caused by the guest: crashing domain %u\n",
		v->dom->id, v->dom->name, v->id, what, v->dom->id);
	domain_shutdown(v->dom, SHUTDOWN_crash);
}

/*
 * @next is about to take this pCPU's registers: an SError still pending
 * there is the loaded vCPU's, charged to it before anything of @next runs.
 * (A vCPU of a domain that crashed so is not entered: the arch drops it.)
 */
static void serror_before_switch(struct pcpu *c, struct vcpu *next)
{
	struct vcpu *old = c->loaded;

	if (old && old != next && sched_arch_serror_sync()) {
		serror_charge(old, "SError");
	}
}

void sched_run(void)
{
	struct pcpu *c = this_cpu();

	for (;;) {
		uint64_t now;
		uint64_t deadline;
		struct sched_pick p;
		bool directed = false;

		if (c->move_out) {
			sched_move_out(c);
		}
		/* No vCPU and no domain pointer held here. */
		domain_quiescent();
		now = arch_counter();
		spin_lock(&c->rq_lock);
		p = sched_rq_pick(c, now, c->yield_skip);
		if (sched_can_run_here(c, c->yield_to, now)) {
			p.v = c->yield_to;
			directed = c->yield_keeps_slice;
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
			p = sched_rq_pick(c, now, NULL);
		}
		if (p.v) {
			sched_rq_remove(c, p.v);
			p.v->state = VCPU_RUNNING;
			runstate_update(p.v);
			p.v->wake_pending = false;
			p.v->run_start = now;
			/*
			 * A directed yield hands over what is left of the
			 * slice: siblings yielding to each other share one,
			 * and at its end the policy decides for all.
			 */
			if (!directed) {
				c->slice_start = now;
			}
			if (sched_vtime_before(c->min_vtime, p.v->vtime)) {
				c->min_vtime = p.v->vtime;
			}
			__atomic_store_n(&c->current, p.v, __ATOMIC_RELAXED);
		}
		deadline = sched_slice_deadline(c, p.v, &p, now);
		spin_unlock(&c->rq_lock);
		set_deadline(c, deadline);
		if (p.v) {
			serror_before_switch(c, p.v);
			arch_vcpu_run(p.v);
		}
		if (mm_scrub_some(MM_SCRUB_PIECE)) {
			/* Idle with freed pages to scrub: a piece at a time. */
			arch_send_resched(c->id);
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

void sched_rq_push(struct pcpu *c, struct vcpu *v)
{
	rq_push(c, v);
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
