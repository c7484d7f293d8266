/* SPDX-License-Identifier: MIT */
/* Allocation wrappers and the reference table walker of the p2m tests. */
#include <sable/alloc.h>

#include "p2m_host.h"
#include "p2m_test.h"

static long alloc_budget = -1;
static long outstanding;

void test_alloc_fail_after(long n)
{
	alloc_budget = n;
}

long test_alloc_outstanding(void)
{
	return outstanding;
}

void *__wrap_page_alloc(void)
{
	void *page;

	if (alloc_budget == 0) {
		return NULL;
	}
	page = __real_page_alloc();
	if (page) {
		if (alloc_budget > 0) {
			alloc_budget--;
		}
		outstanding++;
	}
	return page;
}

void __wrap_page_free(void *page)
{
	struct host_p2m_event ev = {
		.kind = HOST_P2M_EV_FREE,
		.val = (uint64_t)(uintptr_t)page,
	};

	if (page) {
		outstanding--;
		host_p2m_log_event(&ev);
	}
	__real_page_free(page);
}

uint64_t hw_walk(const struct p2m *p, uint64_t ipa, unsigned int *level,
		 uint64_t **slot)
{
	uint64_t *table = (uint64_t *)(uintptr_t)p2m_root_pa(p).pa;
	uint64_t idx = (ipa >> 30) & 0x3ff;
	unsigned int l;
	uint64_t d;

	for (l = 1; l <= 3; l++) {
		if (l > 1) {
			idx = (ipa >> (12 + 9 * (3 - l))) & 0x1ff;
		}
		d = table[idx];
		*level = l;
		*slot = &table[idx];
		if (!(d & 1)) {
			return 0;
		}
		if ((l < 3 && (d & 3) == 1) || (l == 3 && (d & 3) == 3)) {
			return d;
		}
		if (l == 3) {
			return 0; /* 0b01 at level 3 is reserved: invalid */
		}
		table = (uint64_t *)(uintptr_t)(d & 0x0000fffffffff000ULL);
	}
	return 0;
}

int64_t hw_translate(const struct p2m *p, uint64_t ipa)
{
	unsigned int level;
	uint64_t *slot;
	uint64_t d = hw_walk(p, ipa, &level, &slot);
	uint64_t mask;

	if (!d) {
		return -1;
	}
	mask = (1ULL << (12 + 9 * (3 - level))) - 1;
	return (int64_t)((d & 0x0000fffffffff000ULL & ~mask) | (ipa & mask));
}

struct p2m_stats test_stats_of(const struct p2m *p)
{
	struct p2m_stats s;

	p2m_count(p, &s);
	return s;
}

static uint64_t *next_table(uint64_t d)
{
	return (uint64_t *)(uintptr_t)(d & 0x0000fffffffff000ULL);
}

static uint64_t digest_table(const uint64_t *t, unsigned int level,
			     unsigned int entries, uint64_t h)
{
	unsigned int i;

	for (i = 0; i < entries; i++) {
		if (!t[i]) {
			continue;
		}
		h = (h ^ t[i] ^ ((uint64_t)level << 60) ^ i) * 0x100000001b3ULL;
		if (level < 3 && (t[i] & 3) == 3) {
			h = digest_table(next_table(t[i]), level + 1, 512, h);
		}
	}
	return h;
}

uint64_t hw_digest(const struct p2m *p)
{
	const uint64_t *root = (uint64_t *)(uintptr_t)p2m_root_pa(p).pa;

	return digest_table(root, 1, 1024, 0xcbf29ce484222325ULL);
}

static unsigned int leaves_of(const uint64_t *t, unsigned int level,
			      unsigned int entries, uint64_t base,
			      hw_leaf_fn fn, void *ctx)
{
	unsigned int shift = 12 + 9 * (3 - level), i, empty = 0, valid = 0;
	uint64_t d, ipa;

	for (i = 0; i < entries; i++) {
		d = t[i];
		ipa = base + ((uint64_t)i << shift);
		if (!(d & 1)) {
			continue;
		}
		valid++;
		if (level < 3 && (d & 3) == 3) {
			empty += leaves_of(next_table(d), level + 1, 512, ipa,
					   fn, ctx);
		} else if (level < 3 || (d & 3) == 3) {
			fn(ctx, ipa, 1ULL << shift, d);
		}
	}
	return empty + (level > 1 && !valid);
}

unsigned int hw_for_each_leaf(const struct p2m *p, hw_leaf_fn fn, void *ctx)
{
	const uint64_t *root = (uint64_t *)(uintptr_t)p2m_root_pa(p).pa;

	return leaves_of(root, 1, 1024, 0, fn, ctx);
}
