/* SPDX-License-Identifier: MIT */
/*
 * The frame table: one word per 4 KiB frame of the RAM bank, saying who
 * owns the frame, what it is used for and how many references are held on
 * it. Every use the hypervisor makes of a guest frame beyond a single
 * translated access (a grant mapping, a foreign mapping, a FIFO event
 * array, a vcpu_info area, a grant copy) holds a reference for as long as
 * it lasts. A frame given to a domain starts with one reference, the
 * allocation reference, which the owner gives back with page_release()
 * (balloon out, teardown); the frame returns to the allocator when its
 * last reference goes, as a dirty page that is scrubbed before anyone
 * gets it again (mm.h). See docs/security.md.
 *
 * Lock-free: every change is one compare-and-swap of the frame's word.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sable/types.h>

enum page_type {
	PGT_none = 0, /* free, or the hypervisor's own */
	PGT_ram = 1, /* RAM of its owner domain */
	PGT_shared = 2, /* a hypervisor page shared with its owner (grant
			   frames): never a grant source or a FIFO page */
	PGT_NR_TYPES
};

/* Owners (domain ids) whose frames are counted (page_owner_frames). */
#define PAGE_MAX_OWNERS 64

/* Bytes of frame table for @pages frames. */
uint64_t page_table_bytes(uint64_t pages);
/* Called by mm_init(): the frame table covers the allocator's RAM bank. */
void page_table_init(uint64_t ram_base, uint64_t pages, void *storage);

/*
 * Give @count frames at @pa (just allocated, not yet visible to anyone) to
 * @owner as @type, each with its allocation reference. 0, or -EINVAL if a
 * frame is outside the RAM bank or already assigned (nothing changed).
 */
int page_assign(paddr_t pa, uint64_t count, domid_t owner, enum page_type type);

/*
 * Take a reference on @mfn if it is a frame of @type that @owner still
 * holds (its allocation reference not given back). 0, or -EPERM (not
 * RAM, another owner or type, released, free) or -EOVERFLOW.
 */
int page_get(mfn_t mfn, domid_t owner, enum page_type type);
/* Drop a reference; the last one frees the frame (dirty, mm.h). */
void page_put(mfn_t mfn);

/*
 * @owner gives back the allocation reference of @mfn: no new reference
 * can be taken, and the frame is freed once the others are dropped.
 * 0, or -EPERM if @owner does not hold it.
 */
int page_release(mfn_t mfn, domid_t owner);

/* Inspection (tests, accounting): references held, owner and type. */
struct page_state {
	uint32_t refs;
	domid_t owner;
	enum page_type type;
	bool allocated; /* the owner still holds its allocation reference */
};
bool page_state(mfn_t mfn, struct page_state *s);

/*
 * Frames assigned to @owner (any type) that are not free yet: held by the
 * owner, or released by it and still referenced by someone else.
 */
uint64_t page_owner_frames(domid_t owner);
/*
 * Of those, the PGT_ram frames: what counts against the owner's allowance
 * (max_pages), as Xen's tot_pages, until each frame is freed.
 */
uint64_t page_owner_ram_frames(domid_t owner);
/*
 * Called with the owner's id when its count of frames drops to 0 (the
 * last reference to its last frame went), from whatever context dropped
 * it: the hook must take no lock that may be held around page_put().
 */
void page_set_last_frame_hook(void (*fn)(domid_t owner));
/*
 * Teardown: @owner gives back the allocation reference of every frame of
 * @type it still holds (a scan of the frame table). Frames others still
 * reference live on until their last page_put().
 */
void page_release_all(domid_t owner, enum page_type type);
/*
 * The same in pieces: from frame index *@cursor on, at most @max_scan
 * frames looked at and @max_release given back; *@cursor moves past them.
 * True once the whole table has been scanned.
 */
bool page_release_some(domid_t owner, enum page_type type, uint64_t *cursor,
		       unsigned int max_release, unsigned int max_scan);
