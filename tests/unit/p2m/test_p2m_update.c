/* SPDX-License-Identifier: MIT */
/* p2m: splitting, unmapping, table freeing, break-before-make. */
#include "ut.h"

#include <sable/errno.h>

#include "p2m_host.h"
#include "p2m_test.h"

static const struct host_p2m_event *ev(unsigned int i)
{
	static const struct host_p2m_event none = { .kind = -1 };
	const struct host_p2m_event *e = host_p2m_log_at(i);

	return e ? e : &none;
}

/*
 * The log starts with break-before-make of @slot (any slot if NULL): the
 * old descriptor made invalid, [@ipa, @ipa + @size) flushed, then the new
 * descriptor written.
 */
static void expect_bbm(const uint64_t *slot, uint64_t ipa, uint64_t size)
{
	EXPECT_EQ(ev(0)->kind, HOST_P2M_EV_WRITE);
	EXPECT_EQ(ev(0)->val, 0);
	EXPECT_EQ(ev(1)->kind, HOST_P2M_EV_FLUSH);
	EXPECT_EQ(ev(1)->ipa, ipa);
	EXPECT_EQ(ev(1)->size, size);
	EXPECT_EQ(ev(2)->kind, HOST_P2M_EV_WRITE);
	if (slot) {
		EXPECT_EQ(ev(0)->slot, slot);
		EXPECT_EQ(ev(2)->slot, slot);
	}
}

/* Every 4 KiB page of [ipa, ipa + size) translates to pa + offset. */
static int translates_linear(const struct p2m *p, uint64_t ipa, uint64_t pa,
			     uint64_t size)
{
	uint64_t off;

	for (off = 0; off < size; off += SZ_4K) {
		if (hw_translate(p, ipa + off) != (int64_t)(pa + off)) {
			return 0;
		}
	}
	return 1;
}

static int unmapped(const struct p2m *p, uint64_t ipa, uint64_t size)
{
	uint64_t off;

	for (off = 0; off < size; off += SZ_4K) {
		if (hw_translate(p, ipa + off) != -1) {
			return 0;
		}
	}
	return 1;
}

TEST(p2m_map_page_inside_1g_block_splits_it)
{
	struct p2m p;
	struct p2m_stats s;
	const uint64_t ipa = 2 * SZ_1G, pa = 5 * SZ_1G;
	const uint64_t page = ipa + 5 * SZ_2M + 3 * SZ_4K;
	enum p2m_type t;
	paddr_t out;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(ipa), pa_init(pa), SZ_1G, p2m_ram_rw),
		  0);
	ASSERT_EQ(p2m_map(&p, ipa_init(page), pa_init(0x7000), SZ_4K,
			  p2m_grant_rw),
		  0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.leaves[1], 0);
	EXPECT_EQ(s.leaves[2], 511);
	EXPECT_EQ(s.leaves[3], 512);
	EXPECT_EQ(s.tables[2], 1);
	EXPECT_EQ(s.tables[3], 1);
	EXPECT_TRUE(translates_linear(&p, ipa, pa, page - ipa));
	EXPECT_TRUE(translates_linear(&p, page + SZ_4K, pa + page + SZ_4K - ipa,
				      ipa + SZ_1G - page - SZ_4K));
	EXPECT_EQ(hw_translate(&p, page), 0x7000);
	ASSERT_EQ(p2m_lookup(&p, ipa_init(page), &out, &t), 0);
	EXPECT_EQ(t, p2m_grant_rw);
	ASSERT_EQ(p2m_lookup(&p, ipa_init(page + SZ_4K), &out, &t), 0);
	EXPECT_EQ(t, p2m_ram_rw);
	EXPECT_EQ(out.pa, pa + page + SZ_4K - ipa);
	p2m_destroy(&p);
	EXPECT_EQ(test_alloc_outstanding(), 0);
}

TEST(p2m_split_follows_break_before_make)
{
	struct p2m p;
	unsigned int level;
	uint64_t *slot, old;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(
		p2m_map(&p, ipa_init(SZ_1G), pa_init(SZ_1G), SZ_1G, p2m_ram_rw),
		0);
	old = hw_walk(&p, SZ_1G, &level, &slot);
	ASSERT_EQ(level, 1);
	host_p2m_log_reset();
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_1G + SZ_4K), pa_init(0), SZ_4K,
			  p2m_ram_ro),
		  0);
	/* Old block invalid, flush its whole 1 GiB, then the new table. */
	ASSERT_EQ(host_p2m_log_len(), 3);
	expect_bbm(slot, SZ_1G, SZ_1G);
	EXPECT_EQ(ev(2)->val & 3, 3);
	EXPECT_EQ(*slot & 3, 3);
	EXPECT_NE(*slot, old);
	EXPECT_EQ(host_p2m_bbm_violations(), 0);
	p2m_destroy(&p);
}

TEST(p2m_replace_page_follows_break_before_make)
{
	struct p2m p;
	unsigned int level;
	uint64_t *slot, old;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(0x40000), pa_init(0x1000), SZ_4K,
			  p2m_ram_rw),
		  0);
	old = hw_walk(&p, 0x40000, &level, &slot);
	ASSERT_EQ(level, 3);
	host_p2m_log_reset();
	ASSERT_EQ(p2m_map(&p, ipa_init(0x40000), pa_init(0x9000), SZ_4K,
			  p2m_grant_ro),
		  0);
	ASSERT_EQ(host_p2m_log_len(), 3);
	expect_bbm(slot, 0x40000, SZ_4K);
	EXPECT_EQ(ev(2)->val, *slot);
	EXPECT_NE(*slot, old);
	EXPECT_EQ(hw_translate(&p, 0x40000), 0x9000);
	/* The same mapping again changes nothing. */
	host_p2m_log_reset();
	ASSERT_EQ(p2m_map(&p, ipa_init(0x40000), pa_init(0x9000), SZ_4K,
			  p2m_grant_ro),
		  0);
	EXPECT_EQ(host_p2m_log_len(), 0);
	EXPECT_EQ(host_p2m_bbm_violations(), 0);
	p2m_destroy(&p);
}

TEST(p2m_new_table_is_published_with_one_write)
{
	struct p2m p;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	host_p2m_log_reset();
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_1G + SZ_4K), pa_init(0), 3 * SZ_4K,
			  p2m_ram_rw),
		  0);
	/* Level-2 and level-3 tables are filled before they are linked. */
	ASSERT_EQ(host_p2m_log_len(), 1);
	EXPECT_EQ(ev(0)->kind, HOST_P2M_EV_WRITE);
	EXPECT_EQ(ev(0)->slot, (uint64_t *)(uintptr_t)p2m_root_pa(&p).pa + 1);
	EXPECT_EQ(test_alloc_outstanding(), 2);
	EXPECT_TRUE(translates_linear(&p, SZ_1G + SZ_4K, 0, 3 * SZ_4K));
	p2m_destroy(&p);
}

TEST(p2m_map_block_over_pages_frees_their_table)
{
	struct p2m p;
	struct p2m_stats s;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_2M), pa_init(SZ_4K), 16 * SZ_4K,
			  p2m_ram_rw),
		  0);
	EXPECT_EQ(test_alloc_outstanding(), 2);
	host_p2m_log_reset();
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_2M), pa_init(SZ_2M), SZ_2M, p2m_mmio),
		  0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.leaves[2], 1);
	EXPECT_EQ(s.tables[3], 0);
	EXPECT_EQ(test_alloc_outstanding(), 1);
	/* invalid, flush, block, then the old table is freed */
	ASSERT_EQ(host_p2m_log_len(), 4);
	expect_bbm(NULL, SZ_2M, SZ_2M);
	EXPECT_EQ(ev(3)->kind, HOST_P2M_EV_FREE);
	EXPECT_TRUE(translates_linear(&p, SZ_2M, SZ_2M, SZ_2M));
	p2m_destroy(&p);
}

TEST(p2m_unmap_part_of_1g_block_keeps_the_rest)
{
	struct p2m p;
	struct p2m_stats s;
	const uint64_t ipa = 3 * SZ_1G, pa = 7 * SZ_1G;
	const uint64_t hole = ipa + 100 * SZ_2M;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(ipa), pa_init(pa), SZ_1G, p2m_ram_rw),
		  0);
	host_p2m_log_reset();
	ASSERT_EQ(p2m_unmap(&p, ipa_init(hole), SZ_2M), 0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.leaves[1], 0);
	EXPECT_EQ(s.leaves[2], 511);
	EXPECT_EQ(s.tables[3], 0);
	EXPECT_TRUE(unmapped(&p, hole, SZ_2M));
	EXPECT_TRUE(translates_linear(&p, ipa, pa, hole - ipa));
	EXPECT_TRUE(translates_linear(&p, hole + SZ_2M, pa + hole + SZ_2M - ipa,
				      ipa + SZ_1G - hole - SZ_2M));
	EXPECT_EQ(p2m_lookup(&p, ipa_init(hole + 5), NULL, NULL), -ENOENT);
	/* split by break-before-make; the hole is flushed */
	ASSERT_EQ(host_p2m_log_len(), 3);
	expect_bbm(NULL, ipa, SZ_1G);
	p2m_destroy(&p);
}

TEST(p2m_unmap_page_inside_2m_block)
{
	struct p2m p;
	struct p2m_stats s;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_2M), pa_init(SZ_2M), 2 * SZ_2M,
			  p2m_ram_rw),
		  0);
	ASSERT_EQ(p2m_unmap(&p, ipa_init(SZ_2M + SZ_2M - SZ_4K), 2 * SZ_4K), 0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.leaves[2], 0);
	EXPECT_EQ(s.leaves[3], 1022);
	EXPECT_EQ(s.tables[3], 2);
	EXPECT_TRUE(translates_linear(&p, SZ_2M, SZ_2M, SZ_2M - SZ_4K));
	EXPECT_TRUE(unmapped(&p, 2 * SZ_2M - SZ_4K, 2 * SZ_4K));
	EXPECT_TRUE(translates_linear(&p, 2 * SZ_2M + SZ_4K, 2 * SZ_2M + SZ_4K,
				      SZ_2M - SZ_4K));
	p2m_destroy(&p);
}

TEST(p2m_unmap_frees_empty_tables_after_flush)
{
	struct p2m p;
	struct p2m_stats s;
	unsigned int i, first_free = 0, flushes_before = 0;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_1G - SZ_4K), pa_init(0), 2 * SZ_4K,
			  p2m_ram_rw),
		  0);
	ASSERT_EQ(p2m_map(&p, ipa_init(9 * SZ_1G + SZ_4K), pa_init(0), SZ_4K,
			  p2m_ram_rw),
		  0);
	EXPECT_EQ(test_alloc_outstanding(), 6);
	host_p2m_log_reset();
	ASSERT_EQ(p2m_unmap(&p, ipa_init(SZ_1G - SZ_4K), 2 * SZ_4K), 0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.tables[2], 1);
	EXPECT_EQ(s.tables[3], 1);
	EXPECT_EQ(test_alloc_outstanding(), 2);
	/* Every table freed only after a flush of its range. */
	for (i = 0; i < host_p2m_log_len(); i++) {
		if (ev(i)->kind == HOST_P2M_EV_FREE && !first_free) {
			first_free = i;
		}
		if (ev(i)->kind == HOST_P2M_EV_FLUSH && !first_free) {
			flushes_before++;
		}
	}
	EXPECT_NE(first_free, 0);
	EXPECT_GE(flushes_before, 1);
	ASSERT_EQ(p2m_unmap(&p, ipa_init(0), 16 * SZ_1G), 0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.tables[2], 0);
	EXPECT_EQ(s.tables[3], 0);
	EXPECT_EQ(test_alloc_outstanding(), 0);
	EXPECT_EQ(host_p2m_bbm_violations(), 0);
	p2m_destroy(&p);
}

TEST(p2m_unmap_flushes_the_range)
{
	struct p2m p;
	unsigned int n;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(
		p2m_map(&p, ipa_init(SZ_4K), pa_init(0), 8 * SZ_4K, p2m_ram_rw),
		0);
	host_p2m_log_reset();
	ASSERT_EQ(p2m_unmap(&p, ipa_init(2 * SZ_4K), 3 * SZ_4K), 0);
	n = host_p2m_log_len();
	ASSERT_EQ(n, 4);
	EXPECT_EQ(ev(n - 1)->kind, HOST_P2M_EV_FLUSH);
	EXPECT_EQ(ev(n - 1)->ipa, 2 * SZ_4K);
	EXPECT_EQ(ev(n - 1)->size, 3 * SZ_4K);
	EXPECT_TRUE(unmapped(&p, 2 * SZ_4K, 3 * SZ_4K));
	EXPECT_TRUE(translates_linear(&p, SZ_4K, 0, SZ_4K));
	EXPECT_TRUE(translates_linear(&p, 5 * SZ_4K, 4 * SZ_4K, 4 * SZ_4K));
	p2m_destroy(&p);
}

TEST(p2m_unmap_of_hole_changes_nothing)
{
	struct p2m p;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	host_p2m_log_reset();
	EXPECT_EQ(p2m_unmap(&p, ipa_init(SZ_4K), 3 * SZ_1G), 0);
	EXPECT_EQ(p2m_unmap(&p, ipa_init(0), P2M_IPA_LIMIT), 0);
	EXPECT_EQ(host_p2m_log_len(), 0);
	EXPECT_EQ(test_alloc_outstanding(), 0);
	p2m_destroy(&p);
}

TEST(p2m_unmap_everything_leaves_only_the_root)
{
	struct p2m p;
	struct p2m_stats s;

	ASSERT_EQ(p2m_init(&p, 1), 0);
	ASSERT_EQ(p2m_map(&p, ipa_init(SZ_2M + SZ_4K), pa_init(SZ_4K),
			  3 * SZ_1G, p2m_ram_rw),
		  0);
	ASSERT_EQ(p2m_unmap(&p, ipa_init(0), P2M_IPA_LIMIT), 0);
	s = test_stats_of(&p);
	EXPECT_EQ(s.tables[1], 1);
	EXPECT_EQ(s.tables[2] + s.tables[3], 0);
	EXPECT_EQ(s.leaves[1] + s.leaves[2] + s.leaves[3], 0);
	EXPECT_EQ(test_alloc_outstanding(), 0);
	p2m_destroy(&p);
}
