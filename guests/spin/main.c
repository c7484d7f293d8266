/* SPDX-License-Identifier: MIT */
/*
 * A CPU hog and its neighbour (docs/scheduler.md), chosen by bootargs:
 *
 * - spin.ms=N (default 10000): spin N ms of the virtual counter with every
 *   interrupt masked and no trap, then report how long it ran and how
 *   often and how long the vCPU was off its pCPU meanwhile (gaps in the
 *   counter it sees).
 * - spin.work=N: the neighbour. Wait spin.delay ms (default 1000, busy,
 *   so the hog is surely spinning by then), then make N hypercalls and
 *   report. With the hog on the same pCPU it only finishes if the hog is
 *   preempted.
 */
#include "guest.h"

/* A gap this long between two reads of the counter: descheduled. */
#define GAP_MS 1

static void busy_wait(uint64_t ticks)
{
	uint64_t end = cntvct() + ticks;

	while (cntvct() < end) {
	}
}

static void hog(unsigned long ms)
{
	uint64_t per_ms = cntfrq() / 1000;
	uint64_t start, end, now, last, gap, longest = 0, ran = 0;
	unsigned long gaps = 0;

	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	gprintf("spin: spinning %lu ms with interrupts masked\n", ms);
	start = last = cntvct();
	end = start + per_ms * ms;
	do {
		now = cntvct();
		gap = now - last;
		if (gap >= GAP_MS * per_ms) {
			gaps++;
			longest = gap > longest ? gap : longest;
		} else {
			ran += gap;
		}
		last = now;
	} while (now < end);
	gprintf("spin: done after %lu ms, ran %lu ms, descheduled %lu times, "
		"longest %lu ms\n",
		(unsigned long)((now - start) / per_ms),
		(unsigned long)(ran / per_ms), gaps,
		(unsigned long)(longest / per_ms));
	check(true, "spin_done", "%lu ms", ms);
}

static void work(unsigned long calls, unsigned long delay_ms)
{
	unsigned long ok = 0;

	busy_wait(cntfrq() / 1000 * delay_ms);
	gprintf("work: %lu hypercalls\n", calls);
	for (unsigned long i = 0; i < calls; i++) {
		ok += HYPERVISOR_xen_version(XENVER_version, NULL) >= 0;
	}
	check(ok == calls, "work_done", "%lu of %lu", ok, calls);
}

void guest_main(const void *dtb)
{
	unsigned long calls = gfdt_arg_ulong("spin.work", 0);

	(void)dtb;
	if (calls) {
		work(calls, gfdt_arg_ulong("spin.delay", 1000));
	} else {
		hog(gfdt_arg_ulong("spin.ms", 10000));
	}
}
