/* SPDX-License-Identifier: MIT */
/*
 * Random guest and device activity against the vGIC, checking invariants
 * after every step (a deterministic, sanitizer-backed stress test).
 */
#include "ut.h"
#include "vgic_internal.h"
#include "vgic_test.h"

#define NR_VCPUS 3
#define NR_SPIS 64
#define NR_LRS 4

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned int rnd_size(void)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8, 4, 4, 3 };

	return sizes[rnd() % ARRAY_SIZE(sizes)];
}

static void random_mmio(void)
{
	uint64_t val = rnd();
	unsigned int size = rnd_size();
	bool wr = rnd() & 1;
	uint64_t off;
	int ret;

	if (rnd() & 1) {
		/* Bias to the implemented registers. */
		off = (rnd() & 1) ? rnd() % 0x1000 : 0x6000 + rnd() % 0x2000;
		if (rnd() % 8 == 0) {
			off = rnd() % 0x10000;
		}
		ret = vgic_dist_mmio(&tg, vgic_get_vcpu(&tg, 0), off & ~3ULL,
				     size, wr, &val);
	} else {
		off = (rnd() % (NR_VCPUS + 1)) * VGIC_REDIST_STRIDE +
		      (rnd() & 1) * GICR_SGI + rnd() % 0x1000;
		ret = vgic_redist_mmio(&tg, off & ~3ULL, size, wr, &val);
	}
	ASSERT_TRUE(ret == VDEV_HANDLED || ret == VDEV_UNHANDLED);
}

static void random_lr_state(uint64_t *lrs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (rnd() % 3 == 0) {
			lrs[i] = (lrs[i] & ~(3ULL << 62)) | (rnd() << 62);
		}
	}
}

/* Guest-like baseline: distributor on, everything enabled and spread. */
static void enable_all(void)
{
	unsigned int i;

	dist_wr(GICD_CTLR, 4, LINUX_GICD_CTLR);
	for (i = 1; i <= NR_SPIS / 32; i++) {
		dist_wr(GICD_ISENABLER + 4 * i, 4, 0xffffffff);
	}
	for (i = 32; i < 32 + NR_SPIS; i++) {
		dist_wr(GICD_IROUTER + 8 * i, 8, i % NR_VCPUS);
	}
	for (i = 0; i < NR_VCPUS; i++) {
		redist_wr(i, GICR_SGI + GICD_ISENABLER, 4, 0xffffffff);
	}
}

static void check_invariants(bool running[NR_VCPUS])
{
	unsigned int in_lr = 0, used = 0, i, j;

	for (i = 0; i < NR_VCPUS; i++) {
		struct vgic_vcpu *v = vgic_get_vcpu(&tg, i);

		for (j = 0; j < VGIC_NR_PRIVATE; j++) {
			in_lr += !!(v->priv[j].flags & VGIC_IRQ_IN_LR);
		}
		ASSERT_TRUE(v->nr_lrs_used <= NR_LRS);
		ASSERT_TRUE(running[i] || v->nr_lrs_used == 0);
		used += v->nr_lrs_used;
	}
	for (j = 0; j < tg.nr_spis; j++) {
		in_lr += !!(tg.spis[j].flags & VGIC_IRQ_IN_LR);
	}
	ASSERT_EQ(in_lr, used);
}

TEST(vgic_random_activity_keeps_invariants)
{
	static uint64_t lrs[NR_VCPUS][NR_LRS];
	bool running[NR_VCPUS] = { false };
	unsigned int step, i, j, filled = 0, overflowed = 0;

	tg_setup(NR_VCPUS, NR_SPIS);
	ASSERT_EQ(vgic_map_hw_irq(&tg, 50, 80), 0);
	for (step = 0; step < 50000; step++) {
		if (step % 500 == 0) {
			enable_all();
		}
		unsigned int vcpu = (unsigned int)(rnd() % NR_VCPUS);
		uint64_t *lr = lrs[vcpu];
		int left;

		switch (rnd() % 6) {
		case 0:
			if (rnd() % 4 == 0) {
				random_mmio();
			}
			break;
		case 1:
			vgic_inject(&tg, vcpu, (unsigned int)(rnd() % 100),
				    rnd() & 1);
			break;
		case 2:
			vgic_send_sgi(&tg, vcpu, rnd() & 0x00ff11ff0fff00ffULL);
			break;
		case 3:
			if (running[vcpu]) {
				random_lr_state(lr, NR_LRS);
				vgic_sync_lrs(&tg, vgic_get_vcpu(&tg, vcpu), lr,
					      NR_LRS);
				running[vcpu] = false;
			}
			break;
		default:
			left = vgic_flush_lrs(&tg, vgic_get_vcpu(&tg, vcpu), lr,
					      NR_LRS);
			ASSERT_TRUE(left >= 0);
			overflowed += left > 0;
			filled += lr[0] != 0;
			running[vcpu] = true;
			for (i = 0; i < NR_LRS; i++) {
				uint64_t st = lr[i] >> 62;

				if (!st) {
					ASSERT_EQ(lr[i], 0);
					continue;
				}
				ASSERT_TRUE((lr[i] & 0xffffffff) <
					    32 + NR_SPIS);
				ASSERT_FALSE((lr[i] & ICH_LR_HW) && st == 3);
				for (j = 0; j < i; j++) {
					ASSERT_NE(lr[i] & 0xffffffff,
						  lr[j] & 0xffffffff);
				}
			}
			break;
		}
		check_invariants(running);
	}
	for (i = 0; i < NR_VCPUS; i++) {
		vgic_sync_lrs(&tg, vgic_get_vcpu(&tg, i), lrs[i], NR_LRS);
		running[i] = false;
	}
	check_invariants(running);
	/* The walk did reach the interesting states. */
	EXPECT_GT(filled, 1000);
	EXPECT_GT(overflowed, 100);
	tg_teardown();
}
