/* SPDX-License-Identifier: MIT */
/* Host part of the per-CPU structure: what the arch hooks recorded. */
#pragma once

struct pcpu_arch {
	unsigned int resched_ipis; /* arch_send_resched() aimed at it */
	unsigned int idles; /* arch_idle() calls on it */
};
