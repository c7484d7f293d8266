/* SPDX-License-Identifier: MIT */
/*
 * Boot-time domains under dom0's toolstack. `xl init-dom0less` takes
 * each enhanced boot-time domain over (SABLE_CTL_boot_manage) and leaves
 * a monitor for it, as `xl create` does for its domains; the monitor
 * carries out the description's shutdown actions. A restart keeps what
 * dom0 attached to the domain: its disks and vifs are read back from
 * libxl's private copy (/libxl/<id>/device), the domain's backends and
 * nodes are removed, the hypervisor builds it again from its boot
 * modules (paused, same id), and the new instance is introduced to
 * xenstored, gets the same devices and is unpaused. docs/boot-domains.md.
 */
#pragma once

#include <stdint.h>

#include "libsable.h"
#include "xlcfg.h"
#include "xs_client.h"

/* How often a wait for the rebuilt domain looks again. */
#define BOOTMON_POLL_MS 100

/*
 * The shutdown actions for a boot-time domain from its description's
 * (SABLE_BOOT_ACT_*, as boot_manage answers): a given one as it is; an
 * absent on_reboot means restart (what `xl reboot` asks for), an absent
 * on_poweroff or on_crash preserve (Xen leaves its boot-time domains shut
 * down). The watchdog follows on_crash.
 */
void bootmon_actions(const struct sable_ctl_boot *b,
		     enum xlcfg_action on[XLCFG_NR_EVENTS]);

/*
 * The disks and vifs of @domid, from /libxl/<id>/device/{vbd,vif}, into
 * @cfg's lists (replacing them), in device-number order: what is needed
 * to attach them again. Entries that cannot be read whole are skipped.
 * How many devices, or a negative errno.
 */
int bootmon_read_devices(struct xs_client *c, uint32_t domid,
			 struct xlcfg *cfg);

/*
 * Wait until domain @domid exists again, built and not dying or shut
 * down (the hypervisor rebuilds it once the old one is gone). 0,
 * -ETIMEDOUT after @timeout_ms, or a negative errno.
 */
int bootmon_wait_back(struct sable_handle *h, uint32_t domid, int timeout_ms);
