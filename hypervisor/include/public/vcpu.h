/* SPDX-License-Identifier: MIT */
/* VCPUOP_* (vcpu_op hypercall). */
#pragma once

#include <stdint.h>

#define VCPUOP_initialise 0
#define VCPUOP_up 1
#define VCPUOP_down 2
#define VCPUOP_is_up 3
#define VCPUOP_get_runstate_info 4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_register_vcpu_info 10

#define RUNSTATE_running 0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked 2
#define RUNSTATE_offline 3

/*
 * Set in state_entry_time while the hypervisor writes the area, when the
 * guest enabled VMASST_TYPE_runstate_update_flag.
 */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

struct vcpu_runstate_info {
	uint32_t state; /* OUT */
	uint32_t pad;
	uint64_t state_entry_time; /* OUT, ns */
	uint64_t time[4]; /* OUT, ns per state */
};
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "runstate_info");

struct vcpu_register_runstate_memory_area {
	uint64_t addr; /* IN: guest virtual address */
};

struct vcpu_register_vcpu_info {
	uint64_t mfn; /* IN: gfn of the page */
	uint32_t offset; /* IN */
	uint32_t rsvd;
};
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16,
	       "register_vcpu_info");
