/* SPDX-License-Identifier: MIT */
/* The core test harness (core_test.h): domains, vCPUs, hypercalls. */
#include <libfdt.h>
#include <sched.h>

#include <public/memory.h>
#include <public/sable_ctl.h>
#include <public/xen.h>
#include <sable/arch.h>
#include <sable/hypercall.h>
#include <sable/lib.h>
#include <sable/mm.h>

#include "boot.h"
#include "sched_arch.h"
#include "core_test.h"

void hx_machine_init(void)
{
	ASSERT_EQ(host_ram_map(HX_RAM_SIZE), 0);
	host_ram_start_allocator();
	host_cpus_init(HX_NR_CPUS);
}

struct domain *hx_domain(domid_t id, unsigned int nr_vcpus, bool privileged,
			 uint64_t mem)
{
	char name[16];
	struct domain *d;
	paddr_t pa;
	int rc;

	snprintf(name, sizeof(name), "hx%u", id);
	mem = ALIGN_UP(mem, 2ULL << 20);
	pa = mm_alloc_pages(mem >> PAGE_SHIFT, (2ULL << 20) >> PAGE_SHIFT);
	ASSERT_NE(pa.pa, 0);
	memset((void *)(uintptr_t)pa.pa, 0, mem);
	d = domain_create(id, name, nr_vcpus, privileged, GUEST_NR_SPIS);
	ASSERT_TRUE(d != NULL);
	/* As the domain builders do: owned in the frame table, then mapped. */
	rc = domain_give_ram(d, GUEST_RAM_BASE, pa, mem, 0);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(vgic_register_mmio(d, GUEST_GICD_BASE, GUEST_GICR_BASE), 0);
	return d;
}

void hx_set_current(struct vcpu *v)
{
	struct pcpu *c;

	host_cpu_select(v->pcpu);
	c = this_cpu();
	spin_lock(&c->rq_lock);
	sched_rq_remove(c, v);
	v->state = VCPU_RUNNING;
	runstate_update(v);
	/* As sched_run() when it picks a vCPU: earlier wake-ups are spent. */
	v->wake_pending = false;
	c->slice_start = arch_counter();
	spin_unlock(&c->rq_lock);
	c->current = v;
}

void hx_run_fn(void *arg)
{
	(void)arg;
	sched_run();
}

void hx_preempt_fn(void *arg)
{
	(void)arg;
	sched_preempt_current();
}

void hx_block_fn(void *arg)
{
	(void)arg;
	sched_block_current();
}

enum host_stop_kind hx_run_pcpu(unsigned int id, struct host_stop *stop)
{
	host_cpu_select(id);
	return host_run(hx_run_fn, NULL, stop);
}

struct hx_call_ctx {
	struct vcpu *v;
	uint64_t nr;
	const uint64_t *args;
	long rc;
};

/* One call as the guest sees it: continuations issue it again. */
static void call_fn(void *arg)
{
	struct hx_call_ctx *c = arg;
	uint64_t args[5];

	for (unsigned int i = 0; i < 5; i++) {
		args[i] = c->args[i];
	}
	for (;;) {
		c->v->arch.continued = false;
		c->rc = hypercall_dispatch(c->v, c->nr, args);
		if (!c->v->arch.continued) {
			return;
		}
		for (unsigned int i = 0; i < 5; i++) {
			args[i] = c->v->arch.cont_args[i];
		}
	}
}

enum host_stop_kind hx_call_stop(struct vcpu *v, uint64_t nr,
				 const uint64_t args[5], long *rc,
				 struct host_stop *stop)
{
	struct hx_call_ctx c = { .v = v, .nr = nr, .args = args };
	enum host_stop_kind k;

	hx_set_current(v);
	k = host_run(call_fn, &c, stop);
	if (k == HOST_RETURNED && rc) {
		*rc = c.rc;
	}
	return k;
}

long hx_call(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	const uint64_t args[5] = { a0, a1, a2, 0, 0 };
	struct host_stop stop;
	long rc = 0;

	if (hx_call_stop(v, nr, args, &rc, &stop) != HOST_RETURNED) {
		UT_FAIL_(1, "hypercall %lu did not return (stop %d)",
			 (unsigned long)nr, (int)stop.kind);
	}
	return rc;
}

long hx_op_in(struct domain *d, uint64_t nr, uint64_t cmd, const void *arg,
	      size_t len, uint64_t a2)
{
	hx_put(d, hx_arg(d, 0), arg, len);
	return hx_call(d->vcpus[0], nr, cmd, hx_arg(d, 0), a2);
}

long hx_op(struct domain *d, uint64_t nr, uint64_t cmd, void *arg, size_t len,
	   uint64_t a2)
{
	long rc = hx_op_in(d, nr, cmd, arg, len, a2);

	hx_get(d, hx_arg(d, 0), arg, len);
	return rc;
}

long hx_ctl(struct domain *d, struct sable_ctl *c)
{
	long rc;

	hx_put(d, HX_ARG0, c, sizeof(*c));
	rc = hx_call(d->vcpus[0], __HYPERVISOR_sable_ctl, HX_ARG0, 0, 0);
	hx_get(d, HX_ARG0, c, sizeof(*c));
	return rc;
}

void *hx_va(struct domain *d, uint64_t ipa)
{
	paddr_t pa;
	enum p2m_type t;

	if (domain_gfn_lookup(d, ipa >> PAGE_SHIFT, &pa, &t)) {
		return NULL;
	}
	return (void *)(uintptr_t)((pa.pa & PAGE_MASK) | (ipa & ~PAGE_MASK));
}

enum p2m_type hx_type(struct domain *d, uint64_t gfn)
{
	paddr_t pa;
	enum p2m_type t = p2m_invalid;

	if (domain_gfn_lookup(d, gfn, &pa, &t)) {
		return p2m_invalid;
	}
	return t;
}

static void guest_copy(struct domain *d, uint64_t ipa, void *buf, size_t len,
		       bool put)
{
	char *b = buf;

	while (len) {
		size_t n = MIN(len, (size_t)(PAGE_SIZE - (ipa & ~PAGE_MASK)));
		char *va = hx_va(d, ipa);

		ASSERT_TRUE(va != NULL);
		if (put) {
			memcpy(va, b, n);
		} else {
			memcpy(b, va, n);
		}
		ipa += n;
		b += n;
		len -= n;
	}
}

void hx_put(struct domain *d, uint64_t ipa, const void *buf, size_t len)
{
	guest_copy(d, ipa, (void *)buf, len, true);
}

void hx_get(struct domain *d, uint64_t ipa, void *buf, size_t len)
{
	guest_copy(d, ipa, buf, len, false);
}

bool hx_console_clean(void)
{
	return strstr(host_console_output(), "sable: ERROR") == NULL;
}

/* ---- boot ---------------------------------------------------------------- */

struct machine hx_boot_machine;

static void boot_fn(void *arg)
{
	boot_main(arg);
}

enum host_stop_kind hx_boot(const void *fdt, struct host_stop *stop)
{
	struct machine *m = &hx_boot_machine;
	const char *why = NULL;

	if (machine_parse(fdt, m, &why)) {
		UT_FAIL_(1, "machine_parse: %s", why);
	}
	ASSERT_EQ(m->ram_base, HOST_RAM_BASE);
	ASSERT_TRUE(m->ram_size <= host_ram_size());
	/* As arm64's setup.c: allocator over the bank, boot data reserved. */
	mm_init(m->ram_base, m->ram_size, (void *)(uintptr_t)m->ram_base);
	mm_reserve((uint64_t)(uintptr_t)fdt, m->fdt_size);
	for (unsigned int i = 0; i < m->nr_modules; i++) {
		mm_reserve(m->modules[i].addr, m->modules[i].size);
	}
	host_cpus_init(m->nr_cpus);
	return host_run(boot_fn, m, stop);
}

uint64_t hx_arg(struct domain *d, unsigned int n)
{
	return d->ram_base + 0x100000 + (uint64_t)n * PAGE_SIZE;
}

long hx_reserve(struct domain *d, unsigned int op, uint64_t gfn)
{
	struct xen_memory_reservation r = { .extent_start = hx_arg(d, 1),
					    .nr_extents = 1,
					    .domid = DOMID_SELF };

	hx_put(d, hx_arg(d, 1), &gfn, sizeof(gfn));
	hx_put(d, hx_arg(d, 0), &r, sizeof(r));
	return hx_call(d->vcpus[0], __HYPERVISOR_memory_op, op, hx_arg(d, 0),
		       0);
}

void hx_race_barrier(unsigned int *arrived, unsigned int phase)
{
	__atomic_fetch_add(arrived, 1, __ATOMIC_ACQ_REL);
	for (unsigned int spins = 0;
	     __atomic_load_n(arrived, __ATOMIC_ACQUIRE) < 2 * phase; spins++) {
		if (spins > 10000) {
			sched_yield(); /* the host may have fewer cores */
		}
	}
}
