/* SPDX-License-Identifier: MIT */
/*
 * Unix-socket transport: the listening socket and its clients, who are
 * all treated as dom0 (xs_wire notes, 6.4).
 */
#pragma once

#include <stdint.h>

#include "xs_engine.h"
#include "xs_uring.h"

struct xs_unix_conn;

/* Clients driven through io_uring share this. */
struct xs_unix_uring {
	struct xs_uring ring;
	struct xs_unix_conn *zombies; /* closed, completions still owed */
};

int xs_unix_listen(const char *path);
struct xs_conn *xs_unix_accept(struct xs_engine *e, int lfd);
int xs_unix_fd(const struct xs_conn *c);
bool xs_unix_is(const struct xs_conn *c);
bool xs_unix_has_input(const struct xs_conn *c);
/* epoll(7) */
void xs_unix_mark_readable(struct xs_conn *c);
int xs_unix_epoll_sync(struct xs_conn *c, int epfd, uint32_t mask);
/* io_uring(7) */
void xs_unix_uring_attach(struct xs_conn *c, struct xs_unix_uring *ur);
#define XS_UNIX_ARM_READY 1u
#define XS_UNIX_ARM_SEND 2u
unsigned xs_unix_uring_arm(struct xs_conn *c);
void xs_unix_uring_done(struct xs_unix_uring *ur, uint64_t user_data,
			int32_t res);
void xs_unix_uring_fini(struct xs_unix_uring *ur);
