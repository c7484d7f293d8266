/* SPDX-License-Identifier: MIT */
/* Virtual timer decisions and PPI 27 injection. */
#include <sable/errno.h>
#include <sable/vtimer.h>

#include "ut.h"
#include "vgic_test.h"

TEST(vtimer_disabled_or_masked_never_fires)
{
	struct vtimer t;
	uint64_t dl = 7;

	vtimer_init(&t, 100);
	EXPECT_FALSE(vtimer_should_fire(&t, 1000));
	EXPECT_EQ(vtimer_deadline(&t, 1000, &dl), -ENOENT);
	t.ctl = CNTV_CTL_ENABLE | CNTV_CTL_IMASK;
	t.cval = 0;
	EXPECT_FALSE(vtimer_should_fire(&t, 1000));
	EXPECT_EQ(vtimer_deadline(&t, 1000, &dl), -ENOENT);
	EXPECT_EQ(dl, 7);
	/* Masked but expired: ISTATUS still reads 1. */
	EXPECT_EQ(vtimer_ctl_read(&t, 1000),
		  CNTV_CTL_ENABLE | CNTV_CTL_IMASK | CNTV_CTL_ISTATUS);
}

TEST(vtimer_deadline_adds_cntvoff)
{
	struct vtimer t;
	uint64_t dl = 0;

	vtimer_init(&t, 1000);
	t.ctl = CNTV_CTL_ENABLE;
	t.cval = 5000; /* virtual */
	EXPECT_EQ(vtimer_virt_count(&t, 3000), 2000);
	ASSERT_EQ(vtimer_deadline(&t, 3000, &dl), 0);
	EXPECT_EQ(dl, 6000);
	EXPECT_FALSE(vtimer_should_fire(&t, 5999));
	EXPECT_TRUE(vtimer_should_fire(&t, 6000));
	EXPECT_EQ(vtimer_ctl_read(&t, 5999), CNTV_CTL_ENABLE);
	EXPECT_EQ(vtimer_ctl_read(&t, 6000),
		  CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS);
	/* Already due: now. */
	ASSERT_EQ(vtimer_deadline(&t, 7000, &dl), 0);
	EXPECT_EQ(dl, 7000);
}

TEST(vtimer_deadline_wraps_and_saturates)
{
	struct vtimer t;
	uint64_t dl = 0;

	/* CNTVOFF larger than the physical count: virtual count wraps. */
	vtimer_init(&t, 0xfffffffffffff000ULL);
	t.ctl = CNTV_CTL_ENABLE;
	t.cval = 0x2000;
	EXPECT_EQ(vtimer_virt_count(&t, 0x100), 0x1100);
	ASSERT_EQ(vtimer_deadline(&t, 0x100, &dl), 0);
	EXPECT_EQ(dl, 0x1000);
	/* A CVAL beyond the end of the physical counter: saturate. */
	vtimer_init(&t, 0);
	t.ctl = CNTV_CTL_ENABLE;
	t.cval = UINT64_MAX;
	ASSERT_EQ(vtimer_deadline(&t, 10, &dl), 0);
	EXPECT_EQ(dl, UINT64_MAX);
	vtimer_init(&t, 0x10);
	t.ctl = CNTV_CTL_ENABLE;
	t.cval = UINT64_MAX - 1;
	ASSERT_EQ(vtimer_deadline(&t, UINT64_MAX - 4, &dl), 0);
	EXPECT_EQ(dl, UINT64_MAX);
}

TEST(vtimer_update_irq_drives_ppi27_level)
{
	struct vtimer t;
	uint64_t lrs[1];

	tg_setup(2, 0);
	tg_setup_irq(1, VTIMER_PPI, 0xa0, false);
	vtimer_init(&t, 0);
	t.ctl = CNTV_CTL_ENABLE;
	t.cval = 100;
	EXPECT_EQ(vtimer_update_irq(&t, &tg, 1, 50), 0);
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 1)));
	EXPECT_EQ(vtimer_update_irq(&t, &tg, 1, 100), 1);
	EXPECT_EQ(fake_env.kicks[1], 1);
	EXPECT_TRUE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 1)));
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 0)));
	ASSERT_EQ(vgic_flush_lrs(&tg, vgic_get_vcpu(&tg, 1), lrs, 1), 0);
	EXPECT_EQ(lrs[0] & 0xffffffff, VTIMER_PPI);
	/* The guest masks the timer in its handler and EOIs. */
	t.ctl |= CNTV_CTL_IMASK;
	lrs[0] &= ~(3ULL << 62);
	vgic_sync_lrs(&tg, vgic_get_vcpu(&tg, 1), lrs, 1);
	EXPECT_EQ(vtimer_update_irq(&t, &tg, 1, 200), 0);
	EXPECT_FALSE(vgic_vcpu_has_pending(&tg, vgic_get_vcpu(&tg, 1)));
	EXPECT_EQ(vtimer_update_irq(&t, &tg, 2, 200), -EINVAL);
	tg_teardown();
}
