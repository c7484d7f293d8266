/* SPDX-License-Identifier: MIT */
/*
 * What the placement and balancing tests (test_sched_place.c,
 * test_sched_balance.c) share: a stopped clock they move themselves, and
 * playing one pCPU at a time through the real scheduler paths.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct vcpu;

#define MS 1000ULL /* counter ticks (1 MHz) */
#define T0 (1000 * MS)
#define SLICE (SCHED_SLICE_US * MS / 1000) /* the default slice */
#define CPU0 1ULL
#define CPU1 2ULL
#define BOTH 3ULL

/* The clock, in counter ticks; clock_at() moves it. */
extern uint64_t now;
void clock_at(uint64_t t);
/* A WFE trap of the current vCPU: sched_yield_directed(). */
void wfe_fn(void *arg);
/* pCPU @id decides (after an interrupt); what it ran, or NULL if idle. */
struct vcpu *decide(unsigned int id);
/* The current vCPU of pCPU @id traps with @fn (WFI, WFE). */
struct vcpu *trap(unsigned int id, void (*fn)(void *));
/* @v blocks in WFI on its home pCPU, which has nothing else to run. */
void blocked(struct vcpu *v);
/* Is @v queued (not running) on pCPU @cpu? */
bool queued_on(struct vcpu *v, unsigned int cpu);
/* Does every running and queued vCPU sit on a pCPU its affinity allows? */
bool allowed_everywhere_it_is(void);
/*
 * d1 and d3 start on pCPU 0, d2 on pCPU 1 (round robin); d2 stays
 * offline unless a test starts it.
 */
void three(struct domain **d1, struct domain **d2, struct domain **d3);
