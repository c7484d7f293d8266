/* SPDX-License-Identifier: MIT */
/* XENMEM_* (memory_op hypercall) structures, arm64 layout. */
#pragma once

#include <stdint.h>

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
#define XENMEM_populate_physmap 6
#define XENMEM_add_to_physmap 7
#define XENMEM_maximum_gpfn 14
#define XENMEM_remove_from_physmap 15
#define XENMEM_add_to_physmap_batch 23
#define XENMEM_acquire_resource 28
#define XENMEM_CMD_MASK 0x3f
/* Reservations continue from the extent in cmd's bits above this. */
#define MEMOP_EXTENT_SHIFT 6

#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPSPACE_gmfn 2
#define XENMAPSPACE_gmfn_range 3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio 5
#define XENMAPIDX_grant_table_status 0x80000000U

struct xen_add_to_physmap {
	uint16_t domid; /* IN */
	uint16_t size; /* IN: gmfn_range only */
	uint32_t space; /* IN */
	uint64_t idx; /* IN */
	uint64_t gpfn; /* IN */
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "add_to_physmap");

struct xen_add_to_physmap_batch {
	uint16_t domid; /* IN */
	uint16_t space; /* IN */
	uint16_t size; /* IN */
	uint16_t foreign_domid; /* IN: gmfn_foreign only */
	uint64_t idxs; /* IN: handle to uint64_t[size] */
	uint64_t gpfns; /* IN: handle to uint64_t[size] */
	uint64_t errs; /* OUT: handle to int32_t[size] */
};
_Static_assert(sizeof(struct xen_add_to_physmap_batch) == 32,
	       "add_to_physmap_batch");

/* XENMEM_acquire_resource: map a resource of another domain. */
#define XENMEM_resource_grant_table 1
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1

struct xen_mem_acquire_resource {
	uint16_t domid; /* IN */
	uint16_t type; /* IN: XENMEM_resource_* */
	uint32_t id; /* IN: the resource's own index */
	uint32_t nr_frames; /* IN/OUT: 0 with no frame_list asks the size */
	uint32_t flags; /* OUT */
	uint64_t frame; /* IN: first frame */
	uint64_t frame_list; /* IN: handle to uint64_t[nr_frames], the
				 caller's gfns to map the frames at */
};
_Static_assert(sizeof(struct xen_mem_acquire_resource) == 32,
	       "mem_acquire_resource");

struct xen_remove_from_physmap {
	uint16_t domid; /* IN */
	uint16_t pad[3];
	uint64_t gpfn; /* IN */
};
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16,
	       "remove_from_physmap");

struct xen_memory_reservation {
	uint64_t extent_start; /* IN/OUT: handle to uint64_t gfns */
	uint64_t nr_extents; /* IN */
	uint32_t extent_order; /* IN */
	uint32_t mem_flags; /* IN */
	uint16_t domid; /* IN */
	uint16_t pad[3];
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32,
	       "memory_reservation");
