/* SPDX-License-Identifier: MIT */
/*
 * Grant tables, version 1, with Xen's semantics (docs/grant-tables.md).
 *
 * Each domain embeds a struct gnttab_domain. Its shared table lives in a
 * separately allocated, reference-counted struct gnttab_table, so that a
 * granter's entries stay valid after gnttab_domain_destroy() for as long as
 * other domains still map its grants.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <public/grant_table.h>
#include <sable/spinlock.h>
#include <sable/types.h>

struct gnttab_table;
struct gnttab_maptrack;

struct gnttab_domain {
	domid_t domid;
	bool privileged; /* may query and set up other domains' tables */
	/*
	 * Protects: maptrack, nr_maptrack_frames, maptrack_free, the state of
	 * every maptrack entry.
	 */
	spinlock_t maptrack_lock;
	struct gnttab_maptrack **maptrack; /* [max_maptrack_frames] pages */
	unsigned int nr_maptrack_frames;
	unsigned int max_maptrack_frames;
	uint32_t maptrack_free; /* head of the free handle list */
	uint32_t release_next; /* teardown: the next handle to release */
	struct gnttab_table *table; /* own grant table; NULL once destroyed */
};

/*
 * Set up @d with one grant frame (as Xen does) and room to grow to
 * @max_frames frames and @max_maptrack_frames pages of mapping handles.
 * Returns 0, -EINVAL for max_frames == 0 or > GNTTAB_MAX_FRAMES, -ENOMEM.
 */
#define GNTTAB_MAX_FRAMES 4096U
int gnttab_domain_init(struct gnttab_domain *d, domid_t id,
		       unsigned int max_frames,
		       unsigned int max_maptrack_frames, bool privileged);

/*
 * Tear down a dying domain: remove every grant mapping it holds (stage 2
 * entries, pins on other domains' grants, page references) and drop its
 * reference on its own table. The table itself lives on while other
 * domains still map its grants. No vCPU of @d may run. @d may be freed on
 * return.
 */
void gnttab_domain_destroy(struct gnttab_domain *d);

/*
 * gnttab_domain_destroy() in pieces, for a domain with many mappings: each
 * call tears down at most GNTTAB_RELEASE_PIECE of them. Returns false
 * while some are left (call again), true once all is done.
 */
#define GNTTAB_RELEASE_PIECE 256U
bool gnttab_domain_release_some(struct gnttab_domain *d);

/*
 * Grow @d's table to cover frame @idx and return that frame's machine frame
 * and hypervisor VA (XENMEM_add_to_physmap, space grant_table).
 * Returns 0, -EINVAL if idx >= max_frames or the domain is destroyed,
 * -ENOMEM.
 */
int gnttab_get_frame(struct gnttab_domain *d, unsigned int idx, mfn_t *mfn,
		     void **va);

/*
 * Record that frame @idx now appears at @gfn in @d's IPA space (reported by
 * setup_table); *old gets the previous gfn, GNTTAB_INVALID_GFN if none, so
 * the caller can remove the stale stage 2 entry. 0 or -EINVAL.
 */
#define GNTTAB_INVALID_GFN (~0ULL)
int gnttab_set_frame_gfn(struct gnttab_domain *d, unsigned int idx, gfn_t gfn,
			 gfn_t *old);

/*
 * Grant frame @mfn left @gfn in the p2m: it is mapped nowhere now. Another
 * frame just placed at @gfn keeps its place.
 */
void gnttab_forget_frame_gfn(struct gnttab_domain *d, gfn_t gfn, mfn_t mfn);

/*
 * Domain builder: grant @gfn of @d to @grantee at @ref (console 0, xenstore
 * 1). Returns 0, -EINVAL (ref outside the table, gfn above 32 bits),
 * -EBUSY (the entry is in use).
 */
int gnttab_seed_entry(struct gnttab_domain *d, uint32_t ref, domid_t grantee,
		      uint64_t gfn, bool readonly);

/* Number of grant frames the table has now. */
unsigned int gnttab_nr_frames(struct gnttab_domain *d);
/* Frames the table may grow to (0 once destroyed). */
unsigned int gnttab_max_frames(struct gnttab_domain *d);

/*
 * HYPERVISOR_grant_table_op for the current vCPU's domain @caller. @arg_gva
 * is the guest address of @count operation structures. Returns 0 when every
 * operation ran (each carries its own status), or a negative errno for the
 * whole call: -ENOSYS (unknown or unsupported cmd), -EINVAL (bad count or
 * continuation bits), -EFAULT (an operation could not be read or its result
 * written; the ones before it are done, the ones after it are not tried).
 */
long gnttab_hypercall(struct gnttab_domain *caller, unsigned int cmd,
		      uint64_t arg_gva, unsigned int count);

/*
 * A batch that may stop part-way. @preempt is asked after each completed
 * operation but the last (so every piece makes progress); when it says
 * yes, gnttab_hypercall_preemptible() returns GNTTAB_PREEMPTED with
 * @next_arg and @left describing the operations not yet done: the caller
 * re-issues the same cmd with them (Xen's continuation advances the
 * argument pointer and decrements the count).
 */
struct gnttab_progress {
	bool (*preempt)(void *ctx); /* IN */
	void *ctx; /* IN */
	uint64_t next_arg; /* OUT: guest address of the first op left */
	unsigned int left; /* OUT: operations left */
};

#define GNTTAB_PREEMPTED 1

/*
 * gnttab_hypercall() with preemption: the same results, or
 * GNTTAB_PREEMPTED ("done count - left of count, continue").
 */
long gnttab_hypercall_preemptible(struct gnttab_domain *caller,
				  unsigned int cmd, uint64_t arg_gva,
				  unsigned int count,
				  struct gnttab_progress *progress);
