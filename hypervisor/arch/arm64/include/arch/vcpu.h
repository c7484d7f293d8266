/* SPDX-License-Identifier: MIT */
/* arm64 per-vCPU state: general registers and the EL1 context. */
#pragma once

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

struct arch_vcpu {
	struct cpu_regs regs; /* saved while not on a pCPU */
	struct el1_sysregs sys;
	struct fp_state fp __attribute__((aligned(16)));
	uint64_t vmpidr;
	uint64_t hcr;
	uint64_t ich_vmcr, ich_ap1r0;
	/* Its timer fired: physical PPI 27 held off, virtual line up. */
	bool vtimer_held;
	/* Saved with an armed timer: when it fires (physical count). */
	bool parked;
	uint64_t timer_deadline;
	struct vcpu *parked_next;
};
