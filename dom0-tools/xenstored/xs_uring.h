/* SPDX-License-Identifier: MIT */
/*
 * A minimal io_uring(7) instance driven through the raw system calls (no
 * liburing): one thread fills submission entries and reaps completions.
 */
#pragma once

#include <linux/io_uring.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_uring {
	int fd;
	bool poll_first; /* IORING_RECVSEND_POLL_FIRST understood */
	/* Submission queue, shared with the kernel. */
	uint32_t *sq_head;
	uint32_t *sq_tail;
	uint32_t sq_mask;
	uint32_t sq_entries;
	uint32_t sq_local; /* our tail: entries filled, maybe not published */
	struct io_uring_sqe *sqes;
	/* Completion queue, shared with the kernel. */
	uint32_t *cq_head;
	uint32_t *cq_tail;
	uint32_t cq_mask;
	struct io_uring_cqe *cqes;
	/* Mappings, for teardown. */
	void *sq_map;
	size_t sq_map_len;
	void *cq_map;
	size_t cq_map_len;
	void *sqe_map;
	size_t sqe_map_len;
};

int xs_uring_init(struct xs_uring *r, unsigned entries, const uint8_t *ops,
		  unsigned nops);
void xs_uring_fini(struct xs_uring *r);
struct io_uring_sqe *xs_uring_sqe(struct xs_uring *r, uint8_t opcode, int fd,
				  uint64_t user_data);
int xs_uring_enter(struct xs_uring *r, unsigned wait, int timeout_ms);
const struct io_uring_cqe *xs_uring_cqe(const struct xs_uring *r);
void xs_uring_cqe_seen(struct xs_uring *r);
