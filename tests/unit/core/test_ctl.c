/* SPDX-License-Identifier: MIT */
/*
 * The control interface (public/sable_ctl.h) through the real hypercall
 * path, as dom0's toolstack issues it: building a domain from create to
 * unpause, every command's checks, the console history, and the
 * boot-time domains built by the same builder.
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include <libfdt.h>

#include <public/grant_table.h>
#include <public/hvm.h>
#include <public/sable_ctl.h>
#include <public/sched.h>
#include <public/xen.h>

#include <sable/arch.h>
#include <sable/log.h>
#include <sable/mm.h>

#include "console.h"
#include "core_test.h"

/* Where dom0 keeps the images it loads (its own RAM, VA == IPA). */
#define BUF HX_PAGE(0)
#define BUF_MAX (4ULL << 20)

static struct domain *dom0(void)
{
	return hx_domain(0, 1, true, HX_DOM_MEM);
}

static struct sable_ctl cmd(uint32_t op, uint32_t domid)
{
	return (struct sable_ctl){ .version = SABLE_CTL_VERSION,
				   .cmd = op,
				   .domid = domid };
}

static struct sable_ctl_create good_create(const char *name)
{
	struct sable_ctl_create c = { .nr_vcpus = 2,
				      .mem_kib = 16 << 10,
				      .kernel_size = sizeof(hx_kernel),
				      .flags = SABLE_CREATE_console |
					       SABLE_CREATE_xenstore };

	snprintf(c.name, sizeof(c.name), "%s", name);
	return c;
}

static long create(struct domain *d0, const struct sable_ctl_create *in,
		   uint32_t *domid)
{
	struct sable_ctl c = cmd(SABLE_CTL_create, 0);
	long rc;

	c.u.create = *in;
	rc = hx_ctl(d0, &c);
	if (!rc && domid) {
		*domid = c.u.create.domid;
		EXPECT_EQ(c.domid, c.u.create.domid);
	}
	return rc;
}

/* Load @len bytes dom0 holds at BUF + @at. */
static long load(struct domain *d0, uint32_t domid, uint32_t kind,
		 uint64_t offset, uint64_t at, uint32_t len)
{
	struct sable_ctl c = cmd(SABLE_CTL_load, domid);

	c.u.load = (struct sable_ctl_load){
		.kind = kind, .len = len, .offset = offset, .buf = BUF + at
	};
	return hx_ctl(d0, &c);
}

static long simple(struct domain *d0, uint32_t op, uint32_t domid)
{
	struct sable_ctl c = cmd(op, domid);

	return hx_ctl(d0, &c);
}

static long build(struct domain *d0, uint32_t domid, struct sable_ctl_build *b)
{
	struct sable_ctl c = cmd(SABLE_CTL_build, domid);
	long rc = hx_ctl(d0, &c);

	if (b) {
		*b = c.u.build;
	}
	return rc;
}

static struct sable_ctl_domain_info info(struct domain *d0, uint32_t domid)
{
	struct sable_ctl c = cmd(SABLE_CTL_domain_info, domid);

	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.info.domid, domid);
	return c.u.info;
}

/* Create a domain with the standard kernel loaded. */
static uint32_t make_loaded(struct domain *d0, const char *name)
{
	struct sable_ctl_create in = good_create(name);
	uint32_t id = 0;

	ASSERT_EQ(create(d0, &in, &id), 0);
	hx_put(d0, BUF, hx_kernel, sizeof(hx_kernel));
	ASSERT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, sizeof(hx_kernel)), 0);
	return id;
}

TEST(ctl_create_makes_a_paused_domain_with_zeroed_ram_and_its_limits)
{
	struct domain *d0 = dom0(), *d;
	struct sable_ctl_create in = good_create("guest");
	struct sable_ctl_domain_info i;
	uint32_t id = 0;

	in.max_mem_kib = 32 << 10;
	in.max_evtchn_port = 63;
	in.max_grant_frames = 4;
	in.max_maptrack_frames = 8;
	in.p2m_mem_kib = 1024;
	in.weight = 512;
	in.cap = 50;
	in.mem_kib = (15 << 10) + 1; /* rounded up to 16 MiB */
	EXPECT_EQ(create(d0, &in, &id), 0);
	EXPECT_EQ(id, 1);
	d = domain_lookup(1);
	ASSERT_TRUE(d != NULL);
	EXPECT_STREQ(d->name, "guest");
	EXPECT_EQ(d->nr_vcpus, 2);
	EXPECT_EQ(d->ram_size, 16ULL << 20);
	EXPECT_EQ(d->max_pages, (32ULL << 20) >> PAGE_SHIFT);
	EXPECT_EQ(d->evtchn.max_port, 63);
	EXPECT_EQ(gnttab_max_frames(&d->gnttab), 4);
	EXPECT_EQ(d->gnttab.max_maptrack_frames, 8);
	EXPECT_EQ(d->p2m.max_tables, 256);
	EXPECT_EQ(d->sched_weight, 512);
	EXPECT_EQ(d->sched_cap, 50);
	EXPECT_EQ(hx_type(d, HX_GFN(GUEST_RAM_BASE)), p2m_ram_rw);
	for (uint64_t off = 0; off < d->ram_size; off += 1 << 20) {
		EXPECT_EQ(*(uint64_t *)hx_va(d, GUEST_RAM_BASE + off), 0);
	}
	/* Paused: no vCPU is on a run queue or started. */
	for (unsigned int v = 0; v < d->nr_vcpus; v++) {
		EXPECT_EQ(d->vcpus[v]->state, VCPU_OFFLINE);
	}
	i = info(d0, 1);
	EXPECT_TRUE(i.flags & SABLE_DOMINF_paused);
	EXPECT_FALSE(i.flags & SABLE_DOMINF_built);
	EXPECT_FALSE(i.flags & SABLE_DOMINF_blocked);
	EXPECT_EQ(i.pause_count, 1);
	EXPECT_EQ(i.mem_kib, 16 << 10);
	EXPECT_EQ(i.cur_mem_kib, 16 << 10);
	EXPECT_EQ(i.max_mem_kib, 32 << 10);
	EXPECT_EQ(i.nr_online_vcpus, 0);
	EXPECT_GT(i.xen_kib, 0);
	/* The next id is the lowest free one; a given id is taken as is. */
	in = good_create("second");
	EXPECT_EQ(create(d0, &in, &id), 0);
	EXPECT_EQ(id, 2);
	in = good_create("fifth");
	in.domid = 5;
	EXPECT_EQ(create(d0, &in, &id), 0);
	EXPECT_EQ(id, 5);
	EXPECT_TRUE(hx_console_clean());
}

TEST(ctl_create_refuses_bad_arguments_and_leaves_nothing_behind)
{
	struct domain *d0 = dom0();
	struct sable_ctl_create in;
	uint64_t free_before;
	uint32_t id;

	in = good_create("taken");
	ASSERT_EQ(create(d0, &in, &id), 0);
	free_before = mm_free_pages_count();
#define REFUSED(field_change, err)                             \
	do {                                                   \
		in = good_create("new");                       \
		field_change;                                  \
		EXPECT_EQ(create(d0, &in, NULL), err);         \
		EXPECT_EQ(mm_free_pages_count(), free_before); \
		EXPECT_TRUE(domain_lookup(2) == NULL);         \
	} while (0)
	REFUSED(in.name[0] = '\0', -EINVAL);
	REFUSED(memset(in.name, 'x', sizeof(in.name)), -EINVAL);
	REFUSED(in.name[0] = '\n', -EINVAL);
	REFUSED(snprintf(in.name, sizeof(in.name), "taken"), -EBUSY);
	REFUSED(in.domid = 1, -EBUSY);
	REFUSED(in.domid = MAX_DOMAINS, -EINVAL);
	REFUSED(in.nr_vcpus = 0, -EINVAL);
	REFUSED(in.nr_vcpus = MAX_VCPUS + 1, -EINVAL);
	REFUSED(in.mem_kib = 0, -EINVAL);
	REFUSED(in.mem_kib = (GUEST_RAM_MAX >> 10) + 1, -EINVAL);
	REFUSED(in.mem_kib = HX_RAM_SIZE >> 10, -ENOMEM);
	REFUSED(in.max_mem_kib = 1024, -EINVAL);
	REFUSED(in.kernel_size = 63, -EINVAL);
	REFUSED(in.kernel_size = 17 << 20, -EINVAL);
	REFUSED((in.kernel_size = 8 << 20, in.ramdisk_size = 8 << 20), -EINVAL);
	REFUSED(in.flags = 1U << 7, -EINVAL);
	REFUSED(in.max_evtchn_port = DOMU_MAX_EVTCHN_PORT + 1, -EINVAL);
	REFUSED(in.max_grant_frames = DOMU_MAX_GRANT_FRAMES + 1, -EINVAL);
	REFUSED(in.max_maptrack_frames = DOMU_MAX_MAPTRACK_FRAMES + 1, -EINVAL);
	REFUSED(in.p2m_mem_kib = (1U << 20) + 4, -EINVAL);
	REFUSED(in.cap = 101, -EINVAL);
#undef REFUSED
	/* Only the control domain may create. */
	in = good_create("new");
	{
		struct sable_ctl c = cmd(SABLE_CTL_create, 0);

		c.u.create = in;
		EXPECT_EQ(hx_ctl(domain_lookup(1), &c), -EPERM);
	}
	EXPECT_EQ(mm_free_pages_count(), free_before);
}

TEST(ctl_load_checks_order_bounds_and_target)
{
	struct domain *d0 = dom0(), *d1;
	struct sable_ctl_create in = good_create("guest");
	uint8_t bad[64] = { 0 };
	uint32_t id;

	in.ramdisk_size = 8192;
	ASSERT_EQ(create(d0, &in, &id), 0);
	d1 = domain_lookup((domid_t)id);
	hx_put(d0, BUF, hx_kernel, sizeof(hx_kernel));
	hx_put(d0, BUF + 8192, bad, sizeof(bad));
	/* Nothing before the kernel's header piece. */
	EXPECT_EQ(load(d0, id, SABLE_LOAD_ramdisk, 0, 0, 4096), -EINVAL);
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 64, 64, 64), -EINVAL);
	/* The header piece: whole header, arm64 magic, within the size. */
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, 32), -EINVAL);
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 8192, 64), -EINVAL);
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, 4097), -EINVAL);
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, 0), -EINVAL);
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, SABLE_LOAD_MAX + 1),
		  -EINVAL);
	EXPECT_EQ(load(d0, id, 9, 0, 0, 64), -EINVAL);
	/* Unreadable source. */
	{
		struct sable_ctl c = cmd(SABLE_CTL_load, id);

		c.u.load = (struct sable_ctl_load){ .kind = SABLE_LOAD_kernel,
						    .len = 4096,
						    .buf = 0x1000 };
		EXPECT_EQ(hx_ctl(d0, &c), -EFAULT);
	}
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, 2048), 0);
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 2048, 2048, 2048), 0);
	EXPECT_MEMEQ(hx_va(d1, GUEST_RAM_BASE), hx_kernel, sizeof(hx_kernel));
	/* The ramdisk goes after the device tree, within its size. */
	EXPECT_EQ(load(d0, id, SABLE_LOAD_ramdisk, 4096, 0, 4097), -EINVAL);
	EXPECT_EQ(load(d0, id, SABLE_LOAD_ramdisk, UINT64_MAX, 0, 2), -EINVAL);
	EXPECT_EQ(load(d0, id, SABLE_LOAD_ramdisk, 4096, 0, 4096), 0);
	/* The command line: whole, below 1024 bytes. */
	EXPECT_EQ(load(d0, id, SABLE_LOAD_cmdline, 1, 0, 8), -EINVAL);
	EXPECT_EQ(load(d0, id, SABLE_LOAD_cmdline, 0, 0, 1024), -EINVAL);
	/* Targets: not dom0, not unknown. */
	EXPECT_EQ(load(d0, 0, SABLE_LOAD_kernel, 0, 0, 64), -EPERM);
	EXPECT_EQ(load(d0, 9, SABLE_LOAD_kernel, 0, 0, 64), -ESRCH);
	/* Not loaded whole yet (the ramdisk's first half is missing). */
	EXPECT_EQ(build(d0, id, NULL), -EINVAL);
	EXPECT_EQ(load(d0, id, SABLE_LOAD_ramdisk, 0, 0, 4096), 0);
	EXPECT_EQ(build(d0, id, NULL), 0);
	/* After build nothing more is loaded. */
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, 64), -EBUSY);
	EXPECT_EQ(build(d0, id, NULL), -EBUSY);
}

TEST(ctl_load_of_a_large_piece_runs_in_continuations)
{
	struct domain *d0 = hx_domain(0, 1, true, 8ULL << 20);
	struct sable_ctl_create in = good_create("big");
	struct domain *d1;
	uint8_t *src;
	uint32_t id;

	in.kernel_size = SABLE_LOAD_MAX;
	ASSERT_EQ(create(d0, &in, &id), 0);
	d1 = domain_lookup((domid_t)id);
	src = hx_va(d0, BUF);
	for (uint32_t i = 0; i < SABLE_LOAD_MAX; i++) {
		src[i] = (uint8_t)(i * 7 + 3);
	}
	memcpy(src, hx_kernel, 64);
	d0->vcpus[0]->arch.continuations = 0;
	host_irq_pending = true;
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, SABLE_LOAD_MAX), 0);
	host_irq_pending = false;
	/* 64 KiB a piece: each makes progress, the call sees one result. */
	EXPECT_EQ(d0->vcpus[0]->arch.continuations, SABLE_LOAD_MAX / 65536 - 1);
	EXPECT_MEMEQ(hx_va(d1, GUEST_RAM_BASE), src, SABLE_LOAD_MAX);
	/* A continuation's progress must lie within the load. */
	{
		struct sable_ctl c = cmd(SABLE_CTL_load, id);

		c.u.load = (struct sable_ctl_load){ .kind = SABLE_LOAD_kernel,
						    .len = 4096,
						    .buf = BUF };
		hx_put(d0, HX_ARG0, &c, sizeof(c));
		EXPECT_EQ(hx_call(d0->vcpus[0], __HYPERVISOR_sable_ctl, HX_ARG0,
				  4096, 0),
			  -EINVAL);
	}
}

TEST(ctl_build_writes_device_tree_console_and_xenstore_then_unpause_starts)
{
	struct domain *d0 = dom0(), *d1;
	struct sable_ctl_build b;
	struct sable_ctl_domain_info i;
	static const char cmdline[] = "console=hvc0 root=/dev/xvda";
	const void *dt;
	const char *args;
	uint32_t id = make_loaded(d0, "guest");

	d1 = domain_lookup((domid_t)id);
	hx_put(d0, BUF + 8192, cmdline, strlen(cmdline));
	EXPECT_EQ(load(d0, id, SABLE_LOAD_cmdline, 0, 8192, strlen(cmdline)),
		  0);
	/* Not started before build. */
	EXPECT_EQ(simple(d0, SABLE_CTL_unpause, id), -EINVAL);
	ASSERT_EQ(build(d0, id, &b), 0);
	EXPECT_EQ(b.console_gfn,
		  (GUEST_MAGIC_BASE >> PAGE_SHIFT) + GUEST_CONSOLE_PFN_OFFSET);
	EXPECT_EQ(b.store_gfn,
		  (GUEST_MAGIC_BASE >> PAGE_SHIFT) + GUEST_XENSTORE_PFN_OFFSET);
	EXPECT_EQ(b.console_gref, 0);
	EXPECT_EQ(b.store_gref, 1);
	EXPECT_EQ(b.store_port, 1);
	EXPECT_NE(b.console_port, 0);
	EXPECT_NE(b.console_port, b.store_port);
	/* What hvc_xen and xenbus read. */
	EXPECT_EQ(d1->hvm_params[HVM_PARAM_CONSOLE_PFN], b.console_gfn);
	EXPECT_EQ(d1->hvm_params[HVM_PARAM_CONSOLE_EVTCHN], b.console_port);
	EXPECT_EQ(d1->hvm_params[HVM_PARAM_STORE_EVTCHN], b.store_port);
	EXPECT_EQ(d1->hvm_params[HVM_PARAM_STORE_PFN], ~0ULL);
	EXPECT_EQ(hx_type(d1, b.console_gfn), p2m_ram_rw);
	EXPECT_EQ(*(uint64_t *)hx_va(d1, b.console_gfn << PAGE_SHIFT), 0);
	/* dom0 maps the console page by grant reference 0. */
	{
		uint32_t handle;

		EXPECT_EQ(hx_map_grant(d0, (domid_t)id, 0,
				       HX_FREE_GFN(0) << PAGE_SHIFT,
				       GNTMAP_host_map, &handle),
			  GNTST_okay);
	}
	/* vCPU 0 enters the kernel with its device tree in x0. */
	EXPECT_EQ(d1->vcpus[0]->arch.entry, GUEST_RAM_BASE);
	dt = hx_va(d1, d1->vcpus[0]->arch.x0);
	ASSERT_TRUE(dt != NULL);
	ASSERT_EQ(fdt_check_header(dt), 0);
	args = fdt_getprop(dt, fdt_path_offset(dt, "/chosen"), "bootargs",
			   NULL);
	EXPECT_STREQ(args, cmdline);
	i = info(d0, id);
	EXPECT_TRUE(i.flags & SABLE_DOMINF_built);
	EXPECT_TRUE(i.flags & SABLE_DOMINF_paused);
	EXPECT_EQ(d1->vcpus[0]->state, VCPU_OFFLINE);
	/* The first unpause starts vCPU 0. */
	EXPECT_EQ(simple(d0, SABLE_CTL_unpause, id), 0);
	EXPECT_EQ(d1->vcpus[0]->state, VCPU_RUNNABLE);
	EXPECT_EQ(d1->vcpus[1]->state, VCPU_OFFLINE);
	i = info(d0, id);
	EXPECT_FALSE(i.flags & SABLE_DOMINF_paused);
	EXPECT_EQ(i.pause_count, 0);
	EXPECT_EQ(i.nr_online_vcpus, 1);
	EXPECT_TRUE(hx_console_clean());
}

TEST(ctl_pause_unpause_destroy_refuse_dom0_and_unknown_domains)
{
	struct domain *d0 = dom0();

	EXPECT_EQ(simple(d0, SABLE_CTL_pause, 0), -EPERM);
	EXPECT_EQ(simple(d0, SABLE_CTL_unpause, 0), -EPERM);
	EXPECT_EQ(simple(d0, SABLE_CTL_destroy, 0), -EPERM);
	EXPECT_EQ(simple(d0, SABLE_CTL_build, 0), -EPERM);
	EXPECT_EQ(simple(d0, SABLE_CTL_pause, 7), -ESRCH);
	EXPECT_EQ(simple(d0, SABLE_CTL_unpause, 7), -ESRCH);
	EXPECT_EQ(simple(d0, SABLE_CTL_destroy, 7), -ESRCH);
	EXPECT_EQ(simple(d0, SABLE_CTL_destroy, 1U << 20), -ESRCH);
}

TEST(ctl_header_is_checked_and_a_kernel_too_big_for_its_ram_refused)
{
	struct domain *d0 = dom0();
	struct sable_ctl_create in = good_create("guest");
	uint8_t hdr[64];
	uint32_t id;

	ASSERT_EQ(create(d0, &in, &id), 0);
	memcpy(hdr, hx_kernel, sizeof(hdr));
	hdr[19] = 0x01; /* image_size 16 MiB + 64 KiB: past the RAM */
	hx_put(d0, BUF, hdr, sizeof(hdr));
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, 64), -ENOMEM);
	/* A later header piece must agree with the first. */
	hx_put(d0, BUF, hx_kernel, sizeof(hx_kernel));
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, 64), 0);
	hdr[19] = 0;
	hdr[18] = 0x02; /* image_size 128 KiB */
	hx_put(d0, BUF, hdr, sizeof(hdr));
	EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, 64), -EINVAL);
}

TEST(ctl_info_vcpu_info_and_physinfo)
{
	struct domain *d0 = dom0(), *d1;
	struct sable_ctl c;
	uint32_t id = make_loaded(d0, "guest");

	d1 = domain_lookup((domid_t)id);
	ASSERT_EQ(build(d0, id, NULL), 0);
	ASSERT_EQ(simple(d0, SABLE_CTL_unpause, id), 0);
	d1->vcpus[0]->cpu_time = arch_counter_freq() * 3 / 2; /* 1.5 s */
	EXPECT_EQ(info(d0, id).cpu_time_ns, 1500000000ULL);
	c = cmd(SABLE_CTL_vcpu_info, id);
	c.u.vcpu.vcpu = 0;
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.vcpu.flags, SABLE_VCPUINF_online);
	EXPECT_EQ(c.u.vcpu.pcpu, d1->vcpus[0]->pcpu);
	EXPECT_EQ(c.u.vcpu.cpu_time_ns, 1500000000ULL);
	EXPECT_EQ(c.u.vcpu.affinity, 3);
	c.u.vcpu.vcpu = 1;
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.vcpu.flags, 0);
	c.u.vcpu.vcpu = 2;
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	c = cmd(SABLE_CTL_vcpu_info, 0);
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.vcpu.flags, SABLE_VCPUINF_online | SABLE_VCPUINF_running);
	c = cmd(SABLE_CTL_physinfo, 0);
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.phys.nr_cpus, HX_NR_CPUS);
	EXPECT_EQ(c.u.phys.max_domains, MAX_DOMAINS);
	EXPECT_EQ(c.u.phys.total_kib, HX_RAM_SIZE >> 10);
	EXPECT_EQ(c.u.phys.free_kib, mm_free_pages_count() * 4);
	EXPECT_EQ(c.u.phys.cpu_khz, arch_counter_freq() / 1000);
	EXPECT_GT(c.u.phys.uptime_ns, 0);
	EXPECT_EQ(c.u.phys.nr_domains, 2);
	EXPECT_EQ(c.u.phys.xen_major, 4);
	EXPECT_EQ(c.u.phys.xen_minor, 17);
	/* A domain made otherwise (dom0 here) counts as built, running. */
	EXPECT_TRUE(info(d0, 0).flags & SABLE_DOMINF_built);
	EXPECT_EQ(info(d0, 0).nr_online_vcpus, 1);
}

TEST(ctl_max_mem_shutdown_rename_and_scheduling_parameters)
{
	struct domain *d0 = dom0(), *d1;
	struct sable_ctl c;
	uint32_t id = make_loaded(d0, "guest"), id2;
	struct sable_ctl_create in = good_create("other");

	d1 = domain_lookup((domid_t)id);
	ASSERT_EQ(create(d0, &in, &id2), 0);
	/*
	 * max_mem: below what the domain holds is taken (Xen's ratchet: the
	 * domain gets no more pages until it is under it).
	 */
	c = cmd(SABLE_CTL_set_max_mem, id);
	c.u.max_mem.max_mem_kib = 8 << 10;
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(d1->max_pages, (8ULL << 20) >> PAGE_SHIFT);
	EXPECT_TRUE(d1->tot_pages > d1->max_pages);
	c.u.max_mem.max_mem_kib = 64 << 10;
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(d1->max_pages, (64ULL << 20) >> PAGE_SHIFT);
	EXPECT_EQ(info(d0, id).max_mem_kib, 64 << 10);
	c.u.max_mem.max_mem_kib = UINT64_MAX;
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	/* rename: unique, not empty. */
	c = cmd(SABLE_CTL_rename, id);
	snprintf(c.u.rename.name, sizeof(c.u.rename.name), "other");
	EXPECT_EQ(hx_ctl(d0, &c), -EBUSY);
	c.u.rename.name[0] = '\0';
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	snprintf(c.u.rename.name, sizeof(c.u.rename.name), "guest");
	EXPECT_EQ(hx_ctl(d0, &c), 0); /* its own name again */
	snprintf(c.u.rename.name, sizeof(c.u.rename.name), "renamed");
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_STREQ(d1->name, "renamed");
	/* sched: weight 1..65535, cap 0..100, read back. */
	c = cmd(SABLE_CTL_sched_set, id);
	c.u.sched.weight = 0;
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	c.u.sched.weight = 65536;
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	c.u.sched = (struct sable_ctl_sched){ .weight = 100, .cap = 101 };
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	c.u.sched = (struct sable_ctl_sched){ .weight = 1024, .cap = 25 };
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	c = cmd(SABLE_CTL_sched_get, id);
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.sched.weight, 1024);
	EXPECT_EQ(c.u.sched.cap, 25);
	EXPECT_EQ(d1->sched_weight, 1024);
	/* Affinity: checked, kept, reported by vcpu_info. */
	c = cmd(SABLE_CTL_vcpu_affinity, id);
	c.u.affinity.hard = 0;
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	c.u.affinity.hard = 1;
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(d1->vcpus[0]->hard_affinity, 1);
	c = cmd(SABLE_CTL_vcpu_info, id);
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.vcpu.affinity, 1);
	/* Soft affinity 0 means none preferred: every pCPU, as reported. */
	EXPECT_EQ(d1->vcpus[0]->soft_affinity, SCHED_AFFINITY_ALL);
	EXPECT_EQ(c.u.vcpu.soft_affinity, 3);
	/* A soft affinity is kept as given (only its part in hard counts). */
	c = cmd(SABLE_CTL_vcpu_affinity, id);
	c.u.affinity.hard = 3;
	c.u.affinity.soft = 2;
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(d1->vcpus[0]->hard_affinity, 3);
	EXPECT_EQ(d1->vcpus[0]->soft_affinity, 2);
	c = cmd(SABLE_CTL_vcpu_info, id);
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.vcpu.affinity, 3);
	EXPECT_EQ(c.u.vcpu.soft_affinity, 2);
	/* A bad vCPU or padding changes nothing. */
	c = cmd(SABLE_CTL_vcpu_affinity, id);
	c.u.affinity = (struct sable_ctl_vcpu_affinity){ .vcpu = 9,
							 .hard = 1,
							 .soft = 1 };
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	c.u.affinity = (struct sable_ctl_vcpu_affinity){ .pad = 1,
							 .hard = 1,
							 .soft = 1 };
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	EXPECT_EQ(d1->vcpus[0]->hard_affinity, 3);
	EXPECT_EQ(d1->vcpus[0]->soft_affinity, 2);
	/* shutdown: a known reason, not dom0. */
	c = cmd(SABLE_CTL_shutdown, id);
	c.u.shutdown.reason = 9;
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	c = cmd(SABLE_CTL_shutdown, 0);
	c.u.shutdown.reason = SHUTDOWN_poweroff;
	EXPECT_EQ(hx_ctl(d0, &c), -EPERM);
	c = cmd(SABLE_CTL_shutdown, id);
	c.u.shutdown.reason = SHUTDOWN_reboot;
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_TRUE(d1->is_shutdown);
	EXPECT_EQ(info(d0, id).shutdown_reason, SHUTDOWN_reboot);
	EXPECT_TRUE(info(d0, id).flags & SABLE_DOMINF_shutdown);
}

TEST(ctl_console_read_wraps_copies_from_index_and_clears)
{
	struct domain *d0 = dom0();
	char *buf = hx_va(d0, BUF);
	struct sable_ctl c = cmd(SABLE_CTL_console_read, 0);
	uint64_t end;

	ASSERT_TRUE(buf != NULL);
	/* More than the history holds: the oldest kept comes first. */
	for (unsigned int i = 0; i < 1500; i++) {
		pr_info("line %04u of the console history test........\n", i);
	}
	c.u.console =
		(struct sable_ctl_console_read){ .buf = BUF, .len = 1 << 20 };
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.console.len, CONSOLE_HISTORY);
	end = c.u.console.index;
	EXPECT_GT(end, CONSOLE_HISTORY);
	EXPECT_TRUE(memmem(buf, CONSOLE_HISTORY, "line 1499", 9) != NULL);
	EXPECT_TRUE(memmem(buf, CONSOLE_HISTORY, "line 0000", 9) == NULL);
	/* From an index: what follows it, in small reads. */
	c.u.console = (struct sable_ctl_console_read){ .buf = BUF,
						       .len = 10,
						       .index = end - 20 };
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.console.len, 10);
	EXPECT_EQ(c.u.console.index, end - 10);
	/* Nothing newer: 0 bytes, the index stays. */
	c.u.console = (struct sable_ctl_console_read){ .buf = BUF,
						       .len = 100,
						       .index = end };
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.console.len, 0);
	EXPECT_EQ(c.u.console.index, end);
	/* Clear: what was read is gone; new output still comes. */
	c.u.console = (struct sable_ctl_console_read){ .buf = BUF,
						       .len = 1 << 20,
						       .clear = 1 };
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	pr_info("after the clear\n");
	c.u.console =
		(struct sable_ctl_console_read){ .buf = BUF, .len = 4096 };
	EXPECT_EQ(hx_ctl(d0, &c), 0);
	EXPECT_EQ(c.u.console.len, strlen("sable: after the clear\n"));
	EXPECT_TRUE(memmem(buf, c.u.console.len, "after the clear", 15));
	c.u.console.clear = 2;
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	c.u.console =
		(struct sable_ctl_console_read){ .buf = 0x1000, .len = 4096 };
	EXPECT_EQ(hx_ctl(d0, &c), -EFAULT);
}

TEST(ctl_checks_caller_version_padding_and_command)
{
	struct domain *d0 = dom0();
	struct domain *d1 = hx_domain(1, 1, false, HX_DOM_MEM);
	struct sable_ctl c = cmd(SABLE_CTL_physinfo, 0);

	EXPECT_EQ(hx_ctl(d1, &c), -EPERM);
	c.version = 1;
	EXPECT_EQ(hx_ctl(d0, &c), -EACCES);
	c = cmd(SABLE_CTL_physinfo, 0);
	c.pad = 4;
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	c = cmd(0, 0);
	EXPECT_EQ(hx_ctl(d0, &c), -ENOSYS);
	c = cmd(SABLE_CTL_debug_dump + 1, 0);
	EXPECT_EQ(hx_ctl(d0, &c), -ENOSYS);
	c = cmd(SABLE_CTL_vcpu_info, 0);
	c.u.vcpu.pad = 1;
	EXPECT_EQ(hx_ctl(d0, &c), -EINVAL);
	/* A domain made otherwise is not the builder's to build. */
	EXPECT_EQ(simple(d0, SABLE_CTL_build, 1), -EINVAL);
}

TEST(ctl_boot_commands_refuse_domains_made_at_run_time)
{
	struct domain *d0 = dom0();
	struct sable_ctl_create in = good_create("runtime");
	uint32_t id;

	ASSERT_EQ(create(d0, &in, &id), 0);
	EXPECT_EQ(simple(d0, SABLE_CTL_boot_manage, id), -ENOENT);
	EXPECT_EQ(simple(d0, SABLE_CTL_boot_restart, id), -ENOENT);
	EXPECT_TRUE(domain_lookup((domid_t)id) != NULL);
}

TEST(ctl_create_zeroes_the_ram_in_continued_pieces)
{
	struct domain *d0 = dom0(), *d;
	struct sable_ctl_create in = good_create("zeroed");
	uint64_t size = 16ULL << 20;
	paddr_t pa;

	/* Leave something behind in the memory the domain will get. */
	pa = mm_alloc_pages(size >> PAGE_SHIFT, (2ULL << 20) >> PAGE_SHIFT);
	ASSERT_NE(pa.pa, 0);
	memset((void *)(uintptr_t)pa.pa, 0xaa, size);
	mm_free_pages(pa, size >> PAGE_SHIFT);
	d0->vcpus[0]->arch.continuations = 0;
	host_irq_pending = true;
	EXPECT_EQ(create(d0, &in, NULL), 0);
	host_irq_pending = false;
	/* 2 MiB a piece, each making progress. */
	EXPECT_EQ(d0->vcpus[0]->arch.continuations, size / (2 << 20) - 1);
	d = domain_lookup(1);
	ASSERT_TRUE(d != NULL);
	ASSERT_EQ(hx_maddr(d, GUEST_RAM_BASE), pa.pa); /* the dirty block */
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		const uint8_t *p = hx_va(d, GUEST_RAM_BASE + off);

		if (p[0] || p[PAGE_SIZE - 1]) {
			UT_FAIL_(1, "RAM not zeroed at 0x%lx",
				 (unsigned long)off);
		}
	}
	/* A continuation nobody started is refused, nothing allocated. */
	{
		struct sable_ctl c = cmd(SABLE_CTL_create, 0);
		uint64_t free_before = mm_free_pages_count();

		c.u.create = good_create("forged");
		hx_put(d0, HX_ARG0, &c, sizeof(c));
		EXPECT_EQ(hx_call(d0->vcpus[0], __HYPERVISOR_sable_ctl, HX_ARG0,
				  1, 0),
			  -EINVAL);
		EXPECT_EQ(mm_free_pages_count(), free_before);
	}
}

TEST(ctl_destroy_stops_the_builder_before_the_domain_goes)
{
	struct domain *d0 = dom0();
	uint32_t id = make_loaded(d0, "doomed");
	long rc = simple(d0, SABLE_CTL_destroy, id);

	/* 0 once domain_destroy() exists; the builder lets go either way. */
	EXPECT_TRUE(rc == 0 || rc == -ENOSYS);
	if (domain_lookup((domid_t)id)) {
		EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, 64), -EINVAL);
		EXPECT_EQ(build(d0, id, NULL), -EINVAL);
		EXPECT_EQ(simple(d0, SABLE_CTL_unpause, id), -EINVAL);
	} else {
		EXPECT_EQ(load(d0, id, SABLE_LOAD_kernel, 0, 0, 64), -ESRCH);
	}
}

/*
 * Ids go up as Xen's do: a domain destroyed a moment ago does not lend
 * its id to the next one (its backends and XenStore nodes may still be
 * going), a failed create uses none up, and after the top they wrap to
 * the lowest free id. An id asked for is used as asked.
 */
TEST(ctl_create_ids_go_up_and_wrap_as_xens)
{
	struct domain *d0 = dom0();
	struct sable_ctl_create in = good_create("a");
	struct sable_ctl_create bad = good_create("b");
	uint32_t id = 0, id2 = 0;

	ASSERT_EQ(create(d0, &in, &id), 0);
	EXPECT_EQ(id, 1);
	EXPECT_EQ(simple(d0, SABLE_CTL_destroy, id), 0);
	host_quiesce_all();
	ASSERT_TRUE(domain_lookup(1) == NULL);
	bad.nr_vcpus = 0;
	EXPECT_EQ(create(d0, &bad, NULL), -EINVAL);
	ASSERT_EQ(create(d0, &in, &id), 0);
	EXPECT_EQ(id, 2);
	/* Up to the top, then the lowest free id again. */
	for (uint32_t want = 3; want < MAX_DOMAINS; want++) {
		in = good_create("c");
		in.mem_kib = 2 << 10;
		EXPECT_EQ(simple(d0, SABLE_CTL_destroy, id), 0);
		host_quiesce_all();
		ASSERT_EQ(create(d0, &in, &id), 0);
		EXPECT_EQ(id, want);
	}
	ASSERT_EQ(create(d0, &bad, NULL), -EINVAL);
	in = good_create("d");
	in.mem_kib = 2 << 10;
	ASSERT_EQ(create(d0, &in, &id2), 0);
	EXPECT_EQ(id2, 1);
	/* An id asked for. */
	in = good_create("e");
	in.mem_kib = 2 << 10;
	in.domid = 7;
	ASSERT_EQ(create(d0, &in, &id2), 0);
	EXPECT_EQ(id2, 7);
}
