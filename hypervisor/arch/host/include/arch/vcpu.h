/* SPDX-License-Identifier: MIT */
/*
 * Host per-vCPU state: no registers to switch, only what arch_vcpu_init()
 * was given and how often the scheduler ran and saved the vCPU, so that
 * unit tests of the core can see it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct arch_vcpu {
	uint64_t entry; /* PC of the last arch_vcpu_init() */
	uint64_t x0; /* its x0 (the device tree for a boot vCPU) */
	unsigned int inits; /* arch_vcpu_init() calls */
	unsigned int runs; /* arch_vcpu_run() calls */
	unsigned int saves; /* sched_arch_save_current() calls */
	/* A continuation: the same hypercall again with these arguments. */
	bool continued;
	uint64_t cont_args[5];
	unsigned int continuations;
	/* PSTATE.I of the guest at its trap (set by a test). */
	bool irqs_masked;
};
