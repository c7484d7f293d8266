/* SPDX-License-Identifier: MIT */
/* Host build: vCPU arch state is only the register frame. */
#pragma once

#include <stdint.h>

#include <arch/regs.h>

struct arch_vcpu {
	struct cpu_regs regs;
	uint64_t vmpidr;
};
