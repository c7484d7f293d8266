/* SPDX-License-Identifier: MIT */
/*
 * The EL2 page allocator and the small-object heap on top of it.
 * A bitmap with one bit per 4 KiB page of the RAM bank; the heap serves
 * small objects from per-size-class free lists carved out of pages.
 */
#include <sable/alloc.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/mm.h>
#include <sable/page.h>
#include <sable/spinlock.h>

static uint64_t mm_base, mm_pages, mm_free;
static uint64_t *mm_bits;
static uint64_t mm_hint;
struct slab;
/* Heap slabs with at least one free object, per size class (mm_lock). */
static struct slab *partial[6];
/* Protects: mm_bits, mm_free, mm_hint, heap free lists. */
static spinlock_t mm_lock = SPINLOCK_INIT;

static size_t bitmap_bytes(uint64_t ram_size)
{
	return ALIGN_UP((ram_size >> PAGE_SHIFT) / 8 + 8, 64);
}

/* The allocator's metadata: the bitmap, then the frame table. */
size_t mm_bitmap_bytes(uint64_t ram_size)
{
	return ALIGN_UP(bitmap_bytes(ram_size) +
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

void mm_init(uint64_t ram_base, uint64_t ram_size, void *bitmap_storage)
{
	mm_base = ram_base;
	mm_pages = ram_size >> PAGE_SHIFT;
	mm_bits = bitmap_storage;
	memset(mm_bits, 0, bitmap_bytes(ram_size));
	page_table_init(ram_base, mm_pages,
			(char *)bitmap_storage + bitmap_bytes(ram_size));
	mm_free = mm_pages;
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

paddr_t mm_alloc_pages(uint64_t count, uint64_t align_pages)
{
	uint64_t start, i;
	int pass;

	if (!count || !align_pages) {
		return pa_init(0);
	}
	spin_lock(&mm_lock);
	for (pass = 0; pass < 2; pass++) {
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
	for (i = 0; i < count; i++) {
		bit_set(start + i, true);
	}
	mm_free -= count;
	if (align_pages == 1 && count == 1) {
		mm_hint = start + 1;
	}
	spin_unlock(&mm_lock);
	return pa_init(mm_base + (start << PAGE_SHIFT));
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
			mm_free++;
		}
	}
	if (first < mm_hint) {
		mm_hint = first;
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

void *page_alloc(void)
{
	paddr_t pa = mm_alloc_pages(1, 1);
	void *p = (void *)(uintptr_t)pa.pa;

	if (p) {
		memset(p, 0, PAGE_SIZE);
	}
	return p;
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
	paddr_t pa = mm_alloc_pages(n, 1);
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
