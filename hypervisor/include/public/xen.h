/* SPDX-License-Identifier: MIT */
/*
 * Xen guest ABI, common part: hypercall numbers, special domain ids and the
 * shared_info / vcpu_info layouts (arm64, little-endian, AAPCS64).
 * Layout facts follow Xen's public headers; the text here is Sable's own.
 */
#pragma once

#include <stdint.h>

#define XEN_HYPERCALL_TAG 0xEA1

/* Hypercall numbers (x16). */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_platform_op 7
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36
#define __HYPERVISOR_argo_op 39
#define __HYPERVISOR_dm_op 41
#define __HYPERVISOR_hypfs_op 42
/* Sable's own versioned control interface for the toolstack. */
#define __HYPERVISOR_sable_ctl 48
#define NR_HYPERCALLS 64

/* Special domain identifiers. */
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF 0x7FF0U
#define DOMID_IO 0x7FF1U
#define DOMID_XEN 0x7FF2U
#define DOMID_COW 0x7FF3U
#define DOMID_INVALID 0x7FF4U
#define DOMID_ANY 0x7FF5U
#define DOMID_IDLE 0x7FFFU

typedef uint16_t xen_domid_t;
typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;

/* console_io commands. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* vm_assist. */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_runstate_update_flag 5

#define XEN_LEGACY_MAX_VCPUS 1

struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad1[2];
};
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info");

struct vcpu_info {
	uint8_t evtchn_upcall_pending; /* OUT: set by Xen */
	uint8_t evtchn_upcall_mask; /* unused on arm */
	uint8_t pad[6];
	uint64_t evtchn_pending_sel; /* OUT: selector of pending words */
	struct vcpu_time_info time;
};
_Static_assert(sizeof(struct vcpu_info) == 48, "vcpu_info");

#define EVTCHN_2L_NR_CHANNELS 4096

struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	uint64_t evtchn_pending[64];
	uint64_t evtchn_mask[64];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
};
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_pending) == 48,
	       "evtchn_pending");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_mask) == 560,
	       "evtchn_mask");
_Static_assert(__builtin_offsetof(struct shared_info, wc_version) == 1072,
	       "wc_version");
_Static_assert(sizeof(struct shared_info) == 1088, "shared_info");
