/* SPDX-License-Identifier: MIT */
/*
 * Event channels through the real hypercall path and the real hooks of
 * dom_env.c: ports, delivery into shared_info and the vGIC, wake-ups of
 * blocked vCPUs, FIFO control blocks and event arrays in guest frames.
 */
#include <public/event_channel.h>
#include <public/sable_ctl.h>
#include <public/sched.h>
#include <public/xen.h>

#include "core_test.h"

TEST(evtchn_interdomain_send_sets_pending_in_shared_info)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t p1 = hx_evtchn_unbound(d1, 2);
	uint32_t p2 = hx_evtchn_bind(d2, 1, p1);

	EXPECT_NE(p1, 0);
	EXPECT_NE(p2, 0);
	hx_enable_upcall(d1, 0);
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	EXPECT_TRUE(d1->shinfo->evtchn_pending[p1 / 64] & (1ULL << (p1 % 64)));
	EXPECT_EQ(d1->shinfo->vcpu_info[0].evtchn_upcall_pending, 1);
	EXPECT_TRUE(d1->vcpus[0]->upcall_line);
	EXPECT_TRUE(vgic_vcpu_has_pending(&d1->vgic, d1->vcpus[0]->vgic));
	EXPECT_TRUE(hx_console_clean());
}

/* Whether @v's upcall PPI line is asserted in the vGIC model. */
static bool upcall_line_high(struct vcpu *v)
{
	char buf[40];

	vgic_private_describe(&v->dom->vgic, v->vgic, 31, buf, sizeof(buf));
	return strstr(buf, "line") != NULL;
}

/*
 * The upcall line follows evtchn_upcall_pending as read under the vGIC
 * lock. An entry on the vCPU's pCPU that read the flag as 0 just before
 * an event arrived from another pCPU (which raised the line) then syncs
 * the line: it must stay high. Were the entry to drive the level it read
 * earlier, the line would drop while the flag stays 1, and since a kick
 * only comes when the flag goes from 0 to 1, the vCPU would never get
 * another event (a stall seen with netfront and blkfront under load).
 */
TEST(evtchn_upcall_line_is_never_left_low_while_the_flag_is_set)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t p2 = hx_evtchn_bind(d2, 1, hx_evtchn_unbound(d1, 2));
	struct vcpu *v = d1->vcpus[0];
	struct vcpu_info *vi = &d1->shinfo->vcpu_info[0];

	hx_enable_upcall(d1, 0);
	/* The guest took an upcall and cleared the flag; line still high. */
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	EXPECT_TRUE(upcall_line_high(v));
	__atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	d1->shinfo->evtchn_pending[0] = 0;
	vi->evtchn_pending_sel = 0;
	/* The entry reads 0 ... an event lands from the other pCPU ... */
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	EXPECT_EQ(vi->evtchn_upcall_pending, 1);
	/* ... and the entry's sync, reading again under the lock, keeps it. */
	vcpu_sync_upcall(v);
	EXPECT_TRUE(upcall_line_high(v));
	EXPECT_TRUE(v->upcall_line);
	/* With the flag really clear, the sync lowers the line. */
	__atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	vcpu_sync_upcall(v);
	EXPECT_FALSE(upcall_line_high(v));
	EXPECT_FALSE(v->upcall_line);
	EXPECT_TRUE(hx_console_clean());
}

TEST(evtchn_send_wakes_a_blocked_vcpu_on_its_pcpu)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t p2 = hx_evtchn_bind(d2, 1, hx_evtchn_unbound(d1, 2));
	const uint64_t args[5] = { SCHEDOP_block };
	struct host_stop stop;
	long rc;

	ASSERT_NE(d1->vcpus[0]->pcpu, d2->vcpus[0]->pcpu);
	hx_enable_upcall(d1, 0);
	EXPECT_EQ(hx_call_stop(d1->vcpus[0], __HYPERVISOR_sched_op, args, &rc,
			       &stop),
		  HOST_IDLE);
	EXPECT_EQ(d1->vcpus[0]->state, VCPU_BLOCKED);
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	EXPECT_EQ(d1->vcpus[0]->state, VCPU_RUNNABLE);
	EXPECT_EQ(pcpu_get(d1->vcpus[0]->pcpu)->arch.resched_ipis, 1);
	EXPECT_EQ(hx_run_pcpu(d1->vcpus[0]->pcpu, &stop), HOST_VCPU_RUN);
	EXPECT_TRUE(stop.vcpu == d1->vcpus[0]);
}

TEST(evtchn_block_with_an_event_pending_returns_at_once)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t p2 = hx_evtchn_bind(d2, 1, hx_evtchn_unbound(d1, 2));
	const uint64_t args[5] = { SCHEDOP_block };
	long rc = -1;

	hx_enable_upcall(d1, 0);
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	EXPECT_EQ(hx_call_stop(d1->vcpus[0], __HYPERVISOR_sched_op, args, &rc,
			       NULL),
		  HOST_RETURNED);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(d1->vcpus[0]->state, VCPU_RUNNING);
}

TEST(evtchn_fifo_control_block_and_array_in_guest_frames)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);
	uint32_t p1 = hx_evtchn_unbound(d1, 2);
	uint32_t p2 = hx_evtchn_bind(d2, 1, p1);
	struct evtchn_fifo_control_block cb;
	uint32_t word;
	uint8_t link_bits = 0;

	EXPECT_EQ(hx_evtchn_init_control(d1, HX_GFN(HX_PAGE(0)), 64, 0,
					 &link_bits),
		  0);
	EXPECT_EQ(link_bits, EVTCHN_FIFO_LINK_BITS);
	EXPECT_EQ(hx_evtchn_expand_array(d1, HX_GFN(HX_PAGE(1))), 0);
	EXPECT_EQ(hx_evtchn_send(d2, p2), 0);
	hx_get(d1, HX_PAGE(1) + p1 * 4, &word, sizeof(word));
	EXPECT_TRUE(word & (1U << EVTCHN_FIFO_PENDING));
	EXPECT_TRUE(word & (1U << EVTCHN_FIFO_LINKED));
	hx_get(d1, HX_PAGE(0) + 64, &cb, sizeof(cb));
	EXPECT_TRUE(cb.ready & (1U << EVTCHN_FIFO_PRIORITY_DEFAULT));
	EXPECT_EQ(cb.head[EVTCHN_FIFO_PRIORITY_DEFAULT], p1);
}

/*
 * xl debug-keys e: dom0 has the hypervisor write a domain's vCPUs, their
 * upcall and FIFO queues and each bound port into its log, read from the
 * real state; another domain may not ask.
 */
TEST(evtchn_debug_dump_shows_ports_queues_and_the_upcall)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	uint32_t p1 = hx_evtchn_unbound(d1, 0);
	uint32_t p0 = hx_evtchn_bind(d0, 1, p1);
	struct sable_ctl c = { .version = SABLE_CTL_VERSION,
			       .cmd = SABLE_CTL_debug_dump,
			       .domid = 1 };
	uint8_t link_bits = 0;
	char want[128];

	EXPECT_EQ(hx_evtchn_init_control(d1, HX_GFN(HX_PAGE(0)), 64, 0,
					 &link_bits),
		  0);
	EXPECT_EQ(hx_evtchn_expand_array(d1, HX_GFN(HX_PAGE(1))), 0);
	hx_enable_upcall(d1, 0);
	EXPECT_EQ(hx_evtchn_send(d0, p0), 0);
	host_console_clear();
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	snprintf(
		want, sizeof(want),
		"d1 port %u: interdomain d0:%u virq 0 vCPU 0 prio 7 P L link 0",
		p1, p0);
	EXPECT_TRUE(strstr(host_console_output(), want) != NULL);
	snprintf(want, sizeof(want),
		 "d1 v0: fifo ready 0x80, head[7] %u, tail[7] %u", p1, p1);
	EXPECT_TRUE(strstr(host_console_output(), want) != NULL);
	EXPECT_TRUE(strstr(host_console_output(), "upcall_pending 1, PPI 31") !=
		    NULL);
	EXPECT_TRUE(strstr(host_console_output(), "line") != NULL);
	/* Only the control domain asks. */
	EXPECT_EQ(hx_ctl(d1, &c), -EPERM);
	EXPECT_TRUE(hx_console_clean());
}

TEST(evtchn_fifo_refuses_unpopulated_readonly_and_mmio_gfns)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	uint64_t ro = HX_FREE_GFN(1), mmio = HX_FREE_GFN(2);
	uint64_t page = hx_maddr(d1, HX_PAGE(3));

	spin_lock(&d1->p2m.lock);
	ASSERT_EQ(p2m_map(&d1->p2m, gfn_to_ipa(gfn_init(ro)), pa_init(page),
			  PAGE_SIZE, p2m_ram_ro),
		  0);
	ASSERT_EQ(p2m_map(&d1->p2m, gfn_to_ipa(gfn_init(mmio)),
			  pa_init(HX_UART), PAGE_SIZE, p2m_mmio),
		  0);
	spin_unlock(&d1->p2m.lock);
	EXPECT_EQ(hx_evtchn_init_control(d1, HX_FREE_GFN(0), 0, 0, NULL),
		  -EINVAL);
	EXPECT_EQ(hx_evtchn_init_control(d1, ro, 0, 0, NULL), -EINVAL);
	EXPECT_EQ(hx_evtchn_init_control(d1, mmio, 0, 0, NULL), -EINVAL);
	EXPECT_EQ(hx_evtchn_init_control(d1, 1ULL << 40, 0, 0, NULL), -EINVAL);
	/* Still 2-level: expand_array is refused. */
	EXPECT_EQ(hx_evtchn_expand_array(d1, HX_GFN(HX_PAGE(1))), -EOPNOTSUPP);
	EXPECT_EQ(hx_evtchn_init_control(d1, HX_GFN(HX_PAGE(0)), 0, 0, NULL),
		  0);
	EXPECT_EQ(hx_evtchn_expand_array(d1, HX_FREE_GFN(0)), -EINVAL);
	EXPECT_EQ(hx_evtchn_expand_array(d1, ro), -EINVAL);
	EXPECT_EQ(hx_evtchn_expand_array(d1, mmio), -EINVAL);
	EXPECT_TRUE(hx_console_clean());
}

TEST(evtchn_hypercall_argument_outside_guest_ram_faults)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);

	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_event_channel_op,
			  EVTCHNOP_alloc_unbound, HX_FREE_GFN(0) << PAGE_SHIFT,
			  0),
		  -EFAULT);
	/* The last bytes of the argument past the end of RAM. */
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_event_channel_op,
			  EVTCHNOP_alloc_unbound,
			  GUEST_RAM_BASE + d1->ram_size - 4, 0),
		  -EFAULT);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_event_channel_op, 99,
			  HX_ARG0, 0),
		  -ENOSYS);
}
