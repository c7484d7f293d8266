/* SPDX-License-Identifier: MIT */
/*
 * PSCI calls to the platform firmware (QEMU emulates PSCI itself; with
 * virtualization=on the conduit is SMC). Function IDs: PSCI 1.0, DEN0022.
 */
#include <stdint.h>

#include "arm64.h"

#define PSCI_CPU_ON_64 0xC4000003UL
#define PSCI_SYSTEM_OFF 0x84000008UL
#define PSCI_SYSTEM_RESET 0x84000009UL

static int64_t smc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	return smc_call(PSCI_CPU_ON_64, mpidr, entry, ctx);
}

void psci_system_off(void)
{
	smc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void psci_system_reset(void)
{
	smc_call(PSCI_SYSTEM_RESET, 0, 0, 0);
}
