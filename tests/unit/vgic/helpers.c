/* SPDX-License-Identifier: MIT */
#include "ut.h"
#include "vgic_test.h"

struct vgic tg;

void tg_setup(unsigned int nr_vcpus, unsigned int nr_spis)
{
	fake_env_reset();
	ASSERT_EQ(vgic_init(&tg, nr_vcpus, nr_spis), 0);
}

void tg_teardown(void)
{
	vgic_destroy(&tg);
}

uint64_t dist_rd(uint64_t off, unsigned int size)
{
	uint64_t v = 0xdeadbeef;

	ASSERT_EQ(vgic_dist_mmio(&tg, vgic_get_vcpu(&tg, 0), off, size, false,
				 &v),
		  VDEV_HANDLED);
	return v;
}

void dist_wr(uint64_t off, unsigned int size, uint64_t val)
{
	ASSERT_EQ(vgic_dist_mmio(&tg, vgic_get_vcpu(&tg, 0), off, size, true,
				 &val),
		  VDEV_HANDLED);
}

uint64_t redist_rd(unsigned int vcpu, uint64_t off, unsigned int size)
{
	uint64_t v = 0xdeadbeef;

	ASSERT_EQ(vgic_redist_mmio(&tg, vcpu * VGIC_REDIST_STRIDE + off, size,
				   false, &v),
		  VDEV_HANDLED);
	return v;
}

void redist_wr(unsigned int vcpu, uint64_t off, unsigned int size, uint64_t val)
{
	ASSERT_EQ(vgic_redist_mmio(&tg, vcpu * VGIC_REDIST_STRIDE + off, size,
				   true, &val),
		  VDEV_HANDLED);
}

void tg_setup_irq(unsigned int vcpu, unsigned int intid, uint8_t prio,
		  bool edge)
{
	uint32_t bit = 1u << (intid % 32);
	uint64_t cfg_off = (intid / 16) * 4;
	uint64_t cfg;

	dist_wr(GICD_CTLR, 4, LINUX_GICD_CTLR);
	if (intid < 32) {
		redist_wr(vcpu, GICR_SGI + GICD_IPRIORITYR + intid, 1, prio);
		if (intid >= 16) {
			cfg = redist_rd(vcpu, GICR_SGI + GICD_ICFGR + cfg_off,
					4);
			cfg &= ~(3ULL << (2 * (intid % 16)));
			cfg |= (uint64_t)(edge ? 2 : 0) << (2 * (intid % 16));
			redist_wr(vcpu, GICR_SGI + GICD_ICFGR + cfg_off, 4,
				  cfg);
		}
		redist_wr(vcpu, GICR_SGI + GICD_ISENABLER, 4, bit);
		return;
	}
	dist_wr(GICD_IPRIORITYR + intid, 1, prio);
	cfg = dist_rd(GICD_ICFGR + cfg_off, 4);
	cfg &= ~(3ULL << (2 * (intid % 16)));
	cfg |= (uint64_t)(edge ? 2 : 0) << (2 * (intid % 16));
	dist_wr(GICD_ICFGR + cfg_off, 4, cfg);
	dist_wr(GICD_IROUTER + 8 * intid, 8, vdev_vcpu_affinity(vcpu));
	dist_wr(GICD_ISENABLER + (intid / 32) * 4, 4, bit);
}
