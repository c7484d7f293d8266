/* SPDX-License-Identifier: MIT */
/*
 * Runstate accounting (runstate.c) through the real scheduler on a stopped
 * clock (1 MHz: a tick is 1000 ns): the four times add up to the time since
 * the vCPU was created, each change of state (block, wake, preemption,
 * pause, CPU_OFF) lands in the right bucket, the area is written at
 * switch-in with the update-flag protocol, and a hostile area address
 * writes nothing anywhere and fails nothing.
 */
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <sable/page.h>
#include <sable/percpu.h>

#include "core_test.h"

#define T0 1000000ULL /* ticks: 1 s */
#define NS(ticks) ((ticks)*1000ULL)
#define AREA (HX_PAGE(3) + 0x100)

static void offline_fn(void *arg)
{
	(void)arg;
	sched_pause_current_offline();
}

static void at(uint64_t ticks)
{
	host_clock_set(ticks);
}

static struct vcpu_runstate_info get(struct vcpu *v)
{
	struct vcpu_runstate_info i;

	runstate_get(v, &i);
	return i;
}

static uint64_t sum(const struct vcpu_runstate_info *i)
{
	return i->time[0] + i->time[1] + i->time[2] + i->time[3];
}

static long register_area(struct vcpu *caller, unsigned int vcpu, uint64_t gva)
{
	struct vcpu_register_runstate_memory_area r = { .addr = gva };

	hx_put(caller->dom, HX_ARG1, &r, sizeof(r));
	return hx_call(caller, __HYPERVISOR_vcpu_op,
		       VCPUOP_register_runstate_memory_area, vcpu, HX_ARG1);
}

/* Two domains whose vCPU 0 share pCPU 0 (vCPUs are spread round robin). */
static void pair(struct domain **a, struct domain **b)
{
	*a = hx_domain(1, 1, false, HX_DOM_MEM);
	(void)hx_domain(2, 1, false, HX_DOM_MEM); /* on pCPU 1 */
	*b = hx_domain(3, 1, false, HX_DOM_MEM);
	ASSERT_EQ((*a)->vcpus[0]->pcpu, 0);
	ASSERT_EQ((*b)->vcpus[0]->pcpu, 0);
}

TEST(runstate_times_add_up_to_the_time_since_creation)
{
	struct domain *a, *b;
	struct vcpu *va, *vb;
	struct vcpu_runstate_info ia, ib;
	uint64_t t = T0;

	host_clock_manual(true);
	at(t);
	pair(&a, &b);
	va = a->vcpus[0];
	vb = b->vcpus[0];
	EXPECT_EQ(get(va).state, RUNSTATE_offline);
	EXPECT_EQ(get(va).state_entry_time, NS(T0));
	/* Both kept on pCPU 0 (the other pCPU would take one). */
	ASSERT_EQ(sched_set_affinity(va, 1, 1), 0);
	ASSERT_EQ(sched_set_affinity(vb, 1, 1), 0);
	sched_add_vcpu(va);
	sched_add_vcpu(vb);
	/* Ten slices of 4 ms: the two take turns, va first. */
	for (unsigned int i = 0; i < 10; i++) {
		if (i == 0) {
			ASSERT_EQ(hx_run_pcpu(0, NULL), HOST_VCPU_RUN);
		} else {
			ASSERT_EQ(host_run(hx_preempt_fn, NULL, NULL),
				  HOST_VCPU_RUN);
		}
		t += 4000;
		at(t);
	}
	ia = get(va);
	ib = get(vb);
	EXPECT_EQ(sum(&ia), NS(t - T0));
	EXPECT_EQ(sum(&ib), NS(t - T0));
	EXPECT_EQ(ia.time[RUNSTATE_running], NS(20000));
	EXPECT_EQ(ia.time[RUNSTATE_runnable], NS(20000));
	EXPECT_EQ(ib.time[RUNSTATE_running], NS(20000));
	EXPECT_EQ(ib.time[RUNSTATE_runnable], NS(20000));
	EXPECT_EQ(ia.time[RUNSTATE_blocked] + ia.time[RUNSTATE_offline], 0);
	EXPECT_EQ(ib.state, RUNSTATE_running);
	EXPECT_EQ(ib.state_entry_time, NS(t - 4000));
	/* The scheduler's own run time agrees (vb not charged yet). */
	EXPECT_EQ(NS(va->cpu_time), ia.time[RUNSTATE_running]);
	EXPECT_EQ(NS(vb->cpu_time + 4000), ib.time[RUNSTATE_running]);
	EXPECT_TRUE(hx_console_clean());
}

static bool as_dom0_pause(struct domain *d0, struct domain *d, bool pause)
{
	hx_set_current(d0->vcpus[0]);
	return (pause ? domain_pause(d) : domain_unpause(d)) == 0;
}

TEST(runstate_follows_block_wake_pause_and_cpu_off)
{
	struct domain *d0, *d1;
	struct vcpu *v;
	struct vcpu_runstate_info i;
	uint64_t args[5] = { SCHEDOP_block };

	host_clock_manual(true);
	at(T0);
	d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	v = d1->vcpus[0];
	ASSERT_NE(v->pcpu, d0->vcpus[0]->pcpu);
	at(T0 + 1000);
	sched_add_vcpu(v);
	EXPECT_EQ(get(v).state, RUNSTATE_runnable);
	at(T0 + 3000);
	ASSERT_EQ(hx_run_pcpu(v->pcpu, NULL), HOST_VCPU_RUN);
	EXPECT_EQ(get(v).state, RUNSTATE_running);
	at(T0 + 6000);
	EXPECT_EQ(hx_call_stop(v, __HYPERVISOR_sched_op, args, NULL, NULL),
		  HOST_IDLE);
	EXPECT_EQ(get(v).state, RUNSTATE_blocked);
	EXPECT_EQ(get(v).state_entry_time, NS(T0 + 6000));
	at(T0 + 10000);
	sched_wake(v);
	EXPECT_EQ(get(v).state, RUNSTATE_runnable);
	at(T0 + 11000);
	ASSERT_EQ(hx_run_pcpu(v->pcpu, NULL), HOST_VCPU_RUN);
	/* Paused while running: it leaves its pCPU, offline until unpause. */
	at(T0 + 12000);
	EXPECT_TRUE(as_dom0_pause(d0, d1, true));
	EXPECT_EQ(get(v).state, RUNSTATE_offline);
	at(T0 + 20000);
	EXPECT_TRUE(as_dom0_pause(d0, d1, false));
	EXPECT_EQ(get(v).state, RUNSTATE_runnable);
	at(T0 + 21000);
	ASSERT_EQ(hx_run_pcpu(v->pcpu, NULL), HOST_VCPU_RUN);
	at(T0 + 22000);
	host_cpu_select(v->pcpu);
	EXPECT_EQ(host_run(offline_fn, NULL, NULL), HOST_IDLE);
	at(T0 + 25000);
	i = get(v);
	EXPECT_EQ(i.state, RUNSTATE_offline);
	EXPECT_EQ(i.state_entry_time, NS(T0 + 22000));
	EXPECT_EQ(i.time[RUNSTATE_running], NS(3000 + 1000 + 1000));
	EXPECT_EQ(i.time[RUNSTATE_runnable], NS(2000 + 1000 + 1000));
	EXPECT_EQ(i.time[RUNSTATE_blocked], NS(4000));
	EXPECT_EQ(i.time[RUNSTATE_offline], NS(1000 + 8000 + 3000));
	EXPECT_EQ(sum(&i), NS(25000));
	EXPECT_TRUE(hx_console_clean());
}

/* ---- the guest's area ---------------------------------------------------- */

#define MAX_WRITES 16

static struct write {
	uint64_t gva;
	size_t len;
	uint8_t top; /* byte 7 of state_entry_time as written */
	uint64_t in_memory; /* state_entry_time in the area after the write */
} writes[MAX_WRITES];
static unsigned int nr_writes;
static struct domain *traced;

static void trace(uint64_t gva, const void *src, size_t len)
{
	struct write *w;

	if (nr_writes == MAX_WRITES) {
		return;
	}
	w = &writes[nr_writes++];
	w->gva = gva;
	w->len = len;
	w->top = len == 1 ? *(const uint8_t *)src
			  : (uint8_t)(((const struct vcpu_runstate_info *)src)
					      ->state_entry_time >>
				      56);
	if (traced) {
		hx_get(traced, AREA + 8, &w->in_memory, 8);
	}
}

static void trace_start(struct domain *d)
{
	nr_writes = 0;
	traced = d;
	host_guest_write_hook = trace;
}

/* Block @v and wake it: the next pick switches it in again. */
static void switch_out_and_in(struct vcpu *v)
{
	uint64_t args[5] = { SCHEDOP_block };

	EXPECT_EQ(hx_call_stop(v, __HYPERVISOR_sched_op, args, NULL, NULL),
		  HOST_IDLE);
	sched_wake(v);
	ASSERT_EQ(hx_run_pcpu(v->pcpu, NULL), HOST_VCPU_RUN);
}

TEST(runstate_area_is_written_at_registration_and_switch_in)
{
	struct domain *d1;
	struct vcpu *v;
	struct vcpu_runstate_info area, now;

	host_clock_manual(true);
	at(T0);
	d1 = hx_domain(1, 2, false, HX_DOM_MEM);
	v = d1->vcpus[0];
	trace_start(d1);
	at(T0 + 500);
	/* vCPU 0 registers vCPU 1's area (as Linux's boot CPU does). */
	EXPECT_EQ(register_area(v, 1, AREA), 0);
	EXPECT_EQ(d1->vcpus[1]->runstate.area_gva, AREA);
	ASSERT_EQ(nr_writes, 1);
	EXPECT_EQ(writes[0].gva, AREA);
	EXPECT_EQ(writes[0].len, sizeof(area));
	hx_get(d1, AREA, &area, sizeof(area));
	EXPECT_EQ(area.state, RUNSTATE_offline);
	EXPECT_EQ(area.state_entry_time, NS(T0));
	EXPECT_EQ(area.time[RUNSTATE_offline], 0);
	/* Its own, then a switch-in: written through its own translation. */
	EXPECT_EQ(register_area(v, 0, AREA), 0);
	at(T0 + 2000);
	nr_writes = 0;
	switch_out_and_in(v);
	ASSERT_EQ(nr_writes, 1);
	hx_get(d1, AREA, &area, sizeof(area));
	runstate_get(v, &now);
	EXPECT_EQ(area.state, RUNSTATE_running);
	EXPECT_EQ(area.state_entry_time, NS(T0 + 2000));
	EXPECT_EQ(memcmp(area.time, now.time, sizeof(now.time)), 0);
	/* VCPUOP_get_runstate_info answers the same, with time so far. */
	at(T0 + 2500);
	EXPECT_EQ(hx_call(v, __HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0,
			  HX_ARG2),
		  0);
	hx_get(d1, HX_ARG2, &now, sizeof(now));
	EXPECT_EQ(now.state, RUNSTATE_running);
	EXPECT_EQ(now.time[RUNSTATE_running],
		  area.time[RUNSTATE_running] + NS(500));
	EXPECT_EQ(hx_call(v, __HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 2,
			  HX_ARG2),
		  -ENOENT);
	EXPECT_EQ(hx_call(v, __HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0,
			  HX_FREE_GFN(0) << PAGE_SHIFT),
		  -EFAULT);
	/* 0 unregisters: nothing written any more. */
	EXPECT_EQ(register_area(v, 0, 0), 0);
	nr_writes = 0;
	switch_out_and_in(v);
	EXPECT_EQ(nr_writes, 0);
	host_guest_write_hook = NULL;
	EXPECT_TRUE(hx_console_clean());
}

TEST(runstate_update_flag_is_set_while_the_area_is_written)
{
	struct domain *d1;
	struct vcpu *v;
	struct vcpu_runstate_info area;
	uint64_t flag_top = XEN_RUNSTATE_UPDATE >> 56;

	host_clock_manual(true);
	at(T0);
	d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	v = d1->vcpus[0];
	EXPECT_EQ(hx_call(v, __HYPERVISOR_vm_assist, VMASST_CMD_enable,
			  VMASST_TYPE_runstate_update_flag, 0),
		  0);
	EXPECT_EQ(register_area(v, 0, AREA), 0);
	at(T0 + 3000);
	trace_start(d1);
	switch_out_and_in(v);
	/* Flag byte on, the whole area (flag still on), flag byte off. */
	ASSERT_EQ(nr_writes, 3);
	EXPECT_EQ(writes[0].gva, AREA + 15);
	EXPECT_EQ(writes[0].len, 1);
	EXPECT_EQ(writes[0].top & flag_top, flag_top);
	EXPECT_TRUE(writes[0].in_memory & XEN_RUNSTATE_UPDATE);
	EXPECT_EQ(writes[1].gva, AREA);
	EXPECT_EQ(writes[1].len, sizeof(area));
	EXPECT_EQ(writes[1].in_memory, NS(T0 + 3000) | XEN_RUNSTATE_UPDATE);
	EXPECT_EQ(writes[2].gva, AREA + 15);
	EXPECT_EQ(writes[2].top & flag_top, 0);
	hx_get(d1, AREA, &area, sizeof(area));
	EXPECT_EQ(area.state_entry_time, NS(T0 + 3000));
	EXPECT_EQ(area.state, RUNSTATE_running);
	/* Disabled again: one plain write. */
	EXPECT_EQ(hx_call(v, __HYPERVISOR_vm_assist, VMASST_CMD_disable,
			  VMASST_TYPE_runstate_update_flag, 0),
		  0);
	nr_writes = 0;
	switch_out_and_in(v);
	EXPECT_EQ(nr_writes, 1);
	EXPECT_EQ(hx_call(v, __HYPERVISOR_vm_assist, VMASST_CMD_enable, 4, 0),
		  -EINVAL);
	host_guest_write_hook = NULL;
	EXPECT_TRUE(hx_console_clean());
}

/* Register @gva as d1's area, switch in: 0 returned, nothing written. */
static void expect_nothing_written(struct domain *d1, uint64_t gva)
{
	struct vcpu *v = d1->vcpus[0];

	trace_start(NULL);
	EXPECT_EQ(register_area(v, 0, gva), 0);
	switch_out_and_in(v);
	EXPECT_EQ(nr_writes, 0);
	host_guest_write_hook = NULL;
}

TEST(runstate_area_at_a_hostile_address_writes_nothing)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint64_t mapped = HX_FREE_GFN(8) << PAGE_SHIFT;
	uint8_t page[PAGE_SIZE], want[PAGE_SIZE];

	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_vm_assist,
			  VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag,
			  0),
		  0);
	/* Unmapped; the emulated GIC distributor; across the top of VA. */
	expect_nothing_written(d1, HX_FREE_GFN(0) << PAGE_SHIFT);
	expect_nothing_written(d1, GUEST_GICD_BASE);
	expect_nothing_written(d1, ~0ULL - 20);
	/* A page of d2 that d2 granted to d1 and d1 maps read-write. */
	memset(want, 0xa5, sizeof(want));
	hx_put(d2, HX_PAGE(0), want, sizeof(want));
	hx_grant(d2, 8, d1->id, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d1, d2->id, 8, mapped, 0, NULL), GNTST_okay);
	expect_nothing_written(d1, mapped + 0x40);
	hx_get(d2, HX_PAGE(0), page, sizeof(page));
	EXPECT_EQ(memcmp(page, want, sizeof(page)), 0);
	EXPECT_TRUE(hx_console_clean());
}

TEST(runstate_area_on_a_page_given_back_later_writes_nothing)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct vcpu *v = d1->vcpus[0];
	uint64_t maddr = hx_maddr(d1, AREA) & PAGE_MASK;
	uint8_t before[PAGE_SIZE], zero[PAGE_SIZE] = { 0 };
	struct page_state ps;

	trace_start(NULL);
	EXPECT_EQ(register_area(v, 0, AREA), 0);
	EXPECT_EQ(nr_writes, 1);
	/* The guest balloons the page out: its frame is freed (dirty). */
	EXPECT_EQ(hx_reserve(d1, XENMEM_decrease_reservation, HX_GFN(AREA)), 1);
	ASSERT_TRUE(page_state(pa_to_mfn(pa_init(maddr)), &ps));
	EXPECT_EQ(ps.refs, 0);
	memcpy(before, (void *)(uintptr_t)maddr, PAGE_SIZE);
	nr_writes = 0;
	switch_out_and_in(v);
	EXPECT_EQ(nr_writes, 0);
	/* As it was, or scrubbed for whoever took the frame next. */
	EXPECT_TRUE(memcmp((void *)(uintptr_t)maddr, before, PAGE_SIZE) == 0 ||
		    memcmp((void *)(uintptr_t)maddr, zero, PAGE_SIZE) == 0);
	host_guest_write_hook = NULL;
	EXPECT_TRUE(hx_console_clean());
}
