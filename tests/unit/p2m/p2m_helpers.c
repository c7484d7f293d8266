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
