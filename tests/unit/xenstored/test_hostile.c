// SPDX-License-Identifier: MIT
/*
 * A hostile domain's requests through the engine's real request path:
 * privileged requests, other connections' transactions, malformed input,
 * watches on what it cannot read, and where its nodes are counted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ut.h"
#include "xs_path.h"
#include "xt_helpers.h"

static uint32_t xt_start(struct xs_conn *c)
{
	struct xt_msg r;

	ASSERT_EQ(xt_raw(c, XS_TRANSACTION_START, 0, "", 1, &r), 0);
	return (uint32_t)strtoul(r.data, NULL, 10);
}

/*
 * The domain requests are dom0's (xenstore.txt; IS_DOMAIN_INTRODUCED too,
 * as C xenstored since XSA-115): a domU learns nothing of which domains
 * are introduced and changes nothing of them. GET_DOMAIN_PATH,
 * GET_FEATURE of the ring and RESET_WATCHES of its own connection stay
 * open to it (Linux uses them).
 */
TEST(xs_hostile_domain_requests_need_privilege)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "7", "1", "1"), 0);
	d5 = xt_dom(&e, 5);
	EXPECT_EQ(xt_req(d5, XS_IS_DOMAIN_INTRODUCED, 0, &r, 1, "7"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_IS_DOMAIN_INTRODUCED, 0, &r, 1, "8"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_INTRODUCE, 0, &r, 3, "9", "1", "1"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_RELEASE, 0, &r, 1, "7"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_RESUME, 0, &r, 1, "7"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_SET_TARGET, 0, &r, 2, "5", "7"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_SET_TARGET, 0, &r, 2, "7", "5"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_CONTROL, 0, &r, 1, "print"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_GET_QUOTA, 0, &r, 1, "nodes"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_SET_QUOTA, 0, &r, 2, "nodes", "0"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_GET_FEATURE, 0, &r, 1, "7"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_SET_FEATURE, 0, &r, 2, "7", "0"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_GET_DOMAIN_PATH, 0, &r, 1, "7"), 0);
	EXPECT_STREQ(r.data, "/local/domain/7");
	/* Nothing changed for domain 7. */
	EXPECT_EQ(xt_req(d0, XS_IS_DOMAIN_INTRODUCED, 0, &r, 1, "7"), 0);
	EXPECT_STREQ(r.data, "T");
	EXPECT_FALSE(xs_domain_find(&e, 7)->has_target);
	/* RESET_WATCHES drops the caller's watches, never dom0's. */
	EXPECT_EQ(xt_req(d0, XS_WATCH, 0, &r, 2, "/tool", "t0"), 0);
	EXPECT_EQ(xt_req(d5, XS_WATCH, 0, &r, 2, "/tool", "t5"), 0);
	EXPECT_EQ(xt_raw(d5, XS_RESET_WATCHES, 0, "", 0, &r), 0);
	EXPECT_EQ(d5->nr_watches, 0);
	EXPECT_EQ(d0->nr_watches, 1);
	EXPECT_FALSE(d5->dead);
	xs_engine_fini(&e);
}

/* Transaction ids are the connection's own: another's, or a closed one, is
 * ENOENT and nothing is written in it. */
TEST(xs_hostile_tx_id_of_another_connection_or_closed)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	uint32_t t0, t5;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	t0 = xt_start(d0);
	t5 = xt_start(d5);
	EXPECT_EQ(t0, t5); /* both connections start at the same id */
	EXPECT_EQ(xt_write(d0, t0, "/local/domain/5/x", "dom0"), 0);
	EXPECT_EQ(xt_end(d5, t5, "F"), 0);
	/* d5's id is closed; dom0's id with the same number is not d5's. */
	EXPECT_EQ(xt_write(d5, t5, "/local/domain/5/y", "1"), -ENOENT);
	EXPECT_EQ(xt_read(d5, t5, "/local/domain/5/x", NULL), -ENOENT);
	EXPECT_EQ(xt_end(d5, t5, "T"), -ENOENT);
	EXPECT_EQ(xt_write(d5, 12345, "/local/domain/5/y", "1"), -ENOENT);
	EXPECT_EQ(xt_raw(d5, XS_TRANSACTION_START, t5, "", 1, &r), -ENOENT);
	/* dom0's transaction still commits what it wrote, and only that. */
	EXPECT_EQ(xt_end(d0, t0, "T"), 0);
	EXPECT_EQ(xt_read(d0, 0, "/local/domain/5/x", NULL), 0);
	EXPECT_EQ(xt_read(d0, 0, "/local/domain/5/y", NULL), -ENOENT);
	EXPECT_FALSE(d5->dead);
	xs_engine_fini(&e);
}

/* Malformed requests from a domU get an error; the connection and the
 * others go on. */
TEST(xs_hostile_malformed_input_is_answered)
{
	static const char *const bad[] = { "a//b",  "a/",     "/a/",	"//",
					   "a\tb",  "a\x7f",  "a b",	"a\x01",
					   "/a/b/", "a/./b",  "a/../b", "",
					   "a\\b",  "/a/\xff" };
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;
	size_t i;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(xt_op1(d5, XS_WRITE, 0, bad[i]), -EINVAL);
		EXPECT_EQ(xt_op1(d5, XS_READ, 0, bad[i]), -EINVAL);
		EXPECT_EQ(xt_op1(d5, XS_MKDIR, 0, bad[i]), -EINVAL);
		EXPECT_EQ(xt_req(d5, XS_WATCH, 0, &r, 2, bad[i], "t"), -EINVAL);
	}
	EXPECT_EQ(xt_raw(d5, 999, 0, "x", 2, &r), -ENOSYS);
	EXPECT_EQ(xt_raw(d5, XS_ERROR, 0, "x", 2, &r), -ENOSYS);
	EXPECT_EQ(xt_raw(d5, XS_READ, 0, "x", 1, &r), -EINVAL);
	EXPECT_EQ(xt_raw(d5, XS_SET_PERMS, 0, "x\0n5", 4, &r), -EINVAL);
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, 0, &r, 2, "x", "q5"), -EINVAL);
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, 0, &r, 2, "x", "n99999"), -EINVAL);
	EXPECT_EQ(xt_req(d5, XS_DIRECTORY_PART, 0, &r, 2, "x", "-1"), -EINVAL);
	EXPECT_EQ(xt_req(d5, XS_TRANSACTION_END, 0, &r, 1, "T"), -ENOENT);
	/* '@' names are watches only: a node request takes them relative. */
	EXPECT_EQ(xt_write(d5, 0, "@releaseDomain", "x"), 0);
	EXPECT_EQ(xt_read(d0, 0, "/local/domain/5/@releaseDomain", NULL), 0);
	EXPECT_EQ(xt_op1(d5, XS_WRITE, 0, "/@introduceDomain"), -EACCES);
	EXPECT_FALSE(d5->dead);
	/* A request id used twice is answered twice, each with its own. */
	EXPECT_EQ(xt_raw(d5, XS_READ, 0, "x", 2, &r), -ENOENT);
	EXPECT_EQ(r.req_id, 77);
	EXPECT_EQ(xt_write(d0, 0, "/local/domain/5/x", "v"), 0);
	EXPECT_EQ(xt_raw(d5, XS_READ, 0, "x", 2, &r), 0);
	EXPECT_EQ(r.req_id, 77);
	EXPECT_STREQ(r.data, "v");
	EXPECT_EQ(xt_read(d0, 0, "/tool", NULL), 0);
	xs_engine_fini(&e);
}

/*
 * Watch events for nodes the watcher may not read are not sent: a node
 * written, given new permissions or removed with its subtree, and an
 * ancestor of the watch removed when the watcher cannot read it.
 */
TEST(xs_hostile_watch_sees_nothing_it_cannot_read)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5, *d7;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	d5 = xt_guest(&e, d0, 5);
	d7 = xt_guest(&e, d0, 7);
	EXPECT_EQ(xt_write(d7, 0, "secret/key", "1"), 0);
	EXPECT_EQ(xt_req(d5, XS_WATCH, 0, &r, 2, "/local/domain/7", "a"), 0);
	EXPECT_EQ(xt_req(d5, XS_WATCH, 0, &r, 2, "/local/domain/7/secret/key",
			 "b"),
		  0);
	EXPECT_EQ(xt_req(d5, XS_WATCH, 0, &r, 2, "/", "c"), 0);
	xt_events(d5); /* the three first events */
	EXPECT_EQ(xt_write(d7, 0, "secret/key", "2"), 0);
	EXPECT_EQ(xt_write(d7, 0, "secret/new", "2"), 0);
	EXPECT_EQ(xt_req(d7, XS_SET_PERMS, 0, &r, 2, "secret", "n7"), 0);
	EXPECT_EQ(xt_op1(d7, XS_RM, 0, "secret"), 0);
	EXPECT_EQ(xt_events(d5), 0);
	EXPECT_EQ(xt_write(d7, 0, "secret/key", "3"), 0);
	EXPECT_EQ(xt_op1(d0, XS_RM, 0, "/local/domain/7"), 0);
	EXPECT_EQ(xt_events(d5), 0);
	/* In a transaction too, at commit. */
	EXPECT_EQ(xt_write(d0, 0, "/local/domain/7/k", "1"), 0);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &r, 2, "/local/domain/7", "n7"),
		  0);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &r, 2, "/local/domain/7/k", "n7"),
		  0);
	xt_events(d5);
	{
		uint32_t t = xt_start(d7);

		EXPECT_EQ(xt_write(d7, t, "k", "2"), 0);
		EXPECT_EQ(xt_write(d7, t, "secret/key", "2"), 0);
		EXPECT_EQ(xt_end(d7, t, "T"), 0);
	}
	EXPECT_EQ(xt_events(d5), 0);
	/* GET_PERMS and DIRECTORY tell it nothing either. */
	EXPECT_EQ(xt_req(d5, XS_GET_PERMS, 0, &r, 1, "/local/domain/7/k"),
		  -EACCES);
	EXPECT_EQ(xt_req(d5, XS_GET_PERMS, 0, &r, 1, "/local/domain/7/none"),
		  -EACCES);
	EXPECT_EQ(xt_req(d5, XS_DIRECTORY, 0, &r, 1, "/local/domain/7"),
		  -EACCES);
	xs_engine_fini(&e);
}

/*
 * Nodes are counted on their owner, however they are made: MKDIR's
 * implicit parents, a commit of many nodes, dom0 giving a node away with
 * SET_PERMS; and given back on removal of a subtree, abort and release.
 */
TEST(xs_hostile_nodes_are_charged_to_their_owner)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xs_tree *live;
	struct xt_msg r;
	int64_t n5;
	uint32_t t;
	char p[64];
	int i;

	d0 = xt_setup_dom0(&e);
	live = &e.tree;
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "5", "1", "1"), 0);
	d5 = xt_guest(&e, d0, 5);
	n5 = xs_tree_nodes_of(live, 5);
	EXPECT_EQ(n5, 1); /* its home */
	EXPECT_EQ(xt_op1(d5, XS_MKDIR, 0, "a/b/c/d"), 0);
	EXPECT_EQ(xs_tree_nodes_of(live, 5), n5 + 4);
	t = xt_start(d5);
	for (i = 0; i < 20; i++) {
		snprintf(p, sizeof(p), "t/%d", i);
		EXPECT_EQ(xt_write(d5, t, p, "x"), 0);
	}
	EXPECT_EQ(xs_tree_nodes_of(live, 5), n5 + 4);
	EXPECT_EQ(xt_end(d5, t, "F"), 0);
	EXPECT_EQ(xs_tree_nodes_of(live, 5), n5 + 4);
	t = xt_start(d5);
	for (i = 0; i < 20; i++) {
		snprintf(p, sizeof(p), "t/%d", i);
		EXPECT_EQ(xt_write(d5, t, p, "x"), 0);
	}
	EXPECT_EQ(xt_end(d5, t, "T"), 0);
	EXPECT_EQ(xs_tree_nodes_of(live, 5), n5 + 4 + 21);
	/* dom0 hands it a node: charged to 5, no longer to dom0. */
	EXPECT_EQ(xt_write(d0, 0, "/gift", "x"), 0);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &r, 2, "/gift", "n5"), 0);
	EXPECT_EQ(xs_tree_nodes_of(live, 5), n5 + 4 + 21 + 1);
	/* 5 may not give it on, nor its own nodes. */
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, 0, &r, 2, "/gift", "n7"), -EPERM);
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, 0, &r, 2, "a", "n0"), -EPERM);
	EXPECT_EQ(xt_op1(d5, XS_RM, 0, "t"), 0);
	EXPECT_EQ(xt_op1(d5, XS_RM, 0, "a"), 0);
	EXPECT_EQ(xs_tree_nodes_of(live, 5), n5 + 1);
	EXPECT_EQ(xt_req(d0, XS_RELEASE, 0, &r, 1, "5"), 0);
	EXPECT_EQ(xs_tree_nodes_of(live, 5), 0);
	EXPECT_EQ(xs_tree_bytes_of(live, 5), 0);
	xs_engine_reap(&e);
	xs_engine_fini(&e);
}

/*
 * The deepest tree a domain can make within its quotas (path length and
 * nodes) is created, listed, copied into a transaction, removed and
 * purged without trouble; one component more is refused.
 */
TEST(xs_hostile_deepest_path_within_quota)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	static char p[XS_PATH_BUF];
	struct xt_msg r;
	uint32_t t;
	size_t i, n = 990;

	d0 = xt_setup_dom0(&e);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "5", "1", "1"), 0);
	d5 = xt_guest(&e, d0, 5);
	for (i = 0; i < n; i++) {
		memcpy(p + 2 * i, "a/", 2);
	}
	p[2 * n - 1] = '\0';
	EXPECT_EQ(xt_write(d5, 0, p, "deep"), 0);
	EXPECT_EQ(xs_tree_nodes_of(&e.tree, 5), (int64_t)n + 1);
	strcat(p, "/a/a/a/a/a/a/a/a/a/a/a");
	EXPECT_EQ(xt_write(d5, 0, p, "x"), -ENOSPC);
	t = xt_start(d5);
	EXPECT_EQ(xt_op1(d5, XS_RM, t, "a"), 0);
	EXPECT_EQ(xt_end(d5, t, "F"), 0);
	t = xt_start(d0);
	EXPECT_EQ(xt_op1(d0, XS_RM, t, "/local/domain/5/a/a"), 0);
	EXPECT_EQ(xt_end(d0, t, "T"), 0);
	EXPECT_EQ(xs_tree_nodes_of(&e.tree, 5), 2);
	p[2 * n - 1] = '\0';
	EXPECT_EQ(xt_write(d5, 0, p, "deep"), 0);
	EXPECT_EQ(xt_req(d0, XS_RELEASE, 0, &r, 1, "5"), 0);
	EXPECT_EQ(xs_tree_nodes_of(&e.tree, 5), 0);
	EXPECT_EQ(xt_op1(d0, XS_RM, 0, "/local/domain/5"), 0);
	xs_engine_reap(&e);
	xs_engine_fini(&e);
}
