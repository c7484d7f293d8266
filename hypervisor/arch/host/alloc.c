/* SPDX-License-Identifier: MIT */
/* Host (POSIX) implementation of the allocator contract, for unit tests. */
#include <stdlib.h>
#include <string.h>

#include <sable/alloc.h>

void *page_alloc(void)
{
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	if (p) {
		memset(p, 0, PAGE_SIZE);
	}
	return p;
}

void page_free(void *page)
{
	free(page);
}

void *xzalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void xfree(void *p)
{
	free(p);
}

paddr_t virt_to_pa(const void *va)
{
	return pa_init((uint64_t)(uintptr_t)va);
}
