/* SPDX-License-Identifier: MIT */
/*
 * What the portable stage-2 builder (core/p2m*.c) needs from the arch.
 * arch/arm64 implements these for EL2, arch/host records them for tests.
 */
#pragma once

#include <stdint.h>

#include <sable/types.h>

struct p2m;

/*
 * Two physically contiguous pages, 8 KiB aligned (VTTBR_EL2.BADDR of a
 * level-1 start with two concatenated tables, Arm ARM D8.2), zeroed; or
 * NULL. virt_to_pa() must work on the result.
 */
void *arch_p2m_alloc_root(void);
void arch_p2m_free_root(void *root);

/* Hypervisor virtual address of a table found in a descriptor. */
void *arch_p2m_pa_to_va(paddr_t pa);

/*
 * Store @val to the live descriptor @slot with one 64-bit single-copy
 * atomic store. Earlier writes to tables (a new table's contents) must be
 * observable by table walkers before it (DSB ISHST before), and the store
 * itself before the function returns (DSB ISHST after), so that a following
 * TLB invalidate cannot be overtaken by a walker reading the old value.
 */
void arch_p2m_write_entry(uint64_t *slot, uint64_t val);

/*
 * Invalidate, for p's VMID, every TLB and walk-cache entry translating any
 * address in [ipa, ipa + size), at all levels, on all CPUs in the inner
 * shareable domain, and wait for completion (DSB ISH; TLBI IPAS2E1IS per
 * page or VMALLS12E1IS for large ranges; then TLBI VMALLE1IS, DSB ISH,
 * because combined stage-1+2 entries are not tagged with the IPA).
 */
void arch_p2m_flush_ipa(struct p2m *p, ipaddr_t ipa, uint64_t size);
