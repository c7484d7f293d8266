// SPDX-License-Identifier: MIT
/*
 * Transaction views. A view starts as a copy of the base (live) tree's
 * root and copies a node from the base the first time a request in the
 * transaction reaches it: xs_tree_load() runs before each such request,
 * then the request runs on the view as on any tree. Starting a
 * transaction therefore costs the same whatever the size of the store.
 *
 * What a transaction reads is the base as of its first access to each
 * node, not as of TRANSACTION_START; every node a request depends on is
 * recorded with the generation it had in the view (xs_txn_access), and
 * the commit fails with EAGAIN if any of them changed since. A committed
 * transaction has therefore seen exactly the store it changes, as in Xen's
 * C xenstored since 4.9.
 *
 * Nothing is copied for a request that will be refused: the request
 * handlers first look at the node as the view sees it (xs_tree_peek, no
 * copy) and check the caller's permission there, so a denied request
 * costs the depth of its path, never the size of a subtree or directory.
 * What an allowed request copies is bounded by max_copied (the caller's
 * memory quota).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_tree.h"

/* A copy of base node b (value, permissions, generation; no children). */
static struct xs_node *xs_view_copy(const struct xs_node *b)
{
	struct xs_node *n =
		xs_node_alloc(b->name, b->nlen, b->perms, b->nr_perms);

	if (!n) {
		return NULL;
	}
	if (b->vlen) {
		n->value = malloc(b->vlen);
		if (!n->value) {
			xs_node_release(n);
			return NULL;
		}
		memcpy(n->value, b->value, b->vlen);
		n->vlen = b->vlen;
	}
	n->gen = b->gen;
	n->partial = b->nr_child != 0;
	return n;
}

/* Copy base node b under view node v; NULL if out of memory or budget. */
static struct xs_node *xs_view_add(struct xs_tree *t, struct xs_node *v,
				   const struct xs_node *b)
{
	uint64_t cost = xs_node_cost(b);
	struct xs_node *c;

	if (t->max_copied && t->copied + cost > t->max_copied) {
		return NULL;
	}
	if (xs_node_reserve_child(v)) {
		return NULL;
	}
	c = xs_view_copy(b);
	if (c) {
		xs_node_link_child(v, c);
		t->copied += cost;
	}
	return c;
}

int xs_tree_view_init(struct xs_tree *v, const struct xs_tree *base)
{
	memset(v, 0, sizeof(*v));
	v->gen = base->gen;
	v->base = base;
	/* The accounting of a view starts empty: it holds changes. */
	v->root = xs_view_copy(base->root);
	if (!v->root) {
		memset(v, 0, sizeof(*v));
		return -ENOMEM;
	}
	v->copied = xs_node_cost(v->root);
	return 0;
}

/*
 * Give view node v every child its base node b has (b NULL: the base lost
 * the node since; v keeps what it has), and with deep the same below.
 */
static int xs_view_fill(struct xs_tree *t, struct xs_node *v,
			const struct xs_node *b, bool deep)
{
	const struct xs_node *bc;
	uint32_t i;
	int rc;

	for (i = 0; v->partial && b && i < b->nr_child; i++) {
		bc = b->child[i];
		if (!xs_node_child(v, bc->name, bc->nlen) &&
		    !xs_view_add(t, v, bc)) {
			return -ENOMEM;
		}
	}
	v->partial = false;
	for (i = 0; deep && i < v->nr_child; i++) {
		bc = b ? xs_node_child(b, v->child[i]->name, v->child[i]->nlen)
		       : NULL;
		rc = xs_view_fill(t, v->child[i], bc, true);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

/*
 * Copy into view t what a request on the canonical path reads (enum
 * xs_load). A removal needs the parent's whole child list too, or a later
 * lookup would find the removed node in the base again. 0 or -ENOMEM;
 * nothing to do on a tree that is not a view.
 */
int xs_tree_load(struct xs_tree *t, const char *path, enum xs_load how)
{
	struct xs_node *v, *c, *vp = NULL;
	const struct xs_node *b, *bc, *bp = NULL;
	const char *p = path + 1;
	size_t len;
	int rc;

	if (!t->base) {
		return 0;
	}
	v = t->root;
	b = t->base->root;
	while (*p) {
		len = xs_component_len(p);
		bc = b ? xs_node_child(b, p, len) : NULL;
		c = xs_node_child(v, p, len);
		if (!c && v->partial && bc) {
			c = xs_view_add(t, v, bc);
			if (!c) {
				return -ENOMEM;
			}
		}
		if (!c) {
			return 0; /* missing: nothing below to read */
		}
		vp = v;
		bp = b;
		v = c;
		b = bc;
		p += len;
		if (*p == '/') {
			p++;
		}
	}
	switch (how) {
	case XS_LOAD_CHILDREN:
		return xs_view_fill(t, v, b, false);
	case XS_LOAD_SUBTREE:
		if (!vp) {
			return 0; /* the root is never removed */
		}
		rc = xs_view_fill(t, vp, bp, false);
		return rc ? rc : xs_view_fill(t, v, b, true);
	default:
		return 0;
	}
}

/*
 * The node at canonical path as view t (or any tree) sees it, without
 * copying anything: *found, or else the nearest existing ancestor. A view
 * node that is not partial has all its children; below a node the view
 * has not copied yet, the base is the view. O(depth of path).
 */
const struct xs_node *xs_tree_peek(const struct xs_tree *t, const char *path,
				   bool *found)
{
	const struct xs_node *v = t->root, *b = t->base ? t->base->root : NULL;
	const struct xs_node *c, *bc, *at = v;
	const char *p = path + 1;
	size_t len;

	while (*p) {
		len = xs_component_len(p);
		bc = b ? xs_node_child(b, p, len) : NULL;
		c = v ? xs_node_child(v, p, len) : NULL;
		if (!c && v && !v->partial) {
			bc = NULL; /* removed in the view, or never there */
		}
		if (!c && !bc) {
			*found = false;
			return at;
		}
		v = c;
		b = bc;
		at = c ? c : bc;
		p += len;
		if (*p == '/') {
			p++;
		}
	}
	*found = true;
	return at;
}
