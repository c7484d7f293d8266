/* SPDX-License-Identifier: MIT */
/*
 * xl: Sable's toolstack command line, with Xen's xl command names,
 * options, output layout and exit status (0 success, 1 failure with a
 * message on stderr, 2 bad usage). One table of commands (xl.c); each
 * command family in a file of its own (xl_list.c, xl_dom.c, xl_create.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libsable.h"

/* Where the domains' monitors log, and their pid files. */
#define XL_LOG_DIR "/var/log/xen"
#define XL_RUN_DIR "/var/run/xen"
/* Where `xl create NAME` looks when NAME is not a path it can open. */
#define XL_CONFIG_DIR "/etc/xen"

struct xl_ctx {
	struct sable_handle *h;
	const char *xs_path; /* NULL: $XENSTORED_PATH or the default */
	const char *cmd; /* the command's name, for its usage */
};

struct xl_cmd {
	const char *name;
	int (*fn)(struct xl_ctx *x, int argc, char **argv);
	const char *args; /* the usage line after the name */
	const char *summary;
	const char *options; /* one option per line, or NULL */
};

/* Run xl with @argc/@argv as given to main(); the exit status. */
int xl_main(int argc, char **argv);

/* The usage of the current command on stderr; returns 2. */
int xl_usage(struct xl_ctx *x);

/*
 * Find the domain @want (an id or a name). 0, or 1 after printing
 * "xl: no domain <want>" (or why the list cannot be read) on stderr.
 */
int xl_find_domain(struct xl_ctx *x, const char *want,
		   struct sable_ctl_domain_info *info);

/*
 * Call @fn for each domain (all when @want is NULL); how many there were,
 * or -1 after a message if they cannot be listed.
 */
int xl_for_each(struct xl_ctx *x, const char *want,
		void (*fn)(struct xl_ctx *x,
			   const struct sable_ctl_domain_info *info));

/* A hard-affinity mask as xl prints it: "all", "0-1,3". */
void xl_cpumap_string(uint64_t mask, uint32_t nr_cpus, char *buf, size_t size);

/* Commands. */
int xl_cmd_list(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_info(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_uptime(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_vcpu_list(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_dmesg(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_debug_keys(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_domid(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_domname(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_sched_credit2(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_destroy(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_shutdown(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_reboot(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_pause(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_unpause(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_rename(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_vcpu_pin(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_mem_set(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_mem_max(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_vcpu_set(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_console(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_create(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_init_dom0less(struct xl_ctx *x, int argc, char **argv);
/* xl_block.c: PV disks */
int xl_cmd_block_attach(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_block_detach(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_block_list(struct xl_ctx *x, int argc, char **argv);
/* xl_net.c: PV network interfaces */
int xl_cmd_network_attach(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_network_detach(struct xl_ctx *x, int argc, char **argv);
int xl_cmd_network_list(struct xl_ctx *x, int argc, char **argv);

/*
 * The console client of the console daemon (dom0-tools/consoled/
 * console_client.h): raw terminal on @tty_path until Ctrl-]. 0 or -1.
 */
int sable_console_attach(uint32_t domid, const char *tty_path);

/* xl_monitor.c, xl_console.c */
enum xl_monitor_state {
	XL_MONITOR_NONE, /* none (never, or it ended with the domain) */
	XL_MONITOR_RUNNING, /* waiting for the domain or acting */
	XL_MONITOR_DONE, /* acted and left the domain in place (preserve) */
};

enum xl_monitor_state xl_monitor_state(uint32_t domid);
/* Forget @domid's monitor record (the domain is gone). */
void xl_monitor_forget(uint32_t domid);
/* Attach to the console of @domid (waiting for its tty); exit status. */
int xl_console_attach(struct xl_ctx *x, uint32_t domid);
