/* SPDX-License-Identifier: MIT */
/* libsable: see libsable.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libsable.h"

/* Linux's privcmd ABI (include/uapi/xen/privcmd.h). */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

#define PRIVCMD_PATH "/dev/xen/privcmd"
#define SHUTDOWN_crash 3

struct sable_handle {
	int fd;
};

unsigned long sable_ioctl_cmd(void)
{
	return IOCTL_PRIVCMD_HYPERCALL;
}

struct sable_handle *sable_open(const char **why)
{
	struct sable_handle *h = calloc(1, sizeof(*h));

	if (!h) {
		*why = "out of memory";
		return NULL;
	}
	h->fd = open(PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
	if (h->fd < 0) {
		int e = errno;

		*why = "cannot open " PRIVCMD_PATH
		       " (is xen-privcmd loaded, is this dom0?)";
		free(h);
		errno = e;
		return NULL;
	}
	return h;
}

void sable_close(struct sable_handle *h)
{
	if (h) {
		close(h->fd);
		free(h);
	}
}

/*
 * Issue one hypercall through privcmd. Its argument structures live on
 * the caller's stack, already written, so the pages are present when the
 * hypervisor walks dom0's tables. privcmd turns a negative result into
 * -1 with errno set; a positive one is returned as is.
 */
static long sable_hypercall(struct sable_handle *h, uint64_t op, uint64_t a0,
			    uint64_t a1)
{
	struct privcmd_hypercall call = {
		.op = op,
		.arg = { a0, a1 },
	};

	return ioctl(h->fd, IOCTL_PRIVCMD_HYPERCALL, &call);
}

/* Issue one control command; the kernel returns -errno as -1/errno. */
static int ctl(struct sable_handle *h, struct sable_ctl *c)
{
	long rc;

	c->version = SABLE_CTL_VERSION;
	c->pad = 0;
	rc = sable_hypercall(h, __HYPERVISOR_sable_ctl, (uint64_t)(uintptr_t)c,
			     0);
	if (rc < 0) {
		return -1;
	}
	if (rc > 0) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* HVMOP_get_param / HVMOP_set_param (hvm_op, public/hvm.h). */
static int sable_hvm_op(struct sable_handle *h, uint64_t op,
			struct xen_hvm_param *p)
{
	long rc = sable_hypercall(h, __HYPERVISOR_hvm_op, op,
				  (uint64_t)(uintptr_t)p);

	if (rc < 0) {
		return errno ? -errno : -EIO;
	}
	return rc ? -EIO : 0;
}

int sable_hvm_get_param(struct sable_handle *h, uint16_t domid, uint32_t index,
			uint64_t *value)
{
	struct xen_hvm_param p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.domid = domid;
	p.index = index;
	rc = sable_hvm_op(h, HVMOP_get_param, &p);
	if (!rc) {
		*value = p.value;
	}
	return rc;
}

int sable_hvm_set_param(struct sable_handle *h, uint16_t domid, uint32_t index,
			uint64_t value)
{
	struct xen_hvm_param p;

	memset(&p, 0, sizeof(p));
	p.domid = domid;
	p.index = index;
	p.value = value;
	return sable_hvm_op(h, HVMOP_set_param, &p);
}

int sable_domain_info(struct sable_handle *h, uint32_t domid,
		      struct sable_ctl_domain_info *info)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_domain_info;
	c.domid = domid;
	if (ctl(h, &c)) {
		return -1;
	}
	*info = c.u.info;
	info->name[sizeof(info->name) - 1] = '\0';
	return 0;
}

void sable_state_string(const struct sable_ctl_domain_info *info, char *buf)
{
	bool sd = info->flags & SABLE_DOMINF_shutdown;
	bool crashed = sd && info->shutdown_reason == SHUTDOWN_crash;

	buf[0] = (info->flags & SABLE_DOMINF_running) ? 'r' : '-';
	buf[1] = (info->flags & SABLE_DOMINF_blocked) ? 'b' : '-';
	buf[2] = '-';
	buf[3] = sd && !crashed ? 's' : '-';
	buf[4] = crashed ? 'c' : '-';
	buf[5] = (info->flags & SABLE_DOMINF_dying) ? 'd' : '-';
	buf[6] = '\0';
}
