/* SPDX-License-Identifier: MIT */
/*
 * The domain builder (libxl's role for Sable): from a parsed xl.cfg,
 * check, create the domain paused, load its kernel, ramdisk and command
 * line, build it, write its XenStore nodes, introduce it to xenstored and
 * unpause it; any failure destroys the domain and removes its nodes.
 * Also destroy, the shutdown request of the PV control protocol, and
 * waiting for a domain to shut down or go (watches on @releaseDomain).
 * Every function returns 0 or a negative errno, with one line in @err
 * (DOMBUILD_ERR_MAX bytes) saying what failed and why.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libsable.h"
#include "xlcfg.h"

#define DOMBUILD_ERR_MAX 512

/* Xen's shutdown reasons (SHUTDOWN_* of public/sched.h). */
enum dombuild_reason {
	DOMBUILD_POWEROFF = 0,
	DOMBUILD_REBOOT = 1,
	DOMBUILD_SUSPEND = 2,
	DOMBUILD_CRASH = 3,
	DOMBUILD_WATCHDOG = 4,
	DOMBUILD_SOFT_RESET = 5,
};
/* Seconds to wait for any one reply of xenstored. */
#define DOMBUILD_XS_TIMEOUT 10

struct dombuild_opts {
	bool paused; /* leave it paused (xl create -p) */
	const char *xs_path; /* xenstored's socket, NULL: the default */
};

struct dombuild_result {
	uint32_t domid;
	char uuid[37];
	/* Settings the hypervisor cannot honour, one line each. */
	char notes[4][160];
	unsigned int nr_notes;
};

/*
 * Is @buf (@len bytes of @path) an arm64 Image the hypervisor can load?
 * A gzip or other compressed file, an ELF file or anything without the
 * Image header's magic is refused with a message saying so.
 */
int dombuild_check_image(const void *buf, size_t len, const char *path,
			 char *err);

/* The whole of @path into a new buffer (free it); @what names it. */
int dombuild_read_file(const char *what, const char *path, void **buf,
		       size_t *len, char *err);

int dombuild_create(struct sable_handle *h, const struct xlcfg *cfg,
		    const struct dombuild_opts *o, struct dombuild_result *r,
		    char *err);

/*
 * Destroy @domid and remove its nodes (/local/domain/<id>, its /vm/<uuid>,
 * /libxl/<id>, the console backend), then RELEASE it in xenstored.
 * xenstored being unreachable is not an error (the domain still goes).
 */
int dombuild_destroy(struct sable_handle *h, uint32_t domid,
		     const char *xs_path, char *err);

/*
 * The same for a boot-time domain that is to come back: its devices and
 * nodes go as with dombuild_destroy, but the hypervisor builds it again
 * from its boot modules once it is gone, under the same id, paused.
 */
int dombuild_boot_restart(struct sable_handle *h, uint32_t domid,
			  const char *xs_path, char *err);

/* A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". */
void dombuild_uuid(char out[37]);

/* The text of a libsable failure (errno @e) in a sentence. */
const char *dombuild_strerror(int e);

/* ---- domlife.c: shutdown and waiting -------------------------------- */

/*
 * The xl.cfg event a shutdown reason answers to (on_poweroff for
 * poweroff, ...); false for reasons without one (suspend, soft reset).
 */
bool domlife_event(uint32_t reason, enum xlcfg_event *ev);

/* Write @what ("poweroff", "reboot") to the domain's control/shutdown. */
int domlife_request(uint32_t domid, const char *what, const char *xs_path,
		    char *err);

enum domlife_until {
	DOMLIFE_SHUTDOWN, /* shut down (any reason), dying or gone */
	DOMLIFE_GONE, /* no longer listed: its name and memory are free */
};

/*
 * Wait until @domid reaches @until, re-reading its state on every
 * @releaseDomain event; @timeout_ms < 0 waits for ever. On return @info
 * holds its last state and @gone says whether it is gone. 0,
 * -ETIMEDOUT, or another negative errno.
 */
int domlife_wait(struct sable_handle *h, uint32_t domid,
		 enum domlife_until until, int timeout_ms, const char *xs_path,
		 struct sable_ctl_domain_info *info, bool *gone);
