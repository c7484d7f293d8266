/* SPDX-License-Identifier: MIT */
/*
 * The small library of Sable's bare-metal test guests: hypercalls, console
 * output, a test reporter and the exception record.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/sched.h>
#include <public/version.h>
#include <public/xen.h>

long xen_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
		   unsigned long a2, unsigned long a3, unsigned long a4);
long smccc_hvc(unsigned long fn, unsigned long a1, unsigned long a2,
	       unsigned long a3);
void raw_hvc_imm1(void);

static inline long HYPERVISOR_console_io(int cmd, unsigned long count,
					 const void *buf)
{
	return xen_hypercall(__HYPERVISOR_console_io, (unsigned long)cmd, count,
			     (unsigned long)buf, 0, 0);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
	return xen_hypercall(__HYPERVISOR_xen_version, (unsigned long)cmd,
			     (unsigned long)arg, 0, 0, 0);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
	return xen_hypercall(__HYPERVISOR_sched_op, (unsigned long)cmd,
			     (unsigned long)arg, 0, 0, 0);
}

/* Console. */
void gputs(const char *s);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Tests: each check prints one line; guest_finish prints the summary. */
void check(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
__attribute__((noreturn)) void guest_finish(void);
void guest_shutdown(unsigned int reason);

/* The last exception taken at EL1 (guest_exception records it). */
struct exc_record {
	volatile uint64_t count;
	volatile uint64_t esr, far, elr;
};
extern struct exc_record last_exc;

/* Timing. */
static inline uint64_t cntvct(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static inline uint64_t cntfrq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

/* Entry point each guest defines. */
void guest_main(const void *dtb);

/* Minimal string helpers. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
int memcmp(const void *a, const void *b, size_t n);
/* True under Sable (its extraversion names it), false under Xen. */
bool on_sable(void);
int strcmp(const char *a, const char *b);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
