/* SPDX-License-Identifier: MIT */
/*
 * Building dom0 from the boot modules, as Xen does on arm: the kernel
 * module (an arm64 Image) and an optional ramdisk; dom0's RAM is one bank
 * mapped 1:1 (IPA == PA) so that its physical devices can DMA; the kernel
 * sits at the bank's 2 MiB-aligned base plus text_offset, the device tree
 * and the ramdisk after it. Sizes from dom0_mem= and dom0_max_vcpus=.
 */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/machine.h>
#include <sable/mm.h>
#include <sable/percpu.h>

#include "boot.h"
#include "dom0.h"

#define SZ_2M (2UL << 20)
#define DOM0_MEM_DEFAULT (512UL << 20)

static const struct boot_module *find_module(const struct machine *m,
					     enum boot_module_kind kind)
{
	for (unsigned int i = 0; i < m->nr_modules; i++) {
		if (m->modules[i].kind == kind) {
			return &m->modules[i];
		}
	}
	return NULL;
}

/* dom0 sees the host's SPIs 1:1. */
static unsigned int dom0_nr_spis(const struct machine *m)
{
	(void)m;
	return arch_gic_nr_spis();
}

/*
 * dom0_weight=N (1 to SCHED_WEIGHT_MAX): dom0's scheduling weight; a value
 * out of bounds, or not a number, is named in a warning and
 * SCHED_WEIGHT_DOM0 kept.
 */
static unsigned int dom0_weight(const struct machine *m)
{
	char v[16], *end;
	unsigned long w;

	if (!cmdline_get(m->cmdline, "dom0_weight", v, sizeof(v))) {
		return SCHED_WEIGHT_DOM0;
	}
	w = strtoul(v, &end, 10);
	if (*end || w < 1 || w > SCHED_WEIGHT_MAX) {
		pr_warn("dom0_weight=%s: not 1 to %u; keeping %u\n", v,
			SCHED_WEIGHT_MAX, SCHED_WEIGHT_DOM0);
		return SCHED_WEIGHT_DOM0;
	}
	return (unsigned int)w;
}

static int dom0_params(const struct machine *m, uint64_t *mem,
		       unsigned int *vcpus)
{
	char v[32];

	*mem = DOM0_MEM_DEFAULT;
	*vcpus = pcpu_count();
	if (cmdline_get(m->cmdline, "dom0_mem", v, sizeof(v))) {
		*mem = ALIGN_UP(parse_size(v, NULL), SZ_2M);
	}
	if (cmdline_get(m->cmdline, "dom0_max_vcpus", v, sizeof(v))) {
		*vcpus = (unsigned int)strtoul(v, NULL, 0);
	}
	if (*vcpus == 0 || *vcpus > MAX_VCPUS || *mem < SZ_2M * 8) {
		return -EINVAL;
	}
	return 0;
}

static int load_kernel(const struct boot_module *k, struct dom0_layout *l)
{
	uint64_t text_offset, span;

	if (arm64_image_info((const void *)(uintptr_t)k->addr, k->size,
			     &text_offset, &span)) {
		pr_err("dom0 kernel at 0x%lx (%lu bytes) is not an arm64 "
		       "Image\n",
		       (unsigned long)k->addr, (unsigned long)k->size);
		return -EINVAL;
	}
	l->kernel = l->ram_base + text_offset;
	l->kernel_end = l->kernel + span;
	if (l->kernel_end + FDT_MAX > l->ram_base + l->ram_size) {
		pr_err("dom0 kernel does not fit in dom0_mem\n");
		return -ENOMEM;
	}
	memcpy((void *)(uintptr_t)l->kernel, (const void *)(uintptr_t)k->addr,
	       k->size);
	memset((void *)(uintptr_t)(l->kernel + k->size), 0,
	       l->kernel_end - l->kernel - k->size);
	return 0;
}

static int place_ramdisk(const struct boot_module *rd, struct dom0_layout *l)
{
	l->fdt = ALIGN_UP(l->kernel_end, SZ_2M);
	if (!rd) {
		return 0;
	}
	l->initrd = l->fdt + FDT_MAX;
	l->initrd_end = l->initrd + rd->size;
	if (l->initrd_end > l->ram_base + l->ram_size) {
		pr_err("dom0 ramdisk does not fit in dom0_mem\n");
		return -ENOMEM;
	}
	memmove((void *)(uintptr_t)l->initrd, (const void *)(uintptr_t)rd->addr,
		rd->size);
	return 0;
}

int dom0_build(struct machine *m)
{
	const struct boot_module *k = find_module(m, BOOT_MOD_KERNEL);
	const struct boot_module *rd = find_module(m, BOOT_MOD_RAMDISK);
	struct dom0_layout l = { 0 };
	struct domain *d;
	unsigned int nr_vcpus;
	uint64_t mem;
	paddr_t pa;
	int rc;

	if (!k) {
		return -ENOENT; /* boot-time domUs only */
	}
	if (dom0_params(m, &mem, &nr_vcpus)) {
		pr_err("bad dom0_mem or dom0_max_vcpus\n");
		return -EINVAL;
	}
	/* Not scrubbed: dom0 gets RAM as the machine booted with it. */
	pa = mm_alloc_pages_dirty(mem >> PAGE_SHIFT, SZ_2M >> PAGE_SHIFT);
	if (!pa.pa) {
		pr_err("cannot allocate %lu MiB for dom0\n",
		       (unsigned long)(mem >> 20));
		return -ENOMEM;
	}
	l.ram_base = pa.pa;
	l.ram_size = mem;
	d = domain_create(0, "Domain-0", nr_vcpus, true, dom0_nr_spis(m));
	if (!d) {
		return -ENOMEM;
	}
	d->direct_map = true;
	d->sched_weight = dom0_weight(m);
	d->ram_base = l.ram_base;
	d->ram_size = l.ram_size;
	rc = load_kernel(k, &l);
	if (!rc) {
		rc = place_ramdisk(rd, &l);
	}
	if (!rc) {
		rc = dom0_make_fdt(m, d, &l, k->bootargs);
	}
	if (!rc) {
		rc = domain_give_ram(d, l.ram_base, pa_init(l.ram_base),
				     l.ram_size, 0);
	}
	if (!rc) {
		rc = dom0_map_devices(m, d);
	}
	if (!rc) {
		rc = vgic_register_mmio(d, m->gicd_base, m->gicr_base);
	}
	if (rc) {
		pr_err("dom0 build failed (%d)\n", rc);
		return rc;
	}
	arch_dcache_clean((void *)(uintptr_t)l.ram_base,
			  MAX(l.initrd_end, l.fdt + FDT_MAX) - l.ram_base);
	pr_info("dom0: %u vCPUs, %lu MiB at 0x%lx (1:1), kernel 0x%lx, dtb "
		"0x%lx\n",
		nr_vcpus, (unsigned long)(mem >> 20), (unsigned long)l.ram_base,
		(unsigned long)l.kernel, (unsigned long)l.fdt);
	arch_vcpu_init(d->vcpus[0], l.kernel, l.fdt);
	return 0;
}

void dom0_start(void)
{
	struct domain *d = domain_lookup(0);

	if (d) {
		sched_add_vcpu(d->vcpus[0]);
	}
}
