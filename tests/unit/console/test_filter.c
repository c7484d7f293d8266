// SPDX-License-Identifier: MIT
/* Terminal-safe guest output (hypervisor/core/console_filter.c). */
#include <sable/console_filter.h>

#include "ut.h"

static char out[4096];

/* Filter @s (fresh state unless @f given); returns a NUL-terminated copy. */
static const char *run(struct console_filter *f, const char *s, size_t len)
{
	struct console_filter fresh = { 0 };
	size_t n;

	if (!f) {
		f = &fresh;
	}
	ASSERT_TRUE(CONSOLE_FILTER_OUT(len) < sizeof(out));
	n = console_filter_run(f, out, s, len);
	ASSERT_TRUE(n <= CONSOLE_FILTER_OUT(len));
	out[n] = 0;
	return out;
}

#define RUN(s) run(NULL, s, sizeof(s) - 1)

TEST(console_filter_passes_text_newline_and_tab)
{
	EXPECT_STREQ(RUN("hello\tworld\n"), "hello\tworld\n");
}

TEST(console_filter_drops_carriage_return_and_other_c0)
{
	EXPECT_STREQ(RUN("abc\rsable: ERROR: x\n"), "abcsable: ERROR: x\n");
	EXPECT_STREQ(RUN("a\x01\x07\x08\x0b\x0c\x7f"
			 "b"),
		     "ab");
}

TEST(console_filter_removes_csi_sequences)
{
	EXPECT_STREQ(RUN("\x1b[2J\x1b[1;31mred\x1b[0m\n"), "red\n");
	EXPECT_STREQ(RUN("\x1b[?25l"
			 "x"),
		     "x");
	/* Cursor to column 1 then text: the text stays, the move goes. */
	EXPECT_STREQ(RUN("ab\x1b[1Gsable: ERROR"), "absable: ERROR");
}

TEST(console_filter_removes_osc_until_bel_or_st)
{
	EXPECT_STREQ(RUN("\x1b]0;title\x07"
			 "after"),
		     "after");
	EXPECT_STREQ(RUN("\x1b]8;;http://x\x1b\\link"), "link");
	EXPECT_STREQ(RUN("\x1bPdcs data\x1b\\ok"), "ok");
}

TEST(console_filter_removes_two_byte_and_charset_escapes)
{
	EXPECT_STREQ(RUN("\x1b"
			 "c"
			 "a\x1b(Bb\x1b"
			 "7c"),
		     "abc");
}

TEST(console_filter_newline_ends_any_sequence)
{
	EXPECT_STREQ(RUN("\x1b[12;\nnext"), "\nnext");
	EXPECT_STREQ(RUN("\x1b]unterminated\nnext"), "\nnext");
}

TEST(console_filter_sequence_split_across_calls)
{
	struct console_filter f = { 0 };

	EXPECT_STREQ(run(&f, "a\x1b[3", 4), "a");
	EXPECT_STREQ(run(&f, "1mb", 3), "b");
}

TEST(console_filter_keeps_valid_utf8)
{
	EXPECT_STREQ(RUN("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x99\x82"),
		     "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x99\x82");
}

TEST(console_filter_drops_c1_controls_raw_and_encoded)
{
	/* 0x9b alone is an 8-bit CSI; U+009B is the same in UTF-8. */
	EXPECT_STREQ(RUN("a\x9b"
			 "2Jb"),
		     "a?2Jb");
	EXPECT_STREQ(RUN("a\xc2\x9b"
			 "b"),
		     "a?b");
	EXPECT_STREQ(RUN("a\xc2\x85"
			 "b"),
		     "a?b"); /* NEL */
}

TEST(console_filter_replaces_malformed_utf8)
{
	EXPECT_STREQ(RUN("\xc0\xaf"), "??"); /* overlong lead */
	EXPECT_STREQ(RUN("\xe0\x80\xaf"), "?"); /* overlong */
	EXPECT_STREQ(RUN("\xed\xa0\x80"), "?"); /* surrogate */
	EXPECT_STREQ(RUN("\xf4\x90\x80\x80"), "?"); /* above U+10FFFF */
	EXPECT_STREQ(RUN("\xe2\x80"
			 "x"),
		     "?x"); /* cut short */
	EXPECT_STREQ(RUN("\xe2\x80\n"), "?\n");
	EXPECT_STREQ(RUN("\xe2\x80\x1b[1m"), "?");
}

TEST(console_filter_utf8_split_across_calls)
{
	struct console_filter f = { 0 };

	EXPECT_STREQ(run(&f, "\xe2\x80", 2), "");
	EXPECT_STREQ(run(&f, "\x94!", 2), "\xe2\x80\x94!");
}

TEST(console_filter_output_bound_holds_for_every_byte)
{
	struct console_filter f = { 0 };
	char in[256];
	size_t total_in = 0, total_out = 0;

	for (int round = 0; round < 64; round++) {
		for (int i = 0; i < 256; i++) {
			in[i] = (char)((i * 37 + round * 11) & 0xff);
		}
		total_out += strlen(run(&f, in, sizeof(in)));
		total_in += sizeof(in);
		for (size_t i = 0; out[i]; i++) {
			unsigned char c = (unsigned char)out[i];

			EXPECT_TRUE(c >= 0x20 || c == '\n' || c == '\t');
			EXPECT_TRUE(c != 0x7f);
		}
	}
	EXPECT_TRUE(total_out <= total_in + 4);
}
