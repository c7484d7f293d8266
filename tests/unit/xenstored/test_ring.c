// SPDX-License-Identifier: MIT
/*
 * The ring transport against an in-memory page, playing the domain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ut.h"
#include "xs_ring.h"
#include "xt_helpers.h"

struct xt_ring {
	struct xenstore_domain_interface page;
	struct xs_ring ring;
	int notifies;
	int unmapped;
};

static void xt_notify(struct xs_ring *ring)
{
	((struct xt_ring *)ring->plat)->notifies++;
}

static void xt_unmap(struct xs_ring *ring)
{
	((struct xt_ring *)ring->plat)->unmapped++;
}

static struct xs_conn *xt_ring_conn(struct xs_engine *e, struct xt_ring *r,
				    uint32_t domid)
{
	memset(r, 0, sizeof(*r));
	r->ring.intf = &r->page;
	r->ring.notify = xt_notify;
	r->ring.unmap = xt_unmap;
	r->ring.plat = r;
	return xs_ring_conn_new(e, &r->ring, domid, domid == 0);
}

/* The domain side: put bytes in req[]; returns how many fitted. */
static size_t xt_put(struct xt_ring *r, const void *buf, size_t len)
{
	struct xenstore_domain_interface *p = &r->page;
	size_t i, space = XENSTORE_RING_SIZE - (p->req_prod - p->req_cons);

	if (len > space) {
		len = space;
	}
	for (i = 0; i < len; i++) {
		p->req[MASK_XENSTORE_IDX(p->req_prod + i)] =
			((const char *)buf)[i];
	}
	p->req_prod += (uint32_t)len;
	return len;
}

static size_t xt_get(struct xt_ring *r, void *buf, size_t max)
{
	struct xenstore_domain_interface *p = &r->page;
	size_t i, n = p->rsp_prod - p->rsp_cons;

	if (n > max) {
		n = max;
	}
	for (i = 0; i < n; i++) {
		((char *)buf)[i] = p->rsp[MASK_XENSTORE_IDX(p->rsp_cons + i)];
	}
	p->rsp_cons += (uint32_t)n;
	return n;
}

static size_t xt_msg_build(uint8_t *buf, uint32_t type, uint32_t req,
			   const void *payload, uint32_t len)
{
	struct xsd_sockmsg h = { type, req, 0, len };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	return sizeof(h) + len;
}

TEST(xs_ring_serves_request_and_notifies)
{
	struct xs_engine e;
	struct xt_ring r;
	struct xs_conn *c;
	uint8_t buf[256];
	size_t n;
	struct xsd_sockmsg h;

	xt_setup(&e);
	c = xt_ring_conn(&e, &r, 0);
	EXPECT_EQ(r.page.server_features, e.features);
	n = xt_msg_build(buf, XS_WRITE, 5, "/r\0v", 4);
	EXPECT_EQ(xt_put(&r, buf, n), n);
	EXPECT_EQ(xs_ring_service(c), 0);
	EXPECT_TRUE(r.notifies > 0);
	EXPECT_EQ(r.page.req_cons, r.page.req_prod);
	n = xt_get(&r, buf, sizeof(buf));
	ASSERT_EQ(n, sizeof(h) + 3);
	memcpy(&h, buf, sizeof(h));
	EXPECT_EQ(h.type, XS_WRITE);
	EXPECT_EQ(h.req_id, 5);
	EXPECT_MEMEQ(buf + sizeof(h), "OK", 3);
	xs_engine_fini(&e);
	EXPECT_EQ(r.unmapped, 1);
}

TEST(xs_ring_relative_paths_and_wraparound)
{
	struct xs_engine e;
	struct xt_ring r;
	struct xs_conn *c, *d0;
	uint8_t buf[4200], out[8192];
	struct xsd_sockmsg h;
	size_t n, sent, got = 0, i;
	char val[900];

	d0 = xt_setup_dom0(&e);
	EXPECT_EQ(xt_write(d0, 0, "/local/domain/4/x", ""), 0);
	{
		struct xt_msg m;

		EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &m, 2, "/local/domain/4",
				 "n4"),
			  0);
	}
	c = xt_ring_conn(&e, &r, 4);
	/* Start near the index wrap to test free-running arithmetic. */
	r.page.req_prod = r.page.req_cons = 0xfffffff0U;
	r.page.rsp_prod = r.page.rsp_cons = 0xffffff00U;
	memset(val, 'q', sizeof(val));
	memcpy(buf, "y\0", 2);
	memcpy(buf + 2, val, sizeof(val));
	for (i = 0; i < 4; i++) {
		n = xt_msg_build(out, XS_WRITE, (uint32_t)i, buf,
				 2 + sizeof(val));
		sent = 0;
		while (sent < n) {
			sent += xt_put(&r, out + sent, n - sent);
			EXPECT_EQ(xs_ring_service(c), 0);
		}
		got += xt_get(&r, out + got, sizeof(out) - got);
	}
	EXPECT_EQ(got, 4 * (sizeof(h) + 3));
	n = xt_msg_build(buf, XS_READ, 9, "y", 2);
	xt_put(&r, buf, n);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(xs_ring_service(c), 0);
		got = xt_get(&r, out, sizeof(out));
		if (got) {
			break;
		}
	}
	/* Reply larger than the free space may need several rounds. */
	while (got < sizeof(h) + sizeof(val)) {
		EXPECT_EQ(xs_ring_service(c), 0);
		n = xt_get(&r, out + got, sizeof(out) - got);
		ASSERT_TRUE(n > 0);
		got += n;
	}
	memcpy(&h, out, sizeof(h));
	EXPECT_EQ(h.type, XS_READ);
	EXPECT_EQ(h.len, sizeof(val));
	EXPECT_EQ(memcmp(out + sizeof(h), val, sizeof(val)), 0);
	xs_engine_fini(&e);
}

TEST(xs_ring_bad_index_sets_error)
{
	struct xs_engine e;
	struct xt_ring r;
	struct xs_conn *c;

	xt_setup(&e);
	c = xt_ring_conn(&e, &r, 4);
	r.page.req_prod = 5000;
	EXPECT_EQ(xs_ring_service(c), -EIO);
	EXPECT_EQ(r.page.error, XENSTORE_ERROR_RINGIDX);
	EXPECT_FALSE(c->dead);
	/* The domain asks to reconnect: state and indices are reset. */
	r.page.connection = XENSTORE_RECONNECT;
	EXPECT_EQ(xs_ring_service(c), 0);
	EXPECT_EQ(r.page.connection, XENSTORE_CONNECTED);
	EXPECT_EQ(r.page.error, XENSTORE_ERROR_NONE);
	EXPECT_EQ(r.page.req_prod, 0);
	xs_engine_fini(&e);
}

TEST(xs_ring_oversize_message_sets_proto_error)
{
	struct xs_engine e;
	struct xt_ring r;
	struct xs_conn *c;
	struct xsd_sockmsg h = { XS_READ, 1, 0, 5000 };

	xt_setup(&e);
	c = xt_ring_conn(&e, &r, 4);
	xt_put(&r, &h, sizeof(h));
	EXPECT_NE(xs_ring_service(c), 0);
	EXPECT_EQ(r.page.error, XENSTORE_ERROR_PROTO);
	EXPECT_EQ(c->in_have, 0);
	r.page.connection = XENSTORE_RECONNECT;
	EXPECT_EQ(xs_ring_service(c), 0);
	EXPECT_EQ(r.page.error, XENSTORE_ERROR_NONE);
	xs_engine_fini(&e);
}

TEST(xs_ring_release_closes_connection)
{
	struct xs_engine e;
	struct xt_ring r;
	struct xs_conn *c, *d0;
	struct xt_msg m;
	struct xs_domain *d;

	d0 = xt_setup_dom0(&e);
	EXPECT_EQ(xt_req(d0, XS_INTRODUCE, 0, &m, 3, "4", "1", "1"), 0);
	c = xt_ring_conn(&e, &r, 4);
	d = xs_domain_find(&e, 4);
	d->conn = c;
	c->dom = d;
	EXPECT_EQ(xt_req(d0, XS_RELEASE, 0, &m, 1, "4"), 0);
	EXPECT_TRUE(c->dead);
	EXPECT_EQ(xs_ring_service(c), -EPIPE);
	xs_engine_reap(&e);
	EXPECT_EQ(r.unmapped, 1);
	xs_engine_fini(&e);
}

/*
 * A domain moving its response indices where they cannot be (consumer
 * ahead of the producer, or more than a ring behind it) breaks its own
 * ring only: nothing is written to the page, another domain's ring is
 * served.
 */
TEST(xs_ring_hostile_response_indices_break_only_that_ring)
{
	static const XENSTORE_RING_IDX bad_cons[] = { 1, 0u - 1025u,
						      0x80000000u };
	struct xs_engine e;
	struct xt_ring r, other;
	struct xs_conn *c, *o;
	uint8_t buf[64], zero[XENSTORE_RING_SIZE] = { 0 };
	size_t n, i;

	xt_setup(&e);
	c = xt_ring_conn(&e, &r, 4);
	o = xt_ring_conn(&e, &other, 6);
	for (i = 0; i < sizeof(bad_cons) / sizeof(bad_cons[0]); i++) {
		r.page.connection = XENSTORE_RECONNECT;
		EXPECT_EQ(xs_ring_service(c), 0);
		r.page.rsp_cons = bad_cons[i];
		n = xt_msg_build(buf, XS_READ, 1, "/tool", 6);
		EXPECT_EQ(xt_put(&r, buf, n), n);
		EXPECT_EQ(xs_ring_service(c), -EIO);
		EXPECT_EQ(r.page.error, XENSTORE_ERROR_RINGIDX);
		EXPECT_EQ(r.page.rsp_prod, 0);
		EXPECT_EQ(memcmp(r.page.rsp, zero, sizeof(zero)), 0);
		EXPECT_FALSE(c->dead);
		/* Broken until it reconnects, even with the indices mended. */
		r.page.rsp_cons = 0;
		EXPECT_EQ(xs_ring_service(c), -EIO);
		n = xt_msg_build(buf, XS_READ, 2, "/tool", 6);
		EXPECT_EQ(xt_put(&other, buf, n), n);
		EXPECT_EQ(xs_ring_service(o), 0);
		EXPECT_TRUE(xt_get(&other, buf, sizeof(buf)) >
			    sizeof(struct xsd_sockmsg));
	}
	/* The request producer moved backwards past the consumer. */
	r.page.connection = XENSTORE_RECONNECT;
	EXPECT_EQ(xs_ring_service(c), 0);
	n = xt_msg_build(buf, XS_READ, 1, "/tool", 6);
	EXPECT_EQ(xt_put(&r, buf, n), n);
	EXPECT_EQ(xs_ring_service(c), 0);
	r.page.req_prod -= 8;
	EXPECT_EQ(xs_ring_service(c), -EIO);
	EXPECT_EQ(r.page.error, XENSTORE_ERROR_RINGIDX);
	xs_engine_fini(&e);
}

/*
 * A domain that never takes its responses costs the daemon a bounded
 * queue: requests stop being read at the "outstanding" quota, and watch
 * events beyond XS_OUT_HARD are dropped, however many are fired.
 */
TEST(xs_ring_domain_that_never_reads_is_bounded)
{
	struct xs_engine e;
	struct xt_ring r;
	struct xs_conn *c, *d0;
	uint8_t buf[128];
	struct xt_msg m;
	char p[32];
	size_t n, put = 0;
	int i;

	d0 = xt_setup_dom0(&e);
	c = xt_ring_conn(&e, &r, 4);
	/* Requests: only a ring's worth and the quota's replies are taken. */
	for (i = 0; i < 200; i++) {
		n = xt_msg_build(buf, XS_READ, (uint32_t)i, "/tool", 6);
		put += xt_put(&r, buf, n);
		xs_ring_service(c);
	}
	EXPECT_TRUE(c->out_replies <= e.quota.outstanding);
	EXPECT_TRUE(c->out_len - c->out_head < XS_OUT_SOFT);
	/* Watch events: 128 watches on a node dom0 keeps writing. */
	EXPECT_EQ(xt_write(d0, 0, "/hot", ""), 0);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &m, 2, "/hot", "r0"), 0);
	for (i = 0; i < 128; i++) {
		snprintf(p, sizeof(p), "%d", i);
		EXPECT_EQ(xs_watch_add(c, "/hot", p, false), 0);
	}
	for (i = 0; i < 2000; i++) {
		snprintf(p, sizeof(p), "/hot/%d", i % 100);
		ASSERT_EQ(xt_write(d0, 0, p, "x"), 0);
		xs_ring_service(c);
	}
	EXPECT_TRUE(c->out_len - c->out_head <= XS_OUT_HARD);
	EXPECT_TRUE(c->dropped_events > 0);
	EXPECT_FALSE(c->dead);
	xs_engine_fini(&e);
}
