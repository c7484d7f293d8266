/* SPDX-License-Identifier: MIT */
/*
 * Boot, portable part: banner, the hypervisor command line, dom0 (from the
 * boot modules), the boot-time domUs (/chosen xen,domain nodes) and then
 * the scheduler on the boot pCPU.
 */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/hypercall.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/machine.h>
#include <sable/mm.h>
#include <sable/p2m.h>
#include <sable/percpu.h>

#include "boot.h"
#include "console.h"
#include "sched_priv.h"

static void banner(const struct machine *m)
{
	pr_info("Sable %s hypervisor (Xen %d.%d guest ABI)\n", SABLE_VERSION,
		SABLE_XEN_MAJOR, SABLE_XEN_MINOR);
	pr_info("pCPUs: %u online of %u, RAM: %lu MiB at 0x%lx, GIC: v%u\n",
		pcpu_count(), m->nr_cpus, (unsigned long)(m->ram_size >> 20),
		(unsigned long)m->ram_base, m->gic_version);
	pr_info("command line: %s\n", m->cmdline);
	for (unsigned int i = 0; i < m->nr_modules; i++) {
		pr_info("boot module %u: kind %d at 0x%lx, %lu bytes\n", i,
			m->modules[i].kind, (unsigned long)m->modules[i].addr,
			(unsigned long)m->modules[i].size);
	}
}

/*
 * s2_block=4k|2m|1g: the largest stage-2 block of every domain's RAM and
 * devices. By default 1 GiB, and 4 KiB on QEMU's virt machine: QEMU's TCG
 * keeps a guest TLB entry at the larger of its stage-1 and stage-2 page
 * sizes and empties the whole TLB of the guest's regime when one page
 * inside an entry larger than 4 KiB is invalidated, so every per-page
 * TLBI of a guest mapped with blocks costs a full refill (docs/p2m.md).
 */
static void choose_stage2_blocks(const struct machine *m)
{
	bool qemu = machine_is_qemu_virt(m);
	uint64_t size = qemu ? PAGE_SIZE : 1ULL << 30;
	const char *why = qemu ? "QEMU virt machine" : "default";
	char v[16];

	if (cmdline_get(m->cmdline, "s2_block", v, sizeof(v))) {
		char *end;
		uint64_t want = parse_size(v, &end);

		if (*end || p2m_set_block_limit(want)) {
			pr_warn("s2_block=%s: not 4k, 2m or 1g; keeping %lu "
				"KiB\n",
				v, (unsigned long)(size >> 10));
		} else {
			size = want;
			why = "s2_block=";
		}
	}
	p2m_set_block_limit(size);
	pr_info("stage-2 blocks up to %lu KiB (%s)\n",
		(unsigned long)(size >> 10), why);
}

/*
 * @key=N (microseconds) on the command line, given to @set; a value it
 * refuses, or not a number, is named in a warning with @bounds.
 */
static void choose_us(const struct machine *m, const char *key,
		      int (*set)(uint64_t), const char *what,
		      const char *bounds)
{
	char v[16], *end;
	unsigned long us;

	if (!cmdline_get(m->cmdline, key, v, sizeof(v))) {
		return;
	}
	us = strtoul(v, &end, 10);
	if (*end || set(us)) {
		pr_warn("%s=%s: not %s; keeping the default\n", key, v, bounds);
	} else {
		pr_info("%s %lu us\n", what, us);
	}
}

/*
 * sched_slice_us=N: the slice while others wait; then
 * sched_sibling_slice_us=N: the slice while a sibling vCPU waits (at most
 * the slice).
 */
static void choose_slices(const struct machine *m)
{
	char bounds[48];

	choose_us(m, "sched_slice_us", sched_set_slice, "slice",
		  "500 to 10000");
	snprintf(bounds, sizeof(bounds), "100 to the slice (%lu)",
		 (unsigned long)sched_slice_us);
	choose_us(m, "sched_sibling_slice_us", sched_set_sibling_slice,
		  "sibling slice", bounds);
}

void boot_main(struct machine *m)
{
	char v[16];
	int rc, domus;

	if (cmdline_get(m->cmdline, "loglvl", v, sizeof(v)) && v[0] >= '0' &&
	    v[0] <= '4') {
		console_set_level(v[0] - '0');
	}
	banner(m);
	machine_keep_cmdline(m->cmdline);
	choose_stage2_blocks(m);
	choose_slices(m);
	if (cmdline_get(m->cmdline, "sable.selftest", v, sizeof(v)) &&
	    strcmp(v, "el2-fault") == 0) {
		/*
		 * Proves the EL2 vectors: decoded, printed, machine stopped.
		 * A BRK on arm64 (EC 0x3c); portable, so the core builds on
		 * the host too.
		 */
		__builtin_trap();
	}
	domus = domu_prepare(m);
	rc = dom0_build(m);
	if (rc && rc != -ENOENT) {
		pr_err("dom0 could not be built: stopping\n");
		arch_machine_exit(2);
	}
	if (domus > 0) {
		domus = domu_build_all();
	}
	if (rc == 0) {
		dom0_start();
	}
	if (rc == -ENOENT && domus <= 0) {
		pr_err("no dom0 kernel module (/chosen/module, "
		       "multiboot,kernel) and no boot-time domain: stopping\n");
		arch_machine_exit(2);
	}
	pr_info("free memory: %lu MiB; starting domains\n",
		(unsigned long)(mm_free_count() >> 8));
	console_input_start();
	sched_run();
}
