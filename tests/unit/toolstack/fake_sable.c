/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <public/version.h>

#include "xl.h"

#include "dom0less.h"
#include "fake_sable.h"

struct fake_dom fake_doms[FAKE_MAX_DOMS];
int fake_ndoms;
int fake_list_errno;
int fake_set_param_calls;
struct sable_ctl_physinfo fake_phys;
int fake_create_errno, fake_build_errno, fake_affinity_errno,
	fake_destroy_errno;
int fake_destroy_calls, fake_unpause_calls, fake_boot_restart_calls;
int fake_debug_dumps;
void (*fake_on_create)(struct fake_dom *d);
void (*fake_on_unpause)(struct fake_dom *d);
uint32_t fake_console_domid;
char fake_console_tty[256];

static struct sable_handle *fake_handle = (struct sable_handle *)&fake_phys;

void fake_reset(void)
{
	memset(fake_doms, 0, sizeof(fake_doms));
	fake_ndoms = 0;
	fake_list_errno = 0;
	fake_set_param_calls = 0;
	fake_create_errno = fake_build_errno = fake_affinity_errno = 0;
	fake_destroy_errno = 0;
	fake_destroy_calls = fake_unpause_calls = fake_boot_restart_calls = 0;
	fake_debug_dumps = 0;
	fake_on_create = NULL;
	fake_on_unpause = NULL;
	fake_console_domid = 0;
	fake_console_tty[0] = '\0';
	memset(&fake_phys, 0, sizeof(fake_phys));
	fake_phys.nr_cpus = 2;
	fake_phys.max_domains = 64;
	fake_phys.total_kib = 2048 * 1024;
	fake_phys.free_kib = 1024 * 1024;
	fake_phys.cpu_khz = 62500;
	fake_phys.uptime_ns = 3723ULL * 1000000000ULL;
	fake_phys.xen_major = 4;
	fake_phys.xen_minor = 17;
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

struct sable_handle *sable_open(const char **why)
{
	(void)why;
	return fake_handle;
}

void sable_close(struct sable_handle *h)
{
	(void)h;
}

#define FAKE_FAIL(e)         \
	do {                 \
		errno = (e); \
		return -1;   \
	} while (0)

/* The live domain @domid, or NULL with errno ESRCH. */
static struct fake_dom *fake_live(uint32_t domid)
{
	struct fake_dom *d = fake_find(domid);

	if (!d) {
		errno = ESRCH;
	}
	return d;
}

int sable_domain_create(struct sable_handle *h, struct sable_ctl_create *c)
{
	struct fake_dom *d;
	uint32_t id = 1;
	int i, at;

	(void)h;
	if (fake_create_errno) {
		FAKE_FAIL(fake_create_errno);
	}
	if (!c->name[0] || c->nr_vcpus == 0 || c->nr_vcpus > 8) {
		FAKE_FAIL(EINVAL);
	}
	for (i = 0; i < fake_ndoms; i++) {
		if (!strcmp(fake_doms[i].info.name, c->name)) {
			FAKE_FAIL(EBUSY);
		}
	}
	if (c->mem_kib > fake_phys.free_kib) {
		FAKE_FAIL(ENOMEM);
	}
	if (fake_ndoms == FAKE_MAX_DOMS) {
		FAKE_FAIL(ENOSPC);
	}
	/* The lowest free id; the array stays in id order. */
	for (at = 0; at < fake_ndoms; at++) {
		if (fake_doms[at].info.domid > id) {
			break;
		}
		if (fake_doms[at].info.domid == id) {
			id++;
		}
	}
	memmove(&fake_doms[at + 1], &fake_doms[at],
		(size_t)(fake_ndoms - at) * sizeof(fake_doms[0]));
	fake_ndoms++;
	d = &fake_doms[at];
	memset(d, 0, sizeof(*d));
	d->create = *c;
	d->info.domid = id;
	d->info.flags = SABLE_DOMINF_paused;
	d->info.nr_vcpus = c->nr_vcpus;
	d->info.mem_kib = c->mem_kib;
	d->info.max_mem_kib = c->max_mem_kib;
	d->info.pause_count = 1;
	d->sched.weight = c->weight ? c->weight : 256;
	d->sched.cap = c->cap;
	snprintf(d->info.name, sizeof(d->info.name), "%s", c->name);
	fake_phys.free_kib -= c->mem_kib;
	c->domid = id;
	if (fake_on_create) {
		fake_on_create(d);
	}
	return 0;
}

int sable_domain_load(struct sable_handle *h, uint32_t domid, uint32_t kind,
		      const void *buf, uint64_t len)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	if (kind < 1 || kind > 3 || !len) {
		FAKE_FAIL(EINVAL);
	}
	if (kind == SABLE_LOAD_cmdline) {
		if (len > sizeof(d->cmdline)) {
			FAKE_FAIL(EINVAL);
		}
		memcpy(d->cmdline, buf, len);
	}
	d->loaded[kind] += len;
	return 0;
}

int sable_domain_build(struct sable_handle *h, uint32_t domid,
		       struct sable_ctl_build *out)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	if (fake_build_errno) {
		FAKE_FAIL(fake_build_errno);
	}
	out->console_gfn = 0x39000;
	out->store_gfn = 0x39001;
	out->console_port = 1;
	out->store_port = 2;
	out->console_gref = 0;
	out->store_gref = 1;
	d->info.flags |= SABLE_DOMINF_built;
	d->params[HVM_PARAM_STORE_PFN] = 0x39001;
	d->params[HVM_PARAM_STORE_EVTCHN] = 2;
	return 0;
}

int sable_domain_pause(struct sable_handle *h, uint32_t domid)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	d->info.pause_count++;
	d->info.flags |= SABLE_DOMINF_paused;
	return 0;
}

int sable_domain_unpause(struct sable_handle *h, uint32_t domid)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	if (!d->info.pause_count) {
		FAKE_FAIL(EINVAL);
	}
	fake_unpause_calls++;
	if (--d->info.pause_count == 0) {
		d->info.flags &= ~SABLE_DOMINF_paused;
	}
	if (fake_on_unpause) {
		fake_on_unpause(d);
	}
	return 0;
}

int sable_domain_destroy(struct sable_handle *h, uint32_t domid)
{
	struct fake_dom *d = fake_live(domid);
	int at;

	(void)h;
	fake_destroy_calls++;
	if (!d) {
		return -1;
	}
	if (fake_destroy_errno) {
		FAKE_FAIL(fake_destroy_errno);
	}
	if (domid == 0) {
		FAKE_FAIL(EPERM);
	}
	fake_phys.free_kib += d->info.mem_kib;
	at = (int)(d - fake_doms);
	memmove(&fake_doms[at], &fake_doms[at + 1],
		(size_t)(fake_ndoms - at - 1) * sizeof(fake_doms[0]));
	fake_ndoms--;
	return 0;
}

int sable_boot_manage(struct sable_handle *h, uint32_t domid,
		      struct sable_ctl_boot *out)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	if (!d->boot || domid == 0) {
		FAKE_FAIL(ENOENT);
	}
	d->managed = true;
	memset(out, 0, sizeof(*out));
	memcpy(out->on, d->boot_on, sizeof(out->on));
	return 0;
}

/* Counted; a domain that is not there fails as the hypervisor's would. */
int sable_debug_dump(struct sable_handle *h, uint32_t domid)
{
	(void)h;
	if (!fake_live(domid)) {
		return -1;
	}
	fake_debug_dumps++;
	return 0;
}

/* As the hypervisor: the same id, fresh, paused, its store pending. */
int sable_boot_restart(struct sable_handle *h, uint32_t domid)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	if (!d->boot || domid == 0) {
		FAKE_FAIL(ENOENT);
	}
	fake_boot_restart_calls++;
	d->info.flags &= ~SABLE_DOMINF_shutdown;
	d->info.flags |= SABLE_DOMINF_paused | SABLE_DOMINF_built;
	d->info.shutdown_reason = 0;
	d->info.pause_count = 1;
	if (d->params[HVM_PARAM_STORE_EVTCHN]) {
		d->params[HVM_PARAM_STORE_PFN] = DOM0LESS_STORE_PFN_PENDING;
	}
	return 0;
}

int sable_domain_shutdown(struct sable_handle *h, uint32_t domid,
			  uint32_t reason)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	d->info.flags |= SABLE_DOMINF_shutdown;
	d->info.shutdown_reason = reason;
	return 0;
}

int sable_domain_rename(struct sable_handle *h, uint32_t domid,
			const char *name)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	snprintf(d->info.name, sizeof(d->info.name), "%s", name);
	return 0;
}

int sable_domain_set_max_mem(struct sable_handle *h, uint32_t domid,
			     uint64_t max_mem_kib)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	d->info.max_mem_kib = max_mem_kib;
	return 0;
}

int sable_vcpu_info(struct sable_handle *h, uint32_t domid, uint32_t vcpu,
		    struct sable_ctl_vcpu_info *out)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	if (vcpu >= d->info.nr_vcpus) {
		FAKE_FAIL(EINVAL);
	}
	memset(out, 0, sizeof(*out));
	out->vcpu = vcpu;
	out->flags = SABLE_VCPUINF_online | SABLE_VCPUINF_blocked;
	out->pcpu = vcpu % 2;
	out->cpu_time_ns = 1500000000ULL * (vcpu + 1);
	out->affinity = d->affinity[vcpu % 8] ? d->affinity[vcpu % 8] : ~0ULL;
	out->soft_affinity =
		d->soft_affinity[vcpu % 8] ? d->soft_affinity[vcpu % 8] : ~0ULL;
	return 0;
}

int sable_vcpu_set_affinity(struct sable_handle *h, uint32_t domid,
			    uint32_t vcpu, uint64_t hard, uint64_t soft)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	if (fake_affinity_errno) {
		FAKE_FAIL(fake_affinity_errno);
	}
	if (vcpu >= d->info.nr_vcpus || !(hard & 3)) {
		FAKE_FAIL(EINVAL);
	}
	d->affinity[vcpu % 8] = hard;
	d->soft_affinity[vcpu % 8] = soft;
	return 0;
}

int sable_sched_get(struct sable_handle *h, uint32_t domid,
		    struct sable_ctl_sched *out)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	*out = d->sched;
	return 0;
}

int sable_sched_set(struct sable_handle *h, uint32_t domid,
		    const struct sable_ctl_sched *in)
{
	struct fake_dom *d = fake_live(domid);

	(void)h;
	if (!d) {
		return -1;
	}
	if (!in->weight || in->weight > 65535 || in->cap > 100) {
		FAKE_FAIL(EINVAL);
	}
	d->sched = *in;
	return 0;
}

int sable_physinfo(struct sable_handle *h, struct sable_ctl_physinfo *out)
{
	(void)h;
	fake_phys.nr_domains = (uint32_t)fake_ndoms;
	*out = fake_phys;
	return 0;
}

/* As the hypervisor answers dom0 (hc_version.c), for xl info. */
int sable_xen_version(struct sable_handle *h, unsigned int cmd, void *buf,
		      size_t len)
{
	static const char line[] = "dom0_mem=512M loglvl=all";
	const char *s = NULL;

	(void)h;
	memset(buf, 0, len);
	switch (cmd) {
	case XENVER_extraversion:
		s = ".0-sable";
		break;
	case XENVER_changeset:
		s = "sable 0.1.0";
		break;
	case XENVER_commandline:
		s = line;
		break;
	case XENVER_compile_info:
		if (len >= sizeof(struct xen_compile_info)) {
			struct xen_compile_info *ci = buf;

			memcpy(ci->compiler, "gcc", 3);
			memcpy(ci->compile_by, "sable", 5);
			memcpy(ci->compile_domain, "sable", 5);
		}
		return 0;
	default:
		FAKE_FAIL(ENOSYS);
	}
	if (strlen(s) >= len) {
		FAKE_FAIL(EINVAL);
	}
	memcpy(buf, s, strlen(s));
	return 0;
}

long sable_console_read(struct sable_handle *h, char *buf, uint32_t len,
			uint64_t *index, int clear)
{
	static const char text[] = "(XEN) Sable: hello\n(XEN) dom0 built\n";
	uint64_t n = sizeof(text) - 1;

	(void)h;
	(void)clear;
	if (*index >= n) {
		return 0;
	}
	n -= *index;
	n = n < len ? n : len;
	memcpy(buf, text + *index, n);
	*index += n;
	return (long)n;
}

int sable_domid_by_name(struct sable_handle *h, const char *name,
			uint32_t *domid)
{
	int i;

	(void)h;
	for (i = 0; i < fake_ndoms; i++) {
		if (!strcmp(fake_doms[i].info.name, name)) {
			*domid = fake_doms[i].info.domid;
			return 0;
		}
	}
	FAKE_FAIL(ESRCH);
}

int sable_console_attach(uint32_t domid, const char *tty_path)
{
	fake_console_domid = domid;
	snprintf(fake_console_tty, sizeof(fake_console_tty), "%s", tty_path);
	return 0;
}
