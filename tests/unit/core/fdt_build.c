/* SPDX-License-Identifier: MIT */
/* Machine device trees for boot tests, written with the host's libfdt. */
#include <libfdt.h>

#include "core_test.h"

/* arm64 Image header: text_offset 0, image_size 64 KiB, magic "ARM\x64". */
uint8_t hx_kernel[4096] = {
	[16] = 0x00, [17] = 0x00, [18] = 0x01, /* image_size = 0x10000 */
	[56] = 0x41, [57] = 0x52, [58] = 0x4d, [59] = 0x64,
};

#define FDT_OK(expr) ASSERT_EQ((expr), 0)

static void prop_reg2(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	FDT_OK(fdt_property(fdt, "reg", reg, sizeof(reg)));
}

static void prop_spi(void *fdt, uint32_t spi, uint32_t type)
{
	fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(spi),
			   cpu_to_fdt32(type) };

	FDT_OK(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
}

static const uint8_t not_an_image[4096];

static void module(void *fdt, const char *name, const char *compat,
		   size_t compat_len, const void *blob, size_t size)
{
	FDT_OK(fdt_begin_node(fdt, name));
	FDT_OK(fdt_property(fdt, "compatible", compat, (int)compat_len));
	prop_reg2(fdt, (uint64_t)(uintptr_t)blob, size);
}

static void kernel_module(void *fdt, const char *bootargs, const void *blob)
{
	static const char compat[] = "multiboot,kernel\0multiboot,module";

	module(fdt, "module@1", compat, sizeof(compat), blob,
	       sizeof(hx_kernel));
	if (bootargs) {
		FDT_OK(fdt_property_string(fdt, "bootargs", bootargs));
	}
	FDT_OK(fdt_end_node(fdt));
}

static void domu_node(void *fdt, const struct hx_domu *u)
{
	fdt32_t mem[2] = { cpu_to_fdt32((uint32_t)(u->mem_kib >> 32)),
			   cpu_to_fdt32((uint32_t)u->mem_kib) };

	FDT_OK(fdt_begin_node(fdt, u->name));
	FDT_OK(fdt_property_string(fdt, "compatible", "xen,domain"));
	FDT_OK(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_OK(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_OK(fdt_property(fdt, "memory", mem, sizeof(mem)));
	FDT_OK(fdt_property_u32(fdt, "cpus", u->vcpus));
	if (u->vpl011) {
		FDT_OK(fdt_property(fdt, "vpl011", NULL, 0));
	}
	if (u->weight) {
		FDT_OK(fdt_property_u32(fdt, "sable,weight", u->weight));
	}
	if (u->cap) {
		FDT_OK(fdt_property_u32(fdt, "sable,cap", u->cap));
	}
	if (u->enhanced) {
		FDT_OK(fdt_property_string(fdt, "xen,enhanced", "enabled"));
	}
	if (u->on_poweroff) {
		FDT_OK(fdt_property_string(fdt, "sable,on-poweroff",
					   u->on_poweroff));
	}
	if (u->on_reboot) {
		FDT_OK(fdt_property_string(fdt, "sable,on-reboot",
					   u->on_reboot));
	}
	if (u->on_crash) {
		FDT_OK(fdt_property_string(fdt, "sable,on-crash", u->on_crash));
	}
	kernel_module(fdt, u->bootargs ? u->bootargs : "console=hvc0",
		      u->bad_kernel ? not_an_image
		      : u->kernel   ? u->kernel
				    : hx_kernel);
	if (u->ramdisk) {
		static const char compat[] =
			"multiboot,ramdisk\0multiboot,module";

		module(fdt, "module@2", compat, sizeof(compat), hx_kernel,
		       sizeof(hx_kernel));
		FDT_OK(fdt_end_node(fdt));
	}
	FDT_OK(fdt_end_node(fdt));
}

static void cpus_node(void *fdt, unsigned int nr_cpus)
{
	FDT_OK(fdt_begin_node(fdt, "cpus"));
	FDT_OK(fdt_property_u32(fdt, "#address-cells", 1));
	FDT_OK(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned int i = 0; i < nr_cpus; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%u", i);
		FDT_OK(fdt_begin_node(fdt, name));
		FDT_OK(fdt_property_string(fdt, "device_type", "cpu"));
		FDT_OK(fdt_property_string(fdt, "compatible",
					   "arm,cortex-a57"));
		FDT_OK(fdt_property_u32(fdt, "reg", i));
		FDT_OK(fdt_end_node(fdt));
	}
	FDT_OK(fdt_end_node(fdt));
}

static void devices(void *fdt)
{
	static const char psci[] = "arm,psci-1.0\0arm,psci-0.2";
	fdt64_t gic[4] = { cpu_to_fdt64(HX_GICD), cpu_to_fdt64(0x10000),
			   cpu_to_fdt64(HX_GICR), cpu_to_fdt64(0xf60000) };

	FDT_OK(fdt_begin_node(fdt, "intc@8000000"));
	FDT_OK(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	FDT_OK(fdt_property(fdt, "interrupt-controller", NULL, 0));
	FDT_OK(fdt_property_u32(fdt, "#interrupt-cells", 3));
	FDT_OK(fdt_property(fdt, "reg", gic, sizeof(gic)));
	FDT_OK(fdt_property_u32(fdt, "phandle", 1));
	FDT_OK(fdt_end_node(fdt));
	FDT_OK(fdt_begin_node(fdt, "pl011@9000000"));
	FDT_OK(fdt_property_string(fdt, "compatible", "arm,pl011"));
	prop_reg2(fdt, HX_UART, 0x1000);
	prop_spi(fdt, 1, 4);
	FDT_OK(fdt_end_node(fdt));
	FDT_OK(fdt_begin_node(fdt, "virtio_mmio@a000000"));
	FDT_OK(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	prop_reg2(fdt, HX_DEV_BASE, 0x200);
	prop_spi(fdt, HX_DEV_SPI, 1);
	FDT_OK(fdt_end_node(fdt));
	FDT_OK(fdt_begin_node(fdt, "psci"));
	FDT_OK(fdt_property(fdt, "compatible", psci, sizeof(psci)));
	FDT_OK(fdt_property_string(fdt, "method", "smc"));
	FDT_OK(fdt_end_node(fdt));
}

void hx_fdt_machine(void *buf, int size, unsigned int nr_cpus,
		    const char *cmdline, bool dom0, const struct hx_domu *domus,
		    unsigned int nr_domus)
{
	FDT_OK(fdt_create(buf, size));
	FDT_OK(fdt_finish_reservemap(buf));
	FDT_OK(fdt_begin_node(buf, ""));
	FDT_OK(fdt_property_u32(buf, "#address-cells", 2));
	FDT_OK(fdt_property_u32(buf, "#size-cells", 2));
	FDT_OK(fdt_property_u32(buf, "interrupt-parent", 1));
	FDT_OK(fdt_begin_node(buf, "memory@40000000"));
	FDT_OK(fdt_property_string(buf, "device_type", "memory"));
	prop_reg2(buf, HOST_RAM_BASE, host_ram_size());
	FDT_OK(fdt_end_node(buf));
	cpus_node(buf, nr_cpus);
	devices(buf);
	FDT_OK(fdt_begin_node(buf, "chosen"));
	FDT_OK(fdt_property_u32(buf, "#address-cells", 2));
	FDT_OK(fdt_property_u32(buf, "#size-cells", 2));
	FDT_OK(fdt_property_string(buf, "stdout-path", "/pl011@9000000"));
	FDT_OK(fdt_property_string(buf, "xen,xen-bootargs", cmdline));
	if (dom0) {
		kernel_module(buf, "console=hvc0 earlycon", hx_kernel);
	}
	for (unsigned int i = 0; i < nr_domus; i++) {
		domu_node(buf, &domus[i]);
	}
	FDT_OK(fdt_end_node(buf));
	FDT_OK(fdt_end_node(buf));
	FDT_OK(fdt_finish(buf));
}
