/* SPDX-License-Identifier: MIT */
/*
 * XenStore path rules (xenstore.txt, "Paths"): characters A-Za-z0-9-/_@,
 * no doubled or trailing slash except the root, absolute paths at most
 * XENSTORE_ABS_PATH_MAX bytes, relative ones at most XENSTORE_REL_PATH_MAX.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/io/xs_wire.h>

/* Room for any canonical path plus its NUL. */
#define XS_PATH_BUF (XENSTORE_ABS_PATH_MAX + 1)

bool xs_path_is_valid(const char *path);
bool xs_path_is_special(const char *path);
int xs_path_canonical(const char *in, uint32_t domid, char *out,
		      bool *relative);
bool xs_path_is_child(const char *child, const char *parent);
void xs_path_parent(const char *path, char *out);
int xs_path_domain(uint32_t domid, char *out, size_t size);
const char *xs_path_relative(const char *path, uint32_t domid);
