/* SPDX-License-Identifier: MIT */
/*
 * Inside the xl.cfg parser: the settings as written (xlcfg_syntax.c), before
 * they are interpreted into a struct xlcfg (xlcfg.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "xlcfg.h"

#define XLCFG_MAX_SETTINGS 512
#define XLCFG_MAX_ITEMS 64
#define XLCFG_STR_MAX 4096

/* A value: a string or number (its text), or a list of them. */
struct xlcfg_val {
	bool is_list;
	bool is_number; /* written without quotes */
	char *s; /* string or number text (not for lists) */
	struct xlcfg_val *items; /* lists: strings and numbers only */
	unsigned int n;
};

struct xlcfg_setting {
	char *key;
	int line; /* 0: from the command line */
	struct xlcfg_val v;
};

/* Every setting in order; a later one of the same key wins. */
struct xlcfg_doc {
	const char *file;
	struct xlcfg_setting *sets;
	unsigned int n;
};

/*
 * Read @len bytes of @text into @doc (appending to what it holds, so the
 * command line's settings can follow the file's). @line0 is the number of
 * the first line (0 for a command-line word, whose errors name no line).
 * 0 or -EINVAL with @err filled.
 */
int xlcfg_syntax(struct xlcfg_doc *doc, const char *text, size_t len, int line0,
		 char *err);
void xlcfg_doc_free(struct xlcfg_doc *doc);

/* "<file>:<line>: " or "<command line>: " into @buf. */
void xlcfg_where(const struct xlcfg_doc *doc, int line, char *buf, size_t size);
