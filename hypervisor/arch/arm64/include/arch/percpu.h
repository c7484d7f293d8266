/* SPDX-License-Identifier: MIT */
/*
 * arm64 part of the per-CPU structure: list-register shadows and the
 * vCPUs whose virtual timer waits while another vCPU owns the registers.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pcpu_arch {
	uint64_t lr[16]; /* last value written to ICH_LR<n>_EL2 */
	unsigned int lr_used; /* LRs that may hold guest state */
	uint64_t ich_hcr; /* last value written to ICH_HCR_EL2 */
	/* Saved vCPUs of this pCPU with an armed timer (vcpu.c). */
	struct vcpu *parked;
	/* The debug hardware holds a live vCPU debug state (vdebug.c). */
	bool dbg_live;
};

struct vcpu;
