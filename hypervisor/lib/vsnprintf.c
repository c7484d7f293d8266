/* SPDX-License-Identifier: MIT */
/*
 * A small vsnprintf: %d %i %u %x %X %p %s %c %%, with l/ll/z length,
 * '0' padding, width and '-'. Enough for the hypervisor's log.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sable/lib.h>

struct out {
	char *buf;
	size_t size;
	size_t pos;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size) {
		o->buf[o->pos] = c;
	}
	o->pos++;
}

static void put_num(struct out *o, unsigned long long v, unsigned int base,
		    bool upper, int width, char pad, bool left, bool neg)
{
	char tmp[24];
	int n = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg) {
		tmp[n++] = '-';
	}
	if (!left) {
		for (int i = n; i < width; i++) {
			put(o, pad);
		}
	}
	while (n) {
		put(o, tmp[--n]);
	}
	if (left) {
		for (int i = (int)(neg ? 1 : 0); i < width; i++) {
			put(o, ' ');
		}
	}
}

static unsigned long long get_arg(va_list *ap, int lng, bool is_signed,
				  bool *neg)
{
	long long s;

	*neg = false;
	if (!is_signed) {
		if (lng >= 1) {
			return va_arg(*ap, unsigned long long);
		}
		return va_arg(*ap, unsigned int);
	}
	s = lng >= 1 ? va_arg(*ap, long long) : va_arg(*ap, int);
	if (s < 0) {
		*neg = true;
		return (unsigned long long)(-(s + 1)) + 1;
	}
	return (unsigned long long)s;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list args;

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';
		bool left = false, neg;
		unsigned long long v;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '-') {
			left = true;
			fmt++;
		}
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9') {
			width = width * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			v = get_arg(&args, lng, true, &neg);
			put_num(&o, v, 10, false, width, pad, left, neg);
			break;
		case 'u':
			v = get_arg(&args, lng, false, &neg);
			put_num(&o, v, 10, false, width, pad, left, false);
			break;
		case 'x':
		case 'X':
			v = get_arg(&args, lng, false, &neg);
			put_num(&o, v, 16, *fmt == 'X', width, pad, left,
				false);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			v = (uintptr_t)va_arg(args, void *);
			put_num(&o, v, 16, false, width, pad, left, false);
			break;
		case 's': {
			const char *s = va_arg(args, const char *);
			int len;

			if (!s) {
				s = "(null)";
			}
			len = (int)strlen(s);
			for (int i = len; !left && i < width; i++) {
				put(&o, ' ');
			}
			while (*s) {
				put(&o, *s++);
			}
			for (int i = len; left && i < width; i++) {
				put(&o, ' ');
			}
			break;
		}
		case 'c':
			put(&o, (char)va_arg(args, int));
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (*fmt) {
				put(&o, *fmt);
			} else {
				fmt--;
			}
			break;
		}
	}
	va_end(args);
	if (size) {
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	}
	return (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
