/* SPDX-License-Identifier: MIT */
/*
 * libsable: the toolstack library. Talks to the hypervisor's control
 * interface (public/sable_ctl.h) through /dev/xen/privcmd.
 */
#pragma once

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

/* The one-letter states of `xl list` ("rbpscd"), into @buf[7]. */
void sable_state_string(const struct sable_ctl_domain_info *info, char *buf);
