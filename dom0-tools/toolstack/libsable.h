/* SPDX-License-Identifier: MIT */
/*
 * libsable: the toolstack library. Talks to the hypervisor's control
 * interface (public/sable_ctl.h) through /dev/xen/privcmd.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <public/hvm.h>
#include <public/sable_ctl.h>

struct sable_handle;

/* Open the control interface; NULL with errno set (and a reason in *why). */
struct sable_handle *sable_open(const char **why);
void sable_close(struct sable_handle *h);
/* The one ioctl command a handle issues (for callers that confine it). */
unsigned long sable_ioctl_cmd(void);

/*
 * The first domain with id >= @domid. 0, or -1 with errno set (ESRCH: no
 * more domains, EPERM: not the control domain, EACCES: interface version).
 */
int sable_domain_info(struct sable_handle *h, uint32_t domid,
		      struct sable_ctl_domain_info *info);

/*
 * HVMOP_get_param / HVMOP_set_param for @domid (HVM_PARAM_*). 0 or a
 * negative errno (-EPERM: not the control domain, -ESRCH: no such
 * domain, -EINVAL: bad index).
 */
int sable_hvm_get_param(struct sable_handle *h, uint16_t domid, uint32_t index,
			uint64_t *value);
int sable_hvm_set_param(struct sable_handle *h, uint16_t domid, uint32_t index,
			uint64_t value);

/*
 * The control commands of public/sable_ctl.h, one function each. Each
 * returns 0, or -1 with errno set to the hypervisor's error (EPERM: not the
 * control domain, ESRCH: no such domain, EINVAL: a bad argument, ENOMEM:
 * no memory or over a budget, EBUSY: a name or id in use, EACCES: another
 * interface version).
 */
/* @c->domid: 0 for the lowest free id; the id made is written back. */
int sable_domain_create(struct sable_handle *h, struct sable_ctl_create *c);
/*
 * Copy @len bytes of @buf (any length: split into SABLE_LOAD_MAX calls,
 * from offset 0 up) into image @kind. @buf must be resident (written or
 * read into): the hypervisor reads it through dom0's page tables.
 */
int sable_domain_load(struct sable_handle *h, uint32_t domid, uint32_t kind,
		      const void *buf, uint64_t len);
int sable_domain_build(struct sable_handle *h, uint32_t domid,
		       struct sable_ctl_build *out);
int sable_domain_pause(struct sable_handle *h, uint32_t domid);
int sable_domain_unpause(struct sable_handle *h, uint32_t domid);
int sable_domain_destroy(struct sable_handle *h, uint32_t domid);
/*
 * Boot-time domains: take one over (the hypervisor leaves its shutdowns
 * to the caller; @out gets its description's actions), and have one
 * destroyed and built again from its boot modules, paused.
 */
int sable_boot_manage(struct sable_handle *h, uint32_t domid,
		      struct sable_ctl_boot *out);
int sable_boot_restart(struct sable_handle *h, uint32_t domid);
/* Domain @domid's event channels into the hypervisor's log. */
int sable_debug_dump(struct sable_handle *h, uint32_t domid);
/* Remote shutdown with a SHUTDOWN_* reason. */
int sable_domain_shutdown(struct sable_handle *h, uint32_t domid,
			  uint32_t reason);
int sable_domain_rename(struct sable_handle *h, uint32_t domid,
			const char *name);
int sable_domain_set_max_mem(struct sable_handle *h, uint32_t domid,
			     uint64_t max_mem_kib);
int sable_vcpu_info(struct sable_handle *h, uint32_t domid, uint32_t vcpu,
		    struct sable_ctl_vcpu_info *out);
/* Hard and soft affinity of @vcpu, a bit per pCPU; @soft 0: no preference. */
int sable_vcpu_set_affinity(struct sable_handle *h, uint32_t domid,
			    uint32_t vcpu, uint64_t hard, uint64_t soft);
int sable_sched_get(struct sable_handle *h, uint32_t domid,
		    struct sable_ctl_sched *out);
int sable_sched_set(struct sable_handle *h, uint32_t domid,
		    const struct sable_ctl_sched *in);
int sable_physinfo(struct sable_handle *h, struct sable_ctl_physinfo *out);
/*
 * xen_version @cmd (XENVER_extraversion, _changeset, _commandline,
 * _compile_info) into @buf, which must hold that command's structure
 * (@len bytes, zeroed first). 0, or -1 with errno set.
 */
int sable_xen_version(struct sable_handle *h, unsigned int cmd, void *buf,
		      size_t len);
/*
 * Read the hypervisor's log from *@index into @buf (at most @len bytes).
 * Returns bytes read (0: nothing newer) or -1; *@index moves past them.
 * @clear forgets what was read.
 */
long sable_console_read(struct sable_handle *h, char *buf, uint32_t len,
			uint64_t *index, int clear);
/* Look a domain up by name: its id, or -1 with errno ESRCH. */
int sable_domid_by_name(struct sable_handle *h, const char *name,
			uint32_t *domid);

/* The one-letter states of `xl list` ("rbpscd"), into @buf[7]. */
void sable_state_string(const struct sable_ctl_domain_info *info, char *buf);
