/* SPDX-License-Identifier: MIT */
/*
 * The pages a domU shares with dom0's daemons, prepared as Xen 4.17's
 * toolstack prepares them, in the magic area after the grant-table region:
 *
 * - the PV console (Xen's CONSOLE_PFN_OFFSET 0): a zeroed page granted
 *   read-write to dom0 at GNTTAB_RESERVED_CONSOLE (0), an unbound event
 *   channel whose remote is dom0, HVM_PARAM_CONSOLE_PFN and
 *   HVM_PARAM_CONSOLE_EVTCHN set. Linux's hvc_xen reads both parameters,
 *   maps the page and binds the port: the guest has hvc0.
 * - xenstore (XENSTORE_PFN_OFFSET 1): a zeroed page granted to dom0 at
 *   GNTTAB_RESERVED_XENSTORE (1), an unbound port whose remote is dom0 in
 *   HVM_PARAM_STORE_EVTCHN, and HVM_PARAM_STORE_PFN ~0 ("not connected
 *   yet") until dom0's toolstack introduces the domain to xenstored and
 *   sets it; Linux waits for the store port's event and then connects.
 */
#include <public/hvm.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/mm.h>
#include <sable/page.h>

#include "domu_priv.h"

/*
 * A zeroed RAM page of @d at magic frame @offset, granted read-write to
 * dom0 at @gref, and an unbound port for dom0.
 */
static int magic_page(struct domain *d, unsigned int offset, uint32_t gref,
		      uint64_t *gfn, uint32_t *port)
{
	paddr_t pa = mm_alloc_pages(1, 1);
	int rc;

	*gfn = (GUEST_MAGIC_BASE >> PAGE_SHIFT) + offset;
	if (!pa.pa) {
		return -ENOMEM;
	}
	memset((void *)(uintptr_t)pa.pa, 0, PAGE_SIZE);
	rc = page_assign(pa, 1, d->id, PGT_ram);
	if (rc) {
		mm_free_pages(pa, 1);
		return rc;
	}
	spin_lock(&d->p2m.lock);
	d->tot_pages++;
	d->max_pages++;
	spin_unlock(&d->p2m.lock);
	rc = physmap_add(d, *gfn, pa, p2m_ram_rw);
	if (!rc) {
		rc = gnttab_seed_entry(&d->gnttab, gref, 0, *gfn, false);
	}
	if (!rc) {
		rc = evtchn_alloc_unbound_port(&d->evtchn, 0, port);
	}
	/* On failure the page stays the domain's: destroy gives it back. */
	return rc;
}

int domu_pv_setup(struct domain *d, bool console, bool xenstore,
		  struct domu_built *out)
{
	uint64_t gfn;
	uint32_t port;
	int rc;

	out->console_gfn = out->store_gfn = ~0ULL;
	out->console_port = out->store_port = 0;
	/* xenstore first: its port is the domain's first (port 1). */
	if (xenstore) {
		rc = magic_page(d, GUEST_XENSTORE_PFN_OFFSET,
				GUEST_XENSTORE_GRANT_REF, &gfn, &port);
		if (rc) {
			return rc;
		}
		d->hvm_params[HVM_PARAM_STORE_EVTCHN] = port;
		d->hvm_params[HVM_PARAM_STORE_PFN] = ~0ULL;
		out->store_gfn = gfn;
		out->store_port = port;
		pr_info("domain %u (%s): xenstore page 0x%lx, port %u, "
			"waiting for dom0\n",
			d->id, d->name, (unsigned long)gfn, port);
	}
	if (console) {
		rc = magic_page(d, GUEST_CONSOLE_PFN_OFFSET,
				GUEST_CONSOLE_GRANT_REF, &gfn, &port);
		if (rc) {
			return rc;
		}
		d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN] = port;
		d->hvm_params[HVM_PARAM_CONSOLE_PFN] = gfn;
		out->console_gfn = gfn;
		out->console_port = port;
	}
	return 0;
}
