/* SPDX-License-Identifier: MIT */
/*
 * PV network interfaces (vifs): a vif specification turned into the
 * device it describes (devid, MAC, bridge, rate), its XenStore nodes as
 * libxl writes them (frontend, backend and /libxl copy, in one
 * transaction), and the hotplug that Xen leaves to udev and vif-bridge,
 * done here in C and synchronously: the bridge made if missing, dom0's
 * vif<dom>.<devid> renamed, put on the bridge and brought up, then
 * `hotplug-status` = connected. Attach, detach and teardown at destroy.
 * docs/pv-devices.md, "Networks".
 *
 * Every function returns 0 or a negative errno; on failure @err
 * (DEVNET_ERR_MAX bytes) holds one line naming the device and the cause.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domplan.h"
#include "xlcfg.h"
#include "xs_client.h"

#define DEVNET_ERR_MAX 384
#define DEVNET_DEFAULT_BRIDGE "xenbr0"
/* What libxl writes as `script` by default; Sable runs no script. */
#define DEVNET_DEFAULT_SCRIPT "/etc/xen/scripts/vif-bridge"
/* libxl's default MTU, written to the frontend's `mtu`. */
#define DEVNET_MTU 1500
/* Linux's IFNAMSIZ less its NUL. */
#define DEVNET_IFNAME_MAX 15
/* Most vifs one domain may have (devids 0..DEVNET_MAX_DEVID). */
#define DEVNET_MAX_DEVID 255
/* How long netback gets to come up, and to close (LIBXL_DESTROY_TIMEOUT). */
#define DEVNET_ATTACH_TIMEOUT_MS 10000
#define DEVNET_CLOSE_TIMEOUT_MS 10000
/* How long a hot attach waits for the guest's netfront to connect. */
#define DEVNET_CONNECT_TIMEOUT_MS 20000
/* Xen's default rate interval (libxlu: 50 ms). */
#define DEVNET_RATE_USECS 50000
#define DEVNET_NOTE_MAX 160

/* XenbusState (xen/include/public/io/xenbus.h). */
enum devnet_state {
	DEVNET_UNKNOWN = 0,
	DEVNET_INITIALISING = 1,
	DEVNET_INITWAIT = 2,
	DEVNET_INITIALISED = 3,
	DEVNET_CONNECTED = 4,
	DEVNET_CLOSING = 5,
	DEVNET_CLOSED = 6,
};

/* One vif, resolved: everything its nodes and its hotplug need. */
struct devnet_vif {
	uint32_t domid;
	uint32_t devid;
	char mac[18]; /* lower-case "00:16:3e:xx:xx:xx" */
	char bridge[DEVNET_IFNAME_MAX + 1];
	char vifname[DEVNET_IFNAME_MAX + 1]; /* "" for netback's vif<D>.<N> */
	char ip[128];
	char script[128];
	uint64_t rate_bytes; /* per interval; 0 with rate_usecs 0: no limit */
	uint32_t rate_usecs;
};

/* Notes for the user (settings accepted but not acted upon). */
struct devnet_notes {
	char line[4][DEVNET_NOTE_MAX];
	unsigned int n;
};

/* ---- devnet.c: no I/O ------------------------------------------------ */

/* "00:16:3e:0a:0b:0c" (any case) into bytes. 0 or -EINVAL. */
int devnet_mac_parse(const char *s, uint8_t mac[6]);
void devnet_mac_format(const uint8_t mac[6], char out[18]);
/*
 * A MAC in Xen's range, 00:16:3e with the fourth byte's top bit clear
 * (as libxl makes them), from @rnd, drawn again with @fill while it
 * equals one of the @ntaken MACs in @taken. -EEXIST if no free one came
 * in 64 draws.
 */
int devnet_mac_pick(void (*fill)(uint8_t rnd[3], void *arg), void *arg,
		    const char (*taken)[18], unsigned int ntaken, char out[18]);
/* The random bytes devnet_mac_pick uses by default (getrandom). */
void devnet_mac_random(uint8_t rnd[3], void *arg);

/*
 * xl's rate ("10Mb/s", "1GB/s@20ms", xl-network-configuration(5)) into
 * bytes per interval and the interval. 0 or -EINVAL with @err.
 */
int devnet_parse_rate(const char *s, uint64_t *bytes, uint32_t *usecs,
		      char *err);
/* Is @name usable as a Linux interface name? NULL if so, else why not. */
const char *devnet_ifname_problem(const char *name);

/*
 * A parsed specification into a device of @domid with @devid. The MAC
 * is left "" when none is given (devnet_mac_pick chooses it). Settings
 * Sable does not act on go to @notes. 0 or -EINVAL.
 */
int devnet_resolve(const struct xlcfg_vif *spec, uint32_t domid, uint32_t devid,
		   struct devnet_vif *v, struct devnet_notes *notes, char *err);

/* The name dom0 sees: vifname, else netback's "vif<domid>.<devid>". */
void devnet_ifname(const struct devnet_vif *v, char out[DEVNET_IFNAME_MAX + 1]);

/*
 * The nodes libxl writes for a vif (libxl__device_generic_add with
 * libxl__set_xenstore_nic's entries), with the three directories as
 * roots removed first. @p must be initialised for v->domid.
 */
int devnet_plan(struct domplan *p, const struct devnet_vif *v);

/* The XenStore directories of a vif. */
void devnet_frontend_path(uint32_t domid, uint32_t devid, char *buf,
			  size_t size);
void devnet_backend_path(uint32_t domid, uint32_t devid, char *buf,
			 size_t size);
void devnet_libxl_path(uint32_t domid, uint32_t devid, char *buf, size_t size);

/* ---- devnet_link.c: dom0's network interfaces (Linux) --------------- */

enum devnet_link_kind {
	DEVNET_LINK_NONE, /* no such interface */
	DEVNET_LINK_BRIDGE,
	DEVNET_LINK_OTHER,
};

enum devnet_link_kind devnet_link_kind(const char *name);
/* Make the bridge @name if it does not exist, and bring it up. */
int devnet_link_bridge_ensure(const char *name, char *err);
/*
 * Put the interface @ifname (netback's, renamed from @created first when
 * they differ) on @bridge with the bridge's MTU, and bring it up.
 */
int devnet_link_plug(const char *created, const char *ifname,
		     const char *bridge, char *err);
/* Take @ifname off whatever bridge holds it and bring it down. */
void devnet_link_unplug(const char *ifname);
/* Wait until @ifname exists (@present) or is gone; 0 or -ETIMEDOUT. */
int devnet_link_wait(const char *ifname, bool present, int timeout_ms);

/* ---- devnet_xs.c: attach, detach, teardown -------------------------- */

/*
 * Attach @v (its MAC chosen here if empty, its devid as given): check
 * the bridge, the interface name and that no other vif of the domain
 * has the MAC, make the bridge if missing, write the nodes, wait for
 * netback's interface, plug it, write hotplug-status. With
 * @wait_connected also wait for the backend to reach Connected (a
 * timeout is a note, not a failure: the guest may not run netfront). A
 * failure leaves no node and no interface of the device behind.
 */
int devnet_attach(struct xs_client *c, struct devnet_vif *v,
		  bool wait_connected, struct devnet_notes *notes, char *err);

/*
 * Every vif of @cfg, devids 0, 1, ... in order (xl create, before the
 * domain is unpaused). On failure the vifs attached so far stay for the
 * caller's destroy to remove.
 */
int devnet_attach_config(const struct xlcfg *cfg, uint32_t domid,
			 const char *xs_path, struct devnet_notes *notes,
			 char *err);

/*
 * Detach vif @devid of @domid: unless @force, ask the backend to close
 * (online 0, state Closing) and wait for Closed; then remove the nodes
 * and wait for dom0's interface to go (taking it off its bridge if it
 * lingers). -ENOENT if there is no such vif.
 */
int devnet_detach(struct xs_client *c, uint32_t domid, uint32_t devid,
		  bool force, char *err);

/* Every vif of a domain that is being destroyed, without asking it. */
void devnet_teardown_domain(struct xs_client *c, uint32_t domid);

/* The devids of @domid's vifs, ascending; how many (at most @max). */
int devnet_list(struct xs_client *c, uint32_t domid, uint32_t *devids,
		unsigned int max);

/* The devid of @domid's vif with MAC @mac; 0 or -ENOENT. */
int devnet_find_mac(struct xs_client *c, uint32_t domid, const char *mac,
		    uint32_t *devid);
