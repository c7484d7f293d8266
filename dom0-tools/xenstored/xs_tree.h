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

struct xs_node {
	char *name; /* last path component; "" for the root */
	struct xs_node *parent;
	struct xs_node **child;
	uint32_t nr_child;
	uint32_t cap_child;
	char *value;
	uint32_t vlen;
	struct xs_perm *perms;
	uint32_t nr_perms;
	uint64_t gen; /* bumped on every change of value, perms or children */
};

struct xs_acct {
	uint32_t domid;
	uint32_t nodes;
};

struct xs_tree {
	struct xs_node *root;
	uint64_t *gen; /* shared generation counter (one per store) */
	struct xs_acct *acct;
	uint32_t nr_acct;
	uint32_t cap_acct;
};

/* Per-caller limits checked for unprivileged callers; 0 = unlimited. */
struct xs_limits {
	uint32_t nodes;
	uint32_t node_size;
	uint32_t perms;
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

int xs_tree_init(struct xs_tree *t, uint64_t *gen);
void xs_tree_destroy(struct xs_tree *t);
int xs_tree_clone(struct xs_tree *dst, const struct xs_tree *src);
struct xs_node *xs_tree_find(const struct xs_tree *t, const char *path);
uint32_t xs_tree_nodes_of(const struct xs_tree *t, uint32_t domid);

int xs_tree_get(struct xs_tree *t, const struct xs_ctx *ctx, const char *path,
		unsigned need, const struct xs_node **out);
int xs_tree_write(struct xs_tree *t, const struct xs_ctx *ctx, const char *path,
		  const void *val, uint32_t len);
int xs_tree_mkdir(struct xs_tree *t, const struct xs_ctx *ctx,
		  const char *path);
int xs_tree_rm(struct xs_tree *t, const struct xs_ctx *ctx, const char *path);
int xs_tree_set_perms(struct xs_tree *t, const struct xs_ctx *ctx,
		      const char *path, const struct xs_perm *p, uint32_t n);

size_t xs_node_children_len(const struct xs_node *n);
void xs_node_children_copy(const struct xs_node *n, char *buf);
