/* SPDX-License-Identifier: MIT */
/*
 * The register frame saved on the EL2 stack at every exception, in the
 * order entry.S stores it. Offsets are used by the assembly.
 */
#pragma once

#ifndef __ASSEMBLY__
#include <stdint.h>

struct cpu_regs {
	uint64_t x[31]; /* x0..x30 */
	uint64_t sp_el0_unused;
	uint64_t elr; /* ELR_EL2: guest PC */
	uint64_t spsr; /* SPSR_EL2: guest PSTATE */
};

#endif

#define CPU_REGS_SIZE 272
#define CPU_REGS_ELR 256
#define CPU_REGS_SPSR 264

#ifndef __ASSEMBLY__
_Static_assert(sizeof(struct cpu_regs) == CPU_REGS_SIZE, "cpu_regs size");
_Static_assert(__builtin_offsetof(struct cpu_regs, elr) == CPU_REGS_ELR,
	       "cpu_regs elr");
_Static_assert(__builtin_offsetof(struct cpu_regs, spsr) == CPU_REGS_SPSR,
	       "cpu_regs spsr");
#endif
