// SPDX-License-Identifier: MIT
/*
 * Isolation between domains (docs/xenstore.md, "Isolation"): permission
 * checks before anything is copied into a transaction's view, every quota
 * inside and at the commit of transactions, and the purge of a released
 * domain so that a domain reusing its id inherits nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ut.h"
#include "xt_helpers.h"

static uint32_t xt_start(struct xs_conn *c)
{
	struct xt_msg r;

	if (xt_raw(c, XS_TRANSACTION_START, 0, "", 1, &r)) {
		return 0;
	}
	return (uint32_t)strtoul(r.data, NULL, 10);
}

static struct xs_txn *xt_txn(struct xs_conn *c, uint32_t id)
{
	struct xs_txn *t;

	for (t = c->txns; t && t->id != id; t = t->next) {
	}
	ASSERT_TRUE(t != NULL);
	return t;
}

static uint32_t xt_count(const struct xs_node *n)
{
	uint32_t i, k = 1;

	for (i = 0; i < n->nr_child; i++) {
		k += xt_count(n->child[i]);
	}
	return k;
}

/* Nodes in transaction tx's view of c: what it copied (and created). */
static uint32_t xt_view_nodes(struct xs_conn *c, uint32_t tx)
{
	return xt_count(xt_txn(c, tx)->tree.root);
}

static void xt_set_quota(struct xs_conn *d0, const char *name, const char *v)
{
	struct xt_msg r;

	EXPECT_EQ(xt_req(d0, XS_SET_QUOTA, 0, &r, 2, name, v), 0);
}

/* dom0 fills /local/domain/0/big with n nodes (100 directories of n/100). */
static void xt_big_store(struct xs_conn *d0, int n)
{
	char path[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/local/domain/0/big/d%d/n%d",
			 i % 100, i);
		ASSERT_EQ(xt_write(d0, 0, path, "v"), 0);
	}
}

/*
 * Audit finding 1: an unprivileged RM /local inside a transaction copied
 * the whole store into the view before its permission was checked. Now
 * every refused request copies nothing beyond the root of the view.
 */
TEST(xs_isolation_denied_rm_in_txn_copies_nothing)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	uint32_t tx, before;

	d0 = xt_setup_dom0(&e);
	xt_big_store(d0, 10000);
	d5 = xt_guest(&e, d0, 5);
	tx = xt_start(d5);
	before = xt_view_nodes(d5, tx);
	EXPECT_EQ(before, 1);
	EXPECT_EQ(xt_op1(d5, XS_RM, tx, "/local"), -EACCES);
	EXPECT_EQ(xt_view_nodes(d5, tx), before);
	EXPECT_LE(xt_txn(d5, tx)->tree.copied, 2 * xs_node_cost(e.tree.root));
	EXPECT_EQ(xt_op1(d5, XS_RM, tx, "/local/domain/0/big"), -EACCES);
	EXPECT_EQ(xt_view_nodes(d5, tx), before);
	EXPECT_EQ(xt_end(d5, tx, "F"), 0);
	xs_engine_fini(&e);
}

/* The same for every node request, on a directory of 10,000 nodes. */
TEST(xs_isolation_every_denied_op_in_txn_copies_nothing)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;
	uint32_t tx;
	const char *big = "/local/domain/0/big";

	d0 = xt_setup_dom0(&e);
	xt_big_store(d0, 10000);
	d5 = xt_guest(&e, d0, 5);
	tx = xt_start(d5);
	EXPECT_EQ(xt_read(d5, tx, big, NULL), -EACCES);
	EXPECT_EQ(xt_write(d5, tx, big, "x"), -EACCES);
	EXPECT_EQ(xt_write(d5, tx, "/local/domain/0/big/new", "x"), -EACCES);
	EXPECT_EQ(xt_op1(d5, XS_MKDIR, tx, "/local/domain/0/big/new"), -EACCES);
	EXPECT_EQ(xt_op1(d5, XS_MKDIR, tx, big), -EACCES);
	EXPECT_EQ(xt_op1(d5, XS_RM, tx, big), -EACCES);
	EXPECT_EQ(xt_op1(d5, XS_DIRECTORY, tx, big), -EACCES);
	EXPECT_EQ(xt_op1(d5, XS_DIRECTORY, tx, "/local/domain/0/big/d1"),
		  -EACCES);
	EXPECT_EQ(xt_req(d5, XS_DIRECTORY_PART, tx, &r, 2, big, "0"), -EACCES);
	EXPECT_EQ(xt_op1(d5, XS_GET_PERMS, tx, big), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, tx, &r, 2, big, "b5"), -EACCES);
	EXPECT_EQ(xt_read(d5, tx, "/local/domain/0/big/nope/x", NULL), -EACCES);
	EXPECT_EQ(xt_view_nodes(d5, tx), 1);
	/* Allowed requests still work on the view: own home. */
	EXPECT_EQ(xt_write(d5, tx, "k", "v"), 0);
	EXPECT_EQ(xt_op1(d5, XS_DIRECTORY, tx, "/local/domain/5"), 0);
	EXPECT_LE(xt_view_nodes(d5, tx), 6);
	EXPECT_EQ(xt_end(d5, tx, "T"), 0);
	EXPECT_EQ(xt_read(d0, 0, "/local/domain/5/k", NULL), 0);
	xs_engine_fini(&e);
}

/* A refusal after the view copied a node still sees the view's state. */
TEST(xs_isolation_precheck_uses_the_view)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;
	uint32_t tx;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	EXPECT_EQ(xt_write(d5, 0, "p", "v"), 0);
	tx = xt_start(d5);
	/* Made unreadable to others inside the transaction: still its own. */
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, tx, &r, 2, "p", "n5"), 0);
	EXPECT_EQ(xt_read(d5, tx, "p", NULL), 0);
	EXPECT_EQ(xt_op1(d5, XS_RM, tx, "p"), 0);
	EXPECT_EQ(xt_read(d5, tx, "p", NULL), -ENOENT);
	EXPECT_EQ(xt_read(d5, 0, "p", NULL), 0);
	EXPECT_EQ(xt_end(d5, tx, "T"), 0);
	EXPECT_EQ(xt_read(d5, 0, "p", NULL), -ENOENT);
	xs_engine_fini(&e);
}

/*
 * Audit finding 2: ten open transactions of one domain, each creating
 * nodes in a directory of its own (so that they do not conflict), each
 * stayed under the nodes quota and all committed (9,811 nodes against
 * 1,000). The commit now counts what the domain owns by then.
 */
TEST(xs_isolation_parallel_txns_stay_within_nodes_quota)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	uint32_t tx[10];
	char path[32];
	int i, j, rc, ok = 0;

	d0 = xt_setup_dom0(&e);
	xt_set_quota(d0, "memory", "0"); /* the nodes quota alone */
	d5 = xt_guest(&e, d0, 5);
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "t%d", i);
		EXPECT_EQ(xt_op1(d5, XS_MKDIR, 0, path), 0);
	}
	for (i = 0; i < 10; i++) {
		tx[i] = xt_start(d5);
		ASSERT_NE(tx[i], 0);
	}
	for (i = 0; i < 10; i++) {
		for (j = 0; j < 1000; j++) {
			snprintf(path, sizeof(path), "t%d/n%d", i, j);
			xt_write(d5, tx[i], path, "x");
		}
	}
	for (i = 0; i < 10; i++) {
		rc = xt_end(d5, tx[i], "T");
		if (rc == 0) {
			ok++;
		} else {
			EXPECT_EQ(rc, -ENOSPC);
		}
	}
	EXPECT_EQ(ok, 1);
	EXPECT_LE(xs_tree_nodes_of(&e.tree, 5), 1000);
	xs_engine_fini(&e);
}

/* The commit fails with ENOSPC and changes nothing. */
TEST(xs_isolation_commit_over_nodes_quota_is_enospc)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	uint32_t a, b;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	EXPECT_EQ(xt_op1(d5, XS_MKDIR, 0, "a"), 0);
	EXPECT_EQ(xt_op1(d5, XS_MKDIR, 0, "b"), 0);
	xt_set_quota(d0, "nodes", "5");
	a = xt_start(d5);
	b = xt_start(d5);
	EXPECT_EQ(xt_write(d5, a, "a/1", ""), 0);
	EXPECT_EQ(xt_write(d5, a, "a/2", ""), 0);
	EXPECT_EQ(xt_write(d5, a, "a/3", ""), -ENOSPC);
	EXPECT_EQ(xt_write(d5, b, "b/1", ""), 0);
	EXPECT_EQ(xt_end(d5, b, "T"), 0);
	EXPECT_EQ(xt_end(d5, a, "T"), -ENOSPC);
	EXPECT_EQ(xt_read(d5, 0, "a/1", NULL), -ENOENT);
	EXPECT_EQ(xs_tree_nodes_of(&e.tree, 5), 4);
	/* Removals inside a transaction make room for its creations. */
	a = xt_start(d5);
	EXPECT_EQ(xt_write(d5, a, "a/1", ""), 0);
	EXPECT_EQ(xt_write(d5, a, "a/2", ""), -ENOSPC);
	EXPECT_EQ(xt_op1(d5, XS_RM, a, "b/1"), 0);
	EXPECT_EQ(xt_write(d5, a, "a/2", ""), 0);
	EXPECT_EQ(xt_end(d5, a, "T"), 0);
	EXPECT_EQ(xs_tree_nodes_of(&e.tree, 5), 5);
	xs_engine_fini(&e);
}

TEST(xs_isolation_transaction_nodes_quota)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	uint32_t tx;
	char path[16];
	int i, rc = 0;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	xt_set_quota(d0, "transaction-nodes", "6");
	tx = xt_start(d5);
	for (i = 0; i < 10 && !rc; i++) {
		snprintf(path, sizeof(path), "n%d", i);
		rc = xt_write(d5, tx, path, "x");
	}
	EXPECT_EQ(rc, -ENOSPC);
	EXPECT_LE(xt_txn(d5, tx)->nr_acc, 6);
	EXPECT_EQ(xt_end(d5, tx, "F"), 0);
	/* dom0 is exempt. */
	tx = xt_start(d0);
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/z/n%d", i);
		EXPECT_EQ(xt_write(d0, tx, path, "x"), 0);
	}
	EXPECT_EQ(xt_end(d0, tx, "T"), 0);
	xs_engine_fini(&e);
}

/* Watches and transactions count over all connections of a domain. */
TEST(xs_isolation_watches_and_txns_are_per_domain)
{
	struct xs_engine e;
	struct xs_conn *d0, *a, *b;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	a = xt_guest(&e, d0, 5);
	b = xt_dom(&e, 5);
	xt_set_quota(d0, "watches", "2");
	xt_set_quota(d0, "transactions", "2");
	EXPECT_EQ(xt_req(a, XS_WATCH, 0, &r, 2, "x", "1"), 0);
	EXPECT_EQ(xt_req(b, XS_WATCH, 0, &r, 2, "y", "2"), 0);
	EXPECT_EQ(xt_req(a, XS_WATCH, 0, &r, 2, "z", "3"), -E2BIG);
	EXPECT_EQ(xt_req(b, XS_WATCH, 0, &r, 2, "z", "3"), -E2BIG);
	EXPECT_NE(xt_start(a), 0);
	EXPECT_NE(xt_start(b), 0);
	EXPECT_EQ(xt_start(a), 0);
	EXPECT_EQ(xt_start(b), 0);
	/* Another domain has its own count. */
	EXPECT_EQ(xt_req(xt_dom(&e, 6), XS_WATCH, 0, &r, 2, "x", "1"), 0);
	xs_engine_fini(&e);
}

/* Unsent replies per connection: no request is read beyond the quota. */
TEST(xs_isolation_outstanding_quota_stops_reading)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xsd_sockmsg h = { XS_READ, 1, 0, 2 };
	struct xt_msg m;
	int i, fed = 0;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	xt_set_quota(d0, "outstanding", "3");
	for (i = 0; i < 5; i++) {
		if (xs_conn_want(d5) == 0) {
			break;
		}
		xs_conn_feed(d5, &h, sizeof(h));
		xs_conn_feed(d5, "a", 2);
		fed++;
	}
	EXPECT_EQ(fed, 3);
	EXPECT_EQ(d5->out_replies, 3);
	/* Taking one reply frees a slot. */
	EXPECT_EQ(xt_pop(d5, &m), 1);
	EXPECT_NE(xs_conn_want(d5), 0);
	while (xt_pop(d5, &m)) {
	}
	EXPECT_EQ(d5->out_replies, 0);
	/* dom0 is exempt. */
	for (i = 0; i < 5; i++) {
		EXPECT_NE(xs_conn_want(d0), 0);
		xs_conn_feed(d0, &h, sizeof(h));
		xs_conn_feed(d0, "a", 2);
	}
	xs_engine_fini(&e);
}

TEST(xs_isolation_path_length_quota)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	xt_set_quota(d0, "path-length", "8");
	/* Counted without the domain's home, as in C xenstored. */
	EXPECT_EQ(xt_write(d5, 0, "abcdefgh", "x"), 0);
	EXPECT_EQ(xt_write(d5, 0, "/local/domain/5/abcdefgh", "x"), 0);
	EXPECT_EQ(xt_write(d5, 0, "abcdefghi", "x"), -EINVAL);
	EXPECT_EQ(xt_read(d5, 0, "/local/domain/0", NULL), -EINVAL);
	EXPECT_EQ(xt_req(d5, XS_WATCH, 0, &r, 2, "abc/defgh", "t"), -EINVAL);
	EXPECT_EQ(xt_req(d5, XS_WATCH, 0, &r, 2, "@releaseDomain", "t"), 0);
	EXPECT_EQ(xt_write(d0, 0, "/local/domain/0/abcdefghi", "x"), 0);
	xs_engine_fini(&e);
}

/* Memory per domain: node bytes, watches and transactions together. */
TEST(xs_isolation_memory_quota)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;
	char val[1025], path[16], tok[200];
	int i, rc = 0;
	uint32_t tx;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	xt_set_quota(d0, "memory", "8192");
	memset(val, 'v', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	for (i = 0; i < 20 && !rc; i++) {
		snprintf(path, sizeof(path), "m%d", i);
		rc = xt_write(d5, 0, path, val);
	}
	EXPECT_EQ(rc, -ENOMEM);
	EXPECT_GT(i, 3);
	/* Fill up to the last node. */
	for (rc = 0, i = 0; i < 100 && !rc; i++) {
		snprintf(path, sizeof(path), "s%d", i);
		rc = xt_write(d5, 0, path, "");
	}
	EXPECT_EQ(rc, -ENOMEM);
	EXPECT_LE(xs_tree_bytes_of(&e.tree, 5), 8192);
	/* Full: no watch, no transaction, no bigger value. */
	memset(tok, 't', sizeof(tok) - 1);
	tok[sizeof(tok) - 1] = '\0';
	EXPECT_EQ(xt_req(d5, XS_WATCH, 0, &r, 2, "m0", tok), -ENOMEM);
	EXPECT_EQ(xt_start(d5), 0);
	EXPECT_EQ(xt_write(d5, 0, "m0", "vv"), 0);
	/* Space freed is usable again, also by a transaction. */
	EXPECT_EQ(xt_op1(d5, XS_RM, 0, "m0"), 0);
	EXPECT_EQ(xt_op1(d5, XS_RM, 0, "m1"), 0);
	tx = xt_start(d5);
	EXPECT_NE(tx, 0);
	EXPECT_EQ(xt_write(d5, tx, "m1", "x"), 0);
	EXPECT_EQ(xt_end(d5, tx, "T"), 0);
	/* dom0 is exempt. */
	EXPECT_EQ(xt_write(d0, 0, "/local/domain/0/big", val), 0);
	xs_engine_fini(&e);
}

/* The memory quota is counted again at commit (here: lowered meanwhile). */
TEST(xs_isolation_commit_over_memory_quota_is_enomem)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	char val[1025];
	uint32_t tx;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	memset(val, 'v', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	tx = xt_start(d5);
	EXPECT_EQ(xt_write(d5, tx, "a", val), 0);
	EXPECT_EQ(xt_write(d5, tx, "b", val), 0);
	xt_set_quota(d0, "memory", "2048");
	EXPECT_EQ(xt_end(d5, tx, "T"), -ENOMEM);
	EXPECT_EQ(xt_read(d5, 0, "a", NULL), -ENOENT);
	xt_set_quota(d0, "memory", "8192");
	tx = xt_start(d5);
	EXPECT_EQ(xt_write(d5, tx, "a", val), 0);
	EXPECT_EQ(xt_end(d5, tx, "T"), 0);
	xs_engine_fini(&e);
}

/*
 * An allowed RM of a large subtree inside a transaction copies at most
 * the domain's memory quota into the view.
 */
TEST(xs_isolation_view_copies_bounded_by_memory)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;
	uint32_t tx;

	d0 = xt_setup_dom0(&e);
	xt_big_store(d0, 800);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &r, 3, "/local/domain/0/big",
			 "n0", "w5"),
		  0);
	d5 = xt_guest(&e, d0, 5);
	xt_set_quota(d0, "memory", "16384");
	tx = xt_start(d5);
	EXPECT_EQ(xt_op1(d5, XS_RM, tx, "/local/domain/0/big"), -ENOMEM);
	EXPECT_LE(xt_txn(d5, tx)->tree.copied, 16384);
	EXPECT_LT(xt_view_nodes(d5, tx), 200);
	EXPECT_EQ(xt_end(d5, tx, "F"), 0);
	xt_set_quota(d0, "memory", "0");
	tx = xt_start(d5);
	EXPECT_EQ(xt_op1(d5, XS_RM, tx, "/local/domain/0/big"), 0);
	EXPECT_EQ(xt_end(d5, tx, "T"), 0);
	EXPECT_EQ(xt_read(d0, 0, "/local/domain/0/big", NULL), -ENOENT);
	xs_engine_fini(&e);
}

/* Node size and permission entries also hold inside a transaction. */
TEST(xs_isolation_size_and_perms_quota_in_txn)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;
	char big[3000];
	uint32_t tx;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tx = xt_start(d5);
	EXPECT_EQ(xt_write(d5, tx, "s", big), -ENOSPC);
	EXPECT_EQ(xt_write(d5, tx, "s", "x"), 0);
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, tx, &r, 7, "s", "n5", "r1", "r2",
			 "r3", "r4", "r6"),
		  -ENOSPC);
	EXPECT_EQ(xt_end(d5, tx, "T"), 0);
	xs_engine_fini(&e);
}

static int xt_gone_id;

static int xt_gone(struct xs_engine *e, uint32_t *ids, uint32_t max)
{
	(void)e;
	(void)max;
	if (!xt_gone_id) {
		return 0;
	}
	ids[0] = (uint32_t)xt_gone_id | XS_DEAD_GONE;
	xt_gone_id = 0;
	return 1;
}

static const struct xs_platform_ops xt_gone_plat = { .dead_domains = xt_gone };

/*
 * A released domain leaves nothing to a domain that reuses its id: its
 * nodes are dom0's, entries naming it are gone, its watches, transactions,
 * domain quotas and accounting are dropped, and targets naming it cleared.
 */
TEST(xs_isolation_release_purges_domain_for_reuse)
{
	struct xs_engine e;
	struct xs_conn *d0, *d7, *d9, *n7;
	struct xt_msg r;
	uint32_t t0;

	d0 = xt_setup_dom0(&e);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "7", "1", "1"), 0);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "9", "2", "2"), 0);
	EXPECT_EQ(xt_req(d0, XS_SET_TARGET, 0, &r, 2, "9", "7"), 0);
	d7 = xt_guest(&e, d0, 7);
	d9 = xt_dom(&e, 9);
	d9->caller.target = 7;
	d9->caller.has_target = true;
	EXPECT_EQ(xt_req(d0, XS_SET_QUOTA, 0, &r, 3, "7", "nodes", "50"), 0);
	EXPECT_EQ(xt_write(d7, 0, "data/secret", "s"), 0);
	EXPECT_EQ(xt_write(d0, 0, "/shared/x", "y"), 0);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &r, 3, "/shared/x", "n0", "b7"),
		  0);
	EXPECT_EQ(xt_req(d7, XS_WATCH, 0, &r, 2, "/shared", "w"), 0);
	EXPECT_NE(xt_start(d7), 0);
	EXPECT_GT(xs_tree_nodes_of(&e.tree, 7), 2);
	/* dom0's transaction that would give 7 rights at commit. */
	t0 = xt_start(d0);
	EXPECT_EQ(xt_write(d0, t0, "/shared/y", ""), 0);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, t0, &r, 3, "/shared/y", "n0", "r7"),
		  0);

	EXPECT_EQ(xt_req(d0, XS_RELEASE, 0, &r, 1, "7"), 0);
	EXPECT_TRUE(d7->dead);
	EXPECT_EQ(d7->nr_watches, 0);
	EXPECT_EQ(d7->nr_txns, 0);
	EXPECT_EQ(xs_tree_nodes_of(&e.tree, 7), 0);
	EXPECT_FALSE(d9->caller.has_target);
	EXPECT_EQ(xt_req(d0, XS_GET_PERMS, 0, &r, 1, "/local/domain/7"), 0);
	EXPECT_STREQ(r.data, "n0");
	EXPECT_EQ(xt_req(d0, XS_GET_PERMS, 0, &r, 1,
			 "/local/domain/7/data/secret"),
		  0);
	EXPECT_STREQ(r.data, "n0");
	EXPECT_EQ(xt_req(d0, XS_GET_PERMS, 0, &r, 1, "/shared/x"), 0);
	EXPECT_MEMEQ(r.data, "n0\0", 3);
	EXPECT_EQ(r.len, 3);
	EXPECT_EQ(xt_end(d0, t0, "T"), -EAGAIN);

	/* The id comes back: the new domain starts from nothing. */
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "7", "3", "3"), 0);
	n7 = xt_dom(&e, 7);
	EXPECT_EQ(xt_read(n7, 0, "data/secret", NULL), -EACCES);
	EXPECT_EQ(xt_read(n7, 0, "/shared/x", NULL), -EACCES);
	EXPECT_EQ(xt_write(n7, 0, "data/secret", "mine"), -EACCES);
	EXPECT_EQ(xt_read(d9, 0, "/local/domain/7/data/secret", NULL), -EACCES);
	EXPECT_EQ(xt_req(d0, XS_GET_QUOTA, 0, &r, 2, "7", "nodes"), 0);
	EXPECT_STREQ(r.data, "1000");
	EXPECT_EQ(xt_req(n7, XS_WATCH, 0, &r, 2, "/shared", "w"), 0);
	EXPECT_EQ(xt_write(d0, 0, "/shared/x", "z"), 0);
	EXPECT_EQ(xt_events(n7), 0);
	xs_engine_fini(&e);
}

/* A domain reported dying or gone is released (purged) at once. */
TEST(xs_isolation_dying_domain_is_purged)
{
	struct xs_engine e;
	struct xs_conn *d0, *d8;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	e.plat = &xt_gone_plat;
	EXPECT_EQ(xt_req(d0, XS_WATCH, 0, &r, 2, "@releaseDomain", "r"), 0);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "8", "1", "1"), 0);
	d8 = xt_guest(&e, d0, 8);
	EXPECT_EQ(xt_write(d8, 0, "k", "v"), 0);
	xt_events(d0);
	xt_gone_id = 8;
	xs_domain_check_dead(&e);
	EXPECT_EQ(xt_events(d0), 1);
	EXPECT_STREQ(xt_ev[0].data, "@releaseDomain");
	EXPECT_EQ(xs_tree_nodes_of(&e.tree, 8), 0);
	EXPECT_TRUE(d8->dead);
	EXPECT_EQ(xt_req(d0, XS_IS_DOMAIN_INTRODUCED, 0, &r, 1, "8"), 0);
	EXPECT_STREQ(r.data, "F");
	EXPECT_EQ(xt_req(d0, XS_GET_PERMS, 0, &r, 1, "/local/domain/8/k"), 0);
	EXPECT_STREQ(r.data, "n0");
	xs_engine_fini(&e);
}
