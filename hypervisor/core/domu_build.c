/* SPDX-License-Identifier: MIT */
/*
 * Building the boot-time domUs described under /chosen (Xen's dom0less
 * binding, see bootdom.c). Each gets domid 1, 2, ... in node order, its own
 * zeroed RAM at Xen's guest RAM base (one 2 MiB-aligned allocation, mapped
 * with the largest blocks), its kernel at RAM base + text_offset, a device
 * tree written from scratch after it, the ramdisk after that, a vGICv3 at
 * Xen's guest addresses and, when asked for, an emulated UART and a xenstore
 * connection for dom0's xenstored (below). A bad
 * description or a domain that does not fit is reported and skipped; the
 * others are still built.
 */
#include <sable/arch.h>
#include <sable/bootdom.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/page.h>
#include <sable/machine.h>
#include <sable/mm.h>
#include <sable/p2m.h>

#include <public/hvm.h>

#include "boot.h"
#include "domu.h"

#define SZ_2M (2UL << 20)

struct domu_ram {
	uint64_t pa; /* machine address of GUEST_RAM_BASE */
	uint64_t size;
};

static void *ram_va(const struct domu_ram *r, uint64_t ipa)
{
	return (void *)(uintptr_t)(r->pa + (ipa - GUEST_RAM_BASE));
}

/* Where everything goes in a RAM bank of @ram_size; checked before any
 * memory is allocated. */
static int plan_layout(const struct boot_domain *bd, uint64_t ram_size,
		       struct domu_layout *l)
{
	uint64_t text_offset, span, end = GUEST_RAM_BASE + ram_size;

	if (arm64_image_info((const void *)(uintptr_t)bd->kernel.addr,
			     bd->kernel.size, &text_offset, &span)) {
		pr_err("domain %s: kernel at 0x%lx is not an arm64 Image\n",
		       bd->name, (unsigned long)bd->kernel.addr);
		return -EINVAL;
	}
	l->ram_size = ram_size;
	l->kernel = GUEST_RAM_BASE + text_offset;
	l->kernel_end = l->kernel + span;
	l->fdt = ALIGN_UP(l->kernel_end, SZ_2M);
	if (bd->ramdisk.size) {
		l->initrd = l->fdt + DOMU_FDT_MAX;
		l->initrd_end = l->initrd + bd->ramdisk.size;
	}
	if (l->kernel_end > end || l->fdt + DOMU_FDT_MAX > end ||
	    l->initrd_end > end) {
		pr_err("domain %s: kernel, device tree and ramdisk do not fit "
		       "in %lu MiB\n",
		       bd->name, (unsigned long)(ram_size >> 20));
		return -ENOMEM;
	}
	return 0;
}

static void load_images(const struct boot_domain *bd, const struct domu_ram *r,
			const struct domu_layout *l)
{
	memcpy(ram_va(r, l->kernel), (const void *)(uintptr_t)bd->kernel.addr,
	       bd->kernel.size);
	if (bd->ramdisk.size) {
		memcpy(ram_va(r, l->initrd),
		       (const void *)(uintptr_t)bd->ramdisk.addr,
		       bd->ramdisk.size);
	}
}

/*
 * xen,enhanced: what Xen 4.17 prepares for an enhanced dom0less domain,
 * plus the page itself. A zeroed xenstore page at the magic area's
 * xenstore frame, granted to dom0 at the reserved grant reference, and an
 * unbound port whose remote is dom0. HVM_PARAM_STORE_PFN stays ~0 ("not
 * connected yet") until dom0's toolstack introduces the domain to xenstored
 * and sets it; Linux waits for the store port's event and then connects.
 */
static int domu_xenstore(struct domain *d)
{
	uint64_t gfn =
		(GUEST_MAGIC_BASE >> PAGE_SHIFT) + GUEST_XENSTORE_PFN_OFFSET;
	uint32_t port;
	paddr_t pa;
	int rc;

	if (!domain_lookup(0)) {
		pr_warn("domain %u (%s): xen,enhanced but no dom0 to run "
			"xenstored: no xenstore\n",
			d->id, d->name);
		return 0;
	}
	pa = mm_alloc_pages(1, 1);
	if (!pa.pa) {
		return -ENOMEM;
	}
	memset((void *)(uintptr_t)pa.pa, 0, PAGE_SIZE);
	rc = page_assign(pa, 1, d->id, PGT_ram);
	if (rc) {
		mm_free_pages(pa, 1);
		return rc;
	}
	d->tot_pages++;
	d->max_pages++;
	rc = physmap_add(d, gfn, pa, p2m_ram_rw);
	if (!rc) {
		rc = gnttab_seed_entry(&d->gnttab, GUEST_XENSTORE_GRANT_REF, 0,
				       gfn, false);
	}
	if (!rc) {
		rc = evtchn_alloc_unbound_port(&d->evtchn, 0, &port);
	}
	if (rc) {
		/* The domain is never started; its mappings go with it. */
		return rc;
	}
	d->hvm_params[HVM_PARAM_STORE_EVTCHN] = port;
	d->hvm_params[HVM_PARAM_STORE_PFN] = ~0ULL;
	pr_info("domain %u (%s): xenstore page 0x%lx, port %u, waiting for "
		"dom0\n",
		d->id, d->name, (unsigned long)gfn, port);
	return 0;
}

static int domu_setup(struct domain *d, const struct boot_domain *bd,
		      const struct domu_ram *r, const struct domu_layout *l)
{
	int rc;

	load_images(bd, r, l);
	rc = domu_make_fdt(ram_va(r, l->fdt), d, bd, l);
	if (!rc) {
		rc = domain_give_ram(d, GUEST_RAM_BASE, pa_init(r->pa), r->size,
				     bd->p2m_mem_mb << 8);
	}
	if (!rc) {
		rc = vgic_register_mmio(d, GUEST_GICD_BASE, GUEST_GICR_BASE);
	}
	if (!rc && bd->vpl011) {
		rc = vpl011_init(d);
	}
	if (!rc && bd->xenstore) {
		rc = domu_xenstore(d);
	}
	if (rc) {
		return rc;
	}
	arch_dcache_clean(ram_va(r, GUEST_RAM_BASE), r->size);
	pr_info("domain %u (%s): %u vCPUs, %lu MiB at 0x%lx (machine 0x%lx), "
		"kernel 0x%lx, dtb 0x%lx%s\n",
		d->id, bd->name, d->nr_vcpus, (unsigned long)(r->size >> 20),
		GUEST_RAM_BASE, (unsigned long)r->pa, (unsigned long)l->kernel,
		(unsigned long)l->fdt, bd->vpl011 ? ", vpl011" : "");
	domain_report_memory(d);
	arch_vcpu_init(d->vcpus[0], l->kernel, l->fdt);
	sched_add_vcpu(d->vcpus[0]);
	return 0;
}

static int domu_build_one(const struct boot_domain *bd, domid_t id)
{
	struct domu_layout l = { 0 };
	struct domu_ram r;
	struct domain *d;
	paddr_t pa;

	r.size = ALIGN_UP(bd->mem_kib << 10, SZ_2M);
	if (r.size > GUEST_RAM_MAX) {
		pr_err("domain %s: memory above %lu MiB\n", bd->name,
		       GUEST_RAM_MAX >> 20);
		return -EINVAL;
	}
	if (plan_layout(bd, r.size, &l)) {
		return -EINVAL;
	}
	pa = mm_alloc_pages(r.size >> PAGE_SHIFT, SZ_2M >> PAGE_SHIFT);
	if (!pa.pa) {
		pr_err("domain %s: cannot allocate %lu MiB\n", bd->name,
		       (unsigned long)(r.size >> 20));
		return -ENOMEM;
	}
	r.pa = pa.pa;
	/* Nothing of the previous owner (or of the boot modules) leaks. */
	memset(ram_va(&r, GUEST_RAM_BASE), 0, r.size);
	d = domain_create(id, bd->name, bd->nr_vcpus, false, GUEST_NR_SPIS);
	if (!d) {
		mm_free_pages(pa, r.size >> PAGE_SHIFT);
		pr_err("domain %s: cannot create domain %u\n", bd->name, id);
		return -ENOMEM;
	}
	if (bd->sched_weight) {
		d->sched_weight = bd->sched_weight;
	}
	d->sched_cap = bd->sched_cap;
	for (unsigned int i = 0; bd->cpus && i < d->nr_vcpus; i++) {
		if (sched_set_affinity(d->vcpus[i], bd->cpus,
				       SCHED_AFFINITY_ALL)) {
			pr_err("domain %s: sable,cpus names no pCPU that is "
			       "up: runs on any\n",
			       bd->name);
			break;
		}
	}
	d->ram_base = GUEST_RAM_BASE;
	d->ram_size = r.size;
	if (domu_setup(d, bd, &r, &l)) {
		/* Never started: listed as crashed, keeps nothing up. */
		spin_lock(&d->lock);
		d->is_shutdown = true;
		d->shutdown_reason = SHUTDOWN_crash;
		spin_unlock(&d->lock);
		return -EINVAL;
	}
	return 0;
}

static struct boot_domain bds[MAX_BOOT_DOMAINS];
static int nr_bds;

/*
 * Read the descriptions and keep their modules out of the page allocator
 * before any domain's RAM is allocated.
 */
int domu_prepare(struct machine *m)
{
	const char *why, *node;

	nr_bds = bootdom_parse(m->fdt, bds, MAX_BOOT_DOMAINS, &why, &node);
	if (nr_bds < 0) {
		pr_err("boot-time domain %s: %s\n", node ? node : "?", why);
		return nr_bds;
	}
	for (int i = 0; i < nr_bds; i++) {
		mm_reserve(bds[i].kernel.addr, bds[i].kernel.size);
		if (bds[i].ramdisk.size) {
			mm_reserve(bds[i].ramdisk.addr, bds[i].ramdisk.size);
		}
	}
	return nr_bds;
}

int domu_build_all(void)
{
	domid_t id = 1;
	int built = 0;

	for (int i = 0; i < nr_bds; i++, id++) {
		if (domu_build_one(&bds[i], id) == 0) {
			built++;
		} else {
			pr_err("domain %s (%u) not built\n", bds[i].name, id);
		}
	}
	return built;
}
