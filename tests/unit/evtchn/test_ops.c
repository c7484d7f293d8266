/* SPDX-License-Identifier: MIT */
/* close, send, status, bind_vcpu, unmask, reset and domain destruction. */
#include <sable/errno.h>

#include "evtchn_test.h"

TEST(evtchn_close_frees_unbound_port)
{
	struct evtchn_status s;
	uint32_t p;
	long rc;

	fixture();
	p = alloc_unbound(d1, 0);
	EXPECT_EQ(close_port(d1, p), 0);
	s = status_of(d1, DOMID_SELF, p, &rc);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_closed);
	teardown();
}

TEST(evtchn_close_interdomain_returns_peer_to_unbound)
{
	struct evtchn_status s;
	uint32_t rp, lp;
	long rc;

	fixture();
	rp = alloc_unbound(d1, 2);
	lp = bind_interdomain(d2, 1, rp);
	EXPECT_EQ(close_port(d2, lp), 0);
	s = status_of(d1, DOMID_SELF, rp, &rc);
	EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(s.u.unbound.dom, 2);
	/* The closer can bind again. */
	EXPECT_EQ(bind_interdomain(d2, 1, rp), lp);
	teardown();
}

TEST(evtchn_close_self_loop_returns_other_end_to_unbound)
{
	uint32_t rp, lp;

	fixture();
	rp = alloc_unbound(d0, DOMID_SELF);
	lp = bind_interdomain(d0, DOMID_SELF, rp);
	EXPECT_EQ(close_port(d0, rp), 0);
	EXPECT_EQ(evtchn_port(&d0->ev, lp)->state, ECS_UNBOUND);
	EXPECT_EQ(evtchn_port(&d0->ev, lp)->remote_dom, 0);
	EXPECT_EQ(evtchn_port(&d0->ev, rp)->state, ECS_FREE);
	teardown();
}

TEST(evtchn_close_clears_pending)
{
	uint32_t p;

	fixture();
	p = bind_ipi(d1, 0);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_TRUE(l2_pending(d1, p));
	EXPECT_EQ(close_port(d1, p), 0);
	EXPECT_FALSE(l2_pending(d1, p));
	teardown();
}

TEST(evtchn_close_virq_allows_rebinding)
{
	struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = 1 };
	uint32_t p;

	fixture();
	p = bind_virq(d1, VIRQ_TIMER, 1);
	EXPECT_EQ(close_port(d1, p), 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_virq, &b), 0);
	EXPECT_EQ(evtchn_send_virq(&d1->ev, VIRQ_TIMER, 1), 0);
	teardown();
}

TEST(evtchn_close_rejects_bad_port)
{
	fixture();
	EXPECT_EQ(close_port(d1, 4096), -EINVAL);
	EXPECT_EQ(close_port(d1, 0xffffffffu), -EINVAL);
	teardown();
}

TEST(evtchn_close_rejects_reserved_port_zero)
{
	fixture();
	EXPECT_EQ(close_port(d1, 0), -EINVAL);
	teardown();
}

TEST(evtchn_close_rejects_closed_port)
{
	uint32_t p;

	fixture();
	p = alloc_unbound(d1, 0);
	EXPECT_EQ(close_port(d1, p), 0);
	EXPECT_EQ(close_port(d1, p), -EINVAL);
	teardown();
}

TEST(evtchn_send_interdomain_pends_peer)
{
	uint32_t rp, lp;

	fixture();
	rp = alloc_unbound(d1, 2);
	lp = bind_interdomain(d2, 1, rp);
	l2_consume_all(d2);
	EXPECT_EQ(send_port(d2, lp), 0);
	EXPECT_TRUE(l2_pending(d1, rp));
	EXPECT_FALSE(l2_pending(d2, lp));
	EXPECT_EQ(fake_take_kicks(d1, 0), 1);
	l2_consume_all(d1);
	EXPECT_EQ(send_port(d1, rp), 0);
	EXPECT_TRUE(l2_pending(d2, lp));
	teardown();
}

TEST(evtchn_send_ipi_pends_self)
{
	uint32_t p;

	fixture();
	p = bind_ipi(d1, 0);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_TRUE(l2_pending(d1, p));
	teardown();
}

TEST(evtchn_send_unbound_is_silent_noop)
{
	uint32_t p;

	fixture();
	p = alloc_unbound(d1, 0);
	EXPECT_EQ(send_port(d1, p), 0);
	EXPECT_FALSE(l2_pending(d1, p));
	teardown();
}

TEST(evtchn_send_virq_port_rejected)
{
	uint32_t p;

	fixture();
	p = bind_virq(d1, VIRQ_TIMER, 0);
	EXPECT_EQ(send_port(d1, p), -EINVAL);
	teardown();
}

TEST(evtchn_send_rejects_bad_and_closed_port)
{
	uint32_t p;

	fixture();
	EXPECT_EQ(send_port(d1, 0), -EINVAL);
	EXPECT_EQ(send_port(d1, 4096), -EINVAL);
	p = bind_ipi(d1, 0);
	EXPECT_EQ(close_port(d1, p), 0);
	EXPECT_EQ(send_port(d1, p), -EINVAL);
	teardown();
}

TEST(evtchn_status_reports_closed_for_free_port_in_bucket)
{
	struct evtchn_status s;
	long rc;

	fixture();
	alloc_unbound(d1, 0);
	s = status_of(d1, DOMID_SELF, 5, &rc);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_closed);
	s = status_of(d1, DOMID_SELF, 0, &rc);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_closed);
	teardown();
}

TEST(evtchn_status_rejects_bad_port)
{
	long rc;

	fixture();
	status_of(d1, DOMID_SELF, 4096, &rc);
	EXPECT_EQ(rc, -EINVAL);
	status_of(d1, DOMID_SELF, 200, &rc); /* no bucket */
	EXPECT_EQ(rc, -EINVAL);
	teardown();
}

TEST(evtchn_status_privileged_may_query_other_domain)
{
	struct evtchn_status s;
	uint32_t p;
	long rc;

	fixture();
	p = bind_ipi(d2, 1);
	s = status_of(d0, 2, p, &rc);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_ipi);
	EXPECT_EQ(s.vcpu, 1);
	teardown();
}

TEST(evtchn_status_rejects_unprivileged_other_domain)
{
	long rc;

	fixture();
	bind_ipi(d2, 0);
	status_of(d1, 2, 1, &rc);
	EXPECT_EQ(rc, -EPERM);
	teardown();
}

TEST(evtchn_status_rejects_missing_domain)
{
	long rc;

	fixture();
	status_of(d0, 5, 1, &rc);
	EXPECT_EQ(rc, -ESRCH);
	teardown();
}

TEST(evtchn_bind_vcpu_moves_interdomain_delivery)
{
	struct evtchn_bind_vcpu bv;
	struct vcpu_info vi1;
	uint32_t rp, lp;

	fixture();
	evtchn_set_vcpu_info(&d1->ev, 1, &vi1);
	rp = alloc_unbound(d1, 2);
	lp = bind_interdomain(d2, 1, rp);
	bv = (struct evtchn_bind_vcpu){ .port = rp, .vcpu = 1 };
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_vcpu, &bv), 0);
	l2_consume_all(d1);
	EXPECT_EQ(send_port(d2, lp), 0);
	EXPECT_EQ(vi1.evtchn_upcall_pending, 1);
	EXPECT_EQ(vi1.evtchn_pending_sel, 1ULL << (rp / 64));
	EXPECT_EQ(d1->shinfo->vcpu_info[0].evtchn_upcall_pending, 0);
	EXPECT_EQ(fake_take_kicks(d1, 1), 1);
	EXPECT_EQ(fake_take_kicks(d1, 0), 0);
	teardown();
}

TEST(evtchn_bind_vcpu_moves_global_virq)
{
	struct evtchn_bind_vcpu bv = { .vcpu = 1 };
	struct vcpu_info vi1;

	fixture();
	evtchn_set_vcpu_info(&d0->ev, 1, &vi1);
	bv.port = bind_virq(d0, VIRQ_DOM_EXC, 0);
	EXPECT_EQ(hc(d0, EVTCHNOP_bind_vcpu, &bv), 0);
	l2_consume_all(d0);
	EXPECT_EQ(evtchn_send_global_virq(&d0->ev, VIRQ_DOM_EXC), 0);
	EXPECT_EQ(fake_take_kicks(d0, 1), 1);
	/* Closing finds the binding on vCPU 0's table. */
	EXPECT_EQ(close_port(d0, bv.port), 0);
	EXPECT_EQ(evtchn_send_global_virq(&d0->ev, VIRQ_DOM_EXC), -ENOENT);
	teardown();
}

TEST(evtchn_bind_vcpu_rejects_ipi_and_per_vcpu_virq)
{
	struct evtchn_bind_vcpu bv = { .vcpu = 1 };

	fixture();
	bv.port = bind_ipi(d1, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_vcpu, &bv), -EINVAL);
	bv.port = bind_virq(d1, VIRQ_TIMER, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_vcpu, &bv), -EINVAL);
	teardown();
}

TEST(evtchn_bind_vcpu_rejects_bad_vcpu)
{
	struct evtchn_bind_vcpu bv = { .vcpu = 2 };

	fixture();
	bv.port = alloc_unbound(d1, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_vcpu, &bv), -ENOENT);
	teardown();
}

TEST(evtchn_bind_vcpu_rejects_bad_port)
{
	struct evtchn_bind_vcpu bv = { .port = 4000, .vcpu = 0 };

	fixture();
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_vcpu, &bv), -EINVAL);
	teardown();
}

TEST(evtchn_bind_vcpu_rejects_closed_port)
{
	struct evtchn_bind_vcpu bv = { .port = 3, .vcpu = 0 };

	fixture();
	alloc_unbound(d1, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_vcpu, &bv), -EINVAL);
	teardown();
}

TEST(evtchn_unmask_rejects_bad_port)
{
	fixture();
	EXPECT_EQ(unmask_port(d1, 4096), -EINVAL);
	EXPECT_EQ(unmask_port(d1, 100), -EINVAL);
	teardown();
}

TEST(evtchn_unmask_of_free_port_does_nothing)
{
	fixture();
	alloc_unbound(d1, 0);
	l2_set_mask(d1, 5, true);
	EXPECT_EQ(unmask_port(d1, 5), 0);
	EXPECT_TRUE(d1->shinfo->evtchn_mask[0] & (1ULL << 5));
	teardown();
}

TEST(evtchn_reset_closes_all_ports)
{
	struct evtchn_reset r = { .dom = DOMID_SELF };
	uint32_t rp, lp, ipi;

	fixture();
	rp = alloc_unbound(d1, 2);
	lp = bind_interdomain(d2, 1, rp);
	ipi = bind_ipi(d1, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_reset, &r), 0);
	EXPECT_EQ(evtchn_port(&d1->ev, rp)->state, ECS_FREE);
	EXPECT_EQ(evtchn_port(&d1->ev, ipi)->state, ECS_FREE);
	EXPECT_EQ(evtchn_port(&d2->ev, lp)->state, ECS_UNBOUND);
	EXPECT_EQ(evtchn_port(&d2->ev, lp)->remote_dom, 1);
	teardown();
}

TEST(evtchn_reset_privileged_may_reset_other_domain)
{
	struct evtchn_reset r = { .dom = 2 };
	uint32_t p;

	fixture();
	p = bind_ipi(d2, 0);
	EXPECT_EQ(hc(d0, EVTCHNOP_reset, &r), 0);
	EXPECT_EQ(evtchn_port(&d2->ev, p)->state, ECS_FREE);
	teardown();
}

TEST(evtchn_reset_rejects_unprivileged_other_domain)
{
	struct evtchn_reset r = { .dom = 2 };
	uint32_t p;

	fixture();
	p = bind_ipi(d2, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_reset, &r), -EPERM);
	EXPECT_EQ(evtchn_port(&d2->ev, p)->state, ECS_IPI);
	teardown();
}

TEST(evtchn_reset_rejects_missing_domain)
{
	struct evtchn_reset r = { .dom = 4 };

	fixture();
	EXPECT_EQ(hc(d0, EVTCHNOP_reset, &r), -ESRCH);
	teardown();
}

TEST(evtchn_reset_returns_fifo_domain_to_2level)
{
	struct evtchn_reset r = { .dom = DOMID_SELF };
	struct evtchn_set_priority sp = { .priority = 3 };

	fixture();
	fifo_init(d1, 0);
	fifo_expand(d1, 1);
	sp.port = bind_ipi(d1, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_reset, &r), 0);
	EXPECT_TRUE(d1->ev.ops == &evtchn_2l_ops);
	EXPECT_EQ(d1->ev.fifo, NULL);
	EXPECT_EQ(fake_env_outstanding(), 0);
	sp.port = bind_ipi(d1, 0);
	EXPECT_EQ(hc(d1, EVTCHNOP_set_priority, &sp), -ENOSYS);
	/* And FIFO can be set up again. */
	fifo_init(d1, 0);
	teardown();
}

TEST(evtchn_destroy_returns_peers_to_unbound)
{
	uint32_t a, b, pa, pb;

	fixture();
	a = alloc_unbound(d1, 0);
	pa = bind_interdomain(d0, 1, a);
	b = alloc_unbound(d2, 1);
	pb = bind_interdomain(d1, 2, b);
	fake_domain_destroy(d1);
	d1 = NULL;
	EXPECT_EQ(evtchn_port(&d0->ev, pa)->state, ECS_UNBOUND);
	EXPECT_EQ(evtchn_port(&d0->ev, pa)->remote_dom, 1);
	EXPECT_EQ(evtchn_port(&d2->ev, b)->state, ECS_UNBOUND);
	EXPECT_EQ(evtchn_port(&d2->ev, b)->remote_dom, 1);
	(void)pb;
	/* Sends on the orphaned ends are silent no-ops now. */
	EXPECT_EQ(send_port(d0, pa), 0);
	teardown();
}

TEST(evtchn_destroy_refuses_new_bindings_while_dying)
{
	struct evtchn_alloc_unbound a = { .dom = 1, .remote_dom = 0 };
	struct evtchn_bind_interdomain b = { .remote_dom = 1 };
	struct evtchn_bind_ipi ipi = { .vcpu = 0 };
	struct evtchn_bind_virq v = { .virq = VIRQ_TIMER, .vcpu = 0 };

	fixture();
	b.remote_port = alloc_unbound(d1, 0);
	d1->ev.dying = true; /* what destroy sets before closing */
	EXPECT_EQ(hc(d0, EVTCHNOP_alloc_unbound, &a), -ESRCH);
	EXPECT_EQ(hc(d0, EVTCHNOP_bind_interdomain, &b), -ESRCH);
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_ipi, &ipi), -ESRCH);
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_virq, &v), -ESRCH);
	EXPECT_EQ(evtchn_send_virq(&d1->ev, VIRQ_TIMER, 0), -ENOENT);
	d1->ev.dying = false;
	teardown();
}

TEST(evtchn_reset_of_a_dying_domain_is_refused)
{
	struct evtchn_reset r = { .dom = 2 };
	uint32_t p;

	fixture();
	p = bind_ipi(d2, 0);
	d2->ev.dying = true; /* its destruction closes the ports */
	EXPECT_EQ(hc(d0, EVTCHNOP_reset, &r), -ESRCH);
	EXPECT_EQ(evtchn_port(&d2->ev, p)->state, ECS_IPI);
	EXPECT_EQ(d2->ev.resetting, 0);
	d2->ev.dying = false;
	teardown();
}

TEST(evtchn_destroy_twice_is_harmless)
{
	fixture();
	bind_ipi(d1, 0);
	evtchn_domain_destroy(&d1->ev);
	evtchn_domain_destroy(&d1->ev);
	EXPECT_EQ(evtchn_port(&d1->ev, 1), NULL);
	teardown();
}

TEST(evtchn_destroy_unmaps_fifo_pages)
{
	fixture();
	fifo_init(d2, 0);
	fifo_init(d2, 1);
	fifo_expand(d2, 2);
	EXPECT_EQ(fake_env_outstanding(), 4);
	bind_ipi(d2, 1);
	teardown();
}
