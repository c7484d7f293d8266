/* SPDX-License-Identifier: MIT */
/*
 * Host guest-access: a "guest virtual address" is a host pointer. Addresses
 * below 64 KiB, and any range a test marks with host_guest_fault_range(),
 * fault with -EFAULT.
 */
#include <string.h>

#include <sable/errno.h>
#include <sable/guest_access.h>

#include "host.h"

static uint64_t fault_lo = 1, fault_hi;

void host_guest_fault_range(uint64_t lo, uint64_t hi)
{
	fault_lo = lo;
	fault_hi = hi;
}

static int bad(uint64_t gva, size_t len)
{
	if (gva < 0x10000 || gva + len < gva) {
		return 1;
	}
	return gva < fault_hi && gva + len > fault_lo;
}

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
	if (bad(gva, len)) {
		return -EFAULT;
	}
	memcpy(dst, (const void *)(uintptr_t)gva, len);
	return 0;
}

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
	if (bad(gva, len)) {
		return -EFAULT;
	}
	memcpy((void *)(uintptr_t)gva, src, len);
	return 0;
}
