/* SPDX-License-Identifier: MIT */
/*
 * The request engine: connections, their buffered input and output, the
 * dispatch of XenStore requests, watches, transactions, domains and quotas.
 * It performs no I/O: transports push received bytes in with
 * xs_conn_feed() and drain replies with xs_conn_out_peek()/_consume().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/io/xs_wire.h>

#include "xs_perms.h"
#include "xs_tree.h"
#include "xs_txn.h"

/* Stop reading a connection's requests while this much output waits. */
#define XS_OUT_SOFT (64 * 1024)
/* Beyond this, a socket client is dropped and a ring loses watch events. */
#define XS_OUT_HARD (1024 * 1024)

/* Limits on unprivileged domains; 0 = unlimited (docs/xenstore.md). */
struct xs_quota {
	uint32_t nodes; /* nodes owned per domain, also after a commit */
	uint32_t watches; /* watches per domain */
	uint32_t transactions; /* open transactions per domain */
	uint32_t outstanding; /* unsent replies per connection */
	uint32_t node_size; /* value bytes per node */
	uint32_t perms; /* permission entries per node */
	uint32_t txn_nodes; /* nodes one transaction may depend on */
	uint32_t path_len; /* path bytes, not counting the domain's home */
	uint32_t memory; /* bytes per domain: nodes, transactions, watches */
};

/* What one domain holds apart from its nodes (xs_domain_usage). */
struct xs_usage {
	uint32_t watches;
	uint32_t txns;
	uint64_t mem; /* watches, transaction views, records and logs */
};

/* In dead_domains() ids: the domain is dying or gone, not just shut down. */
#define XS_DEAD_GONE 0x80000000u

struct xs_watch {
	char *path; /* canonical path or @special */
	char *token;
	bool relative;
	struct xs_watch *next;
};

struct xs_conn;

/* Transport behind a connection (Unix socket, domain ring, test double). */
struct xs_conn_ops {
	/* Up to len bytes in; 0 if none available, negative errno if gone. */
	long (*read)(struct xs_conn *c, void *buf, size_t len);
	/* Up to len bytes out; 0 if no room, negative errno if gone. */
	long (*write)(struct xs_conn *c, const void *buf, size_t len);
	/* Release the transport (called once, before the conn is freed). */
	void (*close)(struct xs_conn *c);
};

struct xs_domain {
	uint32_t domid;
	bool introduced;
	bool shutdown; /* @releaseDomain already sent for this shutdown */
	uint64_t gfn;
	uint32_t port;
	uint32_t target;
	bool has_target;
	uint32_t features;
	bool has_quota;
	struct xs_quota quota;
	struct xs_conn *conn; /* ring connection, NULL if none */
	struct xs_domain *next;
};

struct xs_engine;

struct xs_conn {
	struct xs_engine *eng;
	struct xs_caller caller;
	bool is_ring; /* a domain's ring: never dropped for a full queue */
	bool dead; /* to be closed by xs_engine_reap() */
	struct xs_domain *dom;
	uint32_t in_have; /* bytes of the current message in in[] */
	/* Output queue: bytes out[out_head .. out_len). */
	uint8_t *out;
	size_t out_head;
	size_t out_len;
	size_t out_cap;
	uint64_t dropped_events;
	uint32_t out_replies; /* replies (not events) in the output queue */
	uint32_t out_msg_left; /* bytes of the message at out_head to go */
	bool out_msg_reply; /* that message is a reply */
	struct xs_watch *watches;
	uint32_t nr_watches;
	uint64_t watch_bytes;
	struct xs_txn *txns;
	uint32_t nr_txns;
	uint32_t next_txn_id;
	const struct xs_conn_ops *ops;
	void *priv;
	struct xs_conn *next;
	/* Input: one message at a time (last: the fields above share lines). */
	uint8_t in[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 1];
};

/* Platform hooks: mapping domain rings (dom0) or a test double. */
struct xs_platform_ops {
	/* Create the ring connection of a newly introduced domain. */
	int (*introduce)(struct xs_engine *e, struct xs_domain *d);
	/* Domains that died since the last call (VIRQ_DOM_EXC); an id with
	 * XS_DEAD_GONE is dying or gone and is released at once. */
	int (*dead_domains)(struct xs_engine *e, uint32_t *ids, uint32_t max);
};

struct xs_engine {
	struct xs_tree tree;
	uint64_t gen;
	struct xs_conn *conns;
	struct xs_domain *domains;
	struct xs_quota quota;
	uint32_t features; /* ring features offered (server_features) */
	const struct xs_platform_ops *plat;
	void *plat_arg;
	bool verbose;
};

void xs_quota_default(struct xs_quota *q);
int xs_engine_init(struct xs_engine *e, const struct xs_quota *q);
void xs_engine_fini(struct xs_engine *e);
void xs_engine_reap(struct xs_engine *e);

struct xs_conn *xs_conn_new(struct xs_engine *e, uint32_t domid,
			    bool privileged);
void xs_conn_free(struct xs_conn *c);
void xs_conn_reset(struct xs_conn *c);
/* Forget @c's watches and end its transactions unfinished. */
void xs_conn_drop_watches_txns(struct xs_conn *c);
size_t xs_conn_want(const struct xs_conn *c);
int xs_conn_feed(struct xs_conn *c, const void *buf, size_t len);
size_t xs_conn_out_peek(const struct xs_conn *c, const uint8_t **p);
void xs_conn_out_consume(struct xs_conn *c, size_t n);
int xs_conn_pump(struct xs_conn *c);

/* Used by the request handlers (xs_ops_*.c). */
struct xs_req {
	struct xs_conn *c;
	struct xsd_sockmsg hdr;
	const char *data;
	uint32_t len;
	struct xs_txn *txn;
};

int xs_reply(struct xs_req *r, const void *data, size_t len);
int xs_reply_str(struct xs_req *r, const char *s);
int xs_req_args(const struct xs_req *r, const char **argv, unsigned max,
		unsigned *argc);
void xs_fire(struct xs_engine *e, const char *path, bool removed,
	     const struct xs_node *n);
void xs_fire_special(struct xs_engine *e, const char *name);
int xs_watch_add(struct xs_conn *c, const char *path, const char *token,
		 bool relative);
int xs_watch_del(struct xs_conn *c, const char *path, const char *token);
void xs_watch_clear(struct xs_conn *c);
void xs_conn_queue_event(struct xs_conn *c, const char *path,
			 const char *token);
int xs_quota_set(struct xs_quota *q, const char *name, uint32_t val);
const struct xs_quota *xs_quota_for(const struct xs_engine *e, uint32_t domid);
void xs_domain_usage(const struct xs_engine *e, uint32_t domid,
		     struct xs_usage *u);
int xs_quota_mem_check(const struct xs_conn *c, uint64_t more);
int xs_quota_path_check(const struct xs_conn *c, const char *path);
struct xs_domain *xs_domain_find(const struct xs_engine *e, uint32_t domid);
int xs_domain_release(struct xs_engine *e, uint32_t domid);
void xs_domain_check_dead(struct xs_engine *e);
const char *xs_error_name(int err);
int xs_parse_u32(const char *s, uint32_t max, uint32_t *out);
void xs_fmt_u32(uint32_t v, char out[11]);

typedef int (*xs_handler_fn)(struct xs_req *r);

/* Request handlers, one per message type (dispatched by xs_engine.c). */
int xs_do_read(struct xs_req *r);
int xs_do_write(struct xs_req *r);
int xs_do_mkdir(struct xs_req *r);
int xs_do_rm(struct xs_req *r);
int xs_do_directory(struct xs_req *r);
int xs_do_directory_part(struct xs_req *r);
int xs_do_get_perms(struct xs_req *r);
int xs_do_set_perms(struct xs_req *r);
int xs_do_watch(struct xs_req *r);
int xs_do_unwatch(struct xs_req *r);
int xs_do_reset_watches(struct xs_req *r);
int xs_do_transaction_start(struct xs_req *r);
int xs_do_transaction_end(struct xs_req *r);
int xs_do_introduce(struct xs_req *r);
int xs_do_release(struct xs_req *r);
int xs_do_get_domain_path(struct xs_req *r);
int xs_do_is_domain_introduced(struct xs_req *r);
int xs_do_resume(struct xs_req *r);
int xs_do_set_target(struct xs_req *r);
int xs_do_control(struct xs_req *r);
int xs_do_get_feature(struct xs_req *r);
int xs_do_set_feature(struct xs_req *r);
int xs_do_get_quota(struct xs_req *r);
int xs_do_set_quota(struct xs_req *r);
