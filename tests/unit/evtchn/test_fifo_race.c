/* SPDX-License-Identifier: MIT */
/*
 * FIFO event words and control blocks live in guest RAM: another vCPU of
 * the guest may write any value into them while the hypervisor links an
 * event. Nothing the guest writes is followed as a port, and a guest that
 * never stops rewriting its words cannot keep the hypervisor in its
 * compare-and-swap loops.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <sable/errno.h>

#include "evtchn_test.h"

#define RACE_PORTS 4
#define RACE_ROUNDS 20000

struct scribbler {
	event_word_t *words[RACE_PORTS];
	struct evtchn_fifo_control_block *cb;
	int started, stop;
};

/* Arbitrary values into the event words and the control block's READY. */
static void *scribble(void *arg)
{
	struct scribbler *s = arg;
	uint32_t x = 0x9e3779b9U;
	unsigned int i = 0;

	__atomic_store_n(&s->started, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		/* Mostly LINKED (so the tail CAS is taken) with a wild LINK. */
		__atomic_store_n(s->words[i++ % RACE_PORTS],
				 x | FIFO_BIT(EVTCHN_FIFO_LINKED),
				 __ATOMIC_RELAXED);
		__atomic_store_n(s->words[i++ % RACE_PORTS], x,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&s->cb->ready, x, __ATOMIC_RELAXED);
	}
	return NULL;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

TEST(evtchn_fifo_send_bounded_while_guest_rewrites_its_words)
{
	struct evtchn_fifo_control_block *cb;
	struct scribbler s = { 0 };
	uint32_t ports[RACE_PORTS], out[RACE_PORTS + 1];
	uint64_t worst = 0, t;
	unsigned int i, bad = 0;
	pthread_t th;

	fixture();
	cb = fifo_init(d1, 0);
	fifo_expand(d1, 1);
	for (i = 0; i < RACE_PORTS; i++) {
		ports[i] = bind_ipi(d1, 0);
		s.words[i] = fifo_word(d1, ports[i]);
	}
	s.cb = cb;
	ASSERT_EQ(pthread_create(&th, NULL, scribble, &s), 0);
	while (!__atomic_load_n(&s.started, __ATOMIC_ACQUIRE)) {
	}
	for (i = 0; i < RACE_ROUNDS; i++) {
		uint32_t p = ports[i % RACE_PORTS];
		uint32_t head;

		t = now_ms();
		bad += send_port(d1, p) != 0;
		bad += unmask_port(d1, p) != 0;
		t = now_ms() - t;
		worst = t > worst ? t : worst;
		/* The hypervisor names only ports it linked as a head. */
		head = __atomic_load_n(&cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT],
				       __ATOMIC_RELAXED);
		bad += head != 0 && head != ports[0] && head != ports[1] &&
		       head != ports[2] && head != ports[3];
	}
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	EXPECT_EQ(bad, 0);
	EXPECT_LT(worst, 1000);
	/* Once the guest starts over with clean words, every port delivers. */
	for (i = 0; i < RACE_PORTS; i++) {
		__atomic_store_n(s.words[i], 0, __ATOMIC_RELAXED);
	}
	memset(cb, 0, sizeof(*cb));
	for (i = 0; i < RACE_PORTS; i++) {
		EXPECT_EQ(send_port(d1, ports[i]), 0);
	}
	EXPECT_EQ(fifo_drain(d1, cb, out, RACE_PORTS + 1), RACE_PORTS);
	teardown();
}
