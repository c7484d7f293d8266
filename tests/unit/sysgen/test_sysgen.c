/* SPDX-License-Identifier: MIT */
/*
 * sable-system's reading, checks, device tree and QEMU command line, on
 * golden system directories: golden/good/<x>/ gives golden/good/<x>.out
 * (the /chosen part of the tree as text, QEMU's arguments and the
 * warnings); golden/bad/<x>/ fails with the one line in golden/bad/<x>.err.
 * The images the files name are made by the test in a temporary directory
 * (${SYSGEN_IMAGES}, "$IMAGES" in the expected text). SYSGEN_GOLDEN_UPDATE=1
 * rewrites the expected files (then review the diff).
 */
#include <dirent.h>
#include <stdarg.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sable/bootdom.h>

#include "sysgen.h"
#include "ut.h"

#ifndef SYSGEN_GOLDEN
#define SYSGEN_GOLDEN "tests/unit/sysgen/golden"
#endif

#define OUT_MAX (64 * 1024)
#define TREE_MAX (64 * 1024)

static char images[64];

/* An arm64 Image header (text_offset 0, image_size @span) and @size bytes. */
static void make_image(const char *name, size_t size, uint64_t span, bool magic)
{
	char path[128];
	unsigned char *buf = calloc(1, size);
	FILE *f;

	ASSERT_TRUE(buf != NULL);
	if (magic && size >= 64) {
		for (int i = 0; i < 8; i++) {
			buf[16 + i] = (unsigned char)(span >> (8 * i));
		}
		memcpy(buf + 56, "ARM\x64", 4);
	}
	snprintf(path, sizeof(path), "%s/%s", images, name);
	f = fopen(path, "wb");
	ASSERT_TRUE(f != NULL);
	fwrite(buf, 1, size, f);
	fclose(f);
	free(buf);
}

static void make_images(void)
{
	if (images[0]) {
		return;
	}
	snprintf(images, sizeof(images), "/tmp/sysgen-test-XXXXXX");
	ASSERT_TRUE(mkdtemp(images) != NULL);
	setenv("SYSGEN_IMAGES", images, 1);
	make_image("Image", 3 << 20, 4 << 20, true);
	make_image("initrd", 1 << 20, 0, false);
	make_image("notimage", 4096, 0, false);
	make_image("empty", 0, 0, false);
}

static void remove_images(void)
{
	static const char *const names[] = { "Image", "initrd", "notimage",
					     "empty" };
	char path[128];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", images, names[i]);
		unlink(path);
	}
	rmdir(images);
	images[0] = '\0';
}

struct text {
	char *buf;
	size_t n;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->n, OUT_MAX - t->n, fmt, ap);
	va_end(ap);
	if (n > 0) {
		t->n += (size_t)n < OUT_MAX - t->n ? (size_t)n
						   : OUT_MAX - t->n - 1;
	}
}

/* A property as dtc would show it: strings, or cells. */
static void put_prop(struct text *t, const char *name, const char *v, int len)
{
	bool str = len > 0 && v[len - 1] == '\0';

	for (int i = 0; str && i < len; i++) {
		str = v[i] == '\0' ? i > 0 && v[i - 1] != '\0'
				   : (v[i] >= 32 && v[i] < 127);
	}
	if (len == 0) {
		put(t, "%s;\n", name);
	} else if (len == 1 && !v[0]) {
		put(t, "%s = \"\";\n", name);
	} else if (str) {
		put(t, "%s = \"", name);
		for (int i = 0; i < len - 1; i++) {
			put(t, v[i] ? "%c" : "\", \"", v[i]);
		}
		put(t, "\";\n");
	} else {
		put(t, "%s = <", name);
		for (int i = 0; i + 4 <= len; i += 4) {
			put(t, "%s0x%x", i ? " " : "",
			    fdt32_to_cpu(*(const fdt32_t *)(v + i)));
		}
		put(t, ">;\n");
	}
}

static void put_node(struct text *t, const void *fdt, int node, int depth)
{
	int p, sub;

	put(t, "%*s%s {\n", depth * 2, "", fdt_get_name(fdt, node, NULL));
	fdt_for_each_property_offset(p, fdt, node)
	{
		const char *name;
		int len;
		const char *v = fdt_getprop_by_offset(fdt, p, &name, &len);

		put(t, "%*s", depth * 2 + 2, "");
		put_prop(t, name, v, len);
	}
	fdt_for_each_subnode(sub, fdt, node)
	{
		put_node(t, fdt, sub, depth + 1);
	}
	put(t, "%*s};\n", depth * 2, "");
}

/* A small stand-in for QEMU virt's tree: a root, /chosen and /memory. */
static void base_tree(void *buf)
{
	fdt_create(buf, TREE_MAX);
	fdt_finish_reservemap(buf);
	fdt_begin_node(buf, "");
	fdt_property_u32(buf, "#address-cells", 2);
	fdt_property_u32(buf, "#size-cells", 2);
	fdt_property_string(buf, "compatible", "linux,dummy-virt");
	fdt_begin_node(buf, "chosen");
	fdt_property_string(buf, "stdout-path", "/pl011@9000000");
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_finish(buf);
}

/* @s with the images' directory as "$IMAGES". */
static void put_masked(struct text *t, const char *s)
{
	size_t il = strlen(images);

	while (*s) {
		if (il && strncmp(s, images, il) == 0) {
			put(t, "$IMAGES");
			s += il;
		} else {
			put(t, "%c", *s++);
		}
	}
}

/* Read, check and (for good ones) build the system @name; its text. */
static void run_case(const char *name, bool good, struct text *t)
{
	static struct sysgen_system sys;
	static char base[TREE_MAX], tree[2 * TREE_MAX], store[OUT_MAX];
	char err[SYSGEN_ERR_MAX], *argv[128];
	int rc, n;

	rc = sysgen_read(&sys, name, err);
	if (!rc) {
		rc = sysgen_check(&sys, err);
	}
	if (!good || rc) {
		put_masked(t, rc ? err : "(accepted)");
		put(t, "\n");
		return;
	}
	base_tree(base);
	rc = sysgen_fdt(&sys, base, sizeof(base), tree, sizeof(tree), err);
	if (rc) {
		put(t, "%s\n", err);
		return;
	}
	put_node(t, tree, fdt_path_offset(tree, "/chosen"), 0);
	n = sysgen_qemu_argv(&sys, NULL, "sable.bin", "system.dtb", argv, 128,
			     store, sizeof(store));
	for (int i = 0; i < n; i++) {
		put(t, i ? " " : "qemu: ");
		put_masked(t, argv[i]);
	}
	put(t, "\n");
	for (unsigned int i = 0; i < sys.nr_warnings; i++) {
		put(t, "warning: ");
		put_masked(t, sys.warnings[i]);
		put(t, "\n");
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		return NULL;
	}
	buf = calloc(1, OUT_MAX + 1);
	n = fread(buf, 1, OUT_MAX, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Every case directory under golden/<sub>; the number that matched. */
static void golden_dir(const char *sub, bool good)
{
	char dir[600], cwd[1024], path[1200];
	struct dirent *e;
	DIR *d;
	int cases = 0;

	make_images();
	snprintf(dir, sizeof(dir), "%s/%s", SYSGEN_GOLDEN, sub);
	ASSERT_TRUE(getcwd(cwd, sizeof(cwd)) != NULL);
	ASSERT_EQ(chdir(dir), 0);
	d = opendir(".");
	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		struct text t = { .buf = calloc(1, OUT_MAX) };
		char *want;

		if (e->d_name[0] == '.' || e->d_type != DT_DIR) {
			free(t.buf);
			continue;
		}
		cases++;
		run_case(e->d_name, good, &t);
		snprintf(path, sizeof(path), "%s.%s", e->d_name,
			 good ? "out" : "err");
		if (getenv("SYSGEN_GOLDEN_UPDATE")) {
			FILE *f = fopen(path, "w");

			if (f) {
				fputs(t.buf, f);
				fclose(f);
			}
		}
		want = slurp(path);
		if (!want || strcmp(want, t.buf) != 0) {
			printf("  golden %s/%s: expected:\n%s  got:\n%s", sub,
			       e->d_name, want ? want : "(missing file)\n",
			       t.buf);
			ut_failed_flag = 1;
		}
		free(want);
		free(t.buf);
	}
	closedir(d);
	EXPECT_EQ(chdir(cwd), 0);
	remove_images();
	EXPECT_GT(cases, 0);
}

TEST(sysgen_good_systems_match_their_golden_trees)
{
	golden_dir("good", true);
}

TEST(sysgen_bad_systems_fail_with_their_golden_messages)
{
	golden_dir("bad", false);
}

/*
 * The hypervisor's own reader (hypervisor/core/bootdom.c) takes the tree
 * of golden/good/full as the domain files describe it.
 */
TEST(sysgen_tree_reads_back_through_the_hypervisors_parser)
{
	static struct sysgen_system sys;
	static char base[TREE_MAX], tree[2 * TREE_MAX];
	struct boot_domain bd[MAX_BOOT_DOMAINS];
	char err[SYSGEN_ERR_MAX], cwd[1024];
	const char *why, *node;
	int n;

	make_images();
	ASSERT_TRUE(getcwd(cwd, sizeof(cwd)) != NULL);
	ASSERT_EQ(chdir(SYSGEN_GOLDEN "/good"), 0);
	ASSERT_EQ(sysgen_read(&sys, "full", err), 0);
	ASSERT_EQ(sysgen_check(&sys, err), 0);
	base_tree(base);
	ASSERT_EQ(sysgen_fdt(&sys, base, sizeof(base), tree, sizeof(tree), err),
		  0);
	EXPECT_EQ(chdir(cwd), 0);
	remove_images();
	n = bootdom_parse(tree, bd, MAX_BOOT_DOMAINS, &why, &node);
	ASSERT_EQ(n, 2);
	EXPECT_STREQ(bd[0].name, "alpha");
	EXPECT_EQ(bd[0].mem_kib, 32 * 1024);
	EXPECT_EQ(bd[0].nr_vcpus, 2);
	EXPECT_TRUE(bd[0].vpl011);
	EXPECT_TRUE(bd[0].xenstore);
	EXPECT_EQ(bd[0].p2m_mem_mb, 8);
	EXPECT_EQ(bd[0].sched_weight, 512);
	EXPECT_EQ(bd[0].sched_cap, 75); /* xl's 150 over 2 vCPUs */
	EXPECT_EQ(bd[0].cpus, 0x6);
	EXPECT_EQ(bd[0].kernel.addr, sys.doms[0].kernel.addr);
	EXPECT_EQ(bd[0].kernel.size, 3 << 20);
	EXPECT_EQ(bd[0].ramdisk.addr, sys.doms[0].ramdisk.addr);
	EXPECT_EQ(bd[0].ramdisk.size, 1 << 20);
	EXPECT_STREQ(bd[0].bootargs, "root=/dev/ram0 quiet");
	EXPECT_STREQ(bd[1].name, "beta");
	EXPECT_FALSE(bd[1].vpl011);
	EXPECT_FALSE(bd[1].xenstore); /* xen_enhanced = "disabled" */
	EXPECT_EQ(bd[1].cpus, 0);
	EXPECT_EQ(bd[1].ramdisk.size, 0);
	EXPECT_TRUE(bd[1].bootargs == NULL);
}
