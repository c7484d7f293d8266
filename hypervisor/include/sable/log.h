/* SPDX-License-Identifier: MIT */
/*
 * Hypervisor log. Lines printed with LOG_ERR start with "(XEN) ERROR" style
 * tags that the system tests treat as failures; guest misbehaviour is logged
 * at LOG_GUEST (rate limited by the caller) and never as an error.
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

#define pr_err(...) log_printf(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define pr_guest(...) log_printf(LOG_GUEST, __VA_ARGS__)
#define pr_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)
