/* SPDX-License-Identifier: MIT */
/*
 * xl.cfg settings into a struct xlcfg: one handler per key (the keys of
 * Xen's xl.cfg(5) that mean something for an Arm PVH guest), then the
 * checks that need several keys. See xlcfg.h and docs/toolstack.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg_int.h"

struct ctx {
	struct xlcfg *cfg;
	struct xlcfg_doc *doc;
	char *err;
	/* Settings whose meaning depends on others, kept for the checks. */
	const struct xlcfg_setting *set_name, *set_memory, *set_maxmem,
		*set_vcpus, *set_maxvcpus, *set_kernel, *set_cmdline, *set_root,
		*set_extra, *set_cap, *set_cpus, *set_cpus_soft;
};

/* "<where><key>: <what>" for setting @s into @dst (XLCFG_ERR_MAX bytes). */
static void compose(struct ctx *x, char *dst, const struct xlcfg_setting *s,
		    const char *fmt, va_list ap)
{
	char where[XLCFG_PATH_MAX + 32];
	int n;

	xlcfg_where(x->doc, s->line, where, sizeof(where));
	n = snprintf(dst, XLCFG_ERR_MAX, "%s%s: ", where, s->key);
	if (n >= 0 && n < XLCFG_ERR_MAX) {
		vsnprintf(dst + n, XLCFG_ERR_MAX - (size_t)n, fmt, ap);
	}
}

/* The error about setting @s. Returns -EINVAL. */
__attribute__((format(printf, 3, 4))) static int
fail(struct ctx *x, const struct xlcfg_setting *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	compose(x, x->err, s, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* An error about a key that is missing: "<file>: <key>: <what>". */
static int fail_missing(struct ctx *x, const char *key, const char *what)
{
	snprintf(x->err, XLCFG_ERR_MAX, "%s: %s: %s", x->doc->file, key, what);
	return -EINVAL;
}

__attribute__((format(printf, 3, 4))) static void
warn(struct ctx *x, const struct xlcfg_setting *s, const char *fmt, ...)
{
	struct xlcfg *cfg = x->cfg;
	va_list ap;

	if (cfg->nr_warnings >= XLCFG_MAX_WARNINGS) {
		return;
	}
	va_start(ap, fmt);
	compose(x, cfg->warnings[cfg->nr_warnings++], s, fmt, ap);
	va_end(ap);
}

static int get_string(struct ctx *x, const struct xlcfg_setting *s, char *buf,
		      size_t size)
{
	if (s->v.is_list) {
		return fail(x, s, "expected a string, not a list");
	}
	if (strlen(s->v.s) >= size) {
		return fail(x, s, "too long (at most %zu characters)",
			    size - 1);
	}
	strcpy(buf, s->v.s);
	return 0;
}

/* A number, quoted or not (libxlu reads both), in [min, max]. */
static int get_number(struct ctx *x, const struct xlcfg_setting *s,
		      uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s->v.is_list) {
		return fail(x, s, "expected a number, not a list");
	}
	errno = 0;
	v = strtoull(s->v.s, &end, 0);
	if (!*s->v.s || *end || s->v.s[0] == '-' || s->v.s[0] == '+' ||
	    s->v.s[0] == ' ' || errno) {
		return fail(x, s, "expected a number");
	}
	if (v < min || v > max) {
		return fail(x, s, "%llu is out of range (%llu to %llu)", v,
			    (unsigned long long)min, (unsigned long long)max);
	}
	*out = v;
	return 0;
}

static int get_u32(struct ctx *x, const struct xlcfg_setting *s, uint64_t min,
		   uint64_t max, uint32_t *out)
{
	uint64_t v;
	int rc = get_number(x, s, min, max, &v);

	if (!rc) {
		*out = (uint32_t)v;
	}
	return rc;
}

/* ---- the keys ------------------------------------------------------- */

static int k_name(struct ctx *x, const struct xlcfg_setting *s)
{
	x->set_name = s;
	return get_string(x, s, x->cfg->name, sizeof(x->cfg->name));
}

static int k_uuid(struct ctx *x, const struct xlcfg_setting *s)
{
	static const char form[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	char u[40];
	size_t i;

	if (get_string(x, s, u, sizeof(u))) {
		return -EINVAL;
	}
	for (i = 0; i < sizeof(form); i++) {
		bool hex = (u[i] >= '0' && u[i] <= '9') ||
			   (u[i] >= 'a' && u[i] <= 'f') ||
			   (u[i] >= 'A' && u[i] <= 'F');

		if (form[i] == 'x' ? !hex : u[i] != form[i]) {
			return fail(x, s,
				    "expected a UUID such as "
				    "6c2c3e9a-0f0d-4a3f-9d3e-1c2b3a4d5e6f");
		}
	}
	strcpy(x->cfg->uuid, u);
	return 0;
}

static int k_memory(struct ctx *x, const struct xlcfg_setting *s)
{
	x->set_memory = s;
	return get_number(x, s, 0, 1ULL << 30, &x->cfg->memory_mib);
}

static int k_maxmem(struct ctx *x, const struct xlcfg_setting *s)
{
	x->set_maxmem = s;
	return get_number(x, s, 0, 1ULL << 30, &x->cfg->maxmem_mib);
}

static int k_vcpus(struct ctx *x, const struct xlcfg_setting *s)
{
	x->set_vcpus = s;
	return get_u32(x, s, 0, 4096, &x->cfg->vcpus);
}

static int k_maxvcpus(struct ctx *x, const struct xlcfg_setting *s)
{
	x->set_maxvcpus = s;
	return get_u32(x, s, 0, 4096, &x->cfg->maxvcpus);
}

/*
 * cpus, cpus_soft: "0-3" for every vCPU, or ["0", "1-2", ...] (strings or
 * numbers), item i for vCPU i.
 */
static int k_cpus(struct ctx *x, const struct xlcfg_setting *s)
{
	bool hard = strcmp(s->key, "cpus") == 0;
	struct xlcfg *c = x->cfg;
	uint64_t *one = hard ? &c->cpus : &c->cpus_soft;
	uint64_t *list = hard ? c->vcpu_cpus : c->vcpu_cpus_soft;
	unsigned int *nr = hard ? &c->nr_vcpu_cpus : &c->nr_vcpu_cpus_soft;
	const struct xlcfg_val *items = s->v.is_list ? s->v.items : &s->v;
	unsigned int n = s->v.is_list ? s->v.n : 1, i;

	if (hard) {
		x->set_cpus = s;
	} else {
		x->set_cpus_soft = s;
	}
	if (s->v.is_list && n == 0) {
		return fail(x, s,
			    "an empty list (give \"all\" for no pinning)");
	}
	if (n > XLCFG_MAX_VCPUS) {
		return fail(x, s,
			    "%u entries, one per vCPU: above the hypervisor's "
			    "maximum of %u vCPUs",
			    n, XLCFG_MAX_VCPUS);
	}
	for (i = 0; i < n; i++) {
		uint64_t m;

		if (items[i].is_list || xlcfg_parse_cpus(items[i].s, &m)) {
			return fail(x, s,
				    "bad CPU list \"%s\"%s (expected e.g. "
				    "\"all\", \"0-3\", \"0,2\", \"^1\", or a "
				    "list of them, one per vCPU)",
				    items[i].is_list ? "[...]" : items[i].s,
				    s->v.is_list ? " in the list" : "");
		}
		if (s->v.is_list) {
			list[i] = m;
		} else {
			*one = m;
		}
	}
	/* A later setting of the key replaces the earlier one whole. */
	if (s->v.is_list) {
		*one = 0;
		*nr = n;
	} else {
		*nr = 0;
	}
	return 0;
}

static int k_path(struct ctx *x, const struct xlcfg_setting *s)
{
	bool kernel = strcmp(s->key, "kernel") == 0;
	char *dst = kernel ? x->cfg->kernel : x->cfg->ramdisk;

	if (kernel) {
		x->set_kernel = s;
	}
	if (get_string(x, s, dst, XLCFG_PATH_MAX)) {
		return -EINVAL;
	}
	if (!*dst) {
		return fail(x, s, "empty path");
	}
	return 0;
}

static int k_cmdline_part(struct ctx *x, const struct xlcfg_setting *s)
{
	if (s->v.is_list) {
		return fail(x, s, "expected a string, not a list");
	}
	if (strcmp(s->key, "cmdline") == 0) {
		x->set_cmdline = s;
	} else if (strcmp(s->key, "root") == 0) {
		x->set_root = s;
	} else {
		x->set_extra = s;
	}
	return 0;
}

static int k_disk(struct ctx *x, const struct xlcfg_setting *s)
{
	const struct xlcfg_val *items = s->v.is_list ? s->v.items : &s->v;
	unsigned int n = s->v.is_list ? s->v.n : 1, i, j;
	char why[XLCFG_ERR_MAX];

	if (n > XLCFG_MAX_DISKS) {
		return fail(x, s, "%u disks, at most %u", n, XLCFG_MAX_DISKS);
	}
	for (i = 0; i < n; i++) {
		if (xlcfg_parse_disk(items[i].s, &x->cfg->disks[i], why)) {
			return fail(x, s, "\"%s\": %s", items[i].s, why);
		}
		for (j = 0; j < i; j++) {
			if (xlcfg_disk_devid(x->cfg->disks[j].vdev) ==
			    xlcfg_disk_devid(x->cfg->disks[i].vdev)) {
				return fail(x, s,
					    "\"%s\": vdev %s is taken by "
					    "\"%s\"",
					    items[i].s, x->cfg->disks[i].vdev,
					    items[j].s);
			}
		}
	}
	x->cfg->nr_disks = n;
	return 0;
}

static int k_vif(struct ctx *x, const struct xlcfg_setting *s)
{
	const struct xlcfg_val *items = s->v.is_list ? s->v.items : &s->v;
	unsigned int n = s->v.is_list ? s->v.n : 1, i;
	char why[XLCFG_ERR_MAX];
	int rc;

	if (n > XLCFG_MAX_VIFS) {
		return fail(x, s, "%u interfaces, at most %u", n,
			    XLCFG_MAX_VIFS);
	}
	for (i = 0; i < n; i++) {
		rc = xlcfg_parse_vif(items[i].s, &x->cfg->vifs[i], why);
		if (rc < 0) {
			return fail(x, s, "\"%s\": %s", items[i].s, why);
		}
		if (rc > 0) {
			warn(x, s, "\"%s\": %s", items[i].s, why);
		}
	}
	x->cfg->nr_vifs = n;
	return 0;
}

static int k_action(struct ctx *x, const struct xlcfg_setting *s)
{
	static const char *const events[XLCFG_NR_EVENTS] = {
		"on_poweroff", "on_reboot", "on_crash", "on_watchdog"
	};
	char v[32];
	int e, a;

	if (get_string(x, s, v, sizeof(v))) {
		return -EINVAL;
	}
	for (e = 0; strcmp(events[e], s->key); e++) {
	}
	for (a = XLCFG_DESTROY; a <= XLCFG_SOFT_RESET; a++) {
		if (strcmp(v, xlcfg_action_name((enum xlcfg_action)a)) == 0) {
			x->cfg->on[e] = (enum xlcfg_action)a;
			return 0;
		}
	}
	return fail(x, s,
		    "unknown action \"%s\" (destroy, restart, preserve, "
		    "rename-restart, coredump-destroy, coredump-restart, "
		    "soft-reset)",
		    v);
}

static int k_type(struct ctx *x, const struct xlcfg_setting *s)
{
	char v[32];

	if (get_string(x, s, v, sizeof(v))) {
		return -EINVAL;
	}
	if (strcmp(v, "pvh") == 0 ||
	    (strcmp(s->key, "builder") == 0 && strcmp(v, "generic") == 0)) {
		return 0;
	}
	if (strcmp(v, "pv") == 0 || strcmp(v, "hvm") == 0) {
		return fail(x, s,
			    "\"%s\" is not supported: Arm guests are PVH "
			    "(type = \"pvh\")",
			    v);
	}
	return fail(x, s, "unknown domain type \"%s\" (Arm guests are pvh)", v);
}

static int k_vuart(struct ctx *x, const struct xlcfg_setting *s)
{
	char v[32];

	if (get_string(x, s, v, sizeof(v))) {
		return -EINVAL;
	}
	if (strcmp(v, "sbsa_uart") != 0) {
		return fail(x, s,
			    "\"%s\" is not supported (only \"sbsa_uart\")", v);
	}
	x->cfg->vuart = true;
	return 0;
}

static int k_weight(struct ctx *x, const struct xlcfg_setting *s)
{
	return get_u32(x, s, 1, 65535, &x->cfg->cpu_weight);
}

static int k_cap(struct ctx *x, const struct xlcfg_setting *s)
{
	x->set_cap = s;
	return get_u32(x, s, 0, 100 * XLCFG_MAX_VCPUS, &x->cfg->cap);
}

static int k_shadow(struct ctx *x, const struct xlcfg_setting *s)
{
	uint64_t mib;

	if (get_number(x, s, 0, 4096, &mib)) {
		return -EINVAL;
	}
	x->cfg->p2m_kib = mib * 1024;
	return 0;
}

static int k_limit(struct ctx *x, const struct xlcfg_setting *s)
{
	if (strcmp(s->key, "max_grant_frames") == 0) {
		return get_u32(x, s, 1, 4096, &x->cfg->max_grant_frames);
	}
	if (strcmp(s->key, "max_maptrack_frames") == 0) {
		return get_u32(x, s, 0, 1U << 20, &x->cfg->max_maptrack_frames);
	}
	return get_u32(x, s, 1, 1U << 17, &x->cfg->max_event_channels);
}

static int k_gic(struct ctx *x, const struct xlcfg_setting *s)
{
	char v[16];

	if (get_string(x, s, v, sizeof(v))) {
		return -EINVAL;
	}
	if (strcmp(v, "v3") && strcmp(v, "V3") && strcmp(v, "native")) {
		return fail(x, s,
			    "\"%s\" is not supported: Sable gives guests "
			    "a GICv3",
			    v);
	}
	return 0;
}

static int k_tee(struct ctx *x, const struct xlcfg_setting *s)
{
	char v[16];

	if (get_string(x, s, v, sizeof(v))) {
		return -EINVAL;
	}
	return strcmp(v, "none") ? fail(x, s, "\"%s\" is not supported", v) : 0;
}

static int k_passthrough(struct ctx *x, const struct xlcfg_setting *s)
{
	return fail(x, s,
		    "not supported: Sable does not pass devices, "
		    "memory or interrupts through to guests");
}

static int k_bootloader(struct ctx *x, const struct xlcfg_setting *s)
{
	return fail(x, s,
		    "not supported: give the guest's kernel with "
		    "kernel = \"/path/to/Image\"");
}

static const struct key_def {
	const char *name;
	int (*set)(struct ctx *x, const struct xlcfg_setting *s);
} keys[] = {
	{ "name", k_name },
	{ "uuid", k_uuid },
	{ "memory", k_memory },
	{ "maxmem", k_maxmem },
	{ "vcpus", k_vcpus },
	{ "maxvcpus", k_maxvcpus },
	{ "cpus", k_cpus },
	{ "cpus_soft", k_cpus },
	{ "kernel", k_path },
	{ "ramdisk", k_path },
	{ "cmdline", k_cmdline_part },
	{ "root", k_cmdline_part },
	{ "extra", k_cmdline_part },
	{ "disk", k_disk },
	{ "vif", k_vif },
	{ "on_poweroff", k_action },
	{ "on_reboot", k_action },
	{ "on_crash", k_action },
	{ "on_watchdog", k_action },
	{ "type", k_type },
	{ "builder", k_type },
	{ "vuart", k_vuart },
	{ "cpu_weight", k_weight },
	{ "cap", k_cap },
	{ "shadow_memory", k_shadow },
	{ "max_grant_frames", k_limit },
	{ "max_maptrack_frames", k_limit },
	{ "max_event_channels", k_limit },
	{ "gic_version", k_gic },
	{ "tee", k_tee },
	{ "device_tree", k_passthrough },
	{ "dtdev", k_passthrough },
	{ "iomem", k_passthrough },
	{ "irqs", k_passthrough },
	{ "pci", k_passthrough },
	{ "bootloader", k_bootloader },
};

/* ---- checks over several keys ---------------------------------------- */

const char *xlcfg_name_problem(const char *n)
{
	const char *p;
	bool digits = true;

	if (!*n) {
		return "empty";
	}
	if (strlen(n) > XLCFG_NAME_MAX) {
		return "too long (at most 31 characters)";
	}
	for (p = n; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') ||
			  (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
			  *p == '.';

		if (!ok) {
			return "only letters, digits, '-', '_' and '.' are "
			       "allowed";
		}
		digits = digits && *p >= '0' && *p <= '9';
	}
	return digits ? "a name cannot be a number (numbers are domain ids)"
		      : NULL;
}

static int check_name(struct ctx *x)
{
	const char *why;

	if (!x->set_name) {
		return fail_missing(x, "name", "missing (name = \"...\")");
	}
	why = xlcfg_name_problem(x->cfg->name);
	if (!why) {
		return 0;
	}
	if (!x->cfg->name[0]) {
		return fail(x, x->set_name, "%s", why);
	}
	return fail(x, x->set_name, "\"%s\": %s", x->cfg->name, why);
}

static int check_memory(struct ctx *x)
{
	struct xlcfg *c = x->cfg;

	if (x->set_memory && c->memory_mib == 0) {
		return fail(x, x->set_memory, "must be at least 1 (MiB)");
	}
	if (!x->set_maxmem) {
		c->maxmem_mib = c->memory_mib;
	} else if (c->maxmem_mib < c->memory_mib) {
		return fail(x, x->set_maxmem,
			    "%llu is below memory (%llu): maxmem is the "
			    "ceiling",
			    (unsigned long long)c->maxmem_mib,
			    (unsigned long long)c->memory_mib);
	}
	return 0;
}

static int check_vcpus(struct ctx *x)
{
	struct xlcfg *c = x->cfg;

	if (x->set_vcpus && c->vcpus == 0) {
		return fail(x, x->set_vcpus, "must be at least 1");
	}
	if (c->vcpus > XLCFG_MAX_VCPUS) {
		return fail(x, x->set_vcpus,
			    "%u is above the hypervisor's maximum of %u",
			    c->vcpus, XLCFG_MAX_VCPUS);
	}
	if (!x->set_maxvcpus) {
		c->maxvcpus = c->vcpus;
	} else if (c->maxvcpus < c->vcpus) {
		return fail(x, x->set_maxvcpus, "%u is below vcpus (%u)",
			    c->maxvcpus, c->vcpus);
	} else if (c->maxvcpus > XLCFG_MAX_VCPUS) {
		return fail(x, x->set_maxvcpus,
			    "%u is above the hypervisor's maximum of %u",
			    c->maxvcpus, XLCFG_MAX_VCPUS);
	}
	for (unsigned int k = 0; k < 2; k++) {
		unsigned int n = k ? c->nr_vcpu_cpus_soft : c->nr_vcpu_cpus;
		const struct xlcfg_setting *s =
			k ? x->set_cpus_soft : x->set_cpus;

		if (n > c->maxvcpus && s) {
			warn(x, s,
			     "%u entries for %u vCPU%s: the rest are ignored",
			     n, c->maxvcpus, c->maxvcpus == 1 ? "" : "s");
		}
	}
	if (x->set_cap && c->cap > 100 * c->maxvcpus) {
		return fail(x, x->set_cap,
			    "%u is above %u (100 is one pCPU; the domain "
			    "has %u vCPU%s)",
			    c->cap, 100 * c->maxvcpus, c->maxvcpus,
			    c->maxvcpus == 1 ? "" : "s");
	}
	return 0;
}

/* xl's rule: cmdline wins; else "root=<root> <extra>". */
static int compose_cmdline(struct ctx *x)
{
	const struct xlcfg_setting *r = x->set_root, *e = x->set_extra;
	const struct xlcfg_setting *s = x->set_cmdline ? x->set_cmdline
					: e	       ? e
						       : r;
	char *out = x->cfg->cmdline;
	int n;

	if (x->set_cmdline) {
		if (r || e) {
			warn(x, x->set_cmdline,
			     "root= and extra= ignored in favour of cmdline=");
		}
		n = snprintf(out, XLCFG_CMDLINE_MAX + 1, "%s", s->v.s);
	} else if (r && e) {
		n = snprintf(out, XLCFG_CMDLINE_MAX + 1, "root=%s %s", r->v.s,
			     e->v.s);
	} else if (r) {
		n = snprintf(out, XLCFG_CMDLINE_MAX + 1, "root=%s", r->v.s);
	} else if (e) {
		n = snprintf(out, XLCFG_CMDLINE_MAX + 1, "%s", e->v.s);
	} else {
		return 0;
	}
	if (n > XLCFG_CMDLINE_MAX) {
		out[0] = '\0';
		return fail(x, s,
			    "the command line is too long (%d bytes, at "
			    "most %d)",
			    n, XLCFG_CMDLINE_MAX);
	}
	return 0;
}

static int check_all(struct ctx *x)
{
	int rc = check_name(x);

	if (!rc) {
		rc = check_memory(x);
	}
	if (!rc) {
		rc = check_vcpus(x);
	}
	if (!rc && !x->set_kernel) {
		rc = fail_missing(x, "kernel",
				  "missing (kernel = \"/path/to/Image\")");
	}
	if (!rc) {
		rc = compose_cmdline(x);
	}
	return rc;
}

static void defaults(struct xlcfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memory_mib = 32; /* libxl's default */
	cfg->vcpus = 1;
	cfg->cpu_weight = 256;
	cfg->on[XLCFG_ON_POWEROFF] = XLCFG_DESTROY;
	cfg->on[XLCFG_ON_REBOOT] = XLCFG_RESTART;
	cfg->on[XLCFG_ON_CRASH] = XLCFG_DESTROY;
	cfg->on[XLCFG_ON_WATCHDOG] = XLCFG_DESTROY;
}

/* Each key's last setting, in file order; unknown keys warned about. */
static int interpret(struct ctx *x)
{
	const struct xlcfg_doc *doc = x->doc;
	unsigned int i, j, k;
	int rc;

	for (i = 0; i < doc->n; i++) {
		const struct xlcfg_setting *s = &doc->sets[i];

		for (j = i + 1; j < doc->n; j++) {
			if (strcmp(doc->sets[j].key, s->key) == 0) {
				break;
			}
		}
		if (j < doc->n) {
			continue; /* a later setting replaces this one */
		}
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (strcmp(keys[k].name, s->key) == 0) {
				break;
			}
		}
		if (k == sizeof(keys) / sizeof(keys[0])) {
			warn(x, s, "unknown key, ignored");
			continue;
		}
		rc = keys[k].set(x, s);
		if (rc) {
			return rc;
		}
	}
	return check_all(x);
}

/* A command-line word "key=value"; a bare value is taken as a string. */
static int parse_override(struct xlcfg_doc *doc, const char *word, char *err)
{
	const char *eq = strchr(word, '=');
	char *line;
	size_t klen;
	int rc;

	rc = xlcfg_syntax(doc, word, strlen(word), 0, err);
	if (rc == 0 || !eq || eq == word) {
		return rc;
	}
	/* "name=guest2": quote the value and try again. */
	klen = (size_t)(eq - word);
	line = malloc(strlen(word) + 3);
	if (!line) {
		return -ENOMEM;
	}
	if (strchr(eq + 1, '"') || strchr(eq + 1, '\n')) {
		free(line);
		return rc;
	}
	sprintf(line, "%.*s=\"%s\"", (int)klen, word, eq + 1);
	rc = xlcfg_syntax(doc, line, strlen(line), 0, err);
	free(line);
	return rc;
}

int xlcfg_parse(struct xlcfg *cfg, const char *file, const char *text,
		size_t len, const char *const *overrides,
		unsigned int noverrides, char *err)
{
	struct xlcfg_doc doc = { .file = file };
	struct ctx x = { .cfg = cfg, .doc = &doc, .err = err };
	unsigned int i;
	int rc;

	defaults(cfg);
	err[0] = '\0';
	if (len > XLCFG_FILE_MAX) {
		snprintf(err, XLCFG_ERR_MAX, "%s: too large (%zu bytes)", file,
			 len);
		return -EINVAL;
	}
	rc = xlcfg_syntax(&doc, text, len, 1, err);
	for (i = 0; !rc && i < noverrides; i++) {
		rc = parse_override(&doc, overrides[i], err);
	}
	if (!rc) {
		rc = interpret(&x);
	}
	xlcfg_doc_free(&doc);
	if (rc == -ENOMEM) {
		snprintf(err, XLCFG_ERR_MAX, "%s: out of memory", file);
	}
	return rc ? -EINVAL : 0;
}
