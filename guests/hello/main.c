/* SPDX-License-Identifier: MIT */
/*
 * The first test guest: console output, xen_version and its feature map,
 * then a clean SCHEDOP_shutdown(poweroff). Runs the same on Xen 4.17.
 */
#include <libfdt.h>

#include "guest.h"

void guest_main(const void *dtb)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	char caps[XEN_CAPABILITIES_INFO_LEN];
	char extra[XEN_EXTRAVERSION_LEN];
	long ver, rc;
	bool domu;

	gprintf("hello: bare-metal guest up, dtb at %p\n", dtb);
	ver = HYPERVISOR_xen_version(XENVER_version, NULL);
	check(ver >= (4 << 16), "xen_version", "%ld.%ld", ver >> 16,
	      ver & 0xffff);
	rc = HYPERVISOR_xen_version(XENVER_extraversion, extra);
	check(rc == 0, "xen_version_extraversion", "rc %ld", rc);
	rc = HYPERVISOR_xen_version(XENVER_get_features, &fi);
	check(rc == 0 && (fi.submap & (1U << XENFEAT_auto_translated_physmap)),
	      "xen_features_auto_translated", "rc %ld submap 0x%x", rc,
	      fi.submap);
	/* A domU's tree is the hypervisor's ("xen,xenvm"), dom0's the host's. */
	domu = fdt_check_header(dtb) == 0 &&
	       fdt_node_check_compatible(dtb, 0, "xen,xenvm") == 0;
	check(((fi.submap & (1U << XENFEAT_dom0)) != 0) == !domu,
	      "xen_features_dom0", "submap 0x%x, %s", fi.submap,
	      domu ? "domU" : "dom0");
	fi.submap_idx = 1;
	rc = HYPERVISOR_xen_version(XENVER_get_features, &fi);
	check(rc == -22, "xen_features_bad_submap", "rc %ld", rc);
	rc = HYPERVISOR_xen_version(XENVER_pagesize, NULL);
	check(rc == 4096, "xen_pagesize", "%ld", rc);
	memset(caps, 0, sizeof(caps));
	rc = HYPERVISOR_xen_version(XENVER_capabilities, caps);
	/* Xen also lists "xen-3.0-armv7l"; Sable runs 64-bit guests only. */
	check(rc == 0 && memcmp(caps, "xen-3.0-aarch64", 15) == 0,
	      "xen_capabilities", "rc %ld '%s'", rc, caps);
	rc = HYPERVISOR_console_io(CONSOLEIO_write, 0, "");
	check(rc == 0, "console_io_empty_write", "rc %ld", rc);
}
