/* SPDX-License-Identifier: MIT */
/*
 * The device-model hooks of dom_env.c (vPSCI starting and stopping vCPUs,
 * shutting domains down), a domU's emulated UART through mmio_dispatch(),
 * and boot-time domains that are refused or carry a ramdisk.
 */
#include <public/memory.h>
#include <public/xen.h>
#include <sable/vpsci.h>

#include "core_test.h"
#include "domu.h"

static char fdt[16384];

struct psci_call {
	struct domain *d;
	unsigned int vcpu;
	uint64_t regs[4];
	int action;
};

static void psci_fn(void *arg)
{
	struct psci_call *c = arg;

	c->action = vpsci_handle(c->d, c->d->nr_vcpus, c->vcpu, c->regs);
}

static int psci(struct domain *d, unsigned int vcpu, uint32_t fn, uint64_t a1,
		uint64_t a2, struct host_stop *stop)
{
	struct psci_call c = { .d = d,
			       .vcpu = vcpu,
			       .regs = { fn, a1, a2, 7 } };

	hx_set_current(d->vcpus[vcpu]);
	if (host_run(psci_fn, &c, stop) != HOST_RETURNED) {
		return -1000;
	}
	return (int)(int64_t)c.regs[0];
}

TEST(vpsci_cpu_on_starts_an_offline_vcpu_through_the_scheduler)
{
	struct domain *d1 = hx_domain(1, 2, false, HX_DOM_MEM);
	struct vcpu *v1 = d1->vcpus[1];

	EXPECT_EQ(psci(d1, 0, PSCI_FN64(PSCI_0_2_AFFINITY_INFO), 1, 0, NULL),
		  PSCI_AFF_OFF);
	EXPECT_EQ(psci(d1, 0, PSCI_FN64(PSCI_0_2_CPU_ON), 1, GUEST_RAM_BASE,
		       NULL),
		  PSCI_RET_SUCCESS);
	EXPECT_EQ(v1->state, VCPU_RUNNABLE);
	EXPECT_EQ(v1->arch.entry, GUEST_RAM_BASE);
	EXPECT_EQ(v1->arch.x0, 7);
	EXPECT_EQ(psci(d1, 0, PSCI_FN64(PSCI_0_2_AFFINITY_INFO), 1, 0, NULL),
		  PSCI_AFF_ON);
	EXPECT_EQ(psci(d1, 0, PSCI_FN64(PSCI_0_2_CPU_ON), 1, GUEST_RAM_BASE,
		       NULL),
		  PSCI_RET_ALREADY_ON);
	EXPECT_EQ(psci(d1, 0, PSCI_FN64(PSCI_0_2_CPU_ON), 5, GUEST_RAM_BASE,
		       NULL),
		  PSCI_RET_INVALID_PARAMS);
	EXPECT_EQ(psci(d1, 1, PSCI_0_2_CPU_OFF, 0, 0, NULL), PSCI_RET_SUCCESS);
}

TEST(vpsci_system_off_of_the_last_domain_stops_the_machine)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct host_stop stop;

	EXPECT_EQ(psci(d1, 0, PSCI_0_2_SYSTEM_OFF, 0, 0, &stop), -1000);
	EXPECT_EQ(stop.kind, HOST_MACHINE_EXIT);
	EXPECT_EQ(stop.status, 0);
	EXPECT_TRUE(d1->is_shutdown);
}

/* A domU's SYSTEM_OFF or SYSTEM_RESET ends that domain, nothing else. */
TEST(vpsci_system_off_and_reset_of_a_domu_stop_only_that_domain)
{
	struct domain *d0 = hx_domain(0, 1, true, HX_DOM_MEM);
	struct domain *d1 = hx_domain(1, 2, false, HX_DOM_MEM);
	struct domain *d2 = hx_domain(2, 1, false, HX_DOM_MEM);

	/* SYSTEM_SUSPEND and SYSTEM_RESET2 are not offered. */
	EXPECT_EQ(psci(d2, 0, PSCI_FN64(PSCI_1_0_SYSTEM_SUSPEND), 0, 0, NULL),
		  PSCI_RET_NOT_SUPPORTED);
	EXPECT_EQ(psci(d2, 0, PSCI_1_1_SYSTEM_RESET2, 0, 0, NULL),
		  PSCI_RET_NOT_SUPPORTED);
	EXPECT_FALSE(d2->is_shutdown);
	EXPECT_EQ(psci(d1, 1, PSCI_0_2_SYSTEM_RESET, 0, 0, NULL),
		  PSCI_RET_SUCCESS);
	EXPECT_TRUE(d1->is_shutdown);
	EXPECT_EQ(d1->shutdown_reason, SHUTDOWN_reboot);
	EXPECT_EQ(psci(d2, 0, PSCI_0_2_SYSTEM_OFF, 0, 0, NULL),
		  PSCI_RET_SUCCESS);
	EXPECT_TRUE(d2->is_shutdown);
	EXPECT_EQ(d2->shutdown_reason, SHUTDOWN_poweroff);
	EXPECT_FALSE(d0->is_shutdown);
	EXPECT_TRUE(domain_lookup(0) == d0);
}

static uint64_t uart(struct vcpu *v, uint64_t off, bool write, uint64_t val)
{
	struct mmio_access acc = { .ipa = GUEST_PL011_BASE + off,
				   .size = 4,
				   .is_write = write,
				   .val = val };

	EXPECT_EQ(mmio_dispatch(v, &acc), MMIO_HANDLED);
	return acc.val;
}

TEST(vpl011_lines_reach_the_console_and_tx_interrupt_follows_imsc)
{
	static const struct hx_domu u = {
		.name = "uart", .mem_kib = 16384, .vcpus = 1, .vpl011 = true
	};
	struct domain *d1;
	struct vcpu *v;
	struct mmio_access gap = { .ipa = GUEST_PL011_BASE - 4, .size = 4 };

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, &u, 1);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d1 = domain_lookup(1);
	ASSERT_TRUE(d1 != NULL);
	v = d1->vcpus[0];
	for (const char *s = "uart ok\n"; *s; s++) {
		uart(v, 0x000, true, (uint8_t)*s);
	}
	EXPECT_TRUE(strstr(host_console_output(), "(d1) uart ok\n") != NULL);
	EXPECT_EQ(uart(v, 0x018, false, 0), (1U << 7) | (1U << 4));
	EXPECT_EQ(uart(v, 0x03c, false, 0), 1U << 5);
	EXPECT_EQ(uart(v, 0x040, false, 0), 0);
	hx_mmio_write(v, GUEST_GICD_BASE, 1U << 1);
	uart(v, 0x038, true, 1U << 5);
	EXPECT_EQ(uart(v, 0x038, false, 0), 1U << 5);
	EXPECT_EQ(uart(v, 0x040, false, 0), 1U << 5);
	uart(v, 0x000, false, 0);
	uart(v, 0x044, true, 0xffff);
	uart(v, 0x018, true, 0);
	uart(v, 0x03c, true, 0);
	uart(v, 0x040, true, 0);
	uart(v, 0x038, true, 0);
	EXPECT_EQ(mmio_dispatch(v, &gap), MMIO_UNHANDLED);
}

/*
 * A flood on the data register: the domain's output reaches the console
 * up to its burst, then one "suppressed" line, however much it writes.
 */
TEST(vpl011_flood_is_cut_to_the_domains_output_budget)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct vcpu *v = d1->vcpus[0];
	const char *out, *p;
	unsigned int suppressed = 0;

	ASSERT_EQ(vpl011_init(d1), 0);
	host_clock_manual(true);
	host_console_clear();
	for (unsigned int i = 0; i < (512U << 10); i++) {
		uart(v, 0x000, true, i % 64 == 63 ? '\n' : 'f');
	}
	out = host_console_output();
	EXPECT_TRUE(strstr(out, "(d1) ffff") != NULL);
	EXPECT_GT(strlen(out), 32U << 10);
	EXPECT_LT(strlen(out), 80U << 10);
	for (p = out; (p = strstr(p, "output suppressed")) != NULL; p++) {
		suppressed++;
	}
	EXPECT_EQ(suppressed, 1);
	EXPECT_TRUE(hx_console_clean());
}

TEST(boot_domu_with_a_ramdisk_gets_it_after_its_device_tree)
{
	static const struct hx_domu u = {
		.name = "rd", .mem_kib = 16384, .vcpus = 1, .ramdisk = true
	};
	struct domain *d1;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, &u, 1);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d1 = domain_lookup(1);
	ASSERT_TRUE(d1 != NULL);
	EXPECT_MEMEQ(hx_va(d1, d1->vcpus[0]->arch.x0 + DOMU_FDT_MAX), hx_kernel,
		     64);
}

TEST(boot_refused_domus_are_reported_and_others_still_built)
{
	static const struct hx_domu u[] = {
		{ .name = "bad",
		  .mem_kib = 16384,
		  .vcpus = 1,
		  .bad_kernel = true },
		{ .name = "huge", .mem_kib = 4ULL << 20, .vcpus = 1 },
		{ .name = "toolarge", .mem_kib = 1ULL << 20, .vcpus = 1 },
		{ .name = "good", .mem_kib = 16384, .vcpus = 1 },
	};
	struct host_stop stop;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, u, ARRAY_SIZE(u));
	ASSERT_EQ(hx_boot(fdt, &stop), HOST_VCPU_RUN);
	EXPECT_TRUE(domain_lookup(1) == NULL);
	EXPECT_TRUE(domain_lookup(2) == NULL);
	EXPECT_TRUE(domain_lookup(3) == NULL);
	ASSERT_TRUE(domain_lookup(4) != NULL);
	EXPECT_TRUE(stop.vcpu == domain_lookup(4)->vcpus[0]);
	EXPECT_TRUE(strstr(host_console_output(), "not an arm64 Image"));
	EXPECT_TRUE(strstr(host_console_output(), "cannot allocate"));
}

TEST(add_to_physmap_refuses_status_frames_and_frames_past_the_limit)
{
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = XENMAPSPACE_grant_table,
					.idx = XENMAPIDX_grant_table_status,
					.gpfn = HX_FREE_GFN(0) };

	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  -EINVAL);
	x.idx = 4096;
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  -EINVAL);
	x.gpfn = 1ULL << 40;
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  -EINVAL);
	x.space = 77;
	x.gpfn = HX_FREE_GFN(0);
	EXPECT_EQ(hx_op_in(d1, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			   &x, sizeof(x), 0),
		  -ENOSYS);
	EXPECT_EQ(hx_type(d1, HX_FREE_GFN(0)), p2m_invalid);
}
