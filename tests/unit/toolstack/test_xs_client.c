/* SPDX-License-Identifier: MIT */
/* The XenStore client against the host build of Sable's xenstored. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <public/io/xs_wire.h>

#include "ts_helpers.h"
#include "ut.h"
#include "xs_client.h"

static void connect_daemon(struct xs_client *c)
{
	const char *path = ts_daemon();

	ASSERT_TRUE(path != NULL);
	ASSERT_EQ(xs_client_open(c, path, 5), 0);
}

TEST(xs_client_writes_reads_and_names_errors)
{
	struct xs_client c;
	char buf[64];

	connect_daemon(&c);
	EXPECT_EQ(xs_client_write(&c, 0, "/xsc/a", "value"), 0);
	EXPECT_EQ(xs_client_read(&c, 0, "/xsc/a", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "value");
	EXPECT_EQ(xs_client_read(&c, 0, "/xsc/none", buf, sizeof(buf)),
		  -ENOENT);
	EXPECT_STREQ(c.err, "ENOENT");
	EXPECT_EQ(xs_client_write(&c, 0, "/xsc/bad path", "x"), -EINVAL);
	EXPECT_STREQ(c.err, "EINVAL");
	EXPECT_EQ(xs_client_rm(&c, 0, "/xsc"), 0);
	EXPECT_EQ(xs_client_read(&c, 0, "/xsc/a", buf, sizeof(buf)), -ENOENT);
	xs_client_close(&c);
}

TEST(xs_client_reply_too_big_for_buffer_is_e2big)
{
	struct xs_client c;
	char buf[4];

	connect_daemon(&c);
	EXPECT_EQ(xs_client_write(&c, 0, "/xsc2/a", "four"), 0);
	EXPECT_EQ(xs_client_read(&c, 0, "/xsc2/a", buf, sizeof(buf)), -E2BIG);
	/* The connection is still in step: the next reply is the right one. */
	EXPECT_EQ(xs_client_read(&c, 0, "/xsc2/a", buf, 2), -E2BIG);
	EXPECT_EQ(xs_client_write(&c, 0, "/xsc2/a", "ok"), 0);
	EXPECT_EQ(xs_client_read(&c, 0, "/xsc2/a", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "ok");
	xs_client_rm(&c, 0, "/xsc2");
	xs_client_close(&c);
}

TEST(xs_client_sets_and_gets_permissions)
{
	const char *perms[] = { "n0", "r9", "b4" };
	struct xs_client c;
	char buf[64];

	connect_daemon(&c);
	EXPECT_EQ(xs_client_write(&c, 0, "/xsc3/p", ""), 0);
	EXPECT_EQ(xs_client_set_perms(&c, 0, "/xsc3/p", perms, 3), 0);
	EXPECT_EQ(xs_client_get_perms(&c, 0, "/xsc3/p", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "n0,r9,b4");
	EXPECT_EQ(xs_client_set_perms(&c, 0, "/xsc3/p", perms + 1, 1), 0);
	EXPECT_EQ(xs_client_get_perms(&c, 0, "/xsc3/p", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "r9");
	xs_client_rm(&c, 0, "/xsc3");
	xs_client_close(&c);
}

TEST(xs_client_conflicting_commit_is_eagain)
{
	struct xs_client a, b;
	uint32_t ta, tb;
	char buf[16];

	connect_daemon(&a);
	connect_daemon(&b);
	EXPECT_EQ(xs_client_write(&a, 0, "/xsc4/k", "0"), 0);
	ASSERT_EQ(xs_client_txn_start(&a, &ta), 0);
	ASSERT_EQ(xs_client_txn_start(&b, &tb), 0);
	EXPECT_EQ(xs_client_read(&a, ta, "/xsc4/k", buf, sizeof(buf)), 0);
	EXPECT_EQ(xs_client_read(&b, tb, "/xsc4/k", buf, sizeof(buf)), 0);
	EXPECT_EQ(xs_client_write(&a, ta, "/xsc4/k", "a"), 0);
	EXPECT_EQ(xs_client_write(&b, tb, "/xsc4/k", "b"), 0);
	EXPECT_EQ(xs_client_txn_end(&a, ta, true), 0);
	EXPECT_EQ(xs_client_txn_end(&b, tb, true), -EAGAIN);
	EXPECT_STREQ(b.err, "EAGAIN");
	EXPECT_EQ(xs_client_read(&b, 0, "/xsc4/k", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "a");
	xs_client_rm(&a, 0, "/xsc4");
	xs_client_close(&a);
	xs_client_close(&b);
}

TEST(xs_client_domain_requests)
{
	struct xs_client c;
	bool known = false;

	connect_daemon(&c);
	EXPECT_EQ(xs_client_is_introduced(&c, 0, &known), 0);
	EXPECT_TRUE(known);
	EXPECT_EQ(xs_client_is_introduced(&c, 12, &known), 0);
	EXPECT_FALSE(known);
	/* The host daemon has no hypervisor to map a ring with. */
	EXPECT_NE(xs_client_introduce(&c, 12, 0x39001, 3), 0);
	EXPECT_TRUE(c.err[0] != '\0');
	xs_client_close(&c);
}

TEST(xs_client_open_missing_socket_fails)
{
	struct xs_client c;
	const char *path = ts_nowhere();

	ASSERT_TRUE(path != NULL);
	EXPECT_EQ(xs_client_open(&c, path, 1), -ENOENT);
	EXPECT_EQ(c.fd, -1);
	xs_client_close(&c);
}

/* A xenstored that answers its first request only after 1.5 s. */
static void *slow_serve(void *arg)
{
	int lfd = (int)(intptr_t)arg, fd, i;
	char body[XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg h;
	const char *val[2] = { "late", "fresh" };

	fd = accept(lfd, NULL, NULL);
	for (i = 0; fd >= 0 && i < 2; i++) {
		if (read(fd, &h, sizeof(h)) != sizeof(h) ||
		    read(fd, body, h.len) != (ssize_t)h.len) {
			break;
		}
		if (i == 0) {
			usleep(1500 * 1000);
		}
		h.len = (uint32_t)strlen(val[i]);
		if (write(fd, &h, sizeof(h)) != sizeof(h) ||
		    write(fd, val[i], h.len) != (ssize_t)h.len) {
			break;
		}
	}
	if (fd >= 0) {
		close(fd);
	}
	return NULL;
}

/*
 * A reply that comes after its request timed out (xenstored busy for
 * longer than the client waits) is skipped: the next request gets its
 * own reply, so a long-lived client (the console daemon) stays usable.
 */
TEST(xs_client_skips_a_reply_that_came_after_its_timeout)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct xs_client c;
	char buf[16];
	pthread_t t;
	int lfd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/ts-slow-xs-%d",
		 (int)getpid());
	unlink(sa.sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_TRUE(lfd >= 0);
	ASSERT_EQ(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ASSERT_EQ(listen(lfd, 1), 0);
	ASSERT_EQ(pthread_create(&t, NULL, slow_serve, (void *)(intptr_t)lfd),
		  0);
	ASSERT_EQ(xs_client_open(&c, sa.sun_path, 1), 0);
	EXPECT_EQ(xs_client_read(&c, 0, "/a", buf, sizeof(buf)), -ETIMEDOUT);
	EXPECT_EQ(xs_client_read(&c, 0, "/b", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "fresh");
	xs_client_close(&c);
	pthread_join(t, NULL);
	close(lfd);
	unlink(sa.sun_path);
}
