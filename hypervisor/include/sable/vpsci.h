/* SPDX-License-Identifier: MIT */
/*
 * Virtual PSCI 1.0 and SMCCC 1.1 firmware for guests, reached by HVC #0
 * (the guest DT says method = "hvc"). Function ID in x0, arguments x1-x3,
 * result in x0 (Arm DEN 0022 PSCI, DEN 0028 SMCCC). Actions that touch
 * vCPUs or the domain go through the vdev_env_* hooks.
 */
#pragma once

#include <sable/types.h>
#include <sable/vdev_env.h>

/* Function IDs: 0x84.. are SMC32, 0xC4.. their SMC64 forms. */
#define PSCI_0_2_VERSION 0x84000000u
#define PSCI_0_2_CPU_SUSPEND 0x84000001u
#define PSCI_0_2_CPU_OFF 0x84000002u
#define PSCI_0_2_CPU_ON 0x84000003u
#define PSCI_0_2_AFFINITY_INFO 0x84000004u
#define PSCI_0_2_MIGRATE 0x84000005u
#define PSCI_0_2_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_0_2_MIGRATE_INFO_UP_CPU 0x84000007u
#define PSCI_0_2_SYSTEM_OFF 0x84000008u
#define PSCI_0_2_SYSTEM_RESET 0x84000009u
#define PSCI_1_0_FEATURES 0x8400000au
#define PSCI_1_0_SYSTEM_SUSPEND 0x8400000eu
#define PSCI_1_1_SYSTEM_RESET2 0x84000012u
#define PSCI_FN64(fid) ((fid) | 0x40000000u)

#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_ARCH_SOC_ID 0x80000002u
#define SMCCC_ARCH_WORKAROUND_1 0x80008000u
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffu
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffu

#define PSCI_VERSION_1_0 0x00010000u
#define SMCCC_VERSION_1_1 0x00010001u
#define PSCI_MIGRATE_INFO_NOT_REQUIRED 2

#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)
#define PSCI_RET_INVALID_ADDRESS (-9)

/* AFFINITY_INFO results. */
#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2

/* What the caller does after vpsci_handle(). */
enum vpsci_action {
	VPSCI_RESUME = 0, /* return to the guest, x0 = regs[0] */
	VPSCI_WFI = 1, /* x0 = regs[0], then idle as for a WFI */
	VPSCI_STOPPED = 2, /* vCPU off or domain shut down: do not resume */
};

/*
 * Handle the SMCCC call in @regs (x0..x3 of vCPU @vcpu of domain @d, which
 * has @nr_vcpus vCPUs laid out as vdev_vcpu_affinity()). Writes the result
 * to regs[0] (sign-extended) and leaves regs[1..3] alone. Returns an enum
 * vpsci_action or -EINVAL if @vcpu is not below @nr_vcpus.
 */
int vpsci_handle(struct domain *d, unsigned int nr_vcpus, unsigned int vcpu,
		 uint64_t regs[4]);
