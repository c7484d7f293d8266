/* SPDX-License-Identifier: MIT */
/*
 * The domain builder on the host: the XenStore node plans (compared with
 * the files in golden/plan, then written into the host xenstored and read
 * back), and dombuild_create / dombuild_destroy / domlife_wait against
 * the fake hypervisor (fake_sable.c) and a real or scripted xenstored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dombuild.h"
#include "domplan.h"
#include "fake_sable.h"
#include "ts_helpers.h"
#include "ut.h"
#include "xs_client.h"

#ifndef TS_GOLDEN
#define TS_GOLDEN "tests/unit/toolstack/golden"
#endif

#define DUMP_MAX (32 * 1024)

static const struct domplan_domain plan_dom = {
	.domid = 5,
	.name = "web1",
	.uuid = "6c2c3e9a-0f0d-4a3f-9d3e-1c2b3a4d5e6f",
	.max_kib = 524288,
	.target_kib = 262144,
	.vcpus = 1,
	.max_vcpus = 2,
	.store_gfn = 0x39001,
	.console_gfn = 0x39000,
	.store_port = 2,
	.console_port = 1,
	.kernel = "/boot/Image",
	.ramdisk = "/boot/initrd.img",
	.cmdline = "root=/dev/xvda1 console=hvc0",
	.start_time = "1764676800.25",
};

/* Compare the dump of @p with golden/plan/@name, then free @p. */
static void expect_plan_golden(struct domplan *p, const char *name)
{
	char *dump = malloc(DUMP_MAX);

	domplan_dump(p, dump, DUMP_MAX);
	ts_expect_golden(name, dump);
	domplan_free(p);
	free(dump);
}

/* The plan of boot-time domain 3, "guest3", with @vcpus vCPUs. */
static void dom0less_plan(struct domplan *p, uint32_t vcpus)
{
	struct sable_ctl_domain_info info = { .domid = 3,
					      .nr_vcpus = vcpus,
					      .mem_kib = 131072,
					      .name = "guest3" };

	domplan_init(p, 3);
	ASSERT_EQ(domplan_dom0less(p, &info), 0);
}

TEST(domplan_xl_domain_has_libxl_layout)
{
	struct domplan p;

	domplan_init(&p, 5);
	ASSERT_EQ(domplan_xl(&p, &plan_dom), 0);
	expect_plan_golden(&p, "xl-domain.txt");
}

TEST(domplan_dom0less_domain_matches_init_dom0less)
{
	struct domplan p;

	dom0less_plan(&p, 2);
	expect_plan_golden(&p, "dom0less-domain.txt");
}

TEST(domplan_dom0less_console_gives_a_boot_time_domain_libxls_console_nodes)
{
	struct domplan p;
	char *dump = malloc(DUMP_MAX);

	dom0less_plan(&p, 1);
	ASSERT_EQ(domplan_dom0less_console(&p, 3, 0x39000, 2), 0);
	domplan_dump(&p, dump, DUMP_MAX);
	EXPECT_TRUE(
		strstr(dump, "/local/domain/3/console/ring-ref = \"233472\"") !=
		NULL);
	EXPECT_TRUE(strstr(dump, "/local/domain/3/console/port = \"2\"") !=
		    NULL);
	EXPECT_TRUE(strstr(dump, "/local/domain/3/console/type = "
				 "\"xenconsoled\"") != NULL);
	EXPECT_TRUE(strstr(dump, "/local/domain/0/backend/console/3/0/"
				 "frontend-id = \"3\"") != NULL);
	domplan_free(&p);
	free(dump);
}

static bool xs_exists(struct xs_client *c, const char *path)
{
	char buf[256];

	return xs_client_read(c, 0, path, buf, sizeof(buf)) == 0;
}

TEST(domplan_xl_written_into_xenstored_with_permissions)
{
	const char *sock = ts_daemon();
	char step[DOMPLAN_STEP_MAX] = "";
	struct xs_client c;
	struct domplan p;

	ASSERT_TRUE(sock != NULL);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	domplan_init(&p, 5);
	ASSERT_EQ(domplan_xl(&p, &plan_dom), 0);
	ASSERT_EQ(domplan_commit(&c, &p, step), 0);
	ts_expect_xs(&c, "/local/domain/5", "", "n0,r5");
	ts_expect_xs(&c, "/local/domain/5/vm",
		     "/vm/6c2c3e9a-0f0d-4a3f-9d3e-1c2b3a4d5e6f", "n0,r5");
	ts_expect_xs(&c, "/local/domain/5/control/shutdown", "", "n5");
	ts_expect_xs(&c, "/local/domain/5/cpu/1/availability", "offline",
		     "n0,r5");
	ts_expect_xs(&c, "/local/domain/5/store/ring-ref", "233473", "n0,r5");
	ts_expect_xs(&c, "/local/domain/5/console", "", "n5,r0");
	ts_expect_xs(&c, "/local/domain/5/console/ring-ref", "233472", "n0,r5");
	ts_expect_xs(&c, "/local/domain/5/console/port", "1", "n0,r5");
	ts_expect_xs(&c, "/local/domain/5/console/type", "xenconsoled",
		     "n0,r5");
	ts_expect_xs(&c,
		     "/vm/6c2c3e9a-0f0d-4a3f-9d3e-1c2b3a4d5e6f/image/cmdline",
		     "root=/dev/xvda1 console=hvc0", "n0,r5");
	ts_expect_xs(&c, "/libxl/5/type", "pvh", "n0");
	ts_expect_xs(&c, "/local/domain/0/backend/console/5/0/frontend",
		     "/local/domain/5", "n0,r5");
	domplan_free(&p);
	xs_client_rm(&c, 0, "/local/domain/5");
	xs_client_rm(&c, 0, "/vm");
	xs_client_rm(&c, 0, "/libxl/5");
	xs_client_rm(&c, 0, "/local/domain/0/backend");
	xs_client_close(&c);
}

/* ---- the builder against the fake hypervisor ---------------------------- */

static char kernel_path[64], gzip_path[64], initrd_path[64];

/* Files for the tests: an arm64 Image header, a gzip file, a ramdisk. */
static void make_images(void)
{
	unsigned char img[4096] = { 0 };
	FILE *f;

	snprintf(kernel_path, sizeof(kernel_path), "/tmp/ts-Image-%d",
		 (int)getpid());
	snprintf(gzip_path, sizeof(gzip_path), "/tmp/ts-vmlinuz-%d",
		 (int)getpid());
	snprintf(initrd_path, sizeof(initrd_path), "/tmp/ts-initrd-%d",
		 (int)getpid());
	memcpy(img + 0x38, "ARM\x64", 4);
	f = fopen(kernel_path, "wb");
	fwrite(img, 1, sizeof(img), f);
	fclose(f);
	img[0] = 0x1f;
	img[1] = 0x8b;
	f = fopen(gzip_path, "wb");
	fwrite(img, 1, sizeof(img), f);
	fclose(f);
	f = fopen(initrd_path, "wb");
	fwrite(img, 1, 1000, f);
	fclose(f);
}

static void remove_images(void)
{
	unlink(kernel_path);
	unlink(gzip_path);
	unlink(initrd_path);
}

/* A parsed config naming the test images, plus @extra settings. */
static void config(struct xlcfg *cfg, const char *extra)
{
	char text[1024], err[XLCFG_ERR_MAX];

	snprintf(text, sizeof(text),
		 "name = 'guest'\nkernel = '%s'\nramdisk = '%s'\n"
		 "memory = 64\nmaxmem = 128\nvcpus = 2\n"
		 "extra = 'console=hvc0'\nroot = '/dev/xvda'\n%s\n",
		 kernel_path, initrd_path, extra);
	ASSERT_EQ(xlcfg_parse(cfg, "t.cfg", text, strlen(text), NULL, 0, err),
		  0);
}

static void setup(void)
{
	fake_reset();
	fake_add(0, "Domain-0", 0);
	make_images();
}

TEST(dombuild_create_loads_builds_introduces_and_unpauses)
{
	static struct xlcfg cfg;
	struct dombuild_opts o = { .xs_path = ts_scripted() };
	struct dombuild_result r;
	char err[DOMBUILD_ERR_MAX] = "";
	struct fake_dom *d;

	setup();
	config(&cfg, "cpu_weight = 512\ncap = 100\nmax_grant_frames = 16");
	ASSERT_EQ(dombuild_create(NULL, &cfg, &o, &r, err), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(r.domid, 1);
	d = fake_find(1);
	ASSERT_TRUE(d != NULL);
	EXPECT_STREQ(d->info.name, "guest");
	EXPECT_EQ(d->create.mem_kib, 65536);
	EXPECT_EQ(d->create.max_mem_kib, 131072);
	EXPECT_EQ(d->create.nr_vcpus, 2);
	EXPECT_EQ(d->create.weight, 512);
	EXPECT_EQ(d->create.cap, 50); /* 100 for the domain = 50 per vCPU */
	EXPECT_EQ(d->create.max_grant_frames, 16);
	EXPECT_EQ(d->create.flags,
		  SABLE_CREATE_xenstore | SABLE_CREATE_console);
	EXPECT_EQ(d->loaded[SABLE_LOAD_kernel], 4096);
	EXPECT_EQ(d->loaded[SABLE_LOAD_ramdisk], 1000);
	EXPECT_STREQ(d->cmdline, "root=/dev/xvda console=hvc0");
	EXPECT_EQ(d->info.flags & SABLE_DOMINF_paused, 0);
	EXPECT_STREQ(ts_script.introduce, "1|233473|2|");
	EXPECT_EQ(ts_script.by_type[XS_TRANSACTION_END], 1);
	EXPECT_EQ(strlen(r.uuid), 36);
	EXPECT_EQ(r.uuid[14], '4');
	remove_images();
}

TEST(dombuild_create_paused_stays_paused)
{
	static struct xlcfg cfg;
	struct dombuild_opts o = { .xs_path = ts_scripted(), .paused = true };
	struct dombuild_result r;
	char err[DOMBUILD_ERR_MAX];

	setup();
	config(&cfg, "");
	ASSERT_EQ(dombuild_create(NULL, &cfg, &o, &r, err), 0);
	EXPECT_TRUE(fake_find(r.domid)->info.flags & SABLE_DOMINF_paused);
	EXPECT_EQ(fake_unpause_calls, 0);
	remove_images();
}

TEST(dombuild_gzip_kernel_is_refused_before_anything_is_made)
{
	static struct xlcfg cfg;
	struct dombuild_opts o = { .xs_path = ts_scripted() };
	struct dombuild_result r;
	char err[DOMBUILD_ERR_MAX], want[DOMBUILD_ERR_MAX];

	setup();
	config(&cfg, "");
	snprintf(cfg.kernel, sizeof(cfg.kernel), "%s", gzip_path);
	EXPECT_EQ(dombuild_create(NULL, &cfg, &o, &r, err), -EINVAL);
	snprintf(want, sizeof(want),
		 "kernel: %s is gzip-compressed; Sable loads an uncompressed "
		 "arm64 Image (decompress it first, e.g. zcat vmlinuz > Image)",
		 gzip_path);
	EXPECT_STREQ(err, want);
	EXPECT_EQ(fake_ndoms, 1);
	remove_images();
}

TEST(dombuild_missing_kernel_file_is_named)
{
	static struct xlcfg cfg;
	struct dombuild_opts o = { .xs_path = ts_scripted() };
	struct dombuild_result r;
	char err[DOMBUILD_ERR_MAX];

	setup();
	config(&cfg, "");
	snprintf(cfg.kernel, sizeof(cfg.kernel), "/nonexistent/Image");
	EXPECT_EQ(dombuild_create(NULL, &cfg, &o, &r, err), -ENOENT);
	EXPECT_STREQ(err,
		     "kernel: /nonexistent/Image: No such file or directory");
	EXPECT_EQ(fake_ndoms, 1);
	remove_images();
}

TEST(dombuild_image_check_names_formats)
{
	char err[DOMBUILD_ERR_MAX];
	unsigned char b[64] = { 0x7f, 'E', 'L', 'F' };

	EXPECT_EQ(dombuild_check_image(b, sizeof(b), "vmlinux", err), -EINVAL);
	EXPECT_STREQ(err, "kernel: vmlinux is an ELF file (vmlinux); Sable "
			  "loads an uncompressed arm64 Image");
	memset(b, 0, sizeof(b));
	EXPECT_EQ(dombuild_check_image(b, sizeof(b), "x", err), -EINVAL);
	EXPECT_STREQ(err, "kernel: x is not an arm64 Image (no \"ARM\\x64\" "
			  "magic at offset 0x38)");
	memcpy(b + 0x38, "ARM\x64", 4);
	EXPECT_EQ(dombuild_check_image(b, sizeof(b), "x", err), 0);
	EXPECT_EQ(dombuild_check_image(b, 10, "x", err), -EINVAL);
}

/*
 * dombuild_create() of the guest of config() with @extra, through the
 * scripted store; its result, @err its message.
 */
static int create_scripted(const char *extra, char *err)
{
	static struct xlcfg cfg;
	struct dombuild_opts o = { .xs_path = ts_scripted() };
	struct dombuild_result r;

	config(&cfg, extra);
	return dombuild_create(NULL, &cfg, &o, &r, err);
}

TEST(dombuild_memory_above_free_is_refused)
{
	char err[DOMBUILD_ERR_MAX];

	setup();
	EXPECT_EQ(create_scripted("memory = 4096\nmaxmem = 4096", err),
		  -ENOMEM);
	EXPECT_STREQ(err, "memory: 4096 MiB wanted but only 1024 MiB free");
	EXPECT_EQ(fake_ndoms, 1);
	remove_images();
}

TEST(dombuild_name_in_use_is_refused)
{
	char err[DOMBUILD_ERR_MAX];

	setup();
	fake_add(4, "guest", 0);
	EXPECT_EQ(create_scripted("", err), -EEXIST);
	EXPECT_STREQ(err, "name: a domain called \"guest\" exists (id 4)");
	remove_images();
}

TEST(dombuild_build_failure_destroys_the_domain)
{
	char err[DOMBUILD_ERR_MAX];

	setup();
	fake_build_errno = ENOMEM;
	EXPECT_EQ(create_scripted("", err), -ENOMEM);
	EXPECT_STREQ(err, "cannot build the domain: not enough free memory "
			  "in the hypervisor");
	EXPECT_EQ(fake_ndoms, 1);
	EXPECT_EQ(fake_destroy_calls, 1);
	EXPECT_EQ(fake_phys.free_kib, 1024 * 1024);
	remove_images();
}

/*
 * cpus= and cpus_soft= lists: each vCPU gets its item, limited to the
 * host's pCPUs (2 here); a vCPU with neither pinned is left alone.
 */
TEST(dombuild_applies_per_vcpu_hard_and_soft_affinity)
{
	static struct xlcfg cfg;
	struct dombuild_opts o = { .xs_path = ts_scripted() };
	struct dombuild_result r;
	char err[DOMBUILD_ERR_MAX] = "";
	struct fake_dom *d;

	setup();
	config(&cfg, "cpus = ['1', 'all']\ncpus_soft = ['all', '0,5']");
	ASSERT_EQ(dombuild_create(NULL, &cfg, &o, &r, err), 0);
	d = fake_find(r.domid);
	ASSERT_TRUE(d != NULL);
	EXPECT_EQ(d->affinity[0], 2);
	EXPECT_EQ(d->soft_affinity[0], 0); /* every pCPU: no preference */
	EXPECT_EQ(d->affinity[1], 3);
	EXPECT_EQ(d->soft_affinity[1], 1); /* pCPU 5 is not there */
	remove_images();
	/* The same soft affinity for every vCPU; hard ones untouched. */
	setup();
	config(&cfg, "cpus_soft = '1'");
	ASSERT_EQ(dombuild_create(NULL, &cfg, &o, &r, err), 0);
	d = fake_find(r.domid);
	ASSERT_TRUE(d != NULL);
	EXPECT_EQ(d->affinity[0], 3);
	EXPECT_EQ(d->soft_affinity[0], 2);
	EXPECT_EQ(d->affinity[1], 3);
	EXPECT_EQ(d->soft_affinity[1], 2);
	remove_images();
	/* A vCPU's list item naming only absent pCPUs fails the create. */
	setup();
	config(&cfg, "cpus = ['0', '7']");
	EXPECT_EQ(dombuild_create(NULL, &cfg, &o, &r, err), -EINVAL);
	EXPECT_STREQ(err, "cpus: names no online pCPU for vCPU 1 (the host "
			  "has 2)");
	EXPECT_EQ(fake_ndoms, 1);
	remove_images();
}

TEST(dombuild_affinity_refused_is_reported_and_unwound)
{
	char err[DOMBUILD_ERR_MAX];

	setup();
	fake_affinity_errno = ENOSYS;
	EXPECT_EQ(create_scripted("cpus = '1'", err), -ENOSYS);
	EXPECT_STREQ(err, "cpus: cannot pin vCPU 0: not supported by this "
			  "hypervisor");
	EXPECT_EQ(fake_ndoms, 1);
	remove_images();
}

/*
 * INTRODUCE refused after the nodes were written (the host daemon cannot
 * map a guest's ring): the domain and every node of it are gone.
 */
TEST(dombuild_introduce_failure_leaves_nothing_behind)
{
	static struct xlcfg cfg;
	struct dombuild_opts o = { .xs_path = ts_daemon() };
	struct dombuild_result r;
	char err[DOMBUILD_ERR_MAX];
	struct xs_client c;

	setup();
	ASSERT_TRUE(o.xs_path != NULL);
	ASSERT_EQ(xs_client_open(&c, o.xs_path, 5), 0);
	config(&cfg, "uuid = '11111111-2222-4333-8444-555555555555'");
	EXPECT_NE(dombuild_create(NULL, &cfg, &o, &r, err), 0);
	EXPECT_EQ(strncmp(err, "xenstore: INTRODUCE failed: ", 28), 0);
	EXPECT_EQ(fake_ndoms, 1);
	EXPECT_EQ(fake_destroy_calls, 1);
	EXPECT_EQ(fake_phys.free_kib, 1024 * 1024);
	EXPECT_FALSE(xs_exists(&c, "/local/domain/1"));
	EXPECT_FALSE(xs_exists(&c, "/vm/11111111-2222-4333-8444-555555555555"));
	EXPECT_FALSE(xs_exists(&c, "/libxl/1"));
	EXPECT_FALSE(xs_exists(&c, "/local/domain/0/backend/console/1"));
	xs_client_close(&c);
	remove_images();
}

/*
 * Domain 5, "web1", with the nodes of plan_dom written into the daemon at
 * @sock; @c is left connected to it.
 */
static void web1_with_nodes(struct xs_client *c, const char *sock)
{
	char step[DOMPLAN_STEP_MAX];
	struct domplan p;

	ASSERT_TRUE(sock != NULL);
	fake_add(5, "web1", 0);
	ASSERT_EQ(xs_client_open(c, sock, 5), 0);
	domplan_init(&p, 5);
	ASSERT_EQ(domplan_xl(&p, &plan_dom), 0);
	ASSERT_EQ(domplan_commit(c, &p, step), 0);
	domplan_free(&p);
}

TEST(dombuild_destroy_removes_domain_and_nodes)
{
	char err[DOMBUILD_ERR_MAX];
	const char *sock = ts_daemon();
	struct xs_client c;

	setup();
	web1_with_nodes(&c, sock);
	ASSERT_TRUE(xs_exists(&c, "/local/domain/5/name"));

	EXPECT_EQ(dombuild_destroy(NULL, 5, sock, err), 0);
	EXPECT_TRUE(fake_find(5) == NULL);
	EXPECT_FALSE(xs_exists(&c, "/local/domain/5"));
	EXPECT_FALSE(xs_exists(&c, "/vm/6c2c3e9a-0f0d-4a3f-9d3e-1c2b3a4d5e6f"));
	EXPECT_FALSE(xs_exists(&c, "/libxl/5"));
	EXPECT_FALSE(xs_exists(&c, "/local/domain/0/backend/console/5"));
	xs_client_close(&c);
	remove_images();
}

TEST(dombuild_destroy_refused_by_the_hypervisor_keeps_the_nodes)
{
	char err[DOMBUILD_ERR_MAX];
	const char *sock = ts_daemon();
	struct xs_client c;

	setup();
	web1_with_nodes(&c, sock);
	fake_destroy_errno = ENOSYS;
	EXPECT_EQ(dombuild_destroy(NULL, 5, sock, err), -ENOSYS);
	EXPECT_STREQ(err, "cannot destroy domain 5: not supported by this "
			  "hypervisor");
	EXPECT_TRUE(fake_find(5) != NULL);
	EXPECT_TRUE(xs_exists(&c, "/local/domain/5/name"));
	EXPECT_TRUE(xs_exists(&c, "/libxl/5"));
	xs_client_rm(&c, 0, "/local/domain/5");
	xs_client_rm(&c, 0, "/vm");
	xs_client_rm(&c, 0, "/libxl/5");
	xs_client_rm(&c, 0, "/local/domain/0/backend");
	xs_client_close(&c);
	remove_images();
}

TEST(dombuild_destroy_refuses_domain_0_and_unknown_ids)
{
	char err[DOMBUILD_ERR_MAX];

	setup();
	EXPECT_EQ(dombuild_destroy(NULL, 0, ts_scripted(), err), -EPERM);
	EXPECT_STREQ(err, "cannot destroy Domain-0");
	EXPECT_EQ(dombuild_destroy(NULL, 9, ts_scripted(), err), -ESRCH);
	EXPECT_STREQ(err, "cannot destroy domain 9: no such domain");
	remove_images();
}

TEST(domlife_wait_sees_shutdown_gone_and_times_out)
{
	struct sable_ctl_domain_info info;
	const char *sock = ts_daemon();
	bool gone;

	setup();
	ASSERT_TRUE(sock != NULL);
	fake_add(2, "running", 0);
	fake_add(3, "stopped", 0);
	fake_find(3)->info.flags |= SABLE_DOMINF_shutdown;
	fake_find(3)->info.shutdown_reason = DOMBUILD_REBOOT;
	EXPECT_EQ(domlife_wait(NULL, 3, DOMLIFE_SHUTDOWN, 1000, sock, &info,
			       &gone),
		  0);
	EXPECT_FALSE(gone);
	EXPECT_EQ(info.shutdown_reason, DOMBUILD_REBOOT);
	EXPECT_EQ(domlife_wait(NULL, 7, DOMLIFE_SHUTDOWN, 1000, sock, &info,
			       &gone),
		  0);
	EXPECT_TRUE(gone);
	EXPECT_EQ(domlife_wait(NULL, 2, DOMLIFE_SHUTDOWN, 200, sock, &info,
			       &gone),
		  -ETIMEDOUT);
	EXPECT_EQ(domlife_wait(NULL, 3, DOMLIFE_GONE, 200, sock, &info, &gone),
		  -ETIMEDOUT);
	/* Dying: gone for a shutdown wait, not yet for a GONE wait. */
	fake_find(2)->info.flags |= SABLE_DOMINF_dying;
	EXPECT_EQ(domlife_wait(NULL, 2, DOMLIFE_SHUTDOWN, 200, sock, &info,
			       &gone),
		  0);
	EXPECT_TRUE(gone);
	EXPECT_EQ(domlife_wait(NULL, 2, DOMLIFE_GONE, 300, sock, &info, &gone),
		  -ETIMEDOUT);
	remove_images();
}

TEST(domlife_reasons_map_to_xl_events)
{
	enum xlcfg_event ev;

	EXPECT_TRUE(domlife_event(DOMBUILD_POWEROFF, &ev));
	EXPECT_EQ(ev, XLCFG_ON_POWEROFF);
	EXPECT_TRUE(domlife_event(DOMBUILD_REBOOT, &ev));
	EXPECT_EQ(ev, XLCFG_ON_REBOOT);
	EXPECT_TRUE(domlife_event(DOMBUILD_CRASH, &ev));
	EXPECT_EQ(ev, XLCFG_ON_CRASH);
	EXPECT_TRUE(domlife_event(DOMBUILD_WATCHDOG, &ev));
	EXPECT_EQ(ev, XLCFG_ON_WATCHDOG);
	EXPECT_FALSE(domlife_event(DOMBUILD_SUSPEND, &ev));
	EXPECT_FALSE(domlife_event(DOMBUILD_SOFT_RESET, &ev));
}
