// SPDX-License-Identifier: MIT
/*
 * Helpers for the XenStore engine tests.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ut.h"
#include "xt_helpers.h"

struct xt_msg xt_ev[XT_MAX_EVENTS];
int xt_nev;

void xt_setup(struct xs_engine *e)
{
	ASSERT_EQ(xs_engine_init(e, NULL), 0);
}

struct xs_conn *xt_setup_dom0(struct xs_engine *e)
{
	struct xs_conn *c;

	xt_setup(e);
	c = xs_conn_new(e, 0, true);
	ASSERT_TRUE(c != NULL);
	return c;
}

/* An unprivileged domain connection without transport. */
struct xs_conn *xt_dom(struct xs_engine *e, uint32_t domid)
{
	struct xs_conn *c = xs_conn_new(e, domid, false);

	ASSERT_TRUE(c != NULL);
	return c;
}

struct xs_conn *xt_guest(struct xs_engine *e, struct xs_conn *d0,
			 uint32_t domid)
{
	char home[32], perm[16];
	struct xt_msg r;

	snprintf(home, sizeof(home), "/local/domain/%u", domid);
	snprintf(perm, sizeof(perm), "n%u", domid);
	EXPECT_EQ(xt_op1(d0, XS_MKDIR, 0, home), 0);
	EXPECT_EQ(xt_req(d0, XS_SET_PERMS, 0, &r, 2, home, perm), 0);
	return xt_dom(e, domid);
}

void xt_send_raw(struct xs_conn *c, uint32_t type, uint32_t tx,
		 const void *payload, size_t len)
{
	struct xsd_sockmsg h = { type, 77, tx, (uint32_t)len };

	xs_conn_feed(c, &h, sizeof(h));
	if (len) {
		xs_conn_feed(c, payload, len);
	}
}

/* Pop one queued message; 0 if the queue is empty. */
int xt_pop(struct xs_conn *c, struct xt_msg *m)
{
	const uint8_t *p;
	size_t n = xs_conn_out_peek(c, &p);
	struct xsd_sockmsg h;

	if (n == 0) {
		return 0;
	}
	ASSERT_TRUE(n >= sizeof(h));
	memcpy(&h, p, sizeof(h));
	ASSERT_TRUE(h.len <= XENSTORE_PAYLOAD_MAX);
	ASSERT_TRUE(n >= sizeof(h) + h.len);
	m->type = h.type;
	m->req_id = h.req_id;
	m->tx_id = h.tx_id;
	m->len = h.len;
	memcpy(m->data, p + sizeof(h), h.len);
	m->data[h.len] = '\0';
	xs_conn_out_consume(c, sizeof(h) + h.len);
	return 1;
}

/* Collect queued watch events into xt_ev; returns their number. */
int xt_events(struct xs_conn *c)
{
	struct xt_msg m;

	xt_nev = 0;
	while (xt_pop(c, &m)) {
		EXPECT_EQ(m.type, XS_WATCH_EVENT);
		if (xt_nev < XT_MAX_EVENTS) {
			xt_ev[xt_nev++] = m;
		}
	}
	return xt_nev;
}

/* 0 for a normal reply, else the negative errno named in an ERROR. */
int xt_err(const struct xt_msg *m)
{
	static const struct {
		const char *n;
		int e;
	} t[] = { { "EINVAL", EINVAL }, { "EACCES", EACCES },
		  { "EEXIST", EEXIST }, { "ENOENT", ENOENT },
		  { "ENOSPC", ENOSPC }, { "ENOSYS", ENOSYS },
		  { "EBUSY", EBUSY },	{ "EAGAIN", EAGAIN },
		  { "E2BIG", E2BIG },	{ "EPERM", EPERM },
		  { "ENOMEM", ENOMEM } };
	size_t i;

	if (m->type != XS_ERROR) {
		return 0;
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!strcmp(m->data, t[i].n)) {
			return -t[i].e;
		}
	}
	return -1000;
}

/* Send, then split what comes back into the reply and watch events. */
int xt_raw(struct xs_conn *c, uint32_t type, uint32_t tx, const void *p,
	   size_t len, struct xt_msg *reply)
{
	struct xt_msg m;
	int got = 0;

	xt_send_raw(c, type, tx, p, len);
	xt_nev = 0;
	while (xt_pop(c, &m)) {
		if (m.type == XS_WATCH_EVENT && m.req_id == 0) {
			if (xt_nev < XT_MAX_EVENTS) {
				xt_ev[xt_nev++] = m;
			}
			continue;
		}
		EXPECT_EQ(got, 0);
		EXPECT_EQ(m.req_id, 77);
		*reply = m;
		got = 1;
	}
	ASSERT_EQ(got, 1);
	return xt_err(reply);
}

/* Request whose payload is nargs NUL-terminated strings. */
int xt_req(struct xs_conn *c, uint32_t type, uint32_t tx, struct xt_msg *r,
	   int nargs, ...)
{
	char buf[XENSTORE_PAYLOAD_MAX + 64];
	size_t len = 0, n;
	va_list ap;
	int i;

	va_start(ap, nargs);
	for (i = 0; i < nargs; i++) {
		const char *s = va_arg(ap, const char *);

		n = strlen(s) + 1;
		memcpy(buf + len, s, n);
		len += n;
	}
	va_end(ap);
	return xt_raw(c, type, tx, buf, len, r);
}

int xt_write(struct xs_conn *c, uint32_t tx, const char *path, const char *val)
{
	char buf[XENSTORE_PAYLOAD_MAX + 64];
	size_t pl = strlen(path) + 1, vl = strlen(val);
	struct xt_msg r;

	memcpy(buf, path, pl);
	memcpy(buf + pl, val, vl);
	return xt_raw(c, XS_WRITE, tx, buf, pl + vl, &r);
}

int xt_read(struct xs_conn *c, uint32_t tx, const char *path, char *out)
{
	struct xt_msg r;
	int rc = xt_req(c, XS_READ, tx, &r, 1, path);

	if (!rc && out) {
		memcpy(out, r.data, r.len + 1);
	}
	return rc;
}

int xt_op1(struct xs_conn *c, uint32_t type, uint32_t tx, const char *a)
{
	struct xt_msg r;

	return xt_req(c, type, tx, &r, 1, a);
}

int xt_end(struct xs_conn *c, uint32_t tx, const char *tf)
{
	return xt_op1(c, XS_TRANSACTION_END, tx, tf);
}
