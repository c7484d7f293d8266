/* SPDX-License-Identifier: MIT */
/*
 * 2-level event delivery: pending and mask bitmaps in shared_info, a
 * per-vCPU selector of pending words and the upcall flag in vcpu_info.
 * Delivery of port P to vCPU V (Xen's 2-level ABI):
 *   1. set bit P in evtchn_pending; stop if it was set;
 *   2. stop if bit P in evtchn_mask is set;
 *   3. set bit P/64 in V's evtchn_pending_sel; if newly set, set
 *      evtchn_upcall_pending and kick V.
 * The guest changes these words concurrently: all accesses are atomic.
 * Domain lock held in every function.
 */
#include "evtchn_internal.h"

#define EVTCHN_2L_WORD_BITS 64

static uint64_t evtchn_2l_bit(uint32_t port)
{
	return 1ULL << (port % EVTCHN_2L_WORD_BITS);
}

/* Step 3 for word @w of @vcpu's selector. */
static void evtchn_2l_select(struct evtchn_domain *d, unsigned int vcpu,
			     uint32_t w)
{
	struct vcpu_info *vi = evtchn_vcpu_info_locked(d, vcpu);
	uint64_t bit = 1ULL << w;

	if (vi && !(__atomic_fetch_or(&vi->evtchn_pending_sel, bit,
				      __ATOMIC_SEQ_CST) &
		    bit)) {
		evtchn_mark_upcall(d, vcpu);
	}
}

static void evtchn_2l_set_pending(struct evtchn_domain *d, uint32_t port,
				  struct evtchn *chn)
{
	struct shared_info *si = d->shinfo;
	uint32_t w = port / EVTCHN_2L_WORD_BITS;
	uint64_t bit = evtchn_2l_bit(port);

	if (!si) {
		return;
	}
	if (__atomic_fetch_or(&si->evtchn_pending[w], bit, __ATOMIC_SEQ_CST) &
	    bit) {
		return;
	}
	evtchn_poll_notify(d);
	if (__atomic_load_n(&si->evtchn_mask[w], __ATOMIC_SEQ_CST) & bit) {
		return;
	}
	evtchn_2l_select(d, chn->notify_vcpu, w);
}

static void evtchn_2l_clear_pending(struct evtchn_domain *d, uint32_t port,
				    struct evtchn *chn)
{
	struct shared_info *si = d->shinfo;

	(void)chn;
	if (si) {
		__atomic_fetch_and(
			&si->evtchn_pending[port / EVTCHN_2L_WORD_BITS],
			~evtchn_2l_bit(port), __ATOMIC_SEQ_CST);
	}
}

/*
 * EVTCHNOP_unmask: clear the mask bit; if the port is pending, redo
 * step 3 (Linux calls this when the port is pending or bound elsewhere).
 */
static void evtchn_2l_unmask(struct evtchn_domain *d, uint32_t port,
			     struct evtchn *chn)
{
	struct shared_info *si = d->shinfo;
	uint32_t w = port / EVTCHN_2L_WORD_BITS;
	uint64_t bit = evtchn_2l_bit(port);

	if (!si) {
		return;
	}
	__atomic_fetch_and(&si->evtchn_mask[w], ~bit, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&si->evtchn_pending[w], __ATOMIC_SEQ_CST) & bit) {
		evtchn_2l_select(d, chn->notify_vcpu, w);
	}
}

static bool evtchn_2l_is_pending(struct evtchn_domain *d, uint32_t port,
				 const struct evtchn *chn)
{
	struct shared_info *si = d->shinfo;

	(void)chn;
	return si &&
	       (__atomic_load_n(&si->evtchn_pending[port / EVTCHN_2L_WORD_BITS],
				__ATOMIC_SEQ_CST) &
		evtchn_2l_bit(port));
}

const struct evtchn_port_ops evtchn_2l_ops = {
	.set_pending = evtchn_2l_set_pending,
	.clear_pending = evtchn_2l_clear_pending,
	.unmask = evtchn_2l_unmask,
	.is_pending = evtchn_2l_is_pending,
	.set_priority = NULL,
	.max_ports = EVTCHN_2L_MAX_PORTS,
};
