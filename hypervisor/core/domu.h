/* SPDX-License-Identifier: MIT */
/*
 * Boot-time domUs: the guest physical layout (Xen's arm guest layout, so
 * that guests built for Xen find the same things at the same places) and
 * the pieces domu_build.c, domu_fdt.c and vpl011.c share.
 */
#pragma once

#include <stdint.h>

struct domain;
struct boot_domain;

#define GUEST_GICD_BASE 0x03001000UL
#define GUEST_GICR_BASE 0x03020000UL
#define GUEST_PL011_BASE 0x22000000UL
#define GUEST_PL011_SIZE 0x1000UL
#define GUEST_PL011_SPI 0 /* INTID 32 */
#define GUEST_GNTTAB_BASE 0x38000000UL
#define GUEST_GNTTAB_SIZE 0x01000000UL
#define GUEST_MAGIC_BASE 0x39000000UL
#define GUEST_XENSTORE_PFN_OFFSET 1 /* pages into the magic area */
#define GUEST_XENSTORE_GRANT_REF 1 /* GNTTAB_RESERVED_XENSTORE */
#define GUEST_RAM_BASE 0x40000000UL
#define GUEST_RAM_MAX 0xc0000000UL
#define GUEST_PHANDLE_GIC 65000
#define GUEST_NR_SPIS 32

struct domu_layout {
	uint64_t ram_size;
	uint64_t kernel, kernel_end; /* IPAs */
	uint64_t fdt;
	uint64_t initrd, initrd_end;
};

/* Room for a domU's device tree. */
#define DOMU_FDT_MAX 0x10000UL

/* Write the guest's device tree into @buf (DOMU_FDT_MAX bytes). */
int domu_make_fdt(void *buf, const struct domain *d,
		  const struct boot_domain *bd, const struct domu_layout *l);
/* Register the emulated SBSA UART at GUEST_PL011_BASE. */
int vpl011_init(struct domain *d);
