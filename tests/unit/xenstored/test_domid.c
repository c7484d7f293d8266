// SPDX-License-Identifier: MIT
/*
 * Permission entries name domains that exist: an entry for a domain that
 * does not exist grants nothing, and a domain that dies, introduced or
 * not, leaves nothing to a later domain given its id. The platform is
 * doubled by a table of the domains the "hypervisor" has; the requests
 * run through the engine's real request path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ut.h"
#include "xt_helpers.h"

#define XT_NR_DOMS 64

static bool xt_has[XT_NR_DOMS];

static int xt_exists(struct xs_engine *e, uint32_t domid)
{
	(void)e;
	return domid < XT_NR_DOMS && xt_has[domid];
}

/* Every listed domain the table no longer has is gone. */
static int xt_dead(struct xs_engine *e, uint32_t *ids, uint32_t max)
{
	const struct xs_domain *d;
	uint32_t n = 0;

	for (d = e->domains; d && n < max; d = d->next) {
		if (d->domid && !xt_exists(e, d->domid)) {
			ids[n++] = d->domid | XS_DEAD_GONE;
		}
	}
	return (int)n;
}

static const struct xs_platform_ops xt_hv = {
	.dead_domains = xt_dead,
	.domain_exists = xt_exists,
};

static struct xs_conn *xt_setup_hv(struct xs_engine *e)
{
	struct xs_conn *d0 = xt_setup_dom0(e);

	memset(xt_has, 0, sizeof(xt_has));
	xt_has[0] = true;
	e->plat = &xt_hv;
	return d0;
}

static int xt_perms(struct xs_conn *c, uint32_t tx, const char *path,
		    const char *p0, const char *p1)
{
	struct xt_msg r;

	return p1 ? xt_req(c, XS_SET_PERMS, tx, &r, 3, path, p0, p1)
		  : xt_req(c, XS_SET_PERMS, tx, &r, 2, path, p0);
}

/* GET_PERMS of path, NULs shown as spaces. */
static const char *xt_get_perms(struct xs_conn *c, const char *path)
{
	static struct xt_msg r;
	uint32_t i;

	if (xt_req(c, XS_GET_PERMS, 0, &r, 1, path)) {
		return "?";
	}
	for (i = 0; i + 1 < r.len; i++) {
		r.data[i] = r.data[i] ? r.data[i] : ' ';
	}
	r.data[r.len ? r.len - 1 : 0] = '\0';
	return r.data;
}

static void xt_introduce(struct xs_conn *d0, const char *id)
{
	struct xt_msg r;

	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, id, "1", "1"), 0);
}

/*
 * An entry naming a domain that does not exist is kept in the list (a
 * caller cannot tell from GET_PERMS which domains exist) and grants
 * nothing to the domain that later gets that id; an owner that does not
 * exist is ENOENT, for dom0, and EPERM as before for anyone else.
 */
TEST(xs_domid_entry_naming_no_domain_grants_nothing)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5, *n7, *d9;

	d0 = xt_setup_hv(&e);
	xt_has[5] = xt_has[9] = true;
	xt_introduce(d0, "5");
	d5 = xt_guest(&e, d0, 5);
	EXPECT_EQ(xt_write(d0, 0, "/shared/x", "secret"), 0);
	EXPECT_EQ(xt_perms(d0, 0, "/shared/x", "n0", "r7"), 0);
	EXPECT_STREQ(xt_get_perms(d0, "/shared/x"), "n0 r7");
	/* A domU's own node: the same. */
	EXPECT_EQ(xt_write(d5, 0, "mine", "m"), 0);
	EXPECT_EQ(xt_perms(d5, 0, "mine", "n5", "b7"), 0);
	EXPECT_STREQ(xt_get_perms(d5, "mine"), "n5 b7");
	/* Domain 7 is created now and introduced. */
	xt_has[7] = true;
	xt_introduce(d0, "7");
	n7 = xt_dom(&e, 7);
	EXPECT_EQ(xt_read(n7, 0, "/shared/x", NULL), -EACCES);
	EXPECT_EQ(xt_read(n7, 0, "/local/domain/5/mine", NULL), -EACCES);
	EXPECT_EQ(xt_write(n7, 0, "/local/domain/5/mine", "x"), -EACCES);
	/* Set again now that 7 exists: it counts. */
	EXPECT_EQ(xt_perms(d0, 0, "/shared/x", "n0", "r7"), 0);
	EXPECT_EQ(xt_read(n7, 0, "/shared/x", NULL), 0);
	/* An existing domain that is not introduced: granted. */
	EXPECT_EQ(xt_perms(d0, 0, "/shared/x", "n0", "r9"), 0);
	d9 = xt_dom(&e, 9);
	EXPECT_EQ(xt_read(d9, 0, "/shared/x", NULL), 0);
	/* Owners: one that does not exist is refused, nothing changes. */
	EXPECT_EQ(xt_perms(d0, 0, "/shared/x", "n12", "r9"), -ENOENT);
	EXPECT_STREQ(xt_get_perms(d0, "/shared/x"), "n0 r9");
	EXPECT_EQ(xt_perms(d5, 0, "mine", "n12", NULL), -EPERM);
	EXPECT_EQ(xt_perms(d0, 0, "/shared/x", "b9", NULL), 0);
	xs_engine_fini(&e);
}

/*
 * The toolstack writes a new domain's nodes, in a transaction, with
 * entries naming it before it introduces it: the domain exists, so they
 * hold, and the domain uses its home once introduced.
 */
TEST(xs_domid_nodes_written_before_introduce_keep_their_rights)
{
	struct xs_engine e;
	struct xs_conn *d0, *d9;
	uint32_t tx;
	struct xt_msg r;

	d0 = xt_setup_hv(&e);
	xt_has[9] = true;
	EXPECT_EQ(xt_req(d0, XS_TRANSACTION_START, 0, &r, 1, ""), 0);
	tx = (uint32_t)strtoul(r.data, NULL, 10);
	EXPECT_EQ(xt_op1(d0, XS_MKDIR, tx, "/local/domain/9"), 0);
	EXPECT_EQ(xt_perms(d0, tx, "/local/domain/9", "n0", "r9"), 0);
	EXPECT_EQ(xt_op1(d0, XS_MKDIR, tx, "/local/domain/9/device"), 0);
	EXPECT_EQ(xt_perms(d0, tx, "/local/domain/9/device", "n9", NULL), 0);
	EXPECT_EQ(
		xt_write(d0, tx, "/local/domain/0/backend/vbd/9/0/state", "1"),
		0);
	EXPECT_EQ(xt_perms(d0, tx, "/local/domain/0/backend/vbd/9/0/state",
			   "n0", "r9"),
		  0);
	EXPECT_EQ(xt_end(d0, tx, "T"), 0);
	xt_introduce(d0, "9");
	d9 = xt_dom(&e, 9);
	EXPECT_EQ(xt_op1(d9, XS_DIRECTORY, 0, "/local/domain/9"), 0);
	EXPECT_EQ(xt_write(d9, 0, "device/vbd/0/state", "3"), 0);
	EXPECT_EQ(xt_read(d9, 0, "/local/domain/0/backend/vbd/9/0/state", NULL),
		  0);
	EXPECT_STREQ(xt_get_perms(d0, "/local/domain/9/device"), "n9");
	xs_engine_fini(&e);
}

/*
 * A domain named in permissions before its INTRODUCE that dies without
 * one: it is found dead like an introduced domain and purged, its nodes
 * are dom0's and its entries leave every list; a domain that gets its id
 * reads none of them, and a transaction naming it cannot commit.
 */
TEST(xs_domid_unintroduced_domain_that_dies_leaves_nothing)
{
	struct xs_engine e;
	struct xs_conn *d0, *n9;
	uint32_t tx;
	struct xt_msg r;

	d0 = xt_setup_hv(&e);
	EXPECT_EQ(xt_req(d0, XS_WATCH, 0, &r, 2, "@releaseDomain", "r"), 0);
	xt_has[9] = true;
	EXPECT_EQ(xt_op1(d0, XS_MKDIR, 0, "/local/domain/9/data"), 0);
	EXPECT_EQ(xt_perms(d0, 0, "/local/domain/9/data", "n9", NULL), 0);
	EXPECT_EQ(xt_write(d0, 0, "/local/domain/0/backend/vif/9", "b"), 0);
	EXPECT_EQ(xt_perms(d0, 0, "/local/domain/0/backend/vif/9", "n0", "b9"),
		  0);
	EXPECT_GT(xs_tree_nodes_of(&e.tree, 9), 0);
	EXPECT_EQ(xt_req(d0, XS_TRANSACTION_START, 0, &r, 1, ""), 0);
	tx = (uint32_t)strtoul(r.data, NULL, 10);
	EXPECT_EQ(xt_write(d0, tx, "/local/domain/0/later", ""), 0);
	EXPECT_EQ(xt_perms(d0, tx, "/local/domain/0/later", "n0", "r9"), 0);
	xt_events(d0);

	/* The build fails: 9 is destroyed before INTRODUCE. */
	xt_has[9] = false;
	xs_domain_check_dead(&e);
	EXPECT_EQ(xt_events(d0), 0); /* it was never introduced */
	EXPECT_STREQ(xt_get_perms(d0, "/local/domain/9/data"), "n0");
	EXPECT_STREQ(xt_get_perms(d0, "/local/domain/0/backend/vif/9"), "n0");
	EXPECT_EQ(xs_tree_nodes_of(&e.tree, 9), 0);
	EXPECT_TRUE(xs_domain_find(&e, 9) == NULL);
	EXPECT_EQ(xt_end(d0, tx, "T"), -EAGAIN);

	/* A new domain 9. */
	xt_has[9] = true;
	xt_introduce(d0, "9");
	n9 = xt_dom(&e, 9);
	EXPECT_EQ(xt_read(n9, 0, "/local/domain/9/data", NULL), -EACCES);
	EXPECT_EQ(xt_write(n9, 0, "/local/domain/9/data/x", "1"), -EACCES);
	EXPECT_EQ(xt_read(n9, 0, "/local/domain/0/backend/vif/9", NULL),
		  -EACCES);
	EXPECT_EQ(xt_read(d0, 0, "/local/domain/0/later", NULL), -ENOENT);
	xs_engine_fini(&e);
}

/*
 * An introduced domain found dead: the same purge, with its
 * @releaseDomain; entries naming it in nodes it did not own go too.
 */
TEST(xs_domid_introduced_domain_found_dead_leaves_nothing)
{
	struct xs_engine e;
	struct xs_conn *d0, *d6, *n6;

	d0 = xt_setup_hv(&e);
	xt_has[6] = true;
	xt_introduce(d0, "6");
	d6 = xt_guest(&e, d0, 6);
	EXPECT_EQ(xt_write(d6, 0, "k", "v"), 0);
	EXPECT_EQ(xt_write(d0, 0, "/shared/y", "s"), 0);
	EXPECT_EQ(xt_perms(d0, 0, "/shared/y", "n0", "r6"), 0);
	xt_has[6] = false;
	xs_domain_check_dead(&e);
	EXPECT_TRUE(d6->dead);
	EXPECT_STREQ(xt_get_perms(d0, "/local/domain/6/k"), "n0");
	EXPECT_STREQ(xt_get_perms(d0, "/shared/y"), "n0");
	xt_has[6] = true;
	xt_introduce(d0, "6");
	n6 = xt_dom(&e, 6);
	EXPECT_EQ(xt_read(n6, 0, "/local/domain/6/k", NULL), -EACCES);
	EXPECT_EQ(xt_read(n6, 0, "/shared/y", NULL), -EACCES);
	xs_engine_fini(&e);
}
