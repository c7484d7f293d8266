// SPDX-License-Identifier: MIT
/*
 * Unix-socket transport. Sockets are non-blocking; a client that stops
 * reading is throttled by the engine and dropped past XS_OUT_HARD.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xs_unix.h"

static long xs_unix_read(struct xs_conn *c, void *buf, size_t len)
{
	ssize_t n = recv(xs_unix_fd(c), buf, len, 0);

	if (n > 0) {
		return n;
	}
	if (n == 0) {
		return -EPIPE;
	}
	return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
}

static long xs_unix_write(struct xs_conn *c, const void *buf, size_t len)
{
	ssize_t n = send(xs_unix_fd(c), buf, len, MSG_NOSIGNAL);

	if (n >= 0) {
		return n;
	}
	return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
}

static void xs_unix_close(struct xs_conn *c)
{
	close(xs_unix_fd(c));
}

static const struct xs_conn_ops xs_unix_ops = {
	.read = xs_unix_read,
	.write = xs_unix_write,
	.close = xs_unix_close,
};

int xs_unix_fd(const struct xs_conn *c)
{
	return (int)(intptr_t)c->priv;
}

bool xs_unix_is(const struct xs_conn *c)
{
	return c->ops == &xs_unix_ops;
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
	struct xs_conn *c;
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0) {
		return NULL;
	}
	c = xs_conn_new(e, 0, true);
	if (!c) {
		close(fd);
		return NULL;
	}
	c->ops = &xs_unix_ops;
	c->priv = (void *)(intptr_t)fd;
	return c;
}
