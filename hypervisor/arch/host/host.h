/* SPDX-License-Identifier: MIT */
/* Test-only controls of the host arch implementation. */
#pragma once

#include <stdint.h>

/* Make copies touching [lo, hi) fail with -EFAULT; (0, 0) clears it. */
void host_guest_fault_range(uint64_t lo, uint64_t hi);
