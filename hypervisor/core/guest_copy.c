/* SPDX-License-Identifier: MIT */
/*
 * Copying to and from the current vCPU's guest virtual address space, over
 * the arch's translation (arch_guest_page_get(): AT S12E1R/W on arm64, the
 * vCPU's stage 2 in the host build). Each page is referenced while it is
 * copied, so a frame another vCPU balloons out meanwhile is not freed and
 * handed to someone else under the copy.
 */
#include <sable/errno.h>
#include <sable/guest_access.h>
#include <sable/lib.h>
#include <sable/page.h>

int guest_copy(uint64_t gva, void *buf, size_t len, bool to_guest)
{
	char *p = buf;

	if (gva + len < gva) {
		return -EFAULT;
	}
	/*
	 * Check every page first: no partial copy on a fault (unless the
	 * guest changes its mappings meanwhile).
	 */
	for (uint64_t a = gva & PAGE_MASK; a < gva + len; a += PAGE_SIZE) {
		paddr_t pa;

		if (arch_guest_page_get(a < gva ? gva : a, to_guest, &pa)) {
			return -EFAULT;
		}
		page_put(pa_to_mfn(pa));
	}
	while (len) {
		size_t n = MIN(len, (size_t)(PAGE_SIZE - (gva & ~PAGE_MASK)));
		paddr_t pa;

		if (arch_guest_page_get(gva, to_guest, &pa)) {
			return -EFAULT;
		}
		if (to_guest) {
			memcpy((void *)(uintptr_t)pa.pa, p, n);
		} else {
			memcpy(p, (const void *)(uintptr_t)pa.pa, n);
		}
		page_put(pa_to_mfn(pa));
		gva += n;
		p += n;
		len -= n;
	}
	return 0;
}
