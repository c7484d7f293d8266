/* SPDX-License-Identifier: MIT */
/* Host build: no arch per-CPU state. */
#pragma once

struct pcpu_arch {
	int unused;
};
