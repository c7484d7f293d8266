/* SPDX-License-Identifier: MIT */
/*
 * The frame table (sable/page.h). A frame's word packs its reference
 * count, owner, type and whether the owner still holds the allocation
 * reference; a free frame's word is 0.
 */
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/mm.h>
#include <sable/page.h>

#define PW_REFS_MASK 0xffffffffULL
#define PW_OWNER_SHIFT 32
#define PW_TYPE_SHIFT 48
#define PW_ALLOCATED (1ULL << 56)
#define PW_MAX_REFS (PW_REFS_MASK - 1)

static uint64_t frames_base; /* first mfn of the bank */
static uint64_t nr_frames;
static uint64_t *frames;
/* Frames assigned to each owner and not yet freed (atomic). */
static uint64_t owner_frames[PAGE_MAX_OWNERS];
/* Of those, the PGT_ram frames (atomic). */
static uint64_t owner_ram_frames[PAGE_MAX_OWNERS];
static void (*last_frame_hook)(domid_t owner);

uint64_t page_table_bytes(uint64_t pages)
{
	return pages * sizeof(uint64_t);
}

void page_table_init(uint64_t ram_base, uint64_t pages, void *storage)
{
	frames_base = ram_base >> PAGE_SHIFT;
	nr_frames = pages;
	frames = storage;
	memset(frames, 0, page_table_bytes(pages));
	memset(owner_frames, 0, sizeof(owner_frames));
	memset(owner_ram_frames, 0, sizeof(owner_ram_frames));
}

void page_set_last_frame_hook(void (*fn)(domid_t owner))
{
	last_frame_hook = fn;
}

uint64_t page_owner_frames(domid_t owner)
{
	if (owner >= PAGE_MAX_OWNERS) {
		return 0;
	}
	return __atomic_load_n(&owner_frames[owner], __ATOMIC_ACQUIRE);
}

uint64_t page_owner_ram_frames(domid_t owner)
{
	if (owner >= PAGE_MAX_OWNERS) {
		return 0;
	}
	return __atomic_load_n(&owner_ram_frames[owner], __ATOMIC_ACQUIRE);
}

static uint64_t *frame_word(mfn_t mfn)
{
	if (!frames || mfn.mfn < frames_base ||
	    mfn.mfn - frames_base >= nr_frames) {
		return NULL;
	}
	return &frames[mfn.mfn - frames_base];
}

static uint64_t make_word(uint64_t refs, domid_t owner, enum page_type type,
			  bool allocated)
{
	return refs | (uint64_t)owner << PW_OWNER_SHIFT |
	       (uint64_t)type << PW_TYPE_SHIFT | (allocated ? PW_ALLOCATED : 0);
}

static domid_t word_owner(uint64_t w)
{
	return (domid_t)(w >> PW_OWNER_SHIFT);
}

static enum page_type word_type(uint64_t w)
{
	return (enum page_type)((w >> PW_TYPE_SHIFT) & 0xff);
}

int page_assign(paddr_t pa, uint64_t count, domid_t owner, enum page_type type)
{
	mfn_t first = pa_to_mfn(pa);
	uint64_t i;

	if (!count || type == PGT_none || !frame_word(first) ||
	    !frame_word(mfn_init(first.mfn + count - 1))) {
		return -EINVAL;
	}
	for (i = 0; i < count; i++) {
		uint64_t expect = 0;

		if (!__atomic_compare_exchange_n(
			    frame_word(mfn_init(first.mfn + i)), &expect,
			    make_word(1, owner, type, true), false,
			    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			break;
		}
	}
	if (i == count) {
		if (owner < PAGE_MAX_OWNERS) {
			__atomic_fetch_add(&owner_frames[owner], count,
					   __ATOMIC_RELAXED);
			if (type == PGT_ram) {
				__atomic_fetch_add(&owner_ram_frames[owner],
						   count, __ATOMIC_RELAXED);
			}
		}
		return 0;
	}
	/* Undo: the frames were not visible to anyone yet. */
	while (i--) {
		__atomic_store_n(frame_word(mfn_init(first.mfn + i)), 0,
				 __ATOMIC_RELEASE);
	}
	return -EINVAL;
}

int page_get(mfn_t mfn, domid_t owner, enum page_type type)
{
	uint64_t *p = frame_word(mfn);
	uint64_t w;

	if (!p) {
		return -EPERM;
	}
	w = __atomic_load_n(p, __ATOMIC_ACQUIRE);
	do {
		if (!(w & PW_ALLOCATED) || word_owner(w) != owner ||
		    word_type(w) != type || !(w & PW_REFS_MASK)) {
			return -EPERM;
		}
		if ((w & PW_REFS_MASK) >= PW_MAX_REFS) {
			return -EOVERFLOW;
		}
	} while (!__atomic_compare_exchange_n(
		p, &w, w + 1, true, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return 0;
}

/*
 * The last reference went. The frame goes back dirty: the allocator
 * scrubs it before anyone gets it again, so nothing of the old owner
 * reaches the next. The owner's last frame going tells the hook (a
 * dying domain ends).
 */
static void page_free_frame(mfn_t mfn, domid_t owner, enum page_type type)
{
	__atomic_store_n(frame_word(mfn), 0, __ATOMIC_RELEASE);
	mm_free_pages(mfn_to_pa(mfn), 1);
	if (owner < PAGE_MAX_OWNERS && type == PGT_ram) {
		__atomic_sub_fetch(&owner_ram_frames[owner], 1,
				   __ATOMIC_ACQ_REL);
	}
	if (owner < PAGE_MAX_OWNERS &&
	    __atomic_sub_fetch(&owner_frames[owner], 1, __ATOMIC_ACQ_REL) ==
		    0 &&
	    last_frame_hook) {
		last_frame_hook(owner);
	}
}

void page_put(mfn_t mfn)
{
	uint64_t *p = frame_word(mfn);
	uint64_t w;

	if (!p) {
		return;
	}
	w = __atomic_load_n(p, __ATOMIC_ACQUIRE);
	do {
		if (!(w & PW_REFS_MASK)) {
			pr_err("page: put of free frame 0x%lx\n",
			       (unsigned long)mfn.mfn);
			return;
		}
	} while (!__atomic_compare_exchange_n(
		p, &w, w - 1, true, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	if ((w & PW_REFS_MASK) == 1) {
		page_free_frame(mfn, word_owner(w), word_type(w));
	}
}

int page_release(mfn_t mfn, domid_t owner)
{
	uint64_t *p = frame_word(mfn);
	uint64_t w;

	if (!p) {
		return -EPERM;
	}
	w = __atomic_load_n(p, __ATOMIC_ACQUIRE);
	do {
		if (!(w & PW_ALLOCATED) || word_owner(w) != owner ||
		    !(w & PW_REFS_MASK)) {
			return -EPERM;
		}
	} while (!__atomic_compare_exchange_n(p, &w, (w - 1) & ~PW_ALLOCATED,
					      true, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	if ((w & PW_REFS_MASK) == 1) {
		page_free_frame(mfn, owner, word_type(w));
	}
	return 0;
}

bool page_state(mfn_t mfn, struct page_state *s)
{
	uint64_t *p = frame_word(mfn);
	uint64_t w;

	if (!p) {
		return false;
	}
	w = __atomic_load_n(p, __ATOMIC_ACQUIRE);
	s->refs = (uint32_t)(w & PW_REFS_MASK);
	s->owner = word_owner(w);
	s->type = word_type(w);
	s->allocated = (w & PW_ALLOCATED) != 0;
	return true;
}

bool page_release_some(domid_t owner, enum page_type type, uint64_t *cursor,
		       unsigned int max_release, unsigned int max_scan)
{
	uint64_t i = *cursor, end = MIN(nr_frames, i + max_scan);
	unsigned int released = 0;

	for (; i < end && released < max_release; i++) {
		uint64_t w = __atomic_load_n(&frames[i], __ATOMIC_ACQUIRE);

		if ((w & PW_ALLOCATED) && word_owner(w) == owner &&
		    word_type(w) == type &&
		    !page_release(mfn_init(frames_base + i), owner)) {
			released++;
		}
	}
	*cursor = i;
	return i >= nr_frames;
}

void page_release_all(domid_t owner, enum page_type type)
{
	uint64_t cursor = 0;

	while (!page_release_some(owner, type, &cursor, UINT32_MAX,
				  UINT32_MAX)) {
	}
}
