/* SPDX-License-Identifier: MIT */
/* arm64 per-vCPU state: general registers and the EL1 context. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <arch/regs.h>

struct el1_sysregs {
	uint64_t sctlr, cpacr, ttbr0, ttbr1, tcr, esr, afsr0, afsr1, far;
	uint64_t mair, amair, vbar, contextidr, cntkctl, par, tpidr;
	uint64_t sp_el1, elr, spsr, sp_el0, tpidr_el0, tpidrro_el0, csselr;
	uint64_t cntv_ctl, cntv_cval;
};

struct fp_state {
	__uint128_t q[32];
	uint64_t fpsr, fpcr;
};

/* Pointer-authentication keys: APIA, APIB, APDA, APDB, APGA (lo, hi). */
#define PAUTH_KEY_REGS 10

#define VDEBUG_MAX_BP 16
/*
 * Debug registers as the guest wrote them (trapped, MDCR_EL2.TDA); loaded
 * into the hardware only while they have an effect (live).
 */
struct vdebug {
	uint64_t mdscr;
	uint64_t bvr[VDEBUG_MAX_BP], bcr[VDEBUG_MAX_BP];
	uint64_t wvr[VDEBUG_MAX_BP], wcr[VDEBUG_MAX_BP];
	uint64_t claim; /* DBGCLAIM tag bits */
	bool oslk, osdlk; /* OS lock, OS double lock */
	bool live; /* a breakpoint, watchpoint or step is in effect */
};

struct arch_vcpu {
	struct cpu_regs regs; /* saved while not on a pCPU */
	struct el1_sysregs sys;
	struct fp_state fp __attribute__((aligned(16)));
	uint64_t vmpidr;
	uint64_t hcr;
	uint64_t ich_vmcr, ich_ap1r0;
	uint64_t pauth[PAUTH_KEY_REGS]; /* when the CPU has PAuth */
	uint64_t vdisr; /* VDISR_EL2 (the guest's DISR_EL1) with RAS */
	struct vdebug dbg;
	/* Its timer fired: physical PPI 27 held off, virtual line up. */
	bool vtimer_held;
	/*
	 * Saved with an armed timer: the pCPU whose parked list holds it
	 * (under that list's lock), and when it fires (physical count).
	 */
	struct pcpu *parked_on;
	uint64_t timer_deadline;
	struct vcpu *parked_next;
	/* When its parked timer woke it, until it is switched in (or 0). */
	uint64_t timer_woke_at;
	/*
	 * The pCPU whose registers hold its EL1 state (lazy switch), or
	 * NULL. Set by that pCPU when it loads the vCPU, cleared (release)
	 * once the state is saved back; another pCPU about to run the vCPU
	 * (it migrated) waits for NULL (vcpu.c).
	 */
	struct pcpu *holder;
};
