/* SPDX-License-Identifier: MIT */
/* Event-channel unit tests: fixture, guest-side helpers and main(). */
#include "evtchn_test.h"

struct fake_domain *d0, *d1, *d2;

void fixture(void)
{
	fake_env_reset();
	fifo_guest_reset();
	d0 = fake_domain_create(0, 2, 4095, true);
	d1 = fake_domain_create(1, 2, 4095, false);
	d2 = fake_domain_create(2, 2, 4095, false);
	ASSERT_TRUE(d0 && d1 && d2);
}

void teardown(void)
{
	fake_env_reset();
	EXPECT_EQ(fake_env_outstanding(), 0);
}

long hc(struct fake_domain *fd, unsigned int cmd, void *arg)
{
	return evtchn_hypercall(&fd->ev, 0, cmd, (uint64_t)(uintptr_t)arg);
}

uint32_t alloc_unbound(struct fake_domain *fd, domid_t remote)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
					  .remote_dom = remote };

	ASSERT_EQ(hc(fd, EVTCHNOP_alloc_unbound, &a), 0);
	return a.port;
}

uint32_t bind_interdomain(struct fake_domain *fd, domid_t rdom, uint32_t rport)
{
	struct evtchn_bind_interdomain b = { .remote_dom = rdom,
					     .remote_port = rport };

	ASSERT_EQ(hc(fd, EVTCHNOP_bind_interdomain, &b), 0);
	return b.local_port;
}

uint32_t bind_virq(struct fake_domain *fd, uint32_t virq, uint32_t vcpu)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };

	ASSERT_EQ(hc(fd, EVTCHNOP_bind_virq, &b), 0);
	return b.port;
}

uint32_t bind_ipi(struct fake_domain *fd, uint32_t vcpu)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };

	ASSERT_EQ(hc(fd, EVTCHNOP_bind_ipi, &b), 0);
	return b.port;
}

long close_port(struct fake_domain *fd, uint32_t port)
{
	struct evtchn_close c = { .port = port };

	return hc(fd, EVTCHNOP_close, &c);
}

long send_port(struct fake_domain *fd, uint32_t port)
{
	struct evtchn_send s = { .port = port };

	return hc(fd, EVTCHNOP_send, &s);
}

long unmask_port(struct fake_domain *fd, uint32_t port)
{
	struct evtchn_unmask u = { .port = port };

	return hc(fd, EVTCHNOP_unmask, &u);
}

struct evtchn_status status_of(struct fake_domain *fd, domid_t dom,
			       uint32_t port, long *rc)
{
	struct evtchn_status s = { .dom = dom, .port = port };

	*rc = hc(fd, EVTCHNOP_status, &s);
	return s;
}

bool l2_pending(struct fake_domain *fd, uint32_t port)
{
	return (fd->shinfo->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

void l2_set_mask(struct fake_domain *fd, uint32_t port, bool masked)
{
	uint64_t bit = 1ULL << (port % 64);

	if (masked) {
		fd->shinfo->evtchn_mask[port / 64] |= bit;
	} else {
		fd->shinfo->evtchn_mask[port / 64] &= ~bit;
	}
}

void l2_consume_all(struct fake_domain *fd)
{
	memset(fd->shinfo->evtchn_pending, 0,
	       sizeof(fd->shinfo->evtchn_pending));
	for (unsigned int v = 0; v < fd->ev.nr_vcpus; v++) {
		struct vcpu_info *vi = evtchn_vcpu_info(&fd->ev, v);

		if (vi) {
			vi->evtchn_pending_sel = 0;
			vi->evtchn_upcall_pending = 0;
		}
		fake_take_kicks(fd, v);
	}
}

struct evtchn_fifo_control_block *fifo_init(struct fake_domain *fd,
					    uint32_t vcpu)
{
	struct evtchn_init_control ic = { .control_gfn = 1 + vcpu,
					  .offset = 0,
					  .vcpu = vcpu };

	ASSERT_EQ(hc(fd, EVTCHNOP_init_control, &ic), 0);
	EXPECT_EQ(ic.link_bits, EVTCHN_FIFO_LINK_BITS);
	return fake_page(fd, 1 + vcpu);
}

void fifo_expand(struct fake_domain *fd, unsigned int pages)
{
	for (unsigned int i = 0; i < pages; i++) {
		struct evtchn_expand_array ea = {
			.array_gfn = 10 + fd->ev.fifo->nr_pages,
		};

		ASSERT_EQ(hc(fd, EVTCHNOP_expand_array, &ea), 0);
	}
}

event_word_t *fifo_word(struct fake_domain *fd, uint32_t port)
{
	event_word_t *page = fake_page(fd, 10 + port / 1024);

	return &page[port % 1024];
}

/* The guest's private queue heads (Linux keeps them per CPU). */
static struct {
	const struct evtchn_fifo_control_block *cb;
	uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
} fifo_guest[FAKE_MAX_DOMAINS * FAKE_MAX_VCPUS];

static uint32_t *fifo_local_heads(const struct evtchn_fifo_control_block *cb)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fifo_guest); i++) {
		if (fifo_guest[i].cb == cb) {
			return fifo_guest[i].head;
		}
	}
	for (i = 0; i < ARRAY_SIZE(fifo_guest); i++) {
		if (!fifo_guest[i].cb) {
			fifo_guest[i].cb = cb;
			return fifo_guest[i].head;
		}
	}
	ASSERT_TRUE(0);
	return NULL;
}

/* One event off queue @prio, as Linux's consume_one_event(). */
static uint32_t fifo_consume_one(struct fake_domain *fd,
				 struct evtchn_fifo_control_block *cb,
				 unsigned int prio, uint32_t *ready,
				 bool *deliver)
{
	uint32_t *heads = fifo_local_heads(cb);
	uint32_t port = heads[prio];
	event_word_t *w, old;

	if (port == 0) {
		port = __atomic_load_n(&cb->head[prio], __ATOMIC_SEQ_CST);
	}
	w = fifo_word(fd, port);
	old = __atomic_fetch_and(
		w, ~(FIFO_BIT(EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK),
		__ATOMIC_SEQ_CST);
	heads[prio] = old & EVTCHN_FIFO_LINK_MASK;
	if (heads[prio] == 0) {
		*ready &= ~(1U << prio);
	}
	*deliver = (old & FIFO_BIT(EVTCHN_FIFO_PENDING)) &&
		   !(old & FIFO_BIT(EVTCHN_FIFO_MASKED));
	if (*deliver) {
		__atomic_fetch_and(w, ~FIFO_BIT(EVTCHN_FIFO_PENDING),
				   __ATOMIC_SEQ_CST);
	}
	return port;
}

unsigned int fifo_drain(struct fake_domain *fd,
			struct evtchn_fifo_control_block *cb, uint32_t *out,
			unsigned int max)
{
	uint32_t ready = __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
	unsigned int n = 0;

	while (ready && n < max) {
		unsigned int prio = (unsigned int)__builtin_ctz(ready);
		bool deliver;
		uint32_t port =
			fifo_consume_one(fd, cb, prio, &ready, &deliver);

		if (deliver) {
			out[n++] = port;
		}
		ready |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
	}
	return n;
}

void fifo_guest_reset(void)
{
	memset(fifo_guest, 0, sizeof(fifo_guest));
}

int main(int argc, char **argv)
{
	int rc = ut_main(argc, argv);

	fake_env_reset();
	return rc;
}
