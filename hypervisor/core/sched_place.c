/* SPDX-License-Identifier: MIT */
/*
 * Where vCPUs run (docs/scheduler.md, Placement): hard and soft affinity,
 * placement of a waking vCPU on the least loaded allowed pCPU, migration
 * with its virtual time carried across run queues, work stealing by a
 * pCPU about to go idle, and the directed yield of a vCPU trapping on WFE.
 *
 * Load of a pCPU: the vCPUs on its queue plus the one it runs. Other
 * pCPUs read it without its lock; a stale figure only makes a placement
 * less good, never wrong: every move is made with both run-queue locks
 * held and re-checks what it relies on.
 */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/percpu.h>

#include "sched_arch.h"
#include "sched_priv.h"

/* A vCPU that moved less recently than this is stolen first. */
#define SCHED_MIGRATE_HOLD_US 2000ULL
/* WFE traps less than this of run time apart are one spin... */
#define SCHED_SPIN_WINDOW_US 500ULL
/* ...and from this many on, the vCPU is taken as spinning. */
#define SCHED_SPIN_RUN 4
/* A vCPU alone on its pCPU this many slices takes a waiter from another. */
#define SCHED_ROTATE_SLICES 2ULL

static uint64_t online_mask(void)
{
	uint64_t m = 0;

	for (unsigned int i = 0; i < pcpu_count() && i < 64; i++) {
		if (pcpu_get(i)->online) {
			m |= 1ULL << i;
		}
	}
	return m;
}

uint64_t sched_allowed(const struct vcpu *v)
{
	return v->hard_affinity & online_mask();
}

bool sched_allowed_on(const struct vcpu *v, const struct pcpu *c)
{
	return c->id < 64 && (v->hard_affinity >> c->id) & 1;
}

/*
 * @v is still @c's current vCPU (on its way off, its registers not yet
 * saved). An acquire load: once it reads otherwise, the save is visible.
 */
static bool still_current(struct pcpu *c, const struct vcpu *v)
{
	return __atomic_load_n(&c->current, __ATOMIC_ACQUIRE) == v;
}

/* @w, waiting on @src, may go to @dst: allowed there, off @src, no pick. */
static bool movable(struct pcpu *src, struct pcpu *dst, const struct vcpu *w)
{
	return sched_allowed_on(w, dst) && !still_current(src, w) &&
	       w != src->yield_to;
}

static unsigned int load(struct pcpu *c)
{
	return __atomic_load_n(&c->nr_queued, __ATOMIC_RELAXED) +
	       (__atomic_load_n(&c->current, __ATOMIC_RELAXED) != NULL);
}

/*
 * The least loaded allowed pCPU; among equals one in the soft affinity,
 * then @home. Moving only to a strictly less loaded pCPU is the
 * hysteresis: after the move the old home is at most as loaded as the
 * new one, so the next wake-up does not move the vCPU back.
 */
struct pcpu *sched_place(struct vcpu *v, struct pcpu *home)
{
	uint64_t allowed = sched_allowed(v);
	uint64_t soft = v->soft_affinity & allowed;
	struct pcpu *best = home;
	unsigned int best_score = ~0U;

	for (unsigned int i = 0; i < pcpu_count() && i < 64; i++) {
		struct pcpu *c = pcpu_get(i);
		unsigned int score;

		if (!((allowed >> i) & 1)) {
			continue;
		}
		score = load(c) * 4;
		score += soft && !((soft >> i) & 1) ? 2 : 0;
		score += c == home ? 0 : 1;
		if (score < best_score) {
			best_score = score;
			best = c;
		}
	}
	return best;
}

void sched_migrate_locked(struct vcpu *v, struct pcpu *from, struct pcpu *to,
			  uint64_t now)
{
	uint64_t ff = sched_vtime_floor(from, now);
	uint64_t ft = sched_vtime_floor(to, now);
	uint64_t most = sched_to_vtime(v, sched_us_to_ticks(sched_slice_us));
	uint64_t lead = 0;

	/*
	 * Each queue's floor is its own clock: what counts is how far @v is
	 * ahead of its old floor (at most a slice: no credit, no debt
	 * beyond one), carried to the new one.
	 */
	if (sched_vtime_before(ff, v->vtime)) {
		lead = v->vtime - ff;
	}
	v->vtime = ft + (lead < most ? lead : most);
	__atomic_store_n(&v->pcpu, to->id, __ATOMIC_RELEASE);
	v->migrated_at = now;
}

void sched_move_out(struct pcpu *c)
{
	struct vcpu *v = c->move_out;
	struct pcpu *t;
	bool queued = false;

	c->move_out = NULL;
	spin_lock(&c->rq_lock);
	if (v->pcpu != c->id || v->state != VCPU_RUNNABLE ||
	    sched_allowed_on(v, c)) {
		/* Moved, retired or allowed here again since. */
		spin_unlock(&c->rq_lock);
		return;
	}
	t = sched_place(v, c);
	spin_unlock(&c->rq_lock);
	sched_lock_two(c, t);
	if (v->pcpu == c->id && v->state == VCPU_RUNNABLE && t != c) {
		/* A pause and unpause meanwhile may have queued it here. */
		sched_rq_remove(c, v);
		sched_forget_picks(c, v);
		sched_migrate_locked(v, c, t, arch_counter());
		/* A paused vCPU only changes home: unpause queues it there. */
		queued = !v->paused && sched_enqueue(t, v);
	}
	sched_unlock_two(c, t);
	if (queued) {
		sched_notify(t, v);
	}
}

int sched_set_affinity(struct vcpu *v, uint64_t hard, uint64_t soft)
{
	struct pcpu *c, *t;
	uint64_t until;
	bool queued;

	if (!(hard & online_mask())) {
		return -EINVAL;
	}
again:
	c = sched_lock_home(v);
	v->hard_affinity = hard;
	v->soft_affinity = soft;
	if (sched_allowed_on(v, c)) {
		spin_unlock(&c->rq_lock);
		return 0;
	}
	if (still_current(c, v)) {
		/* It leaves at its next decision, which comes at once. */
		spin_unlock(&c->rq_lock);
		if (c == this_cpu()) {
			c->resched = true;
		} else {
			arch_send_resched(c->id);
		}
		return 0;
	}
	t = sched_place(v, c);
	spin_unlock(&c->rq_lock);
	sched_lock_two(c, t);
	if (v->pcpu != c->id || still_current(c, v)) {
		sched_unlock_two(c, t);
		goto again;
	}
	queued = v->on_rq;
	sched_rq_remove(c, v);
	sched_forget_picks(c, v);
	until = v->sleep_until;
	sched_sleeper_remove(c, v);
	sched_migrate_locked(v, c, t, arch_counter());
	if (queued) {
		sched_enqueue(t, v);
	}
	if (until) {
		sched_sleeper_add(t, v, until);
	}
	sched_unlock_two(c, t);
	if (queued || until) {
		sched_notify(t, v);
	}
	return 0;
}

struct pcpu *sched_lock_home(struct vcpu *v)
{
	for (;;) {
		struct pcpu *c =
			pcpu_get(__atomic_load_n(&v->pcpu, __ATOMIC_ACQUIRE));

		spin_lock(&c->rq_lock);
		if (v->pcpu == c->id) {
			return c;
		}
		spin_unlock(&c->rq_lock); /* it moved meanwhile */
	}
}

void sched_lock_two(struct pcpu *a, struct pcpu *b)
{
	if (a == b) {
		spin_lock(&a->rq_lock);
	} else if (a < b) {
		spin_lock(&a->rq_lock);
		spin_lock(&b->rq_lock);
	} else {
		spin_lock(&b->rq_lock);
		spin_lock(&a->rq_lock);
	}
}

void sched_unlock_two(struct pcpu *a, struct pcpu *b)
{
	spin_unlock(&a->rq_lock);
	if (a != b) {
		spin_unlock(&b->rq_lock);
	}
}

/*
 * A vCPU of @src's queue that @c may take (both locks held): allowed on
 * @c, not still on its way off @src, not a directed yield's chosen one,
 * and, when @dom is set, of that domain. Among them the one that has not
 * moved recently, then the largest virtual time (it would wait longest).
 */
static struct vcpu *stealable(struct pcpu *src, struct pcpu *c,
			      const struct domain *dom, uint64_t now)
{
	uint64_t hold = sched_us_to_ticks(SCHED_MIGRATE_HOLD_US);
	struct vcpu *best = NULL;
	bool best_settled = false;

	for (struct vcpu *w = src->rq_head; w; w = w->rq_next) {
		bool settled = now - w->migrated_at >= hold;

		if (!movable(src, c, w) || (dom && w->dom != dom)) {
			continue;
		}
		if (!best || (settled && !best_settled) ||
		    (settled == best_settled &&
		     sched_vtime_before(best->vtime, w->vtime))) {
			best = w;
			best_settled = settled;
		}
	}
	return best;
}

/*
 * Take @w from @src's queue onto @c's (both locked). It keeps how long it
 * has waited: a move is no new start.
 */
static void pull(struct pcpu *src, struct pcpu *c, struct vcpu *w, uint64_t now)
{
	uint64_t since = w->queued_at;

	sched_rq_remove(src, w);
	sched_forget_picks(src, w);
	sched_migrate_locked(w, src, c, now);
	sched_enqueue(c, w);
	w->queued_at = since;
}

/* Pull a vCPU (of @dom if set) from another pCPU's queue onto @c's. */
static struct vcpu *pull_from_busiest(struct pcpu *c, const struct domain *dom,
				      uint64_t now)
{
	bool tried[MAX_CPUS] = { false };

	for (;;) {
		struct pcpu *src = NULL;
		struct vcpu *w;

		for (unsigned int i = 0; i < pcpu_count(); i++) {
			struct pcpu *s = pcpu_get(i);

			if (s == c || tried[i] || !s->online ||
			    !__atomic_load_n(&s->nr_queued, __ATOMIC_RELAXED)) {
				continue;
			}
			if (!src || load(s) > load(src)) {
				src = s;
			}
		}
		if (!src) {
			return NULL;
		}
		tried[src->id] = true;
		sched_lock_two(c, src);
		w = stealable(src, c, dom, now);
		if (w) {
			pull(src, c, w, now);
		}
		sched_unlock_two(c, src);
		if (w) {
			return w;
		}
	}
}

/*
 * Queues of unequal length (a queue of 3 beside a queue of 1): one vCPU
 * goes from the longer queue of @c and @s to the shorter, when their
 * loads differ by 2 or more (by 1 the move would only swap the roles).
 * Both locks held; the loads are re-read under them. What moved, or
 * NULL; *@to is the pCPU it went to.
 */
static struct vcpu *even_out(struct pcpu *c, struct pcpu *s, uint64_t now,
			     struct pcpu **to)
{
	struct pcpu *from = NULL;
	struct vcpu *w;

	if (load(c) >= load(s) + 2) {
		from = c;
		*to = s;
	} else if (load(s) >= load(c) + 2) {
		from = s;
		*to = c;
	}
	if (!from) {
		return NULL;
	}
	w = stealable(from, *to, NULL, now);
	if (w) {
		pull(from, *to, w, now);
	}
	return w;
}

/* A filter of longest_waiter(): settled() and within its cap. */
#define WAITER_SETTLED 0x1u

/*
 * @w, waiting, may be moved on by a balancing rule: it has not moved in
 * the last SCHED_MIGRATE_HOLD_US, nor since it last ran. A vCPU brought
 * to a pCPU to run there stays until it has run, however late that
 * pCPU takes its reschedule SGI: under QEMU the SGI came 4 ms later,
 * past the hold, and that pCPU's own decision sent the waiter back by
 * the lone-vCPU rule, and so on, every 4 ms, for 53 ms (dom0's vCPU
 * beside two spinners, caught by a trace).
 */
static bool settled(const struct vcpu *w, uint64_t now)
{
	return now - w->migrated_at >=
		       sched_us_to_ticks(SCHED_MIGRATE_HOLD_US) &&
	       (int64_t)(w->migrated_at - w->run_start) <= 0;
}

/* movable() and settled() and within its cap at @now. */
static bool swappable(struct pcpu *src, struct pcpu *dst, struct vcpu *w,
		      uint64_t now)
{
	return movable(src, dst, w) && settled(w, now) &&
	       sched_cap_left(w, now);
}

/*
 * The vCPU of @src's queue, allowed on @dst, that has waited longest;
 * of @dom only when @dom is set, and with WAITER_SETTLED in @flags only
 * a swappable() one.
 * Both locks held.
 */
static struct vcpu *longest_waiter(struct pcpu *src, struct pcpu *dst,
				   const struct domain *dom, unsigned int flags,
				   uint64_t now)
{
	struct vcpu *best = NULL;

	for (struct vcpu *w = src->rq_head; w; w = w->rq_next) {
		if ((dom && w->dom != dom) ||
		    !((flags & WAITER_SETTLED) ? swappable(src, dst, w, now)
					       : movable(src, dst, w))) {
			continue;
		}
		if (!best || (int64_t)(w->queued_at - best->queued_at) < 0) {
			best = w;
		}
	}
	return best;
}

/*
 * @mine, waiting on @c, and @w, waiting on @s, change queues; each keeps
 * the time it began to wait. Both locks held.
 */
static void change_places(struct pcpu *c, struct vcpu *mine, struct pcpu *s,
			  struct vcpu *w, uint64_t now)
{
	uint64_t since_mine = mine->queued_at;
	uint64_t since_w = w->queued_at;

	sched_rq_remove(c, mine);
	sched_forget_picks(c, mine);
	sched_rq_remove(s, w);
	sched_forget_picks(s, w);
	sched_migrate_locked(mine, c, s, now);
	sched_migrate_locked(w, s, c, now);
	sched_enqueue(s, mine);
	sched_enqueue(c, w);
	mine->queued_at = since_mine;
	w->queued_at = since_w;
}

/*
 * Loads within one of each other: if a sibling of @c's longest waiter
 * has waited longer on @s, the two change places and that sibling runs
 * on @c next. Siblings have one weight, so each queue keeps the same
 * shares; across both, the vCPUs of a domain run in the order they
 * began to wait, as from one shared queue. Both locks held. The vCPU to
 * run, or NULL.
 */
static struct vcpu *swap_longest(struct pcpu *c, struct pcpu *s, uint64_t now)
{
	struct vcpu *mine = longest_waiter(c, s, NULL, 0, now);
	struct vcpu *w;

	if (!mine) {
		return NULL;
	}
	w = longest_waiter(s, c, mine->dom, 0, now);
	if (!w || (int64_t)(w->queued_at - mine->queued_at) >= 0) {
		return NULL;
	}
	change_places(c, mine, s, w, now);
	return w;
}

/* Waiters unstack() looks at on each queue: bounds its work. */
#define SCHED_UNSTACK_SCAN 8

/* A vCPU of @d is on @c: running there or queued. @c's lock held. */
static bool dom_on(struct pcpu *c, const struct domain *d,
		   const struct vcpu *but)
{
	struct vcpu *cur = __atomic_load_n(&c->current, __ATOMIC_RELAXED);

	if (cur && cur != but && cur->dom == d) {
		return true;
	}
	for (struct vcpu *w = c->rq_head; w; w = w->rq_next) {
		if (w != but && w->dom == d) {
			return true;
		}
	}
	return false;
}

/*
 * Loads within one of each other, and vCPUs of one domain stacked on @c
 * (a waiter there with a sibling on @c, none of its domain on @s): that
 * waiter changes places with one of @s's waiters whose domain has no
 * vCPU on @c. Each swap leaves fewer pairs of siblings sharing a pCPU,
 * so swaps end; the loads stay as they were. Stacked siblings wait for
 * each other (a lock one holds while preempted, an IPI not yet taken)
 * and, as QEMU does not trap WFE, spin for it. The first
 * SCHED_UNSTACK_SCAN waiters of each queue are looked at. Both locks
 * held. What moved to @s (told by the caller), or NULL.
 */
static struct vcpu *unstack(struct pcpu *c, struct pcpu *s, uint64_t now)
{
	unsigned int i = 0;

	for (struct vcpu *mine = c->rq_head; mine && i < SCHED_UNSTACK_SCAN;
	     mine = mine->rq_next, i++) {
		unsigned int j = 0;

		if (!swappable(c, s, mine, now) ||
		    !dom_on(c, mine->dom, mine) || dom_on(s, mine->dom, NULL)) {
			continue;
		}
		for (struct vcpu *w = s->rq_head; w && j < SCHED_UNSTACK_SCAN;
		     w = w->rq_next, j++) {
			if (!swappable(s, c, w, now) ||
			    dom_on(c, w->dom, NULL)) {
				continue;
			}
			change_places(c, mine, s, w, now);
			return mine;
		}
	}
	return NULL;
}

/*
 * Loads of 2 and 1 (three busy vCPUs on two pCPUs): the pCPU with one
 * vCPU has no slices, so neither even_out() nor swap_longest() ever
 * moves its vCPU, which would keep a whole pCPU while the other two
 * shared one. Once it has run alone for SCHED_ROTATE_SLICES slices (or
 * @c's waiter has waited as long), the longest swappable() waiter of @c
 * joins @s's queue; @s decides again at once and the two share it,
 * while @c's vCPU now runs alone, until the same rule moves one of them
 * on. Each gets two thirds of a pCPU. Both locks held. What moved, or
 * NULL.
 */
static struct vcpu *rotate_lone(struct pcpu *c, struct pcpu *s, uint64_t now)
{
	uint64_t alone =
		sched_us_to_ticks(SCHED_ROTATE_SLICES * sched_slice_us);
	struct vcpu *cur = __atomic_load_n(&s->current, __ATOMIC_ACQUIRE);
	struct vcpu *best;

	if (s->nr_queued || !cur || cur->state != VCPU_RUNNING) {
		return NULL;
	}
	best = longest_waiter(c, s, NULL, WAITER_SETTLED, now);
	/*
	 * @s's vCPU has run alone for the slices, or @c's waiter has waited
	 * that long: @s's slice_start moves at every switch there, so a
	 * vCPU that runs on @s for moments now and then would otherwise
	 * keep the first from ever holding while the waiter starves.
	 */
	if (best && now - s->slice_start < alone &&
	    now - best->queued_at < alone) {
		best = NULL;
	}
	if (best) {
		pull(c, s, best, now);
		/*
		 * Ahead of @s's vCPU, whatever lead it had on @c: the other
		 * ran alone for slices, which @s's floor does not show.
		 */
		best->vtime = sched_vtime_floor(s, now) - 1;
	}
	return best;
}

struct vcpu *sched_balance(struct pcpu *c, uint64_t now)
{
	for (unsigned int i = 0; i < pcpu_count(); i++) {
		struct pcpu *s = pcpu_get(i);
		struct pcpu *to = NULL;
		struct vcpu *w;

		if (s == c || !s->online ||
		    (!__atomic_load_n(&s->nr_queued, __ATOMIC_RELAXED) &&
		     !__atomic_load_n(&c->nr_queued, __ATOMIC_RELAXED))) {
			continue;
		}
		sched_lock_two(c, s);
		w = even_out(c, s, now, &to);
		if (w) {
			sched_unlock_two(c, s);
			/* The other pCPU decides again (its slice starts). */
			if (to != c) {
				sched_notify(to, w);
			}
			return NULL;
		}
		w = swap_longest(c, s, now);
		if (w) {
			sched_unlock_two(c, s);
			return w;
		}
		w = unstack(c, s, now);
		if (!w) {
			w = rotate_lone(c, s, now);
		}
		sched_unlock_two(c, s);
		if (w) {
			sched_notify(s, w);
			return NULL;
		}
	}
	return NULL;
}

bool sched_steal(struct pcpu *c, uint64_t now)
{
	return pull_from_busiest(c, NULL, now) != NULL;
}

void sched_kick_idle(struct pcpu *c, struct vcpu *v)
{
	struct vcpu *cur = __atomic_load_n(&c->current, __ATOMIC_RELAXED);
	uint64_t allowed;

	if (!cur || cur == v) {
		return; /* @c itself runs it next */
	}
	allowed = sched_allowed(v);
	for (unsigned int i = 0; i < pcpu_count() && i < 64; i++) {
		struct pcpu *s = pcpu_get(i);

		if (s != c && s != this_cpu() && ((allowed >> i) & 1) &&
		    load(s) == 0) {
			arch_send_resched(i);
			return;
		}
	}
}

/*
 * The current vCPU @v of @c yields on WFE: the sibling to run instead
 * (queued on @c, or pulled here from another pCPU), or NULL. Counts the
 * WFE run (sets *@spinning). No lock held.
 */
static struct vcpu *yield_target(struct pcpu *c, struct vcpu *v, uint64_t now,
				 bool *spinning)
{
	struct vcpu *to = NULL;
	uint64_t ran;

	spin_lock(&c->rq_lock);
	/*
	 * Counted in the vCPU's own run time: a spinner that yielded and
	 * waited for others' slices still only ran a moment between WFEs.
	 */
	ran = v->cpu_time + (now > v->run_start ? now - v->run_start : 0);
	if (ran - v->wfe_last < sched_us_to_ticks(SCHED_SPIN_WINDOW_US)) {
		v->wfe_run += v->wfe_run < SCHED_SPIN_RUN;
	} else {
		v->wfe_run = 0;
	}
	v->wfe_last = ran;
	*spinning = v->wfe_run >= SCHED_SPIN_RUN;
	/* A preempted sibling here: the one that waited longest. */
	for (struct vcpu *w = c->rq_head; w; w = w->rq_next) {
		if (w->dom == v->dom && w != v &&
		    (!to || sched_vtime_before(w->vtime, to->vtime))) {
			to = w;
		}
	}
	spin_unlock(&c->rq_lock);
	if (to || v->dom->nr_vcpus < 2) {
		return to;
	}
	/* One preempted on another pCPU, brought here to run now. */
	return pull_from_busiest(c, v->dom, now);
}

void sched_yield_directed(void)
{
	struct pcpu *c = this_cpu();
	struct vcpu *v = c->current, *to;
	bool spinning = false;

	to = yield_target(c, v, arch_counter(), &spinning);
	sched_requeue_current(true, to, spinning);
}
