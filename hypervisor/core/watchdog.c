/* SPDX-License-Identifier: MIT */
/*
 * Domain watchdogs, as Xen's SCHEDOP_watchdog (Linux's xen_wdt driver
 * uses them): a domain arms up to DOMAIN_WATCHDOGS timers of whole
 * seconds and re-arms ("pets") them by id; when one runs out, the domain
 * is shut down with reason SHUTDOWN_watchdog and the toolstack's
 * on_watchdog action (or a boot-time domain's sable,on-crash) follows.
 *
 * pCPU 0 keeps the time: the earliest deadline of all is folded into its
 * scheduling deadline (sched.c set_deadline), and its timer tick calls
 * watchdog_check(). Arming a timer earlier than that sends pCPU 0 a
 * reschedule, so it programs the new deadline. Re-arming later needs
 * nothing: pCPU 0 wakes at the old deadline, finds nothing run out and
 * programs the next. No watchdog armed: no wake-up at all.
 *
 * A timer that ran out stays in use (as on Xen) until stopped; a domain
 * that is shut down or dying is never shut down again by its timers, and
 * a domain paused by the toolstack gets a fresh period instead of being
 * killed while it cannot run.
 */
#include <sable/arch.h>
#include <sable/log.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/percpu.h>
#include <sable/spinlock.h>
#include <sable/watchdog.h>

/* Protects: every domain's watchdog_* fields; nests nothing. */
static spinlock_t watchdog_lock = SPINLOCK_INIT;
/* Earliest deadline armed (counter), 0 if none (atomic; lock to write). */
static uint64_t earliest;

static uint64_t seconds_to_ticks(uint32_t s)
{
	return (uint64_t)s * arch_counter_freq();
}

/* Recompute the earliest deadline over all domains (watchdog_lock held). */
static uint64_t recompute_locked(void)
{
	uint64_t e = 0;

	for (domid_t id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_lookup(id);

		if (!d || !d->watchdog_inuse) {
			continue;
		}
		for (unsigned int i = 0; i < DOMAIN_WATCHDOGS; i++) {
			uint64_t t = d->watchdog_deadline[i];

			if ((d->watchdog_inuse & (1U << i)) && t &&
			    (!e || t < e)) {
				e = t;
			}
		}
	}
	__atomic_store_n(&earliest, e, __ATOMIC_RELEASE);
	return e;
}

/* Tell pCPU 0 about a deadline earlier than the one it keeps. */
static void notify_timekeeper(uint64_t before, uint64_t after)
{
	if (!after || (before && before <= after)) {
		return;
	}
	if (this_cpu()->id == 0) {
		this_cpu()->resched = true;
	} else {
		arch_send_resched(0);
	}
}

long watchdog_op(struct domain *d, uint32_t id, uint32_t timeout)
{
	uint64_t before, after;
	unsigned int i;
	long rc = 0;

	if (id > DOMAIN_WATCHDOGS) {
		return -EINVAL;
	}
	spin_lock(&watchdog_lock);
	before = earliest;
	if (id == 0) {
		for (i = 0; i < DOMAIN_WATCHDOGS; i++) {
			if (!(d->watchdog_inuse & (1U << i))) {
				break;
			}
		}
		if (i == DOMAIN_WATCHDOGS) {
			spin_unlock(&watchdog_lock);
			return -ENOSPC;
		}
		d->watchdog_inuse |= (uint8_t)(1U << i);
		rc = i + 1;
	} else {
		i = id - 1;
		if (!(d->watchdog_inuse & (1U << i))) {
			spin_unlock(&watchdog_lock);
			return -EINVAL;
		}
	}
	if (id != 0 && timeout == 0) {
		d->watchdog_inuse &= (uint8_t) ~(1U << i);
		d->watchdog_deadline[i] = 0;
	} else {
		/* Counter 0 means "fired": an arming at tick 0 takes tick 1. */
		d->watchdog_timeout[i] = timeout;
		d->watchdog_deadline[i] =
			arch_counter() + seconds_to_ticks(timeout);
		d->watchdog_deadline[i] += !d->watchdog_deadline[i];
	}
	after = recompute_locked();
	spin_unlock(&watchdog_lock);
	notify_timekeeper(before, after);
	return rc;
}

uint64_t watchdog_fold_deadline(uint64_t deadline)
{
	uint64_t e = __atomic_load_n(&earliest, __ATOMIC_ACQUIRE);

	return e && (!deadline || e < deadline) ? e : deadline;
}

/*
 * @d's timers at @now (watchdog_lock held): true if one ran out and @d
 * is to be shut down for it.
 */
static bool ran_out_locked(struct domain *d, uint64_t now)
{
	bool paused = __atomic_load_n(&d->pause_count, __ATOMIC_RELAXED) != 0;
	bool fired = false;

	for (unsigned int i = 0; i < DOMAIN_WATCHDOGS; i++) {
		uint64_t t = d->watchdog_deadline[i];

		if (!(d->watchdog_inuse & (1U << i)) || !t || t > now) {
			continue;
		}
		if (paused) {
			d->watchdog_deadline[i] =
				now + seconds_to_ticks(d->watchdog_timeout[i]);
			continue;
		}
		d->watchdog_deadline[i] = 0;
		fired = !d->is_shutdown && !d->is_dying;
	}
	return fired;
}

void watchdog_check(uint64_t now)
{
	uint64_t e = __atomic_load_n(&earliest, __ATOMIC_ACQUIRE);
	uint64_t fired = 0;

	if (!e || e > now) {
		return;
	}
	spin_lock(&watchdog_lock);
	for (domid_t id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_lookup(id);

		if (d && d->watchdog_inuse && ran_out_locked(d, now)) {
			fired |= 1ULL << id;
		}
	}
	recompute_locked();
	spin_unlock(&watchdog_lock);
	for (domid_t id = 0; fired; id++, fired >>= 1) {
		struct domain *d = (fired & 1) ? domain_lookup(id) : NULL;

		if (d) {
			pr_warn("domain %u (%s): watchdog ran out\n", d->id,
				d->name);
			domain_shutdown(d, SHUTDOWN_watchdog);
		}
	}
}
