/* SPDX-License-Identifier: MIT */
/*
 * Virtual GICv3: register families shared by the distributor (SPIs) and the
 * redistributor SGI frame (SGIs and PPIs of one vCPU), and the table
 * dispatcher. Called with the vgic lock held.
 */
#include <sable/errno.h>

#include "vgic_internal.h"

int vgic_regs_dispatch(const struct vgic_reg *tbl, size_t n,
		       struct vgic_access *a, uint32_t off)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (off < tbl[i].base || off - tbl[i].base >= tbl[i].len) {
			continue;
		}
		if (!(tbl[i].sizes & VGIC_SZ(a->size))) {
			return VDEV_UNHANDLED;
		}
		a->off = off - tbl[i].base;
		return tbl[i].fn(a);
	}
	/* Reserved: RES0, i.e. RAZ/WI for word accesses. */
	if (a->size != 4) {
		return VDEV_UNHANDLED;
	}
	return vgic_reg_raz_wi(a);
}

int vgic_reg_raz_wi(struct vgic_access *a)
{
	if (!a->is_write) {
		*a->val = 0;
	}
	return VDEV_HANDLED;
}

static uint64_t vgic_size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

uint64_t vgic_reg64_read(const struct vgic_access *a, uint64_t reg)
{
	unsigned int shift = (a->off & 7) * 8;

	return (reg >> shift) & vgic_size_mask(a->size);
}

uint64_t vgic_reg64_merge(const struct vgic_access *a, uint64_t reg)
{
	unsigned int shift = (a->off & 7) * 8;
	uint64_t m = vgic_size_mask(a->size) << shift;

	return (reg & ~m) | ((*a->val << shift) & m);
}

/* CoreSight identification block at 0xFFD0: PIDR4-7, PIDR0-3, CIDR0-3. */
int vgic_reg_idregs(struct vgic_access *a)
{
	static const uint8_t ids[16] = {
		[0] = 0x04, /* PIDR4 */
		[4] = 0x92, /* PIDR0 */
		[5] = 0xb4, /* PIDR1 */
		[6] = VGIC_PIDR2, [8] = 0x0d, /* CIDR0..3 */
		[9] = 0xf0,	  [10] = 0x05, [11] = 0xb1,
	};

	if (!a->is_write) {
		*a->val = ids[(a->off / 4) % ARRAY_SIZE(ids)];
	}
	return VDEV_HANDLED;
}

enum vgic_bitreg {
	BITREG_GROUP,
	BITREG_SENABLE,
	BITREG_CENABLE,
	BITREG_SPEND,
	BITREG_CPEND,
	BITREG_SACTIVE,
	BITREG_CACTIVE,
};

static bool vgic_bit_get(const struct vgic_irq *irq, enum vgic_bitreg r)
{
	switch (r) {
	case BITREG_GROUP:
		return irq->flags & VGIC_IRQ_GROUP1;
	case BITREG_SENABLE:
	case BITREG_CENABLE:
		return irq->flags & VGIC_IRQ_ENABLED;
	case BITREG_SPEND:
	case BITREG_CPEND:
		return vgic_irq_is_pending(irq);
	default:
		return irq->flags & VGIC_IRQ_ACTIVE;
	}
}

static void vgic_flag(struct vgic_irq *irq, uint8_t flag, bool on)
{
	if (on) {
		irq->flags |= flag;
	} else {
		irq->flags &= (uint8_t)~flag;
	}
}

/* Apply bit value @b of a write to register family @r. Set/clear registers
 * act on 1 bits only; IGROUPR takes the value. */
static void vgic_bit_put(struct vgic_access *a, struct vgic_irq *irq,
			 enum vgic_bitreg r, bool b)
{
	if (r == BITREG_GROUP) {
		vgic_flag(irq, VGIC_IRQ_GROUP1, b);
		vgic_kick_if_deliverable(a->g, irq, a->kicks);
		return;
	}
	if (!b) {
		return;
	}
	vgic_mark_live(a->g, irq);
	switch (r) {
	case BITREG_SENABLE:
	case BITREG_CENABLE:
		vgic_irq_set_enabled(a->g, irq, r == BITREG_SENABLE, a->kicks);
		break;
	case BITREG_SPEND:
		irq->flags |= VGIC_IRQ_PENDING;
		vgic_kick_if_deliverable(a->g, irq, a->kicks);
		break;
	case BITREG_CPEND:
		/* A level input that is still high keeps it pending. */
		irq->flags &= (uint8_t)~VGIC_IRQ_PENDING;
		break;
	default:
		vgic_flag(irq, VGIC_IRQ_ACTIVE, r == BITREG_SACTIVE);
		break;
	}
}

/* One bit per INTID, 32 per word; INTIDs not implemented are RAZ/WI. */
static int vgic_bits(struct vgic_access *a, enum vgic_bitreg r)
{
	unsigned int first = a->off * 8, i;
	uint64_t out = 0;

	for (i = 0; i < 32; i++) {
		struct vgic_irq *irq =
			vgic_irq_lookup(a->g, a->bank, first + i);

		if (!irq) {
			continue;
		}
		if (a->is_write) {
			vgic_bit_put(a, irq, r, (*a->val >> i) & 1);
		} else if (vgic_bit_get(irq, r)) {
			out |= 1ULL << i;
		}
	}
	if (!a->is_write) {
		*a->val = out;
	}
	return VDEV_HANDLED;
}

int vgic_reg_igroupr(struct vgic_access *a)
{
	return vgic_bits(a, BITREG_GROUP);
}

int vgic_reg_isenabler(struct vgic_access *a)
{
	return vgic_bits(a, BITREG_SENABLE);
}

int vgic_reg_icenabler(struct vgic_access *a)
{
	return vgic_bits(a, BITREG_CENABLE);
}

int vgic_reg_ispendr(struct vgic_access *a)
{
	return vgic_bits(a, BITREG_SPEND);
}

int vgic_reg_icpendr(struct vgic_access *a)
{
	return vgic_bits(a, BITREG_CPEND);
}

int vgic_reg_isactiver(struct vgic_access *a)
{
	return vgic_bits(a, BITREG_SACTIVE);
}

int vgic_reg_icactiver(struct vgic_access *a)
{
	return vgic_bits(a, BITREG_CACTIVE);
}

/* One byte per INTID; byte or word access. */
int vgic_reg_ipriorityr(struct vgic_access *a)
{
	uint64_t out = 0;
	unsigned int i;

	for (i = 0; i < a->size; i++) {
		struct vgic_irq *irq =
			vgic_irq_lookup(a->g, a->bank, a->off + i);

		if (!irq) {
			continue;
		}
		if (a->is_write) {
			irq->priority = (uint8_t)(*a->val >> (8 * i));
		} else {
			out |= (uint64_t)irq->priority << (8 * i);
		}
	}
	if (!a->is_write) {
		*a->val = out;
	}
	return VDEV_HANDLED;
}

/* Two bits per INTID, bit [2n+1] = edge-triggered; SGIs are fixed edge. */
int vgic_reg_icfgr(struct vgic_access *a)
{
	unsigned int first = a->off * 4, i;
	uint64_t out = 0;

	for (i = 0; i < 16; i++) {
		unsigned int intid = first + i;
		struct vgic_irq *irq = vgic_irq_lookup(a->g, a->bank, intid);

		if (!irq) {
			continue;
		}
		if (a->is_write && intid >= 16) {
			vgic_flag(irq, VGIC_IRQ_EDGE,
				  (*a->val >> (2 * i + 1)) & 1);
			vgic_kick_if_deliverable(a->g, irq, a->kicks);
		} else if (!a->is_write && (irq->flags & VGIC_IRQ_EDGE)) {
			out |= 2ULL << (2 * i);
		}
	}
	if (!a->is_write) {
		*a->val = out;
	}
	return VDEV_HANDLED;
}
