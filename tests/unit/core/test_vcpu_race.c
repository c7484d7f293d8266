/* SPDX-License-Identifier: MIT */
/*
 * vcpu_op raced by two vCPUs of one domain on two pCPUs for real (two
 * threads): what one registration keeps must stay exactly what the
 * domain's teardown gives back.
 */
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include <public/event_channel.h>
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
		hx_race_barrier(&r->arrived, 3 * round - 2);
		r->rc[self] = do_vcpu_op(v, args);
		hx_race_barrier(&r->arrived, 3 * round - 1);
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
		hx_race_barrier(&r->arrived, 3 * round);
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

/*
 * An interdomain channel whose one end is closed while the other end
 * sends on it, on two pCPUs at once: every send succeeds (delivered, or
 * dropped once the far end is unbound), and afterwards the sender's port
 * is unbound and names the closer, as on Xen. ASan watches the rest.
 */
#define CLOSE_SEND_ROUNDS 2000
#define CLOSE_SEND_SENDS 64

struct close_send_race {
	struct domain *d[2]; /* thread 0 closes d[0]'s end, 1 sends */
	unsigned int arrived;
	uint32_t port[2];
	unsigned int bad;
};

/*
 * EVTCHNOP_@cmd by the vCPU current here, a vCPU of @d, with @arg in its
 * own argument slot of @d's memory.
 */
static long ev_op(struct domain *d, unsigned int cmd, void *arg, size_t len)
{
	struct vcpu *v = this_cpu()->current;
	const uint64_t args[5] = { cmd, HX_ARG1 + 256 * v->id };
	long rc;

	memcpy(hx_va(d, args[1]), arg, len);
	rc = do_event_channel_op(v, args);
	memcpy(arg, hx_va(d, args[1]), len);
	return rc;
}

static void cs_racer(struct close_send_race *r, unsigned int self)
{
	struct domain *d = r->d[self];
	domid_t peer = r->d[1 - self]->id;

	host_cpu_select(self);
	this_cpu()->current = d->vcpus[0];
	for (unsigned int round = 1; round <= CLOSE_SEND_ROUNDS; round++) {
		if (self == 0) {
			struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
							  .remote_dom = peer };

			r->bad += ev_op(d, EVTCHNOP_alloc_unbound, &a,
					sizeof(a)) != 0;
			r->port[0] = a.port;
		}
		hx_race_barrier(&r->arrived, 4 * round - 3);
		if (self == 1) {
			struct evtchn_bind_interdomain b = {
				.remote_dom = peer, .remote_port = r->port[0]
			};

			r->bad += ev_op(d, EVTCHNOP_bind_interdomain, &b,
					sizeof(b)) != 0;
			r->port[1] = b.local_port;
		}
		hx_race_barrier(&r->arrived, 4 * round - 2);
		if (self == 0) {
			struct evtchn_close c = { .port = r->port[0] };

			r->bad += ev_op(d, EVTCHNOP_close, &c, sizeof(c)) != 0;
		} else {
			struct evtchn_send s = { .port = r->port[1] };

			for (unsigned int i = 0; i < CLOSE_SEND_SENDS; i++) {
				r->bad += ev_op(d, EVTCHNOP_send, &s,
						sizeof(s)) != 0;
			}
		}
		hx_race_barrier(&r->arrived, 4 * round - 1);
		if (self == 1) {
			struct evtchn_status st = { .dom = DOMID_SELF,
						    .port = r->port[1] };
			struct evtchn_close c = { .port = r->port[1] };

			r->bad += ev_op(d, EVTCHNOP_status, &st, sizeof(st)) ||
				  st.status != EVTCHNSTAT_unbound ||
				  st.u.unbound.dom != peer;
			r->bad += ev_op(d, EVTCHNOP_close, &c, sizeof(c)) != 0;
		}
		hx_race_barrier(&r->arrived, 4 * round);
	}
	this_cpu()->current = NULL;
}

static void *cs_second(void *arg)
{
	cs_racer(arg, 1);
	return NULL;
}

TEST(evtchn_close_raced_by_the_peer_sending_leaves_it_unbound)
{
	struct close_send_race r = {
		.d = { hx_domain(1, 1, false, HX_DOM_MEM),
		       hx_domain(2, 1, false, HX_DOM_MEM) },
	};
	pthread_t th;

	ASSERT_TRUE(HX_NR_CPUS >= 2);
	ASSERT_EQ(pthread_create(&th, NULL, cs_second, &r), 0);
	cs_racer(&r, 0);
	pthread_join(th, NULL);
	EXPECT_EQ(r.bad, 0);
	/* Nothing left bound: the first port is free again. */
	EXPECT_EQ(hx_evtchn_unbound(r.d[0], r.d[1]->id), r.port[0]);
}

/*
 * EVTCHNOP_reset on one pCPU while another vCPU of the domain keeps
 * switching it to FIFO, adding event-array pages and making ports: once
 * the last reset is done, no frame reference and no charged page but the
 * port buckets is left behind, whatever the interleaving.
 */
#define RESET_ROUNDS 1000

struct reset_race {
	struct domain *d;
	unsigned int arrived;
	bool done;
};

/* Port buckets the domain has (kept across a reset, as on Xen). */
static uint64_t buckets(struct domain *d)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < d->evtchn.nr_buckets; i++) {
		n += d->evtchn.buckets[i] != NULL;
	}
	return n;
}

static void *reset_builder(void *arg)
{
	struct reset_race *r = arg;
	struct domain *d = r->d;
	struct evtchn_init_control ic = { .control_gfn = HX_GFN(HX_PAGE(0)),
					  .vcpu = 1 };
	struct evtchn_expand_array ea = { .array_gfn = HX_GFN(HX_PAGE(1)) };
	struct evtchn_bind_ipi ipi = { .vcpu = 1 };

	host_cpu_select(1);
	this_cpu()->current = d->vcpus[1];
	hx_race_barrier(&r->arrived, 1);
	while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
		(void)ev_op(d, EVTCHNOP_init_control, &ic, sizeof(ic));
		(void)ev_op(d, EVTCHNOP_expand_array, &ea, sizeof(ea));
		(void)ev_op(d, EVTCHNOP_bind_ipi, &ipi, sizeof(ipi));
	}
	this_cpu()->current = NULL;
	return NULL;
}

TEST(evtchn_reset_raced_by_fifo_setup_leaves_nothing_behind)
{
	struct reset_race r = { .d = hx_domain(1, 2, false, HX_DOM_MEM) };
	struct domain *d = r.d;
	struct evtchn_reset rs = { .dom = DOMID_SELF };
	uint32_t refs0 = frame_refs(d, HX_PAGE(0));
	uint32_t refs1 = frame_refs(d, HX_PAGE(1));
	uint64_t charged = d->xen_pages - buckets(d);
	unsigned int fifo_seen = 0;
	pthread_t th;

	ASSERT_TRUE(HX_NR_CPUS >= 2);
	ASSERT_EQ(pthread_create(&th, NULL, reset_builder, &r), 0);
	host_cpu_select(0);
	this_cpu()->current = d->vcpus[0];
	hx_race_barrier(&r.arrived, 1);
	for (unsigned int i = 0; i < RESET_ROUNDS; i++) {
		/* Give the other vCPU the time to switch to FIFO again. */
		for (unsigned int spins = 0; spins < 100000; spins++) {
			if (__atomic_load_n(&d->evtchn.fifo,
					    __ATOMIC_ACQUIRE)) {
				fifo_seen++;
				break;
			}
			if (spins > 1000) {
				sched_yield();
			}
		}
		EXPECT_EQ(ev_op(d, EVTCHNOP_reset, &rs, sizeof(rs)), 0);
	}
	__atomic_store_n(&r.done, true, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	EXPECT_EQ(ev_op(d, EVTCHNOP_reset, &rs, sizeof(rs)), 0);
	this_cpu()->current = NULL;
	EXPECT_TRUE(fifo_seen > RESET_ROUNDS / 2);
	EXPECT_TRUE(d->evtchn.fifo == NULL);
	EXPECT_EQ(frame_refs(d, HX_PAGE(0)), refs0);
	EXPECT_EQ(frame_refs(d, HX_PAGE(1)), refs1);
	/* Only the port buckets stay charged (one page each). */
	EXPECT_EQ(d->xen_pages, charged + buckets(d));
}
