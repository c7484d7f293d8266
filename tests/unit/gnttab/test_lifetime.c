// SPDX-License-Identifier: MIT
/* Domain death with live grant mappings, in either order. */
#include "gt_util.h"

TEST(gnttab_granter_dies_while_mapped_page_stays_alive)
{
	uint32_t h;
	mfn_t mfn;
	uint8_t *va;

	gt_setup();
	fake_grant(dom1, 70, D2, fake_gfn(4), GTF_permit_access);
	mfn = fake_gfn_mfn(dom1, fake_gfn(4));
	va = fake_gfn_va(dom1, fake_gfn(4));
	va[0] = 0x42;
	ASSERT_EQ(gt_map(dom2, dom1, 70, MAP_IPA(0), GNTMAP_host_map, &h),
		  GNTST_okay);
	fake_dom_destroy(dom1);
	dom1 = NULL;
	/* The mapper's reference keeps the page. */
	EXPECT_EQ(fake_page_refs(mfn), 1);
	EXPECT_EQ(va[0], 0x42);
	/* New maps of the dead domain fail. */
	EXPECT_EQ(gt_map(dom2, NULL, 70, MAP_IPA(1), GNTMAP_host_map, NULL),
		  GNTST_bad_domain);
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), h), GNTST_okay);
	EXPECT_EQ(fake_page_refs(mfn), -1);
	EXPECT_EQ(fake_live_pages(), 2 * FAKE_RAM_PAGES);
}

TEST(gnttab_mapper_dies_mappings_torn_down)
{
	uint32_t h;
	mfn_t mfn;

	gt_setup();
	fake_grant(dom1, 71, D2, fake_gfn(5), GTF_permit_access);
	fake_grant(dom1, 72, D2, fake_gfn(6), GTF_permit_access);
	mfn = fake_gfn_mfn(dom1, fake_gfn(5));
	ASSERT_EQ(gt_map(dom2, dom1, 71, MAP_IPA(0), GNTMAP_host_map, &h),
		  GNTST_okay);
	ASSERT_EQ(gt_map(dom2, dom1, 72, MAP_IPA(1),
			 GNTMAP_host_map | GNTMAP_readonly, &h),
		  GNTST_okay);
	EXPECT_EQ(fake_page_refs(mfn), 2);
	fake_dom_destroy(dom2);
	dom2 = NULL;
	EXPECT_EQ(gt_flags(dom1, 71), GTF_permit_access);
	EXPECT_EQ(gt_flags(dom1, 72), GTF_permit_access);
	EXPECT_EQ(fake_page_refs(mfn), 1);
	EXPECT_TRUE(fake_end_access(dom1, 71));
}

TEST(gnttab_both_die_all_references_dropped)
{
	uint32_t h;

	gt_setup();
	fake_grant(dom1, 73, D2, fake_gfn(0), GTF_permit_access);
	fake_grant(dom2, 74, D1, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom2, dom1, 73, MAP_IPA(0), GNTMAP_host_map, &h),
		  GNTST_okay);
	ASSERT_EQ(gt_map(dom1, dom2, 74, MAP_IPA(0), GNTMAP_host_map, &h),
		  GNTST_okay);
	fake_dom_destroy(dom1);
	fake_dom_destroy(dom2);
	fake_dom_destroy(dom0);
	dom0 = dom1 = dom2 = NULL;
	EXPECT_EQ(fake_live_pages(), 0);
}

TEST(gnttab_self_mapping_released_on_destroy)
{
	uint32_t h;

	gt_setup();
	fake_grant(dom1, 75, D1, fake_gfn(0), GTF_permit_access);
	ASSERT_EQ(gt_map(dom1, dom1, 75, MAP_IPA(0), GNTMAP_host_map, &h),
		  GNTST_okay);
	fake_dom_destroy(dom1);
	dom1 = NULL;
	EXPECT_EQ(fake_live_pages(), 2 * FAKE_RAM_PAGES);
}

/*
 * Teardown gives back everything charged to the dying domain: its
 * maptrack frames and its grant frames, which live on charged to nobody
 * while another domain still maps one of its grants.
 */
TEST(gnttab_destroy_gives_back_every_charge)
{
	uint32_t h;
	mfn_t m;
	void *va;

	gt_setup();
	ASSERT_EQ(gnttab_get_frame(&dom1->gd, 3, &m, &va), 0);
	fake_grant(dom2, 10, D1, fake_gfn(0), GTF_permit_access);
	fake_grant(dom1, 11, D2, fake_gfn(1), GTF_permit_access);
	ASSERT_EQ(gt_map(dom1, dom2, 10, MAP_IPA(0), GNTMAP_host_map, NULL),
		  GNTST_okay);
	ASSERT_EQ(gt_map(dom2, dom1, 11, MAP_IPA(0), GNTMAP_host_map, &h),
		  GNTST_okay);
	EXPECT_GT(dom1->charged, 0);
	gnttab_domain_destroy(&dom1->gd);
	EXPECT_EQ(dom1->charged, 0);
	EXPECT_EQ(gnttab_nr_frames(&dom1->gd), 0);
	/* dom1's table outlives it for dom2's mapping, charging no one. */
	EXPECT_EQ(gt_unmap(dom2, MAP_IPA(0), h), GNTST_okay);
	EXPECT_EQ(dom1->charged, 0);
}
