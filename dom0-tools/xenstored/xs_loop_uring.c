// SPDX-License-Identifier: MIT
/*
 * The io_uring(7) event loop. Every client has a receive in flight, and a
 * round submits the replies of the last one and waits in the same call, so
 * a request costs the daemon one io_uring_enter(2): send, wait, and find
 * the next request already received. The listening socket and the event
 * channel are polled through the ring.
 *
 * A send to a socket with room completes during the submission: the wait
 * is for that many completions plus one. A send that has to wait for room
 * would make the round wait for one event more than needed, so such a
 * round waits XS_URING_SEND_WAIT_MS at most; an idle daemon then wakes
 * once more after its last reply.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>

#include "xs_loop.h"
#include "xs_unix.h"

/* user_data of the loop's own polls; a client's is its transport pointer. */
#define XS_UD_LISTEN 1
#define XS_UD_EVTCHN 2
#define XS_UD_OWN_MAX 4095

#define XS_URING_ENTRIES 256
#define XS_URING_IDLE_MS 1000
#define XS_URING_SEND_WAIT_MS 10

/* All the ring may do: poll the listener and evtchn, serve the clients. */
static const uint8_t xs_uloop_ops[] = { IORING_OP_POLL_ADD, IORING_OP_RECV,
					IORING_OP_SEND };

struct xs_uloop {
	struct xs_loop *l;
	struct xs_unix_uring ur;
	bool listen_armed;
	bool evtchn_armed;
};

static bool xs_uloop_poll(struct xs_uloop *u, int fd, uint64_t ud)
{
	struct io_uring_sqe *sqe =
		xs_uring_sqe(&u->ur.ring, IORING_OP_POLL_ADD, fd, ud);

	if (!sqe) {
		return false;
	}
	sqe->poll32_events = POLLIN;
	return true;
}

/*
 * Queue every client's I/O. Returns how many completions to wait for: 0
 * if some input waits to be served, else one per send queued, plus one.
 */
static unsigned xs_uloop_arm(struct xs_uloop *u)
{
	struct xs_loop *l = u->l;
	struct xs_conn *c;
	unsigned r, sends = 0;
	bool ready = false;

	if (!u->listen_armed) {
		u->listen_armed = xs_uloop_poll(u, l->lfd, XS_UD_LISTEN);
	}
	if (!u->evtchn_armed && l->x->evtchn_fd >= 0) {
		u->evtchn_armed =
			xs_uloop_poll(u, l->x->evtchn_fd, XS_UD_EVTCHN);
	}
	for (c = l->e->conns; c; c = c->next) {
		if (!xs_unix_is(c) || c->dead) {
			continue;
		}
		r = xs_unix_uring_arm(c);
		ready |= (r & XS_UNIX_ARM_READY) != 0;
		sends += (r & XS_UNIX_ARM_SEND) != 0;
	}
	return ready ? 0 : sends + 1;
}

static void xs_uloop_accept(struct xs_uloop *u)
{
	struct xs_conn *c;

	while ((c = xs_unix_accept(u->l->e, u->l->lfd))) {
		xs_unix_uring_attach(c, &u->ur);
	}
}

static void xs_uloop_complete(struct xs_uloop *u, uint64_t ud, int32_t res)
{
	switch (ud) {
	case XS_UD_LISTEN:
		u->listen_armed = false;
		xs_uloop_accept(u);
		break;
	case XS_UD_EVTCHN:
		u->evtchn_armed = false;
		xs_xen_events(u->l->x, u->l->e);
		break;
	default:
		if (ud > XS_UD_OWN_MAX) {
			xs_unix_uring_done(&u->ur, ud, res);
		}
		break;
	}
}

/* One round: queue, submit and wait in one call, then take completions. */
static void xs_uloop_once(struct xs_uloop *u)
{
	const struct io_uring_cqe *cqe;
	unsigned wait = xs_uloop_arm(u);
	uint64_t ud;
	int32_t res;
	int rc;

	rc = xs_uring_enter(&u->ur.ring, wait,
			    wait > 1 ? XS_URING_SEND_WAIT_MS
				     : XS_URING_IDLE_MS);
	if (rc && rc != -EINTR && rc != -ETIME && rc != -EAGAIN &&
	    rc != -EBUSY) {
		fprintf(stderr, "xenstored: io_uring_enter: %d\n", rc);
	}
	while ((cqe = xs_uring_cqe(&u->ur.ring))) {
		ud = cqe->user_data;
		res = cqe->res;
		xs_uring_cqe_seen(&u->ur.ring);
		xs_uloop_complete(u, ud, res);
	}
	xs_xen_service_all(u->l->x, u->l->e);
	xs_engine_reap(u->l->e);
}

/*
 * Serve until *l->stop. A negative errno before serving anything if no
 * ring could be set up (-ENOSYS: this kernel's io_uring lacks what the
 * loop needs); the caller then uses the epoll loop.
 */
int xs_loop_uring(struct xs_loop *l)
{
	struct xs_uloop u = { .l = l };
	struct xs_conn *c;
	int rc = xs_uring_init(&u.ur.ring, XS_URING_ENTRIES, xs_uloop_ops,
			       sizeof(xs_uloop_ops));

	if (rc) {
		return rc;
	}
	rc = xs_loop_ready(l);
	if (rc) {
		xs_uring_fini(&u.ur.ring);
		return rc;
	}
	while (!*l->stop) {
		xs_uloop_once(&u);
	}
	/* Closed connections keep their buffers until the ring is gone. */
	for (c = l->e->conns; c; c = c->next) {
		if (xs_unix_is(c)) {
			c->dead = true;
		}
	}
	xs_engine_reap(l->e);
	xs_uring_fini(&u.ur.ring);
	xs_unix_uring_fini(&u.ur);
	return 0;
}
