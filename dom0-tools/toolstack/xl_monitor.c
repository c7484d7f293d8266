/* SPDX-License-Identifier: MIT */
/*
 * The monitor `xl create` leaves behind, one per domain (as Xen's xl
 * does): it sleeps until xenstored fires @releaseDomain, reads the
 * domain's state, and when the domain has shut down performs the action
 * its config names for the reason: destroy, restart (destroy, then create
 * again from the same config, same name and UUID), preserve (leave it
 * shut down), rename-restart (rename the old one, create a new one).
 * Core dumps are not written: coredump-* act as destroy / restart.
 * `xl init-dom0less` leaves one per enhanced boot-time domain, whose
 * restart has the hypervisor build it again from its boot modules and
 * then gives the new instance its xenstore connection and devices back
 * (bootmon.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bootmon.h"
#include "devdisk.h"
#include "devnet.h"
#include "dom0less.h"
#include "dombuild.h"
#include "xl.h"
#include "xl_create.h"
#include "xs_client.h"

/* How long a restart waits for the old domain to be gone. */
#define XL_RESTART_WAIT_MS 30000

static void pid_path(uint32_t domid, char *buf, size_t size)
{
	snprintf(buf, size, "%s/xl-monitor-%u.pid", XL_RUN_DIR, domid);
}

/*
 * The pid file holds the monitor's pid while it runs, and "done" once it
 * has acted and left the domain in place (preserve, or an action that
 * failed); it is removed when the domain is gone.
 */
enum xl_monitor_state xl_monitor_state(uint32_t domid)
{
	char path[96], word[16] = "";
	FILE *f;
	long pid;

	pid_path(domid, path, sizeof(path));
	f = fopen(path, "r");
	if (!f) {
		return XL_MONITOR_NONE;
	}
	if (fscanf(f, "%15s", word) != 1) {
		word[0] = '\0';
	}
	fclose(f);
	if (strcmp(word, "done") == 0) {
		return XL_MONITOR_DONE;
	}
	pid = strtol(word, NULL, 10);
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM)
		       ? XL_MONITOR_RUNNING
		       : XL_MONITOR_NONE;
}

void xl_monitor_forget(uint32_t domid)
{
	char path[96];

	pid_path(domid, path, sizeof(path));
	unlink(path);
}

/*
 * Written aside and renamed over, so that a reader sees the old content
 * or the new, never an empty file: `xl shutdown -w` read the file between
 * the truncation and the write of "done", took it for no monitor at all
 * and destroyed a domain the monitor had just preserved.
 */
static void pid_write(uint32_t domid, bool done)
{
	char path[96], tmp[104];
	FILE *f;

	mkdir(XL_RUN_DIR, 0755);
	pid_path(domid, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	if (!f) {
		return;
	}
	if (done) {
		fprintf(f, "done\n");
	} else {
		fprintf(f, "%ld\n", (long)getpid());
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
	}
}

__attribute__((format(printf, 2, 3))) static void say(FILE *log,
						      const char *fmt, ...)
{
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	va_list ap;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(log, "%s ", when);
	va_start(ap, fmt);
	vfprintf(log, fmt, ap);
	va_end(ap);
	fputc('\n', log);
	fflush(log);
}

/* Rename the shut-down domain out of the way: "<name>-<id>". */
static int rename_old(struct sable_handle *h, const char *xs_path,
		      const struct xlcfg *cfg, uint32_t domid, FILE *log)
{
	char name[XLCFG_NAME_MAX + 1], suffix[16], path[64];
	struct xs_client c;

	snprintf(suffix, sizeof(suffix), "-%u", domid);
	snprintf(name, sizeof(name), "%.*s%s",
		 (int)(XLCFG_NAME_MAX - strlen(suffix)), cfg->name, suffix);
	if (sable_domain_rename(h, domid, name)) {
		say(log, "cannot rename domain %u to %s: %s", domid, name,
		    dombuild_strerror(errno));
		return -1;
	}
	if (xs_client_open(&c, xs_path, DOMBUILD_XS_TIMEOUT) == 0) {
		snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
		xs_client_write(&c, 0, path, name);
		xs_client_close(&c);
	}
	say(log, "Domain %u renamed to %s", domid, name);
	return 0;
}

/* Build the domain again from @cfg; its new id, or -1. */
static int recreate(struct sable_handle *h, const char *xs_path,
		    struct xlcfg *cfg, FILE *log)
{
	struct dombuild_opts o = { .xs_path = xs_path };
	struct dombuild_result r;
	char err[DOMBUILD_ERR_MAX];

	if (dombuild_create(h, cfg, &o, &r, err)) {
		say(log, "cannot create %s again: %s", cfg->name, err);
		return -1;
	}
	return (int)r.domid;
}

/* Destroy @domid and wait until it is gone (its name free again). */
static int destroy_wait(struct sable_handle *h, const char *xs_path,
			uint32_t domid, FILE *log)
{
	struct sable_ctl_domain_info info;
	char err[DOMBUILD_ERR_MAX];
	bool gone;

	if (dombuild_destroy(h, domid, xs_path, err)) {
		say(log, "%s", err);
		return -1;
	}
	if (domlife_wait(h, domid, DOMLIFE_GONE, XL_RESTART_WAIT_MS, xs_path,
			 &info, &gone)) {
		say(log, "domain %u still dying after %d s", domid,
		    XL_RESTART_WAIT_MS / 1000);
	}
	return 0;
}

#define XL_ACT_GONE (-1)
#define XL_ACT_LEFT (-2)

/* The monitor's log gets the introduction of the domain it restarted. */
struct boot_report {
	uint32_t domid;
	FILE *log;
	bool introduced;
};

static void report_boot(const struct dom0less_result *r, void *arg)
{
	struct boot_report *b = arg;
	char what[160];

	if (r->info.domid != b->domid) {
		return;
	}
	dom0less_describe(r, what, sizeof(what));
	say(b->log, "domain %u (%s): %s", r->info.domid, r->info.name, what);
	b->introduced = r->status == DOM0LESS_INTRODUCED ||
			r->status == DOM0LESS_ALREADY;
}

/*
 * A boot-time domain's restart: note its devices, remove them and its
 * nodes while the hypervisor destroys it, wait for the hypervisor to
 * build it again (same id, paused), introduce it, attach the devices,
 * unpause. A device that cannot be attached again is reported and the
 * domain starts without it. The id to watch next, or XL_ACT_*.
 */
static int restart_boot(struct sable_handle *h, const char *xs_path,
			struct xlcfg *cfg, uint32_t domid, FILE *log)
{
	struct boot_report b = { .domid = domid, .log = log };
	struct devnet_notes notes = { .n = 0 };
	char err[DOMBUILD_ERR_MAX];
	struct xs_client c;
	int n = 0;

	cfg->nr_disks = cfg->nr_vifs = 0;
	if (xs_client_open(&c, xs_path, DOMBUILD_XS_TIMEOUT) == 0) {
		n = bootmon_read_devices(&c, domid, cfg);
		xs_client_close(&c);
	}
	if (n < 0) {
		say(log, "cannot read the devices of domain %u: %s", domid,
		    strerror(-n));
	}
	if (dombuild_boot_restart(h, domid, xs_path, err)) {
		say(log, "%s", err);
		return XL_ACT_LEFT;
	}
	if (bootmon_wait_back(h, domid, XL_RESTART_WAIT_MS)) {
		say(log, "domain %u not built again within %d s", domid,
		    XL_RESTART_WAIT_MS / 1000);
		return XL_ACT_GONE;
	}
	dom0less_introduce_all(h, xs_path, report_boot, &b);
	if (!b.introduced) {
		say(log, "domain %u not introduced to xenstored", domid);
	}
	if (devdisk_attach_cfg(cfg, domid, xs_path, err)) {
		say(log, "disk not attached again: %s", err);
	}
	if (devnet_attach_config(cfg, domid, xs_path, &notes, err)) {
		say(log, "vif not attached again: %s", err);
	}
	if (sable_domain_unpause(h, domid)) {
		say(log, "cannot unpause domain %u: %s", domid,
		    dombuild_strerror(errno));
		return XL_ACT_LEFT;
	}
	say(log,
	    "Domain %u (%s) rebuilt from its boot modules, %u disk(s) "
	    "and %u vif(s) attached again",
	    domid, cfg->name, cfg->nr_disks, cfg->nr_vifs);
	return (int)domid;
}

/*
 * One shutdown: act on it. The domain to watch next, or XL_ACT_GONE /
 * XL_ACT_LEFT to stop (the domain destroyed / left in place).
 */

static int act(struct sable_handle *h, const char *xs_path, struct xlcfg *cfg,
	       uint32_t domid, uint32_t reason, bool boot, FILE *log)
{
	enum xlcfg_event ev;
	enum xlcfg_action a;
	int next;

	say(log, "Domain %u has shut down, reason code %u 0x%x", domid, reason,
	    reason);
	if (!domlife_event(reason, &ev)) {
		say(log, "no action for reason %u: domain %u left as it is",
		    reason, domid);
		return XL_ACT_LEFT;
	}
	a = cfg->on[ev];
	say(log, "Action for shutdown reason code %u is %s", reason,
	    xlcfg_action_name(a));
	switch (a) {
	case XLCFG_PRESERVE:
		say(log, "Domain %u left shut down", domid);
		return XL_ACT_LEFT;
	case XLCFG_RENAME_RESTART:
		if (rename_old(h, xs_path, cfg, domid, log)) {
			return XL_ACT_LEFT;
		}
		cfg->uuid[0] = '\0'; /* the old domain keeps its UUID */
		break;
	case XLCFG_RESTART:
	case XLCFG_COREDUMP_RESTART:
		if (boot) {
			return restart_boot(h, xs_path, cfg, domid, log);
		}
		if (destroy_wait(h, xs_path, domid, log)) {
			return XL_ACT_LEFT;
		}
		break;
	default: /* destroy, coredump-destroy, soft-reset */
		if (destroy_wait(h, xs_path, domid, log)) {
			return XL_ACT_LEFT;
		}
		say(log, "Domain %u destroyed", domid);
		return XL_ACT_GONE;
	}
	if (a == XLCFG_RENAME_RESTART) {
		xl_monitor_forget(domid); /* the old one is no longer watched */
	}
	next = recreate(h, xs_path, cfg, log);
	if (next >= 0) {
		say(log, "Domain %u restarted as domain %d (%s)", domid, next,
		    cfg->name);
	}
	return next >= 0 ? next : XL_ACT_GONE;
}

static int monitor_loop(struct sable_handle *h, const char *xs_path,
			struct xlcfg *cfg, uint32_t domid, bool boot, FILE *log)
{
	struct sable_ctl_domain_info info;
	bool gone;
	int next;

	say(log, "Waiting for domain %s (domid %u) to die", cfg->name, domid);
	for (;;) {
		pid_write(domid, false);
		if (domlife_wait(h, domid, DOMLIFE_SHUTDOWN, -1, xs_path, &info,
				 &gone)) {
			say(log, "cannot wait for domain %u", domid);
			xl_monitor_forget(domid);
			return 1;
		}
		if (gone) {
			say(log, "Domain %u has been destroyed.", domid);
			xl_monitor_forget(domid);
			return 0;
		}
		next = act(h, xs_path, cfg, domid, info.shutdown_reason, boot,
			   log);
		if (next == XL_ACT_LEFT) {
			pid_write(domid, true);
			return 0;
		}
		xl_monitor_forget(domid);
		if (next < 0) {
			return 0;
		}
		domid = (uint32_t)next;
	}
}

int xl_monitor_run(struct sable_handle *h, const char *xs_path,
		   struct xlcfg *cfg, uint32_t domid, FILE *log)
{
	return monitor_loop(h, xs_path, cfg, domid, false, log);
}

int xl_monitor_run_boot(struct sable_handle *h, const char *xs_path,
			struct xlcfg *cfg, uint32_t domid, FILE *log)
{
	return monitor_loop(h, xs_path, cfg, domid, true, log);
}

/* Detach: a grandchild in a session of its own, output to its log. */
static void spawn(struct xl_ctx *x, const struct xlcfg *cfg, uint32_t domid,
		  bool boot)
{
	char log_path[96];
	struct xlcfg *copy;
	pid_t pid;
	FILE *log;
	int fd;

	pid = fork();
	if (pid < 0) {
		fprintf(stderr,
			"xl: warning: no monitor for domain %u "
			"(fork: %s): on_poweroff etc. will not act\n",
			domid, strerror(errno));
		return;
	}
	if (pid > 0) {
		waitpid(pid, NULL, 0);
		return;
	}
	setsid();
	if (fork() != 0) {
		_exit(0);
	}
	mkdir(XL_LOG_DIR, 0755);
	snprintf(log_path, sizeof(log_path), "%s/xl-%s.log", XL_LOG_DIR,
		 cfg->name);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2) {
			close(fd);
		}
	}
	log = fopen(log_path, "a");
	copy = malloc(sizeof(*copy));
	if (!log || !copy) {
		_exit(1);
	}
	*copy = *cfg;
	_exit(monitor_loop(x->h, x->xs_path, copy, domid, boot, log));
}

void xl_monitor_spawn(struct xl_ctx *x, const struct xlcfg *cfg, uint32_t domid)
{
	spawn(x, cfg, domid, false);
}

void xl_monitor_spawn_boot(struct xl_ctx *x, const char *name, uint32_t domid,
			   const struct sable_ctl_boot *b)
{
	struct xlcfg *cfg = calloc(1, sizeof(*cfg));

	if (!cfg) {
		fprintf(stderr, "xl: warning: no monitor for domain %u\n",
			domid);
		return;
	}
	snprintf(cfg->name, sizeof(cfg->name), "%s", name);
	bootmon_actions(b, cfg->on);
	spawn(x, cfg, domid, true);
	free(cfg);
}
