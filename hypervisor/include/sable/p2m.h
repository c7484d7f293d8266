/* SPDX-License-Identifier: MIT */
/*
 * Stage-2 (IPA -> PA) translation tables of one domain, in the VMSAv8-64
 * stage-2 descriptor format (Arm ARM D8): 4 KiB granule, 40-bit IPA
 * (VTCR_EL2.T0SZ = 24), walk starting at level 1 (VTCR_EL2.SL0 = 1) with two
 * concatenated level-1 tables as the 8 KiB root. Level-1 entries map 1 GiB,
 * level-2 entries 2 MiB, level-3 entries 4 KiB. See docs/p2m.md.
 *
 * Every function below except p2m_init, p2m_root_pa and p2m_vttbr must be
 * called with p->lock held. Table walkers (other vCPUs' MMUs) may walk the
 * tables concurrently: updates follow break-before-make. When p2m_map or
 * p2m_unmap returns, no TLB holds a translation the call removed, so a page
 * unmapped from a domain can be reused at once.
 */
#pragma once

#include <stdint.h>

#include <sable/spinlock.h>
#include <sable/types.h>

#define P2M_IPA_BITS 40
#define P2M_PA_BITS 48
#define P2M_IPA_LIMIT (1ULL << P2M_IPA_BITS)
#define P2M_PA_LIMIT (1ULL << P2M_PA_BITS)

/* VTCR_EL2 fields matching this layout (the arch code adds PS, VS, ...). */
#define P2M_VTCR_T0SZ (64 - P2M_IPA_BITS)
#define P2M_VTCR_SL0 1

/* Levels used: 1 (1 GiB blocks), 2 (2 MiB blocks), 3 (4 KiB pages). */
#define P2M_FIRST_LEVEL 1
#define P2M_LAST_LEVEL 3
#define P2M_ROOT_PAGES 2

/*
 * Mapping types. The value is kept in the descriptor's software bits
 * [58:55], so p2m_lookup() reports the type a range was mapped with.
 */
enum p2m_type {
	p2m_invalid = 0, /* nothing mapped; never accepted by p2m_map() */
	p2m_ram_rw = 1, /* Normal WB, read/write, executable */
	p2m_ram_ro = 2, /* Normal WB, read-only, executable */
	p2m_mmio = 3, /* Device-nGnRE, read/write, execute-never */
	p2m_grant_rw = 4, /* foreign page, Normal WB, read/write, XN */
	p2m_grant_ro = 5, /* foreign page, Normal WB, read-only, XN */
	p2m_foreign_rw = 6, /* another domain's RAM (privcmd), read/write, XN */
	p2m_foreign_ro = 7, /* another domain's RAM, read-only, XN */
	P2M_NR_TYPES
};

struct p2m {
	/*
	 * Protects: every descriptor reachable from root, and the set of
	 * tables (allocation and freeing). Lock order: p2m lock, then the
	 * page allocator's lock.
	 */
	spinlock_t lock;
	uint64_t *root; /* 2 concatenated level-1 tables (1024 entries) */
	paddr_t root_pa;
	uint16_t vmid;
	/*
	 * The domain's budget of table pages below the root (Xen's
	 * p2m_mem_mb): an update that would pass it fails with -ENOMEM and
	 * changes nothing. Unlimited until p2m_set_budget().
	 */
	uint64_t nr_tables;
	uint64_t max_tables;
	uint64_t peak_tables;
	/* The largest leaf's level: p2m_block_limit() when initialised. */
	unsigned int map_level_min;
};

struct p2m_stats {
	/* tables[l]: tables at level l (1..3); the 8 KiB root counts once. */
	uint64_t tables[P2M_LAST_LEVEL + 1];
	/* leaves[l]: 1 = 1 GiB blocks, 2 = 2 MiB blocks, 3 = 4 KiB pages. */
	uint64_t leaves[P2M_LAST_LEVEL + 1];
};

/*
 * The largest leaf p2m_map() may use, for every p2m initialised after the
 * call: 1 GiB (the default), 2 MiB or 4 KiB; -EINVAL for any other size.
 * Set at boot before any domain is built; mappings made before are not
 * changed, and unmap still splits whatever blocks it finds. Under an emulator whose TLB
 * tracks pages larger than its own page coarsely (QEMU's TCG: an
 * invalidation of one page inside such a page empties the guest's whole
 * TLB), 4 KiB leaves make a guest's per-page TLB invalidations cheap; on
 * hardware, blocks save TLB entries and table memory (docs/p2m.md).
 */
int p2m_set_block_limit(uint64_t size);
uint64_t p2m_block_limit(void);
/*
 * Let this p2m's later maps use every block size again, whatever the
 * limit was at p2m_init() (a domain whose table budget cannot hold its RAM
 * in pages).
 */
void p2m_allow_all_blocks(struct p2m *p);

/* Allocate the root. 0 or -ENOMEM. */
int p2m_init(struct p2m *p, uint16_t vmid);
/* Flush the VMID's TLB entries and free every table. p may be re-inited. */
void p2m_destroy(struct p2m *p);
/* Allow at most @pages tables below the root (under the lock or before use). */
void p2m_set_budget(struct p2m *p, uint64_t pages);

/*
 * Map [ipa, ipa + size) to [pa, pa + size) with @type, using at each step
 * the largest block that the IPA and PA alignment, the remaining size and
 * p2m_block_limit() allow. Existing mappings in the range are replaced (break-before-make).
 * Errors, checked before anything changes:
 *   -EINVAL  ipa, pa or size not 4 KiB aligned, size 0, or a bad type
 *   -ERANGE  the IPA range passes 2^40 or the PA range passes 2^48
 *   -ENOMEM  a table could not be allocated, or the update would pass
 *            the domain's table budget (nothing changed)
 */
int p2m_map(struct p2m *p, ipaddr_t ipa, paddr_t pa, uint64_t size,
	    enum p2m_type type);

/*
 * Remove every mapping in [ipa, ipa + size), splitting blocks that straddle
 * the range and freeing tables that become empty (after the TLB flush).
 * Unmapping holes is not an error. Errors as p2m_map (no PA, no type);
 * -ENOMEM only if a block has to be split.
 */
int p2m_unmap(struct p2m *p, ipaddr_t ipa, uint64_t size);

/*
 * Translate @ipa (any alignment). On success *pa is the exact PA (page
 * offset included) and *type the mapping type; either pointer may be NULL.
 * -ENOENT if unmapped (*type = p2m_invalid), -ERANGE if ipa >= 2^40.
 */
int p2m_lookup(struct p2m *p, ipaddr_t ipa, paddr_t *pa, enum p2m_type *type);

paddr_t p2m_root_pa(const struct p2m *p);
/* VTTBR_EL2: VMID in bits [63:48], root PA in BADDR, CnP = 0. */
uint64_t p2m_vttbr(const struct p2m *p);

/*
 * Call @fn for every leaf (a block or a page): its IPA, the PA it maps,
 * its size and type, in IPA order. Domain teardown finds its foreign
 * mappings this way. @fn must not change the tables.
 */
typedef void (*p2m_leaf_fn)(void *ctx, ipaddr_t ipa, paddr_t pa, uint64_t size,
			    enum p2m_type type);
void p2m_for_each_leaf(const struct p2m *p, p2m_leaf_fn fn, void *ctx);

/* Count tables per level and leaves per size (debug and tests). */
void p2m_count(const struct p2m *p, struct p2m_stats *s);
