/* SPDX-License-Identifier: MIT */
/*
 * vifs on the host: MAC generation, rates, a specification resolved into
 * a device, its node plan (golden/plan/vif-*.txt) written into the host
 * xenstored with libxl's permissions, the refusals that come before any
 * change to the host's interfaces (a bridge name that is not a bridge, a
 * MAC already used in the domain), xl create refusing such a vif and
 * leaving nothing behind, and network-list / network-detach over nodes.
 * Nothing here makes a bridge or touches an interface of the host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devnet.h"
#include "dombuild.h"
#include "domplan.h"
#include "fake_sable.h"
#include "ts_helpers.h"
#include "ut.h"
#include "xl.h"
#include "xs_client.h"

#ifndef TS_GOLDEN
#define TS_GOLDEN "tests/unit/toolstack/golden"
#endif

#define DUMP_MAX (16 * 1024)

/* Random bytes from a script: each call hands out the next three. */
struct script_rnd {
	const uint8_t *bytes;
	unsigned int next, calls;
};

static void script_fill(uint8_t rnd[3], void *arg)
{
	struct script_rnd *s = arg;

	memcpy(rnd, s->bytes + s->next, 3);
	s->next += 3;
	s->calls++;
}

TEST(devnet_mac_generated_in_xens_range_with_top_bit_clear)
{
	static const uint8_t bytes[] = { 0xff, 0x12, 0x34 };
	struct script_rnd s = { bytes, 0, 0 };
	char mac[18];

	ASSERT_EQ(devnet_mac_pick(script_fill, &s, NULL, 0, mac), 0);
	EXPECT_STREQ(mac, "00:16:3e:7f:12:34");
	EXPECT_EQ(s.calls, 1);
}

TEST(devnet_mac_generated_again_when_it_collides)
{
	static const uint8_t bytes[] = { 0x01, 0x02, 0x03, 0x81, 0x02,
					 0x03, 0x0a, 0x0b, 0x0c };
	static const char taken[2][18] = { "00:16:3E:01:02:03",
					   "00:16:3e:0a:0b:0d" };
	struct script_rnd s = { bytes, 0, 0 };
	char mac[18];

	/* The second draw masks to the first MAC: both are refused. */
	ASSERT_EQ(devnet_mac_pick(script_fill, &s, taken, 2, mac), 0);
	EXPECT_STREQ(mac, "00:16:3e:0a:0b:0c");
	EXPECT_EQ(s.calls, 3);
}

static void same_bytes(uint8_t rnd[3], void *arg)
{
	(void)arg;
	rnd[0] = 1;
	rnd[1] = 2;
	rnd[2] = 3;
}

TEST(devnet_mac_gives_up_when_every_draw_collides)
{
	static const char taken[1][18] = { "00:16:3e:01:02:03" };
	char mac[18];

	EXPECT_EQ(devnet_mac_pick(same_bytes, NULL, taken, 1, mac), -EEXIST);
	EXPECT_STREQ(mac, "");
}

TEST(devnet_random_macs_differ_and_stay_in_range)
{
	char a[18], b[18];
	uint8_t m[6];

	ASSERT_EQ(devnet_mac_pick(devnet_mac_random, NULL, NULL, 0, a), 0);
	ASSERT_EQ(devnet_mac_pick(devnet_mac_random, NULL, (const char(*)[18])a,
				  1, b),
		  0);
	EXPECT_TRUE(strcmp(a, b) != 0);
	ASSERT_EQ(devnet_mac_parse(b, m), 0);
	EXPECT_TRUE(m[0] == 0 && m[1] == 0x16 && m[2] == 0x3e);
	EXPECT_EQ(m[3] & 0x80, 0);
}

TEST(devnet_rates_as_xl_reads_them)
{
	char err[DEVNET_ERR_MAX];
	uint64_t bytes;
	uint32_t us;

	ASSERT_EQ(devnet_parse_rate("10Mb/s", &bytes, &us, err), 0);
	EXPECT_EQ(us, 50000);
	EXPECT_EQ(bytes, 62500); /* 1.25 MB/s for 50 ms */
	ASSERT_EQ(devnet_parse_rate("1GB/s@20ms", &bytes, &us, err), 0);
	EXPECT_EQ(us, 20000);
	EXPECT_EQ(bytes, 20000000);
	ASSERT_EQ(devnet_parse_rate("100KB/s@1s", &bytes, &us, err), 0);
	EXPECT_EQ(us, 1000000);
	EXPECT_EQ(bytes, 100000);
	ASSERT_EQ(devnet_parse_rate("8000000b/s@500us", &bytes, &us, err), 0);
	EXPECT_EQ(us, 500);
	EXPECT_EQ(bytes, 500);
	EXPECT_EQ(devnet_parse_rate("10Mb", &bytes, &us, err), -EINVAL);
	EXPECT_TRUE(strstr(err, "rate '10Mb': malformed") != NULL);
	EXPECT_EQ(devnet_parse_rate("0MB/s", &bytes, &us, err), -EINVAL);
	EXPECT_EQ(devnet_parse_rate("10MB/s@", &bytes, &us, err), -EINVAL);
	EXPECT_EQ(devnet_parse_rate("10TB/s", &bytes, &us, err), -EINVAL);
	EXPECT_EQ(devnet_parse_rate("5000000000B/s", &bytes, &us, err),
		  -EINVAL);
	EXPECT_TRUE(strstr(err, "out of range") != NULL);
	EXPECT_EQ(devnet_parse_rate("1b/s@1us", &bytes, &us, err), -EINVAL);
}

static int resolve(const char *spec, struct devnet_vif *v,
		   struct devnet_notes *n, char *err)
{
	char why[XLCFG_ERR_MAX];
	struct xlcfg_vif s;

	if (xlcfg_parse_vif(spec, &s, why) < 0) {
		snprintf(err, DEVNET_ERR_MAX, "parse: %s", why);
		return -EINVAL;
	}
	return devnet_resolve(&s, 3, 1, v, n, err);
}

TEST(devnet_spec_defaults_and_settings)
{
	struct devnet_notes n = { .n = 0 };
	char err[DEVNET_ERR_MAX], ifname[16];
	struct devnet_vif v;

	ASSERT_EQ(resolve("", &v, &n, err), 0);
	EXPECT_STREQ(v.bridge, "xenbr0");
	EXPECT_STREQ(v.mac, "");
	EXPECT_STREQ(v.script, "/etc/xen/scripts/vif-bridge");
	EXPECT_EQ(v.rate_usecs, 0);
	devnet_ifname(&v, ifname);
	EXPECT_STREQ(ifname, "vif3.1");
	EXPECT_EQ(n.n, 0);
	ASSERT_EQ(resolve("mac=00:16:3E:AA:bb:01, bridge=br-lan, ip=10.0.0.2, "
			  "vifname=web0, rate=10Mb/s, type=vif, backend=0",
			  &v, &n, err),
		  0);
	EXPECT_STREQ(v.mac, "00:16:3e:aa:bb:01");
	EXPECT_STREQ(v.bridge, "br-lan");
	EXPECT_STREQ(v.ip, "10.0.0.2");
	EXPECT_EQ(v.rate_bytes, 62500);
	devnet_ifname(&v, ifname);
	EXPECT_STREQ(ifname, "web0");
	ASSERT_EQ(resolve("script=vif-nat,model=e1000", &v, &n, err), 0);
	ASSERT_EQ(n.n, 2);
	EXPECT_TRUE(strstr(n.line[0], "script 'vif-nat' not run") != NULL);
	EXPECT_TRUE(strstr(n.line[1], "model 'e1000' ignored") != NULL);
}

TEST(devnet_spec_refusals_say_why)
{
	char err[DEVNET_ERR_MAX];
	struct devnet_vif v;

	EXPECT_EQ(resolve("type=ioemu", &v, NULL, err), -EINVAL);
	EXPECT_TRUE(strstr(err, "type 'ioemu'") != NULL);
	EXPECT_EQ(resolve("backend=netdom", &v, NULL, err), -EINVAL);
	EXPECT_TRUE(strstr(err, "only Domain-0") != NULL);
	EXPECT_EQ(resolve("mac=01:16:3e:00:00:01", &v, NULL, err), -EINVAL);
	EXPECT_TRUE(strstr(err, "not a unicast MAC") != NULL);
	EXPECT_EQ(resolve("mac=00:00:00:00:00:00", &v, NULL, err), -EINVAL);
	EXPECT_EQ(resolve("bridge=a-very-long-bridge-name", &v, NULL, err),
		  -EINVAL);
	EXPECT_TRUE(strstr(err, "longer than 15") != NULL);
	EXPECT_EQ(resolve("bridge=../x", &v, NULL, err), -EINVAL);
	EXPECT_EQ(resolve("vifname=a b", &v, NULL, err), -EINVAL);
	EXPECT_EQ(resolve("rate=fast", &v, NULL, err), -EINVAL);
	EXPECT_TRUE(strstr(err, "rate 'fast'") != NULL);
}

static const struct devnet_vif plan_vif = {
	.domid = 5,
	.devid = 1,
	.mac = "00:16:3e:12:34:56",
	.bridge = "xenbr0",
	.vifname = "web0",
	.ip = "10.0.0.5",
	.script = "/etc/xen/scripts/vif-bridge",
	.rate_bytes = 62500,
	.rate_usecs = 50000,
};

static void dump_plan(const struct devnet_vif *v, const char *name)
{
	char *buf = calloc(1, DUMP_MAX);
	struct domplan p;

	domplan_init(&p, v->domid);
	ASSERT_EQ(devnet_plan(&p, v), 0);
	domplan_dump(&p, buf, DUMP_MAX);
	ts_expect_golden(name, buf);
	domplan_free(&p);
	free(buf);
}

TEST(devnet_plan_has_libxls_vif_layout)
{
	struct devnet_vif v = plan_vif;

	dump_plan(&v, "vif-full.txt");
	v.devid = 0;
	v.vifname[0] = v.ip[0] = '\0';
	v.rate_bytes = v.rate_usecs = 0;
	dump_plan(&v, "vif-plain.txt");
}

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

static void write_plan(struct xs_client *c, const struct devnet_vif *v)
{
	char step[DOMPLAN_STEP_MAX] = "";
	struct domplan p;

	domplan_init(&p, v->domid);
	ASSERT_EQ(devnet_plan(&p, v), 0);
	ASSERT_EQ(domplan_commit(c, &p, step), 0);
	domplan_free(&p);
}

TEST(devnet_plan_written_with_frontend_and_backend_permissions)
{
	const char *sock = ts_daemon();
	char err[DEVNET_ERR_MAX];
	struct xs_client c;
	uint32_t ids[4];

	ASSERT_TRUE(sock != NULL);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	write_plan(&c, &plan_vif);
	expect_xs(&c, "/local/domain/5/device/vif/1", "", "n5,r0");
	expect_xs(&c, "/local/domain/5/device/vif/1/state", "1", "n5,r0");
	expect_xs(&c, "/local/domain/5/device/vif/1/backend",
		  "/local/domain/0/backend/vif/5/1", "n5,r0");
	expect_xs(&c, "/local/domain/5/device/vif/1/mtu", "1500", "n0,r5");
	expect_xs(&c, "/local/domain/0/backend/vif/5/1", "", "n0,r5");
	expect_xs(&c, "/local/domain/0/backend/vif/5/1/rate", "62500,50000",
		  "n0,r5");
	expect_xs(&c, "/local/domain/0/backend/vif/5/1/hotplug-status", "",
		  "n0,r5");
	expect_xs(&c, "/libxl/5/device/vif/1/bridge", "xenbr0", "n0");
	EXPECT_EQ(devnet_list(&c, 5, ids, 4), 1);
	EXPECT_EQ(ids[0], 1);
	EXPECT_EQ(devnet_find_mac(&c, 5, "00:16:3E:12:34:56", ids), 0);
	EXPECT_EQ(ids[0], 1);
	EXPECT_EQ(devnet_find_mac(&c, 5, "00:16:3e:12:34:57", ids), -ENOENT);
	/* A forced detach removes every node of the device. */
	EXPECT_EQ(devnet_detach(&c, 5, 1, true, err), 0);
	EXPECT_FALSE(xs_exists(&c, "/local/domain/5/device/vif/1"));
	EXPECT_FALSE(xs_exists(&c, "/local/domain/0/backend/vif/5"));
	EXPECT_FALSE(xs_exists(&c, "/libxl/5/device/vif/1"));
	EXPECT_EQ(devnet_detach(&c, 5, 1, true, err), -ENOENT);
	xs_client_rm(&c, 0, "/local/domain/5");
	xs_client_rm(&c, 0, "/libxl/5");
	xs_client_close(&c);
}

TEST(devnet_attach_refuses_a_mac_the_domain_already_uses)
{
	const char *sock = ts_daemon();
	struct devnet_vif v = plan_vif;
	char err[DEVNET_ERR_MAX];
	struct xs_client c;

	ASSERT_TRUE(sock != NULL);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	xs_client_write(&c, 0, "/local/domain/5/device", "");
	write_plan(&c, &plan_vif);
	v.devid = 2;
	v.vifname[0] = '\0';
	snprintf(v.bridge, sizeof(v.bridge), "sable-no-br0");
	EXPECT_EQ(devnet_attach(&c, &v, false, NULL, err), -EEXIST);
	EXPECT_STREQ(err, "vif 2 (00:16:3e:12:34:56): mac 00:16:3e:12:34:56 "
			  "is already used by vif 1 of domain 5");
	EXPECT_FALSE(xs_exists(&c, "/local/domain/5/device/vif/2"));
	EXPECT_FALSE(xs_exists(&c, "/local/domain/0/backend/vif/5/2"));
	/* The devid in use, then a bridge name that is not a bridge. */
	v.devid = 1;
	EXPECT_EQ(devnet_attach(&c, &v, false, NULL, err), -EEXIST);
	EXPECT_TRUE(strstr(err, "domain 5 already has vif 1") != NULL);
	v.devid = 3;
	v.mac[0] = '\0';
	snprintf(v.bridge, sizeof(v.bridge), "lo");
	EXPECT_EQ(devnet_attach(&c, &v, false, NULL, err), -EINVAL);
	EXPECT_STREQ(err, "vif 3: bridge lo: an interface of that name exists "
			  "and is not a bridge");
	EXPECT_FALSE(xs_exists(&c, "/local/domain/0/backend/vif/5/3"));
	devnet_teardown_domain(&c, 5);
	EXPECT_FALSE(xs_exists(&c, "/local/domain/0/backend/vif/5"));
	xs_client_rm(&c, 0, "/local/domain/5");
	xs_client_rm(&c, 0, "/libxl/5");
	xs_client_close(&c);
}

/* ---- through xl --------------------------------------------------------- */

static char image[64], cfgfile[64];

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	fwrite(text, 1, len, f);
	fclose(f);
}

static void xl_setup(const char *extra)
{
	char img[256] = { 0 }, text[512];

	fake_reset();
	fake_add(0, "Domain-0", 0);
	setenv("XENSTORED_PATH", ts_daemon(), 1);
	snprintf(image, sizeof(image), "/tmp/ts-net-Image-%d", (int)getpid());
	snprintf(cfgfile, sizeof(cfgfile), "/tmp/ts-net-%d.cfg", (int)getpid());
	memcpy(img + 0x38, "ARM\x64", 4);
	write_file(image, img, sizeof(img));
	snprintf(text, sizeof(text),
		 "name = \"guest\"\nkernel = \"%s\"\nmemory = 64\n%s\n", image,
		 extra);
	write_file(cfgfile, text, strlen(text));
}

static void xl_cleanup(void)
{
	unlink(image);
	unlink(cfgfile);
	unsetenv("XENSTORED_PATH");
}

/* xl with stderr in @err_out; stdout in @out_out. */
static int run_xl(int argc, char **argv, char *out_out, char *err_out)
{
	FILE *fo = tmpfile(), *fe = tmpfile();
	int so = dup(1), se = dup(2), rc;
	size_t n;

	fflush(stdout);
	fflush(stderr);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	rc = xl_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	rewind(fo);
	n = fread(out_out, 1, 4095, fo);
	out_out[n] = '\0';
	rewind(fe);
	n = fread(err_out, 1, 4095, fe);
	err_out[n] = '\0';
	fclose(fo);
	fclose(fe);
	return rc;
}

TEST(devnet_config_vif_refused_names_the_device_and_leaves_nothing)
{
	static struct xlcfg cfg;
	const char *text = "name='g'\nkernel='/k'\n"
			   "vif=['mac=00:16:3e:00:00:0a,bridge=lo']\n";
	char err[DEVNET_ERR_MAX], why[XLCFG_ERR_MAX];
	struct xs_client c;

	ASSERT_EQ(xlcfg_parse(&cfg, "t.cfg", text, strlen(text), NULL, 0, why),
		  0);
	ASSERT_EQ(xs_client_open(&c, ts_daemon(), 5), 0);
	xs_client_write(&c, 0, "/local/domain/6/device", "");
	EXPECT_EQ(devnet_attach_config(&cfg, 6, ts_daemon(), NULL, err),
		  -EINVAL);
	EXPECT_STREQ(err, "vif 0 (00:16:3e:00:00:0a): bridge lo: an interface "
			  "of that name exists and is not a bridge");
	EXPECT_FALSE(xs_exists(&c, "/local/domain/6/device/vif"));
	EXPECT_FALSE(xs_exists(&c, "/local/domain/0/backend/vif/6"));
	xs_client_rm(&c, 0, "/local/domain/6");
	xs_client_close(&c);
}

TEST(xl_create_refuses_a_bad_vif_and_destroys_the_domain)
{
	char out[4096], err[4096];
	char *argv[] = { "xl", "create", "-e", cfgfile, NULL };

	xl_setup("vif = [ 'rate=fast' ]");
	setenv("XENSTORED_PATH", ts_scripted(), 1);
	EXPECT_EQ(run_xl(4, argv, out, err), 1);
	EXPECT_TRUE(strstr(err, "xl: guest: vif 0: rate 'fast': malformed") !=
		    NULL);
	EXPECT_TRUE(fake_find(1) == NULL);
	EXPECT_EQ(fake_destroy_calls, 1);
	xl_cleanup();
}

TEST(xl_network_list_shows_xls_columns)
{
	char out[4096], err[4096];
	char *list[] = { "xl", "network-list", "guest", NULL };
	char *detach[] = { "xl", "network-detach", "guest", "7", NULL };
	char *detach_mac[] = { "xl", "network-detach", "guest",
			       "00:16:3e:00:00:09", NULL };
	struct devnet_vif v = plan_vif;
	struct xs_client c;

	xl_setup("");
	fake_add(5, "guest", 0);
	ASSERT_EQ(xs_client_open(&c, ts_daemon(), 5), 0);
	write_plan(&c, &v);
	xs_client_write(&c, 0, "/local/domain/5/device/vif/1/state", "4");
	xs_client_write(&c, 0, "/local/domain/5/device/vif/1/event-channel",
			"9");
	xs_client_write(&c, 0, "/local/domain/5/device/vif/1/tx-ring-ref",
			"768");
	xs_client_write(&c, 0, "/local/domain/5/device/vif/1/rx-ring-ref",
			"769");
	EXPECT_EQ(run_xl(3, list, out, err), 0);
	EXPECT_STREQ(
		out,
		"Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-"
		"ref BE-path                       \n"
		"1   0  00:16:3e:12:34:56     1     4      9   768/769     "
		"    /local/domain/0/backend/vif/5/1\n");
	EXPECT_EQ(run_xl(4, detach, out, err), 1);
	EXPECT_STREQ(err, "Unknown device 7.\n");
	EXPECT_EQ(run_xl(4, detach_mac, out, err), 1);
	EXPECT_STREQ(err, "Unknown device 00:16:3e:00:00:09.\n");
	devnet_teardown_domain(&c, 5);
	xs_client_rm(&c, 0, "/local/domain/5");
	xs_client_rm(&c, 0, "/libxl/5");
	xs_client_close(&c);
	xl_cleanup();
}

/*
 * The frontend directory is the guest's: whatever it writes there (its
 * state, ring references, a backend node naming another domain's vif)
 * is shown as a number or -1 and never followed; the teardown of its
 * domain takes its own vif and leaves the other domain's.
 */
TEST(xl_network_list_and_teardown_trust_nothing_in_the_frontend)
{
	const char *fe = "/local/domain/5/device/vif/1";
	char out[4096], err[4096], path[96];
	char *list[] = { "xl", "network-list", "guest", NULL };
	struct devnet_vif v = plan_vif, w = plan_vif;
	struct xs_client c;

	xl_setup("");
	fake_add(5, "guest", 0);
	ASSERT_EQ(xs_client_open(&c, ts_daemon(), 5), 0);
	write_plan(&c, &v);
	w.domid = 6;
	w.devid = 0;
	w.vifname[0] = '\0';
	write_plan(&c, &w);
	snprintf(path, sizeof(path), "%s/state", fe);
	xs_client_write(&c, 0, path, "-4");
	snprintf(path, sizeof(path), "%s/event-channel", fe);
	xs_client_write(&c, 0, path, "99999999999999999999");
	snprintf(path, sizeof(path), "%s/tx-ring-ref", fe);
	xs_client_write(&c, 0, path, " 12");
	snprintf(path, sizeof(path), "%s/rx-ring-ref", fe);
	xs_client_write(&c, 0, path, "4294967297");
	snprintf(path, sizeof(path), "%s/backend", fe);
	xs_client_write(&c, 0, path, "/local/domain/0/backend/vif/6/0");
	snprintf(path, sizeof(path), "%s/backend-id", fe);
	xs_client_write(&c, 0, path, "6");
	EXPECT_EQ(run_xl(3, list, out, err), 0);
	EXPECT_STREQ(
		out,
		"Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-"
		"ref BE-path                       \n"
		"1   0  00:16:3e:12:34:56     1    -1     -1    -1/-1     "
		"     /local/domain/0/backend/vif/5/1\n");
	devnet_teardown_domain(&c, 5);
	EXPECT_FALSE(xs_exists(&c, "/local/domain/0/backend/vif/5"));
	EXPECT_FALSE(xs_exists(&c, fe));
	EXPECT_FALSE(xs_exists(&c, "/libxl/5/device/vif/1"));
	EXPECT_TRUE(xs_exists(&c, "/local/domain/0/backend/vif/6/0"));
	EXPECT_TRUE(xs_exists(&c, "/local/domain/6/device/vif/0"));
	EXPECT_TRUE(xs_exists(&c, "/libxl/6/device/vif/0"));
	devnet_teardown_domain(&c, 6);
	xs_client_rm(&c, 0, "/local/domain/5");
	xs_client_rm(&c, 0, "/local/domain/6");
	xs_client_rm(&c, 0, "/libxl/5");
	xs_client_rm(&c, 0, "/libxl/6");
	xs_client_close(&c);
	xl_cleanup();
}
