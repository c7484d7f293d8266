/* SPDX-License-Identifier: MIT */
/*
 * The small languages inside xl.cfg values: disk specifications
 * (xl-disk-configuration(5)), vif specifications
 * (xl-network-configuration(5)), CPU lists; and the text dump of a parsed
 * configuration.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg.h"

#define SPEC_MAX 512

const char *xlcfg_action_name(enum xlcfg_action a)
{
	static const char *const names[] = {
		[XLCFG_DESTROY] = "destroy",
		[XLCFG_RESTART] = "restart",
		[XLCFG_PRESERVE] = "preserve",
		[XLCFG_RENAME_RESTART] = "rename-restart",
		[XLCFG_COREDUMP_DESTROY] = "coredump-destroy",
		[XLCFG_COREDUMP_RESTART] = "coredump-restart",
		[XLCFG_SOFT_RESET] = "soft-reset",
	};

	return (unsigned int)a < sizeof(names) / sizeof(names[0]) ? names[a]
								  : "?";
}

/* Copy @s into @dst (@size bytes); false if it does not fit. */
static bool put(char *dst, size_t size, const char *s)
{
	if (strlen(s) >= size) {
		return false;
	}
	strcpy(dst, s);
	return true;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t') {
		s++;
	}
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
		*--e = '\0';
	}
	return s;
}

/* ---- disks ----------------------------------------------------------- */

enum { POS_TARGET, POS_FORMAT, POS_VDEV, POS_ACCESS, POS_COUNT };

struct disk_parse {
	struct xlcfg_disk *d;
	bool given[POS_COUNT];
	bool access_given;
	char *err;
};

static int disk_err(struct disk_parse *p, const char *what, const char *arg)
{
	snprintf(p->err, XLCFG_ERR_MAX, "%s%s%s%s", what, arg ? " '" : "",
		 arg ? arg : "", arg ? "'" : "");
	return -EINVAL;
}

static int disk_format(struct disk_parse *p, const char *v)
{
	static const char *const formats[] = { "raw", "qcow", "qcow2",
					       "vhd", "qed",  "empty" };
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(v, formats[i]) == 0) {
			strcpy(p->d->format, v);
			return 0;
		}
	}
	return disk_err(p, "unknown format", v);
}

static int disk_access(struct disk_parse *p, const char *v)
{
	if (!strcmp(v, "r") || !strcmp(v, "ro")) {
		p->d->readonly = true;
	} else if (!strcmp(v, "w") || !strcmp(v, "rw")) {
		p->d->readonly = false;
	} else {
		return disk_err(p, "unknown access (r, ro, w or rw)", v);
	}
	p->access_given = true;
	return 0;
}

/* vdev, with the deprecated ":cdrom" suffix. */
static int disk_vdev(struct disk_parse *p, char *v)
{
	char *colon = strchr(v, ':');

	if (colon) {
		if (strcmp(colon, ":cdrom") != 0) {
			return disk_err(p, "bad vdev", v);
		}
		*colon = '\0';
		p->d->cdrom = true;
	}
	if (!*v || !put(p->d->vdev, sizeof(p->d->vdev), v)) {
		return disk_err(p, "bad vdev", v);
	}
	return 0;
}

/*
 * A target with a deprecated "<prefix>:" (phy:, file:, tap:aio:, raw:,
 * qcow2:, ...): the prefix names the backend type or the format, and the
 * positional format is then skipped ("phy:/dev/vg/lv,xvda,w").
 */
static int disk_target(struct disk_parse *p, char *v)
{
	static const char *const types[] = { "phy", "file", "tap", "tap2",
					     "aio" };
	static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd",
					       "qed" };
	char *colon;
	size_t i;
	bool again = true;

	while (again && (colon = strchr(v, ':')) != NULL) {
		again = false;
		*colon = '\0';
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			if (strcmp(v, types[i]) == 0) {
				strcpy(p->d->backendtype,
				       i == 0 ? "phy" : "qdisk");
				p->given[POS_FORMAT] = true;
				again = true;
			}
		}
		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
			if (strcmp(v, formats[i]) == 0) {
				strcpy(p->d->format, v);
				p->given[POS_FORMAT] = true;
				again = true;
			}
		}
		if (!again) {
			*colon = ':';
			break;
		}
		v = colon + 1;
	}
	if (!put(p->d->target, sizeof(p->d->target), v)) {
		return disk_err(p, "target too long", NULL);
	}
	p->given[POS_TARGET] = true;
	return 0;
}

static int disk_positional(struct disk_parse *p, char *v)
{
	int slot;

	for (slot = 0; slot < POS_COUNT && p->given[slot]; slot++) {
	}
	if (slot == POS_COUNT) {
		return disk_err(p, "too many positional parameters at", v);
	}
	p->given[slot] = true;
	if (!*v) {
		return 0; /* empty: the default */
	}
	switch (slot) {
	case POS_TARGET:
		p->given[slot] = false;
		return disk_target(p, v);
	case POS_FORMAT:
		return disk_format(p, v);
	case POS_VDEV:
		return disk_vdev(p, v);
	default:
		/* "cdrom" in the access position is a devtype (the man page) */
		if (!strcmp(v, "cdrom")) {
			p->d->cdrom = true;
			return 0;
		}
		return disk_access(p, v);
	}
}

static int disk_keyword(struct disk_parse *p, char *k, char *v)
{
	static const char *const names[POS_COUNT] = { "target", "format",
						      "vdev", "access" };
	int slot;

	for (slot = 0; slot < POS_COUNT; slot++) {
		if (strcmp(k, names[slot]) == 0) {
			if (p->given[slot]) {
				return disk_err(p, "given twice:", k);
			}
			p->given[slot] = true;
			switch (slot) {
			case POS_FORMAT:
				return disk_format(p, v);
			case POS_VDEV:
				return disk_vdev(p, v);
			case POS_ACCESS:
				return disk_access(p, v);
			default:
				return put(p->d->target, sizeof(p->d->target),
					   v)
					       ? 0
					       : disk_err(p, "target too long",
							  NULL);
			}
		}
	}
	if (!strcmp(k, "devtype")) {
		if (strcmp(v, "cdrom") && strcmp(v, "disk")) {
			return disk_err(p, "unknown devtype", v);
		}
		p->d->cdrom = !strcmp(v, "cdrom");
		return 0;
	}
	if (!strcmp(k, "backend")) {
		return put(p->d->backend, sizeof(p->d->backend), v)
			       ? 0
			       : disk_err(p, "backend too long", NULL);
	}
	if (!strcmp(k, "backendtype")) {
		if (strcmp(v, "phy") && strcmp(v, "tap") &&
		    strcmp(v, "qdisk") && strcmp(v, "standalone")) {
			return disk_err(p, "unknown backendtype", v);
		}
		strcpy(p->d->backendtype, v);
		return 0;
	}
	if (!strcmp(k, "script")) {
		return put(p->d->script, sizeof(p->d->script), v)
			       ? 0
			       : disk_err(p, "script too long", NULL);
	}
	return disk_err(p, "unknown parameter", k);
}

static int disk_token(struct disk_parse *p, char *t)
{
	char *eq = strchr(t, '=');

	if (eq) {
		*eq = '\0';
		return disk_keyword(p, trim(t), trim(eq + 1));
	}
	if (!strcmp(t, "cdrom")) {
		p->d->cdrom = true;
		return 0;
	}
	if (!strcmp(t, "discard") || !strcmp(t, "no-discard") ||
	    !strcmp(t, "direct-io-safe")) {
		return 0;
	}
	return disk_positional(p, t);
}

/*
 * "<prefix><letters>[<partition>]": the letters count from a = 0 on in
 * bijective base 26 (z = 25, aa = 26); the partition has no leading zero.
 */
static bool vdev_letters(const char *v, const char *prefix, long max_disk,
			 long max_part, long *disk, long *part)
{
	size_t n = strlen(prefix);
	const char *s;
	char *end;

	if (strncmp(v, prefix, n) != 0) {
		return false;
	}
	*disk = -1;
	for (s = v + n; *s >= 'a' && *s <= 'z'; s++) {
		if (*disk > max_disk) {
			return false;
		}
		*disk = (*disk + 1) * 26 + (*s - 'a');
	}
	if (s == v + n || *disk > max_disk) {
		return false;
	}
	*part = 0;
	if (*s) {
		if (*s < '1' || *s > '9') {
			return false;
		}
		*part = strtol(s, &end, 10);
		if (*end || *part > max_part) {
			return false;
		}
	}
	return true;
}

/* Xen's own numbering, for xvd and d<n>p<m> names. */
static long vdev_xen(long disk, long part)
{
	if (disk <= 15 && part <= 15) {
		return 202L << 8 | disk << 4 | part;
	}
	return 1L << 28 | disk << 8 | part;
}

long xlcfg_disk_devid(const char *vdev)
{
	long disk, part;
	char *end;
	unsigned long n;

	if (vdev_letters(vdev, "xvd", (1L << 20) - 1, 255, &disk, &part)) {
		return vdev_xen(disk, part);
	}
	if (vdev[0] == 'd' && vdev[1] >= '0' && vdev[1] <= '9') {
		disk = strtol(vdev + 1, &end, 10);
		if (*end == 'p' && end[1] >= '0' && end[1] <= '9') {
			part = strtol(end + 1, &end, 10);
			if (!*end && disk < (1L << 20) && part < 256) {
				return vdev_xen(disk, part);
			}
		}
		return -EINVAL;
	}
	if (vdev[0] >= '0' && vdev[0] <= '9') {
		errno = 0;
		n = strtoul(vdev, &end, 0);
		return !errno && !*end && n <= 0x7fffffffUL ? (long)n : -EINVAL;
	}
	if (vdev_letters(vdev, "hd", 3, 63, &disk, &part)) {
		return (disk < 2 ? 3L : 22L) << 8 | (disk & 1) << 6 | part;
	}
	if (vdev_letters(vdev, "sd", 15, 15, &disk, &part)) {
		return 8L << 8 | disk << 4 | part;
	}
	return -EINVAL;
}

int xlcfg_parse_disk(const char *spec, struct xlcfg_disk *d, char *err)
{
	struct disk_parse p = { .d = d, .err = err };
	char buf[SPEC_MAX], *t, *next, *target;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	strcpy(d->format, "raw");
	if (!put(buf, sizeof(buf), spec)) {
		return disk_err(&p, "specification too long", NULL);
	}
	/* "target=" takes the rest of the string, commas included. */
	target = strstr(buf, "target=");
	if (target &&
	    (target == buf || target[-1] == ',' || target[-1] == ' ')) {
		*target = '\0';
		p.given[POS_TARGET] = true;
		if (!put(d->target, sizeof(d->target), target + 7)) {
			return disk_err(&p, "target too long", NULL);
		}
	}
	for (t = buf; t && !rc; t = next) {
		next = strchr(t, ',');
		if (next) {
			*next++ = '\0';
		}
		if (!next && !*trim(t) && t != buf) {
			break; /* a trailing comma */
		}
		rc = disk_token(&p, trim(t));
	}
	if (rc) {
		return rc;
	}
	if (!d->vdev[0]) {
		return disk_err(&p, "no vdev given (e.g. xvda)", NULL);
	}
	if (xlcfg_disk_devid(d->vdev) < 0) {
		return disk_err(&p, "bad vdev", d->vdev);
	}
	if (!d->target[0] && !d->cdrom) {
		return disk_err(&p, "no target given", NULL);
	}
	if (d->cdrom && !p.access_given) {
		d->readonly = true;
	}
	return 0;
}

/* ---- vifs ------------------------------------------------------------ */

static bool valid_mac(const char *m)
{
	int i;

	if (strlen(m) != 17) {
		return false;
	}
	for (i = 0; i < 17; i++) {
		bool hex = (m[i] >= '0' && m[i] <= '9') ||
			   (m[i] >= 'a' && m[i] <= 'f') ||
			   (m[i] >= 'A' && m[i] <= 'F');

		if (i % 3 == 2 ? m[i] != ':' : !hex) {
			return false;
		}
	}
	return true;
}

/* Keys xl reads that matter only to backends Sable does not run. */
static bool vif_ignored_key(const char *k)
{
	static const char *const ignored[] = { "gatewaydev", "accel",
					       "mtu",	     "trusted",
					       "untrusted",  "backend_type",
					       "devid" };
	size_t i;

	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
		if (!strcmp(k, ignored[i])) {
			return true;
		}
	}
	return false;
}

/* One "key=value" of a vif: 0, 1 (ignored, @err says why) or -EINVAL. */
static int vif_keyword(struct xlcfg_vif *v, const char *k, const char *val,
		       char *err)
{
	static const struct {
		const char *key;
		size_t off, size;
	} fields[] = {
#define F(k)                                 \
	{ #k, offsetof(struct xlcfg_vif, k), \
	  sizeof(((struct xlcfg_vif *)0)->k) }
		F(mac),	 F(bridge), F(ip),	F(script), F(backend),
		F(type), F(model),  F(vifname), F(rate),
#undef F
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strcmp(k, fields[i].key) == 0) {
			if (!put((char *)v + fields[i].off, fields[i].size,
				 val)) {
				snprintf(err, XLCFG_ERR_MAX, "%s too long", k);
				return -EINVAL;
			}
			return 0;
		}
	}
	snprintf(err, XLCFG_ERR_MAX, "%s parameter '%s' ignored",
		 vif_ignored_key(k) ? "unused" : "unknown", k);
	return 1;
}

int xlcfg_parse_vif(const char *spec, struct xlcfg_vif *v, char *err)
{
	char buf[SPEC_MAX], *t, *next, *eq;
	int rc, warned = 0;

	memset(v, 0, sizeof(*v));
	if (!put(buf, sizeof(buf), spec)) {
		snprintf(err, XLCFG_ERR_MAX, "specification too long");
		return -EINVAL;
	}
	for (t = buf; t; t = next) {
		next = strchr(t, ',');
		if (next) {
			*next++ = '\0';
		}
		t = trim(t);
		if (!*t) {
			continue;
		}
		eq = strchr(t, '=');
		if (!eq) {
			snprintf(err, XLCFG_ERR_MAX,
				 "expected key=value, found '%s'", t);
			return -EINVAL;
		}
		*eq = '\0';
		rc = vif_keyword(v, trim(t), trim(eq + 1), err);
		if (rc < 0) {
			return rc;
		}
		warned |= rc;
	}
	if (v->mac[0] && !valid_mac(v->mac)) {
		snprintf(err, XLCFG_ERR_MAX,
			 "bad mac '%s' (expected 00:16:3e:xx:xx:xx)", v->mac);
		return -EINVAL;
	}
	if (v->type[0] && strcmp(v->type, "vif") && strcmp(v->type, "ioemu")) {
		snprintf(err, XLCFG_ERR_MAX, "unknown type '%s' (vif or ioemu)",
			 v->type);
		return -EINVAL;
	}
	return warned;
}

/* ---- CPU lists ------------------------------------------------------- */

/* "N" or "N-M" into a mask; -EINVAL if malformed or at or above 64. */
static int cpu_range(const char *s, uint64_t *mask)
{
	unsigned long a, b;
	char *end;

	if (*s < '0' || *s > '9') {
		return -EINVAL;
	}
	a = strtoul(s, &end, 10);
	b = a;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9') {
			return -EINVAL;
		}
		b = strtoul(end + 1, &end, 10);
	}
	if (*end || a > b || b >= 64) {
		return -EINVAL;
	}
	*mask = (b == 63 ? ~0ULL : ((1ULL << (b + 1)) - 1)) &
		~((1ULL << a) - 1);
	return 0;
}

int xlcfg_parse_cpus(const char *s, uint64_t *mask)
{
	char buf[128], *t, *next;
	uint64_t m = 0, r;
	bool any = false;

	if (!put(buf, sizeof(buf), s)) {
		return -EINVAL;
	}
	for (t = buf; t; t = next) {
		next = strchr(t, ',');
		if (next) {
			*next++ = '\0';
		}
		t = trim(t);
		if (!strcmp(t, "all")) {
			m = ~0ULL;
		} else if (*t == '^') {
			if (cpu_range(t + 1, &r)) {
				return -EINVAL;
			}
			m &= ~r;
		} else {
			if (cpu_range(t, &r)) {
				return -EINVAL;
			}
			m |= r;
		}
		any = true;
	}
	if (!any || !m) {
		return -EINVAL;
	}
	*mask = m;
	return 0;
}

void xlcfg_vcpu_affinity(const struct xlcfg *cfg, unsigned int v,
			 uint64_t *hard, uint64_t *soft)
{
	if (cfg->nr_vcpu_cpus) {
		*hard = v < cfg->nr_vcpu_cpus ? cfg->vcpu_cpus[v] : 0;
	} else {
		*hard = cfg->cpus;
	}
	if (cfg->nr_vcpu_cpus_soft) {
		*soft = v < cfg->nr_vcpu_cpus_soft ? cfg->vcpu_cpus_soft[v] : 0;
	} else {
		*soft = cfg->cpus_soft;
	}
}

/* ---- dump ------------------------------------------------------------ */

struct out {
	char *buf;
	size_t size, len;
};

__attribute__((format(printf, 2, 3))) static void out(struct out *o,
						      const char *fmt, ...);

/* One CPU mask as the dump shows it: "all" (0 or every bit) or "0x2". */
static void dump_mask(struct out *o, uint64_t m)
{
	if (m == 0 || m == ~0ULL) {
		out(o, "all");
	} else {
		out(o, "0x%llx", (unsigned long long)m);
	}
}

/* "cpus = all", "cpus = 0x2", "cpus = [0x1, all]"; unset soft: nothing. */
static void dump_cpus(struct out *o, const char *key, uint64_t one,
		      const uint64_t *list, unsigned int n, bool always)
{
	if (!n && !one && !always) {
		return;
	}
	out(o, "%s = ", key);
	if (!n) {
		dump_mask(o, one);
		out(o, "\n");
		return;
	}
	out(o, "[");
	for (unsigned int i = 0; i < n; i++) {
		out(o, "%s", i ? ", " : "");
		dump_mask(o, list[i]);
	}
	out(o, "]\n");
}

__attribute__((format(printf, 2, 3))) static void out(struct out *o,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->size ? o->buf + o->len : NULL,
		      o->len < o->size ? o->size - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		o->len += (size_t)n;
	}
}

static void dump_disks(struct out *o, const struct xlcfg *c)
{
	unsigned int i;

	for (i = 0; i < c->nr_disks; i++) {
		const struct xlcfg_disk *d = &c->disks[i];

		out(o,
		    "disk[%u] = target=\"%s\" format=%s vdev=%s access=%s "
		    "devtype=%s",
		    i, d->target, d->format, d->vdev, d->readonly ? "ro" : "rw",
		    d->cdrom ? "cdrom" : "disk");
		if (d->backend[0]) {
			out(o, " backend=%s", d->backend);
		}
		if (d->backendtype[0]) {
			out(o, " backendtype=%s", d->backendtype);
		}
		if (d->script[0]) {
			out(o, " script=%s", d->script);
		}
		out(o, "\n");
	}
}

static void dump_vifs(struct out *o, const struct xlcfg *c)
{
	unsigned int i;

	for (i = 0; i < c->nr_vifs; i++) {
		const struct xlcfg_vif *v = &c->vifs[i];

		out(o, "vif[%u] = mac=%s type=%s", i,
		    v->mac[0] ? v->mac : "(random)",
		    v->type[0] ? v->type : "vif");
		if (v->bridge[0]) {
			out(o, " bridge=%s", v->bridge);
		}
		if (v->ip[0]) {
			out(o, " ip=\"%s\"", v->ip);
		}
		if (v->script[0]) {
			out(o, " script=%s", v->script);
		}
		if (v->backend[0]) {
			out(o, " backend=%s", v->backend);
		}
		if (v->model[0]) {
			out(o, " model=%s", v->model);
		}
		if (v->vifname[0]) {
			out(o, " vifname=%s", v->vifname);
		}
		if (v->rate[0]) {
			out(o, " rate=%s", v->rate);
		}
		out(o, "\n");
	}
}

size_t xlcfg_dump(const struct xlcfg *c, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	unsigned int i;

	if (size) {
		buf[0] = '\0';
	}
	out(&o, "name = \"%s\"\n", c->name);
	out(&o, "uuid = %s\n", c->uuid[0] ? c->uuid : "(random)");
	out(&o, "type = pvh\n");
	out(&o, "memory = %llu\n", (unsigned long long)c->memory_mib);
	out(&o, "maxmem = %llu\n", (unsigned long long)c->maxmem_mib);
	out(&o, "vcpus = %u\n", c->vcpus);
	out(&o, "maxvcpus = %u\n", c->maxvcpus);
	dump_cpus(&o, "cpus", c->cpus, c->vcpu_cpus, c->nr_vcpu_cpus, true);
	dump_cpus(&o, "cpus_soft", c->cpus_soft, c->vcpu_cpus_soft,
		  c->nr_vcpu_cpus_soft, false);
	out(&o, "kernel = \"%s\"\n", c->kernel);
	out(&o, "ramdisk = \"%s\"\n", c->ramdisk);
	out(&o, "cmdline = \"%s\"\n", c->cmdline);
	for (i = 0; i < XLCFG_NR_EVENTS; i++) {
		static const char *const ev[] = { "on_poweroff", "on_reboot",
						  "on_crash", "on_watchdog" };

		out(&o, "%s = %s\n", ev[i], xlcfg_action_name(c->on[i]));
	}
	out(&o, "vuart = %s\n", c->vuart ? "sbsa_uart" : "none");
	out(&o, "cpu_weight = %u\n", c->cpu_weight);
	out(&o, "cap = %u\n", c->cap);
	out(&o, "p2m_kib = %llu\n", (unsigned long long)c->p2m_kib);
	out(&o, "max_grant_frames = %u\n", c->max_grant_frames);
	out(&o, "max_maptrack_frames = %u\n", c->max_maptrack_frames);
	out(&o, "max_event_channels = %u\n", c->max_event_channels);
	dump_disks(&o, c);
	dump_vifs(&o, c);
	for (i = 0; i < c->nr_warnings; i++) {
		out(&o, "warning: %s\n", c->warnings[i]);
	}
	return o.len;
}
