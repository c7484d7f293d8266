// SPDX-License-Identifier: MIT
/*
 * evtchn-test: exercise /dev/xen/evtchn from dom0 userspace with a loopback
 * channel (xen-abi-notes 5.2).
 *
 *   evtchn-test [rounds]
 *
 * Allocates an unbound port A for dom0, binds port B to (dom0, A), then
 * `rounds` times: notify B, read() the fired port (must be A), write() it
 * back to unmask. Binding marks the new local port B pending once (as Xen
 * does, for notifications sent while A was unbound): that event is taken
 * and unmasked first. Prints "evtchn-test: PASS ..." or "evtchn-test: FAIL ..."
 * and exits 0 only on success.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* _IOC(NONE, 'E', nr, size) */
#define IOCTL_EVTCHN_BIND_INTERDOMAIN 0x00084501UL
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT 0x00044502UL
#define IOCTL_EVTCHN_UNBIND 0x00044503UL
#define IOCTL_EVTCHN_NOTIFY 0x00044504UL

#define EVT_DEFAULT_ROUNDS 1000
#define EVT_WAIT_MS 5000
#define EVT_DRAIN_MS 200

struct evt_bind_interdomain {
	uint32_t remote_domain;
	uint32_t remote_port;
};

struct evt_port {
	uint32_t port;
};

static int evt_fail(const char *what, int err)
{
	printf("evtchn-test: FAIL %s: %s\n", what, strerror(err));
	return 1;
}

/* Wait for one fired port and hand it back in *port. 0 or an errno. */
static int evt_wait(int fd, uint32_t *port, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int rc;

	rc = poll(&p, 1, timeout_ms);
	if (rc < 0)
		return errno;
	if (rc == 0)
		return ETIMEDOUT;
	n = read(fd, port, sizeof(*port));
	if (n < 0)
		return errno;
	if (n != (ssize_t)sizeof(*port))
		return EIO;
	return 0;
}

static int evt_unmask(int fd, uint32_t port)
{
	ssize_t n = write(fd, &port, sizeof(port));

	if (n < 0)
		return errno;
	return n == (ssize_t)sizeof(port) ? 0 : EIO;
}

/* The notify / read / unmask loop; 0 on success, 1 after printing FAIL. */
static int evt_rounds(int fd, uint32_t a, uint32_t b, unsigned long rounds)
{
	struct evt_port notify = { .port = b };
	unsigned long i;
	uint32_t got;
	int err;

	for (i = 0; i < rounds; i++) {
		if (ioctl(fd, IOCTL_EVTCHN_NOTIFY, &notify) < 0)
			return evt_fail("IOCTL_EVTCHN_NOTIFY", errno);
		err = evt_wait(fd, &got, EVT_WAIT_MS);
		if (err)
			return evt_fail("read of the fired port", err);
		if (got != a) {
			printf("evtchn-test: FAIL round %lu: port %u fired, "
			       "expected %u\n",
			       i, got, a);
			return 1;
		}
		err = evt_unmask(fd, got);
		if (err)
			return evt_fail("write (unmask)", err);
	}
	return 0;
}

/* Take the bind-time event on @b, if any; 0 or 1 after printing FAIL. */
static int evt_drain_bind(int fd, uint32_t b)
{
	uint32_t got;
	int err;

	err = evt_wait(fd, &got, EVT_DRAIN_MS);
	if (err == ETIMEDOUT)
		return 0;
	if (err)
		return evt_fail("read of the bind-time event", err);
	if (got != b) {
		printf("evtchn-test: FAIL port %u fired before any notify, "
		       "expected none or %u\n",
		       got, b);
		return 1;
	}
	err = evt_unmask(fd, got);
	if (err)
		return evt_fail("write (unmask of the bind-time event)", err);
	printf("evtchn-test: bind-time event on port %u taken\n", b);
	return 0;
}

static int evt_unbind(int fd, uint32_t port)
{
	struct evt_port u = { .port = port };

	return ioctl(fd, IOCTL_EVTCHN_UNBIND, &u) < 0 ? errno : 0;
}

int main(int argc, char **argv)
{
	unsigned long rounds = EVT_DEFAULT_ROUNDS;
	struct evt_bind_interdomain bind;
	struct evt_port unbound = { .port = 0 }; /* remote_domain 0 */
	int fd, rc, err;
	uint32_t a, b;

	if (argc > 1)
		rounds = strtoul(argv[1], NULL, 0);
	fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return evt_fail("open /dev/xen/evtchn", errno);

	rc = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &unbound);
	if (rc < 0)
		return evt_fail("IOCTL_EVTCHN_BIND_UNBOUND_PORT", errno);
	a = (uint32_t)rc;
	bind.remote_domain = 0;
	bind.remote_port = a;
	rc = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
	if (rc < 0)
		return evt_fail("IOCTL_EVTCHN_BIND_INTERDOMAIN", errno);
	b = (uint32_t)rc;
	if (a == b) {
		printf("evtchn-test: FAIL both ends got port %u\n", a);
		return 1;
	}
	printf("evtchn-test: loopback ports %u <-> %u\n", a, b);

	if (evt_drain_bind(fd, b) || evt_rounds(fd, a, b, rounds))
		return 1;

	err = evt_unbind(fd, b);
	if (!err)
		err = evt_unbind(fd, a);
	if (err)
		return evt_fail("IOCTL_EVTCHN_UNBIND", err);
	close(fd);
	printf("evtchn-test: PASS %lu notifications delivered on port %u\n",
	       rounds, a);
	return 0;
}
