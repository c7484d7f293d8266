/* SPDX-License-Identifier: MIT */
/*
 * Node permissions (xenstore.txt, GET_PERMS/SET_PERMS). Entry 0 names the
 * owner, and its letter is the access of every domain not listed later.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_PERM_NONE 0U
#define XS_PERM_READ 1U
#define XS_PERM_WRITE 2U
#define XS_PERM_BOTH (XS_PERM_READ | XS_PERM_WRITE)
#define XS_PERM_OWNER 8U

struct xs_perm {
	uint32_t domid;
	uint32_t perm; /* XS_PERM_NONE/READ/WRITE/BOTH */
};

/* Who is asking: the domain behind a connection. */
struct xs_caller {
	uint32_t domid;
	uint32_t target; /* valid if has_target (SET_TARGET) */
	bool has_target;
	bool privileged; /* dom0 and socket clients: no checks, no quota */
};

int xs_perm_parse(const char *str, struct xs_perm *out);
int xs_perm_format(const struct xs_perm *p, char *out, size_t size);
unsigned xs_perm_for(const struct xs_perm *p, unsigned n,
		     const struct xs_caller *c);
bool xs_perm_allows(const struct xs_perm *p, unsigned n,
		    const struct xs_caller *c, unsigned need);
