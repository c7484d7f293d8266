/* SPDX-License-Identifier: MIT */
/*
 * A very small unit-test harness. Each test is a function registered with
 * TEST(name); ut_main() runs them all (or those named on the command line)
 * and prints one PASS/FAIL line per test, then "N passed, M failed".
 *
 *   TEST(evtchn_close_unbinds_peer) { EXPECT_EQ(f(), 0); }
 *   int main(int argc, char **argv) { return ut_main(argc, argv); }
 */
#pragma once

#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*ut_fn)(void);

struct ut_case {
	const char *name;
	ut_fn fn;
};

#define UT_MAX_CASES 1024

extern struct ut_case ut_cases[UT_MAX_CASES];
extern int ut_ncases;
extern int ut_failed_flag;
extern jmp_buf ut_jmp;

void ut_register(const char *name, ut_fn fn);
int ut_main(int argc, char **argv);

#define TEST(name)                                                   \
	static void name(void);                                      \
	__attribute__((constructor)) static void ut_reg_##name(void) \
	{                                                            \
		ut_register(#name, name);                            \
	}                                                            \
	static void name(void)

#define UT_FAIL_(fatal, ...)                                      \
	do {                                                      \
		fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__);                     \
		fprintf(stderr, "\n");                            \
		ut_failed_flag = 1;                               \
		if (fatal) {                                      \
			longjmp(ut_jmp, 1);                       \
		}                                                 \
	} while (0)

#define EXPECT_TRUE(c)                                        \
	do {                                                  \
		if (!(c)) {                                   \
			UT_FAIL_(0, "expected true: %s", #c); \
		}                                             \
	} while (0)

#define ASSERT_TRUE(c)                                        \
	do {                                                  \
		if (!(c)) {                                   \
			UT_FAIL_(1, "required true: %s", #c); \
		}                                             \
	} while (0)

#define EXPECT_FALSE(c) EXPECT_TRUE(!(c))
#define ASSERT_FALSE(c) ASSERT_TRUE(!(c))

#define UT_CMP_(fatal, a, op, b)                                            \
	do {                                                                \
		long long ut_a_ = (long long)(a);                           \
		long long ut_b_ = (long long)(b);                           \
		if (!(ut_a_ op ut_b_)) {                                    \
			UT_FAIL_(fatal, "%s %s %s (%lld vs %lld)", #a, #op, \
				 #b, ut_a_, ut_b_);                         \
		}                                                           \
	} while (0)

#define EXPECT_EQ(a, b) UT_CMP_(0, a, ==, b)
#define EXPECT_NE(a, b) UT_CMP_(0, a, !=, b)
#define EXPECT_LT(a, b) UT_CMP_(0, a, <, b)
#define EXPECT_LE(a, b) UT_CMP_(0, a, <=, b)
#define EXPECT_GT(a, b) UT_CMP_(0, a, >, b)
#define EXPECT_GE(a, b) UT_CMP_(0, a, >=, b)
#define ASSERT_EQ(a, b) UT_CMP_(1, a, ==, b)
#define ASSERT_NE(a, b) UT_CMP_(1, a, !=, b)

#define EXPECT_STREQ(a, b)                                                 \
	do {                                                               \
		const char *ut_a_ = (a), *ut_b_ = (b);                     \
		if (!ut_a_ || !ut_b_ || strcmp(ut_a_, ut_b_) != 0) {       \
			UT_FAIL_(0, "%s == %s (\"%s\" vs \"%s\")", #a, #b, \
				 ut_a_ ? ut_a_ : "(null)",                 \
				 ut_b_ ? ut_b_ : "(null)");                \
		}                                                          \
	} while (0)

#define EXPECT_MEMEQ(a, b, n) EXPECT_TRUE(memcmp((a), (b), (n)) == 0)
