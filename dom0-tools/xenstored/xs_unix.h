/* SPDX-License-Identifier: MIT */
/*
 * Unix-socket transport: the listening socket and its clients, who are
 * all treated as dom0 (xs_wire notes, 6.4).
 */
#pragma once

#include <stdint.h>

#include "xs_engine.h"

int xs_unix_listen(const char *path);
struct xs_conn *xs_unix_accept(struct xs_engine *e, int lfd);
int xs_unix_fd(const struct xs_conn *c);
bool xs_unix_is(const struct xs_conn *c);
void xs_unix_mark_readable(struct xs_conn *c);
bool xs_unix_has_input(const struct xs_conn *c);
int xs_unix_epoll_sync(struct xs_conn *c, int epfd, uint32_t mask);
