/* SPDX-License-Identifier: MIT */
/* The boot flow on the host: dom0 and boot-time domUs from a device tree. */
#include <libfdt.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <public/hvm.h>
#include <sable/mm.h>

#include "core_test.h"
#include "sched_priv.h"

static char fdt[16384];

static const struct hx_domu domu1 = {
	.name = "domU1",
	.mem_kib = 16384,
	.vcpus = 1,
	.vpl011 = true,
	.enhanced = true,
};

TEST(boot_dom0_and_domu_start_dom0_first)
{
	struct host_stop stop;
	struct domain *d0, *d1;

	hx_fdt_machine(fdt, sizeof(fdt), 2, "dom0_mem=32M dom0_max_vcpus=1",
		       true, &domu1, 1);
	ASSERT_EQ(hx_boot(fdt, &stop), HOST_VCPU_RUN);
	d0 = domain_lookup(0);
	d1 = domain_lookup(1);
	ASSERT_TRUE(d0 && d1);
	EXPECT_TRUE(stop.vcpu == d0->vcpus[0]);
	EXPECT_TRUE(d0->privileged && d0->direct_map);
	EXPECT_EQ(d0->ram_size, 32ULL << 20);
	EXPECT_EQ(d1->ram_size, 16ULL << 20);
	EXPECT_EQ(d1->ram_base, GUEST_RAM_BASE);
	EXPECT_TRUE(hx_console_clean());
	EXPECT_TRUE(strstr(host_console_output(), "domain 1 (domU1)") != NULL);
}

TEST(boot_dom0_gets_its_fdt_ram_and_devices)
{
	struct domain *d0;
	const void *dt;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "dom0_mem=32M", true, NULL, 0);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d0 = domain_lookup(0);
	ASSERT_TRUE(d0 != NULL);
	/* 1:1 RAM inside the arena; x0 is its device tree. */
	EXPECT_TRUE(host_ram_contains(d0->ram_base, d0->ram_size));
	EXPECT_EQ(hx_type(d0, d0->ram_base >> PAGE_SHIFT), p2m_ram_rw);
	EXPECT_EQ(d0->vcpus[0]->arch.entry, d0->ram_base);
	dt = (const void *)(uintptr_t)d0->vcpus[0]->arch.x0;
	ASSERT_EQ(fdt_check_header(dt), 0);
	EXPECT_GE(fdt_path_offset(dt, "/hypervisor"), 0);
	EXPECT_LT(fdt_path_offset(dt, "/pl011@9000000"), 0);
	EXPECT_MEMEQ(hx_va(d0, d0->ram_base), hx_kernel, 64);
	/* The passed-through device: MMIO 1:1, its SPI linked. */
	EXPECT_EQ(hx_type(d0, HX_DEV_BASE >> PAGE_SHIFT), p2m_mmio);
	EXPECT_EQ(hx_type(d0, HX_UART >> PAGE_SHIFT), p2m_invalid);
}

TEST(boot_enhanced_domu_gets_xenstore_page_and_port)
{
	struct domain *d1;
	uint64_t gfn =
		(GUEST_MAGIC_BASE >> PAGE_SHIFT) + GUEST_XENSTORE_PFN_OFFSET;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "dom0_mem=32M", true, &domu1, 1);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d1 = domain_lookup(1);
	ASSERT_TRUE(d1 != NULL);
	EXPECT_EQ(hx_type(d1, gfn), p2m_ram_rw);
	EXPECT_NE(d1->hvm_params[HVM_PARAM_STORE_EVTCHN], 0);
	EXPECT_EQ(d1->hvm_params[HVM_PARAM_STORE_PFN], ~0ULL);
	/* The kernel is at RAM base, its device tree in x0. */
	EXPECT_EQ(d1->vcpus[0]->arch.entry, GUEST_RAM_BASE);
	EXPECT_EQ(fdt_check_header(hx_va(d1, d1->vcpus[0]->arch.x0)), 0);
}

TEST(boot_domus_only_without_dom0)
{
	struct host_stop stop;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, &domu1, 1);
	ASSERT_EQ(hx_boot(fdt, &stop), HOST_VCPU_RUN);
	EXPECT_TRUE(domain_lookup(0) == NULL);
	ASSERT_TRUE(domain_lookup(1) != NULL);
	EXPECT_TRUE(stop.vcpu == domain_lookup(1)->vcpus[0]);
	/* xen,enhanced without dom0: warned, no xenstore. */
	EXPECT_EQ(domain_lookup(1)->hvm_params[HVM_PARAM_STORE_PFN], 0);
}

TEST(boot_domu_takes_its_weight_and_cap_from_the_device_tree)
{
	const struct hx_domu doms[2] = {
		{ .name = "plain", .mem_kib = 16384, .vcpus = 1 },
		{ .name = "heavy",
		  .mem_kib = 16384,
		  .vcpus = 1,
		  .weight = 512,
		  .cap = 50 },
	};

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, doms, 2);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	ASSERT_TRUE(domain_lookup(1) && domain_lookup(2));
	EXPECT_EQ(domain_lookup(1)->sched_weight, 256);
	EXPECT_EQ(domain_lookup(1)->sched_cap, 0);
	EXPECT_EQ(domain_lookup(2)->sched_weight, 512);
	EXPECT_EQ(domain_lookup(2)->sched_cap, 50);
	EXPECT_TRUE(hx_console_clean());
}

TEST(boot_without_any_kernel_stops_the_machine)
{
	struct host_stop stop;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, NULL, 0);
	ASSERT_EQ(hx_boot(fdt, &stop), HOST_MACHINE_EXIT);
	EXPECT_EQ(stop.status, 2);
	EXPECT_TRUE(strstr(host_console_output(), "no dom0 kernel module"));
}

TEST(boot_el2_fault_selftest_traps)
{
	int status = 0;
	pid_t pid;

	/* The deliberate EL2 exception is a trap instruction: SIGILL here. */
	hx_fdt_machine(fdt, sizeof(fdt), 1, "sable.selftest=el2-fault", true,
		       NULL, 0);
	fflush(NULL);
	pid = fork();
	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		hx_boot(fdt, NULL);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL);
}

/* dom0's RAM leaves by size after a boot with @cmdline on @compat's board. */
static struct p2m_stats boot_dom0_leaves(const char *cmdline,
					 const char *compat)
{
	struct p2m_stats s = { 0 };
	enum host_stop_kind k;
	struct domain *d0;

	hx_fdt_machine(fdt, sizeof(fdt), 1, cmdline, true, NULL, 0);
	if (compat) {
		ASSERT_EQ(fdt_open_into(fdt, fdt, sizeof(fdt)), 0);
		ASSERT_EQ(fdt_setprop_string(fdt, 0, "compatible", compat), 0);
	}
	k = hx_boot(fdt, NULL);
	if (k != HOST_VCPU_RUN) {
		fprintf(stderr, "%s", host_console_output());
	}
	ASSERT_EQ(k, HOST_VCPU_RUN);
	d0 = domain_lookup(0);
	ASSERT_TRUE(d0 != NULL);
	spin_lock(&d0->p2m.lock);
	p2m_count(&d0->p2m, &s);
	spin_unlock(&d0->p2m.lock);
	return s;
}

/* One boot per test: a boot takes the machine as the device tree says. */
TEST(boot_maps_with_blocks_on_hardware)
{
	struct p2m_stats s = boot_dom0_leaves("dom0_mem=32M", "vendor,board");

	EXPECT_EQ(p2m_block_limit(), 1ULL << 30);
	EXPECT_GT(s.leaves[2], 0);
	EXPECT_TRUE(strstr(host_console_output(),
			   "stage-2 blocks up to 1048576 KiB (default)"));
}

TEST(boot_maps_with_pages_on_qemu_virt)
{
	struct p2m_stats s =
		boot_dom0_leaves("dom0_mem=32M", "linux,dummy-virt");

	EXPECT_EQ(p2m_block_limit(), (uint64_t)PAGE_SIZE);
	EXPECT_EQ(s.leaves[1] + s.leaves[2], 0);
	EXPECT_GE(s.leaves[3], (32ULL << 20) >> PAGE_SHIFT);
	EXPECT_TRUE(strstr(host_console_output(),
			   "stage-2 blocks up to 4 KiB (QEMU virt machine)"));
	p2m_set_block_limit(1ULL << 30);
}

TEST(boot_s2_block_option_overrides_the_board)
{
	struct p2m_stats s = boot_dom0_leaves("dom0_mem=32M s2_block=2m",
					      "linux,dummy-virt");

	EXPECT_EQ(p2m_block_limit(), 2ULL << 20);
	EXPECT_EQ(s.leaves[1], 0);
	EXPECT_GT(s.leaves[2], 0);
	EXPECT_TRUE(strstr(host_console_output(),
			   "stage-2 blocks up to 2048 KiB (s2_block=)"));
	p2m_set_block_limit(1ULL << 30);
}

TEST(boot_s2_block_of_4k_maps_pages_on_any_board)
{
	struct p2m_stats s = boot_dom0_leaves("dom0_mem=32M s2_block=4k", NULL);

	EXPECT_EQ(p2m_block_limit(), (uint64_t)PAGE_SIZE);
	EXPECT_EQ(s.leaves[1] + s.leaves[2], 0);
	p2m_set_block_limit(1ULL << 30);
}

TEST(boot_bad_s2_block_is_named_and_the_default_kept)
{
	struct p2m_stats s = boot_dom0_leaves("dom0_mem=32M s2_block=3m", NULL);

	EXPECT_EQ(p2m_block_limit(), 1ULL << 30);
	EXPECT_GT(s.leaves[2], 0);
	EXPECT_TRUE(
		strstr(host_console_output(),
		       "s2_block=3m: not 4k, 2m or 1g; keeping 1048576 KiB"));
}

/* A domain of @mib MiB RAM given with a stage-2 budget of @budget tables. */
static struct p2m_stats domain_leaves(domid_t id, uint64_t mib, uint64_t budget)
{
	uint64_t mem = mib << 20;
	paddr_t pa = mm_alloc_pages(mem >> PAGE_SHIFT, 512);
	struct p2m_stats s = { 0 };
	struct domain *d;

	ASSERT_NE(pa.pa, 0);
	d = domain_create(id, id == 1 ? "small" : "big", 1, false, 32);
	ASSERT_TRUE(d != NULL);
	ASSERT_EQ(domain_give_ram(d, GUEST_RAM_BASE, pa, mem, budget), 0);
	spin_lock(&d->p2m.lock);
	p2m_count(&d->p2m, &s);
	spin_unlock(&d->p2m.lock);
	return s;
}

TEST(domain_whose_budget_cannot_hold_pages_gets_its_ram_in_blocks)
{
	struct p2m_stats s;

	hx_machine_init();
	ASSERT_EQ(p2m_set_block_limit(PAGE_SIZE), 0);
	/* 64 MiB in pages needs 32 level-3 tables: 8 cannot hold them. */
	s = domain_leaves(1, 64, 8);
	EXPECT_EQ(s.leaves[3], 0);
	EXPECT_EQ(s.leaves[2], 32);
	EXPECT_TRUE(strstr(host_console_output(),
			   "domain 1: a stage-2 budget of 8 tables cannot hold "
			   "its RAM in 4 KiB pages: mapped with blocks"));
	/* A budget that holds them, or the default: pages as asked. */
	s = domain_leaves(2, 64, 40);
	EXPECT_EQ(s.leaves[2], 0);
	EXPECT_EQ(s.leaves[3], 64 * 256);
	EXPECT_TRUE(strstr(host_console_output(), "domain 2:") == NULL);
	s = domain_leaves(3, 64, 0);
	EXPECT_EQ(s.leaves[3], 64 * 256);
	p2m_set_block_limit(1ULL << 30);
}

TEST(boot_sets_the_sibling_slice_from_the_command_line)
{
	boot_dom0_leaves("dom0_mem=32M sched_sibling_slice_us=250", NULL);
	EXPECT_EQ(sched_sibling_slice_us, 250);
	EXPECT_TRUE(strstr(host_console_output(), "sibling slice 250 us"));
}

TEST(boot_refuses_a_sibling_slice_out_of_bounds_and_keeps_the_default)
{
	boot_dom0_leaves("dom0_mem=32M sched_sibling_slice_us=50", NULL);
	EXPECT_EQ(sched_sibling_slice_us, SCHED_SIBLING_SLICE_US);
	EXPECT_TRUE(strstr(host_console_output(),
			   "sched_sibling_slice_us=50: not 100 to the slice "
			   "(4000)"));
}

TEST(boot_sets_the_slice_from_the_command_line)
{
	boot_dom0_leaves("dom0_mem=32M sched_slice_us=3000", NULL);
	EXPECT_EQ(sched_slice_us, 3000);
	EXPECT_TRUE(strstr(host_console_output(), "slice 3000 us"));
}

TEST(boot_refuses_a_slice_out_of_bounds_and_keeps_the_default)
{
	boot_dom0_leaves("dom0_mem=32M sched_slice_us=400", NULL);
	EXPECT_EQ(sched_slice_us, SCHED_SLICE_US);
	EXPECT_TRUE(strstr(host_console_output(),
			   "sched_slice_us=400: not 500 to 10000"));
}

TEST(boot_gives_dom0_twice_a_domus_weight)
{
	boot_dom0_leaves("dom0_mem=32M", NULL);
	EXPECT_EQ(domain_lookup(0)->sched_weight, SCHED_WEIGHT_DOM0);
	EXPECT_EQ(SCHED_WEIGHT_DOM0, 2 * SCHED_WEIGHT_DEFAULT);
}

TEST(boot_sets_dom0s_weight_from_the_command_line)
{
	boot_dom0_leaves("dom0_mem=32M dom0_weight=256", NULL);
	EXPECT_EQ(domain_lookup(0)->sched_weight, 256);
	EXPECT_TRUE(hx_console_clean());
}

TEST(boot_refuses_a_dom0_weight_out_of_bounds_and_keeps_the_default)
{
	boot_dom0_leaves("dom0_mem=32M dom0_weight=65536", NULL);
	EXPECT_EQ(domain_lookup(0)->sched_weight, SCHED_WEIGHT_DOM0);
	EXPECT_TRUE(strstr(host_console_output(),
			   "dom0_weight=65536: not 1 to 65535; keeping 512"));
}

TEST(boot_refuses_a_dom0_weight_that_is_not_a_number)
{
	boot_dom0_leaves("dom0_mem=32M dom0_weight=12x", NULL);
	EXPECT_EQ(domain_lookup(0)->sched_weight, SCHED_WEIGHT_DOM0);
	EXPECT_TRUE(strstr(host_console_output(),
			   "dom0_weight=12x: not 1 to 65535; keeping 512"));
}

/* The slice is set first: a sibling slice longer than it is refused. */
TEST(boot_refuses_a_sibling_slice_longer_than_the_slice)
{
	boot_dom0_leaves("dom0_mem=32M sched_sibling_slice_us=1500 "
			 "sched_slice_us=1000",
			 NULL);
	EXPECT_EQ(sched_slice_us, 1000);
	EXPECT_EQ(sched_sibling_slice_us, SCHED_SIBLING_SLICE_US);
	EXPECT_TRUE(strstr(host_console_output(),
			   "sched_sibling_slice_us=1500: not 100 to the slice "
			   "(1000)"));
}
