/* SPDX-License-Identifier: MIT */
/*
 * Ping-pong between two boot-time domains over an interdomain event
 * channel. Role and peer come from /chosen/bootargs:
 *
 *   pingpong.role=server|client pingpong.peer=<domid>
 *   pingpong.rounds=N (10000) pingpong.upcalls=N (server, 10000)
 *   pingpong.wait=poll|yield (poll: SCHEDOP_poll; yield: spin + yield)
 *
 * The two never print at the same time, so their console lines stay
 * whole on any console: the server prints its start, the client binds
 * quietly and says hello, the server answers go and stays quiet while
 * the client tests the grant and runs the rounds; the client prints its
 * results and says done; the server measures upcalls, reports and says
 * bye; then both shut down, so the hypervisor's lines come last.
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
static long poll_rc;

void pp_wait(evtchn_port_t port)
{
	while (!evtchn_test_and_clear(port)) {
		if (use_yield) {
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
		} else if ((poll_rc = evtchn_poll(port)) < 0) {
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
				return true;
			}
		}
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	return false;
}

static void report_start(const char *role)
{
	gprintf("pingpong: %s up, console %s\n", role,
		guest_uart_base ? "uart" : "console_io");
	check(true, "map_shared_info", "gfn 0x%lx",
	      (unsigned long)(uintptr_t)evtchn_map_shared_info() >> 12);
}

static void report_rounds(unsigned long rounds, uint64_t ticks)
{
	gprintf("PINGPONG rounds=%lu ticks=%lu ticks_per_round=%lu freq=%lu "
		"wait=%s poll_rc=%ld\n",
		rounds, (unsigned long)ticks,
		rounds ? (unsigned long)(ticks / rounds) : 0UL,
		(unsigned long)cntfrq(), use_yield ? "yield" : "poll", poll_rc);
}

static void client(xen_domid_t peer, unsigned long rounds)
{
	evtchn_port_t port;
	unsigned long i;
	uint64_t t0;
	bool bound;

	bound = find_server_port(peer, &port);
	if (bound) {
		evtchn_mask(port);
		/* Binding raises the new local port once (lost notifications). */
		evtchn_test_and_clear(port);
		evtchn_send(port); /* hello */
		pp_wait(port); /* go */
	}
	report_start("client");
	check(bound, "client_bind_interdomain", "local port %u of d%u",
	      bound ? port : 0, peer);
	if (!bound) {
		return;
	}
	pp_grant_use(peer);
	t0 = cntvct();
	for (i = 0; i < rounds; i++) {
		evtchn_send(port);
		pp_wait(port);
	}
	report_rounds(rounds, cntvct() - t0);
	check(true, "client_pingpong", "%lu rounds", rounds);
	guest_report();
	evtchn_send(port); /* done */
	pp_wait(port); /* bye: the server has reported */
}

static void server(xen_domid_t peer, unsigned long rounds)
{
	evtchn_port_t port;
	unsigned long i;
	long rc;

	report_start("server");
	if (pp_grant_offer(peer, data_page) < 0) {
		return;
	}
	rc = evtchn_alloc_unbound(peer, &port);
	check(rc == 0, "server_alloc_unbound", "rc %ld port %u", rc, port);
	if (rc) {
		return;
	}
	evtchn_mask(port);
	pp_wait(port); /* hello */
	evtchn_send(port); /* go */
	for (i = 0; i < rounds; i++) {
		pp_wait(port);
		evtchn_send(port);
	}
	pp_wait(port); /* done */
	check(true, "server_pingpong", "%lu rounds", rounds);
	pp_grant_check_reply(data_page);
	pp_upcall_latency(gfdt_arg_ulong("pingpong.upcalls", 10000));
	guest_report();
	evtchn_send(port); /* bye */
}

void guest_main(const void *dtb)
{
	unsigned long rounds = gfdt_arg_ulong("pingpong.rounds", 10000);
	unsigned long peer = gfdt_arg_ulong("pingpong.peer", 0);
	char role[16] = "";
	char wait[16] = "";
	bool shared;

	(void)dtb;
	gfdt_arg("pingpong.role", role, sizeof(role));
	use_yield = gfdt_arg("pingpong.wait", wait, sizeof(wait)) &&
		    strcmp(wait, "yield") == 0;
	shared = evtchn_map_shared_info() != NULL;
	if (!shared || peer == 0 || peer >= DOMID_FIRST_RESERVED) {
		check(shared, "map_shared_info", "XENMEM_add_to_physmap");
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
