/* SPDX-License-Identifier: MIT */
/*
 * xen_version: Sable answers as Xen 4.17 for the guest ABI, names itself in
 * the extra version, and reports the feature bits Linux arm64 relies on
 * (docs: xen-abi notes 2.2).
 */
#include <public/version.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/guest_access.h>
#include <sable/hypercall.h>
#include <sable/lib.h>
#include <sable/machine.h>

static uint32_t features_submap0(const struct domain *d)
{
	uint32_t f = (1U << XENFEAT_writable_page_tables) |
		     (1U << XENFEAT_auto_translated_physmap) |
		     (1U << XENFEAT_ARM_SMCCC_supported);

	if (d->privileged) {
		f |= 1U << XENFEAT_dom0;
	}
	f |= d->direct_map ? (1U << XENFEAT_direct_mapped)
			   : (1U << XENFEAT_not_direct_mapped);
	return f;
}

static long copy_string_out(uint64_t gva, const char *s, size_t field)
{
	char buf[XEN_CAPABILITIES_INFO_LEN];

	memset(buf, 0, field);
	memcpy(buf, s, MIN(strlen(s), field - 1));
	return copy_to_guest(gva, buf, field);
}

long do_xen_version(struct vcpu *v, const uint64_t args[5])
{
	uint64_t gva = args[1];

	switch (args[0]) {
	case XENVER_version:
		return (SABLE_XEN_MAJOR << 16) | SABLE_XEN_MINOR;
	case XENVER_extraversion:
		return copy_string_out(gva, ".0-sable", XEN_EXTRAVERSION_LEN);
	case XENVER_capabilities:
		return copy_string_out(gva, "xen-3.0-aarch64",
				       XEN_CAPABILITIES_INFO_LEN);
	case XENVER_changeset:
		return copy_string_out(gva, "sable " SABLE_VERSION,
				       XEN_CHANGESET_INFO_LEN);
	case XENVER_compile_info: {
		struct xen_compile_info ci;

		memset(&ci, 0, sizeof(ci));
		memcpy(ci.compiler, "gcc", 3);
		memcpy(ci.compile_by, "sable", 5);
		memcpy(ci.compile_domain, "sable", 5);
		return copy_to_guest(gva, &ci, sizeof(ci));
	}
	case XENVER_platform_parameters: {
		struct xen_platform_parameters pp = { 0 };

		return copy_to_guest(gva, &pp, sizeof(pp));
	}
	case XENVER_get_features: {
		struct xen_feature_info fi;
		long rc = copy_from_guest(&fi, gva, sizeof(fi));

		if (rc) {
			return rc;
		}
		if (fi.submap_idx != 0) {
			return -EINVAL;
		}
		fi.submap = features_submap0(v->dom);
		return copy_to_guest(gva, &fi, sizeof(fi));
	}
	case XENVER_pagesize:
		return 4096;
	case XENVER_guest_handle: {
		uint8_t handle[16] = { 0 };

		handle[15] = (uint8_t)v->dom->id;
		return copy_to_guest(gva, handle, sizeof(handle));
	}
	case XENVER_commandline:
		if (!v->dom->privileged) {
			return -EPERM;
		}
		return copy_string_out(gva, machine_cmdline(),
				       XEN_COMMANDLINE_LEN);
	default:
		return -ENOSYS;
	}
}
