/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dom0less.h"
#include "fake_sable.h"

struct fake_dom fake_doms[FAKE_MAX_DOMS];
int fake_ndoms;
int fake_list_errno;
int fake_set_param_calls;

void fake_reset(void)
{
	memset(fake_doms, 0, sizeof(fake_doms));
	fake_ndoms = 0;
	fake_list_errno = 0;
	fake_set_param_calls = 0;
}

struct fake_dom *fake_add(uint32_t domid, const char *name, uint32_t store_port)
{
	struct fake_dom *d = &fake_doms[fake_ndoms++];

	d->info.domid = domid;
	d->info.nr_vcpus = 2;
	d->info.mem_kib = 65536;
	d->info.flags = domid ? 0 : SABLE_DOMINF_privileged;
	snprintf(d->info.name, sizeof(d->info.name), "%s", name);
	d->params[HVM_PARAM_STORE_EVTCHN] = store_port;
	d->params[HVM_PARAM_STORE_PFN] =
		store_port ? DOM0LESS_STORE_PFN_PENDING : 0;
	return d;
}

struct fake_dom *fake_find(uint32_t domid)
{
	int i;

	for (i = 0; i < fake_ndoms; i++) {
		if (fake_doms[i].info.domid == domid) {
			return &fake_doms[i];
		}
	}
	return NULL;
}

int sable_domain_info(struct sable_handle *h, uint32_t domid,
		      struct sable_ctl_domain_info *info)
{
	int i;

	(void)h;
	if (fake_list_errno) {
		errno = fake_list_errno;
		return -1;
	}
	for (i = 0; i < fake_ndoms; i++) {
		if (fake_doms[i].info.domid >= domid) {
			*info = fake_doms[i].info;
			return 0;
		}
	}
	errno = ESRCH;
	return -1;
}

/* As the hypervisor checks an HVMOP: the domain, then the index. */
static int fake_param(uint16_t domid, uint32_t index, struct fake_dom **d)
{
	*d = fake_find(domid);
	if (!*d) {
		return -ESRCH;
	}
	if ((*d)->param_err) {
		return (*d)->param_err;
	}
	return index < HVM_NR_PARAMS ? 0 : -EINVAL;
}

int sable_hvm_get_param(struct sable_handle *h, uint16_t domid, uint32_t index,
			uint64_t *value)
{
	struct fake_dom *d;
	int rc = fake_param(domid, index, &d);

	(void)h;
	if (!rc) {
		*value = d->params[index];
	}
	return rc;
}

int sable_hvm_set_param(struct sable_handle *h, uint16_t domid, uint32_t index,
			uint64_t value)
{
	struct fake_dom *d;
	int rc = fake_param(domid, index, &d);

	(void)h;
	fake_set_param_calls++;
	if (!rc) {
		d->params[index] = value;
	}
	return rc;
}
