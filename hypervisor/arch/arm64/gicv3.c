/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv3: distributor, one redistributor per pCPU and the
 * system-register CPU interface at EL2 (GICv3 architecture spec, IHI 0069:
 * 12.8 distributor, 12.10/12.11 redistributor registers).
 * The hypervisor uses group 1 with EOImode=1 so that interrupts forwarded to
 * a guest are deactivated by the guest through the list register's HW bit.
 */
#include <stdint.h>

#include <arch/sysreg.h>
#include <sable/errno.h>
#include <sable/log.h>
#include <sable/percpu.h>

#include "arm64.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ICPENDR 0x0280
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0C00
#define GICD_IROUTER 0x6000
#define GICD_CTLR_RWP (1U << 31)
#define GICD_CTLR_ARE (1U << 4)
#define GICD_CTLR_G1A (1U << 1)
#define GICD_CTLR_G1 (1U << 0)

#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_STRIDE 0x20000
#define GICR_SGI 0x10000
#define GICR_TYPER_LAST (1UL << 4)
#define WAKER_PS (1U << 1)
#define WAKER_CA (1U << 2)

#define PRIO_DEFAULT 0xa0

static uint64_t gicd, gicr, gicr_size;
static unsigned int nr_spis, nr_lrs;

static inline uint32_t rd32(uint64_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void wr32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static inline uint64_t rd64(uint64_t a)
{
	return *(volatile uint64_t *)a;
}

static inline void wr64(uint64_t a, uint64_t v)
{
	*(volatile uint64_t *)a = v;
}

static void dist_wait_rwp(void)
{
	while (rd32(gicd + GICD_CTLR) & GICD_CTLR_RWP) {
	}
}

int gic_init(uint64_t dist, uint64_t redist, uint64_t redist_size)
{
	unsigned int lines;

	gicd = dist;
	gicr = redist;
	gicr_size = redist_size;
	wr32(gicd + GICD_CTLR, 0);
	dist_wait_rwp();
	lines = (rd32(gicd + GICD_TYPER) & 0x1f) + 1;
	nr_spis = lines * 32 - 32;
	if (nr_spis > 988) {
		nr_spis = 988;
	}
	for (unsigned int i = 32; i < 32 + nr_spis; i += 32) {
		wr32(gicd + GICD_ICENABLER + i / 8, 0xffffffffU);
		wr32(gicd + GICD_ICPENDR + i / 8, 0xffffffffU);
		wr32(gicd + GICD_ICACTIVER + i / 8, 0xffffffffU);
		wr32(gicd + GICD_IGROUPR + i / 8, 0xffffffffU);
	}
	for (unsigned int i = 32; i < 32 + nr_spis; i += 4) {
		wr32(gicd + GICD_IPRIORITYR + i, 0xa0a0a0a0U);
	}
	dist_wait_rwp();
	wr32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_G1A | GICD_CTLR_G1);
	dist_wait_rwp();
	return 0;
}

static uint64_t find_redist(uint64_t mpidr)
{
	uint32_t aff =
		(uint32_t)((mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000UL));

	for (uint64_t a = gicr; a < gicr + gicr_size; a += GICR_STRIDE) {
		uint64_t typer = rd64(a + GICR_TYPER);

		if ((uint32_t)(typer >> 32) == aff) {
			return a;
		}
		if (typer & GICR_TYPER_LAST) {
			break;
		}
	}
	return 0;
}

int gic_cpu_init(void)
{
	struct pcpu *c = this_cpu();
	uint64_t rd = find_redist(c->mpidr);
	uint64_t sgi;

	if (!rd) {
		return -ENODEV;
	}
	c->arch_rdist = rd;
	sgi = rd + GICR_SGI;
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~WAKER_PS);
	while (rd32(rd + GICR_WAKER) & WAKER_CA) {
	}
	wr32(sgi + GICD_ICENABLER, 0xffffffffU);
	wr32(sgi + GICD_ICPENDR, 0xffffffffU);
	wr32(sgi + GICD_ICACTIVER, 0xffffffffU);
	wr32(sgi + GICD_IGROUPR, 0xffffffffU);
	for (unsigned int i = 0; i < 32; i += 4) {
		wr32(sgi + GICD_IPRIORITYR + i, 0xa0a0a0a0U);
	}
	/* Enable our reschedule SGI. */
	wr32(sgi + GICD_ISENABLER, 1U << GIC_SGI_RESCHED);

	/* CPU interface: system registers, EOImode=1 (split drop/deact). */
	write_sysreg(ICC_SRE_EL2, read_sysreg(ICC_SRE_EL2) | 0xf);
	isb();
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 1UL << 1);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
	nr_lrs = (unsigned int)(read_sysreg(ICH_VTR_EL2) & 0x1f) + 1;
	return 0;
}

uint32_t gic_ack(void)
{
	uint32_t v = (uint32_t)read_sysreg(ICC_IAR1_EL1);

	dsb(sy);
	return v & 0xffffff;
}

void gic_eoi(uint32_t intid)
{
	write_sysreg(ICC_EOIR1_EL1, intid);
	isb();
}

void gic_deactivate(uint32_t intid)
{
	write_sysreg(ICC_DIR_EL1, intid);
	isb();
}

void gic_send_sgi(unsigned int cpu, unsigned int sgi)
{
	uint64_t mpidr = pcpu_get(cpu)->mpidr;
	uint64_t v = (1UL << (mpidr & 0xf)) | (((mpidr >> 8) & 0xff) << 16) |
		     ((uint64_t)sgi << 24) | (((mpidr >> 16) & 0xff) << 32) |
		     (((mpidr >> 32) & 0xff) << 48);

	dsb(ishst);
	write_sysreg(ICC_SGI1R_EL1, v);
	isb();
}

void gic_enable_irq(uint32_t intid, unsigned int cpu)
{
	if (intid < 32) {
		uint64_t sgi = this_cpu()->arch_rdist + GICR_SGI;

		wr32(sgi + GICD_ISENABLER, 1U << intid);
		return;
	}
	wr64(gicd + GICD_IROUTER + 8UL * intid,
	     pcpu_get(cpu)->mpidr & 0xff00ffffffUL);
	wr32(gicd + GICD_ISENABLER + (intid / 32) * 4, 1U << (intid % 32));
}

void gic_disable_irq(uint32_t intid)
{
	if (intid < 32) {
		uint64_t sgi = this_cpu()->arch_rdist + GICR_SGI;

		wr32(sgi + GICD_ICENABLER, 1U << intid);
		return;
	}
	wr32(gicd + GICD_ICENABLER + (intid / 32) * 4, 1U << (intid % 32));
}

unsigned int gic_nr_lrs(void)
{
	return nr_lrs;
}

uint64_t gic_dist_base(void)
{
	return gicd;
}

uint64_t gic_redist_base(void)
{
	return gicr;
}

unsigned int gic_nr_spis(void)
{
	return nr_spis;
}
