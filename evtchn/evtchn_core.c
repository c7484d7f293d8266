/* SPDX-License-Identifier: MIT */
/*
 * Event channels: per-domain state, the port table, locking helpers and
 * the hypervisor-internal entry points.
 *
 * Ports live in buckets of EVTCHN_BUCKET_PORTS, allocated on first use so
 * that a domain allowed 2^17 ports costs one pointer array up front.
 */
#include <sable/alloc.h>
#include <sable/errno.h>

#include "evtchn_env.h"
#include "evtchn_internal.h"

uint32_t evtchn_port_limit(const struct evtchn_domain *d)
{
	uint32_t abi = d->ops->max_ports;

	return d->max_port < abi ? d->max_port + 1 : abi;
}

/* The port's state, or NULL if @port is out of range or not allocated. */
struct evtchn *evtchn_port(struct evtchn_domain *d, uint32_t port)
{
	struct evtchn *b;

	if (!d->buckets || port >= evtchn_port_limit(d)) {
		return NULL;
	}
	b = d->buckets[port / EVTCHN_BUCKET_PORTS];
	return b ? &b[port % EVTCHN_BUCKET_PORTS] : NULL;
}

#define BUCKET_BYTES (EVTCHN_BUCKET_PORTS * sizeof(struct evtchn))
#define BUCKET_PAGES ((long)((BUCKET_BYTES + PAGE_SIZE - 1) / PAGE_SIZE))

struct evtchn *evtchn_bucket_alloc(struct evtchn_domain *d)
{
	struct evtchn *b;

	if (evtchn_env_charge(d, BUCKET_PAGES)) {
		return NULL;
	}
	b = xzalloc(BUCKET_BYTES);
	if (!b) {
		evtchn_env_charge(d, -BUCKET_PAGES);
	}
	return b;
}

void evtchn_bucket_free(struct evtchn_domain *d, struct evtchn *b)
{
	if (b) {
		xfree(b);
		evtchn_env_charge(d, -BUCKET_PAGES);
	}
}

/*
 * Lowest free port of @d. A port in a bucket not allocated yet counts as
 * free if @spare can become that bucket. Domain lock held.
 * -ENOSPC over the domain's limit, -ENOMEM if a bucket is missing.
 */
int evtchn_find_free_port(struct evtchn_domain *d, const struct evtchn *spare,
			  uint32_t *port)
{
	uint32_t limit = evtchn_port_limit(d);
	uint32_t p;

	for (p = 1; p < limit; p++) {
		struct evtchn *b = d->buckets[p / EVTCHN_BUCKET_PORTS];

		if (!b) {
			if (!spare) {
				return -ENOMEM;
			}
			*port = p;
			return 0;
		}
		if (b[p % EVTCHN_BUCKET_PORTS].state == ECS_FREE) {
			*port = p;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Fresh channel fields for a port entering @state. */
static void evtchn_reset_channel(struct evtchn *chn, enum evtchn_state state)
{
	chn->state = (uint8_t)state;
	chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	chn->pending = false;
	chn->remote_dom = 0;
	chn->remote_port = 0;
	chn->virq = 0;
	chn->notify_vcpu = 0;
}

/*
 * Put a port found by evtchn_find_free_port() into @state, installing
 * *@spare as its bucket if needed (then *@spare becomes NULL). Cannot
 * fail. Domain lock held.
 */
struct evtchn *evtchn_bind_port(struct evtchn_domain *d, uint32_t port,
				struct evtchn **spare, enum evtchn_state state)
{
	struct evtchn **slot = &d->buckets[port / EVTCHN_BUCKET_PORTS];
	struct evtchn *chn;

	if (!*slot) {
		*slot = *spare;
		*spare = NULL;
	}
	chn = &(*slot)[port % EVTCHN_BUCKET_PORTS];
	evtchn_reset_channel(chn, state);
	/* last_vcpu/last_priority survive: a FIFO queue may still end here. */
	return chn;
}

/* Return a port to the free pool, dropping anything pending on it. */
void evtchn_free_port(struct evtchn_domain *d, uint32_t port,
		      struct evtchn *chn)
{
	d->ops->clear_pending(d, port, chn);
	evtchn_reset_channel(chn, ECS_FREE);
}

/*
 * Whether a port may be created in @d now: not while it is destroyed
 * (-ESRCH) or reset (-EAGAIN), since those sweep the ports once and
 * would miss one created behind them. Domain lock held.
 */
int evtchn_check_new_port(const struct evtchn_domain *d)
{
	if (d->dying) {
		return -ESRCH;
	}
	return d->resetting ? -EAGAIN : 0;
}

domid_t evtchn_resolve_domid(const struct evtchn_domain *d, domid_t id)
{
	return id == DOMID_SELF ? d->domid : id;
}

/* @id's domain with a reference, @self itself without one. */
struct evtchn_domain *evtchn_domain_ref(struct evtchn_domain *self, domid_t id)
{
	struct evtchn_domain *d;

	if (id == self->domid) {
		return self;
	}
	d = evtchn_env_domain_get(id);
	if (d == self) {
		evtchn_env_domain_put(d);
	}
	return d;
}

void evtchn_domain_unref(struct evtchn_domain *self, struct evtchn_domain *d)
{
	if (d && d != self) {
		evtchn_env_domain_put(d);
	}
}

/* Take two domain locks in address order (one if they are the same). */
void evtchn_lock_pair(struct evtchn_domain *a, struct evtchn_domain *b)
{
	if (a == b) {
		spin_lock(&a->lock);
	} else if ((uintptr_t)a < (uintptr_t)b) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

void evtchn_unlock_pair(struct evtchn_domain *a, struct evtchn_domain *b)
{
	if (a != b) {
		spin_unlock(&b->lock);
	}
	spin_unlock(&a->lock);
}

static bool evtchn_still_connected(struct evtchn_domain *d, uint32_t port,
				   domid_t rdom, uint32_t rport)
{
	struct evtchn *chn = evtchn_port(d, port);

	return chn && chn->state == ECS_INTERDOMAIN &&
	       chn->remote_dom == rdom && chn->remote_port == rport;
}

/*
 * Lock @d and, if @port is connected to another domain, that domain too.
 * Returns the peer (with a reference, both locked) or NULL (only @d
 * locked). The peer can only be looked up unlocked, so the connection is
 * re-checked under both locks and the lookup retried if it changed.
 * Release with evtchn_unlock_with_peer().
 */
struct evtchn_domain *evtchn_lock_with_peer(struct evtchn_domain *d,
					    uint32_t port)
{
	for (;;) {
		struct evtchn_domain *rd;
		struct evtchn *chn;
		uint32_t rport;
		domid_t rdom;

		spin_lock(&d->lock);
		chn = evtchn_port(d, port);
		if (!chn || chn->state != ECS_INTERDOMAIN ||
		    chn->remote_dom == d->domid) {
			return NULL;
		}
		rdom = chn->remote_dom;
		rport = chn->remote_port;
		spin_unlock(&d->lock);

		rd = evtchn_domain_ref(d, rdom);
		if (!rd || rd == d) {
			/* Peer gone: its destruction fixes this port up. */
			spin_lock(&d->lock);
			if (evtchn_still_connected(d, port, rdom, rport)) {
				return NULL;
			}
			spin_unlock(&d->lock);
			continue;
		}
		evtchn_lock_pair(d, rd);
		if (evtchn_still_connected(d, port, rdom, rport)) {
			return rd;
		}
		evtchn_unlock_pair(d, rd);
		evtchn_env_domain_put(rd);
	}
}

void evtchn_unlock_with_peer(struct evtchn_domain *d,
			     struct evtchn_domain *peer)
{
	if (peer) {
		evtchn_unlock_pair(d, peer);
		evtchn_env_domain_put(peer);
	} else {
		spin_unlock(&d->lock);
	}
}

uint32_t *evtchn_virq_slot(struct evtchn_domain *d, unsigned int vcpu,
			   unsigned int virq)
{
	return &d->virq_to_port[vcpu * NR_VIRQS + virq];
}

bool evtchn_virq_is_global(unsigned int virq)
{
	switch (virq) {
	case VIRQ_TIMER:
	case VIRQ_DEBUG:
	case VIRQ_XENOPROF:
	case VIRQ_XENPMU:
		return false;
	default:
		return true;
	}
}

/* Domain lock held (or the caller otherwise excludes updates). */
struct vcpu_info *evtchn_vcpu_info_locked(struct evtchn_domain *d,
					  unsigned int vcpu)
{
	if (vcpu >= d->nr_vcpus || !d->vcpu_info) {
		return NULL;
	}
	if (d->vcpu_info[vcpu]) {
		return d->vcpu_info[vcpu];
	}
	/* Before VCPUOP_register_vcpu_info, vCPU 0 uses shared_info's. */
	if (vcpu == 0 && d->shinfo) {
		return &d->shinfo->vcpu_info[0];
	}
	return NULL;
}

struct vcpu_info *evtchn_vcpu_info(struct evtchn_domain *d, unsigned int vcpu)
{
	struct vcpu_info *vi;

	spin_lock(&d->lock);
	vi = evtchn_vcpu_info_locked(d, vcpu);
	spin_unlock(&d->lock);
	return vi;
}

/*
 * Lock-free (it runs on every guest entry and WFI): the pointers are
 * published with release stores under the lock and only ever change to
 * another page that stays valid, so an acquire load sees a usable one.
 */
bool evtchn_vcpu_upcall_pending(struct evtchn_domain *d, unsigned int vcpu)
{
	struct vcpu_info *vi = NULL;
	struct vcpu_info **table;
	struct shared_info *si;

	if (vcpu >= d->nr_vcpus) {
		return false;
	}
	table = __atomic_load_n(&d->vcpu_info, __ATOMIC_ACQUIRE);
	if (table) {
		vi = __atomic_load_n(&table[vcpu], __ATOMIC_ACQUIRE);
	}
	si = __atomic_load_n(&d->shinfo, __ATOMIC_ACQUIRE);
	if (!vi && vcpu == 0 && si) {
		vi = &si->vcpu_info[0];
	}

	return vi && __atomic_load_n(&vi->evtchn_upcall_pending,
				     __ATOMIC_ACQUIRE) != 0;
}

/* Set evtchn_upcall_pending and kick the vCPU on a 0 -> 1 edge. */
void evtchn_mark_upcall(struct evtchn_domain *d, unsigned int vcpu)
{
	struct vcpu_info *vi = evtchn_vcpu_info_locked(d, vcpu);

	if (vi && !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1,
				       __ATOMIC_SEQ_CST)) {
		evtchn_env_kick_vcpu(d, vcpu);
	}
}

void evtchn_set_shared_info(struct evtchn_domain *d, struct shared_info *si)
{
	spin_lock(&d->lock);
	__atomic_store_n(&d->shinfo, si, __ATOMIC_RELEASE);
	spin_unlock(&d->lock);
}

int evtchn_set_vcpu_info(struct evtchn_domain *d, unsigned int vcpu,
			 struct vcpu_info *vi)
{
	struct vcpu_info *old;

	if (vcpu >= d->nr_vcpus) {
		return -EINVAL;
	}
	spin_lock(&d->lock);
	if (!d->vcpu_info) {
		spin_unlock(&d->lock);
		return -ESRCH; /* destroyed */
	}
	if (vi && d->vcpu_info[vcpu]) {
		/* Once per vCPU: decided here, under the lock, not before. */
		spin_unlock(&d->lock);
		return -EBUSY;
	}
	old = evtchn_vcpu_info_locked(d, vcpu);
	__atomic_store_n(&d->vcpu_info[vcpu], vi, __ATOMIC_RELEASE);
	if (vi) {
		if (!old) {
			__builtin_memset(vi, 0, sizeof(*vi));
		} else if (old != vi) {
			__builtin_memcpy(vi, old, sizeof(*vi));
		}
		/* Make the guest rescan everything: nothing gets lost. */
		__atomic_store_n(&vi->evtchn_pending_sel, ~0ULL,
				 __ATOMIC_SEQ_CST);
		__atomic_store_n(&vi->evtchn_upcall_pending, 1,
				 __ATOMIC_SEQ_CST);
		evtchn_env_kick_vcpu(d, vcpu);
	}
	spin_unlock(&d->lock);
	return 0;
}

static void evtchn_domain_free_tables(struct evtchn_domain *d)
{
	uint32_t i;

	if (d->buckets) {
		for (i = 0; i < d->nr_buckets; i++) {
			evtchn_bucket_free(d, d->buckets[i]);
		}
	}
	xfree(d->buckets);
	xfree(d->virq_to_port);
	xfree(d->vcpu_info);
	d->buckets = NULL;
	d->virq_to_port = NULL;
	d->vcpu_info = NULL;
}

int evtchn_domain_init(struct evtchn_domain *d, domid_t id,
		       unsigned int nr_vcpus, uint32_t max_port,
		       bool privileged)
{
	if (nr_vcpus == 0 || nr_vcpus > EVTCHN_MAX_VCPUS ||
	    id >= DOMID_FIRST_RESERVED) {
		return -EINVAL;
	}
	__builtin_memset(d, 0, sizeof(*d));
	spin_lock_init(&d->lock);
	d->domid = id;
	d->privileged = privileged;
	d->nr_vcpus = nr_vcpus;
	d->max_port = MIN(max_port, EVTCHN_FIFO_MAX_PORTS - 1);
	d->ops = &evtchn_2l_ops;
	d->nr_buckets =
		(d->max_port + EVTCHN_BUCKET_PORTS) / EVTCHN_BUCKET_PORTS;
	d->buckets = xzalloc(d->nr_buckets * sizeof(*d->buckets));
	d->virq_to_port =
		xzalloc(nr_vcpus * NR_VIRQS * sizeof(*d->virq_to_port));
	d->vcpu_info = xzalloc(nr_vcpus * sizeof(*d->vcpu_info));
	if (!d->buckets || !d->virq_to_port || !d->vcpu_info) {
		evtchn_domain_free_tables(d);
		return -ENOMEM;
	}
	d->buckets[0] = evtchn_bucket_alloc(d);
	if (!d->buckets[0]) {
		evtchn_domain_free_tables(d);
		return -ENOMEM;
	}
	d->buckets[0][0].state = ECS_RESERVED;
	return 0;
}

void evtchn_domain_destroy(struct evtchn_domain *d)
{
	struct evtchn_fifo_domain *f;

	spin_lock(&d->lock);
	if (d->dying) {
		spin_unlock(&d->lock);
		return;
	}
	d->dying = true;
	spin_unlock(&d->lock);

	evtchn_close_all(d);

	spin_lock(&d->lock);
	f = evtchn_fifo_detach(d);
	spin_unlock(&d->lock);
	evtchn_fifo_release(d, f);

	spin_lock(&d->lock);
	evtchn_domain_free_tables(d);
	spin_unlock(&d->lock);
}

int evtchn_alloc_unbound_port(struct evtchn_domain *d, domid_t remote,
			      uint32_t *port)
{
	struct evtchn_alloc_unbound a = {
		.dom = DOMID_SELF,
		.remote_dom = remote,
	};
	int rc = evtchn_do_alloc_unbound(d, &a);

	if (!rc) {
		*port = a.port;
	}
	return rc;
}

static int evtchn_raise_virq(struct evtchn_domain *d, unsigned int virq,
			     unsigned int vcpu)
{
	struct evtchn *chn;
	uint32_t port;
	int rc = -ENOENT;

	spin_lock(&d->lock);
	if (!d->dying) {
		port = *evtchn_virq_slot(d, vcpu, virq);
		chn = port ? evtchn_port(d, port) : NULL;
		if (chn) {
			d->ops->set_pending(d, port, chn);
			rc = 0;
		}
	}
	spin_unlock(&d->lock);
	return rc;
}

int evtchn_send_virq(struct evtchn_domain *d, unsigned int virq,
		     unsigned int vcpu)
{
	if (virq >= NR_VIRQS || evtchn_virq_is_global(virq) ||
	    vcpu >= d->nr_vcpus) {
		return -EINVAL;
	}
	return evtchn_raise_virq(d, virq, vcpu);
}

int evtchn_send_global_virq(struct evtchn_domain *d, unsigned int virq)
{
	if (virq >= NR_VIRQS || !evtchn_virq_is_global(virq)) {
		return -EINVAL;
	}
	/* Bound on vCPU 0's table; delivered to the port's notify vCPU. */
	return evtchn_raise_virq(d, virq, 0);
}

/* A port went pending: wake every poller (they re-check and poll again). */
void evtchn_poll_notify(struct evtchn_domain *d)
{
	uint64_t p;

	if (!__atomic_load_n(&d->pollers, __ATOMIC_SEQ_CST)) {
		return;
	}
	p = __atomic_exchange_n(&d->pollers, 0, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; p; i++, p >>= 1) {
		if (p & 1) {
			evtchn_env_wake_poller(d, i);
		}
	}
}

int evtchn_poll_begin(struct evtchn_domain *d, unsigned int vcpu,
		      const uint32_t *ports, unsigned int nr_ports)
{
	uint64_t bit = 1ULL << (vcpu & 63);

	if (vcpu >= d->nr_vcpus || vcpu >= 64) {
		return -EINVAL;
	}
	/* Marked before looking: a port raised meanwhile sees the mark. */
	__atomic_fetch_or(&d->pollers, bit, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < nr_ports; i++) {
		if (ports[i] > d->max_port) {
			__atomic_fetch_and(&d->pollers, ~bit, __ATOMIC_SEQ_CST);
			return -EINVAL;
		}
	}
	for (unsigned int i = 0; i < nr_ports; i++) {
		if (evtchn_port_is_pending(d, ports[i])) {
			__atomic_fetch_and(&d->pollers, ~bit, __ATOMIC_SEQ_CST);
			return 1;
		}
	}
	return 0;
}

bool evtchn_port_is_pending(struct evtchn_domain *d, uint32_t port)
{
	struct evtchn *chn;
	bool pending = false;

	spin_lock(&d->lock);
	chn = evtchn_port(d, port);
	if (chn && chn->state != ECS_FREE && chn->state != ECS_RESERVED) {
		pending = d->ops->is_pending(d, port, chn);
	}
	spin_unlock(&d->lock);
	return pending;
}

/* ---- snapshots for dumps ------------------------------------------------ */

static const uint8_t snap_state[] = {
	[ECS_UNBOUND] = EVTCHNSTAT_unbound,
	[ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
	[ECS_VIRQ] = EVTCHNSTAT_virq,
	[ECS_IPI] = EVTCHNSTAT_ipi,
};

/* The guest-visible bits of @port. Lock held. */
static void snap_bits(struct evtchn_domain *d, uint32_t port,
		      const struct evtchn *chn, struct evtchn_port_snap *s)
{
	if (d->fifo) {
		event_word_t *word = evtchn_fifo_word(d, port);
		event_word_t w =
			word ? __atomic_load_n(word, __ATOMIC_SEQ_CST) : 0;

		s->pending =
			word ? (w >> EVTCHN_FIFO_PENDING) & 1 : chn->pending;
		s->masked = (w >> EVTCHN_FIFO_MASKED) & 1;
		s->linked = (w >> EVTCHN_FIFO_LINKED) & 1;
		s->link = w & EVTCHN_FIFO_LINK_MASK;
	} else if (d->shinfo) {
		uint32_t i = port / 64;
		uint64_t bit = 1ULL << (port % 64);

		s->pending = __atomic_load_n(&d->shinfo->evtchn_pending[i],
					     __ATOMIC_SEQ_CST) &
			     bit;
		s->masked = __atomic_load_n(&d->shinfo->evtchn_mask[i],
					    __ATOMIC_SEQ_CST) &
			    bit;
	}
}

int evtchn_port_snapshot(struct evtchn_domain *d, uint32_t port,
			 struct evtchn_port_snap *s)
{
	struct evtchn *chn;
	int rc = -ENOENT;

	__builtin_memset(s, 0, sizeof(*s));
	spin_lock(&d->lock);
	chn = evtchn_port(d, port);
	if (chn && chn->state >= ECS_UNBOUND && chn->state <= ECS_IPI) {
		s->state = snap_state[chn->state];
		s->priority = chn->priority;
		s->remote_dom = chn->remote_dom;
		s->remote_port = chn->remote_port;
		s->virq = chn->virq;
		s->vcpu = chn->notify_vcpu;
		snap_bits(d, port, chn, s);
		rc = 0;
	}
	spin_unlock(&d->lock);
	return rc;
}

int evtchn_vcpu_snapshot(struct evtchn_domain *d, unsigned int vcpu,
			 struct evtchn_vcpu_snap *s)
{
	struct vcpu_info *vi;

	__builtin_memset(s, 0, sizeof(*s));
	if (vcpu >= d->nr_vcpus) {
		return -EINVAL;
	}
	spin_lock(&d->lock);
	vi = evtchn_vcpu_info_locked(d, vcpu);
	if (vi) {
		s->upcall_pending = __atomic_load_n(&vi->evtchn_upcall_pending,
						    __ATOMIC_SEQ_CST);
		s->pending_sel = __atomic_load_n(&vi->evtchn_pending_sel,
						 __ATOMIC_SEQ_CST);
	}
	if (d->fifo) {
		const struct evtchn_fifo_vcpu *fv = &d->fifo->vcpu[vcpu];

		s->fifo = true;
		for (unsigned int q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++) {
			s->tail[q] = fv->tail[q];
			if (fv->cb) {
				s->head[q] = __atomic_load_n(&fv->cb->head[q],
							     __ATOMIC_SEQ_CST);
			}
		}
		if (fv->cb) {
			s->ready = __atomic_load_n(&fv->cb->ready,
						   __ATOMIC_SEQ_CST);
		}
	}
	spin_unlock(&d->lock);
	return 0;
}

uint32_t evtchn_nr_ports(struct evtchn_domain *d)
{
	uint32_t n;

	spin_lock(&d->lock);
	n = d->buckets ? evtchn_port_limit(d) : 0;
	spin_unlock(&d->lock);
	return n;
}
