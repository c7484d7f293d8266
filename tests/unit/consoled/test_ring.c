/* SPDX-License-Identifier: MIT */
/* The console ring as the guest could leave it, sane or not. */
#include <errno.h>
#include <stdlib.h>

#include "cons_ring.h"
#include "ut.h"

static struct cons_intf *ct_ring(void)
{
	struct cons_intf *r = aligned_alloc(4096, 4096);

	ASSERT_TRUE(r != NULL);
	memset(r, 0, 4096);
	return r;
}

/* The guest writes @len bytes of @s to out[] and publishes them. */
static void ct_guest_print(struct cons_intf *r, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		r->out[(r->out_prod + i) & (CONS_OUT_SIZE - 1)] = s[i];
	}
	r->out_prod += (uint32_t)len;
}

TEST(consoled_ring_takes_the_guests_output_and_hands_slots_back)
{
	struct cons_intf *r = ct_ring();
	char buf[64];

	ct_guest_print(r, "hello", 5);
	EXPECT_EQ(cons_ring_out_pending(r), 5);
	EXPECT_EQ(cons_ring_take_out(r, buf, sizeof(buf)), 5);
	EXPECT_MEMEQ(buf, "hello", 5);
	EXPECT_EQ(r->out_cons, 5);
	EXPECT_EQ(cons_ring_take_out(r, buf, sizeof(buf)), 0);
	EXPECT_EQ(cons_ring_out_pending(r), 0);
	free(r);
}

TEST(consoled_ring_output_wraps_around_the_end_of_out)
{
	struct cons_intf *r = ct_ring();
	char buf[16];

	r->out_cons = r->out_prod = CONS_OUT_SIZE - 3;
	ct_guest_print(r, "abcdefgh", 8);
	EXPECT_EQ(cons_ring_take_out(r, buf, sizeof(buf)), 8);
	EXPECT_MEMEQ(buf, "abcdefgh", 8);
	EXPECT_EQ(r->out[0], 'd');
	EXPECT_EQ(r->out_cons, CONS_OUT_SIZE + 5);
	free(r);
}

TEST(consoled_ring_indices_wrap_at_32_bits)
{
	struct cons_intf *r = ct_ring();
	char buf[16];

	r->out_cons = r->out_prod = UINT32_MAX - 1;
	ct_guest_print(r, "wxyz", 4);
	EXPECT_EQ(r->out_prod, 2);
	EXPECT_EQ(cons_ring_take_out(r, buf, sizeof(buf)), 4);
	EXPECT_MEMEQ(buf, "wxyz", 4);
	EXPECT_EQ(r->out_cons, 2);
	r->in_cons = r->in_prod = UINT32_MAX;
	EXPECT_EQ(cons_ring_put_in(r, "ab", 2), 2);
	EXPECT_EQ(r->in_prod, 1);
	EXPECT_EQ(r->in[CONS_IN_SIZE - 1], 'a');
	EXPECT_EQ(r->in[0], 'b');
	free(r);
}

TEST(consoled_ring_takes_no_more_than_the_budget)
{
	struct cons_intf *r = ct_ring();
	char all[CONS_OUT_SIZE], buf[CONS_OUT_SIZE];

	memset(all, 'x', sizeof(all));
	ct_guest_print(r, all, sizeof(all));
	EXPECT_EQ(cons_ring_out_pending(r), (int)CONS_OUT_SIZE);
	EXPECT_EQ(cons_ring_take_out(r, buf, 100), 100);
	EXPECT_EQ(r->out_cons, 100);
	EXPECT_EQ(cons_ring_out_pending(r), (int)CONS_OUT_SIZE - 100);
	free(r);
}

TEST(consoled_ring_refuses_an_out_prod_beyond_the_ring)
{
	struct cons_intf *r = ct_ring();
	char buf[8192];

	r->out_cons = 10;
	r->out_prod = 10 + CONS_OUT_SIZE + 1;
	EXPECT_EQ(cons_ring_take_out(r, buf, sizeof(buf)), -EPROTO);
	EXPECT_EQ(cons_ring_out_pending(r), -EPROTO);
	EXPECT_EQ(r->out_cons, 10); /* nothing handed back */
	/* Behind the consumer looks like 4 GiB of output: refused too. */
	r->out_prod = 9;
	EXPECT_EQ(cons_ring_take_out(r, buf, sizeof(buf)), -EPROTO);
	/* Exactly full is fine. */
	r->out_prod = 10 + CONS_OUT_SIZE;
	EXPECT_EQ(cons_ring_take_out(r, buf, sizeof(buf)), (int)CONS_OUT_SIZE);
	free(r);
}

TEST(consoled_ring_input_fills_the_ring_and_stops)
{
	struct cons_intf *r = ct_ring();
	char big[2 * CONS_IN_SIZE];

	memset(big, 'k', sizeof(big));
	EXPECT_EQ(cons_ring_in_space(r), (int)CONS_IN_SIZE);
	EXPECT_EQ(cons_ring_put_in(r, big, sizeof(big)), (int)CONS_IN_SIZE);
	EXPECT_EQ(r->in_prod, CONS_IN_SIZE);
	EXPECT_EQ(cons_ring_in_space(r), 0);
	EXPECT_EQ(cons_ring_put_in(r, "z", 1), 0);
	r->in_cons = 3; /* the guest read three */
	EXPECT_EQ(cons_ring_put_in(r, "xyz!", 4), 3);
	EXPECT_EQ(r->in[0], 'x');
	EXPECT_EQ(r->in[2], 'z');
	free(r);
}

TEST(consoled_ring_refuses_hostile_input_indices)
{
	struct cons_intf *r = ct_ring();

	/* A consumer ahead of the producer: the ring would look over-full. */
	r->in_prod = 5;
	r->in_cons = 6;
	EXPECT_EQ(cons_ring_in_space(r), -EPROTO);
	EXPECT_EQ(cons_ring_put_in(r, "a", 1), -EPROTO);
	EXPECT_EQ(r->in_prod, 5);
	/* A producer the guest moved far ahead. */
	r->in_cons = 0;
	r->in_prod = CONS_IN_SIZE + 1;
	EXPECT_EQ(cons_ring_put_in(r, "a", 1), -EPROTO);
	free(r);
}

TEST(consoled_ring_never_touches_memory_outside_the_page)
{
	/* Any index pair: every access stays inside in[] or out[] (ASan
	 * watches the rest of a ring-sized allocation). */
	struct cons_intf *r = malloc(sizeof(*r));
	char buf[CONS_OUT_SIZE];
	uint32_t seed = 12345;
	int i, n;

	ASSERT_TRUE(r != NULL);
	memset(r, 0, sizeof(*r));
	for (i = 0; i < 20000; i++) {
		seed = seed * 1103515245u + 12345u;
		r->out_cons = seed;
		r->out_prod = seed + (i % 3 ? (seed >> 7) % 4096 : seed >> 3);
		n = cons_ring_take_out(r, buf, (size_t)(seed >> 20) % 3000);
		EXPECT_TRUE(n >= -EPROTO && n <= (int)CONS_OUT_SIZE);
		r->in_cons = seed >> 5;
		r->in_prod = r->in_cons + (seed >> 11) % 2048;
		n = cons_ring_put_in(r, buf, (size_t)(seed >> 21) % 2000);
		EXPECT_TRUE(n >= -EPROTO && n <= (int)CONS_IN_SIZE);
	}
	free(r);
}
