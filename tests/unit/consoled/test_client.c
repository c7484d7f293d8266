/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
/* The `xl console` client over a real pty, driven through pipes. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "console_client.h"
#include "ct_plat.h"
#include "ut.h"
#include "xs_client.h"

struct ct_client {
	int master; /* the daemon's side */
	int to_client, from_client; /* the user's side */
	pid_t pid;
};

/* A raw pty and a client attached to its slave in a child process. */
static void ct_client_start(struct ct_client *cc)
{
	int in[2], out[2], slave;
	struct termios t;
	char *tty;

	cc->master = posix_openpt(O_RDWR | O_NOCTTY);
	ASSERT_TRUE(cc->master >= 0);
	ASSERT_EQ(grantpt(cc->master), 0);
	ASSERT_EQ(unlockpt(cc->master), 0);
	tty = ptsname(cc->master);
	ASSERT_TRUE(tty != NULL);
	slave = open(tty, O_RDWR | O_NOCTTY);
	ASSERT_TRUE(slave >= 0);
	ASSERT_EQ(tcgetattr(slave, &t), 0);
	cfmakeraw(&t);
	ASSERT_EQ(tcsetattr(slave, TCSANOW, &t), 0);
	ASSERT_EQ(pipe(in), 0);
	ASSERT_EQ(pipe(out), 0);
	cc->pid = fork();
	ASSERT_TRUE(cc->pid >= 0);
	if (cc->pid == 0) {
		close(in[1]);
		close(out[0]);
		close(cc->master);
		alarm(10);
		_exit(sable_console_attach_fds(7, tty, in[0], out[1]) == 0 ? 0
									   : 1);
	}
	close(slave);
	close(in[0]);
	close(out[1]);
	cc->to_client = in[1];
	cc->from_client = out[0];
}

static int ct_client_wait(struct ct_client *cc)
{
	int status = 0;

	waitpid(cc->pid, &status, 0);
	close(cc->to_client);
	close(cc->from_client);
	if (cc->master >= 0) {
		close(cc->master);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Read exactly @len bytes within a few seconds. */
static ssize_t ct_read_n(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 5000) <= 0) {
			break;
		}
		n = read(fd, buf + got, len - got);
		if (n <= 0) {
			break;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

TEST(console_client_copies_both_ways_and_detaches_on_ctrl_bracket)
{
	struct ct_client cc;
	char buf[64];

	ct_client_start(&cc);
	EXPECT_EQ(write(cc.master, "login: ", 7), 7);
	EXPECT_EQ(ct_read_n(cc.from_client, buf, 7), 7);
	EXPECT_MEMEQ(buf, "login: ", 7);
	/* Everything before Ctrl-] reaches the domain, nothing after. */
	EXPECT_EQ(write(cc.to_client, "root\r\x1dnever", 11), 11);
	EXPECT_EQ(ct_read_n(cc.master, buf, 5), 5);
	EXPECT_MEMEQ(buf, "root\r", 5);
	EXPECT_EQ(ct_client_wait(&cc), 0);
}

TEST(console_client_passes_control_bytes_through)
{
	struct ct_client cc;
	const char seq[] = "\x1b[2J\x03\x04\r\n";
	char buf[16];

	ct_client_start(&cc);
	EXPECT_EQ(write(cc.master, seq, sizeof(seq) - 1),
		  (ssize_t)sizeof(seq) - 1);
	EXPECT_EQ(ct_read_n(cc.from_client, buf, sizeof(seq) - 1),
		  (ssize_t)sizeof(seq) - 1);
	EXPECT_MEMEQ(buf, seq, sizeof(seq) - 1);
	EXPECT_EQ(write(cc.to_client, "\x03\x1b", 2), 2);
	EXPECT_EQ(ct_read_n(cc.master, buf, 2), 2);
	EXPECT_MEMEQ(buf, "\x03\x1b", 2);
	close(cc.to_client);
	cc.to_client = open("/dev/null", O_RDONLY);
	EXPECT_EQ(ct_client_wait(&cc), 0); /* end of input ends it */
}

TEST(console_client_ends_when_the_domain_goes)
{
	struct ct_client cc;
	char buf[8];

	ct_client_start(&cc);
	EXPECT_EQ(write(cc.master, "up", 2), 2);
	EXPECT_EQ(ct_read_n(cc.from_client, buf, 2), 2); /* attached */
	close(cc.master); /* the daemon closes the pty */
	cc.master = -1;
	EXPECT_EQ(ct_client_wait(&cc), 0);
}

TEST(console_client_opens_nothing_but_a_pty)
{
	int in[2];

	ASSERT_EQ(pipe(in), 0);
	EXPECT_EQ(sable_console_attach_fds(3, "/dev/pts/99999", in[0], in[1]),
		  -1);
	/* Paths a guest might write into its console/tty node. */
	EXPECT_EQ(sable_console_attach_fds(3, "/etc/passwd", in[0], in[1]), -1);
	EXPECT_EQ(sable_console_attach_fds(3, "/dev/pts/../../etc/passwd",
					   in[0], in[1]),
		  -1);
	EXPECT_EQ(sable_console_attach_fds(3, "/dev/pts/", in[0], in[1]), -1);
	EXPECT_EQ(sable_console_attach_fds(3, "/dev/pts/ptmx", in[0], in[1]),
		  -1);
	EXPECT_EQ(sable_console_attach_fds(3, "/dev/null", in[0], in[1]), -1);
	close(in[0]);
	close(in[1]);
}

TEST(console_tty_waits_for_the_node)
{
	const char *sock = ct_xenstored();
	struct xs_client c;
	char tty[64];

	ASSERT_TRUE(sock != NULL);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	EXPECT_EQ(sable_console_tty(&c, 9, tty, sizeof(tty), 200), -ENOENT);
	ASSERT_EQ(xs_client_write(&c, 0, "/local/domain/9/console/tty",
				  "/dev/pts/9"),
		  0);
	EXPECT_EQ(sable_console_tty(&c, 9, tty, sizeof(tty), 200), 0);
	EXPECT_STREQ(tty, "/dev/pts/9");
	xs_client_rm(&c, 0, "/local/domain/9");
	xs_client_close(&c);
}
