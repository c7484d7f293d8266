/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: one run queue per pCPU, round robin on yields, blocks and
 * reschedule requests (no time slice yet). A vCPU stays on its home pCPU.
 * Blocking (WFI, SCHEDOP_block) and waking are ordered by the home run
 * queue's lock, so a wake-up that races with a block is never lost.
 */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/percpu.h>

#include "sched_arch.h"

struct vcpu *current_vcpu(void)
{
	return this_cpu()->current;
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
}

static struct vcpu *rq_pop(struct pcpu *c)
{
	struct vcpu *v = c->rq_head;

	if (v) {
		c->rq_head = v->rq_next;
		if (!c->rq_head) {
			c->rq_tail = NULL;
		}
	}
	return v;
}

void sched_add_vcpu(struct vcpu *v)
{
	struct pcpu *c = pcpu_get(v->pcpu);

	spin_lock(&c->rq_lock);
	v->state = VCPU_RUNNABLE;
	rq_push(c, v);
	spin_unlock(&c->rq_lock);
	if (c != this_cpu()) {
		arch_send_resched(c->id);
	}
}

int sched_power_on(struct vcpu *v, uint64_t entry, uint64_t ctx)
{
	struct pcpu *c = pcpu_get(v->pcpu);

	/* Checked and changed under one lock: racing CPU_ONs, one winner. */
	spin_lock(&c->rq_lock);
	if (v->state != VCPU_OFFLINE || c->current == v) {
		spin_unlock(&c->rq_lock);
		return -EEXIST;
	}
	arch_vcpu_init(v, entry, ctx);
	v->state = VCPU_RUNNABLE;
	rq_push(c, v);
	spin_unlock(&c->rq_lock);
	if (c != this_cpu()) {
		arch_send_resched(c->id);
	}
	return 0;
}

void sched_wake(struct vcpu *v)
{
	struct pcpu *c = pcpu_get(v->pcpu);
	bool kick = false;

	spin_lock(&c->rq_lock);
	v->wake_pending = true;
	if (v->state == VCPU_BLOCKED) {
		v->state = VCPU_RUNNABLE;
		rq_push(c, v);
		kick = true;
	} else if (v->state == VCPU_RUNNING && c != this_cpu()) {
		kick = true; /* make it re-enter and see the interrupt */
	}
	spin_unlock(&c->rq_lock);
	if (kick && c != this_cpu()) {
		arch_send_resched(c->id);
	}
}

/* Called from a trap of the current vCPU: save it, then run another. */
void sched_block_current(void)
{
	struct pcpu *c = this_cpu();
	struct vcpu *v = c->current;

	spin_lock(&c->rq_lock);
	if (v->wake_pending) {
		v->wake_pending = false;
		spin_unlock(&c->rq_lock);
		return;
	}
	v->state = VCPU_BLOCKED;
	spin_unlock(&c->rq_lock);
	/*
	 * Checked without the run-queue lock: the device models and event
	 * channels take their own locks and then wake vCPUs (run-queue lock),
	 * so taking theirs under ours would invert the order. A wake-up that
	 * lands from here on finds the vCPU blocked and queues it.
	 */
	if (sched_arch_has_work(v)) {
		spin_lock(&c->rq_lock);
		if (v->state == VCPU_BLOCKED) {
			v->state = VCPU_RUNNING;
			spin_unlock(&c->rq_lock);
			return;
		}
		spin_unlock(&c->rq_lock); /* already queued by a wake-up */
	}
	sched_arch_save_current(v);
	c->current = NULL;
	sched_run();
}

void sched_yield_current(void)
{
	struct pcpu *c = this_cpu();
	struct vcpu *v = c->current;

	spin_lock(&c->rq_lock);
	if (!c->rq_head) {
		spin_unlock(&c->rq_lock);
		return;
	}
	v->state = VCPU_RUNNABLE;
	rq_push(c, v);
	spin_unlock(&c->rq_lock);
	sched_arch_save_current(v);
	c->current = NULL;
	sched_run();
}

static void stop_current(enum vcpu_state state)
{
	struct pcpu *c = this_cpu();
	struct vcpu *v = c->current;

	spin_lock(&c->rq_lock);
	v->state = state;
	spin_unlock(&c->rq_lock);
	sched_arch_save_current(v);
	c->current = NULL;
	sched_run();
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
		struct vcpu *v;

		spin_lock(&c->rq_lock);
		v = rq_pop(c);
		if (v) {
			v->state = VCPU_RUNNING;
			v->wake_pending = false;
		}
		spin_unlock(&c->rq_lock);
		if (v) {
			c->current = v;
			arch_vcpu_run(v);
		}
		arch_idle();
	}
}
