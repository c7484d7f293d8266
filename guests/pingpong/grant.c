/* SPDX-License-Identifier: MIT */
/*
 * The granted page: the server writes grant entry PP_GREF (v1) for its
 * peer; the client maps it, reads the pattern, writes its reply, copies
 * part of it with GNTTABOP_copy, and checks the errors Xen defines for a
 * copy crossing a page boundary, a second unmap and an ungranted ref.
 */
#include "pingpong.h"

#define COPY_OFFSET 100U
#define COPY_LEN 1000U
/* A ref far beyond any table the server set up (64 frames of 512). */
#define PP_BAD_GREF (64U * 512U + 5U)

static uint8_t copy_page[4096] __attribute__((aligned(4096)));

static uint64_t gfn_of(const void *p)
{
	return (uint64_t)(uintptr_t)p >> 12;
}

int pp_grant_offer(xen_domid_t peer, uint8_t *page)
{
	uint64_t base = gfdt_gnttab_base();
	struct xen_add_to_physmap xatp = { .domid = DOMID_SELF,
					   .space = XENMAPSPACE_grant_table,
					   .idx = 0,
					   .gpfn = base >> 12 };
	volatile struct grant_entry_v1 *gt;
	long rc;

	for (unsigned int i = 0; i < 4096; i++) {
		page[i] = pp_pattern(i);
	}
	rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
	check(rc == 0, "server_map_grant_frame", "rc %ld at 0x%lx", rc,
	      (unsigned long)base);
	if (rc) {
		return -1;
	}
	gt = (volatile struct grant_entry_v1 *)(uintptr_t)base;
	gt[PP_GREF].domid = peer;
	gt[PP_GREF].frame = (uint32_t)gfn_of(page);
	/* Entry contents before the flags that make it valid. */
	guest_wmb();
	gt[PP_GREF].flags = GTF_permit_access;
	guest_mb();
	return 0;
}

static int16_t map(xen_domid_t peer, grant_ref_t ref, uint64_t addr,
		   grant_handle_t *handle)
{
	struct gnttab_map_grant_ref op = { .host_addr = addr,
					   .flags = GNTMAP_host_map,
					   .ref = ref,
					   .dom = peer };
	long rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

	*handle = op.handle;
	return rc ? GNTST_general_error : op.status;
}

static int16_t unmap(uint64_t addr, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = addr,
					     .handle = handle };
	long rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

	return rc ? GNTST_general_error : op.status;
}

static int16_t copy_from(xen_domid_t peer, unsigned int offset,
			 unsigned int len)
{
	struct gnttab_copy op = {
		.source = { .u.ref = PP_GREF,
			    .domid = peer,
			    .offset = (uint16_t)offset },
		.dest = { .u.gmfn = gfn_of(copy_page), .domid = DOMID_SELF },
		.len = (uint16_t)len,
		.flags = GNTCOPY_source_gref,
	};
	long rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, &op, 1);

	return rc ? GNTST_general_error : op.status;
}

static unsigned int mismatches(const volatile uint8_t *p, unsigned int from,
			       unsigned int to, uint8_t (*want)(unsigned int))
{
	unsigned int bad = 0;

	for (unsigned int i = from; i < to; i++) {
		bad += p[i - from] != want(i);
	}
	return bad;
}

static void copy_checks(xen_domid_t peer)
{
	int16_t st;

	memset(copy_page, 0, sizeof(copy_page));
	st = copy_from(peer, COPY_OFFSET, COPY_LEN);
	check(st == GNTST_okay &&
		      mismatches(copy_page, COPY_OFFSET, COPY_OFFSET + COPY_LEN,
				 pp_pattern) == 0,
	      "client_grant_copy", "status %d", st);
	st = copy_from(peer, 4000, 200);
	check(st == GNTST_bad_copy_arg, "client_grant_copy_crossing_page",
	      "status %d", st);
}

void pp_grant_use(xen_domid_t peer)
{
	uint64_t addr = gfdt_gnttab_base() + PP_MAP_OFFSET;
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)addr;
	grant_handle_t handle, h2;
	int16_t st;

	st = map(peer, PP_GREF, addr, &handle);
	check(st == GNTST_okay, "client_map_grant", "status %d handle %u", st,
	      handle);
	if (st == GNTST_okay) {
		check(mismatches(p, 0, 4096, pp_pattern) == 0,
		      "client_read_granted_page", "%u bytes differ",
		      mismatches(p, 0, 4096, pp_pattern));
		for (unsigned int i = PP_REPLY_OFFSET; i < 4096; i++) {
			p[i] = pp_reply(i);
		}
		guest_mb();
	}
	copy_checks(peer);
	if (st == GNTST_okay) {
		st = unmap(addr, handle);
		check(st == GNTST_okay, "client_unmap_grant", "status %d", st);
		st = unmap(addr, handle);
		check(st == GNTST_bad_handle, "client_unmap_twice", "status %d",
		      st);
	}
	st = map(peer, PP_GREF + 1, addr, &h2);
	check(st == GNTST_general_error, "client_map_ungranted_ref",
	      "status %d", st);
	st = map(peer, PP_BAD_GREF, addr, &h2);
	check(st == GNTST_bad_gntref, "client_map_bad_ref", "status %d", st);
}

void pp_grant_check_reply(const uint8_t *page)
{
	unsigned int bad = mismatches(page + PP_REPLY_OFFSET, PP_REPLY_OFFSET,
				      4096, pp_reply);

	check(bad == 0, "server_sees_reply", "%u bytes differ", bad);
}
