/* SPDX-License-Identifier: MIT */
/* SCHEDOP_poll support: pending ports, bad ports, waking pollers. */
#include <sable/errno.h>

#include "evtchn_test.h"

TEST(evtchn_poll_returns_1_when_a_port_is_already_pending)
{
	uint32_t ports[2];

	fixture();
	ports[0] = bind_ipi(d1, 0);
	ports[1] = bind_ipi(d1, 0);
	EXPECT_EQ(send_port(d1, ports[1]), 0);
	EXPECT_EQ(evtchn_poll_begin(&d1->ev, 0, ports, 2), 1);
	EXPECT_EQ(d1->ev.pollers, 0);
	teardown();
}

TEST(evtchn_poll_blocks_then_a_masked_port_wakes_without_upcall)
{
	uint32_t p;

	fixture();
	p = bind_ipi(d1, 0);
	l2_set_mask(d1, p, true);
	EXPECT_EQ(evtchn_poll_begin(&d1->ev, 0, &p, 1), 0);
	EXPECT_EQ(d1->ev.pollers, 1);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_EQ(d1->poll_wakes[0], 1);
	EXPECT_EQ(fake_take_kicks(d1, 0), 0); /* masked: no upcall */
	EXPECT_EQ(d1->ev.pollers, 0);
	/* Already pending: no second wake-up. */
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_EQ(d1->poll_wakes[0], 1);
	teardown();
}

TEST(evtchn_poll_other_port_wakes_too)
{
	uint32_t a, b;

	fixture();
	a = bind_ipi(d1, 0);
	b = bind_ipi(d1, 0);
	EXPECT_EQ(evtchn_poll_begin(&d1->ev, 0, &a, 1), 0);
	EXPECT_EQ(send_port(d1, b), 0);
	EXPECT_EQ(d1->poll_wakes[0], 1);
	teardown();
}

TEST(evtchn_poll_bad_port_or_vcpu_is_einval)
{
	uint32_t p = 100000;

	fixture();
	EXPECT_EQ(evtchn_poll_begin(&d1->ev, 0, &p, 1), -EINVAL);
	EXPECT_EQ(d1->ev.pollers, 0);
	p = 1;
	EXPECT_EQ(evtchn_poll_begin(&d1->ev, 99, &p, 1), -EINVAL);
	teardown();
}

TEST(evtchn_poll_no_ports_blocks)
{
	fixture();
	EXPECT_EQ(evtchn_poll_begin(&d1->ev, 0, NULL, 0), 0);
	teardown();
}

TEST(evtchn_poll_fifo_port_wakes_poller)
{
	uint32_t p;

	fixture();
	ASSERT_TRUE(fifo_init(d1, 0) != NULL);
	fifo_expand(d1, 1);
	p = bind_ipi(d1, 0);
	EXPECT_EQ(evtchn_poll_begin(&d1->ev, 0, &p, 1), 0);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_EQ(d1->poll_wakes[0], 1);
	EXPECT_EQ(evtchn_poll_begin(&d1->ev, 0, &p, 1), 1);
	teardown();
}
