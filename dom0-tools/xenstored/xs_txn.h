/* SPDX-License-Identifier: MIT */
/*
 * Transactions (xenstore.txt, TRANSACTION_START/END): each one works on a
 * private copy of the tree taken at start, records the generation of every
 * node it depends on, and logs its changes. At commit the records are
 * checked against the live tree (any difference: -EAGAIN) and the log is
 * replayed on it, which is when watches fire.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "xs_tree.h"

struct xs_access {
	char *path;
	bool exists;
	uint64_t gen;
};

enum xs_txn_op_type {
	XS_TXN_WRITE,
	XS_TXN_MKDIR,
	XS_TXN_RM,
	XS_TXN_PERMS,
};

struct xs_txn_op {
	enum xs_txn_op_type type;
	char *path;
	void *data; /* value bytes, or struct xs_perm[] for XS_TXN_PERMS */
	uint32_t len; /* bytes, or number of perms */
};

struct xs_txn {
	uint32_t id;
	struct xs_tree tree;
	struct xs_access *acc;
	uint32_t nr_acc;
	uint32_t cap_acc;
	uint32_t max_acc; /* 0 = unlimited; beyond it: -ENOSPC */
	struct xs_txn_op *ops;
	uint32_t nr_ops;
	uint32_t cap_ops;
	uint64_t bytes; /* held by access records and the change log */
	bool doomed; /* a domain it names was released: commit gives EAGAIN */
	struct xs_txn *next;
};

int xs_txn_start(struct xs_txn **out, const struct xs_tree *live, uint32_t id,
		 uint32_t max_acc);
void xs_txn_free(struct xs_txn *txn);
int xs_txn_access(void *arg, const char *path, const struct xs_node *n);
int xs_txn_op_prepare(struct xs_txn *txn, struct xs_txn_op *op,
		      enum xs_txn_op_type type, const char *path,
		      const void *data, uint32_t len);
void xs_txn_op_commit(struct xs_txn *txn, struct xs_txn_op *op);
void xs_txn_op_discard(struct xs_txn_op *op);
int xs_txn_check(const struct xs_txn *txn, const struct xs_tree *live);
uint64_t xs_txn_mem(const struct xs_txn *txn);
bool xs_txn_names_domid(const struct xs_txn *txn, uint32_t domid);
void xs_txn_replay(const struct xs_txn *txn, struct xs_tree *live,
		   const struct xs_ctx *ctx);
