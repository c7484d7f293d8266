/* SPDX-License-Identifier: MIT */
/* SCHEDOP_* (sched_op hypercall). */
#pragma once

#include <stdint.h>

#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll 3
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code 5
#define SCHEDOP_watchdog 6
#define SCHEDOP_pin_override 7

struct sched_shutdown {
	uint32_t reason; /* IN: SHUTDOWN_* */
};
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown");

struct sched_watchdog {
	uint32_t id; /* IN: 0 to arm a new timer, else the timer's id */
	uint32_t timeout; /* IN: seconds; 0 stops timer @id */
};
_Static_assert(sizeof(struct sched_watchdog) == 8, "sched_watchdog");

struct sched_poll {
	uint64_t ports; /* IN: guest handle to uint32_t ports */
	uint32_t nr_ports; /* IN */
	uint32_t pad;
	uint64_t timeout; /* IN: absolute system time, ns; 0 = none */
};
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll");

struct sched_remote_shutdown {
	uint16_t domain_id; /* IN */
	uint16_t pad;
	uint32_t reason; /* IN */
};
_Static_assert(sizeof(struct sched_remote_shutdown) == 8,
	       "sched_remote_shutdown");
