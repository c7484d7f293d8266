/* SPDX-License-Identifier: MIT */
/* Hypercall dispatch: Xen numbers in x16, arguments x0..x4, result x0. */
#pragma once

#include <stdint.h>

struct vcpu;

typedef long (*hypercall_fn)(struct vcpu *v, const uint64_t args[5]);

/* Run hypercall @nr for @v; the result goes to x0. */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[5]);

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
