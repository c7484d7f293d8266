/* SPDX-License-Identifier: MIT */
/*
 * The daemon's event loops: io_uring(7) where the kernel offers what the
 * daemon needs (Linux 6.1 and later), else epoll(7). Both serve the
 * listening socket, its clients and the Xen event channel until *stop.
 * Once a loop has its own descriptors, and before it serves anything, it
 * calls ready() (the daemon confines itself there, xs_sandbox.h).
 */
#pragma once

#include <signal.h>

#include "xs_engine.h"
#include "xs_xen.h"

struct xs_loop {
	int lfd; /* listening socket */
	struct xs_engine *e;
	struct xs_xen *x;
	volatile sig_atomic_t *stop;
	int (*ready)(void *arg); /* optional; called at most once */
	void *ready_arg;
	int ready_rc; /* what ready() returned: not a reason to fall back */
};

/* Run ready() the first time; its result, 0 if there is none. */
static inline int xs_loop_ready(struct xs_loop *l)
{
	if (l->ready) {
		l->ready_rc = l->ready(l->ready_arg);
		l->ready = NULL;
	}
	return l->ready_rc;
}

int xs_loop_epoll(struct xs_loop *l);
int xs_loop_uring(struct xs_loop *l);
