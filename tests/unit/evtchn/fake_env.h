/* SPDX-License-Identifier: MIT */
/*
 * A fake embedding for the event-channel module: a handful of domains
 * with a shared_info page, guest pages addressed by gfn and counters of
 * vCPU kicks, maps and references. Used by the unit tests and the fuzzer.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "evtchn.h"

#define FAKE_MAX_DOMAINS 8
#define FAKE_MAX_VCPUS 4
#define FAKE_GUEST_PAGES 160 /* gfn 0 .. 159 are RAM, others fault */

struct fake_domain {
	struct evtchn_domain ev;
	bool exists;
	int refs;
	struct shared_info *shinfo;
	void *pages[FAKE_GUEST_PAGES];
	int maps[FAKE_GUEST_PAGES];
	unsigned int kicks[FAKE_MAX_VCPUS];
	unsigned int poll_wakes[FAKE_MAX_VCPUS];
	long charged; /* pages charged by evtchn_env_charge (atomic) */
	long charge_limit; /* 0: no limit */
};

/*
 * Called (once, then cleared) inside the next evtchn_env_domain_get(),
 * i.e. while the module holds no lock: lets tests change state at the
 * moment a concurrent vCPU could.
 */
extern void (*fake_on_get)(domid_t id);

/* Create domain @id (evtchn_domain_init + a shared_info page), or NULL. */
struct fake_domain *fake_domain_create(domid_t id, unsigned int nr_vcpus,
				       uint32_t max_port, bool privileged);
/* Make @id unfindable, then evtchn_domain_destroy() and free it. */
void fake_domain_destroy(struct fake_domain *fd);
struct fake_domain *fake_domain(domid_t id);
struct fake_domain *fake_of(struct evtchn_domain *d);
/* Guest page @gfn of @fd (allocated on first use). */
void *fake_page(struct fake_domain *fd, uint64_t gfn);
/* Destroy every domain. */
void fake_env_reset(void);
/* Outstanding references and page mappings over all domains. */
int fake_env_outstanding(void);
/* Kicks of @vcpu since the last call (then zeroed). */
unsigned int fake_take_kicks(struct fake_domain *fd, unsigned int vcpu);
