/* SPDX-License-Identifier: MIT */
/* The portable part of boot, after the arch has the machine running. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sable/bootdom.h>

struct domain;
struct machine;

__attribute__((noreturn)) void boot_main(struct machine *m);

/*
 * dom0_build.c: 0, or a negative errno (-ENOENT: no dom0 kernel module).
 * dom0 does not run until dom0_start(), once the boot-time domUs are
 * built: its toolstack finds them all there.
 */
int dom0_build(struct machine *m);
void dom0_start(void);
/*
 * domu_boot.c: read the boot-time domUs and reserve their modules (how
 * many, or a negative errno); then build them, on every online pCPU,
 * each started as soon as it is built (how many were built).
 */
int domu_prepare(struct machine *m);
int domu_build_all(void);
/*
 * A domain shut down for @reason: what its boot-time description asks of
 * the hypervisor (sable,on-*; BOOTDOM_PRESERVE for any other domain). For
 * BOOTDOM_RESTART the rebuild is recorded; a domain restarted too often
 * gets BOOTDOM_PRESERVE instead, with a line saying so.
 */
enum bootdom_action domu_boot_shutdown(struct domain *d, unsigned int reason);
/* A boot-time domain waits to be built again. */
bool domu_boot_restarting(void);
/*
 * @d is being freed: its description, if a restart waits for it (pass it
 * to domu_boot_rebuild() once @d is freed), else -1.
 */
int domu_boot_gone(const struct domain *d);
/*
 * Start building description @slot again (its domain is freed): its RAM
 * is allocated now and scrubbed in pieces by domu_boot_rebuild_some(),
 * called at quiescent points, which builds the domain after the last one.
 */
void domu_boot_rebuild(int slot);
void domu_boot_rebuild_some(void);
/* A restart's RAM is being scrubbed. */
bool domu_boot_rebuild_pending(void);
/*
 * dom0's toolstack takes boot-time domain @d over: the hypervisor no
 * longer acts on its shutdowns; @on gets its description's actions
 * (SABLE_BOOT_ACT_*). -ENOENT: not a boot-time domain.
 */
int domu_boot_manage(struct domain *d, uint8_t on[BOOTDOM_NR_EVENTS]);
/*
 * Destroy boot-time domain @d and build it again from its description
 * once it is gone, under the same id, left paused. -ENOENT: not a
 * boot-time domain; -EBUSY: already dying.
 */
int domu_boot_restart(struct domain *d);
/* kimage.c: an arm64 Image's text_offset and the span it needs. */
int arm64_image_info(const void *img, uint64_t size, uint64_t *text_offset,
		     uint64_t *span);
