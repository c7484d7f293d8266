/* SPDX-License-Identifier: MIT */
/*
 * Send-to-upcall latency: a loopback channel in this domain (unbound port
 * bound to itself), unmasked, the upcall PPI enabled in the GIC. Each
 * send is timed from just before EVTCHNOP_send to the IRQ handler's
 * first instruction of C.
 */
#include "pingpong.h"

#define BITS_PER_WORD 64U

static struct shared_info *shinfo;
static evtchn_port_t target;
static unsigned int upcall_ppi;
static volatile uint64_t handled, hit_at, other_irqs;

/* 2-level scan (Xen's event channel ABI): selector, then pending words. */
static void upcall(unsigned int intid)
{
	uint64_t now = cntvct();
	struct vcpu_info *vi = &shinfo->vcpu_info[0];
	uint64_t sel;

	if (intid != upcall_ppi) {
		other_irqs++;
		return;
	}
	__atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned int w = (unsigned int)__builtin_ctzl(sel);
		uint64_t bits = __atomic_load_n(&shinfo->evtchn_pending[w],
						__ATOMIC_SEQ_CST) &
				~shinfo->evtchn_mask[w];

		sel &= sel - 1;
		while (bits) {
			unsigned int b = (unsigned int)__builtin_ctzl(bits);
			evtchn_port_t port = w * BITS_PER_WORD + b;

			bits &= bits - 1;
			if (evtchn_test_and_clear(port) && port == target) {
				hit_at = now;
				handled++;
			}
		}
	}
}

static bool wait_handled(uint64_t want)
{
	uint64_t deadline = cntvct() + cntfrq();

	while (handled < want) {
		if (cntvct() > deadline) {
			return false;
		}
	}
	return true;
}

static bool loopback(evtchn_port_t *a, evtchn_port_t *b)
{
	long rc = evtchn_alloc_unbound(DOMID_SELF, a);

	if (rc == 0) {
		rc = evtchn_bind_interdomain(DOMID_SELF, *a, b);
	}
	if (rc == 0) {
		/* Sends go b -> a; b itself stays quiet (masked, cleared). */
		evtchn_mask(*b);
		evtchn_test_and_clear(*b);
	}
	check(rc == 0, "upcall_loopback_channel", "rc %ld ports %u %u", rc, *a,
	      *b);
	return rc == 0;
}

void pp_upcall_latency(unsigned long sends)
{
	evtchn_port_t a, b;
	uint64_t total = 0;
	unsigned long i;

	shinfo = evtchn_map_shared_info();
	upcall_ppi = gfdt_evtchn_ppi();
	if (!sends || !loopback(&a, &b)) {
		return;
	}
	if (gic_init() < 0) {
		check(false, "upcall_gic", "no arm,gic-v3 in the device tree");
		return;
	}
	irq_set_handler(upcall);
	gic_enable_ppi(upcall_ppi);
	target = a;
	evtchn_unmask(a);
	irq_enable();
	for (i = 0; i < sends; i++) {
		uint64_t t0 = cntvct();

		evtchn_send(b);
		if (!wait_handled(i + 1)) {
			break;
		}
		total += hit_at - t0;
	}
	irq_disable();
	check(i == sends, "upcall_delivered", "%lu of %lu sends, PPI %u", i,
	      sends, upcall_ppi);
	if (i) {
		gprintf("UPCALL sends=%lu ticks=%lu ticks_per_op=%lu "
			"freq=%lu\n",
			i, (unsigned long)total, (unsigned long)(total / i),
			(unsigned long)cntfrq());
	}
	evtchn_close(b);
	evtchn_close(a);
}
