/* SPDX-License-Identifier: MIT */
/*
 * Reading boot-time domain descriptions (Xen's dom0less binding):
 *
 *   chosen {
 *       domU1 {
 *           compatible = "xen,domain";
 *           #address-cells = <1>; #size-cells = <1>;
 *           memory = <0 0x20000>;          64-bit, in KiB
 *           cpus = <1>;
 *           vpl011;                        optional: an emulated UART
 *           xen,enhanced = "enabled";      optional: a xenstore connection
 *           xen,domain-p2m-mem-mb = <4>;   optional: stage-2 table budget
 *           sable,on-reboot = "restart";   optional: shutdown actions
 *           module@50000000 {
 *               compatible = "multiboot,kernel", "multiboot,module";
 *               reg = <0x50000000 0x100000>;
 *               bootargs = "...";
 *           };
 *           module@51000000 { compatible = "multiboot,ramdisk", ...; };
 *       };
 *   };
 *
 * Every field is checked here; a bad description names its node and field.
 */
#include <libfdt.h>

#include <sable/bootdom.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/types.h>

static uint64_t cells_value(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++) {
		v = (v << 32) | fdt32_to_cpu(p[i]);
	}
	return v;
}

/* A u32 or u64 property; false if absent or of another length. */
static bool read_number(const void *fdt, int node, const char *prop,
			uint64_t *val)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	if (!p || (len != 4 && len != 8)) {
		return false;
	}
	*val = cells_value(p, len / 4);
	return true;
}

/*
 * An optional string property: NULL if absent; -EINVAL if present but not
 * a NUL-terminated string (it would be read past its end).
 */
static int read_string(const void *fdt, int node, const char *prop,
		       const char **val)
{
	int len;
	const char *v = fdt_getprop(fdt, node, prop, &len);

	*val = NULL;
	if (!v) {
		return 0;
	}
	if (len <= 0 || v[len - 1] != '\0') {
		return -EINVAL;
	}
	*val = v;
	return 0;
}

static int read_module(const void *fdt, int dom, int node,
		       struct bootdom_module *mod)
{
	int ac = fdt_address_cells(fdt, dom);
	int sc = fdt_size_cells(fdt, dom);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2 ||
	    len != (ac + sc) * 4) {
		return -EINVAL;
	}
	mod->addr = cells_value(reg, ac);
	mod->size = cells_value(reg + ac, sc);
	if (!mod->size || mod->addr + mod->size < mod->addr) {
		return -EINVAL;
	}
	return 0;
}

static bool is_compatible(const void *fdt, int node, const char *c)
{
	return fdt_node_check_compatible(fdt, node, c) == 0;
}

static int read_modules(const void *fdt, int dom, struct boot_domain *bd,
			const char **why)
{
	int node;

	fdt_for_each_subnode(node, fdt, dom)
	{
		struct bootdom_module *mod = NULL;

		if (is_compatible(fdt, node, "multiboot,kernel") ||
		    is_compatible(fdt, node, "xen,linux-zimage")) {
			const char *args;

			mod = &bd->kernel;
			if (read_string(fdt, node, "bootargs", &args)) {
				*why = "module bootargs is not a "
				       "NUL-terminated "
				       "string";
				return -EINVAL;
			}
			if (!bd->bootargs) {
				bd->bootargs = args;
			}
		} else if (is_compatible(fdt, node, "multiboot,ramdisk") ||
			   is_compatible(fdt, node, "xen,linux-initrd")) {
			mod = &bd->ramdisk;
		} else {
			continue; /* device-tree fragments etc.: not used */
		}
		if (mod->size) {
			*why = "two modules of the same kind";
			return -EINVAL;
		}
		if (read_module(fdt, dom, node, mod)) {
			*why = "module reg does not match #address-cells and "
			       "#size-cells";
			return -EINVAL;
		}
	}
	if (!bd->kernel.size) {
		*why = "no multiboot,kernel module";
		return -ENOENT;
	}
	return 0;
}

/*
 * xen,enhanced: "enabled" (or empty) gives the domain a xenstore page and
 * port for dom0's xenstored; "disabled" and "no-xenstore" give none. The
 * other PV interfaces (grant tables, event channels) are always there.
 */
static int read_enhanced(const void *fdt, int dom, struct boot_domain *bd,
			 const char **why)
{
	int len;
	const char *v = fdt_getprop(fdt, dom, "xen,enhanced", &len);

	if (!v) {
		return 0;
	}
	if (len == 0 || (len == 8 && memcmp(v, "enabled", 8) == 0)) {
		bd->xenstore = true;
		return 0;
	}
	if ((len == 9 && memcmp(v, "disabled", 9) == 0) ||
	    (len == 12 && memcmp(v, "no-xenstore", 12) == 0)) {
		return 0;
	}
	*why = "xen,enhanced is not \"enabled\", \"disabled\" or "
	       "\"no-xenstore\"";
	return -EINVAL;
}

/*
 * "sable,cpus" (docs/scheduler.md, Affinity): the pCPUs the domain's vCPUs
 * may run on, a list of pCPU numbers (u32 cells, each below 64).
 */
static int read_cpus(const void *fdt, int dom, struct boot_domain *bd,
		     const char **why)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, dom, "sable,cpus", &len);

	if (!p) {
		return 0;
	}
	if (len <= 0 || len % 4) {
		*why = "malformed sable,cpus (a list of pCPU numbers)";
		return -EINVAL;
	}
	for (int i = 0; i < len / 4; i++) {
		uint32_t cpu = fdt32_to_cpu(p[i]);

		if (cpu >= 64) {
			*why = "out-of-range pCPU in sable,cpus (0 to 63)";
			return -EINVAL;
		}
		bd->cpus |= 1ULL << cpu;
	}
	return 0;
}

/*
 * Optional scheduling parameters (docs/scheduler.md): "sable,weight", the
 * domain's share against others on a pCPU (1 to 65535, default 256), and
 * "sable,cap", the most of a pCPU each vCPU may use in percent (0 to 100,
 * 0 or absent: no cap).
 */
static int read_sched(const void *fdt, int dom, struct boot_domain *bd,
		      const char **why)
{
	uint64_t v;

	if (fdt_getprop(fdt, dom, "sable,weight", NULL)) {
		if (!read_number(fdt, dom, "sable,weight", &v) || v == 0 ||
		    v > 65535) {
			*why = "malformed or out-of-range sable,weight "
			       "(1 to 65535)";
			return -EINVAL;
		}
		bd->sched_weight = (unsigned int)v;
	}
	if (fdt_getprop(fdt, dom, "sable,cap", NULL)) {
		if (!read_number(fdt, dom, "sable,cap", &v) || v > 100) {
			*why = "malformed or out-of-range sable,cap "
			       "(0 to 100 percent)";
			return -EINVAL;
		}
		bd->sched_cap = (unsigned int)v;
	}
	return read_cpus(fdt, dom, bd, why);
}

/*
 * "sable,on-poweroff", "sable,on-reboot", "sable,on-crash": "destroy",
 * "restart" or "preserve" (the default when absent).
 */
static int read_actions(const void *fdt, int dom, struct boot_domain *bd,
			const char **why)
{
	static const char *const prop[BOOTDOM_NR_EVENTS] = {
		[BOOTDOM_ON_POWEROFF] = "sable,on-poweroff",
		[BOOTDOM_ON_REBOOT] = "sable,on-reboot",
		[BOOTDOM_ON_CRASH] = "sable,on-crash",
	};
	static const char *const bad[BOOTDOM_NR_EVENTS] = {
		[BOOTDOM_ON_POWEROFF] = "sable,on-poweroff is not \"destroy\", "
					"\"restart\" or \"preserve\"",
		[BOOTDOM_ON_REBOOT] = "sable,on-reboot is not \"destroy\", "
				      "\"restart\" or \"preserve\"",
		[BOOTDOM_ON_CRASH] = "sable,on-crash is not \"destroy\", "
				     "\"restart\" or \"preserve\"",
	};
	static const struct {
		const char *name;
		enum bootdom_action action;
	} names[] = {
		{ "destroy", BOOTDOM_DESTROY },
		{ "restart", BOOTDOM_RESTART },
		{ "preserve", BOOTDOM_PRESERVE },
	};

	for (int e = 0; e < BOOTDOM_NR_EVENTS; e++) {
		int len;
		const char *v = fdt_getprop(fdt, dom, prop[e], &len);
		bool known = false;

		bd->on[e] = BOOTDOM_PRESERVE;
		bd->on_given[e] = v != NULL;
		if (!v) {
			continue;
		}
		for (size_t i = 0; i < ARRAY_SIZE(names) && !known; i++) {
			size_t n = strlen(names[i].name) + 1;

			if ((size_t)len == n &&
			    memcmp(v, names[i].name, n) == 0) {
				bd->on[e] = names[i].action;
				known = true;
			}
		}
		if (!known) {
			*why = bad[e];
			return -EINVAL;
		}
	}
	return 0;
}

static int read_domain(const void *fdt, int dom, struct boot_domain *bd,
		       const char **why)
{
	const char *name = fdt_get_name(fdt, dom, NULL);
	uint64_t v;

	memset(bd, 0, sizeof(*bd));
	snprintf(bd->name, sizeof(bd->name), "%s", name ? name : "?");
	if (!read_number(fdt, dom, "memory", &bd->mem_kib)) {
		*why = "missing or malformed memory (KiB, u32 or u64)";
		return -EINVAL;
	}
	if (bd->mem_kib < 4096 || bd->mem_kib > (64ULL << 20)) {
		*why = "memory out of range (4 MiB to 64 GiB)";
		return -EINVAL;
	}
	if (!read_number(fdt, dom, "cpus", &v) || v == 0 ||
	    v > BOOTDOM_MAX_VCPUS) {
		*why = "missing or out-of-range cpus";
		return -EINVAL;
	}
	bd->nr_vcpus = (unsigned int)v;
	if (fdt_getprop(fdt, dom, "xen,domain-p2m-mem-mb", NULL) &&
	    (!read_number(fdt, dom, "xen,domain-p2m-mem-mb", &bd->p2m_mem_mb) ||
	     bd->p2m_mem_mb == 0 || bd->p2m_mem_mb > 1024)) {
		*why = "malformed or out-of-range xen,domain-p2m-mem-mb "
		       "(1 to 1024)";
		return -EINVAL;
	}
	if (read_sched(fdt, dom, bd, why)) {
		return -EINVAL;
	}
	bd->vpl011 = fdt_getprop(fdt, dom, "vpl011", NULL) != NULL;
	if (read_string(fdt, dom, "bootargs", &bd->bootargs)) {
		*why = "bootargs is not a NUL-terminated string";
		return -EINVAL;
	}
	if (read_enhanced(fdt, dom, bd, why) ||
	    read_actions(fdt, dom, bd, why)) {
		return -EINVAL;
	}
	return read_modules(fdt, dom, bd, why);
}

int bootdom_parse(const void *fdt, struct boot_domain *out, unsigned int max,
		  const char **why, const char **node)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	unsigned int n = 0;
	int dom;

	*why = NULL;
	*node = NULL;
	if (chosen < 0) {
		return 0;
	}
	fdt_for_each_subnode(dom, fdt, chosen)
	{
		int rc;

		if (!is_compatible(fdt, dom, "xen,domain")) {
			continue;
		}
		*node = fdt_get_name(fdt, dom, NULL);
		if (n == max) {
			*why = "too many boot-time domains";
			return -ENOSPC;
		}
		rc = read_domain(fdt, dom, &out[n], why);
		if (rc) {
			return rc;
		}
		n++;
	}
	*node = NULL;
	return (int)n;
}
