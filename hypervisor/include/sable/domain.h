/* SPDX-License-Identifier: MIT */
/*
 * Domains and vCPUs. A domain owns a stage-2 table, its vCPUs and (through
 * the modules embedded here) its event channels and grant table.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <arch/vcpu.h>
#include <evtchn.h>
#include <gnttab.h>
#include <public/hvm.h>
#include <sable/mmio.h>
#include <sable/vgic.h>
#include <sable/p2m.h>
#include <sable/percpu.h>
#include <sable/runstate.h>
#include <sable/spinlock.h>
#include <sable/types.h>

#define MAX_DOMAINS 64
#define MAX_VCPUS 8

/* A domain's scheduling weight unless set (docs/scheduler.md). */
#define SCHED_WEIGHT_DEFAULT 256
/*
 * dom0's weight unless dom0_weight= says otherwise: twice a domU's, as it
 * serves every domU's backends, toolstack and consoles
 * (docs/scheduler.md, Parameters).
 */
#define SCHED_WEIGHT_DOM0 512
/* Weights run from 1 to this (Xen's credit range). */
#define SCHED_WEIGHT_MAX 65535

enum vcpu_state {
	VCPU_OFFLINE, /* not started (PSCI CPU_OFF or never on) */
	VCPU_RUNNABLE, /* on a run queue */
	VCPU_RUNNING, /* on a pCPU */
	VCPU_BLOCKED, /* waiting for an interrupt or event */
	VCPU_PAUSED, /* domain paused or shut down */
};

/* Xen's SHUTDOWN_* reasons (sched.h). */
enum shutdown_reason {
	SHUTDOWN_poweroff = 0,
	SHUTDOWN_reboot = 1,
	SHUTDOWN_suspend = 2,
	SHUTDOWN_crash = 3,
	SHUTDOWN_watchdog = 4,
	SHUTDOWN_soft_reset = 5,
};

struct domain;

struct vcpu {
	struct domain *dom;
	unsigned int id;
	/*
	 * Its home: the pCPU it runs on, or whose run queue (or timed-block
	 * list) holds it. Changes (migration) only with the run-queue locks
	 * of the old and the new home held; readers that need it stable take
	 * the home's lock through sched_lock_home().
	 */
	unsigned int pcpu;
	/*
	 * pCPUs it may run on (hard) and prefers (soft), a bit per pCPU,
	 * all set by default; changed by sched_set_affinity() under the
	 * home's run-queue lock (docs/scheduler.md, Affinity).
	 */
	uint64_t hard_affinity, soft_affinity;
	/*
	 * When it last changed home; when it joined a run queue (woken or
	 * preempted: how long it has waited, kept across a move); its run
	 * time (cpu_time) at its last WFE trap and how many came in a row
	 * (directed yield). rq_lock.
	 */
	uint64_t migrated_at;
	uint64_t queued_at;
	uint64_t wfe_last;
	unsigned int wfe_run;
	/* Written under the run-queue lock of pcpu. */
	enum vcpu_state state;
	struct vcpu *rq_next;
	bool on_rq; /* on its home's run queue */
	/*
	 * Scheduler accounting, in counter ticks; written under the run-queue
	 * lock of pcpu. vtime: run time * 256 / weight (the fair share
	 * clock); cap_used: run time in the cap period from cap_start.
	 */
	uint64_t vtime;
	uint64_t run_start;
	uint64_t cpu_time;
	/* When it last blocked (0: never): interactive for a while after. */
	uint64_t blocked_at;
	uint64_t cap_start, cap_used;
	/* A timed block (SCHEDOP_poll) ends at sleep_until (0: none). */
	uint64_t sleep_until;
	struct vcpu *sleep_next;
	/*
	 * Its domain is paused (domain_pause) or being destroyed: it is on no
	 * run queue and not entered; a wake-up makes it VCPU_RUNNABLE, and it
	 * joins the queue at domain_unpause(). Under the run-queue lock.
	 */
	bool paused;
	/* Set when an interrupt for this vCPU is waiting: wakes WFI. */
	volatile bool wake_pending;
	struct vgic_vcpu *vgic;
	/*
	 * Last level given to the event upcall PPI, written only with the
	 * vGIC lock held, together with the line (vcpu_sync_upcall).
	 */
	bool upcall_line;
	struct vcpu_runstate runstate; /* what guests see: runstate.h */
	/* The frame holding a registered vcpu_info, referenced while used. */
	mfn_t vcpu_info_mfn;
	bool vcpu_info_held;
	struct arch_vcpu arch;
};

/* Watchdog timers a domain may have (Xen's NR_DOMAIN_WATCHDOG_TIMERS). */
#define DOMAIN_WATCHDOGS 2

struct domain {
	domid_t id;
	char name[32];
	bool privileged;
	bool direct_map; /* IPA == PA for RAM (dom0) */
	unsigned int nr_vcpus;
	struct vcpu *vcpus[MAX_VCPUS];
	/*
	 * Share of CPU time against other vCPUs of a pCPU (1..65535, default
	 * 256) and cap in percent of a pCPU per vCPU (0: none); set before
	 * the domain runs.
	 */
	unsigned int sched_weight;
	unsigned int sched_cap;
	struct p2m p2m;
	uint64_t ram_base; /* IPA of RAM bank 0 */
	uint64_t ram_size;
	/*
	 * RAM frames the domain holds (allocation references) and may hold;
	 * changed under p2m.lock.
	 */
	uint64_t tot_pages;
	uint64_t max_pages;
	/*
	 * Hypervisor pages held on the domain's behalf besides its stage-2
	 * tables: event-channel buckets and FIFO state, grant frames,
	 * maptrack frames (domain_charge(); atomic).
	 */
	uint64_t xen_pages;
	uint64_t max_xen_pages;
	/*
	 * Protects: shinfo_gfn and the gfns of the grant frames while they
	 * move (add_to_physmap); taken with no other lock held.
	 */
	spinlock_t physmap_lock;
	uint64_t shinfo_gfn; /* where shared_info is mapped, ~0 if nowhere */
	/* Protects: is_shutdown, shutdown_reason, shutdown_code, is_dying. */
	spinlock_t lock;
	bool is_shutdown;
	unsigned int shutdown_reason;
	int shutdown_code; /* SCHEDOP_shutdown_code, -1 if unset */
	/*
	 * Being destroyed (domain_destroy; domain info: SABLE_DOMINF_dying):
	 * paused for good, torn down, still listed until the last frame of
	 * it that another domain referenced is freed (docs/lifecycle.md).
	 * Set once, under lock; read without it.
	 */
	bool is_dying;
	/*
	 * Shut down, and to be destroyed by the hypervisor itself (a boot-time
	 * domain's shutdown action) at the next quiescent point of a pCPU
	 * that does not run it (atomic; domain_destroy_later()).
	 */
	bool destroy_pending;
	/*
	 * Protects: pause_count and the vCPUs' paused flags as a whole
	 * (domain_pause, domain_unpause, domain_destroy). Outermost: taken
	 * with no other lock held; it then takes the run-queue locks.
	 */
	spinlock_t pause_lock;
	unsigned int pause_count; /* toolstack pauses outstanding */
	/* Lifecycle of a dying domain (domain_destroy.c). */
	uint64_t reap_cursor; /* frame table index its RAM release reached */
	/* Next on the list of teardowns under way, then of buried ones. */
	struct domain *reap_next;
	bool released_refs; /* grants, foreign maps, stage 2 gone */
	bool torn_down; /* teardown finished (atomic) */
	bool buried; /* left domains[] (atomic: one winner) */
	uint64_t grace_cpus; /* pCPUs yet to pass a quiescent point */
	/* Emulated MMIO regions; set up before the domain runs. */
	struct mmio_region mmio[MAX_MMIO_REGIONS];
	unsigned int nr_mmio;
	struct vgic vgic;
	struct evtchn_domain evtchn;
	struct gnttab_domain gnttab;
	struct shared_info *shinfo; /* the shared_info page */
	uint64_t hvm_params[HVM_NR_PARAMS];
	/* VMASST_TYPE_* enabled, bit per type (vm_assist; atomic). */
	uint64_t vm_assist;
	/*
	 * SCHEDOP_watchdog (watchdog.c, under its lock): the timers in use
	 * (bit per timer), each one's deadline (counter; 0 once it fired)
	 * and period in seconds.
	 */
	uint8_t watchdog_inuse;
	uint64_t watchdog_deadline[DOMAIN_WATCHDOGS];
	uint32_t watchdog_timeout[DOMAIN_WATCHDOGS];
};

/*
 * A new domain listed under @id (vCPUs offline, no RAM yet), or NULL: a
 * bad argument, the id in use (or being created, or a dying domain's),
 * or memory short. A failure leaves nothing allocated.
 */
struct domain *domain_create(domid_t id, const char *name,
			     unsigned int nr_vcpus, bool privileged,
			     unsigned int nr_spis);
/*
 * The domain listed under @id (a dying one included: see is_dying), or
 * NULL. The pointer stays valid until this pCPU next returns to a guest
 * or enters the scheduler (docs/lifecycle.md, grace period).
 */
struct domain *domain_lookup(domid_t id);
/*
 * Set @v's event upcall PPI to its evtchn_upcall_pending now (both read
 * and driven under the vGIC lock). Guest entry and event kicks.
 */
void vcpu_sync_upcall(struct vcpu *v);
/* Translate one of @d's frames (takes the p2m lock). 0 or -ENOENT. */
int domain_gfn_lookup(struct domain *d, uint64_t gfn, paddr_t *pa,
		      enum p2m_type *type);
unsigned int domain_count_alive(void);
/*
 * The domain's RAM bank: @pages frames at machine address @pa, given to it
 * in the frame table and mapped at IPA @base. Sets the p2m budget from the
 * RAM size and vCPU count unless @p2m_pages is not 0. 0 or negative errno.
 */
int domain_give_ram(struct domain *d, uint64_t base, paddr_t pa, uint64_t size,
		    uint64_t p2m_pages);

/* One console line: stage-2 tables in use, peak and budget; RAM pages. */
void domain_report_memory(struct domain *d);
/*
 * Tell the control domain (xenstored, the toolstack) with VIRQ_DOM_EXC
 * that @d shut down, started dying or is gone.
 */
void domain_notify_control(struct domain *d);
/*
 * Set (quiescent_arm) by whatever leaves work for quiescent points: a
 * destroy asked for, a domain in its grace period or being reaped, a
 * boot-time build scrubbing. Cleared by domain_quiescent_work() once it
 * finds none left. Read on every return to a guest.
 */
extern bool quiescent_due;
void quiescent_arm(void);
void domain_quiescent_work(void);
/*
 * This pCPU holds no domain or vCPU pointer now (it returns to a guest or
 * goes idle): a piece of a destroyed domain's RAM is given back, the
 * grace period of buried domains advances, and the ones whose grace
 * period ended are freed. One load when none waits.
 */
static inline void domain_quiescent(void)
{
	if (__atomic_load_n(&quiescent_due, __ATOMIC_SEQ_CST)) {
		domain_quiescent_work();
	}
}
/*
 * Whether a destroyed domain still has teardown work or a grace period
 * waiting for quiescent points (tests run them until there is none).
 */
bool domain_destroy_pending(void);
/*
 * Charge @pages of hypervisor memory to @d (negative: give them back).
 * 0, or -ENOMEM past max_xen_pages (nothing charged).
 */
int domain_charge(struct domain *d, long pages);

/* physmap.c: the guest physical map, with ownership and references. */
int physmap_get_ram(struct domain *d, uint64_t gfn, bool writable, mfn_t *mfn);
int physmap_add(struct domain *d, uint64_t gfn, paddr_t pa, enum p2m_type type);
int physmap_remove(struct domain *d, uint64_t gfn);
int physmap_populate(struct domain *d, uint64_t gfn);
int physmap_decrease(struct domain *d, uint64_t gfn);
int physmap_map_foreign(struct domain *d, uint64_t gfn, struct domain *fd,
			uint64_t fgfn);
/*
 * Mark @d shut down for @reason (Xen's SHUTDOWN_*): reported, dom0 told,
 * the boot-time domain's shutdown action taken (destroy or restart, at a
 * quiescent point); the machine stops with dom0, or when no domain is
 * left and none is to be restarted.
 */
void domain_shutdown(struct domain *d, unsigned int reason);
/* No domain left and none to be restarted: power the machine off. */
void domain_stop_machine_if_idle(void);
/*
 * Destroy @d (shut down) at the next quiescent point of a pCPU that is
 * not running one of its vCPUs (a vCPU of it met there is stopped first).
 */
void domain_destroy_later(struct domain *d);
/*
 * Toolstack pause, counted: every vCPU of @d is taken off its pCPU (remote
 * pCPUs are interrupted and waited for) before domain_pause() returns, and
 * none runs again until as many domain_unpause() calls have been made.
 * Never for the caller's own domain. domain_unpause() of a domain that is
 * not paused returns -EINVAL.
 * Errors: -EINVAL (the caller's own domain, a dying domain, unpause at
 * count 0), -EBUSY (65535 pauses outstanding). Called from a hypercall of
 * the control domain: domain_pause() may wait for other pCPUs.
 */
int domain_pause(struct domain *d);
int domain_unpause(struct domain *d);
/*
 * Destroy @d (not dom0): pause it for good, close its event channels (their
 * peers see them unbound), release the grants it maps and its foreign
 * mappings, tear down its stage 2 and give back its RAM. It stays listed as
 * dying while another domain still references one of its frames (a backend's
 * grant map) and disappears, with VIRQ_DOM_EXC raised in dom0, when the last
 * reference goes. 0 (also when already dying) or negative errno: -EPERM
 * for dom0 or a privileged domain, -EINVAL for the caller's own domain.
 * Its RAM is given back after the call, in pieces at quiescent points;
 * docs/lifecycle.md.
 */
int domain_destroy(struct domain *d);

/* sched.c */
void sched_add_vcpu(struct vcpu *v);
/* PSCI CPU_ON: start an offline vCPU at @entry; -EEXIST if it is not. */
int sched_power_on(struct vcpu *v, uint64_t entry, uint64_t ctx);
void sched_wake(struct vcpu *v);
/* WFI: block unless an interrupt is pending (masked or not). */
void sched_block_current(void);
/*
 * SCHEDOP_block, SCHEDOP_poll: block until woken or the counter reaches
 * @until (0: no limit); a pending interrupt returns at once only while
 * the guest has interrupts unmasked.
 */
void sched_block_current_until(uint64_t until);
void sched_yield_current(void);
/* A reschedule request: the policy picks, maybe the current vCPU again. */
void sched_preempt_current(void);
/*
 * The scheduling deadline may have passed at @now: ask for a reschedule.
 * The arch may pass a time up to its timer interrupt's lateness ahead
 * (arm64: the timer advance), so that deadlines are met on average.
 */
void sched_tick(uint64_t now);
void sched_pause_current(void);
void sched_pause_current_offline(void);
/*
 * Remote pause of one vCPU (domain_pause holds the domain's pause_lock):
 * mark it paused, take it off its run queue, and if it runs on another
 * pCPU send that pCPU a reschedule. True if it was running: then
 * sched_wait_descheduled() waits until that pCPU has switched away.
 */
bool sched_pause_vcpu(struct vcpu *v);
void sched_wait_descheduled(struct vcpu *v);
/*
 * Let @v run again: queued if it would be runnable (online, not blocked),
 * stopped instead if its domain shut down meanwhile (@shut_down).
 */
void sched_unpause_vcpu(struct vcpu *v, bool shut_down);
/* Destroy: @v leaves the scheduler for good (queue, timed block). */
void sched_retire_vcpu(struct vcpu *v);
__attribute__((noreturn)) void sched_run(void);
/*
 * WFE of the current vCPU: yield, preferably to a preempted sibling vCPU
 * of its domain (a lock holder), pulled from another pCPU if need be; a
 * vCPU trapping on WFE again and again is taken as spinning and goes
 * behind the others of its queue (docs/scheduler.md, Directed yield).
 */
void sched_yield_directed(void);
/*
 * The slice while others wait (sched_slice_us= at boot): 500 us to 10 ms
 * and not below the sibling slice; -EINVAL otherwise.
 */
int sched_set_slice(uint64_t us);
/*
 * The slice while a sibling vCPU waits on the pCPU (sched_sibling_slice_us=
 * at boot): 100 us to the slice; -EINVAL otherwise.
 */
int sched_set_sibling_slice(uint64_t us);

/* sched_place.c: affinity, placement, migration. */
#define SCHED_AFFINITY_ALL (~0ULL)
/*
 * Set @v's hard and soft affinity (bit n: pCPU n). @hard must include an
 * online pCPU (-EINVAL otherwise; nothing changes); @soft is a preference
 * among the hard ones and may be anything. A queued or blocked @v moves to
 * an allowed pCPU at once; a running one is made to reschedule (an IPI for
 * another pCPU) and leaves its pCPU at that point. 0 or -EINVAL.
 */
int sched_set_affinity(struct vcpu *v, uint64_t hard, uint64_t soft);
