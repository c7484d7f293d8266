/* SPDX-License-Identifier: MIT */
/*
 * dom0's side of a vif's hotplug (what Xen's vif-bridge script does),
 * with the kernel's bridge and interface ioctls (linux/sockios.h):
 * SIOCBRADDBR makes a bridge, SIOCBRADDIF / SIOCBRDELIF add and remove
 * a port, SIOCSIFNAME renames a link that is down, SIOCGIFMTU /
 * SIOCSIFMTU and SIOCGIFFLAGS / SIOCSIFFLAGS set its MTU and bring it up.
 * Interfaces are looked up in /sys/class/net.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "devnet.h"

#define SYS_NET "/sys/class/net"
/* How often a wait for an interface looks again. */
#define DEVNET_LINK_POLL_MS 10

static bool sys_exists(const char *ifname, const char *rel)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s%s%s", SYS_NET, ifname,
		 rel[0] ? "/" : "", rel);
	return stat(path, &st) == 0;
}

enum devnet_link_kind devnet_link_kind(const char *name)
{
	if (!name[0] || strchr(name, '/') || !sys_exists(name, "")) {
		return DEVNET_LINK_NONE;
	}
	return sys_exists(name, "bridge") ? DEVNET_LINK_BRIDGE
					  : DEVNET_LINK_OTHER;
}

static int ctl_socket(void)
{
	return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

static void ifr_set(struct ifreq *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->ifr_name, sizeof(r->ifr_name), "%.*s",
		 (int)sizeof(r->ifr_name) - 1, name);
}

/* Set or clear IFF_UP. */
static int link_updown(int fd, const char *name, bool up)
{
	struct ifreq r;

	ifr_set(&r, name);
	if (ioctl(fd, SIOCGIFFLAGS, &r)) {
		return -errno;
	}
	if (!!(r.ifr_flags & IFF_UP) == up) {
		return 0;
	}
	r.ifr_flags =
		(short)(up ? r.ifr_flags | IFF_UP : r.ifr_flags & ~IFF_UP);
	return ioctl(fd, SIOCSIFFLAGS, &r) ? -errno : 0;
}

int devnet_link_bridge_ensure(const char *name, char *err)
{
	int fd = ctl_socket(), rc = 0;

	if (fd < 0) {
		rc = -errno;
		snprintf(err, DEVNET_ERR_MAX, "bridge %s: socket: %s", name,
			 strerror(errno));
		return rc;
	}
	switch (devnet_link_kind(name)) {
	case DEVNET_LINK_OTHER:
		snprintf(err, DEVNET_ERR_MAX,
			 "bridge %s: an interface of that name exists and is "
			 "not a bridge",
			 name);
		rc = -EINVAL;
		goto out;
	case DEVNET_LINK_NONE:
		if (ioctl(fd, SIOCBRADDBR, name) && errno != EEXIST) {
			rc = -errno;
			snprintf(err, DEVNET_ERR_MAX,
				 "bridge %s: cannot create it: %s%s", name,
				 strerror(errno),
				 errno == ENOPKG || errno == EINVAL
					 ? " (is the bridge module loaded?)"
					 : "");
			goto out;
		}
		break;
	default:
		break;
	}
	rc = link_updown(fd, name, true);
	if (rc) {
		snprintf(err, DEVNET_ERR_MAX,
			 "bridge %s: cannot bring it up: %s", name,
			 strerror(-rc));
	}
out:
	close(fd);
	return rc;
}

static int link_rename(int fd, const char *from, const char *to)
{
	struct ifreq r;

	ifr_set(&r, from);
	snprintf(r.ifr_newname, sizeof(r.ifr_newname), "%.*s",
		 (int)sizeof(r.ifr_newname) - 1, to);
	return ioctl(fd, SIOCSIFNAME, &r) ? -errno : 0;
}

/* The port takes the bridge's MTU (vif-bridge does the same). */
static int link_copy_mtu(int fd, const char *bridge, const char *ifname)
{
	struct ifreq r;
	int mtu;

	ifr_set(&r, bridge);
	if (ioctl(fd, SIOCGIFMTU, &r)) {
		return -errno;
	}
	mtu = r.ifr_mtu;
	ifr_set(&r, ifname);
	r.ifr_mtu = mtu;
	return ioctl(fd, SIOCSIFMTU, &r) ? -errno : 0;
}

static int bridge_port(int fd, const char *bridge, const char *ifname, bool add)
{
	struct ifreq r;
	unsigned int idx = if_nametoindex(ifname);

	if (!idx) {
		return -errno;
	}
	ifr_set(&r, bridge);
	r.ifr_ifindex = (int)idx;
	return ioctl(fd, add ? SIOCBRADDIF : SIOCBRDELIF, &r) ? -errno : 0;
}

int devnet_link_plug(const char *created, const char *ifname,
		     const char *bridge, char *err)
{
	const char *step = "rename it";
	int fd = ctl_socket(), rc = 0;

	if (fd < 0) {
		rc = -errno;
		snprintf(err, DEVNET_ERR_MAX, "%s: socket: %s", created,
			 strerror(errno));
		return rc;
	}
	if (strcmp(created, ifname)) {
		rc = link_updown(fd, created, false);
		if (!rc) {
			rc = link_rename(fd, created, ifname);
		}
		if (rc) {
			goto out;
		}
	}
	step = "give it the bridge's MTU";
	rc = link_copy_mtu(fd, bridge, ifname);
	if (rc) {
		goto out;
	}
	step = "add it to the bridge";
	rc = bridge_port(fd, bridge, ifname, true);
	if (rc) {
		goto out;
	}
	step = "bring it up";
	rc = link_updown(fd, ifname, true);
out:
	if (rc) {
		snprintf(err, DEVNET_ERR_MAX, "%s (bridge %s): cannot %s: %s",
			 ifname, bridge, step, strerror(-rc));
	}
	close(fd);
	return rc;
}

void devnet_link_unplug(const char *ifname)
{
	char path[128], target[PATH_MAX];
	const char *bridge;
	ssize_t n;
	int fd;

	if (devnet_link_kind(ifname) == DEVNET_LINK_NONE) {
		return;
	}
	fd = ctl_socket();
	if (fd < 0) {
		return;
	}
	snprintf(path, sizeof(path), "%s/%s/brport/bridge", SYS_NET, ifname);
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		bridge = strrchr(target, '/');
		bridge = bridge ? bridge + 1 : target;
		bridge_port(fd, bridge, ifname, false);
	}
	link_updown(fd, ifname, false);
	close(fd);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int devnet_link_wait(const char *ifname, bool present, int timeout_ms)
{
	long long deadline = mono_ms() + timeout_ms;
	struct timespec nap = { 0, DEVNET_LINK_POLL_MS * 1000000L };

	for (;;) {
		if ((devnet_link_kind(ifname) != DEVNET_LINK_NONE) == present) {
			return 0;
		}
		if (mono_ms() >= deadline) {
			return -ETIMEDOUT;
		}
		nanosleep(&nap, NULL);
	}
}
