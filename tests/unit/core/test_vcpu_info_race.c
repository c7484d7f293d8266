/* SPDX-License-Identifier: MIT */
/*
 * Two vCPUs of one domain register a vcpu_info for the same third vCPU
 * at once, each on a pCPU of its own (two host threads meeting at a
 * barrier, the real hypercall path): one wins, the other is refused, and
 * exactly one frame is referenced for it, the one it uses. A second
 * reference left behind would never be dropped: its frame would outlive
 * the domain, which would then never be gone.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include <public/vcpu.h>
#include <public/xen.h>
#include <sable/hypercall.h>
#include <sable/page.h>
#include <sable/percpu.h>

#include "core_test.h"

#define VI_ROUNDS 5000

struct vi_race {
	struct domain *d;
	unsigned int arrived; /* barrier arrivals, two per phase */
	long rc[2];
	uint64_t page[2]; /* machine address of each racer's page */
	unsigned int bad; /* rounds without one winner and one reference */
};

static void vi_barrier(struct vi_race *r, unsigned int phase)
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

static uint32_t extra_refs(uint64_t maddr)
{
	struct page_state s;

	if (!page_state(mfn_init(maddr >> PAGE_SHIFT), &s) || !s.refs) {
		return 0;
	}
	return s.refs - 1; /* beyond the allocation reference */
}

/* Undo the round: vCPU 2 back to no vcpu_info, its frames let go. */
static void vi_reset(struct vi_race *r)
{
	struct vcpu *t = r->d->vcpus[2];

	evtchn_set_vcpu_info(&r->d->evtchn, t->id, NULL);
	for (unsigned int i = 0; i < 2; i++) {
		while (extra_refs(r->page[i])) {
			page_put(mfn_init(r->page[i] >> PAGE_SHIFT));
		}
	}
	t->vcpu_info_held = false;
}

static void vi_racer(struct vi_race *r, unsigned int self)
{
	struct vcpu *v = r->d->vcpus[self];
	const uint64_t args[5] = { VCPUOP_register_vcpu_info, 2,
				   hx_arg(r->d, self) };

	host_cpu_select(self);
	this_cpu()->current = v;
	for (unsigned int round = 1; round <= VI_ROUNDS; round++) {
		vi_barrier(r, 3 * round - 2);
		r->rc[self] = do_vcpu_op(v, args);
		vi_barrier(r, 3 * round - 1);
		if (self == 0) {
			r->bad += (r->rc[0] == 0) == (r->rc[1] == 0) ||
				  r->rc[0] + r->rc[1] != -EBUSY ||
				  extra_refs(r->page[0]) +
						  extra_refs(r->page[1]) !=
					  1;
			vi_reset(r);
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

TEST(vcpu_info_registered_by_two_vcpus_at_once_is_referenced_once)
{
	struct domain *d1 = hx_domain(1, 3, false, HX_DOM_MEM);
	struct vi_race r = { .d = d1 };
	pthread_t th;

	ASSERT_TRUE(HX_NR_CPUS >= 2);
	for (unsigned int i = 0; i < 2; i++) {
		struct vcpu_register_vcpu_info a = {
			.mfn = HX_GFN(HX_PAGE(2 + i)),
			.offset = 64,
		};

		hx_put(d1, hx_arg(d1, i), &a, sizeof(a));
		r.page[i] = hx_maddr(d1, HX_PAGE(2 + i));
	}
	ASSERT_EQ(pthread_create(&th, NULL, vi_second, &r), 0);
	vi_racer(&r, 0);
	pthread_join(th, NULL);
	EXPECT_EQ(r.bad, 0);
}
