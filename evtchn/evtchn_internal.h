/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the files of the event-channel module (and read by
 * its tests and fuzzer). Not for the rest of the hypervisor.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "evtchn.h"

/* Port states (EVTCHNSTAT_* plus free and reserved). */
enum evtchn_state {
	ECS_FREE = 0,
	ECS_RESERVED, /* port 0 */
	ECS_UNBOUND, /* remote_dom may bind */
	ECS_INTERDOMAIN, /* connected to remote_dom:remote_port */
	ECS_VIRQ,
	ECS_IPI,
};

struct evtchn {
	uint8_t state; /* enum evtchn_state */
	uint8_t priority; /* FIFO queue */
	uint8_t last_priority; /* FIFO queue it was last linked on */
	bool pending; /* FIFO: pending while no event word maps it */
	uint16_t remote_dom; /* UNBOUND: who may bind; INTERDOMAIN: peer */
	uint16_t virq;
	uint32_t remote_port; /* INTERDOMAIN */
	uint32_t notify_vcpu;
	uint32_t last_vcpu; /* FIFO: vCPU whose queue it was last linked on */
};

/*
 * One delivery ABI. All called with the domain lock held; the guest may
 * change its shared memory concurrently, so every access to it is atomic.
 */
struct evtchn_port_ops {
	void (*set_pending)(struct evtchn_domain *d, uint32_t port,
			    struct evtchn *chn);
	void (*clear_pending)(struct evtchn_domain *d, uint32_t port,
			      struct evtchn *chn);
	void (*unmask)(struct evtchn_domain *d, uint32_t port,
		       struct evtchn *chn);
	bool (*is_pending)(struct evtchn_domain *d, uint32_t port,
			   const struct evtchn *chn);
	/* NULL: EVTCHNOP_set_priority is -ENOSYS. */
	int (*set_priority)(struct evtchn_domain *d, struct evtchn *chn,
			    uint32_t priority);
	uint32_t max_ports;
};

extern const struct evtchn_port_ops evtchn_2l_ops;
extern const struct evtchn_port_ops evtchn_fifo_ops;

/* FIFO state of one vCPU (guarded by the domain lock). */
struct evtchn_fifo_vcpu {
	struct evtchn_fifo_control_block *cb; /* mapped; NULL = not yet */
	void *cb_page; /* what to unmap */
	uint32_t tail[EVTCHN_FIFO_MAX_QUEUES]; /* last port linked, 0 = none */
};

struct evtchn_fifo_domain {
	uint32_t nr_pages; /* event array pages mapped */
	event_word_t *array[EVTCHN_FIFO_MAX_EVENT_ARRAY_PAGES];
	struct evtchn_fifo_vcpu vcpu[]; /* [nr_vcpus] */
};

/* evtchn_core.c */
struct evtchn *evtchn_port(struct evtchn_domain *d, uint32_t port);
uint32_t evtchn_port_limit(const struct evtchn_domain *d);
/* A port bucket charged to @d (evtchn_env_charge), and its release. */
struct evtchn *evtchn_bucket_alloc(struct evtchn_domain *d);
void evtchn_bucket_free(struct evtchn_domain *d, struct evtchn *b);
int evtchn_find_free_port(struct evtchn_domain *d, const struct evtchn *spare,
			  uint32_t *port);
struct evtchn *evtchn_bind_port(struct evtchn_domain *d, uint32_t port,
				struct evtchn **spare, enum evtchn_state state);
void evtchn_free_port(struct evtchn_domain *d, uint32_t port,
		      struct evtchn *chn);
struct evtchn_domain *evtchn_domain_ref(struct evtchn_domain *self, domid_t id);
void evtchn_domain_unref(struct evtchn_domain *self, struct evtchn_domain *d);
void evtchn_lock_pair(struct evtchn_domain *a, struct evtchn_domain *b);
void evtchn_unlock_pair(struct evtchn_domain *a, struct evtchn_domain *b);
struct evtchn_domain *evtchn_lock_with_peer(struct evtchn_domain *d,
					    uint32_t port);
void evtchn_unlock_with_peer(struct evtchn_domain *d,
			     struct evtchn_domain *peer);
struct vcpu_info *evtchn_vcpu_info_locked(struct evtchn_domain *d,
					  unsigned int vcpu);
void evtchn_mark_upcall(struct evtchn_domain *d, unsigned int vcpu);
/* A port of @d went from not pending to pending: wake its pollers. */
void evtchn_poll_notify(struct evtchn_domain *d);
uint32_t *evtchn_virq_slot(struct evtchn_domain *d, unsigned int vcpu,
			   unsigned int virq);
domid_t evtchn_resolve_domid(const struct evtchn_domain *d, domid_t id);
int evtchn_check_new_port(const struct evtchn_domain *d);

/* evtchn_ops.c */
int evtchn_do_alloc_unbound(struct evtchn_domain *caller,
			    struct evtchn_alloc_unbound *a);
int evtchn_do_bind_interdomain(struct evtchn_domain *ld,
			       struct evtchn_bind_interdomain *b);
int evtchn_do_bind_virq(struct evtchn_domain *d, struct evtchn_bind_virq *b);
int evtchn_do_bind_ipi(struct evtchn_domain *d, struct evtchn_bind_ipi *b);
int evtchn_do_close(struct evtchn_domain *d, uint32_t port);
int evtchn_do_status(struct evtchn_domain *caller, struct evtchn_status *s);
int evtchn_do_bind_vcpu(struct evtchn_domain *d,
			const struct evtchn_bind_vcpu *b);
int evtchn_do_unmask(struct evtchn_domain *d, uint32_t port);
int evtchn_do_reset(struct evtchn_domain *caller, domid_t dom);
void evtchn_close_all(struct evtchn_domain *d);

/* evtchn_fifo.c */
int evtchn_fifo_init_control(struct evtchn_domain *d,
			     struct evtchn_init_control *ic);
int evtchn_fifo_expand_array(struct evtchn_domain *d,
			     const struct evtchn_expand_array *ea);
int evtchn_do_set_priority(struct evtchn_domain *d,
			   const struct evtchn_set_priority *sp);
struct evtchn_fifo_domain *evtchn_fifo_detach(struct evtchn_domain *d);
void evtchn_fifo_release(struct evtchn_domain *d, struct evtchn_fifo_domain *f);
event_word_t *evtchn_fifo_word(struct evtchn_domain *d, uint32_t port);
