/* SPDX-License-Identifier: MIT */
/* Boot-time domains under dom0's toolstack: see bootmon.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bootmon.h"
#include "devdisk.h"
#include "devnet.h"

void bootmon_actions(const struct sable_ctl_boot *b,
		     enum xlcfg_action on[XLCFG_NR_EVENTS])
{
	static const enum xlcfg_action absent[] = {
		[SABLE_BOOT_EV_poweroff] = XLCFG_PRESERVE,
		[SABLE_BOOT_EV_reboot] = XLCFG_RESTART,
		[SABLE_BOOT_EV_crash] = XLCFG_PRESERVE,
	};
	static const int event[] = {
		[XLCFG_ON_POWEROFF] = SABLE_BOOT_EV_poweroff,
		[XLCFG_ON_REBOOT] = SABLE_BOOT_EV_reboot,
		[XLCFG_ON_CRASH] = SABLE_BOOT_EV_crash,
		[XLCFG_ON_WATCHDOG] = SABLE_BOOT_EV_crash,
	};

	for (int e = 0; e < XLCFG_NR_EVENTS; e++) {
		int ev = event[e];

		switch (b->on[ev]) {
		case SABLE_BOOT_ACT_destroy:
			on[e] = XLCFG_DESTROY;
			break;
		case SABLE_BOOT_ACT_restart:
			on[e] = XLCFG_RESTART;
			break;
		case SABLE_BOOT_ACT_preserve:
			on[e] = XLCFG_PRESERVE;
			break;
		default:
			on[e] = absent[ev];
			break;
		}
	}
}

/* @dir/@leaf into @buf; false (and "" in @buf) when it cannot be read. */
static bool read_leaf(struct xs_client *c, const char *dir, const char *leaf,
		      char *buf, size_t size)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, leaf);
	if (xs_client_read(c, 0, path, buf, size) != 0) {
		buf[0] = '\0';
		return false;
	}
	return true;
}

/* vif @devid's settings from its /libxl copy, as a specification. */
static bool read_vif(struct xs_client *c, uint32_t domid, uint32_t devid,
		     struct xlcfg_vif *v)
{
	char dir[64], rate[48];
	uint64_t bytes;
	uint32_t usecs;

	memset(v, 0, sizeof(*v));
	devnet_libxl_path(domid, devid, dir, sizeof(dir));
	if (!read_leaf(c, dir, "mac", v->mac, sizeof(v->mac)) ||
	    !read_leaf(c, dir, "bridge", v->bridge, sizeof(v->bridge))) {
		return false;
	}
	/* Attached again under the same devid: the guest's eth<N> order,
	 * dom0's vif<dom>.<devid> and the xenstore paths stay as they were. */
	v->keep_devid = true;
	v->devid = devid;
	read_leaf(c, dir, "ip", v->ip, sizeof(v->ip));
	read_leaf(c, dir, "vifname", v->vifname, sizeof(v->vifname));
	/* The backend's "bytes,usecs" back into xl's form. */
	if (read_leaf(c, dir, "rate", rate, sizeof(rate)) &&
	    sscanf(rate, "%" SCNu64 ",%" SCNu32, &bytes, &usecs) == 2 &&
	    usecs) {
		snprintf(v->rate, sizeof(v->rate),
			 "%" PRIu64 "B/s@%" PRIu32 "us",
			 bytes * 1000000 / usecs, usecs);
	}
	return true;
}

/* disk @devid's settings from its /libxl copy, as a specification. */
static bool read_vbd(struct xs_client *c, uint32_t domid, uint32_t devid,
		     struct xlcfg_disk *d)
{
	char dir[64], mode[8], type[16];

	memset(d, 0, sizeof(*d));
	snprintf(dir, sizeof(dir), "/libxl/%u/device/vbd/%u", domid, devid);
	if (!read_leaf(c, dir, "params", d->target, sizeof(d->target)) ||
	    !read_leaf(c, dir, "dev", d->vdev, sizeof(d->vdev)) ||
	    !d->target[0] || !d->vdev[0]) {
		return false;
	}
	read_leaf(c, dir, "mode", mode, sizeof(mode));
	read_leaf(c, dir, "device-type", type, sizeof(type));
	snprintf(d->format, sizeof(d->format), "raw");
	d->readonly = strcmp(mode, "r") == 0;
	d->cdrom = strcmp(type, "cdrom") == 0;
	return true;
}

int bootmon_read_devices(struct xs_client *c, uint32_t domid, struct xlcfg *cfg)
{
	struct devdisk_info disks[XLCFG_MAX_DISKS];
	uint32_t vifs[XLCFG_MAX_VIFS];
	unsigned int nd = 0, i;
	int nv, rc;

	cfg->nr_disks = cfg->nr_vifs = 0;
	rc = devdisk_list(c, domid, disks, XLCFG_MAX_DISKS, &nd);
	if (rc) {
		return rc;
	}
	for (i = 0; i < nd; i++) {
		if (read_vbd(c, domid, disks[i].devid,
			     &cfg->disks[cfg->nr_disks])) {
			cfg->nr_disks++;
		}
	}
	nv = devnet_list(c, domid, vifs, XLCFG_MAX_VIFS);
	for (i = 0; nv > 0 && i < (unsigned int)nv; i++) {
		if (read_vif(c, domid, vifs[i], &cfg->vifs[cfg->nr_vifs])) {
			cfg->nr_vifs++;
		}
	}
	return (int)(cfg->nr_disks + cfg->nr_vifs);
}

int bootmon_wait_back(struct sable_handle *h, uint32_t domid, int timeout_ms)
{
	const uint32_t gone = SABLE_DOMINF_dying | SABLE_DOMINF_shutdown;
	const struct timespec pause = { 0, BOOTMON_POLL_MS * 1000000L };
	struct sable_ctl_domain_info info;

	for (int waited = 0;; waited += BOOTMON_POLL_MS) {
		if (sable_domain_info(h, domid, &info) == 0 &&
		    info.domid == domid && !(info.flags & gone) &&
		    (info.flags & SABLE_DOMINF_built)) {
			return 0;
		}
		if (waited >= timeout_ms) {
			return -ETIMEDOUT;
		}
		nanosleep(&pause, NULL);
	}
}
