/* SPDX-License-Identifier: MIT */
/*
 * Domain watchdogs (hypervisor/core/watchdog.c) through the real
 * SCHEDOP_watchdog hypercall path and pCPU 0's timer tick, on a stopped
 * clock: ids as Xen gives them, a timer that runs out shuts its domain
 * down with reason watchdog and no other, petting postpones it, a paused
 * domain is not killed, and pCPU 0's timer is programmed for it.
 */
#include <public/sable_ctl.h>
#include <public/sched.h>
#include <public/xen.h>
#include <sable/arch.h>
#include <sable/errno.h>
#include <sable/percpu.h>

#include "core_test.h"

#define SEC arch_counter_freq()

static long wd(struct domain *d, uint32_t id, uint32_t timeout)
{
	struct sched_watchdog w = { .id = id, .timeout = timeout };

	hx_put(d, HX_ARG0, &w, sizeof(w));
	return hx_call(d->vcpus[0], __HYPERVISOR_sched_op, SCHEDOP_watchdog,
		       HX_ARG0, 0);
}

/* The toolstack in @d0 pauses or unpauses @d (SABLE_CTL_pause/unpause). */
static long ctl(struct domain *d0, uint32_t cmd, struct domain *d)
{
	struct sable_ctl c = { .version = SABLE_CTL_VERSION,
			       .cmd = cmd,
			       .domid = d->id };

	return hx_ctl(d0, &c);
}

/* pCPU 0's timer interrupt at @now. */
static void tick0(uint64_t now)
{
	host_clock_set(now);
	host_cpu_select(0);
	host_timer_irq(now);
}

TEST(watchdog_ids_are_xens_two_per_domain)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);

	host_clock_manual(true);
	host_clock_set(SEC);
	EXPECT_EQ(wd(d1, 0, 30), 1);
	EXPECT_EQ(wd(d1, 0, 30), 2);
	EXPECT_EQ(wd(d1, 0, 30), -ENOSPC);
	/* Each domain has its own. */
	EXPECT_EQ(wd(d2, 0, 30), 1);
	EXPECT_EQ(wd(d1, 3, 30), -EINVAL);
	EXPECT_EQ(wd(d1, 0xffffffffu, 30), -EINVAL);
	EXPECT_EQ(wd(d2, 2, 30), -EINVAL); /* not armed */
	EXPECT_EQ(wd(d1, 1, 30), 0); /* pet */
	EXPECT_EQ(wd(d1, 1, 0), 0); /* stop: id 1 free again */
	EXPECT_EQ(wd(d1, 1, 30), -EINVAL);
	EXPECT_EQ(wd(d1, 0, 30), 1);
	/* A bad argument address. */
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_sched_op, SCHEDOP_watchdog,
			  0xdead0000000ULL, 0),
		  -EFAULT);
}

TEST(watchdog_that_runs_out_shuts_down_its_domain_only)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);

	host_clock_manual(true);
	host_clock_set(SEC);
	EXPECT_EQ(wd(d1, 0, 2), 1);
	EXPECT_EQ(wd(d2, 0, 10), 1);
	/* pCPU 0 is to wake when the first one runs out. */
	host_cpu_select(0);
	hx_run_pcpu(0, NULL);
	EXPECT_EQ(pcpu_get(0)->arch.deadline, 3 * SEC);
	tick0(3 * SEC - 1);
	EXPECT_FALSE(d1->is_shutdown);
	tick0(3 * SEC);
	EXPECT_TRUE(d1->is_shutdown);
	EXPECT_EQ(d1->shutdown_reason, SHUTDOWN_watchdog);
	EXPECT_FALSE(d2->is_shutdown);
	EXPECT_FALSE(d0->is_shutdown);
	/* The next deadline is d2's. */
	hx_run_pcpu(0, NULL);
	EXPECT_EQ(pcpu_get(0)->arch.deadline, 11 * SEC);
	tick0(11 * SEC);
	EXPECT_TRUE(d2->is_shutdown);
	EXPECT_EQ(d2->shutdown_reason, SHUTDOWN_watchdog);
}

TEST(watchdog_petted_in_time_never_runs_out)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);

	host_clock_manual(true);
	host_clock_set(SEC);
	EXPECT_EQ(wd(d1, 0, 2), 1);
	for (uint64_t t = 2; t < 40; t++) {
		tick0(t * SEC);
		host_clock_set(t * SEC);
		EXPECT_EQ(wd(d1, 1, 2), 0);
	}
	EXPECT_FALSE(d1->is_shutdown);
	/* Stopped: never runs out, and pCPU 0 keeps no deadline for it. */
	EXPECT_EQ(wd(d1, 1, 0), 0);
	tick0(100 * SEC);
	EXPECT_FALSE(d1->is_shutdown);
	hx_run_pcpu(0, NULL);
	EXPECT_EQ(pcpu_get(0)->arch.deadline, 0);
}

TEST(watchdog_of_a_paused_domain_waits_for_it_to_run)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);

	host_clock_manual(true);
	host_clock_set(SEC);
	EXPECT_EQ(wd(d1, 0, 2), 1);
	EXPECT_EQ(ctl(d0, SABLE_CTL_pause, d1), 0);
	tick0(3 * SEC);
	EXPECT_FALSE(d1->is_shutdown);
	tick0(20 * SEC);
	EXPECT_FALSE(d1->is_shutdown);
	EXPECT_EQ(ctl(d0, SABLE_CTL_unpause, d1), 0);
	/* A full period from its last push-back, then it runs out. */
	tick0(21 * SEC);
	EXPECT_FALSE(d1->is_shutdown);
	tick0(22 * SEC);
	EXPECT_TRUE(d1->is_shutdown);
}

TEST(watchdog_of_a_shut_down_domain_does_nothing)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);

	host_clock_manual(true);
	host_clock_set(SEC);
	EXPECT_EQ(wd(d1, 0, 2), 1);
	domain_shutdown(d1, SHUTDOWN_poweroff);
	EXPECT_FALSE(d0->is_shutdown);
	tick0(5 * SEC);
	EXPECT_EQ(d1->shutdown_reason, SHUTDOWN_poweroff);
	EXPECT_TRUE(hx_console_clean());
}
