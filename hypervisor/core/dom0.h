/* SPDX-License-Identifier: MIT */
/* dom0 construction, shared between dom0_build.c and dom0_fdt.c. */
#pragma once

#include <stdint.h>

struct machine;
struct domain;

struct dom0_layout {
	uint64_t ram_base, ram_size;
	uint64_t kernel, kernel_end;
	uint64_t fdt;
	uint64_t initrd, initrd_end;
};

/* Room reserved for dom0's device tree (Linux maps at most 2 MiB of it). */
#define FDT_MAX (2UL << 20)

/* The event-channel upcall PPI (INTID) given to guests in /hypervisor. */
#define EVTCHN_UPCALL_INTID 31

/*
 * For the device-tree writers (dom0_fdt.c, domu_fdt.c): evaluate a libfdt
 * call; on failure log @who, the call and libfdt's reason and return
 * -EINVAL from the enclosing function.
 */
#define FDT_TRY(who, expr)                                     \
	do {                                                   \
		int rc__ = (expr);                             \
		if (rc__ < 0) {                                \
			pr_err("%s fdt: %s: %s\n", who, #expr, \
			       fdt_strerror(rc__));            \
			return -EINVAL;                        \
		}                                              \
	} while (0)

/* Write dom0's device tree at l->fdt. */
int dom0_make_fdt(const struct machine *m, struct domain *d,
		  const struct dom0_layout *l, const char *bootargs);
/* Map the host devices dom0 owns (MMIO 1:1). */
int dom0_map_devices(const struct machine *m, struct domain *d);
uint64_t dom0_gnttab_window(const struct machine *m);
