/* SPDX-License-Identifier: MIT */
/*
 * Copying hypercall arguments between the current vCPU's guest virtual
 * address space and the hypervisor. The arm64 build walks the vCPU's stage 1
 * and stage 2 (AT S12E1R/W); the host build treats addresses as host
 * pointers with a configurable fault window, for tests.
 * Both return 0 or -EFAULT, and never copy partially on failure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sable/types.h>

int copy_from_guest(void *dst, uint64_t gva, size_t len);
int copy_to_guest(uint64_t gva, const void *src, size_t len);

/*
 * The copy of the arm64 build and of the host build of the core
 * (core/guest_copy.c): between @buf and @len bytes at @gva, through the
 * frames arch_guest_page_get() gives. 0 or -EFAULT.
 */
int guest_copy(uint64_t gva, void *buf, size_t len, bool to_guest);

/*
 * The frame behind @gva for the current vCPU, referenced (page_put() when
 * done): *@pa is the address of @gva's byte in its domain's own RAM,
 * writable if @write; otherwise -EFAULT.
 */
int arch_guest_page_get(uint64_t gva, bool write, paddr_t *pa);
