/* SPDX-License-Identifier: MIT */
/* Scheduler hooks into the arch code (vCPU save) and device models. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pcpu;
struct vcpu;

/* Copy the trapped vCPU's register frame into v (it leaves the pCPU). */
void sched_arch_save_current(struct vcpu *v);
/* An interrupt is pending for v in its virtual interrupt controller. */
bool sched_arch_has_work(struct vcpu *v);
/*
 * Program this pCPU's scheduling deadline (absolute counter value, 0 for
 * none): when it passes, the arch calls sched_tick() and then lets the
 * current vCPU be preempted (sched_preempt_current()). Called by the
 * scheduler on this pCPU only, and only when the deadline changes.
 */
void sched_arch_set_deadline(uint64_t deadline);

/*
 * Take @v off @c's run queue if it is on it (rq_lock held). For the host
 * harness, which makes a queued vCPU current as a trap would.
 */
void sched_rq_remove(struct pcpu *c, struct vcpu *v);
