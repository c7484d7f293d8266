/* SPDX-License-Identifier: MIT */
/*
 * Copying hypercall arguments from/to the current vCPU's virtual address
 * space: AT S12E1R/W translates through the vCPU's stage 1 and stage 2
 * (Arm ARM C5.5), PAR_EL1 gives the PA, which EL2 reaches through its
 * identity map. PAR_EL1 belongs to the guest and is preserved. The copy
 * itself is core/guest_copy.c's.
 *
 * Only RAM the vCPU's domain owns is copied to or from, as on Xen
 * (get_page_from_gva): a grant-mapped or foreign frame, a device window
 * or a hypervisor page is -EFAULT.
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

int arch_guest_page_get(uint64_t gva, bool write, paddr_t *pa)
{
	struct vcpu *v = current_vcpu();
	uint64_t a;

	if (!v || gva_to_pa(gva, write, &a)) {
		return -EFAULT;
	}
	*pa = pa_init(a);
	if (page_get(pa_to_mfn(*pa), v->dom->id, PGT_ram)) {
		return -EFAULT;
	}
	return 0;
}

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
	return guest_copy(gva, dst, len, false);
}

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
	return guest_copy(gva, (void *)src, len, true);
}
