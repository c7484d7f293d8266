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
	buf[2] = (info->flags & SABLE_DOMINF_paused) ? 'p' : '-';
	buf[3] = sd && !crashed ? 's' : '-';
	buf[4] = crashed ? 'c' : '-';
	buf[5] = (info->flags & SABLE_DOMINF_dying) ? 'd' : '-';
	buf[6] = '\0';
}

/* A command about @domid with no arguments of its own. */
static int ctl_simple(struct sable_handle *h, uint32_t cmd, uint32_t domid)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	c.domid = domid;
	return ctl(h, &c);
}

int sable_domain_create(struct sable_handle *h, struct sable_ctl_create *cr)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_create;
	c.domid = cr->domid;
	c.u.create = *cr;
	if (ctl(h, &c)) {
		return -1;
	}
	cr->domid = c.u.create.domid;
	return 0;
}

int sable_domain_load(struct sable_handle *h, uint32_t domid, uint32_t kind,
		      const void *buf, uint64_t len)
{
	const char *p = buf;
	uint64_t off = 0;

	if (len == 0 || (kind == SABLE_LOAD_cmdline && len > SABLE_LOAD_MAX)) {
		errno = EINVAL;
		return -1;
	}
	while (off < len) {
		uint64_t n =
			len - off < SABLE_LOAD_MAX ? len - off : SABLE_LOAD_MAX;
		struct sable_ctl c;

		memset(&c, 0, sizeof(c));
		c.cmd = SABLE_CTL_load;
		c.domid = domid;
		c.u.load.kind = kind;
		c.u.load.len = (uint32_t)n;
		c.u.load.offset = off;
		c.u.load.buf = (uint64_t)(uintptr_t)(p + off);
		if (ctl(h, &c)) {
			return -1;
		}
		off += n;
	}
	return 0;
}

int sable_domain_build(struct sable_handle *h, uint32_t domid,
		       struct sable_ctl_build *out)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_build;
	c.domid = domid;
	if (ctl(h, &c)) {
		return -1;
	}
	if (out) {
		*out = c.u.build;
	}
	return 0;
}

int sable_domain_pause(struct sable_handle *h, uint32_t domid)
{
	return ctl_simple(h, SABLE_CTL_pause, domid);
}

int sable_domain_unpause(struct sable_handle *h, uint32_t domid)
{
	return ctl_simple(h, SABLE_CTL_unpause, domid);
}

int sable_domain_destroy(struct sable_handle *h, uint32_t domid)
{
	return ctl_simple(h, SABLE_CTL_destroy, domid);
}

int sable_boot_manage(struct sable_handle *h, uint32_t domid,
		      struct sable_ctl_boot *out)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_boot_manage;
	c.domid = domid;
	if (ctl(h, &c)) {
		return -1;
	}
	*out = c.u.boot;
	return 0;
}

int sable_boot_restart(struct sable_handle *h, uint32_t domid)
{
	return ctl_simple(h, SABLE_CTL_boot_restart, domid);
}

int sable_debug_dump(struct sable_handle *h, uint32_t domid)
{
	return ctl_simple(h, SABLE_CTL_debug_dump, domid);
}

int sable_domain_shutdown(struct sable_handle *h, uint32_t domid,
			  uint32_t reason)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_shutdown;
	c.domid = domid;
	c.u.shutdown.reason = reason;
	return ctl(h, &c);
}

int sable_domain_rename(struct sable_handle *h, uint32_t domid,
			const char *name)
{
	struct sable_ctl c;

	if (strlen(name) >= sizeof(c.u.rename.name)) {
		errno = EINVAL;
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_rename;
	c.domid = domid;
	memcpy(c.u.rename.name, name, strlen(name));
	return ctl(h, &c);
}

int sable_domain_set_max_mem(struct sable_handle *h, uint32_t domid,
			     uint64_t max_mem_kib)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_set_max_mem;
	c.domid = domid;
	c.u.max_mem.max_mem_kib = max_mem_kib;
	return ctl(h, &c);
}

int sable_vcpu_info(struct sable_handle *h, uint32_t domid, uint32_t vcpu,
		    struct sable_ctl_vcpu_info *out)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_vcpu_info;
	c.domid = domid;
	c.u.vcpu.vcpu = vcpu;
	if (ctl(h, &c)) {
		return -1;
	}
	*out = c.u.vcpu;
	return 0;
}

int sable_vcpu_set_affinity(struct sable_handle *h, uint32_t domid,
			    uint32_t vcpu, uint64_t hard, uint64_t soft)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_vcpu_affinity;
	c.domid = domid;
	c.u.affinity.vcpu = vcpu;
	c.u.affinity.hard = hard;
	c.u.affinity.soft = soft;
	return ctl(h, &c);
}

int sable_sched_get(struct sable_handle *h, uint32_t domid,
		    struct sable_ctl_sched *out)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_sched_get;
	c.domid = domid;
	if (ctl(h, &c)) {
		return -1;
	}
	*out = c.u.sched;
	return 0;
}

int sable_sched_set(struct sable_handle *h, uint32_t domid,
		    const struct sable_ctl_sched *in)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_sched_set;
	c.domid = domid;
	c.u.sched = *in;
	return ctl(h, &c);
}

int sable_physinfo(struct sable_handle *h, struct sable_ctl_physinfo *out)
{
	struct sable_ctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_physinfo;
	if (ctl(h, &c)) {
		return -1;
	}
	*out = c.u.phys;
	return 0;
}

int sable_xen_version(struct sable_handle *h, unsigned int cmd, void *buf,
		      size_t len)
{
	/* Written before the call: its pages are present for the walk. */
	memset(buf, 0, len);
	return sable_hypercall(h, __HYPERVISOR_xen_version, cmd,
			       (uint64_t)(uintptr_t)buf) < 0
		       ? -1
		       : 0;
}

long sable_console_read(struct sable_handle *h, char *buf, uint32_t len,
			uint64_t *index, int clear)
{
	struct sable_ctl c;

	/* Present before the hypervisor writes it (privcmd pins nothing). */
	memset(buf, 0, len);
	memset(&c, 0, sizeof(c));
	c.cmd = SABLE_CTL_console_read;
	c.u.console.buf = (uint64_t)(uintptr_t)buf;
	c.u.console.len = len;
	c.u.console.clear = clear ? 1 : 0;
	c.u.console.index = *index;
	if (ctl(h, &c)) {
		return -1;
	}
	*index = c.u.console.index;
	return (long)c.u.console.len;
}

int sable_domid_by_name(struct sable_handle *h, const char *name,
			uint32_t *domid)
{
	struct sable_ctl_domain_info info;
	uint32_t next = 0;

	while (sable_domain_info(h, next, &info) == 0) {
		if (strcmp(info.name, name) == 0) {
			*domid = info.domid;
			return 0;
		}
		next = info.domid + 1;
	}
	return -1; /* errno from the last lookup: ESRCH past the last */
}
