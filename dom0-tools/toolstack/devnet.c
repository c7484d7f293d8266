/* SPDX-License-Identifier: MIT */
/*
 * vifs without I/O (devnet.h): MACs, rates, interface names, a
 * specification resolved into a device, and the device's XenStore nodes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "devnet.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

int devnet_mac_parse(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	if (strlen(s) != 17) {
		return -EINVAL;
	}
	for (i = 0; i < 6; i++) {
		hi = hex_digit(s[i * 3]);
		lo = hex_digit(s[i * 3 + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':')) {
			return -EINVAL;
		}
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void devnet_mac_format(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

void devnet_mac_random(uint8_t rnd[3], void *arg)
{
	size_t got = 0;
	ssize_t n;

	(void)arg;
	while (got < 3) {
		n = getrandom(rnd + got, 3 - got, 0);
		if (n <= 0) {
			/* No entropy source: rand() still varies the draw. */
			for (; got < 3; got++) {
				rnd[got] = (uint8_t)rand();
			}
			return;
		}
		got += (size_t)n;
	}
}

static bool mac_taken(const char *mac, const char (*taken)[18],
		      unsigned int ntaken)
{
	uint8_t a[6], b[6];
	unsigned int i;

	if (devnet_mac_parse(mac, a)) {
		return false;
	}
	for (i = 0; i < ntaken; i++) {
		if (devnet_mac_parse(taken[i], b) == 0 && !memcmp(a, b, 6)) {
			return true;
		}
	}
	return false;
}

/* Draws before giving up: 2^23 MACs make a miss this often impossible. */
#define DEVNET_MAC_DRAWS 64

int devnet_mac_pick(void (*fill)(uint8_t rnd[3], void *arg), void *arg,
		    const char (*taken)[18], unsigned int ntaken, char out[18])
{
	uint8_t mac[6] = { 0x00, 0x16, 0x3e };
	uint8_t rnd[3];
	int i;

	for (i = 0; i < DEVNET_MAC_DRAWS; i++) {
		fill(rnd, arg);
		mac[3] = rnd[0] & 0x7f;
		mac[4] = rnd[1];
		mac[5] = rnd[2];
		devnet_mac_format(mac, out);
		if (!mac_taken(out, taken, ntaken)) {
			return 0;
		}
	}
	out[0] = '\0';
	return -EEXIST;
}

/* A decimal number of at least one digit, not 0, below 2^32. */
static int rate_number(const char **s, uint64_t *n)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9') {
		return -EINVAL;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX) {
			return -ERANGE;
		}
	}
	if (!v) {
		return -ERANGE;
	}
	*s = p;
	*n = v;
	return 0;
}

/* "<n>[GMK](B|b)/s": bytes per second. */
static int rate_per_sec(const char *s, uint64_t *bps)
{
	uint64_t v, mult = 1;
	int rc = rate_number(&s, &v);

	if (rc) {
		return rc;
	}
	switch (*s) {
	case 'G':
		mult = 1000000000;
		s++;
		break;
	case 'M':
		mult = 1000000;
		s++;
		break;
	case 'K':
		mult = 1000;
		s++;
		break;
	default:
		break;
	}
	if ((*s != 'B' && *s != 'b') || strcmp(s + 1, "/s") != 0) {
		return -EINVAL;
	}
	v *= mult;
	*bps = *s == 'b' ? v / 8 : v;
	return 0;
}

/* "<n>[mu][s]": the interval in microseconds (no unit: seconds). */
static int rate_interval(const char *s, uint32_t *usecs)
{
	uint64_t v, mult = 1000000;
	int rc = rate_number(&s, &v);

	if (rc) {
		return rc;
	}
	if (*s == 'm') {
		mult = 1000;
		s++;
	} else if (*s == 'u') {
		mult = 1;
		s++;
	}
	if (*s == 's') {
		s++;
	}
	if (*s) {
		return -EINVAL;
	}
	v *= mult;
	if (v > UINT32_MAX) {
		return -ERANGE;
	}
	*usecs = (uint32_t)v;
	return 0;
}

int devnet_parse_rate(const char *s, uint64_t *bytes, uint32_t *usecs,
		      char *err)
{
	char buf[64], *at;
	uint64_t bps = 0;
	uint32_t us = DEVNET_RATE_USECS;
	int rc;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf)) {
		snprintf(err, DEVNET_ERR_MAX, "rate '%s' too long", s);
		return -EINVAL;
	}
	at = strchr(buf, '@');
	if (at) {
		*at++ = '\0';
	}
	rc = rate_per_sec(buf, &bps);
	if (!rc && at) {
		rc = rate_interval(at, &us);
	}
	if (rc) {
		snprintf(err, DEVNET_ERR_MAX,
			 "rate '%s': %s (expected e.g. 10Mb/s or 1MB/s@20ms)",
			 s, rc == -ERANGE ? "out of range" : "malformed");
		return -EINVAL;
	}
	*bytes = bps * us / 1000000;
	*usecs = us;
	if (!*bytes) {
		snprintf(err, DEVNET_ERR_MAX,
			 "rate '%s': less than one byte per interval", s);
		return -EINVAL;
	}
	return 0;
}

const char *devnet_ifname_problem(const char *name)
{
	const char *p;

	if (!*name) {
		return "empty";
	}
	if (strlen(name) > DEVNET_IFNAME_MAX) {
		return "longer than 15 characters";
	}
	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		return "not a name";
	}
	for (p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.')) {
			return "only letters, digits, '-', '_' and '.' allowed";
		}
	}
	return NULL;
}

__attribute__((format(printf, 2, 3))) static void
note(struct devnet_notes *notes, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!notes ||
	    notes->n >= sizeof(notes->line) / sizeof(notes->line[0])) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	snprintf(notes->line[notes->n++], DEVNET_NOTE_MAX, "%.*s",
		 DEVNET_NOTE_MAX - 1, line);
}

/* Printable text without quotes that would break a node's meaning. */
static bool plain_text(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			return false;
		}
	}
	return true;
}

static int check_names(const struct xlcfg_vif *spec, struct devnet_vif *v,
		       char *err)
{
	const char *why;

	snprintf(v->bridge, sizeof(v->bridge), "%s", DEVNET_DEFAULT_BRIDGE);
	if (spec->bridge[0]) {
		why = devnet_ifname_problem(spec->bridge);
		if (why) {
			snprintf(err, DEVNET_ERR_MAX, "bridge '%s': %s",
				 spec->bridge, why);
			return -EINVAL;
		}
		snprintf(v->bridge, sizeof(v->bridge), "%.*s",
			 DEVNET_IFNAME_MAX, spec->bridge);
	}
	if (spec->vifname[0]) {
		why = devnet_ifname_problem(spec->vifname);
		if (why) {
			snprintf(err, DEVNET_ERR_MAX, "vifname '%s': %s",
				 spec->vifname, why);
			return -EINVAL;
		}
		snprintf(v->vifname, sizeof(v->vifname), "%.*s",
			 DEVNET_IFNAME_MAX, spec->vifname);
	}
	return 0;
}

int devnet_resolve(const struct xlcfg_vif *spec, uint32_t domid, uint32_t devid,
		   struct devnet_vif *v, struct devnet_notes *notes, char *err)
{
	uint8_t mac[6];
	int rc;

	memset(v, 0, sizeof(*v));
	v->domid = domid;
	v->devid = devid;
	if (spec->backend[0] && strcmp(spec->backend, "0") &&
	    strcmp(spec->backend, "Domain-0")) {
		snprintf(err, DEVNET_ERR_MAX,
			 "backend '%s': only Domain-0 runs backends on Sable",
			 spec->backend);
		return -EINVAL;
	}
	if (spec->type[0] && strcmp(spec->type, "vif")) {
		snprintf(err, DEVNET_ERR_MAX,
			 "type '%s': Arm guests are PVH and have no emulated "
			 "NIC (type=vif)",
			 spec->type);
		return -EINVAL;
	}
	if (spec->mac[0]) {
		if (devnet_mac_parse(spec->mac, mac) || (mac[0] & 1) ||
		    !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
			snprintf(err, DEVNET_ERR_MAX,
				 "mac '%s': not a unicast MAC address",
				 spec->mac);
			return -EINVAL;
		}
		devnet_mac_format(mac, v->mac);
	}
	rc = check_names(spec, v, err);
	if (rc) {
		return rc;
	}
	if (!plain_text(spec->ip)) {
		snprintf(err, DEVNET_ERR_MAX, "ip: control characters");
		return -EINVAL;
	}
	snprintf(v->ip, sizeof(v->ip), "%s", spec->ip);
	if (spec->rate[0]) {
		rc = devnet_parse_rate(spec->rate, &v->rate_bytes,
				       &v->rate_usecs, err);
		if (rc) {
			return rc;
		}
	}
	snprintf(v->script, sizeof(v->script), "%s", DEVNET_DEFAULT_SCRIPT);
	if (spec->script[0]) {
		if (!plain_text(spec->script)) {
			snprintf(err, DEVNET_ERR_MAX,
				 "script: control characters");
			return -EINVAL;
		}
		note(notes,
		     "vif: script '%s' not run: the bridge hotplug is built "
		     "into xl",
		     spec->script);
		snprintf(v->script, sizeof(v->script), "%s", spec->script);
	}
	if (spec->model[0]) {
		note(notes,
		     "vif: model '%s' ignored: PV interfaces have no model",
		     spec->model);
	}
	return 0;
}

void devnet_ifname(const struct devnet_vif *v, char out[DEVNET_IFNAME_MAX + 1])
{
	if (v->vifname[0]) {
		snprintf(out, DEVNET_IFNAME_MAX + 1, "%s", v->vifname);
	} else {
		snprintf(out, DEVNET_IFNAME_MAX + 1, "vif%u.%u", v->domid,
			 v->devid);
	}
}

void devnet_frontend_path(uint32_t domid, uint32_t devid, char *buf,
			  size_t size)
{
	snprintf(buf, size, "/local/domain/%u/device/vif/%u", domid, devid);
}

void devnet_backend_path(uint32_t domid, uint32_t devid, char *buf, size_t size)
{
	snprintf(buf, size, "/local/domain/0/backend/vif/%u/%u", domid, devid);
}

void devnet_libxl_path(uint32_t domid, uint32_t devid, char *buf, size_t size)
{
	snprintf(buf, size, "/libxl/%u/device/vif/%u", domid, devid);
}

/*
 * The backend's entries, in libxl's order; written to the backend
 * directory and copied to the /libxl one.
 */
static void add_backend_entries(struct domplan *p, const struct devnet_vif *v,
				enum domplan_perm perm, const char *dir)
{
	char num[48];

	snprintf(num, sizeof(num), "%u", v->domid);
	domplan_add(p, perm, num, "%s/frontend-id", dir);
	domplan_add(p, perm, "1", "%s/online", dir);
	snprintf(num, sizeof(num), "%d", DEVNET_INITIALISING);
	domplan_add(p, perm, num, "%s/state", dir);
	domplan_add(p, perm, v->script, "%s/script", dir);
	if (v->vifname[0]) {
		domplan_add(p, perm, v->vifname, "%s/vifname", dir);
	}
	domplan_add(p, perm, v->mac, "%s/mac", dir);
	if (v->ip[0]) {
		domplan_add(p, perm, v->ip, "%s/ip", dir);
	}
	if (v->rate_usecs) {
		snprintf(num, sizeof(num), "%" PRIu64 ",%" PRIu32,
			 v->rate_bytes, v->rate_usecs);
		domplan_add(p, perm, num, "%s/rate", dir);
	}
	domplan_add(p, perm, v->bridge, "%s/bridge", dir);
	snprintf(num, sizeof(num), "%u", v->devid);
	domplan_add(p, perm, num, "%s/handle", dir);
	domplan_add(p, perm, "vif", "%s/type", dir);
	/* netback holds Connected back until the hotplug says connected. */
	domplan_add(p, perm, "", "%s/hotplug-status", dir);
}

int devnet_plan(struct domplan *p, const struct devnet_vif *v)
{
	char fe[64], be[64], lx[64], num[16];

	devnet_frontend_path(v->domid, v->devid, fe, sizeof(fe));
	devnet_backend_path(v->domid, v->devid, be, sizeof(be));
	devnet_libxl_path(v->domid, v->devid, lx, sizeof(lx));
	p->domid = v->domid;
	domplan_add_root(p, "%s", lx);
	domplan_add_root(p, "%s", fe);
	domplan_add_root(p, "%s", be);
	/* libxl__device_generic_add: the /libxl copy first. */
	domplan_add(p, DOMPLAN_PRIVATE, fe, "%s/frontend", lx);
	domplan_add(p, DOMPLAN_PRIVATE, be, "%s/backend", lx);
	/* The frontend: the guest's, dom0 reads; mtu the guest only reads. */
	domplan_add(p, DOMPLAN_FRONT, "", "%s", fe);
	domplan_add(p, DOMPLAN_FRONT, be, "%s/backend", fe);
	domplan_add(p, DOMPLAN_FRONT, "0", "%s/backend-id", fe);
	snprintf(num, sizeof(num), "%d", DEVNET_INITIALISING);
	domplan_add(p, DOMPLAN_FRONT, num, "%s/state", fe);
	snprintf(num, sizeof(num), "%u", v->devid);
	domplan_add(p, DOMPLAN_FRONT, num, "%s/handle", fe);
	domplan_add(p, DOMPLAN_FRONT, v->mac, "%s/mac", fe);
	domplan_add(p, DOMPLAN_FRONT, "1", "%s/trusted", fe);
	snprintf(num, sizeof(num), "%u", DEVNET_MTU);
	domplan_add(p, DOMPLAN_RO, num, "%s/mtu", fe);
	/* The backend: dom0's, the guest reads. */
	domplan_add(p, DOMPLAN_RO, "", "%s", be);
	domplan_add(p, DOMPLAN_RO, fe, "%s/frontend", be);
	add_backend_entries(p, v, DOMPLAN_RO, be);
	add_backend_entries(p, v, DOMPLAN_PRIVATE, lx);
	return p->err;
}
