/* SPDX-License-Identifier: MIT */
/* Token buckets (sable/ratelimit.h). */
#include <sable/ratelimit.h>

uint32_t ratelimit_available(struct ratelimit *rl,
			     const struct ratelimit_cfg *cfg, uint64_t now,
			     uint64_t freq)
{
	uint64_t per_token = freq / cfg->per_sec;
	uint64_t add;

	if (!per_token) {
		per_token = 1;
	}
	if (!rl->primed || now < rl->stamp) {
		/* First use, or a counter that went back: start full. */
		rl->primed = true;
		rl->tokens = cfg->burst;
		rl->stamp = now;
		return rl->tokens;
	}
	add = (now - rl->stamp) / per_token;
	if (add >= (uint64_t)(cfg->burst - rl->tokens)) {
		rl->tokens = cfg->burst;
		rl->stamp = now;
	} else {
		/* Keep the part of a token already earned. */
		rl->tokens += (uint32_t)add;
		rl->stamp += add * per_token;
	}
	return rl->tokens;
}

uint32_t ratelimit_take(struct ratelimit *rl, const struct ratelimit_cfg *cfg,
			uint64_t now, uint64_t freq, uint32_t want)
{
	uint32_t got = ratelimit_available(rl, cfg, now, freq);

	if (got > want) {
		got = want;
	}
	rl->tokens -= got;
	if (want - got > UINT32_MAX - rl->dropped) {
		rl->dropped = UINT32_MAX;
	} else {
		rl->dropped += want - got;
	}
	return got;
}

uint32_t ratelimit_dropped(struct ratelimit *rl)
{
	uint32_t n = rl->dropped;

	rl->dropped = 0;
	return n;
}
