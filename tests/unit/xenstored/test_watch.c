// SPDX-License-Identifier: MIT
/*
 * Watches.
 */
#include <errno.h>
#include <string.h>

#include "ut.h"
#include "xt_helpers.h"

static int xt_watch(struct xs_conn *c, const char *path, const char *tok)
{
	struct xt_msg r;

	return xt_req(c, XS_WATCH, 0, &r, 2, path, tok);
}

static bool xt_ev_is(int i, const char *path, const char *tok)
{
	return i < xt_nev && !strcmp(xt_ev[i].data, path) &&
	       !strcmp(xt_ev[i].data + strlen(path) + 1, tok);
}

TEST(xs_watch_fires_at_once_then_on_subtree)
{
	struct xs_engine e;
	struct xs_conn *w, *c;

	w = xt_setup_dom0(&e);
	c = xs_conn_new(&e, 0, true);
	EXPECT_EQ(xt_watch(w, "/w", "tok"), 0);
	EXPECT_EQ(xt_nev, 1);
	EXPECT_TRUE(xt_ev_is(0, "/w", "tok"));
	EXPECT_EQ(xt_ev[0].req_id, 0);
	EXPECT_EQ(xt_write(c, 0, "/w/a/b", "1"), 0);
	EXPECT_EQ(xt_write(c, 0, "/wx", "1"), 0);
	EXPECT_EQ(xt_events(w), 1);
	EXPECT_TRUE(xt_ev_is(0, "/w/a/b", "tok"));
	EXPECT_EQ(xt_watch(w, "/w", "tok"), -EEXIST);
	xs_engine_fini(&e);
}

TEST(xs_watch_removal_of_ancestor_reports_wpath)
{
	struct xs_engine e;
	struct xs_conn *w, *c;

	w = xt_setup_dom0(&e);
	c = xs_conn_new(&e, 0, true);
	EXPECT_EQ(xt_write(c, 0, "/p/q/r", "1"), 0);
	EXPECT_EQ(xt_watch(w, "/p/q/r", "t"), 0);
	EXPECT_EQ(xt_op1(c, XS_RM, 0, "/p"), 0);
	EXPECT_EQ(xt_events(w), 1);
	EXPECT_TRUE(xt_ev_is(0, "/p/q/r", "t"));
	xs_engine_fini(&e);
}

TEST(xs_watch_relative_reports_relative)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	EXPECT_EQ(xt_watch(d5, "control/shutdown", "s"), 0);
	EXPECT_TRUE(xt_ev_is(0, "control/shutdown", "s"));
	EXPECT_EQ(xt_write(d0, 0, "/local/domain/5/control/shutdown", "halt"),
		  0);
	EXPECT_EQ(xt_events(d5), 1);
	EXPECT_TRUE(xt_ev_is(0, "control/shutdown", "s"));
	xs_engine_fini(&e);
}

TEST(xs_watch_events_respect_read_permission)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	d5 = xt_dom(&e, 5);
	EXPECT_EQ(xt_watch(d5, "/priv", "t"), 0);
	EXPECT_EQ(xt_write(d0, 0, "/priv/x", "1"), 0);
	EXPECT_EQ(xt_events(d5), 0);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &r, 2, "/priv/x", "r0"), 0);
	EXPECT_EQ(xt_events(d5), 1);
	xs_engine_fini(&e);
}

TEST(xs_unwatch_and_reset_watches)
{
	struct xs_engine e;
	struct xs_conn *w, *c;
	struct xt_msg r;

	w = xt_setup_dom0(&e);
	c = xs_conn_new(&e, 0, true);
	EXPECT_EQ(xt_watch(w, "/u", "1"), 0);
	EXPECT_EQ(xt_watch(w, "/v", "2"), 0);
	EXPECT_EQ(xt_req(w, XS_UNWATCH, 0, &r, 2, "/u", "1"), 0);
	EXPECT_EQ(xt_req(w, XS_UNWATCH, 0, &r, 2, "/u", "1"), -ENOENT);
	EXPECT_EQ(xt_write(c, 0, "/u", "x"), 0);
	EXPECT_EQ(xt_events(w), 0);
	EXPECT_EQ(xt_raw(w, XS_RESET_WATCHES, 0, "", 1, &r), 0);
	EXPECT_EQ(xt_write(c, 0, "/v", "x"), 0);
	EXPECT_EQ(xt_events(w), 0);
	xs_engine_fini(&e);
}

TEST(xs_watch_quota_is_e2big)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;
	char tok[16];
	int i;

	d0 = xt_setup_dom0(&e);
	d5 = xt_dom(&e, 5);
	EXPECT_EQ(xt_req(d0, XS_SET_QUOTA, 0, &r, 2, "watches", "3"), 0);
	for (i = 0; i < 3; i++) {
		snprintf(tok, sizeof(tok), "%d", i);
		EXPECT_EQ(xt_watch(d5, "/x", tok), 0);
	}
	EXPECT_EQ(xt_watch(d5, "/x", "last"), -E2BIG);
	EXPECT_EQ(xt_watch(d0, "/x", "dom0-unlimited"), 0);
	xs_engine_fini(&e);
}

TEST(xs_slow_reader_is_dropped_not_others)
{
	struct xs_engine e;
	struct xs_conn *slow, *c;
	char val[1500];
	int i;

	slow = xt_setup_dom0(&e);
	c = xs_conn_new(&e, 0, true);
	memset(val, 'v', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	EXPECT_EQ(xt_watch(slow, "/flood", val), 0);
	for (i = 0; i < 4000 && !slow->dead; i++) {
		char p[32];

		snprintf(p, sizeof(p), "/flood/%d", i % 50);
		ASSERT_EQ(xt_write(c, 0, p, "x"), 0);
	}
	EXPECT_TRUE(slow->dead);
	EXPECT_FALSE(c->dead);
	EXPECT_EQ(xt_write(c, 0, "/flood/last", val), 0);
	xs_engine_reap(&e);
	xs_engine_fini(&e);
}

TEST(xs_backpressure_stops_reading)
{
	struct xs_engine e;
	struct xs_conn *c;
	int i;

	c = xt_setup_dom0(&e);
	for (i = 0; i < 10000 && xs_conn_want(c); i++) {
		xt_send_raw(c, XS_READ, 0, "/tool", 6);
	}
	EXPECT_EQ(xs_conn_want(c), 0);
	EXPECT_FALSE(c->dead);
	xs_conn_out_consume(c, (size_t)-1);
	EXPECT_EQ(xs_conn_want(c), sizeof(struct xsd_sockmsg));
	xs_engine_fini(&e);
}
