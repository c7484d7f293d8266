// SPDX-License-Identifier: MIT
/*
 * Path validation and canonicalisation (xenstore.txt, "Paths").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xs_path.h"

static bool xs_path_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '/' ||
	       ch == '_' || ch == '@';
}

/* A canonical node name: absolute, allowed characters, no "//", no
 * trailing '/' except for the root itself. */
bool xs_path_is_valid(const char *path)
{
	size_t i, len = strlen(path);

	if (len == 0 || len > XENSTORE_ABS_PATH_MAX || path[0] != '/') {
		return false;
	}
	if (len > 1 && path[len - 1] == '/') {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (!xs_path_char_ok(path[i])) {
			return false;
		}
		if (path[i] == '/' && path[i + 1] == '/') {
			return false;
		}
	}
	return true;
}

/* Special watch paths (@introduceDomain, @releaseDomain, ...). */
bool xs_path_is_special(const char *path)
{
	return path[0] == '@';
}

int xs_path_domain(uint32_t domid, char *out, size_t size)
{
	int n = snprintf(out, size, "/local/domain/%u", domid);

	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

/*
 * Turn a request path into a canonical absolute one in out (XS_PATH_BUF
 * bytes). Relative paths are taken against /local/domain/<domid>.
 * Returns 0 or -EINVAL.
 */
int xs_path_canonical(const char *in, uint32_t domid, char *out, bool *relative)
{
	size_t len = strlen(in);
	char base[32];
	int n;

	*relative = false;
	if (in[0] == '/') {
		if (len > XENSTORE_ABS_PATH_MAX) {
			return -EINVAL;
		}
		memcpy(out, in, len + 1);
	} else {
		if (len == 0 || len > XENSTORE_REL_PATH_MAX) {
			return -EINVAL;
		}
		xs_path_domain(domid, base, sizeof(base));
		n = snprintf(out, XS_PATH_BUF, "%s/%s", base, in);
		if (n < 0 || n >= XS_PATH_BUF) {
			return -EINVAL;
		}
		*relative = true;
	}
	return xs_path_is_valid(out) ? 0 : -EINVAL;
}

/* True if child is parent itself or lies below it. */
bool xs_path_is_child(const char *child, const char *parent)
{
	size_t plen = strlen(parent);

	if (strcmp(parent, "/") == 0) {
		return child[0] == '/';
	}
	if (strncmp(child, parent, plen) != 0) {
		return false;
	}
	return child[plen] == '\0' || child[plen] == '/';
}

/* Parent of a canonical, non-root path. out has XS_PATH_BUF bytes. */
void xs_path_parent(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n == 0) {
		strcpy(out, "/");
		return;
	}
	memcpy(out, path, n);
	out[n] = '\0';
}

/* The path as a domain connection sees it when it watched relatively. */
const char *xs_path_relative(const char *path, uint32_t domid)
{
	char base[32];
	size_t n;

	xs_path_domain(domid, base, sizeof(base));
	n = strlen(base);
	if (strncmp(path, base, n) == 0 && path[n] == '/') {
		return path + n + 1;
	}
	return path;
}
