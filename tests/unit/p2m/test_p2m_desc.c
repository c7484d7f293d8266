/* SPDX-License-Identifier: MIT */
/*
 * p2m: descriptor encodings against the Arm ARM stage-2 formats (D8.3),
 * written out as literals here, and failure of the prepare phase.
 */
#include "ut.h"

#include <sable/errno.h>

#include "p2m_host.h"
#include "p2m_test.h"

#define BITS(d, hi, lo) (((d) >> (lo)) & ((1ULL << ((hi) - (lo) + 1)) - 1))

struct type_bits {
	enum p2m_type type;
	uint64_t memattr; /* [5:2] */
	uint64_t s2ap; /* [7:6] */
	uint64_t xn; /* [54:53] */
};

static const struct type_bits expected[] = {
	{ p2m_ram_rw, 0xf, 3, 0 },     { p2m_ram_ro, 0xf, 1, 0 },
	{ p2m_mmio, 0x1, 3, 2 },       { p2m_grant_rw, 0xf, 3, 2 },
	{ p2m_grant_ro, 0xf, 1, 2 },   { p2m_foreign_rw, 0xf, 3, 2 },
	{ p2m_foreign_ro, 0xf, 1, 2 },
};

static void check_leaf(uint64_t d, unsigned int level, uint64_t oa,
		       const struct type_bits *e)
{
	EXPECT_EQ(BITS(d, 1, 0), level == 3 ? 3 : 1);
	EXPECT_EQ(BITS(d, 5, 2), e->memattr);
	EXPECT_EQ(BITS(d, 7, 6), e->s2ap);
	EXPECT_EQ(BITS(d, 9, 8), 3); /* SH: inner shareable */
	EXPECT_EQ(BITS(d, 10, 10), 1); /* AF */
	EXPECT_EQ(BITS(d, 11, 11), 0); /* FnXS / RES0 */
	EXPECT_EQ(BITS(d, 47, 12), oa >> 12);
	EXPECT_EQ(BITS(d, 52, 48), 0); /* no Contiguous, DBM */
	EXPECT_EQ(BITS(d, 54, 53), e->xn);
	EXPECT_EQ(BITS(d, 58, 55), (uint64_t)e->type);
	EXPECT_EQ(BITS(d, 63, 59), 0);
}

TEST(p2m_leaf_descriptors_match_the_stage2_format)
{
	struct p2m p;
	unsigned int i, level;
	uint64_t *slot, d;
	const uint64_t pa = 0x0000812340000000ULL; /* 1 GiB aligned, bit 47 */

	ASSERT_EQ(p2m_init(&p, 1), 0);
	for (i = 0; i < ARRAY_SIZE(expected); i++) {
		uint64_t base = (i + 1) * 4 * SZ_1G;

		ASSERT_EQ(p2m_map(&p, ipa_init(base), pa_init(pa), SZ_1G,
				  expected[i].type),
			  0);
		ASSERT_EQ(p2m_map(&p, ipa_init(base + SZ_1G), pa_init(pa),
				  SZ_2M, expected[i].type),
			  0);
		ASSERT_EQ(p2m_map(&p, ipa_init(base + 2 * SZ_1G),
				  pa_init(pa + SZ_4K), SZ_4K, expected[i].type),
			  0);
		d = hw_walk(&p, base, &level, &slot);
		EXPECT_EQ(level, 1);
		check_leaf(d, 1, pa, &expected[i]);
		d = hw_walk(&p, base + SZ_1G, &level, &slot);
		EXPECT_EQ(level, 2);
		check_leaf(d, 2, pa, &expected[i]);
		d = hw_walk(&p, base + 2 * SZ_1G, &level, &slot);
		EXPECT_EQ(level, 3);
		check_leaf(d, 3, pa + SZ_4K, &expected[i]);
	}
	p2m_destroy(&p);
}

TEST(p2m_table_descriptors_hold_only_the_next_table_address)
{
	struct p2m p;
	uint64_t *root, d;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_4K), pa_init(0), SZ_4K, p2m_mmio), 0);
	root = (uint64_t *)(uintptr_t)p2m_root_pa(&p).pa;
	d = root[0];
	EXPECT_EQ(BITS(d, 1, 0), 3);
	EXPECT_EQ(BITS(d, 11, 2), 0);
	EXPECT_EQ(BITS(d, 63, 48), 0);
	d = ((uint64_t *)(uintptr_t)(d & 0x0000fffffffff000ULL))[0];
	EXPECT_EQ(BITS(d, 1, 0), 3);
	EXPECT_EQ(BITS(d, 11, 2), 0);
	EXPECT_EQ(BITS(d, 63, 48), 0);
	p2m_destroy(&p);
}

TEST(p2m_split_keeps_block_attributes_in_every_piece)
{
	struct p2m p;
	unsigned int level;
	uint64_t *slot, d;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_1G), pa_init(2 * SZ_1G), SZ_1G,
			  p2m_mmio),
		  0);
	ASSERT_EQ(p2m_unmap(&p, ipa_init(SZ_1G + SZ_4K), SZ_4K), 0);
	d = hw_walk(&p, SZ_1G + 7 * SZ_2M, &level, &slot);
	EXPECT_EQ(level, 2);
	check_leaf(d, 2, 2 * SZ_1G + 7 * SZ_2M, &expected[2]);
	d = hw_walk(&p, SZ_1G + 2 * SZ_4K, &level, &slot);
	EXPECT_EQ(level, 3);
	check_leaf(d, 3, 2 * SZ_1G + 2 * SZ_4K, &expected[2]);
	p2m_destroy(&p);
}

/* Live descriptor writes and flushes in the log (frees not counted). */
static unsigned int hook_calls(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < host_p2m_log_len(); i++) {
		n += host_p2m_log_at(i)->kind != HOST_P2M_EV_FREE;
	}
	return n;
}

/* Try @fn with every allocation budget short of success. */
static void expect_oom_changes_nothing(struct p2m *p, int (*fn)(struct p2m *),
				       long needed)
{
	uint64_t digest = hw_digest(p);
	long outstanding = test_alloc_outstanding();
	long k;

	for (k = 0; k < needed; k++) {
		host_p2m_log_reset();
		test_alloc_fail_after(k);
		EXPECT_EQ(fn(p), -ENOMEM);
		test_alloc_fail_after(-1);
		EXPECT_EQ(hw_digest(p), digest);
		EXPECT_EQ(test_alloc_outstanding(), outstanding);
		EXPECT_EQ(hook_calls(), 0);
	}
	EXPECT_EQ(fn(p), 0);
	EXPECT_EQ(test_alloc_outstanding(), outstanding + needed);
	EXPECT_NE(hw_digest(p), digest);
}

static int map_across_block(struct p2m *p)
{
	/* Into a 1 GiB block, PA misaligned: 1 level-2 + 4 level-3 tables. */
	return p2m_map(p, ipa_init(SZ_1G + SZ_2M - SZ_4K), pa_init(SZ_4K),
		       3 * SZ_2M, p2m_grant_rw);
}

static int unmap_page_in_block(struct p2m *p)
{
	return p2m_unmap(p, ipa_init(SZ_1G + 100 * SZ_4K), SZ_4K);
}

static int map_into_hole(struct p2m *p)
{
	return p2m_map(p, ipa_init(5 * SZ_1G - SZ_4K), pa_init(0), 2 * SZ_4K,
		       p2m_ram_rw);
}

TEST(p2m_out_of_memory_in_prepare_changes_nothing)
{
	struct p2m p;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(
		p2m_map(&p, ipa_init(SZ_1G), pa_init(SZ_1G), SZ_1G, p2m_ram_rw),
		0);
	expect_oom_changes_nothing(&p, map_across_block, 5);
	ASSERT_EQ(p2m_unmap(&p, ipa_init(SZ_1G), SZ_1G), 0);
	ASSERT_EQ(
		p2m_map(&p, ipa_init(SZ_1G), pa_init(SZ_1G), SZ_1G, p2m_ram_rw),
		0);
	expect_oom_changes_nothing(&p, unmap_page_in_block, 2);
	expect_oom_changes_nothing(&p, map_into_hole, 4);
	EXPECT_EQ(host_p2m_bbm_violations(), 0);
	p2m_destroy(&p);
	EXPECT_EQ(test_alloc_outstanding(), 0);
}
