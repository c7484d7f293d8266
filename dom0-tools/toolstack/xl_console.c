/* SPDX-License-Identifier: MIT */
/*
 * xl console: the console daemon (dom0-tools/consoled) writes the pty it
 * gives a domain's console to /local/domain/<id>/console/tty; wait for
 * it with a watch, then hand the terminal to the daemon's client.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dombuild.h"
#include "xl.h"
#include "xs_client.h"

/* How long to wait for the console daemon to publish the tty. */
#define XL_TTY_WAIT_MS 10000

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The tty path into @tty: 0, -ETIMEDOUT, or another negative errno. */
static int wait_tty(struct xl_ctx *x, uint32_t domid, char *tty, size_t size)
{
	long long deadline = now_ms() + XL_TTY_WAIT_MS;
	char path[64];
	struct xs_client c;
	int rc;

	rc = xs_client_open(&c, x->xs_path, DOMBUILD_XS_TIMEOUT);
	/*
	 * The console directory is the guest's: it may rewrite console/tty
	 * to name another domain's pty. The daemon keeps a copy in the
	 * console's backend directory (dom0's), used whenever it exists.
	 */
	snprintf(path, sizeof(path), "/local/domain/0/backend/console/%u/0",
		 domid);
	if (!rc && xs_client_read(&c, 0, path, tty, size) != -ENOENT) {
		strcat(path, "/tty");
	} else {
		snprintf(path, sizeof(path), "/local/domain/%u/console/tty",
			 domid);
	}
	if (!rc) {
		rc = xs_client_watch(&c, path, "tty");
	}
	while (!rc) {
		tty[0] = '\0';
		rc = xs_client_read(&c, 0, path, tty, size);
		if ((rc == 0 && tty[0]) || (rc && rc != -ENOENT)) {
			break;
		}
		if (now_ms() >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		rc = xs_client_wait_event(&c, (int)(deadline - now_ms()));
	}
	xs_client_close(&c);
	return rc;
}

int xl_console_attach(struct xl_ctx *x, uint32_t domid)
{
	char tty[256];
	int rc = wait_tty(x, domid, tty, sizeof(tty));

	if (rc == -ETIMEDOUT || (rc == -ENOENT)) {
		fprintf(stderr,
			"xl: domain %u has no console tty after %d s (is the "
			"console daemon running?)\n",
			domid, XL_TTY_WAIT_MS / 1000);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "xl: cannot read domain %u's console tty: %s\n",
			domid, strerror(-rc));
		return 1;
	}
	rc = sable_console_attach(domid, tty);
	return rc ? 1 : 0;
}
