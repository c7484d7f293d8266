/* SPDX-License-Identifier: MIT */
/*
 * The node tree: values, children, permissions, generation counts and the
 * per-domain node accounting used by the "nodes" quota. No I/O here; the
 * request engine and the transactions drive it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_perms.h"

/*
 * A node and its name are one allocation. Children sit in an array in
 * listing order; from XS_INDEX_MIN children on, an open-addressing index
 * of name hashes points into it, so that finding a child touches a few
 * cache lines rather than every sibling and its name.
 */
struct xs_node {
	uint32_t hash; /* of name */
	uint32_t nlen;
	char *name; /* last path component; "" for the root */
	struct xs_node **child;
	uint32_t nr_child;
	uint32_t cap_child;
	uint32_t *index; /* child slot + 1 per used entry; NULL if none */
	uint32_t index_mask;
	char *names; /* children's names for DIRECTORY, until they change */
	uint32_t names_len;
	char *value;
	uint32_t vlen;
	uint32_t nr_perms;
	struct xs_perm *perms;
	uint64_t gen; /* bumped on every change of value, perms or children */
	struct xs_node *parent;
	bool partial; /* transaction view: children may still be in the base */
};

/*
 * What a domain owns: nodes and their bytes (xs_node_cost). In the live
 * tree these are totals; in a transaction's view they are the changes the
 * transaction made, which may be negative (xs_tree_nodes_of adds the base).
 */
struct xs_acct {
	uint32_t domid;
	int64_t nodes;
	int64_t bytes;
};

struct xs_tree {
	struct xs_node *root;
	const struct xs_tree *base; /* a transaction's view reads this */
	uint64_t *gen; /* shared generation counter (one per store) */
	struct xs_acct *acct;
	uint32_t nr_acct;
	uint32_t cap_acct;
	/* Views only: bytes of the nodes copied from the base, and the most
	 * that xs_tree_load() may copy (0: unlimited; beyond it -ENOMEM). */
	uint64_t copied;
	uint64_t max_copied;
};

/* Per-caller limits checked for unprivileged callers; 0 = unlimited. */
struct xs_limits {
	uint32_t nodes;
	uint32_t node_size;
	uint32_t perms;
	uint64_t memory; /* bytes per domain (xs_node_cost + other) */
	uint64_t mem_other; /* the caller's bytes held outside this tree */
};

/*
 * How an operation runs: who asks, which limits apply (NULL: none), whether
 * permissions are checked (not when a committed transaction is replayed),
 * and two hooks: access() is called with every node path an operation
 * depends on before it changes anything (transactions record these),
 * event() with every change (watches).
 */
struct xs_ctx {
	const struct xs_caller *caller;
	const struct xs_limits *limits;
	bool check_perms;
	int (*access)(void *arg, const char *path, const struct xs_node *n);
	void (*event)(void *arg, const char *path, bool removed,
		      const struct xs_node *n);
	void *arg;
};

/* What a request reads, to be copied into a view first (xs_tree_load). */
enum xs_load {
	XS_LOAD_PATH, /* the nodes on the path */
	XS_LOAD_CHILDREN, /* ... and the node's children */
	XS_LOAD_SUBTREE, /* ... its subtree and its parent's children */
};

int xs_tree_init(struct xs_tree *t, uint64_t *gen);
void xs_tree_destroy(struct xs_tree *t);
int xs_tree_view_init(struct xs_tree *v, const struct xs_tree *base);
int xs_tree_load(struct xs_tree *t, const char *path, enum xs_load how);
const struct xs_node *xs_tree_peek(const struct xs_tree *t, const char *path,
				   bool *found);
struct xs_node *xs_tree_find(const struct xs_tree *t, const char *path);
int64_t xs_tree_nodes_of(const struct xs_tree *t, uint32_t domid);
int64_t xs_tree_bytes_of(const struct xs_tree *t, uint32_t domid);
void xs_tree_delta_of(const struct xs_tree *v, uint32_t domid, int64_t *nodes,
		      int64_t *bytes);
uint64_t xs_node_cost(const struct xs_node *n);
void xs_tree_purge_domid(struct xs_tree *t, uint32_t domid);

int xs_tree_get(struct xs_tree *t, const struct xs_ctx *ctx, const char *path,
		unsigned need, struct xs_node **out);
int xs_tree_write(struct xs_tree *t, const struct xs_ctx *ctx, const char *path,
		  const void *val, uint32_t len);
int xs_tree_mkdir(struct xs_tree *t, const struct xs_ctx *ctx,
		  const char *path);
int xs_tree_rm(struct xs_tree *t, const struct xs_ctx *ctx, const char *path);
int xs_tree_set_perms(struct xs_tree *t, const struct xs_ctx *ctx,
		      const char *path, const struct xs_perm *p, uint32_t n);

const char *xs_node_names(struct xs_node *n, size_t *len);

/* Nodes (xs_node.c), for the tree and its views. */
struct xs_node *xs_node_alloc(const char *name, size_t nlen,
			      const struct xs_perm *perms, uint32_t nperms);
void xs_node_release(struct xs_node *n);
struct xs_node *xs_node_child(const struct xs_node *n, const char *name,
			      size_t len);
int xs_node_reserve_child(struct xs_node *n);
void xs_node_link_child(struct xs_node *n, struct xs_node *c);
void xs_node_unlink_child(struct xs_node *n, struct xs_node *c);
size_t xs_component_len(const char *p);
