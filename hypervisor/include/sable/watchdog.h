/* SPDX-License-Identifier: MIT */
/*
 * Domain watchdogs (SCHEDOP_watchdog): see hypervisor/core/watchdog.c.
 */
#pragma once

#include <stdint.h>

struct domain;

/*
 * SCHEDOP_watchdog by @d: @id 0 arms a free timer for @timeout seconds
 * and returns its id (1 or 2; -ENOSPC if both are in use); a timer's id
 * with @timeout re-arms it, with 0 stops it and frees the id (-EINVAL
 * for an id that is not in use or out of range).
 */
long watchdog_op(struct domain *d, uint32_t id, uint32_t timeout);
/*
 * @deadline (counter, 0: none) moved no later than the earliest armed
 * watchdog's: pCPU 0's scheduling deadline keeps the watchdogs' time.
 */
uint64_t watchdog_fold_deadline(uint64_t deadline);
/*
 * On pCPU 0 at @now: shut down (reason watchdog) every running domain
 * one of whose timers ran out; a domain paused by the toolstack has its
 * timers pushed back instead.
 */
void watchdog_check(uint64_t now);
