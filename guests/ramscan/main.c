/* SPDX-License-Identifier: MIT */
/*
 * A domU that looks at its whole RAM (the banks of its device tree's
 * memory node, all but its own image and the tree itself), for the
 * lifecycle tests of xl (docs/lifecycle.md). ramscan.mode= chooses:
 *
 *   fill   write a marker word over every word, read it back;
 *   scan   count the words holding the marker and those not zero: a
 *          fresh domain's RAM is zeroed, so both must be 0;
 *   crash  wait ramscan.delay_ms (default 1000), then report a crash
 *          (SCHEDOP_shutdown, SHUTDOWN_crash), as a kernel that panics
 *          on Xen does.
 *
 * fill and scan print one "RAMSCAN" line and power off. The RAM is
 * touched with the MMU off (Device memory, aligned 8-byte accesses).
 */
#include <libfdt.h>

#include "guest.h"

#define RAMSCAN_MARKER 0x5ab1e3a4d0d0cafeUL
#define RAMSCAN_MAX_BANKS 4
/* Xen's shutdown reason for a crash (SCHEDOP_shutdown). */
#define RAMSCAN_SHUTDOWN_CRASH 3U

extern char _image_start[], _end[];

struct span {
	uint64_t start, end;
};

struct tally {
	uint64_t words, marker, nonzero;
	uint64_t first_at, first_value; /* the first word not zero */
};

static void visit(uint64_t start, uint64_t end, bool fill, struct tally *t)
{
	volatile uint64_t *p = (volatile uint64_t *)start;
	volatile uint64_t *e = (volatile uint64_t *)end;

	for (; p < e; p++) {
		uint64_t v;

		if (fill) {
			*p = RAMSCAN_MARKER;
		}
		v = *p;
		t->words++;
		t->marker += v == RAMSCAN_MARKER;
		if (v && !t->nonzero++) {
			t->first_at = (uint64_t)p;
			t->first_value = v;
		}
	}
}

/* [start, end) of one bank minus the two spans kept out (sorted). */
static void visit_bank(uint64_t start, uint64_t end, const struct span *skip,
		       bool fill, struct tally *t)
{
	uint64_t at = start;

	for (int i = 0; i < 2; i++) {
		uint64_t s = skip[i].start < at ? at : skip[i].start;
		uint64_t e = skip[i].end > end ? end : skip[i].end;

		if (s >= e) {
			continue;
		}
		visit(at, s, fill, t);
		at = e;
	}
	if (at < end) {
		visit(at, end, fill, t);
	}
}

static void crash_later(void)
{
	uint64_t ms = gfdt_arg_ulong("ramscan.delay_ms", 1000);
	uint64_t until = cntvct() + ms * (cntfrq() / 1000);

	gprintf("RAMSCAN crash in %lu ms\n", (unsigned long)ms);
	while (cntvct() < until) {
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	guest_shutdown(RAMSCAN_SHUTDOWN_CRASH);
	for (;;) {
		__asm__ volatile("wfi");
	}
}

void guest_main(const void *dtb)
{
	struct span skip[2];
	struct tally t = { 0 };
	uint64_t base, size, total = 0;
	char mode[16] = "";
	bool fill;
	int banks = 0;

	gfdt_arg("ramscan.mode", mode, sizeof(mode));
	if (strcmp(mode, "crash") == 0) {
		crash_later();
	}
	fill = strcmp(mode, "fill") == 0;
	if (!fill && strcmp(mode, "scan") != 0) {
		check(false, "ramscan_mode",
		      "ramscan.mode '%s': fill, scan or crash", mode);
		return;
	}
	/* Kept out: this image (stack and BSS included) and the tree. */
	skip[0].start = (uint64_t)_image_start & ~7UL;
	skip[0].end = ((uint64_t)_end + 7) & ~7UL;
	skip[1].start = (uint64_t)dtb & ~7UL;
	skip[1].end = ((uint64_t)dtb + fdt_totalsize(dtb) + 7) & ~7UL;
	if (skip[1].start < skip[0].start) {
		struct span s = skip[0];

		skip[0] = skip[1];
		skip[1] = s;
	}
	while (banks < RAMSCAN_MAX_BANKS && gfdt_memory(banks, &base, &size)) {
		visit_bank(base, base + size, skip, fill, &t);
		total += size;
		banks++;
	}
	check(banks > 0, "ramscan_memory_node", "%d banks, %lu MiB", banks,
	      (unsigned long)(total >> 20));
	gprintf("RAMSCAN %s: %lu MiB in %d banks, %lu words, marker %lu, "
		"nonzero %lu\n",
		mode, (unsigned long)(total >> 20), banks,
		(unsigned long)t.words, (unsigned long)t.marker,
		(unsigned long)t.nonzero);
	if (fill) {
		check(t.words > 0 && t.marker == t.words, "ramscan_fill",
		      "%lu of %lu words hold the marker",
		      (unsigned long)t.marker, (unsigned long)t.words);
	} else {
		if (t.nonzero) {
			gprintf("RAMSCAN first word not zero: 0x%lx at 0x%lx\n",
				(unsigned long)t.first_value,
				(unsigned long)t.first_at);
		}
		check(t.words > 0 && t.marker == 0 && t.nonzero == 0,
		      "ramscan_scan", "marker %lu, nonzero %lu of %lu words",
		      (unsigned long)t.marker, (unsigned long)t.nonzero,
		      (unsigned long)t.words);
	}
}
