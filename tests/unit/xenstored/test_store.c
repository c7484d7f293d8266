// SPDX-License-Identifier: MIT
/*
 * Store basics, paths and message parsing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ut.h"
#include "xs_path.h"
#include "xt_helpers.h"

TEST(xs_path_rejects_bad_names)
{
	EXPECT_TRUE(xs_path_is_valid("/"));
	EXPECT_TRUE(xs_path_is_valid("/local/domain/0/a-b_c@d"));
	EXPECT_FALSE(xs_path_is_valid(""));
	EXPECT_FALSE(xs_path_is_valid("/a//b"));
	EXPECT_FALSE(xs_path_is_valid("/a/"));
	EXPECT_FALSE(xs_path_is_valid("/a b"));
	EXPECT_FALSE(xs_path_is_valid("/a.b"));
	EXPECT_FALSE(xs_path_is_valid("a"));
}

TEST(xs_path_canonical_resolves_relative)
{
	char out[XS_PATH_BUF], big[XS_PATH_BUF + 8];
	bool rel;

	EXPECT_EQ(xs_path_canonical("device/vif", 3, out, &rel), 0);
	EXPECT_STREQ(out, "/local/domain/3/device/vif");
	EXPECT_TRUE(rel);
	EXPECT_STREQ(xs_path_relative(out, 3), "device/vif");
	EXPECT_EQ(xs_path_canonical("/x", 3, out, &rel), 0);
	EXPECT_FALSE(rel);
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[XENSTORE_ABS_PATH_MAX + 1] = '\0';
	EXPECT_EQ(xs_path_canonical(big, 0, out, &rel), -EINVAL);
	big[XENSTORE_ABS_PATH_MAX] = '\0';
	EXPECT_EQ(xs_path_canonical(big, 0, out, &rel), 0);
	memset(big, 'a', sizeof(big));
	big[XENSTORE_REL_PATH_MAX + 1] = '\0';
	EXPECT_EQ(xs_path_canonical(big, 0, out, &rel), -EINVAL);
}

TEST(xs_path_is_child_matches_components)
{
	EXPECT_TRUE(xs_path_is_child("/a/b", "/a"));
	EXPECT_TRUE(xs_path_is_child("/a", "/a"));
	EXPECT_TRUE(xs_path_is_child("/a", "/"));
	EXPECT_FALSE(xs_path_is_child("/ab", "/a"));
	EXPECT_FALSE(xs_path_is_child("/a", "/a/b"));
}

TEST(xs_initial_tree_has_local_and_tool)
{
	struct xs_engine e;
	struct xs_conn *c;
	struct xt_msg r;

	c = xt_setup_dom0(&e);
	EXPECT_EQ(xt_req(c, XS_DIRECTORY, 0, &r, 1, "/"), 0);
	EXPECT_EQ(r.len, sizeof("tool\0local"));
	EXPECT_MEMEQ(r.data, "tool\0local", r.len);
	EXPECT_EQ(xt_read(c, 0, "/local/domain/0", NULL), 0);
	xs_engine_fini(&e);
}

TEST(xs_write_creates_parents_and_reads_back)
{
	struct xs_engine e;
	struct xs_conn *c;
	struct xt_msg r;
	char v[64];

	c = xt_setup_dom0(&e);
	EXPECT_EQ(xt_write(c, 0, "/a/b/c", "val"), 0);
	EXPECT_EQ(xt_read(c, 0, "/a/b/c", v), 0);
	EXPECT_STREQ(v, "val");
	EXPECT_EQ(xt_read(c, 0, "/a/b", v), 0);
	EXPECT_STREQ(v, "");
	EXPECT_EQ(xt_req(c, XS_READ, 0, &r, 1, "/a/b/c"), 0);
	EXPECT_EQ(r.type, XS_READ);
	EXPECT_EQ(r.len, 3); /* no trailing NUL */
	EXPECT_EQ(xt_read(c, 0, "/nope", v), -ENOENT);
	xs_engine_fini(&e);
}

TEST(xs_write_keeps_binary_value)
{
	struct xs_engine e;
	struct xs_conn *c;
	struct xt_msg r;
	static const char req[] = "/bin\0x\0y";

	c = xt_setup_dom0(&e);
	EXPECT_EQ(xt_raw(c, XS_WRITE, 0, req, sizeof(req) - 1, &r), 0);
	EXPECT_STREQ(r.data, "OK");
	EXPECT_EQ(xt_req(c, XS_READ, 0, &r, 1, "/bin"), 0);
	EXPECT_EQ(r.len, 3);
	EXPECT_MEMEQ(r.data, "x\0y", 3);
	xs_engine_fini(&e);
}

TEST(xs_mkdir_existing_is_noop)
{
	struct xs_engine e;
	struct xs_conn *c;
	char v[16];

	c = xt_setup_dom0(&e);
	EXPECT_EQ(xt_write(c, 0, "/m", "keep"), 0);
	EXPECT_EQ(xt_op1(c, XS_MKDIR, 0, "/m"), 0);
	EXPECT_EQ(xt_read(c, 0, "/m", v), 0);
	EXPECT_STREQ(v, "keep");
	EXPECT_EQ(xt_op1(c, XS_MKDIR, 0, "/m/n/o"), 0);
	EXPECT_EQ(xt_read(c, 0, "/m/n/o", v), 0);
	xs_engine_fini(&e);
}

TEST(xs_rm_is_recursive_and_checks_parent)
{
	struct xs_engine e;
	struct xs_conn *c;

	c = xt_setup_dom0(&e);
	EXPECT_EQ(xt_write(c, 0, "/r/a/b", "1"), 0);
	EXPECT_EQ(xt_op1(c, XS_RM, 0, "/r/a"), 0);
	EXPECT_EQ(xt_read(c, 0, "/r/a/b", NULL), -ENOENT);
	EXPECT_EQ(xt_read(c, 0, "/r", NULL), 0);
	EXPECT_EQ(xt_op1(c, XS_RM, 0, "/r/a"), 0); /* parent exists */
	EXPECT_EQ(xt_op1(c, XS_RM, 0, "/r/x/y"), -ENOENT); /* it doesn't */
	EXPECT_EQ(xt_op1(c, XS_RM, 0, "/"), -EINVAL);
	xs_engine_fini(&e);
}

TEST(xs_directory_too_big_needs_directory_part)
{
	struct xs_engine e;
	struct xs_conn *c;
	struct xt_msg r;
	char path[64], off[16], all[16384];
	size_t got = 0, len;
	int i, rounds = 0;

	c = xt_setup_dom0(&e);
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "/big/child-number-%04d", i);
		ASSERT_EQ(xt_write(c, 0, path, ""), 0);
	}
	EXPECT_EQ(xt_op1(c, XS_DIRECTORY, 0, "/big"), -E2BIG);
	for (;;) {
		snprintf(off, sizeof(off), "%zu", got);
		ASSERT_EQ(xt_req(c, XS_DIRECTORY_PART, 0, &r, 2, "/big", off),
			  0);
		len = strlen(r.data) + 1; /* generation count */
		ASSERT_TRUE(r.len > len);
		memcpy(all + got, r.data + len, r.len - len);
		got += r.len - len;
		ASSERT_TRUE(++rounds < 10);
		if (r.data[r.len - 1] == '\0' && r.data[r.len - 2] == '\0') {
			got--; /* the end marker */
			break;
		}
	}
	EXPECT_TRUE(rounds > 1);
	EXPECT_EQ(got, 300 * sizeof("child-number-0000"));
	EXPECT_EQ(memcmp(all, "child-number-0000", 18), 0);
	snprintf(off, sizeof(off), "%zu", got + 1);
	EXPECT_EQ(xt_req(c, XS_DIRECTORY_PART, 0, &r, 2, "/big", off), -EINVAL);
	xs_engine_fini(&e);
}

TEST(xs_malformed_requests_get_errors)
{
	struct xs_engine e;
	struct xs_conn *c;
	struct xt_msg r;

	c = xt_setup_dom0(&e);
	EXPECT_EQ(xt_raw(c, 20, 0, "x", 2, &r), -ENOSYS); /* RESTRICT */
	EXPECT_EQ(xt_raw(c, 999, 0, "x", 2, &r), -ENOSYS);
	EXPECT_EQ(xt_raw(c, XS_WATCH_EVENT, 0, "x", 2, &r), -ENOSYS);
	EXPECT_EQ(r.req_id, 77);
	EXPECT_EQ(xt_raw(c, XS_READ, 0, "/a", 2, &r), -EINVAL); /* no NUL */
	EXPECT_EQ(xt_raw(c, XS_READ, 0, "", 0, &r), -EINVAL);
	EXPECT_EQ(xt_raw(c, XS_READ, 0, "/a\0/b", 6, &r), -EINVAL);
	EXPECT_EQ(xt_raw(c, XS_WRITE, 0, "/a", 2, &r), -EINVAL);
	EXPECT_EQ(xt_op1(c, XS_READ, 0, "/bad path"), -EINVAL);
	EXPECT_EQ(xt_op1(c, XS_WRITE, 0, "/a//b"), -EINVAL);
	EXPECT_FALSE(c->dead);
	xs_engine_fini(&e);
}

TEST(xs_oversize_length_drops_connection)
{
	struct xs_engine e;
	struct xs_conn *c;
	struct xsd_sockmsg h = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };

	c = xt_setup_dom0(&e);
	EXPECT_EQ(xs_conn_feed(c, &h, sizeof(h)), -EINVAL);
	EXPECT_TRUE(c->dead);
	EXPECT_EQ(xs_conn_want(c), 0);
	xs_engine_reap(&e);
	EXPECT_TRUE(e.conns == NULL);
	xs_engine_fini(&e);
}

TEST(xs_byte_at_a_time_input_is_reassembled)
{
	struct xs_engine e;
	struct xs_conn *c;
	struct xt_msg r;
	struct xsd_sockmsg h = { XS_READ, 9, 0, sizeof("/tool") };
	uint8_t buf[64];
	size_t i;

	c = xt_setup_dom0(&e);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "/tool", sizeof("/tool"));
	for (i = 0; i < sizeof(h) + sizeof("/tool"); i++) {
		EXPECT_EQ(xs_conn_feed(c, buf + i, 1), 0);
	}
	ASSERT_EQ(xt_pop(c, &r), 1);
	EXPECT_EQ(r.type, XS_READ);
	EXPECT_EQ(r.req_id, 9);
	EXPECT_EQ(r.len, 0);
	xs_engine_fini(&e);
}

TEST(xs_control_help_and_unknown)
{
	struct xs_engine e;
	struct xs_conn *c, *d;
	struct xt_msg r;

	c = xt_setup_dom0(&e);
	d = xt_dom(&e, 4);
	EXPECT_EQ(xt_req(c, XS_CONTROL, 0, &r, 1, "help"), 0);
	EXPECT_TRUE(strstr(r.data, "print") != NULL);
	EXPECT_EQ(xt_req(c, XS_CONTROL, 0, &r, 1, "frobnicate"), -EINVAL);
	EXPECT_EQ(xt_req(d, XS_CONTROL, 0, &r, 1, "help"), -EACCES);
	xs_engine_fini(&e);
}

int main(int argc, char **argv)
{
	return ut_main(argc, argv);
}

/* Many children: found through the hash index, also after removals. */
TEST(xs_many_children_found_after_removals)
{
	struct xs_engine e;
	struct xs_conn *c;
	struct xt_msg r;
	char path[32], v[16];
	int i;

	c = xt_setup_dom0(&e);
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "/many/n%d", i);
		snprintf(v, sizeof(v), "%d", i);
		EXPECT_EQ(xt_write(c, 0, path, v), 0);
	}
	for (i = 0; i < 300; i += 3) {
		snprintf(path, sizeof(path), "/many/n%d", i);
		EXPECT_EQ(xt_op1(c, XS_RM, 0, path), 0);
	}
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "/many/n%d", i);
		if (i % 3 == 0) {
			EXPECT_EQ(xt_read(c, 0, path, v), -ENOENT);
			continue;
		}
		EXPECT_EQ(xt_read(c, 0, path, v), 0);
		EXPECT_EQ(strtol(v, NULL, 10), i);
	}
	/* Listing keeps creation order; re-created names go last. */
	EXPECT_EQ(xt_write(c, 0, "/many/n0", "again"), 0);
	EXPECT_EQ(xt_req(c, XS_DIRECTORY, 0, &r, 1, "/many"), 0);
	EXPECT_MEMEQ(r.data, "n1\0n2\0n4\0", 9);
	EXPECT_STREQ(r.data + r.len - 3, "n0");
	xs_engine_fini(&e);
}

/* Listings follow every change of the children. */
TEST(xs_directory_follows_child_changes)
{
	struct xs_engine e;
	struct xs_conn *c;
	struct xt_msg r;

	c = xt_setup_dom0(&e);
	EXPECT_EQ(xt_write(c, 0, "/d/a", "1"), 0);
	EXPECT_EQ(xt_req(c, XS_DIRECTORY, 0, &r, 1, "/d"), 0);
	EXPECT_EQ(r.len, 2);
	EXPECT_EQ(xt_write(c, 0, "/d/b", "2"), 0);
	EXPECT_EQ(xt_req(c, XS_DIRECTORY, 0, &r, 1, "/d"), 0);
	EXPECT_EQ(r.len, 4);
	EXPECT_MEMEQ(r.data, "a\0b", 4);
	EXPECT_EQ(xt_write(c, 0, "/d/a", "value only"), 0);
	EXPECT_EQ(xt_req(c, XS_DIRECTORY, 0, &r, 1, "/d"), 0);
	EXPECT_MEMEQ(r.data, "a\0b", 4);
	EXPECT_EQ(xt_op1(c, XS_RM, 0, "/d/a"), 0);
	EXPECT_EQ(xt_req(c, XS_DIRECTORY, 0, &r, 1, "/d"), 0);
	EXPECT_EQ(r.len, 2);
	EXPECT_MEMEQ(r.data, "b", 2);
	EXPECT_EQ(xt_req(c, XS_DIRECTORY_PART, 0, &r, 2, "/d", "0"), 0);
	EXPECT_STREQ(r.data + strlen(r.data) + 1, "b");
	EXPECT_EQ(xt_op1(c, XS_RM, 0, "/d/b"), 0);
	EXPECT_EQ(xt_req(c, XS_DIRECTORY, 0, &r, 1, "/d"), 0);
	EXPECT_EQ(r.len, 0);
	xs_engine_fini(&e);
}

TEST(xs_fmt_u32_prints_decimal)
{
	char out[11];

	xs_fmt_u32(0, out);
	EXPECT_STREQ(out, "0");
	xs_fmt_u32(7, out);
	EXPECT_STREQ(out, "7");
	xs_fmt_u32(1234567890, out);
	EXPECT_STREQ(out, "1234567890");
	xs_fmt_u32(UINT32_MAX, out);
	EXPECT_STREQ(out, "4294967295");
}
