/* SPDX-License-Identifier: MIT */
/*
 * The EL2 page allocator and the small-object heap on top of it.
 * A bitmap with one bit per 4 KiB page of the RAM bank; the heap serves
 * small objects from per-size-class free lists carved out of pages.
 *
 * Freeing costs no scrub. Two more bitmaps say what a page may hold:
 * - dirty: a free page with a previous user's data. Idle pCPUs scrub
 *   them a piece at a time (mm_scrub_some()); they count as free, as
 *   Xen counts its pages waiting to be scrubbed.
 * - unscrubbed: a page not known to be zero: RAM as the machine booted,
 *   and dirty pages once allocated without their scrub.
 * A free page that is neither is zero and clean to the point of
 * coherency. mm_alloc_pages() scrubs what it hands out; large
 * allocations take mm_alloc_pages_dirty() and scrub with
 * mm_scrub_pages() in pieces. Nobody gets another's old data.
 */
#include <sable/alloc.h>
#include <sable/arch.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/mm.h>
#include <sable/page.h>
#include <sable/spinlock.h>

static uint64_t mm_base, mm_pages, mm_free;
static uint64_t *mm_bits;
static uint64_t mm_hint;
/* Free pages with old data, and how many (mm_lock). */
static uint64_t *mm_dirty;
static uint64_t dirty_count;
/* The lowest page that may be dirty (mm_lock). */
static uint64_t scrub_hint;
/* Pages not known to be zero (atomic: an owner clears its own). */
static uint64_t *mm_unscrubbed;
/* Dirty pages the scrubber has out meanwhile, still counted free. */
static uint64_t scrub_claimed;
struct slab;
/* Heap slabs with at least one free object, per size class (mm_lock). */
static struct slab *partial[6];
/* Protects: mm_bits, mm_free, mm_hint, mm_dirty, dirty_count,
 * scrub_hint, heap free lists. */
static spinlock_t mm_lock = SPINLOCK_INIT;

static size_t bitmap_bytes(uint64_t ram_size)
{
	return ALIGN_UP((ram_size >> PAGE_SHIFT) / 8 + 8, 64);
}

/* The allocator's metadata: the three bitmaps, then the frame table. */
size_t mm_bitmap_bytes(uint64_t ram_size)
{
	return ALIGN_UP(3 * bitmap_bytes(ram_size) +
				page_table_bytes(ram_size >> PAGE_SHIFT),
			PAGE_SIZE);
}

static bool bit_test(uint64_t i)
{
	return (mm_bits[i / 64] >> (i % 64)) & 1;
}

static void bit_set(uint64_t i, bool on)
{
	if (on) {
		mm_bits[i / 64] |= 1UL << (i % 64);
	} else {
		mm_bits[i / 64] &= ~(1UL << (i % 64));
	}
}

/* Page @i's dirty bit to @on, counted (mm_lock held). */
static void dirty_set_locked(uint64_t i, bool on)
{
	uint64_t m = 1UL << (i % 64);

	if (on && !(mm_dirty[i / 64] & m)) {
		mm_dirty[i / 64] |= m;
		/* Read without the lock by mm_scrub_pending(). */
		__atomic_store_n(&dirty_count, dirty_count + 1,
				 __ATOMIC_RELAXED);
	} else if (!on && (mm_dirty[i / 64] & m)) {
		mm_dirty[i / 64] &= ~m;
		__atomic_store_n(&dirty_count, dirty_count - 1,
				 __ATOMIC_RELAXED);
	}
}

static bool unscrubbed_test(uint64_t i)
{
	return (__atomic_load_n(&mm_unscrubbed[i / 64], __ATOMIC_ACQUIRE) >>
		(i % 64)) &
	       1;
}

static void unscrubbed_set(uint64_t i, bool on)
{
	if (on) {
		__atomic_fetch_or(&mm_unscrubbed[i / 64], 1UL << (i % 64),
				  __ATOMIC_RELEASE);
	} else {
		__atomic_fetch_and(&mm_unscrubbed[i / 64], ~(1UL << (i % 64)),
				   __ATOMIC_RELEASE);
	}
}

/* Zero page @i and clean it to the point of coherency: it is ours. */
static void scrub_page(uint64_t i)
{
	void *va = (void *)(uintptr_t)(mm_base + (i << PAGE_SHIFT));

	arch_page_zero(va);
	arch_dcache_clean(va, PAGE_SIZE);
}

void mm_init(uint64_t ram_base, uint64_t ram_size, void *bitmap_storage)
{
	size_t bb = bitmap_bytes(ram_size);

	mm_base = ram_base;
	mm_pages = ram_size >> PAGE_SHIFT;
	mm_bits = bitmap_storage;
	mm_dirty = (uint64_t *)((char *)bitmap_storage + bb);
	mm_unscrubbed = (uint64_t *)((char *)bitmap_storage + 2 * bb);
	memset(mm_bits, 0, bb);
	memset(mm_dirty, 0, bb);
	/* What RAM holds at boot is unknown: scrubbed when handed out. */
	memset(mm_unscrubbed, 0xff, bb);
	page_table_init(ram_base, mm_pages, (char *)bitmap_storage + 3 * bb);
	mm_free = mm_pages;
	dirty_count = 0;
	scrub_hint = mm_pages;
	scrub_claimed = 0;
	memset(partial, 0, sizeof(partial));
	mm_reserve((uint64_t)bitmap_storage, mm_bitmap_bytes(ram_size));
}

void mm_reserve(uint64_t base, uint64_t size)
{
	uint64_t first, last;

	if (base + size <= mm_base || base >= mm_base + (mm_pages << 12)) {
		return;
	}
	first = (MAX(base, mm_base) - mm_base) >> PAGE_SHIFT;
	last = (MIN(base + size, mm_base + (mm_pages << 12)) - mm_base +
		PAGE_SIZE - 1) >>
	       PAGE_SHIFT;
	for (uint64_t i = first; i < last; i++) {
		if (!bit_test(i)) {
			bit_set(i, true);
			mm_free--;
		}
	}
}

bool mm_page_taken(uint64_t pa)
{
	bool taken;

	if (pa < mm_base || pa >= mm_base + (mm_pages << 12)) {
		return false;
	}
	spin_lock(&mm_lock);
	taken = bit_test((pa - mm_base) >> PAGE_SHIFT);
	spin_unlock(&mm_lock);
	return taken;
}

/* Free pages [@start, @start + @count) allocated (mm_lock held). */
static void take_locked(uint64_t start, uint64_t count)
{
	for (uint64_t i = start; i < start + count; i++) {
		bit_set(i, true);
		if (mm_dirty[i / 64] & (1UL << (i % 64))) {
			/* The old data goes with the page: its owner scrubs. */
			dirty_set_locked(i, false);
			unscrubbed_set(i, true);
		}
	}
	mm_free -= count;
}

paddr_t mm_alloc_pages_dirty(uint64_t count, uint64_t align_pages)
{
	uint64_t start, i;
	int pass;

	if (!count || !align_pages) {
		return pa_init(0);
	}
	spin_lock(&mm_lock);
	for (pass = 0; pass < 3; pass++) {
		if (pass == 2) {
			/* Pages the scrubber has out come back in a moment. */
			if (!__atomic_load_n(&scrub_claimed,
					     __ATOMIC_ACQUIRE)) {
				break;
			}
			spin_unlock(&mm_lock);
			while (__atomic_load_n(&scrub_claimed,
					       __ATOMIC_ACQUIRE)) {
			}
			spin_lock(&mm_lock);
		}
		start = pass ? 0 : mm_hint;
		start = ALIGN_UP(start, align_pages);
		while (start + count <= mm_pages) {
			for (i = 0; i < count && !bit_test(start + i); i++) {
			}
			if (i == count) {
				goto found;
			}
			start = ALIGN_UP(start + i + 1, align_pages);
		}
	}
	spin_unlock(&mm_lock);
	return pa_init(0);
found:
	take_locked(start, count);
	if (align_pages == 1 && count == 1) {
		mm_hint = start + 1;
	}
	spin_unlock(&mm_lock);
	return pa_init(mm_base + (start << PAGE_SHIFT));
}

uint64_t mm_scrub_pages(paddr_t pa, uint64_t count)
{
	uint64_t first = (pa.pa - mm_base) >> PAGE_SHIFT, done = 0;

	for (uint64_t i = first; i < first + count; i++) {
		if (unscrubbed_test(i)) {
			scrub_page(i);
			unscrubbed_set(i, false);
			done++;
		}
	}
	return done;
}

paddr_t mm_alloc_pages(uint64_t count, uint64_t align_pages)
{
	paddr_t pa = mm_alloc_pages_dirty(count, align_pages);

	if (pa.pa) {
		mm_scrub_pages(pa, count);
	}
	return pa;
}

/*
 * Up to @max dirty pages from scrub_hint on, taken out of the allocator
 * into @idx (mm_lock held); still counted free and dirty.
 */
static unsigned int scrub_claim_locked(uint64_t *idx, unsigned int max)
{
	unsigned int n = 0;
	uint64_t i = scrub_hint;

	while (i < mm_pages && n < max) {
		uint64_t w = (mm_dirty[i / 64] & ~mm_bits[i / 64]) >> (i % 64);

		if (!w) {
			i = ALIGN_UP(i + 1, 64);
			continue;
		}
		if (w & 1) {
			bit_set(i, true);
			idx[n++] = i;
		}
		i++;
	}
	scrub_hint = i;
	return n;
}

bool mm_scrub_pending(void)
{
	return __atomic_load_n(&dirty_count, __ATOMIC_RELAXED) != 0;
}

bool mm_scrub_some(unsigned int max)
{
	uint64_t idx[MM_SCRUB_PIECE];
	unsigned int n;
	bool more;

	if (!mm_scrub_pending()) {
		return false; /* the idle loop's usual case: no lock taken */
	}
	max = MIN(max, (unsigned int)MM_SCRUB_PIECE);
	spin_lock(&mm_lock);
	n = dirty_count ? scrub_claim_locked(idx, max) : 0;
	__atomic_fetch_add(&scrub_claimed, n, __ATOMIC_RELEASE);
	spin_unlock(&mm_lock);
	for (unsigned int k = 0; k < n; k++) {
		scrub_page(idx[k]);
	}
	spin_lock(&mm_lock);
	for (unsigned int k = 0; k < n; k++) {
		dirty_set_locked(idx[k], false);
		bit_set(idx[k], false);
	}
	__atomic_fetch_sub(&scrub_claimed, n, __ATOMIC_RELEASE);
	if (!n || !dirty_count) {
		/*
		 * Nothing left above the hint: the next free sets it. (Dirty
		 * pages below it, taken out by another scrubber meanwhile,
		 * are that scrubber's.)
		 */
		scrub_hint = mm_pages;
	}
	more = n && dirty_count;
	spin_unlock(&mm_lock);
	return more;
}

void mm_free_pages(paddr_t pa, uint64_t count)
{
	uint64_t first = (pa.pa - mm_base) >> PAGE_SHIFT;
	struct page_state ps;

	for (uint64_t i = 0; i < count; i++) {
		/* A frame a domain or a reference still holds is never freed. */
		if (page_state(mfn_init((pa.pa >> PAGE_SHIFT) + i), &ps) &&
		    ps.refs) {
			pr_err("mm: free of frame 0x%lx held by domain %u\n",
			       (unsigned long)(pa.pa >> PAGE_SHIFT) + i,
			       ps.owner);
			return;
		}
	}
	spin_lock(&mm_lock);
	for (uint64_t i = 0; i < count; i++) {
		if (bit_test(first + i)) {
			bit_set(first + i, false);
			dirty_set_locked(first + i, true);
			unscrubbed_set(first + i, false);
			mm_free++;
		}
	}
	if (first < mm_hint) {
		mm_hint = first;
	}
	if (first < scrub_hint) {
		scrub_hint = first;
	}
	spin_unlock(&mm_lock);
}

uint64_t mm_free_count(void)
{
	return __atomic_load_n(&mm_free, __ATOMIC_RELAXED);
}

uint64_t mm_free_pages_count(void)
{
	return mm_free_count();
}

uint64_t mm_total_pages_count(void)
{
	return mm_pages;
}

/* ---- the alloc.h contract ------------------------------------------------ */

/* Zeroed and clean to the point of coherency (mm_alloc_pages()). */
void *page_alloc(void)
{
	return (void *)(uintptr_t)mm_alloc_pages(1, 1).pa;
}

void page_free(void *page)
{
	if (page) {
		mm_free_pages(pa_init((uint64_t)(uintptr_t)page), 1);
	}
}

paddr_t virt_to_pa(const void *va)
{
	return pa_init((uint64_t)(uintptr_t)va);
}

/*
 * Small objects: a 16-byte header holds the size class (or the page
 * count of a large allocation) so xfree can return it. Objects of a class
 * are carved from pages ("slabs") that start with a struct slab and keep
 * their own free list; a slab whose last object is freed goes back to the
 * page allocator, so the heap holds no page that nothing uses.
 */
#define HDR 16
#define NR_CLASSES 6 /* 32 .. 1024 bytes including the header */
#define HDR_LARGE 0x100

struct chunk {
	struct chunk *next;
};

struct slab {
	struct slab *next, *prev; /* the class's list of slabs with room */
	struct chunk *free;
	unsigned int in_use;
	unsigned int cls;
};

#define SLAB_HDR ALIGN_UP(sizeof(struct slab), 64)

_Static_assert(sizeof(partial) / sizeof(partial[0]) == NR_CLASSES,
	       "one list per class");

static unsigned int size_class(size_t total)
{
	unsigned int c = 0;

	while ((32UL << c) < total) {
		c++;
	}
	return c;
}

static void slab_link(struct slab *s)
{
	s->prev = NULL;
	s->next = partial[s->cls];
	if (s->next) {
		s->next->prev = s;
	}
	partial[s->cls] = s;
}

static void slab_unlink(struct slab *s)
{
	if (s->prev) {
		s->prev->next = s->next;
	} else {
		partial[s->cls] = s->next;
	}
	if (s->next) {
		s->next->prev = s->prev;
	}
	s->next = s->prev = NULL;
}

/* A fresh slab of class @c, linked as partial (mm_lock held). */
static void slab_fill(struct slab *s, unsigned int c)
{
	size_t csize = 32UL << c;

	s->cls = c;
	s->in_use = 0;
	s->free = NULL;
	for (size_t off = SLAB_HDR; off + csize <= PAGE_SIZE; off += csize) {
		struct chunk *ch = (struct chunk *)((char *)s + off);

		ch->next = s->free;
		s->free = ch;
	}
	slab_link(s);
}

static void *xzalloc_large(size_t total)
{
	uint64_t n = ALIGN_UP(total, PAGE_SIZE) >> PAGE_SHIFT;
	paddr_t pa = mm_alloc_pages_dirty(n, 1);
	uint64_t *hdr;

	if (!pa.pa) {
		return NULL;
	}
	hdr = (uint64_t *)(uintptr_t)pa.pa;
	memset(hdr, 0, n << PAGE_SHIFT);
	hdr[0] = HDR_LARGE | n << 16;
	return (char *)hdr + HDR;
}

void *xzalloc(size_t size)
{
	size_t total = size + HDR;
	unsigned int c;
	struct slab *s;
	uint64_t *hdr;

	if (total > (32UL << (NR_CLASSES - 1))) {
		return xzalloc_large(total);
	}
	c = size_class(total);
	spin_lock(&mm_lock);
	if (!partial[c]) {
		spin_unlock(&mm_lock);
		s = page_alloc();
		if (!s) {
			return NULL;
		}
		spin_lock(&mm_lock);
		slab_fill(s, c);
	}
	s = partial[c];
	hdr = (uint64_t *)s->free;
	s->free = s->free->next;
	s->in_use++;
	if (!s->free) {
		slab_unlink(s);
	}
	spin_unlock(&mm_lock);
	memset(hdr, 0, 32UL << c);
	hdr[0] = c;
	return (char *)hdr + HDR;
}

void xfree(void *p)
{
	struct slab *s;
	uint64_t *hdr;
	bool empty;

	if (!p) {
		return;
	}
	hdr = (uint64_t *)((char *)p - HDR);
	if (hdr[0] & HDR_LARGE) {
		mm_free_pages(pa_init((uint64_t)(uintptr_t)hdr), hdr[0] >> 16);
		return;
	}
	s = (struct slab *)((uintptr_t)hdr & ~(uintptr_t)(PAGE_SIZE - 1));
	spin_lock(&mm_lock);
	if (!s->free) {
		slab_link(s); /* it has room again */
	}
	((struct chunk *)hdr)->next = s->free;
	s->free = (struct chunk *)hdr;
	empty = --s->in_use == 0;
	if (empty) {
		slab_unlink(s);
	}
	spin_unlock(&mm_lock);
	if (empty) {
		page_free(s);
	}
}
