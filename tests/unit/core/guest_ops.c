/* SPDX-License-Identifier: MIT */
/* Guest-side helpers of the core tests: grants and event channels. */
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/xen.h>

#include "core_test.h"

void hx_grant(struct domain *d, uint32_t ref, domid_t grantee, uint64_t gfn,
	      uint16_t flags)
{
	struct grant_entry_v1 *e;
	void *va;
	mfn_t mfn;

	ASSERT_EQ(gnttab_get_frame(&d->gnttab, ref / 512, &mfn, &va), 0);
	e = (struct grant_entry_v1 *)va + ref % 512;
	e->domid = grantee;
	e->frame = (uint32_t)gfn;
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

uint16_t hx_grant_flags(struct domain *d, uint32_t ref)
{
	struct grant_entry_v1 *e;
	void *va;
	mfn_t mfn;

	ASSERT_EQ(gnttab_get_frame(&d->gnttab, ref / 512, &mfn, &va), 0);
	e = (struct grant_entry_v1 *)va + ref % 512;
	return __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
}

uint32_t hx_evtchn_unbound(struct domain *d, domid_t remote)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
					  .remote_dom = remote };

	hx_put(d, hx_arg(d, 0), &a, sizeof(a));
	ASSERT_EQ(hx_call(d->vcpus[0], __HYPERVISOR_event_channel_op,
			  EVTCHNOP_alloc_unbound, hx_arg(d, 0), 0),
		  0);
	hx_get(d, hx_arg(d, 0), &a, sizeof(a));
	return a.port;
}

uint32_t hx_evtchn_bind(struct domain *d, domid_t remote, uint32_t rport)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote,
					     .remote_port = rport };

	hx_put(d, hx_arg(d, 0), &b, sizeof(b));
	ASSERT_EQ(hx_call(d->vcpus[0], __HYPERVISOR_event_channel_op,
			  EVTCHNOP_bind_interdomain, hx_arg(d, 0), 0),
		  0);
	hx_get(d, hx_arg(d, 0), &b, sizeof(b));
	return b.local_port;
}

long hx_evtchn_send(struct domain *d, uint32_t port)
{
	struct evtchn_send s = { .port = port };

	hx_put(d, hx_arg(d, 0), &s, sizeof(s));
	return hx_call(d->vcpus[0], __HYPERVISOR_event_channel_op,
		       EVTCHNOP_send, hx_arg(d, 0), 0);
}

int16_t hx_map_grant(struct domain *d, domid_t granter, uint32_t ref,
		     uint64_t addr, uint32_t flags, uint32_t *handle)
{
	struct gnttab_map_grant_ref m = {
		.host_addr = addr,
		.flags = flags | GNTMAP_host_map,
		.ref = ref,
		.dom = granter,
	};

	hx_put(d, hx_arg(d, 0), &m, sizeof(m));
	ASSERT_EQ(hx_call(d->vcpus[0], __HYPERVISOR_grant_table_op,
			  GNTTABOP_map_grant_ref, hx_arg(d, 0), 1),
		  0);
	hx_get(d, hx_arg(d, 0), &m, sizeof(m));
	if (handle) {
		*handle = m.handle;
	}
	return m.status;
}

int16_t hx_unmap_grant(struct domain *d, uint64_t addr, uint32_t handle)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = addr,
					    .handle = handle };

	hx_put(d, hx_arg(d, 0), &u, sizeof(u));
	ASSERT_EQ(hx_call(d->vcpus[0], __HYPERVISOR_grant_table_op,
			  GNTTABOP_unmap_grant_ref, hx_arg(d, 0), 1),
		  0);
	hx_get(d, hx_arg(d, 0), &u, sizeof(u));
	return u.status;
}

long hx_cache_flush(struct domain *d, uint64_t maddr, uint16_t offset,
		    uint16_t len, uint32_t op)
{
	struct gnttab_cache_flush f = {
		.a.dev_bus_addr = maddr,
		.offset = offset,
		.length = len,
		.op = op,
	};

	hx_put(d, hx_arg(d, 0), &f, sizeof(f));
	return hx_call(d->vcpus[0], __HYPERVISOR_grant_table_op,
		       GNTTABOP_cache_flush, hx_arg(d, 0), 1);
}

uint64_t hx_maddr(struct domain *d, uint64_t ipa)
{
	return (uint64_t)(uintptr_t)hx_va(d, ipa);
}

int hx_mmio_write(struct vcpu *v, uint64_t ipa, uint32_t val)
{
	struct mmio_access acc = {
		.ipa = ipa, .size = 4, .is_write = true, .val = val
	};

	return mmio_dispatch(v, &acc);
}

#define GICR_SGI_FRAME 0x10000ULL
#define GICR_IGROUPR0 0x0080ULL
#define GICR_ISENABLER0 0x0100ULL

void hx_enable_upcall(struct domain *d, unsigned int vcpu)
{
	struct vcpu *v = d->vcpus[vcpu];
	uint64_t sgi =
		GUEST_GICR_BASE + vcpu * VGIC_REDIST_STRIDE + GICR_SGI_FRAME;

	ASSERT_EQ(hx_mmio_write(v, GUEST_GICD_BASE, 1U << 1), MMIO_HANDLED);
	ASSERT_EQ(hx_mmio_write(v, sgi + GICR_IGROUPR0, 1U << 31),
		  MMIO_HANDLED);
	ASSERT_EQ(hx_mmio_write(v, sgi + GICR_ISENABLER0, 1U << 31),
		  MMIO_HANDLED);
}
