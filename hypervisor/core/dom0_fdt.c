/* SPDX-License-Identifier: MIT */
/*
 * dom0's device tree: the host's, edited with libfdt as Xen edits it
 * (xen-abi notes 2.1, 2.3): dom0's memory bank, its vCPUs, PSCI over hvc,
 * the /hypervisor node (grant-table window, event upcall PPI), /chosen with
 * the kernel's bootargs and the ramdisk, and without what Sable keeps for
 * itself (its UART) or does not emulate (ITS, PMU).
 */
#include <libfdt.h>

#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/machine.h>
#include <sable/vgic.h>

#include "dom0.h"

#define GNTTAB_WINDOW_SIZE 0x01000000UL

#define CHECK(expr) FDT_TRY("dom0", expr)

static void del_compatible(void *fdt, const char *compat)
{
	int node;

	while ((node = fdt_node_offset_by_compatible(fdt, -1, compat)) >= 0) {
		if (fdt_del_node(fdt, node)) {
			break;
		}
	}
}

static int fix_chosen(void *fdt, const struct dom0_layout *l,
		      const char *bootargs)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	int node;

	if (chosen < 0) {
		chosen = fdt_add_subnode(fdt, 0, "chosen");
		CHECK(chosen);
	}
	/* Drop the boot modules and the hypervisor's own properties. */
	while ((node = fdt_first_subnode(fdt, chosen)) >= 0) {
		CHECK(fdt_del_node(fdt, node));
	}
	fdt_delprop(fdt, chosen, "stdout-path");
	fdt_delprop(fdt, chosen, "xen,xen-bootargs");
	fdt_delprop(fdt, chosen, "xen,dom0-bootargs");
	fdt_delprop(fdt, chosen, "linux,initrd-start");
	fdt_delprop(fdt, chosen, "linux,initrd-end");
	CHECK(fdt_setprop_string(fdt, chosen, "bootargs",
				 bootargs ? bootargs : ""));
	if (l->initrd) {
		CHECK(fdt_setprop_u64(fdt, chosen, "linux,initrd-start",
				      l->initrd));
		CHECK(fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
				      l->initrd_end));
	}
	return 0;
}

static int fix_memory(void *fdt, const struct dom0_layout *l)
{
	int node;
	fdt64_t reg[2];

	while ((node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						     "memory", 7)) >= 0) {
		CHECK(fdt_del_node(fdt, node));
	}
	node = fdt_add_subnode(fdt, 0, "memory");
	CHECK(node);
	reg[0] = cpu_to_fdt64(l->ram_base);
	reg[1] = cpu_to_fdt64(l->ram_size);
	CHECK(fdt_setprop_string(fdt, node, "device_type", "memory"));
	CHECK(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)));
	return 0;
}

static int fix_cpus(void *fdt, const struct domain *d)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	int node;
	unsigned int seen = 0;

	CHECK(cpus);
	fdt_delprop(fdt, cpus, "cpu-map");
	while ((node = fdt_subnode_offset(fdt, cpus, "cpu-map")) >= 0) {
		CHECK(fdt_del_node(fdt, node));
	}
	for (node = fdt_first_subnode(fdt, cpus); node >= 0;) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		int next = fdt_next_subnode(fdt, node);

		if (type && strcmp(type, "cpu") == 0) {
			if (seen >= d->nr_vcpus) {
				CHECK(fdt_del_node(fdt, node));
				/* offsets after a deletion moved: restart */
				node = fdt_first_subnode(fdt, cpus);
				seen = 0;
				continue;
			}
			CHECK(fdt_setprop_u32(fdt, node, "reg",
					      (seen & 0xf) |
						      ((seen >> 4) << 8)));
			CHECK(fdt_setprop_string(fdt, node, "enable-method",
						 "psci"));
			seen++;
		}
		node = next;
	}
	return 0;
}

static int fix_psci(void *fdt)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");

	if (node < 0) {
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
	}
	if (node < 0) {
		node = fdt_add_subnode(fdt, 0, "psci");
		CHECK(node);
	}
	CHECK(fdt_setprop(fdt, node, "compatible", compat, sizeof(compat)));
	CHECK(fdt_setprop_string(fdt, node, "method", "hvc"));
	CHECK(fdt_setprop_u32(fdt, node, "cpu_off", 1));
	CHECK(fdt_setprop_u32(fdt, node, "cpu_on", 2));
	return 0;
}

uint64_t dom0_gnttab_window(const struct machine *m)
{
	return ALIGN_UP(m->ram_base + m->ram_size, 1UL << 30);
}

static int add_hypervisor_node(void *fdt, const struct machine *m)
{
	static const char compat[] = "xen,xen-4.17\0xen,xen";
	int gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	uint32_t phandle;
	fdt64_t reg[2];
	fdt32_t irq[3];
	int node;

	CHECK(gic);
	phandle = fdt_get_phandle(fdt, gic);
	if (!phandle) {
		return -EINVAL;
	}
	node = fdt_add_subnode(fdt, 0, "hypervisor");
	CHECK(node);
	reg[0] = cpu_to_fdt64(dom0_gnttab_window(m));
	reg[1] = cpu_to_fdt64(GNTTAB_WINDOW_SIZE);
	irq[0] = cpu_to_fdt32(1); /* PPI */
	irq[1] = cpu_to_fdt32(EVTCHN_UPCALL_INTID - 16);
	irq[2] = cpu_to_fdt32(0xf08); /* all CPUs, level low */
	CHECK(fdt_setprop(fdt, node, "compatible", compat, sizeof(compat)));
	CHECK(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)));
	CHECK(fdt_setprop(fdt, node, "interrupts", irq, sizeof(irq)));
	CHECK(fdt_setprop_u32(fdt, node, "interrupt-parent", phandle));
	return 0;
}

static int drop_host_only(void *fdt, const struct machine *m)
{
	const char *uart_path = NULL;
	char path[128];
	int node;

	if (fdt_get_path(m->fdt, m->uart_node, path, sizeof(path)) == 0) {
		uart_path = path;
	}
	if (uart_path && (node = fdt_path_offset(fdt, uart_path)) >= 0) {
		CHECK(fdt_del_node(fdt, node));
	}
	del_compatible(fdt, "arm,gic-v3-its");
	del_compatible(fdt, "arm,armv8-pmuv3");
	del_compatible(fdt, "arm,armv7-timer-mem");
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		fdt_delprop(fdt, node, "msi-parent");
		fdt_delprop(fdt, node, "msi-map");
	}
	return 0;
}

int dom0_make_fdt(const struct machine *m, struct domain *d,
		  const struct dom0_layout *l, const char *bootargs)
{
	void *fdt = (void *)(uintptr_t)l->fdt;
	int rc;

	CHECK(fdt_open_into(m->fdt, fdt, (int)FDT_MAX));
	rc = fix_chosen(fdt, l, bootargs);
	if (!rc) {
		rc = fix_memory(fdt, l);
	}
	if (!rc) {
		rc = fix_cpus(fdt, d);
	}
	if (!rc) {
		rc = fix_psci(fdt);
	}
	if (!rc) {
		rc = drop_host_only(fdt, m);
	}
	if (!rc) {
		rc = add_hypervisor_node(fdt, m);
	}
	if (!rc) {
		CHECK(fdt_pack(fdt));
	}
	return rc;
}

static bool keep_for_sable(const struct machine *m, const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);

	if (node == m->uart_node) {
		return true;
	}
	if (status && strcmp(status, "okay") != 0 &&
	    strcmp(status, "ok") != 0) {
		return true;
	}
	return !fdt_node_check_compatible(fdt, node, "arm,gic-v3");
}

/* Give dom0 the device's SPIs: virtual INTID == physical, HW-linked. */
static void route_device_irqs(const void *fdt, int node, struct domain *d)
{
	int len;
	const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);

	for (int i = 0; irq && i + 12 <= len; i += 12) {
		uint32_t type = fdt32_to_cpu(irq[i / 4]);
		uint32_t num = fdt32_to_cpu(irq[i / 4 + 1]);

		if (type == 0 &&
		    vgic_map_hw_irq(&d->vgic, 32 + num, 32 + num)) {
			pr_warn("dom0: cannot route SPI %u of %s\n", num,
				fdt_get_name(fdt, node, NULL));
		}
	}
}

/* Map every top-level device's registers 1:1 (emulated ones excepted). */
int dom0_map_devices(const struct machine *m, struct domain *d)
{
	const void *fdt = m->fdt;
	int node;

	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg;
		int len;

		if ((type && strcmp(type, "memory") == 0) ||
		    keep_for_sable(m, fdt, node)) {
			continue;
		}
		route_device_irqs(fdt, node, d);
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg) {
			continue;
		}
		for (int i = 0; i + 16 <= len; i += 16) {
			uint64_t base =
				((uint64_t)fdt32_to_cpu(reg[i / 4]) << 32) |
				fdt32_to_cpu(reg[i / 4 + 1]);
			uint64_t size =
				((uint64_t)fdt32_to_cpu(reg[i / 4 + 2]) << 32) |
				fdt32_to_cpu(reg[i / 4 + 3]);
			uint64_t lo = base & PAGE_MASK;
			uint64_t hi = ALIGN_UP(base + size, PAGE_SIZE);
			int rc;

			if (!size) {
				continue;
			}
			rc = p2m_map(&d->p2m, ipa_init(lo), pa_init(lo),
				     hi - lo, p2m_mmio);
			if (rc) {
				pr_warn("dom0: cannot map %s (%d)\n",
					fdt_get_name(fdt, node, NULL), rc);
			}
		}
	}
	return 0;
}
