/* SPDX-License-Identifier: MIT */
/*
 * Sable's control interface for the dom0 toolstack (xenstored, xl): one
 * hypercall taking one fixed-size, versioned structure. Only the control
 * domain may call it (others get -EPERM). A caller built against another
 * SABLE_CTL_VERSION gets -EACCES, so tools and hypervisor never misread
 * each other. From dom0 userspace it is issued through
 * /dev/xen/privcmd's IOCTL_PRIVCMD_HYPERCALL with the structure's
 * address as the first argument.
 */
#pragma once

#include <stdint.h>

#include <public/xen.h> /* __HYPERVISOR_sable_ctl */

#define SABLE_CTL_VERSION 1

/* Commands. */
#define SABLE_CTL_domain_info 1 /* the first domain with id >= domid */

/* sable_ctl_domain_info.flags */
#define SABLE_DOMINF_shutdown (1U << 0) /* shut down; see shutdown_reason */
#define SABLE_DOMINF_dying (1U << 1) /* being destroyed */
#define SABLE_DOMINF_privileged (1U << 2) /* the control domain */
#define SABLE_DOMINF_running (1U << 3) /* a vCPU is on a pCPU now */
#define SABLE_DOMINF_blocked (1U << 4) /* every online vCPU waits */

struct sable_ctl_domain_info {
	uint32_t domid; /* OUT */
	uint32_t flags; /* OUT: SABLE_DOMINF_* */
	uint32_t shutdown_reason; /* OUT: SHUTDOWN_*, when shut down */
	uint32_t nr_vcpus; /* OUT */
	uint64_t mem_kib; /* OUT: RAM given at creation */
	char name[32]; /* OUT: NUL-terminated */
};
_Static_assert(sizeof(struct sable_ctl_domain_info) == 56, "layout");

struct sable_ctl {
	uint32_t version; /* IN: SABLE_CTL_VERSION */
	uint32_t cmd; /* IN: SABLE_CTL_* */
	uint32_t domid; /* IN */
	uint32_t pad; /* IN: 0 */
	union {
		struct sable_ctl_domain_info info;
		uint8_t raw[112];
	} u;
};
_Static_assert(sizeof(struct sable_ctl) == 128, "layout");
