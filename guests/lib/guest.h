/* SPDX-License-Identifier: MIT */
/*
 * The small library of Sable's bare-metal test guests: hypercalls, console
 * output (the emulated PL011 when the device tree has one, else
 * console_io), a test reporter, the exception record, device-tree lookups,
 * event channels (2-level ABI) and a minimal GICv3 for event upcalls.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
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

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return xen_hypercall(__HYPERVISOR_event_channel_op, (unsigned long)cmd,
			     (unsigned long)arg, 0, 0, 0);
}

static inline long HYPERVISOR_grant_table_op(int cmd, void *ops,
					     unsigned int count)
{
	return xen_hypercall(__HYPERVISOR_grant_table_op, (unsigned long)cmd,
			     (unsigned long)ops, count, 0, 0);
}

static inline long HYPERVISOR_memory_op(int cmd, void *arg)
{
	return xen_hypercall(__HYPERVISOR_memory_op, (unsigned long)cmd,
			     (unsigned long)arg, 0, 0, 0);
}

/* Barriers: the guests run with the MMU off, on one vCPU each. */
#define guest_mb() __asm__ volatile("dmb ish" ::: "memory")
#define guest_wmb() __asm__ volatile("dmb ishst" ::: "memory")
#define guest_rmb() __asm__ volatile("dmb ishld" ::: "memory")

/* Console. */
void gputs(const char *s);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Tests: each check prints one line; guest_report prints the summary line
 * (once: guest_finish prints it unless already printed), guest_finish
 * also shuts the domain down (poweroff).
 */
void guest_report(void);
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

/*
 * Device tree (fdt.c): guest_start hands the tree from x0 to gfdt_init
 * before guest_main. Lookups return false/defaults without a tree.
 */
void gfdt_init(const void *dtb);
bool gfdt_valid(void);
/* Base and size of entry idx of the reg of the first node compatible. */
bool gfdt_reg(const char *compatible, int idx, uint64_t *base, uint64_t *size);
/* Bank idx of the first node with device_type "memory". */
bool gfdt_memory(int idx, uint64_t *base, uint64_t *size);
/* Value of "key=value" in /chosen/bootargs, copied into val. */
bool gfdt_arg(const char *key, char *val, size_t len);
unsigned long gfdt_arg_ulong(const char *key, unsigned long dflt);
/* The event-channel upcall PPI (INTID) from /hypervisor, else Xen's 31. */
unsigned int gfdt_evtchn_ppi(void);
/* The grant-table region from /hypervisor, else Xen's 0x38000000. */
uint64_t gfdt_gnttab_base(void);
/* The UART console base, 0 for console_io (console.c). */
extern uint64_t guest_uart_base;
void console_init(void);

/* Event channels, 2-level ABI (evtchn.c). */
struct shared_info *evtchn_map_shared_info(void);
long evtchn_alloc_unbound(xen_domid_t remote, evtchn_port_t *port);
long evtchn_bind_interdomain(xen_domid_t remote, evtchn_port_t remote_port,
			     evtchn_port_t *local);
long evtchn_send(evtchn_port_t port);
long evtchn_close(evtchn_port_t port);
/* SCHEDOP_poll on one port: returns once it is pending. */
long evtchn_poll(evtchn_port_t port);
bool evtchn_test_and_clear(evtchn_port_t port);
bool evtchn_is_pending(evtchn_port_t port);
void evtchn_mask(evtchn_port_t port);
void evtchn_unmask(evtchn_port_t port);

/* Minimal GICv3 and IRQ entry (gic.c): one handler for every INTID. */
typedef void (*irq_handler_t)(unsigned int intid);
int gic_init(void);
void gic_enable_ppi(unsigned int intid);
/* Enable SPI @intid in the distributor, routed to vCPU 0. */
void gic_enable_spi(unsigned int intid);
void irq_set_handler(irq_handler_t fn);

static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
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
