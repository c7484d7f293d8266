/* SPDX-License-Identifier: MIT */
/* 2-level delivery: pending and mask bitmaps, selector, upcall, vcpu_info. */
#include <sable/errno.h>

#include "evtchn_test.h"

TEST(evtchn_2l_delivery_sets_pending_selector_and_upcall)
{
	struct vcpu_info *vi;
	uint32_t p;

	fixture();
	for (int i = 0; i < 70; i++) {
		p = bind_ipi(d1, 0);
	}
	ASSERT_EQ(p, 70);
	vi = &d1->shinfo->vcpu_info[0];
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_TRUE(l2_pending(d1, p));
	EXPECT_EQ(vi->evtchn_pending_sel, 1ULL << 1);
	EXPECT_EQ(vi->evtchn_upcall_pending, 1);
	EXPECT_EQ(fake_take_kicks(d1, 0), 1);
	teardown();
}

TEST(evtchn_2l_already_pending_port_does_not_kick_again)
{
	uint32_t p;

	fixture();
	p = bind_ipi(d1, 0);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_EQ(fake_take_kicks(d1, 0), 1);
	d1->shinfo->vcpu_info[0].evtchn_upcall_pending = 0;
	d1->shinfo->vcpu_info[0].evtchn_pending_sel = 0;
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_EQ(d1->shinfo->vcpu_info[0].evtchn_pending_sel, 0);
	EXPECT_EQ(fake_take_kicks(d1, 0), 0);
	teardown();
}

TEST(evtchn_2l_selector_already_set_does_not_kick_again)
{
	uint32_t a, b;

	fixture();
	a = bind_ipi(d1, 0);
	b = bind_ipi(d1, 0);
	EXPECT_EQ(send_port(d1, a), 0);
	EXPECT_EQ(send_port(d1, b), 0);
	EXPECT_TRUE(l2_pending(d1, b));
	EXPECT_EQ(fake_take_kicks(d1, 0), 1);
	teardown();
}

TEST(evtchn_2l_masked_port_stays_pending_without_upcall)
{
	uint32_t p;

	fixture();
	p = bind_ipi(d1, 0);
	l2_set_mask(d1, p, true);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_TRUE(l2_pending(d1, p));
	EXPECT_EQ(d1->shinfo->vcpu_info[0].evtchn_pending_sel, 0);
	EXPECT_EQ(d1->shinfo->vcpu_info[0].evtchn_upcall_pending, 0);
	EXPECT_EQ(fake_take_kicks(d1, 0), 0);
	teardown();
}

TEST(evtchn_2l_unmask_delivers_pending_port)
{
	uint32_t p;

	fixture();
	p = bind_ipi(d1, 0);
	l2_set_mask(d1, p, true);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_EQ(unmask_port(d1, p), 0);
	EXPECT_FALSE(d1->shinfo->evtchn_mask[0] & (1ULL << p));
	EXPECT_EQ(d1->shinfo->vcpu_info[0].evtchn_pending_sel, 1);
	EXPECT_EQ(d1->shinfo->vcpu_info[0].evtchn_upcall_pending, 1);
	EXPECT_EQ(fake_take_kicks(d1, 0), 1);
	teardown();
}

TEST(evtchn_2l_unmask_of_idle_port_only_clears_mask)
{
	uint32_t p;

	fixture();
	p = bind_ipi(d1, 0);
	l2_set_mask(d1, p, true);
	EXPECT_EQ(unmask_port(d1, p), 0);
	EXPECT_FALSE(d1->shinfo->evtchn_mask[0] & (1ULL << p));
	EXPECT_EQ(d1->shinfo->vcpu_info[0].evtchn_upcall_pending, 0);
	teardown();
}

TEST(evtchn_2l_delivery_goes_to_bound_vcpu_only)
{
	struct vcpu_info vi1;
	uint32_t p;

	fixture();
	memset(&vi1, 0, sizeof(vi1));
	EXPECT_EQ(evtchn_set_vcpu_info(&d1->ev, 1, &vi1), 0);
	l2_consume_all(d1);
	p = bind_ipi(d1, 1);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_EQ(vi1.evtchn_upcall_pending, 1);
	EXPECT_EQ(d1->shinfo->vcpu_info[0].evtchn_upcall_pending, 0);
	EXPECT_EQ(fake_take_kicks(d1, 1), 1);
	teardown();
}

TEST(evtchn_2l_vcpu_without_vcpu_info_keeps_pending_bit)
{
	uint32_t p;

	fixture();
	p = bind_ipi(d1, 1);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_TRUE(l2_pending(d1, p));
	EXPECT_EQ(fake_take_kicks(d1, 1), 0);
	teardown();
}

TEST(evtchn_2l_domain_without_shared_info_drops_events)
{
	uint32_t p;

	fixture();
	evtchn_set_shared_info(&d1->ev, NULL);
	p = bind_ipi(d1, 0);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_FALSE(evtchn_port_is_pending(&d1->ev, p));
	EXPECT_EQ(unmask_port(d1, p), 0);
	EXPECT_EQ(close_port(d1, p), 0);
	EXPECT_EQ(fake_take_kicks(d1, 0), 0);
	evtchn_set_shared_info(&d1->ev, d1->shinfo);
	teardown();
}

TEST(evtchn_register_vcpu_info_copies_and_marks_everything_pending)
{
	struct vcpu_info vi0;

	fixture();
	d1->shinfo->vcpu_info[0].time.version = 42;
	memset(&vi0, 0xaa, sizeof(vi0));
	EXPECT_EQ(evtchn_set_vcpu_info(&d1->ev, 0, &vi0), 0);
	EXPECT_EQ(vi0.time.version, 42);
	EXPECT_EQ(vi0.evtchn_pending_sel, ~0ULL);
	EXPECT_EQ(vi0.evtchn_upcall_pending, 1);
	EXPECT_EQ(fake_take_kicks(d1, 0), 1);
	EXPECT_TRUE(evtchn_vcpu_info(&d1->ev, 0) == &vi0);
	EXPECT_TRUE(evtchn_vcpu_upcall_pending(&d1->ev, 0));
	teardown();
}

TEST(evtchn_register_vcpu_info_zeroes_first_area_of_secondary_vcpu)
{
	struct vcpu_info vi1;

	fixture();
	memset(&vi1, 0xaa, sizeof(vi1));
	EXPECT_EQ(evtchn_set_vcpu_info(&d1->ev, 1, &vi1), 0);
	EXPECT_EQ(vi1.time.version, 0);
	EXPECT_EQ(vi1.evtchn_pending_sel, ~0ULL);
	teardown();
}

TEST(evtchn_register_vcpu_info_rejects_bad_vcpu)
{
	struct vcpu_info vi;

	fixture();
	EXPECT_EQ(evtchn_set_vcpu_info(&d1->ev, 2, &vi), -EINVAL);
	EXPECT_EQ(evtchn_vcpu_info(&d1->ev, 2), NULL);
	EXPECT_FALSE(evtchn_vcpu_upcall_pending(&d1->ev, 2));
	teardown();
}

TEST(evtchn_register_vcpu_info_null_detaches)
{
	struct vcpu_info vi1;

	fixture();
	EXPECT_EQ(evtchn_set_vcpu_info(&d1->ev, 1, &vi1), 0);
	EXPECT_EQ(evtchn_set_vcpu_info(&d1->ev, 1, NULL), 0);
	EXPECT_EQ(evtchn_vcpu_info(&d1->ev, 1), NULL);
	teardown();
}

/* Once per vCPU (vCPU 0's slot in shared_info does not count). */
TEST(evtchn_register_vcpu_info_twice_is_ebusy)
{
	struct vcpu_info vi0, vi0b, vi1, vi1b;

	fixture();
	EXPECT_EQ(evtchn_set_vcpu_info(&d1->ev, 0, &vi0), 0);
	EXPECT_EQ(evtchn_set_vcpu_info(&d1->ev, 0, &vi0b), -EBUSY);
	EXPECT_EQ(evtchn_set_vcpu_info(&d1->ev, 1, &vi1), 0);
	EXPECT_EQ(evtchn_set_vcpu_info(&d1->ev, 1, &vi1b), -EBUSY);
	EXPECT_TRUE(evtchn_vcpu_info(&d1->ev, 0) == &vi0);
	EXPECT_TRUE(evtchn_vcpu_info(&d1->ev, 1) == &vi1);
	teardown();
}

TEST(evtchn_port_is_pending_reports_2level_bit)
{
	uint32_t p;

	fixture();
	p = bind_ipi(d1, 0);
	EXPECT_FALSE(evtchn_port_is_pending(&d1->ev, p));
	EXPECT_EQ(evtchn_send(&d1->ev, p), 0);
	EXPECT_TRUE(evtchn_port_is_pending(&d1->ev, p));
	EXPECT_FALSE(evtchn_port_is_pending(&d1->ev, 0));
	EXPECT_FALSE(evtchn_port_is_pending(&d1->ev, 99999));
	teardown();
}

TEST(evtchn_send_virq_delivers_to_bound_port)
{
	uint32_t p;

	fixture();
	p = bind_virq(d1, VIRQ_DEBUG, 0);
	EXPECT_EQ(evtchn_send_virq(&d1->ev, VIRQ_DEBUG, 0), 0);
	EXPECT_TRUE(l2_pending(d1, p));
	teardown();
}

TEST(evtchn_send_virq_unbound_returns_enoent)
{
	fixture();
	EXPECT_EQ(evtchn_send_virq(&d1->ev, VIRQ_TIMER, 1), -ENOENT);
	EXPECT_EQ(evtchn_send_global_virq(&d1->ev, VIRQ_CONSOLE), -ENOENT);
	teardown();
}

TEST(evtchn_send_virq_rejects_bad_arguments)
{
	fixture();
	EXPECT_EQ(evtchn_send_virq(&d1->ev, NR_VIRQS, 0), -EINVAL);
	EXPECT_EQ(evtchn_send_virq(&d1->ev, VIRQ_TIMER, 2), -EINVAL);
	EXPECT_EQ(evtchn_send_virq(&d1->ev, VIRQ_CONSOLE, 0), -EINVAL);
	EXPECT_EQ(evtchn_send_global_virq(&d1->ev, VIRQ_TIMER), -EINVAL);
	EXPECT_EQ(evtchn_send_global_virq(&d1->ev, NR_VIRQS), -EINVAL);
	teardown();
}

TEST(evtchn_send_global_virq_delivers_console)
{
	uint32_t p;

	fixture();
	p = bind_virq(d0, VIRQ_CONSOLE, 0);
	EXPECT_EQ(evtchn_send_global_virq(&d0->ev, VIRQ_CONSOLE), 0);
	EXPECT_TRUE(l2_pending(d0, p));
	teardown();
}

TEST(evtchn_alloc_unbound_port_for_domain_builder)
{
	uint32_t port = 0;
	uint32_t lp;

	fixture();
	EXPECT_EQ(evtchn_alloc_unbound_port(&d2->ev, 0, &port), 0);
	EXPECT_EQ(port, 1);
	lp = bind_interdomain(d0, 2, port);
	EXPECT_EQ(evtchn_port(&d2->ev, port)->remote_port, lp);
	EXPECT_EQ(evtchn_alloc_unbound_port(&d2->ev, DOMID_IO, &port), -EINVAL);
	teardown();
}

TEST(evtchn_domain_init_rejects_bad_arguments)
{
	struct evtchn_domain d;

	EXPECT_EQ(evtchn_domain_init(&d, 1, 0, 10, false), -EINVAL);
	EXPECT_EQ(evtchn_domain_init(&d, 1, EVTCHN_MAX_VCPUS + 1, 10, false),
		  -EINVAL);
	EXPECT_EQ(evtchn_domain_init(&d, DOMID_SELF, 1, 10, false), -EINVAL);
}

TEST(evtchn_domain_init_clamps_max_port_to_fifo_limit)
{
	struct evtchn_domain d;

	ASSERT_EQ(evtchn_domain_init(&d, 1, 1, 0xffffffffu, false), 0);
	EXPECT_EQ(d.max_port, EVTCHN_FIFO_MAX_PORTS - 1);
	EXPECT_EQ(d.nr_buckets, EVTCHN_FIFO_MAX_PORTS / EVTCHN_BUCKET_PORTS);
	evtchn_domain_destroy(&d);
}
