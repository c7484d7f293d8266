/* SPDX-License-Identifier: MIT */
/* Injection, SPI routing, SGI generation from ICC_SGI1R_EL1 values. */
#include <sable/errno.h>

#include "ut.h"
#include "vgic_test.h"

static uint64_t sgi1r(unsigned int intid, unsigned int aff1, uint16_t targets)
{
	return (uint64_t)intid << 24 | (uint64_t)aff1 << 16 | targets;
}

static bool sgi_pending(unsigned int vcpu, unsigned int sgi)
{
	return redist_rd(vcpu, GICR_SGI + GICD_ISPENDR, 4) & (1u << sgi);
}

TEST(vgic_inject_rejects_bad_intid_and_vcpu)
{
	tg_setup(2, 32);
	EXPECT_EQ(vgic_inject(&tg, 2, 27, true), -EINVAL);
	EXPECT_EQ(vgic_inject(&tg, 0, 64, true), -EINVAL);
	EXPECT_EQ(vgic_inject(&tg, 0, 1023, true), -EINVAL);
	EXPECT_EQ(vgic_inject(&tg, 7, 40, true), 0); /* SPI: vcpu ignored */
	tg_teardown();
}

TEST(vgic_spi_routed_by_irouter_kicks_target)
{
	tg_setup(4, 32);
	tg_setup_irq(2, 40, 0x80, true);
	fake_env_reset();
	ASSERT_EQ(vgic_inject(&tg, 0, 40, true), 0);
	EXPECT_EQ(fake_env.kicks[2], 1);
	EXPECT_EQ(fake_env.kicks[0], 0);
	EXPECT_TRUE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 2)));
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 0)));
	/* Re-routing moves it and kicks the new target. */
	dist_wr(GICD_IROUTER + 8 * 40, 8, vdev_vcpu_affinity(3));
	EXPECT_EQ(fake_env.kicks[3], 1);
	EXPECT_TRUE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 3)));
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 2)));
	tg_teardown();
}

TEST(vgic_spi_with_unknown_affinity_is_not_delivered)
{
	tg_setup(2, 32);
	tg_setup_irq(0, 40, 0x80, true);
	dist_wr(GICD_IROUTER + 8 * 40, 8, 0x0700);
	fake_env_reset();
	ASSERT_EQ(vgic_inject(&tg, 0, 40, true), 0);
	EXPECT_EQ(fake_env.kicks[0] + fake_env.kicks[1], 0);
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 0)));
	EXPECT_EQ(dist_rd(GICD_ISPENDR + 4, 4), 1u << 8);
	tg_teardown();
}

TEST(vgic_disabled_or_dist_off_interrupt_waits)
{
	tg_setup(1, 32);
	ASSERT_EQ(vgic_inject(&tg, 0, 40, true), 0);
	EXPECT_EQ(fake_env.kicks[0], 0);
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 0)));
	dist_wr(GICD_ISENABLER + 4, 4, 1u << 8);
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 0)));
	/* Enabling the distributor makes it deliverable and kicks. */
	dist_wr(GICD_CTLR, 4, LINUX_GICD_CTLR);
	EXPECT_EQ(fake_env.kicks[0], 1);
	EXPECT_TRUE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 0)));
	/* Group 0 is not forwarded in this view. */
	dist_wr(GICD_IGROUPR + 4, 4, 0);
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 0)));
	tg_teardown();
}

TEST(vgic_ppi_is_per_vcpu)
{
	tg_setup(2, 32);
	tg_setup_irq(1, 27, 0xa0, false);
	ASSERT_EQ(vgic_inject(&tg, 1, 27, true), 0);
	EXPECT_EQ(fake_env.kicks[1], 1);
	EXPECT_TRUE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 1)));
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 0)));
	ASSERT_EQ(vgic_inject(&tg, 1, 27, false), 0);
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 1)));
	tg_teardown();
}

TEST(vgic_sgi_target_list_with_aff1)
{
	unsigned int i;

	tg_setup(20, 0);
	/* vCPUs 16 and 19 live at Aff1 = 1, Aff0 = 0 and 3. */
	ASSERT_EQ(vgic_send_sgi(&tg, 0, sgi1r(5, 1, 0x9)), 0);
	for (i = 0; i < 20; i++) {
		EXPECT_EQ(sgi_pending(i, 5), i == 16 || i == 19);
	}
	ASSERT_EQ(vgic_send_sgi(&tg, 0, sgi1r(2, 0, 0x6)), 0);
	EXPECT_TRUE(sgi_pending(1, 2));
	EXPECT_TRUE(sgi_pending(2, 2));
	EXPECT_FALSE(sgi_pending(0, 2));
	tg_teardown();
}

TEST(vgic_sgi_to_absent_targets_is_ignored)
{
	unsigned int i;

	tg_setup(4, 0);
	/* Aff0 4..15 do not exist, nor Aff1 = 2, RS = 1, Aff2 or Aff3. */
	ASSERT_EQ(vgic_send_sgi(&tg, 0, sgi1r(1, 0, 0xfff0)), 0);
	ASSERT_EQ(vgic_send_sgi(&tg, 0, sgi1r(1, 2, 0x1)), 0);
	ASSERT_EQ(vgic_send_sgi(&tg, 0, sgi1r(1, 0, 0x1) | 1ULL << 44), 0);
	ASSERT_EQ(vgic_send_sgi(&tg, 0, sgi1r(1, 0, 0x1) | 1ULL << 32), 0);
	ASSERT_EQ(vgic_send_sgi(&tg, 0, sgi1r(1, 0, 0x1) | 1ULL << 48), 0);
	for (i = 0; i < 4; i++) {
		EXPECT_FALSE(sgi_pending(i, 1));
	}
	EXPECT_EQ(vgic_send_sgi(&tg, 4, sgi1r(1, 0, 1)), -EINVAL);
	tg_teardown();
}

TEST(vgic_sgi_irm_broadcasts_to_all_but_self)
{
	unsigned int i;

	tg_setup(5, 0);
	for (i = 0; i < 5; i++) {
		tg_setup_irq(i, 3, 0x80, true);
	}
	fake_env_reset();
	ASSERT_EQ(vgic_send_sgi(&tg, 2, 1ULL << 40 | 3ULL << 24), 0);
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(sgi_pending(i, 3), i != 2);
		EXPECT_EQ(fake_env.kicks[i], i != 2);
	}
	tg_teardown();
}
