// SPDX-License-Identifier: MIT
/*
 * Transactions.
 */
#include <errno.h>
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

static int xt_end(struct xs_conn *c, uint32_t tx, const char *tf)
{
	struct xt_msg r;

	return xt_req(c, XS_TRANSACTION_END, tx, &r, 1, tf);
}

TEST(xs_txn_is_isolated_until_commit)
{
	struct xs_engine e;
	struct xs_conn *c, *o;
	uint32_t tx;
	char v[16];

	xt_setup(&e);
	c = xs_conn_new(&e, 0, true);
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

	xt_setup(&e);
	a = xs_conn_new(&e, 0, true);
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

	xt_setup(&e);
	a = xs_conn_new(&e, 0, true);
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

	xt_setup(&e);
	a = xs_conn_new(&e, 0, true);
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

	xt_setup(&e);
	a = xs_conn_new(&e, 0, true);
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

	xt_setup(&e);
	a = xs_conn_new(&e, 0, true);
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
