/* SPDX-License-Identifier: MIT */
/*
 * Attaching and detaching vifs (devnet.h): the nodes in one transaction,
 * then the handshake with dom0's netback (xen-netback, drivers/net/
 * xen-netback/xenbus.c): it answers the backend directory with InitWait
 * and makes vif<D>.<N>, which is plugged into its bridge before
 * `hotplug-status` says connected; netback then lets the backend reach
 * Connected once the guest's netfront has connected. Detach follows
 * libxl: online 0 and state Closing, wait for Closed, remove the nodes.
 * Waits are XenStore watches with a deadline, never sleeps on the store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <public/io/xs_wire.h>

#include "devcommon.h"
#include "devnet.h"

/* Domains whose vifs are looked at for MAC clashes, vifs each. */
#define DEVNET_SCAN_MAX 256

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The numeric entries of directory @path into @ids (ascending, at most
 * @max); how many, 0 when the directory does not exist.
 */
static int dir_ids(struct xs_client *c, const char *path, uint32_t *ids,
		   unsigned int max)
{
	char buf[XENSTORE_PAYLOAD_MAX + 1], *e, *end;
	unsigned int n = 0, i, j;
	unsigned long id;
	size_t len = 0;
	int rc;

	rc = xs_client_request(c, XS_DIRECTORY, 0, path, strlen(path) + 1, buf,
			       sizeof(buf), &len);
	if (rc) {
		return rc == -ENOENT ? 0 : rc;
	}
	for (e = buf; e < buf + len && n < max; e += strlen(e) + 1) {
		id = strtoul(e, &end, 10);
		if (!*e || *end || id > UINT32_MAX) {
			continue;
		}
		/* Insertion keeps the few entries sorted. */
		for (i = 0; i < n && ids[i] < id; i++) {
		}
		if (i < n && ids[i] == id) {
			continue;
		}
		for (j = n; j > i; j--) {
			ids[j] = ids[j - 1];
		}
		ids[i] = (uint32_t)id;
		n++;
	}
	return (int)n;
}

/* A node's decimal value, or -1 when it is missing or not a number. */
static long read_num(struct xs_client *c, const char *path)
{
	char buf[32], *end;
	long v;

	if (xs_client_read(c, 0, path, buf, sizeof(buf)) || !buf[0]) {
		return -1;
	}
	v = strtol(buf, &end, 10);
	return *end ? -1 : v;
}

static int txn_rm(struct xs_client *c, const char *const *paths, unsigned int n)
{
	uint32_t tx;
	unsigned int i;
	int tries, rc = -EAGAIN;

	for (tries = 0; tries < 5 && rc == -EAGAIN; tries++) {
		rc = xs_client_txn_start(c, &tx);
		if (rc) {
			return rc;
		}
		for (i = 0; i < n && !rc; i++) {
			rc = xs_client_rm(c, tx, paths[i]);
			rc = rc == -ENOENT ? 0 : rc;
		}
		if (rc) {
			xs_client_txn_end(c, tx, false);
			continue;
		}
		rc = xs_client_txn_end(c, tx, true);
	}
	return rc;
}

/*
 * Wait until the backend's state satisfies @done (or the backend is
 * gone, state -1), watching it; the last state read in @state.
 * 0 or -ETIMEDOUT.
 */
static int wait_state(struct xs_client *c, const char *be,
		      bool (*done)(long state), int timeout_ms, long *state)
{
	long long deadline = now_ms() + timeout_ms, left;
	char path[96];
	int rc;

	snprintf(path, sizeof(path), "%s/state", be);
	rc = xs_client_watch(c, path, "devnet");
	if (rc) {
		return rc;
	}
	for (;;) {
		*state = read_num(c, path);
		if (done(*state)) {
			rc = 0;
			break;
		}
		left = deadline - now_ms();
		if (left <= 0) {
			rc = -ETIMEDOUT;
			break;
		}
		rc = xs_client_wait_event(c, (int)left);
		if (rc && rc != -ETIMEDOUT) {
			break;
		}
	}
	xs_client_unwatch(c, path, "devnet");
	return rc;
}

static bool up_or_failed(long s)
{
	return s < 0 || s >= DEVNET_INITWAIT;
}

static bool connected_or_failed(long s)
{
	return s < 0 || s >= DEVNET_CONNECTED;
}

static bool closed(long s)
{
	return s < 0 || s == DEVNET_CLOSED || s == DEVNET_UNKNOWN;
}

/* Why netback gave up on the device (xenbus_dev_fatal's node). */
static void backend_error(struct xs_client *c, const struct devnet_vif *v,
			  long state, char *err)
{
	char path[96], why[256] = "";

	snprintf(path, sizeof(path),
		 "/local/domain/0/error/backend/vif/%u/%u/error", v->domid,
		 v->devid);
	if (xs_client_read(c, 0, path, why, sizeof(why)) || !why[0]) {
		snprintf(why, sizeof(why), "no reason given");
	}
	snprintf(err, DEVNET_ERR_MAX, "netback %s (state %ld): %s",
		 state < 0 ? "removed the device" : "closed the device", state,
		 why);
}

/*
 * The MACs of every vif dom0 serves, @mine of them @domid's: devnet_vif
 * MACs must differ within a domain, and a generated one from all.
 */
struct mac_scan {
	char (*macs)[18];
	uint32_t *owner_dom, *owner_dev;
	unsigned int n, max;
};

static void scan_macs(struct xs_client *c, struct mac_scan *s)
{
	uint32_t doms[DEVNET_SCAN_MAX], devs[DEVNET_SCAN_MAX];
	char path[96];
	int nd, nv, i, j;

	nd = dir_ids(c, "/local/domain/0/backend/vif", doms, DEVNET_SCAN_MAX);
	for (i = 0; i < nd; i++) {
		snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u",
			 doms[i]);
		nv = dir_ids(c, path, devs, DEVNET_SCAN_MAX);
		for (j = 0; j < nv && s->n < s->max; j++) {
			snprintf(path, sizeof(path),
				 "/local/domain/0/backend/vif/%u/%u/mac",
				 doms[i], devs[j]);
			if (xs_client_read(c, 0, path, s->macs[s->n], 18)) {
				continue;
			}
			s->owner_dom[s->n] = doms[i];
			s->owner_dev[s->n] = devs[j];
			s->n++;
		}
	}
}

static int choose_mac(struct xs_client *c, struct devnet_vif *v, char *err)
{
	static char macs[DEVNET_SCAN_MAX][18];
	static uint32_t dom[DEVNET_SCAN_MAX], dev[DEVNET_SCAN_MAX];
	struct mac_scan s = { macs, dom, dev, 0, DEVNET_SCAN_MAX };
	uint8_t a[6], b[6];
	unsigned int i;

	scan_macs(c, &s);
	if (!v->mac[0]) {
		if (devnet_mac_pick(devnet_mac_random, NULL,
				    (const char(*)[18])macs, s.n, v->mac)) {
			snprintf(err, DEVNET_ERR_MAX, "no free MAC address");
			return -EEXIST;
		}
		return 0;
	}
	devnet_mac_parse(v->mac, a);
	for (i = 0; i < s.n; i++) {
		if (dom[i] == v->domid && devnet_mac_parse(macs[i], b) == 0 &&
		    !memcmp(a, b, 6)) {
			snprintf(
				err, DEVNET_ERR_MAX,
				"mac %s is already used by vif %u of domain %u",
				v->mac, dev[i], v->domid);
			return -EEXIST;
		}
	}
	return 0;
}

/* Checks with no side effect: the devid, the names, the bridge's kind. */
static int check_free(struct xs_client *c, const struct devnet_vif *v,
		      char *err)
{
	char path[96], probe[8];

	devnet_backend_path(v->domid, v->devid, path, sizeof(path));
	if (xs_client_read(c, 0, path, probe, sizeof(probe)) != -ENOENT) {
		snprintf(err, DEVNET_ERR_MAX, "domain %u already has vif %u",
			 v->domid, v->devid);
		return -EEXIST;
	}
	snprintf(path, sizeof(path), "/local/domain/%u/device", v->domid);
	if (xs_client_read(c, 0, path, probe, sizeof(probe))) {
		snprintf(err, DEVNET_ERR_MAX,
			 "domain %u has no %s node (not introduced to "
			 "xenstored?)",
			 v->domid, path);
		return -ENOENT;
	}
	if (v->vifname[0] && devnet_link_kind(v->vifname) != DEVNET_LINK_NONE) {
		snprintf(err, DEVNET_ERR_MAX,
			 "vifname %s: dom0 already has an interface of that "
			 "name",
			 v->vifname);
		return -EEXIST;
	}
	if (devnet_link_kind(v->bridge) == DEVNET_LINK_OTHER) {
		snprintf(err, DEVNET_ERR_MAX,
			 "bridge %s: an interface of that name exists and is "
			 "not a bridge",
			 v->bridge);
		return -EINVAL;
	}
	return 0;
}

static int write_nodes(struct xs_client *c, const struct devnet_vif *v,
		       char *err)
{
	char step[DOMPLAN_STEP_MAX] = "prepare the nodes";
	struct domplan p;
	int rc;

	domplan_init(&p, v->domid);
	rc = devnet_plan(&p, v);
	if (!rc) {
		rc = domplan_commit(c, &p, step);
	}
	if (rc) {
		snprintf(err, DEVNET_ERR_MAX, "xenstore: %s failed: %s", step,
			 c->err[0] ? c->err : strerror(-rc));
	}
	domplan_free(&p);
	return rc;
}

/* netback's side: InitWait, its interface, then the hotplug. */
static int hotplug(struct xs_client *c, const struct devnet_vif *v, char *err)
{
	char be[64], path[96], created[DEVNET_IFNAME_MAX + 1];
	char ifname[DEVNET_IFNAME_MAX + 1];
	long state = DEVNET_INITIALISING;
	int rc;

	devnet_backend_path(v->domid, v->devid, be, sizeof(be));
	rc = wait_state(c, be, up_or_failed, DEVNET_ATTACH_TIMEOUT_MS, &state);
	if (rc == -ETIMEDOUT) {
		snprintf(err, DEVNET_ERR_MAX,
			 "netback did not take the device within %d s (is "
			 "xen-netback loaded in dom0?)",
			 DEVNET_ATTACH_TIMEOUT_MS / 1000);
		return rc;
	}
	if (!rc && (state < 0 || state >= DEVNET_CLOSING)) {
		backend_error(c, v, state, err);
		return -EIO;
	}
	if (rc) {
		snprintf(err, DEVNET_ERR_MAX, "xenstore: watch %s: %s", be,
			 strerror(-rc));
		return rc;
	}
	snprintf(created, sizeof(created), "vif%u.%u", v->domid, v->devid);
	devnet_ifname(v, ifname);
	if (devnet_link_wait(created, true, DEVNET_ATTACH_TIMEOUT_MS)) {
		snprintf(err, DEVNET_ERR_MAX,
			 "netback made no interface %s within %d s", created,
			 DEVNET_ATTACH_TIMEOUT_MS / 1000);
		return -ETIMEDOUT;
	}
	rc = devnet_link_plug(created, ifname, v->bridge, err);
	snprintf(path, sizeof(path), "%s/hotplug-status", be);
	if (rc) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%s/hotplug-error", be);
		xs_client_write(c, 0, msg, err);
		xs_client_write(c, 0, path, "error");
		return rc;
	}
	rc = xs_client_write(c, 0, path, "connected");
	if (rc) {
		snprintf(err, DEVNET_ERR_MAX, "xenstore: write %s: %s", path,
			 strerror(-rc));
	}
	return rc;
}

static void prefix_err(const struct devnet_vif *v, char *err)
{
	char why[DEVNET_ERR_MAX], line[DEVNET_ERR_MAX + 64];

	snprintf(why, sizeof(why), "%s", err);
	snprintf(line, sizeof(line), "vif %u%s%s%s: %s", v->devid,
		 v->mac[0] ? " (" : "", v->mac, v->mac[0] ? ")" : "", why);
	snprintf(err, DEVNET_ERR_MAX, "%.*s", DEVNET_ERR_MAX - 1, line);
}

int devnet_attach(struct xs_client *c, struct devnet_vif *v,
		  bool wait_connected, struct devnet_notes *notes, char *err)
{
	char be[64], why[DEVNET_ERR_MAX];
	long state = DEVNET_INITWAIT;
	int rc;

	rc = check_free(c, v, err);
	if (!rc) {
		rc = choose_mac(c, v, err);
	}
	if (!rc) {
		rc = devnet_link_bridge_ensure(v->bridge, err);
	}
	if (rc) {
		goto out;
	}
	rc = write_nodes(c, v, err);
	if (!rc) {
		rc = hotplug(c, v, err);
	}
	if (rc) {
		/* Nothing of the device stays: nodes, interface, port. */
		devnet_detach(c, v->domid, v->devid, true, why);
		goto out;
	}
	if (!wait_connected) {
		goto out;
	}
	devnet_backend_path(v->domid, v->devid, be, sizeof(be));
	rc = wait_state(c, be, connected_or_failed, DEVNET_CONNECT_TIMEOUT_MS,
			&state);
	if (rc == -ETIMEDOUT && notes &&
	    notes->n < sizeof(notes->line) / sizeof(notes->line[0])) {
		snprintf(notes->line[notes->n++], DEVNET_NOTE_MAX,
			 "vif %u: the guest has not connected within %d s "
			 "(backend state %ld); the device stays attached",
			 v->devid, DEVNET_CONNECT_TIMEOUT_MS / 1000, state);
	}
	rc = 0;
	if (state < 0 || state >= DEVNET_CLOSING) {
		backend_error(c, v, state, err);
		devnet_detach(c, v->domid, v->devid, true, why);
		rc = -EIO;
	}
out:
	if (rc) {
		prefix_err(v, err);
	}
	return rc;
}

int devnet_attach_config(const struct xlcfg *cfg, uint32_t domid,
			 const char *xs_path, struct devnet_notes *notes,
			 char *err)
{
	struct devnet_vif v;
	struct xs_client c;
	unsigned int i;
	int rc;

	if (!cfg->nr_vifs) {
		return 0;
	}
	rc = xs_client_open(&c, xs_path, 10);
	if (rc) {
		snprintf(err, DEVNET_ERR_MAX,
			 "vif: cannot connect to xenstored: %s", strerror(-rc));
		return rc;
	}
	for (i = 0; i < cfg->nr_vifs && !rc; i++) {
		const struct xlcfg_vif *spec = &cfg->vifs[i];

		rc = devnet_resolve(spec, domid,
				    spec->keep_devid ? spec->devid : i, &v,
				    notes, err);
		if (rc) {
			prefix_err(&v, err);
			break;
		}
		rc = devnet_attach(&c, &v, false, notes, err);
	}
	xs_client_close(&c);
	return rc;
}

/* dom0's name for the device: the backend's vifname, else netback's. */
static void backend_ifname(struct xs_client *c, uint32_t domid, uint32_t devid,
			   char ifname[DEVNET_IFNAME_MAX + 1])
{
	char path[96], name[64];

	snprintf(path, sizeof(path),
		 "/local/domain/0/backend/vif/%u/%u/vifname", domid, devid);
	if (xs_client_read(c, 0, path, name, sizeof(name)) == 0 &&
	    !devnet_ifname_problem(name)) {
		snprintf(ifname, DEVNET_IFNAME_MAX + 1, "%.*s",
			 DEVNET_IFNAME_MAX, name);
	} else {
		snprintf(ifname, DEVNET_IFNAME_MAX + 1, "vif%u.%u", domid,
			 devid);
	}
}

/* libxl__initiate_device_generic_remove: online 0, state Closing. */
static int ask_close(struct xs_client *c, const char *be)
{
	char path[96], num[8];
	uint32_t tx;
	int tries, rc = -EAGAIN;

	for (tries = 0; tries < 5 && rc == -EAGAIN; tries++) {
		rc = xs_client_txn_start(c, &tx);
		if (rc) {
			return rc;
		}
		snprintf(path, sizeof(path), "%s/online", be);
		rc = xs_client_write(c, tx, path, "0");
		snprintf(path, sizeof(path), "%s/state", be);
		if (!rc && read_num(c, path) != DEVNET_CLOSED) {
			snprintf(num, sizeof(num), "%d", DEVNET_CLOSING);
			rc = xs_client_write(c, tx, path, num);
		}
		if (rc) {
			xs_client_txn_end(c, tx, false);
			continue;
		}
		rc = xs_client_txn_end(c, tx, true);
	}
	return rc;
}

/* Remove the per-domain backend directory once it holds no vif. */
static void tidy_domain_dir(struct xs_client *c, uint32_t domid)
{
	uint32_t ids[1];
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u", domid);
	if (dir_ids(c, path, ids, 1) == 0) {
		xs_client_rm(c, 0, path);
	}
	snprintf(path, sizeof(path), "/local/domain/0/error/backend/vif/%u",
		 domid);
	if (dir_ids(c, path, ids, 1) == 0) {
		xs_client_rm(c, 0, path);
	}
}

int devnet_detach(struct xs_client *c, uint32_t domid, uint32_t devid,
		  bool force, char *err)
{
	char fe[64], be[64], lx[64], er[96], probe[8];
	char ifname[DEVNET_IFNAME_MAX + 1];
	const char *paths[4] = { fe, be, lx, er };
	long state = DEVNET_CLOSING;
	int rc;

	devnet_frontend_path(domid, devid, fe, sizeof(fe));
	devnet_backend_path(domid, devid, be, sizeof(be));
	devnet_libxl_path(domid, devid, lx, sizeof(lx));
	snprintf(er, sizeof(er), "/local/domain/0/error/backend/vif/%u/%u",
		 domid, devid);
	if (xs_client_read(c, 0, be, probe, sizeof(probe)) == -ENOENT &&
	    xs_client_read(c, 0, fe, probe, sizeof(probe)) == -ENOENT &&
	    xs_client_read(c, 0, lx, probe, sizeof(probe)) == -ENOENT) {
		snprintf(err, DEVNET_ERR_MAX, "domain %u has no vif %u", domid,
			 devid);
		return -ENOENT;
	}
	backend_ifname(c, domid, devid, ifname);
	err[0] = '\0';
	if (!force && ask_close(c, be) == 0 &&
	    wait_state(c, be, closed, DEVNET_CLOSE_TIMEOUT_MS, &state) ==
		    -ETIMEDOUT) {
		snprintf(err, DEVNET_ERR_MAX,
			 "vif %u: the guest did not close it within %d s "
			 "(state %ld); removed all the same",
			 devid, DEVNET_CLOSE_TIMEOUT_MS / 1000, state);
	}
	rc = txn_rm(c, paths, 4);
	if (rc) {
		snprintf(err, DEVNET_ERR_MAX, "vif %u: xenstore: remove: %s",
			 devid, c->err[0] ? c->err : strerror(-rc));
		return rc;
	}
	tidy_domain_dir(c, domid);
	/* netback unregisters the interface once its directory is gone. */
	if (devnet_link_wait(ifname, false, DEVNET_CLOSE_TIMEOUT_MS)) {
		devnet_link_unplug(ifname);
	}
	/* The next domain may take this id: netback must be done with it. */
	devcommon_wait_backend_gone("vif", domid, devid, 5000);
	return 0;
}

void devnet_teardown_domain(struct xs_client *c, uint32_t domid)
{
	uint32_t ids[DEVNET_SCAN_MAX];
	char err[DEVNET_ERR_MAX];
	int n, i;

	n = devnet_list(c, domid, ids, DEVNET_SCAN_MAX);
	for (i = 0; i < n; i++) {
		devnet_detach(c, domid, ids[i], true, err);
	}
	tidy_domain_dir(c, domid);
}

int devnet_list(struct xs_client *c, uint32_t domid, uint32_t *devids,
		unsigned int max)
{
	uint32_t more[DEVNET_SCAN_MAX];
	char path[64];
	int n, m, i, j;

	snprintf(path, sizeof(path), "/libxl/%u/device/vif", domid);
	n = dir_ids(c, path, devids, max);
	snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u", domid);
	m = dir_ids(c, path, more, DEVNET_SCAN_MAX);
	n = n < 0 ? 0 : n;
	/* A backend without its /libxl copy still counts (union, sorted). */
	for (i = 0; i < m && (unsigned int)n < max; i++) {
		for (j = 0; j < n && devids[j] < more[i]; j++) {
		}
		if (j < n && devids[j] == more[i]) {
			continue;
		}
		memmove(&devids[j + 1], &devids[j],
			(size_t)(n - j) * sizeof(*devids));
		devids[j] = more[i];
		n++;
	}
	return n;
}

int devnet_find_mac(struct xs_client *c, uint32_t domid, const char *mac,
		    uint32_t *devid)
{
	uint32_t ids[DEVNET_SCAN_MAX];
	uint8_t want[6], got[6];
	char path[96], val[32];
	int n, i;

	if (devnet_mac_parse(mac, want)) {
		return -EINVAL;
	}
	n = devnet_list(c, domid, ids, DEVNET_SCAN_MAX);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/libxl/%u/device/vif/%u/mac",
			 domid, ids[i]);
		if (xs_client_read(c, 0, path, val, sizeof(val))) {
			devnet_backend_path(domid, ids[i], path, sizeof(path));
			strncat(path, "/mac", sizeof(path) - strlen(path) - 1);
			if (xs_client_read(c, 0, path, val, sizeof(val))) {
				continue;
			}
		}
		if (devnet_mac_parse(val, got) == 0 && !memcmp(want, got, 6)) {
			*devid = ids[i];
			return 0;
		}
	}
	return -ENOENT;
}
