/* SPDX-License-Identifier: MIT */
/*
 * What the test guests read from the device tree they boot with (x0 at
 * entry, Linux arm64 boot protocol): device addresses, /chosen/bootargs
 * and the /hypervisor node (Xen's arm binding, docs/misc/arm/device-tree/
 * guest.txt: reg = grant-table region, interrupts = event upcall PPI).
 */
#include <libfdt.h>

#include "guest.h"

/* Xen's fixed arm guest layout (public/arch-arm.h), when the tree is silent. */
#define XEN_GUEST_GNTTAB_BASE 0x38000000UL
#define XEN_GUEST_EVTCHN_PPI 31U
#define GIC_PPI_BASE 16U

static const void *tree;

void gfdt_init(const void *dtb)
{
	if (dtb && fdt_check_header(dtb) == 0) {
		tree = dtb;
	}
}

bool gfdt_valid(void)
{
	return tree != NULL;
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++) {
		v = (v << 32) | fdt32_to_cpu(p[i]);
	}
	return v;
}

static bool node_reg(int node, int idx, uint64_t *base, uint64_t *size)
{
	int parent = fdt_parent_offset(tree, node);
	int ac, sc, len;
	const fdt32_t *reg;

	if (parent < 0) {
		return false;
	}
	ac = fdt_address_cells(tree, parent);
	sc = fdt_size_cells(tree, parent);
	reg = fdt_getprop(tree, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 ||
	    len < (idx + 1) * (ac + sc) * 4) {
		return false;
	}
	reg += idx * (ac + sc);
	*base = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	return true;
}

bool gfdt_reg(const char *compatible, int idx, uint64_t *base, uint64_t *size)
{
	int node;

	if (!tree) {
		return false;
	}
	node = fdt_node_offset_by_compatible(tree, -1, compatible);
	return node >= 0 && node_reg(node, idx, base, size);
}

static const char *bootargs(void)
{
	int chosen;

	if (!tree) {
		return NULL;
	}
	chosen = fdt_path_offset(tree, "/chosen");
	return chosen < 0 ? NULL : fdt_getprop(tree, chosen, "bootargs", NULL);
}

bool gfdt_arg(const char *key, char *val, size_t len)
{
	const char *p = bootargs();
	size_t klen = strlen(key);

	while (p && *p) {
		const char *end = p;
		size_t n = 0;

		while (*end && *end != ' ') {
			end++;
		}
		if ((size_t)(end - p) > klen && memcmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			for (p += klen + 1; p < end && n + 1 < len; p++) {
				val[n++] = *p;
			}
			val[n] = '\0';
			return len > 0;
		}
		p = *end ? end + 1 : end;
	}
	return false;
}

unsigned long gfdt_arg_ulong(const char *key, unsigned long dflt)
{
	char v[32];
	char *end;
	unsigned long n;

	if (!gfdt_arg(key, v, sizeof(v))) {
		return dflt;
	}
	n = strtoul(v, &end, 0);
	return (end == v || *end) ? dflt : n;
}

bool gfdt_memory(int idx, uint64_t *base, uint64_t *size)
{
	int node;

	if (!tree) {
		return false;
	}
	node = fdt_node_offset_by_prop_value(tree, -1, "device_type", "memory",
					     sizeof("memory"));
	return node >= 0 && node_reg(node, idx, base, size);
}

static int hypervisor_node(void)
{
	return tree ? fdt_node_offset_by_compatible(tree, -1, "xen,xen") : -1;
}

unsigned int gfdt_evtchn_ppi(void)
{
	int node = hypervisor_node();
	const fdt32_t *irq;
	int len;

	if (node < 0) {
		return XEN_GUEST_EVTCHN_PPI;
	}
	/* <type number flags>, type 1 = PPI, numbered from INTID 16. */
	irq = fdt_getprop(tree, node, "interrupts", &len);
	if (!irq || len < 12 || fdt32_to_cpu(irq[0]) != 1 ||
	    fdt32_to_cpu(irq[1]) > 15) {
		return XEN_GUEST_EVTCHN_PPI;
	}
	return GIC_PPI_BASE + fdt32_to_cpu(irq[1]);
}

uint64_t gfdt_gnttab_base(void)
{
	int node = hypervisor_node();
	uint64_t base, size;

	if (node >= 0 && node_reg(node, 0, &base, &size) && size) {
		return base;
	}
	return XEN_GUEST_GNTTAB_BASE;
}
