/* SPDX-License-Identifier: MIT */
/*
 * Destroying a domain (docs/lifecycle.md).
 *
 * domain_destroy() marks the domain dying, pauses it for good and closes
 * its event channels (peers see their ports unbound). The rest waits for
 * a grace period, every pCPU having passed a quiescent point (returned to
 * a guest or gone through the scheduler), so that no hypercall that found
 * the domain alive is still using it: then, at quiescent points, the
 * grants it maps, its foreign mappings and its stage 2 go, and the
 * allocation reference of each of its RAM frames, in pieces. Frames that
 * another domain still references (a grant it mapped, a foreign mapping,
 * an acquired grant frame) live on, and the domain stays listed as dying
 * until page.c reports its last frame freed.
 *
 * Then it is buried: unlisted (its id free again), and freed after a
 * second grace period, since a hypercall on another pCPU may still hold
 * the pointer domain_lookup() gave it. In each grace period every pCPU
 * also lets go of what it keeps of the domain's vCPUs (lazily loaded
 * registers, parked timers).
 */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/mm.h>
#include <sable/page.h>
#include <sable/percpu.h>

#include "boot.h"
#include "console.h"
#include "domain_priv.h"
#include "domu.h"
#include "sched_arch.h"

/*
 * Protects: reaping, graves, and the grace_cpus and reap_next of the
 * domains on them; nests nothing.
 */
static spinlock_t grave_lock = SPINLOCK_INIT;
/* A domain waits for domain_destroy_later()'s destroy (atomic). */
static bool destroys_pending;
/* One pCPU at a time carries them out (atomic). */
static bool destroys_running;
/* Destroyed domains whose teardown is under way. */
static struct domain *reaping;
/* Buried domains waiting for their grace period. */
static struct domain *graves;

/*
 * One piece of a RAM release, at a quiescent point: frames looked at and
 * frames given back (to the allocator's dirty pages, unscrubbed), well
 * within the time a long hypercall may take before it is continued
 * (docs/bounded-time.md).
 */
#define REAP_SCAN 65536
#define REAP_RELEASE 2048

/* Drop the reference of every foreign mapping (p2m lock held). */
static void put_foreign(void *ctx, ipaddr_t ipa, paddr_t pa, uint64_t size,
			enum p2m_type type)
{
	(void)ctx;
	(void)ipa;
	if (type != p2m_foreign_rw && type != p2m_foreign_ro) {
		return;
	}
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		page_put(pa_to_mfn(pa_init(pa.pa + off)));
	}
}

/*
 * What @d holds of others and what maps its frames: the grants it maps
 * (and its own table's owner reference), its vcpu_info frames, its
 * foreign mappings and stage 2. After the first grace period: no
 * hypercall that found @d alive still runs. Its grant mappings go a
 * piece at a time: false while some are left.
 */
static bool release_refs(struct domain *d)
{
	if (!gnttab_domain_release_some(&d->gnttab)) {
		return false;
	}
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		if (v->vcpu_info_held) {
			v->vcpu_info_held = false;
			page_put(v->vcpu_info_mfn);
		}
	}
	spin_lock(&d->p2m.lock);
	p2m_for_each_leaf(&d->p2m, put_foreign, NULL);
	p2m_destroy(&d->p2m);
	d->tot_pages = 0;
	spin_unlock(&d->p2m.lock);
	__atomic_store_n(&d->shinfo_gfn, ~0ULL, __ATOMIC_RELEASE);
	return true;
}

static uint64_t online_cpus(void)
{
	uint64_t mask = 0;

	for (unsigned int i = 0; i < pcpu_count(); i++) {
		if (pcpu_get(i)->online) {
			mask |= 1ULL << i;
		}
	}
	return mask;
}

/* Make every pCPU pass a quiescent point soon: idle ones wake, busy trap. */
static void kick_all(void)
{
	for (unsigned int i = 0; i < pcpu_count(); i++) {
		if (pcpu_get(i)->online) {
			arch_send_resched(i);
		}
	}
}

bool quiescent_due;

/* After the state that makes the work visible is stored (the flag pattern
 * of domain_quiescent_work: set the state, then the flag). */
void quiescent_arm(void)
{
	__atomic_store_n(&quiescent_due, true, __ATOMIC_SEQ_CST);
}

/* @d goes on @list with a grace period starting now (grave_lock held). */
static void enlist_locked(struct domain **list, struct domain *d)
{
	d->grace_cpus = online_cpus();
	d->reap_next = *list;
	__atomic_store_n(list, d, __ATOMIC_RELEASE);
	quiescent_arm();
}

/*
 * The last frame of @d went (or it had none left): unlist it and start
 * its grace period. May run under any lock that page_put() may be called
 * with, so it takes only innermost locks and defers the rest.
 */
static void bury(struct domain *d)
{
	if (__atomic_exchange_n(&d->buried, true, __ATOMIC_ACQ_REL)) {
		return;
	}
	domain_unlist(d);
	spin_lock(&grave_lock);
	enlist_locked(&graves, d);
	spin_unlock(&grave_lock);
	kick_all();
}

void domain_frames_gone(domid_t id)
{
	struct domain *d = domain_lookup(id);

	/* Pairs with the fence in reap_some(): one of us buries. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (d && __atomic_load_n(&d->torn_down, __ATOMIC_ACQUIRE)) {
		bury(d);
	}
}

int domain_destroy(struct domain *d)
{
	struct vcpu *cur = current_vcpu();

	if (d->privileged || d->id == 0) {
		return -EPERM;
	}
	if (cur && cur->dom == d) {
		return -EINVAL;
	}
	spin_lock(&d->lock);
	if (d->is_dying) {
		spin_unlock(&d->lock);
		return 0;
	}
	__atomic_store_n(&d->is_dying, true, __ATOMIC_SEQ_CST);
	spin_unlock(&d->lock);
	pr_info("domain %u (%s) destroyed: dying\n", d->id, d->name);
	domain_notify_control(d);
	console_input_domain_down(d->id);

	/* Paused for good: no vCPU runs again, whatever the pause count. */
	spin_lock(&d->pause_lock);
	domain_pause_vcpus(d);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		sched_retire_vcpu(d->vcpus[i]);
	}
	spin_unlock(&d->pause_lock);

	/* The event-channel module copes with users racing its teardown. */
	evtchn_domain_destroy(&d->evtchn);

	/* The rest after a grace period, at quiescent points (reap_some()). */
	d->reap_cursor = 0;
	spin_lock(&grave_lock);
	enlist_locked(&reaping, d);
	spin_unlock(&grave_lock);
	kick_all();
	return 0;
}

/* A dying domain whose grace period is over, taken off reaping, or NULL. */
static struct domain *reap_take(void)
{
	struct domain *d, **pp;

	spin_lock(&grave_lock);
	for (pp = &reaping; *pp && (*pp)->grace_cpus; pp = &(*pp)->reap_next) {
	}
	d = *pp;
	if (d) {
		__atomic_store_n(pp, d->reap_next, __ATOMIC_RELEASE);
	}
	spin_unlock(&grave_lock);
	return d;
}

/*
 * One piece of a destroyed domain's teardown: first its references, then
 * its RAM, a piece at a time. The domain is off the list meanwhile, so
 * one pCPU at a time works on it. When its RAM is all given back, frames
 * others still reference keep it dying until page.c reports the last one
 * gone.
 */
static void reap_some(void)
{
	struct domain *d = reap_take();
	bool done = false;

	if (!d) {
		return;
	}
	if (!d->released_refs) {
		d->released_refs = release_refs(d);
	} else {
		done = page_release_some(d->id, PGT_ram, &d->reap_cursor,
					 REAP_RELEASE, REAP_SCAN);
	}
	if (!done) {
		spin_lock(&grave_lock);
		d->reap_next = reaping;
		__atomic_store_n(&reaping, d, __ATOMIC_RELEASE);
		spin_unlock(&grave_lock);
		quiescent_arm();
		/* Come back soon: from a guest, or out of WFI at once. */
		arch_send_resched(this_cpu()->id);
		return;
	}
	__atomic_store_n(&d->torn_down, true, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (page_owner_frames(d->id) == 0) {
		bury(d);
	}
}

bool domain_destroy_pending(void)
{
	return __atomic_load_n(&destroys_pending, __ATOMIC_ACQUIRE) ||
	       domu_boot_rebuild_pending() ||
	       __atomic_load_n(&reaping, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&graves, __ATOMIC_ACQUIRE);
}

/*
 * The machine's free count once everything of a domain is back, and
 * what the hypervisor holds for dom0 (its stage-2 tables and the pages
 * charged to it), which grows as dom0 maps other domains' pages: the
 * sum of the two stays put across a domain's life (docs/lifecycle.md).
 */
static void report_gone(unsigned int id, const char *name)
{
	struct domain *d0 = domain_lookup(0);
	uint64_t held = 0;

	if (d0) {
		spin_lock(&d0->p2m.lock);
		held = d0->p2m.nr_tables;
		spin_unlock(&d0->p2m.lock);
		held += __atomic_load_n(&d0->xen_pages, __ATOMIC_RELAXED);
	}
	pr_info("domain %u (%s) destroyed: gone, %lu pages free, %lu held "
		"for dom0\n",
		id, name, (unsigned long)mm_free_pages_count(),
		(unsigned long)held);
}

/* Its grace period is over: nobody holds @d. */
static void finish(struct domain *d)
{
	char name[sizeof(d->name)];
	unsigned int id = d->id;
	int rebuild = domu_boot_gone(d);

	domain_report_memory(d);
	memcpy(name, d->name, sizeof(name));
	domain_notify_control(d);
	domain_free(d);
	report_gone(id, name);
	if (rebuild >= 0) {
		/* A boot-time domain's restart: its id and memory are free. */
		domu_boot_rebuild(rebuild);
	}
}

void domain_destroy_later(struct domain *d)
{
	__atomic_store_n(&d->destroy_pending, true, __ATOMIC_RELEASE);
	__atomic_store_n(&destroys_pending, true, __ATOMIC_SEQ_CST);
	quiescent_arm();
	kick_all();
}

/*
 * Destroy the domains domain_destroy_later() named, one pCPU at a time
 * (two destroyers could each wait for the other to leave a vCPU). A vCPU
 * of such a domain that this pCPU is about to enter is stopped instead:
 * the pCPU comes back here from its scheduler loop, running nothing.
 */
static void run_destroys(void)
{
	struct vcpu *cur = current_vcpu();
	bool stop_current = false;

	if (!__atomic_load_n(&destroys_pending, __ATOMIC_ACQUIRE) ||
	    __atomic_exchange_n(&destroys_running, true, __ATOMIC_ACQUIRE)) {
		return;
	}
	__atomic_store_n(&destroys_pending, false, __ATOMIC_SEQ_CST);
	for (domid_t id = 1; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_lookup(id);

		if (!d ||
		    !__atomic_load_n(&d->destroy_pending, __ATOMIC_ACQUIRE)) {
			continue;
		}
		if (cur && cur->dom == d) {
			stop_current = true;
			__atomic_store_n(&destroys_pending, true,
					 __ATOMIC_SEQ_CST);
			quiescent_arm();
			continue;
		}
		if (__atomic_exchange_n(&d->destroy_pending, false,
					__ATOMIC_ACQ_REL)) {
			domu_destroy(d);
		}
	}
	__atomic_store_n(&destroys_running, false, __ATOMIC_RELEASE);
	if (stop_current) {
		sched_pause_current();
	}
}

static struct domain *find_unacked(struct domain *list, uint64_t bit)
{
	while (list && !(list->grace_cpus & bit)) {
		list = list->reap_next;
	}
	return list;
}

/* A dying domain whose grace period this pCPU has not passed, or NULL. */
static struct domain *grace_to_ack(uint64_t bit)
{
	struct domain *d;

	spin_lock(&grave_lock);
	d = find_unacked(reaping, bit);
	if (!d) {
		d = find_unacked(graves, bit);
	}
	spin_unlock(&grave_lock);
	return d;
}

static void quiescent_run(void)
{
	uint64_t bit = 1ULL << this_cpu()->id;
	struct domain *done = NULL, *d, **pp;

	run_destroys();
	if (!domain_destroy_pending()) {
		return;
	}
	/*
	 * Let go of each one's vCPUs with no lock held (the arch may sync
	 * interrupt state into the vGIC). It cannot be freed or torn down
	 * meanwhile: this pCPU's bit is still set.
	 */
	while ((d = grace_to_ack(bit))) {
		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			sched_arch_forget_vcpu(d->vcpus[i]);
		}
		spin_lock(&grave_lock);
		d->grace_cpus &= ~bit;
		spin_unlock(&grave_lock);
	}
	reap_some();
	domu_boot_rebuild_some();
	spin_lock(&grave_lock);
	for (pp = &graves; *pp;) {
		d = *pp;
		if (d->grace_cpus) {
			pp = &d->reap_next;
			continue;
		}
		*pp = d->reap_next;
		d->reap_next = done;
		done = d;
	}
	spin_unlock(&grave_lock);
	while (done) {
		d = done;
		done = d->reap_next;
		finish(d);
	}
}

/*
 * Wake the other pCPUs that still owe a grace period a quiescent point.
 * Their kick_all() interrupt may have been taken while the flag was down
 * (between domain_quiescent_work() lowering and raising it again on this
 * pCPU): such a pCPU saw no work, went back to WFI, and would sleep on
 * with the flag up and its bit set, every pCPU idle and the domain dying
 * for good.
 */
static void kick_unacked(void)
{
	uint64_t mask = 0;

	spin_lock(&grave_lock);
	for (struct domain *d = reaping; d; d = d->reap_next) {
		mask |= d->grace_cpus;
	}
	for (struct domain *d = graves; d; d = d->reap_next) {
		mask |= d->grace_cpus;
	}
	spin_unlock(&grave_lock);
	mask &= ~(1ULL << this_cpu()->id);
	for (unsigned int i = 0; i < pcpu_count() && i < 64; i++) {
		if (((mask >> i) & 1) && pcpu_get(i)->online) {
			arch_send_resched(i);
		}
	}
}

/*
 * The flag goes down before the last look, so work stored (then flagged)
 * by another pCPU meanwhile is either seen here or flags it again; the
 * pCPUs a grace period still waits for are woken again (kick_unacked).
 */
void domain_quiescent_work(void)
{
	quiescent_run();
	__atomic_store_n(&quiescent_due, false, __ATOMIC_SEQ_CST);
	if (domain_destroy_pending()) {
		quiescent_arm();
		kick_unacked();
	}
}
