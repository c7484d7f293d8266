/* SPDX-License-Identifier: MIT */
/*
 * dom0's platform for the console daemon: console pages through
 * /dev/xen/gntdev (grant reference 0, GNTTAB_RESERVED_CONSOLE), ports
 * through /dev/xen/evtchn, liveness through libsable.
 */
#pragma once

#include "cons_plat.h"

struct sable_handle;

struct cons_xen {
	struct cons_plat plat;
	int gntdev_fd;
	struct sable_handle *ctl; /* NULL: liveness unknown */
};

/* Open the devices; 0 or a negative errno (with a reason in *@why). */
int cons_xen_open(struct cons_xen *x, const char **why);
void cons_xen_close(struct cons_xen *x);
