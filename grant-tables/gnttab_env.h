/* SPDX-License-Identifier: MIT */
/*
 * What the grant-table module needs from its environment. The hypervisor
 * implements these on top of its domain list, p2m and page allocator; unit
 * tests and the fuzzer implement them with fakes.
 *
 * Locking: get_page/put_page are called with a grant table lock held and
 * must not call back into gnttab. All other hooks are called with no gnttab
 * lock held, except cache_flush (the caller's maptrack lock may be held).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sable/types.h>

struct gnttab_domain;

/*
 * A live (not dying) domain by id, with a reference that keeps it (and its
 * gnttab_domain) from being destroyed until gnttab_env_domain_put(); NULL
 * for unknown, reserved or dying ids.
 */
struct gnttab_domain *gnttab_env_domain_get(domid_t id);
void gnttab_env_domain_put(struct gnttab_domain *d);

/*
 * Translate @gfn through @owner's p2m and take a reference on the RAM page
 * backing it (writable: the p2m entry must allow writes). Fails with a
 * negative errno for unpopulated, MMIO, foreign or grant-mapped gfns.
 */
int gnttab_env_get_page(struct gnttab_domain *owner, gfn_t gfn, bool writable,
			mfn_t *mfn);
/* Take a reference on @mfn if it is a RAM page owned by @d, else -EPERM. */
int gnttab_env_get_owned_page(struct gnttab_domain *d, mfn_t mfn);
void gnttab_env_put_page(mfn_t mfn);

/*
 * Install @mfn at @ipa in @mapper's stage 2 as a grant mapping (Normal WB,
 * read-only if asked), replacing whatever was there. 0 or negative errno.
 */
int gnttab_env_p2m_map(struct gnttab_domain *mapper, ipaddr_t ipa, mfn_t mfn,
		       bool readonly);
/* Remove the grant mapping of @mfn at @ipa; fails if @ipa maps another frame. */
int gnttab_env_p2m_unmap(struct gnttab_domain *mapper, ipaddr_t ipa, mfn_t mfn);

/* Hypervisor VA of a referenced frame, for copies. */
void *gnttab_env_map_frame(mfn_t mfn);
void gnttab_env_unmap_frame(void *va);

/*
 * Charge @pages of hypervisor memory allocated on @d's behalf (grant
 * frames and their state, maptrack frames): 0, or -ENOMEM past its limit
 * (nothing charged). Negative @pages gives them back. @d NULL (a table
 * outliving its destroyed domain): nothing to give back. Any gnttab lock
 * may be held.
 */
int gnttab_env_charge(struct gnttab_domain *d, long pages);

/*
 * A zeroed page for a grant frame of @d, known to the environment as @d's
 * (the control domain may map it: XENMEM_acquire_resource), or NULL.
 * gnttab_env_frame_free() gives it back; it is freed once nobody maps it.
 */
void *gnttab_env_frame_alloc(struct gnttab_domain *d);
void gnttab_env_frame_free(void *page);

/* Clean and/or invalidate (GNTTAB_CACHE_*) @len bytes at @offset of @mfn. */
int gnttab_env_cache_flush(mfn_t mfn, unsigned int offset, unsigned int len,
			   unsigned int op);
