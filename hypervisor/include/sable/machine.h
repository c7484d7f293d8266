/* SPDX-License-Identifier: MIT */
/*
 * The machine as the host device tree describes it, read once at boot with
 * libfdt. Portable: the host unit tests parse DTBs made by dtc.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sable/percpu.h>

#define MAX_BOOT_MODULES 8

enum boot_module_kind {
	BOOT_MOD_KERNEL,
	BOOT_MOD_RAMDISK,
	BOOT_MOD_OTHER,
};

struct boot_module {
	enum boot_module_kind kind;
	uint64_t addr;
	uint64_t size;
	const char *bootargs; /* points into the fdt, or NULL */
	int node; /* fdt offset of the module node */
};

struct machine {
	uint64_t ram_base;
	uint64_t ram_size;
	unsigned int nr_cpus;
	uint64_t cpu_mpidr[MAX_CPUS];
	uint64_t gicd_base, gicd_size;
	uint64_t gicr_base, gicr_size;
	unsigned int gic_version;
	uint64_t uart_base, uart_size;
	uint32_t uart_spi; /* SPI number (INTID - 32) */
	int uart_node;
	const char *cmdline; /* hypervisor command line */
	struct boot_module modules[MAX_BOOT_MODULES];
	unsigned int nr_modules;
	const void *fdt;
	size_t fdt_size;
};

/* Fill @m from @fdt. Returns 0 or a negative errno with *why set. */
int machine_parse(const void *fdt, struct machine *m, const char **why);

/* Is this QEMU's virt machine (root compatible "linux,dummy-virt")? */
bool machine_is_qemu_virt(const struct machine *m);

/* Find "name=value" in a command line; copies value; false if absent. */
bool cmdline_get(const char *cmdline, const char *name, char *val, size_t len);
/*
 * The hypervisor's command line, copied at boot (the device tree it points
 * into is not kept): what XENVER_commandline tells the control domain.
 */
void machine_keep_cmdline(const char *cmdline);
const char *machine_cmdline(void);
