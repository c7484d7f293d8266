/* SPDX-License-Identifier: MIT */
/*
 * The xl.cfg parser: golden files (golden/good/<x>.cfg parse to
 * <x>.out; golden/bad/<x>.cfg fail with the one line in <x>.err; an
 * optional <x>.args holds command-line overrides, one per line), the
 * small languages (disk, vif, CPU lists), command-line composition, and
 * random input that must never crash. XLCFG_GOLDEN_UPDATE=1 rewrites the
 * expected files from what the parser says (then review the diff).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ut.h"
#include "xlcfg.h"

#ifndef TS_GOLDEN
#define TS_GOLDEN "tests/unit/toolstack/golden"
#endif

#define BUF_MAX (64 * 1024)
#define MAX_ARGS 16

/* A whole file into a new buffer (NUL-terminated); NULL if absent. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		return NULL;
	}
	buf = malloc(BUF_MAX + 1);
	n = fread(buf, 1, BUF_MAX, f);
	fclose(f);
	buf[n] = '\0';
	if (len) {
		*len = n;
	}
	return buf;
}

static void spill(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* <stem>.args: one override per line. */
static unsigned int load_args(const char *stem, char *store, const char **argv)
{
	char path[1200], *text, *line, *save = NULL;
	unsigned int n = 0;

	snprintf(path, sizeof(path), "%s.args", stem);
	text = slurp(path, NULL);
	if (!text) {
		return 0;
	}
	snprintf(store, BUF_MAX, "%s", text);
	free(text);
	for (line = strtok_r(store, "\n", &save); line && n < MAX_ARGS;
	     line = strtok_r(NULL, "\n", &save)) {
		argv[n++] = line;
	}
	return n;
}

/*
 * Parse one golden file; compare with <stem>.<ext>. Returns true if it
 * matched (or was rewritten).
 */
static bool golden_one(const char *dir, const char *cfgname, bool good)
{
	char stem[800], path[1200], err[XLCFG_ERR_MAX], *args, *text, *want;
	static struct xlcfg cfg;
	const char *argv[MAX_ARGS];
	char *got = calloc(1, BUF_MAX);
	unsigned int nargs;
	size_t len;
	int rc;
	bool ok;

	snprintf(stem, sizeof(stem), "%s/%.*s", dir, (int)(strlen(cfgname) - 4),
		 cfgname);
	snprintf(path, sizeof(path), "%s/%s", dir, cfgname);
	text = slurp(path, &len);
	args = calloc(1, BUF_MAX + 1);
	nargs = load_args(stem, args, argv);
	rc = xlcfg_parse(&cfg, cfgname, text, len, argv, nargs, err);
	if (good && rc == 0) {
		xlcfg_dump(&cfg, got, BUF_MAX);
	} else {
		snprintf(got, BUF_MAX, "%s\n", rc ? err : "(parsed)");
	}
	snprintf(path, sizeof(path), "%s.%s", stem, good ? "out" : "err");
	if (getenv("XLCFG_GOLDEN_UPDATE")) {
		spill(path, got);
	}
	want = slurp(path, NULL);
	ok = want && strcmp(want, got) == 0;
	if (!ok) {
		printf("  golden %s: expected (%s):\n%s  got:\n%s", cfgname,
		       path, want ? want : "(missing file)\n", got);
	}
	free(want);
	free(text);
	free(args);
	free(got);
	return ok;
}

static int golden_dir(const char *sub, bool good)
{
	char dir[400];
	struct dirent *e;
	DIR *d;
	int failed = 0, seen = 0;

	snprintf(dir, sizeof(dir), "%s/%s", TS_GOLDEN, sub);
	d = opendir(dir);
	if (!d) {
		printf("  cannot open %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n > 4 && strcmp(e->d_name + n - 4, ".cfg") == 0) {
			seen++;
			failed += !golden_one(dir, e->d_name, good);
		}
	}
	closedir(d);
	return seen ? failed : -1;
}

TEST(xlcfg_golden_good_files_parse_to_their_dump)
{
	EXPECT_EQ(golden_dir("good", true), 0);
}

TEST(xlcfg_golden_bad_files_fail_with_their_message)
{
	EXPECT_EQ(golden_dir("bad", false), 0);
}

static int parse_text(struct xlcfg *cfg, const char *text, char *err)
{
	return xlcfg_parse(cfg, "t.cfg", text, strlen(text), NULL, 0, err);
}

TEST(xlcfg_cmdline_is_root_then_extra)
{
	static struct xlcfg c;
	char err[XLCFG_ERR_MAX];

	ASSERT_EQ(parse_text(&c,
			     "name='a'\nkernel='k'\nextra='quiet'\n"
			     "root='/dev/xvda1'\n",
			     err),
		  0);
	EXPECT_STREQ(c.cmdline, "root=/dev/xvda1 quiet");
	ASSERT_EQ(parse_text(&c, "name='a'\nkernel='k'\nroot='/dev/xvda1'\n",
			     err),
		  0);
	EXPECT_STREQ(c.cmdline, "root=/dev/xvda1");
	ASSERT_EQ(parse_text(&c, "name='a'\nkernel='k'\nextra='quiet'\n", err),
		  0);
	EXPECT_STREQ(c.cmdline, "quiet");
	ASSERT_EQ(parse_text(&c, "name='a'\nkernel='k'\n", err), 0);
	EXPECT_STREQ(c.cmdline, "");
	EXPECT_EQ(c.nr_warnings, 0);
}

TEST(xlcfg_cmdline_wins_over_root_and_extra_with_a_warning)
{
	static struct xlcfg c;
	char err[XLCFG_ERR_MAX];

	ASSERT_EQ(parse_text(&c,
			     "name='a'\nkernel='k'\nroot='/dev/x'\n"
			     "cmdline='console=hvc0'\n",
			     err),
		  0);
	EXPECT_STREQ(c.cmdline, "console=hvc0");
	ASSERT_EQ(c.nr_warnings, 1);
	EXPECT_STREQ(c.warnings[0], "t.cfg:4: cmdline: root= and extra= "
				    "ignored in favour of cmdline=");
}

TEST(xlcfg_command_line_overrides_replace_file_values)
{
	static struct xlcfg c;
	const char *argv[] = { "memory=256", "name=other", "vcpus='2'" };
	const char *text = "name='a'\nkernel='k'\nmemory=128\n";
	char err[XLCFG_ERR_MAX];

	ASSERT_EQ(xlcfg_parse(&c, "t.cfg", text, strlen(text), argv, 3, err),
		  0);
	EXPECT_EQ(c.memory_mib, 256);
	EXPECT_STREQ(c.name, "other");
	EXPECT_EQ(c.vcpus, 2);
}

TEST(xlcfg_defaults_follow_xl)
{
	static struct xlcfg c;
	char err[XLCFG_ERR_MAX];

	ASSERT_EQ(parse_text(&c, "name='a'\nkernel='k'\n", err), 0);
	EXPECT_EQ(c.memory_mib, 32);
	EXPECT_EQ(c.maxmem_mib, 32);
	EXPECT_EQ(c.vcpus, 1);
	EXPECT_EQ(c.maxvcpus, 1);
	EXPECT_EQ(c.cpu_weight, 256);
	EXPECT_EQ(c.on[XLCFG_ON_POWEROFF], XLCFG_DESTROY);
	EXPECT_EQ(c.on[XLCFG_ON_REBOOT], XLCFG_RESTART);
	EXPECT_EQ(c.on[XLCFG_ON_CRASH], XLCFG_DESTROY);
	EXPECT_EQ(c.on[XLCFG_ON_WATCHDOG], XLCFG_DESTROY);
}

TEST(xlcfg_disk_positional_and_keyword_forms_agree)
{
	static const char *const same[] = {
		"/dev/vg/guest-volume,,hda",
		"/dev/vg/guest-volume,raw,hda,rw",
		"format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
		"raw:/dev/vg/guest-volume,hda,w",
	};
	struct xlcfg_disk d;
	char err[XLCFG_ERR_MAX];
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		ASSERT_EQ(xlcfg_parse_disk(same[i], &d, err), 0);
		EXPECT_STREQ(d.target, "/dev/vg/guest-volume");
		EXPECT_STREQ(d.format, "raw");
		EXPECT_STREQ(d.vdev, "hda");
		EXPECT_FALSE(d.readonly);
		EXPECT_FALSE(d.cdrom);
	}
}

TEST(xlcfg_disk_cdrom_forms_agree)
{
	static const char *const same[] = {
		"/root/image.iso,,hdc,cdrom",
		"/root/image.iso,,hdc,,cdrom",
		"/root/image.iso,raw,hdc,devtype=cdrom",
		"format=raw, vdev=hdc, access=ro, devtype=cdrom, "
		"target=/root/image.iso",
		"raw:/root/image.iso,hdc:cdrom,ro",
	};
	struct xlcfg_disk d;
	char err[XLCFG_ERR_MAX];
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		ASSERT_EQ(xlcfg_parse_disk(same[i], &d, err), 0);
		EXPECT_STREQ(d.target, "/root/image.iso");
		EXPECT_STREQ(d.vdev, "hdc");
		EXPECT_TRUE(d.readonly);
		EXPECT_TRUE(d.cdrom);
	}
}

TEST(xlcfg_disk_errors_say_what)
{
	struct xlcfg_disk d;
	char err[XLCFG_ERR_MAX];

	EXPECT_EQ(xlcfg_parse_disk("/x", &d, err), -EINVAL);
	EXPECT_STREQ(err, "no vdev given (e.g. xvda)");
	EXPECT_EQ(xlcfg_parse_disk("/x,raw,xvda,rw,extra", &d, err), -EINVAL);
	EXPECT_STREQ(err, "too many positional parameters at 'extra'");
	EXPECT_EQ(xlcfg_parse_disk("/x,,xvda,colour=red", &d, err), -EINVAL);
	EXPECT_STREQ(err, "unknown parameter 'colour'");
	EXPECT_EQ(xlcfg_parse_disk("phy:/dev/sda,xvda,w", &d, err), 0);
	EXPECT_STREQ(d.backendtype, "phy");
	EXPECT_STREQ(d.target, "/dev/sda");
}

TEST(xlcfg_vif_keys_and_errors)
{
	struct xlcfg_vif v;
	char err[XLCFG_ERR_MAX];

	ASSERT_EQ(xlcfg_parse_vif("mac=00:16:3e:00:00:01, bridge=br0, "
				  "ip=10.0.0.1, script=vif-bridge, "
				  "backend=netdom, type=vif",
				  &v, err),
		  0);
	EXPECT_STREQ(v.mac, "00:16:3e:00:00:01");
	EXPECT_STREQ(v.bridge, "br0");
	EXPECT_STREQ(v.ip, "10.0.0.1");
	EXPECT_STREQ(v.script, "vif-bridge");
	EXPECT_STREQ(v.backend, "netdom");
	EXPECT_EQ(xlcfg_parse_vif("", &v, err), 0);
	EXPECT_EQ(xlcfg_parse_vif("bridge=br0,colour=red", &v, err), 1);
	EXPECT_STREQ(err, "unknown parameter 'colour' ignored");
	EXPECT_EQ(xlcfg_parse_vif("type=tap", &v, err), -EINVAL);
	EXPECT_EQ(xlcfg_parse_vif("mac=00:16:3e:00:00", &v, err), -EINVAL);
}

TEST(xlcfg_cpu_lists)
{
	uint64_t m;

	EXPECT_EQ(xlcfg_parse_cpus("all", &m), 0);
	EXPECT_EQ(m, ~0ULL);
	EXPECT_EQ(xlcfg_parse_cpus("0-3,^2", &m), 0);
	EXPECT_EQ(m, 0xbULL);
	EXPECT_EQ(xlcfg_parse_cpus("1", &m), 0);
	EXPECT_EQ(m, 2ULL);
	EXPECT_EQ(xlcfg_parse_cpus("0,63", &m), 0);
	EXPECT_EQ(m, 0x8000000000000001ULL);
	EXPECT_EQ(xlcfg_parse_cpus("64", &m), -EINVAL);
	EXPECT_EQ(xlcfg_parse_cpus("3-1", &m), -EINVAL);
	EXPECT_EQ(xlcfg_parse_cpus("", &m), -EINVAL);
	EXPECT_EQ(xlcfg_parse_cpus("^0", &m), -EINVAL);
	EXPECT_EQ(xlcfg_parse_cpus("x", &m), -EINVAL);
}

/* A small deterministic generator, so that a failure can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

TEST(xlcfg_random_bytes_never_crash)
{
	static const char alphabet[] = "=[],;'\"#\\\n +0x9aknmeZ_-.:";
	static struct xlcfg c;
	char text[512], err[XLCFG_ERR_MAX];
	int round, i, n;

	for (round = 0; round < 20000; round++) {
		n = (int)(rng() % sizeof(text));
		for (i = 0; i < n; i++) {
			uint32_t r = rng();

			text[i] = (r & 1) ? (char)(r >> 8)
					  : alphabet[(r >> 8) %
						     (sizeof(alphabet) - 1)];
		}
		if (xlcfg_parse(&c, "r.cfg", text, (size_t)n, NULL, 0, err)) {
			EXPECT_TRUE(err[0] != '\0');
		}
	}
}

TEST(xlcfg_mutated_golden_files_never_crash)
{
	static struct xlcfg c;
	char path[512], err[XLCFG_ERR_MAX], *text;
	size_t len, i;
	int round;

	snprintf(path, sizeof(path), "%s/good/debian-pvh.cfg", TS_GOLDEN);
	text = slurp(path, &len);
	ASSERT_TRUE(text != NULL);
	for (round = 0; round < 5000; round++) {
		char *m = malloc(len + 1);
		size_t cut = len ? rng() % (len + 1) : 0;

		memcpy(m, text, len);
		for (i = 0; i < 4 && len; i++) {
			m[rng() % len] = (char)rng();
		}
		xlcfg_parse(&c, "m.cfg", m, cut, NULL, 0, err);
		free(m);
	}
	free(text);
}
