/* SPDX-License-Identifier: MIT */
/*
 * vcpu_op raced by two vCPUs of one domain on two pCPUs for real (two
 * threads): what one registration keeps must stay exactly what the
 * domain's teardown gives back.
 */
#include <pthread.h>
#include <sched.h>

#include <public/vcpu.h>
#include <sable/hypercall.h>
#include <sable/page.h>
#include <sable/percpu.h>

#include "core_test.h"

/*
 * Registrations of one vCPU's vcpu_info raced in each round; more rounds
 * than needed for the window between the "already registered" check and
 * the registration to be hit on two host cores.
 */
#define VCPU_INFO_ROUNDS 4000

struct vcpu_info_race {
	struct domain *d;
	unsigned int arrived; /* barrier arrivals, two per phase */
	long rc[2];
	unsigned int bad; /* rounds that left a wrong count of references */
};

static void vi_barrier(struct vcpu_info_race *r, unsigned int phase)
{
	__atomic_fetch_add(&r->arrived, 1, __ATOMIC_ACQ_REL);
	for (unsigned int spins = 0;
	     __atomic_load_n(&r->arrived, __ATOMIC_ACQUIRE) < 2 * phase;
	     spins++) {
		if (spins > 10000) {
			sched_yield(); /* the host may have fewer cores */
		}
	}
}

static uint32_t frame_refs(struct domain *d, uint64_t ipa)
{
	struct page_state s = { 0 };

	page_state(pa_to_mfn(pa_init(hx_maddr(d, ipa))), &s);
	return s.refs;
}

/* Thread @self: vCPU @self of the domain, current on pCPU @self. */
static void vi_racer(struct vcpu_info_race *r, unsigned int self)
{
	struct domain *d = r->d;
	struct vcpu *v = d->vcpus[self], *t = d->vcpus[2];
	uint64_t arg = HX_ARG1 + 64 * self;
	const uint64_t args[5] = { VCPUOP_register_vcpu_info, 2, arg };
	uint32_t base[2];

	host_cpu_select(self);
	this_cpu()->current = v;
	base[0] = frame_refs(d, HX_PAGE(0));
	base[1] = frame_refs(d, HX_PAGE(1));
	for (unsigned int round = 1; round <= VCPU_INFO_ROUNDS; round++) {
		vi_barrier(r, 3 * round - 2);
		r->rc[self] = do_vcpu_op(v, args);
		vi_barrier(r, 3 * round - 1);
		if (self == 0) {
			/* One winner, holding one reference on its frame. */
			unsigned int won = r->rc[0] ? 1 : 0;

			r->bad +=
				(r->rc[0] == 0) == (r->rc[1] == 0) ||
				r->rc[0] + r->rc[1] != -EBUSY ||
				!t->vcpu_info_held ||
				frame_refs(d, HX_PAGE(won)) != base[won] + 1 ||
				frame_refs(d, HX_PAGE(1 - won)) !=
					base[1 - won];
			/* Undo it for the next round. */
			evtchn_set_vcpu_info(&d->evtchn, 2, NULL);
			if (t->vcpu_info_held) {
				page_put(t->vcpu_info_mfn);
				t->vcpu_info_held = false;
			}
		}
		vi_barrier(r, 3 * round);
	}
	this_cpu()->current = NULL;
}

static void *vi_second(void *arg)
{
	vi_racer(arg, 1);
	return NULL;
}

TEST(vcpu_info_registration_raced_by_two_vcpus_keeps_one_frame)
{
	struct domain *d1 = hx_domain(1, 3, false, HX_DOM_MEM);
	struct vcpu_info_race r = { .d = d1 };
	struct vcpu_register_vcpu_info a[2] = {
		{ .mfn = HX_GFN(HX_PAGE(0)) },
		{ .mfn = HX_GFN(HX_PAGE(1)) },
	};
	pthread_t th;

	ASSERT_TRUE(HX_NR_CPUS >= 2);
	hx_put(d1, HX_ARG1, &a[0], sizeof(a[0]));
	hx_put(d1, HX_ARG1 + 64, &a[1], sizeof(a[1]));
	ASSERT_EQ(pthread_create(&th, NULL, vi_second, &r), 0);
	vi_racer(&r, 0);
	pthread_join(th, NULL);
	EXPECT_EQ(r.bad, 0);
}
