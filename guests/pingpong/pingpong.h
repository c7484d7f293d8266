/* SPDX-License-Identifier: MIT */
/*
 * The ping-pong guest: two boot-time domains, one image. The server
 * grants a page and offers an unbound event channel; the client binds it,
 * maps and copies the granted page, then both bounce an event back and
 * forth. The server also measures its send-to-upcall latency.
 */
#pragma once

#include "guest.h"

/* The grant the server offers: first non-reserved v1 entry. */
#define PP_GREF 8U
/* Where the client maps it: inside the grant-table region, above frames. */
#define PP_MAP_OFFSET 0x800000UL
/* The client's reply goes in the second half of the page. */
#define PP_REPLY_OFFSET 2048U

static inline uint8_t pp_pattern(unsigned int i)
{
	return (uint8_t)((i * 7U + 1U) ^ 0x5aU);
}

static inline uint8_t pp_reply(unsigned int i)
{
	return (uint8_t)((i * 13U + 3U) ^ 0xa5U);
}

/* grant.c */
int pp_grant_offer(xen_domid_t peer, uint8_t *page);
void pp_grant_use(xen_domid_t peer);
void pp_grant_check_reply(const uint8_t *page);

/* upcall.c */
void pp_upcall_latency(unsigned long sends);

/* Wait for an event on port, clear it (main.c). */
void pp_wait(evtchn_port_t port);
