/* SPDX-License-Identifier: MIT */
/*
 * Reading a system directory: system.cfg (the machine, the hypervisor's
 * command line, dom0) with the xl.cfg syntax layer, each domain file with
 * the xl.cfg parser xl create uses, and the images they name (sizes and
 * arm64 Image headers). See sysgen.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysgen.h"
#include "xlcfg_int.h"

#define SYSTEM_FILE "system.cfg"

const char *const sysgen_key_names[SYSGEN_NR_KEYS] = {
	[SYSGEN_K_NAME] = "name",
	[SYSGEN_K_MEMORY] = "memory",
	[SYSGEN_K_VCPUS] = "vcpus",
	[SYSGEN_K_CPUS] = "cpus",
	[SYSGEN_K_KERNEL] = "kernel",
	[SYSGEN_K_RAMDISK] = "ramdisk",
	[SYSGEN_K_SHADOW] = "shadow_memory",
};
#define ARM64_MAGIC 0x644d5241U /* "ARM\x64" at offset 56 */

/* One file being read: its settings as written, for lines and extra keys. */
struct file_ctx {
	struct sysgen_system *sys;
	const char *file;
	struct xlcfg_doc doc;
	char *err;
};

void sysgen_warn(struct sysgen_system *sys, const char *fmt, ...)
{
	va_list ap;

	if (sys->nr_warnings >= SYSGEN_MAX_WARNINGS) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(sys->warnings[sys->nr_warnings++], SYSGEN_ERR_MAX, fmt, ap);
	va_end(ap);
}

/* The last setting of @key, or NULL. */
static const struct xlcfg_setting *setting(const struct file_ctx *f,
					   const char *key)
{
	for (unsigned int i = f->doc.n; i-- > 0;) {
		if (strcmp(f->doc.sets[i].key, key) == 0) {
			return &f->doc.sets[i];
		}
	}
	return NULL;
}

/* "<file>:<line>: <key>: <what>" (no line for a key that is not set). */
__attribute__((format(printf, 3, 4))) static int
fail(struct file_ctx *f, const char *key, const char *fmt, ...)
{
	const struct xlcfg_setting *s = setting(f, key);
	va_list ap;
	int n;

	if (s) {
		n = snprintf(f->err, SYSGEN_ERR_MAX, "%s:%d: %s: ", f->file,
			     s->line, key);
	} else {
		n = snprintf(f->err, SYSGEN_ERR_MAX, "%s: %s: ", f->file, key);
	}
	if (n > 0 && n < SYSGEN_ERR_MAX) {
		va_start(ap, fmt);
		vsnprintf(f->err + n, SYSGEN_ERR_MAX - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

__attribute__((format(printf, 3, 4))) static void
warn(struct file_ctx *f, const char *key, const char *fmt, ...)
{
	const struct xlcfg_setting *s = setting(f, key);
	char what[SYSGEN_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (s) {
		sysgen_warn(f->sys, "%s:%d: %s: %s", f->file, s->line, key,
			    what);
	} else {
		sysgen_warn(f->sys, "%s: %s: %s", f->file, key, what);
	}
}

/* A whole file, NUL-terminated, at most XLCFG_FILE_MAX bytes. */
static char *slurp(const char *path, size_t *len, char *err)
{
	FILE *fp = fopen(path, "rb");
	char *buf;

	if (!fp) {
		snprintf(err, SYSGEN_ERR_MAX, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(XLCFG_FILE_MAX + 2);
	if (!buf) {
		fclose(fp);
		snprintf(err, SYSGEN_ERR_MAX, "%s: out of memory", path);
		return NULL;
	}
	*len = fread(buf, 1, XLCFG_FILE_MAX + 1, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

/* Read @path's settings into @f->doc. */
static int read_doc(struct file_ctx *f, const char *path, char **text,
		    size_t *len)
{
	char why[XLCFG_ERR_MAX];

	*text = slurp(path, len, f->err);
	if (!*text) {
		return -EINVAL;
	}
	if (*len > XLCFG_FILE_MAX) {
		snprintf(f->err, SYSGEN_ERR_MAX, "%s: too large", f->file);
		return -EINVAL;
	}
	f->doc.file = f->file;
	if (xlcfg_syntax(&f->doc, *text, *len, 1, why)) {
		snprintf(f->err, SYSGEN_ERR_MAX, "%s", why);
		return -EINVAL;
	}
	return 0;
}

/* ---- images --------------------------------------------------------- */

/*
 * @in with $VAR and ${VAR} taken from the environment, relative paths
 * taken from the system directory.
 */
static int expand_path(struct file_ctx *f, const char *key, const char *in,
		       char *out)
{
	char buf[SYSGEN_PATH_MAX], name[128];
	size_t n = 0;

	for (const char *p = in; *p;) {
		const char *v;
		size_t k = 0;
		bool brace;

		if (*p != '$') {
			if (n + 1 >= sizeof(buf)) {
				return fail(f, key, "path too long");
			}
			buf[n++] = *p++;
			continue;
		}
		brace = *++p == '{';
		p += brace;
		while ((*p == '_' || (*p >= 'A' && *p <= 'Z') ||
			(*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) &&
		       k + 1 < sizeof(name)) {
			name[k++] = *p++;
		}
		name[k] = '\0';
		if (!k || (brace && *p++ != '}')) {
			return fail(f, key, "bad variable in \"%s\"", in);
		}
		v = getenv(name);
		if (!v || !*v) {
			return fail(f, key, "\"%s\": %s is not set", in, name);
		}
		if (n + strlen(v) >= sizeof(buf)) {
			return fail(f, key, "path too long");
		}
		memcpy(buf + n, v, strlen(v));
		n += strlen(v);
	}
	buf[n] = '\0';
	if (buf[0] == '/') {
		snprintf(out, SYSGEN_PATH_MAX, "%s", buf);
	} else if (snprintf(out, SYSGEN_PATH_MAX, "%s/%s", f->sys->dir, buf) >=
		   SYSGEN_PATH_MAX) {
		return fail(f, key, "path too long");
	}
	return 0;
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--) {
		v = (v << 8) | p[i];
	}
	return v;
}

/* Size (and for a kernel, its arm64 Image header) of the image @path. */
static int read_image(struct file_ctx *f, const char *key, const char *path,
		      struct sysgen_module *m)
{
	unsigned char hdr[64];
	char abs[PATH_MAX];
	struct stat st;
	int fd;

	if (expand_path(f, key, path, m->path)) {
		return -EINVAL;
	}
	fd = open(m->path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		int e = fd < 0 ? errno : EISDIR;

		if (fd >= 0) {
			close(fd);
		}
		return fail(f, key, "%s: %s", m->path, strerror(e));
	}
	m->size = (uint64_t)st.st_size;
	/* QEMU may run from anywhere: the image by its absolute path. */
	if (realpath(m->path, abs) && strlen(abs) < sizeof(m->path)) {
		snprintf(m->path, sizeof(m->path), "%s", abs);
	}
	if (strcmp(key, "kernel") != 0) {
		close(fd);
		return m->size ? 0 : fail(f, key, "%s is empty", m->path);
	}
	if (read(fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr) ||
	    (uint32_t)le64(hdr + 56) != ARM64_MAGIC) {
		close(fd);
		return fail(f, key, "%s is not an arm64 Image", m->path);
	}
	close(fd);
	m->text_offset = le64(hdr + 8);
	m->image_size = le64(hdr + 16);
	return 0;
}

static int read_images(struct file_ctx *f, struct sysgen_domain *d)
{
	if (read_image(f, "kernel", d->cfg.kernel, &d->kernel)) {
		return -EINVAL;
	}
	if (d->cfg.ramdisk[0] &&
	    read_image(f, "ramdisk", d->cfg.ramdisk, &d->ramdisk)) {
		return -EINVAL;
	}
	return 0;
}

/* ---- domain files ---------------------------------------------------- */

/* The boot-time keys that xl.cfg does not have. */
static const char *const extra_keys[] = { "xen_enhanced", "direct_map" };

static bool is_extra_key_warning(const char *w)
{
	for (size_t i = 0; i < sizeof(extra_keys) / sizeof(extra_keys[0]);
	     i++) {
		char tail[64];

		snprintf(tail, sizeof(tail), ": %s: unknown key, ignored",
			 extra_keys[i]);
		if (strlen(w) > strlen(tail) &&
		    strcmp(w + strlen(w) - strlen(tail), tail) == 0) {
			return true;
		}
	}
	return false;
}

/* on_poweroff, on_reboot, on_crash: xl's other actions to the nearest. */
static void map_actions(struct file_ctx *f, struct sysgen_domain *d)
{
	static const char *const keys[] = { "on_poweroff", "on_reboot",
					    "on_crash" };

	for (int e = 0; e < 3; e++) {
		enum xlcfg_action a = d->cfg.on[e];
		const char *near = "destroy";

		if (a == XLCFG_RESTART || a == XLCFG_RENAME_RESTART ||
		    a == XLCFG_COREDUMP_RESTART || a == XLCFG_SOFT_RESET) {
			near = "restart";
		} else if (a == XLCFG_PRESERVE) {
			near = "preserve";
		}
		if (strcmp(near, xlcfg_action_name(a)) != 0) {
			warn(f, keys[e],
			     "\"%s\" is not available to boot-time domains, "
			     "\"%s\" instead",
			     xlcfg_action_name(a), near);
		}
		d->on[e] = near;
	}
	if (d->cfg.on[XLCFG_ON_WATCHDOG] != XLCFG_DESTROY) {
		warn(f, "on_watchdog",
		     "no watchdog for boot-time domains, "
		     "ignored");
	}
}

static int read_extra_keys(struct file_ctx *f, struct sysgen_domain *d)
{
	const struct xlcfg_setting *s = setting(f, "xen_enhanced");

	snprintf(d->enhanced, sizeof(d->enhanced), "%s",
		 f->sys->has_dom0 ? "enabled" : "");
	if (s) {
		if (s->v.is_list ||
		    (strcmp(s->v.s, "enabled") && strcmp(s->v.s, "disabled") &&
		     strcmp(s->v.s, "no-xenstore"))) {
			return fail(f, "xen_enhanced",
				    "expected \"enabled\", \"disabled\" or "
				    "\"no-xenstore\"");
		}
		if (!f->sys->has_dom0 && strcmp(s->v.s, "enabled") == 0) {
			return fail(f, "xen_enhanced",
				    "xenstore needs dom0 (system.cfg: dom0)");
		}
		snprintf(d->enhanced, sizeof(d->enhanced), "%s", s->v.s);
	}
	s = setting(f, "direct_map");
	if (s) {
		if (s->v.is_list ||
		    (strcmp(s->v.s, "0") && strcmp(s->v.s, "1"))) {
			return fail(f, "direct_map", "expected 0 or 1");
		}
		d->direct_map = strcmp(s->v.s, "1") == 0;
		if (d->direct_map) {
			warn(f, "direct_map",
			     "Sable does not map domains 1:1 (Xen does): "
			     "written for Xen, ignored by Sable");
		}
	}
	return 0;
}

/* Settings xl create honours that mean nothing at boot. */
static void warn_ignored(struct file_ctx *f, const struct xlcfg *c)
{
	static const char *const keys[] = { "disk", "vif", "max_grant_frames",
					    "max_maptrack_frames",
					    "max_event_channels" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (setting(f, keys[i])) {
			warn(f, keys[i],
			     "not available to boot-time domains "
			     "(no backends, default limits), "
			     "ignored");
		}
	}
	if (c->maxmem_mib != c->memory_mib) {
		warn(f, "maxmem",
		     "boot-time domains cannot balloon above "
		     "memory, ignored");
	}
	if (c->maxvcpus != c->vcpus) {
		warn(f, "maxvcpus",
		     "boot-time domains start every vCPU, "
		     "vcpus (%u) used",
		     c->vcpus);
	}
}

/* dom0's file: what is not made into dom0's modules or limits is warned. */
static void warn_dom0_keys(struct file_ctx *f)
{
	static const char *const used[] = { "name",    "kernel", "ramdisk",
					    "cmdline", "root",	 "extra",
					    "memory",  "vcpus",	 "type",
					    "builder" };

	for (unsigned int i = 0; i < f->doc.n; i++) {
		const struct xlcfg_setting *s = &f->doc.sets[i];
		bool known = false;

		for (size_t k = 0; k < sizeof(used) / sizeof(used[0]); k++) {
			known = known || strcmp(s->key, used[k]) == 0;
		}
		if (!known && setting(f, s->key) == s) {
			warn(f, s->key, "not used for dom0, ignored");
		}
	}
}

static int read_domain(struct sysgen_system *sys, const char *name,
		       struct sysgen_domain *d, bool dom0, char *err)
{
	struct file_ctx f = { .sys = sys, .file = d->file, .err = err };
	char path[SYSGEN_PATH_MAX + 300], why[XLCFG_ERR_MAX];
	size_t len;
	char *text = NULL;
	int rc;

	snprintf(d->file, sizeof(d->file), "%s/%s", sys->dir, name);
	snprintf(path, sizeof(path), "%s/%s", sys->dir, name);
	rc = read_doc(&f, path, &text, &len);
	if (!rc && xlcfg_parse(&d->cfg, d->file, text, len, NULL, 0, why)) {
		snprintf(err, SYSGEN_ERR_MAX, "%s", why);
		rc = -EINVAL;
	}
	for (unsigned int i = 0; !rc && i < d->cfg.nr_warnings; i++) {
		if (!is_extra_key_warning(d->cfg.warnings[i])) {
			sysgen_warn(sys, "%s", d->cfg.warnings[i]);
		}
	}
	for (int k = 0; !rc && k < SYSGEN_NR_KEYS; k++) {
		const struct xlcfg_setting *s =
			setting(&f, sysgen_key_names[k]);

		d->line[k] = s ? s->line : 0;
	}
	if (!rc && dom0) {
		warn_dom0_keys(&f);
	}
	if (!rc && dom0 && !setting(&f, "memory")) {
		rc = fail(&f, "memory", "dom0's memory must be given (MiB)");
	}
	if (!rc && !dom0) {
		map_actions(&f, d);
		warn_ignored(&f, &d->cfg);
		rc = read_extra_keys(&f, d);
	}
	/* sable,cpus pins every vCPU of a boot-time domain alike. */
	if (!rc && !dom0 && d->cfg.nr_vcpu_cpus) {
		rc = fail(&f, "cpus",
			  "one CPU list per vCPU cannot be given to a "
			  "boot-time domain (sable,cpus pins all its vCPUs "
			  "alike): give one list such as \"0-1\"");
	}
	if (!rc && !dom0 && setting(&f, "cpus_soft")) {
		warn(&f, "cpus_soft",
		     "not carried to boot-time domains (no soft affinity in "
		     "the device tree), ignored");
	}
	if (!rc) {
		rc = read_images(&f, d);
	}
	xlcfg_doc_free(&f.doc);
	free(text);
	return rc;
}

/* ---- system.cfg ------------------------------------------------------ */

static int sys_number(struct file_ctx *f, const struct xlcfg_setting *s,
		      uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s->v.is_list || !*s->v.s) {
		return fail(f, s->key, "expected a number");
	}
	errno = 0;
	v = strtoull(s->v.s, &end, 0);
	if (*end || errno || s->v.s[0] == '-') {
		return fail(f, s->key, "expected a number");
	}
	if (v < min || v > max) {
		return fail(f, s->key, "%llu is out of range (%llu to %llu)", v,
			    (unsigned long long)min, (unsigned long long)max);
	}
	*out = v;
	return 0;
}

static int sys_string(struct file_ctx *f, const struct xlcfg_setting *s,
		      char *out, size_t size)
{
	if (s->v.is_list) {
		return fail(f, s->key, "expected a string, not a list");
	}
	if (strlen(s->v.s) >= size) {
		return fail(f, s->key, "too long (at most %zu characters)",
			    size - 1);
	}
	snprintf(out, size, "%s", s->v.s);
	return 0;
}

static int sys_key(struct file_ctx *f, const struct xlcfg_setting *s,
		   char *dom0_file)
{
	struct sysgen_system *sys = f->sys;
	char path[SYSGEN_PATH_MAX + 300];
	uint64_t v;

	if (strcmp(s->key, "cpus") == 0) {
		if (sys_number(f, s, 1, SYSGEN_MAX_PCPUS, &v)) {
			return -EINVAL;
		}
		sys->pcpus = (unsigned int)v;
		return 0;
	}
	if (strcmp(s->key, "memory") == 0) {
		sys->memory_line = s->line;
		return sys_number(f, s, 256, 64 * 1024, &sys->memory_mib);
	}
	if (strcmp(s->key, "module_base") == 0) {
		sys->module_base_line = s->line;
		return sys_number(f, s, SYSGEN_RAM_BASE, 1ULL << 40,
				  &sys->module_base);
	}
	if (strcmp(s->key, "cpu") == 0) {
		return sys_string(f, s, sys->cpu_model, sizeof(sys->cpu_model));
	}
	if (strcmp(s->key, "cmdline") == 0) {
		sys->cmdline_line = s->line;
		return sys_string(f, s, sys->cmdline, sizeof(sys->cmdline) / 2);
	}
	if (strcmp(s->key, "dom0") == 0) {
		if (sys_string(f, s, dom0_file, 256)) {
			return -EINVAL;
		}
		if (!*dom0_file || strchr(dom0_file, '/') ||
		    strcmp(dom0_file, SYSTEM_FILE) == 0) {
			return fail(f, "dom0",
				    "expected the name of a file in this "
				    "directory, such as \"dom0.cfg\"");
		}
		snprintf(path, sizeof(path), "%s/%s", sys->dir, dom0_file);
		if (access(path, R_OK) != 0) {
			return fail(f, "dom0", "%s: %s", path, strerror(errno));
		}
		return 0;
	}
	return fail(f, s->key,
		    "unknown key (cpus, memory, cpu, cmdline, dom0, "
		    "module_base)");
}

/* system.cfg, if present; its absence means the defaults and no dom0. */
static int read_system(struct sysgen_system *sys, char *dom0_file, char *err)
{
	struct file_ctx f = { .sys = sys, .file = sys->file, .err = err };
	char *text = NULL;
	size_t len;
	int rc;

	snprintf(sys->file, sizeof(sys->file), "%s/%s", sys->dir, SYSTEM_FILE);
	if (access(sys->file, F_OK) != 0) {
		return 0;
	}
	rc = read_doc(&f, sys->file, &text, &len);
	for (unsigned int i = 0; !rc && i < f.doc.n; i++) {
		if (setting(&f, f.doc.sets[i].key) == &f.doc.sets[i]) {
			rc = sys_key(&f, &f.doc.sets[i], dom0_file);
		}
	}
	xlcfg_doc_free(&f.doc);
	free(text);
	return rc;
}

/* ---- the directory --------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_cfg(const char *n)
{
	size_t l = strlen(n);

	return l > 4 && strcmp(n + l - 4, ".cfg") == 0 && n[0] != '.';
}

/* The domain files in name order into @names (malloc'd), their count. */
static int list_domains(struct sysgen_system *sys, const char *dom0_file,
			char *names[SYSGEN_MAX_DOMAINS], char *err)
{
	DIR *dir = opendir(sys->dir);
	struct dirent *e;
	int n = 0;

	if (!dir) {
		snprintf(err, SYSGEN_ERR_MAX, "%s: %s", sys->dir,
			 strerror(errno));
		return -EINVAL;
	}
	while ((e = readdir(dir))) {
		if (!is_cfg(e->d_name) || strcmp(e->d_name, SYSTEM_FILE) == 0 ||
		    strcmp(e->d_name, dom0_file) == 0) {
			continue;
		}
		if (n == SYSGEN_MAX_DOMAINS) {
			snprintf(err, SYSGEN_ERR_MAX,
				 "%s: more than %d domain files (the "
				 "hypervisor builds at most %d at boot)",
				 sys->dir, SYSGEN_MAX_DOMAINS,
				 SYSGEN_MAX_DOMAINS);
			n = -EINVAL;
			break;
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(dir);
	if (n < 0) {
		for (int i = 0; i < SYSGEN_MAX_DOMAINS; i++) {
			free(names[i]);
		}
		return n;
	}
	if (n > 1) {
		qsort(names, (size_t)n, sizeof(names[0]), by_name);
	}
	return n;
}

int sysgen_read(struct sysgen_system *sys, const char *dir, char *err)
{
	char dom0_file[256] = "", *names[SYSGEN_MAX_DOMAINS];
	int n, rc;

	memset(sys, 0, sizeof(*sys));
	err[0] = '\0';
	snprintf(sys->dir, sizeof(sys->dir), "%s", dir);
	sys->pcpus = 2;
	sys->memory_mib = 2048;
	snprintf(sys->cpu_model, sizeof(sys->cpu_model), "cortex-a57");
	rc = read_system(sys, dom0_file, err);
	if (rc) {
		return rc;
	}
	if (dom0_file[0]) {
		sys->has_dom0 = true;
		rc = read_domain(sys, dom0_file, &sys->dom0, true, err);
		if (rc) {
			return rc;
		}
	}
	n = list_domains(sys, dom0_file, names, err);
	if (n < 0) {
		return n;
	}
	rc = 0;
	for (int i = 0; i < n; i++) {
		if (!rc) {
			rc = read_domain(sys, names[i], &sys->doms[i], false,
					 err);
		}
		free(names[i]);
	}
	sys->nr_doms = (unsigned int)n;
	if (!rc && !n && !sys->has_dom0) {
		snprintf(err, SYSGEN_ERR_MAX,
			 "%s: no domain files (*.cfg) and no dom0", dir);
		rc = -EINVAL;
	}
	return rc;
}
