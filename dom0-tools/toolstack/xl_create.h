/* SPDX-License-Identifier: MIT */
/* xl create's pieces, apart so that the host tests reach them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xl.h"
#include "xlcfg.h"

#define XL_CREATE_MAX_OVERRIDES 32

struct xl_create_args {
	bool console, paused, quiet, no_monitor, dry_run;
	const char *file;
	const char *overrides[XL_CREATE_MAX_OVERRIDES];
	unsigned int noverrides;
};

/*
 * `xl create [-c] [-p] [-q] [-e] [-n] [-f FILE] [FILE] [key=value ...]`
 * (argv[0] is "create"): 0, or 2 on bad usage.
 */
int xl_create_args(int argc, char **argv, struct xl_create_args *a);

/*
 * Find, read and parse the config file (a bare name is also looked for in
 * XL_CONFIG_DIR); warnings and errors on stderr. 0 or 1; @path gets the
 * file's path.
 */
int xl_create_load(const struct xl_create_args *a, struct xlcfg *cfg,
		   char *path, size_t path_size);

/*
 * Leave a monitor for @domid behind: a daemon (logging to
 * XL_LOG_DIR/xl-<name>.log) that performs @cfg's lifecycle actions.
 */
void xl_monitor_spawn(struct xl_ctx *x, const struct xlcfg *cfg,
		      uint32_t domid);

/*
 * The monitor itself: wait for the domain to shut down and act, until it
 * is destroyed, preserved or an action fails. Messages go to @log.
 * Returns the process's exit status.
 */
int xl_monitor_run(struct sable_handle *h, const char *xs_path,
		   struct xlcfg *cfg, uint32_t domid, FILE *log);

/*
 * The same for boot-time domain @domid (@cfg gives its name and actions):
 * a restart has the hypervisor build it again from its boot modules,
 * then introduces it and attaches its devices again (bootmon.h).
 */
int xl_monitor_run_boot(struct sable_handle *h, const char *xs_path,
			struct xlcfg *cfg, uint32_t domid, FILE *log);
/* Leave such a monitor behind for boot-time domain @domid. */
void xl_monitor_spawn_boot(struct xl_ctx *x, const char *name, uint32_t domid,
			   const struct sable_ctl_boot *b);
