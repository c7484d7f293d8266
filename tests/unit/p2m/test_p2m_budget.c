/* SPDX-License-Identifier: MIT */
/* p2m: the per-domain budget of table pages. */
#include "ut.h"

#include <sable/errno.h>

#include "p2m_test.h"

/* One page per 2 MiB region: each needs its own level-3 table. */
TEST(p2m_budget_refuses_the_table_past_it_and_changes_nothing)
{
	struct p2m p;
	uint64_t digest;
	long before;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	p2m_set_budget(&p, 4);
	/* A level-2 table and a level-3 table. */
	ASSERT_EQ(p2m_map(&p, ipa_init(0), pa_init(0x1000), SZ_4K, p2m_ram_rw),
		  0);
	EXPECT_EQ(p.nr_tables, 2);
	/* Two more level-3 tables under the same level-2 table. */
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_2M), pa_init(0x1000), SZ_4K,
			  p2m_ram_rw),
		  0);
	ASSERT_EQ(p2m_map(&p, ipa_init(2 * SZ_2M), pa_init(0x1000), SZ_4K,
			  p2m_ram_rw),
		  0);
	EXPECT_EQ(p.nr_tables, 4);
	digest = hw_digest(&p);
	before = test_alloc_outstanding();
	EXPECT_EQ(p2m_map(&p, ipa_init(3 * SZ_2M), pa_init(0x1000), SZ_4K,
			  p2m_ram_rw),
		  -ENOMEM);
	EXPECT_EQ(hw_digest(&p), digest);
	EXPECT_EQ(test_alloc_outstanding(), before);
	EXPECT_EQ(hw_translate(&p, 3 * SZ_2M), -1);
	/* A block needs no table: still fine at the limit. */
	EXPECT_EQ(p2m_map(&p, ipa_init(4 * SZ_2M), pa_init(SZ_2M), SZ_2M,
			  p2m_ram_rw),
		  0);
	p2m_destroy(&p);
	EXPECT_EQ(p.nr_tables, 0);
}

TEST(p2m_budget_is_given_back_by_unmap)
{
	struct p2m p;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	p2m_set_budget(&p, 2);
	for (int i = 0; i < 100; i++) {
		uint64_t ipa = (uint64_t)i * SZ_1G + 7 * SZ_2M;

		ASSERT_EQ(p2m_map(&p, ipa_init(ipa), pa_init(0x1000), SZ_4K,
				  p2m_ram_rw),
			  0);
		EXPECT_EQ(p.nr_tables, 2);
		ASSERT_EQ(p2m_unmap(&p, ipa_init(ipa), SZ_4K), 0);
		EXPECT_EQ(p.nr_tables, 0);
	}
	EXPECT_EQ(p.peak_tables, 2);
	p2m_destroy(&p);
}

TEST(p2m_budget_counts_splits_and_frees_of_replaced_tables)
{
	struct p2m p;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(
		p2m_map(&p, ipa_init(SZ_1G), pa_init(SZ_1G), SZ_1G, p2m_ram_rw),
		0);
	EXPECT_EQ(p.nr_tables, 0);
	/* Unmapping one page splits the 1 GiB and a 2 MiB block. */
	ASSERT_EQ(p2m_unmap(&p, ipa_init(SZ_1G + SZ_4K), SZ_4K), 0);
	EXPECT_EQ(p.nr_tables, 2);
	/* Mapping the whole GiB again as a block frees both tables. */
	ASSERT_EQ(
		p2m_map(&p, ipa_init(SZ_1G), pa_init(SZ_1G), SZ_1G, p2m_ram_rw),
		0);
	EXPECT_EQ(p.nr_tables, 0);
	/* With no budget left a split fails cleanly. */
	p2m_set_budget(&p, 1);
	EXPECT_EQ(p2m_unmap(&p, ipa_init(SZ_1G + SZ_4K), SZ_4K), -ENOMEM);
	EXPECT_EQ(hw_translate(&p, SZ_1G + SZ_4K), (int64_t)(SZ_1G + SZ_4K));
	p2m_destroy(&p);
}
