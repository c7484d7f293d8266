/* SPDX-License-Identifier: MIT */
/* Grant-table internals shared by the files of this module only. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <public/grant_table.h>
#include <sable/spinlock.h>
#include <sable/types.h>

#include "gnttab.h"

#define GNTTAB_ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define GNTTAB_WORDS_PER_FRAME (PAGE_SIZE / sizeof(uint32_t))
/* Pins of one kind on one grant; beyond this a pin fails (Xen: 127). */
#define GNTTAB_MAX_PINS 0xffffU
/* Times a guest may win the race on its entry before we give up (Xen). */
#define GNTTAB_CAS_RETRIES 5

/* Hypervisor-side state of one grant, as Xen's active_grant_entry. */
struct gnttab_active {
	uint32_t rd_pins; /* read-only mappings and source copies */
	uint32_t wr_pins; /* writable mappings and destination copies */
	domid_t domid; /* the pinning domain while pinned */
	bool writable; /* the granter's p2m lets the pinned frame be written */
	mfn_t mfn; /* pinned frame; one page reference while pinned */
};

struct gnttab_table {
	/*
	 * Protects: nr_frames, shared/active/frame_gfn slots, every active
	 * entry, owner, dying, and the hypervisor's updates of the shared
	 * entries (the guest may still write them concurrently: those are
	 * done with compare-and-swap).
	 */
	spinlock_t lock;
	uint32_t refs; /* atomic: the owner + one per live mapping */
	domid_t domid;
	bool dying; /* owner destroyed: no new pins */
	struct gnttab_domain *owner; /* NULL once dying */
	unsigned int nr_frames;
	unsigned int max_frames;
	uint32_t **shared; /* [max_frames] frames, as 32-bit words */
	struct gnttab_active **active; /* [max_frames] */
	uint64_t *frame_gfn; /* [max_frames] where the guest sees each frame */
};

enum gnttab_mt_state {
	GNTTAB_MT_FREE = 0,
	GNTTAB_MT_BUSY, /* being set up or torn down */
	GNTTAB_MT_LIVE,
};

/* One grant mapping held by a domain (Xen's maptrack entry). */
struct gnttab_maptrack {
	struct gnttab_table *table; /* granter's table; reference held */
	uint64_t host_addr;
	mfn_t mfn;
	grant_ref_t ref;
	uint32_t next_free;
	uint8_t state;
	bool readonly;
};

#define GNTTAB_MT_PER_FRAME (PAGE_SIZE / sizeof(struct gnttab_maptrack))
#define GNTTAB_NO_HANDLE 0xffffffffU

/* Entry @ref's {flags, domid} word and frame word in its shared frame. */
static inline uint32_t *gnttab_entry_word(struct gnttab_table *t,
					  grant_ref_t ref)
{
	uint32_t *frame = t->shared[ref / GNTTAB_ENTRIES_PER_FRAME];

	return &frame[2 * (ref % GNTTAB_ENTRIES_PER_FRAME)];
}

static inline struct gnttab_active *gnttab_active_entry(struct gnttab_table *t,
							grant_ref_t ref)
{
	return &t->active[ref / GNTTAB_ENTRIES_PER_FRAME]
			 [ref % GNTTAB_ENTRIES_PER_FRAME];
}

static inline uint32_t gnttab_nr_entries(const struct gnttab_table *t)
{
	return (uint32_t)(t->nr_frames * GNTTAB_ENTRIES_PER_FRAME);
}

/* gnttab_table.c */
void gnttab_table_get(struct gnttab_table *t);
void gnttab_table_put(struct gnttab_table *t);
int16_t gnttab_pin(struct gnttab_domain *rd, grant_ref_t ref, domid_t ldom,
		   bool readonly, bool map, mfn_t *mfn);
void gnttab_unpin(struct gnttab_table *t, grant_ref_t ref, bool readonly);
int gnttab_grow(struct gnttab_table *t, unsigned int nr);
int16_t gnttab_swap(struct gnttab_table *t, grant_ref_t a, grant_ref_t b);

/* gnttab_ops.c */
struct gnttab_domain *gnttab_lookup(struct gnttab_domain *caller, domid_t dom,
				    bool any);
void gnttab_lookup_put(struct gnttab_domain *caller, struct gnttab_domain *d);

/* gnttab_map.c */
void gnttab_map_one(struct gnttab_domain *ld, struct gnttab_map_grant_ref *op);
void gnttab_unmap_one(struct gnttab_domain *ld,
		      struct gnttab_unmap_grant_ref *op);
bool gnttab_maptrack_release(struct gnttab_domain *d);
int gnttab_maptrack_flush(struct gnttab_domain *d, mfn_t mfn,
			  unsigned int offset, unsigned int len,
			  unsigned int op);

/* gnttab_copy.c */
void gnttab_copy_one(struct gnttab_domain *ld, struct gnttab_copy *op);
int gnttab_cache_flush_one(struct gnttab_domain *ld,
			   const struct gnttab_cache_flush *op);
