/* SPDX-License-Identifier: MIT */
/*
 * The one per-CPU structure. Reached only through this_cpu(); the arm64
 * build keeps its address in TPIDR_EL2, the host build in a thread-local.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <arch/percpu.h>
#include <sable/spinlock.h>

#define MAX_CPUS 8

struct vcpu;

struct pcpu {
	unsigned int id;
	uint64_t mpidr;
	bool online;
	/* The vCPU this pCPU runs, or NULL when idle. Only this pCPU writes. */
	struct vcpu *current;
	/* Set by other pCPUs to ask for a reschedule (IPI). */
	volatile bool resched;
	/* Arch-private per-CPU data (GIC redistributor base...). */
	uint64_t arch_rdist;
	/*
	 * Protects: rq_head, rq_tail, nr_queued, min_vtime, yield_skip,
	 * yield_to, sleepers, the state, home (vcpu.pcpu) and scheduler
	 * accounting of vCPUs homed here. Two at once: sched_lock_two().
	 */
	spinlock_t rq_lock;
	struct vcpu *rq_head, *rq_tail;
	/* vCPUs on the queue; other pCPUs read it without the lock. */
	unsigned int nr_queued;
	/* Virtual-time floor of the queue: woken vCPUs start no lower. */
	uint64_t min_vtime;
	/* A vCPU that yielded: the next pick prefers any other. */
	struct vcpu *yield_skip;
	/*
	 * The next pick: a sibling a WFE yielded to (directed yield), or the
	 * vCPU sched_balance() brought here to run.
	 */
	struct vcpu *yield_to;
	/*
	 * yield_to takes over the rest of the slice (a directed yield);
	 * otherwise it starts its own (a balance hand-over).
	 */
	bool yield_keeps_slice;
	/*
	 * The vCPU this pCPU just switched away from because it may no
	 * longer run here (affinity): sched_run() hands it to an allowed
	 * pCPU before anything else. Only this pCPU.
	 */
	struct vcpu *move_out;
	/* Blocked vCPUs homed here with a wake-up time (sleep_until). */
	struct vcpu *sleepers;
	/* Scheduling deadline programmed (0: none). Only this pCPU. */
	uint64_t sched_deadline;
	/*
	 * When the current vCPU's slice began: a decision that lets it go
	 * on does not start a new one. Only this pCPU.
	 */
	uint64_t slice_start;
	/* The vCPU whose EL1 state is in the registers (lazy switch). */
	struct vcpu *loaded;
	struct pcpu_arch arch;
};

#ifndef ARCH_INLINE_THIS_CPU
struct pcpu *this_cpu(void);
#endif
/* Current vCPU of this pCPU, or NULL when idle. */
static inline struct vcpu *current_vcpu(void)
{
	return this_cpu()->current;
}
struct pcpu *pcpu_get(unsigned int id);
unsigned int pcpu_count(void);
