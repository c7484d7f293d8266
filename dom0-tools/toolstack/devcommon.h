/* SPDX-License-Identifier: MIT */
/*
 * What every PV device the toolstack attaches has in common (Xen's
 * xenbus protocol, xenstore-paths.md): a frontend directory under the
 * guest's /local/domain/<id>/device/<kind>/<devid>, a backend directory
 * under dom0's /local/domain/0/backend/<kind>/<id>/<devid>, libxl's
 * private copy under /libxl/<id>/device/<kind>/<devid>, all written with
 * their permissions in one transaction (a struct domplan), and the
 * xenbus states both ends publish in their "state" node, waited for on
 * XenStore watches. Every function returns 0 or a negative errno.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domplan.h"
#include "xs_client.h"

/* Xen's enum xenbus_state (io/xenbus.h). */
enum devcommon_state {
	DEVCOMMON_UNKNOWN = 0,
	DEVCOMMON_INITIALISING = 1,
	DEVCOMMON_INITWAIT = 2,
	DEVCOMMON_INITIALISED = 3,
	DEVCOMMON_CONNECTED = 4,
	DEVCOMMON_CLOSING = 5,
	DEVCOMMON_CLOSED = 6,
	DEVCOMMON_RECONFIGURING = 7,
	DEVCOMMON_RECONFIGURED = 8,
};

#define DEVCOMMON_PATH_MAX 128

/* The three directories of device @devid of kind @kind ("vbd", "vif"). */
struct devcommon_paths {
	char front[DEVCOMMON_PATH_MAX];
	char back[DEVCOMMON_PATH_MAX];
	char libxl[DEVCOMMON_PATH_MAX];
};

void devcommon_paths(struct devcommon_paths *p, const char *kind,
		     uint32_t domid, uint32_t devid);

/* Nodes are added to a plan with domplan_add() and domplan_add_root(). */

/*
 * The names below @path (DIRECTORY), NUL-separated in @buf (@size
 * bytes); @n gets how many. -ENOENT when @path does not exist.
 */
int devcommon_directory(struct xs_client *c, const char *path, char *buf,
			size_t size, unsigned int *n);

/* Read @dir/@node as a decimal number (digits only); -ENOENT or -EINVAL. */
int devcommon_read_uint(struct xs_client *c, const char *dir, const char *node,
			unsigned long *value);

/* Which states end a wait: a bit per enum devcommon_state. */
#define DEVCOMMON_BIT(s) (1U << (s))

/*
 * Wait until @dir/state holds a state in @want (DEVCOMMON_BIT mask) or
 * the node is removed, woken by a watch on it, for at most @timeout_ms.
 * @state gets the last state read (DEVCOMMON_UNKNOWN when the node is
 * gone). 0, -ENOENT (gone), -ETIMEDOUT, or another negative errno. The
 * watch is on a connection of its own to @xs_path.
 */
int devcommon_wait_state(const char *xs_path, const char *dir,
			 unsigned int want, int timeout_ms,
			 enum devcommon_state *state);

/*
 * Remove a device's three directories (and nothing else) in one
 * transaction, retried on a conflict. Missing directories are fine.
 */
int devcommon_remove(struct xs_client *c, const struct devcommon_paths *p);

/*
 * Wait (at most @timeout_ms) until dom0's kernel has let go of the backend
 * device @kind-@domid-@devid (/sys/bus/xen-backend/devices), so a domain
 * that takes the same id next can have a device of the same name. 0, or
 * -ETIMEDOUT.
 */
int devcommon_wait_backend_gone(const char *kind, uint32_t domid,
				uint32_t devid, int timeout_ms);
