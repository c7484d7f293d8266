/* SPDX-License-Identifier: MIT */
/* Host part of the per-CPU structure: what the arch hooks recorded. */
#pragma once

#include <stdint.h>

struct pcpu_arch {
	unsigned int resched_ipis; /* arch_send_resched() aimed at it */
	unsigned int idles; /* arch_idle() calls on it */
	/* Last sched_arch_set_deadline() on it (0: none) and how many. */
	uint64_t deadline;
	unsigned int deadline_sets;
	/* Reschedules played for domain_pause() (sched_arch_wait_for). */
	unsigned int remote_preempts;
	/* vCPUs of destroyed domains forgotten (sched_arch_forget_vcpu). */
	unsigned int forgets;
};
