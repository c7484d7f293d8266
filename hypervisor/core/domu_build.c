/* SPDX-License-Identifier: MIT */
/*
 * The domU builder (domu.h): create, load, build, unpause. Boot-time
 * domains (domu_boot.c) and domains the toolstack makes (hc_ctl.c) go
 * through the same steps and get the same layout: their own zeroed RAM at
 * Xen's guest RAM base (one 2 MiB-aligned allocation, mapped with the
 * largest blocks), the kernel at RAM base + text_offset, a device tree
 * written from scratch at the next 2 MiB boundary after it, the ramdisk
 * after that, a vGICv3 at Xen's guest addresses and, when asked for, an
 * emulated UART and the PV console and xenstore pages (domu_pv.c).
 *
 * The builder's state of each domain lives here, by domain id, under
 * domu_lock (the outermost lock: nothing is held when it is taken; under
 * it the domain, p2m, event-channel, grant-table, allocator and console
 * locks are taken).
 */
#include <public/sable_ctl.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/mm.h>
#include <sable/page.h>
#include <sable/p2m.h>

#include "boot.h"
#include "domu.h"
#include "domu_priv.h"

#define SZ_2M (2UL << 20)
#define IMAGE_HEADER_SIZE 64

/* Protects: domu_states[], domain names (create, rename). */
static spinlock_t domu_lock = SPINLOCK_INIT;
static struct domu_state domu_states[MAX_DOMAINS];

/* The builder's state of @d, or NULL if domu_create() did not make it. */
static struct domu_state *state_of(struct domain *d)
{
	struct domu_state *st = &domu_states[d->id % MAX_DOMAINS];

	return st->d == d ? st : NULL;
}

static void *ram_va(const struct domu_state *st, uint64_t ipa)
{
	return (void *)(uintptr_t)(st->ram_pa + (ipa - GUEST_RAM_BASE));
}

/* A name: NUL-terminated in @size bytes, not empty, printable ASCII. */
static int name_valid(const char *name, size_t size)
{
	size_t n = strnlen(name, size);

	if (n == 0 || n == size) {
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (name[i] < 0x20 || name[i] > 0x7e) {
			return -EINVAL;
		}
	}
	return 0;
}

/* @name is another live domain's than @self's. domu_lock held. */
static bool name_taken_locked(const char *name, const struct domain *self)
{
	for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
		struct domain *d = domain_lookup((domid_t)i);

		if (d && d != self && !d->is_dying &&
		    strcmp(d->name, name) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * The id last handed out without being asked for. As Xen's domid rover,
 * the next one is the first free id above it, wrapping to 1: an id whose
 * domain went a moment ago (its backends and XenStore nodes may still be
 * going away) is not given again at once. domu_lock.
 */
static domid_t last_picked;

/* The id @c asks for, or the next free one. domu_lock held. */
static int pick_id_locked(const struct domu_config *c, domid_t *id)
{
	if (c->id) {
		if (c->id >= MAX_DOMAINS) {
			return -EINVAL;
		}
		if (domain_lookup(c->id)) {
			return -EBUSY;
		}
		*id = c->id;
		return 0;
	}
	for (unsigned int n = 0; n < MAX_DOMAINS - 1; n++) {
		domid_t i =
			(domid_t)((last_picked + n) % (MAX_DOMAINS - 1) + 1);

		if (!domain_lookup(i)) {
			*id = i;
			return 0;
		}
	}
	return -EBUSY;
}

/* The limits, sizes and counts of @c; no side effects. */
static int check_sizes(const struct domu_config *c, uint64_t ram)
{
	if (c->nr_vcpus == 0 || c->nr_vcpus > MAX_VCPUS || c->mem == 0 ||
	    c->mem > GUEST_RAM_MAX || ram > GUEST_RAM_MAX) {
		return -EINVAL;
	}
	if (c->max_mem && (c->max_mem < c->mem || c->max_mem > GUEST_RAM_MAX)) {
		return -EINVAL;
	}
	if (c->max_evtchn_port > DOMU_MAX_EVTCHN_PORT ||
	    c->max_grant_frames > DOMU_MAX_GRANT_FRAMES ||
	    c->max_maptrack_frames > DOMU_MAX_MAPTRACK_FRAMES ||
	    c->p2m_pages > DOMU_MAX_P2M_PAGES || c->weight > SCHED_WEIGHT_MAX ||
	    c->cap > 100) {
		return -EINVAL;
	}
	/*
	 * The kernel (with at least its header), device tree and ramdisk can
	 * fit; the kernel's header decides where they go (load_header()).
	 */
	if (c->kernel_size < IMAGE_HEADER_SIZE || c->kernel_size > ram ||
	    c->ramdisk_size > ram ||
	    c->kernel_size + c->ramdisk_size + DOMU_FDT_MAX > ram) {
		return -EINVAL;
	}
	return 0;
}

/* Everything domu_create() checks; @id is the id to use. domu_lock. */
static int check_config_locked(const struct domu_config *c, uint64_t ram,
			       bool allocated, domid_t *id)
{
	int rc = name_valid(c->name, sizeof(c->name));

	if (!rc) {
		rc = check_sizes(c, ram);
	}
	if (!rc) {
		rc = pick_id_locked(c, id);
	}
	if (!rc && name_taken_locked(c->name, NULL)) {
		rc = -EBUSY;
	}
	if (!rc && !allocated && (ram >> PAGE_SHIFT) > mm_free_pages_count()) {
		rc = -ENOMEM;
	}
	return rc;
}

/*
 * Lower the default limits domain_create() set to those of @c. Nothing of
 * the domain is in use yet: the grant table is made again with its size.
 */
static int apply_limits(struct domain *d, const struct domu_config *c)
{
	unsigned int frames = c->max_grant_frames ? c->max_grant_frames
						  : DOMU_MAX_GRANT_FRAMES;
	unsigned int maptrack = c->max_maptrack_frames
					? c->max_maptrack_frames
					: DOMU_MAX_MAPTRACK_FRAMES;
	int rc = 0;

	if (c->max_evtchn_port) {
		spin_lock(&d->evtchn.lock);
		d->evtchn.max_port =
			MIN(d->evtchn.max_port, c->max_evtchn_port);
		spin_unlock(&d->evtchn.lock);
	}
	if (frames != gnttab_max_frames(&d->gnttab) ||
	    maptrack != d->gnttab.max_maptrack_frames) {
		gnttab_domain_destroy(&d->gnttab);
		rc = gnttab_domain_init(&d->gnttab, d->id, frames, maptrack,
					false);
	}
	d->sched_weight = c->weight ? c->weight : SCHED_WEIGHT_DEFAULT;
	d->sched_cap = c->cap;
	return rc;
}

/* After domain_create(): RAM, limits, devices. domu_lock held. */
static int setup_domain(struct domain *d, const struct domu_config *c,
			paddr_t pa, uint64_t ram, bool *ram_given)
{
	int rc = apply_limits(d, c);

	if (!rc) {
		rc = domain_give_ram(d, GUEST_RAM_BASE, pa, ram, c->p2m_pages);
		/* Once assigned, the frames go back with the domain. */
		*ram_given = d->ram_size != 0;
	}
	if (!rc && c->max_mem) {
		spin_lock(&d->p2m.lock);
		d->max_pages = ALIGN_UP(c->max_mem, PAGE_SIZE) >> PAGE_SHIFT;
		spin_unlock(&d->p2m.lock);
	}
	if (!rc) {
		rc = vgic_register_mmio(d, GUEST_GICD_BASE, GUEST_GICR_BASE);
	}
	if (!rc && c->vpl011) {
		rc = vpl011_init(d);
	}
	return rc;
}

/* Undo a creation that failed after domain_create(); no lock held. */
static void unwind_create(struct domain *d, paddr_t pa, uint64_t ram,
			  bool ram_given)
{
	if (!ram_given) {
		mm_free_pages(pa, ram >> PAGE_SHIFT);
	}
	if (domain_destroy(d)) {
		/* Never started; listed as crashed until it can go. */
		pr_warn("domain %u (%s): cannot be taken down yet\n", d->id,
			d->name);
		spin_lock(&d->lock);
		d->is_shutdown = true;
		d->shutdown_reason = SHUTDOWN_crash;
		spin_unlock(&d->lock);
	}
}

static void state_init(struct domu_state *st, struct domain *d,
		       const struct domu_config *c, paddr_t pa)
{
	memset(st, 0, sizeof(*st));
	st->d = d;
	st->stage = DOMU_CREATED;
	st->ram_pa = pa.pa;
	st->kernel_size = c->kernel_size;
	st->ramdisk_size = c->ramdisk_size;
	st->vpl011 = c->vpl011;
	st->xenstore = c->xenstore;
	st->console = c->console;
	st->l.ram_size = d->ram_size;
}

int domu_create_prepare(const struct domu_config *c, struct domu_ram *r)
{
	domid_t id;
	int rc;

	r->size = ALIGN_UP(c->mem, SZ_2M);
	r->pa = pa_init(0);
	spin_lock(&domu_lock);
	rc = check_config_locked(c, r->size, false, &id);
	spin_unlock(&domu_lock);
	if (rc) {
		return rc;
	}
	r->pa = mm_alloc_pages_dirty(r->size >> PAGE_SHIFT,
				     SZ_2M >> PAGE_SHIFT);
	return r->pa.pa ? 0 : -ENOMEM;
}

/*
 * Nothing of the previous owner (or of the boot modules) leaks: the
 * allocator's pages that are not dirty are zero and clean already.
 */
void domu_ram_scrub(const struct domu_ram *r, uint64_t offset, uint64_t len)
{
	mm_scrub_pages(pa_init(r->pa.pa + offset), len >> PAGE_SHIFT);
}

void domu_ram_free(struct domu_ram *r)
{
	if (r->pa.pa) {
		mm_free_pages(r->pa, r->size >> PAGE_SHIFT);
		r->pa = pa_init(0);
	}
}

int domu_create_finish(const struct domu_config *c, struct domu_ram *r,
		       struct domain **out)
{
	paddr_t pa = r->pa;
	uint64_t ram = r->size;
	bool ram_given = false;
	struct domain *d;
	domid_t id;
	int rc;

	/* The RAM was allocated and zeroed without the lock: check again. */
	spin_lock(&domu_lock);
	rc = check_config_locked(c, ram, true, &id);
	d = rc ? NULL
	       : domain_create(id, c->name, c->nr_vcpus, false, GUEST_NR_SPIS);
	if (!d) {
		spin_unlock(&domu_lock);
		domu_ram_free(r);
		return rc ? rc : -ENOMEM;
	}
	r->pa = pa_init(0); /* the domain's now, or unwound below */
	if (!c->id) {
		last_picked = id;
	}
	rc = setup_domain(d, c, pa, ram, &ram_given);
	state_init(&domu_states[id], d, c, pa);
	if (rc) {
		/* Only destroy may touch it; taken down without the lock. */
		domu_states[id].stage = DOMU_BROKEN;
		spin_unlock(&domu_lock);
		unwind_create(d, pa, ram, ram_given);
		return rc;
	}
	spin_unlock(&domu_lock);
	*out = d;
	return 0;
}

int domu_create(const struct domu_config *c, struct domain **out)
{
	struct domu_ram r;
	int rc = domu_create_prepare(c, &r);

	if (rc) {
		return rc;
	}
	domu_ram_scrub(&r, 0, r.size);
	return domu_create_finish(c, &r, out);
}

/*
 * The kernel's first piece: read its Image header and place everything.
 * A later piece at offset 0 must carry the same header.
 */
static int load_header(struct domu_state *st, uint64_t src, uint64_t len,
		       domu_copy_fn copy)
{
	uint8_t hdr[IMAGE_HEADER_SIZE];
	uint64_t text_offset, span, end = GUEST_RAM_BASE + st->l.ram_size;
	struct domu_layout l = st->l;
	int rc;

	if (len < sizeof(hdr)) {
		return -EINVAL;
	}
	rc = copy(hdr, src, sizeof(hdr));
	if (rc) {
		return rc;
	}
	if (arm64_image_info(hdr, st->kernel_size, &text_offset, &span)) {
		return -EINVAL;
	}
	l.kernel = GUEST_RAM_BASE + text_offset;
	l.kernel_end = l.kernel + span;
	l.fdt = ALIGN_UP(l.kernel_end, SZ_2M);
	l.initrd = l.initrd_end = 0;
	if (st->ramdisk_size) {
		l.initrd = l.fdt + DOMU_FDT_MAX;
		l.initrd_end = l.initrd + st->ramdisk_size;
	}
	if (l.kernel_end > end || l.fdt + DOMU_FDT_MAX > end ||
	    l.initrd_end > end) {
		return -ENOMEM;
	}
	if (st->have_layout &&
	    (l.kernel != st->l.kernel || l.kernel_end != st->l.kernel_end)) {
		return -EINVAL;
	}
	st->l = l;
	st->have_layout = true;
	return 0;
}

/* A piece of the kernel or the ramdisk. domu_lock held. */
static int load_image(struct domu_state *st, uint32_t kind, uint64_t offset,
		      uint64_t src, uint64_t len, domu_copy_fn copy)
{
	bool kernel = kind == SABLE_LOAD_kernel;
	uint64_t size = kernel ? st->kernel_size : st->ramdisk_size;
	uint64_t base;
	void *dst;
	int rc;

	if (offset > size || len > size - offset) {
		return -EINVAL;
	}
	if (kernel && offset == 0) {
		rc = load_header(st, src, len, copy);
		if (rc) {
			return rc;
		}
	} else if (!st->have_layout) {
		return -EINVAL; /* the header places everything: it comes first */
	}
	base = kernel ? st->l.kernel : st->l.initrd;
	dst = ram_va(st, base + offset);
	rc = copy(dst, src, (size_t)len);
	if (rc) {
		return rc;
	}
	arch_dcache_clean(dst, (size_t)len);
	if (kernel) {
		st->kernel_loaded += len;
	} else {
		st->ramdisk_loaded += len;
	}
	return 0;
}

static int load_cmdline(struct domu_state *st, uint64_t offset, uint64_t src,
			uint64_t len, domu_copy_fn copy)
{
	char buf[DOMU_CMDLINE_MAX];
	int rc;

	if (offset != 0 || len >= DOMU_CMDLINE_MAX) {
		return -EINVAL;
	}
	rc = copy(buf, src, (size_t)len);
	if (rc) {
		return rc;
	}
	buf[len] = '\0';
	memcpy(st->cmdline, buf, (size_t)len + 1);
	return 0;
}

int domu_load(struct domain *d, uint32_t kind, uint64_t offset, uint64_t src,
	      uint64_t len, domu_copy_fn copy)
{
	struct domu_state *st;
	int rc;

	if (len == 0 ||
	    (kind != SABLE_LOAD_kernel && kind != SABLE_LOAD_ramdisk &&
	     kind != SABLE_LOAD_cmdline)) {
		return -EINVAL;
	}
	spin_lock(&domu_lock);
	st = state_of(d);
	if (!st || d->is_dying || st->stage == DOMU_BROKEN) {
		rc = -EINVAL;
	} else if (st->stage != DOMU_CREATED) {
		rc = -EBUSY;
	} else if (kind == SABLE_LOAD_cmdline) {
		rc = load_cmdline(st, offset, src, len, copy);
	} else {
		rc = load_image(st, kind, offset, src, len, copy);
	}
	spin_unlock(&domu_lock);
	return rc;
}

static bool loaded_whole(const struct domu_state *st)
{
	return st->have_layout && st->kernel_loaded >= st->kernel_size &&
	       st->ramdisk_loaded >= st->ramdisk_size;
}

static int build_locked(struct domu_state *st, struct domu_built *out)
{
	struct domain *d = st->d;
	void *fdt = ram_va(st, st->l.fdt);
	int rc;

	rc = domu_make_fdt(fdt, d, st->cmdline, st->vpl011, &st->l);
	if (rc) {
		return rc;
	}
	arch_dcache_clean(fdt, DOMU_FDT_MAX);
	rc = domu_pv_setup(d, st->console, st->xenstore, out);
	if (rc) {
		return rc;
	}
	arch_vcpu_init(d->vcpus[0], st->l.kernel, st->l.fdt);
	return 0;
}

int domu_build(struct domain *d, struct domu_built *out)
{
	struct domu_state *st;
	int rc;

	spin_lock(&domu_lock);
	st = state_of(d);
	if (!st || d->is_dying || st->stage == DOMU_BROKEN) {
		rc = -EINVAL;
	} else if (st->stage != DOMU_CREATED) {
		rc = -EBUSY;
	} else if (!loaded_whole(st)) {
		rc = -EINVAL;
	} else {
		rc = build_locked(st, out);
		/* A half-built domain is only good for destroy. */
		st->stage = rc ? DOMU_BROKEN : DOMU_BUILT;
	}
	if (!rc) {
		pr_info("domain %u (%s): %u vCPUs, %lu MiB at 0x%lx (machine "
			"0x%lx), kernel 0x%lx, dtb 0x%lx%s%s%s\n",
			d->id, d->name, d->nr_vcpus,
			(unsigned long)(d->ram_size >> 20), GUEST_RAM_BASE,
			(unsigned long)st->ram_pa, (unsigned long)st->l.kernel,
			(unsigned long)st->l.fdt, st->vpl011 ? ", vpl011" : "",
			out->console_port ? ", PV console" : "",
			out->store_port ? ", xenstore" : "");
	}
	spin_unlock(&domu_lock);
	if (!rc) {
		domain_report_memory(d);
	}
	return rc;
}

/* No load, build or first start of @d runs once this returns. */
static void domu_release(struct domain *d)
{
	struct domu_state *st;

	spin_lock(&domu_lock);
	st = state_of(d);
	if (st && st->stage != DOMU_STARTED) {
		st->stage = DOMU_BROKEN;
	}
	spin_unlock(&domu_lock);
}

int domu_destroy(struct domain *d)
{
	domu_release(d);
	return domain_destroy(d);
}

int domu_pause(struct domain *d)
{
	if (d->is_dying) {
		return -EINVAL;
	}
	return domain_pause(d);
}

int domu_unpause(struct domain *d)
{
	struct domu_state *st;
	bool start = false;
	int rc = 0;

	spin_lock(&domu_lock);
	st = state_of(d);
	if (d->is_dying ||
	    (st && st->stage != DOMU_BUILT && st->stage != DOMU_STARTED)) {
		rc = -EINVAL;
	} else if (st && st->stage == DOMU_BUILT &&
		   __atomic_load_n(&d->pause_count, __ATOMIC_RELAXED) == 0) {
		/* Under the lock: a destroy that follows finds it started. */
		st->stage = DOMU_STARTED;
		sched_add_vcpu(d->vcpus[0]);
		start = true;
	}
	spin_unlock(&domu_lock);
	if (rc || start) {
		return rc;
	}
	return domain_unpause(d);
}

unsigned int domu_pause_count(struct domain *d)
{
	unsigned int n = __atomic_load_n(&d->pause_count, __ATOMIC_RELAXED);
	struct domu_state *st;

	spin_lock(&domu_lock);
	st = state_of(d);
	if (st && st->stage != DOMU_STARTED) {
		n++;
	}
	spin_unlock(&domu_lock);
	return n;
}

bool domu_is_built(struct domain *d)
{
	struct domu_state *st;
	bool built;

	spin_lock(&domu_lock);
	st = state_of(d);
	built = !st || st->stage == DOMU_BUILT || st->stage == DOMU_STARTED;
	spin_unlock(&domu_lock);
	return built;
}

int domu_rename(struct domain *d, const char *name, size_t size)
{
	int rc = name_valid(name, size);

	if (rc) {
		return rc;
	}
	spin_lock(&domu_lock);
	if (name_taken_locked(name, d)) {
		rc = -EBUSY;
	} else {
		snprintf(d->name, sizeof(d->name), "%s", name);
	}
	spin_unlock(&domu_lock);
	return rc;
}
