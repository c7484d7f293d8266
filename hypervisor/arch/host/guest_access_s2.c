/* SPDX-License-Identifier: MIT */
/*
 * Guest access of the host build of the whole core. As on arm64
 * (guest_access.c: AT S12E1R/W), every page of the range is translated
 * through the current vCPU's stage 2 before anything is copied, writes
 * need a writable mapping, and the copy (core/guest_copy.c, as on arm64)
 * goes through the identity map.
 * Differences: the guest's stage 1 is taken to be off (VA == IPA), and a
 * translation to anything but arena RAM (a device) fails with -EFAULT,
 * since there is no host memory behind it. As on arm64, only RAM the
 * vCPU's domain owns is copied, each page referenced while it is.
 */
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/guest_access.h>
#include <sable/lib.h>
#include <sable/p2m.h>
#include <sable/page.h>

#include "core_host.h"

int arch_guest_page_get(uint64_t gva, bool write, paddr_t *pa)
{
	struct vcpu *v = current_vcpu();
	enum p2m_type t;
	paddr_t p;
	int rc;

	if (!v) {
		return -EFAULT;
	}
	spin_lock(&v->dom->p2m.lock);
	rc = p2m_lookup(&v->dom->p2m, ipa_init(gva), &p, &t);
	spin_unlock(&v->dom->p2m.lock);
	if (rc || (write && (t == p2m_ram_ro || t == p2m_grant_ro)) ||
	    !host_ram_contains(p.pa & PAGE_MASK, PAGE_SIZE)) {
		return -EFAULT;
	}
	if (page_get(pa_to_mfn(p), v->dom->id, PGT_ram)) {
		return -EFAULT;
	}
	*pa = p;
	return 0;
}

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
	return guest_copy(gva, dst, len, false);
}

void (*host_guest_write_hook)(uint64_t gva, const void *src, size_t len);

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
	int rc = guest_copy(gva, (void *)src, len, true);

	if (!rc && host_guest_write_hook) {
		host_guest_write_hook(gva, src, len);
	}
	return rc;
}
