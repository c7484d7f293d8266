/* SPDX-License-Identifier: MIT */
/*
 * Two XenStore servers for the toolstack tests: the host build of Sable's
 * xenstored (one process for the whole run, ended when the run ends or
 * its parent dies), and a scripted server in a thread that answers every
 * request and records what it was sent; and what a test expects of a
 * node.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/io/xs_wire.h>

struct xs_client;

/* What the scripted server was asked, and how it should answer. */
struct ts_script {
	int conflicts; /* TRANSACTION_END commits refused with EAGAIN */
	bool introduced; /* IS_DOMAIN_INTRODUCED answers "T" */
	const char *introduce_error; /* ERROR name for INTRODUCE, or NULL */
	int conns; /* connections accepted */
	int by_type[XS_TYPE_COUNT]; /* requests received, by type */
	char introduce[64]; /* the last INTRODUCE payload, NULs as '|' */
	uint64_t pfn_at_introduce; /* the domain's STORE_PFN at that time */
};

extern struct ts_script ts_script;

/* Socket path of the host xenstored; NULL (and a message) if it fails. */
const char *ts_daemon(void);
/* Socket path of the scripted server, with a cleared script. */
const char *ts_scripted(void);
/* A path where no server listens. */
const char *ts_nowhere(void);

/*
 * @path reads as @value (any value if NULL) and has the permissions
 * @perms, as the daemon behind @c answers outside a transaction.
 */
void ts_expect_xs(struct xs_client *c, const char *path, const char *value,
		  const char *perms);

/* Compare @got with golden/plan/@name (rewritten on XLCFG_GOLDEN_UPDATE). */
void ts_expect_golden(const char *name, const char *got);
