/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator of the EL2 build: one bitmap over the RAM bank,
 * reserved ranges (the image, the DTB, boot modules) marked used at boot.
 * Hypervisor VA == PA (identity map), so pages are used directly.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sable/types.h>

void mm_init(uint64_t ram_base, uint64_t ram_size, void *bitmap_storage);
size_t mm_bitmap_bytes(uint64_t ram_size);
void mm_reserve(uint64_t base, uint64_t size);
/* Is the RAM page holding @pa allocated or reserved? (false outside RAM) */
bool mm_page_taken(uint64_t pa);

/*
 * @count contiguous pages aligned to @align_pages, zeroed and clean to the
 * point of coherency; 0 on failure. Scrubs the dirty ones it takes: for
 * a large @count, mm_alloc_pages_dirty() and mm_scrub_pages() in pieces.
 */
paddr_t mm_alloc_pages(uint64_t count, uint64_t align_pages);
/* The same without the scrub: some pages may hold another's old data. */
paddr_t mm_alloc_pages_dirty(uint64_t count, uint64_t align_pages);
/*
 * Scrub (zero, clean to the point of coherency) the dirty pages among
 * @count allocated pages at @pa, which the caller owns; how many it did.
 */
uint64_t mm_scrub_pages(paddr_t pa, uint64_t count);
/* Freed pages become dirty: scrubbed later, never handed out unscrubbed. */
void mm_free_pages(paddr_t pa, uint64_t count);

/* Pages an idle pCPU scrubs at most at a time (bounded-time.md). */
#define MM_SCRUB_PIECE 64U
/*
 * An idle pCPU's piece of the background scrub: at most @max (and
 * MM_SCRUB_PIECE) free dirty pages, taken out meanwhile (still counted
 * free). True while pages freed dirty remain owed.
 */
bool mm_scrub_some(unsigned int max);
bool mm_scrub_pending(void);
uint64_t mm_free_count(void);
/*
 * Pages of the RAM bank free now (what new domains and the hypervisor's
 * own allocations may still take), and the pages of the bank.
 */
uint64_t mm_free_pages_count(void);
uint64_t mm_total_pages_count(void);
