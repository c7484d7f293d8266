/* SPDX-License-Identifier: MIT */
/*
 * What happens while the module looks a peer up without holding a lock:
 * channels that change meanwhile, and peers that cannot be found.
 */
#include <sable/errno.h>

#include "evtchn_test.h"

static uint32_t race_port;

static void peer_closes_its_end(domid_t id)
{
	(void)id;
	EXPECT_EQ(close_port(d1, race_port), 0);
}

TEST(evtchn_send_rechecks_channel_changed_during_lookup)
{
	uint32_t rp, lp;

	fixture();
	rp = alloc_unbound(d1, 2);
	lp = bind_interdomain(d2, 1, rp);
	l2_consume_all(d1);
	race_port = rp;
	fake_on_get = peer_closes_its_end;
	/* dom1 closes while dom2 looks it up: the send becomes a no-op. */
	EXPECT_EQ(send_port(d2, lp), 0);
	EXPECT_EQ(evtchn_port(&d2->ev, lp)->state, ECS_UNBOUND);
	EXPECT_FALSE(l2_pending(d1, rp));
	EXPECT_EQ(fake_env_outstanding(), 0);
	teardown();
}

static void peer_rebinds(domid_t id)
{
	(void)id;
	/* dom1 closes and dom1 binds to the now unbound dom2 port again. */
	EXPECT_EQ(close_port(d1, race_port), 0);
	race_port = bind_interdomain(d1, 2, 1);
}

TEST(evtchn_close_follows_peer_rebound_during_lookup)
{
	uint32_t rp, lp;

	fixture();
	rp = alloc_unbound(d2, 1);
	lp = bind_interdomain(d1, 2, rp);
	(void)lp;
	race_port = lp;
	fake_on_get = peer_rebinds;
	EXPECT_EQ(close_port(d2, rp), 0);
	/* The fresh dom1 end is the one returned to unbound. */
	EXPECT_EQ(evtchn_port(&d1->ev, race_port)->state, ECS_UNBOUND);
	EXPECT_EQ(evtchn_port(&d1->ev, race_port)->remote_dom, 2);
	EXPECT_EQ(fake_env_outstanding(), 0);
	teardown();
}

TEST(evtchn_close_with_unfindable_peer_frees_local_end)
{
	uint32_t rp, lp;

	fixture();
	rp = alloc_unbound(d1, 2);
	lp = bind_interdomain(d2, 1, rp);
	/* dom1 is being destroyed and already gone from the lookup. */
	d1->exists = false;
	EXPECT_EQ(send_port(d2, lp), 0);
	EXPECT_EQ(close_port(d2, lp), 0);
	EXPECT_EQ(evtchn_port(&d2->ev, lp)->state, ECS_FREE);
	/* Its destruction leaves the freed port alone. */
	fake_domain_destroy(d1);
	d1 = NULL;
	EXPECT_EQ(evtchn_port(&d2->ev, lp)->state, ECS_FREE);
	teardown();
}

static void lookup_finds_self(domid_t id)
{
	(void)id;
}

TEST(evtchn_bind_interdomain_to_self_by_id_needs_no_lookup)
{
	uint32_t rp;

	fixture();
	fake_on_get = lookup_finds_self;
	rp = alloc_unbound(d1, 1);
	EXPECT_NE(bind_interdomain(d1, 1, rp), 0);
	/* No lookup happened for the domain itself. */
	EXPECT_TRUE(fake_on_get == lookup_finds_self);
	fake_on_get = NULL;
	teardown();
}

static void bind_during_reset(domid_t id)
{
	struct evtchn_bind_ipi ipi = { .vcpu = 0 };
	struct evtchn_bind_virq v = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct evtchn_alloc_unbound a = { .dom = 1, .remote_dom = 0 };
	struct evtchn_bind_interdomain b = { .remote_dom = 0 };
	struct evtchn_init_control ic = { .control_gfn = 1, .vcpu = 0 };

	if (id != 2) {
		/* The reset's own lookup of dom1: wait for the peer's. */
		fake_on_get = bind_during_reset;
		return;
	}
	b.remote_port = alloc_unbound(d0, 1);
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_ipi, &ipi), -EAGAIN);
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_virq, &v), -EAGAIN);
	EXPECT_EQ(hc(d0, EVTCHNOP_alloc_unbound, &a), -EAGAIN);
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_interdomain, &b), -EAGAIN);
	EXPECT_EQ(hc(d1, EVTCHNOP_init_control, &ic), -EAGAIN);
}

TEST(evtchn_reset_refuses_new_ports_while_it_runs)
{
	struct evtchn_reset r = { .dom = 1 };
	uint32_t rp;

	fixture();
	rp = alloc_unbound(d2, 1);
	bind_interdomain(d1, 2, rp);
	/* The reset looks dom2 up while closing: other vCPUs act then. */
	fake_on_get = bind_during_reset;
	EXPECT_EQ(hc(d0, EVTCHNOP_reset, &r), 0);
	EXPECT_TRUE(fake_on_get == NULL);
	EXPECT_EQ(d1->ev.resetting, 0);
	EXPECT_EQ(bind_ipi(d1, 0), 1);
	teardown();
}
