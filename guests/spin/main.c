/* SPDX-License-Identifier: MIT */
/*
 * A CPU hog and its neighbour (docs/scheduler.md), chosen by bootargs:
 *
 * - spin.ms=N (default 10000): spin N ms of the virtual counter with every
 *   interrupt masked and no trap, then report how long it ran and how
 *   often and how long the vCPU was off its pCPU meanwhile (gaps in the
 *   counter it sees). With spin.vcpus=2 vCPU 1 (started with PSCI CPU_ON)
 *   spins the same way at the same time and reports through vCPU 0.
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

struct spin_result {
	uint64_t wall, ran, longest; /* counter ticks */
	unsigned long gaps;
	volatile bool done;
};

static void spin_for(unsigned long ms, struct spin_result *r)
{
	uint64_t per_ms = cntfrq() / 1000;
	uint64_t start, end, now, last, gap;

	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	start = last = cntvct();
	end = start + per_ms * ms;
	do {
		now = cntvct();
		gap = now - last;
		if (gap >= GAP_MS * per_ms) {
			r->gaps++;
			r->longest = gap > r->longest ? gap : r->longest;
		} else {
			r->ran += gap;
		}
		last = now;
	} while (now < end);
	r->wall = now - start;
}

static void report(unsigned int vcpu, const struct spin_result *r)
{
	uint64_t per_ms = cntfrq() / 1000;

	gprintf("spin: %sdone after %lu ms, ran %lu ms, descheduled %lu "
		"times, longest %lu ms\n",
		vcpu ? "vcpu 1 " : "", (unsigned long)(r->wall / per_ms),
		(unsigned long)(r->ran / per_ms), r->gaps,
		(unsigned long)(r->longest / per_ms));
}

/* vCPU 1 (spin.vcpus=2): its stack, what it measured, how long. */
static uint8_t vcpu1_stack[8192] __attribute__((aligned(16)));
static struct spin_result vcpu1_result;
static unsigned long vcpu1_ms;

void spin_vcpu1_main(void);
void spin_vcpu1_entry(void);

void spin_vcpu1_main(void)
{
	spin_for(vcpu1_ms, &vcpu1_result);
	guest_mb();
	vcpu1_result.done = true;
	for (;;) {
		__asm__ volatile("wfi");
	}
}

/* PSCI CPU_ON entry (MMU off, x0 = the stack top): FP on, then C. */
__asm__(".pushsection .text\n"
	".global spin_vcpu1_entry\n"
	"spin_vcpu1_entry:\n"
	"	mov sp, x0\n"
	"	mov x1, #(3 << 20)\n"
	"	msr cpacr_el1, x1\n"
	"	isb\n"
	"	bl spin_vcpu1_main\n"
	"1:	wfi\n"
	"	b 1b\n"
	".popsection\n");

#define PSCI_CPU_ON 0xc4000003UL

static void hog(unsigned long ms, unsigned long vcpus)
{
	struct spin_result r = { 0 };
	long rc;

	if (vcpus > 1) {
		vcpu1_ms = ms;
		guest_mb();
		rc = smccc_hvc(
			PSCI_CPU_ON, 1, (unsigned long)spin_vcpu1_entry,
			(unsigned long)(vcpu1_stack + sizeof(vcpu1_stack)));
		check(rc == 0, "vcpu1_started", "CPU_ON %ld", rc);
	}
	gprintf("spin: spinning %lu ms on %lu vCPUs with interrupts masked\n",
		ms, vcpus > 1 ? 2UL : 1UL);
	spin_for(ms, &r);
	report(0, &r);
	if (vcpus > 1) {
		while (!vcpu1_result.done) {
			guest_rmb();
		}
		report(1, &vcpu1_result);
	}
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
		hog(gfdt_arg_ulong("spin.ms", 10000),
		    gfdt_arg_ulong("spin.vcpus", 1));
	}
}
