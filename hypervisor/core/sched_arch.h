/* SPDX-License-Identifier: MIT */
/* Scheduler hooks into the arch code (vCPU save) and device models. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pcpu;
struct vcpu;

/* Copy the trapped vCPU's register frame into v (it leaves the pCPU). */
void sched_arch_save_current(struct vcpu *v);
/*
 * Whether the current vCPU @v trapped with its interrupts masked (PSTATE.I
 * on arm64): then a pending interrupt does not stop SCHEDOP_block or
 * SCHEDOP_poll from blocking (Xen's local_events_need_delivery).
 */
bool sched_arch_irqs_masked(struct vcpu *v);
/*
 * Program this pCPU's scheduling deadline (absolute counter value, 0 for
 * none): when it passes, the arch calls sched_tick() and then lets the
 * current vCPU be preempted (sched_preempt_current()). Called by the
 * scheduler on this pCPU only, and only when the deadline changes.
 */
void sched_arch_set_deadline(uint64_t deadline);

/*
 * domain_pause() waits for pCPU @cpu, sent a reschedule, to switch away
 * from a vCPU being paused: arm64 just waits a moment (the pCPU takes the
 * SGI on its own); the host harness plays that pCPU's trap exit.
 */
void sched_arch_wait_for(unsigned int cpu);
/*
 * @v is about to be freed (its domain destroyed): this pCPU lets go of
 * whatever it keeps of it (its EL1 state in the registers, a parked
 * timer). Called on each pCPU at a quiescent point.
 */
void sched_arch_forget_vcpu(struct vcpu *v);

/*
 * Take any SError pending on this pCPU now (arm64: an ESB, or a moment
 * with SErrors unmasked; docs/cpu-state.md): true if there was one. The
 * scheduler asks before another vCPU's registers replace those of the
 * vCPU this pCPU holds, so that the error is charged to the vCPU that
 * raised it (serror_charge()).
 */
bool sched_arch_serror_sync(void);
/* An SError (or external abort: @what) raised by @v: its domain crashes. */
void serror_charge(struct vcpu *v, const char *what);

/*
 * Take @v off @c's run queue if it is on it (rq_lock held). For the host
 * harness, which makes a queued vCPU current as a trap would.
 */
void sched_rq_remove(struct pcpu *c, struct vcpu *v);
