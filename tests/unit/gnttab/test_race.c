// SPDX-License-Identifier: MIT
/*
 * The granter rewrites its shared entry while the grantee maps it: from
 * another thread, as a guest does from another vCPU, or between two calls
 * while the grant is pinned. Only what the entry permitted at one instant
 * may be granted, and a guest that never stops writing its entry cannot
 * hold the hypervisor in the compare-and-swap loop.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "gt_util.h"

#define RW_MAP GNTMAP_host_map
#define RO_MAP (GNTMAP_host_map | GNTMAP_readonly)
#define RACE_ROUNDS 20000

/* The entry's {flags, domid} word as one 32-bit guest store sees it. */
#define ENTRY_WORD(flags, domid) ((uint32_t)(flags) | ((uint32_t)(domid) << 16))

struct flipper {
	uint32_t *word;
	uint32_t a, b;
	int started, stop;
};

/* Alternate the entry between two values until told to stop. */
static void *flip(void *arg)
{
	struct flipper *f = arg;

	__atomic_store_n(&f->started, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(f->word, f->a, __ATOMIC_RELAXED);
		__atomic_store_n(f->word, f->b, __ATOMIC_RELAXED);
	}
	return NULL;
}

static uint32_t *entry_word(struct fake_dom *fd, uint32_t ref)
{
	return (uint32_t *)(void *)fake_entry(fd, ref);
}

/*
 * Start a thread flipping @fd's entry @ref between "read-only for d2" and
 * "writable for d0", and return once it runs.
 */
static void flip_start(struct flipper *f, pthread_t *th, struct fake_dom *fd,
		       uint32_t ref)
{
	f->word = entry_word(fd, ref);
	f->a = ENTRY_WORD(GTF_permit_access | GTF_readonly, D2);
	f->b = ENTRY_WORD(GTF_permit_access, D0);
	f->started = f->stop = 0;
	ASSERT_EQ(pthread_create(th, NULL, flip, f), 0);
	while (!__atomic_load_n(&f->started, __ATOMIC_ACQUIRE)) {
	}
}

static void flip_stop(struct flipper *f, pthread_t th)
{
	__atomic_store_n(&f->stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The granter makes a read-pinned entry read-only for d2, or gives it to
 * d0, at every instant: d2 never gets a writable mapping, and its
 * read-only mappings all go away again.
 */
TEST(gnttab_map_rw_never_granted_while_granter_flips_the_entry)
{
	struct flipper f;
	pthread_t th;
	unsigned int i, rw_ok = 0, leaked = 0;
	uint32_t h;
	mfn_t mfn;

	gt_setup();
	fake_grant(dom1, 30, D2, fake_gfn(1), GTF_permit_access | GTF_readonly);
	mfn = fake_gfn_mfn(dom1, fake_gfn(1));
	flip_start(&f, &th, dom1, 30);
	for (i = 0; i < RACE_ROUNDS; i++) {
		uint64_t ipa = MAP_IPA(i % 2);

		if (gt_map(dom2, dom1, 30, ipa, RW_MAP, &h) == GNTST_okay) {
			rw_ok++;
			gt_unmap(dom2, ipa, h);
		}
		if (gt_map(dom2, dom1, 30, ipa, RO_MAP, &h) == GNTST_okay &&
		    gt_unmap(dom2, ipa, h) != GNTST_okay) {
			leaked++;
		}
	}
	flip_stop(&f, th);
	EXPECT_EQ(rw_ok, 0);
	EXPECT_EQ(leaked, 0);
	EXPECT_EQ(fake_s2_count(dom2), 0);
	EXPECT_EQ(fake_page_refs(mfn), 1);
}

/*
 * The same for copies: d2 copies its own page into the grant while the
 * granter flips it between read-only for d2 and writable for d0. The
 * granted page is never written.
 */
TEST(gnttab_copy_never_writes_while_granter_flips_the_entry)
{
	struct gnttab_copy c = { 0 };
	struct flipper f;
	pthread_t th;
	unsigned int i, ok = 0;
	uint8_t *victim;

	gt_setup();
	victim = fake_gfn_va(dom1, fake_gfn(3));
	memset(victim, 0x11, PAGE_SIZE);
	memset(fake_gfn_va(dom2, fake_gfn(0)), 0xee, PAGE_SIZE);
	fake_grant(dom1, 33, D2, fake_gfn(3), GTF_permit_access | GTF_readonly);
	flip_start(&f, &th, dom1, 33);
	for (i = 0; i < RACE_ROUNDS; i++) {
		c.source.u.gmfn = fake_gfn(0);
		c.source.domid = DOMID_SELF;
		c.dest.u.ref = 33;
		c.dest.domid = D1;
		c.dest.offset = (uint16_t)(i % 64 * 8);
		c.len = 8;
		c.flags = GNTCOPY_dest_gref;
		ASSERT_EQ(gt_op(dom2, GNTTABOP_copy, &c, 1), 0);
		ok += c.status == GNTST_okay;
	}
	flip_stop(&f, th);
	EXPECT_EQ(ok, 0);
	for (i = 0; i < PAGE_SIZE; i++) {
		if (victim[i] != 0x11) {
			break;
		}
	}
	EXPECT_EQ(i, PAGE_SIZE);
	EXPECT_EQ(fake_page_refs(fake_gfn_mfn(dom1, fake_gfn(3))), 1);
	EXPECT_EQ(fake_open_frame_maps(), 0);
}

/*
 * A granter that keeps rewriting its entry (to values that would each be
 * accepted) makes every map attempt fail or succeed after a bounded number
 * of tries; nothing stays pinned once everything is unmapped.
 */
TEST(gnttab_map_bounded_while_granter_rewrites_entry_forever)
{
	struct flipper f;
	pthread_t th;
	unsigned int i, ok = 0, failed = 0;
	double start, worst = 0;
	uint32_t h;
	mfn_t mfn;

	gt_setup();
	fake_grant(dom1, 31, D2, fake_gfn(2), GTF_permit_access);
	mfn = fake_gfn_mfn(dom1, fake_gfn(2));
	f.word = entry_word(dom1, 31);
	f.a = ENTRY_WORD(GTF_permit_access, D2);
	f.b = ENTRY_WORD(GTF_permit_access | GTF_writing, D2);
	f.started = f.stop = 0;
	ASSERT_EQ(pthread_create(&th, NULL, flip, &f), 0);
	while (!__atomic_load_n(&f.started, __ATOMIC_ACQUIRE)) {
	}
	for (i = 0; i < RACE_ROUNDS; i++) {
		double t = now();
		int16_t st = gt_map(dom2, dom1, 31, MAP_IPA(0), RW_MAP, &h);

		t = now() - t;
		worst = t > worst ? t : worst;
		if (st == GNTST_okay) {
			ok++;
			EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), h), GNTST_okay);
		} else {
			EXPECT_EQ(st, GNTST_general_error);
			failed++;
		}
	}
	start = now();
	flip_stop(&f, th);
	EXPECT_LT((now() - start) * 1000, 5000); /* ms */
	EXPECT_EQ(ok + failed, RACE_ROUNDS);
	EXPECT_LT(worst * 1000, 1000); /* ms per call */
	EXPECT_EQ(fake_s2_count(dom2), 0);
	EXPECT_EQ(fake_page_refs(mfn), 1);
}

/*
 * While d2 holds a read-only mapping, the granter ends d2's access or gives
 * the entry to d0 (GTF_reading stays set): a writable mapping of it needs
 * the entry to permit d2 write access again, as every first pin does.
 */
TEST(gnttab_map_rw_upgrade_rechecks_permission_and_domid)
{
	uint32_t h;

	gt_setup();
	fake_grant(dom1, 32, D2, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom2, dom1, 32, MAP_IPA(0), RO_MAP, &h), GNTST_okay);
	__atomic_store_n(entry_word(dom1, 32), ENTRY_WORD(GTF_reading, D2),
			 __ATOMIC_SEQ_CST);
	EXPECT_EQ(gt_map(dom2, dom1, 32, MAP_IPA(1), RW_MAP, NULL),
		  GNTST_general_error);
	__atomic_store_n(entry_word(dom1, 32),
			 ENTRY_WORD(GTF_permit_access | GTF_reading, D0),
			 __ATOMIC_SEQ_CST);
	EXPECT_EQ(gt_map(dom2, dom1, 32, MAP_IPA(1), RW_MAP, NULL),
		  GNTST_general_error);
	EXPECT_EQ(fake_s2_count(dom2), 1);
	/* Given back to d2 with write access: the upgrade is allowed. */
	__atomic_store_n(entry_word(dom1, 32),
			 ENTRY_WORD(GTF_permit_access | GTF_reading, D2),
			 __ATOMIC_SEQ_CST);
	EXPECT_EQ(gt_map(dom2, dom1, 32, MAP_IPA(1), RW_MAP, NULL), GNTST_okay);
	EXPECT_EQ(gt_flags(dom1, 32),
		  GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), h), GNTST_okay);
}
