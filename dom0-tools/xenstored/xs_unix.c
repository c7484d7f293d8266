// SPDX-License-Identifier: MIT
/*
 * Unix-socket transport. Sockets are non-blocking; a client that stops
 * reading is throttled by the engine and dropped past XS_OUT_HARD. Input is
 * read ahead into a small per-client buffer (struct xs_unix_conn).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xs_unix.h"

/*
 * Per-client transport state. Input is read ahead a buffer at a time, so a
 * request normally costs one recv(2) for header and payload together.
 *
 * Two ways to drive it. With epoll(7) the socket is read again only once
 * epoll reports it readable (after a short read it is known to be empty),
 * and replies leave through send(2) from the engine's queue. With io_uring
 * (xs_unix_uring_*) the daemon keeps one receive into buf in flight and
 * hands replies to the kernel from sbuf, a copy, since the engine's queue
 * may move while a send is in flight.
 */
struct xs_unix_conn {
	int fd;
	bool readable;
	bool in_epoll;
	uint32_t ep_mask; /* events registered with the daemon's epoll set */
	uint32_t head, len; /* buffered input is buf[head .. len) */
	/* io_uring only (ur != NULL). */
	struct xs_unix_uring *ur;
	struct xs_conn *conn; /* NULL once closed: waiting for completions */
	uint32_t inflight; /* completions the kernel still owes us */
	bool recv_busy; /* a receive into buf is in flight */
	bool drained; /* the last receive emptied the socket */
	bool send_busy; /* a send from sbuf is in flight */
	uint32_t send_off, send_len; /* sbuf[send_off .. send_len) unsent */
	uint32_t send_cap;
	uint8_t *sbuf;
	struct xs_unix_conn *next_zombie;
	uint8_t buf[4096];
};

static struct xs_unix_conn *xs_unix_priv(const struct xs_conn *c)
{
	return c->priv;
}

static long xs_unix_read(struct xs_conn *c, void *buf, size_t len)
{
	struct xs_unix_conn *u = xs_unix_priv(c);
	ssize_t n;

	if (u->head == u->len) {
		if (!u->readable || u->ur) {
			return 0;
		}
		u->head = 0;
		u->len = 0;
		n = recv(u->fd, u->buf, sizeof(u->buf), 0);
		if (n == 0) {
			return -EPIPE;
		}
		if (n < 0) {
			u->readable = false;
			return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
		}
		u->len = (uint32_t)n;
		u->readable = (size_t)n == sizeof(u->buf);
	}
	if (len > u->len - u->head) {
		len = u->len - u->head;
	}
	memcpy(buf, u->buf + u->head, len);
	u->head += (uint32_t)len;
	return (long)len;
}

static long xs_unix_write(struct xs_conn *c, const void *buf, size_t len)
{
	ssize_t n;

	if (xs_unix_priv(c)->ur) {
		return 0; /* replies leave through the ring: xs_unix_uring_arm() */
	}
	n = send(xs_unix_priv(c)->fd, buf, len, MSG_NOSIGNAL);

	if (n >= 0) {
		return n;
	}
	return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
}

static void xs_unix_free(struct xs_unix_conn *u)
{
	close(u->fd);
	free(u->sbuf);
	free(u);
}

/*
 * With io_uring operations in flight the buffers must outlive the
 * connection: shut the socket down, which completes them (a receive
 * returns 0, a send fails), and free once the last completion came.
 */
static void xs_unix_close(struct xs_conn *c)
{
	struct xs_unix_conn *u = xs_unix_priv(c);

	c->priv = NULL;
	if (u->inflight) {
		shutdown(u->fd, SHUT_RDWR);
		u->conn = NULL;
		u->next_zombie = u->ur->zombies;
		u->ur->zombies = u;
		return;
	}
	xs_unix_free(u);
}

static const struct xs_conn_ops xs_unix_ops = {
	.read = xs_unix_read,
	.write = xs_unix_write,
	.close = xs_unix_close,
};

int xs_unix_fd(const struct xs_conn *c)
{
	return xs_unix_priv(c)->fd;
}

bool xs_unix_is(const struct xs_conn *c)
{
	return c->ops == &xs_unix_ops;
}

/* poll(2) saw the socket readable (or hung up): read it again. */
void xs_unix_mark_readable(struct xs_conn *c)
{
	xs_unix_priv(c)->readable = true;
}

/* Register or update the client's epoll interest if it changed. */
int xs_unix_epoll_sync(struct xs_conn *c, int epfd, uint32_t mask)
{
	struct xs_unix_conn *u = xs_unix_priv(c);
	struct epoll_event ev = { .events = mask, .data.ptr = c };

	if (u->in_epoll && u->ep_mask == mask) {
		return 0;
	}
	if (epoll_ctl(epfd, u->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, u->fd,
		      &ev) < 0) {
		return -errno;
	}
	u->in_epoll = true;
	u->ep_mask = mask;
	return 0;
}

/* Input already read from the socket and not yet taken by the engine. */
bool xs_unix_has_input(const struct xs_conn *c)
{
	const struct xs_unix_conn *u = xs_unix_priv(c);

	return u->head != u->len;
}

/* Create the listening socket (parent directory made if missing). */
int xs_unix_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 64) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	chmod(path, 0600);
	return fd;
}

struct xs_conn *xs_unix_accept(struct xs_engine *e, int lfd)
{
	struct xs_unix_conn *u;
	struct xs_conn *c;
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0) {
		return NULL;
	}
	u = malloc(sizeof(*u));
	c = u ? xs_conn_new(e, 0, true) : NULL;
	if (!c) {
		free(u);
		close(fd);
		return NULL;
	}
	*u = (struct xs_unix_conn){ .fd = fd, .readable = true };
	c->ops = &xs_unix_ops;
	c->priv = u;
	return c;
}

/* ---- io_uring ----------------------------------------------------------- */

/* Low bits of an operation's user_data (the transport is 8-aligned). */
#define XS_UNIX_UD_RECV 0u
#define XS_UNIX_UD_SEND 1u
#define XS_UNIX_UD_OP 7u

_Static_assert(_Alignof(struct xs_unix_conn) >= 8, "user_data tag bits");

/* Drive this client through the ring from now on. */
void xs_unix_uring_attach(struct xs_conn *c, struct xs_unix_uring *ur)
{
	struct xs_unix_conn *u = xs_unix_priv(c);

	u->ur = ur;
	u->conn = c;
}

/* Move queued output (up to XS_OUT_SOFT) into sbuf; false if none. */
static bool xs_unix_take_output(struct xs_conn *c, struct xs_unix_conn *u)
{
	const uint8_t *p;
	size_t n = xs_conn_out_peek(c, &p);
	uint32_t cap;
	uint8_t *b;

	if (n > XS_OUT_SOFT) {
		n = XS_OUT_SOFT;
	}
	if (n > u->send_cap) {
		cap = u->send_cap ? u->send_cap : 4096;
		while (cap < n) {
			cap *= 2;
		}
		b = realloc(u->sbuf, cap);
		if (b) {
			u->sbuf = b;
			u->send_cap = cap;
		} else {
			n = u->send_cap; /* what fits now, the rest later */
		}
	}
	if (n == 0) {
		return false;
	}
	memcpy(u->sbuf, p, n);
	xs_conn_out_consume(c, n);
	u->send_off = 0;
	u->send_len = (uint32_t)n;
	return true;
}

static uint64_t xs_unix_ud(struct xs_unix_conn *u, unsigned op)
{
	return (uint64_t)(uintptr_t)u | op;
}

static bool xs_unix_queue_send(struct xs_unix_conn *u)
{
	struct io_uring_sqe *sqe =
		xs_uring_sqe(&u->ur->ring, IORING_OP_SEND, u->fd,
			     xs_unix_ud(u, XS_UNIX_UD_SEND));

	if (!sqe) {
		return false;
	}
	sqe->addr = (uint64_t)(uintptr_t)(u->sbuf + u->send_off);
	sqe->len = u->send_len - u->send_off;
	sqe->msg_flags = MSG_WAITALL | MSG_NOSIGNAL;
	u->send_busy = true;
	u->inflight++;
	return true;
}

static bool xs_unix_queue_recv(struct xs_unix_conn *u)
{
	struct io_uring_sqe *sqe =
		xs_uring_sqe(&u->ur->ring, IORING_OP_RECV, u->fd,
			     xs_unix_ud(u, XS_UNIX_UD_RECV));

	if (!sqe) {
		return false;
	}
	sqe->addr = (uint64_t)(uintptr_t)u->buf;
	sqe->len = sizeof(u->buf);
	if (u->drained && u->ur->ring.poll_first) {
		/* Nothing to read yet: wait for data without trying. */
		sqe->ioprio = IORING_RECVSEND_POLL_FIRST;
	}
	u->recv_busy = true;
	u->inflight++;
	return true;
}

/* Hand buffered input to the engine, as much as it takes. */
static void xs_unix_feed(struct xs_conn *c, struct xs_unix_conn *u)
{
	size_t want, n;

	while (u->head < u->len && (want = xs_conn_want(c)) > 0) {
		n = u->len - u->head;
		if (n > want) {
			n = want;
		}
		if (xs_conn_feed(c, u->buf + u->head, n)) {
			c->dead = true;
			return;
		}
		u->head += (uint32_t)n;
	}
}

/*
 * Before the daemon waits: serve input held back by back-pressure, hand
 * queued output to the kernel, and keep a receive in flight while the
 * engine takes input. Returns XS_UNIX_ARM_READY if input is ready to be
 * served at once (the daemon must not wait), XS_UNIX_ARM_SEND if a send
 * was queued.
 */
unsigned xs_unix_uring_arm(struct xs_conn *c)
{
	struct xs_unix_conn *u = xs_unix_priv(c);
	unsigned rc = 0;

	xs_unix_feed(c, u);
	if (c->dead) {
		return 0;
	}
	if (!u->send_busy &&
	    (u->send_off < u->send_len || xs_unix_take_output(c, u))) {
		if (xs_unix_queue_send(u)) {
			rc |= XS_UNIX_ARM_SEND;
		}
	}
	if (!u->recv_busy && !xs_unix_has_input(c) && xs_conn_want(c)) {
		xs_unix_queue_recv(u);
	}
	if (xs_unix_has_input(c) && xs_conn_want(c)) {
		rc |= XS_UNIX_ARM_READY;
	}
	return rc;
}

static void xs_unix_zombie_free(struct xs_unix_uring *ur,
				struct xs_unix_conn *u)
{
	struct xs_unix_conn **pp = &ur->zombies;

	while (*pp != u) {
		pp = &(*pp)->next_zombie;
	}
	*pp = u->next_zombie;
	xs_unix_free(u);
}

static void xs_unix_sent(struct xs_conn *c, struct xs_unix_conn *u, int32_t res)
{
	u->send_busy = false;
	if (res <= 0) {
		c->dead = true;
		return;
	}
	u->send_off += (uint32_t)res;
	if (u->send_off >= u->send_len) {
		u->send_off = 0;
		u->send_len = 0;
	}
}

static void xs_unix_received(struct xs_conn *c, struct xs_unix_conn *u,
			     int32_t res)
{
	u->recv_busy = false;
	if (res <= 0) {
		c->dead = true; /* end of stream or error */
		return;
	}
	u->head = 0;
	u->len = (uint32_t)res;
	u->drained = (uint32_t)res < sizeof(u->buf);
	xs_unix_feed(c, u);
}

/* A completion whose user_data is a client's (not one of the loop's). */
void xs_unix_uring_done(struct xs_unix_uring *ur, uint64_t user_data,
			int32_t res)
{
	struct xs_unix_conn *u =
		(void *)(uintptr_t)(user_data & ~(uint64_t)XS_UNIX_UD_OP);
	bool send = (user_data & XS_UNIX_UD_OP) == XS_UNIX_UD_SEND;

	u->inflight--;
	if (!u->conn) {
		if (!u->inflight) {
			xs_unix_zombie_free(ur, u);
		}
	} else if (send) {
		xs_unix_sent(u->conn, u, res);
	} else {
		xs_unix_received(u->conn, u, res);
	}
}

/* After the ring is gone: free what still waited for completions. */
void xs_unix_uring_fini(struct xs_unix_uring *ur)
{
	struct xs_unix_conn *u;

	while ((u = ur->zombies)) {
		ur->zombies = u->next_zombie;
		xs_unix_free(u);
	}
}
