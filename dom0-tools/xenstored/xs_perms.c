// SPDX-License-Identifier: MIT
/*
 * Permission strings and access checks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "xs_perms.h"

static const char xs_perm_letters[4] = { 'n', 'r', 'w', 'b' };

/* Parse one "<letter><domid>" string. Returns 0 or -EINVAL. */
int xs_perm_parse(const char *str, struct xs_perm *out)
{
	unsigned long id;
	char *end;
	unsigned i;

	for (i = 0; i < 4; i++) {
		if (str[0] == xs_perm_letters[i]) {
			break;
		}
	}
	if (i == 4 || str[1] < '0' || str[1] > '9') {
		return -EINVAL;
	}
	errno = 0;
	id = strtoul(str + 1, &end, 10);
	if (errno || *end != '\0' || id > 0xffff) {
		return -EINVAL;
	}
	out->domid = (uint32_t)id;
	out->perm = i;
	return 0;
}

/* Format one entry; returns the string length (without NUL). */
int xs_perm_format(const struct xs_perm *p, char *out, size_t size)
{
	return snprintf(out, size, "%c%u", xs_perm_letters[p->perm & 3],
			p->domid);
}

/*
 * Access of caller c to a node with perms p[0..n): the owner (or a domain
 * targeting the owner) and privileged callers get everything, a listed
 * domain gets its entry, everyone else gets the owner's letter.
 */
unsigned xs_perm_for(const struct xs_perm *p, unsigned n,
		     const struct xs_caller *c)
{
	unsigned i, target_perm = 0;
	bool target_found = false;

	if (c->privileged || n == 0) {
		return XS_PERM_BOTH | XS_PERM_OWNER;
	}
	if (p[0].domid == c->domid ||
	    (c->has_target && p[0].domid == c->target)) {
		return XS_PERM_BOTH | XS_PERM_OWNER;
	}
	for (i = 1; i < n; i++) {
		if (p[i].domid == c->domid) {
			return p[i].perm;
		}
		if (c->has_target && p[i].domid == c->target && !target_found) {
			target_perm = p[i].perm;
			target_found = true;
		}
	}
	return target_found ? target_perm : p[0].perm;
}

bool xs_perm_allows(const struct xs_perm *p, unsigned n,
		    const struct xs_caller *c, unsigned need)
{
	return (xs_perm_for(p, n, c) & need) == need;
}
