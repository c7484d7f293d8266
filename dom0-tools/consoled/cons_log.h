/* SPDX-License-Identifier: MIT */
/*
 * A domain's console log: raw bytes appended to <dir>/guest-<name>.log.
 * When a write would take the file past its cap, the file becomes
 * <name>.log.1 (replacing an older one) and a new one is started, so a
 * domain never holds more than twice the cap on disk.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct cons_log {
	int fd; /* -1: not open (opening failed, or closed) */
	uint64_t size; /* bytes in the current file */
	uint64_t max; /* cap of one file */
	unsigned rotations;
	char path[256];
};

/*
 * Turn a domain name into a file-name part: letters, digits, '.', '_'
 * and '-' are kept, anything else becomes '_', a leading '.' too; an
 * empty name becomes "domain-<domid>". @out has @size bytes (>= 16).
 */
void cons_log_name(const char *name, uint32_t domid, char *out, size_t size);

/* Open (append) <dir>/guest-<name>.log; 0 or a negative errno. */
int cons_log_open(struct cons_log *l, const char *dir, const char *name,
		  uint64_t max);
/* Append @len bytes, rotating first when they would pass the cap. */
int cons_log_write(struct cons_log *l, const void *buf, size_t len);
void cons_log_close(struct cons_log *l);
