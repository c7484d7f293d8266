// SPDX-License-Identifier: MIT
/*
 * Node requests (xenstore.txt, "Database read, write and permissions
 * operations"): READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART,
 * GET_PERMS, SET_PERMS. Inside a transaction they run on its snapshot
 * and are logged for the commit.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_engine.h"
#include "xs_path.h"

struct xs_openv {
	struct xs_ctx ctx;
	struct xs_limits lim;
	struct xs_tree *tree;
	char path[XS_PATH_BUF];
};

static void xs_event_cb(void *arg, const char *path, bool removed,
			const struct xs_node *n)
{
	xs_fire(arg, path, removed, n);
}

/*
 * The access a request needs (xenstore.txt, "Permissions"): to the node if
 * it exists, else to its nearest existing ancestor (0: none checked here;
 * the operation decides, e.g. RM of a missing node).
 */
struct xs_need {
	unsigned node;
	unsigned anc;
};

static const struct xs_need xs_need_read = { XS_PERM_READ, XS_PERM_READ };
static const struct xs_need xs_need_write = { XS_PERM_WRITE, XS_PERM_WRITE };
static const struct xs_need xs_need_mkdir = { XS_PERM_READ, XS_PERM_WRITE };
static const struct xs_need xs_need_rm = { XS_PERM_WRITE, 0 };
static const struct xs_need xs_need_perms = { XS_PERM_OWNER, XS_PERM_READ };

/*
 * Refuse a request the caller has no right to before anything is copied
 * into a transaction's view: the node is looked at where the view would
 * find it (xs_tree_peek, O(depth)). The operation checks again on the
 * view; this only makes a refusal cheap. -EACCES or 0.
 */
static int xs_precheck(const struct xs_openv *env, const struct xs_need *need)
{
	const struct xs_caller *c = env->ctx.caller;
	const struct xs_node *n;
	bool found;
	unsigned want;

	if (c->privileged) {
		return 0;
	}
	n = xs_tree_peek(env->tree, env->path, &found);
	want = found ? need->node : need->anc;
	if (want && !xs_perm_allows(n->perms, n->nr_perms, c, want)) {
		return -EACCES;
	}
	return 0;
}

/*
 * Limits for the caller, including the memory its domain holds outside
 * the tree; in a transaction, what its view may still copy.
 */
static void xs_openv_limits(struct xs_req *r, struct xs_openv *env)
{
	struct xs_engine *e = r->c->eng;
	const struct xs_caller *c = &r->c->caller;
	const struct xs_quota *q = xs_quota_for(e, c->domid);
	struct xs_usage u;
	uint64_t have;

	env->lim.nodes = q->nodes;
	env->lim.node_size = q->node_size;
	env->lim.perms = q->perms;
	env->lim.memory = q->memory;
	env->lim.mem_other = 0;
	if (c->privileged || !q->memory) {
		return;
	}
	xs_domain_usage(e, c->domid, &u);
	env->lim.mem_other = u.mem;
	if (r->txn) {
		have = (uint64_t)xs_tree_bytes_of(&e->tree, c->domid) + u.mem;
		r->txn->tree.max_copied =
			r->txn->tree.copied +
			(have < q->memory ? q->memory - have : 0);
	}
}

/*
 * Resolve the path argument and set up where and how the op runs; check
 * the caller's right (need), then, in a transaction, copy into its view
 * what the op reads (how).
 */
static int xs_openv_init(struct xs_req *r, const char *arg,
			 struct xs_openv *env, enum xs_load how,
			 const struct xs_need *need)
{
	struct xs_engine *e = r->c->eng;
	bool rel;
	int rc;

	memset(&env->ctx, 0, sizeof(env->ctx));
	env->ctx.caller = &r->c->caller;
	env->ctx.limits = &env->lim;
	env->ctx.check_perms = true;
	if (r->txn) {
		env->ctx.access = xs_txn_access;
		env->ctx.arg = r->txn;
		env->tree = &r->txn->tree;
	} else {
		env->ctx.event = xs_event_cb;
		env->ctx.arg = e;
		env->tree = &e->tree;
	}
	rc = xs_path_canonical(arg, r->c->caller.domid, env->path, &rel);
	if (!rc) {
		rc = xs_quota_path_check(r->c, env->path);
	}
	if (!rc) {
		rc = xs_precheck(env, need);
	}
	if (rc) {
		return rc;
	}
	xs_openv_limits(r, env);
	return xs_tree_load(env->tree, env->path, how);
}

static int xs_one_path(struct xs_req *r, struct xs_openv *env, enum xs_load how,
		       const struct xs_need *need)
{
	const char *argv[1];
	unsigned argc;
	int rc = xs_req_args(r, argv, 1, &argc);

	if (rc || argc != 1) {
		return -EINVAL;
	}
	return xs_openv_init(r, argv[0], env, how, need);
}

int xs_do_read(struct xs_req *r)
{
	struct xs_node *n;
	struct xs_openv env;
	int rc = xs_one_path(r, &env, XS_LOAD_PATH, &xs_need_read);

	if (!rc) {
		rc = xs_tree_get(env.tree, &env.ctx, env.path, XS_PERM_READ,
				 &n);
	}
	if (rc) {
		return rc;
	}
	return xs_reply(r, n->value, n->vlen);
}

/* Run a change, logging it when inside a transaction. */
static int xs_change(struct xs_req *r, struct xs_openv *env,
		     enum xs_txn_op_type type, const void *data, uint32_t len)
{
	struct xs_txn_op op;
	int rc = 0;

	if (r->txn) {
		rc = xs_txn_op_prepare(r->txn, &op, type, env->path, data, len);
		if (rc) {
			return rc;
		}
	}
	switch (type) {
	case XS_TXN_WRITE:
		rc = xs_tree_write(env->tree, &env->ctx, env->path, data, len);
		break;
	case XS_TXN_MKDIR:
		rc = xs_tree_mkdir(env->tree, &env->ctx, env->path);
		break;
	case XS_TXN_RM:
		rc = xs_tree_rm(env->tree, &env->ctx, env->path);
		break;
	case XS_TXN_PERMS:
		rc = xs_tree_set_perms(env->tree, &env->ctx, env->path, data,
				       len);
		break;
	}
	if (r->txn) {
		if (rc) {
			xs_txn_op_discard(&op);
		} else {
			xs_txn_op_commit(r->txn, &op);
		}
	}
	return rc ? rc : xs_reply_str(r, "OK");
}

/* WRITE path\0value: the value is everything after the first NUL. */
int xs_do_write(struct xs_req *r)
{
	const char *nul = memchr(r->data, '\0', r->len);
	struct xs_openv env;
	uint32_t off;
	int rc;

	if (!nul) {
		return -EINVAL;
	}
	off = (uint32_t)(nul - r->data) + 1;
	rc = xs_openv_init(r, r->data, &env, XS_LOAD_PATH, &xs_need_write);
	if (rc) {
		return rc;
	}
	return xs_change(r, &env, XS_TXN_WRITE, r->data + off, r->len - off);
}

int xs_do_mkdir(struct xs_req *r)
{
	struct xs_openv env;
	int rc = xs_one_path(r, &env, XS_LOAD_PATH, &xs_need_mkdir);

	return rc ? rc : xs_change(r, &env, XS_TXN_MKDIR, NULL, 0);
}

int xs_do_rm(struct xs_req *r)
{
	struct xs_openv env;
	int rc = xs_one_path(r, &env, XS_LOAD_SUBTREE, &xs_need_rm);

	return rc ? rc : xs_change(r, &env, XS_TXN_RM, NULL, 0);
}

int xs_do_directory(struct xs_req *r)
{
	struct xs_node *n;
	struct xs_openv env;
	const char *names;
	size_t len;
	int rc = xs_one_path(r, &env, XS_LOAD_CHILDREN, &xs_need_read);

	if (!rc) {
		rc = xs_tree_get(env.tree, &env.ctx, env.path, XS_PERM_READ,
				 &n);
	}
	if (rc) {
		return rc;
	}
	names = xs_node_names(n, &len);
	if (!names && len) {
		return -ENOMEM;
	}
	if (len > XENSTORE_PAYLOAD_MAX) {
		return -E2BIG; /* the client falls back to DIRECTORY_PART */
	}
	return xs_reply(r, names, len);
}

/*
 * DIRECTORY_PART path\0offset\0 -> gen\0 names... from byte offset into
 * the child list, as many whole names as fit; an extra empty string
 * marks the end of the list.
 */
int xs_do_directory_part(struct xs_req *r)
{
	const char *argv[2], *list;
	struct xs_node *n;
	struct xs_openv env;
	char reply[XENSTORE_PAYLOAD_MAX];
	size_t total, glen, len = 0, nlen;
	uint32_t off, argc;
	int rc = xs_req_args(r, argv, 2, &argc);

	if (rc || argc != 2 || xs_parse_u32(argv[1], UINT32_MAX, &off)) {
		return -EINVAL;
	}
	rc = xs_openv_init(r, argv[0], &env, XS_LOAD_CHILDREN, &xs_need_read);
	if (!rc) {
		rc = xs_tree_get(env.tree, &env.ctx, env.path, XS_PERM_READ,
				 &n);
	}
	if (rc) {
		return rc;
	}
	list = xs_node_names(n, &total);
	if (!list && total) {
		return -ENOMEM;
	}
	if (off > total) {
		return -EINVAL;
	}
	glen = (size_t)snprintf(reply, sizeof(reply), "%" PRIu64, n->gen) + 1;
	while (off + len < total) {
		nlen = strlen(list + off + len) + 1;
		if (glen + len + nlen + 1 > sizeof(reply)) {
			break;
		}
		len += nlen;
	}
	if (len) {
		memcpy(reply + glen, list + off, len);
	}
	if (off + len == total) {
		reply[glen + len++] = '\0';
	}
	return xs_reply(r, reply, glen + len);
}

int xs_do_get_perms(struct xs_req *r)
{
	struct xs_node *n;
	struct xs_openv env;
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t len = 0;
	uint32_t i;
	int rc = xs_one_path(r, &env, XS_LOAD_PATH, &xs_need_read), w;

	if (!rc) {
		rc = xs_tree_get(env.tree, &env.ctx, env.path, XS_PERM_READ,
				 &n);
	}
	if (rc) {
		return rc;
	}
	for (i = 0; i < n->nr_perms; i++) {
		w = xs_perm_format(&n->perms[i], buf + len, sizeof(buf) - len);
		if (w < 0 || (size_t)w + 1 >= sizeof(buf) - len) {
			return -E2BIG;
		}
		len += (size_t)w + 1;
	}
	return xs_reply(r, buf, len);
}

/* SET_PERMS path\0perm\0...: at least one permission. */
int xs_do_set_perms(struct xs_req *r)
{
	const char *argv[XENSTORE_PAYLOAD_MAX / 2];
	struct xs_perm *p;
	struct xs_openv env;
	unsigned argc, i;
	int rc = xs_req_args(r, argv, XENSTORE_PAYLOAD_MAX / 2, &argc);

	if (rc || argc < 2) {
		return -EINVAL;
	}
	rc = xs_openv_init(r, argv[0], &env, XS_LOAD_PATH, &xs_need_perms);
	if (rc) {
		return rc;
	}
	p = calloc(argc - 1, sizeof(*p));
	if (!p) {
		return -ENOMEM;
	}
	for (i = 1; i < argc && !rc; i++) {
		rc = xs_perm_parse(argv[i], &p[i - 1]);
	}
	if (!rc) {
		rc = xs_change(r, &env, XS_TXN_PERMS, p, argc - 1);
	}
	free(p);
	return rc;
}
