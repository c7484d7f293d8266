/* SPDX-License-Identifier: MIT */
/* Fake evtchn environment: see fake_env.h. */
#include <stddef.h>
#include <string.h>

#include <sable/alloc.h>

#include <sable/errno.h>

#include "evtchn_env.h"

#include "fake_env.h"

static struct fake_domain *fake_doms[FAKE_MAX_DOMAINS];
/* Mappings or references a destroyed domain still had. */
static int fake_lost;

/* The domain being made by fake_domain_create(). */
static struct fake_domain *creating;

struct fake_domain *fake_of(struct evtchn_domain *d)
{
	return (struct fake_domain *)((char *)d -
				      offsetof(struct fake_domain, ev));
}

struct fake_domain *fake_domain(domid_t id)
{
	return id < FAKE_MAX_DOMAINS ? fake_doms[id] : NULL;
}

void (*fake_on_get)(domid_t id);

struct evtchn_domain *evtchn_env_domain_get(domid_t id)
{
	struct fake_domain *fd;

	if (fake_on_get) {
		void (*hook)(domid_t) = fake_on_get;

		fake_on_get = NULL;
		hook(id);
	}
	fd = fake_domain(id);

	if (!fd || !fd->exists) {
		return NULL;
	}
	fd->refs++;
	return &fd->ev;
}

void evtchn_env_domain_put(struct evtchn_domain *d)
{
	fake_of(d)->refs--;
}

void evtchn_env_kick_vcpu(struct evtchn_domain *d, unsigned int vcpu)
{
	struct fake_domain *fd = fake_of(d);

	if (vcpu < FAKE_MAX_VCPUS) {
		fd->kicks[vcpu]++;
	}
}

void evtchn_env_wake_poller(struct evtchn_domain *d, unsigned int vcpu)
{
	struct fake_domain *fd = fake_of(d);

	if (vcpu < FAKE_MAX_VCPUS) {
		fd->poll_wakes[vcpu]++;
	}
}

void *fake_page(struct fake_domain *fd, uint64_t gfn)
{
	if (gfn >= FAKE_GUEST_PAGES) {
		return NULL;
	}
	if (!fd->pages[gfn]) {
		fd->pages[gfn] = page_alloc();
	}
	return fd->pages[gfn];
}

void *evtchn_env_map_gfn(struct evtchn_domain *d, uint64_t gfn)
{
	struct fake_domain *fd = fake_of(d);
	void *va = fake_page(fd, gfn);

	if (va) {
		fd->maps[gfn]++;
	}
	return va;
}

void evtchn_env_unmap_gfn(struct evtchn_domain *d, void *va)
{
	struct fake_domain *fd = fake_of(d);

	for (int i = 0; i < FAKE_GUEST_PAGES; i++) {
		if (fd->pages[i] == va) {
			fd->maps[i]--;
			return;
		}
	}
}

unsigned int fake_take_kicks(struct fake_domain *fd, unsigned int vcpu)
{
	unsigned int n = fd->kicks[vcpu];

	fd->kicks[vcpu] = 0;
	return n;
}

struct fake_domain *fake_domain_create(domid_t id, unsigned int nr_vcpus,
				       uint32_t max_port, bool privileged)
{
	struct fake_domain *fd;

	if (id >= FAKE_MAX_DOMAINS || fake_doms[id] ||
	    nr_vcpus > FAKE_MAX_VCPUS) {
		return NULL;
	}
	fd = xzalloc(sizeof(*fd));
	if (!fd) {
		return NULL;
	}
	creating = fd; /* charges made by init count for it */
	if (evtchn_domain_init(&fd->ev, id, nr_vcpus, max_port, privileged)) {
		creating = NULL;
		xfree(fd);
		return NULL;
	}
	creating = NULL;
	fd->shinfo = page_alloc();
	evtchn_set_shared_info(&fd->ev, fd->shinfo);
	fd->exists = true;
	fake_doms[id] = fd;
	return fd;
}

void fake_domain_destroy(struct fake_domain *fd)
{
	fd->exists = false;
	evtchn_domain_destroy(&fd->ev);
	fake_doms[fd->ev.domid] = NULL;
	fake_lost += fd->refs;
	for (int i = 0; i < FAKE_GUEST_PAGES; i++) {
		fake_lost += fd->maps[i];
		page_free(fd->pages[i]);
	}
	page_free(fd->shinfo);
	xfree(fd);
}

int fake_env_outstanding(void)
{
	int n = fake_lost;

	for (int id = 0; id < FAKE_MAX_DOMAINS; id++) {
		struct fake_domain *fd = fake_doms[id];

		if (!fd) {
			continue;
		}
		n += fd->refs;
		for (int i = 0; i < FAKE_GUEST_PAGES; i++) {
			n += fd->maps[i];
		}
	}
	return n;
}

void fake_env_reset(void)
{
	for (int id = 0; id < FAKE_MAX_DOMAINS; id++) {
		if (fake_doms[id]) {
			fake_domain_destroy(fake_doms[id]);
		}
	}
}

/* Charges: counted per domain, refused past a test's limit. */
int evtchn_env_charge(struct evtchn_domain *d, long pages)
{
	struct fake_domain *fd;
	long cur;

	/* Tests also run the module on bare evtchn_domains: not counted. */
	fd = fake_of(d);
	if (fd != creating && fake_domain(d->domid) != fd) {
		return 0;
	}
	cur = __atomic_load_n(&fd->charged, __ATOMIC_RELAXED);
	do {
		if (pages > 0 && fd->charge_limit &&
		    cur + pages > fd->charge_limit) {
			return -ENOMEM;
		}
	} while (!__atomic_compare_exchange_n(&fd->charged, &cur, cur + pages,
					      true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return 0;
}
