/* SPDX-License-Identifier: MIT */
/*
 * A fake hypervisor behind libsable's interface (sable_domain_info,
 * sable_hvm_get/set_param), linked instead of libsable.c so that
 * init-dom0less runs on the host.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "libsable.h"

#define FAKE_MAX_DOMS 8

struct fake_dom {
	struct sable_ctl_domain_info info;
	uint64_t params[HVM_NR_PARAMS];
	int param_err; /* negative errno for every HVMOP on this domain */
	struct sable_ctl_create create; /* what create was given */
	uint64_t loaded[4]; /* bytes loaded, by SABLE_LOAD_* kind */
	char cmdline[1024];
	uint64_t affinity[8];
	uint64_t soft_affinity[8]; /* as last set; 0: none preferred */
	struct sable_ctl_sched sched;
	/* A boot-time domain: its description's actions, taken over? */
	bool boot;
	bool managed;
	uint8_t boot_on[4];
};

extern struct fake_dom fake_doms[FAKE_MAX_DOMS];
extern int fake_ndoms;
extern int fake_list_errno; /* errno for sable_domain_info, 0: none */
extern int fake_set_param_calls;

/* The fake's host, and errors to inject (errno values, 0: none). */
extern struct sable_ctl_physinfo fake_phys;
extern int fake_create_errno, fake_build_errno, fake_affinity_errno,
	fake_destroy_errno;
extern int fake_destroy_calls, fake_unpause_calls, fake_boot_restart_calls;
extern int fake_debug_dumps;
/* Called after each successful create (e.g. to make it die at once). */
extern void (*fake_on_create)(struct fake_dom *d);
/* Called after each successful unpause. */
extern void (*fake_on_unpause)(struct fake_dom *d);
/* What sable_console_attach was last given. */
extern uint32_t fake_console_domid;
extern char fake_console_tty[256];

/* No domains, no errors. */
void fake_reset(void);
/*
 * Add a running domain in id order (dom0 first); @store_port 0 means
 * no xenstore page, else STORE_PFN starts "pending" (all ones).
 */
struct fake_dom *fake_add(uint32_t domid, const char *name,
			  uint32_t store_port);
struct fake_dom *fake_find(uint32_t domid);
