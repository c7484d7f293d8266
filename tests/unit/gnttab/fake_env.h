/* SPDX-License-Identifier: MIT */
/*
 * A fake environment for the grant-table module: domains with a handful of
 * RAM pages, a reference count on every page, and a tiny stage 2 per
 * domain. Used by the unit tests and the fuzzer.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <public/grant_table.h>

#include "gnttab.h"

#define FAKE_RAM_PAGES 8
#define FAKE_GFN_BASE 0x40000ULL
#define FAKE_S2_SLOTS 64
/* IPAs at or above this fail to map (outside the IPA space). */
#define FAKE_IPA_LIMIT (1ULL << 40)

struct fake_s2 {
	uint64_t ipa;
	mfn_t mfn;
	bool readonly;
	bool used;
};

struct fake_dom {
	struct gnttab_domain gd; /* first: the env hooks convert back */
	domid_t id;
	int refs; /* env_domain_get references */
	struct fake_page *ram[FAKE_RAM_PAGES];
	bool ram_ro[FAKE_RAM_PAGES];
	struct fake_s2 s2[FAKE_S2_SLOTS];
	long charged; /* pages charged by gnttab_env_charge (atomic) */
	long charge_limit; /* 0: no limit */
};

void fake_reset(void);
/* Create a domain; NULL if gnttab_domain_init fails. */
struct fake_dom *fake_dom_create(domid_t id, unsigned int max_frames,
				 unsigned int max_maptrack, bool privileged);
/* Kill: gnttab teardown, drop its pages' allocation references, free it. */
void fake_dom_destroy(struct fake_dom *fd);
struct fake_dom *fake_dom_by_id(domid_t id);

uint64_t fake_gfn(unsigned int i);
uint8_t *fake_gfn_va(struct fake_dom *fd, uint64_t gfn);
mfn_t fake_gfn_mfn(struct fake_dom *fd, uint64_t gfn);

/* Guest view of its own grant entry @ref (table grown as needed). */
struct grant_entry_v1 *fake_entry(struct fake_dom *fd, uint32_t ref);
void fake_grant(struct fake_dom *fd, uint32_t ref, domid_t grantee,
		uint64_t gfn, uint16_t flags);
/* The guest's end-access: cmpxchg refusing while reading/writing is set. */
bool fake_end_access(struct fake_dom *fd, uint32_t ref);

/* Stage 2 lookup in the mapper; true if @ipa holds a grant mapping. */
bool fake_s2_lookup(struct fake_dom *fd, uint64_t ipa, mfn_t *mfn, bool *ro);
unsigned int fake_s2_count(struct fake_dom *fd);

int fake_page_refs(mfn_t mfn); /* -1 if the page is freed/unknown */
unsigned int fake_live_pages(void);
unsigned int fake_open_frame_maps(void);

/* Knobs. */
extern int fake_fail_p2m_map;
extern int fake_fail_p2m_unmap;
extern unsigned int fake_flush_calls;
extern unsigned int fake_flush_last_op;
