/* SPDX-License-Identifier: MIT */
/*
 * Memory allocation for the portable core. The arch build provides these:
 * EL2 from its own heap, the host build from libc.
 */
#pragma once

#include <stddef.h>

#include <sable/types.h>

/* A zeroed, page-aligned 4 KiB page, or NULL. */
void *page_alloc(void);
void page_free(void *page);

/* Zeroed memory of @size bytes, or NULL. */
void *xzalloc(size_t size);
void xfree(void *p);

/* Physical address of memory returned by page_alloc (identity on host). */
paddr_t virt_to_pa(const void *va);
