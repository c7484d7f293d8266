/* SPDX-License-Identifier: MIT */
/* Shared between the vGIC source files only. */
#pragma once

#include <sable/vgic.h>

#define VGIC_IRQ_ENABLED (1u << 0)
#define VGIC_IRQ_PENDING (1u << 1) /* latched: edge, ISPENDR, HW */
#define VGIC_IRQ_LINE (1u << 2) /* level input asserted */
#define VGIC_IRQ_ACTIVE (1u << 3)
#define VGIC_IRQ_EDGE (1u << 4)
#define VGIC_IRQ_GROUP1 (1u << 5)
#define VGIC_IRQ_HW (1u << 6)
#define VGIC_IRQ_IN_LR (1u << 7)

/* The states that may need a list register. */
#define VGIC_IRQ_LIVE (VGIC_IRQ_PENDING | VGIC_IRQ_LINE | VGIC_IRQ_ACTIVE)

/*
 * The vCPU state @irq belongs to, if it is private: priv[] is the first
 * member and @irq->intid its index there.
 */
_Static_assert(__builtin_offsetof(struct vgic_vcpu, priv) == 0,
	       "vgic_priv_owner needs priv[] first");
static inline struct vgic_vcpu *vgic_priv_owner(struct vgic_irq *irq)
{
	return (struct vgic_vcpu *)(void *)(irq - irq->intid);
}

/* @irq may now be pending or active: let the LR flush look at it. Lock
 * held; whoever calls this kicks the vCPU afterwards when it matters. */
static inline void vgic_mark_live(struct vgic *g, struct vgic_irq *irq)
{
	if (irq->intid < VGIC_NR_PRIVATE) {
		vgic_priv_owner(irq)->priv_live |= 1u << irq->intid;
	} else {
		unsigned int i = irq->intid - VGIC_NR_PRIVATE;

		g->spi_live[i / 64] |= 1ULL << (i % 64);
		g->spi_live_words |= 1u << (i / 64);
	}
}

/* GICD_CTLR (Non-secure view, two security states). */
#define GICD_CTLR_ENABLE_G1A (1u << 1)
#define GICD_CTLR_ARE_NS (1u << 4)

/* GICR_WAKER. */
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* GICD_IROUTER: Aff0-2 [23:0], IRM [31], Aff3 [39:32]. */
#define GICD_IROUTER_IRM (1ULL << 31)
#define GICD_IROUTER_MASK 0xff80ffffffULL

/* Identification: ArchRev 3 (GICv3) in PIDR2[7:4], Arm's JEP106 code. */
#define VGIC_PIDR2 0x3bu
#define VGIC_IIDR 0x0000043bu

/* vCPUs that need a kick once the lock is dropped. */
struct vgic_kicks {
	uint64_t mask[VGIC_MAX_VCPUS / 64];
};

/* One guest register access, decoded. @v is the accessing vCPU for the
 * distributor and the owning vCPU for a redistributor. @off is relative to
 * the register block the handler serves. */
struct vgic_access {
	struct vgic *g;
	struct vgic_vcpu *v;
	struct vgic_vcpu *bank; /* SGI/PPI bank reached, NULL for GICD */
	uint32_t off;
	unsigned int size;
	bool is_write;
	uint64_t *val;
	struct vgic_kicks *kicks;
};

typedef int (*vgic_reg_fn)(struct vgic_access *a);

/* A register block: [base, base + len), allowed access sizes as a mask of
 * bytes (1 << size). */
struct vgic_reg {
	uint32_t base;
	uint32_t len;
	uint16_t sizes;
	vgic_reg_fn fn;
};

#define VGIC_SZ(n) (1u << (n))

int vgic_regs_dispatch(const struct vgic_reg *tbl, size_t n,
		       struct vgic_access *a, uint32_t off);

struct vgic_irq *vgic_irq_lookup(struct vgic *g, struct vgic_vcpu *v,
				 unsigned int intid);
bool vgic_irq_is_pending(const struct vgic_irq *irq);
bool vgic_irq_deliverable(const struct vgic *g, const struct vgic_irq *irq);
void vgic_kick_if_deliverable(struct vgic *g, struct vgic_irq *irq,
			      struct vgic_kicks *k);
void vgic_kicks_add(struct vgic_kicks *k, unsigned int vcpu);
void vgic_kicks_run(struct vgic *g, const struct vgic_kicks *k);
void vgic_irq_set_enabled(struct vgic *g, struct vgic_irq *irq, bool on,
			  struct vgic_kicks *k);
void vgic_irq_set_router(struct vgic *g, struct vgic_irq *irq, uint64_t val,
			 struct vgic_kicks *k);

/* Registers shared by GICD (SPIs) and the GICR SGI frame (SGIs/PPIs). */
int vgic_reg_igroupr(struct vgic_access *a);
int vgic_reg_isenabler(struct vgic_access *a);
int vgic_reg_icenabler(struct vgic_access *a);
int vgic_reg_ispendr(struct vgic_access *a);
int vgic_reg_icpendr(struct vgic_access *a);
int vgic_reg_isactiver(struct vgic_access *a);
int vgic_reg_icactiver(struct vgic_access *a);
int vgic_reg_ipriorityr(struct vgic_access *a);
int vgic_reg_icfgr(struct vgic_access *a);
int vgic_reg_raz_wi(struct vgic_access *a);
int vgic_reg_idregs(struct vgic_access *a);

/* 64-bit registers accessed as a whole or by 32-bit halves: the slice of
 * @reg that a read returns, and @reg with a write's slice merged in. */
uint64_t vgic_reg64_read(const struct vgic_access *a, uint64_t reg);
uint64_t vgic_reg64_merge(const struct vgic_access *a, uint64_t reg);
