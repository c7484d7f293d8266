/* SPDX-License-Identifier: MIT */
/*
 * xl: Sable's toolstack command line, with xl's command names and output.
 *
 *   xl list [DOMAIN]     domains: name, id, memory (MiB), vCPUs, state
 *   xl domid NAME        the id of the domain called NAME
 *   xl domname ID        the name of domain ID
 *   xl init-dom0less     introduce boot-time domains to xenstored
 *
 * Exit status: 0, 1 on an error (printed on stderr), 2 on bad usage.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom0less.h"
#include "libsable.h"

static int usage(void)
{
	fprintf(stderr, "usage: xl list [DOMAIN] | xl domid NAME | "
			"xl domname ID | xl init-dom0less\n");
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

/* One line per domain: progress on stdout, failures on stderr. */
static void report_dom0less(const struct dom0less_result *r, void *arg)
{
	char what[160];
	bool failed = r->status == DOM0LESS_FAILED;

	(void)arg;
	dom0less_describe(r, what, sizeof(what));
	fprintf(failed ? stderr : stdout, "%sdomain %u (%s): %s\n",
		failed ? "xl: " : "", r->info.domid, r->info.name, what);
	fflush(failed ? stderr : stdout);
}

static int cmd_init_dom0less(struct sable_handle *h, const char *arg)
{
	int failed;

	(void)arg;
	failed = dom0less_introduce_all(h, NULL, report_dom0less, NULL);
	if (failed < 0) {
		fprintf(stderr, "xl: cannot read domain information: %s\n",
			failed == -EACCES ? "hypervisor control interface "
					    "version mismatch"
					  : strerror(-failed));
		return 1;
	}
	return failed ? 1 : 0;
}

static int cmd_list(struct sable_handle *h, const char *want)
{
	int n;

	printf("%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem", "VCPUs",
	       "State", "Time(s)");
	n = for_each(h, want, print_row);
	if (n == 0 && want) {
		fprintf(stderr, "xl: no domain %s\n", want);
		return 1;
	}
	return n < 0 ? 1 : 0;
}

static int lookup(struct sable_handle *h, const char *want,
		  void (*fn)(const struct sable_ctl_domain_info *))
{
	int n = for_each(h, want, fn);

	if (n == 0) {
		fprintf(stderr, "xl: no domain %s\n", want);
		return 1;
	}
	return n < 0 ? 1 : 0;
}

static int cmd_domid(struct sable_handle *h, const char *want)
{
	return lookup(h, want, print_id);
}

static int cmd_domname(struct sable_handle *h, const char *want)
{
	return lookup(h, want, print_name);
}

/* xl's command names; each takes min_args..max_args arguments (0 or 1). */
static const struct xl_cmd {
	const char *name;
	int min_args, max_args;
	int (*fn)(struct sable_handle *h, const char *arg);
} xl_cmds[] = {
	{ "list", 0, 1, cmd_list },
	{ "domid", 1, 1, cmd_domid },
	{ "domname", 1, 1, cmd_domname },
	{ "init-dom0less", 0, 0, cmd_init_dom0less },
};

int main(int argc, char **argv)
{
	const struct xl_cmd *cmd = NULL;
	struct sable_handle *h;
	const char *why = "";
	size_t i;
	int rc;

	for (i = 0; argc >= 2 && i < sizeof(xl_cmds) / sizeof(xl_cmds[0]);
	     i++) {
		if (strcmp(argv[1], xl_cmds[i].name) == 0) {
			cmd = &xl_cmds[i];
		}
	}
	if (!cmd || argc - 2 < cmd->min_args || argc - 2 > cmd->max_args) {
		return usage();
	}
	h = sable_open(&why);
	if (!h) {
		fprintf(stderr, "xl: %s: %s\n", why, strerror(errno));
		return 1;
	}
	rc = cmd->fn(h, argc > 2 ? argv[2] : NULL);
	sable_close(h);
	return rc;
}
