// SPDX-License-Identifier: MIT
/*
 * The node tree. Every mutating operation validates and allocates first and
 * links last, so a failure leaves the tree untouched (decode, then act).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_path.h"
#include "xs_tree.h"

/* ---- accounting -------------------------------------------------------- */

static struct xs_acct *xs_acct_find(const struct xs_tree *t, uint32_t domid)
{
	uint32_t i;

	for (i = 0; i < t->nr_acct; i++) {
		if (t->acct[i].domid == domid) {
			return &t->acct[i];
		}
	}
	return NULL;
}

/* Make sure domid has an entry, so later adds cannot fail. */
static int xs_acct_reserve(struct xs_tree *t, uint32_t domid)
{
	struct xs_acct *a;
	uint32_t cap;

	if (xs_acct_find(t, domid)) {
		return 0;
	}
	if (t->nr_acct == t->cap_acct) {
		cap = t->cap_acct ? t->cap_acct * 2 : 8;
		a = realloc(t->acct, cap * sizeof(*a));
		if (!a) {
			return -ENOMEM;
		}
		t->acct = a;
		t->cap_acct = cap;
	}
	t->acct[t->nr_acct].domid = domid;
	t->acct[t->nr_acct].nodes = 0;
	t->acct[t->nr_acct].bytes = 0;
	t->nr_acct++;
	return 0;
}

static void xs_acct_add(struct xs_tree *t, uint32_t domid, int64_t nodes,
			int64_t bytes)
{
	struct xs_acct *a = xs_acct_find(t, domid);

	if (a) {
		a->nodes += nodes;
		a->bytes += bytes;
	}
}

/* In a view: what the transaction changed. In the live tree: totals. */
void xs_tree_delta_of(const struct xs_tree *v, uint32_t domid, int64_t *nodes,
		      int64_t *bytes)
{
	const struct xs_acct *a = xs_acct_find(v, domid);

	*nodes = a ? a->nodes : 0;
	*bytes = a ? a->bytes : 0;
}

int64_t xs_tree_nodes_of(const struct xs_tree *t, uint32_t domid)
{
	int64_t n, b;

	xs_tree_delta_of(t, domid, &n, &b);
	return n + (t->base ? xs_tree_nodes_of(t->base, domid) : 0);
}

int64_t xs_tree_bytes_of(const struct xs_tree *t, uint32_t domid)
{
	int64_t n, b;

	xs_tree_delta_of(t, domid, &n, &b);
	return b + (t->base ? xs_tree_bytes_of(t->base, domid) : 0);
}

/* Reserve an entry for the owner of every node of the subtree at n. */
static int xs_acct_reserve_subtree(struct xs_tree *t, const struct xs_node *n)
{
	uint32_t i;
	int rc = n->nr_perms ? xs_acct_reserve(t, n->perms[0].domid) : 0;

	for (i = 0; !rc && i < n->nr_child; i++) {
		rc = xs_acct_reserve_subtree(t, n->child[i]);
	}
	return rc;
}

/*
 * -ENOMEM if growth more bytes would take owner past the memory quota
 * (unprivileged callers; the caller's other holdings count for itself).
 */
static int xs_tree_mem_check(const struct xs_tree *t, const struct xs_ctx *ctx,
			     uint32_t owner, int64_t growth)
{
	const struct xs_limits *lim = ctx->limits;
	int64_t have;

	if (!lim || ctx->caller->privileged || !lim->memory || growth <= 0) {
		return 0;
	}
	have = xs_tree_bytes_of(t, owner);
	if (owner == ctx->caller->domid) {
		have += (int64_t)lim->mem_other;
	}
	return have + growth > (int64_t)lim->memory ? -ENOMEM : 0;
}

/* ---- nodes ------------------------------------------------------------- */

static void xs_node_free(struct xs_tree *t, struct xs_node *n)
{
	uint32_t i;

	for (i = 0; i < n->nr_child; i++) {
		xs_node_free(t, n->child[i]);
	}
	if (t && n->nr_perms) {
		xs_acct_add(t, n->perms[0].domid, -1,
			    -(int64_t)xs_node_cost(n));
	}
	xs_node_release(n);
}

/*
 * Walk a canonical path as far as it exists. Returns the deepest existing
 * node; *rest points at the first missing component ("" if all exist).
 */
static struct xs_node *xs_tree_walk(const struct xs_tree *t, const char *path,
				    const char **rest)
{
	struct xs_node *n = t->root, *c;
	const char *p = path + 1, *slash;
	size_t len;

	while (*p) {
		slash = strchr(p, '/');
		len = slash ? (size_t)(slash - p) : strlen(p);
		c = xs_node_child(n, p, len);
		if (!c) {
			break;
		}
		n = c;
		p += len;
		if (*p == '/') {
			p++;
		}
	}
	*rest = p;
	return n;
}

struct xs_node *xs_tree_find(const struct xs_tree *t, const char *path)
{
	const char *rest;
	struct xs_node *n = xs_tree_walk(t, path, &rest);

	return *rest ? NULL : n;
}

int xs_tree_init(struct xs_tree *t, uint64_t *gen)
{
	static const struct xs_perm root_perm = { 0, XS_PERM_NONE };

	memset(t, 0, sizeof(*t));
	t->gen = gen;
	if (xs_acct_reserve(t, 0)) {
		return -ENOMEM;
	}
	t->root = xs_node_alloc("", 0, &root_perm, 1);
	if (!t->root) {
		free(t->acct);
		return -ENOMEM;
	}
	xs_acct_add(t, 0, 1, (int64_t)xs_node_cost(t->root));
	t->root->gen = ++*gen;
	return 0;
}

void xs_tree_destroy(struct xs_tree *t)
{
	if (t->root) {
		xs_node_free(NULL, t->root);
	}
	free(t->acct);
	memset(t, 0, sizeof(*t));
}

/* ---- access checks ------------------------------------------------------ */

static bool xs_ctx_allows(const struct xs_ctx *ctx, const struct xs_node *n,
			  unsigned need)
{
	if (!ctx->check_perms) {
		return true;
	}
	return xs_perm_allows(n->perms, n->nr_perms, ctx->caller, need);
}

static int xs_ctx_access(const struct xs_ctx *ctx, const char *path,
			 const struct xs_node *n)
{
	return ctx->access ? ctx->access(ctx->arg, path, n) : 0;
}

/*
 * Error for a missing node: ENOENT, unless the caller may not read the
 * nearest existing ancestor, in which case existence is not revealed.
 */
static int xs_tree_missing(const struct xs_tree *t, const struct xs_ctx *ctx,
			   const char *path)
{
	const char *rest;
	const struct xs_node *anc = xs_tree_walk(t, path, &rest);

	if (!xs_ctx_allows(ctx, anc, XS_PERM_READ)) {
		return -EACCES;
	}
	return -ENOENT;
}

int xs_tree_get(struct xs_tree *t, const struct xs_ctx *ctx, const char *path,
		unsigned need, struct xs_node **out)
{
	struct xs_node *n = xs_tree_find(t, path);
	int rc = xs_ctx_access(ctx, path, n);

	if (rc) {
		return rc;
	}
	if (!n) {
		return xs_tree_missing(t, ctx, path);
	}
	if (!xs_ctx_allows(ctx, n, need)) {
		return -EACCES;
	}
	*out = n;
	return 0;
}

/* ---- mutations ---------------------------------------------------------- */

/* Report the nearest existing ancestor and every missing node on path. */
static int xs_tree_create_access(const struct xs_ctx *ctx, const char *path,
				 const char *rest, const struct xs_node *anc)
{
	char buf[XS_PATH_BUF];
	size_t off = (size_t)(rest - path);
	const char *p;
	int rc;

	if (!ctx->access) {
		return 0;
	}
	if (anc->parent) {
		memcpy(buf, path, off - 1);
		buf[off - 1] = '\0';
	} else {
		strcpy(buf, "/");
	}
	rc = ctx->access(ctx->arg, buf, anc);
	for (p = rest; !rc && *p;) {
		p += xs_component_len(p);
		memcpy(buf, path, (size_t)(p - path));
		buf[p - path] = '\0';
		rc = ctx->access(ctx->arg, buf, NULL);
		if (*p == '/') {
			p++;
		}
	}
	return rc;
}

/* Allocate the chain of missing nodes below anc; NULL on ENOMEM. */
static struct xs_node *xs_tree_alloc_chain(const struct xs_ctx *ctx,
					   const struct xs_node *anc,
					   const char *rest,
					   struct xs_node **last)
{
	struct xs_node *first = NULL, *prev = NULL, *n;
	const char *p = rest;
	size_t len;

	while (*p) {
		len = xs_component_len(p);
		n = xs_node_alloc(p, len, anc->perms, anc->nr_perms);
		if (!n || (prev && xs_node_reserve_child(prev))) {
			if (n) {
				xs_node_free(NULL, n);
			}
			if (first) {
				xs_node_free(NULL, first);
			}
			return NULL;
		}
		if (!ctx->caller->privileged) {
			n->perms[0].domid = ctx->caller->domid;
		}
		if (prev) {
			xs_node_link_child(prev, n);
		} else {
			first = n;
		}
		prev = n;
		p += len;
		if (*p == '/') {
			p++;
		}
	}
	*last = prev;
	return first;
}

static void xs_tree_bump_chain(struct xs_tree *t, struct xs_node *n)
{
	while (n) {
		n->gen = ++*t->gen;
		n = n->nr_child ? n->child[0] : NULL;
	}
}

/* Bytes of a chain of new nodes (xs_tree_alloc_chain). */
static uint64_t xs_chain_cost(const struct xs_node *n)
{
	uint64_t sum = 0;

	for (; n; n = n->nr_child ? n->child[0] : NULL) {
		sum += xs_node_cost(n);
	}
	return sum;
}

/*
 * Create path and its missing parents with the nearest ancestor's perms
 * (owner replaced by an unprivileged creator), extra value bytes to come.
 * Needs write access to the nearest existing ancestor. -EACCES, -ENOSPC
 * (nodes quota), -ENOMEM (memory quota, or out of memory).
 */
static int xs_tree_create(struct xs_tree *t, const struct xs_ctx *ctx,
			  const char *path, uint32_t extra,
			  struct xs_node **out)
{
	const struct xs_limits *lim = ctx->limits;
	const struct xs_caller *c = ctx->caller;
	const char *rest, *p;
	struct xs_node *anc = xs_tree_walk(t, path, &rest), *first, *last;
	uint32_t k = 0, owner;
	uint64_t cost;
	int rc;

	for (p = rest; *p; k++) {
		p += xs_component_len(p);
		if (*p == '/') {
			p++;
		}
	}
	rc = xs_tree_create_access(ctx, path, rest, anc);
	if (rc) {
		return rc;
	}
	if (!xs_ctx_allows(ctx, anc, XS_PERM_WRITE)) {
		return -EACCES;
	}
	owner = c->privileged ? anc->perms[0].domid : c->domid;
	if (lim && !c->privileged && lim->nodes &&
	    xs_tree_nodes_of(t, owner) + k > lim->nodes) {
		return -ENOSPC;
	}
	if (xs_acct_reserve(t, owner) || xs_node_reserve_child(anc)) {
		return -ENOMEM;
	}
	first = xs_tree_alloc_chain(ctx, anc, rest, &last);
	if (!first) {
		return -ENOMEM;
	}
	cost = xs_chain_cost(first);
	rc = xs_tree_mem_check(t, ctx, owner, (int64_t)(cost + extra));
	if (rc) {
		xs_node_free(NULL, first);
		return rc;
	}
	/* Nothing can fail from here on. */
	xs_node_link_child(anc, first);
	anc->gen = ++*t->gen;
	xs_tree_bump_chain(t, first);
	xs_acct_add(t, owner, k, (int64_t)cost);
	*out = last;
	return 0;
}

int xs_tree_write(struct xs_tree *t, const struct xs_ctx *ctx, const char *path,
		  const void *val, uint32_t len)
{
	const struct xs_limits *lim = ctx->limits;
	struct xs_node *n = xs_tree_find(t, path);
	char *copy = NULL;
	uint32_t owner;
	int rc;

	if (lim && !ctx->caller->privileged && lim->node_size &&
	    len > lim->node_size) {
		return -ENOSPC;
	}
	if (len) {
		copy = malloc(len);
		if (!copy) {
			return -ENOMEM;
		}
		memcpy(copy, val, len);
	}
	if (n) {
		owner = n->perms[0].domid;
		rc = xs_ctx_access(ctx, path, n);
		if (!rc && !xs_ctx_allows(ctx, n, XS_PERM_WRITE)) {
			rc = -EACCES;
		}
		if (!rc) {
			rc = xs_tree_mem_check(t, ctx, owner,
					       (int64_t)len - n->vlen);
		}
		if (!rc && xs_acct_reserve(t, owner)) {
			rc = -ENOMEM;
		}
	} else {
		rc = xs_tree_create(t, ctx, path, len, &n);
		owner = rc ? 0 : n->perms[0].domid;
	}
	if (rc) {
		free(copy);
		return rc;
	}
	xs_acct_add(t, owner, 0, (int64_t)len - n->vlen);
	free(n->value);
	n->value = copy;
	n->vlen = len;
	n->gen = ++*t->gen;
	if (ctx->event) {
		ctx->event(ctx->arg, path, false, n);
	}
	return 0;
}

/* MKDIR: an existing node is left alone and fires nothing. */
int xs_tree_mkdir(struct xs_tree *t, const struct xs_ctx *ctx, const char *path)
{
	struct xs_node *n = xs_tree_find(t, path);
	int rc;

	if (n) {
		rc = xs_ctx_access(ctx, path, n);
		if (!rc && !xs_ctx_allows(ctx, n, XS_PERM_READ)) {
			rc = -EACCES;
		}
		return rc;
	}
	rc = xs_tree_create(t, ctx, path, 0, &n);
	if (rc) {
		return rc;
	}
	if (ctx->event) {
		ctx->event(ctx->arg, path, false, n);
	}
	return 0;
}

static int xs_tree_access_subtree(const struct xs_ctx *ctx, char *buf,
				  size_t len, const struct xs_node *n)
{
	size_t clen;
	uint32_t i;
	int rc = ctx->access(ctx->arg, buf, n);

	for (i = 0; !rc && i < n->nr_child; i++) {
		clen = n->child[i]->nlen;
		if (len + 1 + clen >= XS_PATH_BUF) {
			continue;
		}
		buf[len] = '/';
		memcpy(buf + len + 1, n->child[i]->name, clen + 1);
		rc = xs_tree_access_subtree(ctx, buf, len + 1 + clen,
					    n->child[i]);
		buf[len] = '\0';
	}
	return rc;
}

/*
 * RM (xenstore.txt): recursive; a missing node is fine if its parent
 * exists, otherwise -ENOENT. The root cannot be removed (-EINVAL).
 */
int xs_tree_rm(struct xs_tree *t, const struct xs_ctx *ctx, const char *path)
{
	char buf[XS_PATH_BUF];
	struct xs_node *n, *parent;
	int rc;

	if (strcmp(path, "/") == 0) {
		return -EINVAL;
	}
	n = xs_tree_find(t, path);
	xs_path_parent(path, buf);
	parent = xs_tree_find(t, buf);
	rc = xs_ctx_access(ctx, buf, parent);
	if (!rc && !n) {
		rc = xs_ctx_access(ctx, path, NULL);
		if (!rc && !parent) {
			rc = xs_tree_missing(t, ctx, path);
		}
		return rc;
	}
	if (!rc && !xs_ctx_allows(ctx, n, XS_PERM_WRITE)) {
		rc = -EACCES;
	}
	if (!rc && ctx->access) {
		strcpy(buf, path);
		rc = xs_tree_access_subtree(ctx, buf, strlen(buf), n);
	}
	if (!rc && xs_acct_reserve_subtree(t, n)) {
		rc = -ENOMEM;
	}
	if (rc) {
		return rc;
	}
	if (ctx->event) {
		ctx->event(ctx->arg, path, true, n);
	}
	xs_node_unlink_child(parent, n);
	parent->gen = ++*t->gen;
	xs_node_free(t, n);
	return 0;
}

/*
 * SET_PERMS: only the owner (or a privileged caller) may change the list,
 * and only a privileged caller may hand the node to another owner.
 * -ENOENT/-EACCES, -EPERM (owner change), -ENOSPC (perms quota), -EINVAL.
 */
int xs_tree_set_perms(struct xs_tree *t, const struct xs_ctx *ctx,
		      const char *path, const struct xs_perm *p, uint32_t np)
{
	const struct xs_limits *lim = ctx->limits;
	const struct xs_caller *c = ctx->caller;
	struct xs_node *n = xs_tree_find(t, path);
	struct xs_perm *copy;
	int64_t old, cost;
	int rc = xs_ctx_access(ctx, path, n);

	if (rc) {
		return rc;
	}
	if (!n) {
		return xs_tree_missing(t, ctx, path);
	}
	if (np == 0) {
		return -EINVAL;
	}
	if (!xs_ctx_allows(ctx, n, XS_PERM_OWNER)) {
		return -EACCES;
	}
	if (ctx->check_perms && !c->privileged &&
	    p[0].domid != n->perms[0].domid) {
		return -EPERM;
	}
	if (lim && !c->privileged && lim->perms && np > lim->perms) {
		return -ENOSPC;
	}
	old = (int64_t)xs_node_cost(n);
	cost = old + ((int64_t)np - n->nr_perms) * (int64_t)sizeof(*copy);
	rc = xs_tree_mem_check(t, ctx, p[0].domid,
			       p[0].domid == n->perms[0].domid ? cost - old
							       : cost);
	if (rc) {
		return rc;
	}
	copy = malloc(np * sizeof(*copy));
	if (!copy || xs_acct_reserve(t, p[0].domid) ||
	    xs_acct_reserve(t, n->perms[0].domid)) {
		free(copy);
		return -ENOMEM;
	}
	memcpy(copy, p, np * sizeof(*copy));
	xs_acct_add(t, n->perms[0].domid, -1, -old);
	xs_acct_add(t, p[0].domid, 1, cost);
	free(n->perms);
	n->perms = copy;
	n->nr_perms = np;
	n->gen = ++*t->gen;
	if (ctx->event) {
		ctx->event(ctx->arg, path, false, n);
	}
	return 0;
}

/* ---- release ----------------------------------------------------------- */

/* Drop domid's entries from n's list and hand n to dom0 if domid owns it. */
static bool xs_purge_node(struct xs_tree *t, struct xs_node *n, uint32_t domid)
{
	uint32_t i, j, owner = n->perms[0].domid;
	int64_t cost = (int64_t)xs_node_cost(n);
	bool changed = false;

	for (i = 1, j = 1; i < n->nr_perms; i++) {
		if (n->perms[i].domid != domid) {
			n->perms[j++] = n->perms[i];
		}
	}
	if (j != n->nr_perms) {
		xs_acct_add(t, owner, 0,
			    -(int64_t)((n->nr_perms - j) * sizeof(*n->perms)));
		cost -= (int64_t)((n->nr_perms - j) * sizeof(*n->perms));
		n->nr_perms = j;
		changed = true;
	}
	if (owner == domid) {
		xs_acct_add(t, domid, -1, -cost);
		xs_acct_add(t, 0, 1, cost);
		n->perms[0].domid = 0;
		changed = true;
	}
	return changed;
}

static void xs_purge_subtree(struct xs_tree *t, struct xs_node *n,
			     uint32_t domid)
{
	uint32_t i;

	for (i = 0; i < n->nr_child; i++) {
		xs_purge_subtree(t, n->child[i], domid);
	}
	if (n->nr_perms && xs_purge_node(t, n, domid)) {
		/* Transactions that read this node now conflict. */
		n->gen = ++*t->gen;
	}
}

/*
 * A domain was released: nothing of it may pass to a domain that reuses
 * its id. Its nodes go to dom0 (as in C xenstored), entries naming it
 * leave every permission list, and its accounting entry goes. The live
 * tree only; dom0 (id 0) is never released.
 */
void xs_tree_purge_domid(struct xs_tree *t, uint32_t domid)
{
	struct xs_acct *a;

	if (domid == 0) {
		return;
	}
	xs_purge_subtree(t, t->root, domid);
	a = xs_acct_find(t, domid);
	if (a) {
		*a = t->acct[--t->nr_acct];
	}
}

/* ---- listing ------------------------------------------------------------ */

/*
 * The children's names, each with its NUL, in listing order: built on
 * first use and kept in the node until its children change, so repeated
 * listings copy one buffer instead of visiting every child. NULL (and
 * *len 0) without children; NULL with *len set if out of memory.
 */
const char *xs_node_names(struct xs_node *n, size_t *len)
{
	size_t total = 0;
	uint32_t i;
	char *p;

	if (n->names || !n->nr_child) {
		*len = n->names_len;
		return n->names;
	}
	for (i = 0; i < n->nr_child; i++) {
		total += n->child[i]->nlen + 1;
	}
	*len = total;
	n->names = malloc(total);
	if (!n->names) {
		return NULL;
	}
	for (p = n->names, i = 0; i < n->nr_child; i++) {
		memcpy(p, n->child[i]->name, n->child[i]->nlen + 1);
		p += n->child[i]->nlen + 1;
	}
	n->names_len = (uint32_t)total;
	return n->names;
}
