/* SPDX-License-Identifier: MIT */
/*
 * Event channels: Xen's EVTCHNOP_* interface with the 2-level and FIFO
 * delivery ABIs, as a portable module. The hypervisor embeds one
 * struct evtchn_domain in each domain, implements the hooks of
 * evtchn_env.h and forwards __HYPERVISOR_event_channel_op to
 * evtchn_hypercall(). Design, lock order and semantics: docs/evtchn.md.
 *
 * All functions return 0 or a negative Xen errno unless said otherwise.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <public/event_channel.h>
#include <public/xen.h>
#include <sable/spinlock.h>
#include <sable/types.h>

/* Limits. */
#define EVTCHN_2L_MAX_PORTS EVTCHN_2L_NR_CHANNELS /* 4096 */
#define EVTCHN_FIFO_MAX_PORTS EVTCHN_FIFO_NR_CHANNELS /* 2^17 */
#define EVTCHN_MAX_VCPUS 128
#define EVTCHN_BUCKET_PORTS 64

struct evtchn;
struct evtchn_port_ops;
struct evtchn_fifo_domain;

struct evtchn_domain {
	domid_t domid;
	bool privileged; /* may name other domains (dom0) */
	unsigned int nr_vcpus;
	uint32_t max_port; /* highest port number allowed, set at creation */

	spinlock_t lock;
	/*
	 * Protects: dying, resetting, buckets[] and every port in them,
	 * virq_to_port,
	 * ops, fifo (and the queues in it), the contents of shinfo's event
	 * bitmaps and of vcpu_info as far as Sable writes them, vcpu_info[].
	 * Taken together with another domain's lock only through
	 * evtchn_lock_pair() (address order).
	 */
	bool dying; /* being destroyed: no new ports */
	unsigned int resetting; /* EVTCHNOP_reset running: no new ports */
	struct evtchn **buckets; /* nr_buckets pointers, NULL = not yet */
	uint32_t nr_buckets;
	uint32_t *virq_to_port; /* [nr_vcpus][NR_VIRQS], 0 = unbound */
	const struct evtchn_port_ops *ops; /* 2-level until init_control */
	struct evtchn_fifo_domain *fifo; /* NULL while 2-level */

	/* vCPUs in SCHEDOP_poll (bit n: vCPU n < 64); atomic, no lock. */
	uint64_t pollers;

	/* Set by the hypervisor (hypervisor virtual addresses). */
	struct shared_info *shinfo;
	struct vcpu_info **vcpu_info; /* [nr_vcpus]; NULL: see below */
};

/*
 * Create the event-channel state of a domain. @max_port is the highest
 * port the domain may use (clamped to the ABI limits); @nr_vcpus is 1 ..
 * EVTCHN_MAX_VCPUS. -EINVAL or -ENOMEM. Port 0 is reserved.
 */
int evtchn_domain_init(struct evtchn_domain *d, domid_t id,
		       unsigned int nr_vcpus, uint32_t max_port,
		       bool privileged);
/*
 * Tear a domain down: refuse new bindings to it, close all its ports
 * (interdomain peers become unbound, remote = this domain), leave FIFO,
 * free everything. The caller holds no event-channel lock; @d must stay
 * findable through evtchn_env_domain_get() or not at all, and its memory
 * valid until every reference is put.
 */
void evtchn_domain_destroy(struct evtchn_domain *d);

/*
 * The domain's shared_info page, mapped by the hypervisor. Events for a
 * domain without one are kept in the port state only (2-level: lost).
 */
void evtchn_set_shared_info(struct evtchn_domain *d, struct shared_info *si);
/*
 * VCPUOP_register_vcpu_info, portable part: copy the old vcpu_info (for
 * vCPU 0 without one, shinfo->vcpu_info[0]) into @vi, set
 * evtchn_pending_sel to all ones and mark an upcall pending (Xen's
 * "nothing gets lost" rule; the guest copes with a spurious upcall).
 * @vi == NULL detaches. -EINVAL for a bad vCPU, -EBUSY if @vcpu has one
 * registered already (decided under the lock: of two racing
 * registrations exactly one wins), -ESRCH once the domain is destroyed.
 */
int evtchn_set_vcpu_info(struct evtchn_domain *d, unsigned int vcpu,
			 struct vcpu_info *vi);
/* The vcpu_info events of @vcpu go to, or NULL. */
struct vcpu_info *evtchn_vcpu_info(struct evtchn_domain *d, unsigned int vcpu);
/* evtchn_upcall_pending of @vcpu (for the entry path's level re-check). */
bool evtchn_vcpu_upcall_pending(struct evtchn_domain *d, unsigned int vcpu);

/*
 * __HYPERVISOR_event_channel_op from @caller's vCPU @vcpu: copy the
 * argument at guest virtual @arg_gva in, dispatch, copy OUT fields back.
 * Unknown commands -ENOSYS, faulting arguments -EFAULT.
 */
long evtchn_hypercall(struct evtchn_domain *caller, unsigned int vcpu,
		      unsigned int cmd, uint64_t arg_gva);

/* Hypervisor-internal entry points (no guest memory involved). */

/*
 * EVTCHNOP_alloc_unbound on behalf of the domain builder: a new port of
 * @d that @remote may bind to (console, xenstore).
 */
int evtchn_alloc_unbound_port(struct evtchn_domain *d, domid_t remote,
			      uint32_t *port);
/* EVTCHNOP_send as if from @d. */
int evtchn_send(struct evtchn_domain *d, uint32_t port);
/*
 * Raise per-vCPU VIRQ @virq on @vcpu. 0 if delivered, -ENOENT if not
 * bound, -EINVAL for a bad VIRQ / vCPU or a global VIRQ.
 */
int evtchn_send_virq(struct evtchn_domain *d, unsigned int virq,
		     unsigned int vcpu);
/* Raise global VIRQ @virq (to the vCPU its port is bound to). */
int evtchn_send_global_virq(struct evtchn_domain *d, unsigned int virq);
/* Whether @port is pending (SCHEDOP_poll). False for a bad port. */
bool evtchn_port_is_pending(struct evtchn_domain *d, uint32_t port);
/*
 * SCHEDOP_poll: mark @vcpu as polling, then look at @ports. Returns 1 if
 * one is pending (the mark is dropped), 0 if none is: the caller blocks
 * the vCPU, and the next port of the domain to become pending wakes it
 * through evtchn_env_wake_poller(). -EINVAL: a port above the domain's
 * limit or a vCPU that cannot poll (the mark is dropped).
 */
int evtchn_poll_begin(struct evtchn_domain *d, unsigned int vcpu,
		      const uint32_t *ports, unsigned int nr_ports);
/* Whether VIRQ @virq is global (bound on vCPU 0, delivered anywhere). */
bool evtchn_virq_is_global(unsigned int virq);

/* What a port looks like now, for a dump (xl debug-keys e). */
struct evtchn_port_snap {
	uint8_t state; /* EVTCHNSTAT_* */
	uint8_t priority; /* FIFO */
	bool pending, masked; /* the guest-visible bits */
	bool linked; /* FIFO: LINKED */
	uint32_t link; /* FIFO: LINK */
	uint16_t remote_dom; /* interdomain, unbound */
	uint32_t remote_port; /* interdomain */
	uint32_t virq; /* VIRQ */
	uint32_t vcpu; /* notified vCPU */
};
/*
 * Port @port of @d (the lock is taken): 0 and *@s filled if it is bound
 * or reserved for a peer, -ENOENT if free or beyond the domain's ports.
 */
int evtchn_port_snapshot(struct evtchn_domain *d, uint32_t port,
			 struct evtchn_port_snap *s);
/* What a vCPU looks like: its upcall and FIFO queue state. */
struct evtchn_vcpu_snap {
	bool fifo; /* FIFO ABI (else 2-level) */
	bool upcall_pending;
	uint64_t pending_sel; /* 2-level */
	uint32_t ready; /* FIFO: the control block's READY */
	uint32_t head[16]; /* FIFO: the control block's HEADs */
	uint32_t tail[16]; /* FIFO: the last port linked on each queue */
};
int evtchn_vcpu_snapshot(struct evtchn_domain *d, unsigned int vcpu,
			 struct evtchn_vcpu_snap *s);
/* One more than the highest port @d may use now. */
uint32_t evtchn_nr_ports(struct evtchn_domain *d);
