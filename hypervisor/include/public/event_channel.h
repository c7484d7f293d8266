/* SPDX-License-Identifier: MIT */
/*
 * Xen guest ABI: event channels (__HYPERVISOR_event_channel_op).
 * Layouts, numbers and bit positions follow Xen's public
 * event_channel.h (arm64, little-endian); the text is Sable's own.
 * Every argument structure is copied in whole and, on success of a
 * command with OUT fields, copied back in whole.
 */
#pragma once

#include <stdint.h>

#include <public/xen.h>

typedef uint32_t evtchn_port_t;

/* Commands (first hypercall argument). */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2 /* not on arm: -ENOSYS */
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
#define EVTCHNOP_init_control 11
#define EVTCHNOP_expand_array 12
#define EVTCHNOP_set_priority 13

/* Virtual IRQs. TIMER, DEBUG, XENOPROF and XENPMU are per vCPU. */
#define VIRQ_TIMER 0
#define VIRQ_DEBUG 1
#define VIRQ_CONSOLE 2
#define VIRQ_DOM_EXC 3
#define VIRQ_TBUF 4
#define VIRQ_DEBUGGER 6
#define VIRQ_XENOPROF 7
#define VIRQ_CON_RING 8
#define VIRQ_PCPU_STATE 9
#define VIRQ_MEM_EVENT 10
#define VIRQ_ARGO 11
#define VIRQ_ENOMEM 12
#define VIRQ_XENPMU 13
#define VIRQ_ARCH_0 16
#define VIRQ_ARCH_7 23
#define NR_VIRQS 24

/* Port states reported by EVTCHNOP_status. */
#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq 3
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_ipi 5

struct evtchn_alloc_unbound {
	xen_domid_t dom; /* IN: DOMID_SELF, or any domain if privileged */
	xen_domid_t remote_dom; /* IN: who may bind; DOMID_SELF allowed */
	evtchn_port_t port; /* OUT */
};
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "alloc_unbound");
_Static_assert(__builtin_offsetof(struct evtchn_alloc_unbound, port) == 4,
	       "alloc_unbound.port");

struct evtchn_bind_interdomain {
	xen_domid_t remote_dom; /* IN: DOMID_SELF allowed (self-loop) */
	uint8_t pad[2];
	evtchn_port_t remote_port; /* IN: unbound, accepting the caller */
	evtchn_port_t local_port; /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12,
	       "bind_interdomain");
_Static_assert(__builtin_offsetof(struct evtchn_bind_interdomain,
				  remote_port) == 4,
	       "bind_interdomain.remote_port");
_Static_assert(__builtin_offsetof(struct evtchn_bind_interdomain, local_port) ==
		       8,
	       "bind_interdomain.local_port");

struct evtchn_bind_virq {
	uint32_t virq; /* IN */
	uint32_t vcpu; /* IN: 0 for global VIRQs */
	evtchn_port_t port; /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "bind_virq");
_Static_assert(__builtin_offsetof(struct evtchn_bind_virq, port) == 8,
	       "bind_virq.port");

struct evtchn_bind_pirq {
	uint32_t pirq; /* IN */
	uint32_t flags; /* IN */
	evtchn_port_t port; /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_pirq) == 12, "bind_pirq");

struct evtchn_bind_ipi {
	uint32_t vcpu; /* IN */
	evtchn_port_t port; /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "bind_ipi");
_Static_assert(__builtin_offsetof(struct evtchn_bind_ipi, port) == 4,
	       "bind_ipi.port");

/* EVTCHNOP_close, EVTCHNOP_send and EVTCHNOP_unmask share one layout. */
struct evtchn_close {
	evtchn_port_t port; /* IN */
};
struct evtchn_send {
	evtchn_port_t port; /* IN */
};
struct evtchn_unmask {
	evtchn_port_t port; /* IN */
};
_Static_assert(sizeof(struct evtchn_close) == 4, "close");
_Static_assert(sizeof(struct evtchn_send) == 4, "send");
_Static_assert(sizeof(struct evtchn_unmask) == 4, "unmask");

struct evtchn_status {
	xen_domid_t dom; /* IN: DOMID_SELF, or any domain if privileged */
	uint8_t pad0[2];
	evtchn_port_t port; /* IN */
	uint32_t status; /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu; /* OUT: vCPU notified */
	union {
		struct {
			xen_domid_t dom;
		} unbound; /* OUT: EVTCHNSTAT_unbound */
		struct {
			xen_domid_t dom;
			uint8_t pad[2];
			evtchn_port_t port;
		} interdomain; /* OUT: EVTCHNSTAT_interdomain */
		uint32_t pirq; /* OUT: EVTCHNSTAT_pirq */
		uint32_t virq; /* OUT: EVTCHNSTAT_virq */
	} u;
};
_Static_assert(sizeof(struct evtchn_status) == 24, "status");
_Static_assert(__builtin_offsetof(struct evtchn_status, port) == 4,
	       "status.port");
_Static_assert(__builtin_offsetof(struct evtchn_status, status) == 8,
	       "status.status");
_Static_assert(__builtin_offsetof(struct evtchn_status, vcpu) == 12,
	       "status.vcpu");
_Static_assert(__builtin_offsetof(struct evtchn_status, u) == 16, "status.u");
_Static_assert(__builtin_offsetof(struct evtchn_status, u.interdomain.port) ==
		       20,
	       "status.u.interdomain.port");

struct evtchn_bind_vcpu {
	evtchn_port_t port; /* IN */
	uint32_t vcpu; /* IN */
};
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "bind_vcpu");

struct evtchn_reset {
	xen_domid_t dom; /* IN: DOMID_SELF, or any domain if privileged */
};
_Static_assert(sizeof(struct evtchn_reset) == 2, "reset");

/* FIFO ABI. */
#define EVTCHN_FIFO_PRIORITY_MAX 0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN 15
#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)

#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_NR_CHANNELS (1U << EVTCHN_FIFO_LINK_BITS)
#define EVTCHN_FIFO_LINK_MASK ((1U << EVTCHN_FIFO_LINK_BITS) - 1)

/* Event word bits. */
#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED 30
#define EVTCHN_FIFO_LINKED 29
#define EVTCHN_FIFO_BUSY 28

typedef uint32_t event_word_t;

#define EVTCHN_FIFO_EVENT_WORDS_PER_PAGE (4096 / sizeof(event_word_t))
#define EVTCHN_FIFO_MAX_EVENT_ARRAY_PAGES \
	(EVTCHN_FIFO_NR_CHANNELS / EVTCHN_FIFO_EVENT_WORDS_PER_PAGE)

struct evtchn_init_control {
	uint64_t control_gfn; /* IN: page holding the control block */
	uint32_t offset; /* IN: 8-aligned, block must fit the page */
	uint32_t vcpu; /* IN */
	uint8_t link_bits; /* OUT: EVTCHN_FIFO_LINK_BITS */
	uint8_t pad[7];
};
_Static_assert(sizeof(struct evtchn_init_control) == 24, "init_control");
_Static_assert(__builtin_offsetof(struct evtchn_init_control, offset) == 8,
	       "init_control.offset");
_Static_assert(__builtin_offsetof(struct evtchn_init_control, vcpu) == 12,
	       "init_control.vcpu");
_Static_assert(__builtin_offsetof(struct evtchn_init_control, link_bits) == 16,
	       "init_control.link_bits");

struct evtchn_expand_array {
	uint64_t array_gfn; /* IN: next page of event words */
};
_Static_assert(sizeof(struct evtchn_expand_array) == 8, "expand_array");

struct evtchn_set_priority {
	evtchn_port_t port; /* IN */
	uint32_t priority; /* IN: 0 (highest) .. 15 */
};
_Static_assert(sizeof(struct evtchn_set_priority) == 8, "set_priority");

/* Per-vCPU control block, in guest memory. */
struct evtchn_fifo_control_block {
	uint32_t ready; /* bit N: queue N is non-empty (set by Sable) */
	uint32_t rsvd;
	uint32_t head[EVTCHN_FIFO_MAX_QUEUES]; /* first port of each queue */
};
_Static_assert(sizeof(struct evtchn_fifo_control_block) == 72,
	       "fifo_control_block");
_Static_assert(__builtin_offsetof(struct evtchn_fifo_control_block, head) == 8,
	       "fifo_control_block.head");
