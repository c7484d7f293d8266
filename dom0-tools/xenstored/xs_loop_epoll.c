// SPDX-License-Identifier: MIT
/*
 * The epoll(7) event loop. The set of descriptors is kept across rounds (a
 * client's interest changes only with back-pressure or queued output), so
 * a request costs one epoll_wait(2), one recv(2) and one send(2).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "xs_loop.h"
#include "xs_unix.h"

#define XS_EV_LISTEN 1
#define XS_EV_EVTCHN 2
#define XS_MAX_EVENTS 64

static int xs_epoll_init(struct xs_loop *l, int epfd)
{
	struct epoll_event ev = { .events = EPOLLIN };

	ev.data.u64 = XS_EV_LISTEN;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, l->lfd, &ev) < 0) {
		return -errno;
	}
	if (l->x->evtchn_fd >= 0) {
		ev.data.u64 = XS_EV_EVTCHN;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, l->x->evtchn_fd, &ev)) {
			return -errno;
		}
	}
	return 0;
}

/* Bring every client's epoll interest up to date; returns the timeout. */
static int xs_epoll_interest(struct xs_loop *l, int epfd)
{
	const uint8_t *p;
	struct xs_conn *c;
	uint32_t mask;
	int timeout = 1000;

	for (c = l->e->conns; c; c = c->next) {
		if (!xs_unix_is(c) || c->dead) {
			continue;
		}
		mask = xs_conn_want(c) ? EPOLLIN : 0;
		if (mask && xs_unix_has_input(c)) {
			timeout = 0; /* read ahead, not yet served */
		}
		if (xs_conn_out_peek(c, &p)) {
			mask |= EPOLLOUT;
		}
		if (xs_unix_epoll_sync(c, epfd, mask)) {
			c->dead = true;
		}
	}
	return timeout;
}

/* One round: wait, accept, serve whatever is ready, reap. */
static void xs_epoll_once(struct xs_loop *l, int epfd)
{
	struct epoll_event ev[XS_MAX_EVENTS];
	struct xs_conn *c;
	const uint8_t *p;
	int n, i;

	n = epoll_wait(epfd, ev, XS_MAX_EVENTS, xs_epoll_interest(l, epfd));
	for (i = 0; i < n; i++) {
		if (ev[i].data.u64 == XS_EV_LISTEN) {
			while (xs_unix_accept(l->e, l->lfd)) {
			}
		} else if (ev[i].data.u64 == XS_EV_EVTCHN) {
			xs_xen_events(l->x, l->e);
		} else {
			c = ev[i].data.ptr;
			xs_unix_mark_readable(c);
			xs_conn_pump(c);
		}
	}
	for (c = l->e->conns; c; c = c->next) {
		if (!xs_unix_is(c) || c->dead) {
			continue;
		}
		/* Read-ahead input, and watch events queued by others. */
		if ((xs_unix_has_input(c) && xs_conn_want(c)) ||
		    xs_conn_out_peek(c, &p)) {
			xs_conn_pump(c);
		}
	}
	xs_xen_service_all(l->x, l->e);
	xs_engine_reap(l->e);
}

int xs_loop_epoll(struct xs_loop *l)
{
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	int rc;

	if (epfd < 0) {
		return -errno;
	}
	rc = xs_epoll_init(l, epfd);
	if (!rc) {
		rc = xs_loop_ready(l);
	}
	while (!rc && !*l->stop) {
		xs_epoll_once(l, epfd);
	}
	close(epfd);
	return rc;
}
