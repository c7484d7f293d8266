/* SPDX-License-Identifier: MIT */
/*
 * A hostile guest: bad hypercall numbers, bad and unaligned guest addresses,
 * out-of-range sub-ops and indexes, accesses to unmapped IPAs and a stray
 * HVC immediate. Each must give an error code or an exception injected into
 * this guest, and the hypervisor must keep running (the guest reports and
 * shuts down cleanly at the end). Runs the same on Xen 4.17.
 */
#include <public/hvm.h>
#include <public/sable_ctl.h>

#include "guest.h"

#define ENOSYS 38
#define EFAULT 14
#define EINVAL 22
#define ENOENT 2
#define EACCES 13
#define EPERM 1

/* An IPA nothing is mapped at in QEMU virt's map (between devices). */
#define UNMAPPED_IPA 0x0b000000UL
/* A guest address far outside RAM. */
#define BAD_GVA 0x7fff00000000UL

static void bad_numbers(void)
{
	long rc;

	rc = xen_hypercall(63, 0, 0, 0, 0, 0);
	check(rc == -ENOSYS, "hypercall_unknown_number", "rc %ld", rc);
	rc = xen_hypercall(1000000, 0, 0, 0, 0, 0);
	check(rc == -ENOSYS, "hypercall_huge_number", "rc %ld", rc);
	rc = xen_hypercall((unsigned long)-1, 0, 0, 0, 0, 0);
	check(rc == -ENOSYS, "hypercall_negative_number", "rc %ld", rc);
	rc = HYPERVISOR_xen_version(0x7777, NULL);
	check(rc == -ENOSYS || rc == -EINVAL, "xen_version_bad_subop", "rc %ld",
	      rc);
	rc = HYPERVISOR_sched_op(0x7777, NULL);
	check(rc == -ENOSYS || rc == -EINVAL, "sched_op_bad_subop", "rc %ld",
	      rc);
	rc = HYPERVISOR_console_io(0x7777, 0, NULL);
	check(rc == -ENOSYS || rc == -EINVAL, "console_io_bad_subop", "rc %ld",
	      rc);
}

static void bad_addresses(void)
{
	static char buf[64] __attribute__((aligned(16)));
	struct sched_shutdown bad_reason = { .reason = 0x1234 };
	long rc;

	rc = HYPERVISOR_xen_version(XENVER_get_features, (void *)BAD_GVA);
	check(rc == -EFAULT, "xen_version_bad_address", "rc %ld", rc);
	rc = HYPERVISOR_xen_version(XENVER_extraversion, (void *)UNMAPPED_IPA);
	check(rc == -EFAULT, "xen_version_unmapped_address", "rc %ld", rc);
	rc = HYPERVISOR_console_io(CONSOLEIO_write, 16, (void *)BAD_GVA);
	check(rc == -EFAULT, "console_io_bad_address", "rc %ld", rc);
	/* Unaligned but valid: must work. */
	rc = HYPERVISOR_xen_version(XENVER_get_features, buf + 1);
	check(rc == 0, "xen_version_unaligned_ok", "rc %ld", rc);
	/* A buffer that runs off the end of the address space. */
	rc = HYPERVISOR_console_io(CONSOLEIO_write, 32,
				   (void *)0xfffffffffffffff0UL);
	check(rc == -EFAULT, "console_io_wrapping_address", "rc %ld", rc);
	rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)BAD_GVA);
	check(rc == -EFAULT, "sched_shutdown_bad_address", "rc %ld", rc);
	/*
	 * Xen takes any reason and shuts the domain down with it; Sable
	 * refuses reasons it does not know. Only probed under Sable.
	 */
	if (on_sable()) {
		rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &bad_reason);
		check(rc == -EINVAL, "sched_shutdown_bad_reason", "rc %ld", rc);
	}
}

/* Out-of-range sub-ops, ports, vCPUs and params of the other hypercalls. */
static void bad_indexes(void)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = 9999 };
	uint32_t port = 0xffffff;
	long rc;

	rc = xen_hypercall(__HYPERVISOR_event_channel_op, 4 /* send */,
			   (unsigned long)&port, 0, 0, 0);
	check(rc == -EINVAL, "evtchn_send_bad_port", "rc %ld", rc);
	rc = xen_hypercall(__HYPERVISOR_event_channel_op, 4, BAD_GVA, 0, 0, 0);
	check(rc == -EFAULT, "evtchn_bad_address", "rc %ld", rc);
	rc = xen_hypercall(__HYPERVISOR_grant_table_op, 99, 0, 0, 0, 0);
	check(rc == -ENOSYS, "gnttab_bad_subop", "rc %ld", rc);
	rc = xen_hypercall(__HYPERVISOR_memory_op, 63, 0, 0, 0, 0);
	check(rc == -ENOSYS, "memory_op_bad_subop", "rc %ld", rc);
	rc = xen_hypercall(__HYPERVISOR_vcpu_op, 10, 1000, 0, 0, 0);
	check(rc == -ENOENT, "vcpu_op_bad_vcpu", "rc %ld", rc);
	rc = xen_hypercall(__HYPERVISOR_hvm_op, 1 /* get_param */,
			   (unsigned long)&p, 0, 0, 0);
	check(rc == -EINVAL, "hvm_get_param_bad_index", "rc %ld", rc);
}

/* SCHEDOP_poll with too many, bad or unreadable ports: never blocks. */
static void bad_poll(void)
{
	uint32_t port = 0xffffff;
	struct sched_poll p = { .ports = (uint64_t)(uintptr_t)&port,
				.nr_ports = 1 };
	long rc;

	rc = HYPERVISOR_sched_op(SCHEDOP_poll, &p);
	check(rc == -EINVAL, "sched_poll_bad_port", "rc %ld", rc);
	p.nr_ports = 129;
	rc = HYPERVISOR_sched_op(SCHEDOP_poll, &p);
	check(rc == -EINVAL, "sched_poll_too_many_ports", "rc %ld", rc);
	p.nr_ports = 1;
	p.ports = BAD_GVA;
	rc = HYPERVISOR_sched_op(SCHEDOP_poll, &p);
	check(rc == -EFAULT, "sched_poll_bad_ports_address", "rc %ld", rc);
}

static bool is_dom0(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };

	return HYPERVISOR_xen_version(XENVER_get_features, &fi) == 0 &&
	       (fi.submap & (1U << XENFEAT_dom0));
}

/*
 * Sable's control hypercall with a bad version, padding, command and
 * address; Xen has no such hypercall and answers -ENOSYS.
 */
static void bad_ctl(void)
{
	struct sable_ctl c = { .version = SABLE_CTL_VERSION + 1,
			       .cmd = SABLE_CTL_domain_info };
	long rc;

	rc = xen_hypercall(__HYPERVISOR_sable_ctl, (unsigned long)&c, 0, 0, 0,
			   0);
	if (!on_sable()) {
		check(rc == -ENOSYS, "sable_ctl_absent_on_xen", "rc %ld", rc);
		return;
	}
	if (!is_dom0()) {
		/* Checked before anything else: only dom0 may ask. */
		check(rc == -EPERM, "sable_ctl_refused_to_domu", "rc %ld", rc);
		return;
	}
	check(rc == -EACCES, "sable_ctl_bad_version", "rc %ld", rc);
	c.version = SABLE_CTL_VERSION;
	c.pad = 1;
	rc = xen_hypercall(__HYPERVISOR_sable_ctl, (unsigned long)&c, 0, 0, 0,
			   0);
	check(rc == -EINVAL, "sable_ctl_bad_padding", "rc %ld", rc);
	c.pad = 0;
	c.cmd = 0x7777;
	rc = xen_hypercall(__HYPERVISOR_sable_ctl, (unsigned long)&c, 0, 0, 0,
			   0);
	check(rc == -ENOSYS, "sable_ctl_bad_command", "rc %ld", rc);
	rc = xen_hypercall(__HYPERVISOR_sable_ctl, BAD_GVA, 0, 0, 0, 0);
	check(rc == -EFAULT, "sable_ctl_bad_address", "rc %ld", rc);
	c.cmd = SABLE_CTL_domain_info;
	c.domid = 0;
	rc = xen_hypercall(__HYPERVISOR_sable_ctl, (unsigned long)&c, 0, 0, 0,
			   0);
	check(rc == 0 && c.u.info.domid == 0 &&
		      (c.u.info.flags & SABLE_DOMINF_privileged),
	      "sable_ctl_domain_info_self", "rc %ld domid %u flags 0x%x", rc,
	      c.u.info.domid, c.u.info.flags);
}

static void bad_mmio_and_hvc(void)
{
	uint64_t before = last_exc.count;
	volatile uint32_t *p = (volatile uint32_t *)UNMAPPED_IPA;
	uint32_t v;

	v = *p;
	(void)v;
	check(last_exc.count == before + 1 &&
		      ((last_exc.esr >> 26) & 0x3f) == 0x25,
	      "mmio_read_unmapped_aborts", "count %lu esr 0x%lx",
	      (unsigned long)(last_exc.count - before),
	      (unsigned long)last_exc.esr);
	before = last_exc.count;
	*p = 0x1234;
	check(last_exc.count == before + 1 &&
		      ((last_exc.esr >> 26) & 0x3f) == 0x25,
	      "mmio_write_unmapped_aborts", "count %lu esr 0x%lx",
	      (unsigned long)(last_exc.count - before),
	      (unsigned long)last_exc.esr);
	before = last_exc.count;
	raw_hvc_imm1();
	check(last_exc.count == before + 1 &&
		      ((last_exc.esr >> 26) & 0x3f) == 0,
	      "hvc_bad_immediate_undef", "count %lu esr 0x%lx",
	      (unsigned long)(last_exc.count - before),
	      (unsigned long)last_exc.esr);
}

void guest_main(const void *dtb)
{
	(void)dtb;
	gputs("hostile: probing bad hypercalls and accesses\n");
	bad_numbers();
	bad_addresses();
	bad_indexes();
	bad_poll();
	bad_ctl();
	bad_mmio_and_hvc();
	gputs("hostile: still alive\n");
}
