/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own EL2 stage-1 translation: an identity map with 1 GiB
 * blocks, 39-bit VA (TCR_EL2.T0SZ = 25, so the walk starts at level 1).
 * RAM is Normal write-back, everything else Device-nGnRE.
 * Arm ARM D8.2 (translation table format), D13.2.131 (TCR_EL2).
 */
#include <stdint.h>

#include <arch/sysreg.h>

#include "arm64.h"

#define MAIR_DEVICE_NGNRNE 0x00UL
#define MAIR_NORMAL_WB 0xffUL
#define MAIR_DEVICE_NGNRE 0x04UL
#define ATTR_IDX_NORMAL 1
#define ATTR_IDX_DEVICE 2

#define PTE_BLOCK 0x1UL
#define PTE_ATTR(i) ((uint64_t)(i) << 2)
#define PTE_SH_INNER (3UL << 8)
#define PTE_AF (1UL << 10)
#define PTE_XN (1UL << 54)

#define TCR_T0SZ(n) ((uint64_t)(n))
#define TCR_IRGN0_WBWA (1UL << 8)
#define TCR_ORGN0_WBWA (1UL << 10)
#define TCR_SH0_INNER (3UL << 12)
#define TCR_PS_40BIT (2UL << 16)
#define TCR_EL2_RES1 ((1UL << 23) | (1UL << 31))

#define SCTLR_EL2_RES1 0x30C50830UL
#define SCTLR_M (1UL << 0)
#define SCTLR_C (1UL << 2)
#define SCTLR_I (1UL << 12)

static uint64_t el2_l1[512] __attribute__((aligned(4096)));

void mmu_setup_tables(uint64_t ram_base, uint64_t ram_size)
{
	const uint64_t gib = 1UL << 30;

	for (uint64_t i = 0; i < 512; i++) {
		uint64_t lo = i * gib, hi = lo + gib;
		bool ram = lo < ram_base + ram_size && hi > ram_base;

		if (ram) {
			el2_l1[i] = lo | PTE_BLOCK | PTE_ATTR(ATTR_IDX_NORMAL) |
				    PTE_SH_INNER | PTE_AF;
		} else {
			el2_l1[i] = lo | PTE_BLOCK | PTE_ATTR(ATTR_IDX_DEVICE) |
				    PTE_AF | PTE_XN;
		}
	}
	dsb(sy);
}

void mmu_enable(void)
{
	write_sysreg(mair_el2,
		     MAIR_DEVICE_NGNRNE |
			     (MAIR_NORMAL_WB << (8 * ATTR_IDX_NORMAL)) |
			     (MAIR_DEVICE_NGNRE << (8 * ATTR_IDX_DEVICE)));
	write_sysreg(tcr_el2, TCR_T0SZ(25) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
				      TCR_SH0_INNER | TCR_PS_40BIT |
				      TCR_EL2_RES1);
	write_sysreg(ttbr0_el2, (uint64_t)el2_l1);
	dsb(sy);
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb(sy);
	isb();
	write_sysreg(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_I);
	isb();
}
