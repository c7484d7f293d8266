/* SPDX-License-Identifier: MIT */
/*
 * Virtual GICv3 distributor (GICD_*), Non-secure view of a GIC with two
 * security states and affinity routing always on (ARE_NS RAO/WI). Registers
 * for INTIDs 0-31 are RAZ/WI here: with ARE they live in the redistributors.
 * No LPIs, no message-based SPIs, no extended SPI range.
 */
#include <sable/errno.h>

#include "vgic_internal.h"

/* GICD_TYPER fields. */
#define GICD_TYPER_IDBITS_SHIFT 19
#define GICD_TYPER_IDBITS 9 /* 10 INTID bits: no LPIs */

static int vgic_dist_ctlr(struct vgic_access *a)
{
	struct vgic *g = a->g;
	unsigned int i, j;

	if (!a->is_write) {
		/* RWP (bit 31) reads 0: writes take effect at once. */
		*a->val = GICD_CTLR_ARE_NS | g->ctlr;
		return VDEV_HANDLED;
	}
	g->ctlr = (uint32_t)*a->val & GICD_CTLR_ENABLE_G1A;
	if (!g->ctlr) {
		return VDEV_HANDLED;
	}
	for (i = 0; i < g->nr_vcpus; i++) {
		for (j = 0; j < VGIC_NR_PRIVATE; j++) {
			vgic_kick_if_deliverable(g, &g->vcpus[i].priv[j],
						 a->kicks);
		}
	}
	for (i = 0; i < g->nr_spis; i++) {
		vgic_kick_if_deliverable(g, &g->spis[i], a->kicks);
	}
	return VDEV_HANDLED;
}

static int vgic_dist_typer(struct vgic_access *a)
{
	/* ITLinesNumber: 32 * (N + 1) INTIDs; CPUNumber is ignored with ARE. */
	uint32_t itlines = (VGIC_NR_PRIVATE + a->g->nr_spis) / 32 - 1;

	if (!a->is_write) {
		*a->val = itlines | GICD_TYPER_IDBITS
					    << GICD_TYPER_IDBITS_SHIFT;
	}
	return VDEV_HANDLED;
}

static int vgic_dist_iidr(struct vgic_access *a)
{
	if (!a->is_write) {
		*a->val = VGIC_IIDR;
	}
	return VDEV_HANDLED;
}

/* GICD_IROUTER<n> at 0x6000 + 8n; n < 32 and n > 1019 are reserved. */
static int vgic_dist_irouter(struct vgic_access *a)
{
	unsigned int intid = a->off / 8;
	struct vgic_irq *irq = vgic_irq_lookup(a->g, NULL, intid);

	if (!irq) {
		return vgic_reg_raz_wi(a);
	}
	if (!a->is_write) {
		*a->val = vgic_reg64_read(a, irq->irouter);
		return VDEV_HANDLED;
	}
	vgic_irq_set_router(a->g, irq, vgic_reg64_merge(a, irq->irouter),
			    a->kicks);
	return VDEV_HANDLED;
}

#define W VGIC_SZ(4)
#define BW (VGIC_SZ(1) | VGIC_SZ(4))
#define WD (VGIC_SZ(4) | VGIC_SZ(8))

static const struct vgic_reg vgic_dist_regs[] = {
	{ 0x0000, 4, W, vgic_dist_ctlr },
	{ 0x0004, 4, W, vgic_dist_typer },
	{ 0x0008, 4, W, vgic_dist_iidr },
	{ 0x000c, 4, W, vgic_reg_raz_wi }, /* TYPER2: no vSGIs */
	{ 0x0040, 0x20, WD, vgic_reg_raz_wi }, /* SETSPI/CLRSPI: no MBIS */
	{ 0x0080, 0x80, W, vgic_reg_igroupr },
	{ 0x0100, 0x80, W, vgic_reg_isenabler },
	{ 0x0180, 0x80, W, vgic_reg_icenabler },
	{ 0x0200, 0x80, W, vgic_reg_ispendr },
	{ 0x0280, 0x80, W, vgic_reg_icpendr },
	{ 0x0300, 0x80, W, vgic_reg_isactiver },
	{ 0x0380, 0x80, W, vgic_reg_icactiver },
	{ 0x0400, 0x400, BW, vgic_reg_ipriorityr },
	{ 0x0800, 0x400, BW, vgic_reg_raz_wi }, /* ITARGETSR: RES0 with ARE */
	{ 0x0c00, 0x100, W, vgic_reg_icfgr },
	{ 0x0d00, 0x80, W, vgic_reg_raz_wi }, /* IGRPMODR: NS view */
	{ 0x0e00, 0x100, W, vgic_reg_raz_wi }, /* NSACR */
	{ 0x0f00, 4, W, vgic_reg_raz_wi }, /* SGIR: RES0 with ARE */
	{ 0x0f10, 0x20, BW, vgic_reg_raz_wi }, /* C/SPENDSGIR */
	{ 0x6000, 0x2000, WD, vgic_dist_irouter },
	{ 0xffd0, 0x30, W, vgic_reg_idregs },
};

int vgic_dist_mmio(struct vgic *g, struct vgic_vcpu *v, uint64_t offset,
		   unsigned int size, bool is_write, uint64_t *val)
{
	struct vgic_kicks k = { { 0 } };
	struct vgic_access a = {
		.g = g,
		.v = v,
		.bank = NULL,
		.size = size,
		.is_write = is_write,
		.val = val,
		.kicks = &k,
	};
	int ret;

	if (offset >= VGIC_DIST_SIZE ||
	    (size != 1 && size != 2 && size != 4 && size != 8) ||
	    (offset & (size - 1))) {
		return VDEV_UNHANDLED;
	}
	spin_lock(&g->lock);
	ret = vgic_regs_dispatch(vgic_dist_regs, ARRAY_SIZE(vgic_dist_regs), &a,
				 (uint32_t)offset);
	spin_unlock(&g->lock);
	vgic_kicks_run(g, &k);
	return ret;
}
