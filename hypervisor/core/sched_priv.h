/* SPDX-License-Identifier: MIT */
/*
 * Between the scheduler's three files: sched_fair.c (the policy: virtual
 * time, caps, the choice and the slice deadline), sched.c (queues,
 * blocking, waking, switching, pause) and sched_place.c (affinity,
 * placement on wake-up, migration, work stealing, directed yield). Locks:
 * docs/architecture.md.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pcpu;
struct vcpu;

/*
 * Slice of a vCPU while others wait: the default, its bounds, and the one
 * in force (sched_slice_us= on the command line). Half of it while one
 * of them is interactive: it blocked within SCHED_INTERACTIVE_US.
 */
#define SCHED_SLICE_US 4000ULL
#define SCHED_INTERACTIVE_US 50000ULL
#define SCHED_SLICE_MIN_US 500ULL
#define SCHED_SLICE_MAX_US 10000ULL
extern uint64_t sched_slice_us;
/*
 * Slice while a vCPU of the same domain waits on the pCPU (vCPU stacking):
 * short, so that a preempted lock holder, or the next in a ticket lock's
 * queue, is not kept off for a whole slice while its siblings spin.
 */
#define SCHED_SIBLING_SLICE_US 500ULL
#define SCHED_SIBLING_SLICE_MIN_US 100ULL
/* The sibling slice in force: the default or sched_sibling_slice_us=. */
extern uint64_t sched_sibling_slice_us;

/* Virtual times only grow; compare them modulo 2^64. */
static inline bool sched_vtime_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

/* sched_fair.c: the policy. rq_lock of @c (or of @v's home) held. */
uint64_t sched_us_to_ticks(uint64_t us);
/* @ticks of run time of @v in virtual time (its domain's weight). */
uint64_t sched_to_vtime(const struct vcpu *v, uint64_t ticks);
/* Cap budget @v has left at @now: UINT64_MAX uncapped, 0 throttled. */
uint64_t sched_cap_left(struct vcpu *v, uint64_t now);
/* Run time of the running @v since it was last charged. */
uint64_t sched_ran_since(const struct vcpu *v, uint64_t now);
/* @v ran from run_start to @now: charge its clocks. */
void sched_charge(struct vcpu *v, uint64_t now);
/* @c's virtual-time floor (never going back). */
uint64_t sched_vtime_floor(struct pcpu *c, uint64_t now);
/* @v joins @c's queue: no lower than the floor less the wake credit. */
void sched_join_vtime(struct pcpu *c, struct vcpu *v, uint64_t now);
/* @w blocked within SCHED_INTERACTIVE_US of @now. */
bool sched_interactive(const struct vcpu *w, uint64_t now);
/*
 * The slice of the running vCPU while others wait: the sibling slice if
 * one of them is of its domain, else half the slice if one is
 * interactive, else the slice. In microseconds.
 */
uint64_t sched_slice_us_for(bool sibling, bool interactive);
/* @v's virtual time is below the running @cur's, counted to @now. */
bool sched_vtime_ahead(const struct vcpu *v, const struct vcpu *cur,
		       uint64_t now);

struct sched_pick {
	struct vcpu *v; /* to run next, or NULL */
	unsigned int waiting; /* other vCPUs that could run now */
	/* Earliest end of a cap throttle or a timed block, 0 if none. */
	uint64_t release;
};

/* The queued vCPU of @c to run at @now; @skip only if no other can. */
struct sched_pick sched_rq_pick(struct pcpu *c, uint64_t now,
				struct vcpu *skip);
/* When @c must next decide while @v runs (NULL: idle); 0: never. */
uint64_t sched_slice_deadline(struct pcpu *c, struct vcpu *v,
			      const struct sched_pick *p, uint64_t now);
/* @to, a directed yield's target, can run on @c now. */
bool sched_can_run_here(struct pcpu *c, struct vcpu *to, uint64_t now);
/* A spinning @v goes behind @c's queue, by at most one slice. */
void sched_move_behind(struct pcpu *c, struct vcpu *v);

/* sched_place.c: run-queue locking. */
/*
 * Lock @v's home run queue and return its pCPU; @v's home cannot change
 * until it is unlocked.
 */
struct pcpu *sched_lock_home(struct vcpu *v);
/* Both run-queue locks, in address order (@a may be @b). */
void sched_lock_two(struct pcpu *a, struct pcpu *b);
void sched_unlock_two(struct pcpu *a, struct pcpu *b);

/* sched.c: queues. rq_lock of @c held for each. */
void sched_rq_push(struct pcpu *c, struct vcpu *v);
uint64_t sched_vtime_floor(struct pcpu *c, uint64_t now);
/* @v joins @c's queue at its floor; false if paused (kept off). */
bool sched_enqueue(struct pcpu *c, struct vcpu *v);
void sched_sleeper_add(struct pcpu *c, struct vcpu *v, uint64_t until);
void sched_sleeper_remove(struct pcpu *c, struct vcpu *v);
/*
 * The current vCPU goes back to its queue (or leaves a pCPU it may no
 * longer use). @yield: it gives way to others, to @to first if @to is
 * queued here; @behind: behind the queue (a spinning vCPU). Does not
 * return if another vCPU runs.
 */
void sched_requeue_current(bool yield, struct vcpu *to, bool behind);
/* @v leaves @c's queue: the pending yield marks forget it. */
void sched_forget_picks(struct pcpu *c, struct vcpu *v);
/* After sched_enqueue(@c, @v), locks dropped: tell @c's pCPU. */
void sched_notify(struct pcpu *c, struct vcpu *v);

/* sched_place.c */
/* Online pCPUs @v may run on (never empty: sched_set_affinity). */
uint64_t sched_allowed(const struct vcpu *v);
bool sched_allowed_on(const struct vcpu *v, const struct pcpu *c);
/*
 * Where @v, about to join a queue (woken, started), should go: the least
 * loaded allowed pCPU, soft affinity and then @home (cache warmth)
 * breaking ties. @home's lock held; others read without lock.
 */
struct pcpu *sched_place(struct vcpu *v, struct pcpu *home);
/*
 * Move @v (queued or blocked, not current anywhere, off every list) from
 * @from to @to, its virtual time carried relative to the floors. Both
 * locks held.
 */
void sched_migrate_locked(struct vcpu *v, struct pcpu *from, struct pcpu *to,
			  uint64_t now);
/*
 * @c switched away from c->move_out, no longer allowed there: queue it
 * on an allowed pCPU. No lock held.
 */
void sched_move_out(struct pcpu *c);
/*
 * This pCPU @c has nothing to run: pull a waiting vCPU from the busiest
 * queue that holds one allowed here. True if it did. No lock held.
 */
bool sched_steal(struct pcpu *c, uint64_t now);
/*
 * A decision on @c, whose current vCPU is about to be requeued (the end
 * of its slice, a reschedule request): even out its queue with a pCPU
 * whose load differs by 2 or more, or else let a sibling that has waited
 * longer on another queue change places with @c's longest waiter, or
 * else let a waiter whose domain is stacked on @c change places with one
 * of another domain (unstack), or else hand @c's longest waiter to a
 * pCPU whose single vCPU has run alone for two slices. The vCPU that
 * should run on @c now (moved here), or NULL. No lock held.
 */
struct vcpu *sched_balance(struct pcpu *c, uint64_t now);
/*
 * An allowed pCPU that is idle is kicked to steal from @c, where @v now
 * waits behind a running vCPU. No lock held.
 */
void sched_kick_idle(struct pcpu *c, struct vcpu *v);
