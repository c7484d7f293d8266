/* SPDX-License-Identifier: MIT */
/*
 * What the console daemon needs from dom0's platform: map a domain's
 * console page, bind and signal its event channel, learn which ports
 * fired, and ask whether a domain still lives. cons_xen.c implements it
 * over /dev/xen/{gntdev,evtchn} and libsable; host tests supply their own.
 */
#pragma once

#include <stdint.h>

struct cons_plat;

struct cons_plat_ops {
	/* The domain's console page (grant reference 0, else the gfn);
	 * NULL with errno set. *@handle is given back to unmap. */
	void *(*map)(struct cons_plat *p, uint32_t domid, uint64_t gfn,
		     uint64_t *handle);
	void (*unmap)(struct cons_plat *p, void *page, uint64_t handle);
	/* Bind @remote_port of @domid: the local port, or a negative errno. */
	int (*bind)(struct cons_plat *p, uint32_t domid, uint32_t remote_port);
	void (*unbind)(struct cons_plat *p, uint32_t port);
	void (*notify)(struct cons_plat *p, uint32_t port);
	/* Ports that fired since the last call (at most @max); they stay
	 * masked until given to unmask. */
	int (*pending)(struct cons_plat *p, uint32_t *ports, int max);
	void (*unmask)(struct cons_plat *p, const uint32_t *ports, int n);
	/* 1: the domain runs (or is shut down but not dying); 2: made but
	 * not built yet; 0: dying or gone; a negative errno: cannot tell. */
	int (*alive)(struct cons_plat *p, uint32_t domid);
};

struct cons_plat {
	const struct cons_plat_ops *ops;
	int event_fd; /* readable when a port fired; -1 if none */
};
