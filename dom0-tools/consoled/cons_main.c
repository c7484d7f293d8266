/* SPDX-License-Identifier: MIT */
/*
 * sable-consoled: command line, confinement and the main loop (see
 * consoled.h and docs/console.md).
 *
 *   sable-consoled [--log-dir DIR] [--log-max BYTES] [--budget BYTES]
 *                  [--xenstored SOCKET]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cons_xen.h"
#include "consoled.h"

static volatile sig_atomic_t cm_stop;

static void cm_on_signal(int sig)
{
	(void)sig;
	cm_stop = 1;
}

static void cm_usage(void)
{
	fprintf(stderr,
		"usage: sable-consoled [--log-dir DIR] [--log-max BYTES] "
		"[--budget BYTES] [--xenstored SOCKET]\n");
}

/* mkdir -p for the log directory. */
static int cm_mkdirs(const char *dir)
{
	char p[256];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(p)) {
		return -ENAMETOOLONG;
	}
	memcpy(p, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (p[i] == '/' || p[i] == '\0') {
			char c = p[i];

			p[i] = '\0';
			if (mkdir(p, 0750) < 0 && errno != EEXIST) {
				return -errno;
			}
			p[i] = c;
		}
	}
	return 0;
}

/*
 * Confinement that costs nothing here: no new privileges, not dumpable,
 * and every capability dropped. The daemon stays root, which owns every
 * file it still opens (ptys, logs), so it needs no capability to do so.
 */
static void cm_confine(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3
	};
	struct __user_cap_data_struct data[2];
	int cap;

	memset(data, 0, sizeof(data));
	for (cap = 0; cap <= 63; cap++) {
		prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capset, &h, data) < 0) {
		fprintf(stderr,
			"sable-consoled: cannot drop capabilities: "
			"%s\n",
			strerror(errno));
	}
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int cm_parse_size(const char *s, uint64_t min, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v < min || v > (1ULL << 40)) {
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "log-dir", required_argument, NULL, 'l' },
		{ "log-max", required_argument, NULL, 'm' },
		{ "budget", required_argument, NULL, 'b' },
		{ "xenstored", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct consoled_opts opts = {
		.log_dir = "/var/log/xen/console",
		.log_max = CONSOLED_LOG_MAX,
		.budget = CONSOLED_BUDGET,
		.linger_ms = CONSOLED_LINGER_MS,
	};
	struct sigaction sa = { .sa_handler = cm_on_signal };
	struct cons_xen x;
	struct consoled c;
	const char *why = "";
	uint64_t v;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			opts.log_dir = optarg;
			break;
		case 'm':
			if (cm_parse_size(optarg, 4096, &opts.log_max)) {
				cm_usage();
				return 2;
			}
			break;
		case 'b':
			if (cm_parse_size(optarg, 16, &v) || v > 65536) {
				cm_usage();
				return 2;
			}
			opts.budget = (size_t)v;
			break;
		case 's':
			opts.xs_path = optarg;
			break;
		default:
			cm_usage();
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind != argc) {
		cm_usage();
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	rc = cm_mkdirs(opts.log_dir);
	if (rc) {
		fprintf(stderr, "sable-consoled: cannot make %s: %s\n",
			opts.log_dir, strerror(-rc));
	}
	rc = cons_xen_open(&x, &why);
	if (rc) {
		fprintf(stderr, "sable-consoled: %s: %s\n", why, strerror(-rc));
		return 1;
	}
	rc = consoled_init(&c, &x.plat, &opts);
	if (rc) {
		cons_xen_close(&x);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	cm_confine();
	fprintf(stderr,
		"sable-consoled: serving (logs in %s, %llu bytes each, "
		"budget %zu bytes)\n",
		opts.log_dir, (unsigned long long)opts.log_max, opts.budget);
	while (!cm_stop && rc == 0) {
		rc = consoled_step(&c, -1);
	}
	consoled_fini(&c);
	cons_xen_close(&x);
	if (rc) {
		fprintf(stderr, "sable-consoled: stopped: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}
