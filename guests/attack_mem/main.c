/* SPDX-License-Identifier: MIT */
/*
 * Memory isolation, tried as a hostile domain would. Two boot-time
 * domains run this image (a third, well-behaved one runs beside them):
 *
 *   attack.role=victim attack.peer=<attacker's domid>
 *   attack.role=attacker attack.peer=<victim's domid> attack.self=<own>
 *   attack.role=bystander
 *
 * The victim grants the attacker one page (read-write, so that the
 * attacker's mapping is as strong as a mapping gets) and offers it an
 * event channel. The attacker maps the grant, then tries to keep the page
 * beyond the grant: re-granting it to itself, copying from it as its own
 * frame, placing its FIFO control block or its vcpu_info on it. It tells
 * the victim, which revokes the grant and writes a new secret; the
 * attacker tries the grant again, cleans the cache of machine frames that
 * are not its own, places shared_info and a grant frame across its
 * address space thousands of times, balloons pages out and populates them 1 GiB apart to grow its
 * stage-2 tables, and asks for foreign mappings. Each attempt must fail
 * (or leave one mapping at a time) and the victim's page must
 * hold exactly what the victim wrote.
 */
#include <public/hvm.h>
#include <public/vcpu.h>

#include "guest.h"

#define EPERM 1
#define EBUSY 16
#define EFAULT 14
#define EINVAL 22
#define ENOMEM 12

#define GREF 8U /* the victim's grant to the attacker */
#define SELF_GREF 9U /* the attacker's grant of the mapped page */
#define MAP_OFFSET 0x800000UL /* where the attacker maps it */
#define PEER_SECONDS 30
#define MAX_PROBE_PORT 63U

#define POOL_PAGES 512U
#define FAR_GFN_BASE (0x100000000UL >> 12) /* 4 GiB */
#define GFNS_PER_GIB (1UL << 18)
#define SHINFO_MOVES 2000U

static uint8_t page[4096] __attribute__((aligned(4096)));
static uint8_t copy_page[4096] __attribute__((aligned(4096)));
static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static uint64_t far_gfns[POOL_PAGES];

static uint8_t first_secret(unsigned int i)
{
	return (uint8_t)(i * 31U + 7U);
}

static uint8_t second_secret(unsigned int i)
{
	return (uint8_t)((i * 17U + 5U) ^ 0xc3U);
}

static uint64_t gfn_of(const void *p)
{
	return (uint64_t)(uintptr_t)p >> 12;
}

static void wait_event(evtchn_port_t port)
{
	while (!evtchn_test_and_clear(port)) {
		if (evtchn_poll(port) < 0) {
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
		}
	}
}

static volatile struct grant_entry_v1 *own_grant_table(void)
{
	uint64_t base = gfdt_gnttab_base();
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = XENMAPSPACE_grant_table,
					.idx = 0,
					.gpfn = base >> 12 };
	long rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x);

	check(rc == 0, "grant_frame_placed", "rc %ld", rc);
	return (volatile struct grant_entry_v1 *)(uintptr_t)base;
}

static int16_t map_ref(xen_domid_t dom, grant_ref_t ref, uint64_t addr,
		       grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = { .host_addr = addr,
					   .flags = GNTMAP_host_map,
					   .ref = ref,
					   .dom = dom };
	long rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

	*h = op.handle;
	return rc ? GNTST_general_error : op.status;
}

static int16_t unmap_ref(uint64_t addr, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = addr, .handle = h };
	long rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

	return rc ? GNTST_general_error : op.status;
}

static int16_t copy_op(struct gnttab_copy *op)
{
	long rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, op, 1);

	return rc ? GNTST_general_error : op->status;
}

/* ---- the victim --------------------------------------------------------- */

static void victim(xen_domid_t attacker)
{
	volatile struct grant_entry_v1 *gt = own_grant_table();
	evtchn_port_t port;
	unsigned int bad = 0;
	long rc;

	for (unsigned int i = 0; i < 4096; i++) {
		page[i] = first_secret(i);
	}
	gt[GREF].domid = attacker;
	gt[GREF].frame = (uint32_t)gfn_of(page);
	guest_wmb();
	gt[GREF].flags = GTF_permit_access;
	guest_mb();
	rc = evtchn_alloc_unbound(attacker, &port);
	check(rc == 0, "victim_offer_port", "rc %ld", rc);
	gprintf("attack: victim ready, port %u\n", port);
	wait_event(port); /* the attacker has unmapped */
	/* Revoke: the entry must not be in use any more. */
	gt[GREF].flags = 0;
	guest_mb();
	check(!(gt[GREF].flags & (GTF_reading | GTF_writing)),
	      "victim_grant_not_in_use", "flags 0x%x", gt[GREF].flags);
	for (unsigned int i = 0; i < 4096; i++) {
		page[i] = second_secret(i);
	}
	guest_mb();
	evtchn_send(port);
	wait_event(port); /* the attacker is done */
	for (unsigned int i = 0; i < 4096; i++) {
		bad += page[i] != second_secret(i);
	}
	check(bad == 0, "victim_page_is_its_own", "%u bytes changed", bad);
}

/* ---- the attacker -------------------------------------------------------- */

static bool bind_victim(xen_domid_t victim, evtchn_port_t *port)
{
	uint64_t deadline = cntvct() + PEER_SECONDS * cntfrq();

	while (cntvct() < deadline) {
		for (evtchn_port_t p = 1; p <= MAX_PROBE_PORT; p++) {
			if (evtchn_bind_interdomain(victim, p, port) == 0) {
				return true;
			}
		}
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	return false;
}

/* Keep the victim's page beyond the grant, while it is still mapped. */
static void keep_mapped_page(volatile struct grant_entry_v1 *gt, uint64_t g,
			     xen_domid_t self)
{
	struct gnttab_copy op;
	grant_handle_t h;
	int16_t st;
	long rc;

	/* Re-grant the mapped frame to itself, then use that grant. */
	gt[SELF_GREF].domid = self;
	gt[SELF_GREF].frame = (uint32_t)(g >> 12);
	guest_wmb();
	gt[SELF_GREF].flags = GTF_permit_access;
	guest_mb();
	op = (struct gnttab_copy){
		.source = { .u.ref = SELF_GREF, .domid = self },
		.dest = { .u.gmfn = gfn_of(copy_page), .domid = DOMID_SELF },
		.len = 64,
		.flags = GNTCOPY_source_gref,
	};
	st = copy_op(&op);
	check(st != GNTST_okay, "regrant_of_mapped_page_refused", "status %d",
	      st);
	st = map_ref(self, SELF_GREF, gfdt_gnttab_base() + MAP_OFFSET + 0x10000,
		     &h);
	check(st != GNTST_okay, "self_map_of_regranted_page_refused",
	      "status %d", st);
	if (st == GNTST_okay) {
		unmap_ref(gfdt_gnttab_base() + MAP_OFFSET + 0x10000, h);
	}
	gt[SELF_GREF].flags = 0;
	/* Copy from it as if it were its own frame. */
	op = (struct gnttab_copy){
		.source = { .u.gmfn = g >> 12, .domid = DOMID_SELF },
		.dest = { .u.gmfn = gfn_of(copy_page), .domid = DOMID_SELF },
		.len = 64,
	};
	st = copy_op(&op);
	check(st != GNTST_okay, "copy_from_mapped_gfn_refused", "status %d",
	      st);
	/* Long-term hypervisor use of the mapped frame. */
	{
		struct evtchn_init_control ic = { .control_gfn = g >> 12 };

		rc = HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic);
		check(rc == -EINVAL, "fifo_control_on_mapped_page_refused",
		      "rc %ld", rc);
	}
	{
		struct vcpu_register_vcpu_info vi = { .mfn = g >> 12 };

		rc = xen_hypercall(__HYPERVISOR_vcpu_op,
				   VCPUOP_register_vcpu_info, 0,
				   (unsigned long)&vi, 0, 0);
		check(rc == -EINVAL, "vcpu_info_on_mapped_page_refused",
		      "rc %ld", rc);
	}
}

/* GNTTABOP_cache_flush of machine frames that are not the caller's. */
static void flush_foreign_frames(void)
{
	static const uint64_t fixed[] = {
		0x0, 0x08000000, 0x09000000, 0x40000000, 0x7ffffff000UL,
	};
	unsigned int ok = 0, ram_ok = 0;

	for (unsigned int i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		struct gnttab_cache_flush f = { .a.dev_bus_addr = fixed[i],
						.length = 64,
						.op = GNTTAB_CACHE_CLEAN };
		long rc =
			HYPERVISOR_grant_table_op(GNTTABOP_cache_flush, &f, 1);

		ok += rc == 0;
	}
	check(ok == 0, "cache_flush_of_unowned_frames_refused",
	      "%u of 5 accepted", ok);
	/* Every 16 MiB of a 2 GiB bank: at most one can be its own RAM. */
	for (uint64_t a = 0x40000000; a < 0xc0000000; a += 0x1000000) {
		struct gnttab_cache_flush f = { .a.dev_bus_addr = a,
						.length = 64,
						.op = GNTTAB_CACHE_CLEAN };

		ram_ok += HYPERVISOR_grant_table_op(GNTTABOP_cache_flush, &f,
						    1) == 0;
	}
	check(ram_ok <= 1, "cache_flush_of_other_ram_refused",
	      "%u of 128 accepted", ram_ok);
}

static long place(unsigned int space, uint64_t gfn)
{
	struct xen_add_to_physmap x = {
		.domid = DOMID_SELF, .space = space, .idx = 0, .gpfn = gfn
	};

	return HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x);
}

static long unplace(uint64_t gfn)
{
	struct xen_remove_from_physmap x = { .domid = DOMID_SELF, .gpfn = gfn };

	return HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &x);
}

/*
 * shared_info and grant frames are placed at one gfn at a time (Xen 4.17:
 * placed again only once removed). Tried at a new gfn per 2 MiB, so that
 * every mapping left behind would cost the hypervisor new tables.
 */
static void move_mappings(void)
{
	uint64_t home = gfdt_gnttab_base() >> 12;
	uint64_t shinfo = gfn_of(evtchn_map_shared_info());
	unsigned int busy = 0, fails = 0;
	long rc, first_rc = 0;

	for (unsigned int i = 0; i < SHINFO_MOVES; i++) {
		uint64_t gfn = FAR_GFN_BASE + (uint64_t)i * 512;

		busy += place(XENMAPSPACE_shared_info, gfn) == -EBUSY;
		busy += place(XENMAPSPACE_grant_table, gfn) == -EBUSY;
	}
	check(busy == 2 * SHINFO_MOVES, "mapped_pages_not_placed_twice",
	      "%u of %u refused with EBUSY", busy, 2 * SHINFO_MOVES);
	rc = unplace(home);
	check(rc == 0, "grant_frame_removed", "rc %ld", rc);
	for (unsigned int i = 0; i < SHINFO_MOVES; i++) {
		uint64_t gfn = FAR_GFN_BASE + (uint64_t)i * 512;

		rc = place(XENMAPSPACE_grant_table, gfn);
		if (!rc) {
			rc = unplace(gfn);
		}
		if (rc && !fails++) {
			first_rc = rc;
		}
	}
	/*
	 * Sable frees the tables of a removed mapping, so every move works;
	 * Xen 4.17 keeps them until the domain dies, and refuses moves once
	 * the domain's own stage-2 pool is used up.
	 */
	check(on_sable() ? fails == 0 : SHINFO_MOVES - fails >= 100,
	      "grant_frame_moved", "%u of %u failed, first rc %ld", fails,
	      SHINFO_MOVES, first_rc);
	/* A removed place is gone: reading it faults. */
	{
		uint64_t before = last_exc.count;
		volatile uint32_t *old =
			(volatile uint32_t *)(uintptr_t)(FAR_GFN_BASE << 12);

		(void)*old;
		check(last_exc.count == before + 1, "removed_place_unmapped",
		      "faults %lu", (unsigned long)(last_exc.count - before));
	}
	rc = place(XENMAPSPACE_grant_table, home);
	check(rc == 0, "grant_frame_back_home", "rc %ld", rc);
	rc = place(XENMAPSPACE_shared_info, shinfo);
	check(rc == -EBUSY, "shared_info_still_home", "rc %ld", rc);
}

static long reservation(int cmd, uint64_t *gfns, unsigned int n)
{
	struct xen_memory_reservation r = {
		.extent_start = (uint64_t)(uintptr_t)gfns,
		.nr_extents = n,
		.domid = DOMID_SELF,
	};

	return HYPERVISOR_memory_op(cmd, &r);
}

/*
 * Balloon pages out, then populate them 1 GiB apart: every page needs
 * two new stage-2 tables, until the domain's budget says no. Then give
 * them back.
 */
static void grow_stage2(void)
{
	unsigned int got = 0;
	long rc;

	for (unsigned int i = 0; i < POOL_PAGES; i++) {
		far_gfns[i] = gfn_of(pool[i]);
	}
	/* On Xen the pool may be used up already: splits can fail. */
	rc = reservation(XENMEM_decrease_reservation, far_gfns, POOL_PAGES);
	check(on_sable() ? rc == POOL_PAGES : rc > 0, "balloon_out",
	      "%ld of %u", rc, POOL_PAGES);
	for (unsigned int i = 0; i < POOL_PAGES; i++) {
		far_gfns[i] = FAR_GFN_BASE + (uint64_t)(i + 8) * GFNS_PER_GIB;
		if (reservation(XENMEM_populate_physmap, &far_gfns[i], 1) !=
		    1) {
			break;
		}
		got++;
	}
	gprintf("attack: populated %u pages 1 GiB apart\n", got);
	check((got > 16 || !on_sable()) && got < POOL_PAGES,
	      "stage2_budget_stops_growth", "%u populated", got);
	rc = reservation(XENMEM_decrease_reservation, far_gfns, got);
	check(rc == got, "populated_pages_given_back", "%ld of %u", rc, got);
}

static void foreign_maps(xen_domid_t victim)
{
	uint64_t idx = gfn_of(page), gpfn = FAR_GFN_BASE + 7;
	int32_t err = 0;
	struct xen_add_to_physmap_batch b = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_gmfn_foreign,
		.size = 1,
		.foreign_domid = victim,
		.idxs = (uint64_t)(uintptr_t)&idx,
		.gpfns = (uint64_t)(uintptr_t)&gpfn,
		.errs = (uint64_t)(uintptr_t)&err,
	};
	long rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, &b);

	/* Refused for the entry (Xen answers so) or for the whole call. */
	check(rc == -EPERM || (rc == 0 && err == -EPERM),
	      "foreign_map_by_domu_refused", "rc %ld err %d", rc, err);
}

#define PSCI_CPU_ON 0xc4000003UL
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON (-4)

/* What only the control domain may do, tried on the victim. */
static void control_ops(xen_domid_t victim)
{
	struct xen_hvm_param hp = { .domid = victim,
				    .index = HVM_PARAM_CALLBACK_IRQ,
				    .value = 1 };
	struct sched_remote_shutdown rs = { .domain_id = victim };
	struct evtchn_alloc_unbound au = { .dom = victim, .remote_dom = 0 };
	struct evtchn_status es = { .dom = victim, .port = 1 };
	struct evtchn_bind_interdomain bi = { .remote_dom = victim,
					      .remote_port = 1000 };
	uint64_t frame = 0;
	struct gnttab_setup_table st = { .dom = victim,
					 .nr_frames = 1,
					 .frame_list =
						 (uint64_t)(uintptr_t)&frame };
	char buf[16];
	long rc;

	rc = xen_hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param,
			   (unsigned long)&hp, 0, 0, 0);
	check(rc == -EPERM, "hvm_set_param_of_victim_refused", "rc %ld", rc);
	rc = xen_hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param,
			   (unsigned long)&hp, 0, 0, 0);
	check(rc == -EPERM, "hvm_get_param_of_victim_refused", "rc %ld", rc);
	rc = HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs);
	check(rc == -EPERM, "remote_shutdown_of_victim_refused", "rc %ld", rc);
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au);
	check(rc == -EPERM, "evtchn_alloc_in_victim_refused", "rc %ld", rc);
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_status, &es);
	check(rc == -EPERM, "evtchn_status_of_victim_refused", "rc %ld", rc);
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
	check(rc == -EINVAL, "evtchn_bind_to_unoffered_port_refused", "rc %ld",
	      rc);
	rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1);
	check(rc != 0 || st.status != GNTST_okay,
	      "gnttab_setup_table_of_victim_refused", "rc %ld status %d", rc,
	      st.status);
	rc = xen_hypercall(__HYPERVISOR_platform_op, 0, 0, 0, 0, 0);
	check(rc == -EPERM || rc == -EFAULT, "platform_op_refused", "rc %ld",
	      rc);
	/* Sable refuses; Xen 4.17 gives a domU nothing to read. */
	rc = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf);
	check(on_sable() ? rc == -EPERM : rc <= 0, "console_read_refused",
	      "rc %ld", rc);
	rc = xen_hypercall(__HYPERVISOR_vm_assist, 0, 99, 0, 0, 0);
	check(rc < 0, "vm_assist_unknown_type_refused", "rc %ld", rc);
	rc = xen_hypercall(__HYPERVISOR_physdev_op, 0x7777, (unsigned long)buf,
			   0, 0, 0);
	check(rc < 0, "physdev_op_refused", "rc %ld", rc);
	/* PSCI: a vCPU it does not have, and itself (already on). */
	rc = smccc_hvc(PSCI_CPU_ON, 5, 0x40000000, 0);
	check(rc == PSCI_INVALID_PARAMETERS, "cpu_on_of_absent_vcpu_refused",
	      "rc %ld", rc);
	rc = smccc_hvc(PSCI_CPU_ON, 0, 0x40000000, 0);
	check(rc == PSCI_ALREADY_ON, "cpu_on_of_running_vcpu_refused", "rc %ld",
	      rc);
}

static void attacker(xen_domid_t victim, xen_domid_t self)
{
	volatile struct grant_entry_v1 *gt = own_grant_table();
	uint64_t g = gfdt_gnttab_base() + MAP_OFFSET;
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)g;
	evtchn_port_t port;
	grant_handle_t h;
	unsigned int bad = 0;
	int16_t st;

	if (!bind_victim(victim, &port)) {
		check(false, "attacker_bind_victim", "no port");
		return;
	}
	evtchn_test_and_clear(port); /* binding marks the port pending */
	st = map_ref(victim, GREF, g, &h);
	check(st == GNTST_okay, "attacker_maps_grant", "status %d", st);
	if (st != GNTST_okay) {
		evtchn_send(port);
		return;
	}
	for (unsigned int i = 0; i < 4096; i++) {
		bad += p[i] != first_secret(i);
	}
	check(bad == 0, "attacker_reads_granted_page", "%u differ", bad);
	keep_mapped_page(gt, g, self);
	st = unmap_ref(g, h);
	check(st == GNTST_okay, "attacker_unmaps_grant", "status %d", st);
	evtchn_send(port);
	wait_event(port); /* revoked, new secret written */
	st = map_ref(victim, GREF, g, &h);
	check(st != GNTST_okay, "revoked_grant_refused", "status %d", st);
	{
		struct gnttab_copy op = {
			.source = { .u.ref = GREF, .domid = victim },
			.dest = { .u.gmfn = gfn_of(copy_page),
				  .domid = DOMID_SELF },
			.len = 64,
			.flags = GNTCOPY_source_gref,
		};

		st = copy_op(&op);
		check(st != GNTST_okay, "copy_from_revoked_grant_refused",
		      "status %d", st);
	}
	flush_foreign_frames();
	foreign_maps(victim);
	control_ops(victim);
	move_mappings();
	grow_stage2();
	evtchn_send(port);
}

/*
 * The bystander: its own work (events to itself, a grant table, memory)
 * beside the other two, checked at the end.
 */
static void bystander(void)
{
	volatile struct grant_entry_v1 *gt = own_grant_table();
	unsigned int bad = 0;
	evtchn_port_t port;
	long rc;

	rc = evtchn_alloc_unbound(DOMID_SELF, &port);
	check(rc == 0, "bystander_port", "rc %ld", rc);
	for (unsigned int round = 0; round < 64; round++) {
		for (unsigned int i = 0; i < POOL_PAGES; i++) {
			pool[i][round] = (uint8_t)(i + round);
		}
		gt[GREF + round % 8].frame = round;
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	for (unsigned int round = 0; round < 64; round++) {
		for (unsigned int i = 0; i < POOL_PAGES; i++) {
			bad += pool[i][round] != (uint8_t)(i + round);
		}
	}
	check(bad == 0, "bystander_memory_intact", "%u bytes differ", bad);
	check(gt[GREF + 7].frame == 63, "bystander_grant_table_intact",
	      "frame %u", gt[GREF + 7].frame);
}

void guest_main(const void *dtb)
{
	char role[16] = "";
	xen_domid_t peer = (xen_domid_t)gfdt_arg_ulong("attack.peer", 0);

	(void)dtb;
	gfdt_arg("attack.role", role, sizeof(role));
	evtchn_map_shared_info();
	if (strcmp(role, "victim") == 0) {
		victim(peer);
	} else if (strcmp(role, "attacker") == 0) {
		attacker(peer, (xen_domid_t)gfdt_arg_ulong("attack.self", 0));
	} else if (strcmp(role, "bystander") == 0) {
		bystander();
	} else {
		check(false, "attack_role", "unknown role '%s'", role);
	}
}
