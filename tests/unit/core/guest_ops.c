/* SPDX-License-Identifier: MIT */
/*
 * The guest side of the core tests: grants, event channels, vcpu_info
 * and physmap changes.
 */
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/vcpu.h>
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

	ASSERT_EQ(hx_op(d, __HYPERVISOR_event_channel_op,
			EVTCHNOP_alloc_unbound, &a, sizeof(a), 0),
		  0);
	return a.port;
}

uint32_t hx_evtchn_bind(struct domain *d, domid_t remote, uint32_t rport)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote,
					     .remote_port = rport };

	ASSERT_EQ(hx_op(d, __HYPERVISOR_event_channel_op,
			EVTCHNOP_bind_interdomain, &b, sizeof(b), 0),
		  0);
	return b.local_port;
}

long hx_evtchn_send(struct domain *d, uint32_t port)
{
	struct evtchn_send s = { .port = port };

	return hx_op_in(d, __HYPERVISOR_event_channel_op, EVTCHNOP_send, &s,
			sizeof(s), 0);
}

long hx_evtchn_init_control(struct domain *d, uint64_t gfn, uint32_t offset,
			    uint32_t vcpu, uint8_t *link_bits)
{
	struct evtchn_init_control ic = { .control_gfn = gfn,
					  .offset = offset,
					  .vcpu = vcpu };
	long rc;

	rc = hx_op(d, __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, &ic,
		   sizeof(ic), 0);
	if (link_bits) {
		*link_bits = ic.link_bits;
	}
	return rc;
}

long hx_evtchn_expand_array(struct domain *d, uint64_t gfn)
{
	struct evtchn_expand_array ea = { .array_gfn = gfn };

	return hx_op_in(d, __HYPERVISOR_event_channel_op, EVTCHNOP_expand_array,
			&ea, sizeof(ea), 0);
}

long hx_vcpu_info_at(struct domain *d, unsigned int vcpu, uint64_t gfn,
		     uint32_t offset)
{
	struct vcpu_register_vcpu_info r = { .mfn = gfn, .offset = offset };

	hx_put(d, hx_arg(d, 1), &r, sizeof(r));
	return hx_call(d->vcpus[0], __HYPERVISOR_vcpu_op,
		       VCPUOP_register_vcpu_info, vcpu, hx_arg(d, 1));
}

long hx_foreign_map(struct domain *d, domid_t fd, uint64_t idx, uint64_t gpfn,
		    int32_t *err)
{
	struct xen_add_to_physmap_batch b = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_gmfn_foreign,
		.size = 1,
		.foreign_domid = fd,
		.idxs = hx_arg(d, 1),
		.gpfns = hx_arg(d, 1) + 8,
		.errs = hx_arg(d, 1) + 16,
	};
	long rc;

	hx_put(d, hx_arg(d, 1), &idx, 8);
	hx_put(d, hx_arg(d, 1) + 8, &gpfn, 8);
	rc = hx_op_in(d, __HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch,
		      &b, sizeof(b), 0);
	hx_get(d, hx_arg(d, 1) + 16, err, 4);
	return rc;
}

long hx_remove_gfn(struct domain *d, uint64_t gfn)
{
	struct xen_remove_from_physmap x = { .domid = DOMID_SELF, .gpfn = gfn };

	return hx_op_in(d, __HYPERVISOR_memory_op, XENMEM_remove_from_physmap,
			&x, sizeof(x), 0);
}

long hx_add_grant_frame(struct domain *d, uint64_t idx, uint64_t gfn)
{
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = XENMAPSPACE_grant_table,
					.idx = idx,
					.gpfn = gfn };

	return hx_op_in(d, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x,
			sizeof(x), 0);
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

	ASSERT_EQ(hx_op(d, __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref,
			&m, sizeof(m), 1),
		  0);
	if (handle) {
		*handle = m.handle;
	}
	return m.status;
}

int16_t hx_unmap_grant(struct domain *d, uint64_t addr, uint32_t handle)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = addr,
					    .handle = handle };

	ASSERT_EQ(hx_op(d, __HYPERVISOR_grant_table_op,
			GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1),
		  0);
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

	return hx_op_in(d, __HYPERVISOR_grant_table_op, GNTTABOP_cache_flush,
			&f, sizeof(f), 1);
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
