/* SPDX-License-Identifier: MIT */
/*
 * A PV console driven by hand, for sable-consoled's system test: the
 * guest grants its console ring page to dom0 at grant reference 0 and
 * offers dom0 an unbound event channel, as a domain builder does, and
 * prints both on its own UART:
 *
 *   CONSRING gfn=0x<gfn> port=<port>
 *
 * Then it greets through the ring and obeys lines typed into it:
 *   ping   answers "pong <n>"
 *   flood  writes CONSRING_FLOOD bytes of output as fast as the ring
 *          drains, then "flood done"
 *   bad    sets a hostile out_prod, signals, and finishes
 *   quit   finishes
 */
#include "guest.h"

#define CONSRING_FLOOD (256U * 1024U)
#define CONSRING_SECONDS 300U

/* Xen's public/io/console.h, struct xencons_interface. */
struct consring {
	char in[1024];
	char out[2048];
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
};
_Static_assert(sizeof(struct consring) == 3088, "xencons_interface");

static struct consring ring __attribute__((aligned(4096)));
static struct shared_info *shared;
static evtchn_port_t port;
static uint64_t deadline;

static volatile uint32_t *vol(uint32_t *p)
{
	return (volatile uint32_t *)p;
}

/* Block until dom0 signals (or the test's time is up). */
static bool wait_event(void)
{
	if (cntvct() > deadline) {
		return false;
	}
	if (!evtchn_test_and_clear(port)) {
		/* SCHEDOP_poll returns at once while an upcall is pending:
		 * this guest takes no upcalls, so it clears the flag. */
		shared->vcpu_info[0].evtchn_upcall_pending = 0;
		guest_mb();
		if (!evtchn_is_pending(port)) {
			evtchn_poll(port);
		}
		evtchn_test_and_clear(port);
	}
	return true;
}

static bool put(const char *s, size_t len)
{
	while (len > 0) {
		uint32_t prod = *vol(&ring.out_prod);
		uint32_t room = 2048U - (prod - *vol(&ring.out_cons));
		uint32_t n = len < room ? (uint32_t)len : room, i;

		if (n == 0) {
			if (!wait_event()) {
				return false;
			}
			continue;
		}
		for (i = 0; i < n; i++) {
			ring.out[(prod + i) & 2047U] = s[i];
		}
		guest_wmb();
		*vol(&ring.out_prod) = prod + n;
		evtchn_send(port);
		s += n;
		len -= n;
	}
	return true;
}

static bool say(const char *s)
{
	return put(s, strlen(s));
}

static bool sayf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static bool sayf(const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return say(buf);
}

static bool flood(void)
{
	static char line[64];
	unsigned int sent = 0;

	memset(line, 'F', sizeof(line));
	line[sizeof(line) - 2] = '\r';
	line[sizeof(line) - 1] = '\n';
	while (sent < CONSRING_FLOOD) {
		if (!put(line, sizeof(line))) {
			return false;
		}
		sent += sizeof(line);
	}
	return sayf("flood done: %u bytes\r\n", sent);
}

static void grant_ring(void)
{
	uint64_t base = gfdt_gnttab_base();
	struct xen_add_to_physmap xatp = { .domid = DOMID_SELF,
					   .space = XENMAPSPACE_grant_table,
					   .idx = 0,
					   .gpfn = base >> 12 };
	volatile struct grant_entry_v1 *gt;
	long rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);

	check(rc == 0, "consring_map_grant_frame", "rc %ld", rc);
	gt = (volatile struct grant_entry_v1 *)(uintptr_t)base;
	gt[GNTTAB_RESERVED_CONSOLE].domid = 0;
	gt[GNTTAB_RESERVED_CONSOLE].frame = (uint32_t)((uintptr_t)&ring >> 12);
	guest_wmb();
	gt[GNTTAB_RESERVED_CONSOLE].flags = GTF_permit_access;
	guest_mb();
}

/* One command line typed into the ring; false ends the session. */
static bool obey(const char *cmd, unsigned int *pings)
{
	if (strcmp(cmd, "ping") == 0) {
		(*pings)++;
		return sayf("pong %u\r\n", *pings);
	}
	if (strcmp(cmd, "flood") == 0) {
		return flood();
	}
	if (strcmp(cmd, "bad") == 0) {
		*vol(&ring.out_prod) = *vol(&ring.out_cons) + 0x10000U;
		evtchn_send(port);
		/* Stay quiet on the UART until the test is over. */
		while (wait_event()) {
		}
		return false;
	}
	return strcmp(cmd, "quit") != 0;
}

static void serve(void)
{
	char line[64];
	unsigned int len = 0, pings = 0;

	for (;;) {
		uint32_t cons = *vol(&ring.in_cons);
		uint32_t prod = *vol(&ring.in_prod);

		guest_rmb();
		if (prod - cons > 1024U) {
			check(false, "consring_in_indices", "%u %u", cons,
			      prod);
			return;
		}
		for (; cons != prod; cons++) {
			char c = ring.in[cons & 1023U];

			if (c == '\r' || c == '\n') {
				line[len] = '\0';
				len = 0;
				if (line[0] && !obey(line, &pings)) {
					*vol(&ring.in_cons) = cons + 1;
					return;
				}
			} else if (len + 1 < sizeof(line)) {
				line[len++] = c;
			}
		}
		if (cons != *vol(&ring.in_cons)) {
			guest_mb();
			*vol(&ring.in_cons) = cons;
			evtchn_send(port);
		}
		if (!wait_event()) {
			check(false, "consring_in_time", "no command");
			return;
		}
	}
}

void guest_main(const void *dtb)
{
	long rc;

	(void)dtb;
	deadline = cntvct() + CONSRING_SECONDS * cntfrq();
	shared = evtchn_map_shared_info();
	grant_ring();
	rc = evtchn_alloc_unbound(0, &port);
	check(rc == 0, "consring_alloc_unbound", "rc %ld", rc);
	gprintf("CONSRING gfn=0x%lx port=%u\n",
		(unsigned long)((uintptr_t)&ring >> 12), port);
	/* Written before dom0 connects: it must still arrive. */
	say("consring: hello over the PV console\r\n");
	serve();
}
