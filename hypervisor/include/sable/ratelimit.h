/* SPDX-License-Identifier: MIT */
/*
 * A token bucket: @burst units at once, refilled at @per_sec units a
 * second of counter time. Used per domain for console output (bytes) and
 * for the log lines a guest can cause (lines). Pure arithmetic on counter
 * values, so the host tests drive it with a made-up clock. The caller
 * serialises access to a bucket.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct ratelimit_cfg {
	uint32_t burst; /* bucket size, units */
	uint32_t per_sec; /* refill rate, units per second (> 0) */
};

struct ratelimit {
	uint64_t stamp; /* counter value the tokens are counted up to */
	uint32_t tokens;
	uint32_t dropped; /* units refused since ratelimit_dropped() */
	bool primed; /* a zeroed bucket starts full */
};

/*
 * Tokens available at counter value @now (@freq ticks a second) after the
 * refill, without taking any.
 */
uint32_t ratelimit_available(struct ratelimit *rl,
			     const struct ratelimit_cfg *cfg, uint64_t now,
			     uint64_t freq);
/*
 * Take up to @want units at @now; returns the units granted and counts
 * the rest as dropped.
 */
uint32_t ratelimit_take(struct ratelimit *rl, const struct ratelimit_cfg *cfg,
			uint64_t now, uint64_t freq, uint32_t want);
/* Units dropped since the last call; resets the count. */
uint32_t ratelimit_dropped(struct ratelimit *rl);
