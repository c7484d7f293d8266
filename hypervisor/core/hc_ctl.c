/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's control hypercall (public/sable_ctl.h): decoded and
 * checked whole (caller, version, padding, command, target domain) before
 * anything is read or changed; answered by copying the whole structure
 * back. Domains are made by the domU builder (domu_build.c); pause and
 * destroy are the domain's own (domain.c).
 */
#include <public/sable_ctl.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/guest_access.h>
#include <sable/hypercall.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/mm.h>
#include <sable/percpu.h>
#include <sable/vgic.h>

#include "boot.h"
#include "console.h"
#include "dom0.h"
#include "domu.h"

/* Bytes of an image one piece of a load copies between preemption checks. */
#define LOAD_PIECE (64U * 1024)
/* Bytes of a new domain's RAM zeroed between preemption checks. */
#define ZERO_PIECE (2U << 20)
/* args[1] of a continued create. */
#define CREATE_CONTINUED 1

/*
 * A creation whose RAM is being zeroed over continued calls, one per vCPU
 * of the control domain (the only caller); only that vCPU touches it.
 */
struct pending_create {
	bool busy;
	struct domu_ram ram;
	uint64_t zeroed;
};
static struct pending_create pending_creates[MAX_VCPUS];
/* Bytes of the console history copied out at a time. */
#define CONSOLE_PIECE 256U

static inline unsigned int ctl_pause_count(struct domain *d)
{
	return domu_pause_count(d);
}

static inline bool ctl_is_dying(const struct domain *d)
{
	return __atomic_load_n(&d->is_dying, __ATOMIC_RELAXED);
}

static uint64_t ticks_to_ns(uint64_t t)
{
	uint64_t f = arch_counter_freq();

	return t / f * 1000000000ULL + t % f * 1000000000ULL / f;
}

/* Charged run time, plus the current stint of a vCPU on a pCPU now. */
static uint64_t vcpu_time_ns(const struct vcpu *v)
{
	uint64_t t = __atomic_load_n(&v->cpu_time, __ATOMIC_RELAXED);

	if (__atomic_load_n(&v->state, __ATOMIC_RELAXED) == VCPU_RUNNING) {
		uint64_t start =
			__atomic_load_n(&v->run_start, __ATOMIC_RELAXED);
		uint64_t now = arch_counter();

		t += now > start ? now - start : 0;
	}
	return ticks_to_ns(t);
}

static uint32_t domain_flags(struct domain *d, unsigned int paused)
{
	uint32_t f = d->privileged ? SABLE_DOMINF_privileged : 0;
	bool all_blocked = true;

	if (d->is_shutdown) {
		f |= SABLE_DOMINF_shutdown;
	}
	if (ctl_is_dying(d)) {
		f |= SABLE_DOMINF_dying;
	}
	if (paused) {
		f |= SABLE_DOMINF_paused;
	}
	if (domu_is_built(d)) {
		f |= SABLE_DOMINF_built;
	}
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		enum vcpu_state s =
			__atomic_load_n(&d->vcpus[i]->state, __ATOMIC_RELAXED);

		if (s == VCPU_RUNNING) {
			f |= SABLE_DOMINF_running;
		}
		if (s == VCPU_RUNNING || s == VCPU_RUNNABLE) {
			all_blocked = false;
		}
	}
	if (all_blocked && !d->is_shutdown && !paused) {
		f |= SABLE_DOMINF_blocked;
	}
	return f;
}

static void fill_info(struct domain *d, struct sable_ctl_domain_info *info)
{
	uint64_t tables, tot, max;

	spin_lock(&d->p2m.lock);
	tables = d->p2m.nr_tables;
	tot = d->tot_pages;
	max = d->max_pages;
	spin_unlock(&d->p2m.lock);
	memset(info, 0, sizeof(*info));
	info->domid = d->id;
	info->pause_count = ctl_pause_count(d);
	info->flags = domain_flags(d, info->pause_count);
	info->shutdown_reason = d->is_shutdown ? d->shutdown_reason : 0;
	info->nr_vcpus = d->nr_vcpus;
	info->mem_kib = d->ram_size >> 10;
	snprintf(info->name, sizeof(info->name), "%s", d->name);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		info->cpu_time_ns += vcpu_time_ns(d->vcpus[i]);
		if (__atomic_load_n(&d->vcpus[i]->state, __ATOMIC_RELAXED) !=
		    VCPU_OFFLINE) {
			info->nr_online_vcpus++;
		}
	}
	info->cur_mem_kib = tot << (PAGE_SHIFT - 10);
	info->max_mem_kib = max << (PAGE_SHIFT - 10);
	info->xen_kib =
		(tables + __atomic_load_n(&d->xen_pages, __ATOMIC_RELAXED))
		<< (PAGE_SHIFT - 10);
}

static long ctl_domain_info(struct vcpu *v, struct sable_ctl *c,
			    struct domain *d, const uint64_t args[5])
{
	(void)v, (void)d, (void)args;
	for (uint32_t id = c->domid; id < MAX_DOMAINS; id++) {
		struct domain *e = domain_lookup((domid_t)id);

		if (e) {
			fill_info(e, &c->u.info);
			return 0;
		}
	}
	return -ESRCH;
}

/* Give back the RAM of @v's creation in progress, if any. */
static void drop_pending(struct vcpu *v)
{
	struct pending_create *p = &pending_creates[v->id % MAX_VCPUS];

	if (p->busy) {
		domu_ram_free(&p->ram);
		p->busy = false;
	}
}

/*
 * Allocate (on a fresh call) and zero the new domain's RAM, ZERO_PIECE at
 * a time; when a piece has used its share of time, continue the call with
 * args[1] = CREATE_CONTINUED. 0 once *@pp's RAM is all zeroed.
 */
static long create_ram(struct vcpu *v, const struct domu_config *cfg,
		       const uint64_t args[5], struct pending_create **pp)
{
	struct pending_create *p = &pending_creates[v->id % MAX_VCPUS];
	struct hypercall_budget b;
	uint64_t first;
	long rc;

	*pp = p;
	if (args[1] == 0) {
		drop_pending(v); /* a call never continued */
		rc = domu_create_prepare(cfg, &p->ram);
		if (rc) {
			return rc;
		}
		p->busy = true;
		p->zeroed = 0;
	} else if (args[1] != CREATE_CONTINUED || !p->busy ||
		   p->ram.size != ALIGN_UP(cfg->mem, 2ULL << 20)) {
		drop_pending(v); /* the structure changed under the call */
		return -EINVAL;
	}
	first = p->zeroed;
	hypercall_budget_start(&b);
	while (p->zeroed < p->ram.size) {
		uint64_t n = MIN((uint64_t)ZERO_PIECE, p->ram.size - p->zeroed);

		if (p->zeroed > first && hypercall_preempt_check(&b)) {
			const uint64_t rest[5] = { args[0], CREATE_CONTINUED };

			return hypercall_continue(v, rest);
		}
		domu_ram_scrub(&p->ram, p->zeroed, n);
		p->zeroed += n;
	}
	p->busy = false;
	return 0;
}

static long ctl_create(struct vcpu *v, struct sable_ctl *c, struct domain *d,
		       const uint64_t args[5])
{
	const struct sable_ctl_create *in = &c->u.create;
	const uint32_t known = SABLE_CREATE_vpl011 | SABLE_CREATE_xenstore |
			       SABLE_CREATE_console;
	struct domu_config cfg = { 0 };
	struct pending_create *p;
	struct domain *nd;
	long rc;

	(void)d;
	if ((in->flags & ~known) || in->domid >= MAX_DOMAINS ||
	    in->mem_kib > (GUEST_RAM_MAX >> 10) ||
	    in->max_mem_kib > (GUEST_RAM_MAX >> 10)) {
		if (args[1]) {
			drop_pending(v);
		}
		return -EINVAL;
	}
	cfg.id = (domid_t)in->domid;
	memcpy(cfg.name, in->name, sizeof(cfg.name));
	cfg.nr_vcpus = in->nr_vcpus;
	cfg.mem = in->mem_kib << 10;
	cfg.max_mem = in->max_mem_kib << 10;
	cfg.max_evtchn_port = in->max_evtchn_port;
	cfg.max_grant_frames = in->max_grant_frames;
	cfg.max_maptrack_frames = in->max_maptrack_frames;
	cfg.p2m_pages = ALIGN_UP((uint64_t)in->p2m_mem_kib, 4) >> 2;
	cfg.weight = in->weight;
	cfg.cap = in->cap;
	cfg.kernel_size = in->kernel_size;
	cfg.ramdisk_size = in->ramdisk_size;
	cfg.vpl011 = in->flags & SABLE_CREATE_vpl011;
	cfg.xenstore = in->flags & SABLE_CREATE_xenstore;
	cfg.console = in->flags & SABLE_CREATE_console;
	rc = create_ram(v, &cfg, args, &p);
	if (rc) {
		return rc;
	}
	rc = domu_create_finish(&cfg, &p->ram, &nd);
	if (!rc) {
		c->u.create.domid = nd->id;
		c->domid = nd->id;
	}
	return rc;
}

static int load_copy(void *dst, uint64_t src, size_t len)
{
	return copy_from_guest(dst, src, len);
}

/*
 * Copy in pieces; when one piece has taken its share of time, continue
 * the call with args[1] = the bytes done (a fresh call passes 0).
 */
static long ctl_load(struct vcpu *v, struct sable_ctl *c, struct domain *d,
		     const uint64_t args[5])
{
	const struct sable_ctl_load *l = &c->u.load;
	struct hypercall_budget b;
	uint64_t done = args[1];

	if (l->len == 0 || l->len > SABLE_LOAD_MAX || done >= l->len ||
	    l->offset + l->len < l->offset) {
		return -EINVAL;
	}
	if (l->kind == SABLE_LOAD_cmdline) {
		return domu_load(d, l->kind, l->offset, l->buf, l->len,
				 load_copy);
	}
	hypercall_budget_start(&b);
	while (done < l->len) {
		uint64_t n = MIN((uint64_t)LOAD_PIECE, l->len - done);
		int rc;

		if (done > args[1] && hypercall_preempt_check(&b)) {
			const uint64_t rest[5] = { args[0], done, 0, 0, 0 };

			return hypercall_continue(v, rest);
		}
		rc = domu_load(d, l->kind, l->offset + done, l->buf + done, n,
			       load_copy);
		if (rc) {
			return rc;
		}
		done += n;
	}
	return 0;
}

static long ctl_build(struct vcpu *v, struct sable_ctl *c, struct domain *d,
		      const uint64_t args[5])
{
	struct sable_ctl_build *out = &c->u.build;
	struct domu_built b;
	int rc;

	(void)v, (void)args;
	rc = domu_build(d, &b);
	if (rc) {
		return rc;
	}
	memset(out, 0, sizeof(*out));
	out->console_gfn = b.console_gfn;
	out->store_gfn = b.store_gfn;
	out->console_port = b.console_port;
	out->store_port = b.store_port;
	out->console_gref = GUEST_CONSOLE_GRANT_REF;
	out->store_gref = GUEST_XENSTORE_GRANT_REF;
	return 0;
}

static long ctl_pause(struct vcpu *v, struct sable_ctl *c, struct domain *d,
		      const uint64_t args[5])
{
	(void)v, (void)c, (void)args;
	return domu_pause(d);
}

static long ctl_unpause(struct vcpu *v, struct sable_ctl *c, struct domain *d,
			const uint64_t args[5])
{
	(void)v, (void)c, (void)args;
	return domu_unpause(d);
}

static long ctl_destroy(struct vcpu *v, struct sable_ctl *c, struct domain *d,
			const uint64_t args[5])
{
	(void)v, (void)c, (void)args;
	return domu_destroy(d);
}

static uint64_t online_pcpus(void)
{
	uint64_t mask = 0;

	for (unsigned int i = 0; i < pcpu_count() && i < 64; i++) {
		if (pcpu_get(i)->online) {
			mask |= 1ULL << i;
		}
	}
	return mask;
}

static long ctl_vcpu_info(struct vcpu *v, struct sable_ctl *c, struct domain *d,
			  const uint64_t args[5])
{
	struct sable_ctl_vcpu_info *out = &c->u.vcpu;
	struct vcpu *t;
	enum vcpu_state s;

	(void)v, (void)args;
	if (out->vcpu >= d->nr_vcpus || out->pad) {
		return -EINVAL;
	}
	t = d->vcpus[out->vcpu];
	s = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
	out->flags = 0;
	if (s != VCPU_OFFLINE) {
		out->flags |= SABLE_VCPUINF_online;
	}
	if (s == VCPU_RUNNING) {
		out->flags |= SABLE_VCPUINF_running;
	}
	if (s == VCPU_BLOCKED) {
		out->flags |= SABLE_VCPUINF_blocked;
	}
	out->pcpu = t->pcpu;
	out->cpu_time_ns = vcpu_time_ns(t);
	out->affinity = t->hard_affinity & online_pcpus();
	out->soft_affinity = t->soft_affinity & online_pcpus();
	return 0;
}

static long ctl_physinfo(struct vcpu *v, struct sable_ctl *c, struct domain *d,
			 const uint64_t args[5])
{
	struct sable_ctl_physinfo *out = &c->u.phys;

	(void)v, (void)d, (void)args;
	memset(out, 0, sizeof(*out));
	for (uint64_t m = online_pcpus(); m; m &= m - 1) {
		out->nr_cpus++;
	}
	out->max_domains = MAX_DOMAINS;
	out->total_kib = mm_total_pages_count() << (PAGE_SHIFT - 10);
	out->free_kib = mm_free_pages_count() << (PAGE_SHIFT - 10);
	out->cpu_khz = arch_counter_freq() / 1000;
	out->uptime_ns = ticks_to_ns(arch_counter());
	for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
		if (domain_lookup((domid_t)i)) {
			out->nr_domains++;
		}
	}
	out->xen_major = SABLE_XEN_MAJOR;
	out->xen_minor = SABLE_XEN_MINOR;
	return 0;
}

static long ctl_console_read(struct vcpu *v, struct sable_ctl *c,
			     struct domain *d, const uint64_t args[5])
{
	struct sable_ctl_console_read *io = &c->u.console;
	uint32_t want = MIN(io->len, CONSOLE_HISTORY);
	uint64_t index = io->index;
	char buf[CONSOLE_PIECE];
	uint32_t done = 0;

	(void)v, (void)d, (void)args;
	if (io->clear > 1) {
		return -EINVAL;
	}
	while (done < want) {
		size_t n = console_history_read(
			&index, buf, MIN(want - done, CONSOLE_PIECE), false);

		if (!n) {
			break;
		}
		if (copy_to_guest(io->buf + done, buf, n)) {
			return -EFAULT;
		}
		done += (uint32_t)n;
	}
	if (io->clear) {
		console_history_read(&index, buf, 0, true);
	}
	io->len = done;
	io->index = index;
	return 0;
}

static long ctl_set_max_mem(struct vcpu *v, struct sable_ctl *c,
			    struct domain *d, const uint64_t args[5])
{
	uint64_t kib = c->u.max_mem.max_mem_kib;
	uint64_t pages = ALIGN_UP(kib, 4) >> 2;

	(void)v, (void)args;
	if (kib > (mm_total_pages_count() << (PAGE_SHIFT - 10))) {
		return -EINVAL;
	}
	/*
	 * As Xen's XEN_DOMCTL_max_mem: below what the domain holds is allowed
	 * (xl mem-set lowers it before the balloon driver gives pages back);
	 * the domain then gets no page until it is under the limit.
	 */
	spin_lock(&d->p2m.lock);
	d->max_pages = pages;
	spin_unlock(&d->p2m.lock);
	return 0;
}

static long ctl_shutdown(struct vcpu *v, struct sable_ctl *c, struct domain *d,
			 const uint64_t args[5])
{
	(void)v, (void)args;
	if (c->u.shutdown.reason > SHUTDOWN_watchdog) {
		return -EINVAL;
	}
	domain_shutdown(d, c->u.shutdown.reason);
	return 0;
}

static long ctl_rename(struct vcpu *v, struct sable_ctl *c, struct domain *d,
		       const uint64_t args[5])
{
	(void)v, (void)args;
	return domu_rename(d, c->u.rename.name, sizeof(c->u.rename.name));
}

static long ctl_sched_get(struct vcpu *v, struct sable_ctl *c, struct domain *d,
			  const uint64_t args[5])
{
	(void)v, (void)args;
	c->u.sched.weight = __atomic_load_n(&d->sched_weight, __ATOMIC_RELAXED);
	c->u.sched.cap = __atomic_load_n(&d->sched_cap, __ATOMIC_RELAXED);
	return 0;
}

/* The scheduler reads both at each charge and pick: they apply at once. */
static long ctl_sched_set(struct vcpu *v, struct sable_ctl *c, struct domain *d,
			  const uint64_t args[5])
{
	(void)v, (void)args;
	if (c->u.sched.weight == 0 || c->u.sched.weight > SCHED_WEIGHT_MAX ||
	    c->u.sched.cap > 100) {
		return -EINVAL;
	}
	__atomic_store_n(&d->sched_weight, c->u.sched.weight, __ATOMIC_RELAXED);
	__atomic_store_n(&d->sched_cap, c->u.sched.cap, __ATOMIC_RELAXED);
	return 0;
}

/* Checked, then refused: vCPUs stay on their home pCPU. */
static long ctl_vcpu_affinity(struct vcpu *v, struct sable_ctl *c,
			      struct domain *d, const uint64_t args[5])
{
	const struct sable_ctl_vcpu_affinity *a = &c->u.affinity;

	(void)v, (void)args;
	if (a->vcpu >= d->nr_vcpus || a->pad || !(a->hard & online_pcpus())) {
		return -EINVAL;
	}
	if (d->is_dying) {
		return -ESRCH;
	}
	return sched_set_affinity(d->vcpus[a->vcpu], a->hard,
				  a->soft ? a->soft : SCHED_AFFINITY_ALL);
}

static long ctl_boot_manage(struct vcpu *v, struct sable_ctl *c,
			    struct domain *d, const uint64_t args[5])
{
	(void)v, (void)args;
	memset(&c->u.boot, 0, sizeof(c->u.boot));
	return domu_boot_manage(d, c->u.boot.on);
}

static long ctl_boot_restart(struct vcpu *v, struct sable_ctl *c,
			     struct domain *d, const uint64_t args[5])
{
	(void)v, (void)c, (void)args;
	return domu_boot_restart(d);
}

static const char *const vcpu_state_name[] = {
	[VCPU_OFFLINE] = "offline", [VCPU_RUNNABLE] = "runnable",
	[VCPU_RUNNING] = "running", [VCPU_BLOCKED] = "blocked",
	[VCPU_PAUSED] = "paused",
};

static const char *const port_state_name[] = {
	[EVTCHNSTAT_unbound] = "unbound",
	[EVTCHNSTAT_interdomain] = "interdomain",
	[EVTCHNSTAT_virq] = "virq",
	[EVTCHNSTAT_ipi] = "ipi",
};

/* A vCPU's scheduling, upcall and event-queue state on one line. */
static void dump_vcpu(struct domain *d, struct vcpu *x)
{
	struct evtchn_vcpu_snap e;
	char ppi[40];

	evtchn_vcpu_snapshot(&d->evtchn, x->id, &e);
	vgic_private_describe(&d->vgic, x->vgic, EVTCHN_UPCALL_INTID, ppi,
			      sizeof(ppi));
	pr_info("d%u v%u: %s%s pCPU %u, upcall_pending %u, PPI %u %s\n", d->id,
		x->id, vcpu_state_name[x->state], x->paused ? " paused" : "",
		x->pcpu, e.upcall_pending, EVTCHN_UPCALL_INTID, ppi);
	if (e.fifo) {
		unsigned int q = EVTCHN_FIFO_PRIORITY_DEFAULT;

		pr_info("d%u v%u: fifo ready 0x%x, head[%u] %u, tail[%u] %u\n",
			d->id, x->id, e.ready, q, e.head[q], q, e.tail[q]);
	} else {
		pr_info("d%u v%u: 2-level pending_sel 0x%lx\n", d->id, x->id,
			(unsigned long)e.pending_sel);
	}
}

/* Each bound port of @d, its peer and its guest-visible bits. */
static void dump_ports(struct domain *d)
{
	uint32_t n = evtchn_nr_ports(&d->evtchn);

	for (uint32_t p = 1; p < n; p++) {
		struct evtchn_port_snap s;

		if (evtchn_port_snapshot(&d->evtchn, p, &s)) {
			continue;
		}
		pr_info("d%u port %u: %s d%u:%u virq %u vCPU %u prio %u%s%s%s "
			"link %u\n",
			d->id, p, port_state_name[s.state], s.remote_dom,
			s.remote_port, s.virq, s.vcpu, s.priority,
			s.pending ? " P" : "", s.masked ? " M" : "",
			s.linked ? " L" : "", s.link);
	}
}

/*
 * Event channels of @d in the hypervisor's log (`xl debug-keys e`): its
 * vCPUs, their upcall and queues, every bound port.
 */
static long ctl_debug_dump(struct vcpu *v, struct sable_ctl *c,
			   struct domain *d, const uint64_t args[5])
{
	(void)v, (void)c, (void)args;
	pr_info("d%u (%s): event channels\n", d->id, d->name);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		dump_vcpu(d, d->vcpus[i]);
	}
	dump_ports(d);
	return 0;
}

typedef long (*ctl_fn)(struct vcpu *v, struct sable_ctl *c, struct domain *d,
		       const uint64_t args[5]);

enum ctl_target {
	CTL_ANY, /* no domain, or its own rule (domain_info) */
	CTL_DOMAIN, /* c->domid must exist */
	CTL_DOMU, /* c->domid must exist and not be the caller's */
};

struct ctl_cmd {
	ctl_fn fn;
	enum ctl_target target;
	bool copy_back; /* the structure carries OUT fields */
};

static const struct ctl_cmd ctl_cmds[] = {
	[SABLE_CTL_domain_info] = { ctl_domain_info, CTL_ANY, true },
	[SABLE_CTL_create] = { ctl_create, CTL_ANY, true },
	[SABLE_CTL_load] = { ctl_load, CTL_DOMU, false },
	[SABLE_CTL_build] = { ctl_build, CTL_DOMU, true },
	[SABLE_CTL_pause] = { ctl_pause, CTL_DOMU, false },
	[SABLE_CTL_unpause] = { ctl_unpause, CTL_DOMU, false },
	[SABLE_CTL_destroy] = { ctl_destroy, CTL_DOMU, false },
	[SABLE_CTL_vcpu_info] = { ctl_vcpu_info, CTL_DOMAIN, true },
	[SABLE_CTL_physinfo] = { ctl_physinfo, CTL_ANY, true },
	[SABLE_CTL_console_read] = { ctl_console_read, CTL_ANY, true },
	[SABLE_CTL_set_max_mem] = { ctl_set_max_mem, CTL_DOMAIN, false },
	[SABLE_CTL_shutdown] = { ctl_shutdown, CTL_DOMU, false },
	[SABLE_CTL_rename] = { ctl_rename, CTL_DOMAIN, false },
	[SABLE_CTL_sched_get] = { ctl_sched_get, CTL_DOMAIN, true },
	[SABLE_CTL_sched_set] = { ctl_sched_set, CTL_DOMAIN, false },
	[SABLE_CTL_vcpu_affinity] = { ctl_vcpu_affinity, CTL_DOMAIN, false },
	[SABLE_CTL_boot_manage] = { ctl_boot_manage, CTL_DOMU, true },
	[SABLE_CTL_boot_restart] = { ctl_boot_restart, CTL_DOMU, false },
	[SABLE_CTL_debug_dump] = { ctl_debug_dump, CTL_DOMAIN, false },
};

/* The target of @cmd: *@d, or NULL when it names none. */
static long ctl_target(const struct ctl_cmd *cmd, struct vcpu *v,
		       uint32_t domid, struct domain **d)
{
	*d = NULL;
	if (cmd->target == CTL_ANY) {
		return 0;
	}
	*d = domid < MAX_DOMAINS ? domain_lookup((domid_t)domid) : NULL;
	if (!*d) {
		return -ESRCH;
	}
	if (cmd->target == CTL_DOMU && (*d == v->dom || (*d)->privileged)) {
		return -EPERM;
	}
	return 0;
}

long do_sable_ctl(struct vcpu *v, const uint64_t args[5])
{
	const struct ctl_cmd *cmd;
	struct sable_ctl c;
	struct domain *d;
	long rc;

	if (!v->dom->privileged) {
		return -EPERM;
	}
	if (copy_from_guest(&c, args[0], sizeof(c))) {
		return -EFAULT;
	}
	if (c.version != SABLE_CTL_VERSION) {
		return -EACCES;
	}
	if (c.pad != 0) {
		return -EINVAL;
	}
	if (c.cmd >= ARRAY_SIZE(ctl_cmds) || !ctl_cmds[c.cmd].fn) {
		return -ENOSYS;
	}
	cmd = &ctl_cmds[c.cmd];
	rc = ctl_target(cmd, v, c.domid, &d);
	if (rc) {
		return rc;
	}
	rc = cmd->fn(v, &c, d, args);
	if (!rc && cmd->copy_back && copy_to_guest(args[0], &c, sizeof(c))) {
		return -EFAULT;
	}
	return rc;
}
