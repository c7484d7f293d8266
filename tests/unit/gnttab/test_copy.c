// SPDX-License-Identifier: MIT
/* GNTTABOP_copy and GNTTABOP_cache_flush behaviour. */
#include "host.h"
#include "gt_util.h"

static struct gnttab_copy gref_to_gmfn(domid_t gdom, uint32_t ref,
				       uint16_t soff, uint64_t gmfn,
				       uint16_t doff, uint16_t len)
{
	struct gnttab_copy c = { 0 };

	c.source.u.ref = ref;
	c.source.domid = gdom;
	c.source.offset = soff;
	c.dest.u.gmfn = gmfn;
	c.dest.domid = DOMID_SELF;
	c.dest.offset = doff;
	c.len = len;
	c.flags = GNTCOPY_source_gref;
	c.status = 99;
	return c;
}

TEST(gnttab_copy_gref_source_to_own_gmfn)
{
	struct gnttab_copy c;
	uint8_t *src, *dst;

	gt_setup();
	src = fake_gfn_va(dom1, fake_gfn(1));
	dst = fake_gfn_va(dom0, fake_gfn(2));
	memset(src, 0x5a, PAGE_SIZE);
	fake_grant(dom1, 30, D0, fake_gfn(1), GTF_permit_access | GTF_readonly);
	c = gref_to_gmfn(D1, 30, 0, fake_gfn(2), 0, PAGE_SIZE & 0xffff);
	c.len = 4096;
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_okay);
	EXPECT_MEMEQ(src, dst, PAGE_SIZE);
	/* Transient: nothing stays pinned. */
	EXPECT_EQ(gt_flags(dom1, 30), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(fake_page_refs(fake_gfn_mfn(dom1, fake_gfn(1))), 1);
	EXPECT_EQ(fake_page_refs(fake_gfn_mfn(dom0, fake_gfn(2))), 1);
	EXPECT_EQ(fake_open_frame_maps(), 0);
}

TEST(gnttab_copy_own_gmfn_to_gref_dest)
{
	struct gnttab_copy c = { 0 };

	gt_setup();
	memcpy(fake_gfn_va(dom0, fake_gfn(0)) + 100, "netback", 7);
	fake_grant(dom2, 31, D0, fake_gfn(4), GTF_permit_access);
	c.source.u.gmfn = fake_gfn(0);
	c.source.domid = D0; /* own id works like DOMID_SELF */
	c.source.offset = 100;
	c.dest.u.ref = 31;
	c.dest.domid = D2;
	c.dest.offset = 4000;
	c.len = 7;
	c.flags = GNTCOPY_dest_gref;
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_okay);
	EXPECT_MEMEQ(fake_gfn_va(dom2, fake_gfn(4)) + 4000, "netback", 7);
	EXPECT_EQ(gt_flags(dom2, 31), GTF_permit_access);
}

TEST(gnttab_copy_gref_on_both_sides)
{
	struct gnttab_copy c = { 0 };

	gt_setup();
	memset(fake_gfn_va(dom1, fake_gfn(0)), 0x11, 64);
	fake_grant(dom1, 40, D0, fake_gfn(0), GTF_permit_access | GTF_readonly);
	fake_grant(dom2, 41, D0, fake_gfn(1), GTF_permit_access);
	c.source.u.ref = 40;
	c.source.domid = D1;
	c.dest.u.ref = 41;
	c.dest.domid = D2;
	c.dest.offset = 8;
	c.len = 64;
	c.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_okay);
	EXPECT_EQ(fake_gfn_va(dom2, fake_gfn(1))[8], 0x11);
	EXPECT_EQ(fake_gfn_va(dom2, fake_gfn(1))[71], 0x11);
	EXPECT_EQ(fake_gfn_va(dom2, fake_gfn(1))[72], 0);
	EXPECT_EQ(gt_flags(dom2, 41), GTF_permit_access);
}

TEST(gnttab_copy_gmfn_on_both_sides_overlapping)
{
	struct gnttab_copy c = { 0 };
	uint8_t *p;
	int i;

	gt_setup();
	p = fake_gfn_va(dom1, fake_gfn(2));
	for (i = 0; i < 32; i++) {
		p[i] = (uint8_t)i;
	}
	c.source.u.gmfn = fake_gfn(2);
	c.source.domid = DOMID_SELF;
	c.dest.u.gmfn = fake_gfn(2);
	c.dest.domid = DOMID_SELF;
	c.dest.offset = 4;
	c.len = 16;
	ASSERT_EQ(gt_op(dom1, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_okay);
	EXPECT_EQ(p[4], 0);
	EXPECT_EQ(p[19], 15);
	c.source.offset = 4;
	c.dest.offset = 0;
	ASSERT_EQ(gt_op(dom1, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(p[0], 0);
	EXPECT_EQ(p[15], 15);
}

TEST(gnttab_copy_crossing_page_is_bad_copy_arg)
{
	struct gnttab_copy c;

	gt_setup();
	fake_grant(dom1, 32, D0, fake_gfn(1), GTF_permit_access);
	c = gref_to_gmfn(D1, 32, 4000, fake_gfn(0), 0, 200);
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_bad_copy_arg);
	c = gref_to_gmfn(D1, 32, 0, fake_gfn(0), 4095, 2);
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_bad_copy_arg);
	EXPECT_EQ(gt_flags(dom1, 32), GTF_permit_access);
}

TEST(gnttab_copy_partial_page_at_end)
{
	struct gnttab_copy c;

	gt_setup();
	fake_gfn_va(dom1, fake_gfn(1))[4095] = 0x77;
	fake_grant(dom1, 32, D0, fake_gfn(1), GTF_permit_access);
	c = gref_to_gmfn(D1, 32, 4095, fake_gfn(0), 4095, 1);
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_okay);
	EXPECT_EQ(fake_gfn_va(dom0, fake_gfn(0))[4095], 0x77);
	c = gref_to_gmfn(D1, 32, 17, fake_gfn(0), 4000, 0);
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_okay);
}

TEST(gnttab_copy_into_readonly_grant_denied)
{
	struct gnttab_copy c = { 0 };

	gt_setup();
	fake_grant(dom2, 33, D0, fake_gfn(1), GTF_permit_access | GTF_readonly);
	c.source.u.gmfn = fake_gfn(0);
	c.source.domid = DOMID_SELF;
	c.dest.u.ref = 33;
	c.dest.domid = D2;
	c.len = 8;
	c.flags = GNTCOPY_dest_gref;
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_general_error);
	EXPECT_EQ(gt_flags(dom2, 33), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(fake_page_refs(fake_gfn_mfn(dom0, fake_gfn(0))), 1);
}

TEST(gnttab_copy_grant_for_other_domain_denied)
{
	struct gnttab_copy c;

	gt_setup();
	fake_grant(dom1, 34, D2, fake_gfn(1), GTF_permit_access);
	c = gref_to_gmfn(D1, 34, 0, fake_gfn(0), 0, 8);
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_general_error);
}

TEST(gnttab_copy_unprivileged_foreign_gmfn_rejected)
{
	struct gnttab_copy c = { 0 };

	gt_setup();
	c.source.u.gmfn = fake_gfn(0);
	c.source.domid = D1;
	c.dest.u.gmfn = fake_gfn(0);
	c.dest.domid = DOMID_SELF;
	c.len = 8;
	ASSERT_EQ(gt_op(dom2, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_permission_denied);
	/* As in Xen, only the local domain may be named by frame, dom0 too. */
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_permission_denied);
	c.source.domid = DOMID_SELF;
	c.dest.domid = D1;
	ASSERT_EQ(gt_op(dom2, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_permission_denied);
}

TEST(gnttab_copy_bad_domain_bad_ref_bad_page)
{
	struct gnttab_copy c;

	gt_setup();
	c = gref_to_gmfn(0x1234, 1, 0, fake_gfn(0), 0, 8);
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_bad_domain);
	c = gref_to_gmfn(D1, 9999, 0, fake_gfn(0), 0, 8);
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_bad_gntref);
	fake_grant(dom1, 35, D0, fake_gfn(1), GTF_permit_access);
	c = gref_to_gmfn(D1, 35, 0, 0x99, 0, 8);
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_bad_page);
	EXPECT_EQ(gt_flags(dom1, 35), GTF_permit_access);
	fake_grant(dom1, 36, D0, 0x99, GTF_permit_access);
	c = gref_to_gmfn(D1, 36, 0, fake_gfn(0), 0, 8);
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_bad_page);
	EXPECT_EQ(gt_flags(dom1, 36), GTF_permit_access);
}

TEST(gnttab_copy_batch_reports_status_per_op)
{
	struct gnttab_copy c[3];

	gt_setup();
	fake_grant(dom1, 37, D0, fake_gfn(1), GTF_permit_access);
	c[0] = gref_to_gmfn(D1, 37, 0, fake_gfn(0), 0, 8);
	c[1] = gref_to_gmfn(D1, 38, 0, fake_gfn(0), 0, 8);
	c[2] = gref_to_gmfn(D1, 37, 4090, fake_gfn(0), 0, 8);
	ASSERT_EQ(gt_op(dom0, GNTTABOP_copy, c, 3), 0);
	EXPECT_EQ(c[0].status, GNTST_okay);
	EXPECT_EQ(c[1].status, GNTST_general_error);
	EXPECT_EQ(c[2].status, GNTST_bad_copy_arg);
	EXPECT_EQ(c[0].source.u.ref, 37); /* IN fields untouched */
}

TEST(gnttab_copy_fault_mid_batch_stops_with_efault)
{
	struct gnttab_copy *c = aligned_alloc(4096, 2 * 4096);
	unsigned int n = 4096 / sizeof(*c) + 2, i;
	uint64_t fault_at;

	gt_setup();
	ASSERT_TRUE(c != NULL);
	fake_grant(dom1, 39, D0, fake_gfn(1), GTF_permit_access);
	for (i = 0; i < n; i++) {
		c[i] = gref_to_gmfn(D1, 39, 0, fake_gfn(0), 0, 8);
	}
	/* Op 2 faults; ops 0..1 done, op 2 and later untouched. */
	fault_at = (uint64_t)(uintptr_t)&c[2];
	host_guest_fault_range(fault_at, fault_at + 1);
	EXPECT_EQ(gt_op(dom0, GNTTABOP_copy, c, n), -EFAULT);
	host_guest_fault_range(0, 0);
	EXPECT_EQ(c[0].status, GNTST_okay);
	EXPECT_EQ(c[1].status, GNTST_okay);
	EXPECT_EQ(c[2].status, 99);
	EXPECT_EQ(c[3].status, 99);
	EXPECT_EQ(gt_flags(dom1, 39), GTF_permit_access);
	free(c);
}

TEST(gnttab_copy_status_writeback_fault_is_efault)
{
	struct gnttab_copy c[2];
	uint64_t at;

	gt_setup();
	fake_grant(dom1, 39, D0, fake_gfn(1), GTF_permit_access);
	c[0] = gref_to_gmfn(D1, 39, 0, fake_gfn(0), 0, 8);
	c[1] = c[0];
	at = (uint64_t)(uintptr_t)&c[0].status;
	host_guest_fault_range(at, at + 2);
	EXPECT_EQ(gt_op(dom0, GNTTABOP_copy, c, 2), -EFAULT);
	host_guest_fault_range(0, 0);
	EXPECT_EQ(c[1].status, 99);
}

TEST(gnttab_cache_flush_probe_and_own_page)
{
	struct gnttab_cache_flush f = { 0 };

	gt_setup();
	ASSERT_EQ(gt_op(dom0, GNTTABOP_cache_flush, &f, 1), 0);
	EXPECT_EQ(fake_flush_calls, 0);
	f.a.dev_bus_addr = mfn_to_pa(fake_gfn_mfn(dom0, fake_gfn(1))).pa;
	f.offset = 64;
	f.length = 128;
	f.op = GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL;
	ASSERT_EQ(gt_op(dom0, GNTTABOP_cache_flush, &f, 1), 0);
	EXPECT_EQ(fake_flush_calls, 1);
	EXPECT_EQ(fake_flush_last_op, GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL);
	EXPECT_EQ(fake_page_refs(fake_gfn_mfn(dom0, fake_gfn(1))), 1);
}

TEST(gnttab_cache_flush_granted_page_only_while_mapped)
{
	struct gnttab_cache_flush f = { 0 };
	uint32_t h;

	gt_setup();
	fake_grant(dom1, 50, D0, fake_gfn(3), GTF_permit_access);
	f.a.dev_bus_addr = mfn_to_pa(fake_gfn_mfn(dom1, fake_gfn(3))).pa;
	f.length = 16;
	f.op = GNTTAB_CACHE_INVAL;
	EXPECT_EQ(gt_op(dom0, GNTTABOP_cache_flush, &f, 1), -EINVAL);
	ASSERT_EQ(gt_map(dom0, dom1, 50, MAP_IPA(0), GNTMAP_host_map, &h),
		  GNTST_okay);
	EXPECT_EQ(gt_op(dom0, GNTTABOP_cache_flush, &f, 1), 0);
	EXPECT_EQ(fake_flush_calls, 1);
	ASSERT_EQ(gt_unmap(dom0, MAP_IPA(0), h), GNTST_okay);
	EXPECT_EQ(gt_op(dom0, GNTTABOP_cache_flush, &f, 1), -EINVAL);
}

TEST(gnttab_cache_flush_bad_args_einval)
{
	struct gnttab_cache_flush f = { 0 };

	gt_setup();
	f.offset = 4096;
	EXPECT_EQ(gt_op(dom0, GNTTABOP_cache_flush, &f, 1), -EINVAL);
	f.offset = 4000;
	f.length = 200;
	EXPECT_EQ(gt_op(dom0, GNTTABOP_cache_flush, &f, 1), -EINVAL);
	f.offset = 0;
	f.length = 8;
	f.op = GNTTAB_CACHE_SOURCE_GREF | GNTTAB_CACHE_CLEAN;
	EXPECT_EQ(gt_op(dom0, GNTTABOP_cache_flush, &f, 1), -EINVAL);
	EXPECT_EQ(gt_op(dom0, GNTTABOP_cache_flush, NULL, 1), -EFAULT);
}
