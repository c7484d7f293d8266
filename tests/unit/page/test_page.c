/* SPDX-License-Identifier: MIT */
/*
 * The frame table: ownership, typed references, release, and the frame
 * going back to the allocator (dirty) with its last reference only; the
 * allocator's dirty pages, scrubbed in the background and on demand.
 */
#include "ut.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sable/alloc.h>
#include <sable/errno.h>
#include <sable/mm.h>
#include <sable/page.h>

#define BANK_PAGES 256ULL

static char *bank;

void arch_dcache_clean(const void *va, size_t len);
void arch_dcache_clean(const void *va, size_t len)
{
	(void)va;
	(void)len;
}

void arch_page_zero(void *va);
void arch_page_zero(void *va)
{
	memset(va, 0, PAGE_SIZE);
}

/* A fresh allocator and frame table over a 1 MiB bank. */
static uint64_t fresh_bank(void)
{
	size_t size = BANK_PAGES << PAGE_SHIFT;

	if (!bank) {
		bank = aligned_alloc(PAGE_SIZE, size);
	}
	memset(bank, 0xaa, size);
	mm_init((uint64_t)(uintptr_t)bank, size, bank);
	return mm_free_count();
}

static paddr_t alloc_one(void)
{
	return mm_alloc_pages(1, 1);
}

TEST(page_assigned_frame_is_referenced_by_its_owner_only)
{
	paddr_t pa;
	mfn_t m;
	struct page_state s;

	fresh_bank();
	pa = alloc_one();
	m = pa_to_mfn(pa);
	ASSERT_EQ(page_assign(pa, 1, 3, PGT_ram), 0);
	EXPECT_EQ(page_get(m, 3, PGT_ram), 0);
	EXPECT_EQ(page_get(m, 4, PGT_ram), -EPERM);
	EXPECT_EQ(page_get(m, 3, PGT_none), -EPERM);
	ASSERT_TRUE(page_state(m, &s));
	EXPECT_EQ(s.refs, 2);
	EXPECT_EQ(s.owner, 3);
	EXPECT_TRUE(s.allocated);
	page_put(m);
	ASSERT_TRUE(page_state(m, &s));
	EXPECT_EQ(s.refs, 1);
}

TEST(page_free_or_hypervisor_frame_gives_no_reference)
{
	paddr_t pa;

	fresh_bank();
	pa = alloc_one(); /* the hypervisor's: never assigned */
	EXPECT_EQ(page_get(pa_to_mfn(pa), 0, PGT_ram), -EPERM);
	/* The allocator's own metadata (first frames of the bank). */
	EXPECT_EQ(page_get(pa_to_mfn(pa_init((uint64_t)(uintptr_t)bank)), 0,
			   PGT_ram),
		  -EPERM);
	/* Outside the bank: MMIO, or nothing at all. */
	EXPECT_EQ(page_get(mfn_init(0x9000), 0, PGT_ram), -EPERM);
	EXPECT_EQ(page_get(mfn_init(~0ULL >> 12), 0, PGT_ram), -EPERM);
}

TEST(page_assign_refuses_frames_already_assigned_or_outside)
{
	paddr_t pa;
	struct page_state s;

	fresh_bank();
	pa = mm_alloc_pages(4, 1);
	ASSERT_EQ(page_assign(pa_init(pa.pa + 2 * PAGE_SIZE), 1, 1, PGT_ram),
		  0);
	/* The run overlaps a frame of domain 1: nothing of it changes. */
	EXPECT_EQ(page_assign(pa, 4, 2, PGT_ram), -EINVAL);
	ASSERT_TRUE(page_state(pa_to_mfn(pa), &s));
	EXPECT_EQ(s.refs, 0);
	EXPECT_EQ(page_assign(pa_init(0x1000), 1, 2, PGT_ram), -EINVAL);
	EXPECT_EQ(page_assign(pa, 0, 2, PGT_ram), -EINVAL);
	EXPECT_EQ(page_assign(pa, 1, 2, PGT_none), -EINVAL);
}

TEST(page_release_frees_at_once_when_nobody_else_holds_it)
{
	uint64_t before = fresh_bank();
	paddr_t pa = alloc_one();
	struct page_state s;

	ASSERT_EQ(page_assign(pa, 1, 5, PGT_ram), 0);
	memset((void *)(uintptr_t)pa.pa, 0x5a, PAGE_SIZE);
	EXPECT_EQ(mm_free_count(), before - 1);
	EXPECT_EQ(page_release(pa_to_mfn(pa), 6), -EPERM);
	EXPECT_EQ(page_release(pa_to_mfn(pa), 5), 0);
	EXPECT_EQ(mm_free_count(), before);
	ASSERT_TRUE(page_state(pa_to_mfn(pa), &s));
	EXPECT_EQ(s.refs, 0);
	EXPECT_FALSE(s.allocated);
	EXPECT_EQ(page_release(pa_to_mfn(pa), 5), -EPERM);
	/* Back dirty: whoever gets it next gets it scrubbed. */
	ASSERT_EQ(alloc_one().pa, pa.pa);
	for (size_t i = 0; i < PAGE_SIZE; i++) {
		ASSERT_EQ(((unsigned char *)(uintptr_t)pa.pa)[i], 0);
	}
}

TEST(page_released_frame_lives_until_the_last_reference)
{
	uint64_t before = fresh_bank();
	paddr_t pa = alloc_one();
	mfn_t m = pa_to_mfn(pa);

	ASSERT_EQ(page_assign(pa, 1, 1, PGT_ram), 0);
	ASSERT_EQ(page_get(m, 1, PGT_ram), 0); /* a grant map elsewhere */
	ASSERT_EQ(page_get(m, 1, PGT_ram), 0); /* a copy in flight */
	memset((void *)(uintptr_t)pa.pa, 0x77, PAGE_SIZE);
	ASSERT_EQ(page_release(m, 1), 0);
	/* No new user once the owner gave it back. */
	EXPECT_EQ(page_get(m, 1, PGT_ram), -EPERM);
	EXPECT_EQ(mm_free_count(), before - 1);
	EXPECT_EQ(((unsigned char *)(uintptr_t)pa.pa)[100], 0x77);
	/* The allocator will not hand it out meanwhile. */
	EXPECT_NE(alloc_one().pa, pa.pa);
	page_put(m);
	EXPECT_EQ(mm_free_count(), before - 2);
	page_put(m);
	EXPECT_EQ(mm_free_count(), before - 1);
	/* The idle scrubber gets to it. */
	while (mm_scrub_some(MM_SCRUB_PIECE)) {
	}
	EXPECT_EQ(((unsigned char *)(uintptr_t)pa.pa)[100], 0);
}

TEST(page_held_frame_is_never_freed_by_the_allocator)
{
	uint64_t before = fresh_bank();
	paddr_t pa = alloc_one();

	ASSERT_EQ(page_assign(pa, 1, 2, PGT_ram), 0);
	mm_free_pages(pa, 1); /* a bug elsewhere: refused, reported */
	EXPECT_EQ(mm_free_count(), before - 1);
	EXPECT_EQ(page_get(pa_to_mfn(pa), 2, PGT_ram), 0);
}

TEST(page_put_of_a_free_frame_changes_nothing)
{
	uint64_t before = fresh_bank();
	paddr_t pa = alloc_one();

	page_put(pa_to_mfn(pa));
	EXPECT_EQ(mm_free_count(), before - 1);
}

/* Racing users and a release: the frame is freed exactly once. */
struct racer {
	mfn_t m;
	int got;
};

static void *race_get_put(void *arg)
{
	struct racer *r = arg;

	for (int i = 0; i < 20000; i++) {
		if (page_get(r->m, 9, PGT_ram) == 0) {
			r->got++;
			page_put(r->m);
		}
	}
	return NULL;
}

TEST(page_racing_references_and_release_free_once)
{
	for (int round = 0; round < 20; round++) {
		uint64_t before = fresh_bank();
		paddr_t pa = alloc_one();
		struct racer r[3];
		pthread_t t[3];

		ASSERT_EQ(page_assign(pa, 1, 9, PGT_ram), 0);
		for (int i = 0; i < 3; i++) {
			r[i] = (struct racer){ .m = pa_to_mfn(pa) };
			pthread_create(&t[i], NULL, race_get_put, &r[i]);
		}
		EXPECT_EQ(page_release(pa_to_mfn(pa), 9), 0);
		for (int i = 0; i < 3; i++) {
			pthread_join(t[i], NULL);
		}
		EXPECT_EQ(mm_free_count(), before);
		EXPECT_EQ(page_get(pa_to_mfn(pa), 9, PGT_ram), -EPERM);
	}
}

static domid_t hook_owner;
static unsigned int hook_calls;

static void last_frame(domid_t owner)
{
	hook_owner = owner;
	hook_calls++;
}

TEST(page_owner_count_reports_the_last_frame_going)
{
	uint64_t free0 = fresh_bank();
	paddr_t pa = mm_alloc_pages(3, 1);
	mfn_t m = pa_to_mfn(pa);

	hook_calls = 0;
	page_set_last_frame_hook(last_frame);
	ASSERT_EQ(page_assign(pa, 3, 5, PGT_ram), 0);
	EXPECT_EQ(page_owner_frames(5), 3);
	EXPECT_EQ(page_owner_frames(6), 0);
	EXPECT_EQ(page_release(m, 5), 0);
	EXPECT_EQ(page_release(mfn_init(m.mfn + 1), 5), 0);
	EXPECT_EQ(page_owner_frames(5), 1);
	/* Released but referenced: still counted, the hook waits. */
	EXPECT_EQ(page_get(mfn_init(m.mfn + 2), 5, PGT_ram), 0);
	EXPECT_EQ(page_release(mfn_init(m.mfn + 2), 5), 0);
	EXPECT_EQ(page_owner_frames(5), 1);
	EXPECT_EQ(hook_calls, 0);
	page_put(mfn_init(m.mfn + 2));
	EXPECT_EQ(page_owner_frames(5), 0);
	EXPECT_EQ(hook_calls, 1);
	EXPECT_EQ(hook_owner, 5);
	EXPECT_EQ(mm_free_count(), free0);
	page_set_last_frame_hook(NULL);
}

/*
 * The owner's RAM frames (its allowance): counted until freed, released
 * or not; its hypervisor pages are not RAM.
 */
TEST(page_owner_ram_count_keeps_released_frames_until_freed)
{
	uint64_t free0 = fresh_bank();
	paddr_t ram = mm_alloc_pages(2, 1), shared = alloc_one();
	mfn_t m = pa_to_mfn(ram);

	ASSERT_EQ(page_assign(ram, 2, 9, PGT_ram), 0);
	ASSERT_EQ(page_assign(shared, 1, 9, PGT_shared), 0);
	EXPECT_EQ(page_owner_ram_frames(9), 2);
	EXPECT_EQ(page_owner_frames(9), 3);
	EXPECT_EQ(page_owner_ram_frames(PAGE_MAX_OWNERS), 0);
	ASSERT_EQ(page_get(m, 9, PGT_ram), 0);
	EXPECT_EQ(page_release(m, 9), 0);
	EXPECT_EQ(page_owner_ram_frames(9), 2);
	page_put(m);
	EXPECT_EQ(page_owner_ram_frames(9), 1);
	EXPECT_EQ(page_release(pa_to_mfn(shared), 9), 0);
	EXPECT_EQ(page_owner_ram_frames(9), 1);
	EXPECT_EQ(page_release(mfn_init(m.mfn + 1), 9), 0);
	EXPECT_EQ(page_owner_ram_frames(9), 0);
	EXPECT_EQ(page_owner_frames(9), 0);
	EXPECT_EQ(mm_free_count(), free0);
}

TEST(page_release_all_gives_back_every_frame_of_one_owner_and_type)
{
	uint64_t free0 = fresh_bank();
	paddr_t ram = mm_alloc_pages(4, 1), other = alloc_one();
	paddr_t shared = alloc_one();
	struct page_state st;

	ASSERT_EQ(page_assign(ram, 4, 7, PGT_ram), 0);
	ASSERT_EQ(page_assign(other, 1, 8, PGT_ram), 0);
	ASSERT_EQ(page_assign(shared, 1, 7, PGT_shared), 0);
	/* One of its frames is still referenced by someone else. */
	ASSERT_EQ(page_get(pa_to_mfn(ram), 7, PGT_ram), 0);
	page_release_all(7, PGT_ram);
	EXPECT_EQ(page_owner_frames(7), 2);
	EXPECT_EQ(mm_free_count(), free0 - 3);
	EXPECT_TRUE(page_state(pa_to_mfn(ram), &st));
	EXPECT_EQ(st.refs, 1);
	EXPECT_FALSE(st.allocated);
	EXPECT_TRUE(page_state(pa_to_mfn(other), &st));
	EXPECT_TRUE(st.allocated);
	EXPECT_TRUE(page_state(pa_to_mfn(shared), &st));
	EXPECT_TRUE(st.allocated);
	page_put(pa_to_mfn(ram));
	EXPECT_EQ(page_owner_frames(7), 1);
	EXPECT_EQ(mm_free_count(), free0 - 2);
}

TEST(heap_gives_a_page_back_when_its_last_object_is_freed)
{
	uint64_t free0 = fresh_bank();
	void *small[40], *mid[5], *big;

	for (unsigned int i = 0; i < 40; i++) {
		small[i] = xzalloc(100);
		ASSERT_TRUE(small[i] != NULL);
	}
	for (unsigned int i = 0; i < 5; i++) {
		mid[i] = xzalloc(900);
		ASSERT_TRUE(mid[i] != NULL);
	}
	big = xzalloc(5000);
	ASSERT_TRUE(big != NULL);
	EXPECT_TRUE(mm_free_count() < free0);
	for (unsigned int i = 0; i < 40; i += 2) {
		xfree(small[i]);
	}
	xfree(big);
	for (unsigned int i = 0; i < 5; i++) {
		xfree(mid[i]);
	}
	/* Freed objects are reused before a new page is taken. */
	small[0] = xzalloc(100);
	for (unsigned int i = 0; i < 40; i += 2) {
		xfree(small[i + 1]);
	}
	xfree(small[0]);
	EXPECT_EQ(mm_free_count(), free0);
	EXPECT_EQ(mm_free_pages_count(), free0);
	EXPECT_EQ(mm_total_pages_count(), BANK_PAGES);
}

static bool page_is(paddr_t pa, unsigned char v)
{
	const unsigned char *p = (const unsigned char *)(uintptr_t)pa.pa;

	for (size_t i = 0; i < PAGE_SIZE; i++) {
		if (p[i] != v) {
			return false;
		}
	}
	return true;
}

TEST(mm_freed_pages_count_free_at_once_and_come_back_scrubbed)
{
	uint64_t before = fresh_bank();
	paddr_t pa = mm_alloc_pages_dirty(8, 1);

	ASSERT_TRUE(pa.pa != 0);
	/* Not scrubbed: what the bank held (the test wrote 0xaa). */
	EXPECT_TRUE(page_is(pa, 0xaa));
	memset((void *)(uintptr_t)pa.pa, 0x5a, 8 * PAGE_SIZE);
	mm_free_pages(pa, 8);
	EXPECT_EQ(mm_free_count(), before);
	EXPECT_TRUE(mm_scrub_pending());
	/* Still the old data until someone takes or scrubs them... */
	EXPECT_TRUE(page_is(pa, 0x5a));
	/* ...and an allocation that takes them scrubs them. */
	ASSERT_EQ(mm_alloc_pages(8, 1).pa, pa.pa);
	for (uint64_t i = 0; i < 8; i++) {
		EXPECT_TRUE(page_is(pa_init(pa.pa + i * PAGE_SIZE), 0));
	}
	/* Nothing left for the idle scrubber. */
	EXPECT_FALSE(mm_scrub_pending());
	EXPECT_FALSE(mm_scrub_some(MM_SCRUB_PIECE));
	mm_free_pages(pa, 8);
	EXPECT_EQ(mm_free_count(), before);
}

TEST(mm_idle_scrub_goes_in_pieces_over_what_was_freed)
{
	uint64_t before = fresh_bank();
	const uint64_t n = 200;
	paddr_t pa = mm_alloc_pages_dirty(n, 1);
	paddr_t next = pa_init(pa.pa + n * PAGE_SIZE);
	unsigned int calls = 0;

	ASSERT_TRUE(pa.pa != 0);
	EXPECT_FALSE(mm_scrub_pending()); /* nothing freed yet */
	EXPECT_FALSE(mm_scrub_some(MM_SCRUB_PIECE));
	memset((void *)(uintptr_t)pa.pa, 0x33, n * PAGE_SIZE);
	mm_free_pages(pa, n);
	for (bool more = true; more; calls++) {
		uint64_t clean = 0;

		more = mm_scrub_some(MM_SCRUB_PIECE);
		for (uint64_t i = 0; i < n; i++) {
			clean += page_is(pa_init(pa.pa + i * PAGE_SIZE), 0);
		}
		/* At most a piece at a time, counted free meanwhile. */
		EXPECT_EQ(clean, (calls + 1) * MM_SCRUB_PIECE < n
					 ? (calls + 1) * MM_SCRUB_PIECE
					 : n);
		EXPECT_EQ(mm_free_count(), before);
		ASSERT_TRUE(calls < 10);
	}
	EXPECT_EQ(calls, (n + MM_SCRUB_PIECE - 1) / MM_SCRUB_PIECE);
	EXPECT_FALSE(mm_scrub_pending());
	/* As much as was freed: a page never freed keeps what it held. */
	ASSERT_TRUE(next.pa <
		    (uint64_t)(uintptr_t)bank + (BANK_PAGES << PAGE_SHIFT));
	EXPECT_TRUE(page_is(next, 0xaa));
}

TEST(mm_scrub_pages_does_only_the_dirty_pages_of_a_range)
{
	paddr_t pa;

	fresh_bank();
	pa = mm_alloc_pages_dirty(4, 1);
	ASSERT_TRUE(pa.pa != 0);
	EXPECT_EQ(mm_scrub_pages(pa, 4), 4);
	EXPECT_TRUE(page_is(pa, 0));
	EXPECT_EQ(mm_scrub_pages(pa, 4), 0);
	memset((void *)(uintptr_t)pa.pa, 0x11, PAGE_SIZE);
	mm_free_pages(pa, 1);
	ASSERT_EQ(mm_alloc_pages_dirty(1, 1).pa, pa.pa);
	EXPECT_TRUE(page_is(pa, 0x11));
	EXPECT_EQ(mm_scrub_pages(pa, 4), 1);
	EXPECT_TRUE(page_is(pa, 0));
}

TEST(page_alloc_gives_zeroed_pages_from_dirty_ones)
{
	void *p;

	fresh_bank();
	p = page_alloc();
	ASSERT_TRUE(p != NULL);
	EXPECT_TRUE(page_is(pa_init((uint64_t)(uintptr_t)p), 0));
	memset(p, 0x99, PAGE_SIZE);
	page_free(p);
	ASSERT_EQ(page_alloc(), p);
	EXPECT_TRUE(page_is(pa_init((uint64_t)(uintptr_t)p), 0));
}
