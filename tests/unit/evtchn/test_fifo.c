/* SPDX-License-Identifier: MIT */
/* FIFO ABI: init_control, expand_array, set_priority, queues, READY. */
#include <sable/errno.h>

#include "evtchn_test.h"

/* dom1 in FIFO mode with one event page; returns vCPU 0's block. */
static struct evtchn_fifo_control_block *fifo_fixture(void)
{
	struct evtchn_fifo_control_block *cb;

	fixture();
	cb = fifo_init(d1, 0);
	fifo_expand(d1, 1);
	return cb;
}

static void set_priority(struct fake_domain *fd, uint32_t port, uint32_t prio)
{
	struct evtchn_set_priority sp = { .port = port, .priority = prio };

	ASSERT_EQ(hc(fd, EVTCHNOP_set_priority, &sp), 0);
}

TEST(evtchn_fifo_init_control_switches_abi)
{
	fixture();
	EXPECT_TRUE(d1->ev.ops == &evtchn_2l_ops);
	fifo_init(d1, 0);
	EXPECT_TRUE(d1->ev.ops == &evtchn_fifo_ops);
	EXPECT_EQ(fake_env_outstanding(), 1);
	teardown();
}

TEST(evtchn_fifo_init_control_rejects_bad_vcpu)
{
	struct evtchn_init_control ic = { .control_gfn = 1, .vcpu = 2 };

	fixture();
	EXPECT_EQ(hc(d1, EVTCHNOP_init_control, &ic), -ENOENT);
	EXPECT_TRUE(d1->ev.ops == &evtchn_2l_ops);
	teardown();
}

TEST(evtchn_fifo_init_control_rejects_misplaced_block)
{
	struct evtchn_init_control ic = { .control_gfn = 1, .vcpu = 0 };

	fixture();
	ic.offset = 4096 - 72 + 8;
	EXPECT_EQ(hc(d1, EVTCHNOP_init_control, &ic), -EINVAL);
	ic.offset = 12;
	EXPECT_EQ(hc(d1, EVTCHNOP_init_control, &ic), -EINVAL);
	ic.offset = 4096 - 72;
	EXPECT_EQ(hc(d1, EVTCHNOP_init_control, &ic), 0);
	teardown();
}

TEST(evtchn_fifo_init_control_rejects_bad_gfn)
{
	struct evtchn_init_control ic = { .control_gfn = 1000000 };

	fixture();
	EXPECT_EQ(hc(d1, EVTCHNOP_init_control, &ic), -EINVAL);
	EXPECT_TRUE(d1->ev.ops == &evtchn_2l_ops);
	teardown();
}

TEST(evtchn_fifo_init_control_rejects_second_block_for_vcpu)
{
	struct evtchn_init_control ic = { .control_gfn = 5, .vcpu = 0 };

	fixture();
	fifo_init(d1, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_init_control, &ic), -EINVAL);
	EXPECT_EQ(fake_env_outstanding(), 1);
	fifo_init(d1, 1);
	EXPECT_EQ(fake_env_outstanding(), 2);
	teardown();
}

TEST(evtchn_fifo_expand_array_rejects_2level_domain)
{
	struct evtchn_expand_array ea = { .array_gfn = 10 };

	fixture();
	EXPECT_EQ(hc(d1, EVTCHNOP_expand_array, &ea), -EOPNOTSUPP);
	teardown();
}

TEST(evtchn_fifo_expand_array_rejects_bad_gfn)
{
	struct evtchn_expand_array ea = { .array_gfn = 5000 };

	fixture();
	fifo_init(d1, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_expand_array, &ea), -EINVAL);
	teardown();
}

TEST(evtchn_fifo_expand_array_rejects_over_the_limit)
{
	struct evtchn_expand_array ea = { .array_gfn = 20 };

	fixture();
	/* max port 4095: four pages of 1024 words. */
	fifo_init(d1, 0);
	fifo_expand(d1, 4);
	EXPECT_EQ(hc(d1, EVTCHNOP_expand_array, &ea), -ENOSPC);
	EXPECT_EQ(d1->ev.fifo->nr_pages, 4);
	EXPECT_EQ(fake_env_outstanding(), 5);
	teardown();
}

TEST(evtchn_fifo_expand_array_reaches_2_17_ports)
{
	struct fake_domain *big;
	struct evtchn_expand_array ea = { .array_gfn = 10 };

	fixture();
	big = fake_domain_create(3, 1, 0xffffffffu, false);
	ASSERT_TRUE(big);
	fifo_init(big, 0);
	fifo_expand(big, EVTCHN_FIFO_MAX_EVENT_ARRAY_PAGES);
	EXPECT_EQ(hc(big, EVTCHNOP_expand_array, &ea), -ENOSPC);
	teardown();
}

TEST(evtchn_fifo_ports_beyond_4096_after_switch)
{
	struct fake_domain *big;
	uint32_t p = 0;

	fixture();
	big = fake_domain_create(3, 1, 5000, false);
	ASSERT_TRUE(big);
	fifo_init(big, 0);
	for (int i = 1; i <= 4500; i++) {
		p = bind_ipi(big, 0);
	}
	EXPECT_EQ(p, 4500);
	fifo_expand(big, 5);
	EXPECT_EQ(send_port(big, p), 0);
	EXPECT_TRUE(evtchn_port_is_pending(&big->ev, p));
	teardown();
}

TEST(evtchn_fifo_send_links_event_and_sets_ready)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t p = bind_ipi(d1, 0);
	event_word_t *w = fifo_word(d1, p);

	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_EQ(*w & FIFO_BIT(EVTCHN_FIFO_PENDING),
		  FIFO_BIT(EVTCHN_FIFO_PENDING));
	EXPECT_EQ(*w & FIFO_BIT(EVTCHN_FIFO_LINKED),
		  FIFO_BIT(EVTCHN_FIFO_LINKED));
	EXPECT_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p);
	EXPECT_EQ(cb->ready, 1U << EVTCHN_FIFO_PRIORITY_DEFAULT);
	EXPECT_EQ(d1->shinfo->vcpu_info[0].evtchn_upcall_pending, 1);
	EXPECT_EQ(fake_take_kicks(d1, 0), 1);
	teardown();
}

TEST(evtchn_fifo_queue_links_events_in_order)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t a = bind_ipi(d1, 0), b = bind_ipi(d1, 0), c = bind_ipi(d1, 0);
	uint32_t out[8];

	EXPECT_EQ(send_port(d1, b), 0);
	EXPECT_EQ(send_port(d1, a), 0);
	EXPECT_EQ(send_port(d1, c), 0);
	EXPECT_EQ(*fifo_word(d1, b) & EVTCHN_FIFO_LINK_MASK, a);
	EXPECT_EQ(*fifo_word(d1, a) & EVTCHN_FIFO_LINK_MASK, c);
	/* Only the first event of an empty queue raises an upcall. */
	EXPECT_EQ(fake_take_kicks(d1, 0), 1);
	ASSERT_EQ(fifo_drain(d1, cb, out, 8), 3);
	EXPECT_EQ(out[0], b);
	EXPECT_EQ(out[1], a);
	EXPECT_EQ(out[2], c);
	EXPECT_EQ(cb->ready, 0);
	teardown();
}

TEST(evtchn_fifo_already_linked_event_is_not_linked_twice)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t a = bind_ipi(d1, 0), b = bind_ipi(d1, 0);
	uint32_t out[8];

	EXPECT_EQ(send_port(d1, a), 0);
	EXPECT_EQ(send_port(d1, b), 0);
	EXPECT_EQ(send_port(d1, a), 0);
	ASSERT_EQ(fifo_drain(d1, cb, out, 8), 2);
	EXPECT_EQ(out[0], a);
	EXPECT_EQ(out[1], b);
	teardown();
}

TEST(evtchn_fifo_drained_queue_restarts_at_head)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t a = bind_ipi(d1, 0), b = bind_ipi(d1, 0);
	uint32_t out[8];

	EXPECT_EQ(send_port(d1, a), 0);
	ASSERT_EQ(fifo_drain(d1, cb, out, 8), 1);
	fake_take_kicks(d1, 0);
	d1->shinfo->vcpu_info[0].evtchn_upcall_pending = 0;
	/* The tail (a) is unlinked now: b goes to HEAD, READY again. */
	EXPECT_EQ(send_port(d1, b), 0);
	EXPECT_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b);
	EXPECT_EQ(cb->ready, 1U << EVTCHN_FIFO_PRIORITY_DEFAULT);
	EXPECT_EQ(fake_take_kicks(d1, 0), 1);
	ASSERT_EQ(fifo_drain(d1, cb, out, 8), 1);
	EXPECT_EQ(out[0], b);
	teardown();
}

TEST(evtchn_fifo_priorities_drain_highest_first)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t lo = bind_ipi(d1, 0), hi = bind_ipi(d1, 0);
	uint32_t mid = bind_ipi(d1, 0);
	uint32_t out[8];

	set_priority(d1, lo, EVTCHN_FIFO_PRIORITY_MIN);
	set_priority(d1, hi, EVTCHN_FIFO_PRIORITY_MAX);
	EXPECT_EQ(send_port(d1, lo), 0);
	EXPECT_EQ(send_port(d1, mid), 0);
	EXPECT_EQ(send_port(d1, hi), 0);
	EXPECT_EQ(cb->ready, (1U << 15) | (1U << 7) | 1U);
	ASSERT_EQ(fifo_drain(d1, cb, out, 8), 3);
	EXPECT_EQ(out[0], hi);
	EXPECT_EQ(out[1], mid);
	EXPECT_EQ(out[2], lo);
	teardown();
}

TEST(evtchn_fifo_set_priority_rejects_bad_priority)
{
	struct evtchn_set_priority sp = { .priority = 16 };

	fifo_fixture();
	sp.port = bind_ipi(d1, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_set_priority, &sp), -EINVAL);
	teardown();
}

TEST(evtchn_fifo_set_priority_rejects_bad_port)
{
	struct evtchn_set_priority sp = { .port = 4096, .priority = 1 };

	fifo_fixture();
	EXPECT_EQ(hc(d1, EVTCHNOP_set_priority, &sp), -EINVAL);
	teardown();
}

TEST(evtchn_set_priority_unsupported_in_2level)
{
	struct evtchn_set_priority sp = { .priority = 1 };

	fixture();
	sp.port = bind_ipi(d1, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_set_priority, &sp), -ENOSYS);
	teardown();
}

TEST(evtchn_fifo_priority_change_moves_event_to_new_queue)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t a = bind_ipi(d1, 0), b = bind_ipi(d1, 0);
	uint32_t out[8];

	EXPECT_EQ(send_port(d1, a), 0);
	ASSERT_EQ(fifo_drain(d1, cb, out, 8), 1);
	/* a was the tail of queue 7 and moves to queue 2. */
	set_priority(d1, a, 2);
	EXPECT_EQ(send_port(d1, a), 0);
	EXPECT_EQ(send_port(d1, b), 0);
	EXPECT_EQ(cb->head[2], a);
	EXPECT_EQ(cb->head[7], b);
	/* Queue 7 must not chain b behind a (which is on queue 2). */
	EXPECT_EQ(*fifo_word(d1, a) & EVTCHN_FIFO_LINK_MASK, 0);
	ASSERT_EQ(fifo_drain(d1, cb, out, 8), 2);
	EXPECT_EQ(out[0], a);
	EXPECT_EQ(out[1], b);
	teardown();
}

TEST(evtchn_fifo_masked_event_is_pending_but_not_linked)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t p = bind_ipi(d1, 0);
	event_word_t *w = fifo_word(d1, p);

	*w = FIFO_BIT(EVTCHN_FIFO_MASKED);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_TRUE(*w & FIFO_BIT(EVTCHN_FIFO_PENDING));
	EXPECT_FALSE(*w & FIFO_BIT(EVTCHN_FIFO_LINKED));
	EXPECT_EQ(cb->ready, 0);
	EXPECT_EQ(fake_take_kicks(d1, 0), 0);
	teardown();
}

TEST(evtchn_fifo_unmask_links_pending_event)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t p = bind_ipi(d1, 0);
	event_word_t *w = fifo_word(d1, p);

	*w = FIFO_BIT(EVTCHN_FIFO_MASKED);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_EQ(unmask_port(d1, p), 0);
	EXPECT_FALSE(*w & FIFO_BIT(EVTCHN_FIFO_MASKED));
	EXPECT_TRUE(*w & FIFO_BIT(EVTCHN_FIFO_LINKED));
	EXPECT_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p);
	EXPECT_EQ(fake_take_kicks(d1, 0), 1);
	teardown();
}

TEST(evtchn_fifo_unmask_of_idle_event_only_clears_mask)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t p = bind_ipi(d1, 0);
	event_word_t *w = fifo_word(d1, p);

	*w = FIFO_BIT(EVTCHN_FIFO_MASKED);
	EXPECT_EQ(unmask_port(d1, p), 0);
	EXPECT_EQ(*w, 0);
	EXPECT_EQ(cb->ready, 0);
	teardown();
}

TEST(evtchn_fifo_unmask_without_event_word_does_nothing)
{
	uint32_t p;

	fixture();
	fifo_init(d1, 0);
	p = bind_ipi(d1, 0);
	EXPECT_EQ(unmask_port(d1, p), 0);
	teardown();
}

TEST(evtchn_fifo_pending_before_expand_is_delivered_by_expand)
{
	struct evtchn_fifo_control_block *cb;
	uint32_t p, out[4];

	fixture();
	cb = fifo_init(d1, 0);
	p = bind_ipi(d1, 0);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_TRUE(evtchn_port_is_pending(&d1->ev, p));
	EXPECT_EQ(cb->ready, 0);
	fifo_expand(d1, 1);
	EXPECT_EQ(cb->ready, 1U << EVTCHN_FIFO_PRIORITY_DEFAULT);
	ASSERT_EQ(fifo_drain(d1, cb, out, 4), 1);
	EXPECT_EQ(out[0], p);
	teardown();
}

TEST(evtchn_fifo_switch_keeps_2level_pending_ports)
{
	struct evtchn_fifo_control_block *cb;
	uint32_t p, q, out[4];

	fixture();
	p = bind_ipi(d1, 0);
	q = bind_ipi(d1, 0);
	EXPECT_EQ(send_port(d1, q), 0);
	cb = fifo_init(d1, 0);
	fifo_expand(d1, 1);
	ASSERT_EQ(fifo_drain(d1, cb, out, 4), 1);
	EXPECT_EQ(out[0], q);
	(void)p;
	teardown();
}

TEST(evtchn_fifo_event_for_vcpu_without_block_stays_pending)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t p = bind_ipi(d1, 1);
	event_word_t *w = fifo_word(d1, p);

	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_TRUE(*w & FIFO_BIT(EVTCHN_FIFO_PENDING));
	EXPECT_FALSE(*w & FIFO_BIT(EVTCHN_FIFO_LINKED));
	EXPECT_EQ(cb->ready, 0);
	teardown();
}

TEST(evtchn_fifo_events_go_to_their_vcpu_queue)
{
	struct evtchn_fifo_control_block *cb0 = fifo_fixture();
	struct evtchn_fifo_control_block *cb1 = fifo_init(d1, 1);
	struct vcpu_info vi1;
	uint32_t p0 = bind_ipi(d1, 0), p1 = bind_ipi(d1, 1);
	uint32_t out[4];

	evtchn_set_vcpu_info(&d1->ev, 1, &vi1);
	vi1.evtchn_upcall_pending = 0;
	fake_take_kicks(d1, 1);
	EXPECT_EQ(send_port(d1, p1), 0);
	EXPECT_EQ(vi1.evtchn_upcall_pending, 1);
	EXPECT_EQ(fake_take_kicks(d1, 1), 1);
	EXPECT_EQ(cb0->ready, 0);
	EXPECT_EQ(send_port(d1, p0), 0);
	ASSERT_EQ(fifo_drain(d1, cb1, out, 4), 1);
	EXPECT_EQ(out[0], p1);
	ASSERT_EQ(fifo_drain(d1, cb0, out, 4), 1);
	EXPECT_EQ(out[0], p0);
	teardown();
}

TEST(evtchn_fifo_close_clears_pending_keeps_link)
{
	uint32_t p;
	event_word_t *w;

	fifo_fixture();
	p = bind_ipi(d1, 0);
	w = fifo_word(d1, p);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_EQ(close_port(d1, p), 0);
	EXPECT_FALSE(*w & FIFO_BIT(EVTCHN_FIFO_PENDING));
	EXPECT_TRUE(*w & FIFO_BIT(EVTCHN_FIFO_LINKED));
	EXPECT_FALSE(evtchn_port_is_pending(&d1->ev, p));
	teardown();
}

TEST(evtchn_fifo_interdomain_bind_pends_local_event)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t rp, lp, out[4];

	rp = alloc_unbound(d0, 1);
	lp = bind_interdomain(d1, 0, rp);
	ASSERT_EQ(fifo_drain(d1, cb, out, 4), 1);
	EXPECT_EQ(out[0], lp);
	EXPECT_EQ(send_port(d0, rp), 0);
	ASSERT_EQ(fifo_drain(d1, cb, out, 4), 1);
	EXPECT_EQ(out[0], lp);
	teardown();
}

TEST(evtchn_fifo_busy_tail_word_is_still_linked)
{
	struct evtchn_fifo_control_block *cb = fifo_fixture();
	uint32_t a = bind_ipi(d1, 0), b = bind_ipi(d1, 0);
	uint32_t out[4];

	EXPECT_EQ(send_port(d1, a), 0);
	*fifo_word(d1, a) |= FIFO_BIT(EVTCHN_FIFO_BUSY);
	EXPECT_EQ(send_port(d1, b), 0);
	EXPECT_EQ(*fifo_word(d1, a) & EVTCHN_FIFO_LINK_MASK, b);
	EXPECT_FALSE(*fifo_word(d1, a) & FIFO_BIT(EVTCHN_FIFO_BUSY));
	ASSERT_EQ(fifo_drain(d1, cb, out, 4), 2);
	teardown();
}
