/* SPDX-License-Identifier: MIT */
/*
 * Unix-socket transport: the listening socket and its clients, who are
 * all treated as dom0 (xs_wire notes, 6.4).
 */
#pragma once

#include "xs_engine.h"

int xs_unix_listen(const char *path);
struct xs_conn *xs_unix_accept(struct xs_engine *e, int lfd);
int xs_unix_fd(const struct xs_conn *c);
bool xs_unix_is(const struct xs_conn *c);
