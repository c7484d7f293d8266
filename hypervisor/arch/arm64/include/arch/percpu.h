/* SPDX-License-Identifier: MIT */
/*
 * arm64 part of the per-CPU structure: list-register shadows and the
 * vCPUs whose virtual timer waits while another vCPU owns the registers.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sable/spinlock.h>

struct pcpu_arch {
	uint64_t lr[16]; /* last value written to ICH_LR<n>_EL2 */
	unsigned int lr_used; /* LRs that may hold guest state */
	uint64_t ich_hcr; /* last value written to ICH_HCR_EL2 */
	/*
	 * Protects: parked, and the vCPUs' parked_next. Saved vCPUs with
	 * an armed timer, woken by this pCPU's EL2 timer (vcpu.c); another
	 * pCPU that loads one of them (it migrated) takes it off. Nests
	 * nothing.
	 */
	spinlock_t parked_lock;
	struct vcpu *parked;
	/* The debug hardware holds a live vCPU debug state (vdebug.c). */
	bool dbg_live;
	/*
	 * Timer advance (vcpu.c), counter ticks, this pCPU only: the compare
	 * value the EL2 timer was given, and running averages of how late
	 * its interrupt came and of how long a vCPU its timer woke took to
	 * be switched in.
	 */
	uint64_t timer_armed;
	uint64_t timer_late;
	uint64_t timer_switch;
};

struct vcpu;

struct pcpu;

/* This pCPU's struct pcpu, kept in TPIDR_EL2 from its bring-up (setup.c). */
#define ARCH_INLINE_THIS_CPU 1
static inline struct pcpu *this_cpu(void)
{
	uint64_t p;

	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(p));
	return (struct pcpu *)p;
}
