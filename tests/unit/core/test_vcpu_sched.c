/* SPDX-License-Identifier: MIT */
/*
 * vcpu_op and sched_op through hypercall_dispatch(): vcpu_info and
 * runstate registration, blocking, polling, yielding, and domain and
 * machine shutdown as the scheduler and the arch see them.
 */
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <sable/percpu.h>

#include "core_test.h"

static enum host_stop_kind sched_op(struct vcpu *v, unsigned int op,
				    const void *arg, size_t len, long *rc,
				    struct host_stop *stop)
{
	uint64_t args[5] = { op, HX_ARG1 };

	if (arg) {
		hx_put(v->dom, HX_ARG1, arg, len);
	}
	return hx_call_stop(v, __HYPERVISOR_sched_op, args, rc, stop);
}

TEST(vcpu_op_register_vcpu_info_moves_events_into_guest_page)
{
	struct domain *d1 = hx_domain(1, 2, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t p2 = hx_evtchn_bind(d2, 1, hx_evtchn_unbound(d1, 2));
	struct vcpu_info vi;

	EXPECT_EQ(hx_vcpu_info_at(d1, 0, HX_GFN(HX_PAGE(2)), 64), 0);
	hx_get(d1, HX_PAGE(2) + 64, &vi, sizeof(vi));
	EXPECT_EQ(vi.evtchn_upcall_pending, 1);
	EXPECT_EQ(vi.evtchn_pending_sel, ~0ULL);
	/* Delivery now goes to the registered copy. */
	memset(hx_va(d1, HX_PAGE(2) + 64), 0, sizeof(vi));
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	hx_get(d1, HX_PAGE(2) + 64, &vi, sizeof(vi));
	EXPECT_EQ(vi.evtchn_upcall_pending, 1);
	/* Once per vCPU; vCPU 1 may use the same page elsewhere. */
	EXPECT_EQ(hx_vcpu_info_at(d1, 0, HX_GFN(HX_PAGE(3)), 0), -EBUSY);
	EXPECT_EQ(hx_vcpu_info_at(d1, 1, HX_GFN(HX_PAGE(2)), 128), 0);
}

TEST(vcpu_op_register_vcpu_info_refuses_bad_pages_and_offsets)
{
	struct domain *d1 = hx_domain(1, 2, false, HX_DOM_MEM);

	EXPECT_EQ(hx_vcpu_info_at(d1, 0, HX_GFN(HX_PAGE(2)), 4), -EINVAL);
	EXPECT_EQ(hx_vcpu_info_at(d1, 0, HX_GFN(HX_PAGE(2)), 4090), -EINVAL);
	EXPECT_EQ(hx_vcpu_info_at(d1, 0, HX_FREE_GFN(0), 0), -EINVAL);
	EXPECT_EQ(hx_vcpu_info_at(d1, 2, HX_GFN(HX_PAGE(2)), 0), -ENOENT);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_vcpu_op,
			  VCPUOP_register_vcpu_info, 0, 0x1000),
		  -EFAULT);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_vcpu_op, VCPUOP_up, 0, 0),
		  -ENOSYS);
	EXPECT_TRUE(hx_console_clean());
}

TEST(vcpu_op_runstate_area_and_is_up)
{
	struct domain *d1 = hx_domain(1, 2, false, HX_DOM_MEM);
	struct vcpu_register_runstate_memory_area r = { .addr = 0x1234000 };

	hx_put(d1, HX_ARG1, &r, sizeof(r));
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_vcpu_op,
			  VCPUOP_register_runstate_memory_area, 1, HX_ARG1),
		  0);
	EXPECT_EQ(d1->vcpus[1]->runstate.area_gva, 0x1234000);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_vcpu_op,
			  VCPUOP_register_runstate_memory_area, 1,
			  HX_FREE_GFN(0) << PAGE_SHIFT),
		  -EFAULT);
	EXPECT_EQ(
		hx_call(d1->vcpus[0], __HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0),
		1);
	EXPECT_EQ(
		hx_call(d1->vcpus[0], __HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0),
		0);
}

TEST(sched_op_poll_blocks_until_a_polled_port_fires)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t p1 = hx_evtchn_unbound(d1, 2);
	uint32_t p2 = hx_evtchn_bind(d2, 1, p1);
	struct sched_poll poll = { .ports = HX_ARG2, .nr_ports = 1 };
	long rc = -1;

	hx_put(d1, HX_ARG2, &p1, sizeof(p1));
	EXPECT_EQ(sched_op(d1->vcpus[0], SCHEDOP_poll, &poll, sizeof(poll), &rc,
			   NULL),
		  HOST_IDLE);
	EXPECT_EQ(d1->vcpus[0]->state, VCPU_BLOCKED);
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	EXPECT_EQ(d1->vcpus[0]->state, VCPU_RUNNABLE);
	/* Already pending: returns at once. */
	EXPECT_EQ(sched_op(d1->vcpus[0], SCHEDOP_poll, &poll, sizeof(poll), &rc,
			   NULL),
		  HOST_RETURNED);
	EXPECT_EQ(rc, 0);
	poll.nr_ports = 129;
	EXPECT_EQ(sched_op(d1->vcpus[0], SCHEDOP_poll, &poll, sizeof(poll), &rc,
			   NULL),
		  HOST_RETURNED);
	EXPECT_EQ(rc, -EINVAL);
	poll.nr_ports = 2;
	poll.ports = HX_FREE_GFN(0) << PAGE_SHIFT;
	sched_op(d1->vcpus[0], SCHEDOP_poll, &poll, sizeof(poll), &rc, NULL);
	EXPECT_EQ(rc, -EFAULT);
}

/*
 * Hostile poll arguments: a port beyond the domain's ports is refused; a
 * timeout already past returns at once; one in the far future (the
 * largest system time) blocks with a deadline, and an event ends it.
 */
TEST(sched_op_poll_bad_ports_and_extreme_timeouts)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t p1 = hx_evtchn_unbound(d1, 2);
	uint32_t p2 = hx_evtchn_bind(d2, 1, p1);
	uint32_t ports[2] = { p1, 4096 };
	struct sched_poll poll = { .ports = HX_ARG2, .nr_ports = 2 };
	struct vcpu *v = d1->vcpus[0];
	long rc = -1;

	/* The bind left p1 pending once: consume it, as the guest would. */
	__atomic_store_n(&d1->shinfo->evtchn_pending[0], 0, __ATOMIC_SEQ_CST);
	hx_put(d1, HX_ARG2, ports, sizeof(ports));
	EXPECT_EQ(sched_op(v, SCHEDOP_poll, &poll, sizeof(poll), &rc, NULL),
		  HOST_RETURNED);
	EXPECT_EQ(rc, -EINVAL);
	poll.nr_ports = 1;
	poll.timeout = 1;
	EXPECT_EQ(sched_op(v, SCHEDOP_poll, &poll, sizeof(poll), &rc, NULL),
		  HOST_RETURNED);
	EXPECT_EQ(rc, 0);
	poll.timeout = ~0ULL;
	EXPECT_EQ(sched_op(v, SCHEDOP_poll, &poll, sizeof(poll), &rc, NULL),
		  HOST_IDLE);
	EXPECT_EQ(v->state, VCPU_BLOCKED);
	EXPECT_NE(v->sleep_until, 0);
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	EXPECT_EQ(v->state, VCPU_RUNNABLE);
}

/* Every vcpu_op names a vCPU that exists, whatever the sub-op. */
TEST(vcpu_op_out_of_range_vcpus_are_enoent)
{
	struct domain *d1 = hx_domain(1, 2, false, HX_DOM_MEM);
	const uint64_t bad[] = { 2, 127, 128, 1ULL << 32, ~0ULL };

	for (unsigned int op = 0; op <= VCPUOP_register_vcpu_info; op++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_vcpu_op,
					  op, bad[i], HX_ARG1),
				  -ENOENT);
		}
	}
	EXPECT_EQ(
		hx_call(d1->vcpus[0], __HYPERVISOR_vcpu_op, VCPUOP_down, 1, 0),
		-ENOSYS);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_vcpu_op, VCPUOP_initialise,
			  1, HX_ARG1),
		  -ENOSYS);
	EXPECT_TRUE(hx_console_clean());
}

TEST(sched_op_yield_runs_the_next_vcpu_of_the_pcpu)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct domain *d3 = hx_domain(3, 1, false, HX_DOM_MEM);
	struct host_stop stop;
	long rc = -1;

	/* d1 and d3 share pCPU 0 (vCPUs are spread round robin). */
	ASSERT_EQ(d1->vcpus[0]->pcpu, d3->vcpus[0]->pcpu);
	(void)d2;
	EXPECT_EQ(sched_op(d1->vcpus[0], SCHEDOP_yield, NULL, 0, &rc, NULL),
		  HOST_RETURNED);
	sched_add_vcpu(d3->vcpus[0]);
	EXPECT_EQ(sched_op(d1->vcpus[0], SCHEDOP_yield, NULL, 0, &rc, &stop),
		  HOST_VCPU_RUN);
	EXPECT_TRUE(stop.vcpu == d3->vcpus[0]);
	EXPECT_EQ(d1->vcpus[0]->state, VCPU_RUNNABLE);
	EXPECT_EQ(d1->vcpus[0]->arch.saves, 1);
}

/*
 * SCHEDOP_yield is directed as a trapped WFE is: a preempted sibling on
 * the pCPU runs next, ahead of another domain's vCPU that is owed more.
 */
TEST(sched_op_yield_goes_to_a_preempted_sibling_first)
{
	struct domain *a = hx_domain(1, 2, false, HX_DOM_MEM);
	struct domain *b = hx_domain(2, 1, false, HX_DOM_MEM);
	struct vcpu *a0 = a->vcpus[0], *a1 = a->vcpus[1], *b0 = b->vcpus[0];
	uint64_t here = 1ULL << a0->pcpu;
	struct host_stop stop;
	long rc = -1;

	ASSERT_EQ(sched_set_affinity(a1, here, here), 0);
	ASSERT_EQ(sched_set_affinity(b0, here, here), 0);
	EXPECT_EQ(sched_op(a0, SCHEDOP_yield, NULL, 0, &rc, NULL),
		  HOST_RETURNED);
	sched_add_vcpu(b0);
	sched_add_vcpu(a1);
	b0->vtime = a1->vtime > 1000000 ? a1->vtime - 1000000 : 0;
	a1->vtime = b0->vtime + 1000000;
	EXPECT_EQ(sched_op(a0, SCHEDOP_yield, NULL, 0, &rc, &stop),
		  HOST_VCPU_RUN);
	EXPECT_TRUE(stop.vcpu == a1);
	EXPECT_EQ(a0->state, VCPU_RUNNABLE);
	EXPECT_EQ(b0->state, VCPU_RUNNABLE);
}

TEST(sched_op_shutdown_of_a_domu_pauses_it_and_tells_dom0)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC };
	struct sched_shutdown s = { .reason = SHUTDOWN_poweroff };
	long rc;

	ASSERT_EQ(hx_op(d0, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq,
			&bv, sizeof(bv), 0),
		  0);
	EXPECT_EQ(sched_op(d1->vcpus[0], SCHEDOP_shutdown, &s, sizeof(s), &rc,
			   NULL),
		  HOST_IDLE);
	EXPECT_TRUE(d1->is_shutdown);
	EXPECT_EQ(d1->shutdown_reason, SHUTDOWN_poweroff);
	EXPECT_EQ(d1->vcpus[0]->state, VCPU_PAUSED);
	EXPECT_TRUE(d0->shinfo->evtchn_pending[bv.port / 64] &
		    (1ULL << (bv.port % 64)));
	s.reason = 6;
	EXPECT_EQ(sched_op(d0->vcpus[0], SCHEDOP_shutdown, &s, sizeof(s), &rc,
			   NULL),
		  HOST_RETURNED);
	EXPECT_EQ(rc, -EINVAL);
}

TEST(sched_op_last_domain_stops_the_machine_with_its_code)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct sched_shutdown s = { .reason = 42 };
	struct host_stop stop;
	long rc;

	EXPECT_EQ(sched_op(d1->vcpus[0], SCHEDOP_shutdown_code, &s, sizeof(s),
			   &rc, NULL),
		  HOST_RETURNED);
	EXPECT_EQ(d1->shutdown_code, 42);
	s.reason = SHUTDOWN_poweroff;
	EXPECT_EQ(sched_op(d1->vcpus[0], SCHEDOP_shutdown, &s, sizeof(s), &rc,
			   &stop),
		  HOST_MACHINE_EXIT);
	EXPECT_EQ(stop.status, 42);
}

TEST(sched_op_crash_of_the_last_domain_exits_with_status_1)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct sched_shutdown s = { .reason = SHUTDOWN_crash };
	struct host_stop stop;

	EXPECT_EQ(sched_op(d1->vcpus[0], SCHEDOP_shutdown, &s, sizeof(s), NULL,
			   &stop),
		  HOST_MACHINE_EXIT);
	EXPECT_EQ(stop.status, 1);
}

TEST(sched_op_dom0_reboot_resets_the_machine)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct sched_shutdown s = { .reason = SHUTDOWN_reboot };

	hx_domain(1, 1, false, HX_DOM_MEM);
	EXPECT_EQ(sched_op(d0->vcpus[0], SCHEDOP_shutdown, &s, sizeof(s), NULL,
			   NULL),
		  HOST_MACHINE_RESET);
}

TEST(sched_op_remote_shutdown_needs_privilege)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct sched_remote_shutdown r = { .domain_id = 2,
					   .reason = SHUTDOWN_poweroff };
	long rc;

	sched_op(d1->vcpus[0], SCHEDOP_remote_shutdown, &r, sizeof(r), &rc,
		 NULL);
	EXPECT_EQ(rc, -EPERM);
	EXPECT_FALSE(d2->is_shutdown);
	r.domain_id = 9;
	sched_op(d0->vcpus[0], SCHEDOP_remote_shutdown, &r, sizeof(r), &rc,
		 NULL);
	EXPECT_EQ(rc, -ESRCH);
	r.domain_id = 2;
	EXPECT_EQ(sched_op(d0->vcpus[0], SCHEDOP_remote_shutdown, &r, sizeof(r),
			   &rc, NULL),
		  HOST_RETURNED);
	EXPECT_EQ(rc, 0);
	EXPECT_TRUE(d2->is_shutdown);
	EXPECT_EQ(sched_op(d0->vcpus[0], 99, NULL, 0, &rc, NULL),
		  HOST_RETURNED);
	EXPECT_EQ(rc, -ENOSYS);
}

TEST(vcpu_op_register_vcpu_info_refuses_a_grant_mapped_page)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint64_t at = HX_FREE_GFN(3) << PAGE_SHIFT;

	hx_grant(d2, 8, 1, HX_GFN(HX_PAGE(0)), GTF_permit_access);
	ASSERT_EQ(hx_map_grant(d1, 2, 8, at, 0, NULL), GNTST_okay);
	EXPECT_EQ(hx_vcpu_info_at(d1, 0, HX_GFN(at), 0), -EINVAL);
	EXPECT_TRUE(evtchn_vcpu_info(&d1->evtchn, 0) ==
		    &d1->shinfo->vcpu_info[0]);
}

/*
 * d1's vCPU 0 with an event upcall pending: d2 sent on d1's port
 * *@pending, which stays pending.
 */
static struct domain *upcall_pending_domain(bool ppi_enabled, uint32_t *pending)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t p1 = hx_evtchn_unbound(d1, 2);
	uint32_t p2 = hx_evtchn_bind(d2, 1, p1);

	if (ppi_enabled) {
		hx_enable_upcall(d1, 0);
	}
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	EXPECT_EQ(d1->shinfo->vcpu_info[0].evtchn_upcall_pending, 1);
	if (pending) {
		*pending = p1;
	}
	return d1;
}

/* SCHEDOP_poll on @port of @v's domain, no timeout. */
static enum host_stop_kind poll_one(struct vcpu *v, uint32_t port, long *rc)
{
	struct sched_poll poll = { .ports = HX_ARG2, .nr_ports = 1 };

	hx_put(v->dom, HX_ARG2, &port, sizeof(port));
	return sched_op(v, SCHEDOP_poll, &poll, sizeof(poll), rc, NULL);
}

static void wfi_fn(void *arg)
{
	(void)arg;
	sched_block_current();
}

TEST(sched_op_block_and_poll_return_at_once_for_an_upcall_the_guest_takes)
{
	struct domain *d1 = upcall_pending_domain(true, NULL);
	struct vcpu *v = d1->vcpus[0];
	uint32_t quiet = hx_evtchn_unbound(d1, 2);
	long rc = -1;

	/* Interrupts unmasked, the upcall PPI enabled: it needs delivery. */
	EXPECT_EQ(sched_op(v, SCHEDOP_block, NULL, 0, &rc, NULL),
		  HOST_RETURNED);
	EXPECT_EQ(rc, 0);
	rc = -1;
	EXPECT_EQ(poll_one(v, quiet, &rc), HOST_RETURNED);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(v->state, VCPU_RUNNING);
}

TEST(sched_op_block_and_poll_sleep_beside_an_upcall_the_guest_cannot_take)
{
	uint32_t loud;
	struct domain *d1 = upcall_pending_domain(true, &loud);
	struct vcpu *v = d1->vcpus[0];
	uint32_t quiet = hx_evtchn_unbound(d1, 2);
	struct host_stop stop;
	long rc = -1;

	/* Interrupts masked (PSTATE.I): the pending upcall does not count. */
	v->arch.irqs_masked = true;
	EXPECT_EQ(sched_op(v, SCHEDOP_block, NULL, 0, &rc, NULL), HOST_IDLE);
	EXPECT_EQ(v->state, VCPU_BLOCKED);
	EXPECT_EQ(poll_one(v, quiet, &rc), HOST_IDLE);
	EXPECT_EQ(v->state, VCPU_BLOCKED);
	/* A polled port already pending still returns at once. */
	rc = -1;
	EXPECT_EQ(poll_one(v, loud, &rc), HOST_RETURNED);
	EXPECT_EQ(rc, 0);
	/* WFI wakes on a pending interrupt whatever PSTATE.I says. */
	hx_set_current(v);
	EXPECT_EQ(host_run(wfi_fn, NULL, &stop), HOST_RETURNED);
	EXPECT_EQ(v->state, VCPU_RUNNING);
}

TEST(sched_op_block_sleeps_beside_an_upcall_whose_ppi_is_disabled)
{
	struct domain *d1 = upcall_pending_domain(false, NULL);
	struct vcpu *v = d1->vcpus[0];
	struct host_stop stop;
	long rc = -1;

	/* Unmasked, but the guest never enabled the upcall PPI. */
	EXPECT_EQ(sched_op(v, SCHEDOP_block, NULL, 0, &rc, NULL), HOST_IDLE);
	EXPECT_EQ(v->state, VCPU_BLOCKED);
	/* Neither does WFI: the GIC would not signal it. */
	hx_set_current(v);
	EXPECT_EQ(host_run(wfi_fn, NULL, &stop), HOST_IDLE);
	EXPECT_EQ(v->state, VCPU_BLOCKED);
}

/*
 * An SError d1's guest left pending when it trapped (the ESB at the
 * switch finds it: host_serror_pending) is charged to d1 before d3's
 * vCPU gets the registers: d1 crashes, d3 runs on, the third domain on
 * the other pCPU is untouched.
 */
TEST(serror_pending_at_a_switch_crashes_the_vcpu_that_left_it_not_the_next)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	struct domain *d3 = hx_domain(3, 1, false, HX_DOM_MEM);
	struct host_stop stop;
	long rc = -1;

	ASSERT_EQ(d1->vcpus[0]->pcpu, d3->vcpus[0]->pcpu);
	/* d1 runs alone on its pCPU: its registers are the loaded ones. */
	EXPECT_EQ(sched_op(d1->vcpus[0], SCHEDOP_yield, NULL, 0, &rc, NULL),
		  HOST_RETURNED);
	pcpu_get(d1->vcpus[0]->pcpu)->loaded = d1->vcpus[0];
	sched_add_vcpu(d3->vcpus[0]);
	host_serror_pending = true;
	EXPECT_EQ(sched_op(d1->vcpus[0], SCHEDOP_yield, NULL, 0, &rc, &stop),
		  HOST_VCPU_RUN);
	EXPECT_TRUE(stop.vcpu == d3->vcpus[0]);
	EXPECT_FALSE(host_serror_pending);
	EXPECT_TRUE(d1->is_shutdown);
	EXPECT_EQ(d1->shutdown_reason, SHUTDOWN_crash);
	EXPECT_FALSE(d3->is_shutdown);
	EXPECT_FALSE(d2->is_shutdown);
	EXPECT_FALSE(d0->is_shutdown);
	/* Without one pending, a switch charges nobody. */
	sched_add_vcpu(d2->vcpus[0]);
	hx_run_pcpu(d2->vcpus[0]->pcpu, NULL);
	EXPECT_FALSE(d2->is_shutdown);
}
