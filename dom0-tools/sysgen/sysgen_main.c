/* SPDX-License-Identifier: MIT */
/*
 * sable-system [-o OUTDIR] [--hypervisor IMAGE] [--base-dtb DTB] [--check]
 *              DIR
 *
 * Reads and checks the system in DIR (sysgen.h), then writes into OUTDIR
 * (default build/system/<DIR's name>): system.dtb, qemu.args (QEMU's
 * command line, one argument a line) and run.sh (runs it). The machine's
 * own device tree is dumped by QEMU with the same options unless
 * --base-dtb gives one. --check stops after the checks. Exit status 0, or
 * 1 with one line on stderr saying what is wrong; nothing is written then.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysgen.h"

#define MAX_ARGS 128
#define ARG_STORE (64 * 1024)
#define DTB_MAX (4 * 1024 * 1024)
#define DTB_SLACK (64 * 1024)

struct opts {
	const char *dir, *out, *hv, *base;
	bool check_only;
};

static int usage(void)
{
	fprintf(stderr, "usage: sable-system [-o OUTDIR] [--hypervisor IMAGE] "
			"[--base-dtb DTB] [--check] DIR\n");
	return 2;
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = malloc(DTB_MAX);

	*len = 0;
	if (f && buf) {
		*len = fread(buf, 1, DTB_MAX, f);
	}
	if (f) {
		fclose(f);
	}
	if (!*len) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int spill(const char *path, const void *data, size_t len, int mode)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f || fwrite(data, 1, len, f) != len) {
		rc = -errno;
	}
	if (f && fclose(f)) {
		rc = -errno;
	}
	if (!rc && chmod(path, (mode_t)mode)) {
		rc = -errno;
	}
	return rc;
}

/* QEMU dumps the machine's device tree for these options into @path. */
static int dump_base(const struct sysgen_system *sys, const char *path)
{
	char *argv[MAX_ARGS + 1], *store = malloc(ARG_STORE);
	int n, status = -1;
	pid_t pid;

	n = store ? sysgen_qemu_argv(sys, path, NULL, NULL, argv, MAX_ARGS,
				     store, ARG_STORE)
		  : -ENOMEM;
	if (n < 0) {
		free(store);
		return n;
	}
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		/* Only its exit status matters (it reports the dump). */
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "sable-system: %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	if (pid > 0) {
		waitpid(pid, &status, 0);
	}
	free(store);
	return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0
									: -EIO;
}

/* qemu.args (one argument a line) and run.sh (sh-quoted). */
static int write_argv(const char *out, char **argv, int n)
{
	char path[PATH_MAX + 16];
	size_t size = 1 << 16, a = 0, r = 0;
	char *args = calloc(1, size), *run = calloc(1, 2 * size);
	int rc = args && run ? 0 : -ENOMEM;

	r += (size_t)snprintf(run, 2 * size,
			      "#!/bin/sh\n# Written by "
			      "sable-system.\nexec");
	for (int i = 0; !rc && i < n; i++) {
		if (strchr(argv[i], '\n') || a + strlen(argv[i]) + 2 > size ||
		    r + 4 * strlen(argv[i]) + 8 > 2 * size) {
			rc = -ENOSPC;
			break;
		}
		a += (size_t)sprintf(args + a, "%s\n", argv[i]);
		r += (size_t)sprintf(run + r, " '");
		for (const char *p = argv[i]; *p; p++) {
			r += (size_t)(*p == '\'' ? sprintf(run + r, "'\\''")
						 : sprintf(run + r, "%c", *p));
		}
		r += (size_t)sprintf(run + r, "'");
	}
	if (!rc) {
		r += (size_t)sprintf(run + r, " \"$@\"\n");
		snprintf(path, sizeof(path), "%s/qemu.args", out);
		rc = spill(path, args, a, 0644);
	}
	if (!rc) {
		snprintf(path, sizeof(path), "%s/run.sh", out);
		rc = spill(path, run, r, 0755);
	}
	free(args);
	free(run);
	return rc;
}

static void summary(const struct sysgen_system *sys, const char *out)
{
	if (sys->has_dom0) {
		printf("dom0 (%s): %u vCPUs, %llu MiB at 0x%llx\n",
		       sys->dom0.file, sys->dom0.cfg.vcpus,
		       (unsigned long long)sys->dom0.cfg.memory_mib,
		       (unsigned long long)sys->dom0.ram_pa);
	}
	for (unsigned int i = 0; i < sys->nr_doms; i++) {
		const struct sysgen_domain *d = &sys->doms[i];

		printf("domain %u %s (%s): %u vCPUs, %llu MiB, kernel at "
		       "0x%llx\n",
		       i + 1, d->cfg.name, d->file, d->cfg.vcpus,
		       (unsigned long long)d->cfg.memory_mib,
		       (unsigned long long)d->kernel.addr);
	}
	if (out) {
		printf("wrote %s/system.dtb, %s/qemu.args, %s/run.sh\n", out,
		       out, out);
	}
}

/* The output directory and its missing parents, as mkdir -p; 0 or -1. */
static int make_dirs(const char *path)
{
	char p[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(p, path, len + 1);
	for (char *c = p + 1; *c; c++) {
		if (*c == '/') {
			*c = '\0';
			if (mkdir(p, 0755) && errno != EEXIST) {
				return -1;
			}
			*c = '/';
		}
	}
	return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

/* Everything after the checks: the tree, QEMU's command line, the files. */
static int produce(const struct sysgen_system *sys, const struct opts *o,
		   char *err)
{
	char dumped[PATH_MAX + 32], dtb[PATH_MAX + 32], hv[PATH_MAX];
	char out[PATH_MAX];
	char *argv[MAX_ARGS], *store = malloc(ARG_STORE);
	void *base = NULL, *tree = malloc(DTB_MAX);
	size_t base_len = 0;
	int n, rc = store && tree ? 0 : -ENOMEM;

	if (!rc && !realpath(o->hv, hv)) {
		snprintf(err, SYSGEN_ERR_MAX, "%s: %s", o->hv, strerror(errno));
		rc = -EINVAL;
	}
	if (!rc && make_dirs(o->out)) {
		snprintf(err, SYSGEN_ERR_MAX, "%s: %s", o->out,
			 strerror(errno));
		rc = -EINVAL;
	}
	if (!rc && !realpath(o->out, out)) {
		snprintf(err, SYSGEN_ERR_MAX, "%s: %s", o->out,
			 strerror(errno));
		rc = -EINVAL;
	}
	snprintf(dumped, sizeof(dumped), "%s/.machine.dtb", out);
	snprintf(dtb, sizeof(dtb), "%s/system.dtb", out);
	if (!rc && !o->base && dump_base(sys, dumped)) {
		snprintf(err, SYSGEN_ERR_MAX,
			 "QEMU could not dump the machine's device tree");
		rc = -EIO;
	}
	if (!rc) {
		base = slurp(o->base ? o->base : dumped, &base_len);
		if (!o->base) {
			unlink(dumped);
		}
		if (!base) {
			snprintf(err, SYSGEN_ERR_MAX, "%s: cannot read",
				 o->base ? o->base : dumped);
			rc = -EINVAL;
		}
	}
	if (!rc && base_len + DTB_SLACK > SYSGEN_DTB_MAX) {
		snprintf(err, SYSGEN_ERR_MAX,
			 "the machine's device tree is too "
			 "large");
		rc = -EINVAL;
	}
	if (!rc) {
		rc = sysgen_fdt(sys, base, base_len, tree, base_len + DTB_SLACK,
				err);
	}
	n = rc ? 0
	       : sysgen_qemu_argv(sys, NULL, hv, dtb, argv, MAX_ARGS, store,
				  ARG_STORE);
	if (!rc && n < 0) {
		snprintf(err, SYSGEN_ERR_MAX,
			 "QEMU's command line is too long");
		rc = n;
	}
	if (!rc && (spill(dtb, tree, fdt_totalsize(tree), 0644) ||
		    write_argv(out, argv, n))) {
		snprintf(err, SYSGEN_ERR_MAX, "%s: cannot write: %s", o->out,
			 strerror(errno));
		rc = -EIO;
	}
	free(base);
	free(tree);
	free(store);
	return rc;
}

/* build/system/<last component of DIR>. */
static void default_out(const char *dir, char *buf, size_t size)
{
	char copy[PATH_MAX];
	size_t l;
	const char *base;

	snprintf(copy, sizeof(copy), "%s", dir);
	for (l = strlen(copy); l > 1 && copy[l - 1] == '/'; l--) {
		copy[l - 1] = '\0';
	}
	base = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	mkdir("build", 0755);
	mkdir("build/system", 0755);
	snprintf(buf, size, "build/system/%s", base);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	for (int i = 1; i < argc; i++) {
		bool more = i + 1 < argc;

		if (strcmp(argv[i], "-o") == 0 && more) {
			o->out = argv[++i];
		} else if (strcmp(argv[i], "--hypervisor") == 0 && more) {
			o->hv = argv[++i];
		} else if (strcmp(argv[i], "--base-dtb") == 0 && more) {
			o->base = argv[++i];
		} else if (strcmp(argv[i], "--check") == 0) {
			o->check_only = true;
		} else if (argv[i][0] == '-' || o->dir) {
			return -EINVAL;
		} else {
			o->dir = argv[i];
		}
	}
	return o->dir ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
	static struct sysgen_system sys;
	struct opts o = { .hv = "build/sable.bin" };
	char err[SYSGEN_ERR_MAX], out[PATH_MAX];
	int rc;

	if (parse_opts(argc, argv, &o)) {
		return usage();
	}
	rc = sysgen_read(&sys, o.dir, err);
	if (!rc) {
		rc = sysgen_check(&sys, err);
	}
	for (unsigned int i = 0; i < sys.nr_warnings; i++) {
		fprintf(stderr, "sable-system: warning: %s\n", sys.warnings[i]);
	}
	if (!rc && !o.check_only) {
		if (!o.out) {
			default_out(o.dir, out, sizeof(out));
			o.out = out;
		}
		rc = produce(&sys, &o, err);
	}
	if (rc) {
		fprintf(stderr, "sable-system: %s\n", err);
		return 1;
	}
	summary(&sys, o.check_only ? NULL : o.out);
	return 0;
}
