/* SPDX-License-Identifier: MIT */
/*
 * PSCI 1.0 and SMCCC 1.1 for guests (DEN0022, DEN0028), function ID in x0,
 * result in x0.
 */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/log.h>

#include "arm64.h"
#include "trap.h"

#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_SUSPEND_64 0xC4000001U
#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON_64 0xC4000003U
#define PSCI_AFFINITY_INFO_64 0xC4000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U
#define PSCI_FEATURES 0x8400000AU
#define SMCCC_VERSION 0x80000000U
#define SMCCC_ARCH_FEATURES 0x80000001U

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMS (-2)
#define PSCI_ALREADY_ON (-4)

static struct vcpu *vcpu_by_mpidr(struct domain *d, uint64_t mpidr)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		if ((d->vcpus[i]->arch.vmpidr & 0xff00ffffffUL) ==
		    (mpidr & 0xff00ffffffUL)) {
			return d->vcpus[i];
		}
	}
	return NULL;
}

static int64_t psci_cpu_on_guest(struct vcpu *v, uint64_t mpidr,
				 uint64_t entry, uint64_t ctx)
{
	struct vcpu *t = vcpu_by_mpidr(v->dom, mpidr);

	if (!t) {
		return PSCI_INVALID_PARAMS;
	}
	if (t->state != VCPU_OFFLINE) {
		return PSCI_ALREADY_ON;
	}
	arch_vcpu_init(t, entry, ctx);
	sched_add_vcpu(t);
	return PSCI_SUCCESS;
}

static int64_t psci_affinity_info(struct vcpu *v, uint64_t mpidr)
{
	struct vcpu *t = vcpu_by_mpidr(v->dom, mpidr);

	if (!t) {
		return PSCI_INVALID_PARAMS;
	}
	return t->state == VCPU_OFFLINE ? 1 : 0;
}

static bool psci_implemented(uint32_t fn)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return true;
	default:
		return false;
	}
}

void psci_guest_call(struct vcpu *v, struct cpu_regs *regs)
{
	uint32_t fn = (uint32_t)regs->x[0];
	int64_t ret = PSCI_NOT_SUPPORTED;

	switch (fn) {
	case PSCI_VERSION:
		ret = 0x00010000; /* 1.0 */
		break;
	case PSCI_FEATURES:
		ret = psci_implemented((uint32_t)regs->x[1]) ? 0 :
							       PSCI_NOT_SUPPORTED;
		break;
	case SMCCC_VERSION:
		ret = 0x10001; /* 1.1 */
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = 2;
		break;
	case PSCI_CPU_ON_64:
		ret = psci_cpu_on_guest(v, regs->x[1], regs->x[2], regs->x[3]);
		break;
	case PSCI_AFFINITY_INFO_64:
		ret = psci_affinity_info(v, regs->x[1]);
		break;
	case PSCI_CPU_SUSPEND_64:
		regs->x[0] = 0;
		sched_block_current();
		return;
	case PSCI_CPU_OFF:
		sched_pause_current_offline();
		return;
	case PSCI_SYSTEM_OFF:
		domain_shutdown(v->dom, SHUTDOWN_poweroff);
		sched_pause_current();
		return;
	case PSCI_SYSTEM_RESET:
		domain_shutdown(v->dom, SHUTDOWN_reboot);
		sched_pause_current();
		return;
	case SMCCC_ARCH_FEATURES:
	default:
		ret = PSCI_NOT_SUPPORTED;
		break;
	}
	regs->x[0] = (uint64_t)ret;
}
