/* SPDX-License-Identifier: MIT */
/*
 * CPU-time accounting as guests see it: each vCPU's time in Xen's four
 * runstates (running, runnable, blocked, offline) and the time it
 * entered the current one, in ns of Sable's system time (the counter
 * guests read, CNTVOFF_EL2 = 0, in ns). Written into the guest's
 * registered runstate area when the vCPU is switched in, as Xen on Arm
 * does; Linux reads its steal time from it (docs/scheduler.md,
 * Accounting).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <public/vcpu.h>
#include <sable/spinlock.h>

struct vcpu;

struct vcpu_runstate {
	/*
	 * Protects: state, entry_ns, time_ns. A leaf lock, taken under the
	 * run-queue lock by the scheduler and alone by readers.
	 */
	spinlock_t lock;
	unsigned int state; /* RUNSTATE_* */
	uint64_t entry_ns; /* system time the state was entered */
	uint64_t time_ns[4]; /* per RUNSTATE_*, up to entry_ns */
	/* Guest virtual address of the registered area, 0 if none. */
	uint64_t area_gva;
};

/* Sable's system time (ns) of a counter value. */
uint64_t runstate_ticks_to_ns(uint64_t ticks);

/* A new vCPU: offline from now on, nothing registered. */
void runstate_init(struct vcpu *v);
/*
 * @v's scheduler state (state, paused) changed: enter the matching
 * runstate now if it differs. Called with @v's run-queue lock held.
 */
void runstate_update(struct vcpu *v);
/* A snapshot: time_ns includes the time spent so far in the state. */
void runstate_get(struct vcpu *v, struct vcpu_runstate_info *out);
/*
 * @v was switched in and its EL1 state is loaded (its stage 1 and stage 2
 * translate guest addresses): write its runstate area, if registered.
 * A write that cannot be done (unmapped, not its own RAM) is skipped.
 */
void runstate_switch_in(struct vcpu *v);
/*
 * VCPUOP_register_runstate_memory_area by the current vCPU @caller for
 * @t: record @gva (0 unregisters) and write @t's runstate there through
 * @caller's translation. Always 0, as on Xen: a bad address is found at
 * the writes, which skip it.
 */
long runstate_register(struct vcpu *caller, struct vcpu *t, uint64_t gva);
