// SPDX-License-Identifier: MIT
/*
 * xenstored: Sable's XenStore daemon. One thread, one event loop (io_uring
 * or epoll), every descriptor non-blocking; the request engine itself does
 * no I/O. Everything is opened at start; the loop then confines the daemon
 * (xs_sandbox.c) before it serves its first request.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xs_engine.h"
#include "xs_loop.h"
#include "xs_sandbox.h"
#include "xs_unix.h"
#include "xs_xen.h"

#define XS_DEFAULT_SOCKET "/var/run/xenstored/socket"

struct xs_opts {
	const char *socket;
	int dom0_ring; /* -1 auto, 0 off, 1 on */
	bool epoll; /* never io_uring */
	bool sandbox; /* confine the daemon (--no-sandbox clears) */
	bool set_ids; /* --user */
	uint32_t uid;
	uint32_t gid;
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
		"  --epoll              wait in epoll(7), not io_uring(7)\n"
		"  --user UID[:GID]     serve as this user and group, with no\n"
		"                       supplementary groups\n"
		"  --no-sandbox         keep root, capabilities and every\n"
		"                       system call (debugging only)\n"
		"  -Q, --quota NAME=VALUE  nodes, watches, transactions,\n"
		"                       outstanding, node-size, permissions,\n"
		"                       transaction-nodes, path-length,\n"
		"                       memory (0 = unlimited)\n"
		"  -E N -S N -W N -t N -A N -M N  nodes, node-size,\n"
		"                       watches, transactions, permissions,\n"
		"                       path-length\n"
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

/* --user UID[:GID], numeric (no user database inside the sandbox). */
static int xs_opt_user(struct xs_opts *o, char *v)
{
	char *colon = strchr(v, ':');

	if (colon) {
		*colon = '\0';
	}
	if (xs_parse_u32(v, UINT32_MAX - 1, &o->uid) ||
	    (colon && xs_parse_u32(colon + 1, UINT32_MAX - 1, &o->gid))) {
		fprintf(stderr, "xenstored: bad --user (UID[:GID])\n");
		return -EINVAL;
	}
	if (!colon) {
		o->gid = o->uid;
	}
	o->set_ids = true;
	return 0;
}

static int xs_parse_opts(int argc, char **argv, struct xs_opts *o)
{
	static const struct option lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "dom0-ring", no_argument, NULL, 'd' },
		{ "no-dom0-ring", no_argument, NULL, 'D' },
		{ "epoll", no_argument, NULL, 'P' },
		{ "quota", required_argument, NULL, 'q' },
		{ "user", required_argument, NULL, 'u' },
		{ "no-sandbox", no_argument, NULL, 'X' },
		{ "no-fork", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *eq;
	int ch, rc = 0;

	o->socket = getenv("XENSTORED_PATH");
	o->dom0_ring = -1;
	o->epoll = false;
	o->sandbox = true;
	o->set_ids = false;
	xs_quota_default(&o->quota);
	while (!rc && (ch = getopt_long(argc, argv, "E:S:W:t:A:M:Q:Nh", lopts,
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
		case 'P':
			o->epoll = true;
			break;
		case 'N':
			break;
		case 'u':
			rc = xs_opt_user(o, optarg);
			break;
		case 'X':
			o->sandbox = false;
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
		case 'M':
			rc = xs_opt_quota(o, "path-length", optarg);
			break;
		case 'Q':
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
	if (!rc && o->set_ids && !o->sandbox) {
		fprintf(stderr, "xenstored: --user needs the sandbox\n");
		rc = -EINVAL;
	}
	return rc;
}

/* No SA_RESTART: a signal ends the wait of either loop with EINTR. */
static void xs_signals(void)
{
	struct sigaction sa = { .sa_handler = xs_on_signal };

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/*
 * Descriptors inherited from whoever started the daemon are not its own
 * to keep (only stdin, stdout and stderr are).
 */
static void xs_close_inherited(void)
{
	if (syscall(__NR_close_range, 3u, ~0u, 0u) == 0) {
		return;
	}
	for (int fd = 3; fd < 1024; fd++) {
		close(fd);
	}
}

/* The loop has all its descriptors: confine the daemon (xs_loop.h). */
static int xs_confine(void *arg)
{
	struct xs_sandbox *sb = arg;
	const char *why = "";
	int rc = xs_sandbox_enter(sb, &why);

	if (rc) {
		fprintf(stderr, "xenstored: sandbox: %s: %s\n", why,
			strerror(-rc));
		return rc;
	}
	fprintf(stderr, "xenstored: sandboxed, root %s\n",
		sb->chrooted ? "the socket's directory" : "unchanged");
	return 0;
}

/* io_uring unless told otherwise or unavailable, then epoll. */
static int xs_serve(struct xs_loop *l, bool epoll)
{
	int rc = epoll ? -ENOSYS : xs_loop_uring(l);

	if (rc && !l->ready_rc) {
		if (!epoll) {
			fprintf(stderr, "xenstored: no io_uring (%s), epoll\n",
				strerror(-rc));
		}
		rc = xs_loop_epoll(l);
	}
	if (rc) {
		fprintf(stderr, "xenstored: event loop: %s\n", strerror(-rc));
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct xs_opts o;
	struct xs_engine e;
	struct xs_xen x;
	struct xs_loop l = { .e = &e, .x = &x, .stop = &xs_stop };
	struct xs_sandbox sb = { 0 };
	uint32_t ioctls[XS_XEN_MAX_IOCTLS];
	const char *sock;
	int lfd, rc = 1;

	if (xs_parse_opts(argc, argv, &o)) {
		xs_usage(stderr);
		return 2;
	}
	xs_close_inherited();
	sb.socket = o.socket;
	sb.ioctls = ioctls;
	sb.nioctls = xs_xen_ioctls(ioctls);
	sb.set_ids = o.set_ids;
	sb.uid = (uid_t)o.uid;
	sb.gid = (gid_t)o.gid;
	xs_signals();
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
	if (o.sandbox) {
		l.ready = xs_confine;
		l.ready_arg = &sb;
	}
	fprintf(stderr, "xenstored: listening on %s\n", o.socket);
	if (!xs_serve(&l, o.epoll)) {
		rc = 0;
	}
out_close:
	close(lfd);
	sock = o.sandbox ? xs_sandbox_socket_path(&sb) : o.socket;
	if (sock) {
		unlink(sock);
	}
	xs_engine_fini(&e);
	xs_xen_close(&x);
	return rc;
out:
	xs_engine_fini(&e);
	return rc;
}
