/* SPDX-License-Identifier: MIT */
/* The portable part of boot, after the arch has the machine running. */
#pragma once

#include <stdint.h>

struct machine;

__attribute__((noreturn)) void boot_main(struct machine *m);

/* dom0_build.c: 0, or a negative errno (-ENOENT: no dom0 kernel module). */
int dom0_build(struct machine *m);
/*
 * domu_build.c: read the boot-time domUs and reserve their modules (how
 * many, or a negative errno); then build them (how many were built).
 */
int domu_prepare(struct machine *m);
int domu_build_all(void);
/* kimage.c: an arm64 Image's text_offset and the span it needs. */
int arm64_image_info(const void *img, uint64_t size, uint64_t *text_offset,
		     uint64_t *span);
