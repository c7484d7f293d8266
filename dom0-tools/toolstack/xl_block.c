/* SPDX-License-Identifier: MIT */
/*
 * xl's PV disk commands: block-attach, block-detach, block-list (Xen's
 * names, arguments and block-list columns). The work is devdisk.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "devdisk.h"
#include "dombuild.h"
#include "xl.h"
#include "xs_client.h"

#define XL_BLOCK_MAX 64

/* A domain that can take or give up a disk now: a live domU. */
static int live_domu(struct xl_ctx *x, const char *want,
		     struct sable_ctl_domain_info *info)
{
	if (xl_find_domain(x, want, info)) {
		return 1;
	}
	if (info->domid == 0) {
		fprintf(stderr, "xl: Domain-0 has no PV disks\n");
		return 1;
	}
	if (info->flags & (SABLE_DOMINF_dying | SABLE_DOMINF_shutdown)) {
		fprintf(stderr, "xl: domain %u has shut down\n", info->domid);
		return 1;
	}
	return 0;
}

int xl_cmd_block_attach(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;
	char spec[512] = "", err[DOMBUILD_ERR_MAX], warning[DOMBUILD_ERR_MAX];
	struct devdisk_opts o = { .xs_path = x->xs_path, .warning = warning };
	struct xlcfg_disk d;
	size_t len = 0;
	int i;

	if (argc < 3) {
		return xl_usage(x);
	}
	/* The words after the domain are one specification (xl joins). */
	for (i = 2; i < argc; i++) {
		int n = snprintf(spec + len, sizeof(spec) - len, "%s%s",
				 i > 2 ? "," : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(spec) - len) {
			fprintf(stderr, "xl: disk specification too long\n");
			return 1;
		}
		len += (size_t)n;
	}
	if (xlcfg_parse_disk(spec, &d, err)) {
		fprintf(stderr, "xl: \"%s\": %s\n", spec, err);
		return 1;
	}
	if (live_domu(x, argv[1], &info)) {
		return 1;
	}
	/* A running guest gets the time to connect the disk. */
	o.wait_connected =
		!(info.flags & SABLE_DOMINF_paused) && info.pause_count == 0;
	warning[0] = '\0';
	if (devdisk_attach(info.domid, &d, &o, err)) {
		fprintf(stderr, "xl: %s\n", err);
		return 1;
	}
	if (warning[0]) {
		fprintf(stderr, "xl: warning: %s\n", warning);
	}
	return 0;
}

int xl_cmd_block_detach(struct xl_ctx *x, int argc, char **argv)
{
	struct devdisk_opts o = { .xs_path = x->xs_path };
	struct sable_ctl_domain_info info;
	char err[DOMBUILD_ERR_MAX];
	bool force = false;
	int opt;

	while ((opt = getopt(argc, argv, "f")) != -1) {
		if (opt != 'f') {
			return xl_usage(x);
		}
		force = true;
	}
	if (argc - optind != 2) {
		return xl_usage(x);
	}
	if (xl_find_domain(x, argv[optind], &info)) {
		return 1;
	}
	if (devdisk_detach(info.domid, argv[optind + 1], force, &o, err)) {
		fprintf(stderr, "xl: %s\n", err);
		return 1;
	}
	return 0;
}

int xl_cmd_block_list(struct xl_ctx *x, int argc, char **argv)
{
	static struct devdisk_info disks[XL_BLOCK_MAX];
	struct sable_ctl_domain_info info;
	struct xs_client c;
	unsigned int n, j;
	int i, rc, failed = 0;

	if (argc < 2) {
		return xl_usage(x);
	}
	rc = xs_client_open(&c, x->xs_path, DOMBUILD_XS_TIMEOUT);
	if (rc) {
		fprintf(stderr, "xl: cannot connect to xenstored: %s\n",
			strerror(-rc));
		return 1;
	}
	printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle",
	       "state", "evt-ch", "ring-ref", "BE-path");
	for (i = 1; i < argc; i++) {
		if (xl_find_domain(x, argv[i], &info)) {
			failed = 1;
			continue;
		}
		if (devdisk_list(&c, info.domid, disks, XL_BLOCK_MAX, &n)) {
			fprintf(stderr, "xl: cannot list the disks of %u\n",
				info.domid);
			failed = 1;
			continue;
		}
		for (j = 0; j < n; j++) {
			printf("%-5u %-3d %-6u %-5d %-6d %-8d %-30s\n",
			       disks[j].devid, disks[j].backend_id, info.domid,
			       disks[j].state, disks[j].evtch, disks[j].rref,
			       disks[j].backend);
		}
	}
	xs_client_close(&c);
	return failed;
}
