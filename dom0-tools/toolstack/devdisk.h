/* SPDX-License-Identifier: MIT */
/*
 * PV disks (vbd): a disk of an xl.cfg or of `xl block-attach` served by
 * dom0's Linux blkback. Attaching one checks the specification, finds
 * the block device (an image file is bound to a free loop device), writes
 * libxl's frontend, backend and private nodes in one transaction, waits
 * on a watch for blkback to reach InitWait, then does what Xen's block
 * hotplug script does: physical-device (hex major:minor),
 * physical-device-path and hotplug-status. Detaching asks the backend to
 * close (online 0, state Closing) and waits for Closed; then the nodes go
 * and the loop device is released. docs/pv-devices.md has the layout.
 * Functions return 0 or a negative errno with one line in @err
 * (DOMBUILD_ERR_MAX bytes) naming the disk.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domplan.h"
#include "xlcfg.h"
#include "xs_client.h"

/* How long blkback and the guest get for each step (libxl's 10 s). */
#define DEVDISK_TIMEOUT_MS 10000

struct devdisk_opts {
	const char *xs_path; /* xenstored's socket, NULL: the default */
	int timeout_ms; /* 0: DEVDISK_TIMEOUT_MS */
	/* Also wait for the backend to be Connected (a running guest). */
	bool wait_connected;
	/* A note for the user when the guest did not connect in time. */
	char *warning; /* DOMBUILD_ERR_MAX bytes, or NULL */
};

/*
 * Can Sable serve @d? Raw images and block devices from dom0 through
 * blkback only: no other format or backend type, no backend domain, no
 * hotplug script, no empty CD-ROM drive. 0 or -EINVAL (I/O free).
 */
int devdisk_check(const struct xlcfg_disk *d, char *err);

/*
 * The nodes of disk @d of domain @domid as libxl writes them, @params
 * being the target: backend (dom0's, the guest reads), frontend (the
 * guest's, dom0 reads), libxl's copy; the three directories as roots.
 */
int devdisk_plan(struct domplan *p, uint32_t domid, const struct xlcfg_disk *d);

/* Attach one disk to @domid (see above). */
int devdisk_attach(uint32_t domid, const struct xlcfg_disk *d,
		   const struct devdisk_opts *o, char *err);

/*
 * Every disk of @cfg, before the domain is unpaused: all are checked
 * first (specification, target present), then attached in order. On a
 * failure the caller destroys the domain, which removes what was
 * attached (devdisk_remove_all).
 */
int devdisk_attach_cfg(const struct xlcfg *cfg, uint32_t domid,
		       const char *xs_path, char *err);

/*
 * Detach the disk @which (a vdev or a device number) of @domid: Closing,
 * wait for Closed, remove. When the guest does not let go in time the
 * disk stays as it was (-ETIMEDOUT) unless @force, which removes it
 * anyway.
 */
int devdisk_detach(uint32_t domid, const char *which, bool force,
		   const struct devdisk_opts *o, char *err);

/*
 * A dead domain's disks: every backend of @domid removed at once with
 * the frontend and libxl nodes, and the loop devices released.
 */
void devdisk_remove_all(struct xs_client *c, uint32_t domid);

/* One line of `xl block-list`. */
struct devdisk_info {
	uint32_t devid;
	int backend_id, state, evtch, rref;
	char backend[128];
};

/*
 * The disks of @domid (from /libxl/<id>/device/vbd, as libxl lists
 * them), in device-number order; @n gets how many (at most @max).
 */
int devdisk_list(struct xs_client *c, uint32_t domid, struct devdisk_info *out,
		 unsigned int max, unsigned int *n);

/* ---- devloop.c: loop devices for image files ------------------------- */

/*
 * Bind @file to a free loop device (LOOP_CTL_GET_FREE, LOOP_CONFIGURE),
 * read-only when @ro. @dev gets its path (/dev/loopN, @size bytes) and
 * @rdev its device number.
 */
int devloop_attach(const char *file, bool ro, char *dev, size_t size,
		   unsigned long *rdev, char *err);

/*
 * Release @dev if it still serves @file (LOOP_CLR_FD: the kernel detaches
 * it at once, or as soon as blkback lets go of it), waiting a little for
 * that to happen. Quietly nothing when it serves something else.
 */
void devloop_release(const char *dev, const char *file);
