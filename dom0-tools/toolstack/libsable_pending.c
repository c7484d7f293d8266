/* SPDX-License-Identifier: MIT */
/* Temporary: answers ENOSYS until libsable's version-2 commands land. */
#include <errno.h>
#include <string.h>

#include "libsable.h"
#include "xl.h"

#define NOSYS()                 \
	do {                    \
		errno = ENOSYS; \
		return -1;      \
	} while (0)

int sable_domain_create(struct sable_handle *h, struct sable_ctl_create *c)
{
	(void)h, (void)c;
	NOSYS();
}
int sable_domain_load(struct sable_handle *h, uint32_t domid, uint32_t kind,
		      const void *buf, uint64_t len)
{
	(void)h, (void)domid, (void)kind, (void)buf, (void)len;
	NOSYS();
}
int sable_domain_build(struct sable_handle *h, uint32_t domid,
		       struct sable_ctl_build *out)
{
	(void)h, (void)domid, (void)out;
	NOSYS();
}
int sable_domain_pause(struct sable_handle *h, uint32_t domid)
{
	(void)h, (void)domid;
	NOSYS();
}
int sable_domain_unpause(struct sable_handle *h, uint32_t domid)
{
	(void)h, (void)domid;
	NOSYS();
}
int sable_domain_destroy(struct sable_handle *h, uint32_t domid)
{
	(void)h, (void)domid;
	NOSYS();
}
int sable_domain_shutdown(struct sable_handle *h, uint32_t domid,
			  uint32_t reason)
{
	(void)h, (void)domid, (void)reason;
	NOSYS();
}
int sable_domain_rename(struct sable_handle *h, uint32_t domid,
			const char *name)
{
	(void)h, (void)domid, (void)name;
	NOSYS();
}
int sable_domain_set_max_mem(struct sable_handle *h, uint32_t domid,
			     uint64_t max_mem_kib)
{
	(void)h, (void)domid, (void)max_mem_kib;
	NOSYS();
}
int sable_vcpu_info(struct sable_handle *h, uint32_t domid, uint32_t vcpu,
		    struct sable_ctl_vcpu_info *out)
{
	(void)h, (void)domid, (void)vcpu, (void)out;
	NOSYS();
}
int sable_vcpu_set_affinity(struct sable_handle *h, uint32_t domid,
			    uint32_t vcpu, uint64_t hard)
{
	(void)h, (void)domid, (void)vcpu, (void)hard;
	NOSYS();
}
int sable_sched_get(struct sable_handle *h, uint32_t domid,
		    struct sable_ctl_sched *out)
{
	(void)h, (void)domid, (void)out;
	NOSYS();
}
int sable_sched_set(struct sable_handle *h, uint32_t domid,
		    const struct sable_ctl_sched *in)
{
	(void)h, (void)domid, (void)in;
	NOSYS();
}
int sable_physinfo(struct sable_handle *h, struct sable_ctl_physinfo *out)
{
	(void)h, (void)out;
	NOSYS();
}
long sable_console_read(struct sable_handle *h, char *buf, uint32_t len,
			uint64_t *index, int clear)
{
	(void)h, (void)buf, (void)len, (void)index, (void)clear;
	NOSYS();
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
	errno = ESRCH;
	return -1;
}
int sable_console_attach(uint32_t domid, const char *tty_path)
{
	(void)domid, (void)tty_path;
	errno = ENOSYS;
	return -1;
}
