/* SPDX-License-Identifier: MIT */
/*
 * Virtual timer (CNTV_*): the arch code saves CNTV_CTL_EL0/CNTV_CVAL_EL0
 * into struct vtimer when a vCPU stops running and restores them (with the
 * domain's CNTVOFF_EL2) when it runs again. While the vCPU is not running
 * the portable part decides when its timer fires: the hypervisor arms its
 * own timer at vtimer_deadline() and, when that expires (or on any other
 * look), calls vtimer_update_irq() which drives PPI 27 as a level input.
 *
 * Arm ARM D11 (Generic Timer): the virtual count is CNTPCT - CNTVOFF; the
 * timer condition is met when the virtual count >= CVAL (unsigned);
 * ISTATUS reports it while ENABLE is set; the interrupt is asserted when
 * ENABLE = 1, IMASK = 0 and the condition is met.
 */
#pragma once

#include <sable/types.h>

struct vgic;

#define VTIMER_PPI 27

#define CNTV_CTL_ENABLE (1ULL << 0)
#define CNTV_CTL_IMASK (1ULL << 1)
#define CNTV_CTL_ISTATUS (1ULL << 2)

struct vtimer {
	uint64_t ctl; /* CNTV_CTL_EL0 as saved */
	uint64_t cval; /* CNTV_CVAL_EL0 */
	uint64_t cntvoff; /* the domain's CNTVOFF_EL2 */
};

/* Reset state: disabled, CVAL 0. */
void vtimer_init(struct vtimer *t, uint64_t cntvoff);

/* Virtual count at physical count @now_phys. */
uint64_t vtimer_virt_count(const struct vtimer *t, uint64_t now_phys);

/* The interrupt output at physical count @now_phys_count. */
bool vtimer_should_fire(const struct vtimer *t, uint64_t now_phys_count);

/*
 * Physical counter value at which the interrupt output goes high, for the
 * hypervisor's own timer while the vCPU is descheduled or blocked in WFI.
 * Already due: @now_phys. 0 with *@deadline set, or -ENOENT when it never
 * fires (disabled or masked). Saturates at UINT64_MAX.
 */
int vtimer_deadline(const struct vtimer *t, uint64_t now_phys,
		    uint64_t *deadline);

/* CNTV_CTL_EL0 with ISTATUS computed for @now_phys (what the guest reads). */
uint64_t vtimer_ctl_read(const struct vtimer *t, uint64_t now_phys);

/*
 * Drive PPI 27 of vCPU @vcpu from the timer state at @now_phys (high when
 * vtimer_should_fire()). Returns 1 if the line is high, 0 if low, or the
 * -errno of vgic_inject().
 */
int vtimer_update_irq(const struct vtimer *t, struct vgic *g, unsigned int vcpu,
		      uint64_t now_phys);
