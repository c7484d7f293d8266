/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <public/hvm.h>

#include "fake_sable.h"
#include "ts_helpers.h"
#include "ut.h"
#include "xs_client.h"

#ifndef TS_XENSTORED
#define TS_XENSTORED "build/host/xenstored"
#endif

struct ts_script ts_script;

static char ts_dir[64];
static char ts_daemon_path[96];
static char ts_script_path[96];
static char ts_nowhere_path[96];
static char ts_log_path[96];
static pid_t ts_daemon_pid;

/*
 * The daemon's sanitizer reports go to its log; one found fails the run
 * (as a test of its own, so the runner counts it).
 */
static void ts_check_daemon_log(void)
{
	char line[256];
	bool bad = false;
	FILE *f = fopen(ts_log_path, "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, "Sanitizer") ||
		    strstr(line, "runtime error")) {
			bad = true;
		}
		if (bad) {
			fputs(line, stdout);
		}
	}
	if (f) {
		fclose(f);
	}
	if (bad) {
		printf("FAIL toolstack_xenstored_ran_clean\n");
		fflush(stdout);
		_exit(1);
	}
}

static void ts_cleanup(void)
{
	if (ts_daemon_pid > 0) {
		kill(ts_daemon_pid, SIGTERM);
		waitpid(ts_daemon_pid, NULL, 0);
		ts_check_daemon_log();
	}
	unlink(ts_daemon_path);
	unlink(ts_script_path);
	unlink(ts_log_path);
	rmdir(ts_dir);
}

/* One temporary directory for every socket of the run. */
static int ts_tmpdir(void)
{
	if (ts_dir[0]) {
		return 0;
	}
	snprintf(ts_dir, sizeof(ts_dir), "/tmp/sable-xl-test-XXXXXX");
	if (!mkdtemp(ts_dir)) {
		perror("mkdtemp");
		ts_dir[0] = '\0';
		return -1;
	}
	snprintf(ts_daemon_path, sizeof(ts_daemon_path), "%s/xenstored",
		 ts_dir);
	snprintf(ts_script_path, sizeof(ts_script_path), "%s/scripted", ts_dir);
	snprintf(ts_nowhere_path, sizeof(ts_nowhere_path), "%s/nowhere",
		 ts_dir);
	snprintf(ts_log_path, sizeof(ts_log_path), "%s/xenstored.log", ts_dir);
	atexit(ts_cleanup);
	return 0;
}

static void ts_exec_daemon(void)
{
	/* The daemon must not outlive a test run that crashes. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (!freopen("/dev/null", "w", stdout) ||
	    !freopen(ts_log_path, "w", stderr)) {
		_exit(127);
	}
	execl(TS_XENSTORED, TS_XENSTORED, "--no-dom0-ring", "--socket",
	      ts_daemon_path, (char *)NULL);
	perror("exec " TS_XENSTORED);
	_exit(127);
}

const char *ts_daemon(void)
{
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	struct stat st;
	int i;

	if (ts_daemon_pid > 0) {
		return ts_daemon_path;
	}
	if (ts_tmpdir()) {
		return NULL;
	}
	ts_daemon_pid = fork();
	if (ts_daemon_pid == 0) {
		ts_exec_daemon();
	}
	for (i = 0; i < 500 && ts_daemon_pid > 0; i++) {
		if (stat(ts_daemon_path, &st) == 0) {
			return ts_daemon_path;
		}
		if (waitpid(ts_daemon_pid, NULL, WNOHANG) == ts_daemon_pid) {
			break;
		}
		nanosleep(&pause, NULL);
	}
	fprintf(stderr, "  %s did not start\n", TS_XENSTORED);
	return NULL;
}

/* ---- the scripted server ------------------------------------------- */

static int ts_read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n <= 0) {
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

static void ts_reply(int fd, struct xsd_sockmsg *h, const char *body,
		     size_t len)
{
	char out[sizeof(*h) + 64];

	h->len = (uint32_t)len;
	memcpy(out, h, sizeof(*h));
	memcpy(out + sizeof(*h), body, len);
	if (write(fd, out, sizeof(*h) + len) < 0) {
		perror("scripted server write");
	}
}

static void ts_error(int fd, struct xsd_sockmsg *h, const char *name)
{
	h->type = XS_ERROR;
	ts_reply(fd, h, name, strlen(name) + 1);
}

static void ts_note_introduce(const char *body, uint32_t len)
{
	struct fake_dom *d = fake_find((uint32_t)atoi(body));
	uint32_t i;

	for (i = 0; i < len && i + 1 < sizeof(ts_script.introduce); i++) {
		ts_script.introduce[i] = body[i] ? body[i] : '|';
	}
	ts_script.introduce[i] = '\0';
	ts_script.pfn_at_introduce = d ? d->params[HVM_PARAM_STORE_PFN] : 0;
}

/* Answer one request as a healthy xenstored would, or as scripted. */
static void ts_answer(int fd, struct xsd_sockmsg *h, const char *body)
{
	if (h->type < XS_TYPE_COUNT) {
		ts_script.by_type[h->type]++;
	}
	switch (h->type) {
	case XS_TRANSACTION_START:
		ts_reply(fd, h, "7", 2);
		break;
	case XS_TRANSACTION_END:
		if (body[0] == 'T' && ts_script.conflicts > 0) {
			ts_script.conflicts--;
			ts_error(fd, h, "EAGAIN");
		} else {
			ts_reply(fd, h, "OK", 3);
		}
		break;
	case XS_IS_DOMAIN_INTRODUCED:
		ts_reply(fd, h, ts_script.introduced ? "T" : "F", 2);
		break;
	case XS_INTRODUCE:
		ts_note_introduce(body, h->len);
		if (ts_script.introduce_error) {
			ts_error(fd, h, ts_script.introduce_error);
		} else {
			ts_reply(fd, h, "OK", 3);
		}
		break;
	default:
		ts_reply(fd, h, "OK", 3);
		break;
	}
}

static void *ts_serve(void *arg)
{
	static char body[XENSTORE_PAYLOAD_MAX + 1];
	struct xsd_sockmsg h;
	int lfd = (int)(intptr_t)arg, fd;

	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			continue;
		}
		ts_script.conns++;
		while (ts_read_all(fd, &h, sizeof(h)) == 0 &&
		       h.len <= XENSTORE_PAYLOAD_MAX &&
		       ts_read_all(fd, body, h.len) == 0) {
			body[h.len] = '\0';
			ts_answer(fd, &h, body);
		}
		close(fd);
	}
	return NULL;
}

const char *ts_scripted(void)
{
	static bool started;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pthread_t t;
	int fd;

	memset(&ts_script, 0, sizeof(ts_script));
	if (started) {
		return ts_script_path;
	}
	if (ts_tmpdir()) {
		return NULL;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ts_script_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 4) ||
	    pthread_create(&t, NULL, ts_serve, (void *)(intptr_t)fd)) {
		perror("scripted server");
		return NULL;
	}
	pthread_detach(t);
	started = true;
	return ts_script_path;
}

const char *ts_nowhere(void)
{
	return ts_tmpdir() ? NULL : ts_nowhere_path;
}

void ts_expect_xs(struct xs_client *c, const char *path, const char *value,
		  const char *perms)
{
	char buf[256] = "";

	EXPECT_EQ(xs_client_read(c, 0, path, buf, sizeof(buf)), 0);
	if (value) {
		EXPECT_STREQ(buf, value);
	}
	buf[0] = '\0';
	EXPECT_EQ(xs_client_get_perms(c, 0, path, buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, perms);
}

#ifndef TS_GOLDEN
#define TS_GOLDEN "tests/unit/toolstack/golden"
#endif
#define TS_GOLDEN_MAX (16 * 1024)

void ts_expect_golden(const char *name, const char *got)
{
	char path[512], *want = calloc(1, TS_GOLDEN_MAX + 1);
	FILE *f;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/plan/%s", TS_GOLDEN, name);
	if (getenv("XLCFG_GOLDEN_UPDATE")) {
		f = fopen(path, "w");
		if (f) {
			fputs(got, f);
			fclose(f);
		}
	}
	f = fopen(path, "r");
	if (f) {
		n = fread(want, 1, TS_GOLDEN_MAX, f);
		fclose(f);
	}
	want[n] = '\0';
	if (strcmp(want, got) != 0) {
		printf("  %s: expected:\n%s  got:\n%s", path, want, got);
	}
	EXPECT_STREQ(want, got);
	free(want);
}
