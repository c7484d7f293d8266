/* SPDX-License-Identifier: MIT */
/*
 * Self-hosted debug, emulated per vCPU. MDCR_EL2.TDA, TDOSA and TDRA trap
 * every debug register access (Arm ARM D13.3.7), MDSCR_EL1 included; the
 * values live in struct vdebug. They reach the hardware only while they
 * have an effect: when the loaded vCPU has a breakpoint or watchpoint
 * enabled or MDSCR_EL1.{SS,KDE,MDE} set and its OS lock clear ("live").
 * A switch between two vCPUs neither of which is live costs nothing; the
 * hardware then holds no enabled breakpoint and MDSCR_EL1 has no debug
 * enable, so one guest's settings are never effective in another.
 *
 * Breakpoints and watchpoints are offered as the CPU has them; the debug
 * communications channel and external-debug registers read as zero and
 * ignore writes; ID_AA64DFR0_EL1.DebugVer reads Armv8.0 (cpufeature.c).
 */
#include <arch/sysreg.h>
#include <sable/domain.h>
#include <sable/lib.h>
#include <sable/percpu.h>

#include "arm64.h"
#include "cpu_state.h"

#define MDSCR_SS (1UL << 0)
#define MDSCR_TDCC (1UL << 12)
#define MDSCR_KDE (1UL << 13)
#define MDSCR_MDE (1UL << 15)
#define MDSCR_HW (MDSCR_SS | MDSCR_KDE | MDSCR_MDE)
/* DBGBCR: E, PMC, BAS, LBN, BT[2:0]; not HMC, SSC or the EL2/VMID types. */
#define BCR_HW_MASK 0x007f01e7UL
/* DBGWCR: E, PAC, LSC, BAS, LBN, WT, MASK; not HMC, SSC. */
#define WCR_HW_MASK 0x1f1f1fffUL
#define CTRL_E 1UL
#define OSLSR_OSLM_V8 (1UL << 3)
#define PSR_MODE_EL0 0UL

/* Write hardware breakpoint/watchpoint register n (encodings are fixed). */
#define DBG_CASE(reg, n, val)                    \
	case n:                                  \
		write_sysreg(reg##n##_el1, val); \
		break
#define DBG_WRITE(reg, n, val)                  \
	do {                                    \
		switch (n) {                    \
			DBG_CASE(reg, 0, val);  \
			DBG_CASE(reg, 1, val);  \
			DBG_CASE(reg, 2, val);  \
			DBG_CASE(reg, 3, val);  \
			DBG_CASE(reg, 4, val);  \
			DBG_CASE(reg, 5, val);  \
			DBG_CASE(reg, 6, val);  \
			DBG_CASE(reg, 7, val);  \
			DBG_CASE(reg, 8, val);  \
			DBG_CASE(reg, 9, val);  \
			DBG_CASE(reg, 10, val); \
			DBG_CASE(reg, 11, val); \
			DBG_CASE(reg, 12, val); \
			DBG_CASE(reg, 13, val); \
			DBG_CASE(reg, 14, val); \
			DBG_CASE(reg, 15, val); \
		default:                        \
			break;                  \
		}                               \
	} while (0)

static void hw_bp(unsigned int n, uint64_t bvr, uint64_t bcr)
{
	DBG_WRITE(dbgbvr, n, bvr);
	DBG_WRITE(dbgbcr, n, bcr);
}

static void hw_wp(unsigned int n, uint64_t wvr, uint64_t wcr)
{
	DBG_WRITE(dbgwvr, n, wvr);
	DBG_WRITE(dbgwcr, n, wcr);
}

/* Boot: OS lock open (guests see their own), nothing enabled. */
void vdebug_cpu_init(void)
{
	write_sysreg(mdscr_el1, 0);
	for (unsigned int i = 0; i < cpu_caps.brps; i++) {
		hw_bp(i, 0, 0);
	}
	for (unsigned int i = 0; i < cpu_caps.wrps; i++) {
		hw_wp(i, 0, 0);
	}
	write_sysreg(oslar_el1, 0);
	isb();
	this_cpu()->arch.dbg_live = false;
}

/* As at a cold reset: OS lock set, everything else zero. */
void vdebug_vcpu_init(struct vcpu *v)
{
	memset(&v->arch.dbg, 0, sizeof(v->arch.dbg));
	v->arch.dbg.oslk = true;
}

static bool compute_live(const struct vdebug *d)
{
	if (d->oslk || d->osdlk) {
		return false;
	}
	if (d->mdscr & MDSCR_HW) {
		return true;
	}
	for (unsigned int i = 0; i < cpu_caps.brps; i++) {
		if (d->bcr[i] & CTRL_E) {
			return true;
		}
	}
	for (unsigned int i = 0; i < cpu_caps.wrps; i++) {
		if (d->wcr[i] & CTRL_E) {
			return true;
		}
	}
	return false;
}

/* Make v's state the hardware's (all disabled if it is not live). */
static void load(struct pcpu *c, const struct vdebug *d)
{
	uint64_t on = d->live ? ~0UL : 0;

	for (unsigned int i = 0; i < cpu_caps.brps; i++) {
		hw_bp(i, d->bvr[i], d->bcr[i] & BCR_HW_MASK & on);
	}
	for (unsigned int i = 0; i < cpu_caps.wrps; i++) {
		hw_wp(i, d->wvr[i], d->wcr[i] & WCR_HW_MASK & on);
	}
	write_sysreg(mdscr_el1, d->mdscr & MDSCR_HW & on);
	isb();
	c->arch.dbg_live = d->live;
}

void vdebug_switch(struct pcpu *c, struct vcpu *v)
{
	if (c->arch.dbg_live || v->arch.dbg.live) {
		load(c, &v->arch.dbg);
	}
}

/* Find the emulated register; NULL if none (reads then RAZ or UNDEF). */
static uint64_t *bp_reg(struct vdebug *d, unsigned int crm, unsigned int op2)
{
	switch (op2) {
	case 4:
		return crm < cpu_caps.brps ? &d->bvr[crm] : NULL;
	case 5:
		return crm < cpu_caps.brps ? &d->bcr[crm] : NULL;
	case 6:
		return crm < cpu_caps.wrps ? &d->wvr[crm] : NULL;
	case 7:
		return crm < cpu_caps.wrps ? &d->wcr[crm] : NULL;
	default:
		return NULL;
	}
}

enum dbg_result { DBG_UNDEF, DBG_DONE, DBG_CHANGED };

/* op1 == 0: the EL1 registers. *val is read into or written from. */
static enum dbg_result el1_reg(struct vdebug *d, unsigned int crn,
			       unsigned int crm, unsigned int op2, bool rd,
			       uint64_t *val)
{
	uint64_t *r;

	if (crn == 0 && (r = bp_reg(d, crm, op2)) != NULL) {
		if (rd) {
			*val = *r;
			return DBG_DONE;
		}
		*r = *val;
		return DBG_CHANGED;
	}
	if (crn == 0 && crm == 2 && op2 == 2) { /* MDSCR_EL1 */
		if (rd) {
			*val = d->mdscr;
			return DBG_DONE;
		}
		d->mdscr = *val;
		return DBG_CHANGED;
	}
	if (crn == 1 && crm == 0 && op2 == 4) { /* OSLAR_EL1 (write-only) */
		if (rd) {
			return DBG_UNDEF;
		}
		d->oslk = *val & 1;
		return DBG_CHANGED;
	}
	if (crn == 1 && crm == 1 && op2 == 4) { /* OSLSR_EL1 (read-only) */
		if (!rd) {
			return DBG_UNDEF;
		}
		*val = OSLSR_OSLM_V8 | ((uint64_t)d->oslk << 1);
		return DBG_DONE;
	}
	if (crn == 1 && crm == 3 && op2 == 4) { /* OSDLR_EL1 */
		if (rd) {
			*val = d->osdlk;
			return DBG_DONE;
		}
		d->osdlk = *val & 1;
		return DBG_CHANGED;
	}
	if (crn == 7 && (crm == 8 || crm == 9) && op2 == 6) { /* DBGCLAIM */
		if (rd) {
			*val = crm == 8 ? 0xff : d->claim;
		} else if (crm == 8) {
			d->claim |= *val & 0xff;
		} else {
			d->claim &= ~*val;
		}
		return DBG_DONE;
	}
	if (crn == 7 && crm == 14 && op2 == 6) { /* DBGAUTHSTATUS_EL1 */
		if (!rd) {
			return DBG_UNDEF;
		}
		*val = read_sysreg(dbgauthstatus_el1);
		return DBG_DONE;
	}
	/*
	 * MDCCINT_EL1, OSDTRRX/TX_EL1, OSECCR_EL1 (external debug), MDRAR_EL1
	 * (no memory-mapped view), DBGPRCR_EL1: zero, writes ignored.
	 */
	if ((crn == 0 && ((crm == 2 && op2 == 0) ||
			  ((crm == 0 || crm == 3 || crm == 6) && op2 == 2))) ||
	    (crn == 1 && crm == 0 && op2 == 0) ||
	    (crn == 1 && crm == 4 && op2 == 4)) {
		*val = 0;
		return DBG_DONE;
	}
	return DBG_UNDEF;
}

bool vdebug_sysreg(struct vcpu *v, struct cpu_regs *regs, uint64_t iss)
{
	unsigned int op1 = (unsigned int)((iss >> 14) & 7);
	unsigned int crn = (unsigned int)((iss >> 10) & 15);
	unsigned int crm = (unsigned int)((iss >> 1) & 15);
	unsigned int op2 = (unsigned int)((iss >> 17) & 7);
	unsigned int rt = (unsigned int)((iss >> 5) & 31);
	bool rd = iss & 1;
	bool el0 = (regs->spsr & 0x1f) == PSR_MODE_EL0;
	uint64_t val = rd || rt == 31 ? 0 : regs->x[rt];
	struct vdebug *d = &v->arch.dbg;
	enum dbg_result res;

	if (op1 == 3 && crn == 0 && (crm == 1 || crm == 4 || crm == 5) &&
	    op2 == 0) {
		/* MDCCSR_EL0, DBGDTR_EL0, DBGDTRRX/TX_EL0: the EL1 trap first. */
		if (el0 && (d->mdscr & MDSCR_TDCC)) {
			return false;
		}
		val = 0;
		res = DBG_DONE;
	} else if (op1 == 0 && !el0) {
		res = el1_reg(d, crn, crm, op2, rd, &val);
	} else {
		return false;
	}
	if (res == DBG_UNDEF) {
		return false;
	}
	if (res == DBG_CHANGED) {
		struct pcpu *c = this_cpu();

		/* v is the loaded vCPU: the hardware follows its state. */
		d->live = compute_live(d);
		if (c->arch.dbg_live || d->live) {
			load(c, d);
		}
	}
	if (rd && rt != 31) {
		regs->x[rt] = val;
	}
	regs->elr += 4;
	return true;
}
