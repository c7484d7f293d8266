// SPDX-License-Identifier: MIT
/*
 * The daemon's confinement (xs_sandbox.c) and its restricted io_uring.
 * Confinement cannot be undone, so each case runs in a child that enters
 * the sandbox and then tries one thing; the parent reads its exit status
 * and what it wrote to stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ut.h"
#include "xs_sandbox.h"
#include "xs_uring.h"

#define XT_REFUSED 70 /* the sandbox's exit status (xs_sandbox_sigsys) */
#define XT_NO_BOX 90 /* the child could not enter the sandbox */

struct xt_box {
	char dir[64];
	char sock[96];
	char outside[96]; /* a file beside the socket's directory */
	bool set_ids;
	int sv[2]; /* a connected pair the child keeps */
	pid_t parent;
	pid_t pid;
	int err_fd;
	int status;
	bool outside_left; /* the file beside the directory survived */
	char err[512];
};

static void xt_box_prepare(struct xt_box *b, bool set_ids)
{
	int fd;

	memset(b, 0, sizeof(*b));
	strcpy(b->dir, "/tmp/xs-box-XXXXXX");
	ASSERT_TRUE(mkdtemp(b->dir) != NULL);
	snprintf(b->sock, sizeof(b->sock), "%s/sock", b->dir);
	snprintf(b->outside, sizeof(b->outside), "%s.outside", b->dir);
	fd = open(b->sock, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ASSERT_TRUE(fd >= 0);
	close(fd);
	fd = open(b->outside, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ASSERT_TRUE(fd >= 0);
	close(fd);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, b->sv), 0);
	b->set_ids = set_ids;
	b->parent = getpid();
}

/* Fork a child that enters the sandbox and returns body()'s result. */
static void xt_box_start(struct xt_box *b, int (*body)(struct xt_box *b))
{
	static const uint32_t ioctls[] = { 0x00044504u }; /* evtchn notify */
	struct xs_sandbox sb = { .socket = b->sock,
				 .ioctls = ioctls,
				 .nioctls = 1,
				 .set_ids = b->set_ids,
				 .uid = 65534,
				 .gid = 65534 };
	const char *why;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	fflush(NULL);
	b->pid = fork();
	ASSERT_TRUE(b->pid >= 0);
	if (b->pid == 0) {
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		close(b->sv[0]);
		if (xs_sandbox_enter(&sb, &why)) {
			_exit(XT_NO_BOX);
		}
		_exit(body(b));
	}
	close(p[1]);
	close(b->sv[1]);
	b->err_fd = p[0];
}

static void xt_box_wait(struct xt_box *b)
{
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(b->err) - 1 &&
	       (r = read(b->err_fd, b->err + n, sizeof(b->err) - 1 - n)) > 0) {
		n += (size_t)r;
	}
	b->err[n] = '\0';
	close(b->err_fd);
	ASSERT_EQ(waitpid(b->pid, &b->status, 0), b->pid);
	close(b->sv[0]);
	b->outside_left = access(b->outside, F_OK) == 0;
	unlink(b->sock);
	unlink(b->outside);
	rmdir(b->dir);
}

/* The child's exit status, or -1 if it did not exit on its own. */
static int xt_box_run(int (*body)(struct xt_box *b), bool set_ids,
		      struct xt_box *b)
{
	xt_box_prepare(b, set_ids);
	xt_box_start(b, body);
	xt_box_wait(b);
	return WIFEXITED(b->status) ? WEXITSTATUS(b->status) : -1;
}

/* body() was stopped at system call nr, and the daemon said so. */
static void xt_expect_refused(int (*body)(struct xt_box *b), long nr)
{
	struct xt_box b;
	char want[64];

	EXPECT_EQ(xt_box_run(body, false, &b), XT_REFUSED);
	snprintf(want, sizeof(want), "refused system call %ld\n", nr);
	EXPECT_TRUE(strstr(b.err, want) != NULL);
}

/* ---- what a confined daemon still does -------------------------------- */

static int xt_serves(struct xt_box *b)
{
	char buf[8] = "";
	void *big, *page;
	uint32_t port = 1;

	/* Its own descriptors, memory, its own identity. */
	if (write(b->sv[1], "ping", 4) != 4 ||
	    recv(b->sv[1], buf, sizeof(buf), 0) != 4 ||
	    send(b->sv[1], buf, 4, MSG_NOSIGNAL) != 4) {
		return 1;
	}
	big = malloc(1 << 20);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!big || page == MAP_FAILED || mprotect(page, 4096, PROT_READ) ||
	    munmap(page, 4096)) {
		return 2;
	}
	free(big);
	/* A listed ioctl reaches the kernel (a socket does not know it). */
	if (ioctl(b->sv[1], 0x00044504u, &port) != -1 || errno != ENOTTY) {
		return 3;
	}
	if (getpid() <= 0 || close(b->sv[1])) {
		return 4;
	}
	return 0;
}

TEST(xs_sandbox_keeps_descriptors_memory_and_listed_ioctls)
{
	struct xt_box b;
	char buf[8] = "";

	xt_box_prepare(&b, false);
	xt_box_start(&b, xt_serves);
	ASSERT_EQ(read(b.sv[0], buf, 4), 4);
	ASSERT_EQ(write(b.sv[0], "pong", 4), 4);
	ASSERT_EQ(read(b.sv[0], buf, 4), 4);
	EXPECT_EQ(memcmp(buf, "pong", 4), 0);
	xt_box_wait(&b);
	EXPECT_TRUE(WIFEXITED(b.status));
	EXPECT_EQ(WEXITSTATUS(b.status), 0);
	EXPECT_STREQ(b.err, "");
}

/* ---- what it no longer does ------------------------------------------- */

static int xt_opens_a_file(struct xt_box *b)
{
	(void)b;
	return (int)syscall(__NR_openat, AT_FDCWD, "/", O_RDONLY) >= 0 ? 0 : 1;
}

static int xt_makes_a_socket(struct xt_box *b)
{
	(void)b;
	return (int)syscall(__NR_socket, AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1;
}

static int xt_makes_a_ring(struct xt_box *b)
{
	struct io_uring_params p;

	(void)b;
	memset(&p, 0, sizeof(p));
	return syscall(__NR_io_uring_setup, 4, &p) >= 0 ? 0 : 1;
}

static int xt_starts_a_process(struct xt_box *b)
{
	(void)b;
	return syscall(__NR_clone, SIGCHLD, 0, 0, 0, 0) >= 0 ? 0 : 1;
}

static int xt_runs_a_program(struct xt_box *b)
{
	char *argv[] = { "/bin/true", NULL };

	(void)b;
	return (int)syscall(__NR_execve, argv[0], argv, NULL);
}

TEST(xs_sandbox_refuses_files_sockets_rings_and_processes)
{
	xt_expect_refused(xt_opens_a_file, __NR_openat);
	xt_expect_refused(xt_makes_a_socket, __NR_socket);
	xt_expect_refused(xt_makes_a_ring, __NR_io_uring_setup);
	xt_expect_refused(xt_starts_a_process, __NR_clone);
	xt_expect_refused(xt_runs_a_program, __NR_execve);
}

static int xt_maps_code(struct xt_box *b)
{
	(void)b;
	return mmap(NULL, 4096, PROT_READ | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED;
}

static int xt_makes_code(struct xt_box *b)
{
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)b;
	return page != MAP_FAILED && mprotect(page, 4096, PROT_EXEC) == 0;
}

TEST(xs_sandbox_refuses_executable_memory)
{
	xt_expect_refused(xt_maps_code, __NR_mmap);
	xt_expect_refused(xt_makes_code, __NR_mprotect);
}

static int xt_pushes_terminal_input(struct xt_box *b)
{
	char c = 'x';

	return ioctl(b->sv[1], TIOCSTI, &c) == 0;
}

static int xt_signals_parent(struct xt_box *b)
{
	return kill(b->parent, 0) == 0;
}

static int xt_signals_parent_thread(struct xt_box *b)
{
	return (int)syscall(__NR_tgkill, b->parent, b->parent, 0) == 0;
}

static int xt_changes_user(struct xt_box *b)
{
	(void)b;
	return (int)syscall(__NR_setresuid, 0, 0, 0) == 0;
}

TEST(xs_sandbox_refuses_other_ioctls_signals_and_credentials)
{
	xt_expect_refused(xt_pushes_terminal_input, __NR_ioctl);
	xt_expect_refused(xt_signals_parent, __NR_kill);
	xt_expect_refused(xt_signals_parent_thread, __NR_tgkill);
	xt_expect_refused(xt_changes_user, __NR_setresuid);
}

/* ---- root, user, capabilities ------------------------------------------ */

/*
 * Remove the file beside the directory, then the socket: 0 if the first
 * is out of reach (.. of the root is the root) and the second is not.
 */
static int xt_removes(struct xt_box *b)
{
	char beside[96];

	snprintf(beside, sizeof(beside), "../%s.outside",
		 strrchr(b->dir, '/') + 1);
	if (unlink(beside) == 0 || errno != ENOENT) {
		return 1;
	}
	return unlink("/sock") == 0 ? 0 : 2;
}

TEST(xs_sandbox_roots_in_the_socket_directory)
{
	struct xt_box b;

	if (geteuid() != 0) {
		printf("  (not root: no chroot, unlink refused)\n");
		xt_expect_refused(xt_removes, __NR_unlink);
		return;
	}
	EXPECT_EQ(xt_box_run(xt_removes, false, &b), 0);
	EXPECT_TRUE(b.outside_left);
	EXPECT_STREQ(b.err, "");
}

/* Wait for the parent to have looked at /proc, then exit. */
static int xt_waits(struct xt_box *b)
{
	char c;

	if (write(b->sv[1], "r", 1) != 1 || read(b->sv[1], &c, 1) != 1) {
		return 1;
	}
	return 0;
}

static bool xt_status_has(pid_t pid, const char *line)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return false;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, line) != NULL;
}

TEST(xs_sandbox_drops_capabilities_user_and_new_privileges)
{
	bool root = geteuid() == 0;
	struct xt_box b;
	char c;

	xt_box_prepare(&b, root);
	xt_box_start(&b, xt_waits);
	ASSERT_EQ(read(b.sv[0], &c, 1), 1);
	EXPECT_TRUE(xt_status_has(b.pid, "CapEff:\t0000000000000000\n"));
	EXPECT_TRUE(xt_status_has(b.pid, "CapPrm:\t0000000000000000\n"));
	EXPECT_TRUE(xt_status_has(b.pid, "CapAmb:\t0000000000000000\n"));
	if (root) {
		EXPECT_TRUE(
			xt_status_has(b.pid, "CapBnd:\t0000000000000000\n"));
		EXPECT_TRUE(xt_status_has(b.pid, "Uid:\t65534\t65534\t65534"));
		EXPECT_TRUE(xt_status_has(b.pid, "Gid:\t65534\t65534\t65534"));
		EXPECT_TRUE(xt_status_has(b.pid, "Groups:\t\n") ||
			    xt_status_has(b.pid, "Groups:\t \n"));
	}
	EXPECT_TRUE(xt_status_has(b.pid, "NoNewPrivs:\t1\n"));
	EXPECT_TRUE(xt_status_has(b.pid, "Seccomp:\t2\n"));
	ASSERT_EQ(write(b.sv[0], "x", 1), 1);
	xt_box_wait(&b);
	EXPECT_TRUE(WIFEXITED(b.status));
	EXPECT_EQ(WEXITSTATUS(b.status), 0);
}

/* ---- the restricted ring ------------------------------------------------ */

/* Submit one entry of opcode and return its completion's result. */
static int32_t xt_ring_try(struct xs_uring *r, uint8_t opcode)
{
	const struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe = xs_uring_sqe(r, opcode, -1, 7);
	int32_t res;

	ASSERT_TRUE(sqe != NULL);
	if (opcode == IORING_OP_OPENAT) {
		sqe->fd = AT_FDCWD;
		sqe->addr = (uint64_t)(uintptr_t) "/";
	}
	ASSERT_EQ(xs_uring_enter(r, 1, 1000), 0);
	cqe = xs_uring_cqe(r);
	ASSERT_TRUE(cqe != NULL);
	res = cqe->res;
	xs_uring_cqe_seen(r);
	return res;
}

TEST(xs_uring_performs_only_the_listed_operations)
{
	static const uint8_t ops[] = { IORING_OP_NOP };
	struct xs_uring r;

	if (xs_uring_init(&r, 4, ops, sizeof(ops))) {
		printf("  (no io_uring here)\n");
		return;
	}
	EXPECT_EQ(xt_ring_try(&r, IORING_OP_NOP), 0);
	EXPECT_EQ(xt_ring_try(&r, IORING_OP_OPENAT), -EACCES);
	EXPECT_EQ(xt_ring_try(&r, IORING_OP_CONNECT), -EACCES);
	/* Nothing more can be registered (files, buffers, restrictions). */
	EXPECT_EQ(syscall(__NR_io_uring_register, r.fd, IORING_REGISTER_PROBE,
			  NULL, 0),
		  -1);
	EXPECT_EQ(errno, EACCES);
	xs_uring_fini(&r);
	EXPECT_EQ(xs_uring_init(&r, 4, NULL, 0), -EINVAL);
}
