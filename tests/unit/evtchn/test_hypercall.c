/* SPDX-License-Identifier: MIT */
/* The hypercall entry: dispatch, argument copies, faults. */
#include <sable/errno.h>

#include "evtchn_test.h"
#include "host.h"

TEST(evtchn_hypercall_rejects_unknown_command)
{
	uint32_t arg[8] = { 0 };

	fixture();
	EXPECT_EQ(hc(d1, 14, arg), -ENOSYS);
	EXPECT_EQ(hc(d1, 0xffffffffu, arg), -ENOSYS);
	teardown();
}

TEST(evtchn_hypercall_rejects_bind_pirq)
{
	struct evtchn_bind_pirq b = { .pirq = 1 };

	fixture();
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_pirq, &b), -ENOSYS);
	teardown();
}

TEST(evtchn_hypercall_faulting_argument_returns_efault)
{
	fixture();
	for (unsigned int cmd = 0; cmd <= EVTCHNOP_set_priority; cmd++) {
		if (cmd == EVTCHNOP_bind_pirq) {
			continue;
		}
		EXPECT_EQ(evtchn_hypercall(&d1->ev, 0, cmd, 0x1000), -EFAULT);
	}
	teardown();
}

TEST(evtchn_hypercall_faulting_argument_changes_nothing)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
	uint64_t gva = (uint64_t)(uintptr_t)&a;

	fixture();
	host_guest_fault_range(gva, gva + sizeof(a));
	EXPECT_EQ(hc(d1, EVTCHNOP_alloc_unbound, &a), -EFAULT);
	host_guest_fault_range(0, 0);
	EXPECT_EQ(evtchn_port(&d1->ev, 1)->state, ECS_FREE);
	teardown();
}

TEST(evtchn_hypercall_faulting_out_field_returns_efault)
{
	struct {
		struct evtchn_bind_ipi b;
		uint8_t tail[8];
	} buf = { .b = { .vcpu = 0 } };
	uint64_t gva = (uint64_t)(uintptr_t)&buf.b;

	fixture();
	/* Readable argument, unwritable OUT field: Xen's -EFAULT. */
	host_guest_fault_range(gva + 4, gva + 8);
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_ipi, &buf.b), -EFAULT);
	host_guest_fault_range(0, 0);
	teardown();
}

TEST(evtchn_hypercall_copies_out_only_on_success)
{
	struct evtchn_bind_ipi b = { .vcpu = 7, .port = 0xdead };

	fixture();
	EXPECT_EQ(hc(d1, EVTCHNOP_bind_ipi, &b), -ENOENT);
	EXPECT_EQ(b.port, 0xdead);
	teardown();
}

TEST(evtchn_hypercall_status_fills_whole_union)
{
	struct evtchn_status s;
	uint32_t p;

	fixture();
	p = bind_ipi(d1, 1);
	memset(&s, 0xff, sizeof(s));
	s.dom = DOMID_SELF;
	s.port = p;
	ASSERT_EQ(hc(d1, EVTCHNOP_status, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_ipi);
	EXPECT_EQ(s.u.interdomain.dom, 0);
	EXPECT_EQ(s.u.interdomain.port, 0);
	teardown();
}
