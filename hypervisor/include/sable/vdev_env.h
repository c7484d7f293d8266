/* SPDX-License-Identifier: MIT */
/*
 * The contract between the portable device models (vgic, vtimer, vpsci) and
 * the rest of the hypervisor. The models call the vdev_env_* hooks; the
 * hypervisor implements them (the unit tests implement fakes).
 *
 * The vCPU affinity layout is fixed here once so that the vGIC (GICR_TYPER,
 * IROUTER, ICC_SGI1R targets), vPSCI (CPU_ON targets) and the arch code
 * (VMPIDR_EL2, the guest's /cpus nodes) agree: vCPU i has Aff0 = i & 0xf,
 * Aff1 = i >> 4, Aff2 = Aff3 = 0.
 */
#pragma once

#include <sable/types.h>

struct vgic;
struct domain;

/* MMIO handler results (negative values are -errno from the model). */
#define VDEV_HANDLED 0
#define VDEV_UNHANDLED 1

/* Affinity value of vCPU @idx as Aff3:Aff2:Aff1:Aff0 (32 bits, MPIDR order
 * Aff3 in [31:24]). */
static inline uint32_t vdev_vcpu_affinity(unsigned int idx)
{
	return ((uint32_t)(idx >> 4) & 0xffu) << 8 | (idx & 0xfu);
}

/* MPIDR_EL1 value the guest sees for vCPU @idx (bit 31 is RES1). */
static inline uint64_t vdev_vcpu_mpidr(unsigned int idx)
{
	return (1ULL << 31) | vdev_vcpu_affinity(idx);
}

/*
 * vCPU index for the affinity fields of an MPIDR-format value (Aff0 [7:0],
 * Aff1 [15:8], Aff2 [23:16], Aff3 [39:32]; other bits ignored), or -1 when
 * it names no vCPU below @nr_vcpus.
 */
static inline int vdev_mpidr_to_vcpu(uint64_t mpidr, unsigned int nr_vcpus)
{
	uint64_t aff0 = mpidr & 0xff;
	uint64_t aff1 = (mpidr >> 8) & 0xff;
	uint64_t aff2 = (mpidr >> 16) & 0xff;
	uint64_t aff3 = (mpidr >> 32) & 0xff;
	uint64_t idx = aff1 * 16 + aff0;

	if (aff0 > 0xf || aff2 != 0 || aff3 != 0 || idx >= nr_vcpus) {
		return -1;
	}
	return (int)idx;
}

/* ---- hooks used by the vGIC ---------------------------------------------- */

/*
 * An interrupt became deliverable to vCPU @vcpu of @g: wake it if it is
 * blocked in WFI, or IPI the pCPU running it so that it re-enters with fresh
 * list registers. Called without the vGIC lock held; may be called for a
 * vCPU that is currently running on the calling pCPU.
 */
void vdev_env_kick_vcpu(struct vgic *g, unsigned int vcpu);

/*
 * The guest changed the enable or the routing of a hardware-mapped SPI:
 * physical INTID @pintid must now be @enable'd and routed to the pCPU that
 * runs vCPU @vcpu (VGIC_NO_TARGET: no vCPU matches its IROUTER). Called with
 * the vGIC lock held: must not call back into the vGIC.
 */
void vdev_env_route_hw_spi(struct vgic *g, unsigned int pintid,
			   unsigned int vcpu, bool enable);

/* ---- hooks used by vPSCI ------------------------------------------------- */

enum vdev_vcpu_power {
	VDEV_VCPU_OFF = 0,
	VDEV_VCPU_ON = 1,
	VDEV_VCPU_ON_PENDING = 2,
};

/*
 * Start vCPU @vcpu of @d at EL1h with PC = @entry, x0 = @ctx, PSTATE.DAIF
 * masked, MMU and caches off. Atomically moves it from off to on-pending.
 * Returns 0, -EEXIST if it is already on, -EAGAIN if a start is already
 * pending, -EINVAL if @entry is not an acceptable address.
 */
int vdev_env_vcpu_on(struct domain *d, unsigned int vcpu, uint64_t entry,
		     uint64_t ctx);

/* Stop the calling vCPU @vcpu of @d; it does not return to the guest. 0 or
 * -errno (e.g. -EPERM when the hypervisor refuses). */
int vdev_env_vcpu_off(struct domain *d, unsigned int vcpu);

enum vdev_vcpu_power vdev_env_vcpu_state(struct domain *d, unsigned int vcpu);

/* Shut domain @d down with a Xen SHUTDOWN_* reason (poweroff 0, reboot 1). */
void vdev_env_domain_shutdown(struct domain *d, unsigned int reason);
