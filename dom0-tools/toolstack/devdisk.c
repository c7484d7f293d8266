/* SPDX-License-Identifier: MIT */
/*
 * PV disks served by dom0's blkback: see devdisk.h. The node layout is
 * libxl's (device_disk_add, libxl__device_generic_add); the hotplug step
 * is what Xen's block script does, in C and synchronously.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "devcommon.h"
#include "devdisk.h"
#include "dombuild.h"

#define KIND "vbd"
#define DEVDISK_NAMES_MAX 4096

int devdisk_check(const struct xlcfg_disk *d, char *err)
{
	const char *why = NULL;

	if (xlcfg_disk_devid(d->vdev) < 0) {
		why = "bad vdev (xvda, xvdb1, hda, sda, ...)";
	} else if (d->backend[0] && strcmp(d->backend, "0") &&
		   strcmp(d->backend, "Domain-0")) {
		why = "backend: only Domain-0 serves disks on Sable";
	} else if (d->backendtype[0] && strcmp(d->backendtype, "phy")) {
		why = "backendtype: only phy (blkback) is supported on Sable";
	} else if (strcmp(d->format, "raw")) {
		why = "format: only raw images are supported on Sable";
	} else if (d->script[0]) {
		why = "script: hotplug scripts are not run (xl attaches disks "
		      "itself)";
	} else if (!d->target[0]) {
		why = "an empty CD-ROM drive is not supported";
	}
	if (why) {
		snprintf(err, DOMBUILD_ERR_MAX, "disk %s: %s", d->vdev, why);
		return -EINVAL;
	}
	return 0;
}

int devdisk_plan(struct domplan *p, uint32_t domid, const struct xlcfg_disk *d)
{
	struct devcommon_paths pa;
	long devid = xlcfg_disk_devid(d->vdev);
	const char *type = d->cdrom ? "cdrom" : "disk";
	const char *mode = d->readonly ? "r" : "w";
	char id[16], num[24];

	if (devid < 0) {
		return -EINVAL;
	}
	p->domid = domid;
	devcommon_paths(&pa, KIND, domid, (uint32_t)devid);
	snprintf(id, sizeof(id), "%u", domid);
	snprintf(num, sizeof(num), "%ld", devid);
	domplan_add_root(p, "%s", pa.front);
	domplan_add_root(p, "%s", pa.back);
	domplan_add_root(p, "%s", pa.libxl);
	/* The backend first: a frontend without one is given up on. */
	domplan_add(p, DOMPLAN_RO, "", "%s", pa.back);
	domplan_add(p, DOMPLAN_RO, pa.front, "%s/frontend", pa.back);
	domplan_add(p, DOMPLAN_RO, d->target, "%s/params", pa.back);
	domplan_add(p, DOMPLAN_RO, id, "%s/frontend-id", pa.back);
	domplan_add(p, DOMPLAN_RO, "1", "%s/online", pa.back);
	domplan_add(p, DOMPLAN_RO, "0", "%s/removable", pa.back);
	domplan_add(p, DOMPLAN_RO, "1", "%s/bootable", pa.back);
	domplan_add(p, DOMPLAN_RO, "1", "%s/state", pa.back);
	domplan_add(p, DOMPLAN_RO, d->vdev, "%s/dev", pa.back);
	domplan_add(p, DOMPLAN_RO, "phy", "%s/type", pa.back);
	domplan_add(p, DOMPLAN_RO, mode, "%s/mode", pa.back);
	domplan_add(p, DOMPLAN_RO, type, "%s/device-type", pa.back);
	/* libxl's default: discard for writable disks. */
	domplan_add(p, DOMPLAN_RO, d->readonly ? "0" : "1", "%s/discard-enable",
		    pa.back);
	domplan_add(p, DOMPLAN_FRONT, "", "%s", pa.front);
	domplan_add(p, DOMPLAN_FRONT, pa.back, "%s/backend", pa.front);
	domplan_add(p, DOMPLAN_FRONT, "0", "%s/backend-id", pa.front);
	domplan_add(p, DOMPLAN_FRONT, "1", "%s/state", pa.front);
	domplan_add(p, DOMPLAN_FRONT, num, "%s/virtual-device", pa.front);
	domplan_add(p, DOMPLAN_FRONT, type, "%s/device-type", pa.front);
	/* libxl's private copy: the links and the backend's settings. */
	domplan_add(p, DOMPLAN_PRIVATE, "", "%s", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, pa.front, "%s/frontend", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, pa.back, "%s/backend", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, d->target, "%s/params", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, id, "%s/frontend-id", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, "1", "%s/online", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, "0", "%s/removable", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, "1", "%s/bootable", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, "1", "%s/state", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, d->vdev, "%s/dev", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, "phy", "%s/type", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, mode, "%s/mode", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, type, "%s/device-type", pa.libxl);
	domplan_add(p, DOMPLAN_PRIVATE, d->readonly ? "0" : "1",
		    "%s/discard-enable", pa.libxl);
	return p->err;
}

/* What backs a disk: a block device, or an image file on a loop device. */
struct backing {
	unsigned long rdev;
	char loop[32]; /* "" for a block device used directly */
};

static int find_backing(const struct xlcfg_disk *d, struct backing *b,
			char *err)
{
	char why[DOMBUILD_ERR_MAX];
	struct stat st;
	int rc;

	memset(b, 0, sizeof(*b));
	if (stat(d->target, &st) < 0) {
		rc = -errno;
		snprintf(err, DOMBUILD_ERR_MAX, "disk %s: %s: %s", d->vdev,
			 d->target, strerror(errno));
		return rc;
	}
	if (S_ISBLK(st.st_mode)) {
		b->rdev = (unsigned long)st.st_rdev;
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "disk %s: %s: not an image file or a block device",
			 d->vdev, d->target);
		return -EINVAL;
	}
	rc = devloop_attach(d->target, d->readonly, b->loop, sizeof(b->loop),
			    &b->rdev, why);
	if (rc) {
		snprintf(err, DOMBUILD_ERR_MAX, "disk %s: %.*s", d->vdev,
			 DOMBUILD_ERR_MAX - 40, why);
	}
	return rc;
}

/* The text blkback left under error/ for a failed backend, or "". */
static void backend_error(struct xs_client *c, const char *back, char *buf,
			  size_t size)
{
	char path[DEVCOMMON_PATH_MAX + 32];

	/* xenbus_dev_fatal writes error/<backend path>/error in dom0. */
	snprintf(path, sizeof(path), "/local/domain/0/error/%s/error",
		 back + strlen("/local/domain/0/"));
	if (xs_client_read(c, 0, path, buf, size)) {
		buf[0] = '\0';
	}
}

/* The hotplug step: where the data is, as Xen's block script says it. */
static int write_physical(struct xs_client *c, const char *back,
			  const struct xlcfg_disk *d, const struct backing *b)
{
	char path[DEVCOMMON_PATH_MAX + 32], num[32];
	uint32_t tx;
	int tries, rc = -EAGAIN;

	for (tries = 0; tries < 5 && rc == -EAGAIN; tries++) {
		rc = xs_client_txn_start(c, &tx);
		if (rc) {
			return rc;
		}
		snprintf(num, sizeof(num), "%x:%x", major(b->rdev),
			 minor(b->rdev));
		snprintf(path, sizeof(path), "%s/physical-device", back);
		rc = xs_client_write(c, tx, path, num);
		snprintf(path, sizeof(path), "%s/physical-device-path", back);
		if (!rc) {
			rc = xs_client_write(c, tx, path,
					     b->loop[0] ? b->loop : d->target);
		}
		snprintf(path, sizeof(path), "%s/hotplug-status", back);
		if (!rc) {
			rc = xs_client_write(c, tx, path, "connected");
		}
		if (rc) {
			xs_client_txn_end(c, tx, false);
			continue;
		}
		rc = xs_client_txn_end(c, tx, true);
	}
	return rc;
}

static const char *state_name(enum devcommon_state s)
{
	switch (s) {
	case DEVCOMMON_CLOSING:
		return "Closing";
	case DEVCOMMON_CLOSED:
		return "Closed";
	case DEVCOMMON_CONNECTED:
		return "Connected";
	case DEVCOMMON_INITWAIT:
		return "InitWait";
	default:
		return "not started";
	}
}

/*
 * Wait for the backend at @back to reach @want (or more, up to
 * Connected); a Closing or Closed backend has failed. @late: the wait
 * timed out (the error is then in @err too).
 */
static int wait_backend(struct xs_client *c, const char *back,
			const struct xlcfg_disk *d, enum devcommon_state want,
			const struct devdisk_opts *o, int timeout, char *err)
{
	unsigned int mask = DEVCOMMON_BIT(DEVCOMMON_CLOSING) |
			    DEVCOMMON_BIT(DEVCOMMON_CLOSED);
	enum devcommon_state s;
	char why[160];
	int rc;

	for (s = want; s <= DEVCOMMON_CONNECTED; s++) {
		mask |= DEVCOMMON_BIT(s);
	}
	rc = devcommon_wait_state(o->xs_path, back, mask, timeout, &s);
	if (!rc && s <= DEVCOMMON_CONNECTED) {
		return 0;
	}
	if (rc == -ETIMEDOUT) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "disk %s: the backend is %s after %d s, not %s%s",
			 d->vdev, state_name(s), timeout / 1000,
			 state_name(want),
			 want == DEVCOMMON_INITWAIT
				 ? " (is xen-blkback loaded in dom0?)"
				 : " (has the guest a blkfront driver?)");
		return rc;
	}
	backend_error(c, back, why, sizeof(why));
	snprintf(err, DOMBUILD_ERR_MAX, "disk %s: the backend %s%s%s", d->vdev,
		 rc ? "went away" : "failed", why[0] ? ": " : "", why);
	return rc ? rc : -EIO;
}

/*
 * Remove @path if it has no children left (libxl removes a device's
 * backend directory with its empty parents: a domain without disks has
 * no /local/domain/0/backend/vbd/<domid>).
 */
static void remove_if_empty(struct xs_client *c, const char *path)
{
	char names[8];
	unsigned int n = 1;
	int rc = devcommon_directory(c, path, names, sizeof(names), &n);

	/* A directory listing too long for @names has children. */
	if (rc == 0 && n == 0) {
		xs_client_rm(c, 0, path);
	}
}

/* Remove a disk's nodes and release its loop device (if it has one). */
static void remove_disk(struct xs_client *c, uint32_t domid, uint32_t devid)
{
	char path[DEVCOMMON_PATH_MAX + 32], loop[64] = "", params[256] = "";
	struct devcommon_paths pa;

	devcommon_paths(&pa, KIND, domid, devid);
	snprintf(path, sizeof(path), "%s/physical-device-path", pa.back);
	if (xs_client_read(c, 0, path, loop, sizeof(loop))) {
		loop[0] = '\0';
	}
	snprintf(path, sizeof(path), "%s/params", pa.back);
	if (xs_client_read(c, 0, path, params, sizeof(params))) {
		params[0] = '\0';
	}
	devcommon_remove(c, &pa);
	snprintf(path, sizeof(path), "/local/domain/0/error/backend/%s/%u/%u",
		 KIND, domid, devid);
	xs_client_rm(c, 0, path);
	snprintf(path, sizeof(path), "/local/domain/0/error/backend/%s/%u",
		 KIND, domid);
	remove_if_empty(c, path);
	snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", KIND,
		 domid);
	remove_if_empty(c, path);
	if (!strncmp(loop, "/dev/loop", 9) && params[0] &&
	    strcmp(loop, params)) {
		devloop_release(loop, params);
	}
	/* The next domain may take this id: blkback must be done with it. */
	devcommon_wait_backend_gone(KIND, domid, devid, 5000);
}

/* Is there a disk @devid on @domid already (any of its directories)? */
static bool exists(struct xs_client *c, const struct devcommon_paths *pa)
{
	char buf[8];
	const char *dirs[3] = { pa->front, pa->back, pa->libxl };
	int i;

	for (i = 0; i < 3; i++) {
		if (xs_client_read(c, 0, dirs[i], buf, sizeof(buf)) !=
		    -ENOENT) {
			return true;
		}
	}
	return false;
}

/* The nodes, then the backend's InitWait and the hotplug step. */
static int publish(struct xs_client *c, uint32_t domid,
		   const struct xlcfg_disk *d, const struct backing *b,
		   const struct devdisk_opts *o, char *err)
{
	int timeout = o->timeout_ms ? o->timeout_ms : DEVDISK_TIMEOUT_MS;
	char step[DOMPLAN_STEP_MAX] = "prepare the nodes";
	struct devcommon_paths pa;
	struct domplan p;
	int rc;

	devcommon_paths(&pa, KIND, domid, (uint32_t)xlcfg_disk_devid(d->vdev));
	domplan_init(&p, domid);
	rc = devdisk_plan(&p, domid, d);
	if (!rc) {
		rc = domplan_commit(c, &p, step);
	}
	domplan_free(&p);
	if (rc) {
		snprintf(err, DOMBUILD_ERR_MAX, "disk %s: xenstore: %s: %s",
			 d->vdev, step, c->err[0] ? c->err : strerror(-rc));
		return rc;
	}
	rc = wait_backend(c, pa.back, d, DEVCOMMON_INITWAIT, o, timeout, err);
	if (!rc) {
		rc = write_physical(c, pa.back, d, b);
		if (rc) {
			snprintf(err, DOMBUILD_ERR_MAX,
				 "disk %s: xenstore: cannot write "
				 "physical-device: %s",
				 d->vdev, c->err[0] ? c->err : strerror(-rc));
		}
	}
	if (!rc && o->wait_connected) {
		rc = wait_backend(c, pa.back, d, DEVCOMMON_CONNECTED, o,
				  timeout, err);
		if (rc == -ETIMEDOUT && o->warning) {
			/* Attached; the guest may still pick it up later. */
			snprintf(o->warning, DOMBUILD_ERR_MAX, "%s", err);
			rc = 0;
		}
	}
	return rc;
}

int devdisk_attach(uint32_t domid, const struct xlcfg_disk *d,
		   const struct devdisk_opts *o, char *err)
{
	struct devcommon_paths pa;
	struct xs_client c;
	struct backing b = { 0 };
	char dom[32], probe[8];
	bool made = false;
	int rc;

	rc = devdisk_check(d, err);
	if (rc) {
		return rc;
	}
	devcommon_paths(&pa, KIND, domid, (uint32_t)xlcfg_disk_devid(d->vdev));
	rc = xs_client_open(&c, o->xs_path, DOMBUILD_XS_TIMEOUT);
	if (rc) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "disk %s: cannot connect to xenstored: %s", d->vdev,
			 strerror(-rc));
		return rc;
	}
	snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
	if (xs_client_read(&c, 0, dom, probe, sizeof(probe)) == -ENOENT) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "disk %s: domain %u has no XenStore directory (not "
			 "introduced?)",
			 d->vdev, domid);
		rc = -ENOENT;
		goto out;
	}
	if (exists(&c, &pa)) {
		snprintf(
			err, DOMBUILD_ERR_MAX,
			"disk %s: domain %u already has a disk %s (device %ld)",
			d->vdev, domid, d->vdev, xlcfg_disk_devid(d->vdev));
		rc = -EEXIST;
		goto out;
	}
	rc = find_backing(d, &b, err);
	if (rc) {
		goto out;
	}
	made = true;
	rc = publish(&c, domid, d, &b, o, err);
out:
	if (rc && made) {
		remove_disk(&c, domid, (uint32_t)xlcfg_disk_devid(d->vdev));
		if (b.loop[0]) {
			devloop_release(b.loop, d->target);
		}
	}
	xs_client_close(&c);
	return rc;
}

int devdisk_attach_cfg(const struct xlcfg *cfg, uint32_t domid,
		       const char *xs_path, char *err)
{
	struct devdisk_opts o = { .xs_path = xs_path };
	struct stat st;
	unsigned int i;
	int rc;

	/* Everything that can be known in advance, before any attach. */
	for (i = 0; i < cfg->nr_disks; i++) {
		const struct xlcfg_disk *d = &cfg->disks[i];

		rc = devdisk_check(d, err);
		if (rc) {
			return rc;
		}
		if (stat(d->target, &st) < 0) {
			rc = -errno;
			snprintf(err, DOMBUILD_ERR_MAX, "disk %s: %s: %s",
				 d->vdev, d->target, strerror(errno));
			return rc;
		}
	}
	for (i = 0; i < cfg->nr_disks; i++) {
		rc = devdisk_attach(domid, &cfg->disks[i], &o, err);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

/* The backend state as a number, or -1. */
static int read_state(struct xs_client *c, const char *dir)
{
	unsigned long v;

	return devcommon_read_uint(c, dir, "state", &v) || v > 8 ? -1 : (int)v;
}

/* Ask the backend to close (libxl: online 0, state Closing, together). */
static int ask_close(struct xs_client *c, const char *back)
{
	char path[DEVCOMMON_PATH_MAX + 16];
	uint32_t tx;
	int tries, rc = -EAGAIN;

	for (tries = 0; tries < 5 && rc == -EAGAIN; tries++) {
		rc = xs_client_txn_start(c, &tx);
		if (rc) {
			return rc;
		}
		snprintf(path, sizeof(path), "%s/online", back);
		rc = xs_client_write(c, tx, path, "0");
		snprintf(path, sizeof(path), "%s/state", back);
		if (!rc) {
			rc = xs_client_write(c, tx, path, "5");
		}
		if (rc) {
			xs_client_txn_end(c, tx, false);
			continue;
		}
		rc = xs_client_txn_end(c, tx, true);
	}
	return rc;
}

/* The guest kept the disk: put the backend back as it was. */
static void undo_close(struct xs_client *c, const char *back, int state)
{
	char path[DEVCOMMON_PATH_MAX + 16], num[8];

	snprintf(path, sizeof(path), "%s/online", back);
	xs_client_write(c, 0, path, "1");
	snprintf(path, sizeof(path), "%s/state", back);
	snprintf(num, sizeof(num), "%d", state);
	xs_client_write(c, 0, path, num);
}

int devdisk_detach(uint32_t domid, const char *which, bool force,
		   const struct devdisk_opts *o, char *err)
{
	int timeout = o->timeout_ms ? o->timeout_ms : DEVDISK_TIMEOUT_MS;
	long devid = xlcfg_disk_devid(which);
	struct devcommon_paths pa;
	enum devcommon_state s;
	struct xs_client c;
	int rc, before;

	if (devid < 0) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "%s: not a vdev or device number", which);
		return -EINVAL;
	}
	devcommon_paths(&pa, KIND, domid, (uint32_t)devid);
	rc = xs_client_open(&c, o->xs_path, DOMBUILD_XS_TIMEOUT);
	if (rc) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "cannot connect to xenstored: %s", strerror(-rc));
		return rc;
	}
	if (!exists(&c, &pa)) {
		snprintf(err, DOMBUILD_ERR_MAX, "domain %u has no disk %s",
			 domid, which);
		rc = -ENOENT;
		goto out;
	}
	before = read_state(&c, pa.back);
	if (before > 0 && before < DEVCOMMON_CLOSED) {
		rc = ask_close(&c, pa.back);
		if (!rc) {
			rc = devcommon_wait_state(
				o->xs_path, pa.back,
				DEVCOMMON_BIT(DEVCOMMON_CLOSED), timeout, &s);
		}
		if (rc == -ENOENT) {
			rc = 0; /* already gone */
		}
	}
	if (rc && !force) {
		if (rc == -ETIMEDOUT) {
			undo_close(&c, pa.back, before);
			snprintf(err, DOMBUILD_ERR_MAX,
				 "disk %s: the guest did not release it within "
				 "%d s; it stays attached (-f removes it "
				 "anyway)",
				 which, timeout / 1000);
		} else {
			snprintf(err, DOMBUILD_ERR_MAX,
				 "disk %s: cannot close the backend: %s", which,
				 c.err[0] ? c.err : strerror(-rc));
		}
		goto out;
	}
	remove_disk(&c, domid, (uint32_t)devid);
	rc = 0;
out:
	xs_client_close(&c);
	return rc;
}

void devdisk_remove_all(struct xs_client *c, uint32_t domid)
{
	char path[64], *names, *s;
	unsigned int n, i;
	unsigned long devid;
	char *end;

	names = malloc(DEVDISK_NAMES_MAX);
	if (!names) {
		return;
	}
	snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", KIND,
		 domid);
	if (devcommon_directory(c, path, names, DEVDISK_NAMES_MAX, &n) == 0) {
		for (s = names, i = 0; i < n; i++, s += strlen(s) + 1) {
			devid = strtoul(s, &end, 10);
			if (end != s && !*end && devid <= 0x7fffffffUL) {
				remove_disk(c, domid, (uint32_t)devid);
			}
		}
	}
	xs_client_rm(c, 0, path);
	snprintf(path, sizeof(path), "/local/domain/0/error/backend/%s/%u",
		 KIND, domid);
	xs_client_rm(c, 0, path);
	free(names);
}

static int read_int(struct xs_client *c, const char *dir, const char *node)
{
	unsigned long v;

	return devcommon_read_uint(c, dir, node, &v) || v > 0x7fffffffUL
		       ? -1
		       : (int)v;
}

static int by_devid(const void *a, const void *b)
{
	const struct devdisk_info *x = a, *y = b;

	return x->devid < y->devid ? -1 : x->devid > y->devid;
}

int devdisk_list(struct xs_client *c, uint32_t domid, struct devdisk_info *out,
		 unsigned int max, unsigned int *n)
{
	char path[64], lx[DEVCOMMON_PATH_MAX + 16], *names, *s, *end;
	struct devcommon_paths pa;
	unsigned int count, i;
	unsigned long devid;
	int rc;

	*n = 0;
	names = malloc(DEVDISK_NAMES_MAX);
	if (!names) {
		return -ENOMEM;
	}
	snprintf(path, sizeof(path), "/libxl/%u/device/%s", domid, KIND);
	rc = devcommon_directory(c, path, names, DEVDISK_NAMES_MAX, &count);
	if (rc == -ENOENT) {
		rc = 0;
		count = 0;
	}
	for (s = names, i = 0; !rc && i < count && *n < max;
	     i++, s += strlen(s) + 1) {
		struct devdisk_info *d = &out[*n];

		devid = strtoul(s, &end, 10);
		if (end == s || *end || devid > 0x7fffffffUL) {
			continue;
		}
		devcommon_paths(&pa, KIND, domid, (uint32_t)devid);
		memset(d, 0, sizeof(*d));
		d->devid = (uint32_t)devid;
		snprintf(lx, sizeof(lx), "%s/backend", pa.libxl);
		if (xs_client_read(c, 0, lx, d->backend, sizeof(d->backend)) ||
		    sscanf(d->backend, "/local/domain/%d/", &d->backend_id) !=
			    1) {
			continue; /* not a whole disk (being removed) */
		}
		d->state = read_int(c, pa.front, "state");
		d->evtch = read_int(c, pa.front, "event-channel");
		d->rref = read_int(c, pa.front, "ring-ref");
		(*n)++;
	}
	free(names);
	qsort(out, *n, sizeof(*out), by_devid);
	return rc;
}
