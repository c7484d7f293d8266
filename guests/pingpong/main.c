/* SPDX-License-Identifier: MIT */
/*
 * Ping-pong between two boot-time domains over an interdomain event
 * channel. Role and peer come from /chosen/bootargs:
 *
 *   pingpong.role=server|client pingpong.peer=<domid>
 *   pingpong.rounds=N (10000) pingpong.upcalls=N (server, 10000)
 *   pingpong.wait=poll|yield (poll: SCHEDOP_poll; yield: spin + yield)
 *
 * Prints "PINGPONG rounds= ticks= ticks_per_round= freq=" (client) and
 * "UPCALL sends= ticks= ticks_per_op= freq=" (server), CNTVCT ticks.
 */
#include "pingpong.h"

/* How long the client looks for the server's port, in seconds. */
#define FIND_PORT_SECONDS 30
#define MAX_PROBE_PORT 63U

static uint8_t data_page[4096] __attribute__((aligned(4096)));
static bool use_yield;

void pp_wait(evtchn_port_t port)
{
	while (!evtchn_test_and_clear(port)) {
		if (use_yield) {
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
		} else if (evtchn_poll(port) < 0) {
			use_yield = true;
		}
	}
}

/*
 * Only an unbound port reserved for this domain can be bound, so the
 * first port that binds is the server's. Retried until the server has
 * offered it.
 */
static bool find_server_port(xen_domid_t peer, evtchn_port_t *local)
{
	uint64_t deadline = cntvct() + FIND_PORT_SECONDS * cntfrq();

	while (cntvct() < deadline) {
		for (evtchn_port_t p = 1; p <= MAX_PROBE_PORT; p++) {
			if (evtchn_bind_interdomain(peer, p, local) == 0) {
				gprintf("pingpong: bound server port %u as "
					"%u\n",
					p, *local);
				return true;
			}
		}
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	return false;
}

static void report_rounds(unsigned long rounds, uint64_t ticks)
{
	gprintf("PINGPONG rounds=%lu ticks=%lu ticks_per_round=%lu freq=%lu "
		"wait=%s\n",
		rounds, (unsigned long)ticks,
		rounds ? (unsigned long)(ticks / rounds) : 0UL,
		(unsigned long)cntfrq(), use_yield ? "yield" : "poll");
}

static void client(xen_domid_t peer, unsigned long rounds)
{
	evtchn_port_t port;
	unsigned long i;
	uint64_t t0;

	if (!find_server_port(peer, &port)) {
		check(false, "client_bind_interdomain", "no port of d%u", peer);
		return;
	}
	check(true, "client_bind_interdomain", "local port %u", port);
	evtchn_mask(port);
	/* Binding raises the new local port once (lost notifications). */
	evtchn_test_and_clear(port);
	pp_grant_use(peer);
	t0 = cntvct();
	for (i = 0; i < rounds; i++) {
		evtchn_send(port);
		pp_wait(port);
	}
	report_rounds(rounds, cntvct() - t0);
	check(true, "client_pingpong", "%lu rounds", rounds);
}

static void server(xen_domid_t peer, unsigned long rounds)
{
	evtchn_port_t port;
	unsigned long i;
	long rc;

	if (pp_grant_offer(peer, data_page) < 0) {
		return;
	}
	rc = evtchn_alloc_unbound(peer, &port);
	check(rc == 0, "server_alloc_unbound", "rc %ld port %u", rc, port);
	if (rc) {
		return;
	}
	evtchn_mask(port);
	for (i = 0; i < rounds; i++) {
		pp_wait(port);
		evtchn_send(port);
	}
	check(true, "server_pingpong", "%lu rounds", rounds);
	pp_grant_check_reply(data_page);
	pp_upcall_latency(gfdt_arg_ulong("pingpong.upcalls", 10000));
}

void guest_main(const void *dtb)
{
	unsigned long rounds = gfdt_arg_ulong("pingpong.rounds", 10000);
	unsigned long peer = gfdt_arg_ulong("pingpong.peer", 0);
	char role[16] = "";
	char wait[16] = "";

	gprintf("pingpong: up, dtb at %p, console %s\n", dtb,
		guest_uart_base ? "uart" : "console_io");
	gfdt_arg("pingpong.role", role, sizeof(role));
	use_yield = gfdt_arg("pingpong.wait", wait, sizeof(wait)) &&
		    strcmp(wait, "yield") == 0;
	check(evtchn_map_shared_info() != NULL, "map_shared_info", "gfn 0x%lx",
	      (unsigned long)(uintptr_t)evtchn_map_shared_info() >> 12);
	if (!evtchn_map_shared_info() || peer == 0 ||
	    peer >= DOMID_FIRST_RESERVED) {
		check(false, "pingpong_args", "role '%s' peer %lu", role, peer);
		return;
	}
	if (strcmp(role, "server") == 0) {
		server((xen_domid_t)peer, rounds);
	} else if (strcmp(role, "client") == 0) {
		client((xen_domid_t)peer, rounds);
	} else {
		check(false, "pingpong_args", "role '%s'", role);
	}
}
