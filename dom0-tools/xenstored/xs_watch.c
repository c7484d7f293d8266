// SPDX-License-Identifier: MIT
/*
 * Watches (xenstore.txt, WATCH/UNWATCH/WATCH_EVENT/RESET_WATCHES) and
 * transactions requests (TRANSACTION_START/END).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_engine.h"
#include "xs_path.h"

static uint64_t xs_watch_cost(const char *path, const char *token)
{
	return sizeof(struct xs_watch) + strlen(path) + strlen(token) + 2;
}

static void xs_watch_free(struct xs_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

int xs_watch_add(struct xs_conn *c, const char *path, const char *token,
		 bool relative)
{
	struct xs_watch *w;

	for (w = c->watches; w; w = w->next) {
		if (!strcmp(w->path, path) && !strcmp(w->token, token)) {
			return -EEXIST;
		}
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		return -ENOMEM;
	}
	w->path = strdup(path);
	w->token = strdup(token);
	if (!w->path || !w->token) {
		xs_watch_free(w);
		return -ENOMEM;
	}
	w->relative = relative;
	w->next = c->watches;
	c->watches = w;
	c->nr_watches++;
	c->watch_bytes += xs_watch_cost(path, token);
	return 0;
}

int xs_watch_del(struct xs_conn *c, const char *path, const char *token)
{
	struct xs_watch **pp, *w;

	for (pp = &c->watches; (w = *pp); pp = &w->next) {
		if (!strcmp(w->path, path) && !strcmp(w->token, token)) {
			*pp = w->next;
			c->watch_bytes -= xs_watch_cost(w->path, w->token);
			xs_watch_free(w);
			c->nr_watches--;
			return 0;
		}
	}
	return -ENOENT;
}

void xs_watch_clear(struct xs_conn *c)
{
	struct xs_watch *w;

	while ((w = c->watches)) {
		c->watches = w->next;
		xs_watch_free(w);
	}
	c->nr_watches = 0;
	c->watch_bytes = 0;
}

static void xs_fire_conn(struct xs_conn *c, const char *path, bool removed,
			 const struct xs_node *n)
{
	const char *epath;
	struct xs_watch *w;

	if (n &&
	    !xs_perm_allows(n->perms, n->nr_perms, &c->caller, XS_PERM_READ)) {
		return;
	}
	for (w = c->watches; w; w = w->next) {
		if (xs_path_is_special(w->path)) {
			continue;
		}
		if (xs_path_is_child(path, w->path)) {
			epath = path;
		} else if (removed && xs_path_is_child(w->path, path)) {
			epath = w->path; /* an ancestor of wpath went away */
		} else {
			continue;
		}
		if (w->relative) {
			epath = xs_path_relative(epath, c->caller.domid);
		}
		xs_conn_queue_event(c, epath, w->token);
	}
}

/* A node changed (or a subtree was removed at path): notify watchers. */
void xs_fire(struct xs_engine *e, const char *path, bool removed,
	     const struct xs_node *n)
{
	struct xs_conn *c;

	for (c = e->conns; c; c = c->next) {
		if (!c->dead) {
			xs_fire_conn(c, path, removed, n);
		}
	}
}

/* @introduceDomain / @releaseDomain go to privileged watchers only. */
void xs_fire_special(struct xs_engine *e, const char *name)
{
	struct xs_watch *w;
	struct xs_conn *c;

	for (c = e->conns; c; c = c->next) {
		if (c->dead || !c->caller.privileged) {
			continue;
		}
		for (w = c->watches; w; w = w->next) {
			if (!strcmp(w->path, name)) {
				xs_conn_queue_event(c, name, w->token);
			}
		}
	}
}

/* Parse wpath\0token\0[depth\0]: canonical path or @special. */
static int xs_watch_args(struct xs_req *r, char *path, const char **token,
			 bool *relative)
{
	const char *argv[3];
	unsigned argc;

	if (xs_req_args(r, argv, 3, &argc) || argc < 2) {
		return -EINVAL;
	}
	*token = argv[1];
	*relative = false;
	if (xs_path_is_special(argv[0])) {
		if (strlen(argv[0]) > XENSTORE_REL_PATH_MAX) {
			return -EINVAL;
		}
		strcpy(path, argv[0]);
		return 0;
	}
	return xs_path_canonical(argv[0], r->c->caller.domid, path, relative);
}

int xs_do_watch(struct xs_req *r)
{
	struct xs_conn *c = r->c;
	const struct xs_quota *q = xs_quota_for(c->eng, c->caller.domid);
	char path[XS_PATH_BUF];
	const char *token, *report;
	struct xs_usage u;
	bool relative;
	int rc = xs_watch_args(r, path, &token, &relative);

	if (!rc && !xs_path_is_special(path)) {
		rc = xs_quota_path_check(c, path);
	}
	if (rc) {
		return rc;
	}
	/* Per domain, over all its connections (as C xenstored). */
	xs_domain_usage(c->eng, c->caller.domid, &u);
	if (!c->caller.privileged && q->watches && u.watches >= q->watches) {
		return -E2BIG;
	}
	rc = xs_quota_mem_check(c, xs_watch_cost(path, token));
	if (!rc) {
		rc = xs_watch_add(c, path, token, relative);
	}
	if (rc) {
		return rc;
	}
	xs_reply_str(r, "OK");
	/* Fire once straight away (xenstore.txt, WATCH). */
	report = relative ? xs_path_relative(path, c->caller.domid) : path;
	xs_conn_queue_event(c, report, token);
	return 0;
}

int xs_do_unwatch(struct xs_req *r)
{
	char path[XS_PATH_BUF];
	const char *token;
	bool relative;
	int rc = xs_watch_args(r, path, &token, &relative);

	if (!rc) {
		rc = xs_watch_del(r->c, path, token);
	}
	return rc ? rc : xs_reply_str(r, "OK");
}

int xs_do_reset_watches(struct xs_req *r)
{
	xs_conn_drop_watches_txns(r->c);
	return xs_reply_str(r, "OK");
}

int xs_do_transaction_start(struct xs_req *r)
{
	struct xs_conn *c = r->c;
	const struct xs_quota *q = xs_quota_for(c->eng, c->caller.domid);
	struct xs_usage u;
	struct xs_txn *t;
	char buf[16];
	uint32_t id;
	int rc;

	if (r->hdr.tx_id) {
		return -EBUSY;
	}
	/* Per domain, over all its connections (as C xenstored). */
	xs_domain_usage(c->eng, c->caller.domid, &u);
	if (!c->caller.privileged && q->transactions &&
	    u.txns >= q->transactions) {
		return -ENOSPC;
	}
	rc = xs_quota_mem_check(c,
				sizeof(*t) + xs_node_cost(c->eng->tree.root));
	if (rc) {
		return rc;
	}
	do {
		id = c->next_txn_id++;
		for (t = c->txns; id && t && t->id != id; t = t->next) {
		}
	} while (id == 0 || t);
	rc = xs_txn_start(&t, &c->eng->tree, id,
			  c->caller.privileged ? 0 : q->txn_nodes);
	if (rc) {
		return rc;
	}
	t->next = c->txns;
	c->txns = t;
	c->nr_txns++;
	xs_fmt_u32(id, buf);
	return xs_reply_str(r, buf);
}

static void xs_event_cb(void *arg, const char *path, bool removed,
			const struct xs_node *n)
{
	xs_fire(arg, path, removed, n);
}

/*
 * Quotas at commit (no conflict found): what the transaction adds to its
 * domain's nodes and bytes, on top of what the domain holds now, stays
 * within "nodes" (-ENOSPC) and "memory" (-ENOMEM). The per-request checks
 * in the transaction only saw the store as it was then, and every open
 * transaction of a domain may create up to the quota; this is where their
 * sum is bounded. The replay then applies exactly these changes, since
 * nothing the transaction read has changed.
 */
static int xs_txn_quota_check(const struct xs_conn *c, const struct xs_txn *t)
{
	const struct xs_quota *q = xs_quota_for(c->eng, c->caller.domid);
	const struct xs_tree *live = &c->eng->tree;
	uint32_t dom = c->caller.domid;
	struct xs_usage u;
	int64_t dn, db;

	if (c->caller.privileged) {
		return 0;
	}
	xs_tree_delta_of(&t->tree, dom, &dn, &db);
	if (dn > 0 && q->nodes && xs_tree_nodes_of(live, dom) + dn > q->nodes) {
		return -ENOSPC;
	}
	if (db > 0 && q->memory) {
		/* t is no longer listed: u counts the domain's other state. */
		xs_domain_usage(c->eng, dom, &u);
		if (xs_tree_bytes_of(live, dom) + db + (int64_t)u.mem >
		    (int64_t)q->memory) {
			return -ENOMEM;
		}
	}
	return 0;
}

int xs_do_transaction_end(struct xs_req *r)
{
	struct xs_conn *c = r->c;
	struct xs_txn **pp, *t = r->txn;
	const struct xs_ctx ctx = { .caller = &c->caller,
				    .event = xs_event_cb,
				    .arg = c->eng };
	const char *argv[1];
	unsigned argc;
	int rc = 0;

	if (!t) {
		return -ENOENT;
	}
	if (xs_req_args(r, argv, 1, &argc) || argc != 1 ||
	    (strcmp(argv[0], "T") && strcmp(argv[0], "F"))) {
		return -EINVAL;
	}
	for (pp = &c->txns; *pp != t; pp = &(*pp)->next) {
	}
	*pp = t->next;
	c->nr_txns--;
	if (argv[0][0] == 'T') {
		rc = xs_txn_check(t, &c->eng->tree);
		if (!rc) {
			rc = xs_txn_quota_check(c, t);
		}
		if (!rc) {
			xs_txn_replay(t, &c->eng->tree, &ctx);
		}
	}
	xs_txn_free(t);
	return rc ? rc : xs_reply_str(r, "OK");
}
