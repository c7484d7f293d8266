/* SPDX-License-Identifier: MIT */
/*
 * Boot-time domUs, described under /chosen (Xen's dom0less binding, see
 * bootdom.c), built by the same steps as the toolstack's domains
 * (domu_build.c): create, load (from machine memory), build, unpause. Each
 * gets domid 1, 2, ... in node order. Their RAM is scrubbed by all online
 * pCPUs in parallel, and each domain starts as soon as it is built. With dom0, an enhanced domain
 * (xen,enhanced) gets the xenstore and PV console pages for dom0's
 * daemons. A bad description or a domain that does not fit is reported
 * and skipped; the others are still built.
 *
 * A boot-time domain that shuts down is left as it is unless its
 * description asks otherwise (sable,on-poweroff, -reboot, -crash): then
 * the hypervisor destroys it and, for "restart", builds it again from the
 * same description and modules, under the same name and id, once the old
 * domain is gone. A domain restarted RESTART_BURST times within
 * RESTART_WINDOW_S seconds is left shut down at its next shutdown.
 *
 * With dom0, its toolstack may take a domain over (SABLE_CTL_boot_manage):
 * from then on the hypervisor leaves every shutdown of it to dom0, which
 * carries out the actions (it must tear its backends down first) and asks
 * for a rebuild with SABLE_CTL_boot_restart: the domain is destroyed and
 * built again as above, but left paused for dom0 to introduce it and
 * attach its devices before its first unpause.
 */
#include <public/sable_ctl.h>
#include <sable/arch.h>
#include <sable/bootdom.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/machine.h>
#include <sable/mm.h>
#include <sable/percpu.h>

#include "boot.h"
#include "domu.h"

#define SZ_2M (2UL << 20)

static struct boot_domain bds[MAX_BOOT_DOMAINS];
static int nr_bds;

#define RESTART_BURST 5
#define RESTART_WINDOW_S 10

/* Bytes of a restart's new RAM scrubbed at one quiescent point. */
#define REBUILD_PIECE (2ULL << 20)

/* What became of each description. */
struct boot_slot {
	struct domain *d; /* the domain built from it, until it is freed */
	bool rebuild; /* restart: build it again once d is freed */
	bool rebuild_paused; /* ... and leave it paused (dom0 restarts it) */
	bool managed; /* dom0's toolstack acts on its shutdowns */
	/* A restart's RAM, allocated and being scrubbed a piece at a time. */
	bool scrubbing;
	bool busy; /* a pCPU scrubs a piece of it now */
	bool first; /* the build at boot, not a restart */
	struct domu_ram ram;
	uint64_t scrubbed;
	/* Counter values of its last restarts (a ring of RESTART_BURST). */
	uint64_t restarts[RESTART_BURST];
	unsigned int nr_restarts;
};

/* Protects: slots[]. Nests only the console locks. */
static spinlock_t slots_lock = SPINLOCK_INIT;
static struct boot_slot slots[MAX_BOOT_DOMAINS];
/* Builds (at boot or restarts) whose RAM is being scrubbed (atomic). */
static unsigned int rebuilds_scrubbing;
/* Builds at boot not finished yet, and those that succeeded (atomic). */
static unsigned int boot_builds_left, boot_builds_done;

/* The boot modules are in machine memory, identity-mapped. */
static int copy_from_machine(void *dst, uint64_t src, size_t len)
{
	memcpy(dst, (const void *)(uintptr_t)src, len);
	return 0;
}

/* What the builder is asked for; the reasons it may refuse, reported. */
static int boot_config(const struct boot_domain *bd, domid_t id,
		       struct domu_config *c)
{
	uint64_t text_offset, span;
	bool dom0 = domain_lookup(0) != NULL;

	memset(c, 0, sizeof(*c));
	c->id = id;
	snprintf(c->name, sizeof(c->name), "%s", bd->name);
	c->nr_vcpus = bd->nr_vcpus;
	c->mem = bd->mem_kib << 10;
	c->p2m_pages = bd->p2m_mem_mb << 8;
	c->weight = bd->sched_weight;
	c->cap = bd->sched_cap;
	c->kernel_size = bd->kernel.size;
	c->ramdisk_size = bd->ramdisk.size;
	c->vpl011 = bd->vpl011;
	c->xenstore = c->console = bd->xenstore && dom0;
	if (bd->xenstore && !dom0) {
		pr_warn("domain %u (%s): xen,enhanced but no dom0 to run "
			"xenstored: no xenstore\n",
			id, bd->name);
	}
	if (ALIGN_UP(c->mem, SZ_2M) > GUEST_RAM_MAX) {
		pr_err("domain %s: memory above %lu MiB\n", bd->name,
		       GUEST_RAM_MAX >> 20);
		return -EINVAL;
	}
	if (arm64_image_info((const void *)(uintptr_t)bd->kernel.addr,
			     bd->kernel.size, &text_offset, &span)) {
		pr_err("domain %s: kernel at 0x%lx is not an arm64 Image\n",
		       bd->name, (unsigned long)bd->kernel.addr);
		return -EINVAL;
	}
	if (bd->bootargs && strlen(bd->bootargs) >= DOMU_CMDLINE_MAX) {
		pr_err("domain %s: bootargs longer than %u bytes\n", bd->name,
		       DOMU_CMDLINE_MAX - 1);
		return -EINVAL;
	}
	return 0;
}

static int boot_load(struct domain *d, const struct boot_domain *bd)
{
	int rc = domu_load(d, SABLE_LOAD_kernel, 0, bd->kernel.addr,
			   bd->kernel.size, copy_from_machine);

	if (!rc && bd->ramdisk.size) {
		rc = domu_load(d, SABLE_LOAD_ramdisk, 0, bd->ramdisk.addr,
			       bd->ramdisk.size, copy_from_machine);
	}
	if (!rc && bd->bootargs && bd->bootargs[0]) {
		rc = domu_load(d, SABLE_LOAD_cmdline, 0,
			       (uint64_t)(uintptr_t)bd->bootargs,
			       strlen(bd->bootargs), copy_from_machine);
	}
	return rc;
}

/* Check description @slot as domain @id and allocate its RAM into @r. */
static int boot_start(int slot, domid_t id, struct domu_config *c,
		      struct domu_ram *r)
{
	int rc = boot_config(&bds[slot], id, c);

	if (!rc) {
		rc = domu_create_prepare(c, r);
	}
	if (rc == -ENOMEM) {
		pr_err("domain %s: cannot allocate %lu MiB\n", bds[slot].name,
		       (unsigned long)(ALIGN_UP(c->mem, SZ_2M) >> 20));
	}
	return rc;
}

/*
 * Build description @slot as domain @id in RAM @r, scrubbed. The slot
 * knows the domain from its creation on, before it can run: it may shut
 * down at once.
 */
static int boot_finish(int slot, domid_t id, struct domu_ram *r)
{
	const struct boot_domain *bd = &bds[slot];
	struct domu_config c;
	struct domu_built built;
	struct domain *d;
	bool paused = false;
	int rc = boot_config(bd, id, &c);

	if (rc) {
		domu_ram_free(r);
		return rc;
	}
	rc = domu_create_finish(&c, r, &d);
	if (rc == -ENOMEM) {
		pr_err("domain %s: cannot allocate %lu MiB\n", bd->name,
		       (unsigned long)(ALIGN_UP(c.mem, SZ_2M) >> 20));
	}
	if (rc) {
		return rc;
	}
	spin_lock(&slots_lock);
	slots[slot].d = d;
	slots[slot].rebuild = false; /* a domain is there again */
	paused = slots[slot].rebuild_paused;
	slots[slot].rebuild_paused = false;
	spin_unlock(&slots_lock);
	for (unsigned int i = 0; bd->cpus && i < d->nr_vcpus; i++) {
		if (sched_set_affinity(d->vcpus[i], bd->cpus,
				       SCHED_AFFINITY_ALL)) {
			pr_err("domain %s: sable,cpus names no pCPU that is "
			       "up: runs on any\n",
			       bd->name);
			break;
		}
	}
	rc = boot_load(d, bd);
	if (rc == -ENOMEM) {
		pr_err("domain %s: kernel, device tree and ramdisk do not fit "
		       "in %lu MiB\n",
		       bd->name, (unsigned long)(d->ram_size >> 20));
	}
	if (!rc) {
		rc = domu_build(d, &built);
	}
	if (!rc && !paused) {
		rc = domu_unpause(d);
	}
	if (rc && domu_destroy(d)) {
		/* Never started: listed as crashed, keeps nothing up. */
		spin_lock(&d->lock);
		d->is_shutdown = true;
		d->shutdown_reason = SHUTDOWN_crash;
		spin_unlock(&d->lock);
	}
	return rc;
}

/*
 * Read the descriptions and keep their modules out of the page allocator
 * before any domain's RAM is allocated.
 */
/* Does the page at @pa hold some of [@addr, @addr + @size)? */
static bool page_in(uint64_t pa, uint64_t addr, uint64_t size)
{
	return size && pa < addr + size && pa + PAGE_SIZE > addr;
}

/*
 * Does a RAM page of @mod (slot @slot's) hold something of the
 * hypervisor's (its image, its device tree, its heap)? Pages of the boot
 * modules, dom0's and the earlier slots', may be shared: images only.
 */
static bool module_overlaps_hypervisor(const struct machine *m, int slot,
				       const struct bootdom_module *mod)
{
	uint64_t lo = MAX(mod->addr, m->ram_base) & ~(PAGE_SIZE - 1);
	uint64_t hi = MIN(mod->addr + mod->size, m->ram_base + m->ram_size);

	for (uint64_t pa = lo; pa < hi; pa += PAGE_SIZE) {
		bool shared = false;

		if (!mm_page_taken(pa)) {
			continue;
		}
		for (unsigned int i = 0; i < m->nr_modules && !shared; i++) {
			shared = page_in(pa, m->modules[i].addr,
					 m->modules[i].size);
		}
		for (int i = 0; i < slot && !shared; i++) {
			shared = page_in(pa, bds[i].kernel.addr,
					 bds[i].kernel.size) ||
				 page_in(pa, bds[i].ramdisk.addr,
					 bds[i].ramdisk.size);
		}
		if (!shared) {
			return true;
		}
	}
	return false;
}

int domu_prepare(struct machine *m)
{
	const char *why, *node;

	nr_bds = bootdom_parse(m->fdt, bds, MAX_BOOT_DOMAINS, &why, &node);
	if (nr_bds < 0) {
		pr_err("boot-time domain %s: %s\n", node ? node : "?", why);
		return nr_bds;
	}
	for (int i = 0; i < nr_bds; i++) {
		if (module_overlaps_hypervisor(m, i, &bds[i].kernel) ||
		    (bds[i].ramdisk.size &&
		     module_overlaps_hypervisor(m, i, &bds[i].ramdisk))) {
			pr_err("boot-time domain %s: a module's reg overlaps "
			       "memory the hypervisor uses\n",
			       bds[i].name);
			nr_bds = 0;
			return -EINVAL;
		}
	}
	for (int i = 0; i < nr_bds; i++) {
		mm_reserve(bds[i].kernel.addr, bds[i].kernel.size);
		if (bds[i].ramdisk.size) {
			mm_reserve(bds[i].ramdisk.addr, bds[i].ramdisk.size);
		}
	}
	return nr_bds;
}

/* Slot @i's RAM @r is to be scrubbed, then the domain built. */
static void queue_build(int i, const struct domu_ram *r, bool first)
{
	spin_lock(&slots_lock);
	slots[i].ram = *r;
	slots[i].scrubbed = 0;
	slots[i].scrubbing = true;
	slots[i].first = first;
	__atomic_fetch_add(&rebuilds_scrubbing, 1, __ATOMIC_SEQ_CST);
	spin_unlock(&slots_lock);
	quiescent_arm();
}

static bool build_piece(bool *more);

/*
 * Every description's RAM is allocated here, in node order; then all
 * online pCPUs scrub it a piece at a time (this one in the loop below,
 * the others from their idle loop: domu_boot_rebuild_some()), and the
 * pCPU that scrubs a domain's last piece builds and unpauses it at once,
 * while the others go on with the rest. Returns once all are built.
 */
int domu_build_all(void)
{
	int queued = 0;

	for (int i = 0; i < nr_bds; i++) {
		struct domu_config c;
		struct domu_ram r;

		if (boot_start(i, (domid_t)(i + 1), &c, &r)) {
			pr_err("domain %s (%u) not built\n", bds[i].name,
			       i + 1);
			continue;
		}
		__atomic_fetch_add(&boot_builds_left, 1, __ATOMIC_RELEASE);
		queue_build(i, &r, true);
		queued++;
	}
	if (!queued) {
		return 0;
	}
	for (unsigned int i = 0; i < pcpu_count(); i++) {
		if (i != this_cpu()->id && pcpu_get(i)->online) {
			arch_send_resched(i);
		}
	}
	while (__atomic_load_n(&boot_builds_left, __ATOMIC_ACQUIRE)) {
		bool more;

		(void)build_piece(&more);
	}
	return (int)__atomic_load_n(&boot_builds_done, __ATOMIC_ACQUIRE);
}

/* The description @d was built from, or -1. slots_lock held. */
static int slot_of_locked(const struct domain *d)
{
	for (int i = 0; i < nr_bds; i++) {
		if (slots[i].d == d) {
			return i;
		}
	}
	return -1;
}

static int event_of(unsigned int reason)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		return BOOTDOM_ON_POWEROFF;
	case SHUTDOWN_reboot:
		return BOOTDOM_ON_REBOOT;
	case SHUTDOWN_crash:
	case SHUTDOWN_watchdog:
		return BOOTDOM_ON_CRASH;
	default:
		return -1; /* suspend, soft reset: left to whoever asked */
	}
}

/* Room for one more restart now; records it if so. slots_lock held. */
static bool restart_allowed_locked(struct boot_slot *s)
{
	uint64_t now = arch_counter(), freq = arch_counter_freq();
	uint64_t *oldest = &s->restarts[s->nr_restarts % RESTART_BURST];

	if (s->nr_restarts >= RESTART_BURST &&
	    now - *oldest < RESTART_WINDOW_S * freq) {
		return false;
	}
	*oldest = now;
	s->nr_restarts++;
	return true;
}

enum bootdom_action domu_boot_shutdown(struct domain *d, unsigned int reason)
{
	enum bootdom_action a = BOOTDOM_PRESERVE;
	int event = event_of(reason);
	bool limited = false;
	int i;

	spin_lock(&slots_lock);
	i = slot_of_locked(d);
	if (i >= 0 && event >= 0 && !slots[i].managed) {
		a = bds[i].on[event];
	}
	if (a == BOOTDOM_RESTART && !restart_allowed_locked(&slots[i])) {
		a = BOOTDOM_PRESERVE;
		limited = true;
	} else if (a == BOOTDOM_RESTART) {
		slots[i].rebuild = true;
	}
	spin_unlock(&slots_lock);
	if (limited) {
		pr_warn("domain %u (%s): restarted %u times within %u s: left "
			"shut down\n",
			d->id, d->name, RESTART_BURST, RESTART_WINDOW_S);
	} else if (a == BOOTDOM_RESTART) {
		pr_info("domain %u (%s): restarting\n", d->id, d->name);
	} else if (a == BOOTDOM_DESTROY) {
		pr_info("domain %u (%s): destroying\n", d->id, d->name);
	}
	return a;
}

bool domu_boot_restarting(void)
{
	bool any = false;

	spin_lock(&slots_lock);
	for (int i = 0; i < nr_bds; i++) {
		any |= slots[i].rebuild;
	}
	spin_unlock(&slots_lock);
	return any;
}

int domu_boot_gone(const struct domain *d)
{
	int i;

	spin_lock(&slots_lock);
	i = slot_of_locked(d);
	if (i >= 0) {
		slots[i].d = NULL;
		if (!slots[i].rebuild) {
			i = -1;
		}
	}
	spin_unlock(&slots_lock);
	return i;
}

_Static_assert(SABLE_BOOT_EV_poweroff == BOOTDOM_ON_POWEROFF &&
		       SABLE_BOOT_EV_reboot == BOOTDOM_ON_REBOOT &&
		       SABLE_BOOT_EV_crash == BOOTDOM_ON_CRASH,
	       "the control interface indexes on[] as bootdom does");

int domu_boot_manage(struct domain *d, uint8_t on[BOOTDOM_NR_EVENTS])
{
	static const uint8_t act[] = {
		[BOOTDOM_PRESERVE] = SABLE_BOOT_ACT_preserve,
		[BOOTDOM_DESTROY] = SABLE_BOOT_ACT_destroy,
		[BOOTDOM_RESTART] = SABLE_BOOT_ACT_restart,
	};
	int i;

	spin_lock(&slots_lock);
	i = slot_of_locked(d);
	if (i >= 0) {
		slots[i].managed = true;
		for (int e = 0; e < BOOTDOM_NR_EVENTS; e++) {
			on[e] = bds[i].on_given[e] ? act[bds[i].on[e]]
						   : SABLE_BOOT_ACT_unset;
		}
	}
	spin_unlock(&slots_lock);
	return i >= 0 ? 0 : -ENOENT;
}

int domu_boot_restart(struct domain *d)
{
	bool dying = __atomic_load_n(&d->is_dying, __ATOMIC_ACQUIRE);
	int i, rc;

	spin_lock(&slots_lock);
	i = slot_of_locked(d);
	if (i >= 0 && !dying) {
		slots[i].rebuild = true;
		slots[i].rebuild_paused = true;
	}
	spin_unlock(&slots_lock);
	if (i < 0) {
		return -ENOENT;
	}
	if (dying) {
		return -EBUSY;
	}
	pr_info("domain %u (%s): restarting for dom0\n", d->id, d->name);
	rc = domu_destroy(d);
	if (rc) {
		spin_lock(&slots_lock);
		if (slots[i].d == d) {
			slots[i].rebuild = false;
			slots[i].rebuild_paused = false;
		}
		spin_unlock(&slots_lock);
	}
	return rc;
}

static void rebuild_failed(int i)
{
	/* Made, it cleared the flag (and may have set it again). */
	spin_lock(&slots_lock);
	if (!slots[i].d) {
		slots[i].rebuild = false;
	}
	spin_unlock(&slots_lock);
	pr_err("domain %s (%u) not rebuilt\n", bds[i].name, i + 1);
	domain_stop_machine_if_idle();
}

/*
 * Build description @i again (its domain is freed): the same modules,
 * reserved since boot and in no domain's RAM, the same name and id. The
 * new RAM is allocated here and scrubbed a piece at a time at the next
 * quiescent points (domu_boot_rebuild_some()), which then build it.
 */
void domu_boot_rebuild(int i)
{
	struct domu_config c;
	struct domu_ram r;

	if (i < 0 || i >= nr_bds) {
		return;
	}
	if (boot_start(i, (domid_t)(i + 1), &c, &r)) {
		rebuild_failed(i);
		return;
	}
	queue_build(i, &r, false);
	arch_send_resched(this_cpu()->id);
}

bool domu_boot_rebuild_pending(void)
{
	return __atomic_load_n(&rebuilds_scrubbing, __ATOMIC_ACQUIRE) != 0;
}

/*
 * Scrub a piece of a build's RAM; after its last piece, build the
 * domain. False if there was none to take (each being scrubbed by
 * another pCPU, or none left). *@more: pieces are left to scrub.
 */
static bool build_piece(bool *more)
{
	struct boot_slot *s;
	struct domu_ram r;
	bool first;
	uint64_t n;
	int i, rc;

	*more = false;
	if (!domu_boot_rebuild_pending()) {
		return false;
	}
	spin_lock(&slots_lock);
	for (i = 0; i < nr_bds && !(slots[i].scrubbing && !slots[i].busy);
	     i++) {
	}
	if (i == nr_bds) {
		spin_unlock(&slots_lock);
		return false;
	}
	s = &slots[i];
	s->busy = true;
	spin_unlock(&slots_lock);
	/* Only this pCPU touches the slot's RAM while it is busy. */
	n = MIN(REBUILD_PIECE, s->ram.size - s->scrubbed);
	domu_ram_scrub(&s->ram, s->scrubbed, n);
	s->scrubbed += n;
	spin_lock(&slots_lock);
	s->busy = false;
	if (s->scrubbed < s->ram.size) {
		spin_unlock(&slots_lock);
		*more = true;
		return true;
	}
	s->scrubbing = false;
	first = s->first;
	s->first = false;
	r = s->ram;
	s->ram.pa = pa_init(0);
	__atomic_fetch_sub(&rebuilds_scrubbing, 1, __ATOMIC_RELEASE);
	spin_unlock(&slots_lock);
	*more = domu_boot_rebuild_pending();
	rc = boot_finish(i, (domid_t)(i + 1), &r);
	if (first) {
		if (rc) {
			pr_err("domain %s (%u) not built\n", bds[i].name,
			       i + 1);
		} else {
			__atomic_fetch_add(&boot_builds_done, 1,
					   __ATOMIC_RELEASE);
		}
		__atomic_fetch_sub(&boot_builds_left, 1, __ATOMIC_RELEASE);
	} else if (rc) {
		rebuild_failed(i);
	} else {
		pr_info("domain %u (%s) restarted\n", i + 1, bds[i].name);
	}
	return true;
}

void domu_boot_rebuild_some(void)
{
	bool more;

	if (build_piece(&more) && more) {
		/* Come back soon: from a guest, or out of WFI at once. */
		arch_send_resched(this_cpu()->id);
	}
}
