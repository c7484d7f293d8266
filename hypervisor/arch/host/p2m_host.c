/* SPDX-License-Identifier: MIT */
/*
 * Host implementation of the stage-2 arch hooks: memory is ordinary heap
 * memory (PA == VA), descriptor writes are plain stores, TLB flushes only
 * get recorded. Every live write and flush is logged for the unit tests,
 * and break-before-make is checked on the fly.
 */
#include <stdlib.h>
#include <string.h>

#include <sable/p2m_arch.h>

#include "p2m_host.h"

#define ROOT_BYTES (2 * PAGE_SIZE)

static struct host_p2m_event events[HOST_P2M_LOG_MAX];
static unsigned int nr_events;
static bool logging = true;
static uint64_t bbm_violations;
static unsigned int root_failures;
/* The slot last invalidated since the last flush, if any. */
static uint64_t *broken_slot;

void host_p2m_log_reset(void)
{
	nr_events = 0;
}

void host_p2m_log_enable(bool on)
{
	logging = on;
}

unsigned int host_p2m_log_len(void)
{
	return nr_events;
}

const struct host_p2m_event *host_p2m_log_at(unsigned int i)
{
	return i < nr_events && i < HOST_P2M_LOG_MAX ? &events[i] : NULL;
}

void host_p2m_log_event(const struct host_p2m_event *ev)
{
	if (!logging) {
		return;
	}
	if (nr_events < HOST_P2M_LOG_MAX) {
		events[nr_events] = *ev;
	}
	nr_events++;
}

uint64_t host_p2m_bbm_violations(void)
{
	return bbm_violations;
}

void host_p2m_fail_root_allocs(unsigned int n)
{
	root_failures = n;
}

void *arch_p2m_alloc_root(void)
{
	void *root;

	if (root_failures) {
		root_failures--;
		return NULL;
	}
	root = aligned_alloc(ROOT_BYTES, ROOT_BYTES);
	if (root) {
		memset(root, 0, ROOT_BYTES);
	}
	return root;
}

void arch_p2m_free_root(void *root)
{
	free(root);
}

void *arch_p2m_pa_to_va(paddr_t pa)
{
	return (void *)(uintptr_t)pa.pa;
}

void arch_p2m_write_entry(uint64_t *slot, uint64_t val)
{
	uint64_t old = *slot;
	struct host_p2m_event ev = { .kind = HOST_P2M_EV_WRITE,
				     .slot = slot,
				     .val = val };

	if ((old & 1) && (val & 1) && old != val) {
		bbm_violations++;
	}
	if ((val & 1) && slot == broken_slot) {
		bbm_violations++;
	}
	if ((old & 1) && !(val & 1)) {
		broken_slot = slot;
	}
	__atomic_store_n(slot, val, __ATOMIC_RELEASE);
	host_p2m_log_event(&ev);
}

void arch_p2m_flush_ipa(struct p2m *p, ipaddr_t ipa, uint64_t size)
{
	struct host_p2m_event ev = { .kind = HOST_P2M_EV_FLUSH,
				     .ipa = ipa.ipa,
				     .size = size };

	(void)p;
	broken_slot = NULL;
	host_p2m_log_event(&ev);
}
