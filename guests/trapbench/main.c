/* SPDX-License-Identifier: MIT */
/*
 * Trap-cost benchmark guest, run as dom0 on Sable and on Xen 4.17: the
 * round trip of the cheapest hypercall (xen_version(XENVER_version)) and
 * of a trapped MMIO read (the emulated GIC distributor's GICD_TYPER),
 * each timed over many iterations with the guest's virtual counter.
 * Also the round trip of mapping and unmapping a grant (the guest grants
 * a page of its own RAM to itself), which takes and drops the frame's
 * references. Prints one machine-readable line per measurement:
 *
 *   TRAPBENCH op=hypercall iters=N ticks=T freq=F
 */
#include <libfdt.h>

#include "guest.h"

#define ITERS 20000
#define GRANT_ITERS 2000
#define ROUNDS 5
#define GICD_TYPER 0x4
#define GREF 8U
#define MAP_OFFSET 0x800000UL

static uint8_t granted[4096] __attribute__((aligned(4096)));

static uint64_t gicd_base(const void *dtb)
{
	int node = fdt_node_offset_by_compatible(dtb, -1, "arm,gic-v3");
	const fdt32_t *reg;
	int len;

	if (node < 0) {
		return 0;
	}
	reg = fdt_getprop(dtb, node, "reg", &len);
	if (!reg || len < 16) {
		return 0;
	}
	return ((uint64_t)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1]);
}

static uint64_t time_hypercalls(void)
{
	uint64_t t0 = cntvct();

	for (int i = 0; i < ITERS; i++) {
		HYPERVISOR_xen_version(XENVER_version, NULL);
	}
	return cntvct() - t0;
}

static uint64_t time_mmio_reads(uint64_t gicd)
{
	volatile const uint32_t *typer =
		(volatile const uint32_t *)(uintptr_t)(gicd + GICD_TYPER);
	uint64_t t0 = cntvct();
	uint32_t sink = 0;

	for (int i = 0; i < ITERS; i++) {
		sink += *typer;
	}
	__asm__ volatile("" : : "r"(sink));
	return cntvct() - t0;
}

/* The best of a few rounds: the least disturbed by the host. */
static void report(const char *op, uint64_t (*fn)(uint64_t), uint64_t arg,
		   int iters)
{
	uint64_t best = ~0ULL;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t t = fn(arg);

		best = t < best ? t : best;
	}
	gprintf("TRAPBENCH op=%s iters=%d ticks=%lu freq=%lu\n", op, iters,
		(unsigned long)best, (unsigned long)cntfrq());
}

/* Grant @granted to domain @self (ref GREF); the map address, 0 if none. */
static uint64_t grant_to_self(xen_domid_t self)
{
	uint64_t base = gfdt_gnttab_base();
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = XENMAPSPACE_grant_table,
					.gpfn = base >> 12 };
	volatile struct grant_entry_v1 *gt =
		(volatile struct grant_entry_v1 *)(uintptr_t)base;

	if (!base || HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x)) {
		return 0;
	}
	gt[GREF].domid = self;
	gt[GREF].frame = (uint32_t)((uint64_t)(uintptr_t)granted >> 12);
	guest_wmb();
	gt[GREF].flags = GTF_permit_access;
	guest_mb();
	return base + MAP_OFFSET;
}

static int16_t map_unmap(uint64_t addr)
{
	struct gnttab_map_grant_ref m = { .host_addr = addr,
					  .flags = GNTMAP_host_map,
					  .ref = GREF,
					  .dom = 0 };
	struct gnttab_unmap_grant_ref u = { .host_addr = addr };

	if (HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) ||
	    m.status) {
		return m.status ? m.status : GNTST_general_error;
	}
	u.handle = m.handle;
	if (HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1)) {
		return GNTST_general_error;
	}
	return u.status;
}

static uint64_t time_grant_map_unmap(uint64_t addr)
{
	uint64_t t0 = cntvct();

	for (int i = 0; i < GRANT_ITERS; i++) {
		map_unmap(addr);
	}
	return cntvct() - t0;
}

static uint64_t hypercall_round(uint64_t unused)
{
	(void)unused;
	return time_hypercalls();
}

void guest_main(const void *dtb)
{
	uint64_t gicd = fdt_check_header(dtb) == 0 ? gicd_base(dtb) : 0;
	uint64_t gaddr;
	int16_t st;

	check(gicd != 0, "trapbench_gicd_found", "0x%lx", (unsigned long)gicd);
	report("hypercall", hypercall_round, 0, ITERS);
	if (gicd) {
		report("mmio_read", time_mmio_reads, gicd, ITERS);
	}
	/* Runs as dom0: its own grant, mapped and unmapped. */
	gaddr = grant_to_self(0);
	st = gaddr ? map_unmap(gaddr) : GNTST_general_error;
	check(st == GNTST_okay, "trapbench_grant_map_unmap", "status %d", st);
	if (st == GNTST_okay) {
		report("grant_map_unmap", time_grant_map_unmap, gaddr,
		       GRANT_ITERS);
	}
}
