/* SPDX-License-Identifier: MIT */
/*
 * Boot-time domains and the control interface: the builder's PV console
 * for an enhanced domain, and a domain dom0 takes over (SABLE_CTL_boot_*)
 * rebuilt from its boot modules on request.
 */
#include <public/hvm.h>
#include <public/sable_ctl.h>
#include <public/sched.h>
#include <public/xen.h>

#include <sable/mm.h>

#include "core_test.h"

static char fdt[16384];

TEST(boot_enhanced_domu_gets_the_pv_console_from_the_same_builder)
{
	const struct hx_domu u = {
		.name = "enh", .mem_kib = 16384, .vcpus = 1, .enhanced = true
	};
	struct domain *d1;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "dom0_mem=32M", true, &u, 1);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d1 = domain_lookup(1);
	ASSERT_TRUE(d1 != NULL);
	EXPECT_EQ(d1->hvm_params[HVM_PARAM_CONSOLE_PFN],
		  (GUEST_MAGIC_BASE >> PAGE_SHIFT) + GUEST_CONSOLE_PFN_OFFSET);
	EXPECT_NE(d1->hvm_params[HVM_PARAM_CONSOLE_EVTCHN], 0);
	EXPECT_EQ(d1->hvm_params[HVM_PARAM_STORE_EVTCHN], 1);
	EXPECT_EQ(hx_type(d1, d1->hvm_params[HVM_PARAM_CONSOLE_PFN]),
		  p2m_ram_rw);
	/* Started by the builder's unpause. */
	EXPECT_NE(d1->vcpus[0]->state, VCPU_OFFLINE);
	EXPECT_TRUE(domu_is_built(d1));
	EXPECT_EQ(domu_pause_count(d1), 0);
	/* The builder refuses a second build of it. */
	EXPECT_EQ(domu_build(d1, &(struct domu_built){ 0 }), -EBUSY);
	EXPECT_TRUE(hx_console_clean());
}

/* hx_ctl for a dom0 the boot flow built (its RAM is mapped 1:1). */
static long boot_ctl(struct domain *d0, struct sable_ctl *c)
{
	uint64_t arg = d0->ram_base + 0x100000;
	long rc;

	hx_put(d0, arg, c, sizeof(*c));
	rc = hx_call(d0->vcpus[0], __HYPERVISOR_sable_ctl, arg, 0, 0);
	hx_get(d0, arg, c, sizeof(*c));
	return rc;
}

static struct sable_ctl cmd(uint32_t op, uint32_t domid)
{
	return (struct sable_ctl){ .version = SABLE_CTL_VERSION,
				   .cmd = op,
				   .domid = domid };
}

static long boot_simple(struct domain *d0, uint32_t op, uint32_t domid)
{
	struct sable_ctl c = cmd(op, domid);

	return boot_ctl(d0, &c);
}

TEST(boot_domain_managed_by_dom0_is_rebuilt_paused_on_request)
{
	const struct hx_domu u[2] = {
		{ .name = "mgd",
		  .mem_kib = 16384,
		  .vcpus = 1,
		  .enhanced = true,
		  .on_reboot = "restart" },
		{ .name = "plain", .mem_kib = 16384, .vcpus = 1 },
	};
	struct sable_ctl c;
	struct domain *d0, *d1;
	uint64_t free_before;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "dom0_mem=32M", true, u, 2);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d0 = domain_lookup(0);
	d1 = domain_lookup(1);
	ASSERT_TRUE(d0 != NULL && d1 != NULL);
	/* Taken over: the description's actions, absent ones unset. */
	c = cmd(SABLE_CTL_boot_manage, 1);
	ASSERT_EQ(boot_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.boot.on[SABLE_BOOT_EV_poweroff], SABLE_BOOT_ACT_unset);
	EXPECT_EQ(c.u.boot.on[SABLE_BOOT_EV_reboot], SABLE_BOOT_ACT_restart);
	EXPECT_EQ(c.u.boot.on[SABLE_BOOT_EV_crash], SABLE_BOOT_ACT_unset);
	EXPECT_EQ(boot_simple(d0, SABLE_CTL_boot_manage, 0), -EPERM);
	/* Its reboot is left to dom0: shut down, memory kept. */
	c = cmd(SABLE_CTL_shutdown, 1);
	c.u.shutdown.reason = SHUTDOWN_reboot;
	ASSERT_EQ(boot_ctl(d0, &c), 0);
	host_quiesce_all();
	ASSERT_TRUE(domain_lookup(1) == d1);
	EXPECT_TRUE(d1->is_shutdown && !d1->is_dying);
	free_before = mm_free_pages_count();
	/* dom0 asks for the rebuild: same id and name, paused, store pending. */
	EXPECT_EQ(boot_simple(d0, SABLE_CTL_boot_restart, 1), 0);
	host_quiesce_all();
	d1 = domain_lookup(1);
	ASSERT_TRUE(d1 != NULL);
	EXPECT_FALSE(d1->is_shutdown || d1->is_dying);
	EXPECT_STREQ(d1->name, "mgd");
	EXPECT_TRUE(domu_is_built(d1));
	EXPECT_EQ(domu_pause_count(d1), 1);
	EXPECT_EQ(d1->vcpus[0]->state, VCPU_OFFLINE);
	EXPECT_EQ(d1->hvm_params[HVM_PARAM_STORE_PFN], ~0ULL);
	EXPECT_EQ(mm_free_pages_count(), free_before);
	EXPECT_EQ(boot_simple(d0, SABLE_CTL_unpause, 1), 0);
	EXPECT_NE(d1->vcpus[0]->state, VCPU_OFFLINE);
	/* Still managed: the next reboot waits for dom0 again. */
	c = cmd(SABLE_CTL_shutdown, 1);
	c.u.shutdown.reason = SHUTDOWN_reboot;
	ASSERT_EQ(boot_ctl(d0, &c), 0);
	host_quiesce_all();
	EXPECT_TRUE(domain_lookup(1) == d1 && d1->is_shutdown);
	EXPECT_EQ(boot_simple(d0, SABLE_CTL_boot_manage, 3), -ESRCH);
	EXPECT_TRUE(hx_console_clean());
}
