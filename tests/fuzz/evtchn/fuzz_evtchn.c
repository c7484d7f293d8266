/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the input is a sequence of operations by four fake
 * domains (hypercalls with chosen or raw arguments, guest-side consumption
 * and masking, vcpu_info registration, VIRQs, domain destruction and
 * re-creation). After every step the port tables of all domains are
 * checked: states valid, interdomain pairs mutually consistent, unbound
 * ports naming valid domains, VIRQ bindings unique, FIFO queues acyclic
 * and ending at their recorded tails. At the end everything is destroyed
 * and no page mapping or domain reference may remain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sable/errno.h>

#include "evtchn.h"
#include "evtchn_internal.h"
#include "fake_env.h"
#include "host.h"

#define NDOMS 4
#define NVCPUS 2

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t n;
};

/* Per domain, what the fuzzer knows as "the guest". */
struct guest {
	bool hostile; /* wrote arbitrary bits or aliased pages */
	uint32_t head[NVCPUS][EVTCHN_FIFO_MAX_QUEUES]; /* local queue heads */
};

static struct guest guests[NDOMS];
static const uint32_t max_ports[NDOMS] = { 4095, 200, 63, 1100 };

#define CHECK(c)                                                              \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, \
				__FILE__, __LINE__);                          \
			abort();                                              \
		}                                                             \
	} while (0)

static uint8_t get8(struct input *in)
{
	if (!in->n) {
		return 0;
	}
	in->n--;
	return *in->p++;
}

static uint32_t get32(struct input *in)
{
	uint32_t v = get8(in);

	v |= (uint32_t)get8(in) << 8;
	v |= (uint32_t)get8(in) << 16;
	return v | (uint32_t)get8(in) << 24;
}

/*
 * A port of @d: mostly one that is in use (so that sequences of
 * operations meet), sometimes a small number or an edge of a limit.
 */
static uint32_t get_port(struct input *in, domid_t dom)
{
	static const uint32_t edges[] = { 0,	63,   64,   199,  200,
					  1023, 1024, 4095, 4096, 0xffffffffu };
	struct fake_domain *fd = fake_domain(dom);
	uint8_t b = get8(in);
	uint32_t used[64], n = 0;

	if (b >= 240) {
		return edges[b % ARRAY_SIZE(edges)];
	}
	if (b >= 208 || !fd) {
		return b % 80;
	}
	for (uint32_t p = 1; p < 2048 && n < ARRAY_SIZE(used); p++) {
		struct evtchn *chn = evtchn_port(&fd->ev, p);

		if (!chn) {
			break;
		}
		if (chn->state != ECS_FREE) {
			used[n++] = p;
		}
	}
	return n ? used[b % n] : b % 12;
}

static domid_t get_dom(struct input *in)
{
	uint8_t b = get8(in);

	if (b >= 250) {
		return b == 255 ? DOMID_IO : 9;
	}
	return b % 5 == 4 ? DOMID_SELF : (domid_t)(b % 5);
}

static domid_t resolve(const struct fake_domain *fd, domid_t id)
{
	return id == DOMID_SELF ? fd->ev.domid : id;
}

static void guest_reset(domid_t id)
{
	memset(&guests[id], 0, sizeof(guests[id]));
}

static struct fake_domain *create(domid_t id)
{
	struct fake_domain *fd;

	fd = fake_domain_create(id, NVCPUS, max_ports[id], id == 0);
	CHECK(fd);
	guest_reset(id);
	return fd;
}

/* What Linux does at boot in FIFO mode: a block per vCPU, one page. */
static void boot_fifo(struct fake_domain *fd)
{
	struct evtchn_expand_array ea = { .array_gfn = 30 };

	for (uint32_t v = 0; v < NVCPUS; v++) {
		struct evtchn_init_control ic = { .control_gfn = 1 + v,
						  .vcpu = v };

		CHECK(evtchn_hypercall(&fd->ev, 0, EVTCHNOP_init_control,
				       (uint64_t)(uintptr_t)&ic) == 0);
	}
	CHECK(evtchn_hypercall(&fd->ev, 0, EVTCHNOP_expand_array,
			       (uint64_t)(uintptr_t)&ea) == 0);
}

/* ---- invariants ------------------------------------------------------ */

static void check_interdomain(struct fake_domain *fd, uint32_t port,
			      const struct evtchn *chn)
{
	struct fake_domain *peer = fake_domain(chn->remote_dom);
	struct evtchn *rchn;

	CHECK(peer && peer->exists);
	rchn = evtchn_port(&peer->ev, chn->remote_port);
	CHECK(rchn);
	CHECK(rchn->state == ECS_INTERDOMAIN);
	CHECK(rchn->remote_dom == fd->ev.domid);
	CHECK(rchn->remote_port == port);
}

static void check_port(struct fake_domain *fd, uint32_t port,
		       const struct evtchn *chn)
{
	struct evtchn_domain *d = &fd->ev;
	unsigned int vcpu;

	CHECK(chn->notify_vcpu < d->nr_vcpus);
	CHECK(chn->priority <= EVTCHN_FIFO_PRIORITY_MIN);
	switch (chn->state) {
	case ECS_FREE:
		break;
	case ECS_RESERVED:
		CHECK(port == 0);
		break;
	case ECS_UNBOUND:
		CHECK(chn->remote_dom < DOMID_FIRST_RESERVED);
		break;
	case ECS_INTERDOMAIN:
		check_interdomain(fd, port, chn);
		break;
	case ECS_VIRQ:
		CHECK(chn->virq < NR_VIRQS);
		vcpu = evtchn_virq_is_global(chn->virq) ? 0 : chn->notify_vcpu;
		CHECK(*evtchn_virq_slot(d, vcpu, chn->virq) == port);
		break;
	case ECS_IPI:
		break;
	default:
		CHECK(0);
	}
	if (port == 0) {
		CHECK(chn->state == ECS_RESERVED);
	}
}

static void check_virq_table(struct evtchn_domain *d)
{
	for (unsigned int v = 0; v < d->nr_vcpus; v++) {
		for (unsigned int virq = 0; virq < NR_VIRQS; virq++) {
			uint32_t port = *evtchn_virq_slot(d, v, virq);
			struct evtchn *chn;

			if (!port) {
				continue;
			}
			chn = evtchn_port(d, port);
			CHECK(chn && chn->state == ECS_VIRQ);
			CHECK(chn->virq == virq);
			if (evtchn_virq_is_global(virq)) {
				CHECK(v == 0);
			} else {
				CHECK(chn->notify_vcpu == v);
			}
		}
	}
}

/* Walk one FIFO queue as the guest would; returns its length. */
static uint32_t check_queue(struct fake_domain *fd, unsigned int v,
			    unsigned int prio)
{
	struct evtchn_domain *d = &fd->ev;
	struct evtchn_fifo_vcpu *fv = &d->fifo->vcpu[v];
	uint32_t port = guests[d->domid].head[v][prio];
	uint32_t steps = 0, last = 0;

	if (!port && (fv->cb->ready & (1U << prio))) {
		port = fv->cb->head[prio];
	}
	while (port) {
		event_word_t *w = evtchn_fifo_word(d, port);
		struct evtchn *chn = evtchn_port(d, port);

		CHECK(w && chn);
		CHECK(*w & (1U << EVTCHN_FIFO_LINKED));
		CHECK(chn->last_vcpu == v && chn->last_priority == prio);
		CHECK(++steps <= evtchn_port_limit(d));
		last = port;
		port = *w & EVTCHN_FIFO_LINK_MASK;
	}
	if (steps) {
		CHECK(last == fv->tail[prio]);
	}
	return steps;
}

static void check_fifo(struct fake_domain *fd)
{
	struct evtchn_domain *d = &fd->ev;
	struct evtchn_fifo_domain *f = d->fifo;
	uint32_t queued = 0, linked = 0;

	if (!f) {
		return;
	}
	for (unsigned int v = 0; v < d->nr_vcpus; v++) {
		for (unsigned int q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++) {
			uint32_t tail = f->vcpu[v].tail[q];

			if (tail) {
				struct evtchn *chn = evtchn_port(d, tail);

				CHECK(chn && chn->last_vcpu == v &&
				      chn->last_priority == q);
			}
			if (f->vcpu[v].cb && !guests[d->domid].hostile) {
				queued += check_queue(fd, v, q);
			}
		}
	}
	if (guests[d->domid].hostile) {
		return;
	}
	for (uint32_t p = 0; p < f->nr_pages * 1024; p++) {
		if (*evtchn_fifo_word(d, p) & (1U << EVTCHN_FIFO_LINKED)) {
			linked++;
		}
	}
	/* Every linked event is on exactly one queue. */
	CHECK(linked == queued);
}

static void check_all(void)
{
	for (domid_t id = 0; id < NDOMS; id++) {
		struct fake_domain *fd = fake_domain(id);
		struct evtchn_domain *d;

		if (!fd) {
			continue;
		}
		d = &fd->ev;
		CHECK(!d->dying && !d->resetting);
		CHECK(fd->refs == 0);
		for (uint32_t b = 0; b < d->nr_buckets; b++) {
			struct evtchn *bucket = d->buckets[b];

			for (uint32_t i = 0; bucket && i < EVTCHN_BUCKET_PORTS;
			     i++) {
				uint32_t port = b * EVTCHN_BUCKET_PORTS + i;

				if (port >= evtchn_port_limit(d)) {
					CHECK(bucket[i].state == ECS_FREE);
				} else {
					check_port(fd, port, &bucket[i]);
				}
			}
		}
		check_virq_table(d);
		check_fifo(fd);
	}
}

/* ---- the guest side ---------------------------------------------------- */

static void guest_consume_fifo(struct fake_domain *fd, unsigned int v)
{
	struct evtchn_domain *d = &fd->ev;
	struct evtchn_fifo_control_block *cb = d->fifo->vcpu[v].cb;
	uint32_t *heads = guests[d->domid].head[v];
	const uint32_t queues = (1U << EVTCHN_FIFO_MAX_QUEUES) - 1;
	uint32_t ready = __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
	unsigned int budget = 4 * EVTCHN_FIFO_NR_CHANNELS;

	/* Like Linux, look at the 16 queue bits only. */
	ready &= queues;
	while (ready && budget--) {
		unsigned int q = (unsigned int)__builtin_ctz(ready);
		uint32_t port = heads[q] ? heads[q] : cb->head[q];
		event_word_t *w = evtchn_fifo_word(d, port);
		event_word_t old;

		if (!w || !port) {
			break; /* only reachable for a hostile guest */
		}
		old = __atomic_fetch_and(
			w,
			~((1U << EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK),
			__ATOMIC_SEQ_CST);
		heads[q] = old & EVTCHN_FIFO_LINK_MASK;
		if (!heads[q]) {
			ready &= ~(1U << q);
		}
		__atomic_fetch_and(w, ~(1U << EVTCHN_FIFO_PENDING),
				   __ATOMIC_SEQ_CST);
		ready |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST) &
			 queues;
	}
}

static void guest_consume(struct fake_domain *fd, struct input *in)
{
	unsigned int v = get8(in) % NVCPUS;
	struct vcpu_info *vi = evtchn_vcpu_info(&fd->ev, v);

	if (vi) {
		vi->evtchn_upcall_pending = 0;
		vi->evtchn_pending_sel = 0;
	}
	if (fd->ev.fifo && fd->ev.fifo->vcpu[v].cb) {
		guest_consume_fifo(fd, v);
	} else {
		memset(fd->shinfo->evtchn_pending, 0,
		       sizeof(fd->shinfo->evtchn_pending));
	}
}

static void guest_mask(struct fake_domain *fd, struct input *in)
{
	uint32_t port = get_port(in, fd->ev.domid) % 4096;
	bool mask = get8(in) & 1;
	event_word_t *w = fd->ev.fifo ? evtchn_fifo_word(&fd->ev, port) : NULL;

	if (w) {
		if (mask) {
			__atomic_fetch_or(w, 1U << EVTCHN_FIFO_MASKED,
					  __ATOMIC_SEQ_CST);
		} else {
			__atomic_fetch_and(w, ~(1U << EVTCHN_FIFO_MASKED),
					   __ATOMIC_SEQ_CST);
		}
	} else if (mask) {
		fd->shinfo->evtchn_mask[port / 64] |= 1ULL << (port % 64);
	} else {
		fd->shinfo->evtchn_mask[port / 64] &= ~(1ULL << (port % 64));
	}
}

/* Arbitrary writes to the guest's own event words and control blocks. */
static void guest_scribble(struct fake_domain *fd, struct input *in)
{
	uint64_t gfn = get8(in) % 24;
	uint32_t off = (get8(in) % 1024) * 4;
	uint32_t val = get32(in);
	uint8_t *page = fake_page(fd, gfn);

	memcpy(page + off, &val, sizeof(val));
	guests[fd->ev.domid].hostile = true;
}

static void guest_register_vcpu_info(struct fake_domain *fd, struct input *in)
{
	unsigned int v = get8(in) % (NVCPUS + 1);
	uint8_t *page = fake_page(fd, 0);
	struct vcpu_info *vi = (struct vcpu_info *)(page + 64 * (v % NVCPUS));

	if (get8(in) & 1) {
		vi = (struct vcpu_info *)(page + 1024 + 64 * (v % NVCPUS));
	}
	(void)evtchn_set_vcpu_info(&fd->ev, v, vi);
}

/* ---- hypercalls ---------------------------------------------------------- */

static long call(struct fake_domain *fd, unsigned int cmd, void *arg)
{
	return evtchn_hypercall(&fd->ev, 0, cmd, (uint64_t)(uintptr_t)arg);
}

static void op_fifo(struct fake_domain *fd, unsigned int cmd, struct input *in)
{
	struct guest *g = &guests[fd->ev.domid];
	bool weird = get8(in) >= 224;

	if (cmd == EVTCHNOP_init_control) {
		struct evtchn_init_control ic = { .vcpu = get8(in) % 3 };

		ic.control_gfn = weird ? get8(in) % 200 : 1 + ic.vcpu;
		ic.offset = weird ? get32(in) % 4200 : 8 * (get8(in) % 8);
		if (weird) {
			g->hostile = true;
		} else if (!fd->ev.fifo || ic.vcpu >= NVCPUS ||
			   !fd->ev.fifo->vcpu[ic.vcpu].cb) {
			/* A fresh block, as Linux hands over. */
			memset(fake_page(fd, ic.control_gfn), 0, PAGE_SIZE);
			if (ic.vcpu < NVCPUS) {
				memset(g->head[ic.vcpu], 0,
				       sizeof(g->head[ic.vcpu]));
			}
		}
		call(fd, cmd, &ic);
	} else {
		uint32_t next = fd->ev.fifo ? fd->ev.fifo->nr_pages : 0;
		struct evtchn_expand_array ea = { .array_gfn = 30 + next };

		if (weird) {
			ea.array_gfn = get8(in) % 200;
			g->hostile = true;
		} else if (ea.array_gfn < FAKE_GUEST_PAGES) {
			memset(fake_page(fd, ea.array_gfn), 0, PAGE_SIZE);
		}
		call(fd, cmd, &ea);
	}
}

static void op_hypercall(struct fake_domain *fd, unsigned int cmd,
			 struct input *in)
{
	union {
		struct evtchn_alloc_unbound au;
		struct evtchn_bind_interdomain bi;
		struct evtchn_bind_virq bv;
		struct evtchn_bind_ipi ipi;
		struct evtchn_close cl;
		struct evtchn_status st;
		struct evtchn_bind_vcpu bvc;
		struct evtchn_reset rs;
		struct evtchn_set_priority sp;
	} a;

	memset(&a, 0, sizeof(a));
	switch (cmd) {
	case EVTCHNOP_alloc_unbound:
		a.au.dom = get_dom(in);
		a.au.remote_dom = get_dom(in);
		break;
	case EVTCHNOP_bind_interdomain:
		a.bi.remote_dom = get_dom(in);
		a.bi.remote_port = get_port(in, resolve(fd, a.bi.remote_dom));
		break;
	case EVTCHNOP_bind_virq:
		a.bv.virq = get8(in) % (NR_VIRQS + 2);
		a.bv.vcpu = get8(in) % 3;
		break;
	case EVTCHNOP_bind_ipi:
		a.ipi.vcpu = get8(in) % 3;
		break;
	case EVTCHNOP_close:
	case EVTCHNOP_send:
	case EVTCHNOP_unmask:
		a.cl.port = get_port(in, fd->ev.domid);
		break;
	case EVTCHNOP_status:
		a.st.dom = get_dom(in);
		a.st.port = get_port(in, resolve(fd, a.st.dom));
		break;
	case EVTCHNOP_bind_vcpu:
		a.bvc.port = get_port(in, fd->ev.domid);
		a.bvc.vcpu = get8(in) % 3;
		break;
	case EVTCHNOP_reset:
		a.rs.dom = get_dom(in);
		break;
	case EVTCHNOP_set_priority:
		a.sp.port = get_port(in, fd->ev.domid);
		a.sp.priority = get8(in) % 17;
		break;
	default:
		op_fifo(fd, cmd, in);
		return;
	}
	call(fd, cmd, &a);
	if (cmd == EVTCHNOP_reset) {
		domid_t id = a.rs.dom == DOMID_SELF ? fd->ev.domid : a.rs.dom;

		if (id < NDOMS) {
			guest_reset(id);
		}
	}
}

/* Any command, any bytes, sometimes a faulting address. */
static void op_raw(struct fake_domain *fd, struct input *in)
{
	uint8_t buf[32];
	unsigned int cmd = get8(in) % 16;
	uint64_t gva = (uint64_t)(uintptr_t)buf;

	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = get8(in);
	}
	if (cmd == EVTCHNOP_init_control || cmd == EVTCHNOP_expand_array ||
	    cmd == EVTCHNOP_reset) {
		/* Unknown pages or a reset the guest model cannot follow. */
		guests[fd->ev.domid].hostile = true;
		if (cmd == EVTCHNOP_reset) {
			for (domid_t id = 0; id < NDOMS; id++) {
				guests[id].hostile = true;
			}
		}
	}
	if (buf[0] & 1) {
		host_guest_fault_range(gva + buf[1] % 16, gva + 32);
	}
	evtchn_hypercall(&fd->ev, 0, cmd, gva);
	host_guest_fault_range(0, 0);
}

static void op_internal(struct fake_domain *fd, struct input *in)
{
	uint8_t b = get8(in);
	uint32_t port = 0;

	switch (b % 4) {
	case 0:
		evtchn_send_virq(&fd->ev, get8(in) % (NR_VIRQS + 1),
				 get8(in) % 3);
		break;
	case 1:
		evtchn_send_global_virq(&fd->ev, get8(in) % (NR_VIRQS + 1));
		break;
	case 2:
		evtchn_alloc_unbound_port(&fd->ev, get_dom(in), &port);
		break;
	default:
		(void)evtchn_port_is_pending(&fd->ev,
					     get_port(in, fd->ev.domid));
		break;
	}
}

static void step(struct input *in)
{
	uint8_t b = get8(in);
	uint8_t op = b & 31;
	domid_t id = (domid_t)((b >> 5) % NDOMS);
	struct fake_domain *fd = fake_domain(id);

	if (op == 22) {
		if (fd) {
			fake_domain_destroy(fd);
			guest_reset(id);
		} else {
			create(id);
		}
		return;
	}
	if (!fd) {
		return;
	}
	switch (op) {
	case 0 ... 13:
		op_hypercall(fd, op == 2 ? EVTCHNOP_send : op, in);
		break;
	case 14:
	case 15:
	case 27:
		guest_consume(fd, in);
		break;
	case 16:
		guest_mask(fd, in);
		break;
	case 17:
		guest_register_vcpu_info(fd, in);
		break;
	case 18:
		op_raw(fd, in);
		break;
	case 19:
	case 20:
		op_internal(fd, in);
		break;
	case 21:
		guest_scribble(fd, in);
		break;
	case 28:
		op_hypercall(fd, EVTCHNOP_alloc_unbound, in);
		break;
	case 29:
		op_hypercall(fd, EVTCHNOP_bind_interdomain, in);
		break;
	case 30:
		op_hypercall(fd, EVTCHNOP_close, in);
		break;
	case 31:
		op_hypercall(fd, EVTCHNOP_set_priority, in);
		break;
	default:
		op_hypercall(fd, EVTCHNOP_send, in);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	int steps = 0;

	uint8_t fifo_mask = get8(&in);

	fake_env_reset();
	for (domid_t id = 0; id < NDOMS; id++) {
		struct fake_domain *fd = create(id);

		if (fifo_mask & (1U << id)) {
			boot_fifo(fd);
		}
	}
	while (in.n && steps++ < 400) {
		step(&in);
		check_all();
	}
	fake_env_reset();
	CHECK(fake_env_outstanding() == 0);
	return 0;
}
