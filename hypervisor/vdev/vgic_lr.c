/* SPDX-License-Identifier: MIT */
/*
 * Virtual GICv3: list registers in portable form. The arch code writes the
 * values from vgic_flush_lrs() to ICH_LR<n>_EL2 before entering a vCPU and
 * passes them back to vgic_sync_lrs() after it exits (GICv3 architecture,
 * "ICH_LR<n>_EL2"). While an interrupt sits in a list register its pending
 * and active state belong to the LR (VGIC_IRQ_IN_LR); new edges arriving
 * meanwhile latch in the model and are merged back on sync.
 */
#include <sable/errno.h>

#include "vgic_internal.h"

/* In v's LRs: active ones first (the guest must be able to deactivate
 * them), then deliverable ones. */
static bool vgic_lr_candidate(const struct vgic *g, const struct vgic_vcpu *v,
			      const struct vgic_irq *irq)
{
	if (irq->flags & VGIC_IRQ_IN_LR) {
		return false;
	}
	if (irq->intid >= VGIC_NR_PRIVATE && irq->target != v->idx) {
		return false;
	}
	return (irq->flags & VGIC_IRQ_ACTIVE) || vgic_irq_deliverable(g, irq);
}

/* Lower is more urgent: active, then by priority; ties keep INTID order. */
static unsigned int vgic_lr_rank(const struct vgic_irq *irq)
{
	return (irq->flags & VGIC_IRQ_ACTIVE ? 0u : 256u) + irq->priority;
}

/* Take @irq as the best so far if it is a candidate and more urgent. */
static void vgic_lr_consider(struct vgic *g, struct vgic_vcpu *v,
			     struct vgic_irq *irq, struct vgic_irq **best,
			     unsigned int *n)
{
	if (!vgic_lr_candidate(g, v, irq)) {
		return;
	}
	(*n)++;
	if (!*best || vgic_lr_rank(irq) < vgic_lr_rank(*best)) {
		*best = irq;
	}
}

/*
 * The most urgent candidate: the vCPU's private interrupts marked live,
 * then the SPIs marked live (each in INTID order, so ties keep INTID
 * order). One found neither pending, active nor in an LR is unmarked on
 * the way.
 */
static struct vgic_irq *vgic_lr_pick(struct vgic *g, struct vgic_vcpu *v,
				     unsigned int *nr_candidates)
{
	const uint8_t busy = VGIC_IRQ_LIVE | VGIC_IRQ_IN_LR;
	struct vgic_irq *best = NULL;
	uint32_t pbits = v->priv_live, words = g->spi_live_words;
	unsigned int n = 0;

	while (pbits) {
		unsigned int i = (unsigned int)__builtin_ctz(pbits);

		pbits &= pbits - 1;
		if (!(v->priv[i].flags & busy)) {
			v->priv_live &= ~(1u << i);
			continue;
		}
		vgic_lr_consider(g, v, &v->priv[i], &best, &n);
	}
	while (words) {
		unsigned int w = (unsigned int)__builtin_ctz(words);
		uint64_t bits = g->spi_live[w];

		words &= words - 1;
		while (bits) {
			unsigned int b = (unsigned int)__builtin_ctzll(bits);
			struct vgic_irq *irq = &g->spis[w * 64 + b];

			bits &= bits - 1;
			if (!(irq->flags & busy)) {
				g->spi_live[w] &= ~(1ULL << b);
				continue;
			}
			vgic_lr_consider(g, v, irq, &best, &n);
		}
		if (!g->spi_live[w]) {
			g->spi_live_words &= ~(1u << w);
		}
	}
	*nr_candidates = n;
	return best;
}

/* Build the LR for @irq and take over its pending state; sets *moved when
 * the latched pending bit went into the LR. */
static uint64_t vgic_lr_encode(struct vgic *g, struct vgic_irq *irq,
			       bool *moved)
{
	bool hw = irq->flags & VGIC_IRQ_HW;
	bool active = irq->flags & VGIC_IRQ_ACTIVE;
	bool pending = vgic_irq_deliverable(g, irq);
	uint64_t lr = irq->intid;

	lr |= (uint64_t)irq->priority << ICH_LR_PRIORITY_SHIFT;
	if (irq->flags & VGIC_IRQ_GROUP1) {
		lr |= ICH_LR_GROUP;
	}
	if (hw) {
		lr |= ICH_LR_HW | (uint64_t)irq->hw_intid
					  << ICH_LR_PINTID_SHIFT;
		/* With HW = 1 pending+active is not allowed: the physical
		 * interrupt cannot fire again before it is deactivated. */
		if (active) {
			pending = false;
		}
	} else if (!(irq->flags & VGIC_IRQ_EDGE)) {
		/* Maintenance interrupt on deactivation: re-sample the line. */
		lr |= ICH_LR_EOI;
	}
	*moved = pending && (irq->flags & VGIC_IRQ_PENDING);
	if (*moved) {
		irq->flags &= (uint8_t)~VGIC_IRQ_PENDING;
	}
	if (pending) {
		lr |= ICH_LR_PENDING;
	}
	if (active) {
		lr |= ICH_LR_ACTIVE;
	}
	irq->flags |= VGIC_IRQ_IN_LR;
	return lr;
}

/* Fold one LR back; @lr is the value after the guest ran. */
static void vgic_lr_fold(struct vgic_irq *irq, uint64_t lr, bool moved)
{
	irq->flags &= (uint8_t) ~(VGIC_IRQ_IN_LR | VGIC_IRQ_ACTIVE);
	if (lr & ICH_LR_ACTIVE) {
		irq->flags |= VGIC_IRQ_ACTIVE;
	}
	/* Not yet acknowledged: the latched pending comes back. A level
	 * interrupt pending only by its line needs nothing: the line says. */
	if ((lr & ICH_LR_PENDING) && moved) {
		irq->flags |= VGIC_IRQ_PENDING;
	}
}

/* Release what the previous flush put in LRs; lock held. @lrs may be NULL
 * (state lost: treat the LRs as untouched by the guest). */
static void vgic_lr_release(struct vgic *g, struct vgic_vcpu *v,
			    const uint64_t *lrs, unsigned int nr_lrs)
{
	unsigned int i;

	for (i = 0; i < v->nr_lrs_used; i++) {
		struct vgic_irq *irq = vgic_irq_lookup(g, v, v->lr_intid[i]);
		bool moved = v->lr_moved & (1u << i);
		uint64_t lr = ICH_LR_PENDING;

		if (!irq) {
			continue;
		}
		if (irq->flags & VGIC_IRQ_ACTIVE) {
			lr |= ICH_LR_ACTIVE;
		}
		if (lrs && i < nr_lrs &&
		    (lrs[i] & ICH_LR_VINTID_MASK) == irq->intid) {
			lr = lrs[i];
		}
		vgic_lr_fold(irq, lr, moved);
	}
	v->nr_lrs_used = 0;
	v->lr_moved = 0;
}

int vgic_flush_lrs(struct vgic *g, struct vgic_vcpu *v, uint64_t *lrs,
		   unsigned int nr_lrs)
{
	unsigned int used = 0, left = 0, i;

	if (nr_lrs > VGIC_MAX_LRS || (nr_lrs && !lrs)) {
		return -EINVAL;
	}
	if (!vgic_flush_needed(g, v)) {
		for (i = 0; i < nr_lrs; i++) {
			lrs[i] = 0;
		}
		return 0;
	}
	spin_lock(&g->lock);
	/* A flush without a sync in between: give the old LRs back first. */
	vgic_lr_release(g, v, NULL, 0);
	for (;;) {
		struct vgic_irq *irq = vgic_lr_pick(g, v, &left);
		bool moved;

		if (!irq || used == nr_lrs) {
			break;
		}
		lrs[used] = vgic_lr_encode(g, irq, &moved);
		v->lr_intid[used] = irq->intid;
		if (moved) {
			v->lr_moved |= (uint16_t)(1u << used);
		}
		used++;
	}
	v->nr_lrs_used = (uint8_t)used;
	spin_unlock(&g->lock);
	for (i = used; i < nr_lrs; i++) {
		lrs[i] = 0;
	}
	return (int)left;
}

void vgic_sync_lrs(struct vgic *g, struct vgic_vcpu *v, const uint64_t *lrs,
		   unsigned int nr_lrs)
{
	spin_lock(&g->lock);
	vgic_lr_release(g, v, lrs, nr_lrs);
	spin_unlock(&g->lock);
}
