/* SPDX-License-Identifier: MIT */
/* Hypercall dispatch: Xen numbers in x16, arguments x0..x4, result x0. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

typedef long (*hypercall_fn)(struct vcpu *v, const uint64_t args[5]);

/* Run hypercall @nr for @v; the result goes to x0. */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[5]);

/*
 * Continuations (docs/bounded-time.md). A hypercall whose work grows with
 * a guest-controlled count does it in pieces: it starts a budget, asks
 * hypercall_preempt_check() after each unit of work (never before the
 * first, so every piece makes progress) and, when told to stop, returns
 * hypercall_continue() with the arguments that describe the rest. The vCPU
 * then re-executes the same HVC with those arguments, after any interrupt
 * or reschedule that was pending; the guest sees one call.
 */
struct hypercall_budget {
	uint64_t deadline; /* counter value at which the piece ends */
};

/* Longest piece of one hypercall, in microseconds of counter time. */
#define HYPERCALL_SLICE_US 500U

void hypercall_budget_start(struct hypercall_budget *b);
/*
 * Whether the piece should end here: a physical interrupt is pending, this
 * pCPU was asked to reschedule, or the budget's time is used up.
 */
bool hypercall_preempt_check(const struct hypercall_budget *b);
/* The same as a callback for portable modules (@budget: the budget). */
bool hypercall_preempt_cb(void *budget);
/*
 * Make the current vCPU @v issue the hypercall in progress again with
 * @args; returns the value the handler returns (the new x0).
 */
long hypercall_continue(struct vcpu *v, const uint64_t args[5]);

/*
 * Arch hooks. arch_hypercall_continue: write @args into the trapped
 * vCPU's x0..x4 and rewind its PC to the HVC. arch_irq_pending: a
 * physical interrupt is waiting to be taken on this pCPU.
 */
void arch_hypercall_continue(struct vcpu *v, const uint64_t args[5]);
bool arch_irq_pending(void);

long do_xen_version(struct vcpu *v, const uint64_t args[5]);
long do_console_io(struct vcpu *v, const uint64_t args[5]);
long do_sched_op(struct vcpu *v, const uint64_t args[5]);
long do_memory_op(struct vcpu *v, const uint64_t args[5]);
long do_vcpu_op(struct vcpu *v, const uint64_t args[5]);
long do_hvm_op(struct vcpu *v, const uint64_t args[5]);
long do_vm_assist(struct vcpu *v, const uint64_t args[5]);
long do_platform_op(struct vcpu *v, const uint64_t args[5]);
long do_physdev_op(struct vcpu *v, const uint64_t args[5]);
long do_sable_ctl(struct vcpu *v, const uint64_t args[5]);
long do_event_channel_op(struct vcpu *v, const uint64_t args[5]);
long do_grant_table_op(struct vcpu *v, const uint64_t args[5]);

/* Sable's own version, and the Xen interface version it answers with. */
#define SABLE_VERSION "0.1.0"
#define SABLE_XEN_MAJOR 4
#define SABLE_XEN_MINOR 17
