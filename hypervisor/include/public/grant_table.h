/* SPDX-License-Identifier: MIT */
/*
 * Xen guest ABI: grant tables, version 1 (arm64, little-endian, AAPCS64).
 * Layout facts follow Xen's public grant_table.h; the text here is Sable's
 * own. Every structure is passed by guest virtual address to
 * HYPERVISOR_grant_table_op(cmd, ops, count).
 */
#pragma once

#include <stdint.h>

#include <public/xen.h>

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* One shared grant entry; 512 of them fill a 4 KiB grant frame. */
struct grant_entry_v1 {
	uint16_t flags; /* GTF_*; the hypervisor sets reading/writing */
	xen_domid_t domid; /* domain allowed to use the grant */
	uint32_t frame; /* granter's gfn */
};
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");
_Static_assert(__builtin_offsetof(struct grant_entry_v1, domid) == 2,
	       "grant_entry_v1.domid");
_Static_assert(__builtin_offsetof(struct grant_entry_v1, frame) == 4,
	       "grant_entry_v1.frame");

#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE 0
#define GNTTAB_RESERVED_XENSTORE 1

/* Grant entry flags. Bits 0-1 are the type. */
#define GTF_invalid 0
#define GTF_permit_access 1
#define GTF_accept_transfer 2
#define GTF_transitive 3
#define GTF_type_mask 3
#define GTF_readonly (1U << 2)
#define GTF_reading (1U << 3)
#define GTF_writing (1U << 4)
#define GTF_PWT (1U << 5)
#define GTF_PCD (1U << 6)
#define GTF_PAT (1U << 7)
#define GTF_sub_page (1U << 8)
#define GTF_transfer_committed (1U << 2)
#define GTF_transfer_completed (1U << 3)

/* map_grant_ref flags. */
#define GNTMAP_device_map (1U << 0)
#define GNTMAP_host_map (1U << 1)
#define GNTMAP_readonly (1U << 2)
#define GNTMAP_application_map (1U << 3)
#define GNTMAP_contains_pte (1U << 4)

/* Sub-commands. Bits 12 and up of cmd carry a continuation argument. */
#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10
#define GNTTABOP_swap_grant_ref 11
#define GNTTABOP_cache_flush 12
#define GNTTABOP_CMD_MASK 0xfffU

/* Per-operation status codes. */
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)
#define GNTST_no_space (-13)

struct gnttab_map_grant_ref {
	uint64_t host_addr; /* IN: IPA in the mapper, page aligned */
	uint32_t flags; /* IN: GNTMAP_* */
	grant_ref_t ref; /* IN */
	xen_domid_t dom; /* IN: granting domain */
	int16_t status; /* OUT: GNTST_* */
	grant_handle_t handle; /* OUT */
	uint64_t dev_bus_addr; /* OUT: machine address of the frame */
};
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "map_grant_ref");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, status) == 18,
	       "map_grant_ref.status");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, handle) == 20,
	       "map_grant_ref.handle");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, dev_bus_addr) ==
		       24,
	       "map_grant_ref.dev_bus_addr");

struct gnttab_unmap_grant_ref {
	uint64_t host_addr; /* IN */
	uint64_t dev_bus_addr; /* IN: unused on arm */
	grant_handle_t handle; /* IN */
	int16_t status; /* OUT */
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "unmap_grant_ref");
_Static_assert(__builtin_offsetof(struct gnttab_unmap_grant_ref, status) == 20,
	       "unmap_grant_ref.status");

struct gnttab_setup_table {
	xen_domid_t dom; /* IN */
	uint16_t pad0;
	uint32_t nr_frames; /* IN */
	int16_t status; /* OUT */
	uint16_t pad1[3];
	uint64_t frame_list; /* IN: guest address of xen_pfn_t[nr_frames] */
};
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "setup_table");
_Static_assert(__builtin_offsetof(struct gnttab_setup_table, status) == 8,
	       "setup_table.status");
_Static_assert(__builtin_offsetof(struct gnttab_setup_table, frame_list) == 16,
	       "setup_table.frame_list");

struct gnttab_transfer {
	xen_pfn_t mfn; /* IN */
	xen_domid_t domid; /* IN */
	uint16_t pad0;
	grant_ref_t ref; /* IN */
	int16_t status; /* OUT */
	uint16_t pad1[3];
};
_Static_assert(sizeof(struct gnttab_transfer) == 24, "transfer");
_Static_assert(__builtin_offsetof(struct gnttab_transfer, status) == 16,
	       "transfer.status");

#define GNTCOPY_source_gref (1U << 0)
#define GNTCOPY_dest_gref (1U << 1)

struct gnttab_copy_ptr {
	union {
		grant_ref_t ref; /* IN: with GNTCOPY_*_gref */
		xen_pfn_t gmfn; /* IN: local gfn otherwise */
	} u;
	xen_domid_t domid; /* IN */
	uint16_t offset; /* IN */
	uint32_t pad;
};
_Static_assert(sizeof(struct gnttab_copy_ptr) == 16, "copy_ptr");
_Static_assert(__builtin_offsetof(struct gnttab_copy_ptr, domid) == 8,
	       "copy_ptr.domid");
_Static_assert(__builtin_offsetof(struct gnttab_copy_ptr, offset) == 10,
	       "copy_ptr.offset");

struct gnttab_copy {
	struct gnttab_copy_ptr source; /* IN */
	struct gnttab_copy_ptr dest; /* IN */
	uint16_t len; /* IN */
	uint16_t flags; /* IN: GNTCOPY_* */
	int16_t status; /* OUT */
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_copy) == 40, "copy");
_Static_assert(__builtin_offsetof(struct gnttab_copy, dest) == 16, "copy.dest");
_Static_assert(__builtin_offsetof(struct gnttab_copy, len) == 32, "copy.len");
_Static_assert(__builtin_offsetof(struct gnttab_copy, flags) == 34,
	       "copy.flags");
_Static_assert(__builtin_offsetof(struct gnttab_copy, status) == 36,
	       "copy.status");

struct gnttab_query_size {
	xen_domid_t dom; /* IN */
	uint16_t pad0;
	uint32_t nr_frames; /* OUT */
	uint32_t max_nr_frames; /* OUT */
	int16_t status; /* OUT */
	uint16_t pad1;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "query_size");
_Static_assert(__builtin_offsetof(struct gnttab_query_size, max_nr_frames) == 8,
	       "query_size.max_nr_frames");
_Static_assert(__builtin_offsetof(struct gnttab_query_size, status) == 12,
	       "query_size.status");

struct gnttab_unmap_and_replace {
	uint64_t host_addr; /* IN */
	uint64_t new_addr; /* IN */
	grant_handle_t handle; /* IN */
	int16_t status; /* OUT */
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_unmap_and_replace) == 24,
	       "unmap_and_replace");

struct gnttab_set_version {
	uint32_t version; /* IN: requested; OUT: current */
};
_Static_assert(sizeof(struct gnttab_set_version) == 4, "set_version");

struct gnttab_get_status_frames {
	uint32_t nr_frames; /* IN */
	xen_domid_t dom; /* IN */
	int16_t status; /* OUT */
	uint64_t frame_list; /* IN: guest address of uint64_t[nr_frames] */
};
_Static_assert(sizeof(struct gnttab_get_status_frames) == 16,
	       "get_status_frames");
_Static_assert(__builtin_offsetof(struct gnttab_get_status_frames, status) == 6,
	       "get_status_frames.status");

struct gnttab_get_version {
	xen_domid_t dom; /* IN */
	uint16_t pad;
	uint32_t version; /* OUT */
};
_Static_assert(sizeof(struct gnttab_get_version) == 8, "get_version");
_Static_assert(__builtin_offsetof(struct gnttab_get_version, version) == 4,
	       "get_version.version");

struct gnttab_swap_grant_ref {
	grant_ref_t ref_a; /* IN */
	grant_ref_t ref_b; /* IN */
	int16_t status; /* OUT */
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_swap_grant_ref) == 12, "swap_grant_ref");
_Static_assert(__builtin_offsetof(struct gnttab_swap_grant_ref, status) == 8,
	       "swap_grant_ref.status");

#define GNTTAB_CACHE_CLEAN (1U << 0)
#define GNTTAB_CACHE_INVAL (1U << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1U << 31)

struct gnttab_cache_flush {
	union {
		uint64_t dev_bus_addr; /* IN: machine address */
		grant_ref_t ref; /* IN: with SOURCE_GREF (unsupported) */
	} a;
	uint16_t offset; /* IN: within the page */
	uint16_t length; /* IN */
	uint32_t op; /* IN: GNTTAB_CACHE_* */
};
_Static_assert(sizeof(struct gnttab_cache_flush) == 16, "cache_flush");
_Static_assert(__builtin_offsetof(struct gnttab_cache_flush, length) == 10,
	       "cache_flush.length");
_Static_assert(__builtin_offsetof(struct gnttab_cache_flush, op) == 12,
	       "cache_flush.op");
