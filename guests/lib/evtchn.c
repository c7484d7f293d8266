/* SPDX-License-Identifier: MIT */
/*
 * Event channels for the test guests: shared_info mapped over a page of
 * the image (XENMEM_add_to_physmap, XENMAPSPACE_shared_info, as Linux
 * does on arm), the 2-level ABI (no EVTCHNOP_init_control) and thin
 * wrappers of the EVTCHNOP_* commands. One vCPU per guest.
 */
#include "guest.h"

#define BITS_PER_WORD 64U

static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
static struct shared_info *shinfo;

struct shared_info *evtchn_map_shared_info(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = (uint64_t)(uintptr_t)shinfo_page >> 12,
	};

	if (!shinfo &&
	    HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp) == 0) {
		shinfo = (struct shared_info *)shinfo_page;
	}
	return shinfo;
}

long evtchn_alloc_unbound(xen_domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = { .dom = DOMID_SELF,
					   .remote_dom = remote };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);

	*port = op.port;
	return rc;
}

long evtchn_bind_interdomain(xen_domid_t remote, evtchn_port_t remote_port,
			     evtchn_port_t *local)
{
	struct evtchn_bind_interdomain op = { .remote_dom = remote,
					      .remote_port = remote_port };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);

	*local = op.local_port;
	return rc;
}

long evtchn_send(evtchn_port_t port)
{
	struct evtchn_send op = { .port = port };

	return HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

long evtchn_close(evtchn_port_t port)
{
	struct evtchn_close op = { .port = port };

	return HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

long evtchn_poll(evtchn_port_t port)
{
	struct sched_poll op = { .ports = (uint64_t)(uintptr_t)&port,
				 .nr_ports = 1 };

	return HYPERVISOR_sched_op(SCHEDOP_poll, &op);
}

static volatile uint64_t *word(uint64_t *bitmap, evtchn_port_t port)
{
	return (volatile uint64_t *)&bitmap[port / BITS_PER_WORD];
}

bool evtchn_is_pending(evtchn_port_t port)
{
	return (*word(shinfo->evtchn_pending, port) >> (port % BITS_PER_WORD)) &
	       1;
}

/* Atomic: the hypervisor sets other bits of the same word meanwhile. */
bool evtchn_test_and_clear(evtchn_port_t port)
{
	uint64_t bit = 1UL << (port % BITS_PER_WORD);
	uint64_t old = __atomic_fetch_and(word(shinfo->evtchn_pending, port),
					  ~bit, __ATOMIC_SEQ_CST);

	return (old & bit) != 0;
}

void evtchn_mask(evtchn_port_t port)
{
	__atomic_fetch_or(word(shinfo->evtchn_mask, port),
			  1UL << (port % BITS_PER_WORD), __ATOMIC_SEQ_CST);
}

/* EVTCHNOP_unmask re-raises the upcall of a port pending while masked. */
void evtchn_unmask(evtchn_port_t port)
{
	struct evtchn_unmask op = { .port = port };

	HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op);
}
