/* SPDX-License-Identifier: MIT */
/*
 * sable-consoled: the backend of every domU's PV console. One process,
 * one epoll loop for all domains. For each domain with
 * /local/domain/<id>/console/{ring-ref,port} it maps the console page,
 * binds the port, makes a pty (its path in console/tty) and a log, and
 * moves bytes: guest output to the log and the pty, pty input to the
 * guest. Watches @introduceDomain (new domains) and @releaseDomain
 * (dying or gone ones are closed). See docs/console.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cons_log.h"
#include "cons_plat.h"
#include "cons_ring.h"
#include "xs_client.h"

/* Bytes moved per domain and direction per loop iteration. */
#define CONSOLED_BUDGET 4096
#define CONSOLED_LOG_MAX (1024 * 1024)
#define CONSOLED_LINGER_MS 500
#define CONSOLED_NOTE_MS 10000 /* drop notes, per domain */
/* Events a domain may send per period before its port is held masked
 * for the rest of the period (Xen's xenconsoled uses the same). */
#define CONSOLED_EVENT_ALLOWANCE 30U
#define CONSOLED_EVENT_PERIOD_MS 200U

struct consoled_opts {
	const char *xs_path; /* NULL: $XENSTORED_PATH or the default */
	const char *log_dir; /* e.g. /var/log/xen/console */
	uint64_t log_max; /* cap of one log file */
	size_t budget; /* bytes per domain per direction per iteration */
	int linger_ms; /* a gone domain's pty stays this long */
	bool verbose;
};

struct cons_dom {
	uint32_t domid;
	bool failed; /* set-up failed: not retried until released */
	bool closing; /* gone: pty kept until close_at, then freed */
	int64_t close_at; /* CLOCK_MONOTONIC ms */
	struct cons_intf *intf; /* NULL unless connected */
	uint64_t map_handle;
	uint32_t lport;
	uint64_t gfn; /* console/ring-ref and console/port it was set up */
	uint32_t rport; /* from (or failed with) */
	int master_fd, slave_fd;
	bool in_armed; /* EPOLLIN wanted on the pty master */
	bool kick; /* the guest signalled, or the pty has input */
	bool more; /* output left after the budget ran out */
	bool held; /* port kept masked until the event window ends */
	bool limited; /* held at least once (reported once) */
	uint32_t events; /* events in the current window */
	int64_t window_start; /* ms */
	uint64_t out_bytes, in_bytes;
	uint64_t dropped; /* output the pty could not take */
	uint64_t dropped_noted; /* dropped when last reported */
	int64_t noted_at; /* when last reported, ms; 0: never */
	char name[64];
	char tty[64];
	struct cons_log log;
	struct cons_dom *next;
};

struct consoled {
	struct consoled_opts opts;
	struct cons_plat *plat;
	struct xs_client xs; /* requests; never watches */
	struct xs_client watch; /* watch events only */
	int epfd;
	char wbuf[2 * (16 + 4096)]; /* partial watch messages */
	size_t wlen;
	bool scan, release; /* a watch fired: act on it this iteration */
	struct cons_dom *doms;
	char *iobuf; /* opts.budget bytes */
};

/* Connect to xenstored, register the watches; 0 or a negative errno
 * (the reason printed on stderr). A zero budget or log cap takes the
 * default; linger_ms is used as given. */
int consoled_init(struct consoled *c, struct cons_plat *plat,
		  const struct consoled_opts *opts);
/* One loop iteration, waiting at most @timeout_ms (-1: until an event;
 * 0 is used whenever a domain has output left). 0, or a negative errno
 * when the loop cannot go on (xenstored gone). */
int consoled_step(struct consoled *c, int timeout_ms);
/* Close every domain and the connections. */
void consoled_fini(struct consoled *c);

/* The live (not closing) entry of @domid, or NULL. */
struct cons_dom *consoled_find(struct consoled *c, uint32_t domid);
/* Serve one domain once (bounded by the budget). */
void consoled_serve(struct consoled *c, struct cons_dom *d);
