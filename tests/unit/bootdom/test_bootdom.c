/* SPDX-License-Identifier: MIT */
/* bootdom_parse: good descriptions, and each malformed field named. */
#include <libfdt.h>
#include <sable/bootdom.h>
#include <sable/errno.h>

#include "ut.h"

/* What one test domain node holds; zero/NULL fields are left out. */
struct spec {
	const char *name;
	int acells, scells;
	const fdt32_t *mem;
	int mem_len;
	int cpus; /* < 0: absent */
	bool vpl011;
	const char *enhanced; /* NULL: absent; its value with the NUL */
	int enhanced_len;
	const char *kernel_compat; /* NULL: no kernel module */
	uint64_t kaddr, ksize;
	const char *kargs;
	bool ramdisk, second_kernel;
	int weight, cap; /* < 0: absent (good() leaves them absent) */
	/* sable,cpus cells (nr_pins of them; 0: absent). */
	uint32_t pins[4];
	int nr_pins;
	/* sable,on-poweroff, -reboot, -crash (NULL: absent), NUL included. */
	const char *on[BOOTDOM_NR_EVENTS];
	int on_len[BOOTDOM_NR_EVENTS]; /* 0: strlen + 1 */
};

static const char *const on_prop[BOOTDOM_NR_EVENTS] = {
	"sable,on-poweroff",
	"sable,on-reboot",
	"sable,on-crash",
};

static char dtb[8192];

static void put_module(const struct spec *s, const char *compat, uint64_t a,
		       uint64_t sz, const char *args)
{
	fdt32_t reg[4];
	int n = 0;

	if (s->acells == 2) {
		reg[n++] = cpu_to_fdt32((uint32_t)(a >> 32));
	}
	reg[n++] = cpu_to_fdt32((uint32_t)a);
	if (s->scells == 2) {
		reg[n++] = cpu_to_fdt32((uint32_t)(sz >> 32));
	}
	reg[n++] = cpu_to_fdt32((uint32_t)sz);
	fdt_begin_node(dtb, "module");
	fdt_property(dtb, "compatible", compat, strlen(compat) + 1);
	fdt_property(dtb, "reg", reg, n * 4);
	if (args) {
		fdt_property_string(dtb, "bootargs", args);
	}
	fdt_end_node(dtb);
}

static void put_domain(const struct spec *s)
{
	fdt_begin_node(dtb, s->name);
	fdt_property_string(dtb, "compatible", "xen,domain");
	fdt_property_u32(dtb, "#address-cells", (uint32_t)s->acells);
	fdt_property_u32(dtb, "#size-cells", (uint32_t)s->scells);
	if (s->mem) {
		fdt_property(dtb, "memory", s->mem, s->mem_len);
	}
	if (s->cpus >= 0) {
		fdt_property_u32(dtb, "cpus", (uint32_t)s->cpus);
	}
	if (s->vpl011) {
		fdt_property(dtb, "vpl011", NULL, 0);
	}
	if (s->weight >= 0) {
		fdt_property_u32(dtb, "sable,weight", (uint32_t)s->weight);
	}
	if (s->cap >= 0) {
		fdt_property_u32(dtb, "sable,cap", (uint32_t)s->cap);
	}
	if (s->nr_pins) {
		fdt32_t cells[4] = { 0 };

		for (int i = 0; i < s->nr_pins; i++) {
			cells[i] = cpu_to_fdt32(s->pins[i]);
		}
		fdt_property(dtb, "sable,cpus", cells,
			     s->nr_pins < 0 ? 2 : s->nr_pins * 4);
	}
	if (s->enhanced) {
		fdt_property(dtb, "xen,enhanced", s->enhanced, s->enhanced_len);
	}
	for (int e = 0; e < BOOTDOM_NR_EVENTS; e++) {
		if (s->on[e]) {
			int len = s->on_len[e] ? s->on_len[e]
					       : (int)strlen(s->on[e]) + 1;

			fdt_property(dtb, on_prop[e], s->on[e], len);
		}
	}
	if (s->kernel_compat) {
		put_module(s, s->kernel_compat, s->kaddr, s->ksize, s->kargs);
	}
	if (s->second_kernel) {
		put_module(s, "multiboot,kernel", 0x60000000, 0x1000, NULL);
	}
	if (s->ramdisk) {
		put_module(s, "multiboot,ramdisk", 0x61000000, 0x2000, NULL);
	}
	fdt_end_node(dtb);
}

/* A tree with a dom0 module, an unrelated node and the given domains. */
static const void *make_tree(const struct spec *specs, int n)
{
	fdt_create(dtb, sizeof(dtb));
	fdt_finish_reservemap(dtb);
	fdt_begin_node(dtb, "");
	fdt_begin_node(dtb, "chosen");
	fdt_property_string(dtb, "bootargs", "loglvl=3");
	fdt_begin_node(dtb, "module@52000000");
	fdt_property_string(dtb, "compatible", "multiboot,kernel");
	fdt_end_node(dtb);
	for (int i = 0; i < n; i++) {
		put_domain(&specs[i]);
	}
	fdt_end_node(dtb);
	fdt_end_node(dtb);
	ASSERT_EQ(fdt_finish(dtb), 0);
	return dtb;
}

static fdt32_t mem64k[2]; /* 64 MiB, set by good() */

static struct spec good(const char *name)
{
	struct spec s;

	mem64k[0] = 0;
	mem64k[1] = cpu_to_fdt32(0x10000);
	s = (struct spec){
		.name = name,
		.acells = 1,
		.scells = 1,
		.mem = mem64k,
		.mem_len = 8,
		.cpus = 1,
		.kernel_compat = "multiboot,kernel\0"
				 "multiboot,module",
		.kaddr = 0x50000000,
		.ksize = 0x3000,
		.kargs = "role=server",
		.weight = -1,
		.cap = -1,
	};
	return s;
}

static int parse(const struct spec *specs, int n, struct boot_domain *out,
		 const char **why, const char **node)
{
	return bootdom_parse(make_tree(specs, n), out, MAX_BOOT_DOMAINS, why,
			     node);
}

TEST(two_domains_in_node_order)
{
	struct spec s[2] = { good("domU1"), good("domU2") };
	struct boot_domain bd[MAX_BOOT_DOMAINS];
	const char *why, *node;

	s[1].acells = 2;
	s[1].scells = 2;
	s[1].kaddr = 0x123450000ULL;
	s[1].cpus = 2;
	s[1].vpl011 = true;
	s[1].ramdisk = true;
	s[1].kargs = NULL;
	ASSERT_EQ(parse(s, 2, bd, &why, &node), 2);
	EXPECT_STREQ(bd[0].name, "domU1");
	EXPECT_EQ(bd[0].mem_kib, 0x10000);
	EXPECT_EQ(bd[0].nr_vcpus, 1);
	EXPECT_FALSE(bd[0].vpl011);
	EXPECT_EQ(bd[0].kernel.addr, 0x50000000);
	EXPECT_EQ(bd[0].kernel.size, 0x3000);
	EXPECT_EQ(bd[0].ramdisk.size, 0);
	EXPECT_STREQ(bd[0].bootargs, "role=server");
	EXPECT_STREQ(bd[1].name, "domU2");
	EXPECT_EQ(bd[1].nr_vcpus, 2);
	EXPECT_TRUE(bd[1].vpl011);
	EXPECT_EQ(bd[1].kernel.addr, 0x123450000ULL);
	EXPECT_EQ(bd[1].ramdisk.addr, 0x61000000);
	EXPECT_EQ(bd[1].ramdisk.size, 0x2000);
	EXPECT_TRUE(bd[1].bootargs == NULL);
	EXPECT_TRUE(why == NULL);
}

static void set_enhanced(struct spec *s, const char *v, int len)
{
	s->enhanced = v;
	s->enhanced_len = len;
}

TEST(xen_enhanced_values)
{
	struct spec s[5] = { good("plain"), good("on"), good("empty"),
			     good("off"), good("nostore") };
	struct boot_domain bd[MAX_BOOT_DOMAINS];
	const char *why, *node;

	set_enhanced(&s[1], "enabled", 8);
	set_enhanced(&s[2], "", 0);
	set_enhanced(&s[3], "disabled", 9);
	set_enhanced(&s[4], "no-xenstore", 12);
	ASSERT_EQ(parse(s, 5, bd, &why, &node), 5);
	EXPECT_FALSE(bd[0].xenstore);
	EXPECT_TRUE(bd[1].xenstore);
	EXPECT_TRUE(bd[2].xenstore);
	EXPECT_FALSE(bd[3].xenstore);
	EXPECT_FALSE(bd[4].xenstore);
}

TEST(xen_enhanced_bad_value_is_named)
{
	struct spec s[2] = { good("ok"), good("typo") };
	struct boot_domain bd[MAX_BOOT_DOMAINS];
	const char *why, *node;

	set_enhanced(&s[1], "enable", 7);
	EXPECT_EQ(parse(s, 2, bd, &why, &node), -EINVAL);
	EXPECT_STREQ(node, "typo");
	EXPECT_TRUE(strstr(why, "xen,enhanced") != NULL);
	set_enhanced(&s[1], "enabledX", 8); /* no terminating NUL */
	EXPECT_EQ(parse(s, 2, bd, &why, &node), -EINVAL);
}

TEST(no_domains_and_no_chosen)
{
	struct boot_domain bd[1];
	const char *why, *node;

	EXPECT_EQ(parse(NULL, 0, bd, &why, &node), 0);
	fdt_create(dtb, sizeof(dtb));
	fdt_finish_reservemap(dtb);
	fdt_begin_node(dtb, "");
	fdt_end_node(dtb);
	fdt_finish(dtb);
	EXPECT_EQ(bootdom_parse(dtb, bd, 1, &why, &node), 0);
}

TEST(memory_as_u32_is_accepted)
{
	fdt32_t m32[1] = { cpu_to_fdt32(8192) };
	struct spec s = good("d");
	struct boot_domain bd[1];
	const char *why, *node;

	s.mem = m32;
	s.mem_len = 4;
	ASSERT_EQ(parse(&s, 1, bd, &why, &node), 1);
	EXPECT_EQ(bd[0].mem_kib, 8192);
}

/* Each malformed description: an error, the node named, a reason. */
static void expect_bad(const struct spec *s, int err, const char *reason)
{
	struct boot_domain bd[MAX_BOOT_DOMAINS];
	const char *why, *node;

	EXPECT_EQ(parse(s, 1, bd, &why, &node), err);
	ASSERT_TRUE(why != NULL);
	EXPECT_TRUE(strstr(why, reason) != NULL);
	ASSERT_TRUE(node != NULL);
	EXPECT_STREQ(node, s->name);
}

TEST(missing_or_malformed_memory)
{
	fdt32_t odd[3] = { 0, 0, cpu_to_fdt32(1) };
	fdt32_t tiny[2] = { 0, cpu_to_fdt32(1024) };
	struct spec s = good("nomem");

	s.mem = NULL;
	expect_bad(&s, -EINVAL, "memory");
	s.mem = odd;
	s.mem_len = 12;
	expect_bad(&s, -EINVAL, "memory");
	s.mem = tiny;
	s.mem_len = 8;
	expect_bad(&s, -EINVAL, "out of range");
}

TEST(missing_or_bad_cpus)
{
	struct spec s = good("cpus");

	s.cpus = -1;
	expect_bad(&s, -EINVAL, "cpus");
	s.cpus = 0;
	expect_bad(&s, -EINVAL, "cpus");
	s.cpus = BOOTDOM_MAX_VCPUS + 1;
	expect_bad(&s, -EINVAL, "cpus");
}

TEST(sched_weight_and_cap_are_read_and_checked)
{
	struct spec s = good("sched");
	struct boot_domain out[MAX_BOOT_DOMAINS];
	const char *why, *node;

	ASSERT_EQ(parse(&s, 1, out, &why, &node), 1);
	EXPECT_EQ(out[0].sched_weight, 0);
	EXPECT_EQ(out[0].sched_cap, 0);
	s.weight = 512;
	s.cap = 50;
	ASSERT_EQ(parse(&s, 1, out, &why, &node), 1);
	EXPECT_EQ(out[0].sched_weight, 512);
	EXPECT_EQ(out[0].sched_cap, 50);
	s.weight = 0;
	expect_bad(&s, -EINVAL, "sable,weight");
	s.weight = 65536;
	expect_bad(&s, -EINVAL, "sable,weight");
	s.weight = 1;
	s.cap = 101;
	expect_bad(&s, -EINVAL, "sable,cap");
}

TEST(kernel_module_problems)
{
	struct spec s = good("kern");

	s.kernel_compat = NULL;
	expect_bad(&s, -ENOENT, "no multiboot,kernel");
	s = good("kern");
	s.second_kernel = true;
	expect_bad(&s, -EINVAL, "two modules");
	s = good("kern");
	s.ksize = 0;
	expect_bad(&s, -EINVAL, "reg");
	s = good("kern");
	s.acells = 3;
	expect_bad(&s, -EINVAL, "reg");
}

TEST(too_many_domains)
{
	struct spec s[3] = { good("a"), good("b"), good("c") };
	struct boot_domain bd[2];
	const char *why, *node;

	EXPECT_EQ(bootdom_parse(make_tree(s, 3), bd, 2, &why, &node), -ENOSPC);
	EXPECT_STREQ(node, "c");
	EXPECT_TRUE(strstr(why, "too many") != NULL);
}

TEST(other_chosen_children_are_ignored)
{
	struct spec s = good("only");
	struct boot_domain bd[MAX_BOOT_DOMAINS];
	const char *why, *node;

	EXPECT_EQ(parse(&s, 1, bd, &why, &node), 1);
	EXPECT_TRUE(node == NULL);
}

int main(int argc, char **argv)
{
	return ut_main(argc, argv);
}

TEST(sable_cpus_is_read_as_a_mask_and_checked)
{
	struct spec s = good("pinned");
	struct boot_domain out[MAX_BOOT_DOMAINS];
	const char *why, *node;

	ASSERT_EQ(parse(&s, 1, out, &why, &node), 1);
	EXPECT_EQ(out[0].cpus, 0); /* absent: anywhere */
	s.pins[0] = 1;
	s.pins[1] = 3;
	s.nr_pins = 2;
	ASSERT_EQ(parse(&s, 1, out, &why, &node), 1);
	EXPECT_EQ(out[0].cpus, 0xaULL);
	s.pins[1] = 64;
	expect_bad(&s, -EINVAL, "sable,cpus");
	s.nr_pins = -1; /* two bytes: not a list of cells */
	expect_bad(&s, -EINVAL, "sable,cpus");
}

TEST(shutdown_actions_default_to_preserve)
{
	struct spec s = good("plain");
	struct boot_domain out[MAX_BOOT_DOMAINS];
	const char *why, *node;

	ASSERT_EQ(parse(&s, 1, out, &why, &node), 1);
	for (int e = 0; e < BOOTDOM_NR_EVENTS; e++) {
		EXPECT_EQ(out[0].on[e], BOOTDOM_PRESERVE);
	}
}

TEST(shutdown_actions_are_read_per_event)
{
	struct spec s[2] = { good("a"), good("b") };
	struct boot_domain out[MAX_BOOT_DOMAINS];
	const char *why, *node;

	s[0].on[BOOTDOM_ON_POWEROFF] = "destroy";
	s[0].on[BOOTDOM_ON_REBOOT] = "restart";
	s[0].on[BOOTDOM_ON_CRASH] = "preserve";
	s[1].on[BOOTDOM_ON_CRASH] = "restart";
	ASSERT_EQ(parse(s, 2, out, &why, &node), 2);
	EXPECT_EQ(out[0].on[BOOTDOM_ON_POWEROFF], BOOTDOM_DESTROY);
	EXPECT_EQ(out[0].on[BOOTDOM_ON_REBOOT], BOOTDOM_RESTART);
	EXPECT_EQ(out[0].on[BOOTDOM_ON_CRASH], BOOTDOM_PRESERVE);
	EXPECT_EQ(out[1].on[BOOTDOM_ON_POWEROFF], BOOTDOM_PRESERVE);
	EXPECT_EQ(out[1].on[BOOTDOM_ON_REBOOT], BOOTDOM_PRESERVE);
	EXPECT_EQ(out[1].on[BOOTDOM_ON_CRASH], BOOTDOM_RESTART);
}

TEST(bad_shutdown_action_names_node_and_property)
{
	for (int e = 0; e < BOOTDOM_NR_EVENTS; e++) {
		struct spec s = good("acts");

		s.on[e] = "reboot"; /* an event, not an action */
		expect_bad(&s, -EINVAL, on_prop[e]);
		s.on[e] = "Restart"; /* case matters */
		expect_bad(&s, -EINVAL, on_prop[e]);
		s.on[e] = "";
		expect_bad(&s, -EINVAL, on_prop[e]);
		s.on[e] = "restartX"; /* no terminating NUL */
		s.on_len[e] = 7;
		expect_bad(&s, -EINVAL, on_prop[e]);
		s.on[e] = "destroy\0x"; /* trailing bytes */
		s.on_len[e] = 10;
		expect_bad(&s, -EINVAL, on_prop[e]);
	}
}
