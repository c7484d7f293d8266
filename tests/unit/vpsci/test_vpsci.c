/* SPDX-License-Identifier: MIT */
/* Every vPSCI / SMCCC function and error. */
#include <sable/errno.h>
#include <sable/vpsci.h>

#include "fake_env.h"
#include "ut.h"

static struct domain *const dom = (struct domain *)0x1000;

/* Call @fid with x1..x3 on vCPU @vcpu of a 4-vCPU domain. */
static int call(unsigned int vcpu, uint64_t fid, uint64_t a1, uint64_t a2,
		uint64_t a3, int64_t *ret)
{
	uint64_t regs[4] = { fid, a1, a2, a3 };
	int act = vpsci_handle(dom, 4, vcpu, regs);

	*ret = (int64_t)regs[0];
	EXPECT_EQ(regs[1], a1);
	EXPECT_EQ(regs[2], a2);
	EXPECT_EQ(regs[3], a3);
	return act;
}

static int64_t simple(uint64_t fid, uint64_t a1)
{
	int64_t r;

	EXPECT_EQ(call(0, fid, a1, 0, 0, &r), VPSCI_RESUME);
	return r;
}

static void setup(void)
{
	fake_env_reset();
	fake_env.power[0] = VDEV_VCPU_ON;
}

TEST(vpsci_version_and_smccc_version)
{
	setup();
	EXPECT_EQ(simple(PSCI_0_2_VERSION, 0), 0x10000);
	EXPECT_EQ(simple(SMCCC_VERSION, 0), 0x10001);
	/* Upper half of x0 is not part of the function ID. */
	EXPECT_EQ(simple(0xffffffff00000000ULL | PSCI_0_2_VERSION, 0), 0x10000);
}

TEST(vpsci_features_reports_implemented_functions)
{
	static const uint32_t yes[] = {
		PSCI_0_2_VERSION,
		PSCI_0_2_CPU_SUSPEND,
		PSCI_FN64(PSCI_0_2_CPU_SUSPEND),
		PSCI_0_2_CPU_OFF,
		PSCI_FN64(PSCI_0_2_CPU_ON),
		PSCI_0_2_CPU_ON,
		PSCI_FN64(PSCI_0_2_AFFINITY_INFO),
		PSCI_0_2_MIGRATE_INFO_TYPE,
		PSCI_0_2_SYSTEM_OFF,
		PSCI_0_2_SYSTEM_RESET,
		PSCI_1_0_FEATURES,
		SMCCC_VERSION,
	};
	static const uint32_t no[] = {
		PSCI_1_0_SYSTEM_SUSPEND,
		PSCI_FN64(PSCI_1_0_SYSTEM_SUSPEND),
		PSCI_1_1_SYSTEM_RESET2,
		PSCI_FN64(PSCI_1_1_SYSTEM_RESET2),
		PSCI_0_2_MIGRATE,
		PSCI_0_2_MIGRATE_INFO_UP_CPU,
		PSCI_FN64(PSCI_0_2_VERSION),
		SMCCC_ARCH_FEATURES,
		SMCCC_ARCH_WORKAROUND_1,
		0x86000000u,
		0x12345678u,
	};
	unsigned int i;

	setup();
	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		EXPECT_EQ(simple(PSCI_1_0_FEATURES, yes[i]), 0);
	}
	for (i = 0; i < ARRAY_SIZE(no); i++) {
		EXPECT_EQ(simple(PSCI_1_0_FEATURES, no[i]), -1);
	}
}

TEST(vpsci_smccc_arch_features_denies_workarounds)
{
	setup();
	EXPECT_EQ(simple(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1), -1);
	EXPECT_EQ(simple(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_2), -1);
	EXPECT_EQ(simple(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3), -1);
	EXPECT_EQ(simple(SMCCC_ARCH_FEATURES, SMCCC_ARCH_SOC_ID), -1);
	EXPECT_EQ(simple(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES), 0);
}

TEST(vpsci_unknown_functions_not_supported)
{
	setup();
	EXPECT_EQ(simple(PSCI_1_0_SYSTEM_SUSPEND, 0), -1);
	EXPECT_EQ(simple(PSCI_1_1_SYSTEM_RESET2, 0), -1);
	EXPECT_EQ(simple(PSCI_0_2_MIGRATE, 0), -1);
	EXPECT_EQ(simple(0x8400001fu, 0), -1); /* past the table */
	EXPECT_EQ(simple(0x84000100u, 0), -1); /* high function number */
	EXPECT_EQ(simple(0x04000000u, 0), -1); /* yielding call */
	EXPECT_EQ(simple(0x84010000u, 0), -1); /* MBZ bits set */
	EXPECT_EQ(simple(0x86000000u, 0), -1); /* vendor hypervisor */
	EXPECT_EQ(simple(0xc2000000u, 0), -1); /* SiP */
	EXPECT_EQ(simple(PSCI_FN64(PSCI_0_2_SYSTEM_OFF), 0), -1);
	EXPECT_EQ(simple(0xbf000000u, 0), -1); /* trusted OS */
	EXPECT_EQ(fake_env.nr_shutdown, 0);
}

TEST(vpsci_migrate_info_type_is_not_required)
{
	setup();
	EXPECT_EQ(simple(PSCI_0_2_MIGRATE_INFO_TYPE, 0), 2);
}

TEST(vpsci_cpu_on_starts_target)
{
	int64_t r;

	setup();
	EXPECT_EQ(call(0, PSCI_FN64(PSCI_0_2_CPU_ON), 2, 0x40080000ULL,
		       0x1234567890ULL, &r),
		  VPSCI_RESUME);
	EXPECT_EQ(r, PSCI_RET_SUCCESS);
	EXPECT_EQ(fake_env.nr_on, 1);
	EXPECT_EQ(fake_env.on_vcpu, 2);
	EXPECT_EQ(fake_env.on_entry, 0x40080000ULL);
	EXPECT_EQ(fake_env.on_ctx, 0x1234567890ULL);
	/* A second CPU_ON while the first is still pending. */
	call(0, PSCI_FN64(PSCI_0_2_CPU_ON), 2, 0x40080000ULL, 0, &r);
	EXPECT_EQ(r, PSCI_RET_ON_PENDING);
	fake_env.power[2] = VDEV_VCPU_ON;
	call(0, PSCI_FN64(PSCI_0_2_CPU_ON), 2, 0x40080000ULL, 0, &r);
	EXPECT_EQ(r, PSCI_RET_ALREADY_ON);
	call(0, PSCI_FN64(PSCI_0_2_CPU_ON), 0, 0x40080000ULL, 0, &r);
	EXPECT_EQ(r, PSCI_RET_ALREADY_ON);
	EXPECT_EQ(fake_env.nr_on, 1);
}

TEST(vpsci_cpu_on_32bit_truncates_arguments)
{
	int64_t r;

	setup();
	call(0, PSCI_0_2_CPU_ON, 0xffffffff00000001ULL, 0x1ffff0000ULL,
	     0xaaaaaaaabbbbbbbbULL, &r);
	EXPECT_EQ(r, PSCI_RET_SUCCESS);
	EXPECT_EQ(fake_env.on_vcpu, 1);
	EXPECT_EQ(fake_env.on_entry, 0xffff0000ULL);
	EXPECT_EQ(fake_env.on_ctx, 0xbbbbbbbbULL);
}

TEST(vpsci_cpu_on_invalid_target_and_address)
{
	int64_t r;

	setup();
	/* vCPU 4 (Aff0 4) does not exist; Aff1/Aff2/Aff3 never do here. */
	call(0, PSCI_FN64(PSCI_0_2_CPU_ON), 4, 0x40080000, 0, &r);
	EXPECT_EQ(r, PSCI_RET_INVALID_PARAMS);
	call(0, PSCI_FN64(PSCI_0_2_CPU_ON), 0x100, 0x40080000, 0, &r);
	EXPECT_EQ(r, PSCI_RET_INVALID_PARAMS);
	call(0, PSCI_FN64(PSCI_0_2_CPU_ON), 1ULL << 32 | 1, 0x40080000, 0, &r);
	EXPECT_EQ(r, PSCI_RET_INVALID_PARAMS);
	EXPECT_EQ(fake_env.nr_on, 0);
	fake_env.vcpu_on_ret = -EINVAL;
	call(0, PSCI_FN64(PSCI_0_2_CPU_ON), 1, 0x1, 0, &r);
	EXPECT_EQ(r, PSCI_RET_INVALID_ADDRESS);
	fake_env.vcpu_on_ret = -ENOMEM;
	call(0, PSCI_FN64(PSCI_0_2_CPU_ON), 1, 0x1, 0, &r);
	EXPECT_EQ(r, PSCI_RET_INTERNAL_FAILURE);
}

TEST(vpsci_cpu_off_stops_caller)
{
	int64_t r;

	setup();
	fake_env.power[3] = VDEV_VCPU_ON;
	EXPECT_EQ(call(3, PSCI_0_2_CPU_OFF, 0, 0, 0, &r), VPSCI_STOPPED);
	EXPECT_EQ(fake_env.nr_off, 1);
	EXPECT_EQ(fake_env.off_vcpu, 3);
	EXPECT_EQ(fake_env.power[3], VDEV_VCPU_OFF);
	fake_env.vcpu_off_ret = -EPERM;
	EXPECT_EQ(call(0, PSCI_0_2_CPU_OFF, 0, 0, 0, &r), VPSCI_RESUME);
	EXPECT_EQ(r, PSCI_RET_DENIED);
}

TEST(vpsci_affinity_info_states)
{
	setup();
	fake_env.power[1] = VDEV_VCPU_ON_PENDING;
	EXPECT_EQ(simple(PSCI_FN64(PSCI_0_2_AFFINITY_INFO), 0), PSCI_AFF_ON);
	EXPECT_EQ(simple(PSCI_FN64(PSCI_0_2_AFFINITY_INFO), 1),
		  PSCI_AFF_ON_PENDING);
	EXPECT_EQ(simple(PSCI_0_2_AFFINITY_INFO, 2), PSCI_AFF_OFF);
	EXPECT_EQ(simple(PSCI_FN64(PSCI_0_2_AFFINITY_INFO), 9),
		  PSCI_RET_INVALID_PARAMS);
}

TEST(vpsci_affinity_info_rejects_higher_levels)
{
	int64_t r;

	setup();
	call(0, PSCI_FN64(PSCI_0_2_AFFINITY_INFO), 0, 1, 0, &r);
	EXPECT_EQ(r, PSCI_RET_INVALID_PARAMS);
}

TEST(vpsci_system_off_and_reset_shut_down)
{
	int64_t r;

	setup();
	EXPECT_EQ(call(1, PSCI_0_2_SYSTEM_OFF, 0, 0, 0, &r), VPSCI_STOPPED);
	EXPECT_EQ(fake_env.nr_shutdown, 1);
	EXPECT_EQ(fake_env.shutdown_reason, 0);
	EXPECT_EQ(call(0, PSCI_0_2_SYSTEM_RESET, 0, 0, 0, &r), VPSCI_STOPPED);
	EXPECT_EQ(fake_env.nr_shutdown, 2);
	EXPECT_EQ(fake_env.shutdown_reason, 1);
}

TEST(vpsci_cpu_suspend_is_wfi)
{
	int64_t r;

	setup();
	EXPECT_EQ(call(0, PSCI_FN64(PSCI_0_2_CPU_SUSPEND), 0x10000, 0x4000, 0,
		       &r),
		  VPSCI_WFI);
	EXPECT_EQ(r, PSCI_RET_SUCCESS);
	EXPECT_EQ(call(0, PSCI_0_2_CPU_SUSPEND, 0, 0, 0, &r), VPSCI_WFI);
}

TEST(vpsci_rejects_bad_calling_vcpu)
{
	uint64_t regs[4] = { PSCI_0_2_VERSION, 0, 0, 0 };

	EXPECT_EQ(vpsci_handle(dom, 4, 4, regs), -EINVAL);
	EXPECT_EQ(regs[0], PSCI_0_2_VERSION);
}
