// SPDX-License-Identifier: MIT
/*
 * io_uring through its system calls (io_uring_setup(2), io_uring_enter(2)):
 * the rings are mapped once; entries are published with a release store of
 * the submission tail, completions read after an acquire load of the
 * completion tail and handed back with a release store of its head.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "xs_uring.h"

/*
 * One thread submits, and completions are only wanted when it waits for
 * them (Linux 6.1; older kernels get a plain ring). Needed: no completion
 * is ever dropped, and a wait takes a timeout (Linux 5.11). Every ring
 * starts disabled, so that it is restricted before its first submission.
 */
#define XS_URING_SETUP (IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)
#define XS_URING_MAX_OPS 8
#define XS_URING_FEATURES (IORING_FEAT_NODROP | IORING_FEAT_EXT_ARG)

static void *xs_uring_map(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

static void *xs_uring_at(void *base, uint32_t off)
{
	return (uint8_t *)base + off;
}

static int xs_uring_map_all(struct xs_uring *r, const struct io_uring_params *p)
{
	uint32_t i, *array;

	r->sq_map_len = p->sq_off.array + p->sq_entries * sizeof(uint32_t);
	r->cq_map_len =
		p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		if (r->cq_map_len > r->sq_map_len) {
			r->sq_map_len = r->cq_map_len;
		}
		r->cq_map_len = 0;
	}
	r->sqe_map_len = p->sq_entries * sizeof(struct io_uring_sqe);
	r->sq_map = xs_uring_map(r->fd, r->sq_map_len, IORING_OFF_SQ_RING);
	r->cq_map = r->cq_map_len ? xs_uring_map(r->fd, r->cq_map_len,
						 IORING_OFF_CQ_RING)
				  : r->sq_map;
	r->sqes = xs_uring_map(r->fd, r->sqe_map_len, IORING_OFF_SQES);
	r->sqe_map = r->sqes;
	if (!r->sq_map || !r->cq_map || !r->sqes) {
		return -ENOMEM;
	}
	r->sq_head = xs_uring_at(r->sq_map, p->sq_off.head);
	r->sq_tail = xs_uring_at(r->sq_map, p->sq_off.tail);
	r->sq_mask = *(uint32_t *)xs_uring_at(r->sq_map, p->sq_off.ring_mask);
	r->sq_entries = p->sq_entries;
	r->sq_local = *r->sq_tail;
	array = xs_uring_at(r->sq_map, p->sq_off.array);
	for (i = 0; i < p->sq_entries; i++) {
		array[i] = i; /* entry i always sits in slot i */
	}
	r->cq_head = xs_uring_at(r->cq_map, p->cq_off.head);
	r->cq_tail = xs_uring_at(r->cq_map, p->cq_off.tail);
	r->cq_mask = *(uint32_t *)xs_uring_at(r->cq_map, p->cq_off.ring_mask);
	r->cqes = xs_uring_at(r->cq_map, p->cq_off.cqes);
	return 0;
}

/*
 * Only the listed operations, without any submission flag, and no further
 * registration (io_uring_register(2), IORING_REGISTER_RESTRICTIONS). The
 * operations a ring performs are not seen by seccomp filters; with this,
 * a ring cannot open, connect or read a file even for a caller that has
 * been confined afterwards.
 */
static int xs_uring_restrict(struct xs_uring *r, const uint8_t *ops,
			     unsigned nops)
{
	struct io_uring_restriction res[XS_URING_MAX_OPS];
	unsigned i;

	if (!nops || nops > XS_URING_MAX_OPS) {
		return -EINVAL;
	}
	memset(res, 0, sizeof(res));
	for (i = 0; i < nops; i++) {
		res[i].opcode = IORING_RESTRICTION_SQE_OP;
		res[i].sqe_op = ops[i];
	}
	if (syscall(__NR_io_uring_register, r->fd, IORING_REGISTER_RESTRICTIONS,
		    res, nops) < 0 ||
	    syscall(__NR_io_uring_register, r->fd, IORING_REGISTER_ENABLE_RINGS,
		    NULL, 0) < 0) {
		return errno == EINVAL ? -ENOSYS : -errno;
	}
	return 0;
}

/*
 * Set up a ring of at least entries submissions (completions: twice
 * that) that performs only the nops operations in ops (at most
 * XS_URING_MAX_OPS). -ENOSYS when the kernel lacks io_uring or a feature
 * used here, -errno otherwise; the caller then uses another event loop.
 */
int xs_uring_init(struct xs_uring *r, unsigned entries, const uint8_t *ops,
		  unsigned nops)
{
	struct io_uring_params p;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	p.flags = XS_URING_SETUP | IORING_SETUP_R_DISABLED;
	r->fd = (int)syscall(__NR_io_uring_setup, entries, &p);
	r->poll_first = r->fd >= 0; /* Linux 6.1 and later */
	if (r->fd < 0 && errno == EINVAL) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_R_DISABLED;
		r->fd = (int)syscall(__NR_io_uring_setup, entries, &p);
	}
	if (r->fd < 0) {
		r->fd = -1;
		return errno == EINVAL ? -ENOSYS : -errno;
	}
	if ((p.features & XS_URING_FEATURES) != XS_URING_FEATURES) {
		xs_uring_fini(r);
		return -ENOSYS;
	}
	rc = xs_uring_restrict(r, ops, nops);
	if (!rc) {
		rc = xs_uring_map_all(r, &p);
	}
	if (rc) {
		xs_uring_fini(r);
	}
	return rc;
}

void xs_uring_fini(struct xs_uring *r)
{
	if (r->sqe_map) {
		munmap(r->sqe_map, r->sqe_map_len);
	}
	if (r->cq_map && r->cq_map != r->sq_map) {
		munmap(r->cq_map, r->cq_map_len);
	}
	if (r->sq_map) {
		munmap(r->sq_map, r->sq_map_len);
	}
	if (r->fd >= 0) {
		close(r->fd);
	}
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

static uint32_t xs_uring_free(const struct xs_uring *r)
{
	return r->sq_entries -
	       (r->sq_local - __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE));
}

/*
 * A zeroed entry for opcode on fd, queued. A full queue is handed to the
 * kernel first; NULL if that did not make room.
 */
struct io_uring_sqe *xs_uring_sqe(struct xs_uring *r, uint8_t opcode, int fd,
				  uint64_t user_data)
{
	struct io_uring_sqe *sqe;

	if (!xs_uring_free(r)) {
		xs_uring_enter(r, 0, 0);
		if (!xs_uring_free(r)) {
			return NULL;
		}
	}
	sqe = &r->sqes[r->sq_local & r->sq_mask];
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = opcode;
	sqe->fd = fd;
	sqe->user_data = user_data;
	r->sq_local++;
	return sqe;
}

/*
 * Submit everything queued and wait until at least wait completions are
 * there, for timeout_ms at most (< 0: no limit). One system call. Returns
 * 0 or -errno (-EINTR, -ETIME are not failures).
 */
int xs_uring_enter(struct xs_uring *r, unsigned wait, int timeout_ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = timeout_ms / 1000,
		.tv_nsec = (long long)(timeout_ms % 1000) * 1000000,
	};
	struct io_uring_getevents_arg arg = { .ts = (uint64_t)(uintptr_t)&ts };
	uint32_t flags = IORING_ENTER_GETEVENTS;
	uint32_t submit;
	long rc;

	__atomic_store_n(r->sq_tail, r->sq_local, __ATOMIC_RELEASE);
	submit = r->sq_local - __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
	if (wait && timeout_ms >= 0) {
		flags |= IORING_ENTER_EXT_ARG;
	}
	rc = syscall(__NR_io_uring_enter, r->fd, submit, wait, flags,
		     (flags & IORING_ENTER_EXT_ARG) ? (void *)&arg : NULL,
		     sizeof(arg));
	return rc < 0 ? -errno : 0;
}

/* The oldest completion not yet seen, or NULL. */
const struct io_uring_cqe *xs_uring_cqe(const struct xs_uring *r)
{
	uint32_t head = *r->cq_head;

	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
		return NULL;
	}
	return &r->cqes[head & r->cq_mask];
}

void xs_uring_cqe_seen(struct xs_uring *r)
{
	__atomic_store_n(r->cq_head, *r->cq_head + 1, __ATOMIC_RELEASE);
}
