/* SPDX-License-Identifier: MIT */
/* XenStore node plans: see domplan.h. */
#define _GNU_SOURCE /* vasprintf */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domplan.h"

/* Conflicting commits are retried this many times in all. */
#define DOMPLAN_TXN_TRIES 5

void domplan_init(struct domplan *p, uint32_t domid)
{
	memset(p, 0, sizeof(*p));
	p->domid = domid;
}

void domplan_free(struct domplan *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		free(p->nodes[i].path);
		free(p->nodes[i].value);
	}
	for (i = 0; i < p->nroots; i++) {
		free(p->roots[i]);
	}
	free(p->nodes);
	domplan_init(p, p->domid);
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

/* Add a node; the path is a format. Failures are kept in p->err. */
__attribute__((format(printf, 4, 5))) static void add(struct domplan *p,
						      enum domplan_perm perm,
						      const char *value,
						      const char *fmt, ...)
{
	struct domplan_node *n;
	va_list ap;

	if (p->err) {
		return;
	}
	if (p->n == p->cap) {
		unsigned int cap = p->cap ? p->cap * 2 : 64;

		n = realloc(p->nodes, cap * sizeof(*n));
		if (!n) {
			p->err = -ENOMEM;
			return;
		}
		p->nodes = n;
		p->cap = cap;
	}
	n = &p->nodes[p->n];
	va_start(ap, fmt);
	n->path = vformat(fmt, ap);
	va_end(ap);
	n->value = strdup(value);
	n->perm = perm;
	if (!n->path || !n->value) {
		free(n->path);
		free(n->value);
		p->err = -ENOMEM;
		return;
	}
	p->n++;
}

__attribute__((format(printf, 2, 3))) static void add_root(struct domplan *p,
							   const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (!s || p->nroots == DOMPLAN_MAX_ROOTS) {
		free(s);
		p->err = p->err ? p->err : -ENOMEM;
		return;
	}
	p->roots[p->nroots++] = s;
}

/* Nodes without a value, below /local/domain/<id>. */
static const struct {
	const char *rel;
	enum domplan_perm perm;
} dir_nodes[] = {
	{ "cpu", DOMPLAN_RO },
	{ "memory", DOMPLAN_RO },
	{ "device", DOMPLAN_RO },
	/* The guest watches shutdown and writes its features here. */
	{ "control", DOMPLAN_RO },
	{ "control/shutdown", DOMPLAN_RW },
	{ "control/feature-poweroff", DOMPLAN_RW },
	{ "control/feature-reboot", DOMPLAN_RW },
	{ "control/feature-suspend", DOMPLAN_RW },
	{ "control/sysrq", DOMPLAN_RW },
	{ "data", DOMPLAN_RW },
	{ "drivers", DOMPLAN_RW },
	{ "feature", DOMPLAN_RW },
	{ "attr", DOMPLAN_RW },
	{ "error", DOMPLAN_RW },
};

static void add_dirs(struct domplan *p, const char *dom)
{
	size_t i;

	for (i = 0; i < sizeof(dir_nodes) / sizeof(dir_nodes[0]); i++) {
		add(p, dir_nodes[i].perm, "", "%s/%s", dom, dir_nodes[i].rel);
	}
}

/* cpu/<i> and cpu/<i>/availability for @max vCPUs, @online of them up. */
static void add_cpus(struct domplan *p, const char *dom, uint32_t online,
		     uint32_t max)
{
	uint32_t i;

	for (i = 0; i < max; i++) {
		add(p, DOMPLAN_RO, "", "%s/cpu/%u", dom, i);
		add(p, DOMPLAN_RO, i < online ? "online" : "offline",
		    "%s/cpu/%u/availability", dom, i);
	}
}

int domplan_dom0less(struct domplan *p,
		     const struct sable_ctl_domain_info *info)
{
	char dom[32], id[16], kib[24];

	snprintf(dom, sizeof(dom), "/local/domain/%u", info->domid);
	snprintf(id, sizeof(id), "%u", info->domid);
	snprintf(kib, sizeof(kib), "%llu", (unsigned long long)info->mem_kib);
	p->domid = info->domid;
	add_root(p, "%s", dom);
	add(p, DOMPLAN_RO, "", "%s", dom);
	add_dirs(p, dom);
	add(p, DOMPLAN_RO, info->name, "%s/name", dom);
	add(p, DOMPLAN_RO, id, "%s/domid", dom);
	add(p, DOMPLAN_RO, kib, "%s/memory/static-max", dom);
	add(p, DOMPLAN_RO, kib, "%s/memory/target", dom);
	add_cpus(p, dom, info->nr_vcpus, info->nr_vcpus);
	return p->err;
}

/* The console: frontend in the guest's directory, backend in dom0's. */
static void add_console(struct domplan *p, const struct domplan_domain *d,
			const char *dom)
{
	char back[64], num[24];

	snprintf(back, sizeof(back), "/local/domain/0/backend/console/%u/0",
		 d->domid);
	add_root(p, "/local/domain/0/backend/console/%u", d->domid);
	add(p, DOMPLAN_FRONT, "", "%s/console", dom);
	add(p, DOMPLAN_FRONT, back, "%s/console/backend", dom);
	add(p, DOMPLAN_FRONT, "0", "%s/console/backend-id", dom);
	snprintf(num, sizeof(num), "%u", DOMPLAN_CONSOLE_LIMIT);
	add(p, DOMPLAN_RO, num, "%s/console/limit", dom);
	add(p, DOMPLAN_RO, "xenconsoled", "%s/console/type", dom);
	add(p, DOMPLAN_RO, "pty", "%s/console/output", dom);
	add(p, DOMPLAN_RO, "", "%s/console/tty", dom);
	snprintf(num, sizeof(num), "%u", d->console_port);
	add(p, DOMPLAN_RO, num, "%s/console/port", dom);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)d->console_gfn);
	add(p, DOMPLAN_RO, num, "%s/console/ring-ref", dom);
	add(p, DOMPLAN_RO, "", "%s", back);
	add(p, DOMPLAN_RO, dom, "%s/frontend", back);
	snprintf(num, sizeof(num), "%u", d->domid);
	add(p, DOMPLAN_RO, num, "%s/frontend-id", back);
	add(p, DOMPLAN_RO, "1", "%s/online", back);
	add(p, DOMPLAN_RO, "1", "%s/state", back);
	add(p, DOMPLAN_RO, "vt100", "%s/protocol", back);
}

int domplan_dom0less_console(struct domplan *p, uint32_t domid, uint64_t gfn,
			     uint32_t port)
{
	struct domplan_domain d = {
		.domid = domid,
		.console_gfn = gfn,
		.console_port = port,
	};
	char dom[32];

	snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
	add_console(p, &d, dom);
	return p->err;
}

/* What libxl writes after building (libxl__build_post). */
static void add_build_post(struct domplan *p, const struct domplan_domain *d,
			   const char *dom, const char *vm)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)d->max_kib);
	add(p, DOMPLAN_RO, num, "%s/memory/static-max", dom);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)d->target_kib);
	add(p, DOMPLAN_RO, num, "%s/memory/target", dom);
	add(p, DOMPLAN_RO, "0", "%s/memory/videoram", dom);
	snprintf(num, sizeof(num), "%u", d->domid);
	add(p, DOMPLAN_RO, num, "%s/domid", dom);
	add(p, DOMPLAN_RO, "", "%s/store", dom);
	snprintf(num, sizeof(num), "%u", d->store_port);
	add(p, DOMPLAN_RO, num, "%s/store/port", dom);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)d->store_gfn);
	add(p, DOMPLAN_RO, num, "%s/store/ring-ref", dom);
	add_cpus(p, dom, d->vcpus, d->max_vcpus);
	add(p, DOMPLAN_RO, d->start_time, "%s/start_time", vm);
	add(p, DOMPLAN_RO, "linux", "%s/image/ostype", vm);
	add(p, DOMPLAN_RO, d->kernel, "%s/image/kernel", vm);
	if (*d->ramdisk) {
		add(p, DOMPLAN_RO, d->ramdisk, "%s/image/ramdisk", vm);
	}
	if (*d->cmdline) {
		add(p, DOMPLAN_RO, d->cmdline, "%s/image/cmdline", vm);
	}
}

int domplan_xl(struct domplan *p, const struct domplan_domain *d)
{
	char dom[32], vm[48], lx[32];

	snprintf(dom, sizeof(dom), "/local/domain/%u", d->domid);
	snprintf(vm, sizeof(vm), "/vm/%s", d->uuid);
	snprintf(lx, sizeof(lx), "/libxl/%u", d->domid);
	p->domid = d->domid;
	add_root(p, "%s", dom);
	add_root(p, "%s", vm);
	add_root(p, "%s", lx);
	/* libxl__domain_make */
	add(p, DOMPLAN_RO, "", "%s", dom);
	add(p, DOMPLAN_RO, "", "%s", vm);
	add(p, DOMPLAN_PRIVATE, "", "%s", lx);
	add(p, DOMPLAN_PRIVATE, "", "%s/device", lx);
	add(p, DOMPLAN_RO, vm, "%s/vm", dom);
	add(p, DOMPLAN_RO, d->name, "%s/name", dom);
	add(p, DOMPLAN_RO, d->name, "%s/name", vm);
	add_dirs(p, dom);
	add(p, DOMPLAN_RW, "", "%s/device/suspend/event-channel", dom);
	add(p, DOMPLAN_RO, d->uuid, "%s/uuid", vm);
	add(p, DOMPLAN_RO, "1",
	    "%s/control/platform-feature-multiprocessor-suspend", dom);
	add(p, DOMPLAN_RO, "1", "%s/control/platform-feature-xs_reset_watches",
	    dom);
	add(p, DOMPLAN_PRIVATE, "pvh", "%s/type", lx);
	add_build_post(p, d, dom, vm);
	add_console(p, d, dom);
	return p->err;
}

unsigned int domplan_perms(const struct domplan *p,
			   const struct domplan_node *n, char perms[2][16])
{
	switch (n->perm) {
	case DOMPLAN_RW:
		snprintf(perms[0], 16, "n%u", p->domid);
		return 1;
	case DOMPLAN_FRONT:
		snprintf(perms[0], 16, "n%u", p->domid);
		snprintf(perms[1], 16, "r0");
		return 2;
	case DOMPLAN_PRIVATE:
		snprintf(perms[0], 16, "n0");
		return 1;
	default:
		snprintf(perms[0], 16, "n0");
		snprintf(perms[1], 16, "r%u", p->domid);
		return 2;
	}
}

int domplan_write(struct xs_client *c, uint32_t tx, const struct domplan *p,
		  char *step)
{
	char perms[2][16];
	const char *pv[2] = { perms[0], perms[1] };
	unsigned int i, np;
	int rc;

	for (i = 0; i < p->nroots; i++) {
		rc = xs_client_rm(c, tx, p->roots[i]);
		if (rc && rc != -ENOENT) {
			snprintf(step, DOMPLAN_STEP_MAX, "RM %s", p->roots[i]);
			return rc;
		}
	}
	for (i = 0; i < p->n; i++) {
		const struct domplan_node *n = &p->nodes[i];

		rc = xs_client_write(c, tx, n->path, n->value);
		if (rc) {
			snprintf(step, DOMPLAN_STEP_MAX, "WRITE %s", n->path);
			return rc;
		}
		np = domplan_perms(p, n, perms);
		rc = xs_client_set_perms(c, tx, n->path, pv, np);
		if (rc) {
			snprintf(step, DOMPLAN_STEP_MAX, "SET_PERMS %s",
				 n->path);
			return rc;
		}
	}
	return 0;
}

int domplan_commit(struct xs_client *c, const struct domplan *p, char *step)
{
	uint32_t tx;
	int tries, rc = -EAGAIN;

	for (tries = 0; tries < DOMPLAN_TXN_TRIES && rc == -EAGAIN; tries++) {
		rc = xs_client_txn_start(c, &tx);
		if (rc) {
			snprintf(step, DOMPLAN_STEP_MAX, "TRANSACTION_START");
			return rc;
		}
		rc = domplan_write(c, tx, p, step);
		if (rc) {
			xs_client_txn_end(c, tx, false);
			if (rc == -EAGAIN) {
				continue;
			}
			return rc;
		}
		rc = xs_client_txn_end(c, tx, true);
		if (rc) {
			snprintf(step, DOMPLAN_STEP_MAX, "TRANSACTION_END");
		}
	}
	return rc;
}

size_t domplan_dump(const struct domplan *p, char *buf, size_t size)
{
	char perms[2][16];
	size_t len = 0;
	unsigned int i, np;
	int n;

	if (size) {
		buf[0] = '\0';
	}
	for (i = 0; i < p->nroots + p->n; i++) {
		if (i < p->nroots) {
			n = snprintf(len < size ? buf + len : NULL,
				     len < size ? size - len : 0, "rm %s\n",
				     p->roots[i]);
		} else {
			const struct domplan_node *nd =
				&p->nodes[i - p->nroots];

			np = domplan_perms(p, nd, perms);
			n = snprintf(len < size ? buf + len : NULL,
				     len < size ? size - len : 0,
				     "%s = \"%s\" (%s%s%s)\n", nd->path,
				     nd->value, perms[0], np > 1 ? "," : "",
				     np > 1 ? perms[1] : "");
		}
		len += n > 0 ? (size_t)n : 0;
	}
	return len;
}

void domplan_add(struct domplan *p, enum domplan_perm perm, const char *value,
		 const char *fmt, ...)
{
	va_list ap;
	char *path;

	va_start(ap, fmt);
	path = vformat(fmt, ap);
	va_end(ap);
	if (!path) {
		p->err = p->err ? p->err : -ENOMEM;
		return;
	}
	add(p, perm, value, "%s", path);
	free(path);
}

void domplan_add_root(struct domplan *p, const char *fmt, ...)
{
	va_list ap;
	char *path;

	va_start(ap, fmt);
	path = vformat(fmt, ap);
	va_end(ap);
	if (!path) {
		p->err = p->err ? p->err : -ENOMEM;
		return;
	}
	add_root(p, "%s", path);
	free(path);
}
