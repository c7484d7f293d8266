// SPDX-License-Identifier: MIT
/*
 * Domain management requests.
 */
#include <errno.h>
#include <string.h>

#include "ut.h"
#include "xt_helpers.h"

static int xt_plat_calls;

static int xt_plat_introduce(struct xs_engine *e, struct xs_domain *d)
{
	(void)e;
	xt_plat_calls++;
	return d->gfn == 666 ? -EINVAL : 0;
}

static int xt_plat_dead(struct xs_engine *e, uint32_t *ids, uint32_t max)
{
	(void)e;
	(void)max;
	ids[0] = 7;
	return 1;
}

static const struct xs_platform_ops xt_plat = {
	.introduce = xt_plat_introduce,
	.dead_domains = xt_plat_dead,
};

TEST(xs_introduce_release_fire_special_watches)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	e.plat = &xt_plat;
	d5 = xt_dom(&e, 5);
	EXPECT_EQ(xt_req(d0, XS_WATCH, 0, &r, 2, "@introduceDomain", "i"), 0);
	EXPECT_EQ(xt_req(d0, XS_WATCH, 0, &r, 2, "@releaseDomain", "r"), 0);
	EXPECT_EQ(xt_req(d5, XS_WATCH, 0, &r, 2, "@releaseDomain", "r"), 0);
	EXPECT_EQ(xt_req(d0, XS_IS_DOMAIN_INTRODUCED, 0, &r, 1, "7"), 0);
	EXPECT_STREQ(r.data, "F");
	xt_plat_calls = 0;
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "7", "12345", "3"), 0);
	EXPECT_EQ(xt_plat_calls, 1);
	EXPECT_EQ(xt_nev, 1);
	EXPECT_STREQ(xt_ev[0].data, "@introduceDomain");
	EXPECT_EQ(xt_req(d0, XS_IS_DOMAIN_INTRODUCED, 0, &r, 1, "7"), 0);
	EXPECT_STREQ(r.data, "T");
	/* Same ring again: fine; another ring: no. */
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "7", "12345", "3"), 0);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "7", "1", "3"), -EINVAL);
	/* The platform reports domain 7 dead: one event, once. */
	xs_domain_check_dead(&e);
	xs_domain_check_dead(&e);
	EXPECT_EQ(xt_events(d0), 1);
	EXPECT_STREQ(xt_ev[0].data, "@releaseDomain");
	EXPECT_EQ(xt_req(d0, XS_RELEASE, 0, &r, 1, "7"), 0);
	EXPECT_EQ(xt_nev, 1);
	EXPECT_STREQ(xt_ev[0].data, "@releaseDomain");
	EXPECT_EQ(xt_req(d0, XS_RELEASE, 0, &r, 1, "7"), -ENOENT);
	/* Unprivileged watchers get no special events. */
	EXPECT_EQ(xt_events(d5), 0);
	xs_engine_fini(&e);
}

TEST(xs_introduce_checks)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	e.plat = &xt_plat;
	d5 = xt_dom(&e, 5);
	EXPECT_EQ(xt_req(d5, XS_INTRODUCE, 0, &r, 3, "7", "1", "3"), -EACCES);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "0", "1", "3"), -EINVAL);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "32752", "1", "3"),
		  -EINVAL);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 2, "7", "1"), -EINVAL);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "7", "x", "3"), -EINVAL);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "8", "666", "3"), -EINVAL);
	EXPECT_EQ(xt_req(d0, XS_IS_DOMAIN_INTRODUCED, 0, &r, 1, "8"), 0);
	EXPECT_STREQ(r.data, "F");
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "9", "-5", "3"), 0);
	EXPECT_EQ(xt_req(d5, XS_RELEASE, 0, &r, 1, "9"), -EACCES);
	EXPECT_EQ(xt_req(d0, XS_RESUME, 0, &r, 1, "9"), 0);
	EXPECT_EQ(xt_req(d0, XS_RESUME, 0, &r, 1, "10"), -ENOENT);
	xs_engine_fini(&e);
}

TEST(xs_get_domain_path_and_features)
{
	struct xs_engine e;
	struct xs_conn *d0, *d5;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	d5 = xt_dom(&e, 5);
	EXPECT_EQ(xt_req(d5, XS_GET_DOMAIN_PATH, 0, &r, 1, "12"), 0);
	EXPECT_STREQ(r.data, "/local/domain/12");
	EXPECT_EQ(xt_req(d5, XS_GET_DOMAIN_PATH, 0, &r, 1, "abc"), -EINVAL);
	EXPECT_EQ(xt_raw(d5, XS_GET_FEATURE, 0, "", 0, &r), 0);
	EXPECT_STREQ(r.data, "3");
	EXPECT_EQ(xt_req(d0, XS_SET_FEATURE, 0, &r, 2, "0", "1"), 0);
	EXPECT_EQ(xt_req(d0, XS_GET_FEATURE, 0, &r, 1, "0"), 0);
	EXPECT_STREQ(r.data, "1");
	EXPECT_EQ(xt_req(d0, XS_SET_FEATURE, 0, &r, 2, "0", "64"), -EINVAL);
	EXPECT_EQ(xt_req(d0, XS_SET_FEATURE, 0, &r, 2, "4", "1"), -ENOENT);
	EXPECT_EQ(xt_req(d5, XS_SET_FEATURE, 0, &r, 2, "0", "1"), -EACCES);
	xs_engine_fini(&e);
}

TEST(xs_set_target_grants_target_access)
{
	struct xs_engine e;
	struct xs_conn *d0, *dm;
	struct xt_msg r;

	d0 = xt_setup_dom0(&e);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &r, 3, "3", "1", "1"), 0);
	dm = xt_dom(&e, 3);
	xs_domain_find(&e, 3)->conn = dm;
	EXPECT_EQ(xt_write(d0, 0, "/local/domain/7/x", "1"), 0);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &r, 2, "/local/domain/7/x", "n7"),
		  0);
	EXPECT_EQ(xt_read(dm, 0, "/local/domain/7/x", NULL), -EACCES);
	EXPECT_EQ(xt_req(d0, XS_SET_TARGET, 0, &r, 2, "3", "7"), 0);
	EXPECT_EQ(xt_read(dm, 0, "/local/domain/7/x", NULL), 0);
	EXPECT_EQ(xt_req(d0, XS_SET_TARGET, 0, &r, 2, "4", "7"), -ENOENT);
	EXPECT_EQ(xt_req(dm, XS_SET_TARGET, 0, &r, 2, "3", "7"), -EACCES);
	xs_domain_find(&e, 3)->conn = NULL;
	xs_engine_fini(&e);
}
