/* SPDX-License-Identifier: MIT */
/*
 * What the CPU implements, and what guests are allowed to see of it.
 *
 * Every register a guest can write is either switched with its vCPU
 * (vcpu.c) or trapped here (docs/cpu-state.md). Features whose state is not
 * switched are trapped at EL2 and hidden from the ID registers, which
 * HCR_EL2.TID3 makes guests read through cpufeat_guest_id_reg():
 *  - SVE and SME: CPTR_EL2.TZ/TSM; an instruction gets UNDEFINED (traps.c);
 *  - PMU, SPE, trace, TRBE, AMU, MPAM, LOR, RAS error records: trapped
 *    (MDCR_EL2, CPTR_EL2, MPAM2_EL2, HCR_EL2.TLOR/TERR), UNDEFINED or RAZ/WI;
 *  - MTE: HCR_EL2.ATA stays 0, so the tag registers trap (UNDEFINED);
 *  - newer EL1 registers (TPIDR2_EL0, PIR_EL1, POR_EL1, GCS, TCR2_EL1,
 *    SCTLR2_EL1, ACCDATA_EL1, BRBE, SCXTNUM): trapped by the fine-grained
 *    traps, HCRX_EL2 and HCR_EL2.EnSCXT all left 0.
 * The debug registers are emulated per vCPU (vdebug.c); pointer
 * authentication keys are switched.
 *
 * The boot CPU probes once (all pCPUs are assumed to be alike, as on
 * QEMU's virt machine); each pCPU then programs its own EL2 controls.
 */
#include <arch/sysreg.h>
#include <sable/log.h>

#include "arm64.h"
#include "cpu_state.h"

struct cpu_caps cpu_caps;

static unsigned int field(uint64_t reg, unsigned int shift)
{
	return (unsigned int)((reg >> shift) & 0xf);
}

/* The 4-bit ID field at bit @shift. */
#define FMASK(shift) (0xfUL << (shift))

void cpufeat_probe(void)
{
	uint64_t pfr0 = read_sysreg(ID_AA64PFR0_EL1);
	uint64_t dfr0 = read_sysreg(ID_AA64DFR0_EL1);
	uint64_t isar1 = read_sysreg(ID_AA64ISAR1_EL1);
	uint64_t isar2 = read_sysreg(ID_AA64ISAR2_EL1);
	uint64_t mmfr0 = read_sysreg(ID_AA64MMFR0_EL1);
	uint64_t mmfr1 = read_sysreg(ID_AA64MMFR1_EL1);
	struct cpu_caps *c = &cpu_caps;

	/* ISAR1 APA [7:4], API [11:8], GPA [27:24], GPI [31:28]; ISAR2 APA3
	 * [15:12], GPA3 [11:8] (Arm ARM D19.2.62, D19.2.63). */
	c->pauth = field(isar1, 4) || field(isar1, 8) || field(isar2, 12);
	c->pauth_generic =
		field(isar1, 24) || field(isar1, 28) || field(isar2, 8);
	c->ras = field(pfr0, 28) != 0;
	c->sve = field(pfr0, 32) != 0;
	c->mpam = field(pfr0, 40) != 0;
	c->amu = field(pfr0, 44) != 0;
	c->lor = field(mmfr1, 16) != 0;
	c->hcx = field(mmfr1, 40) != 0;
	c->fgt = field(mmfr0, 56) != 0;
	/* PMUVer 0xf: an IMPLEMENTATION DEFINED PMU, nothing to program. */
	c->pmu = field(dfr0, 8) != 0 && field(dfr0, 8) != 0xf;
	c->spe = field(dfr0, 32) != 0;
	c->trf = field(dfr0, 40) != 0;
	c->brps = field(dfr0, 12) + 1;
	c->wrps = field(dfr0, 20) + 1;

	c->guest_hcr = 0;
	if (c->pauth || c->pauth_generic) {
		/* Keys are switched with the vCPU: PAuth runs natively. */
		c->guest_hcr |= HCR_APK | HCR_API;
	}
	if (c->ras) {
		c->guest_hcr |= HCR_TERR;
	}
	if (c->lor) {
		c->guest_hcr |= HCR_TLOR;
	}
	c->cptr = CPTR_EL2_RES1 | CPTR_TZ | CPTR_TSM | CPTR_TTA;
	if (c->amu) {
		c->cptr |= CPTR_TAM;
	}
	c->mdcr = MDCR_TDA | MDCR_TDOSA | MDCR_TDRA | MDCR_TPM | MDCR_TPMCR;
	if (c->pmu) {
		/* All counters stay guest-range; none counts at EL2. */
		c->mdcr |= (read_sysreg(pmcr_el0) >> 11) & MDCR_HPMN_MASK;
		c->mdcr |= MDCR_HPMD;
	}
	if (c->spe) {
		c->mdcr |= MDCR_TPMS; /* E2PB == 0: buffer owned by EL2 */
	}
	if (c->trf) {
		c->mdcr |= MDCR_TTRF;
	}
	pr_info("cpu: pauth %d sve %d ras %d pmu %d fgt %d, %u breakpoints "
		"and %u watchpoints emulated per vCPU\n",
		c->pauth, c->sve, c->ras, c->pmu, c->fgt, c->brps, c->wrps);
}

void cpufeat_cpu_init(void)
{
	const struct cpu_caps *c = &cpu_caps;

	write_sysreg(cptr_el2, c->cptr);
	write_sysreg(mdcr_el2, c->mdcr);
	if (c->fgt) {
		/* 0: the "n" bits trap the newer EL1 registers, no others. */
		write_sysreg(HFGRTR_EL2, 0);
		write_sysreg(HFGWTR_EL2, 0);
		write_sysreg(HFGITR_EL2, 0);
		write_sysreg(HDFGRTR_EL2, 0);
		write_sysreg(HDFGWTR_EL2, 0);
	}
	if (c->hcx) {
		write_sysreg(HCRX_EL2, 0);
	}
	if (c->mpam) {
		/* TRAPMPAM0EL1 (48), TRAPMPAM1EL1 (49). */
		write_sysreg(MPAM2_EL2, (1UL << 48) | (1UL << 49));
	}
	vdebug_cpu_init();
	isb();
}

/* The real ID register op0=3, op1=0, CRn=0, CRm=crm, op2 (crm 1..7). */
#define ID_CASE(crm, op2)     \
	case (crm)*8 + (op2): \
		return read_sysreg(S3_0_C0_C##crm##_##op2)
#define ID_ROW(crm)      \
	ID_CASE(crm, 0); \
	ID_CASE(crm, 1); \
	ID_CASE(crm, 2); \
	ID_CASE(crm, 3); \
	ID_CASE(crm, 4); \
	ID_CASE(crm, 5); \
	ID_CASE(crm, 6); \
	ID_CASE(crm, 7)

static uint64_t real_id_reg(unsigned int crm, unsigned int op2)
{
	switch (crm * 8 + op2) {
		ID_ROW(1);
		ID_ROW(2);
		ID_ROW(3);
		ID_ROW(4);
		ID_ROW(5);
		ID_ROW(6);
		ID_ROW(7);
	default:
		return 0;
	}
}

/*
 * What a guest sees of each ID register (Arm ARM D19.2): the fields kept
 * from the real value; every other field reads 0 ("not implemented").
 * Registers not listed read 0 (reserved, or features not offered).
 */
struct id_view {
	unsigned char crm, op2;
	uint64_t keep;
};

static const struct id_view id_views[] = {
	/* AArch32 views (EL0 compat): as they are, less PMU/trace/AMU. */
	{ 1, 0, ~FMASK(20) }, /* ID_PFR0: AMU */
	{ 1, 1, ~0UL }, /* ID_PFR1 */
	/* ID_DFR0: not CopTrc, MMapTrc, PerfMon, TraceFilt. */
	{ 1, 2, ~(FMASK(12) | FMASK(16) | FMASK(24) | FMASK(28)) },
	{ 1, 4, ~0UL },
	{ 1, 5, ~0UL },
	{ 1, 6, ~0UL },
	{ 1, 7, ~0UL },
	{ 2, 0, ~0UL },
	{ 2, 1, ~0UL },
	{ 2, 2, ~0UL },
	{ 2, 3, ~0UL },
	{ 2, 4, ~0UL },
	{ 2, 5, ~0UL },
	{ 2, 6, ~0UL },
	{ 2, 7, ~0UL },
	{ 3, 0, ~0UL },
	{ 3, 1, ~0UL },
	{ 3, 2, ~0UL },
	{ 3, 4, ~0UL },
	{ 3, 6, ~0UL },
	/* ID_AA64PFR0: EL0-3, FP, AdvSIMD, GIC, RAS, DIT, CSV2, CSV3 (not
	 * SVE, SEL2, MPAM, AMU, RME). */
	{ 4, 0,
	  FMASK(0) | FMASK(4) | FMASK(8) | FMASK(12) | FMASK(16) | FMASK(20) |
		  FMASK(24) | FMASK(28) | FMASK(48) | FMASK(56) | FMASK(60) },
	/* ID_AA64PFR1: BT, SSBS, RAS_frac (not MTE, SME, MPAM, NMI, GCS...). */
	{ 4, 1, FMASK(0) | FMASK(4) | FMASK(12) },
	/* ID_AA64DFR0: DebugVer, BRPs, WRPs, CTX_CMPs, DoubleLock (not PMU,
	 * SPE, trace, TRBE, BRBE). */
	{ 5, 0, FMASK(0) | FMASK(12) | FMASK(20) | FMASK(28) | FMASK(36) },
	{ 6, 0, ~0UL }, /* ID_AA64ISAR0: instructions only */
	/* ID_AA64ISAR1: all but LS64 (needs HCRX_EL2 enables). */
	{ 6, 1, ~FMASK(60) },
	/* ID_AA64ISAR2: RPRES, GPA3, APA3, BC, PAC_frac, CLRBHB (not WFxT,
	 * MOPS, 128-bit system registers). */
	{ 6, 2,
	  FMASK(4) | FMASK(8) | FMASK(12) | FMASK(20) | FMASK(24) | FMASK(28) },
	{ 7, 0, ~FMASK(56) }, /* ID_AA64MMFR0: not FGT */
	/* ID_AA64MMFR1: not VH, LO, TWED, HCX. */
	{ 7, 1, ~(FMASK(8) | FMASK(16) | FMASK(32) | FMASK(40)) },
	/* ID_AA64MMFR2: not NV, FWB, EVT. */
	{ 7, 2, ~(FMASK(24) | FMASK(40) | FMASK(56)) },
};

uint64_t cpufeat_guest_id_reg(unsigned int crm, unsigned int op2)
{
	for (unsigned int i = 0; i < sizeof(id_views) / sizeof(id_views[0]);
	     i++) {
		const struct id_view *w = &id_views[i];
		uint64_t val;

		if (w->crm != crm || w->op2 != op2) {
			continue;
		}
		val = real_id_reg(crm, op2) & w->keep;
		if (crm == 4 && op2 == 0 && field(val, 56) > 1) {
			val = (val & ~FMASK(56)) | (1UL << 56); /* no SCXTNUM */
		}
		if (crm == 5 && op2 == 0 && field(val, 0) > 6) {
			val = (val & ~FMASK(0)) | 6; /* Armv8.0 debug */
		}
		return val;
	}
	return 0;
}
