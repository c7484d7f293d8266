/* SPDX-License-Identifier: MIT */
/*
 * Runner of the core tests: each test in its own process on a fresh
 * machine (the core keeps its domains and allocator in globals), with a
 * time limit, so that a crash or a hang
 * fails that test only.
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core_test.h"

#define TEST_SECONDS 60

static bool selected(int argc, char **argv, const char *name)
{
	if (argc < 2) {
		return true;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], name) == 0) {
			return true;
		}
	}
	return false;
}

static void run_child(const struct ut_case *c)
{
	alarm(TEST_SECONDS);
	ut_failed_flag = 0;
	if (setjmp(ut_jmp) == 0) {
		hx_machine_init();
		c->fn();
	}
	exit(ut_failed_flag ? 1 : 0);
}

/* 0 passed, 1 failed. */
static int run_one(const struct ut_case *c)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		run_child(c);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("PASS %s\n", c->name);
		return 0;
	}
	if (WIFSIGNALED(status)) {
		printf("FAIL %s (signal %d%s)\n", c->name, WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? ": timed out" : "");
	} else {
		printf("FAIL %s (exit %d)\n", c->name, WEXITSTATUS(status));
	}
	return 1;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (int i = 0; i < ut_ncases; i++) {
		const struct ut_case *c = &ut_cases[i];

		if (!selected(argc, argv, c->name)) {
			continue;
		}
		fflush(stderr);
		if (run_one(c)) {
			failed++;
		} else {
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
