/* SPDX-License-Identifier: MIT */
/*
 * XenStore ERROR replies: the errno names the protocol carries and their
 * values on the host (Xen's xsd_errors). A daemon sends one of these names;
 * a client maps it back. User space only (uses the C library's errno).
 */
#pragma once

#include <errno.h>

struct xsd_error {
	int err; /* positive errno */
	const char *name;
};

static const struct xsd_error xsd_errors[] __attribute__((unused)) = {
	{ EINVAL, "EINVAL" },	    { EACCES, "EACCES" },
	{ EEXIST, "EEXIST" },	    { EISDIR, "EISDIR" },
	{ ENOENT, "ENOENT" },	    { ENOMEM, "ENOMEM" },
	{ ENOSPC, "ENOSPC" },	    { EIO, "EIO" },
	{ ENOTEMPTY, "ENOTEMPTY" }, { ENOSYS, "ENOSYS" },
	{ EROFS, "EROFS" },	    { EBUSY, "EBUSY" },
	{ EAGAIN, "EAGAIN" },	    { EISCONN, "EISCONN" },
	{ E2BIG, "E2BIG" },	    { EPERM, "EPERM" },
};

#define XSD_NR_ERRORS (sizeof(xsd_errors) / sizeof(xsd_errors[0]))
