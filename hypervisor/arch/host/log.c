/* SPDX-License-Identifier: MIT */
/* Host log: quiet unless SABLE_LOG is set, so unit test output stays clean. */
#include <stdio.h>
#include <stdlib.h>

#include <sable/log.h>

void log_printf(enum log_level level, const char *fmt, ...)
{
	static int verbose = -1;
	va_list ap;

	if (verbose < 0) {
		verbose = getenv("SABLE_LOG") != NULL;
	}
	if (!verbose && level != LOG_ERR) {
		return;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
