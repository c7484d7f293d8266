/* SPDX-License-Identifier: MIT */
/*
 * Boot-time domains: the /chosen nodes with compatible "xen,domain" (Xen's
 * dom0less binding) that the hypervisor builds itself at boot, with or
 * without dom0. Parsing is portable (host unit tests feed it dtc output).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define MAX_BOOT_DOMAINS 8
#define BOOTDOM_MAX_VCPUS 8

/*
 * What the hypervisor does with a domain that shut down (sable,on-poweroff,
 * sable,on-reboot, sable,on-crash): leave it shut down (the default, as
 * Xen leaves its boot-time domains: dom0's toolstack, if any, decides),
 * free it, or build it again from its boot modules.
 */
enum bootdom_action {
	BOOTDOM_PRESERVE = 0,
	BOOTDOM_DESTROY,
	BOOTDOM_RESTART,
};

/* Which action: the shutdown reasons that share one property. */
enum bootdom_event {
	BOOTDOM_ON_POWEROFF = 0,
	BOOTDOM_ON_REBOOT,
	BOOTDOM_ON_CRASH, /* a crash or a watchdog */
	BOOTDOM_NR_EVENTS,
};

struct bootdom_module {
	uint64_t addr, size; /* 0 size: absent */
};

struct boot_domain {
	char name[32]; /* the node's name */
	uint64_t mem_kib;
	unsigned int nr_vcpus;
	bool vpl011;
	bool xenstore; /* xen,enhanced: a xenstore page and port for dom0 */
	uint64_t p2m_mem_mb; /* stage-2 table budget, 0: the default */
	/* sable,weight (1..65535, 0: absent) and sable,cap (percent, 0..100). */
	unsigned int sched_weight, sched_cap;
	/* sable,cpus: hard affinity of every vCPU, a bit per pCPU (0: all). */
	uint64_t cpus;
	enum bootdom_action on[BOOTDOM_NR_EVENTS];
	bool on_given[BOOTDOM_NR_EVENTS]; /* the property is there */
	struct bootdom_module kernel, ramdisk;
	const char *bootargs; /* points into the fdt, or NULL */
};

/*
 * Read every "xen,domain" node under /chosen of @fdt into @out (at most
 * @max). Returns how many, or a negative errno with *why naming the problem
 * and *node the node's name (both point into static text or the fdt).
 */
int bootdom_parse(const void *fdt, struct boot_domain *out, unsigned int max,
		  const char **why, const char **node);
