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
 * request normally costs one recv(2) for header and payload together, and
 * the socket is only read again once poll(2) reports it readable: after a
 * short read it is known to be empty.
 */
struct xs_unix_conn {
	int fd;
	bool readable;
	bool in_epoll;
	uint32_t ep_mask; /* events registered with the daemon's epoll set */
	uint32_t head, len; /* buffered input is buf[head .. len) */
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
		if (!u->readable) {
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
	ssize_t n = send(xs_unix_priv(c)->fd, buf, len, MSG_NOSIGNAL);

	if (n >= 0) {
		return n;
	}
	return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
}

static void xs_unix_close(struct xs_conn *c)
{
	struct xs_unix_conn *u = xs_unix_priv(c);

	close(u->fd);
	free(u);
	c->priv = NULL;
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
