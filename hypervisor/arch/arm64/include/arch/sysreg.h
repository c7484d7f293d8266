/* SPDX-License-Identifier: MIT */
/* System register access and barriers for arm64 (Arm ARM D13, D19). */
#pragma once

#include <stdint.h>

/* Register names may be macros for an S<op0>_<op1>_C<n>_C<m>_<op2> form. */
#define sysreg_str__(r) #r
#define sysreg_name__(r) sysreg_str__(r)

#define read_sysreg(r)                                                     \
	({                                                                 \
		uint64_t v__;                                              \
		__asm__ volatile("mrs %0, " sysreg_name__(r) : "=r"(v__)); \
		v__;                                                       \
	})

#define write_sysreg(r, v)                                                     \
	do {                                                                   \
		uint64_t w__ = (uint64_t)(v);                                  \
		__asm__ volatile("msr " sysreg_name__(r) ", %0" : : "r"(w__)); \
	} while (0)

#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")
#define wfi() __asm__ volatile("wfi" ::: "memory")
#define wfe() __asm__ volatile("wfe" ::: "memory")
#define sev() __asm__ volatile("sev" ::: "memory")

/* GICv3 system registers by encoding (older assemblers lack some names). */
#define ICC_SRE_EL2 S3_4_C12_C9_5
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_DIR_EL1 S3_0_C12_C11_1
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICH_HCR_EL2 S3_4_C12_C11_0
#define ICH_VTR_EL2 S3_4_C12_C11_1
#define ICH_MISR_EL2 S3_4_C12_C11_2
#define ICH_EISR_EL2 S3_4_C12_C11_3
#define ICH_ELRSR_EL2 S3_4_C12_C11_5
#define ICH_VMCR_EL2 S3_4_C12_C11_7
#define ICH_AP0R0_EL2 S3_4_C12_C8_0
#define ICH_AP1R0_EL2 S3_4_C12_C9_0

/* HCR_EL2 bits (Arm ARM D13.2.46). */
#define HCR_VM (1UL << 0)
#define HCR_SWIO (1UL << 1)
#define HCR_PTW (1UL << 2)
#define HCR_FMO (1UL << 3)
#define HCR_IMO (1UL << 4)
#define HCR_AMO (1UL << 5)
#define HCR_VF (1UL << 6)
#define HCR_VI (1UL << 7)
#define HCR_VSE (1UL << 8)
#define HCR_FB (1UL << 9)
#define HCR_BSU_IS (1UL << 10)
#define HCR_DC (1UL << 12)
#define HCR_TWI (1UL << 13)
#define HCR_TWE (1UL << 14)
#define HCR_TID3 (1UL << 18)
#define HCR_TSC (1UL << 19)
#define HCR_TIDCP (1UL << 20)
#define HCR_TACR (1UL << 21)
#define HCR_TSW (1UL << 22)
#define HCR_TVM (1UL << 26)
#define HCR_RW (1UL << 31)
#define HCR_TLOR (1UL << 35)
#define HCR_TERR (1UL << 36)
#define HCR_APK (1UL << 40)
#define HCR_API (1UL << 41)

/* CPTR_EL2 bits, HCR_EL2.E2H == 0 layout (Arm ARM D13.2.31). */
#define CPTR_EL2_RES1 0x000032ffUL /* includes TSM (bit 12): SME trapped */
#define CPTR_TZ (1UL << 8)
#define CPTR_TSM (1UL << 12)
#define CPTR_TTA (1UL << 20)
#define CPTR_TAM (1UL << 30)

/* MDCR_EL2 bits (Arm ARM D13.3.7). */
#define MDCR_HPMN_MASK 0x1fUL
#define MDCR_TPMCR (1UL << 5)
#define MDCR_TPM (1UL << 6)
#define MDCR_TDA (1UL << 9)
#define MDCR_TDOSA (1UL << 10)
#define MDCR_TDRA (1UL << 11)
#define MDCR_TPMS (1UL << 14)
#define MDCR_HPMD (1UL << 17)
#define MDCR_TTRF (1UL << 19)

/* Registers by encoding: assemblers differ in the names they know. */
#define APIAKEYLO_EL1 S3_0_C2_C1_0
#define APIAKEYHI_EL1 S3_0_C2_C1_1
#define APIBKEYLO_EL1 S3_0_C2_C1_2
#define APIBKEYHI_EL1 S3_0_C2_C1_3
#define APDAKEYLO_EL1 S3_0_C2_C2_0
#define APDAKEYHI_EL1 S3_0_C2_C2_1
#define APDBKEYLO_EL1 S3_0_C2_C2_2
#define APDBKEYHI_EL1 S3_0_C2_C2_3
#define APGAKEYLO_EL1 S3_0_C2_C3_0
#define APGAKEYHI_EL1 S3_0_C2_C3_1
#define DISR_EL1 S3_0_C12_C1_1
#define VDISR_EL2 S3_4_C12_C1_1
#define HCRX_EL2 S3_4_C1_C2_2
#define HFGRTR_EL2 S3_4_C1_C1_4
#define HFGWTR_EL2 S3_4_C1_C1_5
#define HFGITR_EL2 S3_4_C1_C1_6
#define HDFGRTR_EL2 S3_4_C3_C1_4
#define HDFGWTR_EL2 S3_4_C3_C1_5
#define MPAM2_EL2 S3_4_C10_C5_0
#define ID_AA64PFR0_EL1 S3_0_C0_C4_0
#define ID_AA64DFR0_EL1 S3_0_C0_C5_0
#define ID_AA64ISAR1_EL1 S3_0_C0_C6_1
#define ID_AA64ISAR2_EL1 S3_0_C0_C6_2
#define ID_AA64MMFR0_EL1 S3_0_C0_C7_0
#define ID_AA64MMFR1_EL1 S3_0_C0_C7_1

/* ESR_ELx exception classes (Arm ARM D13.2.37). */
#define ESR_EC_SHIFT 26
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_WFX 0x01
#define ESR_EC_FP 0x07
#define ESR_EC_ILL 0x0e
#define ESR_EC_SVC64 0x15
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYS64 0x18
#define ESR_EC_SVE 0x19
#define ESR_EC_SME 0x1d
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_SERROR 0x2f
#define ESR_EC_BRK 0x3c

static inline unsigned int esr_ec(uint64_t esr)
{
	return (unsigned int)((esr >> ESR_EC_SHIFT) & 0x3f);
}
