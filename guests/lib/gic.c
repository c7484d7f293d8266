/* SPDX-License-Identifier: MIT */
/*
 * A minimal GICv3 for the test guests: the system-register CPU interface,
 * group 1 on in the distributor, PPIs enabled in the first redistributor
 * (one vCPU per guest), and one C handler for every IRQ taken at EL1.
 * Addresses come from the device tree ("arm,gic-v3": reg 0 = distributor,
 * reg 1 = redistributors). Arm GICv3 architecture spec (IHI 0069), 12.
 */
#include "guest.h"

#define GICD_CTLR 0x0000
#define GICD_CTLR_ENABLE_G1A (1U << 1)
#define GICD_CTLR_ARE_NS (1U << 4)
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_IPRIORITYR 0x0400
#define GICD_IROUTER 0x6000
#define GICR_WAKER 0x0014
#define GICR_WAKER_PROCESSOR_SLEEP (1U << 1)
#define GICR_SGI_BASE 0x10000
#define GICR_ISENABLER0 0x0100
#define GICR_IPRIORITYR 0x0400
#define INTID_SPURIOUS 1020U

#define write_sysreg(reg, v) __asm__ volatile("msr " reg ", %0" ::"r"(v))
#define read_sysreg(reg)                                      \
	({                                                    \
		uint64_t v__;                                 \
		__asm__ volatile("mrs %0, " reg : "=r"(v__)); \
		v__;                                          \
	})
#define ICC_PMR_EL1 "s3_0_c4_c6_0"
#define ICC_IAR1_EL1 "s3_0_c12_c12_0"
#define ICC_EOIR1_EL1 "s3_0_c12_c12_1"
#define ICC_SRE_EL1 "s3_0_c12_c12_5"
#define ICC_IGRPEN1_EL1 "s3_0_c12_c12_7"

static uintptr_t gicd, gicr;
static irq_handler_t handler;

static void mmio_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

/* Returns 0, or -1 when the tree has no GICv3. */
int gic_init(void)
{
	uint64_t d, dsize, r, rsize;

	if (!gfdt_reg("arm,gic-v3", 0, &d, &dsize) ||
	    !gfdt_reg("arm,gic-v3", 1, &r, &rsize)) {
		return -1;
	}
	gicd = (uintptr_t)d;
	gicr = (uintptr_t)r;
	mmio_write32(gicr + GICR_WAKER, mmio_read32(gicr + GICR_WAKER) &
						~GICR_WAKER_PROCESSOR_SLEEP);
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A);
	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 1);
	__asm__ volatile("isb");
	write_sysreg(ICC_PMR_EL1, 0xffUL);
	write_sysreg(ICC_IGRPEN1_EL1, 1UL);
	__asm__ volatile("isb");
	return 0;
}

void gic_enable_ppi(unsigned int intid)
{
	uintptr_t sgi = gicr + GICR_SGI_BASE;
	uintptr_t prio = sgi + GICR_IPRIORITYR + (intid & ~3U);
	unsigned int shift = (intid & 3U) * 8;

	/* Priority 0xa0: let through by the PMR's 0xff. */
	mmio_write32(prio, (mmio_read32(prio) & ~(0xffU << shift)) |
				   (0xa0U << shift));
	mmio_write32(sgi + GICR_ISENABLER0, 1U << (intid & 31));
	guest_mb();
}

void gic_enable_spi(unsigned int intid)
{
	uintptr_t prio = gicd + GICD_IPRIORITYR + (intid & ~3U);
	unsigned int shift = (intid & 3U) * 8;
	uintptr_t group = gicd + GICD_IGROUPR + (intid / 32) * 4;

	/* Group 1, priority 0xa0, routed to vCPU 0 (affinity 0.0.0.0). */
	mmio_write32(group, mmio_read32(group) | (1U << (intid & 31)));
	mmio_write32(prio, (mmio_read32(prio) & ~(0xffU << shift)) |
				   (0xa0U << shift));
	*(volatile uint64_t *)(gicd + GICD_IROUTER + (uintptr_t)intid * 8) = 0;
	mmio_write32(gicd + GICD_ISENABLER + (intid / 32) * 4,
		     1U << (intid & 31));
	guest_mb();
}

void irq_set_handler(irq_handler_t fn)
{
	handler = fn;
}

/* Called from the IRQ vectors (start.S), IRQs masked. */
void guest_irq(void);
void guest_irq(void)
{
	uint64_t iar = read_sysreg(ICC_IAR1_EL1);
	unsigned int intid = (unsigned int)(iar & 0xffffff);

	if (intid >= INTID_SPURIOUS) {
		return;
	}
	if (handler) {
		handler(intid);
	}
	write_sysreg(ICC_EOIR1_EL1, iar);
	__asm__ volatile("isb");
}
