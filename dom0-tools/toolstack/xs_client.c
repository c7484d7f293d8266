/* SPDX-License-Identifier: MIT */
/* The toolstack's XenStore client: see xs_client.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <public/io/xs_errors.h>
#include <public/io/xs_wire.h>

#include "xs_client.h"

/* errno for an ERROR reply's name; unknown names count as EINVAL. */
static int xs_client_errno(const char *name)
{
	size_t i;

	for (i = 0; i < XSD_NR_ERRORS; i++) {
		if (strcmp(xsd_errors[i].name, name) == 0) {
			return -xsd_errors[i].err;
		}
	}
	return -EINVAL;
}

int xs_client_open(struct xs_client *c, const char *path,
		   unsigned int timeout_s)
{
	struct timeval tv = { .tv_sec = timeout_s };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int rc;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->next_req_id = 1;
	if (!path) {
		path = getenv("XENSTORED_PATH");
	}
	if (!path || !*path) {
		path = XS_CLIENT_DEFAULT_PATH;
	}
	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		return -errno;
	}
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		rc = -errno;
		xs_client_close(c);
		return rc;
	}
	return 0;
}

void xs_client_close(struct xs_client *c)
{
	if (c->fd >= 0) {
		close(c->fd);
	}
	c->fd = -1;
}

/* A socket timeout shows as EAGAIN; say what it means. */
static int xs_client_io_error(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
}

static int xs_client_send(struct xs_client *c, const struct xsd_sockmsg *h,
			  const void *payload)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)h, .iov_len = sizeof(*h) },
		{ .iov_base = (void *)payload, .iov_len = h->len },
	};
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	while (iov[0].iov_len + iov[1].iov_len) {
		n = sendmsg(c->fd, &m, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return xs_client_io_error();
		}
		/* A short send: skip what went out and send the rest. */
		for (int i = 0; i < 2 && n > 0; i++) {
			size_t k = (size_t)n < iov[i].iov_len ? (size_t)n
							      : iov[i].iov_len;

			iov[i].iov_base = (char *)iov[i].iov_base + k;
			iov[i].iov_len -= k;
			n -= (ssize_t)k;
		}
	}
	return 0;
}

static int xs_client_recv(struct xs_client *c, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(c->fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return xs_client_io_error();
		}
		if (n == 0) {
			return -EIO; /* the daemon closed the connection */
		}
		got += (size_t)n;
	}
	return 0;
}

/* Read messages until the reply to @req_id; watch events are counted. */
static int xs_client_reply(struct xs_client *c, uint32_t req_id,
			   struct xsd_sockmsg *h, char *body)
{
	int rc;

	for (;;) {
		rc = xs_client_recv(c, h, sizeof(*h));
		if (rc) {
			return rc;
		}
		if (h->len > XENSTORE_PAYLOAD_MAX) {
			return -EPROTO;
		}
		rc = xs_client_recv(c, body, h->len);
		if (rc) {
			return rc;
		}
		body[h->len] = '\0';
		if (h->type == XS_WATCH_EVENT) {
			c->events++;
		} else if (h->req_id == req_id) {
			return 0;
		} else if ((int32_t)(req_id - h->req_id) <= 0) {
			return -EPROTO;
		}
		/* Else the late reply to a request that timed out: skipped. */
	}
}

int xs_client_request(struct xs_client *c, uint32_t type, uint32_t tx,
		      const void *payload, size_t len, char *reply, size_t max,
		      size_t *rlen)
{
	char body[XENSTORE_PAYLOAD_MAX + 1];
	struct xsd_sockmsg h = { .type = type, .tx_id = tx };
	int rc;

	c->err[0] = '\0';
	if (c->fd < 0) {
		return -EBADF;
	}
	if (len > XENSTORE_PAYLOAD_MAX) {
		return -E2BIG;
	}
	h.req_id = c->next_req_id++;
	h.len = (uint32_t)len;
	rc = xs_client_send(c, &h, payload);
	if (!rc) {
		rc = xs_client_reply(c, h.req_id, &h, body);
	}
	if (rc) {
		return rc;
	}
	if (h.type == XS_ERROR) {
		snprintf(c->err, sizeof(c->err), "%.15s", body);
		return xs_client_errno(body);
	}
	if (h.type != type) {
		return -EPROTO;
	}
	if (reply) {
		if (h.len >= max) {
			return -E2BIG;
		}
		memcpy(reply, body, h.len + 1);
	}
	if (rlen) {
		*rlen = h.len;
	}
	return 0;
}

/* Append @s (with its NUL if @nul) to a payload being built. */
static int xs_client_put(char *buf, size_t *off, const char *s, bool nul)
{
	size_t n = strlen(s) + (nul ? 1 : 0);

	if (n > XENSTORE_PAYLOAD_MAX - *off) {
		return -E2BIG;
	}
	memcpy(buf + *off, s, n);
	*off += n;
	return 0;
}

/* A request whose payload is @n strings, each sent with its NUL. */
static int xs_client_strings(struct xs_client *c, uint32_t type, uint32_t tx,
			     const char *const *argv, unsigned int n,
			     char *reply, size_t max)
{
	char msg[XENSTORE_PAYLOAD_MAX];
	size_t off = 0;
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = xs_client_put(msg, &off, argv[i], true);
		if (rc) {
			return rc;
		}
	}
	return xs_client_request(c, type, tx, msg, off, reply, max, NULL);
}

int xs_client_read(struct xs_client *c, uint32_t tx, const char *path,
		   char *buf, size_t max)
{
	return xs_client_strings(c, XS_READ, tx, &path, 1, buf, max);
}

int xs_client_write(struct xs_client *c, uint32_t tx, const char *path,
		    const char *value)
{
	char msg[XENSTORE_PAYLOAD_MAX];
	size_t off = 0;
	int rc;

	/* xenstore.txt, WRITE: <path>|<value|> -- the value has no NUL. */
	rc = xs_client_put(msg, &off, path, true);
	if (!rc) {
		rc = xs_client_put(msg, &off, value, false);
	}
	if (rc) {
		return rc;
	}
	return xs_client_request(c, XS_WRITE, tx, msg, off, NULL, 0, NULL);
}

int xs_client_rm(struct xs_client *c, uint32_t tx, const char *path)
{
	return xs_client_strings(c, XS_RM, tx, &path, 1, NULL, 0);
}

int xs_client_set_perms(struct xs_client *c, uint32_t tx, const char *path,
			const char *const *perms, unsigned int nperms)
{
	const char *argv[8];
	unsigned int i;

	if (nperms + 1 > sizeof(argv) / sizeof(argv[0])) {
		return -E2BIG;
	}
	argv[0] = path;
	for (i = 0; i < nperms; i++) {
		argv[i + 1] = perms[i];
	}
	return xs_client_strings(c, XS_SET_PERMS, tx, argv, nperms + 1, NULL,
				 0);
}

int xs_client_get_perms(struct xs_client *c, uint32_t tx, const char *path,
			char *buf, size_t max)
{
	size_t len, i;
	int rc;

	rc = xs_client_request(c, XS_GET_PERMS, tx, path, strlen(path) + 1, buf,
			       max, &len);
	if (rc) {
		return rc;
	}
	/* "n0\0r5\0" -> "n0,r5" */
	while (len && !buf[len - 1]) {
		len--;
	}
	for (i = 0; i < len; i++) {
		if (!buf[i]) {
			buf[i] = ',';
		}
	}
	buf[len] = '\0';
	return 0;
}

int xs_client_txn_start(struct xs_client *c, uint32_t *tx)
{
	const char *empty = "";
	char reply[16];
	char *end;
	unsigned long id;
	int rc;

	rc = xs_client_strings(c, XS_TRANSACTION_START, 0, &empty, 1, reply,
			       sizeof(reply));
	if (rc) {
		return rc;
	}
	id = strtoul(reply, &end, 10);
	if (end == reply || *end || id == 0 || id > UINT32_MAX) {
		return -EPROTO;
	}
	*tx = (uint32_t)id;
	return 0;
}

int xs_client_txn_end(struct xs_client *c, uint32_t tx, bool commit)
{
	const char *arg = commit ? "T" : "F";

	return xs_client_strings(c, XS_TRANSACTION_END, tx, &arg, 1, NULL, 0);
}

int xs_client_introduce(struct xs_client *c, uint32_t domid, uint64_t gfn,
			uint32_t port)
{
	char d[16], g[24], p[16];
	const char *argv[3] = { d, g, p };

	/* xenstore.txt, INTRODUCE: <domid>|<gfn>|<evtchn>|, decimal. */
	snprintf(d, sizeof(d), "%u", domid);
	snprintf(g, sizeof(g), "%llu", (unsigned long long)gfn);
	snprintf(p, sizeof(p), "%u", port);
	return xs_client_strings(c, XS_INTRODUCE, 0, argv, 3, NULL, 0);
}

int xs_client_is_introduced(struct xs_client *c, uint32_t domid,
			    bool *introduced)
{
	char d[16], reply[8];
	const char *arg = d;
	int rc;

	snprintf(d, sizeof(d), "%u", domid);
	rc = xs_client_strings(c, XS_IS_DOMAIN_INTRODUCED, 0, &arg, 1, reply,
			       sizeof(reply));
	if (rc) {
		return rc;
	}
	if (strcmp(reply, "T") && strcmp(reply, "F")) {
		return -EPROTO;
	}
	*introduced = reply[0] == 'T';
	return 0;
}

int xs_client_release(struct xs_client *c, uint32_t domid)
{
	char d[16];
	const char *arg = d;

	snprintf(d, sizeof(d), "%u", domid);
	return xs_client_strings(c, XS_RELEASE, 0, &arg, 1, NULL, 0);
}

int xs_client_watch(struct xs_client *c, const char *path, const char *token)
{
	const char *argv[2] = { path, token };

	return xs_client_strings(c, XS_WATCH, 0, argv, 2, NULL, 0);
}

int xs_client_unwatch(struct xs_client *c, const char *path, const char *token)
{
	const char *argv[2] = { path, token };

	return xs_client_strings(c, XS_UNWATCH, 0, argv, 2, NULL, 0);
}

int xs_client_wait_event(struct xs_client *c, int timeout_ms)
{
	char body[XENSTORE_PAYLOAD_MAX + 1];
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	struct xsd_sockmsg h;
	int rc;

	if (c->fd < 0) {
		return -EBADF;
	}
	while (!c->events) {
		rc = poll(&p, 1, timeout_ms);
		if (rc < 0 && errno == EINTR) {
			continue;
		}
		if (rc < 0) {
			return -errno;
		}
		if (rc == 0) {
			return -ETIMEDOUT;
		}
		rc = xs_client_recv(c, &h, sizeof(h));
		if (!rc && h.len > XENSTORE_PAYLOAD_MAX) {
			rc = -EPROTO;
		}
		if (!rc) {
			rc = xs_client_recv(c, body, h.len);
		}
		if (rc) {
			return rc;
		}
		if (h.type != XS_WATCH_EVENT) {
			return -EPROTO; /* a reply nobody asked for */
		}
		c->events++;
	}
	c->events = 0;
	return 0;
}
