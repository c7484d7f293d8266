/* SPDX-License-Identifier: MIT */
/*
 * The daemon's confinement (docs/xenstore.md, "Isolation"). Everything the
 * daemon opens, it opens at start: the listening socket, the event channel,
 * gntdev, privcmd, dom0's ring and its event loop. Then it gives up the
 * rest: its root becomes the socket's directory, every capability goes,
 * optionally its user and groups change, and a seccomp filter leaves it the
 * system calls that serve descriptors it already has, and the ioctls its
 * platform names (xs_xen_ioctls()).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define XS_SANDBOX_MAX_IOCTLS 16

struct xs_sandbox {
	/* IN */
	const char *socket; /* the listening socket's path */
	const uint32_t *ioctls; /* the only ioctl commands left */
	unsigned nioctls; /* at most XS_SANDBOX_MAX_IOCTLS */
	bool set_ids; /* switch to uid/gid (and no supplementary groups) */
	uid_t uid;
	gid_t gid;
	/* OUT */
	bool chrooted; /* root is the socket's directory */
	char socket_name[108]; /* the socket's path from the new root */
};

/*
 * Confine the calling process, which must have a single thread. Returns 0
 * or a negative errno with *why naming the step that failed; only a
 * process without the privilege to chroot(2) (-EPERM) keeps its root, and
 * then cannot remove files. Irreversible.
 */
int xs_sandbox_enter(struct xs_sandbox *sb, const char **why);

/*
 * The socket's path as the process sees it now, if it may remove it;
 * NULL when confined without its own root (unlink(2) is refused then).
 */
const char *xs_sandbox_socket_path(const struct xs_sandbox *sb);
