/* SPDX-License-Identifier: MIT */
/*
 * The console daemon's dom0 platform (cons_xen.h). ioctl numbers and
 * structures are Linux's uapi (xen/evtchn.h, xen/gntdev.h): _IOC(NONE,
 * type, nr, size).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <public/grant_table.h>

#include "cons_xen.h"
#include "libsable.h"

#define IOCTL_EVTCHN_BIND_INTERDOMAIN 0x00084501UL
#define IOCTL_EVTCHN_UNBIND 0x00044503UL
#define IOCTL_EVTCHN_NOTIFY 0x00044504UL
#define IOCTL_GNTDEV_MAP_GRANT_REF 0x00184700UL
#define IOCTL_GNTDEV_UNMAP_GRANT_REF 0x00104701UL

#define CONS_PAGE 4096

struct cons_bind_interdomain {
	uint32_t remote_domain;
	uint32_t remote_port;
};

struct cons_gntdev_map {
	uint32_t count;
	uint32_t pad;
	uint64_t index; /* OUT: offset to mmap */
	uint32_t domid;
	uint32_t ref;
};
_Static_assert(sizeof(struct cons_gntdev_map) == 24, "gntdev map size");

struct cons_gntdev_unmap {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};
_Static_assert(sizeof(struct cons_gntdev_unmap) == 16, "gntdev unmap size");

static struct cons_xen *cons_xen_of(struct cons_plat *p)
{
	return (struct cons_xen *)p;
}

static void *cons_xen_map(struct cons_plat *p, uint32_t domid, uint64_t gfn,
			  uint64_t *handle)
{
	struct cons_xen *x = cons_xen_of(p);
	struct cons_gntdev_map m = { .count = 1,
				     .domid = domid,
				     .ref = GNTTAB_RESERVED_CONSOLE };
	struct cons_gntdev_unmap um = { .count = 1 };
	void *page;
	int e;

	(void)gfn; /* the page is reached through its reserved grant */
	if (ioctl(x->gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m) < 0) {
		return NULL;
	}
	page = mmap(NULL, CONS_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    x->gntdev_fd, (off_t)m.index);
	if (page == MAP_FAILED) {
		e = errno;
		um.index = m.index;
		ioctl(x->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &um);
		errno = e;
		return NULL;
	}
	*handle = m.index;
	return page;
}

static void cons_xen_unmap(struct cons_plat *p, void *page, uint64_t handle)
{
	struct cons_xen *x = cons_xen_of(p);
	struct cons_gntdev_unmap um = { .index = handle, .count = 1 };

	munmap(page, CONS_PAGE);
	ioctl(x->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &um);
}

static int cons_xen_bind(struct cons_plat *p, uint32_t domid,
			 uint32_t remote_port)
{
	struct cons_bind_interdomain b = { domid, remote_port };
	int port = ioctl(p->event_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);

	return port < 0 ? -errno : port;
}

static void cons_xen_unbind(struct cons_plat *p, uint32_t port)
{
	ioctl(p->event_fd, IOCTL_EVTCHN_UNBIND, &port);
}

static void cons_xen_notify(struct cons_plat *p, uint32_t port)
{
	ioctl(p->event_fd, IOCTL_EVTCHN_NOTIFY, &port);
}

static int cons_xen_pending(struct cons_plat *p, uint32_t *ports, int max)
{
	ssize_t n = read(p->event_fd, ports, (size_t)max * sizeof(*ports));

	return n > 0 ? (int)(n / (ssize_t)sizeof(*ports)) : 0;
}

static void cons_xen_unmask(struct cons_plat *p, const uint32_t *ports, int n)
{
	if (n > 0 &&
	    write(p->event_fd, ports, (size_t)n * sizeof(*ports)) < 0) {
		/* The ports stay masked; the next bind or event will tell. */
	}
}

static int cons_xen_alive(struct cons_plat *p, uint32_t domid)
{
	struct cons_xen *x = cons_xen_of(p);
	struct sable_ctl_domain_info info;

	if (!x->ctl) {
		return -ENOSYS;
	}
	if (sable_domain_info(x->ctl, domid, &info) < 0) {
		return errno == ESRCH ? 0 : -errno;
	}
	if (info.domid != domid || (info.flags & SABLE_DOMINF_dying)) {
		return 0;
	}
	/* Made but not built yet (its console page not granted yet). */
	return info.flags & SABLE_DOMINF_built ? 1 : 2;
}

static const struct cons_plat_ops cons_xen_ops = {
	.map = cons_xen_map,
	.unmap = cons_xen_unmap,
	.bind = cons_xen_bind,
	.unbind = cons_xen_unbind,
	.notify = cons_xen_notify,
	.pending = cons_xen_pending,
	.unmask = cons_xen_unmask,
	.alive = cons_xen_alive,
};

int cons_xen_open(struct cons_xen *x, const char **why)
{
	const char *ignored;
	int rc;

	memset(x, 0, sizeof(*x));
	x->plat.ops = &cons_xen_ops;
	x->gntdev_fd = -1;
	x->plat.event_fd =
		open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (x->plat.event_fd < 0) {
		rc = -errno;
		*why = "cannot open /dev/xen/evtchn (is xen-evtchn loaded?)";
		return rc;
	}
	x->gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	if (x->gntdev_fd < 0) {
		rc = -errno;
		*why = "cannot open /dev/xen/gntdev (is xen-gntdev loaded?)";
		cons_xen_close(x);
		return rc;
	}
	/* Without the control interface, domains are released when their
	 * xenstore directory goes. */
	x->ctl = sable_open(&ignored);
	return 0;
}

void cons_xen_close(struct cons_xen *x)
{
	sable_close(x->ctl);
	x->ctl = NULL;
	if (x->gntdev_fd >= 0) {
		close(x->gntdev_fd);
	}
	if (x->plat.event_fd >= 0) {
		close(x->plat.event_fd);
	}
	x->gntdev_fd = -1;
	x->plat.event_fd = -1;
}
