/* SPDX-License-Identifier: MIT */
/*
 * xl network-attach, network-detach and network-list (xl's names,
 * arguments and column layout), over devnet.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devnet.h"
#include "dombuild.h"
#include "xl.h"
#include "xlcfg.h"
#include "xs_client.h"

static void print_notes(const struct devnet_notes *n)
{
	unsigned int i;

	for (i = 0; i < n->n; i++) {
		fprintf(stderr, "xl: warning: %s\n", n->line[i]);
	}
}

/* A running domU to change: 0, or an exit status after a message. */
static int target(struct xl_ctx *x, const char *want,
		  struct sable_ctl_domain_info *info, struct xs_client *c)
{
	int rc = xl_find_domain(x, want, info);

	if (rc) {
		return rc;
	}
	if (info->domid == 0) {
		fprintf(stderr, "xl: Domain-0 has no PV network frontends\n");
		return 1;
	}
	if (info->flags & (SABLE_DOMINF_dying | SABLE_DOMINF_shutdown)) {
		fprintf(stderr, "xl: domain %u is shutting down\n",
			info->domid);
		return 1;
	}
	rc = xs_client_open(c, x->xs_path, DOMBUILD_XS_TIMEOUT);
	if (rc) {
		fprintf(stderr, "xl: cannot connect to xenstored: %s\n",
			strerror(-rc));
		return 1;
	}
	return 0;
}

/* `network-attach DOMAIN [key=value ...]`: the words make one vif spec. */
int xl_cmd_network_attach(struct xl_ctx *x, int argc, char **argv)
{
	char spec[1024] = "", err[DEVNET_ERR_MAX], why[XLCFG_ERR_MAX];
	struct sable_ctl_domain_info info;
	struct devnet_notes notes = { .n = 0 };
	uint32_t ids[DEVNET_MAX_DEVID + 1];
	struct xlcfg_vif spec_v;
	struct devnet_vif v;
	struct xs_client c;
	size_t len = 0;
	int i, n, rc;

	if (argc < 2) {
		return xl_usage(x);
	}
	for (i = 2; i < argc; i++) {
		len += (size_t)snprintf(
			spec + len, len < sizeof(spec) ? sizeof(spec) - len : 0,
			"%s%s", i > 2 ? "," : "", argv[i]);
		if (len >= sizeof(spec)) {
			fprintf(stderr, "xl: vif specification too long\n");
			return 1;
		}
	}
	rc = xlcfg_parse_vif(spec, &spec_v, why);
	if (rc < 0) {
		fprintf(stderr, "xl: vif \"%s\": %s\n", spec, why);
		return 1;
	}
	if (rc > 0) {
		fprintf(stderr, "xl: warning: vif \"%s\": %s\n", spec, why);
	}
	rc = target(x, argv[1], &info, &c);
	if (rc) {
		return rc;
	}
	n = devnet_list(&c, info.domid, ids, DEVNET_MAX_DEVID + 1);
	/* libxl__device_nextid: one above the highest devid in use. */
	rc = 1;
	if (n > 0 && ids[n - 1] >= DEVNET_MAX_DEVID) {
		fprintf(stderr, "xl: domain %u has too many vifs\n",
			info.domid);
		goto out;
	}
	if (devnet_resolve(&spec_v, info.domid, n > 0 ? ids[n - 1] + 1 : 0, &v,
			   &notes, err) ||
	    devnet_attach(&c, &v,
			  !(info.flags & SABLE_DOMINF_paused) &&
				  info.pause_count == 0,
			  &notes, err)) {
		fprintf(stderr, "xl: %s: %s\n", info.name, err);
		print_notes(&notes);
		goto out;
	}
	print_notes(&notes);
	rc = 0;
out:
	xs_client_close(&c);
	return rc;
}

/* `network-detach DOMAIN DEVID|MAC` */
int xl_cmd_network_detach(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;
	char err[DEVNET_ERR_MAX], *end;
	struct xs_client c;
	unsigned long id;
	uint32_t devid;
	int rc;

	if (argc != 3) {
		return xl_usage(x);
	}
	rc = target(x, argv[1], &info, &c);
	if (rc) {
		return rc;
	}
	rc = 1;
	if (strchr(argv[2], ':')) {
		if (devnet_find_mac(&c, info.domid, argv[2], &devid)) {
			fprintf(stderr, "Unknown device %s.\n", argv[2]);
			goto out;
		}
	} else {
		id = strtoul(argv[2], &end, 10);
		if (!argv[2][0] || *end || id > DEVNET_MAX_DEVID) {
			fprintf(stderr, "Unknown device %s.\n", argv[2]);
			goto out;
		}
		devid = (uint32_t)id;
	}
	rc = devnet_detach(&c, info.domid, devid, false, err);
	if (rc) {
		if (rc == -ENOENT) {
			fprintf(stderr, "Unknown device %s.\n", argv[2]);
		} else {
			fprintf(stderr, "xl: %s: %s\n", info.name, err);
		}
		rc = 1;
		goto out;
	}
	if (err[0]) {
		fprintf(stderr, "xl: warning: %s\n", err);
	}
	rc = 0;
out:
	xs_client_close(&c);
	return rc;
}

/*
 * A number from the store, -1 when missing (as libxl's nicinfo). The
 * frontend's nodes are the guest's: anything but decimal digits up to
 * INT_MAX is -1 too, never a negative or wrapped number.
 */
static long num_or_minus1(struct xs_client *c, const char *dir, const char *key)
{
	char path[128], val[32], *end;
	unsigned long v;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (xs_client_read(c, 0, path, val, sizeof(val)) || !val[0] ||
	    strspn(val, "0123456789") != strlen(val)) {
		return -1;
	}
	errno = 0;
	v = strtoul(val, &end, 10);
	return errno || v > INT_MAX ? -1 : (long)v;
}

static void list_one(struct xs_client *c, uint32_t domid, uint32_t devid)
{
	char fe[64], lx[64], path[192], be[128] = "", mac[32] = "";
	unsigned int beid = 0;

	devnet_frontend_path(domid, devid, fe, sizeof(fe));
	devnet_libxl_path(domid, devid, lx, sizeof(lx));
	snprintf(path, sizeof(path), "%s/backend", lx);
	if (xs_client_read(c, 0, path, be, sizeof(be))) {
		devnet_backend_path(domid, devid, be, sizeof(be));
	}
	if (sscanf(be, "/local/domain/%u/", &beid) != 1) {
		beid = 0;
	}
	snprintf(path, sizeof(path), "%s/mac", lx);
	if (xs_client_read(c, 0, path, mac, sizeof(mac))) {
		snprintf(path, sizeof(path), "%s/mac", be);
		if (xs_client_read(c, 0, path, mac, sizeof(mac))) {
			snprintf(mac, sizeof(mac), "00:00:00:00:00:00");
		}
	}
	printf("%-3u %-2u %-17s%6u %5ld %6ld %5ld/%-11ld %-30s\n", devid, beid,
	       mac, devid, num_or_minus1(c, fe, "state"),
	       num_or_minus1(c, fe, "event-channel"),
	       num_or_minus1(c, fe, "tx-ring-ref"),
	       num_or_minus1(c, fe, "rx-ring-ref"), be);
}

/* `network-list DOMAIN ...` */
int xl_cmd_network_list(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;
	uint32_t ids[DEVNET_MAX_DEVID + 1];
	struct xs_client c;
	int i, j, n, rc = 0;

	if (argc < 2) {
		return xl_usage(x);
	}
	if (xs_client_open(&c, x->xs_path, DOMBUILD_XS_TIMEOUT)) {
		fprintf(stderr, "xl: cannot connect to xenstored\n");
		return 1;
	}
	printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE",
	       "Mac Addr.", "handle", "state", "evt-ch", "tx-", "rx-ring-ref",
	       "BE-path");
	for (i = 1; i < argc; i++) {
		if (xl_find_domain(x, argv[i], &info)) {
			rc = 1;
			continue;
		}
		n = devnet_list(&c, info.domid, ids, DEVNET_MAX_DEVID + 1);
		for (j = 0; j < n; j++) {
			list_one(&c, info.domid, ids[j]);
		}
	}
	xs_client_close(&c);
	return rc;
}
