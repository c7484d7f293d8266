/* SPDX-License-Identifier: MIT */
/*
 * Copying hypercall arguments from/to the current vCPU's virtual address
 * space: AT S12E1R/W translates through the vCPU's stage 1 and stage 2
 * (Arm ARM C5.5), PAR_EL1 gives the PA, which EL2 reaches through its
 * identity map. PAR_EL1 belongs to the guest and is preserved.
 *
 * Only RAM the vCPU's domain owns is copied to or from, as on Xen
 * (get_page_from_gva): a grant-mapped or foreign frame, a device window
 * or a hypervisor page is -EFAULT. Each page is referenced while it is
 * copied, so a frame another vCPU balloons out meanwhile is not freed
 * and handed to someone else under the copy.
 */
#include <stdbool.h>
#include <stdint.h>

#include <arch/sysreg.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/guest_access.h>
#include <sable/lib.h>
#include <sable/page.h>
#include <sable/types.h>

#define PAR_F (1UL << 0)
#define PAR_PA_MASK 0x0000fffffffff000UL

static int gva_to_pa(uint64_t gva, bool write, uint64_t *pa)
{
	uint64_t saved = read_sysreg(par_el1), par;

	if (write) {
		__asm__ volatile("at s12e1w, %0" : : "r"(gva));
	} else {
		__asm__ volatile("at s12e1r, %0" : : "r"(gva));
	}
	isb();
	par = read_sysreg(par_el1);
	write_sysreg(par_el1, saved);
	if (par & PAR_F) {
		return -EFAULT;
	}
	*pa = (par & PAR_PA_MASK) | (gva & 0xfff);
	return 0;
}

/*
 * The frame behind @gva for the current vCPU, referenced: its domain's
 * own RAM (and writable for @write), or -EFAULT. page_put() when done.
 */
static int get_guest_page(uint64_t gva, bool write, uint64_t *pa)
{
	struct vcpu *v = current_vcpu();

	if (!v || gva_to_pa(gva, write, pa)) {
		return -EFAULT;
	}
	if (page_get(pa_to_mfn(pa_init(*pa)), v->dom->id, PGT_ram)) {
		return -EFAULT;
	}
	return 0;
}

static int copy_guest(uint64_t gva, void *buf, size_t len, bool to_guest)
{
	char *p = buf;

	if (gva + len < gva) {
		return -EFAULT;
	}
	/*
	 * Check every page first: no partial copy on a fault (unless the
	 * guest changes its mappings meanwhile).
	 */
	for (uint64_t a = gva & ~0xfffUL; a < gva + len; a += 4096) {
		uint64_t pa;

		if (get_guest_page(a < gva ? gva : a, to_guest, &pa)) {
			return -EFAULT;
		}
		page_put(pa_to_mfn(pa_init(pa)));
	}
	while (len) {
		uint64_t pa;
		size_t n = MIN(len, (size_t)(4096 - (gva & 0xfff)));

		if (get_guest_page(gva, to_guest, &pa)) {
			return -EFAULT;
		}
		if (to_guest) {
			memcpy((void *)pa, p, n);
		} else {
			memcpy(p, (const void *)pa, n);
		}
		page_put(pa_to_mfn(pa_init(pa)));
		gva += n;
		p += n;
		len -= n;
	}
	return 0;
}

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
	return copy_guest(gva, dst, len, false);
}

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
	return copy_guest(gva, (void *)src, len, true);
}
