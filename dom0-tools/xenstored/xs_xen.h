/* SPDX-License-Identifier: MIT */
/*
 * dom0 platform: event channels (/dev/xen/evtchn), dom0's own ring
 * (/proc/xen/xsd_kva + xsd_port), domU rings mapped through gntdev (grant
 * ref 1) or a privcmd foreign map, and VIRQ_DOM_EXC for dying domains.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "xs_engine.h"

struct xs_xen_ring;

struct xs_xen {
	int evtchn_fd; /* -1 when not running under Xen */
	int gntdev_fd;
	int privcmd_fd;
	int virq_port; /* VIRQ_DOM_EXC, -1 if not bound */
	struct sable_handle *ctl; /* Sable's control interface, or NULL */
	struct xs_xen_ring *rings;
};

extern const struct xs_platform_ops xs_xen_platform;

bool xs_xen_dom0_available(void);
int xs_xen_open(struct xs_xen *x);
void xs_xen_close(struct xs_xen *x);
int xs_xen_attach_dom0(struct xs_xen *x, struct xs_engine *e);
void xs_xen_events(struct xs_xen *x, struct xs_engine *e);
void xs_xen_service_all(struct xs_xen *x, struct xs_engine *e);

#define XS_XEN_MAX_IOCTLS 8
/* The ioctl commands the platform issues while serving (xs_sandbox.h). */
unsigned xs_xen_ioctls(uint32_t cmds[XS_XEN_MAX_IOCTLS]);
