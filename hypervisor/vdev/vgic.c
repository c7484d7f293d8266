/* SPDX-License-Identifier: MIT */
/*
 * Virtual GICv3, core: per-INTID state, injection, SGI generation and
 * hardware-mapped interrupts. Register emulation lives in vgic_dist.c,
 * vgic_redist.c and vgic_regs.c; list registers in vgic_lr.c.
 *
 * Locking: one spinlock per domain's vgic (struct vgic.lock) covers all of
 * its state. vdev_env_kick_vcpu() is called after dropping it.
 */
#include <sable/alloc.h>
#include <sable/errno.h>
#include <sable/vgic.h>

#include "vgic_internal.h"

/* GICv3 reset defaults we choose: Group 1, priority 0, level for PPIs/SPIs,
 * SGIs always edge; everything disabled, inactive, not pending. */
static void vgic_irq_reset(struct vgic_irq *irq, unsigned int intid,
			   uint16_t target)
{
	__builtin_memset(irq, 0, sizeof(*irq));
	irq->intid = (uint16_t)intid;
	irq->target = target;
	irq->flags = VGIC_IRQ_GROUP1;
	if (intid < 16) {
		irq->flags |= VGIC_IRQ_EDGE;
	}
}

int vgic_init(struct vgic *g, unsigned int nr_vcpus, unsigned int nr_spis)
{
	unsigned int i, j;

	if (nr_vcpus == 0 || nr_vcpus > VGIC_MAX_VCPUS ||
	    nr_spis > VGIC_MAX_SPIS) {
		return -EINVAL;
	}
	__builtin_memset(g, 0, sizeof(*g));
	spin_lock_init(&g->lock);
	g->nr_vcpus = nr_vcpus;
	/* ITLinesNumber counts INTIDs in blocks of 32; 1020-1023 reserved. */
	g->nr_spis = MIN(ALIGN_UP(nr_spis, 32u), (unsigned int)VGIC_MAX_SPIS);
	g->vcpus = xzalloc(sizeof(*g->vcpus) * nr_vcpus);
	if (g->nr_spis) {
		g->spis = xzalloc(sizeof(*g->spis) * g->nr_spis);
	}
	if (!g->vcpus || (g->nr_spis && !g->spis)) {
		vgic_destroy(g);
		return -ENOMEM;
	}
	for (i = 0; i < nr_vcpus; i++) {
		struct vgic_vcpu *v = &g->vcpus[i];

		v->idx = i;
		v->waker =
			GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP;
		for (j = 0; j < VGIC_NR_PRIVATE; j++) {
			vgic_irq_reset(&v->priv[j], j, (uint16_t)i);
		}
	}
	for (i = 0; i < g->nr_spis; i++) {
		/* IROUTER resets to 0, which names vCPU 0. */
		vgic_irq_reset(&g->spis[i], 32 + i, 0);
	}
	return 0;
}

void vgic_destroy(struct vgic *g)
{
	xfree(g->vcpus);
	xfree(g->spis);
	g->vcpus = NULL;
	g->spis = NULL;
	g->nr_vcpus = 0;
	g->nr_spis = 0;
}

struct vgic_vcpu *vgic_get_vcpu(struct vgic *g, unsigned int idx)
{
	if (idx >= g->nr_vcpus) {
		return NULL;
	}
	return &g->vcpus[idx];
}

/* The INTID's state as seen from @v (NULL: SPIs only), or NULL. */
struct vgic_irq *vgic_irq_lookup(struct vgic *g, struct vgic_vcpu *v,
				 unsigned int intid)
{
	if (intid < VGIC_NR_PRIVATE) {
		return v ? &v->priv[intid] : NULL;
	}
	if (intid - VGIC_NR_PRIVATE < g->nr_spis) {
		return &g->spis[intid - VGIC_NR_PRIVATE];
	}
	return NULL;
}

bool vgic_irq_is_pending(const struct vgic_irq *irq)
{
	if (irq->flags & VGIC_IRQ_PENDING) {
		return true;
	}
	return !(irq->flags & (VGIC_IRQ_EDGE | VGIC_IRQ_HW)) &&
	       (irq->flags & VGIC_IRQ_LINE);
}

/* Pending, enabled, its group enabled and a vCPU to take it. Group 0 has no
 * enable in the Non-secure GICD_CTLR view, so only Group 1 is forwarded. */
bool vgic_irq_deliverable(const struct vgic *g, const struct vgic_irq *irq)
{
	return vgic_irq_is_pending(irq) && (irq->flags & VGIC_IRQ_ENABLED) &&
	       (irq->flags & VGIC_IRQ_GROUP1) &&
	       (g->ctlr & GICD_CTLR_ENABLE_G1A) &&
	       irq->target != VGIC_NO_TARGET;
}

void vgic_kicks_add(struct vgic_kicks *k, unsigned int vcpu)
{
	if (vcpu < VGIC_MAX_VCPUS) {
		k->mask[vcpu / 64] |= 1ULL << (vcpu % 64);
	}
}

void vgic_kick_if_deliverable(struct vgic *g, struct vgic_irq *irq,
			      struct vgic_kicks *k)
{
	if (vgic_irq_deliverable(g, irq)) {
		vgic_kicks_add(k, irq->target);
	}
}

void vgic_kicks_run(struct vgic *g, const struct vgic_kicks *k)
{
	for (unsigned int w = 0; w * 64 < g->nr_vcpus; w++) {
		uint64_t bits = k->mask[w];

		while (bits) {
			unsigned int i =
				w * 64 + (unsigned int)__builtin_ctzll(bits);

			bits &= bits - 1;
			if (i < g->nr_vcpus) {
				vdev_env_kick_vcpu(g, i);
			}
		}
	}
}

void vgic_irq_set_enabled(struct vgic *g, struct vgic_irq *irq, bool on,
			  struct vgic_kicks *k)
{
	bool was = irq->flags & VGIC_IRQ_ENABLED;

	if (on) {
		irq->flags |= VGIC_IRQ_ENABLED;
	} else {
		irq->flags &= (uint8_t)~VGIC_IRQ_ENABLED;
	}
	if (was != on && (irq->flags & VGIC_IRQ_HW)) {
		vdev_env_route_hw_spi(g, irq->hw_intid, irq->target, on);
	}
	vgic_kick_if_deliverable(g, irq, k);
}

/* IRM = 1 (1 of N): we pick vCPU 0, which always exists. */
static uint16_t vgic_router_target(const struct vgic *g, uint64_t irouter)
{
	int idx;

	if (irouter & GICD_IROUTER_IRM) {
		return 0;
	}
	idx = vdev_mpidr_to_vcpu(irouter, g->nr_vcpus);
	return idx < 0 ? VGIC_NO_TARGET : (uint16_t)idx;
}

void vgic_irq_set_router(struct vgic *g, struct vgic_irq *irq, uint64_t val,
			 struct vgic_kicks *k)
{
	uint16_t old = irq->target;

	irq->irouter = val & GICD_IROUTER_MASK;
	irq->target = vgic_router_target(g, irq->irouter);
	if (old != irq->target && (irq->flags & VGIC_IRQ_HW)) {
		vdev_env_route_hw_spi(g, irq->hw_intid, irq->target,
				      irq->flags & VGIC_IRQ_ENABLED);
	}
	vgic_kick_if_deliverable(g, irq, k);
}

/* Apply an input change to @irq; lock held. */
static void vgic_irq_drive(struct vgic *g, struct vgic_irq *irq, bool level,
			   struct vgic_kicks *k)
{
	if (irq->flags & (VGIC_IRQ_EDGE | VGIC_IRQ_HW)) {
		/* HW interrupts: the physical GIC keeps the level; each
		 * physical activation is one virtual pending event. */
		if (level) {
			irq->flags |= VGIC_IRQ_PENDING;
			vgic_mark_live(g, irq);
		}
	} else if (level) {
		irq->flags |= VGIC_IRQ_LINE;
		vgic_mark_live(g, irq);
	} else {
		irq->flags &= (uint8_t)~VGIC_IRQ_LINE;
	}
	vgic_kick_if_deliverable(g, irq, k);
}

int vgic_inject(struct vgic *g, unsigned int vcpu, unsigned int intid,
		bool level)
{
	struct vgic_kicks k = { { 0 } };
	struct vgic_vcpu *v = NULL;
	struct vgic_irq *irq;

	if (intid < VGIC_NR_PRIVATE) {
		v = vgic_get_vcpu(g, vcpu);
		if (!v) {
			return -EINVAL;
		}
	}
	irq = vgic_irq_lookup(g, v, intid);
	if (!irq) {
		return -EINVAL;
	}
	spin_lock(&g->lock);
	vgic_irq_drive(g, irq, level, &k);
	spin_unlock(&g->lock);
	vgic_kicks_run(g, &k);
	return 0;
}

int vgic_sync_line(struct vgic *g, unsigned int vcpu, unsigned int intid,
		   bool (*level)(void *arg), void *arg, bool *cache)
{
	struct vgic_kicks k = { { 0 } };
	struct vgic_vcpu *v;
	bool now;

	if (intid >= VGIC_NR_PRIVATE) {
		return -EINVAL;
	}
	v = vgic_get_vcpu(g, vcpu);
	if (!v) {
		return -EINVAL;
	}
	spin_lock(&g->lock);
	/* Read under the lock: the last caller in sees the newest input. */
	now = level(arg);
	if (cache) {
		__atomic_store_n(cache, now, __ATOMIC_RELAXED);
	}
	vgic_irq_drive(g, &v->priv[intid], now, &k);
	spin_unlock(&g->lock);
	vgic_kicks_run(g, &k);
	return 0;
}

/* ICC_SGI1R_EL1: TargetList [15:0], Aff1 [23:16], INTID [27:24],
 * Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48]. */
#define SGI1R_TARGETS(x) ((unsigned int)((x)&0xffff))
#define SGI1R_AFF1(x) (((x) >> 16) & 0xff)
#define SGI1R_INTID(x) ((unsigned int)(((x) >> 24) & 0xf))
#define SGI1R_AFF2(x) (((x) >> 32) & 0xff)
#define SGI1R_IRM (1ULL << 40)
#define SGI1R_RS(x) (((x) >> 44) & 0xf)
#define SGI1R_AFF3(x) (((x) >> 48) & 0xff)

static void vgic_sgi_to(struct vgic *g, unsigned int vcpu, unsigned int sgi,
			struct vgic_kicks *k)
{
	vgic_irq_drive(g, &g->vcpus[vcpu].priv[sgi], true, k);
}

int vgic_send_sgi(struct vgic *g, unsigned int src_vcpu,
		  uint64_t icc_sgi1r_value)
{
	uint64_t x = icc_sgi1r_value;
	struct vgic_kicks k = { { 0 } };
	unsigned int sgi = SGI1R_INTID(x);
	unsigned int i, bit;

	if (src_vcpu >= g->nr_vcpus) {
		return -EINVAL;
	}
	spin_lock(&g->lock);
	if (x & SGI1R_IRM) {
		for (i = 0; i < g->nr_vcpus; i++) {
			if (i != src_vcpu) {
				vgic_sgi_to(g, i, sgi, &k);
			}
		}
	} else {
		for (bit = 0; bit < 16; bit++) {
			uint64_t mpidr;
			int idx;

			if (!(SGI1R_TARGETS(x) & (1u << bit))) {
				continue;
			}
			mpidr = (SGI1R_RS(x) * 16 + bit) | SGI1R_AFF1(x) << 8 |
				SGI1R_AFF2(x) << 16 | SGI1R_AFF3(x) << 32;
			idx = vdev_mpidr_to_vcpu(mpidr, g->nr_vcpus);
			if (idx >= 0) {
				vgic_sgi_to(g, (unsigned int)idx, sgi, &k);
			}
		}
	}
	spin_unlock(&g->lock);
	vgic_kicks_run(g, &k);
	return 0;
}

int vgic_map_hw_irq(struct vgic *g, unsigned int vintid, unsigned int pintid)
{
	struct vgic_irq *irq = vgic_irq_lookup(g, NULL, vintid);
	int ret = 0;

	if (!irq || pintid < VGIC_NR_PRIVATE || pintid > 0x1fff) {
		return -EINVAL;
	}
	spin_lock(&g->lock);
	if (irq->flags & VGIC_IRQ_HW) {
		ret = -EBUSY;
	} else {
		irq->flags |= VGIC_IRQ_HW;
		irq->hw_intid = (uint16_t)pintid;
		vdev_env_route_hw_spi(g, pintid, irq->target,
				      irq->flags & VGIC_IRQ_ENABLED);
	}
	spin_unlock(&g->lock);
	return ret;
}

int vgic_unmap_hw_irq(struct vgic *g, unsigned int vintid)
{
	struct vgic_irq *irq = vgic_irq_lookup(g, NULL, vintid);
	int ret = 0;

	if (!irq) {
		return -EINVAL;
	}
	spin_lock(&g->lock);
	if (!(irq->flags & VGIC_IRQ_HW)) {
		ret = -EINVAL;
	} else {
		vdev_env_route_hw_spi(g, irq->hw_intid, irq->target, false);
		irq->flags &= (uint8_t)~VGIC_IRQ_HW;
		irq->hw_intid = 0;
	}
	spin_unlock(&g->lock);
	return ret;
}

/*
 * Whether private interrupt @intid of @v reaches it once pending: enabled,
 * Group 1, the distributor's Group 1 on. The upcall test of a blocking
 * vCPU (a pending event upcall whose PPI the guest has disabled does not
 * wake it, as on Xen).
 */
void vgic_private_describe(struct vgic *g, struct vgic_vcpu *v,
			   unsigned int intid, char *buf, unsigned long size)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = {
		{ VGIC_IRQ_ENABLED, "ena" }, { VGIC_IRQ_PENDING, "pend" },
		{ VGIC_IRQ_LINE, "line" },   { VGIC_IRQ_ACTIVE, "act" },
		{ VGIC_IRQ_IN_LR, "lr" },
	};
	unsigned long n = 0;
	uint8_t flags;

	if (!size) {
		return;
	}
	buf[0] = 0;
	if (intid >= VGIC_NR_PRIVATE) {
		return;
	}
	spin_lock(&g->lock);
	flags = v->priv[intid].flags;
	spin_unlock(&g->lock);
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *p = names[i].name;

		if (!(flags & names[i].bit)) {
			continue;
		}
		if (n && n + 1 < size) {
			buf[n++] = ' ';
		}
		while (*p && n + 1 < size) {
			buf[n++] = *p++;
		}
	}
	if (!n && size > 1) {
		buf[n++] = '-';
	}
	buf[n] = 0;
}

bool vgic_private_enabled(struct vgic *g, struct vgic_vcpu *v,
			  unsigned int intid)
{
	const struct vgic_irq *irq;
	bool on;

	if (intid >= VGIC_NR_PRIVATE) {
		return false;
	}
	irq = &v->priv[intid];
	spin_lock(&g->lock);
	on = (irq->flags & VGIC_IRQ_ENABLED) &&
	     (irq->flags & VGIC_IRQ_GROUP1) && (g->ctlr & GICD_CTLR_ENABLE_G1A);
	spin_unlock(&g->lock);
	return on;
}

/*
 * Checked on every guest WFI: the private interrupts, then only the SPIs
 * marked live (vgic_mark_live). Nothing busy at all is seen without the
 * lock; whoever makes an interrupt pending wakes the vCPU afterwards.
 */
bool vgic_vcpu_has_pending(struct vgic *g, struct vgic_vcpu *v)
{
	bool found = false;
	unsigned int i;

	if (!vgic_maybe_live(g, v)) {
		return false;
	}
	spin_lock(&g->lock);
	for (i = 0; i < VGIC_NR_PRIVATE && !found; i++) {
		found = (v->priv_live & (1u << i)) &&
			vgic_irq_deliverable(g, &v->priv[i]);
	}
	for (unsigned int w = 0; w * 64 < g->nr_spis && !found; w++) {
		uint64_t bits = g->spi_live[w];

		while (bits && !found) {
			const struct vgic_irq *irq =
				&g->spis[w * 64 +
					 (unsigned int)__builtin_ctzll(bits)];

			bits &= bits - 1;
			found = irq->target == v->idx &&
				vgic_irq_deliverable(g, irq);
		}
	}
	spin_unlock(&g->lock);
	return found;
}

/*
 * Link private interrupt @intid of vCPU @vcpu to the same physical PPI of
 * whichever pCPU runs it (the virtual timer): each physical activation is
 * one virtual pending event, and the guest's deactivation deactivates the
 * physical interrupt through the list register's HW bit.
 */
int vgic_map_hw_ppi(struct vgic *g, unsigned int vcpu, unsigned int intid)
{
	struct vgic_vcpu *v = vgic_get_vcpu(g, vcpu);
	struct vgic_irq *irq;

	if (!v || intid < 16 || intid >= VGIC_NR_PRIVATE) {
		return -EINVAL;
	}
	irq = vgic_irq_lookup(g, v, intid);
	if (!irq) {
		return -EINVAL;
	}
	spin_lock(&g->lock);
	irq->flags |= VGIC_IRQ_HW;
	irq->hw_intid = (uint16_t)intid;
	spin_unlock(&g->lock);
	return 0;
}
