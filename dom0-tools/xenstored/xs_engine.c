// SPDX-License-Identifier: MIT
/*
 * Request engine core: connections, message framing, dispatch, replies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/io/xs_errors.h>

#include "xs_engine.h"
#include "xs_path.h"

/* Name for a negative errno; anything unlisted is reported as EINVAL. */
const char *xs_error_name(int err)
{
	size_t i;

	for (i = 0; i < XSD_NR_ERRORS; i++) {
		if (xsd_errors[i].err == -err) {
			return xsd_errors[i].name;
		}
	}
	return "EINVAL";
}

/* Decimal, no sign, no junk, <= max. */
int xs_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s) {
		return -EINVAL;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			return -EINVAL;
		}
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max) {
			return -EINVAL;
		}
	}
	*out = (uint32_t)v;
	return 0;
}

/* Decimal, NUL-terminated; without printf's machinery (a hot path). */
void xs_fmt_u32(uint32_t v, char out[11])
{
	char tmp[10];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++) {
		out[i] = tmp[n - 1 - i];
	}
	out[n] = '\0';
}

void xs_quota_default(struct xs_quota *q)
{
	q->nodes = 1000;
	q->watches = 128;
	q->transactions = 10;
	q->outstanding = 20;
	q->node_size = 2048;
	q->perms = 5;
	q->txn_nodes = 1024;
	q->path_len = XENSTORE_REL_PATH_MAX;
	q->memory = 2 * 1024 * 1024 + 512 * 1024;
}

/* ---- engine ------------------------------------------------------------- */

static int xs_engine_initial_tree(struct xs_engine *e)
{
	static const char *const dirs[] = {
		"/tool",	 "/tool/xenstored", "/local",
		"/local/domain", "/local/domain/0",
	};
	const struct xs_caller dom0 = { .domid = 0, .privileged = true };
	const struct xs_ctx ctx = { .caller = &dom0 };
	size_t i;
	int rc;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		rc = xs_tree_mkdir(&e->tree, &ctx, dirs[i]);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

int xs_engine_init(struct xs_engine *e, const struct xs_quota *q)
{
	struct xs_domain *d0;

	memset(e, 0, sizeof(*e));
	if (q) {
		e->quota = *q;
	} else {
		xs_quota_default(&e->quota);
	}
	e->features = XENSTORE_SERVER_FEATURE_RECONNECTION |
		      XENSTORE_SERVER_FEATURE_ERROR;
	d0 = calloc(1, sizeof(*d0));
	if (!d0 || xs_tree_init(&e->tree, &e->gen)) {
		free(d0);
		return -ENOMEM;
	}
	d0->introduced = true;
	d0->features = e->features;
	e->domains = d0;
	if (xs_engine_initial_tree(e)) {
		xs_engine_fini(e);
		return -ENOMEM;
	}
	return 0;
}

void xs_engine_fini(struct xs_engine *e)
{
	struct xs_domain *d;

	while (e->conns) {
		e->conns->dead = true;
		xs_engine_reap(e);
	}
	while ((d = e->domains)) {
		e->domains = d->next;
		free(d);
	}
	xs_tree_destroy(&e->tree);
}

/* Close and free every connection marked dead. */
void xs_engine_reap(struct xs_engine *e)
{
	struct xs_conn **pp = &e->conns, *c;

	while ((c = *pp)) {
		if (!c->dead) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		if (c->ops && c->ops->close) {
			c->ops->close(c);
		}
		if (c->dom && c->dom->conn == c) {
			c->dom->conn = NULL;
		}
		xs_conn_reset(c);
		free(c->out);
		free(c);
	}
}

/* ---- connections -------------------------------------------------------- */

struct xs_conn *xs_conn_new(struct xs_engine *e, uint32_t domid,
			    bool privileged)
{
	struct xs_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		return NULL;
	}
	c->eng = e;
	c->caller.domid = domid;
	c->caller.privileged = privileged;
	c->next_txn_id = 1;
	c->next = e->conns;
	e->conns = c;
	return c;
}

/* Mark for closing; the memory goes at the next xs_engine_reap(). */
void xs_conn_free(struct xs_conn *c)
{
	c->dead = true;
}

void xs_conn_drop_watches_txns(struct xs_conn *c)
{
	struct xs_txn *t;

	xs_watch_clear(c);
	while ((t = c->txns)) {
		c->txns = t->next;
		xs_txn_free(t);
	}
	c->nr_txns = 0;
}

/* Forget watches, transactions and buffered data (ring reconnect). */
void xs_conn_reset(struct xs_conn *c)
{
	xs_conn_drop_watches_txns(c);
	c->in_have = 0;
	c->out_head = 0;
	c->out_len = 0;
	c->out_replies = 0;
	c->out_msg_left = 0;
}

static size_t xs_conn_pending(const struct xs_conn *c)
{
	return c->out_len - c->out_head;
}

/*
 * An unprivileged connection with "outstanding" replies not yet taken by
 * its transport gets no further request read until it takes some.
 */
static bool xs_conn_outstanding_full(const struct xs_conn *c)
{
	const struct xs_quota *q;

	if (c->caller.privileged || c->out_replies == 0) {
		return false;
	}
	q = xs_quota_for(c->eng, c->caller.domid);
	return q->outstanding && c->out_replies >= q->outstanding;
}

/* Bytes the engine accepts now: the rest of the current message. */
size_t xs_conn_want(const struct xs_conn *c)
{
	const struct xsd_sockmsg *h = (const void *)c->in;

	if (c->dead) {
		return 0;
	}
	if (c->in_have < sizeof(*h)) {
		if (c->in_have == 0 && xs_conn_pending(c) > XS_OUT_SOFT) {
			return 0; /* back-pressure: drain replies first */
		}
		if (c->in_have == 0 && xs_conn_outstanding_full(c)) {
			return 0; /* the "outstanding" quota */
		}
		return sizeof(*h) - c->in_have;
	}
	return sizeof(*h) + h->len - c->in_have;
}

size_t xs_conn_out_peek(const struct xs_conn *c, const uint8_t **p)
{
	/* No queue allocated yet: no arithmetic on a null pointer. */
	*p = c->out ? c->out + c->out_head : NULL;
	return xs_conn_pending(c);
}

/* Count the replies among the next n bytes of output as sent. */
static void xs_out_account(struct xs_conn *c, size_t n)
{
	struct xsd_sockmsg h;
	size_t off = c->out_head, step;

	while (n) {
		if (c->out_msg_left == 0) {
			/* Messages are queued whole: a header starts here. */
			memcpy(&h, c->out + off, sizeof(h));
			c->out_msg_left = (uint32_t)sizeof(h) + h.len;
			c->out_msg_reply = h.type != XS_WATCH_EVENT;
		}
		step = n < c->out_msg_left ? n : c->out_msg_left;
		off += step;
		n -= step;
		c->out_msg_left -= (uint32_t)step;
		if (c->out_msg_left == 0 && c->out_msg_reply &&
		    c->out_replies) {
			c->out_replies--;
		}
	}
}

void xs_conn_out_consume(struct xs_conn *c, size_t n)
{
	if (n > xs_conn_pending(c)) {
		n = xs_conn_pending(c);
	}
	xs_out_account(c, n);
	c->out_head += n;
	if (c->out_head == c->out_len) {
		c->out_head = 0;
		c->out_len = 0;
	}
}

static int xs_out_reserve(struct xs_conn *c, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (c->out_len + n <= c->out_cap) {
		return 0;
	}
	if (c->out_head) {
		memmove(c->out, c->out + c->out_head, xs_conn_pending(c));
		c->out_len -= c->out_head;
		c->out_head = 0;
		if (c->out_len + n <= c->out_cap) {
			return 0;
		}
	}
	cap = c->out_cap ? c->out_cap : 4096;
	while (cap < c->out_len + n) {
		cap *= 2;
	}
	p = realloc(c->out, cap);
	if (!p) {
		return -ENOMEM;
	}
	c->out = p;
	c->out_cap = cap;
	return 0;
}

/* Queue one message: header then two payload pieces. */
static int xs_queue_msg(struct xs_conn *c, const struct xsd_sockmsg *h,
			const void *a, size_t alen, const void *b, size_t blen)
{
	if (xs_out_reserve(c, sizeof(*h) + alen + blen)) {
		c->dead = !c->is_ring;
		return -ENOMEM;
	}
	memcpy(c->out + c->out_len, h, sizeof(*h));
	c->out_len += sizeof(*h);
	if (alen) {
		memcpy(c->out + c->out_len, a, alen);
		c->out_len += alen;
	}
	if (blen) {
		memcpy(c->out + c->out_len, b, blen);
		c->out_len += blen;
	}
	if (h->type != XS_WATCH_EVENT) {
		c->out_replies++;
	}
	return 0;
}

int xs_reply(struct xs_req *r, const void *data, size_t len)
{
	struct xsd_sockmsg h = r->hdr;

	if (len > XENSTORE_PAYLOAD_MAX) {
		return -E2BIG;
	}
	h.len = (uint32_t)len;
	xs_queue_msg(r->c, &h, data, len, NULL, 0);
	return 0;
}

int xs_reply_str(struct xs_req *r, const char *s)
{
	return xs_reply(r, s, strlen(s) + 1);
}

static void xs_reply_error(struct xs_req *r, int err)
{
	const char *name = xs_error_name(err);
	struct xsd_sockmsg h = r->hdr;

	h.type = XS_ERROR;
	h.len = (uint32_t)strlen(name) + 1;
	xs_queue_msg(r->c, &h, name, h.len, NULL, 0);
}

/*
 * Watch event (xenstore.txt, WATCH_EVENT): req_id = tx_id = 0. A client
 * that lets its queue grow past XS_OUT_HARD is dropped; a domain ring
 * cannot reconnect, so it loses the event instead.
 */
void xs_conn_queue_event(struct xs_conn *c, const char *path, const char *token)
{
	struct xsd_sockmsg h = { .type = XS_WATCH_EVENT };
	size_t plen = strlen(path) + 1, tlen = strlen(token) + 1;

	if (c->dead || plen + tlen > XENSTORE_PAYLOAD_MAX) {
		return;
	}
	if (xs_conn_pending(c) + sizeof(h) + plen + tlen > XS_OUT_HARD) {
		if (c->is_ring) {
			c->dropped_events++;
		} else {
			c->dead = true;
		}
		return;
	}
	h.len = (uint32_t)(plen + tlen);
	xs_queue_msg(c, &h, path, plen, token, tlen);
}

/*
 * Split a payload of NUL-terminated strings. The payload must end in NUL
 * (an empty payload has no arguments). More than max strings: -EINVAL.
 */
int xs_req_args(const struct xs_req *r, const char **argv, unsigned max,
		unsigned *argc)
{
	uint32_t off = 0, n = 0;
	const char *end;

	if (r->len && r->data[r->len - 1] != '\0') {
		return -EINVAL;
	}
	while (off < r->len) {
		if (n == max) {
			return -EINVAL;
		}
		argv[n++] = r->data + off;
		end = memchr(r->data + off, '\0', r->len - off);
		off = (uint32_t)(end - r->data) + 1;
	}
	*argc = n;
	return 0;
}

/* ---- dispatch ----------------------------------------------------------- */

struct xs_handler {
	xs_handler_fn fn;
	bool txn; /* the request runs inside the header's transaction */
};

static const struct xs_handler xs_handlers[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { xs_do_control, false },
	[XS_DIRECTORY] = { xs_do_directory, true },
	[XS_READ] = { xs_do_read, true },
	[XS_GET_PERMS] = { xs_do_get_perms, true },
	[XS_WATCH] = { xs_do_watch, false },
	[XS_UNWATCH] = { xs_do_unwatch, false },
	[XS_TRANSACTION_START] = { xs_do_transaction_start, true },
	[XS_TRANSACTION_END] = { xs_do_transaction_end, true },
	[XS_INTRODUCE] = { xs_do_introduce, false },
	[XS_RELEASE] = { xs_do_release, false },
	[XS_GET_DOMAIN_PATH] = { xs_do_get_domain_path, false },
	[XS_WRITE] = { xs_do_write, true },
	[XS_MKDIR] = { xs_do_mkdir, true },
	[XS_RM] = { xs_do_rm, true },
	[XS_SET_PERMS] = { xs_do_set_perms, true },
	[XS_IS_DOMAIN_INTRODUCED] = { xs_do_is_domain_introduced, false },
	[XS_RESUME] = { xs_do_resume, false },
	[XS_SET_TARGET] = { xs_do_set_target, false },
	[XS_RESET_WATCHES] = { xs_do_reset_watches, false },
	[XS_DIRECTORY_PART] = { xs_do_directory_part, true },
	[XS_GET_FEATURE] = { xs_do_get_feature, false },
	[XS_SET_FEATURE] = { xs_do_set_feature, false },
	[XS_GET_QUOTA] = { xs_do_get_quota, false },
	[XS_SET_QUOTA] = { xs_do_set_quota, false },
};

static struct xs_txn *xs_txn_lookup(const struct xs_conn *c, uint32_t id)
{
	struct xs_txn *t;

	for (t = c->txns; t; t = t->next) {
		if (t->id == id) {
			return t;
		}
	}
	return NULL;
}

static void xs_process(struct xs_conn *c)
{
	struct xs_req r = { .c = c };
	const struct xs_handler *h = NULL;
	int rc;

	memcpy(&r.hdr, c->in, sizeof(r.hdr));
	r.data = (const char *)c->in + sizeof(r.hdr);
	r.len = r.hdr.len;
	c->in[sizeof(r.hdr) + r.len] = '\0';
	if (r.hdr.type < XS_TYPE_COUNT) {
		h = &xs_handlers[r.hdr.type];
	}
	if (!h || !h->fn) {
		rc = -ENOSYS;
	} else if (h->txn && r.hdr.tx_id &&
		   !(r.txn = xs_txn_lookup(c, r.hdr.tx_id))) {
		rc = -ENOENT;
	} else {
		rc = h->fn(&r);
	}
	if (rc) {
		xs_reply_error(&r, rc);
	}
}

/*
 * Take up to xs_conn_want() bytes of input. A header announcing more than
 * XENSTORE_PAYLOAD_MAX kills the connection (xenstore.txt): -EINVAL.
 */
int xs_conn_feed(struct xs_conn *c, const void *buf, size_t len)
{
	struct xsd_sockmsg *h = (void *)c->in;
	size_t want = xs_conn_want(c);

	if (len > want) {
		len = want;
	}
	memcpy(c->in + c->in_have, buf, len);
	c->in_have += (uint32_t)len;
	if (c->in_have < sizeof(*h)) {
		return 0;
	}
	if (h->len > XENSTORE_PAYLOAD_MAX) {
		c->dead = true;
		return -EINVAL;
	}
	if (c->in_have == sizeof(*h) + h->len) {
		c->in_have = 0;
		xs_process(c);
	}
	return 0;
}

const struct xs_quota *xs_quota_for(const struct xs_engine *e, uint32_t domid)
{
	const struct xs_domain *d = xs_domain_find(e, domid);

	return d && d->has_quota ? &d->quota : &e->quota;
}

/*
 * What unprivileged domain domid holds over all its connections: watches,
 * open transactions, and the bytes of both (nodes are in the tree).
 */
void xs_domain_usage(const struct xs_engine *e, uint32_t domid,
		     struct xs_usage *u)
{
	const struct xs_conn *c;
	const struct xs_txn *t;

	memset(u, 0, sizeof(*u));
	for (c = e->conns; c; c = c->next) {
		if (c->dead || c->caller.privileged ||
		    c->caller.domid != domid) {
			continue;
		}
		u->watches += c->nr_watches;
		u->txns += c->nr_txns;
		u->mem += c->watch_bytes;
		for (t = c->txns; t; t = t->next) {
			u->mem += xs_txn_mem(t);
		}
	}
}

/* -ENOMEM if more bytes would take c's domain past its memory quota. */
int xs_quota_mem_check(const struct xs_conn *c, uint64_t more)
{
	const struct xs_quota *q = xs_quota_for(c->eng, c->caller.domid);
	struct xs_usage u;
	int64_t have;

	if (c->caller.privileged || !q->memory) {
		return 0;
	}
	xs_domain_usage(c->eng, c->caller.domid, &u);
	have = xs_tree_bytes_of(&c->eng->tree, c->caller.domid);
	return (uint64_t)have + u.mem + more > q->memory ? -ENOMEM : 0;
}

/*
 * -EINVAL if canonical path is longer than the "path-length" quota, not
 * counting the caller's home prefix (/local/domain/<id>/), as C xenstored.
 */
int xs_quota_path_check(const struct xs_conn *c, const char *path)
{
	const struct xs_quota *q = xs_quota_for(c->eng, c->caller.domid);

	if (c->caller.privileged || !q->path_len) {
		return 0;
	}
	return strlen(xs_path_relative(path, c->caller.domid)) > q->path_len
		       ? -EINVAL
		       : 0;
}
