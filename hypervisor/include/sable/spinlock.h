/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlock on compiler atomics: the same code serves the EL2 build
 * (LL/SC or LSE, chosen by the compiler) and the host build.
 */
#pragma once

#include <stdint.h>

typedef struct {
	uint16_t next;
	uint16_t owner;
} spinlock_t;

#define SPINLOCK_INIT \
	{             \
		0, 0  \
	}

static inline void spin_lock_init(spinlock_t *l)
{
	l->next = 0;
	l->owner = 0;
}

#if __STDC_HOSTED__
#include <sched.h>
/*
 * Host tests: threads stand in for pCPUs, and the host may preempt the
 * one whose ticket comes next; a waiter behind it would spin out whole
 * host time slices for each hand-over (minutes for a race test on a
 * loaded machine). Give way now and then. EL2 spins (pCPUs are not
 * preempted there).
 */
static inline void spin_relax(unsigned int *spins)
{
	if (++*spins % 256 == 0) {
		sched_yield();
	}
}
#else
static inline void spin_relax(unsigned int *spins)
{
	(void)spins;
}
#endif

static inline void spin_lock(spinlock_t *l)
{
	uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	unsigned int spins = 0;

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
		spin_relax(&spins);
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline int spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}
