// SPDX-License-Identifier: MIT
/*
 * CONTROL and the quota requests (GET_QUOTA / SET_QUOTA).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <public/xen.h>

#include "xs_engine.h"

static const struct {
	const char *name;
	size_t off;
} xs_quota_names[] = {
	{ "nodes", offsetof(struct xs_quota, nodes) },
	{ "watches", offsetof(struct xs_quota, watches) },
	{ "transactions", offsetof(struct xs_quota, transactions) },
	{ "outstanding", offsetof(struct xs_quota, outstanding) },
	{ "node-size", offsetof(struct xs_quota, node_size) },
	{ "permissions", offsetof(struct xs_quota, perms) },
	{ "transaction-nodes", offsetof(struct xs_quota, txn_nodes) },
	{ "path-length", offsetof(struct xs_quota, path_len) },
	{ "memory", offsetof(struct xs_quota, memory) },
	/* C xenstored's name for "permissions" (not listed by GET_QUOTA). */
	{ "node-permissions", offsetof(struct xs_quota, perms) },
};

/* Names GET_QUOTA lists: all but the trailing aliases. */
#define XS_NR_QUOTAS_LISTED 9

#define XS_NR_QUOTAS (sizeof(xs_quota_names) / sizeof(xs_quota_names[0]))

/* Field of q named name, or NULL. */
static uint32_t *xs_quota_field(struct xs_quota *q, const char *name)
{
	size_t i;

	for (i = 0; i < XS_NR_QUOTAS; i++) {
		if (!strcmp(xs_quota_names[i].name, name)) {
			return (uint32_t *)((char *)q + xs_quota_names[i].off);
		}
	}
	return NULL;
}

/* Set one quota by name (also used for the command line). */
int xs_quota_set(struct xs_quota *q, const char *name, uint32_t val)
{
	uint32_t *f = xs_quota_field(q, name);

	if (!f) {
		return -EINVAL;
	}
	*f = val;
	return 0;
}

/* The quota set of a domain: its own, created from the global on demand. */
static int xs_quota_target(struct xs_req *r, const char *dom,
			   struct xs_quota **out)
{
	struct xs_engine *e = r->c->eng;
	struct xs_domain *d;
	uint32_t domid;

	if (xs_parse_u32(dom, DOMID_FIRST_RESERVED - 1, &domid)) {
		return -EINVAL;
	}
	d = xs_domain_find(e, domid);
	if (!d) {
		return -ENOENT;
	}
	if (!d->has_quota) {
		d->quota = e->quota;
		d->has_quota = true;
	}
	*out = &d->quota;
	return 0;
}

/* GET_QUOTA: no argument -> names; [domid\0]name\0 -> value. */
int xs_do_get_quota(struct xs_req *r)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	struct xs_quota *q = &r->c->eng->quota;
	const char *argv[2];
	uint32_t *f;
	unsigned argc;
	size_t i, len = 0;
	int rc = r->c->caller.privileged ? 0 : -EACCES;

	if (!rc && (xs_req_args(r, argv, 2, &argc))) {
		rc = -EINVAL;
	}
	if (rc) {
		return rc;
	}
	if (argc == 0) {
		for (i = 0; i < XS_NR_QUOTAS_LISTED; i++) {
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s", xs_quota_names[i].name) +
			       1;
		}
		return xs_reply(r, buf, len);
	}
	if (argc == 2) {
		rc = xs_quota_target(r, argv[0], &q);
		if (rc) {
			return rc;
		}
	}
	f = xs_quota_field(q, argv[argc - 1]);
	if (!f) {
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%u", *f);
	return xs_reply_str(r, buf);
}

/* SET_QUOTA: [domid\0]name\0value\0. */
int xs_do_set_quota(struct xs_req *r)
{
	struct xs_quota *q = &r->c->eng->quota;
	const char *argv[3];
	uint32_t val, *f;
	unsigned argc;
	int rc = r->c->caller.privileged ? 0 : -EACCES;

	if (!rc && (xs_req_args(r, argv, 3, &argc) || argc < 2)) {
		rc = -EINVAL;
	}
	if (!rc && argc == 3) {
		rc = xs_quota_target(r, argv[0], &q);
	}
	if (rc) {
		return rc;
	}
	f = xs_quota_field(q, argv[argc - 2]);
	if (!f || xs_parse_u32(argv[argc - 1], UINT32_MAX, &val)) {
		return -EINVAL;
	}
	*f = val;
	return xs_reply_str(r, "OK");
}

static int xs_control_help(struct xs_req *r, unsigned argc, const char **argv);
static int xs_control_ok(struct xs_req *r, unsigned argc, const char **argv)
{
	(void)argc;
	(void)argv;
	return xs_reply_str(r, "OK");
}

static int xs_control_print(struct xs_req *r, unsigned argc, const char **argv)
{
	if (argc < 2) {
		return -EINVAL;
	}
	fprintf(stderr, "xenstored: %s\n", argv[1]);
	return xs_reply_str(r, "OK");
}

static const struct {
	const char *name;
	int (*fn)(struct xs_req *r, unsigned argc, const char **argv);
} xs_controls[] = {
	{ "check", xs_control_ok },
	{ "help", xs_control_help },
	{ "log", xs_control_ok },
	{ "print", xs_control_print },
};

#define XS_NR_CONTROLS (sizeof(xs_controls) / sizeof(xs_controls[0]))

static int xs_control_help(struct xs_req *r, unsigned argc, const char **argv)
{
	char buf[256];
	size_t i, len = 0;

	(void)argc;
	(void)argv;
	for (i = 0; i < XS_NR_CONTROLS; i++) {
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s\n",
					xs_controls[i].name);
	}
	return xs_reply(r, buf, len + 1);
}

/* CONTROL cmd\0[args\0]: privileged; unknown commands get EINVAL. */
int xs_do_control(struct xs_req *r)
{
	const char *argv[8];
	unsigned argc;
	size_t i;

	if (!r->c->caller.privileged) {
		return -EACCES;
	}
	if (xs_req_args(r, argv, 8, &argc) || argc == 0) {
		return -EINVAL;
	}
	for (i = 0; i < XS_NR_CONTROLS; i++) {
		if (!strcmp(xs_controls[i].name, argv[0])) {
			return xs_controls[i].fn(r, argc, argv);
		}
	}
	return -EINVAL;
}
