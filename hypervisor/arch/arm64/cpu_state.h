/* SPDX-License-Identifier: MIT */
/*
 * Isolation of CPU state between vCPUs (docs/cpu-state.md): the features
 * found at boot, the EL2 trap controls derived from them, the emulated
 * debug registers and the synchronisation of SErrors at guest exit.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <arch/regs.h>

struct vcpu;
struct pcpu;

/* Written once by the boot CPU before any guest runs, then read-only. */
struct cpu_caps {
	bool pauth, pauth_generic; /* address / generic authentication */
	bool sve, ras, mpam, amu, lor, hcx, fgt, pmu, spe, trf;
	unsigned int brps, wrps; /* breakpoints, watchpoints */
	uint64_t guest_hcr; /* HCR_EL2 bits every guest gets on top */
	uint64_t cptr, mdcr; /* CPTR_EL2, MDCR_EL2 of every pCPU */
};
extern struct cpu_caps cpu_caps;

/* cpufeature.c */
void cpufeat_probe(void);
void cpufeat_cpu_init(void);
/* The guest's view of ID register op0=3, op1=0, CRn=0, CRm=crm, op2. */
uint64_t cpufeat_guest_id_reg(unsigned int crm, unsigned int op2);

/* vdebug.c: debug registers, emulated per vCPU (MDCR_EL2.TDA/TDOSA/TDRA). */
void vdebug_cpu_init(void);
void vdebug_vcpu_init(struct vcpu *v);
/* v is about to own this pCPU's registers. */
void vdebug_switch(struct pcpu *c, struct vcpu *v);
/* A trapped op0 == 2 access (ISS of EC 0x18): false if not emulated. */
bool vdebug_sysreg(struct vcpu *v, struct cpu_regs *regs, uint64_t iss);

/* serror.c */
/* Take any SError pending on this pCPU now: true if there was one. */
bool serror_sync(void);
/* serror_charge() (the domain crashes): hypervisor/core/sched_arch.h. */
