// SPDX-License-Identifier: MIT
/*
 * Nodes of the store: allocation, and children found through a hash index
 * once there are enough of them (struct xs_node in xs_tree.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_tree.h"

/* Below this many children a linear scan of the array is as cheap. */
#define XS_INDEX_MIN 8

/* FNV-1a over a path component. */
static uint32_t xs_name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	while (len--) {
		h ^= (uint8_t)*s++;
		h *= 16777619u;
	}
	return h;
}

struct xs_node *xs_node_alloc(const char *name, size_t nlen,
			      const struct xs_perm *perms, uint32_t nperms)
{
	struct xs_node *n = calloc(1, sizeof(*n) + nlen + 1);

	if (!n) {
		return NULL;
	}
	n->perms = malloc((nperms ? nperms : 1) * sizeof(*perms));
	if (!n->perms) {
		free(n);
		return NULL;
	}
	n->name = (char *)(n + 1);
	memcpy(n->name, name, nlen);
	n->name[nlen] = '\0';
	n->nlen = (uint32_t)nlen;
	n->hash = xs_name_hash(name, nlen);
	memcpy(n->perms, perms, nperms * sizeof(*perms));
	n->nr_perms = nperms;
	return n;
}

/*
 * What a node costs its owner under the memory quota: the node, its name,
 * value and permission list (children arrays and indexes are not counted).
 */
uint64_t xs_node_cost(const struct xs_node *n)
{
	return sizeof(*n) + n->nlen + 1 + n->vlen +
	       (uint64_t)n->nr_perms * sizeof(*n->perms);
}

/* Free one node's own memory (not its children). */
void xs_node_release(struct xs_node *n)
{
	free(n->names);
	free(n->child);
	free(n->index);
	free(n->value);
	free(n->perms);
	free(n);
}

static bool xs_node_is(const struct xs_node *c, uint32_t hash, const char *name,
		       size_t len)
{
	return c->hash == hash && c->nlen == len &&
	       memcmp(c->name, name, len) == 0;
}

struct xs_node *xs_node_child(const struct xs_node *n, const char *name,
			      size_t len)
{
	uint32_t h = xs_name_hash(name, len), i, slot;

	if (n->index) {
		for (i = h & n->index_mask; (slot = n->index[i]) != 0;
		     i = (i + 1) & n->index_mask) {
			if (xs_node_is(n->child[slot - 1], h, name, len)) {
				return n->child[slot - 1];
			}
		}
		return NULL;
	}
	for (i = 0; i < n->nr_child; i++) {
		if (xs_node_is(n->child[i], h, name, len)) {
			return n->child[i];
		}
	}
	return NULL;
}

static void xs_index_put(struct xs_node *n, uint32_t slot)
{
	uint32_t i = n->child[slot]->hash & n->index_mask;

	while (n->index[i]) {
		i = (i + 1) & n->index_mask;
	}
	n->index[i] = slot + 1;
}

static void xs_index_fill(struct xs_node *n)
{
	uint32_t i;

	memset(n->index, 0, (n->index_mask + 1) * sizeof(*n->index));
	for (i = 0; i < n->nr_child; i++) {
		xs_index_put(n, i);
	}
}

/*
 * Room for one more child in the array and the index (kept at most half
 * full), so that xs_node_link_child() cannot fail. 0 or -ENOMEM.
 */
int xs_node_reserve_child(struct xs_node *n)
{
	uint32_t cap, size;
	struct xs_node **c;
	uint32_t *idx;

	if (n->nr_child == n->cap_child) {
		cap = n->cap_child ? n->cap_child * 2 : 4;
		c = realloc(n->child, cap * sizeof(*c));
		if (!c) {
			return -ENOMEM;
		}
		n->child = c;
		n->cap_child = cap;
	}
	if (n->nr_child + 1 < XS_INDEX_MIN ||
	    (n->index && 2 * (n->nr_child + 1) <= n->index_mask + 1)) {
		return 0;
	}
	for (size = 2 * XS_INDEX_MIN; size < 2 * (n->nr_child + 1);) {
		size *= 2;
	}
	idx = calloc(size, sizeof(*idx));
	if (!idx) {
		return -ENOMEM;
	}
	free(n->index);
	n->index = idx;
	n->index_mask = size - 1;
	xs_index_fill(n);
	return 0;
}

static void xs_node_names_drop(struct xs_node *n)
{
	free(n->names);
	n->names = NULL;
	n->names_len = 0;
}

/* Append c to n's children; xs_node_reserve_child(n) succeeded before. */
void xs_node_link_child(struct xs_node *n, struct xs_node *c)
{
	xs_node_names_drop(n);
	c->parent = n;
	n->child[n->nr_child++] = c;
	if (n->index) {
		xs_index_put(n, n->nr_child - 1);
	}
}

void xs_node_unlink_child(struct xs_node *n, struct xs_node *c)
{
	uint32_t i;

	for (i = 0; i < n->nr_child && n->child[i] != c; i++) {
	}
	if (i == n->nr_child) {
		return;
	}
	xs_node_names_drop(n);
	memmove(&n->child[i], &n->child[i + 1],
		(n->nr_child - i - 1) * sizeof(c));
	n->nr_child--;
	if (n->index) {
		xs_index_fill(n);
	}
}

/* Length of the first component of p (up to '/' or the end). */
size_t xs_component_len(const char *p)
{
	const char *slash = strchr(p, '/');

	return slash ? (size_t)(slash - p) : strlen(p);
}
