// SPDX-License-Identifier: MIT
/*
 * Domain management and miscellaneous requests (xenstore.txt, "Domain
 * management and xenstored communications", "Miscellaneous"): INTRODUCE,
 * RELEASE, GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED, RESUME, SET_TARGET,
 * CONTROL, GET/SET_FEATURE, GET/SET_QUOTA.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/xen.h>

#include "xs_engine.h"
#include "xs_path.h"

struct xs_domain *xs_domain_find(const struct xs_engine *e, uint32_t domid)
{
	struct xs_domain *d;

	for (d = e->domains; d; d = d->next) {
		if (d->domid == domid) {
			return d;
		}
	}
	return NULL;
}

/* Parse "<domid>"; real domains only unless allow_zero. */
static int xs_arg_domid(const char *s, bool allow_zero, uint32_t *out)
{
	if (xs_parse_u32(s, 0xffff, out)) {
		return -EINVAL;
	}
	if ((!allow_zero && *out == 0) || *out >= DOMID_FIRST_RESERVED) {
		return -EINVAL;
	}
	return 0;
}

static int xs_need_priv(const struct xs_req *r)
{
	return r->c->caller.privileged ? 0 : -EACCES;
}

/* Parse the request strings; exactly min..max of them. */
static int xs_args(struct xs_req *r, const char **argv, unsigned min,
		   unsigned max, unsigned *argc)
{
	if (xs_req_args(r, argv, max, argc) || *argc < min) {
		return -EINVAL;
	}
	return 0;
}

/* The gfn is sent as signed decimal (xenstore.txt, INTRODUCE). */
static int xs_arg_gfn(const char *s, uint64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end) {
		return -EINVAL;
	}
	*out = (uint64_t)v;
	return 0;
}

int xs_do_introduce(struct xs_req *r)
{
	struct xs_engine *e = r->c->eng;
	const char *argv[4];
	struct xs_domain *d;
	uint32_t domid, port;
	uint64_t gfn;
	unsigned argc;
	int rc = xs_need_priv(r);

	if (!rc) {
		rc = xs_args(r, argv, 3, 4, &argc);
	}
	if (!rc && (xs_arg_domid(argv[0], false, &domid) ||
		    xs_arg_gfn(argv[1], &gfn) ||
		    xs_parse_u32(argv[2], UINT32_MAX, &port))) {
		rc = -EINVAL;
	}
	if (rc) {
		return rc;
	}
	d = xs_domain_find(e, domid);
	if (d && d->introduced) {
		/* Re-introduction with the same ring is harmless. */
		return d->gfn == gfn && d->port == port ? xs_reply_str(r, "OK")
							: -EINVAL;
	}
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d) {
			return -ENOMEM;
		}
		d->domid = domid;
		d->features = e->features;
		d->next = e->domains;
		e->domains = d;
	}
	d->gfn = gfn;
	d->port = port;
	if (e->plat && e->plat->introduce) {
		rc = e->plat->introduce(e, d);
		if (rc) {
			return rc;
		}
	}
	d->introduced = true;
	d->shutdown = false;
	xs_fire_special(e, "@introduceDomain");
	return xs_reply_str(r, "OK");
}

/*
 * Forget everything of domid in the engine but its nodes: its connections
 * with their watches and transactions, any domain's target naming it,
 * and doom open transactions whose log would give it rights at commit.
 */
static void xs_domain_forget(struct xs_engine *e, uint32_t domid)
{
	struct xs_domain *d;
	struct xs_conn *c;
	struct xs_txn *t;

	for (c = e->conns; c; c = c->next) {
		if (!c->caller.privileged && c->caller.domid == domid) {
			xs_conn_reset(c);
			c->dead = true;
			continue;
		}
		if (c->caller.has_target && c->caller.target == domid) {
			c->caller.has_target = false;
		}
		for (t = c->txns; t; t = t->next) {
			t->doomed = t->doomed || xs_txn_names_domid(t, domid);
		}
	}
	for (d = e->domains; d; d = d->next) {
		if (d->has_target && d->target == domid) {
			d->has_target = false;
		}
	}
}

/*
 * Release a domain (RELEASE, or dead): drop its ring connection, purge it
 * (a domain that reuses the id inherits nothing: nodes, permission
 * entries, watches, transactions, quotas, accounting) and fire
 * @releaseDomain.
 */
int xs_domain_release(struct xs_engine *e, uint32_t domid)
{
	struct xs_domain **pp, *d;

	for (pp = &e->domains; (d = *pp); pp = &d->next) {
		if (d->domid == domid && d->introduced && domid != 0) {
			break;
		}
	}
	if (!d) {
		return -ENOENT;
	}
	*pp = d->next;
	if (d->conn) {
		d->conn->dead = true;
		d->conn->dom = NULL;
	}
	free(d);
	xs_domain_forget(e, domid);
	xs_tree_purge_domid(&e->tree, domid);
	xs_fire_special(e, "@releaseDomain");
	return 0;
}

/*
 * Domains that died (reported through VIRQ_DOM_EXC by the platform): one
 * that is only shut down gets one @releaseDomain (it may be resumed; the
 * toolstack sends RELEASE), one dying or gone (XS_DEAD_GONE) is released.
 */
void xs_domain_check_dead(struct xs_engine *e)
{
	uint32_t ids[64], id;
	struct xs_domain *d;
	int n, i;

	if (!e->plat || !e->plat->dead_domains) {
		return;
	}
	n = e->plat->dead_domains(e, ids, 64);
	for (i = 0; i < n; i++) {
		id = ids[i] & ~XS_DEAD_GONE;
		d = xs_domain_find(e, id);
		if (d && (ids[i] & XS_DEAD_GONE)) {
			xs_domain_release(e, id);
		} else if (d && !d->shutdown) {
			d->shutdown = true;
			xs_fire_special(e, "@releaseDomain");
		}
	}
}

/* The domid that is the only argument of a privileged request. */
static int xs_priv_domid_arg(struct xs_req *r, uint32_t *domid)
{
	const char *argv[1];
	unsigned argc;
	int rc = xs_need_priv(r);

	if (!rc) {
		rc = xs_args(r, argv, 1, 1, &argc);
	}
	if (!rc) {
		rc = xs_arg_domid(argv[0], false, domid);
	}
	return rc;
}

/* The domid (0 to 0xffff) that is the only argument; else -EINVAL. */
static int xs_domid_arg(struct xs_req *r, uint32_t *domid)
{
	const char *argv[1];
	unsigned argc;
	int rc = xs_args(r, argv, 1, 1, &argc);

	if (!rc) {
		rc = xs_parse_u32(argv[0], 0xffff, domid);
	}
	return rc ? -EINVAL : 0;
}

int xs_do_release(struct xs_req *r)
{
	uint32_t domid;
	int rc = xs_priv_domid_arg(r, &domid);

	if (!rc) {
		rc = xs_domain_release(r->c->eng, domid);
	}
	return rc ? rc : xs_reply_str(r, "OK");
}

int xs_do_get_domain_path(struct xs_req *r)
{
	char buf[32];
	uint32_t domid;
	int rc = xs_domid_arg(r, &domid);

	if (rc) {
		return rc;
	}
	xs_path_domain(domid, buf, sizeof(buf));
	return xs_reply_str(r, buf);
}

/* Privileged, as in C xenstored: a domU learns nothing of other domains. */
int xs_do_is_domain_introduced(struct xs_req *r)
{
	const struct xs_domain *d;
	uint32_t domid;
	int rc = xs_need_priv(r);

	if (!rc) {
		rc = xs_domid_arg(r, &domid);
	}
	if (rc) {
		return rc;
	}
	d = xs_domain_find(r->c->eng, domid);
	return xs_reply_str(r, d && d->introduced ? "T" : "F");
}

int xs_do_resume(struct xs_req *r)
{
	struct xs_domain *d = NULL;
	uint32_t domid;
	int rc = xs_priv_domid_arg(r, &domid);

	if (!rc) {
		d = xs_domain_find(r->c->eng, domid);
		rc = d ? 0 : -ENOENT;
	}
	if (rc) {
		return rc;
	}
	d->shutdown = false;
	return xs_reply_str(r, "OK");
}

int xs_do_set_target(struct xs_req *r)
{
	struct xs_domain *d = NULL;
	const char *argv[2];
	uint32_t domid, tdomid;
	unsigned argc;
	int rc = xs_need_priv(r);

	if (!rc) {
		rc = xs_args(r, argv, 2, 2, &argc);
	}
	if (!rc && (xs_arg_domid(argv[0], false, &domid) ||
		    xs_arg_domid(argv[1], false, &tdomid))) {
		rc = -EINVAL;
	}
	if (!rc) {
		d = xs_domain_find(r->c->eng, domid);
		rc = d && d->introduced ? 0 : -ENOENT;
	}
	if (rc) {
		return rc;
	}
	d->target = tdomid;
	d->has_target = true;
	if (d->conn) {
		d->conn->caller.target = tdomid;
		d->conn->caller.has_target = true;
	}
	return xs_reply_str(r, "OK");
}

/* ---- features ----------------------------------------------------------- */

int xs_do_get_feature(struct xs_req *r)
{
	const struct xs_domain *d;
	const char *argv[1];
	uint32_t domid, val;
	unsigned argc;
	char buf[16];
	int rc = xs_args(r, argv, 0, 1, &argc);

	if (rc) {
		return rc;
	}
	val = r->c->eng->features;
	if (argc == 1) {
		rc = xs_need_priv(r);
		if (!rc) {
			rc = xs_arg_domid(argv[0], true, &domid);
		}
		if (rc) {
			return rc;
		}
		d = xs_domain_find(r->c->eng, domid);
		if (!d) {
			return -ENOENT;
		}
		val = d->features;
	}
	snprintf(buf, sizeof(buf), "%u", val);
	return xs_reply_str(r, buf);
}

int xs_do_set_feature(struct xs_req *r)
{
	struct xs_domain *d = NULL;
	const char *argv[2];
	uint32_t domid, val;
	unsigned argc;
	int rc = xs_need_priv(r);

	if (!rc) {
		rc = xs_args(r, argv, 2, 2, &argc);
	}
	if (!rc && (xs_arg_domid(argv[0], true, &domid) ||
		    xs_parse_u32(argv[1], UINT32_MAX, &val) ||
		    (val & ~r->c->eng->features))) {
		rc = -EINVAL;
	}
	if (!rc) {
		d = xs_domain_find(r->c->eng, domid);
		rc = d ? 0 : -ENOENT;
	}
	if (rc) {
		return rc;
	}
	d->features = val;
	return xs_reply_str(r, "OK");
}
