/* SPDX-License-Identifier: MIT */
/*
 * Sable's control interface for the dom0 toolstack (xenstored, xl): one
 * hypercall taking one fixed-size, versioned structure. Only the control
 * domain may call it (others get -EPERM). A caller built against another
 * SABLE_CTL_VERSION gets -EACCES, so tools and hypervisor never misread
 * each other. From dom0 userspace it is issued through
 * /dev/xen/privcmd's IOCTL_PRIVCMD_HYPERCALL with the structure's
 * address as the first argument.
 *
 * Building a domain at run time (docs/toolstack.md):
 *   create (paused, RAM allocated and zeroed)
 *   -> load kernel chunks (the first at offset 0 carries the Image header),
 *      ramdisk chunks, the command line
 *   -> build (device tree, console and xenstore pages, vCPU 0 set up;
 *      still paused)
 *   -> unpause.
 * create and load may take long: they run in pieces and the hypervisor
 * continues the call (docs/bounded-time.md) with its own progress in the
 * hypercall's second argument, so callers pass 0 there.
 * create makes the domain or leaves nothing behind. A failure of load or
 * build leaves the domain for the caller to destroy; destroy works from
 * any step. The first unpause after build starts vCPU 0.
 */
#pragma once

#include <stdint.h>

#include <public/xen.h> /* __HYPERVISOR_sable_ctl */

#define SABLE_CTL_VERSION 5

/* Commands. */
#define SABLE_CTL_domain_info 1 /* the first domain with id >= domid */
#define SABLE_CTL_create 2 /* a new domain, paused */
#define SABLE_CTL_load 3 /* copy a chunk of an image into it */
#define SABLE_CTL_build 4 /* finish it: device tree, pages, vCPU 0 */
#define SABLE_CTL_pause 5 /* counted: each pause needs an unpause */
#define SABLE_CTL_unpause 6
#define SABLE_CTL_destroy 7 /* dying now, gone when unreferenced */
#define SABLE_CTL_vcpu_info 8
#define SABLE_CTL_physinfo 9
#define SABLE_CTL_console_read 10 /* the hypervisor's log (xl dmesg) */
#define SABLE_CTL_set_max_mem 11
#define SABLE_CTL_shutdown 12 /* as if the guest had asked, with a reason */
#define SABLE_CTL_rename 13
#define SABLE_CTL_sched_get 14 /* weight and cap */
#define SABLE_CTL_sched_set 15
#define SABLE_CTL_vcpu_affinity 16 /* set the affinities of one vCPU */
/* dom0's toolstack carries out a boot-time domain's shutdown actions */
#define SABLE_CTL_boot_manage 17
/* destroy a boot-time domain, then build it again from its modules, paused */
#define SABLE_CTL_boot_restart 18
/* the domain's event channels in the hypervisor's log (xl debug-keys e) */
#define SABLE_CTL_debug_dump 19

/* sable_ctl_domain_info.flags */
#define SABLE_DOMINF_shutdown (1U << 0) /* shut down; see shutdown_reason */
#define SABLE_DOMINF_dying (1U << 1) /* being destroyed */
#define SABLE_DOMINF_privileged (1U << 2) /* the control domain */
#define SABLE_DOMINF_running (1U << 3) /* a vCPU is on a pCPU now */
#define SABLE_DOMINF_blocked (1U << 4) /* every online vCPU waits */
#define SABLE_DOMINF_paused (1U << 5) /* paused by the toolstack */
#define SABLE_DOMINF_built (1U << 6) /* build done (or built at boot) */

struct sable_ctl_domain_info {
	uint32_t domid; /* OUT */
	uint32_t flags; /* OUT: SABLE_DOMINF_* */
	uint32_t shutdown_reason; /* OUT: SHUTDOWN_*, when shut down */
	uint32_t nr_vcpus; /* OUT */
	uint64_t mem_kib; /* OUT: RAM given at creation */
	char name[32]; /* OUT: NUL-terminated */
	uint64_t cpu_time_ns; /* OUT: run time of all its vCPUs */
	uint64_t cur_mem_kib; /* OUT: RAM it holds now (tot_pages) */
	uint64_t max_mem_kib; /* OUT: RAM it may hold (max_pages) */
	uint32_t nr_online_vcpus; /* OUT */
	uint32_t pause_count; /* OUT: toolstack pauses outstanding (a
				 domain not yet started after create counts
				 one) */
	uint64_t xen_kib; /* OUT: hypervisor memory charged (tables etc.) */
};
_Static_assert(sizeof(struct sable_ctl_domain_info) == 96, "layout");

/* sable_ctl_create.flags */
#define SABLE_CREATE_vpl011 (1U << 0) /* emulated SBSA UART */
#define SABLE_CREATE_xenstore (1U << 1) /* xenstore page and port */
#define SABLE_CREATE_console (1U << 2) /* PV console page and port */

struct sable_ctl_create {
	uint32_t domid; /* IN: wanted id, 0: the next free; OUT: the id */
	uint32_t flags; /* IN: SABLE_CREATE_* */
	char name[32]; /* IN: NUL-terminated, not empty, unique */
	uint32_t nr_vcpus; /* IN: 1..MAX_VCPUS */
	uint32_t max_evtchn_port; /* IN: 0: the default (4095) */
	uint64_t mem_kib; /* IN: RAM, rounded up to 2 MiB */
	uint64_t max_mem_kib; /* IN: balloon ceiling, 0: mem_kib */
	uint32_t max_grant_frames; /* IN: 0: the default (64) */
	uint32_t max_maptrack_frames; /* IN: 0: the default */
	uint32_t p2m_mem_kib; /* IN: stage-2 table budget, 0: the default */
	uint16_t weight; /* IN: 0: the default (256) */
	uint16_t cap; /* IN: percent of a pCPU per vCPU, 0: none */
	uint64_t kernel_size; /* IN: bytes of the arm64 Image to load */
	uint64_t ramdisk_size; /* IN: bytes of the ramdisk, 0: none */
};
_Static_assert(sizeof(struct sable_ctl_create) == 96, "layout");

/* sable_ctl_load.kind */
#define SABLE_LOAD_kernel 1
#define SABLE_LOAD_ramdisk 2
#define SABLE_LOAD_cmdline 3 /* whole, offset 0, at most 1023 bytes */
/* The most one load call copies. */
#define SABLE_LOAD_MAX (1U << 20)

/* Before build only (-EBUSY after). */
struct sable_ctl_load {
	uint32_t kind; /* IN: SABLE_LOAD_* */
	uint32_t len; /* IN: bytes, 1..SABLE_LOAD_MAX */
	uint64_t offset; /* IN: into the image */
	uint64_t buf; /* IN: the caller's virtual address */
};
_Static_assert(sizeof(struct sable_ctl_load) == 24, "layout");

/* Filled by build: what the toolstack writes into XenStore. */
struct sable_ctl_build {
	uint64_t console_gfn; /* OUT: ~0 if none */
	uint64_t store_gfn; /* OUT: ~0 if none */
	uint32_t console_port; /* OUT: unbound, remote dom0; 0 if none */
	uint32_t store_port; /* OUT: unbound, remote dom0; 0 if none */
	uint32_t console_gref; /* OUT: grant reference for the console (0) */
	uint32_t store_gref; /* OUT: grant reference for the store (1) */
};
_Static_assert(sizeof(struct sable_ctl_build) == 32, "layout");

/* sable_ctl_vcpu_info.flags */
#define SABLE_VCPUINF_online (1U << 0)
#define SABLE_VCPUINF_running (1U << 1)
#define SABLE_VCPUINF_blocked (1U << 2)

struct sable_ctl_vcpu_info {
	uint32_t vcpu; /* IN */
	uint32_t flags; /* OUT: SABLE_VCPUINF_* */
	uint32_t pcpu; /* OUT: where it runs or last ran */
	uint32_t pad; /* IN: 0 */
	uint64_t cpu_time_ns; /* OUT */
	uint64_t affinity; /* OUT: hard affinity, bit per pCPU */
	uint64_t soft_affinity; /* OUT: soft affinity, bit per pCPU */
};
_Static_assert(sizeof(struct sable_ctl_vcpu_info) == 40, "layout");

struct sable_ctl_physinfo {
	uint32_t nr_cpus; /* OUT: pCPUs online */
	uint32_t max_domains; /* OUT */
	uint64_t total_kib; /* OUT: RAM the hypervisor manages */
	uint64_t free_kib; /* OUT: RAM free for new domains */
	uint64_t cpu_khz; /* OUT: counter frequency */
	uint64_t uptime_ns; /* OUT: since the hypervisor started */
	uint32_t nr_domains; /* OUT: domains that exist, dying included */
	uint32_t xen_major, xen_minor; /* OUT: the Xen ABI version spoken */
};
_Static_assert(sizeof(struct sable_ctl_physinfo) == 56, "layout");

struct sable_ctl_console_read {
	uint64_t buf; /* IN: the caller's virtual address */
	uint32_t len; /* IN: room at buf; OUT: bytes copied */
	uint32_t clear; /* IN: 1: forget what was read */
	uint64_t index; /* IN: first byte wanted (0: the oldest kept); OUT:
			   the index after the last byte copied */
};
_Static_assert(sizeof(struct sable_ctl_console_read) == 24, "layout");

struct sable_ctl_max_mem {
	uint64_t max_mem_kib; /* IN */
};
_Static_assert(sizeof(struct sable_ctl_max_mem) == 8, "layout");

struct sable_ctl_shutdown {
	uint32_t reason; /* IN: SHUTDOWN_* */
};
_Static_assert(sizeof(struct sable_ctl_shutdown) == 4, "layout");

struct sable_ctl_rename {
	char name[32]; /* IN: NUL-terminated, not empty, unique */
};
_Static_assert(sizeof(struct sable_ctl_rename) == 32, "layout");

struct sable_ctl_sched {
	uint32_t weight; /* IN/OUT: 1..65535 */
	uint32_t cap; /* IN/OUT: percent of a pCPU per vCPU, 0: none */
};
_Static_assert(sizeof(struct sable_ctl_sched) == 8, "layout");

struct sable_ctl_vcpu_affinity {
	uint32_t vcpu; /* IN */
	uint32_t pad; /* IN: 0 */
	uint64_t hard; /* IN: bit per pCPU; must name an online pCPU */
	uint64_t soft; /* IN: bit per pCPU, preferred inside hard; 0: all */
};
_Static_assert(sizeof(struct sable_ctl_vcpu_affinity) == 24, "layout");

/* sable_ctl_boot.on[]: what a boot-time description asks (sable,on-*). */
#define SABLE_BOOT_ACT_unset 0 /* no property */
#define SABLE_BOOT_ACT_destroy 1
#define SABLE_BOOT_ACT_restart 2
#define SABLE_BOOT_ACT_preserve 3
/* The index into on[]: poweroff, reboot, crash (and watchdog). */
#define SABLE_BOOT_EV_poweroff 0
#define SABLE_BOOT_EV_reboot 1
#define SABLE_BOOT_EV_crash 2

struct sable_ctl_boot {
	uint8_t on
		[4]; /* OUT (boot_manage): SABLE_BOOT_ACT_* per event; [3] 0 */
	uint32_t pad; /* OUT: 0 */
};
_Static_assert(sizeof(struct sable_ctl_boot) == 8, "layout");

struct sable_ctl {
	uint32_t version; /* IN: SABLE_CTL_VERSION */
	uint32_t cmd; /* IN: SABLE_CTL_* */
	uint32_t domid; /* IN */
	uint32_t pad; /* IN: 0 */
	union {
		struct sable_ctl_domain_info info;
		struct sable_ctl_create create;
		struct sable_ctl_load load;
		struct sable_ctl_build build;
		struct sable_ctl_vcpu_info vcpu;
		struct sable_ctl_physinfo phys;
		struct sable_ctl_console_read console;
		struct sable_ctl_max_mem max_mem;
		struct sable_ctl_shutdown shutdown;
		struct sable_ctl_rename rename;
		struct sable_ctl_sched sched;
		struct sable_ctl_vcpu_affinity affinity;
		struct sable_ctl_boot boot;
		uint8_t raw[112];
	} u;
};
_Static_assert(sizeof(struct sable_ctl) == 128, "layout");
