/* SPDX-License-Identifier: MIT */
/*
 * hypervisor/lib/libc.c itself (the copy the EL2 image and the test
 * guests link), its functions renamed hv_* so that they sit beside the
 * host's: every alignment of source and destination, lengths across the
 * word and 64-byte paths, guard bytes around the destination, overlaps
 * for memmove. Buffers are 8-byte aligned and sized in words: the copy
 * loads whole aligned words, which ASan would otherwise see past an
 * object's end.
 */
#define memcpy hv_memcpy
#define memmove hv_memmove
#define memset hv_memset
#define memcmp hv_memcmp
#define memchr hv_memchr
#define strlen hv_strlen
#define strnlen hv_strnlen
#define strchr hv_strchr
#define strrchr hv_strrchr
#define strcmp hv_strcmp
#define strncmp hv_strncmp
#define strtoul hv_strtoul
#define vsnprintf hv_vsnprintf
#define snprintf hv_snprintf
#define __stack_chk_fail hv_stack_chk_fail
#include "../../../hypervisor/lib/libc.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strchr
#undef strrchr
#undef strcmp
#undef strncmp
#undef strtoul
#undef vsnprintf
#undef snprintf
#undef __stack_chk_fail

#include "ut.h"

#define BUF 8192
#define GUARD 0xa5

static uint8_t src[BUF] __attribute__((aligned(8)));
static uint8_t dst[BUF] __attribute__((aligned(8)));

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)(i * 131 + seed * 7 + (i >> 8));
	}
}

/* @d[off .. off+len) equals @want and every other byte of dst is GUARD. */
static int check_copy(size_t off, const uint8_t *want, size_t len)
{
	for (size_t i = 0; i < BUF; i++) {
		uint8_t w = (i >= off && i < off + len) ? want[i - off] : GUARD;

		if (dst[i] != w) {
			return (int)i + 1;
		}
	}
	return 0;
}

static const size_t lens[] = { 0,  1,  7,  8,	9,   15,  16,	17,
			       63, 64, 65, 127, 128, 200, 1500, 4096 };

TEST(memcpy_every_alignment_and_length_copies_exactly)
{
	unsigned int bad = 0;

	fill(src, BUF, 1);
	for (size_t so = 0; so < 16; so++) {
		for (size_t dof = 0; dof < 16; dof++) {
			for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]);
			     l++) {
				size_t len = lens[l];
				void *r;

				memset(dst, GUARD, BUF);
				r = hv_memcpy(dst + 64 + dof, src + 64 + so,
					      len);
				if (r != dst + 64 + dof ||
				    check_copy(64 + dof, src + 64 + so, len)) {
					bad++;
				}
			}
		}
	}
	EXPECT_EQ(bad, 0);
}

TEST(memcpy_to_the_end_of_the_buffer_reads_no_further_word)
{
	/* The last byte of src copied from every misalignment: the loads
	 * stay in the aligned word that holds it (ASan checks). */
	fill(src, BUF, 2);
	for (size_t k = 1; k < 8; k++) {
		size_t len = 40 + k;

		memset(dst, GUARD, BUF);
		hv_memcpy(dst, src + BUF - len, len);
		EXPECT_EQ(check_copy(0, src + BUF - len, len), 0);
	}
}

TEST(memset_every_alignment_and_length)
{
	uint8_t want[4096];
	unsigned int bad = 0;

	for (int c = 0; c < 256; c += 85) {
		memset(want, c, sizeof(want));
		for (size_t dof = 0; dof < 16; dof++) {
			for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]);
			     l++) {
				memset(dst, GUARD, BUF);
				if (hv_memset(dst + dof, c, lens[l]) !=
					    dst + dof ||
				    check_copy(dof, want, lens[l])) {
					bad++;
				}
			}
		}
	}
	EXPECT_EQ(bad, 0);
}

TEST(memmove_overlapping_both_ways)
{
	static uint8_t want[BUF];
	unsigned int bad = 0;

	for (size_t from = 0; from < 24; from++) {
		for (size_t to = 0; to < 24; to++) {
			for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]);
			     l++) {
				size_t len = lens[l];

				fill(dst, BUF, (unsigned int)(from + to));
				memcpy(want, dst, BUF);
				memmove(want + 256 + to, want + 256 + from,
					len);
				hv_memmove(dst + 256 + to, dst + 256 + from,
					   len);
				if (memcmp(want, dst, BUF) != 0) {
					bad++;
				}
			}
		}
	}
	EXPECT_EQ(bad, 0);
}
