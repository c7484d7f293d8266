/* SPDX-License-Identifier: MIT */
#include "ut.h"

struct ut_case ut_cases[UT_MAX_CASES];
int ut_ncases;
int ut_failed_flag;
jmp_buf ut_jmp;

void ut_register(const char *name, ut_fn fn)
{
	if (ut_ncases >= UT_MAX_CASES) {
		fprintf(stderr, "ut: too many tests\n");
		exit(2);
	}
	ut_cases[ut_ncases].name = name;
	ut_cases[ut_ncases].fn = fn;
	ut_ncases++;
}

static int selected(int argc, char **argv, const char *name)
{
	if (argc < 2) {
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], name) == 0) {
			return 1;
		}
	}
	return 0;
}

int ut_main(int argc, char **argv)
{
	/* volatile: live across setjmp (C11 7.13.2.1). */
	volatile int passed = 0;
	volatile int failed = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (volatile int i = 0; i < ut_ncases; i++) {
		if (!selected(argc, argv, ut_cases[i].name)) {
			continue;
		}
		ut_failed_flag = 0;
		if (setjmp(ut_jmp) == 0) {
			ut_cases[i].fn();
		}
		if (ut_failed_flag) {
			printf("FAIL %s\n", ut_cases[i].name);
			failed++;
		} else {
			printf("PASS %s\n", ut_cases[i].name);
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
