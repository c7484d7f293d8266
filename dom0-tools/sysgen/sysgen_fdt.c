/* SPDX-License-Identifier: MIT */
/*
 * The boot device tree: QEMU virt's own tree with, under /chosen, the
 * hypervisor's command line, dom0's modules and one "xen,domain" node per
 * domain file (Xen's dom0less binding, docs/misc/arm/device-tree/
 * booting.txt, plus Sable's own sable,* properties, which Xen ignores).
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "sysgen.h"

/* Two cells each: images may lie above 4 GiB. */
#define CELLS 2

struct out {
	void *fdt;
	int rc; /* the first libfdt error */
};

static void chk(struct out *o, int rc)
{
	if (rc < 0 && !o->rc) {
		o->rc = rc;
	}
}

static void prop_u32(struct out *o, int node, const char *name, uint32_t v)
{
	chk(o, fdt_setprop_u32(o->fdt, node, name, v));
}

static void prop_str(struct out *o, int node, const char *name, const char *v)
{
	chk(o, fdt_setprop_string(o->fdt, node, name, v));
}

/* compatible = "<kind>", "multiboot,module"; reg = <addr size>. */
static void module_node(struct out *o, int parent,
			const struct sysgen_module *m, const char *kind,
			const char *bootargs)
{
	char name[40], compat[64];
	fdt32_t reg[4] = {
		cpu_to_fdt32((uint32_t)(m->addr >> 32)),
		cpu_to_fdt32((uint32_t)m->addr),
		cpu_to_fdt32((uint32_t)(m->size >> 32)),
		cpu_to_fdt32((uint32_t)m->size),
	};
	size_t klen = strlen(kind) + 1;
	int node;

	snprintf(name, sizeof(name), "module@%llx",
		 (unsigned long long)m->addr);
	node = fdt_add_subnode(o->fdt, parent, name);
	chk(o, node);
	if (node < 0) {
		return;
	}
	memcpy(compat, kind, klen);
	memcpy(compat + klen, "multiboot,module", sizeof("multiboot,module"));
	chk(o, fdt_setprop(o->fdt, node, "compatible", compat,
			   (int)(klen + sizeof("multiboot,module"))));
	chk(o, fdt_setprop(o->fdt, node, "reg", reg, sizeof(reg)));
	if (bootargs && *bootargs) {
		prop_str(o, node, "bootargs", bootargs);
	}
}

/* sable,cpus: the pCPUs of the machine that @mask allows, if not all. */
static void pin_prop(struct out *o, int node, uint64_t mask, unsigned int pcpus)
{
	uint64_t have = (1ULL << pcpus) - 1;
	fdt32_t cells[SYSGEN_MAX_PCPUS];
	int n = 0;

	mask &= have;
	if (!mask || mask == have) {
		return;
	}
	for (unsigned int c = 0; c < pcpus; c++) {
		if (mask & (1ULL << c)) {
			cells[n++] = cpu_to_fdt32(c);
		}
	}
	chk(o, fdt_setprop(o->fdt, node, "sable,cpus", cells,
			   n * (int)sizeof(fdt32_t)));
}

static void domain_node(struct out *o, int chosen,
			const struct sysgen_system *sys,
			const struct sysgen_domain *d)
{
	static const char *const on[3] = { "sable,on-poweroff",
					   "sable,on-reboot",
					   "sable,on-crash" };
	const struct xlcfg *c = &d->cfg;
	int node = fdt_add_subnode(o->fdt, chosen, c->name);

	chk(o, node);
	if (node < 0) {
		return;
	}
	prop_str(o, node, "compatible", "xen,domain");
	prop_u32(o, node, "#address-cells", CELLS);
	prop_u32(o, node, "#size-cells", CELLS);
	chk(o, fdt_setprop_u64(o->fdt, node, "memory", c->memory_mib * 1024));
	prop_u32(o, node, "cpus", c->vcpus);
	if (c->vuart) {
		chk(o, fdt_setprop_empty(o->fdt, node, "vpl011"));
	}
	if (d->enhanced[0]) {
		prop_str(o, node, "xen,enhanced", d->enhanced);
	}
	if (c->p2m_kib) {
		prop_u32(o, node, "xen,domain-p2m-mem-mb",
			 (uint32_t)((c->p2m_kib + 1023) / 1024));
	}
	if (d->direct_map) {
		chk(o, fdt_setprop_empty(o->fdt, node, "direct-map"));
	}
	if (c->cpu_weight != 256) {
		prop_u32(o, node, "sable,weight", c->cpu_weight);
	}
	if (c->cap) {
		/* xl's cap is for the whole domain, Sable's for each vCPU. */
		uint32_t cap = (c->cap + c->vcpus - 1) / c->vcpus;

		prop_u32(o, node, "sable,cap", cap > 100 ? 100 : cap);
	}
	pin_prop(o, node, c->cpus, sys->pcpus);
	for (int e = 0; e < 3; e++) {
		prop_str(o, node, on[e], d->on[e]);
	}
	/* A new node goes before its siblings: the kernel last, so first. */
	if (d->ramdisk.size) {
		module_node(o, node, &d->ramdisk, "multiboot,ramdisk", NULL);
	}
	module_node(o, node, &d->kernel, "multiboot,kernel", c->cmdline);
}

int sysgen_fdt(const struct sysgen_system *sys, const void *base,
	       size_t base_size, void *out, size_t out_size, char *err)
{
	struct out o = { .fdt = out };
	int chosen;

	if (fdt_check_header(base) || fdt_totalsize(base) > base_size) {
		snprintf(err, SYSGEN_ERR_MAX,
			 "the machine's device tree is "
			 "not a device tree blob");
		return -EINVAL;
	}
	chk(&o, fdt_open_into(base, out, (int)out_size));
	chosen = o.rc ? o.rc : fdt_path_offset(out, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND) {
		chosen = fdt_add_subnode(out, 0, "chosen");
	}
	chk(&o, chosen);
	if (!o.rc) {
		prop_u32(&o, chosen, "#address-cells", CELLS);
		prop_u32(&o, chosen, "#size-cells", CELLS);
		prop_str(&o, chosen, "bootargs", sys->cmdline);
		/* Xen's command line when dom0 is not booted by a loader. */
		prop_str(&o, chosen, "xen,xen-bootargs", sys->cmdline);
	}
	/*
	 * A new node goes before its siblings: the domains from the last,
	 * so that they keep file order (their domain ids), then dom0's
	 * modules, kernel first.
	 */
	for (unsigned int i = sys->nr_doms; !o.rc && i-- > 0;) {
		/* fdt_add_subnode() may move /chosen. */
		chosen = fdt_path_offset(out, "/chosen");
		domain_node(&o, chosen, sys, &sys->doms[i]);
	}
	if (!o.rc && sys->has_dom0) {
		chosen = fdt_path_offset(out, "/chosen");
		if (sys->dom0.ramdisk.size) {
			module_node(&o, chosen, &sys->dom0.ramdisk,
				    "multiboot,ramdisk", NULL);
		}
		chosen = fdt_path_offset(out, "/chosen");
		module_node(&o, chosen, &sys->dom0.kernel, "multiboot,kernel",
			    sys->dom0.cfg.cmdline);
	}
	if (!o.rc) {
		chk(&o, fdt_pack(out));
	}
	if (o.rc) {
		snprintf(err, SYSGEN_ERR_MAX, "device tree: %s",
			 fdt_strerror(o.rc));
		return -EINVAL;
	}
	return 0;
}
