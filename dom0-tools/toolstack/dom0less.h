/* SPDX-License-Identifier: MIT */
/*
 * Introduce boot-time ("dom0less") domains to xenstored, as Xen 4.17's
 * init-dom0less does: for each domain the hypervisor gave a xenstore page
 * (xen,enhanced), write the domain's XenStore nodes, publish the page in
 * HVM_PARAM_STORE_PFN and send INTRODUCE, whose notification wakes the
 * guest's late xenbus initialisation. See docs/toolstack.md.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "libsable.h"
#include "xs_client.h"

/* Where the hypervisor put the page: GUEST_MAGIC_BASE + 1 page. */
#define DOM0LESS_STORE_GFN 0x39001ULL
/* HVM_PARAM_STORE_PFN of a domain whose store is not connected yet. */
#define DOM0LESS_STORE_PFN_PENDING (~0ULL)

#define DOM0LESS_STEP_MAX 96

enum dom0less_status {
	DOM0LESS_INTRODUCED, /* nodes written, INTRODUCE sent */
	DOM0LESS_ALREADY, /* the store was connected before */
	DOM0LESS_NO_STORE, /* not an enhanced domain */
	DOM0LESS_NOT_RUNNING, /* shut down or dying */
	DOM0LESS_FAILED, /* see err and step */
};

struct dom0less_result {
	struct sable_ctl_domain_info info;
	enum dom0less_status status;
	uint32_t port; /* the store event channel, when there is one */
	/* The PV console's port (0: none) and frame, from the HVM params. */
	uint32_t console_port;
	uint64_t console_gfn;
	int err; /* negative errno, for DOM0LESS_FAILED */
	char step[DOM0LESS_STEP_MAX]; /* what failed, e.g. "INTRODUCE" */
	char xs_err[16]; /* the ERROR reply's name, if xenstored sent one */
};

typedef void (*dom0less_report_fn)(const struct dom0less_result *r, void *arg);

/*
 * Visit every domain but 0 and introduce those that need it, calling
 * @report once per domain. xenstored (at @xs_path, NULL for the default)
 * is contacted only if some domain needs it. Returns how many domains
 * failed, or a negative errno if the domains cannot be listed.
 */
int dom0less_introduce_all(struct sable_handle *h, const char *xs_path,
			   dom0less_report_fn report, void *arg);

/*
 * Write the nodes of a new domain (/local/domain/<id> and below) in
 * transaction @tx, with Xen's permissions. 0 or a negative errno;
 * @step (DOM0LESS_STEP_MAX bytes) then names the request that failed.
 */
int dom0less_write_nodes(struct xs_client *c, uint32_t tx,
			 const struct sable_ctl_domain_info *info, char *step);

/* The one-line text of a result, e.g. "xenstore introduced (port 3)". */
void dom0less_describe(const struct dom0less_result *r, char *buf, size_t size);
