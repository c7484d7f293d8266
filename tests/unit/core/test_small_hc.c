/* SPDX-License-Identifier: MIT */
/*
 * The small hypercalls through hypercall_dispatch(): xen_version,
 * console_io, hvm_op params, sable_ctl, memory_op reservations, and the
 * dispatch table's holes.
 */
#include <libfdt.h>

#include <public/hvm.h>
#include <public/memory.h>
#include <public/sable_ctl.h>
#include <public/version.h>
#include <public/xen.h>

#include <sable/guest_access.h>
#include <sable/machine.h>

#include "console.h"
#include "core_test.h"

static char fdt[16384];

TEST(xen_version_answers_as_xen_4_17)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct xen_feature_info fi = { .submap_idx = 0 };
	char extra[XEN_EXTRAVERSION_LEN];
	struct vcpu *v = d1->vcpus[0];

	EXPECT_EQ(hx_call(v, __HYPERVISOR_xen_version, XENVER_version, 0, 0),
		  (4 << 16) | 17);
	EXPECT_EQ(hx_call(v, __HYPERVISOR_xen_version, XENVER_extraversion,
			  HX_ARG0, 0),
		  0);
	hx_get(d1, HX_ARG0, extra, sizeof(extra));
	EXPECT_STREQ(extra, ".0-sable");
	hx_put(d1, HX_ARG0, &fi, sizeof(fi));
	EXPECT_EQ(hx_call(v, __HYPERVISOR_xen_version, XENVER_get_features,
			  HX_ARG0, 0),
		  0);
	hx_get(d1, HX_ARG0, &fi, sizeof(fi));
	EXPECT_TRUE(fi.submap & (1U << XENFEAT_not_direct_mapped));
	EXPECT_FALSE(fi.submap & (1U << XENFEAT_dom0));
	EXPECT_EQ(hx_call(v, __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0),
		  4096);
	EXPECT_EQ(hx_call(v, __HYPERVISOR_xen_version, XENVER_commandline,
			  HX_ARG0, 0),
		  -EPERM);
	EXPECT_EQ(hx_call(v, __HYPERVISOR_xen_version, XENVER_build_id, HX_ARG0,
			  0),
		  -ENOSYS);
	/* Out of RAM: nothing is written, -EFAULT. */
	EXPECT_EQ(hx_call(v, __HYPERVISOR_xen_version, XENVER_capabilities,
			  GUEST_RAM_BASE + d1->ram_size - 8, 0),
		  -EFAULT);
}

TEST(xen_version_outputs_of_every_kind_reach_guest_memory)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct vcpu *v = d0->vcpus[0];
	uint8_t handle[16];
	static const unsigned int ops[] = {
		XENVER_capabilities, XENVER_changeset,
		XENVER_compile_info, XENVER_platform_parameters,
		XENVER_guest_handle, XENVER_commandline,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
		EXPECT_EQ(hx_call(v, __HYPERVISOR_xen_version, ops[i], HX_ARG0,
				  0),
			  0);
	}
	hx_get(d0, HX_ARG0, handle, sizeof(handle));
	EXPECT_EQ(handle[15], 0);
}

/* The control domain reads the hypervisor's command line, kept at boot. */
TEST(xen_version_commandline_is_the_kept_one_for_the_control_domain)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	char line[XEN_COMMANDLINE_LEN], longer[1500];

	machine_keep_cmdline("dom0_mem=512M loglvl=all");
	EXPECT_EQ(hx_call(d0->vcpus[0], __HYPERVISOR_xen_version,
			  XENVER_commandline, HX_ARG0, 0),
		  0);
	hx_get(d0, HX_ARG0, line, sizeof(line));
	EXPECT_STREQ(line, "dom0_mem=512M loglvl=all");
	/* Cut to the field, NUL-terminated; NULL keeps an empty line. */
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	machine_keep_cmdline(longer);
	EXPECT_EQ(strlen(machine_cmdline()), 1023);
	EXPECT_EQ(hx_call(d0->vcpus[0], __HYPERVISOR_xen_version,
			  XENVER_commandline, HX_ARG0, 0),
		  0);
	hx_get(d0, HX_ARG0, line, sizeof(line));
	EXPECT_EQ(strlen(line), XEN_COMMANDLINE_LEN - 1);
	machine_keep_cmdline(NULL);
	EXPECT_STREQ(machine_cmdline(), "");
}

TEST(console_io_write_is_prefixed_and_read_is_dom0_only)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	char buf[8] = { 0 };

	hx_put(d1, HX_ARG0, "hi there\n", 9);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_console_io,
			  CONSOLEIO_write, 9, HX_ARG0),
		  0);
	EXPECT_TRUE(strstr(host_console_output(), "(d1) hi there\n") != NULL);
	/* 2 MiB in one call: accepted in pieces, printed within the budget. */
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_console_io,
			  CONSOLEIO_write, 1U << 21, GUEST_RAM_BASE),
		  0);
	EXPECT_LT(strlen(host_console_output()), 80U << 10);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_console_io,
			  CONSOLEIO_write, 300,
			  GUEST_RAM_BASE + d1->ram_size - 200),
		  -EFAULT);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_console_io, CONSOLEIO_read,
			  8, HX_ARG0),
		  -EPERM);
	host_console_input("abc");
	console_uart_irq();
	EXPECT_EQ(hx_call(d0->vcpus[0], __HYPERVISOR_console_io, CONSOLEIO_read,
			  8, HX_ARG1),
		  3);
	hx_get(d0, HX_ARG1, buf, 3);
	EXPECT_STREQ(buf, "abc");
	EXPECT_EQ(hx_call(d0->vcpus[0], __HYPERVISOR_console_io, 7, 0, 0),
		  -ENOSYS);
}

static long hvm_param(struct domain *d, unsigned int op, domid_t dom,
		      uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = dom,
				   .index = index,
				   .value = *value };
	long rc;

	rc = hx_op(d, __HYPERVISOR_hvm_op, op, &p, sizeof(p), 0);
	*value = p.value;
	return rc;
}

TEST(hvm_op_params_set_by_the_guest_or_by_dom0)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	uint64_t val = 0x0200000000000031ULL;

	EXPECT_EQ(hvm_param(d1, HVMOP_set_param, DOMID_SELF,
			    HVM_PARAM_CALLBACK_IRQ, &val),
		  0);
	EXPECT_EQ(d1->hvm_params[HVM_PARAM_CALLBACK_IRQ], val);
	val = 5;
	EXPECT_EQ(hvm_param(d1, HVMOP_set_param, DOMID_SELF,
			    HVM_PARAM_STORE_PFN, &val),
		  -EPERM);
	EXPECT_EQ(hvm_param(d1, HVMOP_set_param, 0, HVM_PARAM_STORE_PFN, &val),
		  -EPERM);
	EXPECT_EQ(hvm_param(d0, HVMOP_set_param, 1, HVM_PARAM_STORE_PFN, &val),
		  0);
	val = 0;
	EXPECT_EQ(hvm_param(d1, HVMOP_get_param, DOMID_SELF,
			    HVM_PARAM_STORE_PFN, &val),
		  0);
	EXPECT_EQ(val, 5);
	EXPECT_EQ(hvm_param(d1, HVMOP_get_param, 1, HVM_NR_PARAMS, &val),
		  -EINVAL);
	EXPECT_EQ(hvm_param(d0, HVMOP_get_param, 7, 0, &val), -ESRCH);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_hvm_op, 5, HX_ARG0, 0),
		  -ENOSYS);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_hvm_op, HVMOP_get_param,
			  0x1000, 0),
		  -EFAULT);
}

TEST(sable_ctl_domain_info_lists_domains_for_dom0_only)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(3, 2, false, HX_DOM_MEM);
	struct sable_ctl c = { .version = SABLE_CTL_VERSION,
			       .cmd = SABLE_CTL_domain_info,
			       .domid = 1 };

	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.info.domid, 3);
	EXPECT_EQ(c.u.info.nr_vcpus, 2);
	EXPECT_EQ(c.u.info.mem_kib, HX_DOM_MEM >> 10);
	EXPECT_STREQ(c.u.info.name, "hx3");
	EXPECT_TRUE(c.u.info.flags & SABLE_DOMINF_blocked);
	c.domid = 4;
	EXPECT_EQ(hx_ctl(d0, &c), -ESRCH);
	c.domid = 0;
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_TRUE(c.u.info.flags & SABLE_DOMINF_privileged);
	EXPECT_TRUE(c.u.info.flags & SABLE_DOMINF_running);
	c.version = SABLE_CTL_VERSION + 1;
	EXPECT_EQ(hx_ctl(d0, &c), -EACCES);
	c.version = SABLE_CTL_VERSION;
	c.pad = 1;
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	c.pad = 0;
	c.cmd = 77;
	EXPECT_EQ(hx_ctl(d0, &c), -ENOSYS);
	EXPECT_EQ(hx_ctl(d1, &c), -EPERM);
	EXPECT_EQ(hx_call(d0->vcpus[0], __HYPERVISOR_sable_ctl, 0x1000, 0, 0),
		  -EFAULT);
}

TEST(memory_op_dom0_balloons_its_1to1_ram_out_and_back)
{
	struct domain *d0;
	uint64_t gfn;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "dom0_mem=32M", true, NULL, 0);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d0 = domain_lookup(0);
	ASSERT_TRUE(d0 != NULL);
	gfn = (d0->ram_base >> PAGE_SHIFT) + 0x1000;
	EXPECT_EQ(hx_reserve(d0, XENMEM_decrease_reservation, gfn), 1);
	EXPECT_EQ(hx_type(d0, gfn), p2m_invalid);
	EXPECT_EQ(hx_reserve(d0, XENMEM_populate_physmap, gfn), 1);
	EXPECT_EQ(hx_type(d0, gfn), p2m_ram_rw);
	EXPECT_EQ(hx_va(d0, gfn << PAGE_SHIFT), (void *)(uintptr_t)(gfn << 12));
	/* Outside its RAM: nothing done. */
	EXPECT_EQ(hx_reserve(d0, XENMEM_populate_physmap, 0x10), 0);
	EXPECT_EQ(hx_call(d0->vcpus[0], __HYPERVISOR_memory_op,
			  XENMEM_current_reservation, 0, 0),
		  (32 << 20) >> PAGE_SHIFT);
	EXPECT_EQ(hx_call(d0->vcpus[0], __HYPERVISOR_memory_op,
			  XENMEM_maximum_gpfn, 0, 0),
		  (d0->ram_base + d0->ram_size) >> PAGE_SHIFT);
}

TEST(memory_op_domu_reservations_and_removal)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct xen_remove_from_physmap x = { .domid = DOMID_SELF,
					     .gpfn = HX_GFN(HX_PAGE(7)) };

	/* A domU balloons its own RAM out and back (docs/security.md). */
	EXPECT_EQ(
		hx_reserve(d1, XENMEM_decrease_reservation, HX_GFN(HX_PAGE(7))),
		1);
	EXPECT_EQ(hx_type(d1, HX_GFN(HX_PAGE(7))), p2m_invalid);
	EXPECT_EQ(
		hx_reserve(d1, XENMEM_decrease_reservation, HX_GFN(HX_PAGE(7))),
		0);
	EXPECT_EQ(hx_reserve(d1, XENMEM_populate_physmap, HX_GFN(HX_PAGE(7))),
		  1);
	EXPECT_EQ(hx_type(d1, HX_GFN(HX_PAGE(7))), p2m_ram_rw);
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op,
			   XENMEM_remove_from_physmap, &x, sizeof(x), 0),
		  0);
	EXPECT_EQ(hx_type(d1, HX_GFN(HX_PAGE(7))), p2m_invalid);
	x.domid = 2;
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op,
			   XENMEM_remove_from_physmap, &x, sizeof(x), 0),
		  -EPERM);
	EXPECT_EQ(hx_call(d1->vcpus[0], __HYPERVISOR_memory_op,
			  XENMEM_acquire_resource, HX_ARG0, 0),
		  -EPERM);
}

TEST(hypercall_table_holes_and_small_calls)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct vcpu *v = d1->vcpus[0];

	EXPECT_EQ(hx_call(v, __HYPERVISOR_domctl, 0, 0, 0), -ENOSYS);
	EXPECT_EQ(hx_call(v, NR_HYPERCALLS, 0, 0, 0), -ENOSYS);
	EXPECT_EQ(hx_call(v, ~0ULL, 0, 0, 0), -ENOSYS);
	EXPECT_EQ(hx_call(v, __HYPERVISOR_vm_assist, 0, 5, 0), 0);
	EXPECT_EQ(hx_call(v, __HYPERVISOR_vm_assist, 0, 2, 0), -EINVAL);
	EXPECT_EQ(hx_call(v, __HYPERVISOR_vm_assist, 2, 5, 0), -ENOSYS);
	EXPECT_EQ(hx_call(v, __HYPERVISOR_platform_op, 0, 0, 0), -EPERM);
	EXPECT_EQ(hx_call(d0->vcpus[0], __HYPERVISOR_platform_op, 0, 0, 0), 0);
	EXPECT_EQ(hx_call(v, __HYPERVISOR_physdev_op, 0, 0, 0), -ENOSYS);
	EXPECT_EQ(
		hx_call(v, __HYPERVISOR_grant_table_op, 0, HX_ARG0, 1ULL << 32),
		-EINVAL);
}

TEST(guest_access_needs_a_current_vcpu_and_its_stage_2)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	uint64_t x = 0;

	this_cpu()->current = NULL;
	EXPECT_EQ(copy_from_guest(&x, HX_ARG0, sizeof(x)), -EFAULT);
	hx_set_current(d1->vcpus[0]);
	EXPECT_EQ(copy_from_guest(&x, HX_ARG0, sizeof(x)), 0);
	/* Across the end of RAM: refused whole, nothing copied. */
	x = 7;
	EXPECT_EQ(copy_to_guest(GUEST_RAM_BASE + d1->ram_size - 4, &x, 8),
		  -EFAULT);
	EXPECT_EQ(*(uint32_t *)hx_va(d1, GUEST_RAM_BASE + d1->ram_size - 4), 0);
	EXPECT_EQ(copy_to_guest(~0ULL - 2, &x, 8), -EFAULT);
	EXPECT_EQ(copy_to_guest(HX_ARG0 + 4092, &x, 8), 0);
	EXPECT_EQ(copy_from_guest(&x, HX_ARG0 + 4092, 8), 0);
	EXPECT_EQ(x, 7);
}
