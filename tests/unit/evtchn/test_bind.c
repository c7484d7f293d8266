/* SPDX-License-Identifier: MIT */
/* Allocation and binding: alloc_unbound, bind_interdomain/virq/ipi. */
#include <sable/errno.h>

#include "evtchn_test.h"

TEST(evtchn_alloc_unbound_returns_lowest_free_port)
{
	fixture();
	EXPECT_EQ(alloc_unbound(d1, 0), 1);
	EXPECT_EQ(alloc_unbound(d1, 0), 2);
	EXPECT_EQ(close_port(d1, 1), 0);
	EXPECT_EQ(alloc_unbound(d1, 2), 1);
	teardown();
}

TEST(evtchn_alloc_unbound_records_remote)
{
	long rc;
	struct evtchn_status s;
	uint32_t p;

	fixture();
	p = alloc_unbound(d1, 2);
	s = status_of(d1, DOMID_SELF, p, &rc);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(s.u.unbound.dom, 2);
	EXPECT_EQ(s.vcpu, 0);
	teardown();
}

TEST(evtchn_alloc_unbound_self_remote_names_caller)
{
	struct evtchn_alloc_unbound a = { .dom = 1, .remote_dom = DOMID_SELF };
	struct evtchn_status s;
	long rc;

	fixture();
	/* dom0 allocates in dom1 for "itself": the remote is dom0. */
	ASSERT_EQ(hc(d0, EVTCHNOP_alloc_unbound, &a), 0);
	s = status_of(d0, 1, a.port, &rc);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(s.u.unbound.dom, 0);
	teardown();
}

TEST(evtchn_alloc_unbound_privileged_may_name_other_domain)
{
	struct evtchn_alloc_unbound a = { .dom = 2, .remote_dom = 0 };

	fixture();
	ASSERT_EQ(hc(d0, EVTCHNOP_alloc_unbound, &a), 0);
	EXPECT_EQ(a.port, 1);
	EXPECT_EQ(evtchn_port(&d2->ev, 1)->state, ECS_UNBOUND);
	teardown();
}

TEST(evtchn_alloc_unbound_rejects_unprivileged_other_domain)
{
	struct evtchn_alloc_unbound a = { .dom = 2, .remote_dom = 1 };

	fixture();
	EXPECT_EQ(hc(d1, EVTCHNOP_alloc_unbound, &a), -EPERM);
	EXPECT_EQ(evtchn_port(&d2->ev, 1)->state, ECS_FREE);
	teardown();
}

TEST(evtchn_alloc_unbound_rejects_missing_domain)
{
	struct evtchn_alloc_unbound a = { .dom = 7, .remote_dom = 0 };

	fixture();
	EXPECT_EQ(hc(d0, EVTCHNOP_alloc_unbound, &a), -ESRCH);
	teardown();
}

TEST(evtchn_alloc_unbound_rejects_reserved_remote)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
					  .remote_dom = DOMID_IO };

	fixture();
	EXPECT_EQ(hc(d1, EVTCHNOP_alloc_unbound, &a), -EINVAL);
	teardown();
}

TEST(evtchn_alloc_unbound_rejects_over_the_limit)
{
	struct fake_domain *small;
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };

	fixture();
	small = fake_domain_create(3, 1, 3, false);
	ASSERT_TRUE(small);
	EXPECT_EQ(alloc_unbound(small, 0), 1);
	EXPECT_EQ(alloc_unbound(small, 0), 2);
	EXPECT_EQ(alloc_unbound(small, 0), 3);
	EXPECT_EQ(hc(small, EVTCHNOP_alloc_unbound, &a), -ENOSPC);
	teardown();
}

TEST(evtchn_alloc_unbound_2level_limit_is_4096_ports)
{
	struct fake_domain *big;
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
	uint32_t p = 0;

	fixture();
	big = fake_domain_create(3, 1, 100000, false);
	ASSERT_TRUE(big);
	for (int i = 1; i < 4096; i++) {
		p = alloc_unbound(big, 0);
	}
	EXPECT_EQ(p, 4095);
	EXPECT_EQ(hc(big, EVTCHNOP_alloc_unbound, &a), -ENOSPC);
	teardown();
}

TEST(evtchn_bind_interdomain_connects_both_ends)
{
	struct evtchn_status s;
	uint32_t rp, lp;
	long rc;

	fixture();
	rp = alloc_unbound(d1, 2);
	lp = bind_interdomain(d2, 1, rp);
	s = status_of(d2, DOMID_SELF, lp, &rc);
	EXPECT_EQ(s.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(s.u.interdomain.dom, 1);
	EXPECT_EQ(s.u.interdomain.port, rp);
	s = status_of(d1, DOMID_SELF, rp, &rc);
	EXPECT_EQ(s.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(s.u.interdomain.dom, 2);
	EXPECT_EQ(s.u.interdomain.port, lp);
	teardown();
}

TEST(evtchn_bind_interdomain_marks_local_port_pending)
{
	uint32_t rp, lp;

	fixture();
	rp = alloc_unbound(d1, 2);
	lp = bind_interdomain(d2, 1, rp);
	EXPECT_TRUE(l2_pending(d2, lp));
	EXPECT_FALSE(l2_pending(d1, rp));
	teardown();
}

TEST(evtchn_bind_interdomain_self_loop)
{
	uint32_t rp, lp;

	fixture();
	/* dom0's xenstored binding dom0's own xenstore port. */
	rp = alloc_unbound(d0, DOMID_SELF);
	lp = bind_interdomain(d0, DOMID_SELF, rp);
	EXPECT_NE(lp, rp);
	EXPECT_EQ(evtchn_port(&d0->ev, rp)->remote_port, lp);
	EXPECT_EQ(evtchn_port(&d0->ev, lp)->remote_port, rp);
	l2_consume_all(d0);
	EXPECT_EQ(send_port(d0, lp), 0);
	EXPECT_TRUE(l2_pending(d0, rp));
	EXPECT_FALSE(l2_pending(d0, lp));
	EXPECT_EQ(send_port(d0, rp), 0);
	EXPECT_TRUE(l2_pending(d0, lp));
	teardown();
}

TEST(evtchn_bind_interdomain_rejects_bound_remote)
{
	struct evtchn_bind_interdomain b = { .remote_dom = 1 };

	fixture();
	b.remote_port = alloc_unbound(d1, 2);
	bind_interdomain(d2, 1, b.remote_port);
	EXPECT_EQ(hc(d2, EVTCHNOP_bind_interdomain, &b), -EINVAL);
	teardown();
}

TEST(evtchn_bind_interdomain_rejects_wrong_domain)
{
	struct evtchn_bind_interdomain b = { .remote_dom = 1 };

	fixture();
	b.remote_port = alloc_unbound(d1, 2);
	/* The port accepts dom2 only. */
	EXPECT_EQ(hc(d0, EVTCHNOP_bind_interdomain, &b), -EINVAL);
	EXPECT_EQ(evtchn_port(&d1->ev, b.remote_port)->state, ECS_UNBOUND);
	teardown();
}

TEST(evtchn_bind_interdomain_rejects_bad_port)
{
	struct evtchn_bind_interdomain b = { .remote_dom = 1,
					     .remote_port = 4096 };

	fixture();
	EXPECT_EQ(hc(d2, EVTCHNOP_bind_interdomain, &b), -EINVAL);
	b.remote_port = 0;
	EXPECT_EQ(hc(d2, EVTCHNOP_bind_interdomain, &b), -EINVAL);
	b.remote_port = 5; /* in range, never allocated */
	EXPECT_EQ(hc(d2, EVTCHNOP_bind_interdomain, &b), -EINVAL);
	teardown();
}

TEST(evtchn_bind_interdomain_rejects_closed_port)
{
	struct evtchn_bind_interdomain b = { .remote_dom = 1 };

	fixture();
	b.remote_port = alloc_unbound(d1, 2);
	EXPECT_EQ(close_port(d1, b.remote_port), 0);
	EXPECT_EQ(hc(d2, EVTCHNOP_bind_interdomain, &b), -EINVAL);
	teardown();
}

TEST(evtchn_bind_interdomain_rejects_non_unbound_port)
{
	struct evtchn_bind_interdomain b = { .remote_dom = 1 };

	fixture();
	b.remote_port = bind_ipi(d1, 0);
	EXPECT_EQ(hc(d2, EVTCHNOP_bind_interdomain, &b), -EINVAL);
	teardown();
}

TEST(evtchn_bind_interdomain_rejects_missing_domain)
{
	struct evtchn_bind_interdomain b = { .remote_dom = 6,
					     .remote_port = 1 };

	fixture();
	EXPECT_EQ(hc(d2, EVTCHNOP_bind_interdomain, &b), -ESRCH);
	teardown();
}

TEST(evtchn_bind_interdomain_rejects_over_the_limit)
{
	struct fake_domain *small;
	struct evtchn_bind_interdomain b = { .remote_dom = 1 };

	fixture();
	small = fake_domain_create(3, 1, 1, false);
	ASSERT_TRUE(small);
	alloc_unbound(small, 0);
	b.remote_port = alloc_unbound(d1, 3);
	EXPECT_EQ(hc(small, EVTCHNOP_bind_interdomain, &b), -ENOSPC);
	EXPECT_EQ(evtchn_port(&d1->ev, b.remote_port)->state, ECS_UNBOUND);
	teardown();
}

TEST(evtchn_bind_virq_binds_per_vcpu_virq)
{
	struct evtchn_status s;
	uint32_t p0, p1;
	long rc;

	fixture();
	p0 = bind_virq(d1, VIRQ_TIMER, 0);
	p1 = bind_virq(d1, VIRQ_TIMER, 1);
	EXPECT_NE(p0, p1);
	s = status_of(d1, DOMID_SELF, p1, &rc);
	EXPECT_EQ(s.status, EVTCHNSTAT_virq);
	EXPECT_EQ(s.u.virq, VIRQ_TIMER);
	EXPECT_EQ(s.vcpu, 1);
	teardown();
}

TEST(evtchn_bind_virq_rejects_already_bound)
{
	struct evtchn_bind_virq b = { .virq = VIRQ_CONSOLE, .vcpu = 0 };

	fixture();
	bind_virq(d0, VIRQ_CONSOLE, 0);
	EXPECT_EQ(hc(d0, EVTCHNOP_bind_virq, &b), -EEXIST);
	teardown();
}

TEST(evtchn_bind_virq_rejects_global_virq_on_other_vcpu)
{
	struct evtchn_bind_virq b = { .virq = VIRQ_DOM_EXC, .vcpu = 1 };

	fixture();
	EXPECT_EQ(hc(d0, EVTCHNOP_bind_virq, &b), -EINVAL);
	b.virq = VIRQ_CONSOLE;
	EXPECT_EQ(hc(d0, EVTCHNOP_bind_virq, &b), -EINVAL);
	teardown();
}

TEST(evtchn_bind_virq_rejects_bad_virq)
{
	struct evtchn_bind_virq b = { .virq = NR_VIRQS, .vcpu = 0 };

	fixture();
	EXPECT_EQ(hc(d0, EVTCHNOP_bind_virq, &b), -EINVAL);
	teardown();
}

TEST(evtchn_bind_virq_rejects_bad_vcpu)
{
	struct evtchn_bind_virq b = { .virq = VIRQ_DEBUG, .vcpu = 2 };

	fixture();
	EXPECT_EQ(hc(d0, EVTCHNOP_bind_virq, &b), -ENOENT);
	teardown();
}

TEST(evtchn_bind_virq_can_rebind_after_close)
{
	uint32_t p;

	fixture();
	p = bind_virq(d0, VIRQ_DOM_EXC, 0);
	EXPECT_EQ(close_port(d0, p), 0);
	EXPECT_EQ(bind_virq(d0, VIRQ_DOM_EXC, 0), p);
	teardown();
}

TEST(evtchn_bind_ipi_binds_to_vcpu)
{
	struct evtchn_status s;
	uint32_t p;
	long rc;

	fixture();
	p = bind_ipi(d1, 1);
	s = status_of(d1, DOMID_SELF, p, &rc);
	EXPECT_EQ(s.status, EVTCHNSTAT_ipi);
	EXPECT_EQ(s.vcpu, 1);
	teardown();
}

TEST(evtchn_bind_ipi_rejects_bad_vcpu)
{
	struct evtchn_bind_ipi b = { .vcpu = 9 };

	fixture();
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_ipi, &b), -ENOENT);
	teardown();
}

TEST(evtchn_bind_ipi_rejects_over_the_limit)
{
	struct fake_domain *small;
	struct evtchn_bind_ipi b = { .vcpu = 0 };
	struct evtchn_bind_virq v = { .virq = VIRQ_TIMER, .vcpu = 0 };

	fixture();
	small = fake_domain_create(3, 1, 1, false);
	ASSERT_TRUE(small);
	bind_ipi(small, 0);
	EXPECT_EQ(hc(small, EVTCHNOP_bind_ipi, &b), -ENOSPC);
	EXPECT_EQ(hc(small, EVTCHNOP_bind_virq, &v), -ENOSPC);
	teardown();
}

/* Port buckets are charged to the domain whose table grows. */
TEST(evtchn_buckets_are_charged_and_refused_past_the_limit)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
	long base;

	fixture();
	base = d1->charged;
	EXPECT_GT(base, 0); /* bucket 0, charged when the domain was made */
	d1->charge_limit = base;
	/* Bucket 0 holds ports 1..63: no new charge. */
	for (uint32_t p = 1; p < EVTCHN_BUCKET_PORTS; p++) {
		EXPECT_EQ(alloc_unbound(d1, 0), p);
	}
	EXPECT_EQ(hc(d1, EVTCHNOP_alloc_unbound, &a), -ENOMEM);
	EXPECT_EQ(d1->charged, base);
	d1->charge_limit = 0;
	EXPECT_EQ(alloc_unbound(d1, 0), EVTCHN_BUCKET_PORTS);
	EXPECT_GT(d1->charged, base);
	/* Another domain's table is not charged to d1. */
	EXPECT_EQ(d2->charged, base);
	teardown();
}

TEST(evtchn_charges_come_back_when_the_domain_goes)
{
	struct fake_domain *fd;

	fixture();
	fd = fake_domain_create(5, 2, 4095, false);
	for (unsigned int i = 0; i < 3 * EVTCHN_BUCKET_PORTS; i++) {
		alloc_unbound(fd, 0);
	}
	EXPECT_GT(fd->charged, 2);
	evtchn_domain_destroy(&fd->ev);
	EXPECT_EQ(fd->charged, 0);
	fake_domain_destroy(fd);
	teardown();
}
