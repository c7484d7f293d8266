/* SPDX-License-Identifier: MIT */
/*
 * xl: Sable's toolstack command line, with xl's command names and output.
 *
 *   xl list [DOMAIN]     domains: name, id, memory (MiB), vCPUs, state
 *   xl domid NAME        the id of the domain called NAME
 *   xl domname ID        the name of domain ID
 *
 * Exit status: 0, 1 on an error (printed on stderr), 2 on bad usage.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsable.h"

static int usage(void)
{
	fprintf(stderr, "usage: xl list [DOMAIN] | xl domid NAME | "
			"xl domname ID\n");
	return 2;
}

static bool matches(const struct sable_ctl_domain_info *i, const char *want)
{
	char *end;
	unsigned long id;

	if (!want) {
		return true;
	}
	id = strtoul(want, &end, 10);
	if (*want && !*end) {
		return id == i->domid;
	}
	return strcmp(want, i->name) == 0;
}

/* Call @fn for each domain matching @want; how many matched, or -1. */
static int for_each(struct sable_handle *h, const char *want,
		    void (*fn)(const struct sable_ctl_domain_info *))
{
	struct sable_ctl_domain_info info;
	uint32_t next = 0;
	int n = 0;

	while (sable_domain_info(h, next, &info) == 0) {
		if (matches(&info, want)) {
			fn(&info);
			n++;
		}
		next = info.domid + 1;
	}
	if (errno != ESRCH) {
		fprintf(stderr, "xl: cannot read domain information: %s\n",
			errno == EACCES ? "hypervisor control interface "
					  "version mismatch"
					: strerror(errno));
		return -1;
	}
	return n;
}

static void print_row(const struct sable_ctl_domain_info *i)
{
	char state[8];

	sable_state_string(i, state);
	printf("%-40s %5u %5llu %5u     %s %9.1f\n", i->name, i->domid,
	       (unsigned long long)(i->mem_kib >> 10), i->nr_vcpus, state, 0.0);
}

static void print_id(const struct sable_ctl_domain_info *i)
{
	printf("%u\n", i->domid);
}

static void print_name(const struct sable_ctl_domain_info *i)
{
	printf("%s\n", i->name);
}

int main(int argc, char **argv)
{
	struct sable_handle *h;
	const char *why = "";
	const char *want = argc > 2 ? argv[2] : NULL;
	int n;

	if (argc < 2 || argc > 3) {
		return usage();
	}
	if (strcmp(argv[1], "list") && strcmp(argv[1], "domid") &&
	    strcmp(argv[1], "domname")) {
		return usage();
	}
	if (strcmp(argv[1], "list") && !want) {
		return usage();
	}
	h = sable_open(&why);
	if (!h) {
		fprintf(stderr, "xl: %s: %s\n", why, strerror(errno));
		return 1;
	}
	if (strcmp(argv[1], "list") == 0) {
		printf("%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem",
		       "VCPUs", "State", "Time(s)");
		n = for_each(h, want, print_row);
	} else {
		n = for_each(h, want,
			     strcmp(argv[1], "domid") ? print_name : print_id);
	}
	sable_close(h);
	if (n == 0 && want) {
		fprintf(stderr, "xl: no domain %s\n", want);
		return 1;
	}
	return n < 0 ? 1 : 0;
}
