/* SPDX-License-Identifier: MIT */
/*
 * What the embedding (the hypervisor, or a test's fake) provides to the
 * event-channel module. See docs/evtchn.md for when each is called and
 * with which locks held.
 */
#pragma once

#include <stdint.h>

#include <sable/types.h>

struct evtchn_domain;

/*
 * Look a domain up by id and take a reference, or return NULL if there is
 * none. Called with no event-channel lock held. A domain whose destruction
 * has started may still be returned; the module checks its dying flag.
 */
struct evtchn_domain *evtchn_env_domain_get(domid_t id);
/* Drop a reference taken by evtchn_env_domain_get(). No lock held. */
void evtchn_env_domain_put(struct evtchn_domain *d);

/*
 * The vCPU's evtchn_upcall_pending went from 0 to 1: raise its upcall
 * interrupt and wake it. Called with one or two domain locks held, so it
 * must not call back into this module.
 */
void evtchn_env_kick_vcpu(struct evtchn_domain *d, unsigned int vcpu);

/*
 * A port of @d became pending while @vcpu was in SCHEDOP_poll: wake it
 * (no interrupt). Same locking rules as evtchn_env_kick_vcpu().
 */
void evtchn_env_wake_poller(struct evtchn_domain *d, unsigned int vcpu);

/*
 * Map one page of @d's guest memory for long-term use by the hypervisor
 * (FIFO control blocks and event arrays), or NULL if @gfn is not a RAM
 * page @d owns. Called with no event-channel lock held.
 */
void *evtchn_env_map_gfn(struct evtchn_domain *d, uint64_t gfn);
/* Undo evtchn_env_map_gfn(). Called with no event-channel lock held. */
void evtchn_env_unmap_gfn(struct evtchn_domain *d, void *va);

/*
 * Charge @pages of hypervisor memory allocated on @d's behalf (port
 * buckets, FIFO state) to @d: 0, or -ENOMEM past its limit (nothing
 * charged). Negative @pages gives them back. Any lock may be held.
 */
int evtchn_env_charge(struct evtchn_domain *d, long pages);
