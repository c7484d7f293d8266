/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator of the EL2 build: one bitmap over the RAM bank,
 * reserved ranges (the image, the DTB, boot modules) marked used at boot.
 * Hypervisor VA == PA (identity map), so pages are used directly.
 */
#pragma once

#include <stdint.h>

#include <sable/types.h>

void mm_init(uint64_t ram_base, uint64_t ram_size, void *bitmap_storage);
size_t mm_bitmap_bytes(uint64_t ram_size);
void mm_reserve(uint64_t base, uint64_t size);

/* @count contiguous pages aligned to @align_pages; 0 on failure. */
paddr_t mm_alloc_pages(uint64_t count, uint64_t align_pages);
void mm_free_pages(paddr_t pa, uint64_t count);
uint64_t mm_free_count(void);
/*
 * Pages of the RAM bank free now (what new domains and the hypervisor's
 * own allocations may still take), and the pages of the bank.
 */
uint64_t mm_free_pages_count(void);
uint64_t mm_total_pages_count(void);
