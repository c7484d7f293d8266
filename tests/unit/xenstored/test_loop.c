// SPDX-License-Identifier: MIT
/*
 * The daemon's event loops (io_uring and epoll) over a real Unix socket:
 * the loop runs in a thread, the test is its client.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ut.h"
#include "xs_loop.h"
#include "xs_unix.h"

/* Platform doubles: no Xen on the host, nothing to serve. */
void xs_xen_events(struct xs_xen *x, struct xs_engine *e)
{
	(void)x;
	(void)e;
}

void xs_xen_service_all(struct xs_xen *x, struct xs_engine *e)
{
	(void)x;
	(void)e;
}

struct xt_loop {
	struct xs_engine e;
	struct xs_xen x;
	struct xs_loop l;
	volatile sig_atomic_t stop;
	char dir[64];
	char path[96];
	bool epoll;
	int rc;
	pthread_t th;
};

static void *xt_loop_main(void *arg)
{
	struct xt_loop *t = arg;

	t->rc = t->epoll ? xs_loop_epoll(&t->l) : xs_loop_uring(&t->l);
	return NULL;
}

static void xt_loop_start(struct xt_loop *t, bool epoll)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->dir, "/tmp/xs-loop-XXXXXX");
	ASSERT_TRUE(mkdtemp(t->dir) != NULL);
	snprintf(t->path, sizeof(t->path), "%s/sock", t->dir);
	ASSERT_EQ(xs_engine_init(&t->e, NULL), 0);
	t->x.evtchn_fd = -1;
	t->l.lfd = xs_unix_listen(t->path);
	ASSERT_TRUE(t->l.lfd >= 0);
	t->l.e = &t->e;
	t->l.x = &t->x;
	t->l.stop = &t->stop;
	t->epoll = epoll;
	ASSERT_EQ(pthread_create(&t->th, NULL, xt_loop_main, t), 0);
}

static int xt_connect(const struct xt_loop *t)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { .tv_sec = 5 };

	ASSERT_TRUE(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", t->path);
	ASSERT_EQ(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Stop the loop (a new connection ends its wait) and clean up. */
static int xt_loop_stop(struct xt_loop *t)
{
	t->stop = 1;
	close(xt_connect(t));
	pthread_join(t->th, NULL);
	close(t->l.lfd);
	unlink(t->path);
	rmdir(t->dir);
	xs_engine_fini(&t->e);
	return t->rc;
}

static void xt_put(uint8_t *buf, size_t *off, uint32_t type, uint32_t id,
		   uint32_t tx, const char *a, size_t alen)
{
	struct xsd_sockmsg h = { type, id, tx, (uint32_t)alen };

	memcpy(buf + *off, &h, sizeof(h));
	memcpy(buf + *off + sizeof(h), a, alen);
	*off += sizeof(h) + alen;
}

static void xt_send(int fd, uint32_t type, uint32_t id, const char *a,
		    size_t alen)
{
	uint8_t buf[sizeof(struct xsd_sockmsg) + 256];
	size_t n = 0;

	xt_put(buf, &n, type, id, 0, a, alen);
	ASSERT_EQ(send(fd, buf, n, 0), (ssize_t)n);
}

static bool xt_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = recv(fd, p, len, 0);
		if (n <= 0) {
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* The next message: its type, payload in data (NUL-terminated). */
static uint32_t xt_recv(int fd, uint32_t *id, char *data, size_t size)
{
	struct xsd_sockmsg h;

	ASSERT_TRUE(xt_full(fd, &h, sizeof(h)));
	ASSERT_TRUE(h.len < size);
	ASSERT_TRUE(xt_full(fd, data, h.len));
	data[h.len] = '\0';
	*id = h.req_id;
	return h.type;
}

static void xt_loop_serves(bool epoll)
{
	static uint8_t batch[200 * 64];
	struct xt_loop t;
	char data[XENSTORE_PAYLOAD_MAX + 1];
	uint32_t id, i;
	size_t n = 0;
	int a, w;

	xt_loop_start(&t, epoll);
	a = xt_connect(&t);
	w = xt_connect(&t);
	/* A request, its reply. */
	xt_send(a, XS_WRITE, 1, "/l/x\0one", 8);
	EXPECT_EQ(xt_recv(a, &id, data, sizeof(data)), XS_WRITE);
	EXPECT_EQ(id, 1);
	xt_send(a, XS_READ, 2, "/l/x", 5);
	EXPECT_EQ(xt_recv(a, &id, data, sizeof(data)), XS_READ);
	EXPECT_STREQ(data, "one");
	/* Watch events reach a client that is only waiting. */
	xt_send(w, XS_WATCH, 3, "/l\0tok", 7);
	EXPECT_EQ(xt_recv(w, &id, data, sizeof(data)), XS_WATCH);
	EXPECT_EQ(xt_recv(w, &id, data, sizeof(data)), XS_WATCH_EVENT);
	xt_send(a, XS_WRITE, 4, "/l/x\0two", 8);
	EXPECT_EQ(xt_recv(a, &id, data, sizeof(data)), XS_WRITE);
	EXPECT_EQ(xt_recv(w, &id, data, sizeof(data)), XS_WATCH_EVENT);
	EXPECT_STREQ(data, "/l/x");
	/* Many requests in one send: every reply, in order. */
	for (i = 0; i < 200; i++) {
		xt_put(batch, &n, XS_READ, 100 + i, 0, "/l/x", 5);
	}
	ASSERT_EQ(send(a, batch, n, 0), (ssize_t)n);
	for (i = 0; i < 200; i++) {
		EXPECT_EQ(xt_recv(a, &id, data, sizeof(data)), XS_READ);
		EXPECT_EQ(id, 100 + i);
	}
	/* A client gone mid-message; the others are still served. */
	ASSERT_EQ(send(w, batch, 20, 0), 20);
	close(w);
	xt_send(a, XS_READ, 5, "/l/x", 5);
	EXPECT_EQ(xt_recv(a, &id, data, sizeof(data)), XS_READ);
	EXPECT_STREQ(data, "two");
	close(a);
	EXPECT_EQ(xt_loop_stop(&t), 0);
}

static const uint8_t xt_ops[] = { IORING_OP_RECV };

TEST(xs_loop_uring_serves_clients)
{
	struct xs_uring r;

	if (xs_uring_init(&r, 8, xt_ops, sizeof(xt_ops))) {
		printf("  (no io_uring here: the daemon uses epoll)\n");
		return;
	}
	xs_uring_fini(&r);
	xt_loop_serves(false);
}

TEST(xs_loop_epoll_serves_clients)
{
	xt_loop_serves(true);
}

/* A ready() that counts its calls and answers as told. */
struct xt_ready {
	int calls;
	int rc;
	volatile sig_atomic_t *stop;
};

static int xt_ready_hook(void *arg)
{
	struct xt_ready *r = arg;

	r->calls++;
	*r->stop = 1; /* nothing may be served after a refusal either */
	return r->rc;
}

/* Each loop calls ready() once, before serving; its error ends the loop. */
static void xt_loop_ready(bool epoll)
{
	struct xt_loop t;
	struct xt_ready r;
	int want;

	for (want = 0; want >= -1; want--) {
		memset(&t, 0, sizeof(t));
		strcpy(t.dir, "/tmp/xs-ready-XXXXXX");
		ASSERT_TRUE(mkdtemp(t.dir) != NULL);
		snprintf(t.path, sizeof(t.path), "%s/sock", t.dir);
		ASSERT_EQ(xs_engine_init(&t.e, NULL), 0);
		t.x.evtchn_fd = -1;
		t.l = (struct xs_loop){ .lfd = xs_unix_listen(t.path),
					.e = &t.e,
					.x = &t.x,
					.stop = &t.stop,
					.ready = xt_ready_hook,
					.ready_arg = &r };
		r = (struct xt_ready){ .rc = want ? -EPERM : 0,
				       .stop = &t.stop };
		ASSERT_TRUE(t.l.lfd >= 0);
		EXPECT_EQ(epoll ? xs_loop_epoll(&t.l) : xs_loop_uring(&t.l),
			  r.rc);
		EXPECT_EQ(r.calls, 1);
		EXPECT_EQ(t.l.ready_rc, r.rc);
		EXPECT_EQ(xs_loop_ready(&t.l), r.rc); /* not called again */
		EXPECT_EQ(r.calls, 1);
		close(t.l.lfd);
		unlink(t.path);
		rmdir(t.dir);
		xs_engine_fini(&t.e);
	}
}

TEST(xs_loop_uring_confines_before_serving)
{
	struct xs_uring r;

	if (xs_uring_init(&r, 8, xt_ops, sizeof(xt_ops))) {
		printf("  (no io_uring here)\n");
		return;
	}
	xs_uring_fini(&r);
	xt_loop_ready(false);
}

TEST(xs_loop_epoll_confines_before_serving)
{
	xt_loop_ready(true);
}
