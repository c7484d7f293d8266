/* SPDX-License-Identifier: MIT */
/*
 * A domU's device tree, written from scratch with libfdt: the
 * nodes a Xen arm guest finds (memory, cpus, PSCI over hvc, GICv3, the
 * architected timer, /hypervisor with the grant-table region and the event
 * upcall PPI, and the emulated UART when asked for) at Xen's guest
 * addresses.
 */
#include <libfdt.h>

#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>

#include "dom0.h"
#include "domu.h"

#define TRY(expr) FDT_TRY("domU", expr)

/* Level-sensitive PPIs on every CPU / an SPI, as interrupt specifiers. */
#define IRQ_PPI 1
#define IRQ_SPI 0
#define PPI_FLAGS 0xf08
#define SPI_LEVEL_HIGH 4

static int set_reg(void *fdt, int node, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	TRY(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)));
	return 0;
}

static int set_irqs(void *fdt, int node, const uint32_t *spec, int n)
{
	fdt32_t v[12];

	for (int i = 0; i < n && i < 12; i++) {
		v[i] = cpu_to_fdt32(spec[i]);
	}
	TRY(fdt_setprop(fdt, node, "interrupts", v, n * 4));
	TRY(fdt_setprop_u32(fdt, node, "interrupt-parent", GUEST_PHANDLE_GIC));
	return 0;
}

static int add_root(void *fdt, const char *cmdline, const struct domu_layout *l)
{
	static const char compat[] = "xen,xenvm-4.17\0xen,xenvm";
	int chosen, mem;

	TRY(fdt_setprop(fdt, 0, "compatible", compat, sizeof(compat)));
	TRY(fdt_setprop_u32(fdt, 0, "#address-cells", 2));
	TRY(fdt_setprop_u32(fdt, 0, "#size-cells", 2));
	TRY(fdt_setprop_u32(fdt, 0, "interrupt-parent", GUEST_PHANDLE_GIC));
	TRY(chosen = fdt_add_subnode(fdt, 0, "chosen"));
	TRY(fdt_setprop_string(fdt, chosen, "bootargs", cmdline));
	if (l->initrd) {
		TRY(fdt_setprop_u64(fdt, chosen, "linux,initrd-start",
				    l->initrd));
		TRY(fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
				    l->initrd_end));
	}
	TRY(mem = fdt_add_subnode(fdt, 0, "memory@40000000"));
	TRY(fdt_setprop_string(fdt, mem, "device_type", "memory"));
	return set_reg(fdt, mem, GUEST_RAM_BASE, l->ram_size);
}

static int add_cpus(void *fdt, unsigned int nr)
{
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
	char name[16];
	int cpus, psci;

	TRY(cpus = fdt_add_subnode(fdt, 0, "cpus"));
	TRY(fdt_setprop_u32(fdt, cpus, "#address-cells", 1));
	TRY(fdt_setprop_u32(fdt, cpus, "#size-cells", 0));
	/* Added in reverse: fdt_add_subnode puts each first. */
	for (unsigned int i = nr; i-- > 0;) {
		int cpu;

		snprintf(name, sizeof(name), "cpu@%x", i);
		TRY(cpu = fdt_add_subnode(fdt, cpus, name));
		TRY(fdt_setprop_string(fdt, cpu, "device_type", "cpu"));
		TRY(fdt_setprop_string(fdt, cpu, "compatible", "arm,armv8"));
		TRY(fdt_setprop_string(fdt, cpu, "enable-method", "psci"));
		TRY(fdt_setprop_u32(fdt, cpu, "reg",
				    (i & 0xf) | ((i >> 4) << 8)));
	}
	TRY(psci = fdt_add_subnode(fdt, 0, "psci"));
	TRY(fdt_setprop(fdt, psci, "compatible", psci_compat,
			sizeof(psci_compat)));
	TRY(fdt_setprop_string(fdt, psci, "method", "hvc"));
	return 0;
}

static int add_gic_timer(void *fdt, unsigned int nr_vcpus)
{
	static const uint32_t timer[] = {
		IRQ_PPI, 13, PPI_FLAGS, IRQ_PPI, 14, PPI_FLAGS,
		IRQ_PPI, 11, PPI_FLAGS, IRQ_PPI, 10, PPI_FLAGS,
	};
	fdt64_t reg[4] = {
		cpu_to_fdt64(GUEST_GICD_BASE),
		cpu_to_fdt64(VGIC_DIST_SIZE),
		cpu_to_fdt64(GUEST_GICR_BASE),
		cpu_to_fdt64((uint64_t)VGIC_REDIST_STRIDE * nr_vcpus),
	};
	int gic, t;

	TRY(gic = fdt_add_subnode(fdt, 0, "interrupt-controller@3001000"));
	TRY(fdt_setprop_string(fdt, gic, "compatible", "arm,gic-v3"));
	TRY(fdt_setprop_u32(fdt, gic, "#interrupt-cells", 3));
	TRY(fdt_setprop_u32(fdt, gic, "#address-cells", 0));
	TRY(fdt_setprop(fdt, gic, "interrupt-controller", NULL, 0));
	TRY(fdt_setprop_u32(fdt, gic, "#redistributor-regions", 1));
	TRY(fdt_setprop(fdt, gic, "reg", reg, sizeof(reg)));
	TRY(fdt_setprop_u32(fdt, gic, "phandle", GUEST_PHANDLE_GIC));
	TRY(t = fdt_add_subnode(fdt, 0, "timer"));
	TRY(fdt_setprop_string(fdt, t, "compatible", "arm,armv8-timer"));
	return set_irqs(fdt, t, timer, ARRAY_SIZE(timer));
}

static int add_hypervisor(void *fdt)
{
	static const char compat[] = "xen,xen-4.17\0xen,xen";
	const uint32_t irq[] = { IRQ_PPI, EVTCHN_UPCALL_INTID - 16, PPI_FLAGS };
	int node;

	TRY(node = fdt_add_subnode(fdt, 0, "hypervisor"));
	TRY(fdt_setprop(fdt, node, "compatible", compat, sizeof(compat)));
	if (set_reg(fdt, node, GUEST_GNTTAB_BASE, GUEST_GNTTAB_SIZE)) {
		return -EINVAL;
	}
	return set_irqs(fdt, node, irq, ARRAY_SIZE(irq));
}

static int add_uart(void *fdt)
{
	const uint32_t irq[] = { IRQ_SPI, GUEST_PL011_SPI, SPI_LEVEL_HIGH };
	int node;

	TRY(node = fdt_add_subnode(fdt, 0, "sbsa-uart@22000000"));
	TRY(fdt_setprop_string(fdt, node, "compatible", "arm,sbsa-uart"));
	/* Linux's SBSA UART driver refuses a node without a fixed speed. */
	TRY(fdt_setprop_u32(fdt, node, "current-speed", 115200));
	if (set_reg(fdt, node, GUEST_PL011_BASE, GUEST_PL011_SIZE)) {
		return -EINVAL;
	}
	return set_irqs(fdt, node, irq, ARRAY_SIZE(irq));
}

int domu_make_fdt(void *buf, const struct domain *d, const char *cmdline,
		  bool vpl011, const struct domu_layout *l)
{
	int rc;

	TRY(fdt_create_empty_tree(buf, (int)DOMU_FDT_MAX));
	rc = add_root(buf, cmdline, l);
	if (!rc && vpl011) {
		rc = add_uart(buf);
	}
	if (!rc) {
		rc = add_hypervisor(buf);
	}
	if (!rc) {
		rc = add_gic_timer(buf, d->nr_vcpus);
	}
	if (!rc) {
		rc = add_cpus(buf, d->nr_vcpus);
	}
	if (!rc) {
		TRY(fdt_pack(buf));
		/*
		 * Packing moves the strings block down: what it leaves past
		 * the tree's end is zeroed, so the guest's RAM outside its
		 * tree and images reads 0 as the rest does.
		 */
		memset((char *)buf + fdt_totalsize(buf), 0,
		       DOMU_FDT_MAX - fdt_totalsize(buf));
	}
	return rc;
}
