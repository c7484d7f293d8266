// SPDX-License-Identifier: MIT
/*
 * The daemon's confinement: chroot(2) to the socket's directory, no
 * capabilities (bounding, ambient, permitted, effective), optionally
 * another user, no new privileges, not dumpable, and a seccomp(2) filter
 * (Linux Documentation/userspace-api/seccomp_filter.rst). A refused system
 * call raises SIGSYS; the daemon says which one and exits.
 *
 * What is left is what serving needs: reading and writing descriptors it
 * has, accepting clients, its event loop, memory that is never executable,
 * the ioctl commands the caller lists (the event-channel, gntdev and
 * privcmd commands of xs_xen_ioctls()), and removing its socket from its
 * own root. Nothing opens a path, creates a
 * socket or ring, starts a process or thread, signals another process or
 * changes credentials.
 */
#define _GNU_SOURCE /* setresuid(2), setresgid(2) */
#include <errno.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xs_sandbox.h"

#if defined(__x86_64__)
#define XS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define XS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "xs_sandbox: no seccomp architecture for this target"
#endif

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "argument low words are read at their offset");

/*
 * System calls allowed whatever their arguments, those of every request
 * first (the filter compares in this order). Some exist on one
 * architecture only (arm64 has no epoll_wait; glibc may use either).
 */
static const long xs_sandbox_calls[] = {
	__NR_io_uring_enter,
	__NR_recvfrom,
	__NR_sendto,
#ifdef __NR_epoll_wait
	__NR_epoll_wait,
#endif
	__NR_epoll_pwait,
	__NR_epoll_ctl,
	__NR_read,
	__NR_write,
	__NR_writev,
	__NR_accept4,
	__NR_shutdown,
	__NR_close,
	__NR_brk,
	__NR_munmap,
	__NR_mremap,
	__NR_madvise,
	__NR_futex,
	__NR_sched_yield,
	__NR_getrandom,
	__NR_clock_gettime,
	__NR_getpid,
	__NR_gettid,
	__NR_rt_sigprocmask,
	__NR_rt_sigreturn,
	__NR_sigaltstack, /* the address sanitizer asks before noreturn calls */
	__NR_restart_syscall,
	__NR_exit,
	__NR_exit_group,
};

#define XS_BPF_MAX 160
#define XS_DENY SECCOMP_RET_TRAP
#define XS_ARG_LO(i) ((uint32_t)offsetof(struct seccomp_data, args[i]))

struct xs_bpf {
	struct sock_filter ins[XS_BPF_MAX];
	unsigned n;
	bool overflow;
};

static bool xs_sandbox_on;

static void xs_bpf_emit(struct xs_bpf *b, uint16_t code, uint8_t jt, uint8_t jf,
			uint32_t k)
{
	if (b->n == XS_BPF_MAX) {
		b->overflow = true;
		return;
	}
	b->ins[b->n++] = (struct sock_filter){ code, jt, jf, k };
}

static void xs_bpf_ret(struct xs_bpf *b, uint32_t action)
{
	xs_bpf_emit(b, BPF_RET | BPF_K, 0, 0, action);
}

/* The accumulator holds the number: allow it outright. */
static void xs_bpf_allow_nr(struct xs_bpf *b, long nr)
{
	xs_bpf_emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)nr);
	xs_bpf_ret(b, SECCOMP_RET_ALLOW);
}

/*
 * Open a block taken for system call nr; the block ends in a return, and
 * xs_bpf_end() makes every other number jump past it.
 */
static unsigned xs_bpf_begin(struct xs_bpf *b, long nr)
{
	unsigned at = b->n;

	xs_bpf_emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, (uint32_t)nr);
	return at;
}

static void xs_bpf_end(struct xs_bpf *b, unsigned at)
{
	unsigned skip = b->n - at - 1;

	if (skip > 255 || b->overflow) {
		b->overflow = true;
		return;
	}
	b->ins[at].jf = (uint8_t)skip;
}

/* Allow nr only if argument arg (low word) has none of the bits in mask. */
static void xs_bpf_arg_clear(struct xs_bpf *b, long nr, unsigned arg,
			     uint32_t mask)
{
	unsigned at = xs_bpf_begin(b, nr);

	xs_bpf_emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, XS_ARG_LO(arg));
	xs_bpf_emit(b, BPF_JMP | BPF_JSET | BPF_K, 0, 1, mask);
	xs_bpf_ret(b, XS_DENY);
	xs_bpf_ret(b, SECCOMP_RET_ALLOW);
	xs_bpf_end(b, at);
}

/* Allow nr only if argument arg (low word) is one of vals. */
static void xs_bpf_arg_in(struct xs_bpf *b, long nr, unsigned arg,
			  const uint32_t *vals, unsigned nvals)
{
	unsigned at = xs_bpf_begin(b, nr), i;

	xs_bpf_emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, XS_ARG_LO(arg));
	for (i = 0; i < nvals; i++) {
		xs_bpf_emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, vals[i]);
		xs_bpf_ret(b, SECCOMP_RET_ALLOW);
	}
	xs_bpf_ret(b, XS_DENY);
	xs_bpf_end(b, at);
}

/*
 * The filter. Another architecture's calling convention (and on x86-64
 * the x32 numbers) is refused before any number is compared. Arguments
 * are compared on their low 32 bits, which is all the kernel reads of an
 * ioctl command, a protection or a process id.
 */
static void xs_sandbox_filter(struct xs_bpf *b, const struct xs_sandbox *sb,
			      bool may_unlink)
{
	const uint32_t self = (uint32_t)getpid();
	unsigned i;

	xs_bpf_emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0,
		    offsetof(struct seccomp_data, arch));
	xs_bpf_emit(b, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, XS_AUDIT_ARCH);
	xs_bpf_ret(b, SECCOMP_RET_KILL_PROCESS);
	xs_bpf_emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0,
		    offsetof(struct seccomp_data, nr));
	xs_bpf_emit(b, BPF_JMP | BPF_JGE | BPF_K, 0, 1, 0x40000000u);
	xs_bpf_ret(b, SECCOMP_RET_KILL_PROCESS);
	for (i = 0; i < sizeof(xs_sandbox_calls) / sizeof(long); i++) {
		xs_bpf_allow_nr(b, xs_sandbox_calls[i]);
	}
	/* Memory is never executable: no new code. */
	xs_bpf_arg_clear(b, __NR_mmap, 2, PROT_EXEC);
	xs_bpf_arg_clear(b, __NR_mprotect, 2, PROT_EXEC);
	if (sb->nioctls) {
		xs_bpf_arg_in(b, __NR_ioctl, 1, sb->ioctls, sb->nioctls);
	}
	/* abort(3) signals the process itself, nobody else. */
	xs_bpf_arg_in(b, __NR_tgkill, 0, &self, 1);
	if (may_unlink) {
#ifdef __NR_unlink
		xs_bpf_allow_nr(b, __NR_unlink);
#endif
		xs_bpf_allow_nr(b, __NR_unlinkat);
	}
	xs_bpf_ret(b, XS_DENY);
}

/* Async-signal-safe: one line naming the call, then exit. */
static void xs_sandbox_sigsys(int sig, siginfo_t *si, void *uc)
{
	char line[64] = "xenstored: sandbox refused system call ";
	size_t n = strlen(line);
	char digits[12];
	unsigned nr = (unsigned)si->si_syscall, k = 0;

	(void)sig;
	(void)uc;
	do {
		digits[k++] = (char)('0' + nr % 10);
		nr /= 10;
	} while (nr && k < sizeof(digits));
	while (k) {
		line[n++] = digits[--k];
	}
	line[n++] = '\n';
	if (write(2, line, n) < 0) {
		/* nothing more to say */
	}
	_exit(70);
}

/* Root the process in the socket's directory; the socket's new name. */
static int xs_sandbox_chroot(struct xs_sandbox *sb)
{
	char dir[sizeof(sb->socket_name)];
	const char *slash = strrchr(sb->socket, '/');
	struct stat here, top;
	size_t len;

	if (strlen(sb->socket) >= sizeof(dir)) {
		return -ENAMETOOLONG;
	}
	if (!slash) {
		strcpy(dir, ".");
	} else {
		len = slash == sb->socket ? 1 : (size_t)(slash - sb->socket);
		memcpy(dir, sb->socket, len);
		dir[len] = '\0';
	}
	if (stat(dir, &here) || stat("/", &top)) {
		return -errno;
	}
	if (chroot(dir) || chdir("/")) {
		return -errno;
	}
	/* Rooted in the real root: confined to nothing, removes nothing. */
	sb->chrooted = here.st_dev != top.st_dev || here.st_ino != top.st_ino;
	snprintf(sb->socket_name, sizeof(sb->socket_name), "/%s",
		 slash ? slash + 1 : sb->socket);
	return 0;
}

/* Bounding and ambient sets first (they need CAP_SETPCAP), then the rest. */
static int xs_sandbox_caps(const struct xs_sandbox *sb, const char **why)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	unsigned long cap;

	for (cap = 0; cap < 64; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL) {
			break; /* past the last capability */
		}
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (sb->set_ids) {
		*why = "user and groups";
		if (setgroups(0, NULL) ||
		    setresgid(sb->gid, sb->gid, sb->gid) ||
		    setresuid(sb->uid, sb->uid, sb->uid)) {
			return -errno;
		}
	}
	*why = "capabilities";
	memset(data, 0, sizeof(data));
	if (syscall(__NR_capset, &hdr, data)) {
		return -errno;
	}
	return 0;
}

static int xs_sandbox_seccomp(const struct xs_sandbox *sb, const char **why)
{
	struct sigaction sa = { .sa_sigaction = xs_sandbox_sigsys,
				.sa_flags = SA_SIGINFO };
	struct sock_fprog prog;
	struct xs_bpf b;

	*why = "seccomp filter";
	if (sb->nioctls > XS_SANDBOX_MAX_IOCTLS) {
		return -E2BIG;
	}
	memset(&b, 0, sizeof(b));
	xs_sandbox_filter(&b, sb, sb->chrooted);
	if (b.overflow) {
		return -E2BIG;
	}
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL)) {
		return -errno;
	}
	prog.len = (unsigned short)b.n;
	prog.filter = b.ins;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0)) {
		return -errno;
	}
	return 0;
}

int xs_sandbox_enter(struct xs_sandbox *sb, const char **why)
{
	int rc;

	sb->chrooted = false;
	sb->socket_name[0] = '\0';
	*why = "chroot to the socket's directory";
	rc = xs_sandbox_chroot(sb);
	if (rc && rc != -EPERM) {
		return rc;
	}
	rc = xs_sandbox_caps(sb, why);
	if (rc) {
		return rc;
	}
	*why = "not dumpable";
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		return -errno;
	}
	rc = xs_sandbox_seccomp(sb, why);
	if (rc) {
		return rc;
	}
	xs_sandbox_on = true;
	return 0;
}

const char *xs_sandbox_socket_path(const struct xs_sandbox *sb)
{
	if (!xs_sandbox_on) {
		return sb->socket;
	}
	return sb->chrooted ? sb->socket_name : NULL;
}

#if defined(__SANITIZE_ADDRESS__)
/*
 * The sanitizer's leak check at exit stops the process with ptrace(2) and
 * reads /proc, which a confined process cannot: it is skipped once the
 * sandbox is on (the engine's leaks are checked by the unit tests).
 */
int __lsan_is_turned_off(void);

int __lsan_is_turned_off(void)
{
	return xs_sandbox_on;
}
#endif
