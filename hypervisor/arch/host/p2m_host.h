/* SPDX-License-Identifier: MIT */
/*
 * Test controls of the host stage-2 hooks (p2m_host.c): the hooks record
 * every live descriptor write and TLB flush in order, so tests can check
 * break-before-make sequences.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum host_p2m_ev_kind {
	HOST_P2M_EV_WRITE, /* arch_p2m_write_entry(slot, val) */
	HOST_P2M_EV_FLUSH, /* arch_p2m_flush_ipa(p, ipa, size) */
	HOST_P2M_EV_FREE, /* a table page freed (logged by test wrappers) */
};

struct host_p2m_event {
	enum host_p2m_ev_kind kind;
	uint64_t *slot; /* WRITE */
	uint64_t val; /* WRITE: new value; FREE: page address */
	uint64_t ipa; /* FLUSH */
	uint64_t size; /* FLUSH */
};

#define HOST_P2M_LOG_MAX 65536

/* Forget the log. Recording is on at start. */
void host_p2m_log_reset(void);
void host_p2m_log_enable(bool on);
/* Events recorded since the reset (at most HOST_P2M_LOG_MAX kept). */
unsigned int host_p2m_log_len(void);
const struct host_p2m_event *host_p2m_log_at(unsigned int i);
void host_p2m_log_event(const struct host_p2m_event *ev);

/*
 * Writes that broke break-before-make: a valid descriptor overwritten by a
 * different valid one, or a slot made valid again after being invalidated
 * with no flush in between.
 */
uint64_t host_p2m_bbm_violations(void);

/* Make the next @n calls of arch_p2m_alloc_root() fail. */
void host_p2m_fail_root_allocs(unsigned int n);
