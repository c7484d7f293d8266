/* SPDX-License-Identifier: MIT */
/*
 * The daemon's event loops: io_uring(7) where the kernel offers what the
 * daemon needs (Linux 6.1 and later), else epoll(7). Both serve the
 * listening socket, its clients and the Xen event channel until *stop.
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
};

int xs_loop_epoll(struct xs_loop *l);
int xs_loop_uring(struct xs_loop *l);
