/* SPDX-License-Identifier: MIT */
/* The domU builder's own state (domu_build.c, domu_pv.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "domu.h"

struct domain;

enum domu_stage {
	DOMU_CREATED = 1, /* loading */
	DOMU_BUILT, /* built, not started yet */
	DOMU_STARTED, /* vCPU 0 started by the first unpause */
	DOMU_BROKEN, /* a build failed half-way: only destroy is left */
};

/* What the builder keeps of a domain it made; domu_lock. */
struct domu_state {
	struct domain *d; /* the domain this slot describes */
	enum domu_stage stage;
	uint64_t ram_pa; /* machine address of GUEST_RAM_BASE */
	uint64_t kernel_size, ramdisk_size; /* declared at creation */
	uint64_t kernel_loaded, ramdisk_loaded; /* bytes copied so far */
	bool have_layout; /* the kernel's header was loaded */
	struct domu_layout l;
	bool vpl011, xenstore, console;
	char cmdline[DOMU_CMDLINE_MAX];
};

/*
 * The PV console page and port (@console) and the xenstore page and port
 * (@xenstore), for dom0; *@out says what was set up. 0 or negative errno
 * (what was set up before stays for destroy).
 */
int domu_pv_setup(struct domain *d, bool console, bool xenstore,
		  struct domu_built *out);
