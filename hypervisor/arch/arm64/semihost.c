/* SPDX-License-Identifier: MIT */
/*
 * Powering the machine off. Under QEMU with semihosting enabled, the
 * SYS_EXIT call (Arm semihosting 2.0, operation 0x18, reason
 * ADP_Stopped_ApplicationExit with a subcode) ends QEMU with that exit
 * status; otherwise PSCI SYSTEM_OFF.
 */
#include <stdint.h>

#include <sable/arch.h>

#include "arm64.h"

#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

bool semihosting_enabled;

static void semihost_exit(uint64_t code)
{
	uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, code };
	register uint64_t x0 __asm__("x0") = SYS_EXIT;
	register uint64_t x1 __asm__("x1") = (uint64_t)block;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

void arch_machine_exit(int status)
{
	if (semihosting_enabled) {
		semihost_exit((uint64_t)(unsigned int)status);
	}
	psci_system_off();
	for (;;) {
		__asm__ volatile("wfi");
	}
}

void arch_machine_reset(void)
{
	psci_system_reset();
	for (;;) {
		__asm__ volatile("wfi");
	}
}
