/* SPDX-License-Identifier: MIT */
/*
 * xl create: read and check the config file, build the domain, then (as
 * Xen's xl does) leave a monitor process behind that waits for the
 * domain to shut down and carries out on_poweroff / on_reboot / on_crash
 * / on_watchdog; with -c, attach to the console.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dombuild.h"
#include "xl.h"
#include "xl_create.h"
#include "xlcfg.h"

int xl_create_args(int argc, char **argv, struct xl_create_args *a)
{
	int opt, i;

	memset(a, 0, sizeof(*a));
	while ((opt = getopt(argc, argv, "+cpqenf:F")) != -1) {
		switch (opt) {
		case 'c':
			a->console = true;
			break;
		case 'p':
			a->paused = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'e':
		case 'F':
			a->no_monitor = true;
			break;
		case 'n':
			a->dry_run = true;
			break;
		case 'f':
			a->file = optarg;
			break;
		default:
			return 2;
		}
	}
	for (i = optind; i < argc; i++) {
		if (strchr(argv[i], '=')) {
			if (a->noverrides == XL_CREATE_MAX_OVERRIDES) {
				return 2;
			}
			a->overrides[a->noverrides++] = argv[i];
		} else if (!a->file) {
			a->file = argv[i];
		} else {
			return 2;
		}
	}
	return a->file ? 0 : 2;
}

/* The file as given, else XL_CONFIG_DIR/<name> for a bare name. */
static FILE *open_config(const char *file, char *path, size_t size)
{
	FILE *f;

	snprintf(path, size, "%s", file);
	f = fopen(path, "r");
	if (!f && errno == ENOENT && !strchr(file, '/')) {
		snprintf(path, size, "%s/%s", XL_CONFIG_DIR, file);
		f = fopen(path, "r");
		if (!f) {
			snprintf(path, size, "%s", file);
			errno = ENOENT;
		}
	}
	return f;
}

int xl_create_load(const struct xl_create_args *a, struct xlcfg *cfg,
		   char *path, size_t path_size)
{
	char err[XLCFG_ERR_MAX];
	char *text;
	size_t len;
	unsigned int i;
	FILE *f = open_config(a->file, path, path_size);
	int rc;

	if (!f) {
		fprintf(stderr, "xl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	text = malloc(XLCFG_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		fprintf(stderr, "xl: out of memory\n");
		return 1;
	}
	len = fread(text, 1, XLCFG_FILE_MAX + 1, f);
	rc = ferror(f);
	fclose(f);
	if (rc) {
		fprintf(stderr, "xl: %s: cannot read\n", path);
		free(text);
		return 1;
	}
	if (!a->quiet) {
		fprintf(stderr, "Parsing config from %s\n", path);
	}
	rc = xlcfg_parse(cfg, path, text, len, a->overrides, a->noverrides,
			 err);
	free(text);
	if (rc) {
		fprintf(stderr, "xl: %s\n", err);
		return 1;
	}
	for (i = 0; i < cfg->nr_warnings; i++) {
		fprintf(stderr, "xl: warning: %s\n", cfg->warnings[i]);
	}
	return 0;
}

int xl_cmd_create(struct xl_ctx *x, int argc, char **argv)
{
	struct dombuild_opts o = { .xs_path = x->xs_path };
	static struct xlcfg cfg;
	struct xl_create_args a;
	struct dombuild_result r;
	char err[DOMBUILD_ERR_MAX], path[XLCFG_PATH_MAX + 16];
	static char dump[64 * 1024];
	unsigned int i;

	if (xl_create_args(argc, argv, &a)) {
		return xl_usage(x);
	}
	if (xl_create_load(&a, &cfg, path, sizeof(path))) {
		return 1;
	}
	if (a.dry_run) {
		xlcfg_dump(&cfg, dump, sizeof(dump));
		fputs(dump, stdout);
		return 0;
	}
	o.paused = a.paused;
	if (dombuild_create(x->h, &cfg, &o, &r, err)) {
		fprintf(stderr, "xl: %s: %s\n", cfg.name, err);
		return 1;
	}
	for (i = 0; i < r.nr_notes; i++) {
		fprintf(stderr, "xl: warning: %s\n", r.notes[i]);
	}
	if (!a.quiet) {
		fprintf(stderr, "Domain %u (%s) created%s\n", r.domid, cfg.name,
			a.paused ? ", paused" : "");
	}
	fflush(stdout);
	fflush(stderr);
	if (!a.no_monitor) {
		snprintf(cfg.uuid, sizeof(cfg.uuid), "%s", r.uuid);
		xl_monitor_spawn(x, &cfg, r.domid);
	}
	return a.console ? xl_console_attach(x, r.domid) : 0;
}
