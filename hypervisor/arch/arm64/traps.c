/* SPDX-License-Identifier: MIT */
/*
 * Exceptions taken to EL2. From the guest: hypercalls (HVC #0xEA1), PSCI
 * and SMCCC (HVC #0 / SMC), WFI/WFE, data aborts on emulated MMIO and
 * trapped system registers. Anything unexpected taken from EL2 itself is
 * decoded, printed and stops the machine.
 */
#include <arch/sysreg.h>
#include <public/xen.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/hypercall.h>
#include <sable/log.h>
#include <sable/percpu.h>

#include "../../core/console.h"
#include "../../core/sched_arch.h"
#include "arm64.h"
#include "cpu_state.h"
#include "trap.h"

static const char *const vector_name[] = {
	"EL2t sync",	"EL2t irq",    "EL2t fiq",    "EL2t serror",
	"EL2h sync",	"EL2h irq",    "EL2h fiq",    "EL2h serror",
	"EL1 sync",	"EL1 irq",     "EL1 fiq",     "EL1 serror",
	"AArch32 sync", "AArch32 irq", "AArch32 fiq", "AArch32 serror",
};

static volatile bool in_exit;

void trap_unexpected(struct cpu_regs *regs, uint64_t type);
void trap_unexpected(struct cpu_regs *regs, uint64_t type)
{
	uint64_t esr = read_sysreg(esr_el2);

	if (in_exit) {
		/* The semihosting exit itself trapped: no semihosting here. */
		psci_system_off();
	}
	in_exit = true;
	pr_err("UNEXPECTED EXCEPTION on pCPU %u: %s, EC 0x%x, ESR 0x%lx, "
	       "ELR 0x%lx, FAR 0x%lx, SPSR 0x%lx\n",
	       this_cpu()->id, type < 16 ? vector_name[type] : "?", esr_ec(esr),
	       (unsigned long)esr, (unsigned long)regs->elr,
	       (unsigned long)read_sysreg(far_el2), (unsigned long)regs->spsr);
	pr_err("UNEXPECTED EXCEPTION: x0 %lx x1 %lx x2 %lx x30 %lx\n",
	       (unsigned long)regs->x[0], (unsigned long)regs->x[1],
	       (unsigned long)regs->x[2], (unsigned long)regs->x[30]);
	arch_machine_exit(2);
}

static void handle_hvc(struct vcpu *v, struct cpu_regs *regs, uint64_t esr)
{
	uint64_t imm = esr & 0xffff;

	if (imm == XEN_HYPERCALL_TAG) {
		uint64_t args[5] = { regs->x[0], regs->x[1], regs->x[2],
				     regs->x[3], regs->x[4] };
		uint64_t nr = regs->x[16];

		/* A call that deschedules the vCPU completes with 0. */
		regs->x[0] = 0;
		regs->x[0] = (uint64_t)hypercall_dispatch(v, nr, args);
		pr_debug("d%u v%u: hypercall %lu (%lx, %lx) = %ld\n",
			 v->dom->id, v->id, (unsigned long)nr,
			 (unsigned long)args[0], (unsigned long)args[1],
			 (long)regs->x[0]);
		return;
	}
	if (imm == 0) {
		psci_guest_call(v, regs);
		return;
	}
	/*
	 * Xen injects UNDEF for any other immediate, returning past the HVC
	 * (ELR_EL1 = the next instruction), and so does Sable.
	 */
	inject_undef(regs);
}

static void handle_wfx(struct vcpu *v, struct cpu_regs *regs, uint64_t esr)
{
	regs->elr += 4;
	if (esr & 1) {
		sched_yield_directed(); /* WFE: maybe a spinlock's wait */
	} else if (!vcpu_arch_wfi_wait(v)) {
		sched_block_current(); /* WFI */
	}
}

/*
 * Synchronous external aborts and parity errors (DFSC/IFSC, Arm ARM
 * D13.2.39): reach EL2 only from a stage-2 walk; never emulated MMIO.
 */
static bool is_external_abort(uint64_t esr)
{
	unsigned int fsc = (unsigned int)(esr & 0x3f);

	return fsc == 0x10 || (fsc >= 0x12 && fsc <= 0x18) ||
	       (fsc >= 0x1b && fsc <= 0x1f);
}

/* A hardware error the current guest caused: its domain crashes. */
static void guest_hw_error(struct vcpu *v, const char *what)
{
	serror_charge(v, what);
	sched_pause_current();
}

void trap_guest_sync(struct cpu_regs *regs);
void trap_guest_sync(struct cpu_regs *regs)
{
	uint64_t esr = read_sysreg(esr_el2);
	struct vcpu *v = current_vcpu();

	vgic_arch_exit(v);
	switch (esr_ec(esr)) {
	case ESR_EC_HVC64:
		handle_hvc(v, regs, esr);
		break;
	case ESR_EC_SMC64:
		regs->elr += 4;
		psci_guest_call(v, regs);
		break;
	case ESR_EC_WFX:
		handle_wfx(v, regs, esr);
		break;
	case ESR_EC_DABT_LOW:
		if (is_external_abort(esr)) {
			guest_hw_error(v, "external abort");
			break;
		}
		mmio_guest_abort(v, regs, esr);
		break;
	case ESR_EC_SYS64:
		sysreg_guest_trap(v, regs, esr);
		break;
	case ESR_EC_IABT_LOW:
		if (is_external_abort(esr)) {
			guest_hw_error(v, "external abort");
			break;
		}
		if (stage2_fault_was_transient(v, stage2_fault_ipa(), esr)) {
			break;
		}
		inject_iabt(regs, read_sysreg(far_el2));
		break;
	case ESR_EC_SVE:
	case ESR_EC_SME:
		/* Hidden (CPTR_EL2.TZ/TSM): as on a CPU without them. */
		inject_undef(regs);
		break;
	default:
		pr_guest(v->dom->id,
			 "d%u v%u: unhandled trap EC 0x%x at 0x%lx\n",
			 v->dom->id, v->id, esr_ec(esr),
			 (unsigned long)regs->elr);
		inject_undef(regs);
		break;
	}
	trap_exit_check(v);
}

void trap_guest_serror(struct cpu_regs *regs);
void trap_guest_serror(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();

	(void)regs;
	guest_hw_error(v, "SError");
}

/* Handle physical interrupts pending now. */
static void handle_irqs(void)
{
	for (;;) {
		uint32_t intid = gic_ack();

		if (intid >= 1020) {
			break;
		}
		gic_eoi(intid);
		irq_handle(intid);
	}
}

void trap_guest_irq(struct cpu_regs *regs);
void trap_guest_irq(struct cpu_regs *regs)
{
	(void)regs;
	vgic_arch_exit(current_vcpu());
	handle_irqs();
	trap_exit_check(current_vcpu());
}

void trap_el2_irq(struct cpu_regs *regs);
void trap_el2_irq(struct cpu_regs *regs)
{
	(void)regs;
	handle_irqs();
}
