// SPDX-License-Identifier: MIT
/* map_grant_ref / unmap_grant_ref behaviour. */
#include "gt_util.h"

#define RW_MAP GNTMAP_host_map
#define RO_MAP (GNTMAP_host_map | GNTMAP_readonly)

TEST(gnttab_map_rw_installs_stage2_and_sets_flags)
{
	struct gnttab_map_grant_ref op = { 0 };
	mfn_t mfn;
	bool ro;

	gt_setup();
	fake_grant(dom1, 10, D0, fake_gfn(2), GTF_permit_access);
	op.host_addr = MAP_IPA(1);
	op.flags = RW_MAP;
	op.ref = 10;
	op.dom = D1;
	ASSERT_EQ(gt_op(dom0, GNTTABOP_map_grant_ref, &op, 1), 0);
	ASSERT_EQ(op.status, GNTST_okay);
	EXPECT_EQ(op.dev_bus_addr,
		  mfn_to_pa(fake_gfn_mfn(dom1, fake_gfn(2))).pa);
	ASSERT_TRUE(fake_s2_lookup(dom0, MAP_IPA(1), &mfn, &ro));
	EXPECT_EQ(mfn.mfn, fake_gfn_mfn(dom1, fake_gfn(2)).mfn);
	EXPECT_FALSE(ro);
	EXPECT_EQ(gt_flags(dom1, 10),
		  GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(fake_page_refs(mfn), 2);
	EXPECT_FALSE(fake_end_access(dom1, 10));
}

TEST(gnttab_map_readonly_request_maps_ro_and_sets_reading_only)
{
	uint32_t h;
	mfn_t mfn;
	bool ro;

	gt_setup();
	fake_grant(dom1, 3, D2, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom2, dom1, 3, MAP_IPA(0), RO_MAP, &h), GNTST_okay);
	ASSERT_TRUE(fake_s2_lookup(dom2, MAP_IPA(0), &mfn, &ro));
	EXPECT_TRUE(ro);
	EXPECT_EQ(gt_flags(dom1, 3), GTF_permit_access | GTF_reading);
}

TEST(gnttab_map_ro_grant_readonly_succeeds)
{
	gt_setup();
	fake_grant(dom1, 4, D2, fake_gfn(0), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(gt_map(dom2, dom1, 4, MAP_IPA(0), RO_MAP, NULL), GNTST_okay);
}

TEST(gnttab_map_rw_of_readonly_grant_denied)
{
	gt_setup();
	fake_grant(dom1, 4, D2, fake_gfn(0), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(gt_map(dom2, dom1, 4, MAP_IPA(0), RW_MAP, NULL),
		  GNTST_general_error);
	EXPECT_EQ(gt_flags(dom1, 4), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(fake_s2_count(dom2), 0);
	EXPECT_EQ(fake_page_refs(fake_gfn_mfn(dom1, fake_gfn(0))), 1);
}

TEST(gnttab_map_wrong_domid_denied)
{
	gt_setup();
	fake_grant(dom1, 5, D0, fake_gfn(0), GTF_permit_access);
	EXPECT_EQ(gt_map(dom2, dom1, 5, MAP_IPA(0), RW_MAP, NULL),
		  GNTST_general_error);
	EXPECT_EQ(gt_flags(dom1, 5), GTF_permit_access);
}

TEST(gnttab_map_invalid_type_denied)
{
	gt_setup();
	fake_grant(dom1, 5, D2, fake_gfn(0), GTF_invalid);
	EXPECT_EQ(gt_map(dom2, dom1, 5, MAP_IPA(0), RO_MAP, NULL),
		  GNTST_general_error);
	fake_grant(dom1, 6, D2, fake_gfn(0), GTF_accept_transfer);
	EXPECT_EQ(gt_map(dom2, dom1, 6, MAP_IPA(0), RO_MAP, NULL),
		  GNTST_general_error);
	fake_grant(dom1, 7, D2, fake_gfn(0), GTF_permit_access | GTF_sub_page);
	EXPECT_EQ(gt_map(dom2, dom1, 7, MAP_IPA(0), RO_MAP, NULL),
		  GNTST_general_error);
	fake_grant(dom1, 8, D2, fake_gfn(0), GTF_permit_access | GTF_PCD);
	EXPECT_EQ(gt_map(dom2, dom1, 8, MAP_IPA(0), RO_MAP, NULL),
		  GNTST_general_error);
	EXPECT_EQ(gt_flags(dom1, 8), GTF_permit_access | GTF_PCD);
}

TEST(gnttab_map_bad_ref_rejected)
{
	gt_setup();
	/* One frame exists: 512 entries. */
	EXPECT_EQ(gt_map(dom2, dom1, 512, MAP_IPA(0), RW_MAP, NULL),
		  GNTST_bad_gntref);
	EXPECT_EQ(gt_map(dom2, dom1, 0xffffffffU, MAP_IPA(0), RW_MAP, NULL),
		  GNTST_bad_gntref);
}

TEST(gnttab_map_bad_domain_rejected)
{
	gt_setup();
	EXPECT_EQ(gt_map(dom2, NULL, 1, MAP_IPA(0), RW_MAP, NULL),
		  GNTST_bad_domain);
	{
		struct gnttab_map_grant_ref op = { .host_addr = MAP_IPA(0),
						   .flags = RW_MAP,
						   .dom = DOMID_SELF };

		ASSERT_EQ(gt_op(dom2, GNTTABOP_map_grant_ref, &op, 1), 0);
		EXPECT_EQ(op.status, GNTST_bad_domain);
	}
}

TEST(gnttab_map_flags_checked_as_on_arm)
{
	gt_setup();
	fake_grant(dom1, 9, D2, fake_gfn(0), GTF_permit_access);
	EXPECT_EQ(gt_map(dom2, dom1, 9, MAP_IPA(0), 0, NULL), GNTST_bad_gntref);
	EXPECT_EQ(gt_map(dom2, dom1, 9, MAP_IPA(0),
			 GNTMAP_host_map | GNTMAP_device_map, NULL),
		  GNTST_general_error);
	EXPECT_EQ(gt_map(dom2, dom1, 9, MAP_IPA(0),
			 GNTMAP_host_map | GNTMAP_application_map, NULL),
		  GNTST_general_error);
	EXPECT_EQ(gt_map(dom2, dom1, 9, MAP_IPA(0) + 8, RW_MAP, NULL),
		  GNTST_general_error);
	EXPECT_EQ(gt_flags(dom1, 9), GTF_permit_access);
}

TEST(gnttab_map_p2m_failure_undoes_everything)
{
	gt_setup();
	fake_grant(dom1, 9, D2, fake_gfn(1), GTF_permit_access);
	EXPECT_EQ(gt_map(dom2, dom1, 9, FAKE_IPA_LIMIT, RW_MAP, NULL),
		  GNTST_general_error);
	EXPECT_EQ(gt_flags(dom1, 9), GTF_permit_access);
	EXPECT_EQ(fake_page_refs(fake_gfn_mfn(dom1, fake_gfn(1))), 1);
	EXPECT_TRUE(fake_end_access(dom1, 9));
}

TEST(gnttab_map_unpopulated_frame_bad_page)
{
	gt_setup();
	fake_grant(dom1, 9, D2, 0x123, GTF_permit_access);
	EXPECT_EQ(gt_map(dom2, dom1, 9, MAP_IPA(0), RW_MAP, NULL),
		  GNTST_bad_page);
	EXPECT_EQ(gt_flags(dom1, 9), GTF_permit_access);
	dom1->ram_ro[1] = true;
	fake_grant(dom1, 10, D2, fake_gfn(1), GTF_permit_access);
	EXPECT_EQ(gt_map(dom2, dom1, 10, MAP_IPA(0), RW_MAP, NULL),
		  GNTST_bad_page);
	EXPECT_EQ(gt_map(dom2, dom1, 10, MAP_IPA(0), RO_MAP, NULL), GNTST_okay);
}

TEST(gnttab_map_stale_ref_after_revoke_rejected)
{
	uint32_t h;

	gt_setup();
	fake_grant(dom1, 11, D2, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom2, dom1, 11, MAP_IPA(0), RW_MAP, &h), GNTST_okay);
	ASSERT_EQ(gt_unmap(dom2, MAP_IPA(0), h), GNTST_okay);
	ASSERT_TRUE(fake_end_access(dom1, 11));
	EXPECT_EQ(gt_map(dom2, dom1, 11, MAP_IPA(0), RW_MAP, NULL),
		  GNTST_general_error);
	/* Re-granted to someone else: still refused. */
	fake_grant(dom1, 11, D0, fake_gfn(0), GTF_permit_access);
	EXPECT_EQ(gt_map(dom2, dom1, 11, MAP_IPA(0), RW_MAP, NULL),
		  GNTST_general_error);
}

TEST(gnttab_flags_kept_while_mapped_cleared_after_last_unmap)
{
	uint32_t h_ro, h_rw1, h_rw2;
	mfn_t mfn = { 0 };

	gt_setup();
	fake_grant(dom1, 12, D2, fake_gfn(3), GTF_permit_access);
	mfn = fake_gfn_mfn(dom1, fake_gfn(3));
	ASSERT_EQ(gt_map(dom2, dom1, 12, MAP_IPA(0), RO_MAP, &h_ro),
		  GNTST_okay);
	ASSERT_EQ(gt_map(dom2, dom1, 12, MAP_IPA(1), RW_MAP, &h_rw1),
		  GNTST_okay);
	ASSERT_EQ(gt_map(dom2, dom1, 12, MAP_IPA(2), RW_MAP, &h_rw2),
		  GNTST_okay);
	EXPECT_EQ(fake_page_refs(mfn), 2);
	EXPECT_EQ(gt_flags(dom1, 12),
		  GTF_permit_access | GTF_reading | GTF_writing);
	ASSERT_EQ(gt_unmap(dom2, MAP_IPA(1), h_rw1), GNTST_okay);
	EXPECT_EQ(gt_flags(dom1, 12),
		  GTF_permit_access | GTF_reading | GTF_writing);
	ASSERT_EQ(gt_unmap(dom2, MAP_IPA(2), h_rw2), GNTST_okay);
	EXPECT_EQ(gt_flags(dom1, 12), GTF_permit_access | GTF_reading);
	EXPECT_FALSE(fake_end_access(dom1, 12));
	ASSERT_EQ(gt_unmap(dom2, MAP_IPA(0), h_ro), GNTST_okay);
	EXPECT_EQ(gt_flags(dom1, 12), GTF_permit_access);
	EXPECT_EQ(fake_page_refs(mfn), 1);
	EXPECT_EQ(fake_s2_count(dom2), 0);
	EXPECT_TRUE(fake_end_access(dom1, 12));
}

TEST(gnttab_map_rw_upgrade_rechecks_readonly_flag)
{
	gt_setup();
	fake_grant(dom1, 13, D2, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom2, dom1, 13, MAP_IPA(0), RO_MAP, NULL), GNTST_okay);
	/* The granter makes the entry read-only while it is read-pinned. */
	__atomic_fetch_or(&fake_entry(dom1, 13)->flags, GTF_readonly,
			  __ATOMIC_SEQ_CST);
	EXPECT_EQ(gt_map(dom2, dom1, 13, MAP_IPA(1), RW_MAP, NULL),
		  GNTST_general_error);
	EXPECT_EQ(gt_flags(dom1, 13),
		  GTF_permit_access | GTF_readonly | GTF_reading);
}

TEST(gnttab_unmap_double_is_bad_handle)
{
	uint32_t h;

	gt_setup();
	fake_grant(dom1, 14, D2, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom2, dom1, 14, MAP_IPA(0), RW_MAP, &h), GNTST_okay);
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), h), GNTST_okay);
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), h), GNTST_bad_handle);
}

TEST(gnttab_unmap_wrong_host_addr_is_general_error)
{
	uint32_t h;

	gt_setup();
	fake_grant(dom1, 14, D2, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom2, dom1, 14, MAP_IPA(0), RW_MAP, &h), GNTST_okay);
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(5), h), GNTST_general_error);
	EXPECT_EQ(gt_flags(dom1, 14),
		  GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), h), GNTST_okay);
}

TEST(gnttab_unmap_bad_handle_rejected)
{
	gt_setup();
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), 0), GNTST_bad_handle);
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), 0xffffffffU), GNTST_bad_handle);
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), 100000), GNTST_bad_handle);
}

TEST(gnttab_unmap_p2m_failure_keeps_mapping)
{
	uint32_t h;

	gt_setup();
	fake_grant(dom1, 14, D2, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom2, dom1, 14, MAP_IPA(0), RW_MAP, &h), GNTST_okay);
	fake_fail_p2m_unmap = 1;
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), h), GNTST_general_error);
	fake_fail_p2m_unmap = 0;
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), h), GNTST_okay);
}

TEST(gnttab_map_maptrack_exhaustion_no_device_space)
{
	struct fake_dom *small;
	unsigned int per = PAGE_SIZE / 40, i, n = 0;
	int16_t st = GNTST_okay;

	gt_setup();
	small = fake_dom_create(5, 1, 1, false);
	ASSERT_TRUE(small != NULL);
	fake_grant(dom1, 20, 5, fake_gfn(0), GTF_permit_access);
	for (i = 0; i < 2 * per && st == GNTST_okay; i++) {
		st = gt_map(small, dom1, 20, MAP_IPA(i % 8), RO_MAP, NULL);
		n += st == GNTST_okay;
	}
	EXPECT_EQ(st, GNTST_no_device_space);
	EXPECT_GE(n, 64);
	EXPECT_LE(n, per + 1);
	fake_dom_destroy(small);
	EXPECT_EQ(gt_flags(dom1, 20), GTF_permit_access);
	EXPECT_EQ(fake_page_refs(fake_gfn_mfn(dom1, fake_gfn(0))), 1);
}

TEST(gnttab_map_without_maptrack_no_device_space)
{
	struct fake_dom *none;

	gt_setup();
	none = fake_dom_create(6, 1, 0, false);
	ASSERT_TRUE(none != NULL);
	fake_grant(dom1, 21, 6, fake_gfn(0), GTF_permit_access);
	EXPECT_EQ(gt_map(none, dom1, 21, MAP_IPA(0), RO_MAP, NULL),
		  GNTST_no_device_space);
}

TEST(gnttab_map_handles_reused_after_unmap)
{
	uint32_t h1, h2;

	gt_setup();
	fake_grant(dom1, 22, D2, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom2, dom1, 22, MAP_IPA(0), RO_MAP, &h1), GNTST_okay);
	ASSERT_EQ(gt_unmap(dom2, MAP_IPA(0), h1), GNTST_okay);
	ASSERT_EQ(gt_map(dom2, dom1, 22, MAP_IPA(0), RO_MAP, &h2), GNTST_okay);
	EXPECT_EQ(h1, h2);
}

TEST(gnttab_map_own_grant_allowed)
{
	uint32_t h;

	gt_setup();
	fake_grant(dom1, 23, D1, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom1, dom1, 23, MAP_IPA(0), RW_MAP, &h), GNTST_okay);
	EXPECT_EQ(gt_unmap(dom1, MAP_IPA(0), h), GNTST_okay);
}

TEST(gnttab_map_pin_domid_mismatch_when_pinned)
{
	gt_setup();
	fake_grant(dom1, 24, D2, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom2, dom1, 24, MAP_IPA(0), RO_MAP, NULL), GNTST_okay);
	/* A misbehaving granter rewrites the domid of a pinned entry. */
	fake_entry(dom1, 24)->domid = D0;
	EXPECT_EQ(gt_map(dom0, dom1, 24, MAP_IPA(0), RO_MAP, NULL),
		  GNTST_general_error);
}

/* Grant frames and maptrack frames are charged to their domain. */
TEST(gnttab_frames_and_maptrack_are_charged_and_refused_past_the_limit)
{
	mfn_t m;
	void *va;
	long base;

	gt_setup();
	base = dom1->charged;
	EXPECT_GT(base, 0); /* the first frame, at creation */
	dom1->charge_limit = base;
	EXPECT_EQ(gnttab_get_frame(&dom1->gd, 1, &m, &va), -ENOMEM);
	EXPECT_EQ(gnttab_nr_frames(&dom1->gd), 1);
	EXPECT_EQ(dom1->charged, base);
	dom1->charge_limit = 0;
	EXPECT_EQ(gnttab_get_frame(&dom1->gd, 1, &m, &va), 0);
	EXPECT_GT(dom1->charged, base);
	/* The mapper's first mapping needs a maptrack frame: refused. */
	fake_grant(dom2, 10, D1, fake_gfn(0), GTF_permit_access);
	base = dom1->charged;
	dom1->charge_limit = base;
	EXPECT_EQ(gt_map(dom1, dom2, 10, MAP_IPA(1), RW_MAP, NULL),
		  GNTST_no_device_space);
	EXPECT_EQ(dom1->charged, base);
	dom1->charge_limit = 0;
	EXPECT_EQ(gt_map(dom1, dom2, 10, MAP_IPA(1), RW_MAP, NULL), GNTST_okay);
	EXPECT_EQ(dom1->charged, base + 1);
	EXPECT_EQ(dom2->charged, dom0->charged);
}
