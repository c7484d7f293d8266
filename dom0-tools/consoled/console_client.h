/* SPDX-License-Identifier: MIT */
/*
 * The client side of `xl console`: attach the user's terminal to the pty
 * sable-consoled made for a domain (its path in
 * /local/domain/<id>/console/tty). Bytes pass through unchanged both
 * ways, as with Xen's console client; typing Ctrl-] detaches.
 */
#pragma once

#include <stdint.h>

struct xs_client;

/* The byte that detaches (Ctrl-], as in Xen's xl console). */
#define SABLE_CONSOLE_ESCAPE 0x1d

/*
 * Copy between stdin/stdout and @tty_path until Ctrl-] is typed, stdin
 * ends, or the pty closes (the domain is gone). If stdin is a terminal it
 * is put in raw mode and restored before returning. Only a path
 * /dev/pts/<n> naming a terminal is opened (the node may be the guest's
 * to write). 0 when detached or ended, -1 with a message on stderr when
 * the console cannot be used.
 */
int sable_console_attach(uint32_t domid, const char *tty_path);
/* The same over any pair of descriptors (@in_fd may be a pipe). */
int sable_console_attach_fds(uint32_t domid, const char *tty_path, int in_fd,
			     int out_fd);

/*
 * Read the console backend's tty (/local/domain/0/backend/console/<id>/0;
 * console/tty only without one) into @buf, waiting up to
 * @timeout_ms for sable-consoled to write it (right after `xl create`).
 * 0 or a negative errno (-ENOENT: no console appeared in time).
 */
int sable_console_tty(struct xs_client *c, uint32_t domid, char *buf,
		      size_t size, unsigned int timeout_ms);
