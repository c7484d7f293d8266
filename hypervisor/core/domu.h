/* SPDX-License-Identifier: MIT */
/*
 * domUs: the guest physical layout (Xen's arm guest layout, so that guests
 * built for Xen find the same things at the same places) and the one
 * builder that makes every domU, at boot (bootdom.c's descriptions) and at
 * run time (the control hypercall, hc_ctl.c):
 *
 *   domu_create()  checks everything, allocates and zeroes the RAM, makes
 *                  the domain (paused: no vCPU runs);
 *   domu_load()    copies a piece of the kernel, the ramdisk or the command
 *                  line into it (from machine memory at boot, from dom0's
 *                  memory at run time);
 *   domu_build()   writes the device tree, sets up the PV console and
 *                  xenstore pages and vCPU 0;
 *   domu_unpause() the first one after build starts vCPU 0.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sable/types.h>

struct domain;

#define GUEST_GICD_BASE 0x03001000UL
#define GUEST_GICR_BASE 0x03020000UL
#define GUEST_PL011_BASE 0x22000000UL
#define GUEST_PL011_SIZE 0x1000UL
#define GUEST_PL011_SPI 0 /* INTID 32 */
#define GUEST_GNTTAB_BASE 0x38000000UL
#define GUEST_GNTTAB_SIZE 0x01000000UL
#define GUEST_MAGIC_BASE 0x39000000UL
/* Pages into the magic area (Xen's CONSOLE_PFN_OFFSET, XENSTORE_PFN_OFFSET). */
#define GUEST_CONSOLE_PFN_OFFSET 0
#define GUEST_XENSTORE_PFN_OFFSET 1
/* Grant references dom0 maps them by (GNTTAB_RESERVED_CONSOLE, _XENSTORE). */
#define GUEST_CONSOLE_GRANT_REF 0
#define GUEST_XENSTORE_GRANT_REF 1
#define GUEST_RAM_BASE 0x40000000UL
#define GUEST_RAM_MAX 0xc0000000UL
#define GUEST_PHANDLE_GIC 65000
#define GUEST_NR_SPIS 32

/* Limits a domU may ask for, and its defaults (Xen's). */
#define DOMU_MAX_EVTCHN_PORT 4095
#define DOMU_MAX_GRANT_FRAMES 64
#define DOMU_MAX_MAPTRACK_FRAMES 1024
#define DOMU_MAX_P2M_PAGES (1024ULL << 8) /* 1 GiB of stage-2 tables */
/* The command line, NUL included. */
#define DOMU_CMDLINE_MAX 1024

struct domu_layout {
	uint64_t ram_size;
	uint64_t kernel, kernel_end; /* IPAs */
	uint64_t fdt;
	uint64_t initrd, initrd_end;
};

/* What a new domU is made of; domu_create() checks every field. */
struct domu_config {
	domid_t id; /* 0: the lowest free id from 1 */
	char name[32]; /* NUL-terminated, printable, not empty, unique */
	unsigned int nr_vcpus; /* 1..MAX_VCPUS */
	uint64_t mem; /* bytes of RAM, rounded up to 2 MiB */
	uint64_t max_mem; /* bytes it may balloon up to, 0: mem */
	uint32_t max_evtchn_port; /* 0: DOMU_MAX_EVTCHN_PORT */
	uint32_t max_grant_frames; /* 0: DOMU_MAX_GRANT_FRAMES */
	uint32_t max_maptrack_frames; /* 0: DOMU_MAX_MAPTRACK_FRAMES */
	uint64_t p2m_pages; /* stage-2 table budget, 0: Xen's default */
	unsigned int weight; /* 1..65535, 0: the default (256) */
	unsigned int cap; /* 0..100 percent of a pCPU per vCPU */
	uint64_t kernel_size; /* bytes of the arm64 Image */
	uint64_t ramdisk_size; /* 0: none */
	bool vpl011; /* the emulated UART */
	bool xenstore; /* a xenstore page and port for dom0's xenstored */
	bool console; /* a PV console page and port for dom0 */
};

/* Where a load copies from: the source address of @len bytes. */
typedef int (*domu_copy_fn)(void *dst, uint64_t src, size_t len);

/* What build prepared for dom0's toolstack. */
struct domu_built {
	uint64_t console_gfn, store_gfn; /* ~0 if none */
	uint32_t console_port, store_port; /* 0 if none */
};

/*
 * Make a domU from @c: every field checked first (-EINVAL; -EBUSY: name or
 * id in use; -ENOMEM: not enough free memory), then its RAM allocated and
 * zeroed and the domain made. A failure leaves nothing behind. The domain
 * does not run until built and unpaused.
 */
int domu_create(const struct domu_config *c, struct domain **out);
/*
 * domu_create() in three steps, so that the zeroing can be split over
 * continued calls: prepare checks @c and allocates the RAM into @r (its
 * pages may be dirty, mm.h); scrub zeroes and cleans the dirty pages of
 * [@offset, @offset + @len); finish checks again and makes the domain,
 * or frees @r. domu_ram_free() gives back a prepared @r.
 */
struct domu_ram {
	paddr_t pa; /* machine address; 0: none */
	uint64_t size;
};
int domu_create_prepare(const struct domu_config *c, struct domu_ram *r);
void domu_ram_scrub(const struct domu_ram *r, uint64_t offset, uint64_t len);
int domu_create_finish(const struct domu_config *c, struct domu_ram *r,
		       struct domain **out);
void domu_ram_free(struct domu_ram *r);
/*
 * Copy @len bytes at @src (through @copy) into image @kind (SABLE_LOAD_*)
 * at @offset. The kernel's piece at offset 0 comes first: its Image header
 * fixes the layout. -EINVAL (order, bounds, header), -EBUSY (already
 * built), -ENOMEM (the layout does not fit), or @copy's error.
 */
int domu_load(struct domain *d, uint32_t kind, uint64_t offset, uint64_t src,
	      uint64_t len, domu_copy_fn copy);
/*
 * Finish a loaded domain: device tree, console and xenstore pages, vCPU 0.
 * -EINVAL (not loaded whole, or not made by domu_create), -EBUSY (built).
 */
int domu_build(struct domain *d, struct domu_built *out);
/*
 * Toolstack pause and unpause of any domain but dom0. A domain made by
 * domu_create() counts one pause until its first unpause after build,
 * which starts vCPU 0. -EINVAL: unpause of a domain not paused or not
 * built; otherwise domain_pause()/domain_unpause()'s result.
 */
int domu_pause(struct domain *d);
int domu_unpause(struct domain *d);
/*
 * Destroy @d (domain_destroy()) after the builder has let go of it: no
 * load, build or first start of it runs from then on (each holds the
 * builder's lock while it uses the domain's RAM), so its RAM can go.
 */
int domu_destroy(struct domain *d);
/* Pauses outstanding, the one before the first start included. */
unsigned int domu_pause_count(struct domain *d);
/* Built (or made by other means than domu_create()). */
bool domu_is_built(struct domain *d);
/* Rename @d: -EINVAL (empty, unterminated, unprintable), -EBUSY (in use). */
int domu_rename(struct domain *d, const char *name, size_t size);

/* Room for a domU's device tree. */
#define DOMU_FDT_MAX 0x10000UL

/* Write the guest's device tree into @buf (DOMU_FDT_MAX bytes). */
int domu_make_fdt(void *buf, const struct domain *d, const char *cmdline,
		  bool vpl011, const struct domu_layout *l);
/* Register the emulated SBSA UART at GUEST_PL011_BASE. */
int vpl011_init(struct domain *d);
/* Bytes the emulated UART's receive FIFO holds. */
#define VPL011_RX_FIFO 64
/* @d has an emulated UART. */
bool vpl011_present(struct domain *d);
/*
 * Bytes typed for @d: into its UART's receive FIFO, raising its receive
 * interrupts. Returns how many fitted (the rest is dropped by the caller).
 * Takes the UART's lock, then the vGIC's.
 */
size_t vpl011_rx(struct domain *d, const char *s, size_t len);
