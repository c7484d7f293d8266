// SPDX-License-Identifier: MIT
/*
 * Permissions and quotas.
 */
#include <errno.h>
#include <string.h>

#include "ut.h"
#include "xt_helpers.h"

TEST(xs_perm_strings_round_trip)
{
	struct xs_perm p;
	char buf[16];

	EXPECT_EQ(xs_perm_parse("b12", &p), 0);
	EXPECT_EQ(p.domid, 12);
	EXPECT_EQ(p.perm, XS_PERM_BOTH);
	xs_perm_format(&p, buf, sizeof(buf));
	EXPECT_STREQ(buf, "b12");
	EXPECT_EQ(xs_perm_parse("x1", &p), -EINVAL);
	EXPECT_EQ(xs_perm_parse("r", &p), -EINVAL);
	EXPECT_EQ(xs_perm_parse("r1x", &p), -EINVAL);
	EXPECT_EQ(xs_perm_parse("r70000", &p), -EINVAL);
}

TEST(xs_perm_for_owner_listed_default_target)
{
	const struct xs_perm p[] = { { 1, XS_PERM_READ },
				     { 2, XS_PERM_NONE },
				     { 3, XS_PERM_WRITE } };
	struct xs_caller c = { .domid = 1 };

	EXPECT_EQ(xs_perm_for(p, 3, &c), XS_PERM_BOTH | XS_PERM_OWNER);
	c.domid = 2;
	EXPECT_EQ(xs_perm_for(p, 3, &c), XS_PERM_NONE);
	c.domid = 9;
	EXPECT_EQ(xs_perm_for(p, 3, &c), XS_PERM_READ);
	c.has_target = true;
	c.target = 3;
	EXPECT_EQ(xs_perm_for(p, 3, &c), XS_PERM_WRITE);
	c.target = 1;
	EXPECT_EQ(xs_perm_for(p, 3, &c), XS_PERM_BOTH | XS_PERM_OWNER);
	c.has_target = false;
	c.privileged = true;
	EXPECT_EQ(xs_perm_for(p, 3, &c), XS_PERM_BOTH | XS_PERM_OWNER);
}

/*
 * A fresh engine where dom0 (*@d0) has prepared /local/domain/5 owned by
 * 5, as the toolstack does; domain 5's connection.
 */
static struct xs_conn *xt_domain_home(struct xs_engine *e, struct xs_conn **d0)
{
	struct xt_msg r;

	*d0 = xt_setup_dom0(e);
	EXPECT_EQ(xt_op1(*d0, XS_MKDIR, 0, "/local/domain/5"), 0);
	EXPECT_EQ(xt_req(*d0, XS_SET_PERMS, 0, &r, 3, "/local/domain/5", "n5",
			 "r0"),
		  0);
	return xt_dom(e, 5);
}

TEST(xs_unprivileged_access_is_checked)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5, *d6;
	struct xt_msg r;

	d5 = xt_domain_home(&e, &d0);
	d6 = xt_dom(&e, 6);
	EXPECT_EQ(xt_write(d0, 0, "/secret", "x"), 0);
	EXPECT_EQ(xt_read(d5, 0, "/secret", NULL), -EACCES);
	EXPECT_EQ(xt_write(d5, 0, "/secret", "y"), -EACCES);
	EXPECT_EQ(xt_write(d5, 0, "/new", "y"), -EACCES);
	/* Own home: relative paths, new nodes owned by the creator. */
	EXPECT_EQ(xt_write(d5, 0, "data/x", "1"), 0);
	EXPECT_EQ(xt_req(d0, XS_GET_PERMS, 0, &r, 1, "/local/domain/5/data/x"),
		  0);
	EXPECT_EQ(r.len, sizeof("n5\0r0"));
	EXPECT_MEMEQ(r.data, "n5\0r0", r.len);
	/* Others: listed r0 only, so domain 6 gets the default n. */
	EXPECT_EQ(xt_read(d6, 0, "/local/domain/5/data/x", NULL), -EACCES);
	/* Hidden existence: ENOENT becomes EACCES under unreadable nodes. */
	EXPECT_EQ(xt_read(d6, 0, "/local/domain/5/nothing", NULL), -EACCES);
	EXPECT_EQ(xt_read(d5, 0, "nothing", NULL), -ENOENT);
	xs_engine_fini(&e);
}

TEST(xs_set_perms_owner_rules)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5, *d6;
	struct xt_msg r;

	d5 = xt_domain_home(&e, &d0);
	d6 = xt_dom(&e, 6);
	EXPECT_EQ(xt_write(d5, 0, "shared", "v"), 0);
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, 0, &r, 3, "shared", "n5", "b6"), 0);
	EXPECT_EQ(xt_write(d6, 0, "/local/domain/5/shared", "w"), 0);
	EXPECT_EQ(xt_read(d6, 0, "/local/domain/5/shared", NULL), 0);
	/* Not the owner. */
	EXPECT_EQ(xt_req(d6, XS_SET_PERMS, 0, &r, 2, "/local/domain/5/shared",
			 "b6"),
		  -EACCES);
	/* Owner may not give the node away; dom0 may. */
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, 0, &r, 2, "shared", "n6"), -EPERM);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &r, 2, "/local/domain/5/shared",
			 "n6"),
		  0);
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, 0, &r, 1, "shared"), -EINVAL);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &r, 2, "/local", "q1"), -EINVAL);
	xs_engine_fini(&e);
}

TEST(xs_quota_nodes_size_perms)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;
	char big[3000];

	d5 = xt_domain_home(&e, &d0);
	EXPECT_EQ(xt_req(d0, XS_SET_QUOTA, 0, &r, 2, "nodes", "4"), 0);
	EXPECT_EQ(xt_req(d0, XS_GET_QUOTA, 0, &r, 1, "nodes"), 0);
	EXPECT_STREQ(r.data, "4");
	/* 5 already owns its home directory. */
	EXPECT_EQ(xt_write(d5, 0, "a", ""), 0);
	EXPECT_EQ(xt_write(d5, 0, "b", ""), 0);
	EXPECT_EQ(xt_write(d5, 0, "c/d", ""), -ENOSPC);
	EXPECT_EQ(xt_write(d5, 0, "c", ""), 0);
	EXPECT_EQ(xt_write(d5, 0, "d", ""), -ENOSPC);
	EXPECT_EQ(xt_op1(d5, XS_RM, 0, "a"), 0);
	EXPECT_EQ(xt_write(d5, 0, "d", ""), 0);
	/* Node size, for unprivileged callers only. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	EXPECT_EQ(xt_write(d5, 0, "d", big), -ENOSPC);
	EXPECT_EQ(xt_write(d0, 0, "/big", big), 0);
	/* Permission entries per node. */
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, 0, &r, 7, "d", "n5", "r1", "r2",
			 "r3", "r4", "r6"),
		  -ENOSPC);
	EXPECT_EQ(xt_req(d5, XS_SET_PERMS, 0, &r, 6, "d", "n5", "r1", "r2",
			 "r3", "r4"),
		  0);
	xs_engine_fini(&e);
}

TEST(xs_quota_requests)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	d5 = xt_dom(&e, 5);
	EXPECT_EQ(xt_raw(d0, XS_GET_QUOTA, 0, "", 0, &r), 0);
	EXPECT_MEMEQ(r.data, "nodes\0watches", 14);
	EXPECT_EQ(xt_req(d0, XS_GET_QUOTA, 0, &r, 1, "watches"), 0);
	EXPECT_STREQ(r.data, "128");
	EXPECT_EQ(xt_req(d0, XS_GET_QUOTA, 0, &r, 1, "bogus"), -EINVAL);
	EXPECT_EQ(xt_req(d0, XS_SET_QUOTA, 0, &r, 2, "nodes", "x"), -EINVAL);
	EXPECT_EQ(xt_req(d0, XS_GET_QUOTA, 0, &r, 2, "9", "nodes"), -ENOENT);
	EXPECT_EQ(xt_req(d0, XS_SET_QUOTA, 0, &r, 3, "0", "nodes", "7"), 0);
	EXPECT_EQ(xt_req(d0, XS_GET_QUOTA, 0, &r, 2, "0", "nodes"), 0);
	EXPECT_STREQ(r.data, "7");
	EXPECT_EQ(xt_req(d0, XS_GET_QUOTA, 0, &r, 1, "nodes"), 0);
	EXPECT_STREQ(r.data, "1000");
	EXPECT_EQ(xt_req(d5, XS_GET_QUOTA, 0, &r, 1, "nodes"), -EACCES);
	EXPECT_EQ(xt_req(d5, XS_SET_QUOTA, 0, &r, 2, "nodes", "1"), -EACCES);
	xs_engine_fini(&e);
}
