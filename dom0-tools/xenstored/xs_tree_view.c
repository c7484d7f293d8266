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

static struct xs_node *xs_view_add(struct xs_node *v, const struct xs_node *b)
{
	struct xs_node *c;

	if (xs_node_reserve_child(v)) {
		return NULL;
	}
	c = xs_view_copy(b);
	if (c) {
		xs_node_link_child(v, c);
	}
	return c;
}

int xs_tree_view_init(struct xs_tree *v, const struct xs_tree *base)
{
	memset(v, 0, sizeof(*v));
	v->gen = base->gen;
	v->base = base;
	v->acct = malloc((base->cap_acct ? base->cap_acct : 1) *
			 sizeof(*v->acct));
	v->root = xs_view_copy(base->root);
	if (!v->acct || !v->root) {
		free(v->acct);
		if (v->root) {
			xs_node_release(v->root);
		}
		memset(v, 0, sizeof(*v));
		return -ENOMEM;
	}
	memcpy(v->acct, base->acct, base->nr_acct * sizeof(*v->acct));
	v->nr_acct = base->nr_acct;
	v->cap_acct = base->cap_acct ? base->cap_acct : 1;
	return 0;
}

/*
 * Give view node v every child its base node b has (b NULL: the base lost
 * the node since; v keeps what it has), and with deep the same below.
 */
static int xs_view_fill(struct xs_node *v, const struct xs_node *b, bool deep)
{
	const struct xs_node *bc;
	uint32_t i;
	int rc;

	for (i = 0; v->partial && b && i < b->nr_child; i++) {
		bc = b->child[i];
		if (!xs_node_child(v, bc->name, bc->nlen) &&
		    !xs_view_add(v, bc)) {
			return -ENOMEM;
		}
	}
	v->partial = false;
	for (i = 0; deep && i < v->nr_child; i++) {
		bc = b ? xs_node_child(b, v->child[i]->name, v->child[i]->nlen)
		       : NULL;
		rc = xs_view_fill(v->child[i], bc, true);
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
			c = xs_view_add(v, bc);
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
		return xs_view_fill(v, b, false);
	case XS_LOAD_SUBTREE:
		if (!vp) {
			return 0; /* the root is never removed */
		}
		rc = xs_view_fill(vp, bp, false);
		return rc ? rc : xs_view_fill(v, b, true);
	default:
		return 0;
	}
}
