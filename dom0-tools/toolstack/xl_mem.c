/* SPDX-License-Identifier: MIT */
/*
 * xl mem-set and xl mem-max: a domain's balloon target and its ceiling,
 * with xl's units and libxl's rules; and xl vcpu-set, the other resource
 * the guest gives and takes through XenStore.
 *
 *   mem-max DOMAIN SIZE   the most RAM the domain may hold: the
 *                         hypervisor's limit and memory/static-max; never
 *                         below memory/target (mem-set first)
 *   mem-set DOMAIN SIZE   memory/target, which the guest's balloon driver
 *                         follows; never above memory/static-max. The
 *                         hypervisor's limit becomes the target plus 1 MiB
 *                         of slack (libxl's LIBXL_MAXMEM_CONSTANT), so the
 *                         guest cannot take back what it gave.
 *
 * SIZE is a number with an optional unit, b, k, m (the default), g or t.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dombuild.h"
#include "xl.h"
#include "xs_client.h"

/* The hypervisor's limit above the target: what libxl leaves. */
#define XL_MAXMEM_SLACK_KIB 1024ULL

/* SIZE as xl reads it (parse_mem_size_kb): KiB, or -1. */
static int64_t mem_size_kib(const char *s)
{
	char *end;
	unsigned long long v;
	int shift;

	if (!*s || *s == '-') {
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || strlen(end) > 1) {
		return -1;
	}
	switch (*end) {
	case 't':
	case 'T':
		shift = 30;
		break;
	case 'g':
	case 'G':
		shift = 20;
		break;
	case '\0':
	case 'm':
	case 'M':
		shift = 10;
		break;
	case 'k':
	case 'K':
		shift = 0;
		break;
	case 'b':
	case 'B':
		return (int64_t)(v >> 10);
	default:
		return -1;
	}
	if (v > (uint64_t)INT64_MAX >> shift) {
		return -1;
	}
	return (int64_t)(v << shift);
}

/* /local/domain/@domid/memory/@key in KiB into *@kib; -1 if unreadable. */
static int read_mem_node(struct xs_client *c, uint32_t domid, const char *key,
			 uint64_t *kib)
{
	char path[64], v[32], *end;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, key);
	if (xs_client_read(c, 0, path, v, sizeof(v))) {
		return -1;
	}
	*kib = strtoull(v, &end, 10);
	return *end || end == v ? -1 : 0;
}

static int write_mem_node(struct xs_client *c, uint32_t domid, const char *key,
			  uint64_t kib)
{
	char path[64], v[32];

	snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, key);
	snprintf(v, sizeof(v), "%" PRIu64, kib);
	return xs_client_write(c, 0, path, v);
}

/*
 * The hypervisor's limit for @domid at @kib plus the slack, then its
 * memory/@key = @kib (the ceiling first: a guest never finds a target it
 * may not reach). Closes @c. xl's exit status.
 */
static int limit_then_node(struct xl_ctx *x, struct xs_client *c,
			   uint32_t domid, uint64_t kib, const char *key)
{
	int rc = 0;

	if (sable_domain_set_max_mem(x->h, domid, kib + XL_MAXMEM_SLACK_KIB)) {
		fprintf(stderr,
			"xl: cannot set domain %u's maximum memory: %s\n",
			domid, dombuild_strerror(errno));
		rc = 1;
	} else if (write_mem_node(c, domid, key, kib)) {
		fprintf(stderr, "xl: cannot write domain %u's %s: %s\n", domid,
			key, strerror(errno));
		rc = 1;
	}
	xs_client_close(c);
	return rc;
}

/* The domain and SIZE of "mem-set/mem-max DOMAIN SIZE", the store open. */
static int mem_args(struct xl_ctx *x, int argc, char **argv,
		    struct sable_ctl_domain_info *info, uint64_t *kib,
		    struct xs_client *c)
{
	int64_t k;

	if (argc != 3) {
		return xl_usage(x);
	}
	if (xl_find_domain(x, argv[1], info)) {
		return 1;
	}
	k = mem_size_kib(argv[2]);
	if (k <= 0) {
		fprintf(stderr,
			"xl: bad memory size \"%s\" (a number with an optional "
			"unit b, k, m, g or t; m when none)\n",
			argv[2]);
		return 1;
	}
	*kib = (uint64_t)k;
	if (xs_client_open(c, x->xs_path, DOMBUILD_XS_TIMEOUT)) {
		fprintf(stderr, "xl: cannot reach xenstored: %s\n",
			strerror(errno));
		return 1;
	}
	return 0;
}

int xl_cmd_mem_max(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;
	struct xs_client c;
	uint64_t kib, target;
	int rc = mem_args(x, argc, argv, &info, &kib, &c);

	if (rc) {
		return rc;
	}
	if (read_mem_node(&c, info.domid, "target", &target) == 0 &&
	    kib < target) {
		fprintf(stderr,
			"xl: %" PRIu64 " KiB is below domain %u's target of "
			"%" PRIu64
			" KiB: lower the target first (xl mem-set)\n",
			kib, info.domid, target);
		xs_client_close(&c);
		return 1;
	}
	return limit_then_node(x, &c, info.domid, kib, "static-max");
}

int xl_cmd_mem_set(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;
	struct xs_client c;
	uint64_t kib, max;
	int rc = mem_args(x, argc, argv, &info, &kib, &c);

	if (rc) {
		return rc;
	}
	if (read_mem_node(&c, info.domid, "static-max", &max)) {
		max = info.max_mem_kib;
	}
	if (kib > max) {
		fprintf(stderr,
			"xl: %" PRIu64 " KiB is above domain %u's maximum of "
			"%" PRIu64 " KiB (xl mem-max raises it)\n",
			kib, info.domid, max);
		xs_client_close(&c);
		return 1;
	}
	return limit_then_node(x, &c, info.domid, kib, "target");
}

/*
 * vcpu-set DOMAIN N: vCPUs 0 to N-1 online, the others offline, through
 * each cpu/<i>/availability as libxl writes them; the guest's Xen CPU
 * hotplug driver (Linux's drivers/xen/cpu_hotplug.c) takes its CPUs up
 * and down with PSCI.
 */
int xl_cmd_vcpu_set(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;
	struct xs_client c;
	char path[64], *end;
	unsigned long n;
	uint32_t i;
	int rc = 0;

	if (argc != 3) {
		return xl_usage(x);
	}
	if (xl_find_domain(x, argv[1], &info)) {
		return 1;
	}
	errno = 0;
	n = strtoul(argv[2], &end, 10);
	if (errno || !*argv[2] || *end || *argv[2] == '-' || n == 0) {
		fprintf(stderr, "xl: bad vCPU count \"%s\" (1 or more)\n",
			argv[2]);
		return 1;
	}
	if (n > info.nr_vcpus) {
		fprintf(stderr,
			"xl: %lu vCPUs asked, domain %u has at most %u "
			"(maxvcpus)\n",
			n, info.domid, info.nr_vcpus);
		return 1;
	}
	if (xs_client_open(&c, x->xs_path, DOMBUILD_XS_TIMEOUT)) {
		fprintf(stderr, "xl: cannot reach xenstored: %s\n",
			strerror(errno));
		return 1;
	}
	for (i = 0; i < info.nr_vcpus && !rc; i++) {
		snprintf(path, sizeof(path),
			 "/local/domain/%u/cpu/%u/availability", info.domid, i);
		if (xs_client_write(&c, 0, path,
				    i < n ? "online" : "offline")) {
			fprintf(stderr, "xl: cannot write %s: %s\n", path,
				strerror(errno));
			rc = 1;
		}
	}
	xs_client_close(&c);
	return rc;
}
