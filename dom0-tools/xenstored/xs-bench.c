// SPDX-License-Identifier: MIT
/*
 * xs-bench: XenStore load generator. Speaks the wire protocol over the
 * daemon's Unix socket and reports, per operation family, how many
 * requests per second one synchronous client achieves:
 *   write, read, directory, transaction (start + write + commit).
 * Usage: xs-bench [--socket PATH] [--seconds N] [--prefix PATH]
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

struct bench {
	int fd;
	uint32_t req_id;
	char prefix[256];
	uint8_t reply[XENSTORE_PAYLOAD_MAX + 1];
	uint32_t reply_len;
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

/* One request; skips watch events; returns 0, or -1 for an ERROR reply. */
static int bench_call(struct bench *b, uint32_t type, uint32_t tx,
		      const void *payload, uint32_t len)
{
	struct xsd_sockmsg h = { type, ++b->req_id, tx, len };
	uint8_t msg[sizeof(h) + XENSTORE_PAYLOAD_MAX];

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), payload, len);
	if (bench_io(b->fd, msg, sizeof(h) + len, true)) {
		return -EIO;
	}
	do {
		if (bench_io(b->fd, &h, sizeof(h), false) ||
		    h.len > XENSTORE_PAYLOAD_MAX ||
		    bench_io(b->fd, b->reply, h.len, false)) {
			return -EIO;
		}
	} while (h.type == XS_WATCH_EVENT);
	b->reply[h.len] = '\0';
	b->reply_len = h.len;
	return h.type == XS_ERROR ? -1 : 0;
}

static int bench_write(struct bench *b, uint32_t tx, const char *path,
		       const char *val)
{
	char buf[1024];
	size_t pl = strlen(path) + 1, vl = strlen(val);

	memcpy(buf, path, pl);
	memcpy(buf + pl, val, vl);
	return bench_call(b, XS_WRITE, tx, buf, (uint32_t)(pl + vl));
}

static int bench_path_op(struct bench *b, uint32_t type, const char *path)
{
	return bench_call(b, type, 0, path, (uint32_t)strlen(path) + 1);
}

/* Run one family for secs seconds; op(b, i) returns <0 on I/O failure. */
static int bench_run(struct bench *b, const char *name, double secs,
		     int (*op)(struct bench *b, unsigned long i))
{
	double start = bench_now(), t;
	unsigned long n = 0;

	do {
		if (op(b, n) < -1) {
			fprintf(stderr, "xs-bench: %s: connection lost\n",
				name);
			return -EIO;
		}
		n++;
		t = bench_now() - start;
	} while (t < secs);
	printf("%-12s %10lu ops in %.2f s: %10.0f ops/s\n", name, n, t,
	       (double)n / t);
	fflush(stdout);
	return 0;
}

static int op_write(struct bench *b, unsigned long i)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/k%lu", b->prefix, i % 100);
	return bench_write(b, 0, path, "some-value");
}

static int op_read(struct bench *b, unsigned long i)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/k%lu", b->prefix, i % 100);
	return bench_path_op(b, XS_READ, path);
}

static int op_dir(struct bench *b, unsigned long i)
{
	(void)i;
	return bench_path_op(b, XS_DIRECTORY, b->prefix);
}

static int op_txn(struct bench *b, unsigned long i)
{
	char path[320];
	uint32_t tx;
	int rc = bench_call(b, XS_TRANSACTION_START, 0, "", 1);

	if (rc) {
		return rc == -1 ? -1 : rc;
	}
	tx = (uint32_t)strtoul((char *)b->reply, NULL, 10);
	snprintf(path, sizeof(path), "%s/t%lu", b->prefix, i % 10);
	rc = bench_write(b, tx, path, "x");
	if (rc < -1) {
		return rc;
	}
	return bench_call(b, XS_TRANSACTION_END, tx, "T", 2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "prefix", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *sock = getenv("XENSTORED_PATH");
	static struct bench b;
	double secs = 5;
	int ch;

	snprintf(b.prefix, sizeof(b.prefix), "/bench/%d", (int)getpid());
	while ((ch = getopt_long(argc, argv, "s:t:p:", lopts, NULL)) != -1) {
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
		default:
			fprintf(stderr, "usage: xs-bench [--socket PATH] "
					"[--seconds N] [--prefix PATH]\n");
			return 2;
		}
	}
	if (!sock || !*sock) {
		sock = "/var/run/xenstored/socket";
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	b.fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (b.fd < 0 || connect(b.fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "xs-bench: cannot connect to %s\n", sock);
		return 1;
	}
	if (bench_run(&b, "write", secs, op_write) ||
	    bench_run(&b, "read", secs, op_read) ||
	    bench_run(&b, "directory", secs, op_dir) ||
	    bench_run(&b, "transaction", secs, op_txn)) {
		return 1;
	}
	bench_path_op(&b, XS_RM, b.prefix);
	close(b.fd);
	return 0;
}
