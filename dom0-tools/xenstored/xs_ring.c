// SPDX-License-Identifier: MIT
/*
 * Ring transport: copy between the shared page and the engine with the
 * barriers the protocol needs, handle reconnection requests and report
 * protocol errors in the page's error field.
 */
#include <errno.h>
#include <string.h>

#include "xs_ring.h"

static struct xs_ring *xs_ring_of(struct xs_conn *c)
{
	return c->priv;
}

/*
 * Whether @prod and @cons are at most a ring apart; if not, the page's
 * error field says so (xenstore-ring.txt).
 */
static bool xs_ring_idx_ok(struct xenstore_domain_interface *intf,
			   XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
	if (prod - cons > XENSTORE_RING_SIZE) {
		intf->error = XENSTORE_ERROR_RINGIDX;
		return false;
	}
	return true;
}

/* Of @avail bytes from ring offset @off: those before the end, at most @len. */
static size_t xs_ring_span(size_t avail, size_t off, size_t len)
{
	if (avail > XENSTORE_RING_SIZE - off) {
		avail = XENSTORE_RING_SIZE - off;
	}
	return avail > len ? len : avail;
}

static long xs_ring_read(struct xs_conn *c, void *buf, size_t len)
{
	struct xs_ring *ring = xs_ring_of(c);
	struct xenstore_domain_interface *intf = ring->intf;
	XENSTORE_RING_IDX cons, prod;
	size_t n, off;

	cons = __atomic_load_n(&intf->req_cons, __ATOMIC_RELAXED);
	prod = __atomic_load_n(&intf->req_prod, __ATOMIC_ACQUIRE);
	if (!xs_ring_idx_ok(intf, cons, prod)) {
		return -EIO;
	}
	off = MASK_XENSTORE_IDX(cons);
	n = xs_ring_span(prod - cons, off, len);
	if (n == 0) {
		return 0;
	}
	memcpy(buf, intf->req + off, n);
	/* Data read before the slot is handed back. */
	__atomic_store_n(&intf->req_cons, cons + (XENSTORE_RING_IDX)n,
			 __ATOMIC_SEQ_CST);
	ring->need_notify = true;
	return (long)n;
}

static long xs_ring_write(struct xs_conn *c, const void *buf, size_t len)
{
	struct xs_ring *ring = xs_ring_of(c);
	struct xenstore_domain_interface *intf = ring->intf;
	XENSTORE_RING_IDX cons, prod;
	size_t n, off;

	cons = __atomic_load_n(&intf->rsp_cons, __ATOMIC_SEQ_CST);
	prod = __atomic_load_n(&intf->rsp_prod, __ATOMIC_RELAXED);
	if (!xs_ring_idx_ok(intf, cons, prod)) {
		return -EIO;
	}
	off = MASK_XENSTORE_IDX(prod);
	n = xs_ring_span(XENSTORE_RING_SIZE - (prod - cons), off, len);
	if (n == 0) {
		return 0;
	}
	memcpy(intf->rsp + off, buf, n);
	/* Data visible before the producer index moves. */
	__atomic_store_n(&intf->rsp_prod, prod + (XENSTORE_RING_IDX)n,
			 __ATOMIC_RELEASE);
	ring->need_notify = true;
	return (long)n;
}

static void xs_ring_close(struct xs_conn *c)
{
	struct xs_ring *ring = xs_ring_of(c);

	if (ring && ring->unmap) {
		ring->unmap(ring);
	}
	c->priv = NULL;
}

const struct xs_conn_ops xs_ring_ops = {
	.read = xs_ring_read,
	.write = xs_ring_write,
	.close = xs_ring_close,
};

struct xs_conn *xs_ring_conn_new(struct xs_engine *e, struct xs_ring *ring,
				 uint32_t domid, bool privileged)
{
	struct xs_conn *c = xs_conn_new(e, domid, privileged);

	if (!c) {
		return NULL;
	}
	c->is_ring = true;
	c->ops = &xs_ring_ops;
	c->priv = ring;
	ring->intf->server_features = e->features;
	return c;
}

/*
 * Serve a ring after its event fired (or periodically). A reconnection
 * request (connection = XENSTORE_RECONNECT) drops the connection's
 * state and resets the indices. Returns 0 or a negative errno when the
 * ring is broken (its error field then says why).
 */
int xs_ring_service(struct xs_conn *c)
{
	struct xs_ring *ring = xs_ring_of(c);
	struct xenstore_domain_interface *intf = ring->intf;
	int rc;

	if (__atomic_load_n(&intf->connection, __ATOMIC_ACQUIRE) ==
	    XENSTORE_RECONNECT) {
		xs_conn_reset(c);
		intf->req_cons = 0;
		intf->req_prod = 0;
		intf->rsp_cons = 0;
		intf->rsp_prod = 0;
		intf->error = XENSTORE_ERROR_NONE;
		__atomic_store_n(&intf->connection, XENSTORE_CONNECTED,
				 __ATOMIC_SEQ_CST);
		ring->need_notify = true;
	}
	if (c->dead) {
		return -EPIPE; /* released: about to be reaped */
	}
	if (intf->error != XENSTORE_ERROR_NONE) {
		rc = -EIO; /* stays broken until the domain reconnects */
		goto out;
	}
	rc = xs_conn_pump(c);
	if (rc) {
		if (intf->error == XENSTORE_ERROR_NONE) {
			intf->error = rc == -EINVAL ? XENSTORE_ERROR_PROTO
						    : XENSTORE_ERROR_COMM;
		}
		/* Keep the connection (the domain may reconnect) but drop
		 * the broken message. */
		c->in_have = 0;
		c->dead = false;
	}
out:
	if (ring->need_notify && ring->notify) {
		ring->need_notify = false;
		ring->notify(ring);
	}
	return rc;
}
