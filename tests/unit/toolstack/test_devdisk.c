/* SPDX-License-Identifier: MIT */
/*
 * PV disks on the host: device numbers from vdevs as libxl computes them,
 * the specifications Sable serves, a disk's node plan against
 * golden/plan/vbd-*.txt, written into the host xenstored with their
 * permissions and read back by block-list, detach (closed, refused by a
 * silent guest, forced) and the removal at destroy. Loop devices and
 * blkback need dom0: tests/system/test_pvdisk.py.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devcommon.h"
#include "devdisk.h"
#include "dombuild.h"
#include "domplan.h"
#include "fake_sable.h"
#include "ts_helpers.h"
#include "ut.h"
#include "xlcfg.h"
#include "xs_client.h"

#ifndef TS_GOLDEN
#define TS_GOLDEN "tests/unit/toolstack/golden"
#endif

#define DUMP_MAX (16 * 1024)

TEST(devdisk_devid_follows_libxl)
{
	static const struct {
		const char *vdev;
		long devid;
	} cases[] = {
		{ "xvda", 51712 },
		{ "xvdb", 51728 },
		{ "xvdc", 51744 },
		{ "xvda1", 51713 },
		{ "xvdb15", 51743 },
		{ "xvdp", 51952 },
		{ "xvdq", 1L << 28 | 16 << 8 },
		{ "xvda16", 1L << 28 | 16 },
		{ "xvdaa", 1L << 28 | 26 << 8 },
		{ "xvdz255", 1L << 28 | 25 << 8 | 255 },
		{ "d0p0", 51712 },
		{ "d1p2", 51730 },
		{ "d16p0", 1L << 28 | 16 << 8 },
		{ "hda", 768 },
		{ "hdb", 832 },
		{ "hdc", 5632 },
		{ "hdd1", 5697 },
		{ "sda", 2048 },
		{ "sdb3", 2067 },
		{ "sdp", 2288 },
		{ "51712", 51712 },
		{ "0x10", 16 },
	};
	static const char *const bad[] = {
		"",    "xvd", "xvd0",  "xvda0", "xvdA", "xvda256",
		"hde", "sdq", "sda16", "hda64", "d1",	"d1p",
		"dp1", "foo", "xvda-", "1x",	"-1",	"4294967296",
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (xlcfg_disk_devid(cases[i].vdev) != cases[i].devid) {
			printf("  %s: %ld, expected %ld\n", cases[i].vdev,
			       xlcfg_disk_devid(cases[i].vdev), cases[i].devid);
		}
		EXPECT_EQ(xlcfg_disk_devid(cases[i].vdev), cases[i].devid);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (xlcfg_disk_devid(bad[i]) != -EINVAL) {
			printf("  %s accepted\n", bad[i]);
		}
		EXPECT_EQ(xlcfg_disk_devid(bad[i]), -EINVAL);
	}
}

TEST(devdisk_config_refuses_bad_and_duplicate_vdevs)
{
	static struct xlcfg cfg;
	char err[XLCFG_ERR_MAX];
	const char *dup = "name='a'\nkernel='/k'\n"
			  "disk=['/a,raw,xvda', '/b,raw,51712']\n";
	const char *bad = "name='a'\nkernel='/k'\ndisk=['/a,raw,xvdA']\n";

	EXPECT_EQ(xlcfg_parse(&cfg, "a.cfg", dup, strlen(dup), NULL, 0, err),
		  -EINVAL);
	EXPECT_STREQ(err, "a.cfg:3: disk: \"/b,raw,51712\": vdev 51712 is "
			  "taken by \"/a,raw,xvda\"");
	EXPECT_EQ(xlcfg_parse(&cfg, "a.cfg", bad, strlen(bad), NULL, 0, err),
		  -EINVAL);
	EXPECT_STREQ(err, "a.cfg:3: disk: \"/a,raw,xvdA\": bad vdev 'xvdA'");
}

static void disk(struct xlcfg_disk *d, const char *spec)
{
	char err[XLCFG_ERR_MAX];

	ASSERT_EQ(xlcfg_parse_disk(spec, d, err), 0);
}

TEST(devdisk_serves_raw_images_and_block_devices_from_dom0_only)
{
	static const struct {
		const char *spec, *err;
	} refused[] = {
		{ "/a.qcow2,qcow2,xvda", "disk xvda: format: only raw" },
		{ "vdev=xvda,backendtype=qdisk,target=/a",
		  "disk xvda: backendtype: only phy" },
		{ "vdev=xvda,backend=dd1,target=/a",
		  "disk xvda: backend: only Domain-0" },
		{ "vdev=xvda,script=block,target=/a", "disk xvda: script:" },
		{ ",,xvdc,cdrom", "disk xvdc: an empty CD-ROM drive" },
	};
	char err[DOMBUILD_ERR_MAX];
	struct xlcfg_disk d;
	size_t i;

	disk(&d, "/img,raw,xvda,rw");
	EXPECT_EQ(devdisk_check(&d, err), 0);
	disk(&d, "phy:/dev/vdb,xvdb,r");
	EXPECT_EQ(devdisk_check(&d, err), 0);
	disk(&d, "vdev=hdc,devtype=cdrom,backend=Domain-0,target=/a.iso");
	EXPECT_EQ(devdisk_check(&d, err), 0);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		disk(&d, refused[i].spec);
		err[0] = '\0';
		EXPECT_EQ(devdisk_check(&d, err), -EINVAL);
		if (strncmp(err, refused[i].err, strlen(refused[i].err))) {
			printf("  %s: \"%s\"\n", refused[i].spec, err);
		}
		EXPECT_TRUE(strncmp(err, refused[i].err,
				    strlen(refused[i].err)) == 0);
	}
}

static void expect_plan(const char *spec, uint32_t domid, const char *golden)
{
	char *dump = malloc(DUMP_MAX);
	struct xlcfg_disk d;
	struct domplan p;

	disk(&d, spec);
	domplan_init(&p, domid);
	ASSERT_EQ(devdisk_plan(&p, domid, &d), 0);
	domplan_dump(&p, dump, DUMP_MAX);
	ts_expect_golden(golden, dump);
	domplan_free(&p);
	free(dump);
}

TEST(devdisk_plan_has_libxls_layout)
{
	expect_plan("/var/lib/xen/images/root.img,raw,xvda,rw", 5,
		    "vbd-xvda.txt");
	expect_plan("format=raw, vdev=hdc, access=r, devtype=cdrom, "
		    "target=/srv/install.iso",
		    7, "vbd-hdc-cdrom.txt");
}

/* Value and permissions of @path in the daemon. */
static void expect_xs(struct xs_client *c, const char *path, const char *value,
		      const char *perms)
{
	char buf[256] = "";

	EXPECT_EQ(xs_client_read(c, 0, path, buf, sizeof(buf)), 0);
	if (value) {
		EXPECT_STREQ(buf, value);
	}
	buf[0] = '\0';
	EXPECT_EQ(xs_client_get_perms(c, 0, path, buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, perms);
}

static bool xs_exists(struct xs_client *c, const char *path)
{
	char buf[256];

	return xs_client_read(c, 0, path, buf, sizeof(buf)) == 0;
}

/* The nodes of @spec for domain 6, committed into the host daemon. */
static void commit_disk_to(struct xs_client *c, uint32_t domid,
			   const char *spec)
{
	char step[DOMPLAN_STEP_MAX] = "";
	struct xlcfg_disk d;
	struct domplan p;

	disk(&d, spec);
	domplan_init(&p, domid);
	ASSERT_EQ(devdisk_plan(&p, domid, &d), 0);
	ASSERT_EQ(domplan_commit(c, &p, step), 0);
	domplan_free(&p);
}

static void commit_disk(struct xs_client *c, const char *spec)
{
	commit_disk_to(c, 6, spec);
}

static void clean(struct xs_client *c)
{
	xs_client_rm(c, 0, "/local/domain/6");
	xs_client_rm(c, 0, "/libxl/6");
	xs_client_rm(c, 0, "/local/domain/0/backend");
	xs_client_rm(c, 0, "/local/domain/0/error");
}

TEST(devdisk_nodes_written_with_permissions_and_listed)
{
	const char *sock = ts_daemon();
	struct devdisk_info info[4];
	struct xs_client c;
	unsigned int n;

	ASSERT_TRUE(sock != NULL);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	clean(&c);
	ASSERT_EQ(xs_client_write(&c, 0, "/local/domain/6", ""), 0);
	commit_disk(&c, "/img/b,raw,xvdb,r");
	commit_disk(&c, "/img/a,raw,xvda,rw");
	expect_xs(&c, "/local/domain/0/backend/vbd/6/51712", "", "n0,r6");
	expect_xs(&c, "/local/domain/0/backend/vbd/6/51712/params", "/img/a",
		  "n0,r6");
	expect_xs(&c, "/local/domain/0/backend/vbd/6/51728/mode", "r", "n0,r6");
	expect_xs(&c, "/local/domain/6/device/vbd/51712", "", "n6,r0");
	expect_xs(&c, "/local/domain/6/device/vbd/51712/backend",
		  "/local/domain/0/backend/vbd/6/51712", "n6,r0");
	expect_xs(&c, "/local/domain/6/device/vbd/51712/virtual-device",
		  "51712", "n6,r0");
	expect_xs(&c, "/libxl/6/device/vbd/51728/frontend",
		  "/local/domain/6/device/vbd/51728", "n0");
	/* What a connected blkfront writes. */
	xs_client_write(&c, 0, "/local/domain/6/device/vbd/51712/state", "4");
	xs_client_write(&c, 0, "/local/domain/6/device/vbd/51712/ring-ref",
			"8");
	xs_client_write(&c, 0, "/local/domain/6/device/vbd/51712/event-channel",
			"3");
	ASSERT_EQ(devdisk_list(&c, 6, info, 4, &n), 0);
	ASSERT_EQ(n, 2);
	EXPECT_EQ(info[0].devid, 51712);
	EXPECT_EQ(info[0].backend_id, 0);
	EXPECT_EQ(info[0].state, 4);
	EXPECT_EQ(info[0].evtch, 3);
	EXPECT_EQ(info[0].rref, 8);
	EXPECT_STREQ(info[0].backend, "/local/domain/0/backend/vbd/6/51712");
	EXPECT_EQ(info[1].devid, 51728);
	EXPECT_EQ(info[1].state, 1);
	EXPECT_EQ(info[1].evtch, -1);
	ASSERT_EQ(devdisk_list(&c, 9, info, 4, &n), 0);
	EXPECT_EQ(n, 0);
	clean(&c);
	xs_client_close(&c);
}

TEST(devdisk_attach_refuses_before_writing_anything)
{
	const char *sock = ts_daemon();
	struct devdisk_opts o = { .xs_path = sock };
	char err[DOMBUILD_ERR_MAX];
	struct xlcfg_disk d;
	struct xs_client c;

	ASSERT_TRUE(sock != NULL);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	clean(&c);
	disk(&d, "/no/such/image.img,raw,xvdb,rw");
	/* No /local/domain/6: the domain is not introduced. */
	EXPECT_EQ(devdisk_attach(6, &d, &o, err), -ENOENT);
	EXPECT_TRUE(strstr(err, "disk xvdb: domain 6 has no XenStore") != NULL);
	ASSERT_EQ(xs_client_write(&c, 0, "/local/domain/6", ""), 0);
	EXPECT_EQ(devdisk_attach(6, &d, &o, err), -ENOENT);
	EXPECT_STREQ(err, "disk xvdb: /no/such/image.img: No such file or "
			  "directory");
	disk(&d, "/tmp,raw,xvdb,rw");
	EXPECT_EQ(devdisk_attach(6, &d, &o, err), -EINVAL);
	EXPECT_STREQ(err, "disk xvdb: /tmp: not an image file or a block "
			  "device");
	EXPECT_TRUE(!xs_exists(&c, "/local/domain/0/backend/vbd/6/51728"));
	EXPECT_TRUE(!xs_exists(&c, "/local/domain/6/device/vbd/51728"));
	/* A disk already there is not attached twice. */
	commit_disk(&c, "/img/a,raw,xvdb,rw");
	disk(&d, "/dev/null,raw,xvdb,rw");
	EXPECT_EQ(devdisk_attach(6, &d, &o, err), -EEXIST);
	EXPECT_STREQ(err, "disk xvdb: domain 6 already has a disk xvdb "
			  "(device 51728)");
	expect_xs(&c, "/local/domain/0/backend/vbd/6/51728/params", "/img/a",
		  "n0,r6");
	clean(&c);
	xs_client_close(&c);
}

TEST(devdisk_detach_closes_times_out_or_forces)
{
	const char *sock = ts_daemon();
	struct devdisk_opts o = { .xs_path = sock, .timeout_ms = 300 };
	const char *back = "/local/domain/0/backend/vbd/6/51712";
	char err[DOMBUILD_ERR_MAX];
	struct xs_client c;

	ASSERT_TRUE(sock != NULL);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	clean(&c);
	ASSERT_EQ(xs_client_write(&c, 0, "/local/domain/6", ""), 0);
	EXPECT_EQ(devdisk_detach(6, "xvda", false, &o, err), -ENOENT);
	EXPECT_STREQ(err, "domain 6 has no disk xvda");
	EXPECT_EQ(devdisk_detach(6, "xvd0", false, &o, err), -EINVAL);
	/* A connected backend whose guest never answers Closing. */
	commit_disk(&c, "/img/a,raw,xvda,rw");
	xs_client_write(&c, 0, "/local/domain/0/backend/vbd/6/51712/state",
			"4");
	EXPECT_EQ(devdisk_detach(6, "xvda", false, &o, err), -ETIMEDOUT);
	EXPECT_TRUE(strstr(err, "did not release it") != NULL);
	expect_xs(&c, "/local/domain/0/backend/vbd/6/51712/state", "4",
		  "n0,r6");
	expect_xs(&c, "/local/domain/0/backend/vbd/6/51712/online", "1",
		  "n0,r6");
	EXPECT_EQ(devdisk_detach(6, "51712", true, &o, err), 0);
	EXPECT_TRUE(!xs_exists(&c, back));
	EXPECT_TRUE(!xs_exists(&c, "/local/domain/6/device/vbd/51712"));
	EXPECT_TRUE(!xs_exists(&c, "/libxl/6/device/vbd/51712"));
	/* A backend that has closed already goes at once. */
	commit_disk(&c, "/img/a,raw,xvda,rw");
	xs_client_write(&c, 0, "/local/domain/0/backend/vbd/6/51712/state",
			"6");
	EXPECT_EQ(devdisk_detach(6, "xvda", false, &o, err), 0);
	EXPECT_TRUE(!xs_exists(&c, back));
	/* The domain's last disk: its backend directory goes too (libxl). */
	EXPECT_TRUE(!xs_exists(&c, "/local/domain/0/backend/vbd/6"));
	/* Another disk keeps it. */
	commit_disk(&c, "/img/a,raw,xvda,rw");
	commit_disk(&c, "/img/b,raw,xvdb,rw");
	xs_client_write(&c, 0, "/local/domain/0/backend/vbd/6/51712/state",
			"6");
	EXPECT_EQ(devdisk_detach(6, "xvda", false, &o, err), 0);
	EXPECT_TRUE(!xs_exists(&c, back));
	EXPECT_TRUE(xs_exists(&c, "/local/domain/0/backend/vbd/6/51728"));
	clean(&c);
	xs_client_close(&c);
}

TEST(devdisk_remove_all_leaves_no_vbd_node)
{
	const char *sock = ts_daemon();
	struct xs_client c;

	ASSERT_TRUE(sock != NULL);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	clean(&c);
	ASSERT_EQ(xs_client_write(&c, 0, "/local/domain/6", ""), 0);
	commit_disk(&c, "/img/a,raw,xvda,rw");
	commit_disk(&c, "/img/b,raw,xvdb,r");
	xs_client_write(&c, 0,
			"/local/domain/0/error/backend/vbd/6/51712/error",
			"-2 opening");
	devdisk_remove_all(&c, 6);
	EXPECT_TRUE(!xs_exists(&c, "/local/domain/0/backend/vbd/6"));
	EXPECT_TRUE(!xs_exists(&c, "/local/domain/6/device/vbd/51712"));
	EXPECT_TRUE(!xs_exists(&c, "/local/domain/6/device/vbd/51728"));
	EXPECT_TRUE(!xs_exists(&c, "/libxl/6/device/vbd/51712"));
	EXPECT_TRUE(!xs_exists(&c, "/local/domain/0/error/backend/vbd/6"));
	clean(&c);
	xs_client_close(&c);
}

/*
 * xl create with a disk that cannot be served: the domain is made, then
 * destroyed, never unpaused, and the message names the disk.
 */
static int create_with_disk(const char *disk_line, char *err)
{
	static struct xlcfg cfg;
	struct dombuild_opts o = { .xs_path = ts_scripted() };
	unsigned char img[4096] = { 0 };
	char kernel[64], text[512], perr[XLCFG_ERR_MAX];
	struct dombuild_result r;
	FILE *f;
	int rc;

	snprintf(kernel, sizeof(kernel), "/tmp/ts-dd-Image-%d", (int)getpid());
	memcpy(img + 0x38, "ARM\x64", 4);
	f = fopen(kernel, "wb");
	if (!f) {
		return -EIO;
	}
	fwrite(img, 1, sizeof(img), f);
	fclose(f);
	fake_reset();
	fake_add(0, "Domain-0", 0);
	snprintf(text, sizeof(text),
		 "name = 'g'\nkernel = '%s'\nmemory = 64\ndisk = [ %s ]\n",
		 kernel, disk_line);
	rc = xlcfg_parse(&cfg, "g.cfg", text, strlen(text), NULL, 0, perr);
	if (!rc) {
		rc = dombuild_create(NULL, &cfg, &o, &r, err);
	}
	unlink(kernel);
	return rc;
}

TEST(devdisk_create_with_a_missing_image_destroys_the_domain)
{
	char err[DOMBUILD_ERR_MAX];

	EXPECT_EQ(create_with_disk("'/dev/null,raw,xvda', "
				   "'/no/such.img,raw,xvdb,rw'",
				   err),
		  -ENOENT);
	EXPECT_STREQ(err, "disk xvdb: /no/such.img: No such file or directory");
	EXPECT_EQ(fake_ndoms, 1);
	EXPECT_EQ(fake_destroy_calls, 1);
	EXPECT_EQ(fake_unpause_calls, 0);
	EXPECT_EQ(fake_phys.free_kib, 1024 * 1024);
	EXPECT_EQ(create_with_disk("'/dev/null,qcow2,xvda'", err), -EINVAL);
	EXPECT_STREQ(err, "disk xvda: format: only raw images are supported "
			  "on Sable");
	EXPECT_EQ(fake_destroy_calls, 1);
	EXPECT_EQ(fake_unpause_calls, 0);
}

/*
 * The frontend directory is the guest's: block-list shows its state,
 * event channel and ring reference only as plain numbers (else -1) and
 * the backend from libxl's copy, never the frontend's backend node; the
 * removal at destroy takes the domain's own disks and not the one of
 * another domain that node names.
 */
TEST(devdisk_list_and_removal_trust_nothing_in_the_frontend)
{
	const char *fe = "/local/domain/6/device/vbd/51712";
	const char *other = "/local/domain/0/backend/vbd/7/51712";
	const char *junk[][2] = { { "state", " 4" },
				  { "event-channel", "-3" },
				  { "ring-ref", "99999999999" },
				  { "backend",
				    "/local/domain/0/backend/vbd/7/51712" },
				  { "backend-id", "7" } };
	struct devdisk_info info[4];
	char path[96];
	struct xs_client c;
	unsigned int n, i;

	ASSERT_TRUE(ts_daemon() != NULL);
	ASSERT_EQ(xs_client_open(&c, ts_daemon(), 5), 0);
	clean(&c);
	commit_disk(&c, "/img/a,raw,xvda,rw");
	commit_disk_to(&c, 7, "/img/c,raw,xvda,rw");
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fe, junk[i][0]);
		ASSERT_EQ(xs_client_write(&c, 0, path, junk[i][1]), 0);
	}
	ASSERT_EQ(devdisk_list(&c, 6, info, 4, &n), 0);
	ASSERT_EQ(n, 1);
	EXPECT_EQ(info[0].backend_id, 0);
	EXPECT_EQ(info[0].state, -1);
	EXPECT_EQ(info[0].evtch, -1);
	EXPECT_EQ(info[0].rref, -1);
	EXPECT_STREQ(info[0].backend, "/local/domain/0/backend/vbd/6/51712");
	devdisk_remove_all(&c, 6);
	EXPECT_FALSE(xs_exists(&c, "/local/domain/0/backend/vbd/6"));
	EXPECT_FALSE(xs_exists(&c, fe));
	EXPECT_TRUE(xs_exists(&c, other));
	EXPECT_TRUE(xs_exists(&c, "/local/domain/7/device/vbd/51712"));
	EXPECT_TRUE(xs_exists(&c, "/libxl/7/device/vbd/51712"));
	xs_client_rm(&c, 0, "/local/domain/7");
	xs_client_rm(&c, 0, "/libxl/7");
	clean(&c);
	xs_client_close(&c);
}
