// SPDX-License-Identifier: MIT
/*
 * xs-bench: XenStore load generator. Speaks the wire protocol over the
 * daemon's Unix socket and reports, per operation family, how many
 * requests per second one client achieves:
 *   write, read, directory, transaction (start + write + commit).
 * --depth N keeps N requests in flight (sent back to back, then the N
 * replies read); the default, 1, is one synchronous request at a time.
 * Usage: xs-bench [--socket PATH] [--seconds N] [--prefix PATH] [--depth N]
 *        xs-bench --null-server [--socket PATH]
 * The null server answers every request at once without storing anything
 * (one client at a time, blocking I/O, the replies to all requests at hand
 * in one write): the client's and kernel's share of a round trip, i.e. the
 * ceiling any daemon can reach with this client.
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
 * The next whole message: its header in *h, its payload at *p (valid until
 * the next call). Pending output is written before blocking. 0 or -EIO.
 */
static int bench_get(int fd, struct bench_buf *in, struct bench_buf *out,
		     struct xsd_sockmsg *h, const uint8_t **p)
{
	size_t have;
	ssize_t n;

	for (;;) {
		have = in->len - in->head;
		if (have >= sizeof(*h)) {
			memcpy(h, in->data + in->head, sizeof(*h));
			if (h->len > XENSTORE_PAYLOAD_MAX) {
				return -EIO;
			}
			if (have >= sizeof(*h) + h->len) {
				*p = in->data + in->head + sizeof(*h);
				in->head += sizeof(*h) + h->len;
				return 0;
			}
		}
		memmove(in->data, in->data + in->head, have);
		in->head = 0;
		in->len = have;
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

static int null_server(struct sockaddr_un *sa)
{
	static struct bench_buf in, out;
	struct xsd_sockmsg h;
	const uint8_t *p;
	int lfd, fd;

	unlink(sa->sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)sa, sizeof(*sa)) ||
	    listen(lfd, 16)) {
		fprintf(stderr, "xs-bench: cannot listen on %s\n",
			sa->sun_path);
		return 1;
	}
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			continue;
		}
		in.head = in.len = out.len = 0;
		while (!bench_get(fd, &in, &out, &h, &p) &&
		       !null_reply(fd, &out, &h)) {
		}
		close(fd);
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
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *sock = getenv("XENSTORED_PATH");
	static struct bench b;
	double secs = 5;
	bool serve = false;
	int ch;

	snprintf(b.prefix, sizeof(b.prefix), "/bench/%d", (int)getpid());
	b.depth = 1;
	while ((ch = getopt_long(argc, argv, "s:t:p:d:n", lopts, NULL)) != -1) {
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
		default:
			fprintf(stderr, "usage: xs-bench [--socket PATH] "
					"[--seconds N] [--prefix PATH] "
					"[--depth N]\n"
					"       xs-bench --null-server "
					"[--socket PATH]\n");
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
		return null_server(&sa);
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
