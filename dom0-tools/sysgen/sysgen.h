/* SPDX-License-Identifier: MIT */
/*
 * sable-system: a directory of xl.cfg files (one per boot-time domain,
 * plus system.cfg for the machine and dom0) into what boots them: the
 * boot device tree (QEMU virt's own tree plus Xen's dom0less nodes under
 * /chosen) and the QEMU command line that loads every image. Everything is
 * read and checked first; nothing is written when something is wrong.
 * See docs/boot-domains.md, "From a directory of xl.cfg files".
 *
 * Messages are one line, "<dir>/<file>:<line>: <key>: <what>" (or without
 * the line when a key is missing), as the xl.cfg parser writes them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xlcfg.h"

#define SYSGEN_MAX_DOMAINS 8 /* the hypervisor's MAX_BOOT_DOMAINS */
#define SYSGEN_MAX_PCPUS 8
#define SYSGEN_ERR_MAX 512
#define SYSGEN_MAX_WARNINGS 64
#define SYSGEN_PATH_MAX 1024

#define SYSGEN_RAM_BASE 0x40000000ULL
#define SYSGEN_MiB (1ULL << 20)
/* What Sable keeps at the start of RAM: its image, heap and tables. */
#define SYSGEN_HV_RESERVE (32 * SYSGEN_MiB)
/* Where QEMU puts the device tree: RAM + min(RAM / 2, 128 MiB). */
#define SYSGEN_DTB_MAX (2 * SYSGEN_MiB)
/* A boot-time domU's RAM (Xen's first guest RAM bank). */
#define SYSGEN_DOMU_MEM_MIN 4
#define SYSGEN_DOMU_MEM_MAX 3072

/* One image loaded raw by QEMU at @addr. */
struct sysgen_module {
	char path[SYSGEN_PATH_MAX]; /* after ${VAR} expansion, absolute */
	uint64_t addr, size;
	/* For arm64 Images: text_offset and image_size from the header. */
	uint64_t text_offset, image_size;
};

/* Keys the system checks name in their messages. */
enum sysgen_key {
	SYSGEN_K_NAME,
	SYSGEN_K_MEMORY,
	SYSGEN_K_VCPUS,
	SYSGEN_K_CPUS,
	SYSGEN_K_KERNEL,
	SYSGEN_K_RAMDISK,
	SYSGEN_K_SHADOW,
	SYSGEN_NR_KEYS,
};

extern const char *const sysgen_key_names[SYSGEN_NR_KEYS];

/* One domain file (or dom0's). */
struct sysgen_domain {
	char file[SYSGEN_PATH_MAX]; /* "<dir>/<name>.cfg", for messages */
	struct xlcfg cfg;
	int line[SYSGEN_NR_KEYS]; /* where each key is set, 0: not set */
	struct sysgen_module kernel, ramdisk; /* ramdisk.size 0: none */
	/* xen,enhanced value, "" for none (no dom0 or "disabled" asked). */
	char enhanced[16];
	bool direct_map;
	/* on_poweroff, on_reboot, on_crash as boot-time domains take them. */
	const char *on[3];
	uint64_t ram_pa; /* where the hypervisor will place its RAM */
};

struct sysgen_system {
	char dir[SYSGEN_PATH_MAX]; /* as given, for messages */
	char file[SYSGEN_PATH_MAX]; /* "<dir>/system.cfg" */
	unsigned int pcpus; /* cpus (QEMU -smp), default 2 */
	uint64_t memory_mib; /* memory (QEMU -m), default 2048 */
	char cpu_model[64]; /* cpu, default cortex-a57 */
	char cmdline[1024]; /* the hypervisor's, dom0_mem etc. added */
	uint64_t module_base; /* 0: modules at the top of RAM */
	/* Where memory, cmdline and module_base are set (0: not set). */
	int memory_line, cmdline_line, module_base_line;
	bool has_dom0;
	struct sysgen_domain dom0;
	struct sysgen_domain doms[SYSGEN_MAX_DOMAINS];
	unsigned int nr_doms;
	char warnings[SYSGEN_MAX_WARNINGS][SYSGEN_ERR_MAX];
	unsigned int nr_warnings;
};

/*
 * Read @dir: system.cfg (optional), the dom0 file it names, and every other
 * *.cfg in name order as domains 1, 2, ... Image files are opened (sizes,
 * arm64 headers) but not loaded. 0, or -EINVAL with the message in @err
 * (SYSGEN_ERR_MAX bytes).
 */
int sysgen_read(struct sysgen_system *sys, const char *dir, char *err);

/*
 * Check the whole system and lay it out: module addresses, where each
 * domain's RAM will go. 0, or -EINVAL with the message in @err.
 */
int sysgen_check(struct sysgen_system *sys, char *err);

/*
 * The boot device tree: @base (QEMU virt's tree, @base_size bytes) with the
 * hypervisor's command line and the domains under /chosen, into @out
 * (@out_size bytes). 0, or -EINVAL with the message in @err.
 */
int sysgen_fdt(const struct sysgen_system *sys, const void *base,
	       size_t base_size, void *out, size_t out_size, char *err);

/*
 * QEMU's options for the machine (up to -m) into @argv (at most @max
 * pointers into @store, @store_size bytes). With @dumpdtb the machine
 * dumps its device tree there and exits; else @hv and @dtb are booted with
 * every module loaded. Returns the count, or -ENOSPC.
 */
int sysgen_qemu_argv(const struct sysgen_system *sys, const char *dumpdtb,
		     const char *hv, const char *dtb, char **argv,
		     unsigned int max, char *store, size_t store_size);

/* Add a warning line (kept up to SYSGEN_MAX_WARNINGS). */
__attribute__((format(printf, 2, 3))) void
sysgen_warn(struct sysgen_system *sys, const char *fmt, ...);
