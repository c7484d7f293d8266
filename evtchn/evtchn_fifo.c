/* SPDX-License-Identifier: MIT */
/*
 * FIFO event delivery (Xen's FIFO-based event channel ABI): one 32-bit
 * event word per port in guest-provided event-array pages (PENDING,
 * MASKED, LINKED, BUSY and a 17-bit LINK), and per vCPU a control block
 * with a READY bitmap and the HEAD of 16 priority queues.
 *
 * Linking (what the guest's consumer expects): an event that becomes
 * pending, is not masked and not yet linked gets LINKED and is appended
 * to the queue of its vCPU and priority. If the queue's last event is
 * still LINKED, its LINK field is set to the new port; otherwise the
 * queue was drained and HEAD is written instead, and READY's bit for
 * the priority is set, raising an upcall if it was clear. The guest
 * walks HEAD/LINK, clearing LINKED and LINK as it consumes.
 *
 * Domain lock held in every function here unless said otherwise; the
 * guest changes its words concurrently, so every access is atomic.
 */
#include <sable/alloc.h>
#include <sable/errno.h>

#include "evtchn_env.h"
#include "evtchn_internal.h"

#define EVTCHN_FIFO_BIT(b) (1U << (b))
/* Bounded retries against a guest that keeps rewriting a tail word. */
#define EVTCHN_FIFO_LINK_TRIES 8

event_word_t *evtchn_fifo_word(struct evtchn_domain *d, uint32_t port)
{
	struct evtchn_fifo_domain *f = d->fifo;
	uint32_t page = port / EVTCHN_FIFO_EVENT_WORDS_PER_PAGE;

	if (!f || page >= f->nr_pages) {
		return NULL;
	}
	return &f->array[page][port % EVTCHN_FIFO_EVENT_WORDS_PER_PAGE];
}

/*
 * Point the LINK of the queue's last event at @port, if that event is
 * still LINKED. False if the guest already consumed it (queue empty).
 */
static bool evtchn_fifo_set_link(event_word_t *tail, uint32_t port)
{
	event_word_t old = __atomic_load_n(tail, __ATOMIC_SEQ_CST);
	int i;

	for (i = 0; i < EVTCHN_FIFO_LINK_TRIES; i++) {
		event_word_t new;

		if (!(old & EVTCHN_FIFO_BIT(EVTCHN_FIFO_LINKED))) {
			return false;
		}
		new = (old & ~(EVTCHN_FIFO_BIT(EVTCHN_FIFO_BUSY) |
			       EVTCHN_FIFO_LINK_MASK)) |
		      port;
		if (__atomic_compare_exchange_n(tail, &old, new, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			return true;
		}
	}
	/* The guest keeps racing with us on its own word: it loses this. */
	return true;
}

/* Append @port (already LINKED) to the queue of @vcpu at @prio. */
static void evtchn_fifo_link(struct evtchn_domain *d, uint32_t port,
			     struct evtchn *chn, unsigned int vcpu,
			     unsigned int prio)
{
	struct evtchn_fifo_domain *f = d->fifo;
	struct evtchn_fifo_vcpu *fv = &f->vcpu[vcpu];
	uint32_t *old_tail = &f->vcpu[chn->last_vcpu].tail[chn->last_priority];
	event_word_t *tail_word;
	bool linked = false;

	/*
	 * If this event ended its previous queue, that queue is empty now;
	 * forget the tail so that a later link there cannot corrupt the
	 * queue the event is about to join.
	 */
	if (*old_tail == port) {
		*old_tail = 0;
	}
	chn->last_vcpu = vcpu;
	chn->last_priority = (uint8_t)prio;

	if (fv->tail[prio]) {
		tail_word = evtchn_fifo_word(d, fv->tail[prio]);
		linked = tail_word && evtchn_fifo_set_link(tail_word, port);
	}
	if (!linked) {
		__atomic_store_n(&fv->cb->head[prio], port, __ATOMIC_SEQ_CST);
	}
	fv->tail[prio] = port;

	if (!linked &&
	    !(__atomic_fetch_or(&fv->cb->ready, EVTCHN_FIFO_BIT(prio),
				__ATOMIC_SEQ_CST) &
	      EVTCHN_FIFO_BIT(prio))) {
		evtchn_mark_upcall(d, vcpu);
	}
}

static void evtchn_fifo_set_pending(struct evtchn_domain *d, uint32_t port,
				    struct evtchn *chn)
{
	event_word_t *word = evtchn_fifo_word(d, port);
	unsigned int vcpu = chn->notify_vcpu;
	event_word_t w;

	if (!word) {
		/* No event word yet: remember it for expand_array. */
		chn->pending = true;
		return;
	}
	w = __atomic_fetch_or(word, EVTCHN_FIFO_BIT(EVTCHN_FIFO_PENDING),
			      __ATOMIC_SEQ_CST);
	if (!(w & EVTCHN_FIFO_BIT(EVTCHN_FIFO_PENDING))) {
		evtchn_poll_notify(d);
	}
	if (w & (EVTCHN_FIFO_BIT(EVTCHN_FIFO_MASKED) |
		 EVTCHN_FIFO_BIT(EVTCHN_FIFO_LINKED))) {
		return;
	}
	/*
	 * The guest must not unmask before it set up the vCPU's control
	 * block; the event stays pending and is linked on unmask.
	 */
	if (!d->fifo->vcpu[vcpu].cb) {
		return;
	}
	w = __atomic_fetch_or(word, EVTCHN_FIFO_BIT(EVTCHN_FIFO_LINKED),
			      __ATOMIC_SEQ_CST);
	if (w & EVTCHN_FIFO_BIT(EVTCHN_FIFO_LINKED)) {
		return;
	}
	evtchn_fifo_link(d, port, chn, vcpu, chn->priority);
}

static void evtchn_fifo_clear_pending(struct evtchn_domain *d, uint32_t port,
				      struct evtchn *chn)
{
	event_word_t *word = evtchn_fifo_word(d, port);

	/* LINKED stays: the guest unlinks it when it walks the queue. */
	if (word) {
		__atomic_fetch_and(word, ~EVTCHN_FIFO_BIT(EVTCHN_FIFO_PENDING),
				   __ATOMIC_SEQ_CST);
	}
	chn->pending = false;
}

static void evtchn_fifo_unmask(struct evtchn_domain *d, uint32_t port,
			       struct evtchn *chn)
{
	event_word_t *word = evtchn_fifo_word(d, port);

	if (!word) {
		return;
	}
	__atomic_fetch_and(word, ~EVTCHN_FIFO_BIT(EVTCHN_FIFO_MASKED),
			   __ATOMIC_SEQ_CST);
	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) &
	    EVTCHN_FIFO_BIT(EVTCHN_FIFO_PENDING)) {
		evtchn_fifo_set_pending(d, port, chn);
	}
}

static bool evtchn_fifo_is_pending(struct evtchn_domain *d, uint32_t port,
				   const struct evtchn *chn)
{
	event_word_t *word = evtchn_fifo_word(d, port);

	if (!word) {
		return chn->pending;
	}
	return __atomic_load_n(word, __ATOMIC_SEQ_CST) &
	       EVTCHN_FIFO_BIT(EVTCHN_FIFO_PENDING);
}

/* Takes effect the next time the event is linked, as in Xen. */
static int evtchn_fifo_set_priority(struct evtchn_domain *d, struct evtchn *chn,
				    uint32_t priority)
{
	(void)d;
	if (priority > EVTCHN_FIFO_PRIORITY_MIN) {
		return -EINVAL;
	}
	chn->priority = (uint8_t)priority;
	return 0;
}

const struct evtchn_port_ops evtchn_fifo_ops = {
	.set_pending = evtchn_fifo_set_pending,
	.clear_pending = evtchn_fifo_clear_pending,
	.unmask = evtchn_fifo_unmask,
	.is_pending = evtchn_fifo_is_pending,
	.set_priority = evtchn_fifo_set_priority,
	.max_ports = EVTCHN_FIFO_MAX_PORTS,
};

int evtchn_do_set_priority(struct evtchn_domain *d,
			   const struct evtchn_set_priority *sp)
{
	struct evtchn *chn;
	int rc;

	spin_lock(&d->lock);
	chn = evtchn_port(d, sp->port);
	if (!chn) {
		rc = -EINVAL;
	} else if (!d->ops->set_priority) {
		rc = -ENOSYS;
	} else {
		rc = d->ops->set_priority(d, chn, sp->priority);
	}
	spin_unlock(&d->lock);
	return rc;
}

/*
 * Switch a 2-level domain to FIFO: ports pending in the 2-level bitmap
 * stay pending (recorded until their event word exists), priorities
 * start at the default.
 */
static void evtchn_fifo_switch(struct evtchn_domain *d,
			       struct evtchn_fifo_domain *f)
{
	uint32_t limit = evtchn_port_limit(d), port;

	for (port = 1; port < limit; port++) {
		struct evtchn *chn = evtchn_port(d, port);

		if (chn && chn->state != ECS_FREE) {
			chn->pending = d->ops->is_pending(d, port, chn);
			chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
		}
	}
	d->fifo = f;
	d->ops = &evtchn_fifo_ops;
}

static long fifo_pages(unsigned int nr_vcpus)
{
	size_t bytes = sizeof(struct evtchn_fifo_domain) +
		       nr_vcpus * sizeof(struct evtchn_fifo_vcpu);

	return (long)((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
}

/* The FIFO state, charged to @d. */
static struct evtchn_fifo_domain *evtchn_fifo_alloc(struct evtchn_domain *d)
{
	struct evtchn_fifo_domain *f;

	if (evtchn_env_charge(d, fifo_pages(d->nr_vcpus))) {
		return NULL;
	}
	f = xzalloc(sizeof(struct evtchn_fifo_domain) +
		    d->nr_vcpus * sizeof(struct evtchn_fifo_vcpu));
	if (!f) {
		evtchn_env_charge(d, -fifo_pages(d->nr_vcpus));
	}
	return f;
}

static void evtchn_fifo_free(struct evtchn_domain *d,
			     struct evtchn_fifo_domain *f)
{
	if (f) {
		xfree(f);
		evtchn_env_charge(d, -fifo_pages(d->nr_vcpus));
	}
}

/*
 * EVTCHNOP_init_control: register @ic->vcpu's control block; the first
 * one switches the domain to FIFO. -ENOENT bad vCPU, -EINVAL misplaced
 * block, bad gfn or vCPU already initialised, -ENOMEM. No lock held.
 */
int evtchn_fifo_init_control(struct evtchn_domain *d,
			     struct evtchn_init_control *ic)
{
	const uint32_t max_off =
		PAGE_SIZE - sizeof(struct evtchn_fifo_control_block);
	struct evtchn_fifo_domain *newf, *f;
	struct evtchn_fifo_vcpu *fv;
	uint8_t *page;
	int rc = 0;

	if (ic->vcpu >= d->nr_vcpus) {
		return -ENOENT;
	}
	if (ic->offset > max_off || !IS_ALIGNED(ic->offset, 8)) {
		return -EINVAL;
	}
	page = evtchn_env_map_gfn(d, ic->control_gfn);
	if (!page) {
		return -EINVAL;
	}
	newf = evtchn_fifo_alloc(d);

	spin_lock(&d->lock);
	f = d->fifo ? d->fifo : newf;
	rc = evtchn_check_new_port(d);
	if (!rc && !f) {
		rc = -ENOMEM;
	} else if (!rc && f->vcpu[ic->vcpu].cb) {
		rc = -EINVAL;
	}
	if (!rc) {
		if (f == newf) {
			evtchn_fifo_switch(d, newf);
			newf = NULL;
		}
		fv = &f->vcpu[ic->vcpu];
		fv->cb_page = page;
		fv->cb =
			(struct evtchn_fifo_control_block *)(page + ic->offset);
		page = NULL;
		ic->link_bits = EVTCHN_FIFO_LINK_BITS;
	}
	spin_unlock(&d->lock);

	if (page) {
		evtchn_env_unmap_gfn(d, page);
	}
	evtchn_fifo_free(d, newf);
	return rc;
}

/* Deliver what became pending before ports of a new page had words. */
static void evtchn_fifo_replay(struct evtchn_domain *d, uint32_t first)
{
	uint32_t port;

	for (port = first; port < first + EVTCHN_FIFO_EVENT_WORDS_PER_PAGE;
	     port++) {
		struct evtchn *chn = evtchn_port(d, port);

		if (chn && chn->pending) {
			chn->pending = false;
			evtchn_fifo_set_pending(d, port, chn);
		}
	}
}

static int evtchn_fifo_add_page(struct evtchn_domain *d, event_word_t *page)
{
	struct evtchn_fifo_domain *f = d->fifo;
	uint32_t first;

	if (d->dying) {
		return -ESRCH;
	}
	if (!f) {
		return -EOPNOTSUPP;
	}
	first = f->nr_pages * EVTCHN_FIFO_EVENT_WORDS_PER_PAGE;
	if (f->nr_pages >= EVTCHN_FIFO_MAX_EVENT_ARRAY_PAGES ||
	    first > d->max_port) {
		return -ENOSPC;
	}
	f->array[f->nr_pages++] = page;
	evtchn_fifo_replay(d, first);
	return 0;
}

/*
 * EVTCHNOP_expand_array: add the next page of event words. -EOPNOTSUPP
 * while 2-level, -EINVAL bad gfn, -ENOSPC beyond the domain's ports.
 * No lock held.
 */
int evtchn_fifo_expand_array(struct evtchn_domain *d,
			     const struct evtchn_expand_array *ea)
{
	event_word_t *page;
	bool fifo;
	int rc;

	spin_lock(&d->lock);
	fifo = d->fifo != NULL;
	spin_unlock(&d->lock);
	if (!fifo) {
		return -EOPNOTSUPP;
	}
	page = evtchn_env_map_gfn(d, ea->array_gfn);
	if (!page) {
		return -EINVAL;
	}
	spin_lock(&d->lock);
	rc = evtchn_fifo_add_page(d, page);
	spin_unlock(&d->lock);
	if (rc) {
		evtchn_env_unmap_gfn(d, page);
	}
	return rc;
}

/* Leave FIFO (reset, destruction): back to 2-level. Lock held. */
struct evtchn_fifo_domain *evtchn_fifo_detach(struct evtchn_domain *d)
{
	struct evtchn_fifo_domain *f = d->fifo;

	d->fifo = NULL;
	d->ops = &evtchn_2l_ops;
	return f;
}

/* Unmap and free what evtchn_fifo_detach() returned. No lock held. */
void evtchn_fifo_release(struct evtchn_domain *d, struct evtchn_fifo_domain *f)
{
	uint32_t i;

	if (!f) {
		return;
	}
	for (i = 0; i < d->nr_vcpus; i++) {
		if (f->vcpu[i].cb_page) {
			evtchn_env_unmap_gfn(d, f->vcpu[i].cb_page);
		}
	}
	for (i = 0; i < f->nr_pages; i++) {
		evtchn_env_unmap_gfn(d, f->array[i]);
	}
	evtchn_fifo_free(d, f);
}
