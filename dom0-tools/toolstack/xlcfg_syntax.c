/* SPDX-License-Identifier: MIT */
/*
 * The xl.cfg grammar (Xen's libxlu config syntax):
 *
 *   file    := { [setting] (newline | ';') }
 *   setting := key ('=' | '+=') value
 *   value   := string | number | '[' [ item { ',' item } [','] ] ']'
 *   item    := string | number            (newlines allowed in lists)
 *
 * Keys are [A-Za-z_][A-Za-z0-9_]*; strings are '...' (taken as written) or
 * "..." (with \n \t \\ \" \' \xHH and octal escapes); numbers are decimal
 * or 0x hexadecimal (a fraction is kept as text); '#' comments run to the
 * end of the line. `+=` appends to a list or a string.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg_int.h"

enum tok {
	T_EOF,
	T_NL,
	T_SEMI,
	T_KEY,
	T_STRING,
	T_NUMBER,
	T_EQ,
	T_PLUSEQ,
	T_LBR,
	T_RBR,
	T_COMMA,
	T_ERR,
};

struct lexer {
	const struct xlcfg_doc *doc;
	const char *p, *end;
	int line;
	bool cmdline; /* line numbers are not counted */
	enum tok tok;
	char text[XLCFG_STR_MAX + 1]; /* T_KEY, T_STRING, T_NUMBER */
	const char *key; /* the setting being read, for messages */
	char *err;
};

static void lex_error(struct lexer *lx, const char *what)
{
	char where[XLCFG_PATH_MAX + 32];

	xlcfg_where(lx->doc, lx->cmdline ? 0 : lx->line, where, sizeof(where));
	if (lx->key) {
		snprintf(lx->err, XLCFG_ERR_MAX, "%s%s: %s", where, lx->key,
			 what);
	} else {
		snprintf(lx->err, XLCFG_ERR_MAX, "%ssyntax error: %s", where,
			 what);
	}
	lx->tok = T_ERR;
}

void xlcfg_where(const struct xlcfg_doc *doc, int line, char *buf, size_t size)
{
	if (line > 0) {
		snprintf(buf, size, "%s:%d: ", doc->file, line);
	} else {
		snprintf(buf, size, "<command line>: ");
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* One escape after a backslash in a double-quoted string. */
static char lex_escape(struct lexer *lx)
{
	char c = *lx->p++;
	int v, i;

	switch (c) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	case 'x':
		v = 0;
		for (i = 0; i < 2 && lx->p < lx->end && hexval(*lx->p) >= 0;
		     i++) {
			v = v * 16 + hexval(*lx->p++);
		}
		return (char)v;
	default:
		break;
	}
	if (c >= '0' && c <= '7') {
		v = c - '0';
		for (i = 1;
		     i < 3 && lx->p < lx->end && *lx->p >= '0' && *lx->p <= '7';
		     i++) {
			v = v * 8 + (*lx->p++ - '0');
		}
		return (char)v;
	}
	return c; /* \\ \" \' and anything else stand for themselves */
}

static void lex_string(struct lexer *lx, char quote)
{
	size_t n = 0;
	char c;

	for (;;) {
		if (lx->p >= lx->end || *lx->p == '\n') {
			lex_error(lx, "unterminated string");
			return;
		}
		c = *lx->p++;
		if (c == quote) {
			break;
		}
		if (c == '\\' && quote == '"') {
			if (lx->p >= lx->end) {
				lex_error(lx, "unterminated string");
				return;
			}
			c = lex_escape(lx);
		}
		if (c == '\0') {
			lex_error(lx, "NUL byte in a string");
			return;
		}
		if (n >= XLCFG_STR_MAX) {
			lex_error(lx, "string too long");
			return;
		}
		lx->text[n++] = c;
	}
	lx->text[n] = '\0';
	lx->tok = T_STRING;
}

static bool is_key_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* Greedy, so that "512M" is one (bad) number, not 512 and a key. */
static bool is_number_char(char c)
{
	return is_key_char(c, false) || c == '.';
}

/* A key or a number into text, as token @t. */
static void lex_word(struct lexer *lx, enum tok t, bool key)
{
	size_t n = 0;

	while (lx->p < lx->end &&
	       (key ? is_key_char(*lx->p, n == 0) : is_number_char(*lx->p))) {
		if (n >= 255) {
			lex_error(lx, key ? "key too long" : "number too long");
			return;
		}
		lx->text[n++] = *lx->p++;
	}
	lx->text[n] = '\0';
	lx->tok = t;
}

static void lex_punct(struct lexer *lx, char c)
{
	char what[48];

	switch (c) {
	case '=':
		lx->tok = T_EQ;
		return;
	case '[':
		lx->tok = T_LBR;
		return;
	case ']':
		lx->tok = T_RBR;
		return;
	case ',':
		lx->tok = T_COMMA;
		return;
	case ';':
		lx->tok = T_SEMI;
		return;
	case '+':
		if (lx->p < lx->end && *lx->p == '=') {
			lx->p++;
			lx->tok = T_PLUSEQ;
			return;
		}
		break;
	default:
		break;
	}
	if (c >= 0x21 && c < 0x7f) {
		snprintf(what, sizeof(what), "unexpected '%c'", c);
	} else {
		snprintf(what, sizeof(what), "unexpected byte 0x%02x",
			 (unsigned char)c);
	}
	lex_error(lx, what);
}

static void lex_next(struct lexer *lx)
{
	char c;

	for (;;) {
		if (lx->p >= lx->end) {
			lx->tok = T_EOF;
			return;
		}
		c = *lx->p;
		if (c == ' ' || c == '\t' || c == '\r') {
			lx->p++;
		} else if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n') {
				lx->p++;
			}
		} else {
			break;
		}
	}
	if (c == '\n') {
		lx->p++;
		lx->line++;
		lx->tok = T_NL;
	} else if (c == '\'' || c == '"') {
		lx->p++;
		lex_string(lx, c);
	} else if (c >= '0' && c <= '9') {
		lex_word(lx, T_NUMBER, false);
	} else if (is_key_char(c, true)) {
		lex_word(lx, T_KEY, true);
	} else {
		lx->p++;
		lex_punct(lx, c);
	}
}

static void lex_skip_newlines(struct lexer *lx)
{
	while (lx->tok == T_NL) {
		lex_next(lx);
	}
}

static char *dup_text(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		abort(); /* a config file never needs more than a few KiB */
	}
	return d;
}

static void val_free(struct xlcfg_val *v)
{
	unsigned int i;

	for (i = 0; i < v->n; i++) {
		val_free(&v->items[i]);
	}
	free(v->items);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

/* A string or number at the current token. */
static int parse_atom(struct lexer *lx, struct xlcfg_val *v)
{
	if (lx->tok == T_STRING || lx->tok == T_NUMBER) {
		v->is_number = lx->tok == T_NUMBER;
		v->s = dup_text(lx->text);
		lex_next(lx);
		return 0;
	}
	if (lx->tok != T_ERR) {
		lex_error(lx, lx->tok == T_LBR ? "lists cannot be nested"
			      : lx->tok == T_KEY
				      ? "expected a value (strings need quotes)"
				      : "expected a value");
	}
	return -EINVAL;
}

static int parse_list(struct lexer *lx, struct xlcfg_val *v)
{
	v->is_list = true;
	v->items = calloc(XLCFG_MAX_ITEMS, sizeof(*v->items));
	if (!v->items) {
		abort();
	}
	lex_next(lx); /* '[' */
	lex_skip_newlines(lx);
	while (lx->tok != T_RBR) {
		if (v->n >= XLCFG_MAX_ITEMS) {
			lex_error(lx, "list too long");
			return -EINVAL;
		}
		if (lx->tok == T_EOF) {
			lex_error(lx, "unterminated list");
			return -EINVAL;
		}
		if (parse_atom(lx, &v->items[v->n])) {
			return -EINVAL;
		}
		v->n++;
		lex_skip_newlines(lx);
		if (lx->tok == T_COMMA) {
			lex_next(lx);
			lex_skip_newlines(lx);
		} else if (lx->tok != T_RBR) {
			lex_error(lx, lx->tok == T_EOF ? "unterminated list"
						       : "expected ',' or ']'");
			return -EINVAL;
		}
	}
	lex_next(lx); /* ']' */
	return 0;
}

/* `key += value`: append to a list, or concatenate strings. */
static int append_to(struct lexer *lx, struct xlcfg_setting *old,
		     struct xlcfg_val *v)
{
	struct xlcfg_val *o = &old->v;
	unsigned int i;
	char *s;

	if (o->is_list != v->is_list) {
		lex_error(lx, "+= mixes a list and a single value");
		return -EINVAL;
	}
	if (!v->is_list) {
		if (strlen(o->s) + strlen(v->s) > XLCFG_STR_MAX) {
			lex_error(lx, "string too long");
			return -EINVAL;
		}
		s = malloc(strlen(o->s) + strlen(v->s) + 1);
		if (!s) {
			abort();
		}
		strcpy(s, o->s);
		strcat(s, v->s);
		free(o->s);
		o->s = s;
		o->is_number = false;
		val_free(v);
		return 0;
	}
	if (o->n + v->n > XLCFG_MAX_ITEMS) {
		lex_error(lx, "list too long");
		return -EINVAL;
	}
	for (i = 0; i < v->n; i++) {
		o->items[o->n++] = v->items[i];
	}
	v->n = 0;
	val_free(v);
	return 0;
}

static struct xlcfg_setting *find_last(struct xlcfg_doc *doc, const char *key)
{
	unsigned int i;

	for (i = doc->n; i-- > 0;) {
		if (strcmp(doc->sets[i].key, key) == 0) {
			return &doc->sets[i];
		}
	}
	return NULL;
}

/* One `key = value` or `key += value`, the key already read. */
static int parse_setting(struct lexer *lx, struct xlcfg_doc *doc)
{
	struct xlcfg_setting *s = &doc->sets[doc->n], *old;
	bool append;
	int rc;

	memset(s, 0, sizeof(*s));
	s->key = dup_text(lx->text);
	s->line = lx->cmdline ? 0 : lx->line;
	lx->key = s->key;
	lex_next(lx);
	if (lx->tok != T_EQ && lx->tok != T_PLUSEQ) {
		lex_error(lx, "expected '=' after the key");
		rc = -EINVAL;
		goto out;
	}
	append = lx->tok == T_PLUSEQ;
	lex_next(lx);
	rc = lx->tok == T_LBR ? parse_list(lx, &s->v) : parse_atom(lx, &s->v);
	if (!rc && lx->tok != T_NL && lx->tok != T_SEMI && lx->tok != T_EOF) {
		lex_error(lx, "expected the end of the line after the value");
		rc = -EINVAL;
	}
	if (rc) {
		goto out;
	}
	old = append ? find_last(doc, s->key) : NULL;
	if (old) {
		rc = append_to(lx, old, &s->v);
		goto out;
	}
	doc->n++;
	lx->key = NULL;
	return 0;
out:
	val_free(&s->v);
	free(s->key);
	s->key = NULL;
	lx->key = NULL;
	return rc;
}

int xlcfg_syntax(struct xlcfg_doc *doc, const char *text, size_t len, int line0,
		 char *err)
{
	struct lexer *lx;
	int rc = 0;

	if (!doc->sets) {
		doc->sets = calloc(XLCFG_MAX_SETTINGS, sizeof(*doc->sets));
		if (!doc->sets) {
			return -ENOMEM;
		}
	}
	lx = calloc(1, sizeof(*lx));
	if (!lx) {
		return -ENOMEM;
	}
	lx->doc = doc;
	lx->p = text;
	lx->end = text + len;
	lx->line = line0 > 0 ? line0 : 1;
	lx->cmdline = line0 == 0;
	lx->err = err;
	for (lex_next(lx); lx->tok != T_EOF && !rc;) {
		if (lx->tok == T_NL || lx->tok == T_SEMI) {
			lex_next(lx);
		} else if (lx->tok == T_KEY) {
			if (doc->n >= XLCFG_MAX_SETTINGS) {
				lex_error(lx, "too many settings");
				rc = -EINVAL;
			} else {
				rc = parse_setting(lx, doc);
			}
		} else {
			if (lx->tok != T_ERR) {
				lex_error(lx, "expected a key");
			}
			rc = -EINVAL;
		}
	}
	free(lx);
	return rc;
}

void xlcfg_doc_free(struct xlcfg_doc *doc)
{
	unsigned int i;

	for (i = 0; doc->sets && i < doc->n; i++) {
		val_free(&doc->sets[i].v);
		free(doc->sets[i].key);
	}
	free(doc->sets);
	doc->sets = NULL;
	doc->n = 0;
}
