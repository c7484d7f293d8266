/* SPDX-License-Identifier: MIT */
/*
 * Virtual GICv3 redistributors (GICR_*): one 128 KiB region per vCPU, the
 * RD_base frame (control, identification, power) followed by the SGI_base
 * frame (SGI/PPI registers of that vCPU). No LPIs.
 */
#include <sable/errno.h>

#include "vgic_internal.h"

/* GICR_TYPER fields. */
#define GICR_TYPER_LAST (1ULL << 4)
#define GICR_TYPER_PROC_NUM_SHIFT 8
#define GICR_TYPER_AFF_SHIFT 32

static int vgic_rd_iidr(struct vgic_access *a)
{
	if (!a->is_write) {
		*a->val = VGIC_IIDR;
	}
	return VDEV_HANDLED;
}

static int vgic_rd_typer(struct vgic_access *a)
{
	uint64_t typer = (uint64_t)vdev_vcpu_affinity(a->v->idx)
			 << GICR_TYPER_AFF_SHIFT;

	typer |= (uint64_t)a->v->idx << GICR_TYPER_PROC_NUM_SHIFT;
	if (a->v->idx == a->g->nr_vcpus - 1) {
		typer |= GICR_TYPER_LAST;
	}
	if (!a->is_write) {
		*a->val = vgic_reg64_read(a, typer);
	}
	return VDEV_HANDLED;
}

/*
 * Linux clears ProcessorSleep and polls until ChildrenAsleep reads 0 (and
 * the reverse when powering down), so ChildrenAsleep follows at once.
 */
static int vgic_rd_waker(struct vgic_access *a)
{
	if (!a->is_write) {
		*a->val = a->v->waker;
		return VDEV_HANDLED;
	}
	if (*a->val & GICR_WAKER_PROCESSOR_SLEEP) {
		a->v->waker =
			GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP;
	} else {
		a->v->waker = 0;
	}
	return VDEV_HANDLED;
}

#define W VGIC_SZ(4)
#define BW (VGIC_SZ(1) | VGIC_SZ(4))
#define WD (VGIC_SZ(4) | VGIC_SZ(8))

static const struct vgic_reg vgic_rd_regs[] = {
	{ 0x0000, 4, W, vgic_reg_raz_wi }, /* CTLR: no LPIs, RWP = 0 */
	{ 0x0004, 4, W, vgic_rd_iidr },
	{ 0x0008, 8, WD, vgic_rd_typer },
	{ 0x0010, 4, W, vgic_reg_raz_wi }, /* STATUSR */
	{ 0x0014, 4, W, vgic_rd_waker },
	{ 0x0040, 0x10, WD, vgic_reg_raz_wi }, /* SETLPIR, CLRLPIR */
	{ 0x0070, 0x10, WD, vgic_reg_raz_wi }, /* PROPBASER, PENDBASER */
	{ 0x00a0, 0x08, WD, vgic_reg_raz_wi }, /* INVLPIR */
	{ 0x00b0, 0x08, WD, vgic_reg_raz_wi }, /* INVALLR */
	{ 0xffd0, 0x30, W, vgic_reg_idregs },
};

static const struct vgic_reg vgic_sgi_regs[] = {
	{ 0x0080, 4, W, vgic_reg_igroupr },
	{ 0x0100, 4, W, vgic_reg_isenabler },
	{ 0x0180, 4, W, vgic_reg_icenabler },
	{ 0x0200, 4, W, vgic_reg_ispendr },
	{ 0x0280, 4, W, vgic_reg_icpendr },
	{ 0x0300, 4, W, vgic_reg_isactiver },
	{ 0x0380, 4, W, vgic_reg_icactiver },
	{ 0x0400, 0x20, BW, vgic_reg_ipriorityr },
	{ 0x0c00, 8, W, vgic_reg_icfgr },
	{ 0x0d00, 4, W, vgic_reg_raz_wi }, /* IGRPMODR0: NS view */
	{ 0x0e00, 4, W, vgic_reg_raz_wi }, /* NSACR */
};

int vgic_redist_mmio(struct vgic *g, uint64_t offset, unsigned int size,
		     bool is_write, uint64_t *val)
{
	uint64_t idx = offset / VGIC_REDIST_STRIDE;
	uint32_t off = (uint32_t)(offset % VGIC_REDIST_STRIDE);
	struct vgic_kicks k = { { 0 } };
	struct vgic_access a = {
		.g = g,
		.size = size,
		.is_write = is_write,
		.val = val,
		.kicks = &k,
	};
	int ret;

	if (idx >= g->nr_vcpus ||
	    (size != 1 && size != 2 && size != 4 && size != 8) ||
	    (offset & (size - 1))) {
		return VDEV_UNHANDLED;
	}
	a.v = &g->vcpus[idx];
	a.bank = a.v;
	spin_lock(&g->lock);
	if (off < VGIC_REDIST_FRAME) {
		ret = vgic_regs_dispatch(vgic_rd_regs, ARRAY_SIZE(vgic_rd_regs),
					 &a, off);
	} else {
		ret = vgic_regs_dispatch(vgic_sgi_regs,
					 ARRAY_SIZE(vgic_sgi_regs), &a,
					 off - VGIC_REDIST_FRAME);
	}
	spin_unlock(&g->lock);
	vgic_kicks_run(g, &k);
	return ret;
}
