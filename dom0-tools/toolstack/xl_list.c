/* SPDX-License-Identifier: MIT */
/*
 * xl's reporting commands: list, info, uptime, vcpu-list, dmesg, domid,
 * domname, sched-credit2. Columns as Xen's xl prints them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/utsname.h>

#include <public/version.h>

#include "dombuild.h"
#include "xl.h"
#include "xs_client.h"

/* Read a node into @buf ("" if absent or xenstored is unreachable). */
static void xs_get(struct xs_client *c, const char *path, char *buf,
		   size_t size)
{
	buf[0] = '\0';
	if (c->fd < 0 || !*path || xs_client_read(c, 0, path, buf, size)) {
		buf[0] = '\0';
	}
}

/* The domain's /vm/<uuid> path, or "". */
static void vm_path(struct xs_client *c, uint32_t domid, char *buf, size_t size)
{
	char path[48];

	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	xs_get(c, path, buf, size);
	if (strncmp(buf, "/vm/", 4) != 0) {
		buf[0] = '\0';
	}
}

static double seconds(uint64_t ns)
{
	return (double)ns / 1e9;
}

/* ---- list ------------------------------------------------------------- */

/* xl's six state letters: running, blocked, paused, shutdown, crashed, dying. */
static void state_string(const struct sable_ctl_domain_info *i, char *buf)
{
	bool sd = i->flags & SABLE_DOMINF_shutdown;
	bool crashed = sd && i->shutdown_reason == DOMBUILD_CRASH;

	buf[0] = (i->flags & SABLE_DOMINF_running) ? 'r' : '-';
	buf[1] = (i->flags & SABLE_DOMINF_blocked) ? 'b' : '-';
	buf[2] = (i->flags & SABLE_DOMINF_paused) ? 'p' : '-';
	buf[3] = sd && !crashed ? 's' : '-';
	buf[4] = crashed ? 'c' : '-';
	buf[5] = (i->flags & SABLE_DOMINF_dying) ? 'd' : '-';
	buf[6] = '\0';
}

struct list_opts {
	bool verbose, json;
	int rows; /* JSON objects printed, for the commas */
	struct xs_client xs;
};

static struct list_opts *list_opts;

static void list_row(struct xl_ctx *x, const struct sable_ctl_domain_info *i)
{
	char state[8], vm[80], uuid[80], reason[16];

	(void)x;
	state_string(i, state);
	/*
	 * What it holds now and the vCPUs online, as Xen's xl shows them
	 * (ballooning and vcpu-set move them; an Arm guest's secondary vCPUs
	 * count once it has started them). A domain with none online shows
	 * all it has.
	 */
	printf("%-40s %5u %5llu %5u     %s %9.1f", i->name, i->domid,
	       (unsigned long long)((i->cur_mem_kib ? i->cur_mem_kib
						    : i->mem_kib) >>
				    10),
	       i->nr_online_vcpus ? i->nr_online_vcpus : i->nr_vcpus, state,
	       seconds(i->cpu_time_ns));
	if (list_opts->verbose) {
		vm_path(&list_opts->xs, i->domid, vm, sizeof(vm));
		snprintf(uuid, sizeof(uuid), "%s",
			 vm[0] ? vm + 4
			       : "00000000-0000-0000-0000-"
				 "000000000000");
		if (i->flags & SABLE_DOMINF_shutdown) {
			snprintf(reason, sizeof(reason), "%u",
				 i->shutdown_reason);
		} else {
			snprintf(reason, sizeof(reason), "-");
		}
		printf(" %-36s %11s %s", uuid, reason, "-");
	}
	printf("\n");
}

static void json_str(const char *key, const char *v, bool comma)
{
	const char *p;

	printf("                \"%s\": \"", key);
	for (p = v; *p; p++) {
		if (*p == '"' || *p == '\\') {
			printf("\\%c", *p);
		} else if ((unsigned char)*p < 0x20) {
			printf("\\u%04x", (unsigned char)*p);
		} else {
			putchar(*p);
		}
	}
	printf("\"%s\n", comma ? "," : "");
}

/* `xl list -l`: libxl's domain configuration as JSON, what Sable has. */
static void list_json(struct xl_ctx *x, const struct sable_ctl_domain_info *i)
{
	struct xs_client *c = &list_opts->xs;
	char vm[80], path[160], kernel[256], cmdline[1100], ramdisk[256];

	(void)x;
	vm_path(c, i->domid, vm, sizeof(vm));
	snprintf(path, sizeof(path), "%s/image/kernel", vm);
	xs_get(c, vm[0] ? path : "", kernel, sizeof(kernel));
	snprintf(path, sizeof(path), "%s/image/ramdisk", vm);
	xs_get(c, vm[0] ? path : "", ramdisk, sizeof(ramdisk));
	snprintf(path, sizeof(path), "%s/image/cmdline", vm);
	xs_get(c, vm[0] ? path : "", cmdline, sizeof(cmdline));
	printf("%s    {\n        \"domid\": %u,\n        \"config\": {\n"
	       "            \"c_info\": {\n",
	       list_opts->rows++ ? ",\n" : "", i->domid);
	json_str("type", "pvh", true);
	json_str("name", i->name, true);
	json_str("uuid",
		 vm[0] ? vm + 4 : "00000000-0000-0000-0000-000000000000",
		 false);
	printf("            },\n            \"b_info\": {\n");
	printf("                \"max_vcpus\": %u,\n", i->nr_vcpus);
	printf("                \"max_memkb\": %llu,\n",
	       (unsigned long long)(i->max_mem_kib ? i->max_mem_kib
						   : i->mem_kib));
	printf("                \"target_memkb\": %llu,\n",
	       (unsigned long long)i->mem_kib);
	json_str("kernel", kernel, true);
	json_str("ramdisk", ramdisk, true);
	json_str("cmdline", cmdline, false);
	printf("            }\n        }\n    }");
}

int xl_cmd_list(struct xl_ctx *x, int argc, char **argv)
{
	struct list_opts o = { 0 };
	int opt, n, i, rc = 0;

	while ((opt = getopt(argc, argv, "+lv")) != -1) {
		if (opt == 'l') {
			o.json = true;
		} else if (opt == 'v') {
			o.verbose = true;
		} else {
			return xl_usage(x);
		}
	}
	list_opts = &o;
	o.xs.fd = -1;
	if (o.json || o.verbose) {
		xs_client_open(&o.xs, x->xs_path, DOMBUILD_XS_TIMEOUT);
	}
	if (o.json) {
		printf("[\n");
	} else {
		printf("%-40s %5s %5s %5s %10s %9s%s\n", "Name", "ID", "Mem",
		       "VCPUs", "State", "Time(s)",
		       o.verbose ? "   UUID                                 "
				   "Reason-Code  Security Label"
				 : "");
	}
	if (optind == argc) {
		rc = xl_for_each(x, NULL, o.json ? list_json : list_row) < 0;
	}
	for (i = optind; i < argc; i++) {
		n = xl_for_each(x, argv[i], o.json ? list_json : list_row);
		if (n == 0) {
			fprintf(stderr, "xl: no domain %s\n", argv[i]);
		}
		rc |= n <= 0;
	}
	if (o.json) {
		printf("\n]\n");
	}
	xs_client_close(&o.xs);
	return rc ? 1 : 0;
}

/* ---- info ------------------------------------------------------------- */

int xl_cmd_info(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_physinfo p;
	struct utsname u;
	char extra[XEN_EXTRAVERSION_LEN], changeset[XEN_CHANGESET_INFO_LEN],
		cmdline[XEN_COMMANDLINE_LEN];
	struct xen_compile_info ci;

	(void)argv;
	if (argc != 1) {
		return xl_usage(x);
	}
	if (sable_physinfo(x->h, &p)) {
		fprintf(stderr, "xl: cannot read the host's information: %s\n",
			dombuild_strerror(errno));
		return 1;
	}
	uname(&u);
	printf("%-23s: %s\n", "host", u.nodename);
	printf("%-23s: %s\n", "release", u.release);
	printf("%-23s: %s\n", "version", u.version);
	printf("%-23s: %s\n", "machine", u.machine);
	printf("%-23s: %u\n", "nr_cpus", p.nr_cpus);
	printf("%-23s: %u\n", "max_cpu_id", p.nr_cpus ? p.nr_cpus - 1 : 0);
	printf("%-23s: %u\n", "nr_nodes", 1);
	printf("%-23s: %u\n", "cores_per_socket", 1);
	printf("%-23s: %u\n", "threads_per_core", 1);
	printf("%-23s: %llu.%03llu\n", "cpu_mhz",
	       (unsigned long long)(p.cpu_khz / 1000),
	       (unsigned long long)(p.cpu_khz % 1000));
	printf("%-23s: %s\n", "virt_caps", "hvm hap");
	printf("%-23s: %llu\n", "total_memory",
	       (unsigned long long)(p.total_kib >> 10));
	printf("%-23s: %llu\n", "free_memory",
	       (unsigned long long)(p.free_kib >> 10));
	printf("%-23s: %u\n", "sharing_freed_memory", 0);
	printf("%-23s: %u\n", "sharing_used_memory", 0);
	printf("%-23s: %u\n", "outstanding_claims", 0);
	printf("%-23s: %u\n", "free_cpus", 0);
	printf("%-23s: %u\n", "nr_domains", p.nr_domains);
	printf("%-23s: %u\n", "max_domains", p.max_domains);
	/* What xen_version tells dom0; empty when it cannot be read. */
	sable_xen_version(x->h, XENVER_extraversion, extra, sizeof(extra));
	sable_xen_version(x->h, XENVER_changeset, changeset, sizeof(changeset));
	sable_xen_version(x->h, XENVER_commandline, cmdline, sizeof(cmdline));
	sable_xen_version(x->h, XENVER_compile_info, &ci, sizeof(ci));
	printf("%-23s: %u\n", "xen_major", p.xen_major);
	printf("%-23s: %u\n", "xen_minor", p.xen_minor);
	printf("%-23s: %s\n", "xen_extra", extra);
	printf("%-23s: %u.%u%s\n", "xen_version", p.xen_major, p.xen_minor,
	       extra);
	printf("%-23s: %s\n", "xen_caps", "xen-3.0-aarch64 xen-3.0-armv7l");
	printf("%-23s: %s\n", "xen_scheduler", "credit2");
	printf("%-23s: %u\n", "xen_pagesize", 4096);
	printf("%-23s: %s\n", "xen_changeset", changeset);
	printf("%-23s: %s\n", "xen_commandline", cmdline);
	printf("%-23s: %.*s\n", "cc_compiler", (int)sizeof(ci.compiler),
	       ci.compiler);
	printf("%-23s: %.*s\n", "cc_compile_by", (int)sizeof(ci.compile_by),
	       ci.compile_by);
	printf("%-23s: %.*s\n", "cc_compile_domain",
	       (int)sizeof(ci.compile_domain), ci.compile_domain);
	printf("%-23s: %llu\n", "xen_uptime_s",
	       (unsigned long long)(p.uptime_ns / 1000000000ULL));
	printf("%-23s: %s\n", "hypervisor", "Sable");
	printf("%-23s: %u\n", "xend_config_format", 4);
	return 0;
}

/* ---- uptime ------------------------------------------------------------ */

static uint64_t host_uptime_s;
static struct xs_client *uptime_xs;

static void uptime_row(struct xl_ctx *x, const struct sable_ctl_domain_info *i)
{
	char vm[80], path[120], start[32];
	struct timeval now;
	uint64_t s = host_uptime_s, days;

	(void)x;
	vm_path(uptime_xs, i->domid, vm, sizeof(vm));
	snprintf(path, sizeof(path), "%s/start_time", vm);
	xs_get(uptime_xs, vm[0] ? path : "", start, sizeof(start));
	gettimeofday(&now, NULL);
	if (i->domid != 0 && start[0] &&
	    strtoull(start, NULL, 10) <= (unsigned long long)now.tv_sec) {
		s = (uint64_t)now.tv_sec - strtoull(start, NULL, 10);
	}
	days = s / 86400;
	printf("%-33s %4u ", i->name, i->domid);
	if (days) {
		printf("%llu day%s, ", (unsigned long long)days,
		       days == 1 ? "" : "s");
	}
	printf("%2u:%02u:%02u\n", (unsigned)(s % 86400 / 3600),
	       (unsigned)(s % 3600 / 60), (unsigned)(s % 60));
}

int xl_cmd_uptime(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_physinfo p;
	struct xs_client c;
	int i, n, rc = 0;

	if (sable_physinfo(x->h, &p)) {
		fprintf(stderr, "xl: cannot read the host's information: %s\n",
			dombuild_strerror(errno));
		return 1;
	}
	host_uptime_s = p.uptime_ns / 1000000000ULL;
	if (xs_client_open(&c, x->xs_path, DOMBUILD_XS_TIMEOUT)) {
		c.fd = -1;
	}
	uptime_xs = &c;
	printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
	for (i = 1; i < argc || i == 1; i++) {
		n = xl_for_each(x, i < argc ? argv[i] : NULL, uptime_row);
		if (n == 0 && i < argc) {
			fprintf(stderr, "xl: no domain %s\n", argv[i]);
		}
		rc |= n < 0 || (n == 0 && i < argc);
	}
	xs_client_close(&c);
	return rc;
}

/* ---- vcpu-list ---------------------------------------------------------- */

static uint32_t host_cpus;
static int vcpu_errors;

static void vcpu_rows(struct xl_ctx *x, const struct sable_ctl_domain_info *i)
{
	struct sable_ctl_vcpu_info v;
	char aff[80], soft[80];
	uint32_t n;

	for (n = 0; n < i->nr_vcpus; n++) {
		if (sable_vcpu_info(x->h, i->domid, n, &v)) {
			fprintf(stderr, "xl: domain %u vCPU %u: %s\n", i->domid,
				n, dombuild_strerror(errno));
			vcpu_errors++;
			continue;
		}
		xl_cpumap_string(v.affinity, host_cpus, aff, sizeof(aff));
		xl_cpumap_string(v.soft_affinity, host_cpus, soft,
				 sizeof(soft));
		printf("%-32s %5u %5u ", i->name, i->domid, n);
		if (v.flags & SABLE_VCPUINF_online) {
			printf("%5u", v.pcpu);
		} else {
			printf("%5s", "-");
		}
		printf("   %c%c%c  %9.1f  %s / %s\n",
		       (v.flags & SABLE_VCPUINF_running) ? 'r' : '-',
		       (v.flags & SABLE_VCPUINF_blocked) ? 'b' : '-',
		       (v.flags & SABLE_VCPUINF_online) ? '-' : 'p',
		       seconds(v.cpu_time_ns), aff, soft);
	}
}

int xl_cmd_vcpu_list(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_physinfo p;
	int i, n, rc = 0;

	host_cpus = sable_physinfo(x->h, &p) ? 64 : p.nr_cpus;
	vcpu_errors = 0;
	printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU",
	       "State", "Time(s)", "Affinity (Hard / Soft)");
	for (i = 1; i < argc || i == 1; i++) {
		n = xl_for_each(x, i < argc ? argv[i] : NULL, vcpu_rows);
		if (n == 0 && i < argc) {
			fprintf(stderr, "xl: no domain %s\n", argv[i]);
		}
		rc |= n < 0 || (n == 0 && i < argc);
	}
	return rc || vcpu_errors ? 1 : 0;
}

/* ---- dmesg ------------------------------------------------------------- */

int xl_cmd_dmesg(struct xl_ctx *x, int argc, char **argv)
{
	static char buf[16384];
	uint64_t index = 0;
	int opt, clear = 0;
	long n;

	while ((opt = getopt(argc, argv, "+c")) != -1) {
		if (opt != 'c') {
			return xl_usage(x);
		}
		clear = 1;
	}
	if (optind != argc) {
		return xl_usage(x);
	}
	while ((n = sable_console_read(x->h, buf, sizeof(buf), &index, clear)) >
	       0) {
		fwrite(buf, 1, (size_t)n, stdout);
	}
	if (n < 0) {
		fprintf(stderr, "xl: cannot read the hypervisor's log: %s\n",
			dombuild_strerror(errno));
		return 1;
	}
	return 0;
}

/* ---- debug-keys --------------------------------------------------------- */

static int dump_errors;

static void dump_domain(struct xl_ctx *x,
			const struct sable_ctl_domain_info *info)
{
	if (sable_debug_dump(x->h, info->domid)) {
		fprintf(stderr, "xl: domain %u: %s\n", info->domid,
			dombuild_strerror(errno));
		dump_errors++;
	}
}

/* Xen's keys that Sable has: 'e' (event channels); others are refused. */
int xl_cmd_debug_keys(struct xl_ctx *x, int argc, char **argv)
{
	if (argc != 2 || !argv[1][0]) {
		return xl_usage(x);
	}
	for (const char *k = argv[1]; *k; k++) {
		if (*k != 'e') {
			fprintf(stderr,
				"xl: debug key '%c' is not supported (only "
				"'e': event channels)\n",
				*k);
			return 1;
		}
	}
	dump_errors = 0;
	for (const char *k = argv[1]; *k; k++) {
		if (xl_for_each(x, NULL, dump_domain) < 0) {
			return 1;
		}
	}
	return dump_errors ? 1 : 0;
}

/* ---- domid, domname ----------------------------------------------------- */

int xl_cmd_domid(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;

	if (argc != 2) {
		return xl_usage(x);
	}
	if (xl_find_domain(x, argv[1], &info)) {
		return 1;
	}
	printf("%u\n", info.domid);
	return 0;
}

int xl_cmd_domname(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;

	if (argc != 2) {
		return xl_usage(x);
	}
	if (xl_find_domain(x, argv[1], &info)) {
		return 1;
	}
	printf("%s\n", info.name);
	return 0;
}

/* ---- sched-credit2 ----------------------------------------------------- */

/* xl's cap is for the whole domain; Sable's is per vCPU. */
static void sched_row(struct xl_ctx *x, const struct sable_ctl_domain_info *i)
{
	struct sable_ctl_sched s;

	if (sable_sched_get(x->h, i->domid, &s)) {
		printf("%-33s %4u %6s %4s\n", i->name, i->domid, "-", "-");
		return;
	}
	printf("%-33s %4u %6u %4u\n", i->name, i->domid, s.weight,
	       s.cap * i->nr_vcpus);
}

static int sched_set(struct xl_ctx *x, const char *dom, long weight, long cap)
{
	struct sable_ctl_domain_info info;
	struct sable_ctl_sched s;

	if (xl_find_domain(x, dom, &info)) {
		return 1;
	}
	if (sable_sched_get(x->h, info.domid, &s)) {
		fprintf(stderr,
			"xl: cannot read the scheduling parameters: "
			"%s\n",
			dombuild_strerror(errno));
		return 1;
	}
	if (weight >= 0) {
		s.weight = (uint32_t)weight;
	}
	if (cap >= 0) {
		s.cap = (uint32_t)((cap + info.nr_vcpus - 1) / info.nr_vcpus);
	}
	if ((weight >= 0 || cap >= 0) &&
	    sable_sched_set(x->h, info.domid, &s)) {
		fprintf(stderr,
			"xl: cannot set the scheduling parameters: "
			"%s\n",
			dombuild_strerror(errno));
		return 1;
	}
	printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
	sched_row(x, &info);
	return 0;
}

static long number_arg(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	return (*s && !*end && v >= 0 && v <= max) ? v : -2;
}

int xl_cmd_sched_credit2(struct xl_ctx *x, int argc, char **argv)
{
	const char *dom = NULL;
	long weight = -1, cap = -1;
	int opt;

	while ((opt = getopt(argc, argv, "+d:w:c:")) != -1) {
		if (opt == 'd') {
			dom = optarg;
		} else if (opt == 'w') {
			weight = number_arg(optarg, 65535);
			if (weight < 1) {
				fprintf(stderr, "xl: weight: expected 1 to "
						"65535\n");
				return 2;
			}
		} else if (opt == 'c') {
			cap = number_arg(optarg, 100 * 64);
			if (cap < 0) {
				fprintf(stderr, "xl: cap: expected a "
						"percentage, 0 for none\n");
				return 2;
			}
		} else {
			return xl_usage(x);
		}
	}
	if (optind != argc || (!dom && (weight >= 0 || cap >= 0))) {
		return xl_usage(x);
	}
	if (dom) {
		return sched_set(x, dom, weight, cap);
	}
	printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
	return xl_for_each(x, NULL, sched_row) < 0 ? 1 : 0;
}
