/* SPDX-License-Identifier: MIT */
/*
 * sable-console DOMID: attach this terminal to a domain's console, as
 * `xl console` does (the same client, console_client.c). Ctrl-] detaches.
 * Exit status 0 when detached or the domain went, 1 on an error, 2 on
 * bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_client.h"
#include "xs_client.h"

int main(int argc, char **argv)
{
	struct xs_client xs;
	char tty[128], *end;
	unsigned long domid;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: sable-console DOMID\n");
		return 2;
	}
	domid = strtoul(argv[1], &end, 10);
	if (end == argv[1] || *end || domid >= 0x7ff0) {
		fprintf(stderr, "sable-console: bad domain id '%s'\n", argv[1]);
		return 2;
	}
	rc = xs_client_open(&xs, NULL, 10);
	if (rc) {
		fprintf(stderr,
			"sable-console: cannot connect to xenstored: %s\n",
			strerror(-rc));
		return 1;
	}
	rc = sable_console_tty(&xs, (uint32_t)domid, tty, sizeof(tty), 5000);
	xs_client_close(&xs);
	if (rc) {
		fprintf(stderr,
			"sable-console: domain %lu has no console: %s\n", domid,
			strerror(-rc));
		return 1;
	}
	return sable_console_attach((uint32_t)domid, tty) ? 1 : 0;
}
