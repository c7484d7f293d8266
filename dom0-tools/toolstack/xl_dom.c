/* SPDX-License-Identifier: MIT */
/*
 * xl's commands on one running domain: destroy, shutdown, reboot, pause,
 * unpause, rename, vcpu-pin, console; and init-dom0less.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom0less.h"
#include "dombuild.h"
#include "xl.h"
#include "xl_create.h"
#include "xlcfg.h"
#include "xs_client.h"

/* How long `-w` waits for a monitor to act on a shutdown. */
#define XL_MONITOR_WAIT_MS 30000

/* The one DOMAIN argument of a command; its info, or exit status 1/2. */
static int one_domain(struct xl_ctx *x, int argc, char **argv,
		      struct sable_ctl_domain_info *info)
{
	if (argc != 2) {
		return xl_usage(x);
	}
	return xl_find_domain(x, argv[1], info);
}

int xl_cmd_destroy(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;
	char err[DOMBUILD_ERR_MAX];
	int rc = one_domain(x, argc, argv, &info);

	if (rc) {
		return rc;
	}
	if (dombuild_destroy(x->h, info.domid, x->xs_path, err)) {
		fprintf(stderr, "xl: %s\n", err);
		return 1;
	}
	xl_monitor_forget(info.domid);
	return 0;
}

static int pause_or_unpause(struct xl_ctx *x, int argc, char **argv, bool pause)
{
	struct sable_ctl_domain_info info;
	int rc = one_domain(x, argc, argv, &info);

	if (rc) {
		return rc;
	}
	if (pause ? sable_domain_pause(x->h, info.domid)
		  : sable_domain_unpause(x->h, info.domid)) {
		fprintf(stderr, "xl: cannot %s domain %u: %s\n",
			pause ? "pause" : "unpause", info.domid,
			dombuild_strerror(errno));
		return 1;
	}
	return 0;
}

int xl_cmd_pause(struct xl_ctx *x, int argc, char **argv)
{
	return pause_or_unpause(x, argc, argv, true);
}

int xl_cmd_unpause(struct xl_ctx *x, int argc, char **argv)
{
	return pause_or_unpause(x, argc, argv, false);
}

/* Does the guest answer the PV control protocol (feature-poweroff)? */
static bool pv_control(struct xl_ctx *x, uint32_t domid)
{
	struct xs_client c;
	char path[64], v[8] = "";

	if (xs_client_open(&c, x->xs_path, DOMBUILD_XS_TIMEOUT)) {
		return true; /* the request says why it cannot be made */
	}
	snprintf(path, sizeof(path),
		 "/local/domain/%u/control/feature-poweroff", domid);
	xs_client_read(&c, 0, path, v, sizeof(v));
	xs_client_close(&c);
	return strcmp(v, "1") == 0;
}

/* Has the monitor of @domid stopped running (acted, or none)? */
static bool monitor_settled(uint32_t domid)
{
	return xl_monitor_state(domid) != XL_MONITOR_RUNNING;
}

/*
 * After a shutdown: a monitor (xl create) acts on it; wait until the
 * domain is gone or the monitor is done (at most XL_MONITOR_WAIT_MS,
 * re-checking on @releaseDomain and every second for the monitor). With
 * no monitor ever, a domain that powered off is destroyed here.
 */
static int after_shutdown(struct xl_ctx *x, uint32_t domid,
			  const struct sable_ctl_domain_info *info, bool gone)
{
	struct sable_ctl_domain_info now;
	char err[DOMBUILD_ERR_MAX];
	int waited;

	if (gone) {
		fprintf(stderr, "Domain %u has been destroyed.\n", domid);
		return 0;
	}
	fprintf(stderr, "Domain %u has been shut down, reason code %u\n", domid,
		info->shutdown_reason);
	for (waited = 0;
	     !monitor_settled(domid) && !gone && waited < XL_MONITOR_WAIT_MS;
	     waited += 1000) {
		if (domlife_wait(x->h, domid, DOMLIFE_GONE, 1000, x->xs_path,
				 &now, &gone) == 0) {
			return 0;
		}
	}
	if (gone || xl_monitor_state(domid) != XL_MONITOR_NONE) {
		return 0;
	}
	if (info->shutdown_reason == DOMBUILD_POWEROFF &&
	    dombuild_destroy(x->h, domid, x->xs_path, err)) {
		fprintf(stderr, "xl: %s\n", err);
		return 1;
	}
	return 0;
}

/* shutdown and reboot: the request, then with -w the wait. */
static int request(struct xl_ctx *x, int argc, char **argv, const char *what)
{
	struct sable_ctl_domain_info info, ids[64];
	char err[DOMBUILD_ERR_MAX];
	bool wait = false, all = false, gone;
	uint32_t next = 0;
	int opt, n = 0, i, rc = 0;

	while ((opt = getopt(argc, argv, "+wa")) != -1) {
		if (opt == 'w') {
			wait = true;
		} else if (opt == 'a') {
			all = true;
		} else {
			return xl_usage(x);
		}
	}
	if (all ? optind != argc : optind != argc - 1) {
		return xl_usage(x);
	}
	if (!all && xl_find_domain(x, argv[optind], &ids[n++])) {
		return 1;
	}
	while (all && n < 64 && sable_domain_info(x->h, next, &info) == 0) {
		next = info.domid + 1;
		if (info.domid && !(info.flags & (SABLE_DOMINF_shutdown |
						  SABLE_DOMINF_dying))) {
			ids[n++] = info;
		}
	}
	for (i = 0; i < n; i++) {
		uint32_t d = ids[i].domid;

		if (d == 0) {
			fprintf(stderr, "xl: use the shell's poweroff or "
					"reboot for Domain-0\n");
			return 1;
		}
		if (!pv_control(x, d)) {
			fprintf(stderr,
				"xl: domain %u: PV control interface not "
				"available (the guest has not written "
				"control/feature-poweroff)\n",
				d);
			rc = 1;
			ids[i].domid = 0;
			continue;
		}
		fprintf(stderr, "%s domain %u\n",
			strcmp(what, "reboot") ? "Shutting down" : "Rebooting",
			d);
		if (domlife_request(d, what, x->xs_path, err)) {
			fprintf(stderr, "xl: %s\n", err);
			rc = 1;
			ids[i].domid = 0;
		}
	}
	if (wait) {
		fprintf(stderr, "Waiting for %d domains\n", n);
	}
	for (i = 0; wait && i < n; i++) {
		uint32_t d = ids[i].domid;

		if (!d) {
			continue;
		}
		if (domlife_wait(x->h, d, DOMLIFE_SHUTDOWN, -1, x->xs_path,
				 &info, &gone)) {
			fprintf(stderr, "xl: cannot wait for domain %u\n", d);
			rc = 1;
			continue;
		}
		rc |= after_shutdown(x, d, &info, gone);
	}
	return rc;
}

int xl_cmd_shutdown(struct xl_ctx *x, int argc, char **argv)
{
	return request(x, argc, argv, "poweroff");
}

int xl_cmd_reboot(struct xl_ctx *x, int argc, char **argv)
{
	return request(x, argc, argv, "reboot");
}

/* The name in the hypervisor, then under /local/domain and /vm. */
int xl_cmd_rename(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;
	struct xs_client c;
	char path[64], vm[96];
	const char *why;

	if (argc != 3) {
		return xl_usage(x);
	}
	if (xl_find_domain(x, argv[1], &info)) {
		return 1;
	}
	why = xlcfg_name_problem(argv[2]);
	if (why) {
		fprintf(stderr, "xl: \"%s\": %s\n", argv[2], why);
		return 1;
	}
	if (sable_domain_rename(x->h, info.domid, argv[2])) {
		fprintf(stderr, "xl: cannot rename domain %u: %s\n", info.domid,
			dombuild_strerror(errno));
		return 1;
	}
	if (xs_client_open(&c, x->xs_path, DOMBUILD_XS_TIMEOUT) == 0) {
		snprintf(path, sizeof(path), "/local/domain/%u/name",
			 info.domid);
		if (xs_client_read(&c, 0, path, vm, sizeof(vm)) == 0) {
			xs_client_write(&c, 0, path, argv[2]);
		}
		snprintf(path, sizeof(path), "/local/domain/%u/vm", info.domid);
		if (xs_client_read(&c, 0, path, vm, sizeof(vm)) == 0 &&
		    strncmp(vm, "/vm/", 4) == 0 &&
		    strlen(vm) + 6 <= sizeof(vm)) {
			strcat(vm, "/name");
			xs_client_write(&c, 0, vm, argv[2]);
		}
		xs_client_close(&c);
	}
	return 0;
}

/* HARD or SOFT of vcpu-pin: "-" keeps what vCPU @v has (*@keep). */
static int pin_mask(const char *arg, const char *what, uint64_t *mask,
		    bool *keep)
{
	*keep = !strcmp(arg, "-");
	if (*keep) {
		return 0;
	}
	if (xlcfg_parse_cpus(arg, mask)) {
		fprintf(stderr, "xl: bad %s CPU list \"%s\"\n", what, arg);
		return -1;
	}
	return 0;
}

/*
 * vcpu-pin DOMAIN VCPU|all HARD [SOFT]: HARD or SOFT "-" leaves that one
 * as it is; no SOFT leaves the soft affinity as it is (xl's rules).
 */
int xl_cmd_vcpu_pin(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;
	uint64_t hard = 0, soft = 0;
	bool keep_hard, keep_soft = true;
	uint32_t v, first, last;
	char *end;

	if (argc != 4 && argc != 5) {
		return xl_usage(x);
	}
	if (xl_find_domain(x, argv[1], &info)) {
		return 1;
	}
	if (!strcmp(argv[2], "all")) {
		first = 0;
		last = info.nr_vcpus ? info.nr_vcpus - 1 : 0;
	} else {
		first = last = (uint32_t)strtoul(argv[2], &end, 10);
		if (!*argv[2] || *end || first >= info.nr_vcpus) {
			fprintf(stderr,
				"xl: vCPU %s: domain %u has vCPUs 0 "
				"to %u\n",
				argv[2], info.domid, info.nr_vcpus - 1);
			return 1;
		}
	}
	if (pin_mask(argv[3], "hard", &hard, &keep_hard) ||
	    (argc == 5 && pin_mask(argv[4], "soft", &soft, &keep_soft))) {
		return 1;
	}
	if (keep_hard && keep_soft) {
		return 0;
	}
	for (v = first; v <= last; v++) {
		struct sable_ctl_vcpu_info now;
		uint64_t h = hard, s = soft;

		if (keep_hard || keep_soft) {
			if (sable_vcpu_info(x->h, info.domid, v, &now)) {
				fprintf(stderr, "xl: domain %u vCPU %u: %s\n",
					info.domid, v,
					dombuild_strerror(errno));
				return 1;
			}
			h = keep_hard ? now.affinity : h;
			s = keep_soft ? now.soft_affinity : s;
		}
		if (sable_vcpu_set_affinity(x->h, info.domid, v, h, s)) {
			fprintf(stderr,
				"xl: cannot set the affinity of vCPU %u: %s\n",
				v, dombuild_strerror(errno));
			return 1;
		}
	}
	return 0;
}

int xl_cmd_console(struct xl_ctx *x, int argc, char **argv)
{
	struct sable_ctl_domain_info info;
	int rc = one_domain(x, argc, argv, &info);

	if (rc) {
		return rc;
	}
	if (info.domid == 0) {
		fprintf(stderr, "xl: Domain-0's console is the hypervisor's "
				"(hvc0)\n");
		return 1;
	}
	return xl_console_attach(x, info.domid);
}

/* The domains init-dom0less connected, for their monitors. */
struct dom0less_seen {
	uint32_t domid[64];
	char name[64][32];
	unsigned int n;
};

/* One line per domain: progress on stdout, failures on stderr. */
static void report_dom0less(const struct dom0less_result *r, void *arg)
{
	struct dom0less_seen *seen = arg;
	char what[160];
	bool failed = r->status == DOM0LESS_FAILED;

	if ((r->status == DOM0LESS_INTRODUCED ||
	     r->status == DOM0LESS_ALREADY) &&
	    seen->n < sizeof(seen->domid) / sizeof(seen->domid[0])) {
		seen->domid[seen->n] = r->info.domid;
		snprintf(seen->name[seen->n], sizeof(seen->name[0]), "%s",
			 r->info.name);
		seen->n++;
	}
	dom0less_describe(r, what, sizeof(what));
	fprintf(failed ? stderr : stdout, "%sdomain %u (%s): %s\n",
		failed ? "xl: " : "", r->info.domid, r->info.name, what);
	fflush(failed ? stderr : stdout);
}

int xl_cmd_init_dom0less(struct xl_ctx *x, int argc, char **argv)
{
	struct dom0less_seen seen = { .n = 0 };
	struct sable_ctl_boot b;
	int failed;

	(void)argv;
	if (argc != 1) {
		return xl_usage(x);
	}
	failed = dom0less_introduce_all(x->h, x->xs_path, report_dom0less,
					&seen);
	/*
	 * Each boot-time domain with a store gets a monitor, as a domain of
	 * `xl create` does: from now on dom0 acts on its shutdowns.
	 */
	for (unsigned int i = 0; i < seen.n; i++) {
		if (xl_monitor_state(seen.domid[i]) != XL_MONITOR_RUNNING &&
		    sable_boot_manage(x->h, seen.domid[i], &b) == 0) {
			xl_monitor_spawn_boot(x, seen.name[i], seen.domid[i],
					      &b);
		}
	}
	if (failed < 0) {
		fprintf(stderr, "xl: cannot read domain information: %s\n",
			dombuild_strerror(-failed));
		return 1;
	}
	return failed ? 1 : 0;
}
