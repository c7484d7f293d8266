/* SPDX-License-Identifier: MIT */
/* Domain and vCPU lifetime. */
#include <public/event_channel.h>
#include <sable/alloc.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/page.h>
#include <sable/percpu.h>

#include "boot.h"
#include "console.h"
#include "domain_priv.h"

/* Protects: domains[] slots (creation and destruction); nests nothing. */
static spinlock_t domains_lock = SPINLOCK_INIT;
static struct domain *domains[MAX_DOMAINS];
/* Ids being created (bit per id): one creation per id at a time. */
static uint64_t creating;
static unsigned int next_pcpu;

_Static_assert(MAX_DOMAINS <= PAGE_MAX_OWNERS && MAX_DOMAINS <= 64,
	       "frames are counted per domain id");

#define DOMAIN_MAX_EVTCHN_PORT 4095
#define DOMAIN_MAX_GRANT_FRAMES 64
#define DOMAIN_MAX_MAPTRACK_FRAMES 1024
/*
 * Hypervisor pages a domain may hold besides its stage-2 tables: enough
 * for a frontend domU's grant table and ports many times over, and for
 * dom0's backends every maptrack frame.
 */
#define DOMU_MAX_XEN_PAGES 1024
#define DOM0_MAX_XEN_PAGES 4096
/* Toolstack pauses outstanding at most (more: -EBUSY). */
#define DOMAIN_MAX_PAUSES 0xffff

/* How far domain_create() got: what domain_free() has to undo. */
enum {
	DOM_INIT_VGIC = 1 << 0,
	DOM_INIT_EVTCHN = 1 << 1,
	DOM_INIT_GNTTAB = 1 << 2,
};

/* The per-domain modules: interrupt controller, events, grants. */
static int domain_init_modules(struct domain *d, unsigned int nr_spis,
			       unsigned int *done)
{
	int rc = vgic_init(&d->vgic, d->nr_vcpus, nr_spis);

	if (rc) {
		return rc;
	}
	*done |= DOM_INIT_VGIC;
	rc = evtchn_domain_init(&d->evtchn, d->id, d->nr_vcpus,
				DOMAIN_MAX_EVTCHN_PORT, d->privileged);
	if (rc) {
		return rc;
	}
	*done |= DOM_INIT_EVTCHN;
	rc = gnttab_domain_init(&d->gnttab, d->id, DOMAIN_MAX_GRANT_FRAMES,
				DOMAIN_MAX_MAPTRACK_FRAMES, d->privileged);
	if (rc) {
		return rc;
	}
	*done |= DOM_INIT_GNTTAB;
	d->shinfo = page_alloc();
	if (!d->shinfo) {
		return -ENOMEM;
	}
	evtchn_set_shared_info(&d->evtchn, d->shinfo);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		d->vcpus[i]->vgic = vgic_get_vcpu(&d->vgic, i);
	}
	return 0;
}

/*
 * Free what is left of @d and @d itself: the modules' state (@done says
 * which were set up; a destroyed domain's event channels and grant table
 * are gone already), shared_info, the stage-2 root, the MMIO regions'
 * device state, the vCPUs. Nobody may reach @d any more.
 */
static void domain_free_parts(struct domain *d, unsigned int done)
{
	if (done & DOM_INIT_GNTTAB) {
		gnttab_domain_destroy(&d->gnttab);
	}
	if (done & DOM_INIT_EVTCHN) {
		evtchn_domain_destroy(&d->evtchn);
	}
	if (done & DOM_INIT_VGIC) {
		vgic_destroy(&d->vgic);
	}
	page_free(d->shinfo);
	spin_lock(&d->p2m.lock);
	p2m_destroy(&d->p2m);
	spin_unlock(&d->p2m.lock);
	mmio_release_all(d);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		xfree(d->vcpus[i]);
	}
	xfree(d);
}

void domain_free(struct domain *d)
{
	domain_free_parts(d, DOM_INIT_VGIC);
}

void domain_unlist(struct domain *d)
{
	spin_lock(&domains_lock);
	if (domains[d->id] == d) {
		__atomic_store_n(&domains[d->id], NULL, __ATOMIC_RELEASE);
	}
	spin_unlock(&domains_lock);
}

static struct domain *domain_alloc(domid_t id, const char *name,
				   unsigned int nr_vcpus, bool privileged)
{
	struct domain *d = xzalloc(sizeof(*d));

	if (!d) {
		return NULL;
	}
	d->id = id;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->privileged = privileged;
	d->nr_vcpus = nr_vcpus;
	d->shutdown_code = -1;
	d->sched_weight = SCHED_WEIGHT_DEFAULT;
	d->sched_cap = 0;
	d->shinfo_gfn = ~0ULL;
	d->max_xen_pages = privileged ? DOM0_MAX_XEN_PAGES : DOMU_MAX_XEN_PAGES;
	spin_lock_init(&d->lock);
	spin_lock_init(&d->physmap_lock);
	spin_lock_init(&d->pause_lock);
	return d;
}

/*
 * A new domain, listed under @id, its vCPUs offline. Any failure undoes
 * everything done so far (NULL): domains are also created at run time.
 */
struct domain *domain_create(domid_t id, const char *name,
			     unsigned int nr_vcpus, bool privileged,
			     unsigned int nr_spis)
{
	unsigned int done = 0;
	struct domain *d;

	if (id >= MAX_DOMAINS || nr_vcpus == 0 || nr_vcpus > MAX_VCPUS) {
		return NULL;
	}
	/*
	 * The id is claimed first: frames are counted per owner id
	 * (page_owner_frames), so two domains may never share one.
	 */
	spin_lock(&domains_lock);
	if (domains[id] || (creating & (1ULL << id))) {
		spin_unlock(&domains_lock);
		return NULL;
	}
	creating |= 1ULL << id;
	spin_unlock(&domains_lock);
	page_set_last_frame_hook(domain_frames_gone);
	d = domain_alloc(id, name, nr_vcpus, privileged);
	if (!d) {
		goto unclaim;
	}
	if (p2m_init(&d->p2m, (uint16_t)(id + 1))) {
		goto fail;
	}
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		struct vcpu *v = xzalloc(sizeof(*v));

		if (!v) {
			goto fail;
		}
		v->dom = d;
		v->id = i;
		v->state = VCPU_OFFLINE;
		runstate_init(v);
		v->pcpu = next_pcpu++ % pcpu_count();
		v->hard_affinity = SCHED_AFFINITY_ALL;
		v->soft_affinity = SCHED_AFFINITY_ALL;
		d->vcpus[i] = v;
	}
	if (domain_init_modules(d, nr_spis, &done)) {
		goto fail;
	}
	console_domain_forget(id); /* nothing of an earlier holder of the id */
	spin_lock(&domains_lock);
	__atomic_store_n(&domains[id], d, __ATOMIC_RELEASE);
	creating &= ~(1ULL << id);
	spin_unlock(&domains_lock);
	return d;
fail:
	domain_free_parts(d, done);
unclaim:
	spin_lock(&domains_lock);
	creating &= ~(1ULL << id);
	spin_unlock(&domains_lock);
	return NULL;
}

/*
 * Xen's default stage-2 pool (libxl's shadow_memkb): 4 KiB per vCPU per
 * MiB... as 256 pages per vCPU plus 2 pages per MiB of RAM.
 */
static uint64_t default_p2m_pages(const struct domain *d, uint64_t size)
{
	return 256ULL * d->nr_vcpus + 2 * (size >> 20);
}

int domain_give_ram(struct domain *d, uint64_t base, paddr_t pa, uint64_t size,
		    uint64_t p2m_pages)
{
	int rc = page_assign(pa, size >> PAGE_SHIFT, d->id, PGT_ram);
	bool blocks = false;

	if (rc) {
		return rc;
	}
	d->ram_base = base;
	d->ram_size = size;
	d->tot_pages = d->max_pages = size >> PAGE_SHIFT;
	spin_lock(&d->p2m.lock);
	p2m_set_budget(&d->p2m,
		       p2m_pages ? p2m_pages : default_p2m_pages(d, size));
	rc = p2m_map(&d->p2m, ipa_init(base), pa, size, p2m_ram_rw);
	if (rc == -ENOMEM && p2m_pages && p2m_block_limit() < size) {
		/*
		 * A budget chosen for blocks (shadow_memory=,
		 * xen,domain-p2m-mem-mb) that cannot hold this RAM in the
		 * smaller leaves of s2_block=: map it with blocks rather than
		 * refuse the domain (the failed map changed nothing).
		 */
		p2m_allow_all_blocks(&d->p2m);
		rc = p2m_map(&d->p2m, ipa_init(base), pa, size, p2m_ram_rw);
		blocks = rc == 0;
	}
	spin_unlock(&d->p2m.lock);
	if (blocks) {
		pr_info("domain %u: a stage-2 budget of %lu tables cannot hold "
			"its RAM in %lu KiB pages: mapped with blocks\n",
			d->id, (unsigned long)p2m_pages,
			(unsigned long)(p2m_block_limit() >> 10));
	}
	return rc;
}

int domain_gfn_lookup(struct domain *d, uint64_t gfn, paddr_t *pa,
		      enum p2m_type *type)
{
	int rc;

	spin_lock(&d->p2m.lock);
	rc = p2m_lookup(&d->p2m, gfn_to_ipa(gfn_init(gfn)), pa, type);
	spin_unlock(&d->p2m.lock);
	return rc;
}

struct domain *domain_lookup(domid_t id)
{
	if (id >= MAX_DOMAINS) {
		return NULL;
	}
	return __atomic_load_n(&domains[id], __ATOMIC_ACQUIRE);
}

unsigned int domain_count_alive(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
		struct domain *d = domain_lookup((domid_t)i);

		if (d && !d->is_shutdown && !d->is_dying) {
			n++;
		}
	}
	return n;
}

int domain_charge(struct domain *d, long pages)
{
	uint64_t cur = __atomic_load_n(&d->xen_pages, __ATOMIC_RELAXED);

	if (pages < 0) {
		__atomic_fetch_sub(&d->xen_pages, (uint64_t)-pages,
				   __ATOMIC_RELAXED);
		return 0;
	}
	do {
		if ((uint64_t)pages >
		    d->max_xen_pages - MIN(cur, d->max_xen_pages)) {
			return -ENOMEM;
		}
	} while (!__atomic_compare_exchange_n(
		&d->xen_pages, &cur, cur + (uint64_t)pages, true,
		__ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 0;
}

void domain_report_memory(struct domain *d)
{
	uint64_t tables, peak, budget, tot, max;

	spin_lock(&d->p2m.lock);
	tables = d->p2m.nr_tables;
	peak = d->p2m.peak_tables;
	budget = d->p2m.max_tables;
	tot = d->tot_pages;
	max = d->max_pages;
	spin_unlock(&d->p2m.lock);
	pr_info("domain %u (%s): p2m tables %lu (peak %lu, budget %lu), "
		"RAM pages %lu of %lu, hypervisor pages %lu of %lu\n",
		d->id, d->name, (unsigned long)tables, (unsigned long)peak,
		(unsigned long)budget, (unsigned long)tot, (unsigned long)max,
		(unsigned long)__atomic_load_n(&d->xen_pages, __ATOMIC_RELAXED),
		(unsigned long)d->max_xen_pages);
}

static const char *const reason_name[] = {
	[SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
	[SHUTDOWN_suspend] = "suspend",	  [SHUTDOWN_crash] = "crash",
	[SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

static int machine_status;
static bool machine_stopping; /* the first to stop the machine wins */

void domain_notify_control(struct domain *d)
{
	struct domain *d0 = domain_lookup(0);

	if (d0 && d0 != d && !d0->is_shutdown) {
		evtchn_send_global_virq(&d0->evtchn, VIRQ_DOM_EXC);
	}
}

/* Give the host a moment to drain the console before QEMU exits. */
static void machine_drain_console(void)
{
	uint64_t end = arch_counter() + arch_counter_freq() / 5;

	while (arch_counter() < end) {
	}
}

/* Power the machine off with the status gathered so far (the first wins). */
static void machine_stop(void)
{
	if (__atomic_exchange_n(&machine_stopping, true, __ATOMIC_SEQ_CST)) {
		return;
	}
	pr_info("no domain left: powering off (status %d)\n", machine_status);
	machine_drain_console();
	arch_machine_exit(machine_status);
}

void domain_stop_machine_if_idle(void)
{
	if (domain_count_alive() == 0 && !domu_boot_restarting()) {
		machine_stop();
	}
}

/*
 * Mark @d shut down. dom0 going down takes the machine with it, as on Xen;
 * otherwise the machine stops when no domain is left (none to be
 * restarted). Exit status: 0 when every domain powered off, 1 if any
 * crashed or was killed by a watchdog.
 */
void domain_shutdown(struct domain *d, unsigned int reason)
{
	const char *name = reason < ARRAY_SIZE(reason_name)
				   ? reason_name[reason]
				   : "unknown";
	enum bootdom_action action;

	spin_lock(&d->lock);
	if (d->is_shutdown || d->is_dying) {
		spin_unlock(&d->lock);
		return;
	}
	d->is_shutdown = true;
	d->shutdown_reason = reason;
	spin_unlock(&d->lock);
	pr_info("domain %u (%s) shut down: %s\n", d->id, d->name, name);
	domain_report_memory(d);
	domain_notify_control(d);
	console_input_domain_down(d->id);
	if (reason == SHUTDOWN_crash || reason == SHUTDOWN_watchdog) {
		machine_status = 1;
	}
	if (d->id == 0 && reason == SHUTDOWN_reboot) {
		pr_info("dom0 asked for a reboot: resetting the machine\n");
		arch_machine_reset();
	}
	action = d->id == 0 ? BOOTDOM_PRESERVE : domu_boot_shutdown(d, reason);
	if (action != BOOTDOM_PRESERVE) {
		domain_destroy_later(d);
	}
	if (d->id == 0 ||
	    (domain_count_alive() == 0 && !domu_boot_restarting())) {
		if (d->shutdown_code >= 0 && reason == SHUTDOWN_poweroff) {
			machine_status = d->shutdown_code;
		}
		machine_stop();
	}
}

/*
 * Take every vCPU of @d off its pCPU: runnable ones leave their queues at
 * once, running ones are sent a reschedule and waited for. pause_lock.
 */
void domain_pause_vcpus(struct domain *d)
{
	bool running[MAX_VCPUS];

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		running[i] = sched_pause_vcpu(d->vcpus[i]);
	}
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		if (running[i]) {
			sched_wait_descheduled(d->vcpus[i]);
		}
	}
}

/* The caller's own domain is never paused by itself: it could not undo it. */
static bool is_caller(const struct domain *d)
{
	struct vcpu *cur = current_vcpu();

	return cur && cur->dom == d;
}

int domain_pause(struct domain *d)
{
	int rc = 0;

	if (is_caller(d)) {
		return -EINVAL;
	}
	spin_lock(&d->pause_lock);
	if (d->is_dying) {
		rc = -EINVAL;
	} else if (d->pause_count >= DOMAIN_MAX_PAUSES) {
		rc = -EBUSY;
	} else if (d->pause_count++ == 0) {
		domain_pause_vcpus(d);
	}
	spin_unlock(&d->pause_lock);
	return rc;
}

int domain_unpause(struct domain *d)
{
	int rc = 0;

	spin_lock(&d->pause_lock);
	if (d->is_dying || d->pause_count == 0) {
		rc = -EINVAL;
	} else if (--d->pause_count == 0) {
		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			sched_unpause_vcpu(d->vcpus[i], d->is_shutdown);
		}
	}
	spin_unlock(&d->pause_lock);
	return rc;
}
