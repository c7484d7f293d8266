// SPDX-License-Identifier: MIT
/* Table-wide operations, dispatch and frame growth. */
#include "host.h"
#include "gt_util.h"

TEST(gnttab_query_size_reports_frames)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF, .status = 99 };

	gt_setup();
	ASSERT_EQ(gt_op(dom1, GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.status, GNTST_okay);
	EXPECT_EQ(q.nr_frames, 1);
	EXPECT_EQ(q.max_nr_frames, 4);
}

TEST(gnttab_query_size_other_domain_needs_privilege)
{
	struct gnttab_query_size q = { .dom = D2 };

	gt_setup();
	ASSERT_EQ(gt_op(dom1, GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.status, GNTST_permission_denied);
	ASSERT_EQ(gt_op(dom0, GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.status, GNTST_okay);
	q.dom = 77;
	ASSERT_EQ(gt_op(dom0, GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.status, GNTST_bad_domain);
	EXPECT_EQ(gt_op(dom0, GNTTABOP_query_size, &q, 2), -EINVAL);
	EXPECT_EQ(gt_op(dom0, GNTTABOP_query_size, NULL, 1), -EFAULT);
}

TEST(gnttab_get_frame_grows_up_to_limit)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	mfn_t mfn;
	void *va;

	gt_setup();
	ASSERT_EQ(gnttab_get_frame(&dom1->gd, 2, &mfn, &va), 0);
	EXPECT_EQ(mfn.mfn, pa_to_mfn(virt_to_pa(va)).mfn);
	EXPECT_EQ(gnttab_nr_frames(&dom1->gd), 3);
	ASSERT_EQ(gt_op(dom1, GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.nr_frames, 3);
	EXPECT_EQ(gnttab_get_frame(&dom1->gd, 3, &mfn, &va), 0);
	EXPECT_EQ(gnttab_get_frame(&dom1->gd, 4, &mfn, &va), -EINVAL);
	EXPECT_EQ(gnttab_nr_frames(&dom1->gd), 4);
	/* Entries in grown frames are usable. */
	fake_grant(dom1, 3 * 512 + 7, D2, fake_gfn(0), GTF_permit_access);
	EXPECT_EQ(gt_map(dom2, dom1, 3 * 512 + 7, MAP_IPA(0), GNTMAP_host_map,
			 NULL),
		  GNTST_okay);
}

TEST(gnttab_setup_table_grows_and_lists_gfns)
{
	struct gnttab_setup_table s = { 0 };
	uint64_t list[3] = { 1, 1, 1 };
	gfn_t old;

	gt_setup();
	ASSERT_EQ(gnttab_set_frame_gfn(&dom1->gd, 0, gfn_init(0x38000), &old),
		  0);
	EXPECT_EQ(old.gfn, GNTTAB_INVALID_GFN);
	EXPECT_EQ(gnttab_set_frame_gfn(&dom1->gd, 3, gfn_init(1), &old),
		  -EINVAL);
	s.dom = DOMID_SELF;
	s.nr_frames = 2;
	s.frame_list = (uint64_t)(uintptr_t)list;
	ASSERT_EQ(gt_op(dom1, GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_okay);
	EXPECT_EQ(list[0], 0x38000);
	EXPECT_EQ(list[1], GNTTAB_INVALID_GFN);
	EXPECT_EQ(list[2], 1);
	EXPECT_EQ(gnttab_nr_frames(&dom1->gd), 2);
	s.nr_frames = 5;
	ASSERT_EQ(gt_op(dom1, GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_general_error);
	s.nr_frames = 1;
	s.frame_list = 8;
	ASSERT_EQ(gt_op(dom1, GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_bad_virt_addr);
	s.dom = D2;
	ASSERT_EQ(gt_op(dom1, GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_permission_denied);
	EXPECT_EQ(gt_op(dom1, GNTTABOP_setup_table, &s, 0), -EINVAL);
	EXPECT_EQ(gt_op(dom1, GNTTABOP_setup_table, NULL, 1), -EFAULT);
}

TEST(gnttab_set_version_accepts_only_1)
{
	struct gnttab_set_version v = { .version = 1 };

	gt_setup();
	EXPECT_EQ(gt_op(dom1, GNTTABOP_set_version, &v, 1), 0);
	EXPECT_EQ(v.version, 1);
	v.version = 2;
	EXPECT_EQ(gt_op(dom1, GNTTABOP_set_version, &v, 1), -ENOSYS);
	EXPECT_EQ(v.version, 1);
	v.version = 3;
	EXPECT_EQ(gt_op(dom1, GNTTABOP_set_version, &v, 1), -EINVAL);
	EXPECT_EQ(v.version, 1);
	EXPECT_EQ(gt_op(dom1, GNTTABOP_set_version, NULL, 1), -EFAULT);
}

TEST(gnttab_get_version_reports_1)
{
	struct gnttab_get_version v = { .dom = DOMID_SELF };

	gt_setup();
	EXPECT_EQ(gt_op(dom1, GNTTABOP_get_version, &v, 1), 0);
	EXPECT_EQ(v.version, 1);
	v.dom = D2;
	EXPECT_EQ(gt_op(dom1, GNTTABOP_get_version, &v, 1), -EPERM);
	EXPECT_EQ(gt_op(dom0, GNTTABOP_get_version, &v, 1), 0);
	v.dom = 99;
	EXPECT_EQ(gt_op(dom0, GNTTABOP_get_version, &v, 1), -ESRCH);
	EXPECT_EQ(gt_op(dom0, GNTTABOP_get_version, NULL, 1), -EFAULT);
}

TEST(gnttab_get_status_frames_none_in_v1)
{
	struct gnttab_get_status_frames g = { .dom = DOMID_SELF,
					      .nr_frames = 1 };

	gt_setup();
	ASSERT_EQ(gt_op(dom1, GNTTABOP_get_status_frames, &g, 1), 0);
	EXPECT_EQ(g.status, GNTST_general_error);
	g.nr_frames = 0;
	ASSERT_EQ(gt_op(dom1, GNTTABOP_get_status_frames, &g, 1), 0);
	EXPECT_EQ(g.status, GNTST_okay);
	g.dom = D2;
	ASSERT_EQ(gt_op(dom1, GNTTABOP_get_status_frames, &g, 1), 0);
	EXPECT_EQ(g.status, GNTST_permission_denied);
	EXPECT_EQ(gt_op(dom1, GNTTABOP_get_status_frames, &g, 3), -EINVAL);
	EXPECT_EQ(gt_op(dom1, GNTTABOP_get_status_frames, NULL, 1), -EFAULT);
}

TEST(gnttab_swap_grant_ref_swaps_unpinned_entries)
{
	struct gnttab_swap_grant_ref s = { .ref_a = 10, .ref_b = 11 };

	gt_setup();
	fake_grant(dom1, 10, D2, fake_gfn(0), GTF_permit_access);
	fake_grant(dom1, 11, D0, fake_gfn(1), GTF_permit_access | GTF_readonly);
	ASSERT_EQ(gt_op(dom1, GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_okay);
	EXPECT_EQ(fake_entry(dom1, 10)->domid, D0);
	EXPECT_EQ(fake_entry(dom1, 11)->frame, fake_gfn(0));
	s.ref_b = 10;
	ASSERT_EQ(gt_op(dom1, GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_okay);
	s.ref_b = 512;
	ASSERT_EQ(gt_op(dom1, GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_bad_gntref);
	ASSERT_EQ(gt_map(dom2, dom1, 11, MAP_IPA(0), GNTMAP_host_map, NULL),
		  GNTST_okay);
	s.ref_b = 11;
	ASSERT_EQ(gt_op(dom1, GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_eagain);
}

TEST(gnttab_transfer_fails_per_op_on_arm)
{
	struct gnttab_transfer t[2] = { { .mfn = 1 }, { .mfn = 2 } };

	gt_setup();
	ASSERT_EQ(gt_op(dom1, GNTTABOP_transfer, t, 2), 0);
	EXPECT_EQ(t[0].status, GNTST_general_error);
	EXPECT_EQ(t[1].status, GNTST_general_error);
}

TEST(gnttab_hypercall_rejects_bad_cmd_and_count)
{
	struct gnttab_set_version v = { .version = 1 };

	gt_setup();
	EXPECT_EQ(gt_op(dom1, GNTTABOP_dump_table, &v, 1), -ENOSYS);
	EXPECT_EQ(gt_op(dom1, GNTTABOP_unmap_and_replace, &v, 1), -ENOSYS);
	EXPECT_EQ(gt_op(dom1, 13, &v, 1), -ENOSYS);
	EXPECT_EQ(gt_op(dom1, 0xfff, &v, 1), -ENOSYS);
	EXPECT_EQ(gt_op(dom1, GNTTABOP_copy, &v, 0x80000000U), -EINVAL);
	EXPECT_EQ(gt_op(dom1, GNTTABOP_copy | (1U << 12), &v, 1), -EINVAL);
	EXPECT_EQ(gt_op(dom1, GNTTABOP_cache_flush | (1U << 12), NULL, 0), 0);
	EXPECT_EQ(gt_op(dom1, GNTTABOP_map_grant_ref, NULL, 0), 0);
}

TEST(gnttab_map_batch_fault_mid_call)
{
	struct gnttab_map_grant_ref m[3];
	uint64_t at;
	int i;

	gt_setup();
	fake_grant(dom1, 60, D2, fake_gfn(0), GTF_permit_access);
	for (i = 0; i < 3; i++) {
		m[i] = (struct gnttab_map_grant_ref){ .host_addr = MAP_IPA(i),
						      .flags = GNTMAP_host_map,
						      .ref = 60,
						      .dom = D1,
						      .status = 99 };
	}
	at = (uint64_t)(uintptr_t)&m[1].ref;
	host_guest_fault_range(at, at + 1);
	EXPECT_EQ(gt_op(dom2, GNTTABOP_map_grant_ref, m, 3), -EFAULT);
	host_guest_fault_range(0, 0);
	EXPECT_EQ(m[0].status, GNTST_okay);
	EXPECT_EQ(m[1].status, 99);
	EXPECT_EQ(m[2].status, 99);
	EXPECT_EQ(fake_s2_count(dom2), 1);
}

TEST(gnttab_map_batch_reports_status_per_op)
{
	struct gnttab_map_grant_ref m[3];
	struct gnttab_unmap_grant_ref u[3];
	int i;

	gt_setup();
	fake_grant(dom1, 61, D2, fake_gfn(0), GTF_permit_access);
	for (i = 0; i < 3; i++) {
		m[i] = (struct gnttab_map_grant_ref){ .host_addr = MAP_IPA(i),
						      .flags = GNTMAP_host_map,
						      .ref = 61,
						      .dom = D1 };
	}
	m[1].ref = 62;
	ASSERT_EQ(gt_op(dom2, GNTTABOP_map_grant_ref, m, 3), 0);
	EXPECT_EQ(m[0].status, GNTST_okay);
	EXPECT_EQ(m[1].status, GNTST_general_error);
	EXPECT_EQ(m[2].status, GNTST_okay);
	EXPECT_NE(m[0].handle, m[2].handle);
	for (i = 0; i < 3; i++) {
		u[i] = (struct gnttab_unmap_grant_ref){ .host_addr = MAP_IPA(i),
							.handle = m[i].handle };
	}
	u[1].handle = 5000;
	ASSERT_EQ(gt_op(dom2, GNTTABOP_unmap_grant_ref, u, 3), 0);
	EXPECT_EQ(u[0].status, GNTST_okay);
	EXPECT_EQ(u[1].status, GNTST_bad_handle);
	EXPECT_EQ(u[2].status, GNTST_okay);
	EXPECT_EQ(gt_flags(dom1, 61), GTF_permit_access);
}

TEST(gnttab_seed_entry_grants_reserved_refs)
{
	gt_setup();
	ASSERT_EQ(gnttab_seed_entry(&dom1->gd, GNTTAB_RESERVED_CONSOLE, D0,
				    fake_gfn(5), false),
		  0);
	ASSERT_EQ(gnttab_seed_entry(&dom1->gd, GNTTAB_RESERVED_XENSTORE, D0,
				    fake_gfn(6), true),
		  0);
	EXPECT_EQ(gt_flags(dom1, 1), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(fake_entry(dom1, 1)->frame, fake_gfn(6));
	EXPECT_EQ(gt_map(dom0, dom1, 0, MAP_IPA(0), GNTMAP_host_map, NULL),
		  GNTST_okay);
	EXPECT_EQ(gnttab_seed_entry(&dom1->gd, 0, D0, fake_gfn(5), false),
		  -EBUSY);
	EXPECT_EQ(gnttab_seed_entry(&dom1->gd, 512, D0, fake_gfn(5), false),
		  -EINVAL);
	EXPECT_EQ(gnttab_seed_entry(&dom1->gd, 2, D0, 1ULL << 32, false),
		  -EINVAL);
}

TEST(gnttab_domain_init_rejects_bad_limits)
{
	struct gnttab_domain d;

	EXPECT_EQ(gnttab_domain_init(&d, 9, 0, 1, false), -EINVAL);
	EXPECT_EQ(gnttab_domain_init(&d, 9, GNTTAB_MAX_FRAMES + 1, 1, false),
		  -EINVAL);
	EXPECT_EQ(gnttab_domain_init(&d, 9, 1, 0xffffffffU, false), -EINVAL);
	ASSERT_EQ(gnttab_domain_init(&d, 9, 1, 1, false), 0);
	gnttab_domain_destroy(&d);
	gnttab_domain_destroy(&d);
	EXPECT_EQ(gnttab_nr_frames(&d), 0);
	{
		mfn_t m;
		void *va;
		gfn_t g;

		EXPECT_EQ(gnttab_get_frame(&d, 0, &m, &va), -EINVAL);
		EXPECT_EQ(gnttab_set_frame_gfn(&d, 0, gfn_init(1), &g),
			  -EINVAL);
		EXPECT_EQ(gnttab_seed_entry(&d, 0, 0, 1, false), -EINVAL);
		EXPECT_EQ(gnttab_hypercall(&d, GNTTABOP_query_size, 0, 1),
			  -ENOSYS);
	}
}
