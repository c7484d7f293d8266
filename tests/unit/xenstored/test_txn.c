// SPDX-License-Identifier: MIT
/*
 * Transactions.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ut.h"
#include "xt_helpers.h"

static uint32_t xt_start(struct xs_conn *c)
{
	struct xt_msg r;

	ASSERT_EQ(xt_raw(c, XS_TRANSACTION_START, 0, "", 1, &r), 0);
	return (uint32_t)strtoul(r.data, NULL, 10);
}

/* Whether a DIRECTORY reply lists name. */
static bool xt_lists(const struct xt_msg *r, const char *name)
{
	uint32_t off;

	for (off = 0; off < r->len;
	     off += (uint32_t)strlen(r->data + off) + 1) {
		if (strcmp(r->data + off, name) == 0) {
			return true;
		}
	}
	return false;
}

TEST(xs_txn_is_isolated_until_commit)
{
	struct xs_engine e;
	struct xs_conn *c, *o;
	uint32_t tx;
	char v[16];

	c = xt_setup_dom0(&e);
	o = xs_conn_new(&e, 0, true);
	EXPECT_EQ(xt_write(c, 0, "/t/a", "old"), 0);
	tx = xt_start(c);
	EXPECT_NE(tx, 0);
	EXPECT_EQ(xt_write(c, tx, "/t/a", "new"), 0);
	EXPECT_EQ(xt_write(c, tx, "/t/b/c", "x"), 0);
	EXPECT_EQ(xt_read(c, tx, "/t/a", v), 0);
	EXPECT_STREQ(v, "new");
	EXPECT_EQ(xt_read(o, 0, "/t/a", v), 0);
	EXPECT_STREQ(v, "old");
	EXPECT_EQ(xt_read(o, 0, "/t/b/c", v), -ENOENT);
	EXPECT_EQ(xt_end(c, tx, "T"), 0);
	EXPECT_EQ(xt_read(o, 0, "/t/a", v), 0);
	EXPECT_STREQ(v, "new");
	EXPECT_EQ(xt_read(o, 0, "/t/b/c", v), 0);
	xs_engine_fini(&e);
}

TEST(xs_txn_conflict_gives_eagain)
{
	struct xs_engine e;
	struct xs_conn *a, *b;
	uint32_t ta, tb;
	char v[16];

	a = xt_setup_dom0(&e);
	b = xs_conn_new(&e, 0, true);
	EXPECT_EQ(xt_write(a, 0, "/k", "0"), 0);
	ta = xt_start(a);
	tb = xt_start(b);
	EXPECT_EQ(xt_read(a, ta, "/k", v), 0);
	EXPECT_EQ(xt_write(a, ta, "/k", "a"), 0);
	EXPECT_EQ(xt_read(b, tb, "/k", v), 0);
	EXPECT_EQ(xt_write(b, tb, "/k", "b"), 0);
	EXPECT_EQ(xt_end(a, ta, "T"), 0);
	EXPECT_EQ(xt_end(b, tb, "T"), -EAGAIN);
	EXPECT_EQ(xt_read(a, 0, "/k", v), 0);
	EXPECT_STREQ(v, "a");
	/* The failed transaction is gone. */
	EXPECT_EQ(xt_end(b, tb, "T"), -ENOENT);
	xs_engine_fini(&e);
}

TEST(xs_txn_disjoint_commits_both_succeed)
{
	struct xs_engine e;
	struct xs_conn *a, *b;
	uint32_t ta, tb;

	a = xt_setup_dom0(&e);
	b = xs_conn_new(&e, 0, true);
	EXPECT_EQ(xt_write(a, 0, "/d/x", "0"), 0);
	EXPECT_EQ(xt_write(a, 0, "/d/y", "0"), 0);
	ta = xt_start(a);
	tb = xt_start(b);
	EXPECT_EQ(xt_write(a, ta, "/d/x", "a"), 0);
	EXPECT_EQ(xt_write(b, tb, "/d/y", "b"), 0);
	EXPECT_EQ(xt_end(a, ta, "T"), 0);
	EXPECT_EQ(xt_end(b, tb, "T"), 0);
	xs_engine_fini(&e);
}

TEST(xs_txn_read_of_missing_node_conflicts_with_creation)
{
	struct xs_engine e;
	struct xs_conn *a, *b;
	uint32_t ta;

	a = xt_setup_dom0(&e);
	b = xs_conn_new(&e, 0, true);
	ta = xt_start(a);
	EXPECT_EQ(xt_read(a, ta, "/late", NULL), -ENOENT);
	EXPECT_EQ(xt_write(b, 0, "/late", "1"), 0);
	EXPECT_EQ(xt_end(a, ta, "T"), -EAGAIN);
	xs_engine_fini(&e);
}

TEST(xs_txn_abort_and_watch_at_commit)
{
	struct xs_engine e;
	struct xs_conn *a, *w;
	struct xt_msg r;
	uint32_t t;

	a = xt_setup_dom0(&e);
	w = xs_conn_new(&e, 0, true);
	EXPECT_EQ(xt_req(w, XS_WATCH, 0, &r, 2, "/wt", "tok"), 0);
	t = xt_start(a);
	EXPECT_EQ(xt_write(a, t, "/wt/x", "1"), 0);
	EXPECT_EQ(xt_events(w), 0);
	EXPECT_EQ(xt_end(a, t, "F"), 0);
	EXPECT_EQ(xt_events(w), 0);
	EXPECT_EQ(xt_read(a, 0, "/wt/x", NULL), -ENOENT);
	t = xt_start(a);
	EXPECT_EQ(xt_write(a, t, "/wt/x", "1"), 0);
	EXPECT_EQ(xt_op1(a, XS_RM, t, "/wt/x"), 0);
	EXPECT_EQ(xt_write(a, t, "/wt/y", "1"), 0);
	EXPECT_EQ(xt_end(a, t, "T"), 0);
	EXPECT_EQ(xt_events(w), 3);
	EXPECT_EQ(xt_read(a, 0, "/wt/x", NULL), -ENOENT);
	EXPECT_EQ(xt_read(a, 0, "/wt/y", NULL), 0);
	xs_engine_fini(&e);
}

TEST(xs_txn_request_errors)
{
	struct xs_engine e;
	struct xs_conn *a, *d0, *d5;
	struct xt_msg r;
	uint32_t t;
	int i;

	a = xt_setup_dom0(&e);
	d0 = xs_conn_new(&e, 0, true);
	d5 = xt_dom(&e, 5);
	EXPECT_EQ(xt_read(a, 4242, "/tool", NULL), -ENOENT);
	EXPECT_EQ(xt_end(a, 0, "T"), -ENOENT);
	t = xt_start(a);
	EXPECT_EQ(xt_raw(a, XS_TRANSACTION_START, t, "", 1, &r), -EBUSY);
	EXPECT_EQ(xt_end(a, t, "X"), -EINVAL);
	EXPECT_EQ(r.tx_id, t);
	EXPECT_EQ(xt_end(a, t, "F"), 0);
	EXPECT_EQ(xt_req(d0, XS_SET_QUOTA, 0, &r, 2, "transactions", "2"), 0);
	xt_start(d5);
	xt_start(d5);
	EXPECT_EQ(xt_raw(d5, XS_TRANSACTION_START, 0, "", 1, &r), -ENOSPC);
	for (i = 0; i < 20; i++) {
		xt_start(d0); /* privileged: no limit */
	}
	xs_engine_fini(&e);
}

/*
 * A transaction reads a node as the store had it at the transaction's
 * first access to it; it commits as long as nothing it read changed
 * since then (Xen's C xenstored behaves the same way).
 */
TEST(xs_txn_reads_node_as_of_first_access)
{
	struct xs_engine e;
	struct xs_conn *a, *b;
	uint32_t t;
	char v[16];

	a = xt_setup_dom0(&e);
	b = xs_conn_new(&e, 0, true);
	EXPECT_EQ(xt_write(a, 0, "/f/x", "0"), 0);
	EXPECT_EQ(xt_write(a, 0, "/f/y", "0"), 0);
	t = xt_start(a);
	EXPECT_EQ(xt_read(a, t, "/f/x", v), 0);
	EXPECT_EQ(xt_write(b, 0, "/f/y", "1"), 0);
	EXPECT_EQ(xt_read(a, t, "/f/y", v), 0);
	EXPECT_STREQ(v, "1");
	EXPECT_EQ(xt_write(b, 0, "/f/y", "2"), 0);
	EXPECT_EQ(xt_read(a, t, "/f/y", v), 0);
	EXPECT_STREQ(v, "1"); /* the transaction's copy */
	EXPECT_EQ(xt_end(a, t, "T"), -EAGAIN);
	t = xt_start(a);
	EXPECT_EQ(xt_read(a, t, "/f/x", v), 0);
	EXPECT_EQ(xt_write(b, 0, "/f/y", "3"), 0);
	EXPECT_EQ(xt_read(a, t, "/f/y", v), 0);
	EXPECT_STREQ(v, "3");
	EXPECT_EQ(xt_write(a, t, "/f/x", "y was 3"), 0);
	EXPECT_EQ(xt_end(a, t, "T"), 0);
	EXPECT_EQ(xt_read(b, 0, "/f/x", v), 0);
	EXPECT_STREQ(v, "y was 3");
	xs_engine_fini(&e);
}

/* Listings inside a transaction: the store's children and its own. */
TEST(xs_txn_directory_merges_store_and_own_children)
{
	struct xs_engine e;
	struct xs_conn *a;
	struct xt_msg r;
	uint32_t t;
	char v[16];

	a = xt_setup_dom0(&e);
	EXPECT_EQ(xt_write(a, 0, "/g/a", "1"), 0);
	EXPECT_EQ(xt_write(a, 0, "/g/b/deep", "2"), 0);
	EXPECT_EQ(xt_write(a, 0, "/g/c", "3"), 0);
	t = xt_start(a);
	EXPECT_EQ(xt_read(a, t, "/g/c", v), 0);
	EXPECT_EQ(xt_write(a, t, "/g/d", "4"), 0);
	EXPECT_EQ(xt_req(a, XS_DIRECTORY, t, &r, 1, "/g"), 0);
	EXPECT_EQ(r.len, 8);
	EXPECT_TRUE(xt_lists(&r, "a"));
	EXPECT_TRUE(xt_lists(&r, "b"));
	EXPECT_TRUE(xt_lists(&r, "c"));
	EXPECT_TRUE(xt_lists(&r, "d"));
	EXPECT_EQ(xt_req(a, XS_DIRECTORY, t, &r, 1, "/g/b"), 0);
	EXPECT_MEMEQ(r.data, "deep", 5);
	EXPECT_EQ(xt_end(a, t, "T"), 0);
	xs_engine_fini(&e);
}

/* A removal inside a transaction hides the node and its subtree there. */
TEST(xs_txn_rm_hides_subtree_until_commit)
{
	struct xs_engine e;
	struct xs_conn *a, *w;
	struct xt_msg r;
	uint32_t t;
	char v[16];

	a = xt_setup_dom0(&e);
	w = xs_conn_new(&e, 0, true);
	EXPECT_EQ(xt_write(a, 0, "/h/keep", "1"), 0);
	EXPECT_EQ(xt_write(a, 0, "/h/gone/x/y", "2"), 0);
	EXPECT_EQ(xt_write(a, 0, "/h/gone/z", "3"), 0);
	EXPECT_EQ(xt_req(w, XS_WATCH, 0, &r, 2, "/h/gone/x/y", "tok"), 0);
	t = xt_start(a);
	EXPECT_EQ(xt_op1(a, XS_RM, t, "/h/gone"), 0);
	EXPECT_EQ(xt_read(a, t, "/h/gone", v), -ENOENT);
	EXPECT_EQ(xt_read(a, t, "/h/gone/x/y", v), -ENOENT);
	EXPECT_EQ(xt_req(a, XS_DIRECTORY, t, &r, 1, "/h"), 0);
	EXPECT_MEMEQ(r.data, "keep", 5);
	EXPECT_EQ(r.len, 5);
	EXPECT_EQ(xt_read(a, 0, "/h/gone/z", v), 0); /* not yet */
	EXPECT_EQ(xt_events(w), 0);
	EXPECT_EQ(xt_end(a, t, "T"), 0);
	EXPECT_EQ(xt_events(w), 1);
	EXPECT_EQ(xt_read(a, 0, "/h/gone/z", v), -ENOENT);
	EXPECT_EQ(xt_read(a, 0, "/h/keep", v), 0);
	xs_engine_fini(&e);
}

/* The nodes quota inside a transaction counts nodes it never touched. */
TEST(xs_txn_nodes_quota_counts_whole_store)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;
	uint32_t t;
	char path[48];
	int i;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	/* 5 owns its home and five nodes below: one more fits. */
	EXPECT_EQ(xt_req(d0, XS_SET_QUOTA, 0, &r, 2, "nodes", "7"), 0);
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "q%d", i);
		EXPECT_EQ(xt_write(d5, 0, path, "x"), 0);
	}
	t = xt_start(d5);
	EXPECT_EQ(xt_write(d5, t, "qa", "x"), 0);
	EXPECT_EQ(xt_write(d5, t, "qb", "x"), -ENOSPC);
	EXPECT_EQ(xt_op1(d5, XS_RM, t, "q0"), 0);
	EXPECT_EQ(xt_write(d5, t, "qb", "x"), 0);
	EXPECT_EQ(xt_end(d5, t, "T"), 0);
	EXPECT_EQ(xt_read(d5, 0, "qb", NULL), 0);
	EXPECT_EQ(xt_read(d5, 0, "q0", NULL), -ENOENT);
	xs_engine_fini(&e);
}
