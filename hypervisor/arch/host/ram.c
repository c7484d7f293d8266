/* SPDX-License-Identifier: MIT */
/*
 * The host's "physical" RAM: one anonymous mapping at HOST_RAM_BASE, so
 * that a PA is a host pointer (the EL2 identity map) and dom0's 1:1 IPAs
 * stay inside the 40-bit stage 2. Also the one library function the core
 * takes from hypervisor/lib that host libc lacks.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/mm.h>

#include "core_host.h"

static uint64_t ram_size;

int host_ram_map(uint64_t size)
{
	void *p;

	if (ram_size) {
		return size <= ram_size ? 0 : -ENOMEM;
	}
	if (!size || size > HOST_RAM_MAX || size % (2ULL << 20)) {
		return -ENOMEM;
	}
	p = mmap((void *)(uintptr_t)HOST_RAM_BASE, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			 MAP_FIXED_NOREPLACE,
		 -1, 0);
	if (p == MAP_FAILED) {
		return -ENOMEM;
	}
	if ((uint64_t)(uintptr_t)p != HOST_RAM_BASE) {
		munmap(p, size);
		return -ENOMEM;
	}
	ram_size = size;
	return 0;
}

uint64_t host_ram_size(void)
{
	return ram_size;
}

bool host_ram_contains(uint64_t pa, uint64_t len)
{
	return pa >= HOST_RAM_BASE && pa + len >= pa &&
	       pa + len <= HOST_RAM_BASE + ram_size;
}

void host_ram_start_allocator(void)
{
	mm_init(HOST_RAM_BASE, ram_size, (void *)(uintptr_t)HOST_RAM_BASE);
}
