/* SPDX-License-Identifier: MIT */
/*
 * Stage-2 data aborts: decode the access from the syndrome (Arm ARM
 * D13.2.39, ISS for data aborts: ISV, SAS, SRT, WnR), find the emulated
 * device of the domain that covers the IPA, and complete the access; an
 * address no device claims gets a data abort injected into the guest.
 */
#include <arch/sysreg.h>
#include <sable/domain.h>
#include <sable/log.h>
#include <sable/mmio.h>

#include "arm64.h"
#include "trap.h"

#define ISS_ISV (1UL << 24)
#define ISS_SAS(e) (((e) >> 22) & 3)
#define ISS_SSE (1UL << 21)
#define ISS_SRT(e) (((e) >> 16) & 31)
#define ISS_SF (1UL << 15)
#define ISS_WNR (1UL << 6)
#define ISS_FSC(e) ((e)&0x3f)
#define FSC_TRANSLATION(f) ((f) >= 0x04 && (f) <= 0x07)
#define FSC_ACCESS_FLAG(f) ((f) >= 0x08 && (f) <= 0x0b)

/*
 * A translation (or access-flag) fault at an IPA the domain has mapped:
 * another pCPU was changing the stage-2 table (break-before-make leaves an
 * entry invalid for a moment, e.g. while a block is split to map a grant
 * into it). The p2m lock orders this check after that update, so the
 * access is simply retried. Permission faults are never retried.
 */
bool stage2_fault_was_transient(struct vcpu *v, uint64_t ipa, uint64_t esr)
{
	uint64_t fsc = ISS_FSC(esr);
	enum p2m_type type;
	paddr_t pa;

	if (!FSC_TRANSLATION(fsc) && !FSC_ACCESS_FLAG(fsc)) {
		return false;
	}
	return domain_gfn_lookup(v->dom, ipa >> PAGE_SHIFT, &pa, &type) == 0;
}

uint64_t stage2_fault_ipa(void)
{
	return ((read_sysreg(hpfar_el2) >> 4) << 12) |
	       (read_sysreg(far_el2) & 0xfff);
}

void mmio_guest_abort(struct vcpu *v, struct cpu_regs *regs, uint64_t esr)
{
	uint64_t far = read_sysreg(far_el2);
	uint64_t ipa = stage2_fault_ipa();
	struct mmio_access acc;
	unsigned int rt;
	int rc;

	if (!(esr & ISS_ISV)) {
		if (stage2_fault_was_transient(v, ipa, esr)) {
			return;
		}
		pr_guest(v->dom->id,
			 "d%u v%u: MMIO access at IPA 0x%lx without syndrome\n",
			 v->dom->id, v->id, (unsigned long)ipa);
		inject_dabt(regs, far);
		return;
	}
	rt = (unsigned int)ISS_SRT(esr);
	acc.ipa = ipa;
	acc.size = 1U << ISS_SAS(esr);
	acc.is_write = (esr & ISS_WNR) != 0;
	acc.val = acc.is_write && rt != 31 ? regs->x[rt] : 0;
	if (acc.size < 8) {
		acc.val &= (1UL << (8 * acc.size)) - 1;
	}
	rc = mmio_dispatch(v, &acc);
	if (rc != MMIO_HANDLED && stage2_fault_was_transient(v, ipa, esr)) {
		return; /* RAM, not a device: no handler claims it */
	}
	if (rc != MMIO_HANDLED) {
		pr_guest(v->dom->id,
			 "d%u v%u: unhandled MMIO %s at IPA 0x%lx\n",
			 v->dom->id, v->id, acc.is_write ? "write" : "read",
			 (unsigned long)ipa);
		inject_dabt(regs, far);
		return;
	}
	if (!acc.is_write && rt != 31) {
		uint64_t val = acc.val;

		if ((esr & ISS_SSE) && acc.size < 8) {
			uint64_t sign = 1UL << (8 * acc.size - 1);

			val = (val ^ sign) - sign;
		}
		if (!(esr & ISS_SF)) {
			val &= 0xffffffffUL;
		}
		regs->x[rt] = val;
	}
	regs->elr += 4;
}
