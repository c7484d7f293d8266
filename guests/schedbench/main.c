/* SPDX-License-Identifier: MIT */
/*
 * Virtual-timer latency as a guest sees it (docs/benchmarks.md,
 * BENCH=sched). The virtual timer (PPI 27) is armed schedbench.rounds
 * times (default 300), each time 1 to 4 ms ahead (varied, so a time
 * slice of a neighbour is met at every phase), and the latency from its
 * compare value to the first C instruction of the IRQ handler is taken
 * from the virtual counter:
 *
 * - busy: the vCPU spins with interrupts unmasked while it waits;
 * - wfi: the vCPU waits in WFI (the hypervisor blocks it and must wake it
 *   on time, which it does with its own timer when another vCPU holds
 *   the pCPU meanwhile).
 *
 * Prints "SCHEDBENCH mode=<m> rounds= median= p90= max= freq=" (counter
 * ticks) per mode, then the result line. The same image runs on Sable and
 * on Xen.
 */
#include "guest.h"

#define VTIMER_PPI 27
#define MAX_ROUNDS 1000
#define CTL_ENABLE 1UL
#define CTL_IMASK 2UL

static volatile uint64_t fired_at, fired, other_irqs;
static uint64_t lat[MAX_ROUNDS];

static void timer_irq(unsigned int intid)
{
	uint64_t now = cntvct();

	if (intid != VTIMER_PPI) {
		other_irqs++;
		return;
	}
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" ::"r"(CTL_IMASK));
	fired_at = now;
	fired++;
}

static void arm_timer(uint64_t cval)
{
	__asm__ volatile(
		"msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(cval),
		"r"(CTL_ENABLE));
}

static void sort(uint64_t *a, unsigned long n)
{
	for (unsigned long i = 1; i < n; i++) {
		uint64_t x = a[i];
		unsigned long j = i;

		while (j && a[j - 1] > x) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = x;
	}
}

/* One mode: @rounds timer expiries, waiting by spinning or in WFI. */
static bool measure(const char *mode, bool wfi, unsigned long rounds)
{
	uint64_t per_ms = cntfrq() / 1000;

	for (unsigned long i = 0; i < rounds; i++) {
		uint64_t want = fired + 1;
		uint64_t cval =
			cntvct() + per_ms + (i * 37 % 300) * per_ms / 100;
		uint64_t give_up = cval + 2000 * per_ms;

		arm_timer(cval);
		while (fired < want) {
			if (wfi) {
				__asm__ volatile("wfi" ::: "memory");
			}
			if (cntvct() > give_up) {
				gprintf("schedbench: %s: no timer interrupt\n",
					mode);
				return false;
			}
		}
		lat[i] = fired_at > cval ? fired_at - cval : 0;
	}
	sort(lat, rounds);
	gprintf("SCHEDBENCH mode=%s rounds=%lu median=%lu p90=%lu max=%lu "
		"freq=%lu\n",
		mode, rounds, (unsigned long)lat[rounds / 2],
		(unsigned long)lat[rounds * 9 / 10],
		(unsigned long)lat[rounds - 1], (unsigned long)cntfrq());
	return true;
}

void guest_main(const void *dtb)
{
	unsigned long rounds = gfdt_arg_ulong("schedbench.rounds", 300);

	(void)dtb;
	if (rounds > MAX_ROUNDS) {
		rounds = MAX_ROUNDS;
	}
	if (!rounds || gic_init() < 0) {
		check(false, "schedbench_setup", "rounds %lu, GICv3", rounds);
		return;
	}
	irq_set_handler(timer_irq);
	gic_enable_ppi(VTIMER_PPI);
	irq_enable();
	check(measure("busy", false, rounds), "timer_busy", "%lu", rounds);
	check(measure("wfi", true, rounds), "timer_wfi", "%lu", rounds);
	irq_disable();
	check(other_irqs == 0, "no_other_irqs", "%lu",
	      (unsigned long)other_irqs);
}
