/* SPDX-License-Identifier: MIT */
/*
 * The arch contract: what the portable core asks of hypervisor/arch/<arch>.
 * arm64 implements it for EL2; the host build implements what unit tests
 * need.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sable/types.h>

struct vcpu;
struct domain;

/* Console (the hypervisor's own UART). */
void arch_console_write(const char *s, size_t len);
int arch_console_getc(void); /* -1 if nothing */

/* Stop the machine: powered off with @status visible to the host. */
__attribute__((noreturn)) void arch_machine_exit(int status);
__attribute__((noreturn)) void arch_machine_reset(void);

/* Physical counter and its frequency. */
uint64_t arch_counter(void);
uint64_t arch_counter_freq(void);

/* vCPU state: initialise for a fresh EL1 start, then run it (no return). */
void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t x0);
__attribute__((noreturn)) void arch_vcpu_run(struct vcpu *v);

/* Idle this pCPU until an interrupt arrives. */
void arch_idle(void);

/* Kick another pCPU (reschedule IPI). */
void arch_send_resched(unsigned int cpu);

/* Clean data cache to the point of coherency for [va, va+len). */
void arch_dcache_clean(const void *va, size_t len);
/* Zero the page-aligned 4 KiB page at @va (normal cacheable memory). */
void arch_page_zero(void *va);
void arch_route_spi(unsigned int intid, bool enable);
unsigned int arch_gic_nr_spis(void);
