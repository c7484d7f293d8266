// SPDX-License-Identifier: MIT
/* Fake grant-table environment (see fake_env.h). */
#include <stdlib.h>
#include <string.h>

#include <sable/alloc.h>
#include <sable/errno.h>

#include "fake_env.h"
#include "gnttab_env.h"

#define FAKE_MAX_DOMS 8
#define FAKE_MAX_PAGES 64

struct fake_page {
	uint8_t *va;
	int refs;
	struct fake_dom *owner;
};

static struct fake_dom *doms[FAKE_MAX_DOMS];
static struct fake_page pages[FAKE_MAX_PAGES];
static unsigned int open_maps;
int fake_fail_p2m_map;
int fake_fail_p2m_unmap;
unsigned int fake_flush_calls;
unsigned int fake_flush_last_op;

static struct fake_page *page_by_mfn(mfn_t mfn)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_PAGES; i++) {
		if (pages[i].va &&
		    pa_to_mfn(virt_to_pa(pages[i].va)).mfn == mfn.mfn) {
			return &pages[i];
		}
	}
	return NULL;
}

static void page_put(struct fake_page *p)
{
	if (--p->refs == 0) {
		page_free(p->va);
		memset(p, 0, sizeof(*p));
	}
}

void fake_reset(void)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_DOMS; i++) {
		if (doms[i]) {
			fake_dom_destroy(doms[i]);
		}
	}
	for (i = 0; i < FAKE_MAX_PAGES; i++) {
		if (pages[i].va) {
			page_free(pages[i].va);
			memset(&pages[i], 0, sizeof(pages[i]));
		}
	}
	open_maps = 0;
	fake_fail_p2m_map = 0;
	fake_fail_p2m_unmap = 0;
	fake_flush_calls = 0;
	fake_flush_last_op = 0;
}

static struct fake_page *page_new(struct fake_dom *owner)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_PAGES; i++) {
		if (!pages[i].va) {
			pages[i].va = page_alloc();
			pages[i].refs = 1;
			pages[i].owner = owner;
			return &pages[i];
		}
	}
	abort();
}

/* The domain being made by fake_dom_create(). */
static struct fake_dom *creating;

struct fake_dom *fake_dom_create(domid_t id, unsigned int max_frames,
				 unsigned int max_maptrack, bool privileged)
{
	struct fake_dom *fd = calloc(1, sizeof(*fd));
	unsigned int i, slot = FAKE_MAX_DOMS;

	for (i = 0; i < FAKE_MAX_DOMS; i++) {
		if (!doms[i] && slot == FAKE_MAX_DOMS) {
			slot = i;
		}
	}
	creating = fd; /* charges made by init count for it */
	if (!fd || slot == FAKE_MAX_DOMS ||
	    gnttab_domain_init(&fd->gd, id, max_frames, max_maptrack,
			       privileged)) {
		creating = NULL;
		free(fd);
		return NULL;
	}
	creating = NULL;
	fd->id = id;
	for (i = 0; i < FAKE_RAM_PAGES; i++) {
		fd->ram[i] = page_new(fd);
	}
	doms[slot] = fd;
	return fd;
}

void fake_dom_destroy(struct fake_dom *fd)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_DOMS; i++) {
		if (doms[i] == fd) {
			doms[i] = NULL;
		}
	}
	gnttab_domain_destroy(&fd->gd);
	for (i = 0; i < FAKE_RAM_PAGES; i++) {
		fd->ram[i]->owner = NULL;
		page_put(fd->ram[i]);
	}
	/* Poison, then free: any later use of the domain is caught. */
	memset(fd, 0xa5, sizeof(*fd));
	free(fd);
}

struct fake_dom *fake_dom_by_id(domid_t id)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_DOMS; i++) {
		if (doms[i] && doms[i]->id == id) {
			return doms[i];
		}
	}
	return NULL;
}

uint64_t fake_gfn(unsigned int i)
{
	return FAKE_GFN_BASE + i;
}

static int gfn_index(uint64_t gfn)
{
	if (gfn < FAKE_GFN_BASE || gfn >= FAKE_GFN_BASE + FAKE_RAM_PAGES) {
		return -1;
	}
	return (int)(gfn - FAKE_GFN_BASE);
}

uint8_t *fake_gfn_va(struct fake_dom *fd, uint64_t gfn)
{
	return fd->ram[gfn_index(gfn)]->va;
}

mfn_t fake_gfn_mfn(struct fake_dom *fd, uint64_t gfn)
{
	return pa_to_mfn(virt_to_pa(fake_gfn_va(fd, gfn)));
}

struct grant_entry_v1 *fake_entry(struct fake_dom *fd, uint32_t ref)
{
	unsigned int per = PAGE_SIZE / sizeof(struct grant_entry_v1);
	mfn_t mfn;
	void *va;

	if (gnttab_get_frame(&fd->gd, ref / per, &mfn, &va)) {
		return NULL;
	}
	return (struct grant_entry_v1 *)va + ref % per;
}

void fake_grant(struct fake_dom *fd, uint32_t ref, domid_t grantee,
		uint64_t gfn, uint16_t flags)
{
	struct grant_entry_v1 *e = fake_entry(fd, ref);

	e->frame = (uint32_t)gfn;
	e->domid = grantee;
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

bool fake_end_access(struct fake_dom *fd, uint32_t ref)
{
	struct grant_entry_v1 *e = fake_entry(fd, ref);
	uint16_t cur = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);

	do {
		if (cur & (GTF_reading | GTF_writing)) {
			return false;
		}
	} while (!__atomic_compare_exchange_n(
		&e->flags, &cur, 0, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return true;
}

bool fake_s2_lookup(struct fake_dom *fd, uint64_t ipa, mfn_t *mfn, bool *ro)
{
	unsigned int i;

	for (i = 0; i < FAKE_S2_SLOTS; i++) {
		if (fd->s2[i].used && fd->s2[i].ipa == ipa) {
			*mfn = fd->s2[i].mfn;
			*ro = fd->s2[i].readonly;
			return true;
		}
	}
	return false;
}

unsigned int fake_s2_count(struct fake_dom *fd)
{
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_S2_SLOTS; i++) {
		n += fd->s2[i].used;
	}
	return n;
}

int fake_page_refs(mfn_t mfn)
{
	struct fake_page *p = page_by_mfn(mfn);

	return p ? p->refs : -1;
}

unsigned int fake_live_pages(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_MAX_PAGES; i++) {
		n += pages[i].va != NULL;
	}
	return n;
}

unsigned int fake_open_frame_maps(void)
{
	return open_maps;
}

/* ---- gnttab_env.h ------------------------------------------------------ */

struct gnttab_domain *gnttab_env_domain_get(domid_t id)
{
	struct fake_dom *fd = fake_dom_by_id(id);

	if (!fd) {
		return NULL;
	}
	fd->refs++;
	return &fd->gd;
}

void gnttab_env_domain_put(struct gnttab_domain *d)
{
	((struct fake_dom *)d)->refs--;
}

int gnttab_env_get_page(struct gnttab_domain *owner, gfn_t gfn, bool writable,
			mfn_t *mfn)
{
	struct fake_dom *fd = (struct fake_dom *)owner;
	int i = gfn_index(gfn.gfn);

	if (i < 0 || (writable && fd->ram_ro[i])) {
		return -EINVAL;
	}
	fd->ram[i]->refs++;
	*mfn = pa_to_mfn(virt_to_pa(fd->ram[i]->va));
	return 0;
}

int gnttab_env_get_owned_page(struct gnttab_domain *d, mfn_t mfn)
{
	struct fake_page *p = page_by_mfn(mfn);

	if (!p || !p->owner || &p->owner->gd != d) {
		return -EPERM;
	}
	p->refs++;
	return 0;
}

void gnttab_env_put_page(mfn_t mfn)
{
	struct fake_page *p = page_by_mfn(mfn);

	if (!p || p->refs <= 0) {
		abort();
	}
	page_put(p);
}

int gnttab_env_p2m_map(struct gnttab_domain *mapper, ipaddr_t ipa, mfn_t mfn,
		       bool readonly)
{
	struct fake_dom *fd = (struct fake_dom *)mapper;
	struct fake_s2 *free_slot = NULL;
	unsigned int i;

	if (fake_fail_p2m_map || ipa.ipa >= FAKE_IPA_LIMIT) {
		return -EINVAL;
	}
	for (i = 0; i < FAKE_S2_SLOTS; i++) {
		if (fd->s2[i].used && fd->s2[i].ipa == ipa.ipa) {
			free_slot = &fd->s2[i]; /* replace */
			break;
		}
		if (!fd->s2[i].used && !free_slot) {
			free_slot = &fd->s2[i];
		}
	}
	if (!free_slot) {
		return -ENOMEM;
	}
	*free_slot = (struct fake_s2){ ipa.ipa, mfn, readonly, true };
	return 0;
}

int gnttab_env_p2m_unmap(struct gnttab_domain *mapper, ipaddr_t ipa, mfn_t mfn)
{
	struct fake_dom *fd = (struct fake_dom *)mapper;
	unsigned int i;

	if (fake_fail_p2m_unmap) {
		return -EINVAL;
	}
	for (i = 0; i < FAKE_S2_SLOTS; i++) {
		if (fd->s2[i].used && fd->s2[i].ipa == ipa.ipa &&
		    fd->s2[i].mfn.mfn == mfn.mfn) {
			fd->s2[i].used = false;
			return 0;
		}
	}
	return -ENOENT;
}

void *gnttab_env_map_frame(mfn_t mfn)
{
	struct fake_page *p = page_by_mfn(mfn);

	if (!p || p->refs <= 0) {
		abort();
	}
	open_maps++;
	return p->va;
}

void gnttab_env_unmap_frame(void *va)
{
	(void)va;
	open_maps--;
}

int gnttab_env_cache_flush(mfn_t mfn, unsigned int offset, unsigned int len,
			   unsigned int op)
{
	(void)mfn;
	(void)offset;
	(void)len;
	fake_flush_calls++;
	fake_flush_last_op = op;
	return 0;
}

/* Charges: counted per domain, refused past a test's limit. */
int gnttab_env_charge(struct gnttab_domain *d, long n)
{
	struct fake_dom *fd;
	long cur;

	if (!d) {
		return n > 0 ? -ENOMEM : 0;
	}
	/* Tests also run the module on bare gnttab_domains: not counted. */
	fd = (struct fake_dom *)d;
	if (fd != creating && fake_dom_by_id(d->domid) != fd) {
		return 0;
	}
	cur = __atomic_load_n(&fd->charged, __ATOMIC_RELAXED);
	do {
		if (n > 0 && fd->charge_limit && cur + n > fd->charge_limit) {
			return -ENOMEM;
		}
	} while (!__atomic_compare_exchange_n(&fd->charged, &cur, cur + n, true,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return 0;
}

/* Grant frames: plain pages here (the hypervisor tracks them as shared). */
void *gnttab_env_frame_alloc(struct gnttab_domain *d)
{
	(void)d;
	return page_alloc();
}

void gnttab_env_frame_free(void *page)
{
	page_free(page);
}
