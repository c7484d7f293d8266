/* SPDX-License-Identifier: MIT */
/* List-register fill and sync. */
#include <sable/errno.h>

#include "ut.h"
#include "vgic_test.h"

#define LR_STATE(lr) ((unsigned int)((lr) >> 62))
#define LR_VINTID(lr) ((unsigned int)((lr)&0xffffffff))
#define LR_PRIO(lr) ((unsigned int)(((lr) >> 48) & 0xff))

static struct vgic_vcpu *v0(void)
{
	return vgic_get_vcpu(&tg, 0);
}

TEST(vgic_lr_fill_by_priority_with_overflow)
{
	static const uint8_t prio[6] = { 0xa0, 0x20, 0xf0, 0x60, 0x20, 0x40 };
	uint64_t lrs[4];
	unsigned int i;

	tg_setup(1, 32);
	for (i = 0; i < 6; i++) {
		tg_setup_irq(0, 40 + i, prio[i], true);
		ASSERT_EQ(vgic_inject(&tg, 0, 40 + i, true), 0);
	}
	EXPECT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 4), 2);
	/* 0x20 (41, then 44 by INTID), 0x40 (45), 0x60 (43). */
	EXPECT_EQ(LR_VINTID(lrs[0]), 41);
	EXPECT_EQ(LR_VINTID(lrs[1]), 44);
	EXPECT_EQ(LR_VINTID(lrs[2]), 45);
	EXPECT_EQ(LR_VINTID(lrs[3]), 43);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(LR_STATE(lrs[i]), 1);
		EXPECT_TRUE(lrs[i] & ICH_LR_GROUP);
		EXPECT_FALSE(lrs[i] & ICH_LR_HW);
		EXPECT_FALSE(lrs[i] & ICH_LR_EOI); /* edge */
	}
	EXPECT_EQ(LR_PRIO(lrs[0]), 0x20);
	/* The guest takes all four; the two left come next. */
	for (i = 0; i < 4; i++) {
		lrs[i] &= ~(3ULL << 62);
	}
	vgic_sync_lrs(&tg, v0(), lrs, 4);
	EXPECT_TRUE(vgic_vcpu_has_pending(&tg, v0()));
	EXPECT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 4), 0);
	EXPECT_EQ(LR_VINTID(lrs[0]), 40);
	EXPECT_EQ(LR_VINTID(lrs[1]), 42);
	EXPECT_EQ(lrs[2], 0);
	EXPECT_EQ(lrs[3], 0);
	tg_teardown();
}

TEST(vgic_lr_sync_edge_eoi_is_done)
{
	uint64_t lrs[2];

	tg_setup(1, 32);
	tg_setup_irq(0, 33, 0x80, true);
	ASSERT_EQ(vgic_inject(&tg, 0, 33, true), 0);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 2), 0);
	EXPECT_EQ(LR_STATE(lrs[0]), 1);
	/* While in the LR the model holds no separate pending state. */
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, v0()));
	lrs[0] &= ~(3ULL << 62);
	vgic_sync_lrs(&tg, v0(), lrs, 2);
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, v0()));
	EXPECT_EQ(dist_rd(GICD_ISPENDR + 4, 4), 0);
	EXPECT_EQ(dist_rd(GICD_ISACTIVER + 4, 4), 0);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 2), 0);
	EXPECT_EQ(lrs[0], 0);
	tg_teardown();
}

TEST(vgic_lr_sync_keeps_unacked_and_active)
{
	uint64_t lrs[1];

	tg_setup(1, 32);
	tg_setup_irq(0, 33, 0x80, true);
	ASSERT_EQ(vgic_inject(&tg, 0, 33, true), 0);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 1), 0);
	/* Not acknowledged yet: pending again in the model. */
	vgic_sync_lrs(&tg, v0(), lrs, 1);
	EXPECT_TRUE(vgic_vcpu_has_pending(&tg, v0()));
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 1), 0);
	/* Acknowledged, not yet deactivated: active goes back in. */
	lrs[0] = (lrs[0] & ~(3ULL << 62)) | ICH_LR_ACTIVE;
	vgic_sync_lrs(&tg, v0(), lrs, 1);
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, v0()));
	EXPECT_EQ(dist_rd(GICD_ISACTIVER + 4, 4), 2);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 1), 0);
	EXPECT_EQ(LR_STATE(lrs[0]), 2);
	EXPECT_EQ(LR_VINTID(lrs[0]), 33);
	tg_teardown();
}

TEST(vgic_lr_active_goes_first_even_over_priority)
{
	uint64_t lrs[1];

	tg_setup(1, 32);
	tg_setup_irq(0, 33, 0xf0, true);
	tg_setup_irq(0, 34, 0x00, true);
	dist_wr(GICD_ISACTIVER + 4, 4, 1u << 1);
	ASSERT_EQ(vgic_inject(&tg, 0, 34, true), 0);
	EXPECT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 1), 1);
	EXPECT_EQ(LR_VINTID(lrs[0]), 33);
	EXPECT_EQ(LR_STATE(lrs[0]), 2);
	lrs[0] &= ~(3ULL << 62);
	vgic_sync_lrs(&tg, v0(), lrs, 1);
	EXPECT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 1), 0);
	EXPECT_EQ(LR_VINTID(lrs[0]), 34);
	tg_teardown();
}

TEST(vgic_lr_edge_while_in_lr_becomes_pending_and_active)
{
	uint64_t lrs[1];

	tg_setup(1, 32);
	tg_setup_irq(0, 33, 0x80, true);
	ASSERT_EQ(vgic_inject(&tg, 0, 33, true), 0);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 1), 0);
	/* A second edge while the guest handles the first. */
	ASSERT_EQ(vgic_inject(&tg, 0, 33, true), 0);
	lrs[0] = (lrs[0] & ~(3ULL << 62)) | ICH_LR_ACTIVE;
	vgic_sync_lrs(&tg, v0(), lrs, 1);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 1), 0);
	EXPECT_EQ(LR_STATE(lrs[0]), 3);
	tg_teardown();
}

TEST(vgic_lr_level_reasserts_after_eoi_while_line_high)
{
	uint64_t lrs[2];

	tg_setup(1, 32);
	tg_setup_irq(0, 27, 0xa0, false);
	ASSERT_EQ(vgic_inject(&tg, 0, 27, true), 0);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 2), 0);
	EXPECT_EQ(LR_VINTID(lrs[0]), 27);
	EXPECT_TRUE(lrs[0] & ICH_LR_EOI); /* level: resample on EOI */
	/* Guest EOIs but the line is still high: pending again. */
	lrs[0] &= ~(3ULL << 62);
	vgic_sync_lrs(&tg, v0(), lrs, 2);
	EXPECT_TRUE(vgic_vcpu_has_pending(&tg, v0()));
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 2), 0);
	EXPECT_EQ(LR_STATE(lrs[0]), 1);
	/* Line dropped while in the LR: after EOI nothing is left. */
	ASSERT_EQ(vgic_inject(&tg, 0, 27, false), 0);
	lrs[0] &= ~(3ULL << 62);
	vgic_sync_lrs(&tg, v0(), lrs, 2);
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, v0()));
	tg_teardown();
}

TEST(vgic_lr_level_latched_by_ispendr_survives_unacked_sync)
{
	uint64_t lrs[1];

	tg_setup(1, 32);
	tg_setup_irq(0, 40, 0x80, false);
	dist_wr(GICD_ISPENDR + 4, 4, 1u << 8);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 1), 0);
	EXPECT_EQ(LR_STATE(lrs[0]), 1);
	vgic_sync_lrs(&tg, v0(), lrs, 1);
	EXPECT_TRUE(vgic_vcpu_has_pending(&tg, v0()));
	tg_teardown();
}

TEST(vgic_lr_hw_mapped_encoding)
{
	uint64_t lrs[1];

	tg_setup(2, 32);
	ASSERT_EQ(vgic_map_hw_irq(&tg, 40, 72), 0);
	EXPECT_EQ(fake_env.nr_route_calls, 1);
	EXPECT_FALSE(fake_env.route_enable);
	EXPECT_EQ(vgic_map_hw_irq(&tg, 40, 73), -EBUSY);
	EXPECT_EQ(vgic_map_hw_irq(&tg, 27, 27), -EINVAL);
	EXPECT_EQ(vgic_map_hw_irq(&tg, 41, 8192), -EINVAL);
	tg_setup_irq(1, 40, 0x90, false);
	/* The guest enabling it enables and routes the physical SPI. */
	EXPECT_TRUE(fake_env.route_enable);
	EXPECT_EQ(fake_env.route_pintid, 72);
	EXPECT_EQ(fake_env.route_vcpu, 1);
	ASSERT_EQ(vgic_inject(&tg, 0, 40, true), 0);
	ASSERT_EQ(vgic_flush_lrs(&tg, vgic_get_vcpu(&tg, 1), lrs, 1), 0);
	EXPECT_EQ(LR_VINTID(lrs[0]), 40);
	EXPECT_TRUE(lrs[0] & ICH_LR_HW);
	EXPECT_EQ((lrs[0] >> 32) & 0x1fff, 72);
	EXPECT_FALSE(lrs[0] & ICH_LR_EOI);
	EXPECT_EQ(LR_STATE(lrs[0]), 1);
	EXPECT_EQ(LR_PRIO(lrs[0]), 0x90);
	/* Acked; the physical line re-fires only after deactivation, and a
	 * HW LR never carries pending+active. */
	lrs[0] = (lrs[0] & ~(3ULL << 62)) | ICH_LR_ACTIVE;
	vgic_sync_lrs(&tg, vgic_get_vcpu(&tg, 1), lrs, 1);
	dist_wr(GICD_ISPENDR + 4, 4, 1u << 8);
	ASSERT_EQ(vgic_flush_lrs(&tg, vgic_get_vcpu(&tg, 1), lrs, 1), 0);
	EXPECT_EQ(LR_STATE(lrs[0]), 2);
	dist_wr(GICD_ICENABLER + 4, 4, 1u << 8);
	EXPECT_FALSE(fake_env.route_enable);
	ASSERT_EQ(vgic_unmap_hw_irq(&tg, 40), 0);
	EXPECT_EQ(vgic_unmap_hw_irq(&tg, 40), -EINVAL);
	tg_teardown();
}

TEST(vgic_lr_flush_twice_without_sync_keeps_state)
{
	uint64_t lrs[1];

	tg_setup(1, 32);
	tg_setup_irq(0, 33, 0x80, true);
	ASSERT_EQ(vgic_inject(&tg, 0, 33, true), 0);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 1), 0);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 1), 0);
	EXPECT_EQ(LR_VINTID(lrs[0]), 33);
	EXPECT_EQ(LR_STATE(lrs[0]), 1);
	tg_teardown();
}

TEST(vgic_lr_flush_rejects_bad_args)
{
	uint64_t lrs[VGIC_MAX_LRS + 1];

	tg_setup(1, 32);
	EXPECT_EQ(vgic_flush_lrs(&tg, v0(), lrs, VGIC_MAX_LRS + 1), -EINVAL);
	EXPECT_EQ(vgic_flush_lrs(&tg, v0(), NULL, 1), -EINVAL);
	EXPECT_EQ(vgic_flush_lrs(&tg, v0(), NULL, 0), 0);
	tg_teardown();
}

TEST(vgic_lr_only_own_spis_and_private)
{
	uint64_t lrs[4];

	tg_setup(2, 32);
	tg_setup_irq(1, 40, 0x80, true);
	tg_setup_irq(1, 20, 0x80, true);
	tg_setup_irq(0, 20, 0x80, true);
	ASSERT_EQ(vgic_inject(&tg, 0, 40, true), 0);
	ASSERT_EQ(vgic_inject(&tg, 1, 20, true), 0);
	EXPECT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 4), 0);
	EXPECT_EQ(lrs[0], 0);
	EXPECT_EQ(vgic_flush_lrs(&tg, vgic_get_vcpu(&tg, 1), lrs, 4), 0);
	EXPECT_EQ(LR_VINTID(lrs[0]), 20);
	EXPECT_EQ(LR_VINTID(lrs[1]), 40);
	tg_teardown();
}

TEST(vgic_lr_sync_with_foreign_lr_restores_state)
{
	uint64_t lrs[1];

	tg_setup(1, 32);
	tg_setup_irq(0, 33, 0x80, true);
	ASSERT_EQ(vgic_inject(&tg, 0, 33, true), 0);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 1), 0);
	/* An LR that no longer names the INTID is treated as untouched. */
	lrs[0] = 0;
	vgic_sync_lrs(&tg, v0(), lrs, 1);
	EXPECT_TRUE(vgic_vcpu_has_pending(&tg, v0()));
	vgic_sync_lrs(&tg, v0(), NULL, 0);
	EXPECT_TRUE(vgic_vcpu_has_pending(&tg, v0()));
	tg_teardown();
}

/*
 * The guest-entry fast path (vgic_flush_needed) is true from the moment a
 * private interrupt or an SPI is made pending until a flush finds it done,
 * and false once nothing is live and no list register is held.
 */
TEST(vgic_flush_needed_follows_private_and_spi_through_their_life)
{
	uint64_t lrs[2];

	tg_setup(1, 32);
	tg_setup_irq(0, 27, 0x80, false); /* level PPI (the timer) */
	tg_setup_irq(0, 40, 0x80, true);
	/* Register writes mark conservatively; a flush settles them. */
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 2), 0);
	EXPECT_EQ(lrs[0], 0);
	EXPECT_FALSE(vgic_flush_needed(&tg, v0()));
	ASSERT_EQ(vgic_inject(&tg, 0, 27, true), 0);
	EXPECT_TRUE(vgic_flush_needed(&tg, v0()));
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 2), 0);
	EXPECT_EQ(LR_VINTID(lrs[0]), 27);
	/* Taken and ended by the guest while the line stays high. */
	lrs[0] &= ~(3ULL << 62);
	vgic_sync_lrs(&tg, v0(), lrs, 2);
	EXPECT_TRUE(vgic_flush_needed(&tg, v0()));
	ASSERT_EQ(vgic_inject(&tg, 0, 27, false), 0);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 2), 0);
	EXPECT_EQ(lrs[0], 0);
	EXPECT_FALSE(vgic_flush_needed(&tg, v0()));
	/* An SPI: live until the flush after its end. */
	ASSERT_EQ(vgic_inject(&tg, 0, 40, true), 0);
	EXPECT_TRUE(vgic_flush_needed(&tg, v0()));
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 2), 0);
	EXPECT_EQ(LR_VINTID(lrs[0]), 40);
	lrs[0] &= ~(3ULL << 62);
	vgic_sync_lrs(&tg, v0(), lrs, 2);
	ASSERT_EQ(vgic_flush_lrs(&tg, v0(), lrs, 2), 0);
	EXPECT_EQ(lrs[0], 0);
	EXPECT_FALSE(vgic_flush_needed(&tg, v0()));
	/* Pending through the distributor (ISPENDR) counts too. */
	dist_wr(GICD_ISPENDR + 4, 4, 1u << 8);
	EXPECT_TRUE(vgic_flush_needed(&tg, v0()));
	tg_teardown();
}
