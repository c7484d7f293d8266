/* SPDX-License-Identifier: MIT */
/*
 * xl's command line on the host: xl_main() with its output captured,
 * against the fake hypervisor and the host xenstored (or the scripted
 * one); argument parsing of xl create; the lifecycle monitor's actions.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dombuild.h"
#include "fake_sable.h"
#include "ts_helpers.h"
#include "ut.h"
#include "xl.h"
#include "xl_create.h"
#include "xs_client.h"

#define OUT_MAX (16 * 1024)

static char out[OUT_MAX], err[OUT_MAX];
static char image[64], cfgfile[64];

/* Read back what went to @fd's temporary file. */
static void drain(FILE *f, char *buf)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, OUT_MAX - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Run "xl <words>" (space-separated); stdout and stderr captured. */
static int xl(const char *words)
{
	char line[512], *argv[32], *save = NULL, *w;
	FILE *fo = tmpfile(), *fe = tmpfile();
	int argc = 0, so, se, rc;

	snprintf(line, sizeof(line), "xl %s", words);
	for (w = strtok_r(line, " ", &save); w && argc < 31;
	     w = strtok_r(NULL, " ", &save)) {
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	rc = xl_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	drain(fo, out);
	drain(fe, err);
	return rc;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	fwrite(data, 1, len, f);
	fclose(f);
}

/* A fake dom0 and domU, an Image and a config file naming it. */
static void setup(const char *xs, const char *cfg_extra)
{
	unsigned char img[256] = { 0 };
	char text[512];

	fake_reset();
	fake_add(0, "Domain-0", 0)->info.mem_kib = 512 * 1024;
	fake_doms[0].info.flags |= SABLE_DOMINF_running;
	fake_doms[0].info.cpu_time_ns = 12345000000ULL;
	setenv("XENSTORED_PATH", xs, 1);
	snprintf(image, sizeof(image), "/tmp/ts-xl-Image-%d", (int)getpid());
	snprintf(cfgfile, sizeof(cfgfile), "/tmp/ts-xl-%d.cfg", (int)getpid());
	memcpy(img + 0x38, "ARM\x64", 4);
	write_file(image, img, sizeof(img));
	snprintf(text, sizeof(text),
		 "name = \"guest\"\nkernel = \"%s\"\nmemory = 64\n%s\n", image,
		 cfg_extra);
	write_file(cfgfile, text, strlen(text));
}

static void cleanup(void)
{
	unlink(image);
	unlink(cfgfile);
	unsetenv("XENSTORED_PATH");
}

TEST(xl_without_command_or_unknown_is_usage_error)
{
	setup(ts_scripted(), "");
	EXPECT_EQ(xl(""), 2);
	EXPECT_TRUE(strstr(err, "Usage: xl <subcommand> [args]") != NULL);
	EXPECT_EQ(xl("bogus"), 2);
	EXPECT_TRUE(strstr(err, "xl: unknown command 'bogus'") != NULL);
	EXPECT_EQ(xl("domid"), 2);
	EXPECT_TRUE(strstr(err, "Usage: xl domid NAME") != NULL);
	EXPECT_EQ(xl("list -z"), 2);
	cleanup();
}

/* xl debug-keys e: one dump per domain; other keys are refused. */
TEST(xl_debug_keys_dumps_each_domain_and_refuses_other_keys)
{
	setup(ts_scripted(), "");
	fake_add(3, "guest", 0);
	EXPECT_EQ(xl("debug-keys e"), 0);
	EXPECT_EQ(fake_debug_dumps, 2);
	EXPECT_EQ(xl("debug-keys q"), 1);
	EXPECT_TRUE(strstr(err, "debug key 'q' is not supported") != NULL);
	EXPECT_EQ(fake_debug_dumps, 2);
	EXPECT_EQ(xl("debug-keys"), 2);
	cleanup();
}

TEST(xl_help_lists_commands_and_their_options)
{
	setup(ts_scripted(), "");
	EXPECT_EQ(xl("help"), 0);
	EXPECT_TRUE(strstr(out, " create              Create a domain") !=
		    NULL);
	EXPECT_TRUE(strstr(out, " vcpu-list ") != NULL);
	EXPECT_EQ(xl("help create"), 0);
	EXPECT_TRUE(strstr(out, "Usage: xl create [options] [FILE] "
				"[key=value ...]") != NULL);
	EXPECT_EQ(xl("shutdown -h"), 0);
	EXPECT_TRUE(strstr(out, "-w  wait until the domain has shut down") !=
		    NULL);
	EXPECT_EQ(xl("help nosuch"), 2);
	cleanup();
}

TEST(xl_create_arguments)
{
	struct xl_create_args a;
	char *v1[] = {
		"create", "-c", "-p", "a.cfg", "memory=5", "name=x", NULL
	};
	char *v2[] = { "create", "-f", "b.cfg", "-q", "vcpus=2", NULL };
	char *v3[] = { "create", NULL };
	char *v4[] = { "create", "a.cfg", "b.cfg", NULL };
	char *v5[] = { "create", "-x", "a.cfg", NULL };

	optind = 0;
	ASSERT_EQ(xl_create_args(6, v1, &a), 0);
	EXPECT_TRUE(a.console && a.paused && !a.quiet && !a.dry_run);
	EXPECT_STREQ(a.file, "a.cfg");
	ASSERT_EQ(a.noverrides, 2);
	EXPECT_STREQ(a.overrides[0], "memory=5");
	EXPECT_STREQ(a.overrides[1], "name=x");
	optind = 0;
	ASSERT_EQ(xl_create_args(5, v2, &a), 0);
	EXPECT_STREQ(a.file, "b.cfg");
	EXPECT_TRUE(a.quiet);
	EXPECT_EQ(a.noverrides, 1);
	optind = 0;
	EXPECT_EQ(xl_create_args(1, v3, &a), 2);
	optind = 0;
	EXPECT_EQ(xl_create_args(3, v4, &a), 2);
	optind = 0;
	opterr = 0;
	EXPECT_EQ(xl_create_args(3, v5, &a), 2);
	opterr = 1;
}

TEST(xl_list_has_xl_columns_and_cpu_time)
{
	setup(ts_scripted(), "");
	fake_add(3, "domU1", 0)->info.flags = SABLE_DOMINF_shutdown;
	fake_find(3)->info.cpu_time_ns = 250000000ULL;
	EXPECT_EQ(xl("list"), 0);
	EXPECT_STREQ(out,
		     "Name                                        ID   Mem "
		     "VCPUs      State   Time(s)\n"
		     "Domain-0                                     0   512 "
		     "    2     r-----      12.3\n"
		     "domU1                                        3    64 "
		     "    2     ---s--       0.2\n");
	EXPECT_EQ(xl("list domU1"), 0);
	EXPECT_TRUE(strstr(out, "Domain-0") == NULL);
	/* VCPUs counts those online (xl vcpu-set 1 of 2). */
	fake_find(3)->info.nr_online_vcpus = 1;
	EXPECT_EQ(xl("list domU1"), 0);
	EXPECT_TRUE(strstr(out, "   64     1     ---s--") != NULL);
	EXPECT_EQ(xl("list nosuch"), 1);
	EXPECT_STREQ(err, "xl: no domain nosuch\n");
	cleanup();
}

TEST(xl_list_long_is_json)
{
	setup(ts_scripted(), "");
	EXPECT_EQ(xl("list -l 0"), 0);
	EXPECT_TRUE(strstr(out, "\"domid\": 0,") != NULL);
	EXPECT_TRUE(strstr(out, "\"name\": \"Domain-0\",") != NULL);
	EXPECT_TRUE(strstr(out, "\"max_vcpus\": 2,") != NULL);
	EXPECT_EQ(out[0], '[');
	cleanup();
}

TEST(xl_domid_and_domname)
{
	setup(ts_scripted(), "");
	fake_add(4, "web", 0);
	EXPECT_EQ(xl("domid web"), 0);
	EXPECT_STREQ(out, "4\n");
	EXPECT_EQ(xl("domname 4"), 0);
	EXPECT_STREQ(out, "web\n");
	EXPECT_EQ(xl("domid nosuch"), 1);
	EXPECT_STREQ(err, "xl: no domain nosuch\n");
	cleanup();
}

TEST(xl_create_dry_run_prints_the_parsed_config)
{
	char cmd[128];

	setup(ts_scripted(), "vcpus = 2");
	snprintf(cmd, sizeof(cmd), "create -n -q %s memory=100", cfgfile);
	EXPECT_EQ(xl(cmd), 0);
	EXPECT_TRUE(strstr(out, "name = \"guest\"\n") != NULL);
	EXPECT_TRUE(strstr(out, "memory = 100\n") != NULL);
	EXPECT_TRUE(strstr(out, "vcpus = 2\n") != NULL);
	EXPECT_EQ(fake_ndoms, 1);
	cleanup();
}

TEST(xl_create_bad_config_names_file_line_key_and_creates_nothing)
{
	char cmd[128], want[256];

	setup(ts_scripted(), "vcpus = many");
	snprintf(cmd, sizeof(cmd), "create %s", cfgfile);
	EXPECT_EQ(xl(cmd), 1);
	snprintf(want, sizeof(want),
		 "Parsing config from %s\nxl: %s:4: vcpus: expected a value "
		 "(strings need quotes)\n",
		 cfgfile, cfgfile);
	EXPECT_STREQ(err, want);
	EXPECT_EQ(fake_ndoms, 1);
	EXPECT_EQ(xl("create /nonexistent/a.cfg"), 1);
	EXPECT_STREQ(err,
		     "xl: /nonexistent/a.cfg: No such file or directory\n");
	cleanup();
}

TEST(xl_create_builds_and_unpauses)
{
	char cmd[128];

	setup(ts_scripted(), "");
	snprintf(cmd, sizeof(cmd), "create -e %s", cfgfile);
	EXPECT_EQ(xl(cmd), 0);
	ASSERT_TRUE(fake_find(1) != NULL);
	EXPECT_STREQ(fake_find(1)->info.name, "guest");
	EXPECT_EQ(fake_find(1)->info.flags & SABLE_DOMINF_paused, 0);
	EXPECT_TRUE(strstr(err, "Domain 1 (guest) created") != NULL);
	snprintf(cmd, sizeof(cmd), "create -e -p %s name=guest2", cfgfile);
	EXPECT_EQ(xl(cmd), 0);
	ASSERT_TRUE(fake_find(2) != NULL);
	EXPECT_TRUE(fake_find(2)->info.flags & SABLE_DOMINF_paused);
	EXPECT_EQ(xl(cmd), 1);
	EXPECT_TRUE(strstr(err, "xl: guest2: name: a domain called \"guest2\" "
				"exists (id 2)") != NULL);
	cleanup();
}

TEST(xl_destroy_pause_unpause)
{
	setup(ts_scripted(), "");
	fake_add(2, "victim", 0);
	EXPECT_EQ(xl("pause victim"), 0);
	EXPECT_TRUE(fake_find(2)->info.flags & SABLE_DOMINF_paused);
	EXPECT_EQ(xl("list victim"), 0);
	EXPECT_TRUE(strstr(out, "--p---") != NULL);
	EXPECT_EQ(xl("unpause 2"), 0);
	EXPECT_FALSE(fake_find(2)->info.flags & SABLE_DOMINF_paused);
	EXPECT_EQ(xl("unpause 2"), 1);
	EXPECT_EQ(xl("destroy victim"), 0);
	EXPECT_TRUE(fake_find(2) == NULL);
	EXPECT_EQ(xl("destroy victim"), 1);
	EXPECT_EQ(xl("destroy 0"), 1);
	EXPECT_STREQ(err, "xl: cannot destroy Domain-0\n");
	cleanup();
}

TEST(xl_vcpu_list_and_pin)
{
	setup(ts_scripted(), "");
	fake_add(2, "g", 0)->info.nr_vcpus = 1;
	EXPECT_EQ(xl("vcpu-list g"), 0);
	EXPECT_STREQ(out,
		     "Name                                ID  VCPU   CPU "
		     "State   Time(s) Affinity (Hard / Soft)\n"
		     "g                                    2     0     0   "
		     "-b-        1.5  all / all\n");
	EXPECT_EQ(xl("vcpu-pin g 0 1"), 0);
	EXPECT_EQ(fake_find(2)->affinity[0], 2);
	EXPECT_EQ(xl("vcpu-list g"), 0);
	EXPECT_TRUE(strstr(out, "  1 / all\n") != NULL);
	/* SOFT given; HARD "-" keeps the hard one; no SOFT keeps the soft. */
	EXPECT_EQ(xl("vcpu-pin g 0 all 0"), 0);
	EXPECT_EQ(fake_find(2)->affinity[0], ~0ULL);
	EXPECT_EQ(fake_find(2)->soft_affinity[0], 1);
	EXPECT_EQ(xl("vcpu-pin g 0 1"), 0);
	EXPECT_EQ(fake_find(2)->affinity[0], 2);
	EXPECT_EQ(fake_find(2)->soft_affinity[0], 1);
	EXPECT_EQ(xl("vcpu-pin g 0 - 1"), 0);
	EXPECT_EQ(fake_find(2)->affinity[0], 2);
	EXPECT_EQ(fake_find(2)->soft_affinity[0], 2);
	EXPECT_EQ(xl("vcpu-list g"), 0);
	EXPECT_TRUE(strstr(out, "  1 / 1\n") != NULL);
	EXPECT_EQ(xl("vcpu-pin g 0 - -"), 0);
	EXPECT_EQ(xl("vcpu-pin g 0 1 x"), 1);
	EXPECT_STREQ(err, "xl: bad soft CPU list \"x\"\n");
	fake_affinity_errno = ENOSYS;
	EXPECT_EQ(xl("vcpu-pin g all 0"), 1);
	EXPECT_STREQ(err, "xl: cannot set the affinity of vCPU 0: not "
			  "supported by this hypervisor\n");
	EXPECT_EQ(xl("vcpu-pin g 5 0"), 1);
	cleanup();
}

TEST(xl_info_dmesg_uptime)
{
	setup(ts_scripted(), "");
	EXPECT_EQ(xl("info"), 0);
	EXPECT_TRUE(strstr(out, "nr_cpus                : 2\n") != NULL);
	EXPECT_TRUE(strstr(out, "free_memory            : 1024\n") != NULL);
	EXPECT_TRUE(strstr(out, "xen_version            : 4.17.0-sable\n") !=
		    NULL);
	EXPECT_TRUE(strstr(out, "xen_extra              : .0-sable\n") != NULL);
	EXPECT_TRUE(strstr(out, "xen_commandline        : dom0_mem=512M "
				"loglvl=all\n") != NULL);
	EXPECT_TRUE(strstr(out, "xen_changeset          : sable 0.1.0\n") !=
		    NULL);
	EXPECT_TRUE(strstr(out, "cc_compiler            : gcc\n") != NULL);
	EXPECT_EQ(xl("dmesg"), 0);
	EXPECT_STREQ(out, "(XEN) Sable: hello\n(XEN) dom0 built\n");
	EXPECT_EQ(xl("uptime 0"), 0);
	EXPECT_STREQ(out, "Name                                ID Uptime\n"
			  "Domain-0                             0  1:02:03\n");
	cleanup();
}

TEST(xl_sched_credit2_gets_and_sets)
{
	setup(ts_scripted(), "");
	fake_add(2, "g", 0);
	EXPECT_EQ(xl("sched-credit2 -d g -w 512 -c 100"), 0);
	EXPECT_EQ(fake_find(2)->sched.weight, 512);
	EXPECT_EQ(fake_find(2)->sched.cap, 50);
	EXPECT_TRUE(strstr(out, "g                                    2    "
				"512  100\n") != NULL);
	EXPECT_EQ(xl("sched-credit2 -d g -w 0"), 2);
	EXPECT_EQ(xl("sched-credit2 -w 5"), 2);
	cleanup();
}

TEST(xl_rename_checks_the_name)
{
	setup(ts_scripted(), "");
	fake_add(2, "old", 0);
	EXPECT_EQ(xl("rename old new-name"), 0);
	EXPECT_STREQ(fake_find(2)->info.name, "new-name");
	EXPECT_EQ(xl("rename new-name 123"), 1);
	EXPECT_TRUE(strstr(err, "a name cannot be a number") != NULL);
	cleanup();
}

TEST(xl_shutdown_writes_the_pv_control_node)
{
	const char *sock = ts_daemon();
	struct xs_client c;
	char v[32] = "";

	ASSERT_TRUE(sock != NULL);
	setup(sock, "");
	fake_add(6, "g", 0);
	EXPECT_EQ(xl("shutdown g"), 1);
	EXPECT_TRUE(strstr(err, "PV control interface not available") != NULL);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	xs_client_write(&c, 0, "/local/domain/6/control/feature-poweroff", "1");
	EXPECT_EQ(xl("shutdown g"), 0);
	EXPECT_EQ(xs_client_read(&c, 0, "/local/domain/6/control/shutdown", v,
				 sizeof(v)),
		  0);
	EXPECT_STREQ(v, "poweroff");
	EXPECT_EQ(xl("reboot 6"), 0);
	xs_client_read(&c, 0, "/local/domain/6/control/shutdown", v, sizeof(v));
	EXPECT_STREQ(v, "reboot");
	/* Already shut down: -w returns; with no monitor it is destroyed. */
	fake_find(6)->info.flags |= SABLE_DOMINF_shutdown;
	EXPECT_EQ(xl("shutdown -w g"), 0);
	EXPECT_TRUE(fake_find(6) == NULL);
	EXPECT_TRUE(strstr(err, "Domain 6 has been shut down, reason code 0") !=
		    NULL);
	xs_client_rm(&c, 0, "/local/domain/6");
	xs_client_close(&c);
	cleanup();
}

/*
 * mem-set and mem-max: xl's units, libxl's order (the hypervisor's limit
 * at target + 1 MiB first, then memory/target) and its refusals.
 */
TEST(xl_mem_set_and_mem_max)
{
	const char *sock = ts_daemon();
	struct xs_client c;
	char v[32] = "";

	ASSERT_TRUE(sock != NULL);
	setup(sock, "");
	fake_add(6, "g", 0);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	xs_client_write(&c, 0, "/local/domain/6/memory/static-max", "131072");
	xs_client_write(&c, 0, "/local/domain/6/memory/target", "131072");
	EXPECT_EQ(xl("mem-set g 96"), 0);
	xs_client_read(&c, 0, "/local/domain/6/memory/target", v, sizeof(v));
	EXPECT_STREQ(v, "98304");
	EXPECT_EQ(fake_find(6)->info.max_mem_kib, 98304 + 1024);
	/* Units: b, k, m (the default), g; above static-max is refused. */
	EXPECT_EQ(xl("mem-set g 65536k"), 0);
	xs_client_read(&c, 0, "/local/domain/6/memory/target", v, sizeof(v));
	EXPECT_STREQ(v, "65536");
	EXPECT_EQ(xl("mem-set g 100663296b"), 0);
	xs_client_read(&c, 0, "/local/domain/6/memory/target", v, sizeof(v));
	EXPECT_STREQ(v, "98304");
	EXPECT_EQ(xl("mem-set g 1g"), 1);
	EXPECT_STREQ(err, "xl: 1048576 KiB is above domain 6's maximum of "
			  "131072 KiB (xl mem-max raises it)\n");
	xs_client_read(&c, 0, "/local/domain/6/memory/target", v, sizeof(v));
	EXPECT_STREQ(v, "98304");
	EXPECT_EQ(xl("mem-set g 12x"), 1);
	EXPECT_TRUE(strstr(err, "bad memory size \"12x\"") != NULL);
	EXPECT_EQ(xl("mem-set g -5"), 1);
	EXPECT_EQ(xl("mem-set g 0"), 1);
	/* mem-max: never below the target; raises static-max too. */
	EXPECT_EQ(xl("mem-max g 64"), 1);
	EXPECT_STREQ(err, "xl: 65536 KiB is below domain 6's target of 98304 "
			  "KiB: lower the target first (xl mem-set)\n");
	EXPECT_EQ(xl("mem-max g 1g"), 0);
	xs_client_read(&c, 0, "/local/domain/6/memory/static-max", v,
		       sizeof(v));
	EXPECT_STREQ(v, "1048576");
	EXPECT_EQ(fake_find(6)->info.max_mem_kib, 1048576 + 1024);
	EXPECT_EQ(xl("mem-set g 1g"), 0);
	EXPECT_EQ(xl("mem-set nosuch 64"), 1);
	EXPECT_EQ(xl("mem-set g"), 2);
	xs_client_rm(&c, 0, "/local/domain/6");
	xs_client_close(&c);
	cleanup();
}

/* vcpu-set: availability nodes as libxl writes them, bounds refused. */
TEST(xl_vcpu_set_writes_each_availability)
{
	const char *sock = ts_daemon();
	struct xs_client c;
	char v[3][16];

	ASSERT_TRUE(sock != NULL);
	setup(sock, "");
	fake_add(6, "g", 0)->info.nr_vcpus = 3;
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	EXPECT_EQ(xl("vcpu-set g 2"), 0);
	for (unsigned int i = 0; i < 3; i++) {
		char path[64];

		snprintf(path, sizeof(path),
			 "/local/domain/6/cpu/%u/availability", i);
		EXPECT_EQ(xs_client_read(&c, 0, path, v[i], sizeof(v[i])), 0);
	}
	EXPECT_STREQ(v[0], "online");
	EXPECT_STREQ(v[1], "online");
	EXPECT_STREQ(v[2], "offline");
	EXPECT_EQ(xl("vcpu-set g 4"), 1);
	EXPECT_STREQ(err, "xl: 4 vCPUs asked, domain 6 has at most 3 "
			  "(maxvcpus)\n");
	EXPECT_EQ(xl("vcpu-set g 0"), 1);
	EXPECT_EQ(xl("vcpu-set g x"), 1);
	EXPECT_STREQ(err, "xl: bad vCPU count \"x\" (1 or more)\n");
	EXPECT_EQ(xl("vcpu-set g 3"), 0);
	EXPECT_EQ(xs_client_read(&c, 0, "/local/domain/6/cpu/2/availability",
				 v[2], sizeof(v[2])),
		  0);
	EXPECT_STREQ(v[2], "online");
	xs_client_rm(&c, 0, "/local/domain/6");
	xs_client_close(&c);
	cleanup();
}

TEST(xl_console_waits_for_the_tty_then_attaches)
{
	const char *sock = ts_daemon();
	struct xs_client c;

	ASSERT_TRUE(sock != NULL);
	setup(sock, "");
	fake_add(7, "g", 0);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	xs_client_write(&c, 0, "/local/domain/7/console/tty", "/dev/pts/4");
	EXPECT_EQ(xl("console g"), 0);
	EXPECT_EQ(fake_console_domid, 7);
	EXPECT_STREQ(fake_console_tty, "/dev/pts/4");
	EXPECT_EQ(xl("console 0"), 1);
	xs_client_rm(&c, 0, "/local/domain/7");
	xs_client_close(&c);
	cleanup();
}

/*
 * The guest owns its console directory and may point console/tty at the
 * pty of another domain (or of dom0): with a console backend directory,
 * xl console takes the daemon's copy there and never the guest's node.
 */
TEST(xl_console_takes_the_backend_tty_not_the_one_the_guest_wrote)
{
	const char *sock = ts_daemon();
	struct xs_client c;

	ASSERT_TRUE(sock != NULL);
	setup(sock, "");
	fake_add(7, "g", 0);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	xs_client_write(&c, 0, "/local/domain/7/console/tty", "/dev/pts/9");
	xs_client_write(&c, 0, "/local/domain/0/backend/console/7/0/tty",
			"/dev/pts/4");
	EXPECT_EQ(xl("console g"), 0);
	EXPECT_EQ(fake_console_domid, 7);
	EXPECT_STREQ(fake_console_tty, "/dev/pts/4");
	xs_client_rm(&c, 0, "/local/domain/0/backend/console/7");
	xs_client_rm(&c, 0, "/local/domain/7");
	xs_client_close(&c);
	cleanup();
}

/* ---- the monitor -------------------------------------------------------- */

static struct xlcfg mcfg;

static void monitor_cfg(const char *extra)
{
	char text[512], e[XLCFG_ERR_MAX];

	snprintf(text, sizeof(text), "name='guest'\nkernel='%s'\n%s\n", image,
		 extra);
	ASSERT_EQ(xlcfg_parse(&mcfg, "m.cfg", text, strlen(text), NULL, 0, e),
		  0);
}

/* A domain the monitor creates again is destroyed at once. */
static void die_at_once(struct fake_dom *d)
{
	d->info.flags |= SABLE_DOMINF_dying;
}

/* Domain 3 "guest", made from @extra, has shut down for @reason. */
static void monitor_shut_down(const char *extra, uint32_t reason)
{
	setup(ts_scripted(), "");
	monitor_cfg(extra);
	fake_add(3, "guest", 0)->info.flags = SABLE_DOMINF_shutdown;
	fake_find(3)->info.shutdown_reason = reason;
}

static int run_monitor(uint32_t domid, char *log_text)
{
	FILE *log = tmpfile();
	int rc = xl_monitor_run(NULL, ts_scripted(), &mcfg, domid, log);

	drain(log, log_text);
	return rc;
}

TEST(xl_monitor_destroys_on_poweroff)
{
	monitor_shut_down("", DOMBUILD_POWEROFF);
	EXPECT_EQ(run_monitor(3, out), 0);
	EXPECT_TRUE(fake_find(3) == NULL);
	EXPECT_TRUE(strstr(out, "Action for shutdown reason code 0 is "
				"destroy") != NULL);
	cleanup();
}

TEST(xl_monitor_preserves_when_told)
{
	monitor_shut_down("on_crash = 'preserve'", DOMBUILD_CRASH);
	EXPECT_EQ(run_monitor(3, out), 0);
	EXPECT_TRUE(fake_find(3) != NULL);
	EXPECT_TRUE(strstr(out, "Domain 3 left shut down") != NULL);
	cleanup();
}

TEST(xl_monitor_restarts_on_reboot_with_the_same_name)
{
	monitor_shut_down("memory = 16", DOMBUILD_REBOOT);
	fake_on_create = die_at_once;
	EXPECT_EQ(run_monitor(3, out), 0);
	EXPECT_TRUE(fake_find(3) == NULL);
	ASSERT_TRUE(fake_find(1) != NULL);
	EXPECT_STREQ(fake_find(1)->info.name, "guest");
	EXPECT_TRUE(strstr(out, "Domain 3 restarted as domain 1 (guest)") !=
		    NULL);
	EXPECT_TRUE(strstr(out, "Domain 1 has been destroyed.") != NULL);
	cleanup();
}

TEST(xl_monitor_rename_restart_keeps_the_old_domain)
{
	monitor_shut_down("on_crash = 'rename-restart'\nmemory = 16",
			  DOMBUILD_CRASH);
	fake_on_create = die_at_once;
	EXPECT_EQ(run_monitor(3, out), 0);
	ASSERT_TRUE(fake_find(3) != NULL);
	EXPECT_STREQ(fake_find(3)->info.name, "guest-3");
	ASSERT_TRUE(fake_find(1) != NULL);
	EXPECT_STREQ(fake_find(1)->info.name, "guest");
	cleanup();
}

TEST(xl_monitor_exits_when_the_domain_is_destroyed)
{
	setup(ts_scripted(), "");
	monitor_cfg("");
	EXPECT_EQ(run_monitor(9, out), 0);
	EXPECT_TRUE(strstr(out, "Domain 9 has been destroyed.") != NULL);
	cleanup();
}
