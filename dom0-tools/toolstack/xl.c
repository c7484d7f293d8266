/* SPDX-License-Identifier: MIT */
/* xl's command table, help and the helpers its commands share (xl.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dombuild.h"
#include "xl.h"

static const struct xl_cmd xl_cmds[] = {
	{ "create", xl_cmd_create, "[options] [FILE] [key=value ...]",
	  "Create a domain from a config file",
	  "-c         attach to the domain's console once it is created\n"
	  "-p         leave the domain paused\n"
	  "-q         quiet\n"
	  "-e         do not leave a monitor for on_poweroff/on_reboot/...\n"
	  "-n         dry run: parse and check the file, print the result\n"
	  "-f FILE    the config file (also the first argument; a bare\n"
	  "           name is looked for in " XL_CONFIG_DIR ")\n"
	  "key=value  replaces the file's setting of key" },
	{ "list", xl_cmd_list, "[-l] [-v] [DOMAIN ...]", "List domains",
	  "-l  a JSON description of each domain\n"
	  "-v  also the UUID and the shutdown reason" },
	{ "destroy", xl_cmd_destroy, "DOMAIN", "Terminate a domain at once",
	  NULL },
	{ "shutdown", xl_cmd_shutdown, "[-w] [-a] [DOMAIN]",
	  "Ask a domain to power off (PV control protocol)",
	  "-w  wait until the domain has shut down\n"
	  "-a  every domain but Domain-0" },
	{ "reboot", xl_cmd_reboot, "[-w] [-a] [DOMAIN]",
	  "Ask a domain to reboot (PV control protocol)",
	  "-w  wait until the domain has shut down to reboot\n"
	  "-a  every domain but Domain-0" },
	{ "pause", xl_cmd_pause, "DOMAIN", "Pause a domain", NULL },
	{ "unpause", xl_cmd_unpause, "DOMAIN", "Unpause a paused domain",
	  NULL },
	{ "console", xl_cmd_console, "DOMAIN",
	  "Attach to a domain's console (Ctrl-] detaches)", NULL },
	{ "info", xl_cmd_info, "", "Information about the host", NULL },
	{ "dmesg", xl_cmd_dmesg, "[-c]", "Read the hypervisor's log",
	  "-c  clear the log after reading it" },
	{ "debug-keys", xl_cmd_debug_keys, "KEYS",
	  "Send debug keys to the hypervisor (e: event channels)",
	  "e  every domain's vCPUs, upcalls and event channels, into the\n"
	  "   hypervisor's log (xl dmesg)" },
	{ "uptime", xl_cmd_uptime, "[DOMAIN ...]", "How long domains have run",
	  NULL },
	{ "vcpu-list", xl_cmd_vcpu_list, "[DOMAIN ...]",
	  "List the vCPUs of domains", NULL },
	{ "vcpu-pin", xl_cmd_vcpu_pin, "DOMAIN VCPU|all HARD [SOFT]",
	  "Set the hard and soft affinity of vCPUs (all, 0-1, 0,2, ^1; "
	  "- keeps one)",
	  NULL },
	{ "domid", xl_cmd_domid, "NAME", "The id of a domain", NULL },
	{ "domname", xl_cmd_domname, "ID", "The name of a domain", NULL },
	{ "rename", xl_cmd_rename, "DOMAIN NEWNAME", "Rename a domain", NULL },
	{ "vcpu-set", xl_cmd_vcpu_set, "DOMAIN N",
	  "Set how many of a domain's vCPUs are online (up to maxvcpus)",
	  NULL },
	{ "mem-set", xl_cmd_mem_set, "DOMAIN SIZE",
	  "Set a domain's memory target (its balloon driver follows)",
	  "SIZE  a number with an optional unit b, k, m, g or t (m when\n"
	  "      none); at most the domain's maximum (xl mem-max)" },
	{ "mem-max", xl_cmd_mem_max, "DOMAIN SIZE",
	  "Set the most memory a domain may hold",
	  "SIZE  as for mem-set; at least the domain's target" },
	{ "sched-credit2", xl_cmd_sched_credit2,
	  "[-d DOMAIN [-w WEIGHT] [-c CAP]]",
	  "Get or set a domain's scheduling weight and cap",
	  "-d DOMAIN  the domain (without: list every domain)\n"
	  "-w WEIGHT  relative weight, 1..65535 (default 256)\n"
	  "-c CAP     at most CAP percent of one pCPU, 0: no cap" },
	{ "init-dom0less", xl_cmd_init_dom0less, "",
	  "Introduce boot-time domains to xenstored", NULL },
	{ "block-attach", xl_cmd_block_attach, "DOMAIN DISK-SPEC...",
	  "Attach a PV disk (xl-disk-configuration syntax) to a domain", NULL },
	{ "block-detach", xl_cmd_block_detach, "[-f] DOMAIN VDEV|DEVID",
	  "Detach a PV disk from a domain",
	  "-f  remove it even if the guest does not release it" },
	{ "block-list", xl_cmd_block_list, "DOMAIN ...",
	  "List the PV disks of domains", NULL },
	/* PV network interfaces (xl_net.c) */
	{ "network-attach", xl_cmd_network_attach,
	  "DOMAIN [mac=MAC] [bridge=BRIDGE] [ip=IP] [vifname=NAME] "
	  "[rate=RATE] [type=vif]",
	  "Create a new virtual network device", NULL },
	{ "network-detach", xl_cmd_network_detach, "DOMAIN DEVID|MAC",
	  "Destroy a domain's virtual network device", NULL },
	{ "network-list", xl_cmd_network_list, "DOMAIN ...",
	  "List virtual network interfaces for a domain", NULL },
};

#define XL_NR_CMDS (sizeof(xl_cmds) / sizeof(xl_cmds[0]))

static const struct xl_cmd *xl_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < XL_NR_CMDS; i++) {
		if (strcmp(name, xl_cmds[i].name) == 0) {
			return &xl_cmds[i];
		}
	}
	return NULL;
}

static void xl_help_all(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: xl <subcommand> [args]\n\n"
		   "xl full list of subcommands:\n\n");
	for (i = 0; i < XL_NR_CMDS; i++) {
		fprintf(f, " %-20s%s\n", xl_cmds[i].name, xl_cmds[i].summary);
	}
	fprintf(f, "\nxl help <subcommand> for the options of one.\n");
}

static void xl_help_one(FILE *f, const struct xl_cmd *c)
{
	fprintf(f, "Usage: xl %s %s\n\n%s.\n", c->name, c->args, c->summary);
	if (c->options) {
		const char *p = c->options, *nl;

		fprintf(f, "\nOptions:\n\n");
		for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
			nl = strchr(p, '\n');
			fprintf(f, "%.*s\n",
				(int)(nl ? (size_t)(nl - p) : strlen(p)), p);
		}
	}
}

int xl_usage(struct xl_ctx *x)
{
	const struct xl_cmd *c = x->cmd ? xl_lookup(x->cmd) : NULL;

	if (c) {
		xl_help_one(stderr, c);
	} else {
		xl_help_all(stderr);
	}
	return 2;
}

int xl_for_each(struct xl_ctx *x, const char *want,
		void (*fn)(struct xl_ctx *x,
			   const struct sable_ctl_domain_info *info))
{
	struct sable_ctl_domain_info info;
	uint32_t next = 0;
	unsigned long id;
	char *end;
	int n = 0;
	bool by_id = false;

	if (want) {
		id = strtoul(want, &end, 10);
		by_id = *want && !*end;
	}
	while (sable_domain_info(x->h, next, &info) == 0) {
		if (!want ||
		    (by_id ? id == info.domid : strcmp(want, info.name) == 0)) {
			fn(x, &info);
			n++;
		}
		next = info.domid + 1;
	}
	if (errno != ESRCH) {
		fprintf(stderr, "xl: cannot read domain information: %s\n",
			dombuild_strerror(errno));
		return -1;
	}
	return n;
}

static struct sable_ctl_domain_info *xl_found;

static void xl_keep(struct xl_ctx *x, const struct sable_ctl_domain_info *i)
{
	(void)x;
	*xl_found = *i;
}

int xl_find_domain(struct xl_ctx *x, const char *want,
		   struct sable_ctl_domain_info *info)
{
	int n;

	xl_found = info;
	n = xl_for_each(x, want, xl_keep);
	if (n == 0) {
		fprintf(stderr, "xl: no domain %s\n", want);
	}
	return n > 0 ? 0 : 1;
}

void xl_cpumap_string(uint64_t mask, uint32_t nr_cpus, char *buf, size_t size)
{
	uint64_t all = nr_cpus >= 64 ? ~0ULL : (1ULL << nr_cpus) - 1;
	size_t len = 0;
	uint32_t i, j;

	buf[0] = '\0';
	if ((mask & all) == all) {
		snprintf(buf, size, "all");
		return;
	}
	for (i = 0; i < 64 && len < size; i = j) {
		if (!(mask >> i & 1)) {
			j = i + 1;
			continue;
		}
		for (j = i; j < 64 && (mask >> j & 1); j++) {
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%u",
					len ? "," : "", i);
		if (j - 1 > i && len < size) {
			len += (size_t)snprintf(buf + len, size - len, "-%u",
						j - 1);
		}
	}
	if (!buf[0]) {
		snprintf(buf, size, "none");
	}
}

static int xl_help(int argc, char **argv)
{
	const struct xl_cmd *c = argc > 2 ? xl_lookup(argv[2]) : NULL;

	if (argc > 2 && !c) {
		fprintf(stderr, "xl: unknown command '%s'\n", argv[2]);
		xl_help_all(stderr);
		return 2;
	}
	if (c) {
		xl_help_one(stdout, c);
	} else {
		xl_help_all(stdout);
	}
	return 0;
}

int xl_main(int argc, char **argv)
{
	struct xl_ctx x = { 0 };
	const struct xl_cmd *c;
	const char *why = "";
	int rc;

	if (argc < 2) {
		xl_help_all(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")) {
		return xl_help(argc, argv);
	}
	c = xl_lookup(argv[1]);
	if (!c) {
		fprintf(stderr, "xl: unknown command '%s'\n", argv[1]);
		xl_help_all(stderr);
		return 2;
	}
	x.cmd = c->name;
	if (argc > 2 &&
	    (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help"))) {
		xl_help_one(stdout, c);
		return 0;
	}
	x.h = sable_open(&why);
	if (!x.h) {
		fprintf(stderr, "xl: %s: %s\n", why, strerror(errno));
		return 1;
	}
	/* getopt() restarts for each command (optind 0 resets glibc). */
	optind = 0;
	rc = c->fn(&x, argc - 1, argv + 1);
	sable_close(x.h);
	return rc;
}
