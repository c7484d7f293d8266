// SPDX-License-Identifier: MIT
/*
 * xs-bench: XenStore load generator. Speaks the wire protocol over the
 * daemon's Unix socket and reports, per operation family, how many
 * requests per second one client achieves:
 *   write, read, directory, transaction (start + write + commit).
 * --depth N keeps N requests in flight (sent back to back, then the N
 * replies read); the default, 1, is one synchronous request at a time.
 * Usage: xs-bench [--socket PATH] [--seconds N] [--prefix PATH] [--depth N]
 *        xs-bench --null-server [--blocking] [--socket PATH]
 * The null server answers every request at once without storing anything
 * (one client at a time, the replies to all requests at hand in one send):
 * the client's and kernel's share of a round trip, i.e. the ceiling any
 * daemon can reach with this client. It waits as Sable's xenstored does,
 * one io_uring_enter(2) per request (--blocking, or without io_uring: a
 * read(2) and a write(2)).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <public/io/xs_wire.h>

#include "xs_uring.h"

#define XS_BENCH_MAX_DEPTH 64

/* Messages are gathered and parsed in buffers: one write(2) per batch. */
struct bench_buf {
	size_t head, len; /* data[head .. len) */
	uint8_t data[64 * 1024];
};

struct bench {
	int fd;
	uint32_t req_id;
	unsigned depth; /* requests in flight per batch */
	char prefix[256];
	uint8_t reply[XENSTORE_PAYLOAD_MAX + 1];
	uint32_t reply_len;
	struct bench_buf in, out;
};

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_io(int fd, void *buf, size_t len, bool out)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = out ? write(fd, p, len) : read(fd, p, len);
		if (n <= 0) {
			if (n < 0 && errno == EINTR) {
				continue;
			}
			return -EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int bench_flush(int fd, struct bench_buf *o)
{
	int rc = o->len ? bench_io(fd, o->data, o->len, true) : 0;

	o->len = 0;
	return rc;
}

static int bench_put(int fd, struct bench_buf *o, const struct xsd_sockmsg *h,
		     const void *payload)
{
	size_t n = sizeof(*h) + h->len;

	if (o->len + n > sizeof(o->data) && bench_flush(fd, o)) {
		return -EIO;
	}
	memcpy(o->data + o->len, h, sizeof(*h));
	memcpy(o->data + o->len + sizeof(*h), payload, h->len);
	o->len += n;
	return 0;
}

/*
 * Take the next whole message out of in: 1 with its header in *h and its
 * payload at *p (valid until in changes), 0 if it is not all there yet,
 * -EIO if the header is bad.
 */
static int bench_take(struct bench_buf *in, struct xsd_sockmsg *h,
		      const uint8_t **p)
{
	size_t have = in->len - in->head;

	if (have < sizeof(*h)) {
		return 0;
	}
	memcpy(h, in->data + in->head, sizeof(*h));
	if (h->len > XENSTORE_PAYLOAD_MAX) {
		return -EIO;
	}
	if (have < sizeof(*h) + h->len) {
		return 0;
	}
	*p = in->data + in->head + sizeof(*h);
	in->head += sizeof(*h) + h->len;
	return 1;
}

/* Move the unread part of in to its start. */
static void bench_compact(struct bench_buf *in)
{
	size_t have = in->len - in->head;

	memmove(in->data, in->data + in->head, have);
	in->head = 0;
	in->len = have;
}

/*
 * The next whole message: its header in *h, its payload at *p (valid until
 * the next call). Pending output is written before blocking. 0 or -EIO.
 */
static int bench_get(int fd, struct bench_buf *in, struct bench_buf *out,
		     struct xsd_sockmsg *h, const uint8_t **p)
{
	ssize_t n;
	int rc;

	while ((rc = bench_take(in, h, p)) == 0) {
		bench_compact(in);
		if (bench_flush(fd, out)) {
			return -EIO;
		}
		n = read(fd, in->data + in->len, sizeof(in->data) - in->len);
		if (n <= 0) {
			if (n < 0 && errno == EINTR) {
				continue;
			}
			return -EIO;
		}
		in->len += (size_t)n;
	}
	return rc < 0 ? rc : 0;
}

static int bench_send(struct bench *b, uint32_t type, uint32_t tx,
		      const void *payload, uint32_t len)
{
	struct xsd_sockmsg h = { type, ++b->req_id, tx, len };

	return bench_put(b->fd, &b->out, &h, payload);
}

/* The next reply (watch events skipped): 0, 1 for an ERROR, or -EIO. */
static int bench_recv(struct bench *b)
{
	struct xsd_sockmsg h;
	const uint8_t *p;

	do {
		if (bench_get(b->fd, &b->in, &b->out, &h, &p)) {
			return -EIO;
		}
	} while (h.type == XS_WATCH_EVENT);
	memcpy(b->reply, p, h.len);
	b->reply[h.len] = '\0';
	b->reply_len = h.len;
	return h.type == XS_ERROR;
}

static int bench_send_write(struct bench *b, uint32_t tx, const char *path,
			    const char *val)
{
	char buf[1024];
	size_t pl = strlen(path) + 1, vl = strlen(val);

	memcpy(buf, path, pl);
	memcpy(buf + pl, val, vl);
	return bench_send(b, XS_WRITE, tx, buf, (uint32_t)(pl + vl));
}

static int bench_send_path(struct bench *b, uint32_t type, const char *path)
{
	return bench_send(b, type, 0, path, (uint32_t)strlen(path) + 1);
}

/* Read n replies: the number of ERROR replies, or -EIO. */
static int bench_collect(struct bench *b, unsigned n)
{
	int errs = 0, rc;

	while (n--) {
		rc = bench_recv(b);
		if (rc < 0) {
			return rc;
		}
		errs += rc;
	}
	return errs;
}

/*
 * Run one family for secs seconds. op(b, i) issues batch i (b->depth
 * requests in flight) and returns how many failed, or -EIO. Failed
 * operations are reported but not counted in the rate.
 */
static int bench_run(struct bench *b, const char *name, double secs,
		     int (*op)(struct bench *b, unsigned long i))
{
	double start = bench_now(), t;
	unsigned long n = 0, ops = 0, errs = 0;
	int rc;

	do {
		rc = op(b, n++);
		if (rc < 0) {
			fprintf(stderr, "xs-bench: %s: connection lost\n",
				name);
			return -EIO;
		}
		ops += b->depth - (unsigned)rc;
		errs += (unsigned)rc;
		t = bench_now() - start;
	} while (t < secs);
	printf("%-12s %10lu ops in %.2f s: %10.0f ops/s %lu errors\n", name,
	       ops, t, (double)ops / t, errs);
	fflush(stdout);
	return 0;
}

static void bench_key(const struct bench *b, char *path, size_t size,
		      unsigned long i, unsigned k)
{
	snprintf(path, size, "%s/k%lu", b->prefix, (i * b->depth + k) % 100);
}

static int op_write(struct bench *b, unsigned long i)
{
	char path[320];
	unsigned k;

	for (k = 0; k < b->depth; k++) {
		bench_key(b, path, sizeof(path), i, k);
		if (bench_send_write(b, 0, path, "some-value")) {
			return -EIO;
		}
	}
	return bench_collect(b, b->depth);
}

static int op_read(struct bench *b, unsigned long i)
{
	char path[320];
	unsigned k;

	for (k = 0; k < b->depth; k++) {
		bench_key(b, path, sizeof(path), i, k);
		if (bench_send_path(b, XS_READ, path)) {
			return -EIO;
		}
	}
	return bench_collect(b, b->depth);
}

static int op_dir(struct bench *b, unsigned long i)
{
	unsigned k;

	(void)i;
	for (k = 0; k < b->depth; k++) {
		if (bench_send_path(b, XS_DIRECTORY, b->prefix)) {
			return -EIO;
		}
	}
	return bench_collect(b, b->depth);
}

/*
 * depth transactions side by side, each start + write + commit on a node
 * of its own (t0..t9 rotate); returns how many did not commit, or -EIO.
 */
static int op_txn(struct bench *b, unsigned long i)
{
	uint32_t tx[XS_BENCH_MAX_DEPTH];
	char path[320];
	unsigned k, failed = 0;
	int rc;

	for (k = 0; k < b->depth; k++) {
		if (bench_send(b, XS_TRANSACTION_START, 0, "", 1)) {
			return -EIO;
		}
	}
	for (k = 0; k < b->depth; k++) {
		rc = bench_recv(b);
		if (rc < 0) {
			return rc;
		}
		tx[k] = rc ? 0 : (uint32_t)strtoul((char *)b->reply, NULL, 10);
		failed += !tx[k];
	}
	for (k = 0; k < b->depth; k++) {
		snprintf(path, sizeof(path), "%s/t%lu", b->prefix,
			 (i * b->depth + k) % 10);
		if (tx[k] && bench_send_write(b, tx[k], path, "x")) {
			return -EIO;
		}
	}
	rc = bench_collect(b, b->depth - failed);
	if (rc < 0) {
		return rc;
	}
	for (k = 0; k < b->depth; k++) {
		if (tx[k] && bench_send(b, XS_TRANSACTION_END, tx[k], "T", 2)) {
			return -EIO;
		}
	}
	rc = bench_collect(b, b->depth - failed);
	return rc < 0 ? rc : (int)failed + rc;
}

/*
 * Create t0..t9 before the transaction family, so that its transactions
 * change values only and never conflict over their parent's child list.
 */
static int bench_txn_nodes(struct bench *b)
{
	char path[320];
	unsigned k;

	for (k = 0; k < 10; k++) {
		snprintf(path, sizeof(path), "%s/t%u", b->prefix, k);
		if (bench_send_write(b, 0, path, "x") || bench_recv(b) < 0) {
			return -EIO;
		}
	}
	return 0;
}

/* Reply to one request of the null server: just enough for the client. */
static int null_reply(int fd, struct bench_buf *out,
		      const struct xsd_sockmsg *req)
{
	struct xsd_sockmsg h = *req;
	const char *body = "OK";

	h.len = 3;
	if (req->type == XS_TRANSACTION_START) {
		body = "1";
		h.len = 2;
	} else if (req->type == XS_READ) {
		body = "x";
		h.len = 1;
	} else if (req->type == XS_DIRECTORY) {
		h.len = 0;
	}
	return bench_put(fd, out, &h, body);
}

/* Blocking I/O: a read(2) and a write(2) per request. */
static void null_serve_blocking(int fd, struct bench_buf *in,
				struct bench_buf *out)
{
	struct xsd_sockmsg h;
	const uint8_t *p;

	while (!bench_get(fd, in, out, &h, &p) && !null_reply(fd, out, &h)) {
	}
}

/* Queue a send or receive on the null server's ring. */
static int null_queue(struct xs_uring *r, uint8_t op, int fd, void *buf,
		      size_t len)
{
	struct io_uring_sqe *sqe = xs_uring_sqe(r, op, fd, op);

	if (!sqe) {
		return -EIO;
	}
	sqe->addr = (uint64_t)(uintptr_t)buf;
	sqe->len = (uint32_t)len;
	sqe->msg_flags = op == IORING_OP_SEND ? MSG_WAITALL : 0;
	return 0;
}

/*
 * io_uring: the replies to everything received and the next receive go
 * in one io_uring_enter(2), which waits for both (a send to a socket with
 * room completes at once): one system call per request, as Sable's
 * xenstored does.
 */
static void null_serve_uring(struct xs_uring *r, int fd, struct bench_buf *in,
			     struct bench_buf *out)
{
	const struct io_uring_cqe *cqe;
	struct xsd_sockmsg h;
	const uint8_t *p;
	unsigned ops;
	int rc = 0;

	while (!rc) {
		while ((rc = bench_take(in, &h, &p)) > 0) {
			null_reply(fd, out, &h);
		}
		bench_compact(in);
		ops = 0;
		if (!rc && out->len) {
			rc = null_queue(r, IORING_OP_SEND, fd, out->data,
					out->len);
			ops++;
		}
		if (!rc) {
			rc = null_queue(r, IORING_OP_RECV, fd,
					in->data + in->len,
					sizeof(in->data) - in->len);
			ops++;
		}
		while (!rc && ops) {
			xs_uring_enter(r, ops, -1);
			while ((cqe = xs_uring_cqe(r))) {
				if (cqe->res <= 0 ||
				    (cqe->user_data == IORING_OP_SEND &&
				     (size_t)cqe->res != out->len)) {
					rc = -EIO;
				} else if (cqe->user_data == IORING_OP_RECV) {
					in->len += (size_t)cqe->res;
				}
				xs_uring_cqe_seen(r);
				ops--;
			}
		}
		out->len = 0;
	}
	/* A pending receive ends when the socket is closed. */
	close(fd);
	while (ops) {
		xs_uring_enter(r, ops, -1);
		while ((cqe = xs_uring_cqe(r))) {
			xs_uring_cqe_seen(r);
			ops--;
		}
	}
}

/* The null server's ring only sends and receives. */
static const uint8_t null_ops[] = { IORING_OP_SEND, IORING_OP_RECV };

static int null_server(struct sockaddr_un *sa, bool blocking)
{
	static struct bench_buf in, out;
	struct xs_uring r = { .fd = -1 };
	int lfd, fd;

	unlink(sa->sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)sa, sizeof(*sa)) ||
	    listen(lfd, 16)) {
		fprintf(stderr, "xs-bench: cannot listen on %s\n",
			sa->sun_path);
		return 1;
	}
	if (!blocking && xs_uring_init(&r, 8, null_ops, sizeof(null_ops))) {
		r.fd = -1;
	}
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			continue;
		}
		in.head = in.len = out.len = 0;
		if (r.fd >= 0) {
			null_serve_uring(&r, fd, &in, &out);
		} else {
			null_serve_blocking(fd, &in, &out);
			close(fd);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "depth", required_argument, NULL, 'd' },
		{ "null-server", no_argument, NULL, 'n' },
		{ "blocking", no_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *sock = getenv("XENSTORED_PATH");
	static struct bench b;
	double secs = 5;
	bool serve = false, blocking = false;
	int ch;

	snprintf(b.prefix, sizeof(b.prefix), "/bench/%d", (int)getpid());
	b.depth = 1;
	while ((ch = getopt_long(argc, argv, "s:t:p:d:nb", lopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 's':
			sock = optarg;
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'p':
			snprintf(b.prefix, sizeof(b.prefix), "%s", optarg);
			break;
		case 'd':
			b.depth = (unsigned)atoi(optarg);
			break;
		case 'n':
			serve = true;
			break;
		case 'b':
			blocking = true;
			break;
		default:
			fprintf(stderr, "usage: xs-bench [--socket PATH] "
					"[--seconds N] [--prefix PATH] "
					"[--depth N]\n"
					"       xs-bench --null-server "
					"[--blocking] [--socket PATH]\n");
			return 2;
		}
	}
	if (b.depth < 1 || b.depth > XS_BENCH_MAX_DEPTH) {
		fprintf(stderr, "xs-bench: --depth must be 1..%d\n",
			XS_BENCH_MAX_DEPTH);
		return 2;
	}
	if (!sock || !*sock) {
		sock = "/var/run/xenstored/socket";
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if (serve) {
		return null_server(&sa, blocking);
	}
	b.fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (b.fd < 0 || connect(b.fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "xs-bench: cannot connect to %s\n", sock);
		return 1;
	}
	if (bench_run(&b, "write", secs, op_write) ||
	    bench_run(&b, "read", secs, op_read) ||
	    bench_run(&b, "directory", secs, op_dir) || bench_txn_nodes(&b) ||
	    bench_run(&b, "transaction", secs, op_txn)) {
		return 1;
	}
	if (!bench_send_path(&b, XS_RM, b.prefix)) {
		bench_recv(&b);
	}
	close(b.fd);
	return 0;
}
