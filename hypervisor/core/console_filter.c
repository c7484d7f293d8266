/* SPDX-License-Identifier: MIT */
/*
 * Terminal-safe guest console output (sable/console_filter.h). Sequences
 * follow ECMA-48: ESC then intermediates (0x20-0x2f) then one final byte;
 * CSI (ESC [) parameters and intermediates 0x20-0x3f then a final byte
 * 0x40-0x7e; OSC, DCS, SOS, PM and APC (ESC ] P X ^ _) run until BEL or
 * ST (ESC \). UTF-8 per RFC 3629 (no overlongs, surrogates or code
 * points above U+10FFFF).
 */
#include <stdbool.h>

#include <sable/console_filter.h>

enum {
	F_TEXT = 0,
	F_ESC,
	F_CSI,
	F_STRING,
};

#define ESC 0x1b
#define BEL 0x07

/* A sequence in progress ends: whatever it held is not a character. */
static size_t utf8_bad(struct console_filter *f, char *out)
{
	f->need = 0;
	f->held = 0;
	out[0] = '?';
	return 1;
}

static bool utf8_valid(const uint8_t *s, unsigned int n)
{
	uint32_t cp;

	if (n == 2) {
		cp = ((s[0] & 0x1fU) << 6) | (s[1] & 0x3fU);
		/* U+0080-U+009F are the C1 controls: never printed. */
		return cp >= 0xa0;
	}
	if (n == 3) {
		cp = ((s[0] & 0x0fU) << 12) | ((s[1] & 0x3fU) << 6) |
		     (s[2] & 0x3fU);
		return cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff);
	}
	cp = ((s[0] & 0x07U) << 18) | ((s[1] & 0x3fU) << 12) |
	     ((s[2] & 0x3fU) << 6) | (s[3] & 0x3fU);
	return cp >= 0x10000 && cp <= 0x10ffff;
}

/* A byte >= 0x80 in text. Returns bytes written to @out. */
static size_t utf8_byte(struct console_filter *f, char *out, uint8_t c)
{
	size_t n = 0;

	if (f->need) {
		if ((c & 0xc0) == 0x80) {
			f->seq[f->held++] = c;
			if (--f->need) {
				return 0;
			}
			n = f->held;
			if (!utf8_valid(f->seq, f->held)) {
				return utf8_bad(f, out);
			}
			for (unsigned int i = 0; i < n; i++) {
				out[i] = (char)f->seq[i];
			}
			f->held = 0;
			return n;
		}
		n = utf8_bad(f, out);
	}
	if (c >= 0xc2 && c <= 0xf4) {
		f->need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
		f->seq[0] = c;
		f->held = 1;
		return n;
	}
	out[n] = '?';
	return n + 1;
}

/* A byte in text state. Returns bytes written to @out. */
static size_t text_byte(struct console_filter *f, char *out, uint8_t c)
{
	size_t n = 0;

	if (c >= 0x80) {
		return utf8_byte(f, out, c);
	}
	if (f->need) {
		n = utf8_bad(f, out); /* a sequence cut short by ASCII */
	}
	if (c == ESC) {
		f->state = F_ESC;
	} else if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t') {
		out[n++] = (char)c;
	}
	return n;
}

/* A byte inside an escape sequence: consumed, never printed. */
static void seq_byte(struct console_filter *f, uint8_t c)
{
	switch (f->state) {
	case F_ESC:
		if (c == '[') {
			f->state = F_CSI;
		} else if (c == ']' || c == 'P' || c == 'X' || c == '^' ||
			   c == '_') {
			f->state = F_STRING;
		} else if (c < 0x20 || c > 0x2f) {
			f->state = F_TEXT; /* final byte, or not a sequence */
		}
		break;
	case F_CSI:
		if (c < 0x20 || c > 0x3f) {
			f->state = F_TEXT; /* final byte, or a broken one */
		}
		break;
	default: /* F_STRING */
		if (c == BEL) {
			f->state = F_TEXT;
		}
		break;
	}
	if (c == ESC) {
		f->state = F_ESC; /* a new sequence, or ST's first half */
	}
}

size_t console_filter_run(struct console_filter *f, char *out, const char *in,
			  size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)in[i];

		if (f->state == F_TEXT) {
			n += text_byte(f, out + n, c);
		} else if (c == '\n') {
			f->state = F_TEXT;
			out[n++] = '\n';
		} else {
			seq_byte(f, c);
		}
	}
	return n;
}
