/* SPDX-License-Identifier: MIT */
/* Per-domain console logs: names, cap and one rotation. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cons_log.h"
#include "ut.h"

static long ct_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

TEST(consoled_log_names_are_safe_file_names)
{
	char out[64];

	cons_log_name("demo", 3, out, sizeof(out));
	EXPECT_STREQ(out, "demo");
	cons_log_name("../../etc/passwd", 3, out, sizeof(out));
	EXPECT_STREQ(out, "_._.._etc_passwd");
	cons_log_name("", 7, out, sizeof(out));
	EXPECT_STREQ(out, "domain-7");
	cons_log_name(NULL, 8, out, sizeof(out));
	EXPECT_STREQ(out, "domain-8");
	cons_log_name("a b\n\x1b[2J", 1, out, sizeof(out));
	EXPECT_STREQ(out, "a_b___2J");
	cons_log_name("abcdefghijklmnopqrstuvwxyz", 1, out, 16);
	EXPECT_STREQ(out, "abcdefghijklmno");
}

TEST(consoled_log_is_capped_and_rotated_once)
{
	char dir[] = "/tmp/sable-consoled-log-XXXXXX";
	char cur[128], old[128], old2[128];
	struct cons_log l;
	char chunk[70];
	int i;

	ASSERT_TRUE(mkdtemp(dir) != NULL);
	memset(chunk, 'q', sizeof(chunk));
	ASSERT_EQ(cons_log_open(&l, dir, "demo", 100), 0);
	snprintf(cur, sizeof(cur), "%s/guest-demo.log", dir);
	snprintf(old, sizeof(old), "%s/guest-demo.log.1", dir);
	snprintf(old2, sizeof(old2), "%s/guest-demo.log.1.1", dir);
	EXPECT_EQ(cons_log_write(&l, chunk, 70), 0);
	EXPECT_EQ(ct_size(cur), 70);
	EXPECT_EQ(ct_size(old), -1);
	EXPECT_EQ(cons_log_write(&l, chunk, 70), 0); /* 100 full, 40 new */
	EXPECT_EQ(ct_size(old), 100);
	EXPECT_EQ(ct_size(cur), 40);
	for (i = 0; i < 20; i++) {
		EXPECT_EQ(cons_log_write(&l, chunk, 70), 0);
	}
	/* Never more than two files of at most the cap. */
	EXPECT_LE(ct_size(cur), 100);
	EXPECT_EQ(ct_size(old), 100);
	EXPECT_EQ(ct_size(old2), -1);
	EXPECT_EQ(l.rotations, 15u);
	cons_log_close(&l);
	/* Opening again appends to what is there. */
	ASSERT_EQ(cons_log_open(&l, dir, "demo", 100), 0);
	EXPECT_EQ((long)l.size, ct_size(cur));
	cons_log_close(&l);
	unlink(cur);
	unlink(old);
	rmdir(dir);
}

TEST(consoled_log_in_a_missing_directory_is_an_error)
{
	struct cons_log l;

	EXPECT_LT(cons_log_open(&l, "/nonexistent/sable", "demo", 100), 0);
	EXPECT_EQ(l.fd, -1);
	EXPECT_LT(cons_log_write(&l, "x", 1), 0);
	cons_log_close(&l);
}
