/* SPDX-License-Identifier: MIT */
/*
 * The arm64 side of the virtual GICv3: list registers (ICH_LR<n>_EL2) filled
 * from the portable model on guest entry and folded back on exit, the
 * virtual CPU interface state switched with the vCPU, the distributor and
 * redistributor MMIO windows, trapped ICC_SGI1R_EL1 writes, and physical
 * interrupts forwarded to guests with the list register's HW bit.
 * GICv3 architecture spec IHI 0069, 12.4 (ICH registers).
 */
#include <arch/sysreg.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/log.h>
#include <sable/mmio.h>
#include <sable/percpu.h>
#include <sable/vgic.h>

#include "../../core/console.h"
#include "arm64.h"
#include "trap.h"

#define ICH_HCR_EN (1UL << 0)
#define ICH_HCR_UIE (1UL << 1)

#define LR_READ(n, crm, op2) \
	case n:              \
		return read_sysreg(S3_4_C12_##crm##_##op2)
#define LR_WRITE(n, crm, op2)                            \
	case n:                                          \
		write_sysreg(S3_4_C12_##crm##_##op2, v); \
		break

static uint64_t lr_read(unsigned int n)
{
	switch (n) {
		LR_READ(0, C12, 0);
		LR_READ(1, C12, 1);
		LR_READ(2, C12, 2);
		LR_READ(3, C12, 3);
		LR_READ(4, C12, 4);
		LR_READ(5, C12, 5);
		LR_READ(6, C12, 6);
		LR_READ(7, C12, 7);
		LR_READ(8, C13, 0);
		LR_READ(9, C13, 1);
		LR_READ(10, C13, 2);
		LR_READ(11, C13, 3);
		LR_READ(12, C13, 4);
		LR_READ(13, C13, 5);
		LR_READ(14, C13, 6);
		LR_READ(15, C13, 7);
	default:
		return 0;
	}
}

static void lr_write(unsigned int n, uint64_t v)
{
	switch (n) {
		LR_WRITE(0, C12, 0);
		LR_WRITE(1, C12, 1);
		LR_WRITE(2, C12, 2);
		LR_WRITE(3, C12, 3);
		LR_WRITE(4, C12, 4);
		LR_WRITE(5, C12, 5);
		LR_WRITE(6, C12, 6);
		LR_WRITE(7, C12, 7);
		LR_WRITE(8, C13, 0);
		LR_WRITE(9, C13, 1);
		LR_WRITE(10, C13, 2);
		LR_WRITE(11, C13, 3);
		LR_WRITE(12, C13, 4);
		LR_WRITE(13, C13, 5);
		LR_WRITE(14, C13, 6);
		LR_WRITE(15, C13, 7);
	default:
		break;
	}
}

/*
 * The virtual timer's line as the guest programmed it (Arm ARM D11.2.4):
 * enabled, condition met, not masked.
 */
static bool vtimer_line(void)
{
	uint64_t ctl = read_sysreg(cntv_ctl_el0);

	return (ctl & 5) == 5 && !(ctl & 2);
}

/*
 * The physical virtual-timer PPI fired for the loaded vCPU: hold it off at
 * the redistributor and raise the virtual line; vtimer_resample() lets it
 * through again once the guest has dealt with the timer.
 */
void vgic_arch_vtimer_fired(struct vcpu *v)
{
	v->arch.vtimer_held = true;
	gic_disable_irq(GIC_PPI_VTIMER);
	vgic_inject(&v->dom->vgic, v->id, GIC_PPI_VTIMER, true);
}

static void vtimer_resample(struct vcpu *v)
{
	bool line;

	if (!v->arch.vtimer_held) {
		return;
	}
	line = vtimer_line();
	vgic_inject(&v->dom->vgic, v->id, GIC_PPI_VTIMER, line);
	if (!line) {
		v->arch.vtimer_held = false;
		gic_enable_irq(GIC_PPI_VTIMER, 0);
	}
}

/* Guest exit: fold the list registers in use back into the model. */
void vgic_arch_exit(struct vcpu *v)
{
	struct pcpu_arch *a = &this_cpu()->arch;
	uint64_t lrs[16];

	if (!v) {
		return;
	}
	vtimer_resample(v);
	if (!a->lr_used) {
		return;
	}
	for (unsigned int i = 0; i < a->lr_used; i++) {
		lrs[i] = lr_read(i);
	}
	vgic_sync_lrs(&v->dom->vgic, v->vgic, lrs, a->lr_used);
	/*
	 * The model owns the state now: empty the list registers so that no
	 * EOI or underflow maintenance condition stays asserted in EL2.
	 */
	for (unsigned int i = 0; i < a->lr_used; i++) {
		lr_write(i, 0);
		a->lr[i] = 0;
	}
	a->lr_used = 0;
	if (a->ich_hcr & ICH_HCR_UIE) {
		a->ich_hcr = ICH_HCR_EN;
		write_sysreg(ICH_HCR_EL2, a->ich_hcr);
	}
}

/* Guest entry: refresh the event upcall level, fill the list registers. */
void vgic_arch_enter(struct vcpu *v)
{
	struct pcpu_arch *a = &this_cpu()->arch;
	uint64_t lrs[16] = { 0 };
	uint64_t hcr = ICH_HCR_EN;
	unsigned int used = 0, n;
	bool upcall = evtchn_vcpu_upcall_pending(&v->dom->evtchn, v->id);
	int left;

	/*
	 * Only a change of level goes to the model, re-read under its lock
	 * (vcpu_sync_upcall): a kick from another pCPU between the read
	 * here and the update must not be undone. upcall_line always holds
	 * the line's level, so a stale read here only costs a locked sync.
	 */
	if (upcall != __atomic_load_n(&v->upcall_line, __ATOMIC_RELAXED)) {
		vcpu_sync_upcall(v);
	}
	/*
	 * Most traps: nothing to deliver and every list register already
	 * empty (lr_used 0 means all of a->lr are 0), no underflow asked.
	 */
	if (!a->lr_used && a->ich_hcr == ICH_HCR_EN &&
	    !vgic_flush_needed(&v->dom->vgic, v->vgic)) {
		return;
	}
	n = gic_nr_lrs();
	left = vgic_flush_lrs(&v->dom->vgic, v->vgic, lrs, n);
	for (unsigned int i = 0; i < n; i++) {
		if (lrs[i]) {
			used = i + 1;
		}
		if (lrs[i] != a->lr[i]) {
			lr_write(i, lrs[i]);
			a->lr[i] = lrs[i];
		}
	}
	a->lr_used = used;
	if (left > 0) {
		hcr |= ICH_HCR_UIE;
	}
	if (hcr != a->ich_hcr) {
		write_sysreg(ICH_HCR_EL2, hcr);
		a->ich_hcr = hcr;
	}
}

/* The maintenance interrupt is level: drop UIE until the next entry. */
void vgic_arch_maintenance(void)
{
	struct pcpu_arch *a = &this_cpu()->arch;

	a->ich_hcr &= ~ICH_HCR_UIE;
	write_sysreg(ICH_HCR_EL2, a->ich_hcr);
}

/* Virtual CPU interface state that belongs to a vCPU, on a switch. */
void vgic_arch_save(struct vcpu *v)
{
	v->arch.ich_vmcr = read_sysreg(ICH_VMCR_EL2);
	v->arch.ich_ap1r0 = read_sysreg(ICH_AP1R0_EL2);
}

void vgic_arch_restore(struct vcpu *v)
{
	write_sysreg(ICH_VMCR_EL2, v->arch.ich_vmcr);
	write_sysreg(ICH_AP1R0_EL2, v->arch.ich_ap1r0);
	/* PPI 27 follows the timer state of the vCPU that owns it now. */
	if (v->arch.vtimer_held) {
		gic_disable_irq(GIC_PPI_VTIMER);
	} else {
		gic_enable_irq(GIC_PPI_VTIMER, 0);
	}
}

/* ICC_SGI1R_EL1 (Op0 3, Op1 0, CRn 12, CRm 11, Op2 5), write only. */
bool vgic_arch_sysreg(struct vcpu *v, uint64_t iss, uint64_t val)
{
	unsigned int op0 = (unsigned int)((iss >> 20) & 3);
	unsigned int op2 = (unsigned int)((iss >> 17) & 7);
	unsigned int op1 = (unsigned int)((iss >> 14) & 7);
	unsigned int crn = (unsigned int)((iss >> 10) & 15);
	unsigned int crm = (unsigned int)((iss >> 1) & 15);
	bool is_read = iss & 1;

	if (op0 == 3 && op1 == 0 && crn == 12 && crm == 11 && op2 == 5 &&
	    !is_read) {
		vgic_send_sgi(&v->dom->vgic, v->id, val);
		return true;
	}
	return false;
}

void arch_route_spi(unsigned int intid, bool enable)
{
	if (enable) {
		gic_enable_irq(intid, 0);
	} else {
		gic_disable_irq(intid);
	}
}

unsigned int arch_gic_nr_spis(void)
{
	return gic_nr_spis();
}

/*
 * A physical interrupt for a guest. Returns true if it went to a guest
 * with the HW bit (the guest deactivates it), false if the caller must
 * deactivate it.
 */
bool vgic_arch_forward(uint32_t intid)
{
	struct pcpu *c = this_cpu();
	struct domain *d0;

	if (intid == GIC_PPI_VTIMER) {
		if (c->loaded) {
			vgic_arch_vtimer_fired(c->loaded);
		}
		return false;
	}
	if (intid < 32) {
		return false;
	}
	d0 = domain_lookup(0);
	if (!d0 || d0->is_shutdown) {
		return false;
	}
	return vgic_inject(&d0->vgic, 0, intid, true) == 0;
}
