/* SPDX-License-Identifier: MIT */
/*
 * A minimal XenStore client for the toolstack: one blocking connection to
 * xenstored's Unix socket, one request in flight at a time (xenstore.txt,
 * "Wire protocol"). Every function returns 0 or a negative errno; an
 * ERROR reply becomes the errno it names, and the name itself (e.g.
 * "EACCES") is kept in the client for messages.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_CLIENT_DEFAULT_PATH "/var/run/xenstored/socket"

struct xs_client {
	int fd;
	uint32_t next_req_id;
	char err[16]; /* name from the last ERROR reply, else "" */
	unsigned int events; /* watch events received, not yet waited for */
};

/*
 * Connect to @path; NULL means $XENSTORED_PATH, else the default path
 * (as libxenstore chooses it). Replies must arrive within @timeout_s.
 */
int xs_client_open(struct xs_client *c, const char *path,
		   unsigned int timeout_s);
void xs_client_close(struct xs_client *c);

/*
 * One request of @type with @len bytes of payload in transaction @tx
 * (0: none). The reply payload goes to @reply (at most @max bytes, NUL
 * terminated after @*rlen bytes, so @max must leave room for it);
 * @reply may be NULL to discard it. -EPROTO: the daemon broke the
 * protocol; -EIO: connection closed; -ETIMEDOUT: no reply in time.
 */
int xs_client_request(struct xs_client *c, uint32_t type, uint32_t tx,
		      const void *payload, size_t len, char *reply, size_t max,
		      size_t *rlen);

int xs_client_read(struct xs_client *c, uint32_t tx, const char *path,
		   char *buf, size_t max);
int xs_client_write(struct xs_client *c, uint32_t tx, const char *path,
		    const char *value);
int xs_client_rm(struct xs_client *c, uint32_t tx, const char *path);
/* @perms: @nperms entries such as "n0", "r5" (xenstore.txt, SET_PERMS). */
int xs_client_set_perms(struct xs_client *c, uint32_t tx, const char *path,
			const char *const *perms, unsigned int nperms);
/* GET_PERMS as one string, entries separated by ',' ("n0,r5"). */
int xs_client_get_perms(struct xs_client *c, uint32_t tx, const char *path,
			char *buf, size_t max);

int xs_client_txn_start(struct xs_client *c, uint32_t *tx);
/* -EAGAIN: another change conflicted; the caller may retry. */
int xs_client_txn_end(struct xs_client *c, uint32_t tx, bool commit);

int xs_client_introduce(struct xs_client *c, uint32_t domid, uint64_t gfn,
			uint32_t port);
int xs_client_is_introduced(struct xs_client *c, uint32_t domid,
			    bool *introduced);

int xs_client_release(struct xs_client *c, uint32_t domid);

/*
 * WATCH / UNWATCH @path with @token (xenstore.txt). Events that arrive
 * while a reply is awaited are counted, not lost.
 */
int xs_client_watch(struct xs_client *c, const char *path, const char *token);
int xs_client_unwatch(struct xs_client *c, const char *path, const char *token);
/*
 * Wait for a watch event: 0 once one has arrived (every event counted so
 * far is consumed: the caller re-reads whatever it watches), -ETIMEDOUT
 * after @timeout_ms (negative: no limit), or another negative errno.
 */
int xs_client_wait_event(struct xs_client *c, int timeout_ms);
