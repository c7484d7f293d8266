/* SPDX-License-Identifier: MIT */
/*
 * What a domain's console output may put on the hypervisor's terminal:
 * printable ASCII, '\n', '\t' and well-formed UTF-8 outside the C1
 * controls. Escape sequences (ESC ..., CSI, OSC and the other string
 * sequences) are removed whole; every other C0 control, DEL and the C1
 * controls are dropped, including '\r', so a guest cannot move the cursor
 * back to the start of a line; a malformed UTF-8 sequence becomes '?'.
 * A '\n' ends any sequence in progress. State carries across calls.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct console_filter {
	uint8_t state; /* text, or inside an escape sequence */
	uint8_t need; /* UTF-8 continuation bytes still expected */
	uint8_t held; /* bytes of that UTF-8 sequence so far */
	uint8_t seq[4];
};

/* Output bytes console_filter_run() may write for @len input bytes. */
#define CONSOLE_FILTER_OUT(len) ((len) + 4)

/*
 * Filter @len bytes from @in into @out (room for CONSOLE_FILTER_OUT(len)
 * bytes); returns the bytes written.
 */
size_t console_filter_run(struct console_filter *f, char *out, const char *in,
			  size_t len);
