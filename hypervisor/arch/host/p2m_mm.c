/* SPDX-License-Identifier: MIT */
/*
 * The stage-2 arch hooks of the host build of the whole core: roots come
 * from the real page allocator as on arm64, descriptor writes are atomic
 * stores, TLB flushes are only counted (no walker caches anything).
 */
#include <sable/lib.h>
#include <sable/mm.h>
#include <sable/p2m.h>
#include <sable/p2m_arch.h>

#include "core_host.h"

static uint64_t flushes;

void *arch_p2m_alloc_root(void)
{
	paddr_t pa = mm_alloc_pages(P2M_ROOT_PAGES, P2M_ROOT_PAGES);
	void *p = (void *)(uintptr_t)pa.pa;

	if (p) {
		memset(p, 0, P2M_ROOT_PAGES * PAGE_SIZE);
	}
	return p;
}

void arch_p2m_free_root(void *root)
{
	if (root) {
		mm_free_pages(pa_init((uint64_t)(uintptr_t)root),
			      P2M_ROOT_PAGES);
	}
}

void *arch_p2m_pa_to_va(paddr_t pa)
{
	return (void *)(uintptr_t)pa.pa;
}

void arch_p2m_write_entry(uint64_t *slot, uint64_t val)
{
	__atomic_store_n(slot, val, __ATOMIC_RELEASE);
}

void arch_p2m_flush_ipa(struct p2m *p, ipaddr_t ipa, uint64_t size)
{
	(void)p;
	(void)ipa;
	(void)size;
	__atomic_add_fetch(&flushes, 1, __ATOMIC_RELAXED);
}

uint64_t host_p2m_flushes(void)
{
	return flushes;
}
