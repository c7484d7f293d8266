/* SPDX-License-Identifier: MIT */
/*
 * Copying hypercall arguments between the current vCPU's guest virtual
 * address space and the hypervisor. The arm64 build walks the vCPU's stage 1
 * and stage 2 (AT S12E1R/W); the host build treats addresses as host
 * pointers with a configurable fault window, for tests.
 * Both return 0 or -EFAULT, and never copy partially on failure.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

int copy_from_guest(void *dst, uint64_t gva, size_t len);
int copy_to_guest(uint64_t gva, const void *src, size_t len);
