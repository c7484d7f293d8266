/* SPDX-License-Identifier: MIT */
/* Introducing boot-time domains to xenstored: see dom0less.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dom0less.h"

/* Conflicting commits are retried this many times in all. */
#define DOM0LESS_TXN_TRIES 5
/* Seconds to wait for any one reply of xenstored. */
#define DOM0LESS_XS_TIMEOUT 10

/* Nodes without a value of their own, as a Xen toolstack makes them. */
struct dom0less_node {
	const char *rel; /* below /local/domain/<id> */
	bool guest_rw; /* owned by the guest, else read-only for it */
};

static const struct dom0less_node dom0less_nodes[] = {
	{ "cpu", false },
	{ "memory", false },
	{ "device", false },
	/* The guest watches shutdown and writes its features here. */
	{ "control", false },
	{ "control/shutdown", true },
	{ "control/feature-poweroff", true },
	{ "control/feature-reboot", true },
	{ "control/feature-suspend", true },
	{ "control/sysrq", true },
	{ "data", true },
	{ "drivers", true },
	{ "feature", true },
	{ "attr", true },
	{ "error", true },
};

/*
 * Write one node and give it its permissions: read-only for the guest is
 * owner 0 with read access for it ("n0", "r<id>"); read-write is owned by
 * the guest ("n<id>"), as libxl does (xenstore.txt, SET_PERMS).
 */
static int dom0less_put(struct xs_client *c, uint32_t tx, uint32_t domid,
			const char *rel, const char *value, bool guest_rw,
			char *step)
{
	char path[64], own[16], rd[16];
	const char *perms[2] = { own, rd };
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u%s%s", domid,
		 *rel ? "/" : "", rel);
	snprintf(own, sizeof(own), "n%u", guest_rw ? domid : 0);
	snprintf(rd, sizeof(rd), "r%u", domid);
	rc = xs_client_write(c, tx, path, value);
	if (rc) {
		snprintf(step, DOM0LESS_STEP_MAX, "WRITE %s", path);
		return rc;
	}
	rc = xs_client_set_perms(c, tx, path, perms, guest_rw ? 1 : 2);
	if (rc) {
		snprintf(step, DOM0LESS_STEP_MAX, "SET_PERMS %s", path);
	}
	return rc;
}

/* name, domid, memory/static-max and memory/target (KiB). */
static int dom0less_put_values(struct xs_client *c, uint32_t tx,
			       const struct sable_ctl_domain_info *info,
			       char *step)
{
	char id[16], kib[24];
	int rc;

	snprintf(id, sizeof(id), "%u", info->domid);
	snprintf(kib, sizeof(kib), "%llu", (unsigned long long)info->mem_kib);
	rc = dom0less_put(c, tx, info->domid, "name", info->name, false, step);
	if (!rc) {
		rc = dom0less_put(c, tx, info->domid, "domid", id, false, step);
	}
	if (!rc) {
		rc = dom0less_put(c, tx, info->domid, "memory/static-max", kib,
				  false, step);
	}
	if (!rc) {
		rc = dom0less_put(c, tx, info->domid, "memory/target", kib,
				  false, step);
	}
	return rc;
}

static int dom0less_put_cpus(struct xs_client *c, uint32_t tx,
			     const struct sable_ctl_domain_info *info,
			     char *step)
{
	char rel[32];
	uint32_t i;
	int rc = 0;

	for (i = 0; i < info->nr_vcpus && !rc; i++) {
		snprintf(rel, sizeof(rel), "cpu/%u", i);
		rc = dom0less_put(c, tx, info->domid, rel, "", false, step);
		if (!rc) {
			snprintf(rel, sizeof(rel), "cpu/%u/availability", i);
			rc = dom0less_put(c, tx, info->domid, rel, "online",
					  false, step);
		}
	}
	return rc;
}

int dom0less_write_nodes(struct xs_client *c, uint32_t tx,
			 const struct sable_ctl_domain_info *info, char *step)
{
	char base[32];
	size_t i;
	int rc;

	/* Start from an empty directory, as libxl does for a new domain. */
	snprintf(base, sizeof(base), "/local/domain/%u", info->domid);
	rc = xs_client_rm(c, tx, base);
	if (rc && rc != -ENOENT) {
		snprintf(step, DOM0LESS_STEP_MAX, "RM %s", base);
		return rc;
	}
	rc = dom0less_put(c, tx, info->domid, "", "", false, step);
	for (i = 0;
	     !rc && i < sizeof(dom0less_nodes) / sizeof(dom0less_nodes[0]);
	     i++) {
		rc = dom0less_put(c, tx, info->domid, dom0less_nodes[i].rel, "",
				  dom0less_nodes[i].guest_rw, step);
	}
	if (!rc) {
		rc = dom0less_put_values(c, tx, info, step);
	}
	if (!rc) {
		rc = dom0less_put_cpus(c, tx, info, step);
	}
	return rc;
}

/* Record a failure of @step with @err (and xenstored's error name). */
static void dom0less_fail(struct dom0less_result *r, struct xs_client *c,
			  int err, const char *step)
{
	r->status = DOM0LESS_FAILED;
	r->err = err;
	if (step) {
		snprintf(r->step, sizeof(r->step), "%s", step);
	}
	if (c && c->err[0]) {
		snprintf(r->xs_err, sizeof(r->xs_err), "%s", c->err);
	}
}

/* All the nodes in one transaction, retried when a commit conflicts. */
static int dom0less_txn(struct xs_client *c, struct dom0less_result *r)
{
	uint32_t tx;
	int tries, rc = -EAGAIN;

	for (tries = 0; tries < DOM0LESS_TXN_TRIES && rc == -EAGAIN; tries++) {
		rc = xs_client_txn_start(c, &tx);
		if (rc) {
			dom0less_fail(r, c, rc, "TRANSACTION_START");
			return rc;
		}
		rc = dom0less_write_nodes(c, tx, &r->info, r->step);
		if (rc) {
			dom0less_fail(r, c, rc, NULL);
			xs_client_txn_end(c, tx, false);
			continue;
		}
		rc = xs_client_txn_end(c, tx, true);
		if (rc) {
			dom0less_fail(r, c, rc, "TRANSACTION_END");
		}
	}
	return rc;
}

/* The connection to xenstored, opened when first needed. */
struct dom0less_ctx {
	struct sable_handle *h;
	const char *xs_path;
	struct xs_client xs;
	bool connected;
};

static int dom0less_connect(struct dom0less_ctx *x, struct dom0less_result *r)
{
	int rc;

	if (x->connected) {
		return 0;
	}
	rc = xs_client_open(&x->xs, x->xs_path, DOM0LESS_XS_TIMEOUT);
	if (rc) {
		dom0less_fail(r, NULL, rc, "connect to xenstored");
		return rc;
	}
	x->connected = true;
	return 0;
}

/*
 * Steps 1-2: does the domain have a store that is not connected yet?
 * 1 if so, 0 if not (r->status says why), or a negative errno.
 */
static int dom0less_needs_store(struct dom0less_ctx *x,
				struct dom0less_result *r)
{
	const uint32_t gone = SABLE_DOMINF_shutdown | SABLE_DOMINF_dying;
	uint16_t domid = (uint16_t)r->info.domid;
	uint64_t port, pfn;
	int rc;

	if (r->info.flags & gone) {
		r->status = DOM0LESS_NOT_RUNNING;
		return 0;
	}
	rc = sable_hvm_get_param(x->h, domid, HVM_PARAM_STORE_EVTCHN, &port);
	if (rc) {
		dom0less_fail(r, NULL, rc, "HVMOP_get_param STORE_EVTCHN");
		return rc;
	}
	if (port == 0) {
		r->status = DOM0LESS_NO_STORE;
		return 0;
	}
	r->port = (uint32_t)port;
	rc = sable_hvm_get_param(x->h, domid, HVM_PARAM_STORE_PFN, &pfn);
	if (rc) {
		dom0less_fail(r, NULL, rc, "HVMOP_get_param STORE_PFN");
		return rc;
	}
	if (pfn != DOM0LESS_STORE_PFN_PENDING) {
		r->status = DOM0LESS_ALREADY;
		return 0;
	}
	return 1;
}

/*
 * Steps 3-6 for one domain that needs its store: nodes, STORE_PFN, then
 * INTRODUCE. STORE_PFN is set first because the notification xenstored
 * sends on INTRODUCE makes the guest read it; if INTRODUCE fails it goes
 * back to "pending" so that a later run tries again.
 */
static void dom0less_introduce(struct dom0less_ctx *x,
			       struct dom0less_result *r)
{
	uint16_t domid = (uint16_t)r->info.domid;
	bool known;
	int rc;

	if (dom0less_connect(x, r)) {
		return;
	}
	rc = xs_client_is_introduced(&x->xs, domid, &known);
	if (rc || known) {
		if (rc) {
			dom0less_fail(r, &x->xs, rc, "IS_DOMAIN_INTRODUCED");
		} else {
			r->status = DOM0LESS_ALREADY;
		}
		return;
	}
	if (dom0less_txn(&x->xs, r)) {
		return;
	}
	rc = sable_hvm_set_param(x->h, domid, HVM_PARAM_STORE_PFN,
				 DOM0LESS_STORE_GFN);
	if (rc) {
		dom0less_fail(r, NULL, rc, "HVMOP_set_param STORE_PFN");
		return;
	}
	rc = xs_client_introduce(&x->xs, domid, DOM0LESS_STORE_GFN, r->port);
	if (rc) {
		dom0less_fail(r, &x->xs, rc, "INTRODUCE");
		sable_hvm_set_param(x->h, domid, HVM_PARAM_STORE_PFN,
				    DOM0LESS_STORE_PFN_PENDING);
		return;
	}
	r->status = DOM0LESS_INTRODUCED;
}

int dom0less_introduce_all(struct sable_handle *h, const char *xs_path,
			   dom0less_report_fn report, void *arg)
{
	struct dom0less_ctx x = { .h = h, .xs_path = xs_path };
	struct sable_ctl_domain_info info;
	struct dom0less_result r;
	uint32_t next = 1; /* dom0 has its own store already */
	int failed = 0, err;

	x.xs.fd = -1;
	for (;;) {
		if (sable_domain_info(h, next, &info)) {
			err = errno;
			break;
		}
		next = info.domid + 1;
		memset(&r, 0, sizeof(r));
		r.info = info;
		if (dom0less_needs_store(&x, &r) == 1) {
			dom0less_introduce(&x, &r);
		}
		failed += r.status == DOM0LESS_FAILED;
		report(&r, arg);
	}
	xs_client_close(&x.xs);
	if (err != ESRCH) {
		return err ? -err : -EIO;
	}
	return failed;
}

void dom0less_describe(const struct dom0less_result *r, char *buf, size_t size)
{
	switch (r->status) {
	case DOM0LESS_INTRODUCED:
		snprintf(buf, size, "xenstore introduced (port %u)", r->port);
		break;
	case DOM0LESS_ALREADY:
		snprintf(buf, size, "xenstore already introduced (port %u)",
			 r->port);
		break;
	case DOM0LESS_NO_STORE:
		snprintf(buf, size,
			 "no xenstore page (not xen,enhanced), "
			 "skipped");
		break;
	case DOM0LESS_NOT_RUNNING:
		snprintf(buf, size, "shut down or dying, skipped");
		break;
	default:
		snprintf(buf, size, "%s failed: %s", r->step,
			 r->xs_err[0] ? r->xs_err : strerror(-r->err));
		break;
	}
}
