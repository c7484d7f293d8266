/* SPDX-License-Identifier: MIT */
/*
 * Entering and leaving vCPUs. The EL1 context is switched lazily: a pCPU
 * keeps the last vCPU's state in the registers and only saves/restores when
 * a different vCPU runs (each system register write costs a QEMU TB exit).
 * Before the registers change hands, an SError the last vCPU left pending
 * is synchronised and charged to it (serror.c). What is switched and what
 * is trapped instead: docs/cpu-state.md.
 */
#include <arch/sysreg.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/lib.h>
#include <sable/percpu.h>
#include <sable/vdev_env.h>
#include <sable/vgic.h>
#include <sable/vtimer.h>

#include "../../core/sched_arch.h"
#include "arm64.h"
#include "cpu_state.h"

#define PSR_EL1H_DAIF 0x3c5UL
#define SCTLR_EL1_RES1 0x30D00800UL
#define VTCR_RES1 (1UL << 31)
#define VTCR_T0SZ(n) ((uint64_t)(n))
#define VTCR_SL0(n) ((uint64_t)(n) << 6)
#define VTCR_IRGN0_WBWA (1UL << 8)
#define VTCR_ORGN0_WBWA (1UL << 10)
#define VTCR_SH0_INNER (3UL << 12)
#define VTCR_PS_40BIT (2UL << 16)

#define GUEST_HCR                                                              \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_TWI | HCR_TWE | \
	 HCR_TSC | HCR_RW | HCR_BSU_IS | HCR_FB | HCR_TACR | HCR_TIDCP |       \
	 HCR_TSW | HCR_TID3)

void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t x0)
{
	struct arch_vcpu *a = &v->arch;

	memset(&a->regs, 0, sizeof(a->regs));
	memset(&a->sys, 0, sizeof(a->sys));
	a->regs.elr = entry;
	a->regs.spsr = PSR_EL1H_DAIF;
	a->regs.x[0] = x0;
	a->sys.sctlr = SCTLR_EL1_RES1;
	a->vmpidr = vdev_vcpu_mpidr(v->id);
	a->hcr = GUEST_HCR | cpu_caps.guest_hcr;
	memset(a->pauth, 0, sizeof(a->pauth));
	a->vdisr = 0;
	a->ich_vmcr = 0;
	a->ich_ap1r0 = 0;
	vdebug_vcpu_init(v);
}

static void save_el1(struct el1_sysregs *s)
{
	s->sctlr = read_sysreg(sctlr_el1);
	s->cpacr = read_sysreg(cpacr_el1);
	s->ttbr0 = read_sysreg(ttbr0_el1);
	s->ttbr1 = read_sysreg(ttbr1_el1);
	s->tcr = read_sysreg(tcr_el1);
	s->esr = read_sysreg(esr_el1);
	s->afsr0 = read_sysreg(afsr0_el1);
	s->afsr1 = read_sysreg(afsr1_el1);
	s->far = read_sysreg(far_el1);
	s->mair = read_sysreg(mair_el1);
	s->amair = read_sysreg(amair_el1);
	s->vbar = read_sysreg(vbar_el1);
	s->contextidr = read_sysreg(contextidr_el1);
	s->cntkctl = read_sysreg(cntkctl_el1);
	s->par = read_sysreg(par_el1);
	s->tpidr = read_sysreg(tpidr_el1);
	s->sp_el1 = read_sysreg(sp_el1);
	s->elr = read_sysreg(elr_el1);
	s->spsr = read_sysreg(spsr_el1);
	s->sp_el0 = read_sysreg(sp_el0);
	s->tpidr_el0 = read_sysreg(tpidr_el0);
	s->tpidrro_el0 = read_sysreg(tpidrro_el0);
	s->csselr = read_sysreg(csselr_el1);
	s->cntv_ctl = read_sysreg(cntv_ctl_el0);
	s->cntv_cval = read_sysreg(cntv_cval_el0);
	write_sysreg(cntv_ctl_el0, 0);
}

static void restore_el1(const struct el1_sysregs *s)
{
	write_sysreg(sctlr_el1, s->sctlr);
	write_sysreg(cpacr_el1, s->cpacr);
	write_sysreg(ttbr0_el1, s->ttbr0);
	write_sysreg(ttbr1_el1, s->ttbr1);
	/*
	 * Equal across most guests' vCPUs, and a write is not free in every
	 * implementation (QEMU's TCG empties the whole TLB, EL2's included,
	 * on any TCR_EL1 write): only when it changes.
	 */
	if (read_sysreg(tcr_el1) != s->tcr) {
		write_sysreg(tcr_el1, s->tcr);
	}
	write_sysreg(esr_el1, s->esr);
	write_sysreg(afsr0_el1, s->afsr0);
	write_sysreg(afsr1_el1, s->afsr1);
	write_sysreg(far_el1, s->far);
	write_sysreg(mair_el1, s->mair);
	write_sysreg(amair_el1, s->amair);
	write_sysreg(vbar_el1, s->vbar);
	write_sysreg(contextidr_el1, s->contextidr);
	write_sysreg(cntkctl_el1, s->cntkctl);
	write_sysreg(par_el1, s->par);
	write_sysreg(tpidr_el1, s->tpidr);
	write_sysreg(sp_el1, s->sp_el1);
	write_sysreg(elr_el1, s->elr);
	write_sysreg(spsr_el1, s->spsr);
	write_sysreg(sp_el0, s->sp_el0);
	write_sysreg(tpidr_el0, s->tpidr_el0);
	write_sysreg(tpidrro_el0, s->tpidrro_el0);
	write_sysreg(csselr_el1, s->csselr);
	write_sysreg(cntv_cval_el0, s->cntv_cval);
	write_sysreg(cntv_ctl_el0, s->cntv_ctl);
}

/* FP/SIMD registers: q0..q31, FPSR, FPCR (the hypervisor never uses FP). */
static void save_fp(struct fp_state *f)
{
	__asm__ volatile("stp q0, q1, [%0, #0]\n stp q2, q3, [%0, #32]\n"
			 "stp q4, q5, [%0, #64]\n stp q6, q7, [%0, #96]\n"
			 "stp q8, q9, [%0, #128]\n stp q10, q11, [%0, #160]\n"
			 "stp q12, q13, [%0, #192]\n stp q14, q15, [%0, #224]\n"
			 "stp q16, q17, [%0, #256]\n stp q18, q19, [%0, #288]\n"
			 "stp q20, q21, [%0, #320]\n stp q22, q23, [%0, #352]\n"
			 "stp q24, q25, [%0, #384]\n stp q26, q27, [%0, #416]\n"
			 "stp q28, q29, [%0, #448]\n stp q30, q31, [%0, #480]\n"
			 :
			 : "r"(f->q)
			 : "memory");
	f->fpsr = read_sysreg(fpsr);
	f->fpcr = read_sysreg(fpcr);
}

static void restore_fp(const struct fp_state *f)
{
	__asm__ volatile("ldp q0, q1, [%0, #0]\n ldp q2, q3, [%0, #32]\n"
			 "ldp q4, q5, [%0, #64]\n ldp q6, q7, [%0, #96]\n"
			 "ldp q8, q9, [%0, #128]\n ldp q10, q11, [%0, #160]\n"
			 "ldp q12, q13, [%0, #192]\n ldp q14, q15, [%0, #224]\n"
			 "ldp q16, q17, [%0, #256]\n ldp q18, q19, [%0, #288]\n"
			 "ldp q20, q21, [%0, #320]\n ldp q22, q23, [%0, #352]\n"
			 "ldp q24, q25, [%0, #384]\n ldp q26, q27, [%0, #416]\n"
			 "ldp q28, q29, [%0, #448]\n ldp q30, q31, [%0, #480]\n"
			 :
			 : "r"(f->q)
			 : "memory");
	write_sysreg(fpsr, f->fpsr);
	write_sysreg(fpcr, f->fpcr);
}

/* Pointer-authentication keys (with HCR_EL2.API/APK the guest uses them). */
static void save_pauth(uint64_t *k)
{
	if (cpu_caps.pauth) {
		k[0] = read_sysreg(APIAKEYLO_EL1);
		k[1] = read_sysreg(APIAKEYHI_EL1);
		k[2] = read_sysreg(APIBKEYLO_EL1);
		k[3] = read_sysreg(APIBKEYHI_EL1);
		k[4] = read_sysreg(APDAKEYLO_EL1);
		k[5] = read_sysreg(APDAKEYHI_EL1);
		k[6] = read_sysreg(APDBKEYLO_EL1);
		k[7] = read_sysreg(APDBKEYHI_EL1);
	}
	if (cpu_caps.pauth_generic) {
		k[8] = read_sysreg(APGAKEYLO_EL1);
		k[9] = read_sysreg(APGAKEYHI_EL1);
	}
}

static void restore_pauth(const uint64_t *k)
{
	if (cpu_caps.pauth) {
		write_sysreg(APIAKEYLO_EL1, k[0]);
		write_sysreg(APIAKEYHI_EL1, k[1]);
		write_sysreg(APIBKEYLO_EL1, k[2]);
		write_sysreg(APIBKEYHI_EL1, k[3]);
		write_sysreg(APDAKEYLO_EL1, k[4]);
		write_sysreg(APDAKEYHI_EL1, k[5]);
		write_sysreg(APDBKEYLO_EL1, k[6]);
		write_sysreg(APDBKEYHI_EL1, k[7]);
	}
	if (cpu_caps.pauth_generic) {
		write_sysreg(APGAKEYLO_EL1, k[8]);
		write_sysreg(APGAKEYHI_EL1, k[9]);
	}
}

/*
 * Parked timers. A vCPU's virtual timer lives in the registers only while
 * that vCPU owns them; when another vCPU of the same pCPU is loaded, the
 * saved one's timer is parked here and the EL2 timer (CNTHP) is armed for
 * the earliest parked deadline, so a vCPU waiting for its timer is woken
 * on time. The list is under its parked_lock: the pCPU that next loads
 * the vCPU takes it off, which is another pCPU when it migrated.
 *
 * The same EL2 timer carries the scheduler's deadline (the end of a time
 * slice or of a cap throttle): one compare value, the earliest of all.
 */
/*
 * Timer advance. The EL2 timer's interrupt comes some time after its
 * compare value (under QEMU's TCG on a busy host, tens of µs to a
 * millisecond), and a vCPU it wakes is switched in some time after
 * that. So a parked timer is taken that much early: this pCPU's running
 * average of both, at most TIMER_ADVANCE_MAX_US. The vCPU is then back
 * on the pCPU before its timer is due; its WFI, finding the timer due
 * within the advance, waits for it at EL2 (vcpu_arch_wfi_wait) and the
 * interrupt is raised at once. The idea is KVM's lapic timer advance.
 */
#define TIMER_ADVANCE_MAX_US 500ULL

static uint64_t advance_max(void)
{
	return arch_counter_freq() * TIMER_ADVANCE_MAX_US / 1000000ULL;
}

static uint64_t timer_advance(const struct pcpu_arch *a)
{
	uint64_t adv = a->timer_late + a->timer_switch;

	return adv < advance_max() ? adv : advance_max();
}

/*
 * The scheduler's own deadline (a slice's end) is taken early by the
 * interrupt's lateness alone, so that slices end on time on average.
 */
static uint64_t sched_advance(const struct pcpu_arch *a)
{
	return a->timer_late < advance_max() ? a->timer_late : advance_max();
}

/* Fold @sample (ticks; one far off counts as twice the maximum) in. */
static void average_in(uint64_t *avg, uint64_t sample)
{
	uint64_t most = 2 * advance_max();

	sample = sample < most ? sample : most;
	*avg = *avg - *avg / 8 + sample / 8;
}

/* A deadline less the advance (never below 1). */
static uint64_t early(uint64_t deadline, uint64_t adv)
{
	return deadline > adv ? deadline - adv : 1;
}

/*
 * When a parked vCPU's timer is taken: early only for a blocked vCPU
 * (WFI), which the wake-up brings back. A runnable one is not woken by
 * it; taken early, it would lose the decision its timer makes at the
 * deadline itself. (The state is read without its run queue's lock: a
 * stale value only makes the advance apply or not once.)
 */
static uint64_t parked_due(const struct vcpu *p, uint64_t adv)
{
	bool blocked =
		__atomic_load_n(&p->state, __ATOMIC_RELAXED) == VCPU_BLOCKED;

	return early(p->arch.timer_deadline, blocked ? adv : 0);
}

static void timer_rearm(struct pcpu_arch *a)
{
	uint64_t next = this_cpu()->sched_deadline;
	uint64_t adv = timer_advance(a);

	/*
	 * A deadline already within the advance (the same vCPU chosen again
	 * at a slice end taken early, a cap budget's last moments) is
	 * programmed as it is: taken early, it would fire again at once.
	 */
	if (next && early(next, sched_advance(a)) > arch_counter()) {
		next = early(next, sched_advance(a));
	} else if (!next) {
		next = UINT64_MAX;
	}

	spin_lock(&a->parked_lock);
	for (struct vcpu *p = a->parked; p; p = p->arch.parked_next) {
		if (parked_due(p, adv) < next) {
			next = parked_due(p, adv);
		}
	}
	spin_unlock(&a->parked_lock);
	if (next == UINT64_MAX) {
		a->timer_armed = 0;
		timer_cancel();
	} else {
		a->timer_armed = next;
		timer_set_deadline(next);
	}
}

/*
 * Take @v off the parked list that holds it, whichever pCPU's. Its
 * pCPU's EL2 timer may then fire once for nothing (it re-arms).
 */
static void timer_unpark(struct vcpu *v)
{
	struct pcpu *o = __atomic_load_n(&v->arch.parked_on, __ATOMIC_ACQUIRE);
	struct vcpu **pp;

	if (!o) {
		return;
	}
	spin_lock(&o->arch.parked_lock);
	if (v->arch.parked_on == o) {
		pp = &o->arch.parked;
		while (*pp && *pp != v) {
			pp = &(*pp)->arch.parked_next;
		}
		if (*pp) {
			*pp = v->arch.parked_next;
		}
		v->arch.parked_on = NULL;
		v->arch.parked_next = NULL;
	}
	spin_unlock(&o->arch.parked_lock);
}

/* @v was just saved: park its timer if it is armed (enabled, unmasked). */
static void timer_park(struct pcpu_arch *a, struct vcpu *v)
{
	const struct vtimer t = { .ctl = v->arch.sys.cntv_ctl,
				  .cval = v->arch.sys.cntv_cval,
				  .cntvoff = 0 /* CNTVOFF_EL2 is 0 */ };

	if (v->arch.vtimer_held ||
	    vtimer_deadline(&t, arch_counter(), &v->arch.timer_deadline)) {
		return; /* its line is already up, or it never fires */
	}
	spin_lock(&a->parked_lock);
	v->arch.parked_on = this_cpu();
	v->arch.parked_next = a->parked;
	a->parked = v;
	spin_unlock(&a->parked_lock);
}

/*
 * A parked vCPU of this pCPU whose timer is due at @now, or within the
 * advance, taken off.
 */
static struct vcpu *timer_take_due(struct pcpu_arch *a, uint64_t now)
{
	uint64_t adv = timer_advance(a);
	struct vcpu **pp, *v = NULL;

	spin_lock(&a->parked_lock);
	for (pp = &a->parked; *pp; pp = &(*pp)->arch.parked_next) {
		if (parked_due(*pp, adv) <= now) {
			v = *pp;
			*pp = v->arch.parked_next;
			v->arch.parked_on = NULL;
			v->arch.parked_next = NULL;
			v->arch.timer_woke_at =
				v->arch.timer_deadline > now ? now : 0;
			break;
		}
	}
	spin_unlock(&a->parked_lock);
	return v;
}

/*
 * EL2 timer interrupt: wake the parked vCPUs whose timer is due and tell
 * the scheduler if its deadline passed.
 */
void timer_expire_parked(void)
{
	struct pcpu_arch *a = &this_cpu()->arch;
	uint64_t now = arch_counter();
	struct vcpu *p;

	if (a->timer_armed && now >= a->timer_armed) {
		average_in(&a->timer_late, now - a->timer_armed);
	}
	/* Woken outside the list's lock (sched_wake takes run queues). */
	while ((p = timer_take_due(a, now))) {
		sched_wake(p);
	}
	sched_tick(now + sched_advance(a));
	timer_rearm(a);
}

/*
 * @v's domain is gone: this pCPU keeps nothing of it. Its state is saved
 * out of the registers (which also stops its virtual timer) into @v, still
 * valid memory, and its parked timer dropped, so the next vCPU loaded here
 * gets a full switch and no stale wake-up names @v.
 */
void sched_arch_forget_vcpu(struct vcpu *v)
{
	struct pcpu *c = this_cpu();

	timer_unpark(v);
	if (c->loaded == v) {
		save_el1(&v->arch.sys);
		save_fp(&v->arch.fp);
		save_pauth(v->arch.pauth);
		vgic_arch_save(v);
		c->loaded = NULL;
		__atomic_store_n(&v->arch.holder, NULL, __ATOMIC_RELEASE);
	}
	timer_rearm(&c->arch);
}

void sched_arch_wait_for(unsigned int cpu)
{
	(void)cpu; /* it takes the reschedule SGI by itself */
	__asm__ volatile("yield" ::: "memory");
}

void sched_arch_set_deadline(uint64_t deadline)
{
	(void)deadline; /* this_cpu()->sched_deadline holds it */
	timer_rearm(&this_cpu()->arch);
}

/*
 * Save the loaded vCPU @old out of this pCPU's registers (parking its
 * timer) and let go of it: another pCPU may load it from now on.
 */
static void unload(struct pcpu *c, struct vcpu *old)
{
	save_el1(&old->arch.sys);
	save_fp(&old->arch.fp);
	save_pauth(old->arch.pauth);
	if (cpu_caps.ras) {
		old->arch.vdisr = read_sysreg(VDISR_EL2);
	}
	vgic_arch_save(old);
	timer_park(&c->arch, old);
	c->loaded = NULL;
	__atomic_store_n(&old->arch.holder, NULL, __ATOMIC_RELEASE);
}

/*
 * Going idle: the vCPU whose state this pCPU keeps moved to another pCPU
 * (migration), which waits for it: save it now. A vCPU still homed here
 * stays loaded (its next run here costs no switch).
 */
void vcpu_arch_release_moved(void)
{
	struct pcpu *c = this_cpu();
	struct vcpu *v = c->loaded;

	if (v && __atomic_load_n(&v->pcpu, __ATOMIC_ACQUIRE) != c->id) {
		if (serror_sync()) {
			serror_charge(v, "SError");
		}
		unload(c, v);
		timer_rearm(&c->arch);
	}
}

/*
 * @v's EL1 state may still be in another pCPU's registers (it ran there
 * last and migrated): have that pCPU save it, and wait. That pCPU is idle
 * or about to load another vCPU (@v runs nowhere), and this one has let
 * go of its own vCPU already, so two pCPUs swapping vCPUs cannot wait
 * for each other.
 */
static void wait_for_holder(struct pcpu *c, struct vcpu *v)
{
	struct pcpu *h = __atomic_load_n(&v->arch.holder, __ATOMIC_ACQUIRE);

	if (!h || h == c) {
		return;
	}
	arch_send_resched(h->id);
	while (__atomic_load_n(&v->arch.holder, __ATOMIC_ACQUIRE)) {
		__asm__ volatile("yield" ::: "memory");
	}
}

static void load_vcpu(struct vcpu *v)
{
	struct pcpu *c = this_cpu();
	struct vcpu *old = c->loaded;

	if (old == v) {
		return;
	}
	if (old) {
		unload(c, old);
	}
	wait_for_holder(c, v);
	timer_unpark(v);
	timer_rearm(&c->arch);
	restore_el1(&v->arch.sys);
	restore_fp(&v->arch.fp);
	restore_pauth(v->arch.pauth);
	if (cpu_caps.ras) {
		write_sysreg(VDISR_EL2, v->arch.vdisr);
	}
	vdebug_switch(c, v);
	vgic_arch_restore(v);
	write_sysreg(vmpidr_el2, v->arch.vmpidr);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(vtcr_el2, VTCR_RES1 | VTCR_T0SZ(P2M_VTCR_T0SZ) |
				       VTCR_SL0(P2M_VTCR_SL0) |
				       VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA |
				       VTCR_SH0_INNER | VTCR_PS_40BIT);
	write_sysreg(vttbr_el2, p2m_vttbr(&v->dom->p2m));
	write_sysreg(hcr_el2, v->arch.hcr);
	isb();
	c->loaded = v;
	__atomic_store_n(&v->arch.holder, c, __ATOMIC_RELAXED);
}

/*
 * A vCPU of a domain that crashed (an SError charged to it while another
 * of its vCPUs waited) is not entered again: it stops, and this pCPU picks
 * the next one on a fresh stack.
 */
static void drop_dead_vcpu(struct pcpu *c, struct vcpu *v)
{
	if (!v->dom->is_shutdown || v->dom->shutdown_reason != SHUTDOWN_crash) {
		return;
	}
	spin_lock(&c->rq_lock);
	v->state = VCPU_PAUSED;
	runstate_update(v);
	spin_unlock(&c->rq_lock);
	c->current = NULL;
	arch_sched_restart(arch_stack_frame());
}

/*
 * The current vCPU goes offline (PSCI CPU_OFF): save it and let go of the
 * registers, so that a CPU_ON from another pCPU initialises a vCPU that no
 * pCPU holds, and its next run loads the new state.
 */
void vcpu_arch_unload(struct vcpu *v)
{
	struct pcpu *c = this_cpu();

	if (c->loaded != v) {
		return;
	}
	if (serror_sync()) {
		serror_charge(v, "SError");
	}
	save_el1(&v->arch.sys);
	save_fp(&v->arch.fp);
	save_pauth(v->arch.pauth);
	if (cpu_caps.ras) {
		v->arch.vdisr = read_sysreg(VDISR_EL2);
	}
	vgic_arch_save(v);
	c->loaded = NULL;
	__atomic_store_n(&v->arch.holder, NULL, __ATOMIC_RELEASE);
}

void arch_vcpu_run(struct vcpu *v)
{
	struct cpu_regs *frame = arch_stack_frame();
	struct pcpu *c = this_cpu();

	/* sched_run() charged an SError the last vCPU left pending. */
	drop_dead_vcpu(c, v);
	load_vcpu(v);
	if (v->arch.timer_woke_at) {
		average_in(&c->arch.timer_switch,
			   arch_counter() - v->arch.timer_woke_at);
		v->arch.timer_woke_at = 0;
	}
	/* Switched in: its stage 1 now translates the runstate area. */
	runstate_switch_in(v);
	vgic_arch_enter(v);
	*frame = v->arch.regs;
	arch_enter_frame(frame);
}

void sched_arch_save_current(struct vcpu *v)
{
	v->arch.regs = *arch_stack_frame();
}

/* PSTATE.I as the current vCPU trapped (SPSR_EL2). */
#define PSR_I (1UL << 7)

bool sched_arch_irqs_masked(struct vcpu *v)
{
	(void)v;
	return (arch_stack_frame()->spsr & PSR_I) != 0;
}

/*
 * The current vCPU @v traps on WFI with its virtual timer due within the
 * advance (it was switched in early for it, above): rather than switch
 * away and back, wait here until the timer is due and raise its line at
 * once, or until a physical interrupt is pending (taken on the way back
 * to the guest, which then waits again). True if the WFI is done.
 */
bool vcpu_arch_wfi_wait(struct vcpu *v)
{
	uint64_t ctl = read_sysreg(cntv_ctl_el0);
	uint64_t cval;

	/* Enabled and not masked (Arm ARM D11.2.4); not fired already. */
	if (v->arch.vtimer_held || (ctl & 3) != 1) {
		return false;
	}
	cval = read_sysreg(cntv_cval_el0); /* CNTVOFF_EL2 is 0 */
	if (cval > arch_counter() + timer_advance(&this_cpu()->arch)) {
		return false;
	}
	/*
	 * Until the counter reaches the compare value, and then until the
	 * timer's own status (ISTATUS) shows it: the guest reads CNTV_CTL
	 * itself, and an interrupt it takes before the status is set is
	 * spurious to it (Linux's handler returns IRQ_NONE and waits in WFI
	 * again). On hardware the status follows the counter at once; under
	 * QEMU it is set only when the emulator's timer callback runs, which
	 * a busy host delays by milliseconds: injecting at the compare value
	 * made a WFI, spurious interrupt, WFI loop of an exit every 50 us
	 * until then (seen in dom0 beside spinning domains). The callback
	 * also raises the physical PPI, so a pending interrupt ends the wait
	 * too, and the timer comes in through vgic_arch_forward().
	 */
	while (arch_counter() < cval ||
	       !(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS)) {
		if (read_sysreg(isr_el1)) {
			return true;
		}
		__asm__ volatile("yield" ::: "memory");
	}
	vgic_arch_vtimer_fired(v);
	return true;
}
