/* SPDX-License-Identifier: MIT */
/*
 * Host doubles for the console daemon's tests: an in-memory platform
 * (console pages are ordinary pages, a fired port is a word in a pipe)
 * and the host build of xenstored on a private socket.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cons_plat.h"
#include "cons_ring.h"

#define CT_MAX_DOMS 4
#define CT_PORT_BASE 100 /* local port = CT_PORT_BASE + domid */

struct ct_dom {
	uint32_t domid; /* 0: slot unused */
	struct cons_intf *page;
	int alive; /* what the alive hook answers */
	bool mapped, bound;
	uint32_t remote_port;
	int notified;
	int unmasked; /* ports given back to the platform */
};

struct ct_plat {
	struct cons_plat plat;
	int pipe_wr;
	bool refuse_bind;
	bool refuse_map; /* the map hook fails with EINVAL */
	struct ct_dom doms[CT_MAX_DOMS];
};

void ct_plat_init(struct ct_plat *p);
void ct_plat_fini(struct ct_plat *p);
struct ct_dom *ct_plat_add(struct ct_plat *p, uint32_t domid);
/* The guest signals its console port. */
void ct_plat_fire(struct ct_plat *p, uint32_t domid);
/* The guest prints @len bytes into its out[] ring. */
void ct_guest_print(struct cons_intf *r, const char *s, size_t len);

/* Socket of a host xenstored for this run (started once), or NULL. */
const char *ct_xenstored(void);
/* A fresh temporary directory (removed with its files at exit). */
const char *ct_tmpdir(void);
