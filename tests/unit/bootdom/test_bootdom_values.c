/* SPDX-License-Identifier: MIT */
/*
 * bootdom_parse against raw property bytes: wrong lengths, zero and absurd
 * values, strings without their NUL, module ranges that wrap.
 */
#include <libfdt.h>
#include <sable/bootdom.h>
#include <sable/errno.h>

#include "ut.h"

/* One extra property on the domain node or on its kernel module. */
struct raw {
	const char *prop;
	const void *val;
	int len;
	bool on_module;
	int acells, scells; /* 0: 1 */
	uint64_t kaddr, ksize;
};

static char tree[4096];

static void put_reg(const struct raw *r)
{
	fdt32_t reg[4];
	int n = 0;

	if (r->acells == 2) {
		reg[n++] = cpu_to_fdt32((uint32_t)(r->kaddr >> 32));
	}
	reg[n++] = cpu_to_fdt32((uint32_t)r->kaddr);
	if (r->scells == 2) {
		reg[n++] = cpu_to_fdt32((uint32_t)(r->ksize >> 32));
	}
	reg[n++] = cpu_to_fdt32((uint32_t)r->ksize);
	ASSERT_EQ(fdt_property(tree, "reg", reg, n * 4), 0);
}

/*
 * /chosen/domU1 with memory 64 MiB and one vCPU unless @r names those,
 * and a kernel module; @r's property added where it says.
 */
static int parse_raw(const struct raw *r, struct boot_domain *bd,
		     const char **why)
{
	static const char compat[] = "multiboot,kernel\0multiboot,module";
	fdt32_t mem[2] = { 0, cpu_to_fdt32(0x10000) };
	const char *node;
	struct raw d = *r;

	d.acells = d.acells ? d.acells : 1;
	d.scells = d.scells ? d.scells : 1;
	d.kaddr = d.kaddr ? d.kaddr : 0x50000000;
	d.ksize = d.ksize ? d.ksize : 0x3000;
	ASSERT_EQ(fdt_create(tree, sizeof(tree)), 0);
	ASSERT_EQ(fdt_finish_reservemap(tree), 0);
	ASSERT_EQ(fdt_begin_node(tree, ""), 0);
	ASSERT_EQ(fdt_begin_node(tree, "chosen"), 0);
	ASSERT_EQ(fdt_begin_node(tree, "domU1"), 0);
	ASSERT_EQ(fdt_property_string(tree, "compatible", "xen,domain"), 0);
	ASSERT_EQ(fdt_property_u32(tree, "#address-cells", d.acells), 0);
	ASSERT_EQ(fdt_property_u32(tree, "#size-cells", d.scells), 0);
	if (strcmp(d.prop, "memory") != 0) {
		ASSERT_EQ(fdt_property(tree, "memory", mem, sizeof(mem)), 0);
	}
	if (strcmp(d.prop, "cpus") != 0) {
		ASSERT_EQ(fdt_property_u32(tree, "cpus", 1), 0);
	}
	if (!d.on_module && d.prop[0]) {
		ASSERT_EQ(fdt_property(tree, d.prop, d.val, d.len), 0);
	}
	ASSERT_EQ(fdt_begin_node(tree, "module@50000000"), 0);
	ASSERT_EQ(fdt_property(tree, "compatible", compat, sizeof(compat)), 0);
	put_reg(&d);
	if (d.on_module) {
		ASSERT_EQ(fdt_property(tree, d.prop, d.val, d.len), 0);
	}
	ASSERT_EQ(fdt_end_node(tree), 0);
	ASSERT_EQ(fdt_end_node(tree), 0);
	ASSERT_EQ(fdt_end_node(tree), 0);
	ASSERT_EQ(fdt_end_node(tree), 0);
	ASSERT_EQ(fdt_finish(tree), 0);
	return bootdom_parse(tree, bd, MAX_BOOT_DOMAINS, why, &node);
}

/* @r is refused with a reason naming @reason. */
static void refused(const struct raw *r, const char *reason)
{
	struct boot_domain bd[MAX_BOOT_DOMAINS];
	const char *why = NULL;

	EXPECT_EQ(parse_raw(r, bd, &why), -EINVAL);
	ASSERT_TRUE(why != NULL);
	EXPECT_TRUE(strstr(why, reason) != NULL);
}

TEST(bootargs_must_be_a_nul_terminated_string)
{
	struct boot_domain bd[MAX_BOOT_DOMAINS];
	const char *why;
	struct raw r = { .prop = "bootargs", .val = "quiet", .len = 6 };

	ASSERT_EQ(parse_raw(&r, bd, &why), 1);
	EXPECT_STREQ(bd[0].bootargs, "quiet");
	r.len = 5;
	refused(&r, "bootargs");
	r.len = 0;
	refused(&r, "bootargs");
	r.on_module = true;
	refused(&r, "module bootargs");
	r.len = 5;
	refused(&r, "module bootargs");
	r.len = 6;
	ASSERT_EQ(parse_raw(&r, bd, &why), 1);
	EXPECT_STREQ(bd[0].bootargs, "quiet");
}

TEST(memory_of_every_wrong_length_or_value_is_refused)
{
	fdt32_t v[3] = { 0, 0, 0 };
	fdt32_t huge[2] = { cpu_to_fdt32(1), 0 }; /* 2^32 KiB */
	struct raw r = { .prop = "memory", .val = v };

	for (int len = 0; len <= 12; len += 4) {
		r.len = len;
		refused(&r, "memory");
	}
	r.val = huge;
	r.len = 8;
	refused(&r, "memory out of range");
}

TEST(cpus_of_wrong_length_zero_or_huge_is_refused)
{
	fdt32_t v[2] = { 0, 0 };
	struct raw r = { .prop = "cpus", .val = v, .len = 0 };

	refused(&r, "cpus");
	r.len = 4;
	refused(&r, "cpus"); /* 0 */
	v[0] = cpu_to_fdt32(10000);
	refused(&r, "cpus");
	/* A 64-bit 2^32 + 1 is not read as 1. */
	v[0] = cpu_to_fdt32(1);
	v[1] = cpu_to_fdt32(1);
	r.len = 8;
	refused(&r, "cpus");
}

TEST(p2m_budget_zero_huge_or_empty_is_refused)
{
	fdt32_t v[2] = { 0, 0 };
	struct raw r = { .prop = "xen,domain-p2m-mem-mb", .val = v, .len = 4 };
	struct boot_domain bd[MAX_BOOT_DOMAINS];
	const char *why;

	refused(&r, "xen,domain-p2m-mem-mb");
	r.len = 0;
	refused(&r, "xen,domain-p2m-mem-mb");
	v[0] = cpu_to_fdt32(1u << 8); /* 2^40 */
	r.len = 8;
	refused(&r, "xen,domain-p2m-mem-mb");
	v[0] = 0;
	v[1] = cpu_to_fdt32(1024);
	ASSERT_EQ(parse_raw(&r, bd, &why), 1);
	EXPECT_EQ(bd[0].p2m_mem_mb, 1024);
}

TEST(module_range_that_wraps_or_has_no_cells_is_refused)
{
	struct raw r = { .prop = "",
			 .acells = 2,
			 .scells = 2,
			 .kaddr = ~0xfffULL,
			 .ksize = 0x2000 };
	struct boot_domain bd[MAX_BOOT_DOMAINS];
	const char *why;

	refused(&r, "module reg");
	r.ksize = 0x1000; /* ends exactly at 2^64: also wraps to 0 */
	refused(&r, "module reg");
	r.kaddr = 0x50000000;
	r.scells = 3;
	refused(&r, "module reg");
	r.scells = 2;
	r.ksize = 1ULL << 40;
	ASSERT_EQ(parse_raw(&r, bd, &why), 1);
	EXPECT_EQ(bd[0].kernel.size, 1ULL << 40);
}

TEST(unknown_properties_are_left_alone)
{
	struct raw r = { .prop = "sable,no-such-thing", .val = "x", .len = 1 };
	struct boot_domain bd[MAX_BOOT_DOMAINS];
	const char *why;

	ASSERT_EQ(parse_raw(&r, bd, &why), 1);
	EXPECT_EQ(bd[0].mem_kib, 0x10000);
	EXPECT_EQ(bd[0].nr_vcpus, 1);
}
