/* SPDX-License-Identifier: MIT */
/*
 * Reading the host device tree: memory, CPUs, GICv3, the UART named by
 * /chosen/stdout-path, the hypervisor command line and the boot modules
 * (/chosen/module@... nodes with "multiboot,kernel" / "multiboot,ramdisk",
 * as QEMU's guest-loader and Xen's dom0less binding write them).
 */
#include <libfdt.h>

#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/machine.h>

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++) {
		v = (v << 32) | fdt32_to_cpu(p[i]);
	}
	return v;
}

/* Read entry @idx of node's "reg" using the parent's cell sizes. */
static int read_reg(const void *fdt, int node, int idx, uint64_t *base,
		    uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 ||
	    len < (idx + 1) * (ac + sc) * 4) {
		return -EINVAL;
	}
	reg += idx * (ac + sc);
	*base = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	return 0;
}

static int parse_memory(const void *fdt, struct machine *m)
{
	int node;

	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (type && strcmp(type, "memory") == 0) {
			return read_reg(fdt, node, 0, &m->ram_base,
					&m->ram_size);
		}
	}
	return -ENOENT;
}

static int parse_cpus(const void *fdt, struct machine *m)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	int node;

	if (cpus < 0) {
		return -ENOENT;
	}
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		uint64_t mpidr, unused;

		if (!type || strcmp(type, "cpu") != 0) {
			continue;
		}
		if (read_reg(fdt, node, 0, &mpidr, &unused) == -EINVAL) {
			/* cpus use #size-cells = 0 */
			int len;
			const fdt32_t *r = fdt_getprop(fdt, node, "reg", &len);

			if (!r || len < 4) {
				continue;
			}
			mpidr = read_cells(r, len >= 8 ? 2 : 1);
		}
		if (m->nr_cpus < MAX_CPUS) {
			m->cpu_mpidr[m->nr_cpus++] = mpidr;
		}
	}
	return m->nr_cpus ? 0 : -ENOENT;
}

static int parse_gic(const void *fdt, struct machine *m)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");

	if (node < 0) {
		return -ENODEV;
	}
	m->gic_version = 3;
	if (read_reg(fdt, node, 0, &m->gicd_base, &m->gicd_size) ||
	    read_reg(fdt, node, 1, &m->gicr_base, &m->gicr_size)) {
		return -EINVAL;
	}
	return 0;
}

static int parse_uart(const void *fdt, struct machine *m)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *path = NULL;
	int node = -1, len;
	const fdt32_t *irq;

	if (chosen >= 0) {
		path = fdt_getprop(fdt, chosen, "stdout-path", NULL);
	}
	if (path) {
		const char *colon = strchr(path, ':');

		node = fdt_path_offset_namelen(fdt, path,
					       colon ? (int)(colon - path)
						     : (int)strlen(path));
	}
	if (node < 0) {
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	}
	if (node < 0) {
		return -ENODEV;
	}
	m->uart_node = node;
	if (read_reg(fdt, node, 0, &m->uart_base, &m->uart_size)) {
		return -EINVAL;
	}
	irq = fdt_getprop(fdt, node, "interrupts", &len);
	if (irq && len >= 12 && fdt32_to_cpu(irq[0]) == 0) {
		m->uart_spi = fdt32_to_cpu(irq[1]);
	}
	return 0;
}

/*
 * Module nodes carry a 64-bit address and a 64-bit size whatever /chosen
 * says about its cells (QEMU's guest-loader writes no #size-cells there).
 */
static int read_module_reg(const void *fdt, int node, struct boot_module *mod)
{
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (reg && len == 16) {
		mod->addr = read_cells(reg, 2);
		mod->size = read_cells(reg + 2, 2);
		return 0;
	}
	return read_reg(fdt, node, 0, &mod->addr, &mod->size);
}

static void parse_modules(const void *fdt, struct machine *m, int chosen)
{
	int node;

	fdt_for_each_subnode(node, fdt, chosen)
	{
		struct boot_module *mod;

		if (m->nr_modules >= MAX_BOOT_MODULES) {
			break;
		}
		if (fdt_node_check_compatible(fdt, node, "multiboot,module") &&
		    fdt_node_check_compatible(fdt, node, "xen,linux-zimage") &&
		    fdt_node_check_compatible(fdt, node, "xen,linux-initrd")) {
			continue;
		}
		mod = &m->modules[m->nr_modules];
		if (read_module_reg(fdt, node, mod)) {
			continue;
		}
		if (!fdt_node_check_compatible(fdt, node, "multiboot,kernel") ||
		    !fdt_node_check_compatible(fdt, node, "xen,linux-zimage")) {
			mod->kind = BOOT_MOD_KERNEL;
		} else if (!fdt_node_check_compatible(fdt, node,
						      "multiboot,ramdisk") ||
			   !fdt_node_check_compatible(fdt, node,
						      "xen,linux-initrd")) {
			mod->kind = BOOT_MOD_RAMDISK;
		} else {
			/* Untyped: first is the kernel, second the ramdisk. */
			mod->kind = m->nr_modules == 0	 ? BOOT_MOD_KERNEL
				    : m->nr_modules == 1 ? BOOT_MOD_RAMDISK
							 : BOOT_MOD_OTHER;
		}
		mod->bootargs = fdt_getprop(fdt, node, "bootargs", NULL);
		mod->node = node;
		m->nr_modules++;
	}
}

int machine_parse(const void *fdt, struct machine *m, const char **why)
{
	int chosen;

	memset(m, 0, sizeof(*m));
	*why = "bad device tree header";
	if (fdt_check_header(fdt)) {
		return -EINVAL;
	}
	m->fdt = fdt;
	m->fdt_size = fdt_totalsize(fdt);
	*why = "no memory node";
	if (parse_memory(fdt, m)) {
		return -ENOENT;
	}
	*why = "no cpus";
	if (parse_cpus(fdt, m)) {
		return -ENOENT;
	}
	*why = "no GICv3 (arm,gic-v3)";
	if (parse_gic(fdt, m)) {
		return -ENODEV;
	}
	*why = "no console UART";
	if (parse_uart(fdt, m)) {
		return -ENODEV;
	}
	m->cmdline = "";
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen >= 0) {
		const char *c =
			fdt_getprop(fdt, chosen, "xen,xen-bootargs", NULL);

		if (!c) {
			c = fdt_getprop(fdt, chosen, "bootargs", NULL);
		}
		if (c) {
			m->cmdline = c;
		}
		parse_modules(fdt, m, chosen);
	}
	*why = NULL;
	return 0;
}

bool machine_is_qemu_virt(const struct machine *m)
{
	return m->fdt &&
	       fdt_node_check_compatible(m->fdt, 0, "linux,dummy-virt") == 0;
}

static char kept_cmdline[1024];

void machine_keep_cmdline(const char *cmdline)
{
	size_t n = cmdline ? strlen(cmdline) : 0;

	if (n > sizeof(kept_cmdline) - 1) {
		n = sizeof(kept_cmdline) - 1;
	}
	if (n) {
		memcpy(kept_cmdline, cmdline, n);
	}
	kept_cmdline[n] = '\0';
}

const char *machine_cmdline(void)
{
	return kept_cmdline;
}

bool cmdline_get(const char *cmdline, const char *name, char *val, size_t len)
{
	size_t nl = strlen(name);
	const char *p = cmdline;

	while (p && *p) {
		while (*p == ' ') {
			p++;
		}
		if (strncmp(p, name, nl) == 0 &&
		    (p[nl] == '=' || p[nl] == ' ' || p[nl] == '\0')) {
			size_t i = 0;

			p += nl;
			if (*p == '=') {
				p++;
			}
			while (*p && *p != ' ' && i + 1 < len) {
				val[i++] = *p++;
			}
			if (len) {
				val[i] = '\0';
			}
			return true;
		}
		p = strchr(p, ' ');
	}
	return false;
}
