/* SPDX-License-Identifier: MIT */
/*
 * Ring transport (xs_wire.h, struct xenstore_domain_interface): the
 * domain produces requests in req[], the daemon produces replies and watch
 * events in rsp[]; indices are free-running and masked on use.
 */
#pragma once

#include <stdbool.h>

#include <public/io/xs_wire.h>

#include "xs_engine.h"

struct xs_ring {
	struct xenstore_domain_interface *intf;
	bool need_notify;
	/* Kick the domain's event channel. */
	void (*notify)(struct xs_ring *ring);
	/* Unmap the page and unbind the port (on close). */
	void (*unmap)(struct xs_ring *ring);
	void *plat; /* platform data */
};

extern const struct xs_conn_ops xs_ring_ops;

struct xs_conn *xs_ring_conn_new(struct xs_engine *e, struct xs_ring *ring,
				 uint32_t domid, bool privileged);
int xs_ring_service(struct xs_conn *c);
