/* SPDX-License-Identifier: MIT */
/*
 * A domain's XenStore nodes as a plan: every path, value and permission
 * set that a Xen toolstack writes for a new domain, built without I/O (so
 * that tests compare it with the expected list), then written in one
 * transaction. Two node sets: a boot-time domain's (init-dom0less) and
 * one made by `xl create` (libxl's layout: /local/domain/<id>, /vm/<uuid>,
 * /libxl/<id>, the console's frontend and backend).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "libsable.h"
#include "xs_client.h"

#define DOMPLAN_STEP_MAX 96
#define DOMPLAN_MAX_ROOTS 4
/* LIBXL_XENCONSOLE_LIMIT: bytes the console daemon buffers. */
#define DOMPLAN_CONSOLE_LIMIT 1048576

enum domplan_perm {
	DOMPLAN_RO, /* "n0 r<id>": dom0's, the guest reads */
	DOMPLAN_RW, /* "n<id>": the guest's */
	DOMPLAN_FRONT, /* "n<id> r0": a frontend directory */
	DOMPLAN_PRIVATE, /* "n0": the toolstack's alone */
};

struct domplan_node {
	char *path;
	char *value;
	enum domplan_perm perm;
};

struct domplan {
	uint32_t domid;
	struct domplan_node *nodes;
	unsigned int n, cap;
	/* Subtrees removed before anything is written (and at destroy). */
	char *roots[DOMPLAN_MAX_ROOTS];
	unsigned int nroots;
	int err; /* -ENOMEM once an addition failed */
};

/* What an `xl create`d domain's nodes say. */
struct domplan_domain {
	uint32_t domid;
	const char *name;
	const char *uuid;
	uint64_t max_kib, target_kib;
	uint32_t vcpus, max_vcpus; /* online at boot, created */
	uint64_t store_gfn, console_gfn;
	uint32_t store_port, console_port;
	const char *kernel, *ramdisk, *cmdline; /* "" when none */
	const char *start_time; /* seconds since the epoch, "%llu.%02u" */
};

void domplan_init(struct domplan *p, uint32_t domid);
void domplan_free(struct domplan *p);

/* The nodes of a boot-time domain (docs/toolstack.md, init-dom0less). */
int domplan_dom0less(struct domplan *p,
		     const struct sable_ctl_domain_info *info);
/*
 * A boot-time domain's PV console (when the hypervisor gave it one): the
 * same frontend and backend nodes as an `xl create`d domain's, so the
 * console daemon serves it.
 */
int domplan_dom0less_console(struct domplan *p, uint32_t domid, uint64_t gfn,
			     uint32_t port);
/* The nodes libxl writes for a PVH domain it creates. */
int domplan_xl(struct domplan *p, const struct domplan_domain *d);

/*
 * Add one node (the path is a format) or one root to remove first; a
 * failure is kept in p->err. For device plans (devnet.c).
 */
__attribute__((format(printf, 4, 5))) void domplan_add(struct domplan *p,
						       enum domplan_perm perm,
						       const char *value,
						       const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void
domplan_add_root(struct domplan *p, const char *fmt, ...);

/* The permission entries of @n ("n0", "r5"); how many (1 or 2). */
unsigned int domplan_perms(const struct domplan *p,
			   const struct domplan_node *n, char perms[2][16]);

/*
 * Remove the roots, then write every node and its permissions, in
 * transaction @tx. 0 or a negative errno; @step (DOMPLAN_STEP_MAX bytes)
 * then names the request that failed ("SET_PERMS /vm/...").
 */
int domplan_write(struct xs_client *c, uint32_t tx, const struct domplan *p,
		  char *step);
/* domplan_write in a transaction of its own, retried on a conflict. */
int domplan_commit(struct xs_client *c, const struct domplan *p, char *step);

/* One line per node, "path = \"value\" (perms)", roots first. */
size_t domplan_dump(const struct domplan *p, char *buf, size_t size);
