/* SPDX-License-Identifier: MIT */
/*
 * Checks over the whole system and its memory layout. The machine's RAM
 * starts at 0x40000000:
 *
 *   RAM base          Sable (image, heap, tables): SYSGEN_HV_RESERVE
 *   RAM + 128 MiB     QEMU's device tree (RAM / 2 below 256 MiB)
 *   top of RAM        the images, one after the other at 2 MiB boundaries
 *                     (or from module_base up)
 *
 * The hypervisor then takes dom0's RAM and each domain's, in that order,
 * as one 2 MiB-aligned block each, from the lowest free address that fits:
 * the same first fit is played here, so a system that would not fit is
 * refused before it boots.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sysgen.h"

#define SZ_2M (2 * SYSGEN_MiB)
#define ALIGN2M(x) (((x) + SZ_2M - 1) & ~(SZ_2M - 1))
/* The device tree Sable writes for a domU, before its ramdisk. */
#define DOMU_FDT_SPACE 0x10000ULL

struct region {
	uint64_t base, end;
};

/* "<file>:<line>: <key>: <what>" about domain @d. */
__attribute__((format(printf, 4, 5))) static int
dfail(char *err, const struct sysgen_domain *d, enum sysgen_key k,
      const char *fmt, ...)
{
	va_list ap;
	int n;

	if (d->line[k]) {
		n = snprintf(err, SYSGEN_ERR_MAX, "%s:%d: %s: ", d->file,
			     d->line[k], sysgen_key_names[k]);
	} else {
		n = snprintf(err, SYSGEN_ERR_MAX, "%s: %s: ", d->file,
			     sysgen_key_names[k]);
	}
	if (n > 0 && n < SYSGEN_ERR_MAX) {
		va_start(ap, fmt);
		vsnprintf(err + n, SYSGEN_ERR_MAX - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* "<dir>/system.cfg[:<line>]: <key>: <what>". */
__attribute__((format(printf, 5, 6))) static int
sfail(char *err, const struct sysgen_system *sys, int line, const char *key,
      const char *fmt, ...)
{
	va_list ap;
	int n;

	if (line) {
		n = snprintf(err, SYSGEN_ERR_MAX, "%s:%d: %s: ", sys->file,
			     line, key);
	} else {
		n = snprintf(err, SYSGEN_ERR_MAX, "%s: %s: ", sys->file, key);
	}
	if (n > 0 && n < SYSGEN_ERR_MAX) {
		va_start(ap, fmt);
		vsnprintf(err + n, SYSGEN_ERR_MAX - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static uint64_t mib(uint64_t bytes)
{
	return (bytes + SYSGEN_MiB - 1) / SYSGEN_MiB;
}

static uint64_t ram_end(const struct sysgen_system *sys)
{
	return SYSGEN_RAM_BASE + sys->memory_mib * SYSGEN_MiB;
}

static uint64_t dtb_addr(const struct sysgen_system *sys)
{
	uint64_t half = sys->memory_mib * SYSGEN_MiB / 2;

	return SYSGEN_RAM_BASE +
	       (half < 128 * SYSGEN_MiB ? half : 128 * SYSGEN_MiB);
}

/* vCPUs and their pCPUs against the machine. */
static int check_cpus(const struct sysgen_system *sys,
		      const struct sysgen_domain *d, char *err)
{
	uint64_t mask = d->cfg.cpus, have = (1ULL << sys->pcpus) - 1;

	if (d->cfg.vcpus > sys->pcpus) {
		return dfail(err, d, SYSGEN_K_VCPUS,
			     "%u vCPUs, but the machine has %u pCPUs "
			     "(system.cfg: cpus)",
			     d->cfg.vcpus, sys->pcpus);
	}
	/* "all" sets every bit above the machine's too: that is fine. */
	if (mask && (mask & ~have) && (mask | have) != ~0ULL) {
		unsigned int cpu = (unsigned int)__builtin_ctzll(mask & ~have);

		return dfail(err, d, SYSGEN_K_CPUS,
			     "pCPU %u is not in the machine (pCPUs 0 to %u)",
			     cpu, sys->pcpus - 1);
	}
	if (mask && !(mask & have)) {
		return dfail(err, d, SYSGEN_K_CPUS,
			     "no pCPU of the machine is allowed");
	}
	return 0;
}

/* A boot-time domU's own limits: RAM, its images in it, its stage 2. */
static int check_domu(const struct sysgen_system *sys,
		      const struct sysgen_domain *d, char *err)
{
	const struct sysgen_module *k = &d->kernel;
	uint64_t mem = d->cfg.memory_mib * SYSGEN_MiB, span, need;

	if (d->cfg.memory_mib < SYSGEN_DOMU_MEM_MIN ||
	    d->cfg.memory_mib > SYSGEN_DOMU_MEM_MAX) {
		return dfail(err, d, SYSGEN_K_MEMORY,
			     "%llu MiB is out of range for a boot-time "
			     "domain (%d to %d)",
			     (unsigned long long)d->cfg.memory_mib,
			     SYSGEN_DOMU_MEM_MIN, SYSGEN_DOMU_MEM_MAX);
	}
	span = k->image_size > k->size ? k->image_size : k->size;
	need = ALIGN2M(k->text_offset + span) + DOMU_FDT_SPACE +
	       d->ramdisk.size;
	if (need > mem) {
		return dfail(err, d, SYSGEN_K_MEMORY,
			     "%llu MiB cannot hold the kernel (%llu MiB) "
			     "and ramdisk (%llu MiB): at least %llu MiB",
			     (unsigned long long)d->cfg.memory_mib,
			     (unsigned long long)mib(span),
			     (unsigned long long)mib(d->ramdisk.size),
			     (unsigned long long)mib(need));
	}
	if (d->cfg.p2m_kib > 1024 * 1024) {
		return dfail(err, d, SYSGEN_K_SHADOW,
			     "%llu MiB is above the most a boot-time domain "
			     "may have (1024)",
			     (unsigned long long)(d->cfg.p2m_kib / 1024));
	}
	return check_cpus(sys, d, err);
}

static int check_names(const struct sysgen_system *sys, char *err)
{
	for (unsigned int i = 0; i < sys->nr_doms; i++) {
		if (sys->has_dom0 &&
		    (strcmp(sys->doms[i].cfg.name, sys->dom0.cfg.name) == 0 ||
		     strcmp(sys->doms[i].cfg.name, "Domain-0") == 0)) {
			return dfail(err, &sys->doms[i], SYSGEN_K_NAME,
				     "\"%s\" is dom0's name",
				     sys->doms[i].cfg.name);
		}
		for (unsigned int j = 0; j < i; j++) {
			if (strcmp(sys->doms[i].cfg.name,
				   sys->doms[j].cfg.name) == 0) {
				return dfail(err, &sys->doms[i], SYSGEN_K_NAME,
					     "\"%s\" is also the name in %s",
					     sys->doms[i].cfg.name,
					     sys->doms[j].file);
			}
		}
	}
	return 0;
}

/* The modules in load order: dom0's kernel and ramdisk, then each domain's. */
static unsigned int modules(struct sysgen_system *sys,
			    struct sysgen_module **out)
{
	unsigned int n = 0;

	if (sys->has_dom0) {
		out[n++] = &sys->dom0.kernel;
		if (sys->dom0.ramdisk.size) {
			out[n++] = &sys->dom0.ramdisk;
		}
	}
	for (unsigned int i = 0; i < sys->nr_doms; i++) {
		out[n++] = &sys->doms[i].kernel;
		if (sys->doms[i].ramdisk.size) {
			out[n++] = &sys->doms[i].ramdisk;
		}
	}
	return n;
}

static bool overlap(struct region a, struct region b)
{
	return a.base < b.end && b.base < a.end;
}

static uint64_t modules_total(struct sysgen_system *sys)
{
	struct sysgen_module *mods[2 * SYSGEN_MAX_DOMAINS + 2];
	unsigned int n = modules(sys, mods);
	uint64_t total = 0;

	for (unsigned int i = 0; i < n; i++) {
		total += ALIGN2M(mods[i]->size);
	}
	return total;
}

/* Place the modules; none may touch Sable, the device tree or leave RAM. */
static int place_modules(struct sysgen_system *sys, struct region *out,
			 char *err)
{
	struct sysgen_module *mods[2 * SYSGEN_MAX_DOMAINS + 2];
	unsigned int n = modules(sys, mods);
	struct region hv = { SYSGEN_RAM_BASE,
			     SYSGEN_RAM_BASE + SYSGEN_HV_RESERVE };
	struct region dtb = { dtb_addr(sys), dtb_addr(sys) + SYSGEN_DTB_MAX };
	uint64_t total = modules_total(sys), addr;

	addr = sys->module_base ? sys->module_base : ram_end(sys) - total;
	out->base = addr;
	out->end = addr + total;
	if (sys->module_base && (addr & (SZ_2M - 1))) {
		return sfail(err, sys, sys->module_base_line, "module_base",
			     "0x%llx is not a multiple of 2 MiB",
			     (unsigned long long)addr);
	}
	if (total > ram_end(sys) - SYSGEN_RAM_BASE || out->end > ram_end(sys)) {
		return sfail(err, sys,
			     sys->module_base ? sys->module_base_line
					      : sys->memory_line,
			     sys->module_base ? "module_base" : "memory",
			     "the images (%llu MiB from 0x%llx) run past the "
			     "end of RAM at 0x%llx",
			     (unsigned long long)mib(total),
			     (unsigned long long)out->base,
			     (unsigned long long)ram_end(sys));
	}
	if (overlap(*out, hv) || overlap(*out, dtb)) {
		bool on_hv = overlap(*out, hv);

		return sfail(err, sys,
			     sys->module_base ? sys->module_base_line
					      : sys->memory_line,
			     sys->module_base ? "module_base" : "memory",
			     "the images (0x%llx to 0x%llx) overlap %s at "
			     "0x%llx",
			     (unsigned long long)out->base,
			     (unsigned long long)out->end,
			     on_hv ? "Sable's own memory" : "the device tree",
			     (unsigned long long)(on_hv ? hv.base : dtb.base));
	}
	for (unsigned int i = 0; i < n; i++) {
		mods[i]->addr = addr;
		addr += ALIGN2M(mods[i]->size);
	}
	return 0;
}

/* Total demand against the machine's RAM. */
static int check_total(struct sysgen_system *sys, char *err)
{
	uint64_t doms = 0, need;

	for (unsigned int i = 0; i < sys->nr_doms; i++) {
		doms += ALIGN2M(sys->doms[i].cfg.memory_mib * SYSGEN_MiB);
	}
	need = SYSGEN_HV_RESERVE + SYSGEN_DTB_MAX + modules_total(sys) + doms;
	if (sys->has_dom0) {
		need += ALIGN2M(sys->dom0.cfg.memory_mib * SYSGEN_MiB);
	}
	if (need > sys->memory_mib * SYSGEN_MiB) {
		return sfail(
			err, sys, sys->memory_line, "memory",
			"%llu MiB is less than the system needs: %llu "
			"MiB (Sable %llu, device tree %llu, images "
			"%llu, dom0 %llu, domains %llu)",
			(unsigned long long)sys->memory_mib,
			(unsigned long long)mib(need),
			(unsigned long long)mib(SYSGEN_HV_RESERVE),
			(unsigned long long)mib(SYSGEN_DTB_MAX),
			(unsigned long long)mib(modules_total(sys)),
			(unsigned long long)(sys->has_dom0
						     ? sys->dom0.cfg.memory_mib
						     : 0),
			(unsigned long long)mib(doms));
	}
	return 0;
}

/* The free RAM: RAM minus Sable, the device tree and the images. */
static unsigned int free_regions(const struct sysgen_system *sys,
				 struct region mods, struct region *out)
{
	struct region used[3] = {
		{ SYSGEN_RAM_BASE, SYSGEN_RAM_BASE + SYSGEN_HV_RESERVE },
		{ dtb_addr(sys), dtb_addr(sys) + SYSGEN_DTB_MAX },
		mods,
	};
	uint64_t at = SYSGEN_RAM_BASE;
	unsigned int n = 0;

	/* Sort the three by base (Sable's is first). */
	if (used[2].base < used[1].base) {
		struct region t = used[1];

		used[1] = used[2];
		used[2] = t;
	}
	for (int i = 0; i < 3; i++) {
		if (used[i].base > at) {
			out[n++] = (struct region){ at, used[i].base };
		}
		if (used[i].end > at) {
			at = used[i].end;
		}
	}
	if (ram_end(sys) > at) {
		out[n++] = (struct region){ at, ram_end(sys) };
	}
	return n;
}

/* First fit of one 2 MiB-aligned block, as the hypervisor's allocator. */
static int take(struct region *free, unsigned int n, uint64_t size,
		uint64_t *pa, uint64_t *largest)
{
	*largest = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t base = ALIGN2M(free[i].base);

		if (base < free[i].end && free[i].end - base > *largest) {
			*largest = free[i].end - base;
		}
		if (base + size <= free[i].end) {
			*pa = base;
			free[i].base = base + size;
			return 0;
		}
	}
	return -ENOMEM;
}

static int place_ram(struct sysgen_system *sys, struct region mods, char *err)
{
	struct region free[4];
	unsigned int n = free_regions(sys, mods, free);
	uint64_t largest;

	if (sys->has_dom0 &&
	    take(free, n, ALIGN2M(sys->dom0.cfg.memory_mib * SYSGEN_MiB),
		 &sys->dom0.ram_pa, &largest)) {
		return dfail(err, &sys->dom0, SYSGEN_K_MEMORY,
			     "no contiguous %llu MiB left for dom0 (the "
			     "largest free block is %llu MiB)",
			     (unsigned long long)sys->dom0.cfg.memory_mib,
			     (unsigned long long)(largest / SYSGEN_MiB));
	}
	for (unsigned int i = 0; i < sys->nr_doms; i++) {
		struct sysgen_domain *d = &sys->doms[i];

		if (take(free, n, ALIGN2M(d->cfg.memory_mib * SYSGEN_MiB),
			 &d->ram_pa, &largest)) {
			return dfail(
				err, d, SYSGEN_K_MEMORY,
				"no contiguous %llu MiB left for this "
				"domain (the largest free block is %llu "
				"MiB)",
				(unsigned long long)d->cfg.memory_mib,
				(unsigned long long)(largest / SYSGEN_MiB));
		}
	}
	return 0;
}

/* dom0's settings become the hypervisor's dom0_mem and dom0_max_vcpus. */
static int dom0_cmdline(struct sysgen_system *sys, char *err)
{
	const struct sysgen_domain *d = &sys->dom0;
	size_t len = strlen(sys->cmdline);

	if (strstr(sys->cmdline, "dom0_mem=") ||
	    strstr(sys->cmdline, "dom0_max_vcpus=")) {
		return sfail(err, sys, sys->cmdline_line, "cmdline",
			     "dom0_mem= and dom0_max_vcpus= come from %s "
			     "(memory, vcpus)",
			     d->file);
	}
	if (d->cfg.memory_mib < 64) {
		return dfail(err, d, SYSGEN_K_MEMORY,
			     "dom0 needs at least 64 MiB");
	}
	snprintf(sys->cmdline + len, sizeof(sys->cmdline) - len,
		 "%sdom0_mem=%lluM dom0_max_vcpus=%u", len ? " " : "",
		 (unsigned long long)d->cfg.memory_mib, d->cfg.vcpus);
	return 0;
}

int sysgen_check(struct sysgen_system *sys, char *err)
{
	struct region mods;
	int rc = check_names(sys, err);

	for (unsigned int i = 0; !rc && i < sys->nr_doms; i++) {
		rc = check_domu(sys, &sys->doms[i], err);
	}
	if (!rc && sys->has_dom0) {
		rc = check_cpus(sys, &sys->dom0, err);
	}
	if (!rc && sys->has_dom0) {
		rc = dom0_cmdline(sys, err);
	}
	if (!rc) {
		rc = check_total(sys, err);
	}
	if (!rc) {
		rc = place_modules(sys, &mods, err);
	}
	if (!rc) {
		rc = place_ram(sys, mods, err);
	}
	return rc;
}
