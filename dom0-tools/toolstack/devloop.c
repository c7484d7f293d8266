/* SPDX-License-Identifier: MIT */
/*
 * Loop devices for disk images (devdisk.h): what Xen's block hotplug
 * script does with losetup, done with the loop driver's ioctls.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dombuild.h"
#include "devdisk.h"

#define LOOP_CONTROL "/dev/loop-control"
/* Another process may take the free device first: try again. */
#define DEVLOOP_TRIES 8
/* How long a release waits for blkback to let go of the device. */
#define DEVLOOP_RELEASE_MS 5000
#define DEVLOOP_RELEASE_STEP_MS 20

/* Bind @ffd to loop device @n; 0, -EBUSY (taken meanwhile) or -errno. */
static int bind_one(long n, int ffd, const char *file, bool ro, char *dev,
		    size_t size, unsigned long *rdev)
{
	struct loop_config lc;
	struct stat st;
	int lfd, rc = 0;

	snprintf(dev, size, "/dev/loop%ld", n);
	lfd = open(dev, O_RDWR | O_CLOEXEC);
	if (lfd < 0) {
		return -errno;
	}
	memset(&lc, 0, sizeof(lc));
	lc.fd = (uint32_t)ffd;
	lc.info.lo_flags = ro ? LO_FLAGS_READ_ONLY : 0;
	snprintf((char *)lc.info.lo_file_name, LO_NAME_SIZE, "%s", file);
	if (ioctl(lfd, LOOP_CONFIGURE, &lc) < 0) {
		rc = -errno;
	} else if (fstat(lfd, &st) < 0 || !S_ISBLK(st.st_mode)) {
		rc = -ENODEV;
		ioctl(lfd, LOOP_CLR_FD, 0);
	} else {
		*rdev = (unsigned long)st.st_rdev;
	}
	close(lfd);
	return rc;
}

int devloop_attach(const char *file, bool ro, char *dev, size_t size,
		   unsigned long *rdev, char *err)
{
	int ctl = -1, ffd = -1, tries, rc;
	long n;

	ffd = open(file, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (ffd < 0) {
		rc = -errno;
		snprintf(err, DOMBUILD_ERR_MAX, "%s: %s", file,
			 strerror(errno));
		goto out;
	}
	ctl = open(LOOP_CONTROL, O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		rc = -errno;
		snprintf(err, DOMBUILD_ERR_MAX,
			 "%s: %s (is the loop module loaded?)", LOOP_CONTROL,
			 strerror(errno));
		goto out;
	}
	rc = -EBUSY;
	for (tries = 0; tries < DEVLOOP_TRIES && rc == -EBUSY; tries++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			rc = -errno;
			break;
		}
		rc = bind_one(n, ffd, file, ro, dev, size, rdev);
	}
	if (rc) {
		snprintf(err, DOMBUILD_ERR_MAX, "%s: no loop device for it: %s",
			 file, strerror(-rc));
	}
out:
	if (ctl >= 0) {
		close(ctl);
	}
	if (ffd >= 0) {
		close(ffd);
	}
	return rc;
}

/* Does loop device @fd serve @file (same inode, else same name)? */
static bool serves(int fd, const char *file)
{
	struct loop_info64 info;
	struct stat st;

	if (ioctl(fd, LOOP_GET_STATUS64, &info) < 0) {
		return false; /* ENXIO: not bound any more */
	}
	if (stat(file, &st) == 0) {
		return info.lo_device == (uint64_t)st.st_dev &&
		       info.lo_inode == (uint64_t)st.st_ino;
	}
	return strncmp((const char *)info.lo_file_name, file,
		       LO_NAME_SIZE - 1) == 0;
}

/* Is @dev still bound to @file? Opening it may be what releases it. */
static bool still_serves(const char *dev, const char *file)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	bool b;

	if (fd < 0) {
		return false;
	}
	b = serves(fd, file);
	close(fd);
	return b;
}

void devloop_release(const char *dev, const char *file)
{
	struct timespec step = { 0, DEVLOOP_RELEASE_STEP_MS * 1000000L };
	int fd, waited;

	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return;
	}
	if (!serves(fd, file)) {
		close(fd);
		return;
	}
	/*
	 * With another opener (blkback) the kernel only marks the device
	 * autoclear: it is detached when the last opener closes it.
	 */
	ioctl(fd, LOOP_CLR_FD, 0);
	close(fd);
	/*
	 * blkback closes it from a work item once its device is gone; no
	 * event reaches user space for that, so look again a few times.
	 */
	for (waited = 0; waited < DEVLOOP_RELEASE_MS && still_serves(dev, file);
	     waited += DEVLOOP_RELEASE_STEP_MS) {
		nanosleep(&step, NULL);
	}
}
