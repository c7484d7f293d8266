/* SPDX-License-Identifier: MIT */
/* Helpers of the placement and balancing tests (sched_place_test.h). */
#include <sable/mm.h>
#include <sable/percpu.h>

#include "core_test.h"
#include "sched_place_test.h"
#include "sched_priv.h"

uint64_t now = T0;

void wfe_fn(void *arg)
{
	(void)arg;
	sched_yield_directed();
}

void clock_at(uint64_t t)
{
	now = t;
	host_clock_manual(true);
	host_clock_set(now);
}

/* pCPU @id decides (after an interrupt); what it ran, or NULL if idle. */
struct vcpu *decide(unsigned int id)
{
	struct host_stop stop;

	host_cpu_select(id);
	pcpu_get(id)->resched = false;
	if (pcpu_get(id)->current) {
		host_run(hx_preempt_fn, NULL, &stop);
	} else {
		host_run(hx_run_fn, NULL, &stop);
	}
	return pcpu_get(id)->current;
}

/* The current vCPU of pCPU @id traps with @fn (WFI, WFE). */
struct vcpu *trap(unsigned int id, void (*fn)(void *))
{
	host_cpu_select(id);
	host_run(fn, NULL, NULL);
	return pcpu_get(id)->current;
}

/* @v blocks in WFI on its home pCPU, which has nothing else to run. */
void blocked(struct vcpu *v)
{
	hx_set_current(v);
	ASSERT_TRUE(trap(v->pcpu, hx_block_fn) == NULL);
	ASSERT_EQ(v->state, VCPU_BLOCKED);
}

bool queued_on(struct vcpu *v, unsigned int cpu)
{
	for (struct vcpu *q = pcpu_get(cpu)->rq_head; q; q = q->rq_next) {
		if (q == v) {
			return v->pcpu == cpu;
		}
	}
	return false;
}

bool allowed_everywhere_it_is(void)
{
	for (unsigned int i = 0; i < HX_NR_CPUS; i++) {
		struct pcpu *c = pcpu_get(i);

		if (c->current && !((c->current->hard_affinity >> i) & 1)) {
			return false;
		}
		for (struct vcpu *q = c->rq_head; q; q = q->rq_next) {
			if (!((q->hard_affinity >> i) & 1) || q->pcpu != i) {
				return false;
			}
		}
	}
	return true;
}

/*
 * d1 and d3 start on pCPU 0, d2 on pCPU 1 (round robin); d2 stays
 * offline unless a test starts it.
 */
void three(struct domain **d1, struct domain **d2, struct domain **d3)
{
	*d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	*d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	*d3 = hx_domain(3, 1, false, HX_DOM_MEM);
	ASSERT_EQ((*d1)->vcpus[0]->pcpu, 0);
	ASSERT_EQ((*d2)->vcpus[0]->pcpu, 1);
	ASSERT_EQ((*d3)->vcpus[0]->pcpu, 0);
	clock_at(T0);
}
