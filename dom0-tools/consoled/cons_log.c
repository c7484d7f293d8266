/* SPDX-License-Identifier: MIT */
/* Per-domain console logs, size-capped and rotated once (cons_log.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cons_log.h"

void cons_log_name(const char *name, uint32_t domid, char *out, size_t size)
{
	size_t i, n = 0;

	for (i = 0; name && name[i] && n + 1 < size; i++) {
		char c = name[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '_' || c == '-' ||
			 (c == '.' && n > 0);

		out[n++] = ok ? c : '_';
	}
	out[n] = '\0';
	if (n == 0) {
		snprintf(out, size, "domain-%u", domid);
	}
}

static int cons_log_reopen(struct cons_log *l, int flags)
{
	struct stat st;

	l->fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | flags,
		     0640);
	if (l->fd < 0) {
		return -errno;
	}
	l->size = fstat(l->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

int cons_log_open(struct cons_log *l, const char *dir, const char *name,
		  uint64_t max)
{
	int n;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->max = max ? max : 1;
	n = snprintf(l->path, sizeof(l->path), "%s/guest-%s.log", dir, name);
	if (n < 0 || (size_t)n + 2 >= sizeof(l->path)) {
		return -ENAMETOOLONG;
	}
	return cons_log_reopen(l, 0);
}

/* <path> becomes <path>.1; a fresh <path> is opened. */
static int cons_log_rotate(struct cons_log *l)
{
	char old[sizeof(l->path) + 2];

	snprintf(old, sizeof(old), "%s.1", l->path);
	close(l->fd);
	l->fd = -1;
	if (rename(l->path, old) < 0 && errno != ENOENT) {
		return -errno;
	}
	l->rotations++;
	return cons_log_reopen(l, O_TRUNC);
}

int cons_log_write(struct cons_log *l, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;
	int rc;

	while (len > 0 && l->fd >= 0) {
		size_t room, chunk;

		if (l->size >= l->max) {
			rc = cons_log_rotate(l);
			if (rc) {
				return rc;
			}
		}
		room = (size_t)(l->max - l->size);
		chunk = len < room ? len : room;
		n = write(l->fd, p, chunk);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return n < 0 ? -errno : -EIO;
		}
		l->size += (uint64_t)n;
		p += n;
		len -= (size_t)n;
	}
	return l->fd >= 0 ? 0 : -EBADF;
}

void cons_log_close(struct cons_log *l)
{
	if (l->fd >= 0) {
		close(l->fd);
	}
	l->fd = -1;
}
