// SPDX-License-Identifier: MIT
/*
 * Fuzz the XenStore request engine. The input is a script of chunks, each
 * sent to one of four connections: dom0 over a socket, two unprivileged
 * domains, and a domain ring backed by an in-memory page. After every
 * chunk all output is parsed and checked to be well-formed replies.
 * Nothing may crash or leak, whatever the bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xs_engine.h"
#include "xs_ring.h"

#define NCONN 4

struct fz {
	struct xs_engine e;
	struct xs_conn *c[NCONN];
	struct xenstore_domain_interface page;
	struct xs_ring ring;
	uint8_t rsp[8192];
	size_t rsp_len;
};

static int fz_introduce(struct xs_engine *e, struct xs_domain *d)
{
	(void)e;
	return d->gfn == 13 ? -22 : 0;
}

static const struct xs_platform_ops fz_plat = { .introduce = fz_introduce };

/* Parse a byte stream of messages; abort on anything malformed. */
static size_t fz_check_stream(const uint8_t *p, size_t n)
{
	struct xsd_sockmsg h;
	size_t off = 0;

	while (n - off >= sizeof(h)) {
		memcpy(&h, p + off, sizeof(h));
		if (h.len > XENSTORE_PAYLOAD_MAX) {
			abort();
		}
		if (h.type >= XS_TYPE_COUNT && h.type != XS_ERROR) {
			abort();
		}
		if (n - off < sizeof(h) + h.len) {
			break;
		}
		if ((h.type == XS_ERROR || h.type == XS_WATCH_EVENT) &&
		    (h.len == 0 || p[off + sizeof(h) + h.len - 1] != '\0')) {
			abort();
		}
		if (h.type == XS_WATCH_EVENT && (h.req_id || h.tx_id)) {
			abort();
		}
		off += sizeof(h) + h.len;
	}
	return off;
}

/* Nodes and bytes per owner, counted by walking the tree. */
struct fz_owner {
	uint32_t domid;
	int64_t nodes;
	int64_t bytes;
};

#define FZ_OWNERS 64

static int fz_count(const struct xs_node *n, struct fz_owner *o, int *nr)
{
	uint32_t i, id = n->perms[0].domid;
	int k;

	for (k = 0; k < *nr && o[k].domid != id; k++) {
	}
	if (k == *nr) {
		if (*nr == FZ_OWNERS) {
			return -1;
		}
		o[k].domid = id;
		o[k].nodes = 0;
		o[k].bytes = 0;
		(*nr)++;
	}
	o[k].nodes++;
	o[k].bytes += (int64_t)xs_node_cost(n);
	for (i = 0; i < n->nr_child; i++) {
		if (fz_count(n->child[i], o, nr)) {
			return -1;
		}
	}
	return 0;
}

/*
 * The accounting behind the nodes and memory quotas matches the tree,
 * whatever was created, removed, re-owned, committed or released.
 */
static void fz_check_acct(const struct xs_engine *e)
{
	struct fz_owner o[FZ_OWNERS];
	uint32_t i;
	int nr = 0, k;

	if (fz_count(e->tree.root, o, &nr)) {
		return;
	}
	for (k = 0; k < nr; k++) {
		if (xs_tree_nodes_of(&e->tree, o[k].domid) != o[k].nodes ||
		    xs_tree_bytes_of(&e->tree, o[k].domid) != o[k].bytes) {
			abort();
		}
	}
	for (i = 0; i < e->tree.nr_acct; i++) {
		for (k = 0; k < nr && o[k].domid != e->tree.acct[i].domid;
		     k++) {
		}
		if (k == nr &&
		    (e->tree.acct[i].nodes || e->tree.acct[i].bytes)) {
			abort();
		}
	}
}

static void fz_drain(struct fz *f, int i, size_t max)
{
	struct xs_conn *c = f->c[i];
	const uint8_t *p;
	size_t n;

	if (!c || c->is_ring) {
		return;
	}
	n = xs_conn_out_peek(c, &p);
	/* Replies are queued whole, so the queue parses completely. */
	if (fz_check_stream(p, n) != n) {
		abort();
	}
	/* Consume whole messages only, up to max bytes (a slow reader). */
	xs_conn_out_consume(c, fz_check_stream(p, n < max ? n : max));
}

static void fz_ring_drain(struct fz *f)
{
	struct xenstore_domain_interface *pg = &f->page;
	size_t used;

	while (pg->rsp_cons != pg->rsp_prod && f->rsp_len < sizeof(f->rsp)) {
		f->rsp[f->rsp_len++] =
			(uint8_t)pg->rsp[MASK_XENSTORE_IDX(pg->rsp_cons)];
		pg->rsp_cons++;
	}
	used = fz_check_stream(f->rsp, f->rsp_len);
	memmove(f->rsp, f->rsp + used, f->rsp_len - used);
	f->rsp_len -= used;
	if (f->rsp_len == sizeof(f->rsp)) {
		abort();
	}
}

static void fz_ring_feed(struct fz *f, const uint8_t *d, size_t n)
{
	struct xenstore_domain_interface *pg = &f->page;
	size_t i;

	for (i = 0; i < n; i++) {
		if (pg->req_prod - pg->req_cons >= XENSTORE_RING_SIZE) {
			xs_ring_service(f->c[3]);
			fz_ring_drain(f);
			if (pg->req_prod - pg->req_cons >= XENSTORE_RING_SIZE) {
				return;
			}
		}
		pg->req[MASK_XENSTORE_IDX(pg->req_prod)] = (char)d[i];
		pg->req_prod++;
	}
	xs_ring_service(f->c[3]);
	fz_ring_drain(f);
}

static void fz_feed(struct fz *f, int i, const uint8_t *d, size_t n)
{
	size_t want, off = 0;

	if (i == 3) {
		fz_ring_feed(f, d, n);
		return;
	}
	while (off < n && f->c[i]) {
		want = xs_conn_want(f->c[i]);
		if (want == 0) {
			fz_drain(f, i, (size_t)-1);
			want = xs_conn_want(f->c[i]);
			if (want == 0) {
				break;
			}
		}
		if (want > n - off) {
			want = n - off;
		}
		xs_conn_feed(f->c[i], d + off, want);
		off += want;
	}
}

static bool fz_alive(const struct fz *f, const struct xs_conn *c)
{
	const struct xs_conn *p;

	for (p = f->e.conns; p && p != c; p = p->next) {
	}
	return p != NULL;
}

/* Connections closed (a full queue, or their domain released) return. */
static void fz_reconnect(struct fz *f)
{
	static const uint32_t ids[3] = { 0, 5, 7 };
	int i;

	xs_engine_reap(&f->e);
	for (i = 0; i < 3; i++) {
		if (!fz_alive(f, f->c[i])) {
			f->c[i] = xs_conn_new(&f->e, ids[i], i == 0);
		}
	}
	if (!fz_alive(f, f->c[3])) {
		/* Domain 9 was released: a new one comes with a new page. */
		memset(&f->page, 0, sizeof(f->page));
		f->rsp_len = 0;
		f->c[3] = xs_ring_conn_new(&f->e, &f->ring, 9, false);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;
	struct xs_quota q;
	size_t off = 1, len;
	int i;

	if (size < 1) {
		return 0;
	}
	memset(&f, 0, sizeof(f));
	xs_quota_default(&q);
	if (data[0] & 1) {
		q.nodes = 8;
		q.watches = 2;
		q.transactions = 2;
		q.txn_nodes = 8;
		q.node_size = 16;
		q.perms = 2;
		q.path_len = 24;
		q.memory = 4096;
		q.outstanding = 2;
	}
	if (xs_engine_init(&f.e, &q)) {
		return 0;
	}
	f.e.plat = &fz_plat;
	f.ring.intf = &f.page;
	f.c[3] = xs_ring_conn_new(&f.e, &f.ring, 9, false);
	fz_reconnect(&f);
	while (off + 2 <= size) {
		i = data[off] & 3;
		len = data[off + 1];
		if (data[off] & 4) {
			len |= (size_t)data[off] << 5 & 0x1f00;
		}
		off += 2;
		if (len > size - off) {
			len = size - off;
		}
		if (data[off - 2] & 0x80 && i == 3) {
			/* The domain resets: it forgets partial replies. */
			f.page.connection = XENSTORE_RECONNECT;
			f.rsp_len = 0;
		}
		fz_feed(&f, i, data + off, len);
		off += len;
		fz_drain(&f, i, data[0] & 2 ? 64 : (size_t)-1);
		fz_check_acct(&f.e);
		fz_reconnect(&f);
	}
	for (i = 0; i < 3; i++) {
		fz_drain(&f, i, (size_t)-1);
	}
	xs_engine_fini(&f.e);
	return 0;
}
