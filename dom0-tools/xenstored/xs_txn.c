// SPDX-License-Identifier: MIT
/*
 * Transactions: snapshot, access records, change log, commit check.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_txn.h"

int xs_txn_start(struct xs_txn **out, const struct xs_tree *live, uint32_t id,
		 uint32_t max_acc)
{
	struct xs_txn *txn = calloc(1, sizeof(*txn));

	if (!txn) {
		return -ENOMEM;
	}
	if (xs_tree_view_init(&txn->tree, live)) {
		free(txn);
		return -ENOMEM;
	}
	txn->id = id;
	txn->max_acc = max_acc;
	*out = txn;
	return 0;
}

void xs_txn_op_discard(struct xs_txn_op *op)
{
	free(op->path);
	free(op->data);
	op->path = NULL;
	op->data = NULL;
}

void xs_txn_free(struct xs_txn *txn)
{
	uint32_t i;

	if (!txn) {
		return;
	}
	for (i = 0; i < txn->nr_acc; i++) {
		free(txn->acc[i].path);
	}
	for (i = 0; i < txn->nr_ops; i++) {
		xs_txn_op_discard(&txn->ops[i]);
	}
	free(txn->acc);
	free(txn->ops);
	xs_tree_destroy(&txn->tree);
	free(txn);
}

/*
 * Tree access hook: remember the state of path as the transaction first
 * saw it (the snapshot still equals the live tree as of the start there).
 */
int xs_txn_access(void *arg, const char *path, const struct xs_node *n)
{
	struct xs_txn *txn = arg;
	struct xs_access *a;
	uint32_t i, cap;

	for (i = 0; i < txn->nr_acc; i++) {
		if (strcmp(txn->acc[i].path, path) == 0) {
			return 0;
		}
	}
	if (txn->max_acc && txn->nr_acc >= txn->max_acc) {
		return -ENOSPC;
	}
	if (txn->nr_acc == txn->cap_acc) {
		cap = txn->cap_acc ? txn->cap_acc * 2 : 16;
		a = realloc(txn->acc, cap * sizeof(*a));
		if (!a) {
			return -ENOMEM;
		}
		txn->acc = a;
		txn->cap_acc = cap;
	}
	a = &txn->acc[txn->nr_acc];
	a->path = strdup(path);
	if (!a->path) {
		return -ENOMEM;
	}
	a->exists = n != NULL;
	a->gen = n ? n->gen : 0;
	txn->nr_acc++;
	txn->bytes += sizeof(*a) + strlen(path) + 1;
	return 0;
}

/* Copy an operation and reserve its log slot, so logging cannot fail. */
int xs_txn_op_prepare(struct xs_txn *txn, struct xs_txn_op *op,
		      enum xs_txn_op_type type, const char *path,
		      const void *data, uint32_t len)
{
	size_t bytes =
		type == XS_TXN_PERMS ? len * sizeof(struct xs_perm) : len;
	struct xs_txn_op *ops;
	uint32_t cap;

	if (txn->nr_ops == txn->cap_ops) {
		cap = txn->cap_ops ? txn->cap_ops * 2 : 8;
		ops = realloc(txn->ops, cap * sizeof(*ops));
		if (!ops) {
			return -ENOMEM;
		}
		txn->ops = ops;
		txn->cap_ops = cap;
	}
	memset(op, 0, sizeof(*op));
	op->type = type;
	op->len = len;
	op->path = strdup(path);
	op->data = malloc(bytes ? bytes : 1);
	if (!op->path || !op->data) {
		xs_txn_op_discard(op);
		return -ENOMEM;
	}
	if (bytes) {
		memcpy(op->data, data, bytes);
	}
	return 0;
}

void xs_txn_op_commit(struct xs_txn *txn, struct xs_txn_op *op)
{
	txn->bytes +=
		sizeof(*op) + strlen(op->path) + 1 +
		(op->type == XS_TXN_PERMS ? op->len * sizeof(struct xs_perm)
					  : op->len);
	txn->ops[txn->nr_ops++] = *op;
	memset(op, 0, sizeof(*op));
}

/* Bytes the transaction holds: copies in its view, records and log. */
uint64_t xs_txn_mem(const struct xs_txn *txn)
{
	return txn->tree.copied + txn->bytes;
}

/* Whether a logged SET_PERMS names domid (to be replayed at commit). */
bool xs_txn_names_domid(const struct xs_txn *txn, uint32_t domid)
{
	const struct xs_perm *p;
	uint32_t i, j;

	for (i = 0; i < txn->nr_ops; i++) {
		if (txn->ops[i].type != XS_TXN_PERMS) {
			continue;
		}
		p = txn->ops[i].data;
		for (j = 0; j < txn->ops[i].len; j++) {
			if (p[j].domid == domid) {
				return true;
			}
		}
	}
	return false;
}

/*
 * -EAGAIN if any node the transaction depended on changed meanwhile, or
 * a domain its log names was released since (doomed).
 */
int xs_txn_check(const struct xs_txn *txn, const struct xs_tree *live)
{
	const struct xs_node *n;
	uint32_t i;

	if (txn->doomed) {
		return -EAGAIN;
	}
	for (i = 0; i < txn->nr_acc; i++) {
		n = xs_tree_find(live, txn->acc[i].path);
		if ((n != NULL) != txn->acc[i].exists) {
			return -EAGAIN;
		}
		if (n && n->gen != txn->acc[i].gen) {
			return -EAGAIN;
		}
	}
	return 0;
}

/*
 * Apply the log to the live tree. The caller checked for conflicts, and
 * ctx skips permission and quota checks (they passed in the transaction).
 */
void xs_txn_replay(const struct xs_txn *txn, struct xs_tree *live,
		   const struct xs_ctx *ctx)
{
	const struct xs_txn_op *op;
	uint32_t i;

	for (i = 0; i < txn->nr_ops; i++) {
		op = &txn->ops[i];
		switch (op->type) {
		case XS_TXN_WRITE:
			xs_tree_write(live, ctx, op->path, op->data, op->len);
			break;
		case XS_TXN_MKDIR:
			xs_tree_mkdir(live, ctx, op->path);
			break;
		case XS_TXN_RM:
			xs_tree_rm(live, ctx, op->path);
			break;
		case XS_TXN_PERMS:
			xs_tree_set_perms(live, ctx, op->path, op->data,
					  op->len);
			break;
		}
	}
}
