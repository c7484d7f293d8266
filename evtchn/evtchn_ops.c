/* SPDX-License-Identifier: MIT */
/*
 * EVTCHNOP_* operations on ports: allocation, binding, close, send,
 * status, vCPU binding, unmask and reset. Each validates everything and
 * allocates before changing any state (decode, then act). Numbers and
 * error codes follow Xen's event-channel semantics; see docs/evtchn.md.
 */
#include <sable/alloc.h>
#include <sable/errno.h>

#include "evtchn_env.h"
#include "evtchn_internal.h"

/* Whether @caller may act on domain @dom (itself, or any if privileged). */
static bool evtchn_may_control(const struct evtchn_domain *caller, domid_t dom)
{
	return dom == caller->domid || caller->privileged;
}

/*
 * Take a free port of @d into @state (*@spare as for evtchn_bind_port()):
 * 0 with *@port and *@chn, or the error of evtchn_check_new_port() or
 * evtchn_find_free_port(). Domain lock held.
 */
static int evtchn_new_port_locked(struct evtchn_domain *d,
				  struct evtchn **spare,
				  enum evtchn_state state, uint32_t *port,
				  struct evtchn **chn)
{
	int rc = evtchn_check_new_port(d);

	if (!rc) {
		rc = evtchn_find_free_port(d, *spare, port);
	}
	if (!rc) {
		*chn = evtchn_bind_port(d, *port, spare, state);
	}
	return rc;
}

int evtchn_do_alloc_unbound(struct evtchn_domain *caller,
			    struct evtchn_alloc_unbound *a)
{
	domid_t dom = evtchn_resolve_domid(caller, a->dom);
	/* DOMID_SELF as remote names the caller, as in Xen. */
	domid_t rdom = evtchn_resolve_domid(caller, a->remote_dom);
	struct evtchn_domain *d;
	struct evtchn *spare, *chn;
	uint32_t port;
	int rc;

	if (!evtchn_may_control(caller, dom)) {
		return -EPERM;
	}
	if (rdom >= DOMID_FIRST_RESERVED) {
		return -EINVAL;
	}
	d = evtchn_domain_ref(caller, dom);
	if (!d) {
		return -ESRCH;
	}
	spare = evtchn_bucket_alloc(d);

	spin_lock(&d->lock);
	rc = evtchn_new_port_locked(d, &spare, ECS_UNBOUND, &port, &chn);
	if (!rc) {
		chn->remote_dom = rdom;
		a->port = port;
	}
	spin_unlock(&d->lock);

	evtchn_bucket_free(d, spare);
	evtchn_domain_unref(caller, d);
	return rc;
}

/* Remote end of a bind_interdomain: unbound and accepting @ld. */
static struct evtchn *evtchn_bindable_remote(struct evtchn_domain *rd,
					     uint32_t rport,
					     const struct evtchn_domain *ld)
{
	struct evtchn *rchn = evtchn_port(rd, rport);

	if (!rchn || rchn->state != ECS_UNBOUND ||
	    rchn->remote_dom != ld->domid) {
		return NULL;
	}
	return rchn;
}

int evtchn_do_bind_interdomain(struct evtchn_domain *ld,
			       struct evtchn_bind_interdomain *b)
{
	domid_t rdom = evtchn_resolve_domid(ld, b->remote_dom);
	uint32_t rport = b->remote_port;
	struct evtchn *spare, *lchn, *rchn = NULL;
	struct evtchn_domain *rd;
	uint32_t lport;
	int rc;

	rd = evtchn_domain_ref(ld, rdom);
	if (!rd) {
		return -ESRCH;
	}
	spare = evtchn_bucket_alloc(ld);

	evtchn_lock_pair(ld, rd);
	rc = rd->dying ? -ESRCH : evtchn_check_new_port(ld);
	if (!rc) {
		rchn = evtchn_bindable_remote(rd, rport, ld);
		rc = rchn ? evtchn_find_free_port(ld, spare, &lport) : -EINVAL;
	}
	if (!rc) {
		lchn = evtchn_bind_port(ld, lport, &spare, ECS_INTERDOMAIN);
		lchn->remote_dom = rd->domid;
		lchn->remote_port = rport;
		rchn->state = ECS_INTERDOMAIN;
		rchn->remote_dom = ld->domid;
		rchn->remote_port = lport;
		/*
		 * Notifications sent to the remote port while it was unbound
		 * were dropped: conservatively pend the new local port once.
		 */
		ld->ops->set_pending(ld, lport, lchn);
		b->local_port = lport;
	}
	evtchn_unlock_pair(ld, rd);

	evtchn_domain_unref(ld, rd);
	evtchn_bucket_free(ld, spare);
	return rc;
}

int evtchn_do_bind_virq(struct evtchn_domain *d, struct evtchn_bind_virq *b)
{
	uint32_t virq = b->virq, vcpu = b->vcpu, port;
	struct evtchn *spare, *chn;
	uint32_t *slot;
	int rc;

	if (virq >= NR_VIRQS) {
		return -EINVAL;
	}
	if (evtchn_virq_is_global(virq) && vcpu != 0) {
		return -EINVAL;
	}
	if (vcpu >= d->nr_vcpus) {
		return -ENOENT;
	}
	spare = evtchn_bucket_alloc(d);

	spin_lock(&d->lock);
	rc = evtchn_check_new_port(d);
	slot = rc ? NULL : evtchn_virq_slot(d, vcpu, virq);
	if (slot && *slot) {
		rc = -EEXIST;
	}
	if (!rc) {
		rc = evtchn_find_free_port(d, spare, &port);
	}
	if (!rc) {
		chn = evtchn_bind_port(d, port, &spare, ECS_VIRQ);
		chn->virq = (uint16_t)virq;
		chn->notify_vcpu = vcpu;
		*slot = port;
		b->port = port;
	}
	spin_unlock(&d->lock);

	evtchn_bucket_free(d, spare);
	return rc;
}

int evtchn_do_bind_ipi(struct evtchn_domain *d, struct evtchn_bind_ipi *b)
{
	struct evtchn *spare, *chn;
	uint32_t port;
	int rc;

	if (b->vcpu >= d->nr_vcpus) {
		return -ENOENT;
	}
	spare = evtchn_bucket_alloc(d);

	spin_lock(&d->lock);
	rc = evtchn_new_port_locked(d, &spare, ECS_IPI, &port, &chn);
	if (!rc) {
		chn->notify_vcpu = b->vcpu;
		b->port = port;
	}
	spin_unlock(&d->lock);

	evtchn_bucket_free(d, spare);
	return rc;
}

/*
 * Undo an interdomain connection on the far side: the peer port becomes
 * unbound and accepts the closing domain again. Both locks held.
 */
static void evtchn_disconnect_peer(struct evtchn_domain *d, uint32_t port,
				   const struct evtchn *chn,
				   struct evtchn_domain *peer)
{
	struct evtchn *rchn;

	if (!peer) {
		return;
	}
	rchn = evtchn_port(peer, chn->remote_port);
	if (rchn && rchn->state == ECS_INTERDOMAIN &&
	    rchn->remote_dom == d->domid && rchn->remote_port == port) {
		rchn->state = ECS_UNBOUND;
		rchn->remote_dom = d->domid;
		rchn->remote_port = 0;
	}
}

int evtchn_do_close(struct evtchn_domain *d, uint32_t port)
{
	struct evtchn_domain *peer = evtchn_lock_with_peer(d, port);
	struct evtchn *chn = evtchn_port(d, port);
	unsigned int vcpu;
	uint32_t *slot;
	int rc = 0;

	if (!chn) {
		rc = -EINVAL;
		goto out;
	}
	switch (chn->state) {
	case ECS_UNBOUND:
	case ECS_IPI:
		break;
	case ECS_VIRQ:
		vcpu = evtchn_virq_is_global(chn->virq) ? 0 : chn->notify_vcpu;
		slot = evtchn_virq_slot(d, vcpu, chn->virq);
		if (*slot == port) {
			*slot = 0;
		}
		break;
	case ECS_INTERDOMAIN:
		/* A self-loop's peer is in @d itself. */
		evtchn_disconnect_peer(d, port, chn,
				       chn->remote_dom == d->domid ? d : peer);
		break;
	default:
		rc = -EINVAL;
		goto out;
	}
	evtchn_free_port(d, port, chn);
out:
	evtchn_unlock_with_peer(d, peer);
	return rc;
}

/* Close every port of @d (reset, destruction). No lock held. */
void evtchn_close_all(struct evtchn_domain *d)
{
	uint32_t port, limit;

	spin_lock(&d->lock);
	limit = d->nr_buckets * EVTCHN_BUCKET_PORTS;
	spin_unlock(&d->lock);

	for (port = 1; port < limit; port++) {
		struct evtchn *chn;
		bool used;

		spin_lock(&d->lock);
		chn = evtchn_port(d, port);
		used = chn && chn->state != ECS_FREE;
		spin_unlock(&d->lock);
		if (used) {
			evtchn_do_close(d, port);
		}
	}
}

int evtchn_send(struct evtchn_domain *d, uint32_t port)
{
	struct evtchn_domain *peer = evtchn_lock_with_peer(d, port);
	struct evtchn_domain *target;
	struct evtchn *chn = evtchn_port(d, port), *rchn;
	int rc = 0;

	if (!chn) {
		rc = -EINVAL;
		goto out;
	}
	switch (chn->state) {
	case ECS_INTERDOMAIN:
		target = chn->remote_dom == d->domid ? d : peer;
		rchn = target ? evtchn_port(target, chn->remote_port) : NULL;
		if (rchn && rchn->state == ECS_INTERDOMAIN) {
			target->ops->set_pending(target, chn->remote_port,
						 rchn);
		}
		break;
	case ECS_IPI:
		d->ops->set_pending(d, port, chn);
		break;
	case ECS_UNBOUND:
		/* Nobody connected yet: dropped silently, as Xen does. */
		break;
	default:
		rc = -EINVAL;
		break;
	}
out:
	evtchn_unlock_with_peer(d, peer);
	return rc;
}

static void evtchn_fill_status(const struct evtchn *chn,
			       struct evtchn_status *s)
{
	__builtin_memset(&s->u, 0, sizeof(s->u));
	s->vcpu = chn->notify_vcpu;
	switch (chn->state) {
	case ECS_UNBOUND:
		s->status = EVTCHNSTAT_unbound;
		s->u.unbound.dom = chn->remote_dom;
		break;
	case ECS_INTERDOMAIN:
		s->status = EVTCHNSTAT_interdomain;
		s->u.interdomain.dom = chn->remote_dom;
		s->u.interdomain.port = chn->remote_port;
		break;
	case ECS_VIRQ:
		s->status = EVTCHNSTAT_virq;
		s->u.virq = chn->virq;
		break;
	case ECS_IPI:
		s->status = EVTCHNSTAT_ipi;
		break;
	default:
		s->status = EVTCHNSTAT_closed;
		break;
	}
}

int evtchn_do_status(struct evtchn_domain *caller, struct evtchn_status *s)
{
	domid_t dom = evtchn_resolve_domid(caller, s->dom);
	struct evtchn_domain *d;
	struct evtchn *chn;
	int rc = 0;

	if (!evtchn_may_control(caller, dom)) {
		return -EPERM;
	}
	d = evtchn_domain_ref(caller, dom);
	if (!d) {
		return -ESRCH;
	}
	spin_lock(&d->lock);
	chn = evtchn_port(d, s->port);
	if (chn) {
		evtchn_fill_status(chn, s);
	} else {
		rc = -EINVAL;
	}
	spin_unlock(&d->lock);
	evtchn_domain_unref(caller, d);
	return rc;
}

int evtchn_do_bind_vcpu(struct evtchn_domain *d,
			const struct evtchn_bind_vcpu *b)
{
	struct evtchn *chn;
	int rc = 0;

	if (b->vcpu >= d->nr_vcpus) {
		return -ENOENT;
	}
	spin_lock(&d->lock);
	chn = evtchn_port(d, b->port);
	if (!chn) {
		rc = -EINVAL;
	} else if (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN ||
		   (chn->state == ECS_VIRQ &&
		    evtchn_virq_is_global(chn->virq))) {
		chn->notify_vcpu = b->vcpu;
	} else {
		/* IPIs and per-vCPU VIRQs belong to their vCPU. */
		rc = -EINVAL;
	}
	spin_unlock(&d->lock);
	return rc;
}

int evtchn_do_unmask(struct evtchn_domain *d, uint32_t port)
{
	struct evtchn *chn;
	int rc = 0;

	spin_lock(&d->lock);
	chn = evtchn_port(d, port);
	if (!chn) {
		rc = -EINVAL;
	} else if (chn->state != ECS_FREE && chn->state != ECS_RESERVED) {
		d->ops->unmask(d, port, chn);
	}
	spin_unlock(&d->lock);
	return rc;
}

int evtchn_do_reset(struct evtchn_domain *caller, domid_t dom)
{
	struct evtchn_fifo_domain *f;
	struct evtchn_domain *d;

	dom = evtchn_resolve_domid(caller, dom);
	if (!evtchn_may_control(caller, dom)) {
		return -EPERM;
	}
	d = evtchn_domain_ref(caller, dom);
	if (!d) {
		return -ESRCH;
	}
	spin_lock(&d->lock);
	if (d->dying) {
		/* Its destruction closes its ports and frees its tables. */
		spin_unlock(&d->lock);
		evtchn_domain_unref(caller, d);
		return -ESRCH;
	}
	d->resetting++;
	spin_unlock(&d->lock);

	evtchn_close_all(d);

	/* Back to the 2-level ABI, as after domain creation. */
	spin_lock(&d->lock);
	f = evtchn_fifo_detach(d);
	d->resetting--;
	spin_unlock(&d->lock);
	evtchn_fifo_release(d, f);

	evtchn_domain_unref(caller, d);
	return 0;
}
