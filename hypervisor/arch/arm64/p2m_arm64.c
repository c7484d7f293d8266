/* SPDX-License-Identifier: MIT */
/* The arm64 side of the stage-2 builder (sable/p2m_arch.h). */
#include <arch/sysreg.h>
#include <sable/lib.h>
#include <sable/mm.h>
#include <sable/p2m.h>
#include <sable/p2m_arch.h>

void *arch_p2m_alloc_root(void)
{
	paddr_t pa = mm_alloc_pages(2, 2);
	void *p = (void *)(uintptr_t)pa.pa;

	if (p) {
		memset(p, 0, 2 * PAGE_SIZE);
	}
	return p;
}

void arch_p2m_free_root(void *root)
{
	if (root) {
		mm_free_pages(pa_init((uint64_t)(uintptr_t)root), 2);
	}
}

void *arch_p2m_pa_to_va(paddr_t pa)
{
	return (void *)(uintptr_t)pa.pa;
}

void arch_p2m_write_entry(uint64_t *slot, uint64_t val)
{
	dsb(ishst);
	__atomic_store_n(slot, val, __ATOMIC_RELAXED);
	dsb(ishst);
}

/*
 * TLBI by VMID needs that VMID in VTTBR_EL2: switch to the p2m's, flush its
 * stage-1+2 entries on every CPU, switch back. Coarse (whole VMID) but
 * correct; mappings change rarely after boot.
 */
void arch_p2m_flush_ipa(struct p2m *p, ipaddr_t ipa, uint64_t size)
{
	uint64_t saved = read_sysreg(vttbr_el2);

	(void)ipa;
	(void)size;
	dsb(ishst);
	write_sysreg(vttbr_el2, p2m_vttbr(p));
	isb();
	__asm__ volatile("tlbi vmalls12e1is" ::: "memory");
	dsb(ish);
	write_sysreg(vttbr_el2, saved);
	isb();
}
