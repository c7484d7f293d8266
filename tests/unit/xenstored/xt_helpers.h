/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the XenStore engine tests: build requests, run them on a
 * connection and collect the reply and any watch events.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "xs_engine.h"

struct xt_msg {
	uint32_t type;
	uint32_t req_id;
	uint32_t tx_id;
	uint32_t len;
	char data[XENSTORE_PAYLOAD_MAX + 1];
};

#define XT_MAX_EVENTS 64

/* Events seen by the last xt_* call on a connection, or by xt_events(). */
extern struct xt_msg xt_ev[XT_MAX_EVENTS];
extern int xt_nev;

void xt_setup(struct xs_engine *e);
/* xt_setup(), then dom0's connection (privileged, without transport). */
struct xs_conn *xt_setup_dom0(struct xs_engine *e);
struct xs_conn *xt_dom(struct xs_engine *e, uint32_t domid);
/* A domain with a home it owns, made by dom0 @d0 as a toolstack does. */
struct xs_conn *xt_guest(struct xs_engine *e, struct xs_conn *d0,
			 uint32_t domid);
void xt_send_raw(struct xs_conn *c, uint32_t type, uint32_t tx,
		 const void *payload, size_t len);
int xt_pop(struct xs_conn *c, struct xt_msg *m);
int xt_raw(struct xs_conn *c, uint32_t type, uint32_t tx, const void *p,
	   size_t len, struct xt_msg *reply);
int xt_req(struct xs_conn *c, uint32_t type, uint32_t tx, struct xt_msg *r,
	   int nargs, ...);
int xt_write(struct xs_conn *c, uint32_t tx, const char *path, const char *val);
int xt_read(struct xs_conn *c, uint32_t tx, const char *path, char *out);
int xt_op1(struct xs_conn *c, uint32_t type, uint32_t tx, const char *a);
/* TRANSACTION_END of @tx with @tf ("T" commits, "F" aborts); its result. */
int xt_end(struct xs_conn *c, uint32_t tx, const char *tf);
int xt_events(struct xs_conn *c);
int xt_err(const struct xt_msg *m);
