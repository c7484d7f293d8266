/* SPDX-License-Identifier: MIT */
/* p2m: init, block selection, lookups, argument checks. */
#include "ut.h"

#include <sable/errno.h>

#include "p2m_host.h"
#include "p2m_test.h"

TEST(p2m_init_gives_8k_aligned_root_and_vttbr)
{
	struct p2m p;

	ASSERT_EQ(p2m_init(&p, 0x1234), 0);
	EXPECT_NE(p2m_root_pa(&p).pa, 0);
	EXPECT_EQ(p2m_root_pa(&p).pa & 0x1fff, 0);
	EXPECT_EQ(p2m_vttbr(&p), (0x1234ULL << 48) | p2m_root_pa(&p).pa);
	EXPECT_EQ(test_stats_of(&p).tables[1], 1);
	EXPECT_EQ(test_stats_of(&p).tables[2], 0);
	p2m_destroy(&p);
	EXPECT_EQ(test_alloc_outstanding(), 0);
}

TEST(p2m_init_fails_without_root_memory)
{
	struct p2m p;

	host_p2m_fail_root_allocs(1);
	EXPECT_EQ(p2m_init(&p, 1), -ENOMEM);
	p2m_destroy(&p);
	EXPECT_EQ(p2m_map(&p, ipa_init(0), pa_init(0), SZ_4K, p2m_ram_rw),
		  -EINVAL);
	EXPECT_EQ(p2m_lookup(&p, ipa_init(0), NULL, NULL), -ENOENT);
}

TEST(p2m_map_aligned_1g_uses_one_level1_block)
{
	struct p2m p;
	struct p2m_stats s;
	paddr_t pa;
	enum p2m_type t;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_1G), pa_init(3 * SZ_1G), SZ_1G,
			  p2m_ram_rw),
		  0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.leaves[1], 1);
	EXPECT_EQ(s.leaves[2], 0);
	EXPECT_EQ(s.leaves[3], 0);
	EXPECT_EQ(s.tables[2], 0);
	EXPECT_EQ(test_alloc_outstanding(), 0);
	ASSERT_EQ(p2m_lookup(&p, ipa_init(SZ_1G + 0x12345), &pa, &t), 0);
	EXPECT_EQ(pa.pa, 3 * SZ_1G + 0x12345);
	EXPECT_EQ(t, p2m_ram_rw);
	EXPECT_EQ(p2m_lookup(&p, ipa_init(SZ_1G - 1), &pa, &t), -ENOENT);
	EXPECT_EQ(t, p2m_invalid);
	EXPECT_EQ(p2m_lookup(&p, ipa_init(2 * SZ_1G), NULL, NULL), -ENOENT);
	p2m_destroy(&p);
}

TEST(p2m_map_aligned_2m_uses_level2_blocks)
{
	struct p2m p;
	struct p2m_stats s;
	paddr_t pa;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_2M), pa_init(8 * SZ_2M), 2 * SZ_2M,
			  p2m_ram_rw),
		  0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.leaves[1], 0);
	EXPECT_EQ(s.leaves[2], 2);
	EXPECT_EQ(s.leaves[3], 0);
	EXPECT_EQ(s.tables[2], 1);
	EXPECT_EQ(s.tables[3], 0);
	ASSERT_EQ(p2m_lookup(&p, ipa_init(3 * SZ_2M - 8), &pa, NULL), 0);
	EXPECT_EQ(pa.pa, 10 * SZ_2M - 8);
	p2m_destroy(&p);
}

TEST(p2m_map_misaligned_pa_uses_pages)
{
	struct p2m p;
	struct p2m_stats s;
	uint64_t off;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	/* IPA 1 GiB aligned but PA only 4 KiB aligned: pages throughout. */
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_1G), pa_init(SZ_1G + SZ_4K), SZ_1G,
			  p2m_ram_rw),
		  0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.leaves[1], 0);
	EXPECT_EQ(s.leaves[2], 0);
	EXPECT_EQ(s.leaves[3], 512 * 512);
	EXPECT_EQ(s.tables[2], 1);
	EXPECT_EQ(s.tables[3], 512);
	for (off = 0; off < SZ_1G; off += 511 * SZ_4K) {
		EXPECT_EQ(hw_translate(&p, SZ_1G + off),
			  (int64_t)(SZ_1G + SZ_4K + off));
	}
	p2m_destroy(&p);
	EXPECT_EQ(test_alloc_outstanding(), 0);
}

TEST(p2m_map_mixed_range_picks_largest_blocks)
{
	struct p2m p;
	struct p2m_stats s;
	uint64_t start = SZ_1G - SZ_2M - SZ_4K;
	uint64_t size = SZ_4K + SZ_2M + SZ_1G + SZ_2M + SZ_4K;
	uint64_t off;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(start), pa_init(start + 4 * SZ_1G), size,
			  p2m_ram_rw),
		  0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.leaves[1], 1);
	EXPECT_EQ(s.leaves[2], 2);
	EXPECT_EQ(s.leaves[3], 2);
	EXPECT_EQ(s.tables[2], 2);
	EXPECT_EQ(s.tables[3], 2);
	for (off = 0; off < size; off += SZ_4K * 37) {
		EXPECT_EQ(hw_translate(&p, start + off),
			  (int64_t)(start + 4 * SZ_1G + off));
	}
	EXPECT_EQ(hw_translate(&p, start - SZ_4K), -1);
	EXPECT_EQ(hw_translate(&p, start + size), -1);
	p2m_destroy(&p);
}

TEST(p2m_map_reaches_top_of_ipa_space)
{
	struct p2m p;
	paddr_t pa;
	uint64_t top = P2M_IPA_LIMIT - SZ_4K;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(
		p2m_map(&p, ipa_init(top), pa_init(0x5000), SZ_4K, p2m_ram_rw),
		0);
	ASSERT_EQ(p2m_lookup(&p, ipa_init(top + 0xfff), &pa, NULL), 0);
	EXPECT_EQ(pa.pa, 0x5fff);
	EXPECT_EQ(hw_translate(&p, top), 0x5000);
	ASSERT_EQ(p2m_map(&p, ipa_init(P2M_IPA_LIMIT - SZ_1G),
			  pa_init(P2M_PA_LIMIT - SZ_1G), SZ_1G, p2m_mmio),
		  0);
	ASSERT_EQ(p2m_lookup(&p, ipa_init(top), &pa, NULL), 0);
	EXPECT_EQ(pa.pa, P2M_PA_LIMIT - SZ_4K);
	p2m_destroy(&p);
}

TEST(p2m_lookup_reports_each_type)
{
	static const enum p2m_type types[] = {
		p2m_ram_rw,   p2m_ram_ro,     p2m_mmio,	      p2m_grant_rw,
		p2m_grant_ro, p2m_foreign_rw, p2m_foreign_ro,
	};
	struct p2m p;
	enum p2m_type t;
	paddr_t pa;
	unsigned int i;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		ASSERT_EQ(p2m_map(&p, ipa_init(i * SZ_2M), pa_init(i * SZ_4K),
				  SZ_4K, types[i]),
			  0);
		ASSERT_EQ(p2m_map(&p, ipa_init((i + 1) * SZ_1G),
				  pa_init(i * SZ_1G), SZ_1G, types[i]),
			  0);
	}
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		ASSERT_EQ(p2m_lookup(&p, ipa_init(i * SZ_2M + 4), &pa, &t), 0);
		EXPECT_EQ(t, types[i]);
		EXPECT_EQ(pa.pa, i * SZ_4K + 4);
		ASSERT_EQ(p2m_lookup(&p, ipa_init((i + 1) * SZ_1G + SZ_2M), &pa,
				     &t),
			  0);
		EXPECT_EQ(t, types[i]);
		EXPECT_EQ(pa.pa, i * SZ_1G + SZ_2M);
	}
	p2m_destroy(&p);
}

TEST(p2m_map_rejects_bad_arguments)
{
	struct p2m p;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	EXPECT_EQ(p2m_map(&p, ipa_init(0x800), pa_init(0), SZ_4K, p2m_ram_rw),
		  -EINVAL);
	EXPECT_EQ(p2m_map(&p, ipa_init(0), pa_init(0x10), SZ_4K, p2m_ram_rw),
		  -EINVAL);
	EXPECT_EQ(p2m_map(&p, ipa_init(0), pa_init(0), 0x1800, p2m_ram_rw),
		  -EINVAL);
	EXPECT_EQ(p2m_map(&p, ipa_init(0), pa_init(0), 0, p2m_ram_rw), -EINVAL);
	EXPECT_EQ(p2m_map(&p, ipa_init(0), pa_init(0), SZ_4K, p2m_invalid),
		  -EINVAL);
	EXPECT_EQ(
		p2m_map(&p, ipa_init(0), pa_init(0), SZ_4K, (enum p2m_type)99),
		-EINVAL);
	EXPECT_EQ(p2m_map(&p, ipa_init(P2M_IPA_LIMIT), pa_init(0), SZ_4K,
			  p2m_ram_rw),
		  -ERANGE);
	EXPECT_EQ(p2m_map(&p, ipa_init(P2M_IPA_LIMIT - SZ_4K), pa_init(0),
			  2 * SZ_4K, p2m_ram_rw),
		  -ERANGE);
	EXPECT_EQ(
		p2m_map(&p, ipa_init(SZ_4K), pa_init(0), ~0xfffULL, p2m_ram_rw),
		-ERANGE);
	EXPECT_EQ(p2m_map(&p, ipa_init(0), pa_init(P2M_PA_LIMIT), SZ_4K,
			  p2m_ram_rw),
		  -ERANGE);
	EXPECT_EQ(p2m_map(&p, ipa_init(0), pa_init(P2M_PA_LIMIT - SZ_4K),
			  2 * SZ_4K, p2m_ram_rw),
		  -ERANGE);
	/* -EINVAL takes precedence over -ERANGE. */
	EXPECT_EQ(p2m_map(&p, ipa_init(P2M_IPA_LIMIT), pa_init(0), SZ_4K,
			  p2m_invalid),
		  -EINVAL);
	EXPECT_EQ(p2m_map(&p, ipa_init(P2M_IPA_LIMIT), pa_init(0x10), SZ_4K,
			  p2m_ram_rw),
		  -EINVAL);
	EXPECT_EQ(p2m_unmap(&p, ipa_init(0x10), SZ_4K), -EINVAL);
	EXPECT_EQ(p2m_unmap(&p, ipa_init(0), 0), -EINVAL);
	EXPECT_EQ(p2m_unmap(&p, ipa_init(P2M_IPA_LIMIT), SZ_4K), -ERANGE);
	EXPECT_EQ(p2m_lookup(&p, ipa_init(P2M_IPA_LIMIT), NULL, NULL), -ERANGE);
	EXPECT_EQ(test_stats_of(&p).tables[2], 0);
	EXPECT_EQ(test_alloc_outstanding(), 0);
	p2m_destroy(&p);
}

TEST(p2m_destroy_frees_every_table)
{
	struct p2m p;
	uint64_t i;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(p2m_map(&p,
				  ipa_init(i * 7 * SZ_1G + i * SZ_2M + SZ_4K),
				  pa_init(i * SZ_4K), SZ_4K, p2m_ram_rw),
			  0);
	}
	EXPECT_EQ(test_alloc_outstanding(), 128);
	host_p2m_log_reset();
	p2m_destroy(&p);
	EXPECT_EQ(test_alloc_outstanding(), 0);
	/* The whole VMID is flushed before any table is freed. */
	ASSERT_TRUE(host_p2m_log_len() > 1);
	EXPECT_EQ(host_p2m_log_at(0)->kind, HOST_P2M_EV_FLUSH);
	EXPECT_EQ(host_p2m_log_at(0)->size, P2M_IPA_LIMIT);
	EXPECT_EQ(host_p2m_log_at(1)->kind, HOST_P2M_EV_FREE);
	/* Destroy twice is harmless, and the p2m can be set up again. */
	p2m_destroy(&p);
	ASSERT_EQ(p2m_init(&p, 2), 0);
	p2m_destroy(&p);
}

int main(int argc, char **argv)
{
	return ut_main(argc, argv);
}

TEST(p2m_block_limit_of_4k_maps_only_pages)
{
	struct p2m p;
	struct p2m_stats s;

	ASSERT_EQ(p2m_set_block_limit(SZ_4K), 0);
	EXPECT_EQ(p2m_block_limit(), SZ_4K);
	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_1G), pa_init(2 * SZ_1G), SZ_1G,
			  p2m_ram_rw),
		  0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.leaves[1], 0);
	EXPECT_EQ(s.leaves[2], 0);
	EXPECT_EQ(s.leaves[3], 512 * 512);
	EXPECT_EQ(s.tables[3], 512);
	for (uint64_t off = 0; off < SZ_1G; off += 509 * SZ_4K) {
		EXPECT_EQ(hw_translate(&p, SZ_1G + off),
			  (int64_t)(2 * SZ_1G + off));
	}
	p2m_destroy(&p);
	EXPECT_EQ(test_alloc_outstanding(), 0);
	ASSERT_EQ(p2m_set_block_limit(SZ_1G), 0);
}

TEST(p2m_block_limit_of_2m_maps_no_1g_block)
{
	struct p2m p;
	struct p2m_stats s;

	ASSERT_EQ(p2m_set_block_limit(SZ_2M), 0);
	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_1G), pa_init(SZ_1G), SZ_1G + SZ_4K,
			  p2m_mmio),
		  0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.leaves[1], 0);
	EXPECT_EQ(s.leaves[2], 512);
	EXPECT_EQ(s.leaves[3], 1);
	p2m_destroy(&p);
	ASSERT_EQ(p2m_set_block_limit(SZ_1G), 0);
}

TEST(p2m_block_limit_refuses_other_sizes_and_keeps_the_last)
{
	ASSERT_EQ(p2m_set_block_limit(SZ_2M), 0);
	EXPECT_EQ(p2m_set_block_limit(0), -EINVAL);
	EXPECT_EQ(p2m_set_block_limit(2 * SZ_4K), -EINVAL);
	EXPECT_EQ(p2m_set_block_limit(SZ_1G * 512), -EINVAL);
	EXPECT_EQ(p2m_set_block_limit(SZ_2M + SZ_4K), -EINVAL);
	EXPECT_EQ(p2m_block_limit(), SZ_2M);
	ASSERT_EQ(p2m_set_block_limit(SZ_1G), 0);
	EXPECT_EQ(p2m_block_limit(), SZ_1G);
}

TEST(p2m_block_limit_leaves_earlier_blocks_and_unmap_still_splits_them)
{
	struct p2m p;
	struct p2m_stats s;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(
		p2m_map(&p, ipa_init(SZ_1G), pa_init(SZ_1G), SZ_1G, p2m_ram_rw),
		0);
	ASSERT_EQ(p2m_set_block_limit(SZ_4K), 0);
	EXPECT_EQ(test_stats_of(&p).leaves[1], 1);
	ASSERT_EQ(p2m_unmap(&p, ipa_init(SZ_1G + SZ_2M + SZ_4K), SZ_4K), 0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.leaves[1], 0);
	EXPECT_EQ(s.leaves[2], 511);
	EXPECT_EQ(s.leaves[3], 511);
	EXPECT_EQ(hw_translate(&p, SZ_1G + SZ_2M + SZ_4K), -1);
	EXPECT_EQ(hw_translate(&p, SZ_1G + SZ_2M), (int64_t)(SZ_1G + SZ_2M));
	EXPECT_EQ(hw_translate(&p, 2 * SZ_1G - SZ_4K),
		  (int64_t)(2 * SZ_1G - SZ_4K));
	p2m_destroy(&p);
	ASSERT_EQ(p2m_set_block_limit(SZ_1G), 0);
}

TEST(p2m_takes_the_block_limit_at_init_and_can_be_given_all_blocks)
{
	struct p2m early, late;

	ASSERT_EQ(p2m_init(&early, 1), 0);
	ASSERT_EQ(p2m_set_block_limit(SZ_4K), 0);
	ASSERT_EQ(p2m_init(&late, 2), 0);
	/* The p2m made before the limit keeps its blocks. */
	ASSERT_EQ(p2m_map(&early, ipa_init(SZ_1G), pa_init(SZ_1G), SZ_1G,
			  p2m_ram_rw),
		  0);
	EXPECT_EQ(test_stats_of(&early).leaves[1], 1);
	ASSERT_EQ(p2m_map(&late, ipa_init(SZ_1G), pa_init(SZ_1G), SZ_2M,
			  p2m_ram_rw),
		  0);
	EXPECT_EQ(test_stats_of(&late).leaves[3], 512);
	p2m_allow_all_blocks(&late);
	ASSERT_EQ(p2m_map(&late, ipa_init(2 * SZ_1G), pa_init(SZ_1G), SZ_1G,
			  p2m_ram_rw),
		  0);
	EXPECT_EQ(test_stats_of(&late).leaves[1], 1);
	EXPECT_EQ(test_stats_of(&late).leaves[3], 512);
	p2m_destroy(&early);
	p2m_destroy(&late);
	EXPECT_EQ(test_alloc_outstanding(), 0);
	ASSERT_EQ(p2m_set_block_limit(SZ_1G), 0);
}
