/* SPDX-License-Identifier: MIT */
/*
 * A guest that tries to hold the hypervisor and flood its console:
 * terminal control sequences and forged hypervisor lines through
 * console_io, a GNTTABOP_copy of 2^31 - 1 operations (its own frames, the
 * array running off the end of its RAM), 10,000 accesses to an unmapped
 * IPA, a 1 MiB console_io write. Run as dom0 it makes reservations of 4096
 * extents instead of the console attacks. Each long call must come back
 * with one result, and its virtual timer, due 1 ms into the call, must be
 * taken while the call is still in progress: at the HVC itself, which the
 * hypervisor rewinds to continue the call (a Sable-only check; without
 * continuations the interrupt would wait for the whole call and come in
 * after the HVC). The results are printed after a pause that lets the
 * console's rate limit recover.
 */
#include <libfdt.h>

#include "guest.h"

#define EINVAL 22
#define EFAULT 14

#define VTIMER_PPI 27
#define CNTV_CTL_ENABLE 1UL
/* An IPA nothing is mapped at in QEMU virt's map (as guests/hostile). */
#define UNMAPPED_IPA 0x0b000000UL
#define MMIO_FLOOD 10000
#define COPY_OPS 65536U
#define COPY_LEN 256
#define COPY_ROUNDS 5
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define FLOOD_BYTES (1U << 20)

extern char attack_hvc_insn[];

/* One HVC at a known address, so an interrupt taken there is recognised. */
static __attribute__((noinline)) long attack_hvc(unsigned long nr,
						 unsigned long a0,
						 unsigned long a1,
						 unsigned long a2)
{
	register unsigned long x0 __asm__("x0") = a0;
	register unsigned long x1 __asm__("x1") = a1;
	register unsigned long x2 __asm__("x2") = a2;
	register unsigned long x16 __asm__("x16") = nr;

	__asm__ volatile(".global attack_hvc_insn\n"
			 "attack_hvc_insn:\n\thvc #0xea1"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x16)
			 :
			 : "x3", "x4", "memory");
	return (long)x0;
}

static volatile uint64_t irq_count, irq_elr, irq_time;

static void on_irq(unsigned int intid)
{
	uint64_t elr;

	if (intid != VTIMER_PPI) {
		return;
	}
	__asm__ volatile("mrs %0, elr_el1" : "=r"(elr));
	if (!irq_count++) {
		irq_elr = elr;
		irq_time = cntvct();
	}
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" ::"r"(0UL));
}

struct timed {
	long rc;
	uint64_t ms; /* length of the call */
	bool irq_at_hvc; /* the timer came in while the call was going on */
	uint64_t late_us; /* how late the timer was taken */
};

/* Hypercall @nr with the virtual timer due 1 ms in. */
static void timed_call(struct timed *t, unsigned long nr, unsigned long a0,
		       unsigned long a1, unsigned long a2)
{
	uint64_t freq = cntfrq(), start, due;

	irq_count = 0;
	irq_elr = 0;
	start = cntvct();
	due = start + freq / 1000;
	__asm__ volatile(
		"msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(due),
		"r"(CNTV_CTL_ENABLE));
	irq_enable();
	t->rc = attack_hvc(nr, a0, a1, a2);
	irq_disable();
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" ::"r"(0UL));
	t->ms = (cntvct() - start) * 1000 / freq;
	t->irq_at_hvc =
		irq_count && irq_elr == (uint64_t)(uintptr_t)attack_hvc_insn;
	t->late_us = irq_count ? (irq_time - due) * 1000000 / freq : ~0UL;
}

static void pause_ms(uint64_t ms)
{
	uint64_t end = cntvct() + cntfrq() / 1000 * ms;

	while (cntvct() < end) {
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
}

/* ---- console: control sequences and forged lines ------------------------ */

static void console_controls(void)
{
	static const char nasty[] =
		"attack: ctl \x1b[2J\x1b[H\x1b]0;title\x07"
		"\rsable: warning: forged by the guest\n"
		"attack: \x1b[1Gsable: forged at column 1\n"
		"attack: raw \x9b"
		"31m and utf8 \xc2\x9b"
		"1m csi, bell \x07, bs \x08\x08, del \x7f, \x1b"
		"c reset\n"
		"attack: cr-only\rsable: forged after cr\n";
	long rc = HYPERVISOR_console_io(CONSOLEIO_write, sizeof(nasty) - 1,
					nasty);

	check(rc == 0, "console_control_sequences_accepted", "rc %ld", rc);
}

/* ---- GNTTABOP_copy with a huge count ------------------------------------- */

static bool ram_range(const void *dtb, uint64_t *base, uint64_t *size)
{
	int node = fdt_node_offset_by_prop_value(dtb, -1, "device_type",
						 "memory", sizeof("memory"));
	const fdt32_t *reg;
	int len;

	if (node < 0) {
		return false;
	}
	reg = fdt_getprop(dtb, node, "reg", &len);
	if (!reg || len < 16) {
		return false;
	}
	*base = ((uint64_t)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1]);
	*size = ((uint64_t)fdt32_to_cpu(reg[2]) << 32) | fdt32_to_cpu(reg[3]);
	return true;
}

static uint8_t copy_src[4096] __attribute__((aligned(4096)));
static uint8_t copy_dst[4096] __attribute__((aligned(4096)));
extern char _end[];

static void grant_copy_flood(const void *dtb)
{
	uint64_t base, size, at, late_min = ~0UL, late_max = 0;
	struct timed t[COPY_ROUNDS];
	bool ok_rc = true, split = true;
	struct gnttab_copy *ops;
	long rc;

	rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, copy_src, 0x80000000U);
	check(rc == -EINVAL, "gnttab_copy_count_2_31_rejected", "rc %ld", rc);
	if (!ram_range(dtb, &base, &size)) {
		check(false, "gnttab_copy_ram_found", "no memory node");
		return;
	}
	/* The op array ends where RAM ends: op COPY_OPS faults. */
	at = base + size - (uint64_t)COPY_OPS * sizeof(*ops);
	if (at < (uint64_t)(uintptr_t)_end) {
		check(false, "gnttab_copy_room", "RAM too small");
		return;
	}
	ops = (struct gnttab_copy *)(uintptr_t)at;
	for (unsigned int i = 0; i < 256; i++) {
		copy_src[i] = (uint8_t)i;
	}
	for (unsigned int i = 0; i < COPY_OPS; i++) {
		ops[i] = (struct gnttab_copy){
			.source = { .u.gmfn = (uintptr_t)copy_src >> 12,
				    .domid = DOMID_SELF },
			.dest = { .u.gmfn = (uintptr_t)copy_dst >> 12,
				  .domid = DOMID_SELF,
				  .offset = (uint16_t)(i % 16 * COPY_LEN) },
			.len = COPY_LEN,
			.status = 99,
		};
	}
	/* Several rounds: the timer's lateness under QEMU is noisy. */
	for (unsigned int r = 0; r < COPY_ROUNDS; r++) {
		timed_call(&t[r], __HYPERVISOR_grant_table_op, GNTTABOP_copy,
			   (unsigned long)ops, 0x7fffffffUL);
		ok_rc = ok_rc && t[r].rc == -EFAULT;
		split = split && t[r].irq_at_hvc;
		late_min = MIN(late_min, t[r].late_us);
		late_max = t[r].late_us == ~0UL ? late_max
						: MAX(late_max, t[r].late_us);
	}
	check(ok_rc, "gnttab_copy_huge_count_ends_cleanly",
	      "rc %ld after %lu ms", t[0].rc, (unsigned long)t[0].ms);
	check(ops[0].status == GNTST_okay &&
		      ops[COPY_OPS - 1].status == GNTST_okay &&
		      copy_dst[15 * COPY_LEN + 255] == 255,
	      "gnttab_copy_huge_count_did_every_op", "first %d last %d",
	      ops[0].status, ops[COPY_OPS - 1].status);
	if (on_sable()) {
		check(split, "gnttab_copy_is_split",
		      "%u rounds, timer taken %lu..%lu us late", COPY_ROUNDS,
		      (unsigned long)late_min, (unsigned long)late_max);
	}
}

/* ---- bad MMIO ------------------------------------------------------------ */

static void mmio_flood(void)
{
	volatile uint32_t *p = (volatile uint32_t *)UNMAPPED_IPA;
	uint64_t before = last_exc.count;

	for (unsigned int i = 0; i < MMIO_FLOOD; i++) {
		(void)*p;
	}
	check(last_exc.count - before == MMIO_FLOOD,
	      "mmio_flood_each_access_aborts", "%lu aborts",
	      (unsigned long)(last_exc.count - before));
}

/* ---- dom0: reservations of many extents --------------------------------- */

#define RES_PAGES 4096U
static uint64_t res_gfns[RES_PAGES];

/* One reservation call over res_gfns; the call is timed. */
static void reservation_call(struct timed *t, unsigned int cmd)
{
	struct xen_memory_reservation r = {
		.extent_start = (uintptr_t)res_gfns,
		.nr_extents = RES_PAGES,
		.domid = DOMID_SELF,
	};

	timed_call(t, __HYPERVISOR_memory_op, cmd, (unsigned long)&r, 0);
}

/*
 * Give back RES_PAGES pages of the middle of dom0's RAM (1:1) and take
 * them back: each call is one result, split into pieces.
 */
static void reservation_flood(const void *dtb)
{
	uint64_t base, size, start, before;
	volatile uint64_t *probe;
	struct timed t;

	if (!ram_range(dtb, &base, &size) || size < (32UL << 20)) {
		check(false, "reservation_ram_found", "no room");
		return;
	}
	start = base + size / 2;
	if (start < (uint64_t)(uintptr_t)_end) {
		check(false, "reservation_room", "image too large");
		return;
	}
	for (unsigned int i = 0; i < RES_PAGES; i++) {
		res_gfns[i] = (start >> 12) + i;
	}
	probe = (volatile uint64_t *)(uintptr_t)(start + 4096 * 7);
	reservation_call(&t, XENMEM_decrease_reservation);
	check(t.rc == RES_PAGES, "reservation_decrease_every_extent",
	      "rc %ld after %lu ms", t.rc, (unsigned long)t.ms);
	check(t.irq_at_hvc, "reservation_decrease_is_split",
	      "timer taken %lu us late", (unsigned long)t.late_us);
	before = last_exc.count;
	(void)*probe;
	check(last_exc.count == before + 1, "reservation_page_given_back",
	      "%lu aborts", (unsigned long)(last_exc.count - before));
	reservation_call(&t, XENMEM_populate_physmap);
	check(t.rc == RES_PAGES, "reservation_populate_every_extent",
	      "rc %ld after %lu ms", t.rc, (unsigned long)t.ms);
	check(t.irq_at_hvc, "reservation_populate_is_split",
	      "timer taken %lu us late", (unsigned long)t.late_us);
	before = last_exc.count;
	*probe = 0x5ab1e;
	check(last_exc.count == before && *probe == 0x5ab1e,
	      "reservation_page_back", "%lu aborts",
	      (unsigned long)(last_exc.count - before));
}

/* ---- 1 MiB console write ------------------------------------------------- */

static char flood[FLOOD_BYTES];

static void console_flood(void)
{
	struct timed t;

	for (unsigned int i = 0; i < FLOOD_BYTES; i++) {
		flood[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	}
	timed_call(&t, __HYPERVISOR_console_io, CONSOLEIO_write, FLOOD_BYTES,
		   (unsigned long)flood);
	/* Let the console's bucket refill before reporting. */
	pause_ms(3000);
	gputs("\nattack: flood over\n");
	check(t.rc == 0, "console_write_1mib", "rc %ld after %lu ms", t.rc,
	      (unsigned long)t.ms);
	if (on_sable()) {
		check(t.irq_at_hvc, "console_write_1mib_is_split",
		      "timer taken %lu us late", (unsigned long)t.late_us);
	}
}

static bool is_dom0(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };

	return HYPERVISOR_xen_version(XENVER_get_features, &fi) == 0 &&
	       (fi.submap & (1U << XENFEAT_dom0));
}

/*
 * As a domU: everything. As dom0 (Sable only): the grant copy, the
 * reservations only dom0 may make, the MMIO flood; dom0's console is the
 * hardware domain's terminal, passed through unfiltered, so no console
 * attack there.
 */
void guest_main(const void *dtb)
{
	bool dom0 = is_dom0();

	gputs("attack: holding the hypervisor and flooding its console\n");
	if (gic_init() == 0) {
		irq_set_handler(on_irq);
		gic_enable_ppi(VTIMER_PPI);
	}
	if (!dom0) {
		console_controls();
	}
	grant_copy_flood(dtb);
	if (dom0) {
		reservation_flood(dtb);
	}
	mmio_flood();
	if (!dom0) {
		console_flood();
	} else {
		pause_ms(2000); /* a log line's worth of tokens and more */
	}
	/* One more bad access: its log line carries the suppressed count. */
	(void)*(volatile uint32_t *)UNMAPPED_IPA;
	gputs("attack: done\n");
}
