/* SPDX-License-Identifier: MIT */
/* Host log: quiet unless SABLE_LOG is set, so unit test output stays clean. */
#include <stdio.h>
#include <stdlib.h>

#include <sable/log.h>

/* pr_debug tests it first; the host log decides by SABLE_LOG below. */
int log_level_max = LOG_DEBUG;

static void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	static int verbose = -1;

	if (verbose < 0) {
		verbose = getenv("SABLE_LOG") != NULL;
	}
	if (!verbose && level != LOG_ERR) {
		return;
	}
	vfprintf(stderr, fmt, ap);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

/* No rate limit here: the unit tests of ratelimit.c cover it. */
void log_guest(unsigned int domid, const char *fmt, ...)
{
	va_list ap;

	(void)domid;
	va_start(ap, fmt);
	log_vprintf(LOG_GUEST, fmt, ap);
	va_end(ap);
}
