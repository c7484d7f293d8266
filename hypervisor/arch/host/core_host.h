/* SPDX-License-Identifier: MIT */
/*
 * Test controls of the host build of the whole core (hypervisor/core with
 * the real page allocator, p2m, evtchn/, grant-tables/ and the device
 * models). Guest "physical" memory is one host arena mapped at a fixed low
 * address and handed to mm_init() as the RAM bank: a PA is a host pointer,
 * as under the EL2 identity map. The arena lies below 2^31 so that dom0's
 * 1:1 IPAs fit the 40-bit stage 2 and AddressSanitizer's low shadow covers
 * it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vcpu;

#define HOST_RAM_BASE 0x40000000ULL
#define HOST_RAM_MAX (512ULL << 20)

/*
 * Map [HOST_RAM_BASE, HOST_RAM_BASE + @size) zero-filled (once per
 * process; @size at most HOST_RAM_MAX, 2 MiB multiple). 0 or -ENOMEM.
 */
int host_ram_map(uint64_t size);
uint64_t host_ram_size(void);
/* Whether [pa, pa + len) is arena memory. */
bool host_ram_contains(uint64_t pa, uint64_t len);
/* mm_init() over the whole arena, its bitmap at the start (no device tree). */
void host_ram_start_allocator(void);

/* Bring @nr pCPUs online (1..MAX_CPUS); the calling thread acts as pCPU 0. */
void host_cpus_init(unsigned int nr);
/* The calling thread acts as pCPU @id from now on. */
void host_cpu_select(unsigned int id);

/*
 * How host_run() ended. On EL2 these never return to the caller: the pCPU
 * enters a guest, sleeps, or the machine stops. The host build unwinds to
 * the innermost host_run() instead.
 */
enum host_stop_kind {
	HOST_RETURNED = 0, /* fn returned */
	HOST_VCPU_RUN, /* the scheduler entered vCPU stop->vcpu */
	HOST_IDLE, /* nothing runnable: the pCPU would sleep in WFI */
	HOST_MACHINE_EXIT, /* arch_machine_exit(stop->status) */
	HOST_MACHINE_RESET, /* arch_machine_reset() */
};

struct host_stop {
	enum host_stop_kind kind;
	struct vcpu *vcpu;
	int status;
};

/*
 * Call @fn(@arg) on the current pCPU until it returns or the core gives
 * the pCPU away; fills @stop (which may be NULL) and returns its kind.
 * Nests. With no host_run() active, those events abort the process.
 */
enum host_stop_kind host_run(void (*fn)(void *), void *arg,
			     struct host_stop *stop);

/* Everything arch_console_write() was given (NUL terminated), and reset. */
const char *host_console_output(void);
void host_console_clear(void);
/* Queue bytes for arch_console_getc(). */
void host_console_input(const char *s);

/* What arch_dcache_clean() was asked to clean. */
struct host_dcache_stats {
	uint64_t calls;
	uint64_t bytes;
	uint64_t outside_ram; /* calls naming memory outside the arena */
	uint64_t last_va, last_len;
};
void host_dcache_stats(struct host_dcache_stats *s);

/* Physical SPIs routed by arch_route_spi() and enabled now. */
bool host_spi_enabled(unsigned int intid);
/* The value arch_gic_nr_spis() reports (default 64). */
void host_gic_set_nr_spis(unsigned int nr);

/* TLB flushes requested through arch_p2m_flush_ipa(). */
uint64_t host_p2m_flushes(void);

/*
 * The counter (1 MHz): by default it advances 1 ms on every read; in
 * manual mode it stands still and host_clock_set() moves it.
 */
void host_clock_manual(bool manual);
void host_clock_set(uint64_t ticks);
/*
 * An SError pending on the host pCPUs: the next sched_arch_serror_sync()
 * finds it (and clears it), as an ESB would find a guest's.
 */
extern bool host_serror_pending;
/* The EL2 timer interrupt on this pCPU at @now (before the reschedule). */
void host_timer_irq(uint64_t now);
/* Called after each copy_to_guest() that wrote (tests trace the writes). */
extern void (*host_guest_write_hook)(uint64_t gva, const void *src, size_t len);

/*
 * Every pCPU passes quiescent points (as returning to a guest does) until
 * no destroyed domain has teardown work or a grace period left: RAM is
 * given back and domains whose last reference went are freed.
 */
void host_quiesce_all(void);
extern unsigned int host_quiesce_rounds; /* rounds played, in total */

/* arch_irq_pending() answers this (tests set it to force preemption). */
extern bool host_irq_pending;
