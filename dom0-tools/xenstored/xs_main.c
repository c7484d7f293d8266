// SPDX-License-Identifier: MIT
/*
 * xenstored: Sable's XenStore daemon. One thread, one epoll(7) loop, every
 * descriptor non-blocking; the request engine itself does no I/O.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "xs_engine.h"
#include "xs_unix.h"
#include "xs_xen.h"

#define XS_DEFAULT_SOCKET "/var/run/xenstored/socket"

struct xs_opts {
	const char *socket;
	int dom0_ring; /* -1 auto, 0 off, 1 on */
	struct xs_quota quota;
};

static volatile sig_atomic_t xs_stop;

static void xs_on_signal(int sig)
{
	(void)sig;
	xs_stop = 1;
}

static void xs_usage(FILE *f)
{
	fprintf(f,
		"usage: xenstored [options]\n"
		"  --socket PATH        listen here (default $XENSTORED_PATH,\n"
		"                       else " XS_DEFAULT_SOCKET ")\n"
		"  --dom0-ring          serve dom0's ring (default: if\n"
		"                       /proc/xen/xsd_kva exists)\n"
		"  --no-dom0-ring       do not\n"
		"  --quota NAME=VALUE   nodes, watches, transactions,\n"
		"                       outstanding, node-size, permissions,\n"
		"                       transaction-nodes (0 = unlimited)\n"
		"  -E N -S N -W N -t N -A N  nodes, node-size, watches,\n"
		"                       transactions, permissions\n"
		"  -N, --no-fork        accepted; the daemon never forks\n");
}

static int xs_opt_quota(struct xs_opts *o, const char *name, const char *v)
{
	uint32_t val;

	if (xs_parse_u32(v, UINT32_MAX, &val) ||
	    xs_quota_set(&o->quota, name, val)) {
		fprintf(stderr, "xenstored: bad quota %s=%s\n", name, v);
		return -EINVAL;
	}
	return 0;
}

static int xs_parse_opts(int argc, char **argv, struct xs_opts *o)
{
	static const struct option lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "dom0-ring", no_argument, NULL, 'd' },
		{ "no-dom0-ring", no_argument, NULL, 'D' },
		{ "quota", required_argument, NULL, 'q' },
		{ "no-fork", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *eq;
	int ch, rc = 0;

	o->socket = getenv("XENSTORED_PATH");
	o->dom0_ring = -1;
	xs_quota_default(&o->quota);
	while (!rc && (ch = getopt_long(argc, argv, "E:S:W:t:A:Nh", lopts,
					NULL)) != -1) {
		switch (ch) {
		case 's':
			o->socket = optarg;
			break;
		case 'd':
			o->dom0_ring = 1;
			break;
		case 'D':
			o->dom0_ring = 0;
			break;
		case 'N':
			break;
		case 'E':
			rc = xs_opt_quota(o, "nodes", optarg);
			break;
		case 'S':
			rc = xs_opt_quota(o, "node-size", optarg);
			break;
		case 'W':
			rc = xs_opt_quota(o, "watches", optarg);
			break;
		case 't':
			rc = xs_opt_quota(o, "transactions", optarg);
			break;
		case 'A':
			rc = xs_opt_quota(o, "permissions", optarg);
			break;
		case 'q':
			eq = strchr(optarg, '=');
			if (!eq) {
				rc = -EINVAL;
				break;
			}
			*eq = '\0';
			rc = xs_opt_quota(o, optarg, eq + 1);
			break;
		case 'h':
			xs_usage(stdout);
			exit(0);
		default:
			rc = -EINVAL;
			break;
		}
	}
	if (!o->socket || !*o->socket) {
		o->socket = XS_DEFAULT_SOCKET;
	}
	return rc;
}

/*
 * The event loop waits in epoll(7): the set of descriptors is kept across
 * rounds (a client's interest changes only with back-pressure or queued
 * output), so a round costs one epoll_wait(2) and no per-descriptor setup.
 */
#define XS_EV_LISTEN 1
#define XS_EV_EVTCHN 2
#define XS_MAX_EVENTS 64

struct xs_loop {
	int epfd;
	int lfd;
	struct xs_engine *e;
	struct xs_xen *x;
};

static int xs_loop_init(struct xs_loop *l)
{
	struct epoll_event ev = { .events = EPOLLIN };

	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		return -errno;
	}
	ev.data.u64 = XS_EV_LISTEN;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->lfd, &ev) < 0) {
		return -errno;
	}
	if (l->x->evtchn_fd >= 0) {
		ev.data.u64 = XS_EV_EVTCHN;
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->x->evtchn_fd, &ev)) {
			return -errno;
		}
	}
	return 0;
}

/* Bring every client's epoll interest up to date; returns the timeout. */
static int xs_loop_interest(struct xs_loop *l)
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
		if (xs_unix_epoll_sync(c, l->epfd, mask)) {
			c->dead = true;
		}
	}
	return timeout;
}

/* One round: wait, accept, serve whatever is ready, reap. */
static void xs_loop_once(struct xs_loop *l)
{
	struct epoll_event ev[XS_MAX_EVENTS];
	struct xs_conn *c;
	const uint8_t *p;
	int n, i;

	n = epoll_wait(l->epfd, ev, XS_MAX_EVENTS, xs_loop_interest(l));
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

int main(int argc, char **argv)
{
	struct xs_opts o;
	struct xs_engine e;
	struct xs_xen x;
	struct xs_loop l = { .epfd = -1, .e = &e, .x = &x };
	int lfd, rc = 1;

	if (xs_parse_opts(argc, argv, &o)) {
		xs_usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, xs_on_signal);
	signal(SIGINT, xs_on_signal);
	if (xs_engine_init(&e, &o.quota)) {
		fprintf(stderr, "xenstored: out of memory\n");
		return 1;
	}
	lfd = xs_unix_listen(o.socket);
	if (lfd < 0) {
		fprintf(stderr, "xenstored: cannot listen on %s: %s\n",
			o.socket, strerror(-lfd));
		goto out;
	}
	xs_xen_open(&x);
	e.plat = &xs_xen_platform;
	e.plat_arg = &x;
	if (o.dom0_ring == 1 ||
	    (o.dom0_ring == -1 && xs_xen_dom0_available())) {
		if (xs_xen_attach_dom0(&x, &e)) {
			fprintf(stderr, "xenstored: no dom0 ring\n");
			if (o.dom0_ring == 1) {
				goto out_close;
			}
		}
	}
	l.lfd = lfd;
	if (xs_loop_init(&l)) {
		fprintf(stderr, "xenstored: epoll: %s\n", strerror(errno));
		goto out_close;
	}
	fprintf(stderr, "xenstored: listening on %s\n", o.socket);
	while (!xs_stop) {
		xs_loop_once(&l);
	}
	rc = 0;
out_close:
	if (l.epfd >= 0) {
		close(l.epfd);
	}
	close(lfd);
	unlink(o.socket);
	xs_engine_fini(&e);
	xs_xen_close(&x);
	return rc;
out:
	xs_engine_fini(&e);
	return rc;
}
