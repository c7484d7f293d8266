/* SPDX-License-Identifier: MIT */
/* Introducing boot-time domains to xenstored: see dom0less.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dom0less.h"
#include "domplan.h"

/* Seconds to wait for any one reply of xenstored. */
#define DOM0LESS_XS_TIMEOUT 10

int dom0less_write_nodes(struct xs_client *c, uint32_t tx,
			 const struct sable_ctl_domain_info *info, char *step)
{
	struct domplan p;
	int rc;

	domplan_init(&p, info->domid);
	rc = domplan_dom0less(&p, info);
	if (rc) {
		snprintf(step, DOM0LESS_STEP_MAX, "prepare the nodes");
	} else {
		rc = domplan_write(c, tx, &p, step);
	}
	domplan_free(&p);
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
	struct domplan p;
	char step[DOMPLAN_STEP_MAX] = "prepare the nodes";
	int rc;

	domplan_init(&p, r->info.domid);
	rc = domplan_dom0less(&p, &r->info);
	if (!rc && r->console_port) {
		rc = domplan_dom0less_console(&p, r->info.domid, r->console_gfn,
					      r->console_port);
	}
	if (!rc) {
		rc = domplan_commit(c, &p, step);
	}
	if (rc) {
		dom0less_fail(r, c, rc, step);
	}
	domplan_free(&p);
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
	/* A console page is optional: without one, no console nodes. */
	if (sable_hvm_get_param(x->h, domid, HVM_PARAM_CONSOLE_EVTCHN, &port) ==
		    0 &&
	    port != 0 &&
	    sable_hvm_get_param(x->h, domid, HVM_PARAM_CONSOLE_PFN, &pfn) ==
		    0) {
		r->console_port = (uint32_t)port;
		r->console_gfn = pfn;
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
