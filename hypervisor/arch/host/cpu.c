/* SPDX-License-Identifier: MIT */
/*
 * Host pCPUs for the core's unit tests: the per-CPU structures, a
 * thread-local "this pCPU", and the hooks that on EL2 never come back
 * (enter a guest, stop the machine) unwinding to the innermost host_run().
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/hypercall.h>
#include <sable/percpu.h>
#include <sable/vdev_env.h>

#include "../../core/sched_arch.h"
#include "core_host.h"

static struct pcpu pcpus[MAX_CPUS];
static unsigned int nr_pcpus;
static __thread struct pcpu *cpu_self;

struct run_frame {
	jmp_buf jmp;
	struct host_stop stop;
};

/* The innermost host_run() of this thread, or NULL. */
static __thread struct run_frame *run_top;

void host_cpus_init(unsigned int nr)
{
	if (nr == 0 || nr > MAX_CPUS) {
		nr = 1;
	}
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		pcpus[i].id = i;
		pcpus[i].mpidr = i;
		pcpus[i].online = i < nr;
		spin_lock_init(&pcpus[i].rq_lock);
	}
	nr_pcpus = nr;
	cpu_self = &pcpus[0];
}

void host_cpu_select(unsigned int id)
{
	if (!nr_pcpus) {
		host_cpus_init(1);
	}
	cpu_self = &pcpus[id < nr_pcpus ? id : 0];
}

struct pcpu *this_cpu(void)
{
	if (!cpu_self) {
		host_cpu_select(0);
	}
	return cpu_self;
}

struct pcpu *pcpu_get(unsigned int id)
{
	return id < MAX_CPUS ? &pcpus[id] : NULL;
}

unsigned int pcpu_count(void)
{
	if (!nr_pcpus) {
		host_cpus_init(1);
	}
	return nr_pcpus;
}

enum host_stop_kind host_run(void (*fn)(void *), void *arg,
			     struct host_stop *stop)
{
	struct run_frame f = { .stop = { .kind = HOST_RETURNED } };
	struct run_frame *outer = run_top;

	run_top = &f;
	if (setjmp(f.jmp) == 0) {
		fn(arg);
	}
	run_top = outer;
	if (stop) {
		*stop = f.stop;
	}
	return f.stop.kind;
}

__attribute__((noreturn)) static void unwind(enum host_stop_kind kind,
					     struct vcpu *v, int status)
{
	struct run_frame *f = run_top;

	if (!f) {
		fprintf(stderr,
			"host: stop %d (vcpu %p, status %d) outside "
			"host_run()\n",
			(int)kind, (void *)v, status);
		abort();
	}
	f->stop.kind = kind;
	f->stop.vcpu = v;
	f->stop.status = status;
	longjmp(f->jmp, 1);
}

void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t x0)
{
	v->arch.entry = entry;
	v->arch.x0 = x0;
	v->arch.inits++;
}

void arch_vcpu_run(struct vcpu *v)
{
	v->arch.runs++;
	this_cpu()->loaded = v;
	runstate_switch_in(v); /* as arm64, once the vCPU is loaded */
	unwind(HOST_VCPU_RUN, v, 0);
}

void sched_arch_save_current(struct vcpu *v)
{
	v->arch.saves++;
}

/* Rounds of quiescent points played (host_quiesce_all). */
unsigned int host_quiesce_rounds;

static void preempt_fn(void *arg)
{
	(void)arg;
	sched_preempt_current();
}

/*
 * domain_pause() waits for pCPU @cpu: play that pCPU taking the
 * reschedule SGI on its way back to the guest (irq.c), then come back.
 */
void sched_arch_wait_for(unsigned int cpu)
{
	struct pcpu *self = this_cpu(), *c = pcpu_get(cpu);

	if (!c || !c->current) {
		return;
	}
	c->arch.remote_preempts++;
	cpu_self = c;
	c->resched = false;
	host_run(preempt_fn, NULL, NULL);
	cpu_self = self;
}

void sched_arch_forget_vcpu(struct vcpu *v)
{
	struct pcpu *c = this_cpu();

	c->arch.forgets++;
	if (c->loaded == v) {
		c->loaded = NULL;
	}
}

void host_quiesce_all(void)
{
	struct pcpu *self = this_cpu();

	do {
		for (unsigned int i = 0; i < nr_pcpus; i++) {
			cpu_self = &pcpus[i];
			domain_quiescent();
		}
	} while (domain_destroy_pending() && host_quiesce_rounds++ < 100000);
	cpu_self = self;
}

bool sched_arch_irqs_masked(struct vcpu *v)
{
	return v->arch.irqs_masked;
}

/* sched_run() found nothing to run: EL2 would sleep in WFI. */
/*
 * The guest would issue the same HVC again with @args in x0..x4: the
 * harness does so (tests/unit/core). No physical interrupt ever waits on
 * the host unless a test says so.
 */
void arch_hypercall_continue(struct vcpu *v, const uint64_t args[5])
{
	for (unsigned int i = 0; i < 5; i++) {
		v->arch.cont_args[i] = args[i];
	}
	v->arch.continued = true;
	v->arch.continuations++;
}

bool host_irq_pending;

bool arch_irq_pending(void)
{
	return host_irq_pending;
}

void arch_idle(void)
{
	this_cpu()->arch.idles++;
	unwind(HOST_IDLE, NULL, 0);
}

void arch_send_resched(unsigned int cpu)
{
	if (cpu < MAX_CPUS) {
		pcpus[cpu].arch.resched_ipis++;
		pcpus[cpu].resched = true;
	}
}

void arch_machine_exit(int status)
{
	unwind(HOST_MACHINE_EXIT, NULL, status);
}

void arch_machine_reset(void)
{
	unwind(HOST_MACHINE_RESET, NULL, 0);
}

/*
 * A counter that advances 1 ms of its 1 MHz frequency on every read:
 * deterministic, and loops that wait on it (the console drain before a
 * power-off) end after a bounded number of reads. A test that measures
 * time stops it (host_clock_manual()) and moves it itself.
 */
#define HOST_COUNTER_FREQ 1000000ULL

static uint64_t counter;
static bool counter_manual;

uint64_t arch_counter(void)
{
	if (counter_manual) {
		return __atomic_load_n(&counter, __ATOMIC_RELAXED);
	}
	return __atomic_add_fetch(&counter, HOST_COUNTER_FREQ / 1000,
				  __ATOMIC_RELAXED);
}

uint64_t arch_counter_freq(void)
{
	return HOST_COUNTER_FREQ;
}

void host_clock_manual(bool manual)
{
	counter_manual = manual;
}

void host_clock_set(uint64_t ticks)
{
	__atomic_store_n(&counter, ticks, __ATOMIC_RELAXED);
}

void sched_arch_set_deadline(uint64_t deadline)
{
	this_cpu()->arch.deadline = deadline;
	this_cpu()->arch.deadline_sets++;
}

/*
 * The EL2 timer interrupt as arm64 takes it (irq.c, vcpu.c): the timer is
 * stopped, the scheduler told, the timer set again from its deadline.
 */
bool host_serror_pending;

bool sched_arch_serror_sync(void)
{
	bool pending = host_serror_pending;

	host_serror_pending = false;
	return pending;
}

void host_timer_irq(uint64_t now)
{
	struct pcpu *c = this_cpu();

	c->arch.deadline = 0;
	sched_tick(now);
	c->arch.deadline = c->sched_deadline;
}
