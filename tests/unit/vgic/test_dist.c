/* SPDX-License-Identifier: MIT */
/* Distributor and redistributor register emulation. */
#include <sable/errno.h>

#include "ut.h"
#include "vgic_test.h"

TEST(vgic_init_rejects_bad_configs)
{
	struct vgic g;

	EXPECT_EQ(vgic_init(&g, 0, 32), -EINVAL);
	EXPECT_EQ(vgic_init(&g, VGIC_MAX_VCPUS + 1, 32), -EINVAL);
	EXPECT_EQ(vgic_init(&g, 1, VGIC_MAX_SPIS + 1), -EINVAL);
	ASSERT_EQ(vgic_init(&g, 1, 0), 0);
	EXPECT_EQ(g.nr_spis, 0);
	EXPECT_TRUE(vgic_get_vcpu(&g, 1) == NULL);
	vgic_destroy(&g);
}

/* The order of gic_dist_init() in Linux's irq-gic-v3.c. */
TEST(vgic_dist_linux_boot_sequence)
{
	unsigned int i;

	tg_setup(4, 64);
	dist_wr(GICD_CTLR, 4, 0);
	EXPECT_EQ(dist_rd(GICD_CTLR, 4) & (1u << 31), 0); /* RWP clear */
	EXPECT_EQ(dist_rd(GICD_PIDR2, 4) & 0xf0, 0x30);
	/* 96 INTIDs: ITLinesNumber 2, IDbits 9, no LPIs, no MBIS/ESPI. */
	EXPECT_EQ(dist_rd(GICD_TYPER, 4), 2u | 9u << 19);
	EXPECT_EQ(dist_rd(GICD_TYPER2, 4), 0);
	EXPECT_EQ(dist_rd(GICD_IIDR, 4) & 0xfff, 0x43b);
	for (i = 32; i < 96; i += 32) {
		dist_wr(GICD_IGROUPR + i / 8, 4, 0xffffffff);
		dist_wr(GICD_ICACTIVER + i / 8, 4, 0xffffffff);
		dist_wr(GICD_ICENABLER + i / 8, 4, 0xffffffff);
	}
	for (i = 32; i < 96; i += 16) {
		dist_wr(GICD_ICFGR + i / 4, 4, 0);
	}
	for (i = 32; i < 96; i += 4) {
		dist_wr(GICD_IPRIORITYR + i, 4, 0xa0a0a0a0);
	}
	dist_wr(GICD_CTLR, 4, LINUX_GICD_CTLR);
	/* ARE_NS is RAO/WI; EnableGrp1 (bit 0) is RES0 in this view. */
	EXPECT_EQ(dist_rd(GICD_CTLR, 4), 0x12);
	for (i = 32; i < 96; i++) {
		dist_wr(GICD_IROUTER + 8 * i, 8, 0);
	}
	EXPECT_EQ(dist_rd(GICD_IGROUPR + 4, 4), 0xffffffff);
	EXPECT_EQ(dist_rd(GICD_IPRIORITYR + 40, 4), 0xa0a0a0a0);
	EXPECT_EQ(dist_rd(GICD_ICFGR + 8, 4), 0);
	EXPECT_EQ(dist_rd(GICD_ISENABLER + 4, 4), 0);
	EXPECT_EQ(dist_rd(GICD_IROUTER + 8 * 95, 8), 0);
	tg_teardown();
}

TEST(vgic_dist_enable_set_clear_read_back)
{
	tg_setup(1, 32);
	dist_wr(GICD_ISENABLER + 4, 4, 0x11);
	EXPECT_EQ(dist_rd(GICD_ISENABLER + 4, 4), 0x11);
	EXPECT_EQ(dist_rd(GICD_ICENABLER + 4, 4), 0x11);
	dist_wr(GICD_ICENABLER + 4, 4, 0x01);
	EXPECT_EQ(dist_rd(GICD_ISENABLER + 4, 4), 0x10);
	dist_wr(GICD_ISACTIVER + 4, 4, 0x6);
	EXPECT_EQ(dist_rd(GICD_ICACTIVER + 4, 4), 0x6);
	dist_wr(GICD_ICACTIVER + 4, 4, 0x2);
	EXPECT_EQ(dist_rd(GICD_ISACTIVER + 4, 4), 0x4);
	dist_wr(GICD_IGROUPR + 4, 4, 0xfffffffe);
	EXPECT_EQ(dist_rd(GICD_IGROUPR + 4, 4), 0xfffffffe);
	tg_teardown();
}

TEST(vgic_dist_private_intids_raz_wi_with_are)
{
	tg_setup(2, 32);
	dist_wr(GICD_ISENABLER, 4, 0xffffffff);
	EXPECT_EQ(dist_rd(GICD_ISENABLER, 4), 0);
	EXPECT_EQ(redist_rd(0, GICR_SGI + GICD_ISENABLER, 4), 0);
	dist_wr(GICD_IPRIORITYR, 4, 0x80808080);
	EXPECT_EQ(dist_rd(GICD_IPRIORITYR, 4), 0);
	/* IROUTER<0..31> are reserved. */
	dist_wr(GICD_IROUTER + 8 * 5, 8, 0x1);
	EXPECT_EQ(dist_rd(GICD_IROUTER + 8 * 5, 4), 0);
	tg_teardown();
}

TEST(vgic_dist_ispendr_icpendr)
{
	tg_setup(1, 32);
	dist_wr(GICD_ISPENDR + 4, 4, 0x5);
	EXPECT_EQ(dist_rd(GICD_ICPENDR + 4, 4), 0x5);
	dist_wr(GICD_ICPENDR + 4, 4, 0x1);
	EXPECT_EQ(dist_rd(GICD_ISPENDR + 4, 4), 0x4);
	/* A level line that is high stays pending through ICPENDR. */
	ASSERT_EQ(vgic_inject(&tg, 0, 40, true), 0);
	dist_wr(GICD_ICPENDR + 4, 4, 1u << 8);
	EXPECT_EQ(dist_rd(GICD_ISPENDR + 4, 4), 0x104);
	ASSERT_EQ(vgic_inject(&tg, 0, 40, false), 0);
	EXPECT_EQ(dist_rd(GICD_ISPENDR + 4, 4), 0x4);
	tg_teardown();
}

TEST(vgic_dist_ipriorityr_byte_access)
{
	tg_setup(1, 32);
	dist_wr(GICD_IPRIORITYR + 33, 1, 0x40);
	dist_wr(GICD_IPRIORITYR + 35, 1, 0xf0);
	EXPECT_EQ(dist_rd(GICD_IPRIORITYR + 32, 4), 0xf0004000);
	EXPECT_EQ(dist_rd(GICD_IPRIORITYR + 33, 1), 0x40);
	tg_teardown();
}

TEST(vgic_dist_icfgr_edge_bits)
{
	tg_setup(1, 32);
	dist_wr(GICD_ICFGR + 8, 4, 0xffffffff);
	/* Only the odd (edge) bits are implemented. */
	EXPECT_EQ(dist_rd(GICD_ICFGR + 8, 4), 0xaaaaaaaa);
	dist_wr(GICD_ICFGR + 8, 4, 0x8);
	EXPECT_EQ(dist_rd(GICD_ICFGR + 8, 4), 0x8);
	tg_teardown();
}

TEST(vgic_dist_irouter_halves_and_mask)
{
	tg_setup(20, 32);
	dist_wr(GICD_IROUTER + 8 * 33, 4, 0x0103);
	dist_wr(GICD_IROUTER + 8 * 33 + 4, 4, 0x0);
	EXPECT_EQ(dist_rd(GICD_IROUTER + 8 * 33, 8), 0x0103);
	EXPECT_EQ(tg.spis[1].target, 19);
	/* Reserved bits are not stored. */
	dist_wr(GICD_IROUTER + 8 * 34, 8, 0xffffffffffffffffULL);
	EXPECT_EQ(dist_rd(GICD_IROUTER + 8 * 34, 8), 0xff80ffffffULL);
	EXPECT_EQ(tg.spis[2].target, 0); /* IRM: 1 of N */
	dist_wr(GICD_IROUTER + 8 * 35, 8, 0x0500);
	EXPECT_EQ(tg.spis[3].target, VGIC_NO_TARGET);
	/* Beyond nr_spis: RAZ/WI. */
	dist_wr(GICD_IROUTER + 8 * 64, 8, 0x1);
	EXPECT_EQ(dist_rd(GICD_IROUTER + 8 * 64, 8), 0);
	tg_teardown();
}

TEST(vgic_dist_bad_sizes_unhandled_reserved_raz_wi)
{
	uint64_t v = 0;
	struct vgic_vcpu *c;

	tg_setup(1, 32);
	c = vgic_get_vcpu(&tg, 0);
	EXPECT_EQ(vgic_dist_mmio(&tg, c, GICD_CTLR, 1, false, &v),
		  VDEV_UNHANDLED);
	EXPECT_EQ(vgic_dist_mmio(&tg, c, GICD_CTLR, 8, false, &v),
		  VDEV_UNHANDLED);
	EXPECT_EQ(vgic_dist_mmio(&tg, c, GICD_ISENABLER + 2, 4, false, &v),
		  VDEV_UNHANDLED);
	EXPECT_EQ(vgic_dist_mmio(&tg, c, GICD_IPRIORITYR, 2, false, &v),
		  VDEV_UNHANDLED);
	EXPECT_EQ(vgic_dist_mmio(&tg, c, GICD_IPRIORITYR, 3, false, &v),
		  VDEV_UNHANDLED);
	EXPECT_EQ(vgic_dist_mmio(&tg, c, VGIC_DIST_SIZE, 4, false, &v),
		  VDEV_UNHANDLED);
	EXPECT_EQ(vgic_dist_mmio(&tg, c, 0x20, 1, false, &v), VDEV_UNHANDLED);
	/* Reserved words read as zero and ignore writes. */
	v = 0x1234;
	EXPECT_EQ(vgic_dist_mmio(&tg, c, 0x20, 4, true, &v), VDEV_HANDLED);
	EXPECT_EQ(dist_rd(0x20, 4), 0);
	EXPECT_EQ(dist_rd(0x5000, 4), 0);
	EXPECT_EQ(dist_rd(0x0800, 1), 0); /* ITARGETSR: RES0 with ARE */
	tg_teardown();
}

TEST(vgic_redist_waker_handshake)
{
	tg_setup(2, 32);
	/* Out of reset the redistributor is asleep. */
	EXPECT_EQ(redist_rd(1, GICR_WAKER, 4), 0x6);
	redist_wr(1, GICR_WAKER, 4, redist_rd(1, GICR_WAKER, 4) & ~0x2ULL);
	EXPECT_EQ(redist_rd(1, GICR_WAKER, 4) & 0x4, 0);
	EXPECT_EQ(redist_rd(0, GICR_WAKER, 4), 0x6); /* per vCPU */
	redist_wr(1, GICR_WAKER, 4, 0x2);
	EXPECT_EQ(redist_rd(1, GICR_WAKER, 4), 0x6);
	tg_teardown();
}

TEST(vgic_redist_typer_affinity_and_last)
{
	unsigned int i;

	tg_setup(20, 32);
	for (i = 0; i < 20; i++) {
		uint64_t t = redist_rd(i, GICR_TYPER, 8);

		EXPECT_EQ(t >> 32, vdev_vcpu_affinity(i));
		EXPECT_EQ((t >> 8) & 0xffff, i);
		EXPECT_EQ((t >> 4) & 1, i == 19);
		EXPECT_EQ(t & 0xf, 0); /* no LPIs */
		EXPECT_EQ(redist_rd(i, GICR_TYPER + 4, 4), t >> 32);
		EXPECT_EQ(redist_rd(i, GICR_TYPER, 4), t & 0xffffffff);
	}
	EXPECT_EQ(redist_rd(17, GICR_TYPER + 4, 4), 0x101);
	EXPECT_EQ(redist_rd(19, GICR_PIDR2, 4) & 0xf0, 0x30);
	EXPECT_EQ(redist_rd(3, GICR_CTLR, 4), 0);
	EXPECT_EQ(redist_rd(3, 0x0004, 4), dist_rd(GICD_IIDR, 4));
	tg_teardown();
}

TEST(vgic_redist_beyond_last_and_bad_sizes_unhandled)
{
	uint64_t v = 0;

	tg_setup(2, 32);
	EXPECT_EQ(vgic_redist_mmio(&tg, 2 * VGIC_REDIST_STRIDE, 4, false, &v),
		  VDEV_UNHANDLED);
	EXPECT_EQ(vgic_redist_mmio(&tg, GICR_WAKER, 1, false, &v),
		  VDEV_UNHANDLED);
	EXPECT_EQ(vgic_redist_mmio(&tg, GICR_TYPER + 2, 2, false, &v),
		  VDEV_UNHANDLED);
	EXPECT_EQ(
		vgic_redist_mmio(&tg, GICR_SGI + GICD_ISENABLER, 8, false, &v),
		VDEV_UNHANDLED);
	EXPECT_EQ(redist_rd(0, GICR_SGI + 0x2000, 4), 0);
	tg_teardown();
}

TEST(vgic_redist_sgi_frame_is_per_vcpu)
{
	tg_setup(2, 32);
	redist_wr(1, GICR_SGI + GICD_ISENABLER, 4, 1u << 27);
	redist_wr(1, GICR_SGI + GICD_IPRIORITYR + 27, 1, 0xa0);
	EXPECT_EQ(redist_rd(1, GICR_SGI + GICD_ISENABLER, 4), 1u << 27);
	EXPECT_EQ(redist_rd(0, GICR_SGI + GICD_ISENABLER, 4), 0);
	EXPECT_EQ(redist_rd(1, GICR_SGI + GICD_IPRIORITYR + 24, 4), 0xa0000000);
	EXPECT_EQ(redist_rd(1, GICR_SGI + GICD_IGROUPR, 4), 0xffffffff);
	redist_wr(1, GICR_SGI + GICD_ICENABLER, 4, 0xffffffff);
	EXPECT_EQ(redist_rd(1, GICR_SGI + GICD_ISENABLER, 4), 0);
	tg_teardown();
}

TEST(vgic_redist_icfgr0_sgis_fixed_edge)
{
	tg_setup(1, 32);
	EXPECT_EQ(redist_rd(0, GICR_SGI + GICD_ICFGR, 4), 0xaaaaaaaa);
	redist_wr(0, GICR_SGI + GICD_ICFGR, 4, 0);
	EXPECT_EQ(redist_rd(0, GICR_SGI + GICD_ICFGR, 4), 0xaaaaaaaa);
	/* PPIs are programmable; they reset to level. */
	EXPECT_EQ(redist_rd(0, GICR_SGI + GICD_ICFGR + 4, 4), 0);
	redist_wr(0, GICR_SGI + GICD_ICFGR + 4, 4, 2u << 22);
	EXPECT_EQ(redist_rd(0, GICR_SGI + GICD_ICFGR + 4, 4), 2u << 22);
	tg_teardown();
}
