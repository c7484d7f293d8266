// SPDX-License-Identifier: MIT
/*
 * dom0 platform for the daemon (xen-abi-notes sections 5 and 6.3). Only
 * reachable when Linux runs as dom0; on other hosts every open fails and
 * the daemon serves its Unix socket alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libsable.h"
#include "xs_ring.h"
#include "xs_xen.h"

/* ioctl numbers: _IOC(NONE, type, nr, size) (Linux uapi, notes 5.x). */
#define IOCTL_EVTCHN_BIND_VIRQ 0x00044500UL
#define IOCTL_EVTCHN_BIND_INTERDOMAIN 0x00084501UL
#define IOCTL_EVTCHN_UNBIND 0x00044503UL
#define IOCTL_EVTCHN_NOTIFY 0x00044504UL
#define IOCTL_GNTDEV_MAP_GRANT_REF 0x00184700UL
#define IOCTL_GNTDEV_UNMAP_GRANT_REF 0x00104701UL
#define IOCTL_PRIVCMD_MMAPBATCH_V2 0x00205004UL

#define VIRQ_DOM_EXC 3
#define XS_GRANT_STORE_REF 1 /* the store page's reserved grant */
#define XS_PAGE 4096

struct xs_evtchn_bind_interdomain {
	uint32_t remote_domain;
	uint32_t remote_port;
};

struct xs_gntdev_map {
	uint32_t count;
	uint32_t pad;
	uint64_t index; /* OUT */
	uint32_t domid;
	uint32_t ref;
};
_Static_assert(sizeof(struct xs_gntdev_map) == 24, "gntdev map size");

struct xs_gntdev_unmap {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};

struct xs_privcmd_mmapbatch_v2 {
	uint32_t num;
	uint16_t dom;
	uint64_t addr;
	const uint64_t *arr;
	int *err;
};
_Static_assert(sizeof(struct xs_privcmd_mmapbatch_v2) == 32,
	       "mmapbatch_v2 size");

enum xs_map_kind { XS_MAP_KVA, XS_MAP_GNTDEV, XS_MAP_PRIVCMD };

struct xs_xen_ring {
	struct xs_ring ring;
	struct xs_xen *x;
	struct xs_conn *conn;
	uint32_t local_port;
	enum xs_map_kind kind;
	uint64_t gnt_index;
	struct xs_xen_ring *next;
};

/*
 * Once serving: INTRODUCE binds and maps, RELEASE unbinds and unmaps,
 * rings are notified, dying domains are asked about (BIND_VIRQ is done at
 * open).
 */
unsigned xs_xen_ioctls(uint32_t cmds[XS_XEN_MAX_IOCTLS])
{
	static const unsigned long used[] = {
		IOCTL_EVTCHN_BIND_INTERDOMAIN, IOCTL_EVTCHN_UNBIND,
		IOCTL_EVTCHN_NOTIFY,	       IOCTL_GNTDEV_MAP_GRANT_REF,
		IOCTL_GNTDEV_UNMAP_GRANT_REF,  IOCTL_PRIVCMD_MMAPBATCH_V2,
	};
	unsigned n;

	for (n = 0; n < sizeof(used) / sizeof(used[0]); n++) {
		cmds[n] = (uint32_t)used[n];
	}
	cmds[n++] = (uint32_t)sable_ioctl_cmd();
	return n;
}

bool xs_xen_dom0_available(void)
{
	return access("/proc/xen/xsd_kva", R_OK) == 0;
}

int xs_xen_open(struct xs_xen *x)
{
	uint32_t virq = VIRQ_DOM_EXC;
	const char *why;
	int port;

	memset(x, 0, sizeof(*x));
	x->gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	x->privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	x->virq_port = -1;
	x->evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (x->evtchn_fd < 0) {
		return -errno;
	}
	port = ioctl(x->evtchn_fd, IOCTL_EVTCHN_BIND_VIRQ, &virq);
	x->virq_port = port >= 0 ? port : -1;
	x->ctl = sable_open(&why);
	return 0;
}

void xs_xen_close(struct xs_xen *x)
{
	sable_close(x->ctl);
	if (x->evtchn_fd >= 0) {
		close(x->evtchn_fd);
	}
	if (x->gntdev_fd >= 0) {
		close(x->gntdev_fd);
	}
	if (x->privcmd_fd >= 0) {
		close(x->privcmd_fd);
	}
}

static void xs_xen_notify(struct xs_ring *ring)
{
	struct xs_xen_ring *xr = ring->plat;
	uint32_t port = xr->local_port;

	ioctl(xr->x->evtchn_fd, IOCTL_EVTCHN_NOTIFY, &port);
}

static void xs_xen_unmap(struct xs_ring *ring)
{
	struct xs_xen_ring *xr = ring->plat, **pp;
	struct xs_gntdev_unmap um = { .index = xr->gnt_index, .count = 1 };
	uint32_t port = xr->local_port;

	ioctl(xr->x->evtchn_fd, IOCTL_EVTCHN_UNBIND, &port);
	munmap(ring->intf, XS_PAGE);
	if (xr->kind == XS_MAP_GNTDEV) {
		ioctl(xr->x->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &um);
	}
	for (pp = &xr->x->rings; *pp; pp = &(*pp)->next) {
		if (*pp == xr) {
			*pp = xr->next;
			break;
		}
	}
	free(xr);
}

/* Bind the ring's port, create its connection, kick it once. */
static int xs_xen_ring_start(struct xs_xen *x, struct xs_engine *e,
			     struct xs_xen_ring *xr, uint32_t domid,
			     uint32_t remote_port)
{
	struct xs_evtchn_bind_interdomain b = { domid, remote_port };
	int port = ioctl(x->evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);

	if (port < 0) {
		return -errno;
	}
	xr->x = x;
	xr->local_port = (uint32_t)port;
	xr->ring.notify = xs_xen_notify;
	xr->ring.unmap = xs_xen_unmap;
	xr->ring.plat = xr;
	xr->conn = xs_ring_conn_new(e, &xr->ring, domid, domid == 0);
	if (!xr->conn) {
		ioctl(x->evtchn_fd, IOCTL_EVTCHN_UNBIND, &port);
		return -ENOMEM;
	}
	xr->next = x->rings;
	x->rings = xr;
	xs_xen_notify(&xr->ring);
	return 0;
}

/* dom0's own ring: /proc/xen/xsd_kva (the page) and xsd_port. */
int xs_xen_attach_dom0(struct xs_xen *x, struct xs_engine *e)
{
	struct xs_xen_ring *xr = NULL;
	char buf[32] = "";
	uint32_t port;
	void *page = MAP_FAILED;
	int fd, rc = -ENODEV;
	ssize_t n;

	if (x->evtchn_fd < 0) {
		return -ENODEV;
	}
	fd = open("/proc/xen/xsd_port", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0) {
		close(fd);
	}
	if (n <= 0) {
		goto out;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (xs_parse_u32(buf, UINT32_MAX, &port)) {
		goto out;
	}
	fd = open("/proc/xen/xsd_kva", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		goto out;
	}
	page = mmap(NULL, XS_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	xr = calloc(1, sizeof(*xr));
	if (page == MAP_FAILED || !xr) {
		rc = -ENOMEM;
		goto out;
	}
	xr->kind = XS_MAP_KVA;
	xr->ring.intf = page;
	rc = xs_xen_ring_start(x, e, xr, 0, port);
	if (!rc) {
		xs_domain_find(e, 0)->conn = xr->conn;
		xr->conn->dom = xs_domain_find(e, 0);
		return 0;
	}
out:
	if (page != MAP_FAILED) {
		munmap(page, XS_PAGE);
	}
	free(xr);
	return rc;
}

/* Map a domU's store page: gntdev grant ref 1 first, then privcmd. */
static void *xs_xen_map(struct xs_xen *x, struct xs_xen_ring *xr,
			uint32_t domid, uint64_t gfn)
{
	struct xs_gntdev_map m = { .count = 1,
				   .domid = domid,
				   .ref = XS_GRANT_STORE_REF };
	struct xs_privcmd_mmapbatch_v2 b = { .num = 1, .dom = (uint16_t)domid };
	void *p;
	int err = 0;

	if (x->gntdev_fd >= 0 &&
	    ioctl(x->gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m) == 0) {
		p = mmap(NULL, XS_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 x->gntdev_fd, (off_t)m.index);
		if (p != MAP_FAILED) {
			xr->kind = XS_MAP_GNTDEV;
			xr->gnt_index = m.index;
			return p;
		}
		ioctl(x->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF,
		      &(struct xs_gntdev_unmap){ .index = m.index,
						 .count = 1 });
	}
	if (x->privcmd_fd < 0) {
		return NULL;
	}
	p = mmap(NULL, XS_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 x->privcmd_fd, 0);
	if (p == MAP_FAILED) {
		return NULL;
	}
	b.addr = (uint64_t)(uintptr_t)p;
	b.arr = &gfn;
	b.err = &err;
	if (ioctl(x->privcmd_fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b) < 0 || err) {
		munmap(p, XS_PAGE);
		return NULL;
	}
	xr->kind = XS_MAP_PRIVCMD;
	return p;
}

/* Platform hook for INTRODUCE: map the page, bind the port. */
static int xs_xen_introduce(struct xs_engine *e, struct xs_domain *d)
{
	struct xs_xen *x = e->plat_arg;
	struct xs_xen_ring *xr;
	void *page;
	int rc;

	if (x->evtchn_fd < 0) {
		return -ENODEV; /* not in dom0: nothing to map */
	}
	xr = calloc(1, sizeof(*xr));
	if (!xr) {
		return -ENOMEM;
	}
	page = xs_xen_map(x, xr, d->domid, d->gfn);
	if (!page) {
		free(xr);
		return -EINVAL;
	}
	xr->ring.intf = page;
	rc = xs_xen_ring_start(x, e, xr, d->domid, d->port);
	if (rc) {
		munmap(page, XS_PAGE);
		free(xr);
		return rc;
	}
	d->conn = xr->conn;
	xr->conn->dom = d;
	return 0;
}

/*
 * Dying domains: introduced domains that the hypervisor reports shut down,
 * dying or gone (Sable's control interface, SABLE_CTL_domain_info). Where
 * that interface is absent (Xen answers -ENOSYS) none is reported and
 * @releaseDomain follows RELEASE from the toolstack only.
 */
static int xs_xen_dead_domains(struct xs_engine *e, uint32_t *ids, uint32_t max)
{
	struct xs_xen *x = e->plat_arg;
	struct sable_ctl_domain_info info;
	struct xs_domain *d;
	uint32_t n = 0;

	if (!x || !x->ctl) {
		return 0;
	}
	for (d = e->domains; d && n < max; d = d->next) {
		if (!d->introduced || d->domid == 0) {
			continue;
		}
		if (sable_domain_info(x->ctl, d->domid, &info) == 0) {
			if (info.domid != d->domid ||
			    (info.flags & SABLE_DOMINF_dying)) {
				ids[n++] = d->domid | XS_DEAD_GONE;
			} else if ((info.flags & SABLE_DOMINF_shutdown) &&
				   !d->shutdown) {
				ids[n++] = d->domid;
			}
		} else if (errno == ESRCH) {
			ids[n++] = d->domid | XS_DEAD_GONE;
		}
		/* Otherwise no answer: not known to be dead. */
	}
	return (int)n;
}

const struct xs_platform_ops xs_xen_platform = {
	.introduce = xs_xen_introduce,
	.dead_domains = xs_xen_dead_domains,
};

/* The evtchn fd is readable: fetch fired ports, serve, unmask. */
void xs_xen_events(struct xs_xen *x, struct xs_engine *e)
{
	uint32_t ports[64];
	ssize_t n;
	int i;

	n = read(x->evtchn_fd, ports, sizeof(ports));
	if (n <= 0) {
		return;
	}
	for (i = 0; i < (int)(n / 4); i++) {
		if ((int)ports[i] == x->virq_port) {
			xs_domain_check_dead(e);
		}
	}
	xs_xen_service_all(x, e);
	if (write(x->evtchn_fd, ports, (size_t)n) < 0) {
		fprintf(stderr, "xenstored: evtchn unmask failed\n");
	}
}

/* Serve every ring: cheap, and catches watch events queued by others. */
void xs_xen_service_all(struct xs_xen *x, struct xs_engine *e)
{
	struct xs_xen_ring *xr;

	(void)e;
	for (xr = x->rings; xr; xr = xr->next) {
		if (!xr->conn->dead) {
			xs_ring_service(xr->conn);
		}
	}
}
