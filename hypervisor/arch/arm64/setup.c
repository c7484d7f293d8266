/* SPDX-License-Identifier: MIT */
/*
 * arm64 bring-up: the boot CPU's early set-up, the hypervisor's memory map
 * and MMU, the GIC and timer, then the secondary pCPUs through PSCI.
 */
#include <libfdt.h>

#include <arch/sysreg.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/machine.h>
#include <sable/mm.h>
#include <sable/percpu.h>

#include "../../core/boot.h"
#include "arm64.h"
#include "cpu_state.h"

#define STACK_SIZE 16384

char pcpu_stacks[MAX_CPUS + 1][STACK_SIZE] __attribute__((aligned(16)));
static struct pcpu pcpus[MAX_CPUS];
static unsigned int nr_pcpus = 1;
extern char _image_start[], _end[];

struct pcpu *pcpu_get(unsigned int id)
{
	return &pcpus[id];
}

unsigned int pcpu_count(void)
{
	return nr_pcpus;
}

/* Called from head.S with the MMU off, before any other C. */
void arch_cpu_early_init(void);
void arch_cpu_early_init(void)
{
	write_sysreg(vbar_el2, (uint64_t)el2_vectors);
	write_sysreg(cptr_el2, CPTR_EL2_RES1);
	write_sysreg(hcr_el2, HCR_RW);
	write_sysreg(mdcr_el2, 0);
	write_sysreg(vttbr_el2, 0);
	isb();
}

struct cpu_regs *arch_stack_frame(void)
{
	unsigned int id = this_cpu()->id;

	return (struct cpu_regs *)(pcpu_stacks[id + 1] -
				   sizeof(struct cpu_regs));
}

static void fatal(const char *why)
{
	pr_err("%s\n", why);
	arch_machine_exit(2);
}

static struct machine machine;

static void cpu_common_init(void)
{
	if (gic_cpu_init()) {
		fatal("no GIC redistributor for this CPU");
	}
	timer_cpu_init();
	cpufeat_cpu_init();
}

void arch_boot_secondary(unsigned int id);
void arch_boot_secondary(unsigned int id)
{
	struct pcpu *c = &pcpus[id];

	write_sysreg(tpidr_el2, (uint64_t)c);
	mmu_enable();
	cpu_common_init();
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	sched_run();
}

static void start_secondaries(void)
{
	for (unsigned int i = 1; i < machine.nr_cpus && i < MAX_CPUS; i++) {
		struct pcpu *c = &pcpus[i];
		int64_t rc;

		c->id = i;
		c->mpidr = machine.cpu_mpidr[i];
		nr_pcpus = i + 1;
		dsb(sy);
		rc = psci_cpu_on(c->mpidr, (uint64_t)secondary_entry, i);
		if (rc) {
			pr_warn("pCPU %u (mpidr %lx) failed to start: %ld\n", i,
				c->mpidr, (long)rc);
			nr_pcpus = i;
			break;
		}
		for (uint64_t t = arch_counter() + arch_counter_freq();
		     !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE);) {
			if (arch_counter() > t) {
				pr_warn("pCPU %u did not come online\n", i);
				break;
			}
		}
	}
}

/* Place the page bitmap and reserve what is in use before allocating. */
static void memory_init(uint64_t fdt_pa)
{
	uint64_t img_lo = (uint64_t)_image_start, img_hi = (uint64_t)_end;
	uint64_t bitmap = ALIGN_UP(img_hi, PAGE_SIZE);

	mm_init(machine.ram_base, machine.ram_size, (void *)bitmap);
	mm_reserve(img_lo, img_hi - img_lo);
	mm_reserve(fdt_pa, machine.fdt_size);
	for (unsigned int i = 0; i < machine.nr_modules; i++) {
		mm_reserve(machine.modules[i].addr, machine.modules[i].size);
	}
}

void arch_boot_primary(uint64_t fdt_pa, uint64_t load_addr);
void arch_boot_primary(uint64_t fdt_pa, uint64_t load_addr)
{
	const char *why;
	char *fdt_copy;

	pr_debug("loaded at 0x%lx, dtb 0x%lx\n", (unsigned long)load_addr,
		 (unsigned long)fdt_pa);
	pcpus[0].id = 0;
	pcpus[0].mpidr = read_sysreg(mpidr_el1) & 0xff00ffffffUL;
	write_sysreg(tpidr_el2, (uint64_t)&pcpus[0]);
	/* Map the first RAM GiB (image, DTB) before parsing anything. */
	mmu_setup_tables(0x40000000UL, 0x40000000UL);
	mmu_enable();
	if (machine_parse((const void *)fdt_pa, &machine, &why)) {
		uart_init(0x09000000UL);
		fatal(why);
	}
	uart_init(machine.uart_base);
	uart_spi = machine.uart_spi;
	mmu_setup_tables(machine.ram_base, machine.ram_size);
	__asm__ volatile("tlbi alle2\n dsb sy\n isb" ::: "memory");
	semihosting_enabled = true;
	{
		char v[8];

		if (cmdline_get(machine.cmdline, "semihosting", v, sizeof(v)) &&
		    strcmp(v, "0") == 0) {
			semihosting_enabled = false;
		}
	}
	memory_init(fdt_pa);
	fdt_copy =
		(char *)mm_alloc_pages(
			ALIGN_UP(machine.fdt_size, PAGE_SIZE) >> PAGE_SHIFT, 1)
			.pa;
	if (!fdt_copy ||
	    fdt_move((const void *)fdt_pa, fdt_copy, (int)machine.fdt_size)) {
		fatal("cannot copy the device tree");
	}
	machine_parse(fdt_copy, &machine, &why);
	if (gic_init(machine.gicd_base, machine.gicr_base, machine.gicr_size)) {
		fatal("GICv3 initialisation failed");
	}
	cpufeat_probe();
	cpu_common_init();
	gic_enable_irq(32 + uart_spi, 0);
	uart_enable_rx_irq();
	pcpus[0].online = true;
	start_secondaries();
	boot_main(&machine);
}

/*
 * Wait for an interrupt with IRQs masked (WFI still wakes on a pending
 * one), then open a window to take it. Unmasking first would let an IRQ
 * that queues work be handled just before the WFI, which would then sleep
 * with work queued.
 */
void arch_idle(void)
{
	/* A pCPU that waits for the state of a vCPU kept here wakes us. */
	vcpu_arch_release_moved();
	/*
	 * With the virtual CPU interface enabled, a pending virtual interrupt
	 * of the loaded vCPU would end every WFI at once: switch it off.
	 */
	write_sysreg(ICH_HCR_EL2, 0);
	this_cpu()->arch.ich_hcr = 0;
	__asm__ volatile("dsb sy\n wfi\n msr daifclr, #2\n isb\n"
			 "msr daifset, #2" ::
				 : "memory");
}

/*
 * DC ZVA zeroes a whole block (DCZID_EL0: 4 << BS bytes) in one
 * instruction: a page takes 64 of them rather than 512 stores, which
 * counts most where every guest instruction is emulated. Falls back to
 * stores when DCZID_EL0.DZP prohibits it.
 */
void arch_page_zero(void *va)
{
	/* Block size, 1 when DC ZVA may not be used; 0 before the first call. */
	static uint64_t block;
	uint64_t b = __atomic_load_n(&block, __ATOMIC_RELAXED);
	uint64_t p = (uint64_t)va;

	if (!b) {
		uint64_t dczid = read_sysreg(dczid_el0);

		b = 4ULL << (dczid & 15);
		b = (dczid & 16) || b > PAGE_SIZE ? 1 : b;
		__atomic_store_n(&block, b, __ATOMIC_RELAXED);
	}
	if (b == 1) {
		memset(va, 0, PAGE_SIZE);
		return;
	}
	for (; p < (uint64_t)va + PAGE_SIZE; p += b) {
		__asm__ volatile("dc zva, %0" : : "r"(p) : "memory");
	}
}

void arch_send_resched(unsigned int cpu)
{
	gic_send_sgi(cpu, GIC_SGI_RESCHED);
}

void arch_dcache_clean(const void *va, size_t len)
{
	uint64_t line = 64;
	uint64_t p = (uint64_t)va & ~(line - 1);

	for (; p < (uint64_t)va + len; p += line) {
		__asm__ volatile("dc cvac, %0" : : "r"(p) : "memory");
	}
	dsb(sy);
}
