/* SPDX-License-Identifier: MIT */
/* Shared helpers of the p2m unit tests and fuzzer. */
#pragma once

#include <stdint.h>

#include <sable/p2m.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL

/*
 * Page allocation seen by the p2m code (linked with
 * -Wl,--wrap=page_alloc,--wrap=page_free): counted, and able to fail.
 */
void *__real_page_alloc(void);
void __real_page_free(void *page);
void *__wrap_page_alloc(void);
void __wrap_page_free(void *page);

/* Let @n more page allocations succeed, then fail; -1: never fail. */
void test_alloc_fail_after(long n);
/* Pages allocated and not freed yet. */
long test_alloc_outstanding(void);

/* p2m_count() of @p. */
struct p2m_stats test_stats_of(const struct p2m *p);

/*
 * An independent walk of the tables as the MMU does it (Arm ARM D8, with
 * literal encodings). Returns the leaf descriptor (0 if none) and sets
 * *level (1..3) and *slot to where it was found.
 */
uint64_t hw_walk(const struct p2m *p, uint64_t ipa, unsigned int *level,
		 uint64_t **slot);
/* Output address of @ipa by hw_walk, or -1 if unmapped. */
int64_t hw_translate(const struct p2m *p, uint64_t ipa);

/* A digest of every descriptor reachable from the root (with positions). */
uint64_t hw_digest(const struct p2m *p);

/*
 * Call @fn for every leaf in IPA order with its IPA, size and descriptor.
 * Returns the number of tables below the root that hold no valid entry.
 */
typedef void (*hw_leaf_fn)(void *ctx, uint64_t ipa, uint64_t size,
			   uint64_t desc);
unsigned int hw_for_each_leaf(const struct p2m *p, hw_leaf_fn fn, void *ctx);
