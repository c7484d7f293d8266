/* SPDX-License-Identifier: MIT */
/*
 * Every offset of the distributor and of the redistributor frames, at
 * every access size, written with all ones and read back, as a hostile
 * guest may: misaligned accesses are refused, reads never carry bits
 * beyond the access size, frames past the last vCPU are not there, and
 * nothing names a vCPU or INTID the vGIC does not have.
 */
#include <sable/errno.h>

#include "ut.h"
#include "vgic_test.h"

#define SWEEP_VCPUS 3
#define SWEEP_SPIS 32

static const unsigned int sizes[] = { 1, 2, 4, 8 };

static uint64_t size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* One access both ways at @off; false if it broke a rule. */
static bool sweep_one(int (*acc)(uint64_t off, unsigned int size, bool wr,
				 uint64_t *val),
		      uint64_t off, unsigned int size)
{
	uint64_t v = ~0ULL;
	int rw = acc(off, size, true, &v);
	int rr;

	v = 0x5a5a5a5a5a5a5a5aULL;
	rr = acc(off, size, false, &v);
	if (off & (size - 1)) {
		return rw == VDEV_UNHANDLED && rr == VDEV_UNHANDLED;
	}
	if (rw != rr) {
		return false;
	}
	return rr != VDEV_HANDLED || (v & ~size_mask(size)) == 0;
}

static struct vgic_vcpu *sweep_caller;
static unsigned int sweep_vcpu;

static int dist_acc(uint64_t off, unsigned int size, bool wr, uint64_t *val)
{
	return vgic_dist_mmio(&tg, sweep_caller, off, size, wr, val);
}

static int redist_acc(uint64_t off, unsigned int size, bool wr, uint64_t *val)
{
	return vgic_redist_mmio(&tg,
				sweep_vcpu * (uint64_t)VGIC_REDIST_STRIDE + off,
				size, wr, val);
}

/* After the sweep: every SPI names a vCPU that exists, or none. */
static void expect_targets_in_range(void)
{
	for (unsigned int i = 0; i < tg.nr_spis; i++) {
		EXPECT_TRUE(tg.spis[i].target < SWEEP_VCPUS ||
			    tg.spis[i].target == VGIC_NO_TARGET);
	}
	for (unsigned int i = SWEEP_VCPUS; i < 128; i++) {
		EXPECT_EQ(fake_env.kicks[i], 0);
	}
}

TEST(vgic_dist_every_offset_and_size_keeps_the_rules)
{
	unsigned int bad = 0;

	tg_setup(SWEEP_VCPUS, SWEEP_SPIS);
	sweep_caller = vgic_get_vcpu(&tg, 1);
	for (uint64_t off = 0; off < VGIC_DIST_SIZE; off++) {
		for (unsigned int s = 0; s < 4; s++) {
			bad += !sweep_one(dist_acc, off, sizes[s]);
		}
	}
	EXPECT_EQ(bad, 0);
	/* Past the window: nothing. */
	for (unsigned int s = 0; s < 4; s++) {
		uint64_t v = 0;

		EXPECT_EQ(dist_acc(VGIC_DIST_SIZE, sizes[s], false, &v),
			  VDEV_UNHANDLED);
		EXPECT_EQ(dist_acc(~0ULL & ~7ULL, sizes[s], true, &v),
			  VDEV_UNHANDLED);
	}
	expect_targets_in_range();
	tg_teardown();
}

TEST(vgic_redist_every_offset_and_size_keeps_the_rules)
{
	unsigned int bad = 0;

	tg_setup(SWEEP_VCPUS, SWEEP_SPIS);
	for (sweep_vcpu = 0; sweep_vcpu < SWEEP_VCPUS + 2; sweep_vcpu++) {
		for (uint64_t off = 0; off < VGIC_REDIST_STRIDE; off++) {
			for (unsigned int s = 0; s < 4; s++) {
				uint64_t v = 0;

				if (sweep_vcpu < SWEEP_VCPUS) {
					bad += !sweep_one(redist_acc, off,
							  sizes[s]);
					continue;
				}
				/* No frame for a vCPU that does not exist. */
				bad += redist_acc(off, sizes[s], true, &v) !=
					       VDEV_UNHANDLED ||
				       redist_acc(off, sizes[s], false, &v) !=
					       VDEV_UNHANDLED;
			}
		}
	}
	EXPECT_EQ(bad, 0);
	expect_targets_in_range();
	tg_teardown();
}
