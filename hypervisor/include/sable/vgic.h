/* SPDX-License-Identifier: MIT */
/*
 * Virtual GICv3: distributor, redistributors and list-register management,
 * in portable C. The guest's CPU interface (ICC_* registers) runs on the
 * hardware virtual CPU interface; the hypervisor traps and forwards:
 *  - data aborts on the GICD and GICR regions to vgic_dist_mmio() and
 *    vgic_redist_mmio();
 *  - MSR ICC_SGI1R_EL1 (EC 0x18; an EL1 write traps to EL2 whenever
 *    HCR_EL2.IMO or FMO is set) to vgic_send_sgi();
 *  - entry/exit of a vCPU to vgic_flush_lrs()/vgic_sync_lrs().
 * See docs/vgic.md.
 */
#pragma once

#include <sable/spinlock.h>
#include <sable/types.h>
#include <sable/vdev_env.h>

#define VGIC_NR_PRIVATE 32
#define VGIC_MAX_VCPUS 128
/* SPIs are INTIDs 32..1019. */
#define VGIC_MAX_SPIS 988
#define VGIC_MAX_LRS 16
#define VGIC_NO_TARGET 0xffffu

/* GICD/GICR frame sizes. One redistributor = RD_base + SGI_base frames. */
#define VGIC_DIST_SIZE 0x10000u
#define VGIC_REDIST_FRAME 0x10000u
#define VGIC_REDIST_STRIDE 0x20000u

/* ICH_LR<n>_EL2 fields (GICv3 architecture, ICH_LR<n>_EL2). */
#define ICH_LR_VINTID_MASK 0xffffffffULL
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_MASK (0x1fffULL << ICH_LR_PINTID_SHIFT)
#define ICH_LR_EOI (1ULL << 41)
#define ICH_LR_PRIORITY_SHIFT 48
#define ICH_LR_PRIORITY_MASK (0xffULL << ICH_LR_PRIORITY_SHIFT)
#define ICH_LR_GROUP (1ULL << 60)
#define ICH_LR_HW (1ULL << 61)
#define ICH_LR_STATE_SHIFT 62
#define ICH_LR_PENDING (1ULL << 62)
#define ICH_LR_ACTIVE (1ULL << 63)

/* Per-INTID state. Protects: the owning struct vgic's lock. */
struct vgic_irq {
	uint64_t irouter; /* SPIs: GICD_IROUTER<n> as written */
	uint16_t intid;
	uint16_t hw_intid; /* physical INTID when flags has VGIC_IRQ_HW */
	uint16_t target; /* vCPU index or VGIC_NO_TARGET */
	uint8_t priority;
	uint8_t flags; /* VGIC_IRQ_* in vgic_internal.h */
};

struct vgic_vcpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE]; /* SGIs 0-15, PPIs 16-31 */
	uint32_t waker; /* GICR_WAKER: ProcessorSleep, ChildrenAsleep */
	unsigned int idx;
	/* What the last vgic_flush_lrs() put in LR i (for vgic_sync_lrs()). */
	uint16_t lr_intid[VGIC_MAX_LRS];
	uint16_t lr_moved; /* bit i: LR i took over the latched pending */
	uint8_t nr_lrs_used;
	/*
	 * Bit i: private interrupt i may be pending, active or in a list
	 * register; set with that state, cleared lazily by the flush (as
	 * struct vgic's spi_live), so that the guest-entry path tests one
	 * word instead of 32 interrupts.
	 */
	uint32_t priv_live;
};

struct vgic {
	/* Protects: every field of this vgic, its vcpus and spis. Taken by the
	 * MMIO handlers, injection and LR flush/sync; innermost lock. */
	spinlock_t lock;
	uint32_t ctlr; /* GICD_CTLR EnableGrp1A */
	unsigned int nr_vcpus;
	unsigned int nr_spis; /* multiple of 32 */
	struct vgic_vcpu *vcpus;
	struct vgic_irq *spis; /* spis[i] is INTID 32 + i */
	/*
	 * Bit i: SPI i may be pending, active or in a list register. Set when
	 * one of those states is set, cleared lazily by the list-register
	 * flush, so that a flush visits only these instead of every SPI.
	 */
	uint64_t spi_live[(VGIC_MAX_SPIS + 63) / 64];
	/* Bit w: spi_live[w] may be non-zero (same rules). */
	uint32_t spi_live_words;
};

/*
 * Without the lock: vgic_maybe_live() is false only if no private
 * interrupt of @v and no SPI may be pending, active or in a list
 * register; vgic_flush_needed() is false only if vgic_flush_lrs() would
 * find nothing for @v to put in a list register and none is held from the
 * last flush (the guest-entry fast path). Whoever makes an interrupt pending kicks the
 * vCPU afterwards, so a stale "false" is followed by another entry.
 */
static inline bool vgic_maybe_live(const struct vgic *g,
				   const struct vgic_vcpu *v)
{
	return __atomic_load_n(&v->priv_live, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&g->spi_live_words, __ATOMIC_RELAXED);
}

static inline bool vgic_flush_needed(const struct vgic *g,
				     const struct vgic_vcpu *v)
{
	return __atomic_load_n(&v->nr_lrs_used, __ATOMIC_RELAXED) ||
	       vgic_maybe_live(g, v);
}

/*
 * Set up @g for @nr_vcpus (1..VGIC_MAX_VCPUS) and at least @nr_spis SPIs
 * (rounded up to a multiple of 32, at most VGIC_MAX_SPIS). Returns 0,
 * -EINVAL or -ENOMEM. Everything starts at its architectural reset value.
 */
int vgic_init(struct vgic *g, unsigned int nr_vcpus, unsigned int nr_spis);
void vgic_destroy(struct vgic *g);

/* vCPU @idx's state, or NULL if out of range. */
struct vgic_vcpu *vgic_get_vcpu(struct vgic *g, unsigned int idx);

/*
 * Guest access to the distributor at @offset (0..VGIC_DIST_SIZE-1) by vCPU
 * @v, of @size bytes (1, 2, 4, 8). Reads fill *@val. Returns VDEV_HANDLED,
 * VDEV_UNHANDLED (bad size or alignment: inject an abort) or -errno.
 */
int vgic_dist_mmio(struct vgic *g, struct vgic_vcpu *v, uint64_t offset,
		   unsigned int size, bool is_write, uint64_t *val);

/* Same for the redistributor region: vCPU i's redistributor starts at
 * i * VGIC_REDIST_STRIDE. */
int vgic_redist_mmio(struct vgic *g, uint64_t offset, unsigned int size,
		     bool is_write, uint64_t *val);

/*
 * Drive interrupt @intid. SGIs and PPIs (< 32) are those of vCPU @vcpu; SPIs
 * go where IROUTER says (@vcpu ignored). Edge-triggered: @level true makes it
 * pending, false does nothing. Level-triggered: sets the input line to
 * @level. Returns 0 or -EINVAL (no such vCPU/INTID).
 */
int vgic_inject(struct vgic *g, unsigned int vcpu, unsigned int intid,
		bool level);

/*
 * Drive private level interrupt @intid of @vcpu to @level(@arg), read
 * under the vGIC lock (and store it in *@cache, if given, under the same
 * lock). Callers racing to update one line from an input they do not
 * lock (the event upcall: evtchn_upcall_pending in guest memory) cannot
 * leave it at a stale level: the last one in reads the newest input.
 */
int vgic_sync_line(struct vgic *g, unsigned int vcpu, unsigned int intid,
		   bool (*level)(void *arg), void *arg, bool *cache);
/*
 * Emulate a write of @icc_sgi1r_value to ICC_SGI1R_EL1 by vCPU @src_vcpu:
 * makes the SGI pending on every vCPU named by TargetList/RS/Aff1-3, or on
 * all others when IRM is set. Names of absent vCPUs are ignored. 0 or
 * -EINVAL (bad @src_vcpu).
 */
int vgic_send_sgi(struct vgic *g, unsigned int src_vcpu,
		  uint64_t icc_sgi1r_value);

/*
 * Link SPI @vintid to physical INTID @pintid (32..8191): its list registers
 * get HW=1 so the guest's deactivation deactivates the physical interrupt.
 * The hypervisor then calls vgic_inject(g, 0, vintid, true) each time the
 * physical interrupt fires. 0, -EINVAL or -EBUSY (already mapped).
 */
int vgic_map_hw_irq(struct vgic *g, unsigned int vintid, unsigned int pintid);
int vgic_unmap_hw_irq(struct vgic *g, unsigned int vintid);
int vgic_map_hw_ppi(struct vgic *g, unsigned int vcpu, unsigned int intid);

/*
 * Fill @lrs[0..@nr_lrs-1] (ICH_LR<n>_EL2 values; unused ones 0) for vCPU @v
 * before it runs: active interrupts first, then the highest-priority
 * pending enabled ones. Returns the number of deliverable interrupts that
 * did not fit (then set ICH_HCR_EL2.NPIE/UIE to come back), or -EINVAL.
 */
int vgic_flush_lrs(struct vgic *g, struct vgic_vcpu *v, uint64_t *lrs,
		   unsigned int nr_lrs);

/* Fold the list registers read back after @v ran into the model. */
void vgic_sync_lrs(struct vgic *g, struct vgic_vcpu *v, const uint64_t *lrs,
		   unsigned int nr_lrs);

/* Whether an enabled, pending interrupt waits for @v (not running): the WFI
 * wake-up test. */
bool vgic_vcpu_has_pending(struct vgic *g, struct vgic_vcpu *v);
/* Whether private interrupt @intid of @v is enabled (Group 1, distributor
 * on): delivered once pending. */
bool vgic_private_enabled(struct vgic *g, struct vgic_vcpu *v,
			  unsigned int intid);
/*
 * Private interrupt @intid of @v in words, for a dump: "ena pend line act
 * lr" for each state it is in ("-" for none), at most @size bytes.
 */
void vgic_private_describe(struct vgic *g, struct vgic_vcpu *v,
			   unsigned int intid, char *buf, unsigned long size);
