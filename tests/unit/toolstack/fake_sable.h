/* SPDX-License-Identifier: MIT */
/*
 * A fake hypervisor behind libsable's interface (sable_domain_info,
 * sable_hvm_get/set_param), linked instead of libsable.c so that
 * init-dom0less runs on the host.
 */
#pragma once

#include <stdint.h>

#include "libsable.h"

#define FAKE_MAX_DOMS 8

struct fake_dom {
	struct sable_ctl_domain_info info;
	uint64_t params[HVM_NR_PARAMS];
	int param_err; /* negative errno for every HVMOP on this domain */
};

extern struct fake_dom fake_doms[FAKE_MAX_DOMS];
extern int fake_ndoms;
extern int fake_list_errno; /* errno for sable_domain_info, 0: none */
extern int fake_set_param_calls;

/* No domains, no errors. */
void fake_reset(void);
/*
 * Add a running domain in id order (dom0 first); @store_port 0 means
 * no xenstore page, else STORE_PFN starts "pending" (all ones).
 */
struct fake_dom *fake_add(uint32_t domid, const char *name,
			  uint32_t store_port);
struct fake_dom *fake_find(uint32_t domid);
