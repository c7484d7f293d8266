/* SPDX-License-Identifier: MIT */
/* The parts every PV device shares: see devcommon.h. */
#define _GNU_SOURCE /* vasprintf */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <public/io/xs_wire.h>

#include "dombuild.h"
#include "devcommon.h"

/* Conflicting commits are retried this many times in all. */
#define DEVCOMMON_TXN_TRIES 5

void devcommon_paths(struct devcommon_paths *p, const char *kind,
		     uint32_t domid, uint32_t devid)
{
	/* libxl__device_{frontend,backend,libxl}_path */
	snprintf(p->front, sizeof(p->front), "/local/domain/%u/device/%s/%u",
		 domid, kind, devid);
	snprintf(p->back, sizeof(p->back), "/local/domain/0/backend/%s/%u/%u",
		 kind, domid, devid);
	snprintf(p->libxl, sizeof(p->libxl), "/libxl/%u/device/%s/%u", domid,
		 kind, devid);
}

int devcommon_directory(struct xs_client *c, const char *path, char *buf,
			size_t size, unsigned int *n)
{
	size_t len, i;
	int rc;

	*n = 0;
	rc = xs_client_request(c, XS_DIRECTORY, 0, path, strlen(path) + 1, buf,
			       size, &len);
	if (rc) {
		return rc;
	}
	/* "a\0b\0" : count the names. */
	for (i = 0; i < len; i++) {
		if (!buf[i]) {
			(*n)++;
		}
	}
	return 0;
}

int devcommon_read_uint(struct xs_client *c, const char *dir, const char *node,
			unsigned long *value)
{
	char path[DEVCOMMON_PATH_MAX + 32], buf[32], *end;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	rc = xs_client_read(c, 0, path, buf, sizeof(buf));
	if (rc) {
		return rc;
	}
	/* Digits only: strtoul would take a sign and blanks (a frontend's
	 * " 4" or "-3" is the guest's, not a state or a number). */
	if (buf[0] < '0' || buf[0] > '9') {
		return -EINVAL;
	}
	errno = 0;
	*value = strtoul(buf, &end, 10);
	return *end || errno ? -EINVAL : 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int devcommon_wait_state(const char *xs_path, const char *dir,
			 unsigned int want, int timeout_ms,
			 enum devcommon_state *state)
{
	long long deadline = now_ms() + timeout_ms, left;
	char path[DEVCOMMON_PATH_MAX + 16];
	struct xs_client c;
	unsigned long v;
	int rc;

	*state = DEVCOMMON_UNKNOWN;
	snprintf(path, sizeof(path), "%s/state", dir);
	rc = xs_client_open(&c, xs_path, DOMBUILD_XS_TIMEOUT);
	if (!rc) {
		/* xenstored fires a new watch once: the first read is fresh. */
		rc = xs_client_watch(&c, path, "devstate");
	}
	while (!rc) {
		rc = devcommon_read_uint(&c, dir, "state", &v);
		if (rc == -ENOENT) {
			break;
		}
		if (rc == -EINVAL) {
			v = DEVCOMMON_UNKNOWN; /* not a number yet: wait */
		} else if (rc) {
			break;
		}
		*state = v < 32 ? (enum devcommon_state)v : DEVCOMMON_UNKNOWN;
		if (v < 32 && (want & DEVCOMMON_BIT(v))) {
			rc = 0;
			break;
		}
		left = deadline - now_ms();
		if (left <= 0) {
			rc = -ETIMEDOUT;
			break;
		}
		rc = xs_client_wait_event(&c, (int)left);
	}
	xs_client_close(&c);
	return rc;
}

static int remove_once(struct xs_client *c, uint32_t tx,
		       const struct devcommon_paths *p)
{
	const char *dirs[3] = { p->front, p->back, p->libxl };
	int i, rc;

	for (i = 0; i < 3; i++) {
		rc = xs_client_rm(c, tx, dirs[i]);
		if (rc && rc != -ENOENT) {
			return rc;
		}
	}
	return 0;
}

int devcommon_remove(struct xs_client *c, const struct devcommon_paths *p)
{
	uint32_t tx;
	int tries, rc = -EAGAIN;

	for (tries = 0; tries < DEVCOMMON_TXN_TRIES && rc == -EAGAIN; tries++) {
		rc = xs_client_txn_start(c, &tx);
		if (rc) {
			return rc;
		}
		rc = remove_once(c, tx, p);
		if (rc) {
			xs_client_txn_end(c, tx, false);
			continue;
		}
		rc = xs_client_txn_end(c, tx, true);
	}
	return rc;
}

int devcommon_wait_backend_gone(const char *kind, uint32_t domid,
				uint32_t devid, int timeout_ms)
{
	struct timespec step = { 0, 20 * 1000000L };
	char path[96];
	int waited;

	snprintf(path, sizeof(path), "/sys/bus/xen-backend/devices/%s-%u-%u",
		 kind, domid, devid);
	for (waited = 0; access(path, F_OK) == 0; waited += 20) {
		if (waited >= timeout_ms) {
			return -ETIMEDOUT;
		}
		nanosleep(&step, NULL);
	}
	return 0;
}
