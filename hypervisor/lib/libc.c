/* SPDX-License-Identifier: MIT */
/*
 * Freestanding string functions for the EL2 image (libfdt needs them too).
 * Built with -fno-builtin -fno-tree-loop-distribute-patterns so the
 * compiler does not turn these loops back into calls to themselves.
 */
#include <stdint.h>

#include <sable/lib.h>

/*
 * Bytes up to @dst's 8-byte boundary, then aligned 8-byte stores: 64 bytes
 * a round when @src is aligned too, else aligned loads shifted together
 * (little endian). Every access is aligned (the image is built with
 * -mstrict-align) and a load never leaves the aligned word that holds a
 * byte of @src, so it stays on @src's pages. Grant copies of network
 * packets are rarely aligned alike.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n && ((uintptr_t)d & 7)) {
		*d++ = *s++;
		n--;
	}
	if (n >= 8) {
		uint64_t *d8 = (uint64_t *)(void *)d;
		unsigned int k = (unsigned int)((uintptr_t)s & 7);

		if (!k) {
			const uint64_t *s8 = (const uint64_t *)(const void *)s;

			for (; n >= 64; n -= 64, d8 += 8, s8 += 8) {
				uint64_t a = s8[0], b = s8[1], c = s8[2],
					 e = s8[3];
				uint64_t f = s8[4], g = s8[5], h = s8[6],
					 i = s8[7];

				d8[0] = a;
				d8[1] = b;
				d8[2] = c;
				d8[3] = e;
				d8[4] = f;
				d8[5] = g;
				d8[6] = h;
				d8[7] = i;
			}
			for (; n >= 8; n -= 8) {
				*d8++ = *s8++;
			}
			s = (const unsigned char *)s8;
		} else {
			const uint64_t *s8 =
				(const uint64_t *)(const void *)(s - k);
			unsigned int sh = k * 8;
			uint64_t lo = *s8++;

			for (; n >= 8; n -= 8) {
				uint64_t hi = *s8++;

				*d8++ = (lo >> sh) | (hi << (64 - sh));
				lo = hi;
			}
			s = (const unsigned char *)(s8 - 1) + k;
		}
		d = (unsigned char *)d8;
	}
	while (n--) {
		*d++ = *s++;
	}
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0) {
		return dst;
	}
	if (d < s || d >= s + n) {
		return memcpy(dst, src, n);
	}
	while (n--) {
		d[n] = s[n];
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t w = 0x0101010101010101ULL * (unsigned char)c;

	while (n && ((uintptr_t)d & 7)) {
		*d++ = (unsigned char)c;
		n--;
	}
	if (n >= 8) {
		uint64_t *d8 = (uint64_t *)(void *)d;

		for (; n >= 64; n -= 64, d8 += 8) {
			d8[0] = w;
			d8[1] = w;
			d8[2] = w;
			d8[3] = w;
			d8[4] = w;
			d8[5] = w;
			d8[6] = w;
			d8[7] = w;
		}
		for (; n >= 8; n -= 8) {
			*d8++ = w;
		}
		d = (unsigned char *)d8;
	}
	while (n--) {
		*d++ = (unsigned char)c;
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i]) {
			return x[i] - y[i];
		}
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == (unsigned char)c) {
			return (void *)(p + i);
		}
	}
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n]) {
		n++;
	}
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n]) {
		n++;
	}
	return n;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c) {
			return (char *)s;
		}
		if (!*s) {
			return NULL;
		}
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c) {
			last = s;
		}
		if (!*s) {
			return (char *)last;
		}
	}
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i] || !a[i]) {
			return (unsigned char)a[i] - (unsigned char)b[i];
		}
	}
	return 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'Z') {
		return c - 'A' + 10;
	}
	return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long v = 0;

	while (*s == ' ' || *s == '\t') {
		s++;
	}
	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	} else if (base == 0 && s[0] == '0' && s[1]) {
		base = 8;
	} else if (base == 0) {
		base = 10;
	}
	while (digit_value(*s) < base) {
		v = v * (unsigned long)base + (unsigned long)digit_value(*s);
		s++;
	}
	if (end) {
		*end = (char *)s;
	}
	return v;
}

/* libfdt is built with the stack protector. */
uintptr_t __stack_chk_guard = 0x5ab1e5ab1e5ab1e5UL;
void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	for (;;) {
	}
}
