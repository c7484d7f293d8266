// SPDX-License-Identifier: MIT
/* Token buckets (hypervisor/core/ratelimit.c) on a made-up 1 MHz clock. */
#include <sable/ratelimit.h>

#include "ut.h"

#define FREQ 1000000ULL

static const struct ratelimit_cfg cfg = { .burst = 10, .per_sec = 2 };

TEST(ratelimit_starts_full_and_grants_the_burst)
{
	struct ratelimit rl = { 0 };

	EXPECT_EQ(ratelimit_take(&rl, &cfg, 5 * FREQ, FREQ, 4), 4);
	EXPECT_EQ(ratelimit_take(&rl, &cfg, 5 * FREQ, FREQ, 10), 6);
	EXPECT_EQ(ratelimit_take(&rl, &cfg, 5 * FREQ, FREQ, 1), 0);
	EXPECT_EQ(ratelimit_dropped(&rl), 5);
	EXPECT_EQ(ratelimit_dropped(&rl), 0);
}

TEST(ratelimit_refills_at_the_rate)
{
	struct ratelimit rl = { 0 };

	EXPECT_EQ(ratelimit_take(&rl, &cfg, 0, FREQ, 10), 10);
	/* 2 a second: one token every 0.5 s. */
	EXPECT_EQ(ratelimit_take(&rl, &cfg, FREQ / 2 - 1, FREQ, 1), 0);
	EXPECT_EQ(ratelimit_take(&rl, &cfg, FREQ / 2, FREQ, 5), 1);
	EXPECT_EQ(ratelimit_take(&rl, &cfg, 3 * FREQ, FREQ, 10), 5);
}

TEST(ratelimit_keeps_partial_tokens_between_calls)
{
	struct ratelimit rl = { 0 };
	uint32_t got = 0;

	EXPECT_EQ(ratelimit_take(&rl, &cfg, 0, FREQ, 10), 10);
	/* Asked every 0.1 s for 10 s: exactly 20 tokens earned. */
	for (uint64_t t = 1; t <= 100; t++) {
		got += ratelimit_take(&rl, &cfg, t * FREQ / 10, FREQ, 1);
	}
	EXPECT_EQ(got, 20);
}

TEST(ratelimit_never_exceeds_the_burst_after_a_long_idle)
{
	struct ratelimit rl = { 0 };

	EXPECT_EQ(ratelimit_take(&rl, &cfg, 0, FREQ, 10), 10);
	EXPECT_EQ(ratelimit_available(&rl, &cfg, 1000000 * FREQ, FREQ), 10);
	EXPECT_EQ(ratelimit_take(&rl, &cfg, 1000000 * FREQ, FREQ, 100), 10);
	EXPECT_EQ(ratelimit_dropped(&rl), 90);
}

TEST(ratelimit_flood_is_bounded_by_burst_plus_rate)
{
	struct ratelimit rl = { 0 };
	uint64_t granted = 0;

	/* A million requests spread over 60 s. */
	for (uint64_t i = 0; i < 1000000; i++) {
		granted += ratelimit_take(&rl, &cfg, i * 60, FREQ, 1);
	}
	EXPECT_TRUE(granted <= 10 + 2 * 60);
	EXPECT_TRUE(granted >= 10 + 2 * 60 - 1);
}

TEST(ratelimit_clock_going_back_refills_instead_of_wrapping)
{
	struct ratelimit rl = { 0 };

	EXPECT_EQ(ratelimit_take(&rl, &cfg, 100 * FREQ, FREQ, 10), 10);
	EXPECT_EQ(ratelimit_take(&rl, &cfg, 50 * FREQ, FREQ, 3), 3);
	EXPECT_EQ(ratelimit_take(&rl, &cfg, 50 * FREQ, FREQ, 10), 7);
}

TEST(ratelimit_dropped_count_saturates)
{
	struct ratelimit rl = { 0 };

	ratelimit_take(&rl, &cfg, 0, FREQ, 10);
	ratelimit_take(&rl, &cfg, 0, FREQ, UINT32_MAX);
	ratelimit_take(&rl, &cfg, 0, FREQ, UINT32_MAX);
	EXPECT_EQ(ratelimit_dropped(&rl), UINT32_MAX);
}
