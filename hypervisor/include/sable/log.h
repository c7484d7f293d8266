/* SPDX-License-Identifier: MIT */
/*
 * Hypervisor log. Lines printed with LOG_ERR start with "sable: ERROR: ",
 * which the system tests treat as failures. Anything a guest can cause
 * (bad MMIO, trapped registers, bad grant use...) is logged with
 * pr_guest(domid, ...) and never as an error: those lines go through the
 * domain's token bucket (docs/bounded-time.md), and the lines it refused
 * are counted in one "dN: N messages suppressed" line printed before the
 * next one let through.
 */
#pragma once

#include <stdarg.h>

enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_GUEST = 3,
	LOG_DEBUG = 4,
};

void log_printf(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A line caused by domain @domid, at LOG_GUEST, rate-limited per domain. */
void log_guest(unsigned int domid, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_err(...) log_printf(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define pr_guest(domid, ...) log_guest(domid, __VA_ARGS__)
/* The level above which lines are dropped (loglvl=); read before any
 * formatting so that a debug line costs a load on hot paths. */
extern int log_level_max;
#define pr_debug(...)                                       \
	do {                                                \
		if (log_level_max >= LOG_DEBUG) {           \
			log_printf(LOG_DEBUG, __VA_ARGS__); \
		}                                           \
	} while (0)
