/* SPDX-License-Identifier: MIT */
/*
 * A CPU hog: spins for spin.ms milliseconds (bootargs, default 10000) of
 * the virtual counter with every interrupt masked and no trap, then
 * reports and shuts down. Another vCPU on the same pCPU must still get
 * its share (the scheduler's time slices, docs/scheduler.md).
 */
#include "guest.h"

void guest_main(const void *dtb)
{
	unsigned long ms = gfdt_arg_ulong("spin.ms", 10000);
	uint64_t start, end, now;

	(void)dtb;
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	gprintf("spin: spinning %lu ms with interrupts masked\n", ms);
	start = cntvct();
	end = start + cntfrq() / 1000 * ms;
	do {
		now = cntvct();
	} while (now < end);
	gprintf("spin: done after %lu ms\n",
		(unsigned long)((now - start) / (cntfrq() / 1000)));
	check(true, "spin_done", "%lu ms", ms);
}
