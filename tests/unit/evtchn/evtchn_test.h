/* SPDX-License-Identifier: MIT */
/* Helpers shared by the event-channel unit tests. */
#pragma once

#include <stdint.h>

#include "evtchn.h"
#include "evtchn_internal.h"
#include "fake_env.h"
#include "ut.h"

/* Domains of the standard fixture: dom0 (privileged), dom1, dom2. */
extern struct fake_domain *d0, *d1, *d2;

/* Fresh fixture: 2 vCPUs each, 4095 as max port. */
void fixture(void);
/* Destroy everything and check nothing stayed mapped or referenced. */
void teardown(void);

long hc(struct fake_domain *fd, unsigned int cmd, void *arg);
uint32_t alloc_unbound(struct fake_domain *fd, domid_t remote);
uint32_t bind_interdomain(struct fake_domain *fd, domid_t rdom, uint32_t rport);
uint32_t bind_virq(struct fake_domain *fd, uint32_t virq, uint32_t vcpu);
uint32_t bind_ipi(struct fake_domain *fd, uint32_t vcpu);
long close_port(struct fake_domain *fd, uint32_t port);
long send_port(struct fake_domain *fd, uint32_t port);
long unmask_port(struct fake_domain *fd, uint32_t port);
struct evtchn_status status_of(struct fake_domain *fd, domid_t dom,
			       uint32_t port, long *rc);

/* 2-level view of the shared_info bitmaps. */
bool l2_pending(struct fake_domain *fd, uint32_t port);
void l2_set_mask(struct fake_domain *fd, uint32_t port, bool masked);
/* Clear every pending bit, selector and upcall flag (guest consumed). */
void l2_consume_all(struct fake_domain *fd);

/* FIFO: control block of @vcpu at gfn 1 + vcpu, event pages at gfn 10+. */
struct evtchn_fifo_control_block *fifo_init(struct fake_domain *fd,
					    uint32_t vcpu);
void fifo_expand(struct fake_domain *fd, unsigned int pages);
event_word_t *fifo_word(struct fake_domain *fd, uint32_t port);
/*
 * Consume events as Linux does (take READY, walk each queue from the
 * highest priority, clear LINKED/LINK, ack PENDING); the ports delivered
 * go to @out in order. Returns how many.
 */
unsigned int fifo_drain(struct fake_domain *fd,
			struct evtchn_fifo_control_block *cb, uint32_t *out,
			unsigned int max);
void fifo_guest_reset(void);

#define FIFO_BIT(b) (1U << (b))
