/* SPDX-License-Identifier: MIT */
/*
 * Sizes on the command line: "128M", "2G", "4096K" or a byte count. Apart
 * from libc.c so the host build of the core uses the same code.
 */
#include <sable/lib.h>

unsigned long long parse_size(const char *s, char **end)
{
	char *e;
	unsigned long long v = strtoul(s, &e, 0);

	switch (*e) {
	case 'G':
	case 'g':
		v <<= 30;
		e++;
		break;
	case 'M':
	case 'm':
		v <<= 20;
		e++;
		break;
	case 'K':
	case 'k':
		v <<= 10;
		e++;
		break;
	default:
		break;
	}
	if (end) {
		*end = e;
	}
	return v;
}
