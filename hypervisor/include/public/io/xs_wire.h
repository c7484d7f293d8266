/* SPDX-License-Identifier: MIT */
/*
 * XenStore wire protocol: the message header used on both the Unix socket
 * and the shared ring, the message types, and the per-domain ring page
 * (struct xenstore_domain_interface). Numbers and layouts follow Xen's
 * io/xs_wire.h; the text here is Sable's own.
 */
#pragma once

#include <stdint.h>

enum xsd_sockmsg_type {
	XS_CONTROL = 0, /* also known as XS_DEBUG */
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was XS_RESTRICT, removed: now invalid. */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_GET_FEATURE = 23,
	XS_SET_FEATURE = 24,
	XS_GET_QUOTA = 25,
	XS_SET_QUOTA = 26,
	XS_TYPE_COUNT,
	XS_INVALID = 0xffff,
};

#define XS_DEBUG XS_CONTROL

/* Message header; len bytes of payload follow it. */
struct xsd_sockmsg {
	uint32_t type; /* IN/OUT: enum xsd_sockmsg_type */
	uint32_t req_id; /* IN/OUT: echoed in the reply; 0 in watch events */
	uint32_t tx_id; /* IN/OUT: transaction id, 0 = none */
	uint32_t len; /* IN/OUT: payload length, <= XENSTORE_PAYLOAD_MAX */
};

_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg size");

#define XENSTORE_PAYLOAD_MAX 4096
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* Ring page shared between a domain and the store daemon. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE]; /* IN: requests to the server */
	char rsp[XENSTORE_RING_SIZE]; /* OUT: replies and watch events */
	XENSTORE_RING_IDX req_cons; /* OUT: advanced by the server */
	XENSTORE_RING_IDX req_prod; /* IN: advanced by the domain */
	XENSTORE_RING_IDX rsp_cons; /* IN: advanced by the domain */
	XENSTORE_RING_IDX rsp_prod; /* OUT: advanced by the server */
	uint32_t server_features; /* OUT: XENSTORE_SERVER_FEATURE_* */
	uint32_t connection; /* IN/OUT: XENSTORE_CONNECTED/RECONNECT */
	uint32_t error; /* OUT: XENSTORE_ERROR_* */
	uint32_t evtchn_port; /* OUT: newest Xen only */
};

_Static_assert(__builtin_offsetof(struct xenstore_domain_interface, rsp) ==
		       1024,
	       "xenstore rsp offset");
_Static_assert(__builtin_offsetof(struct xenstore_domain_interface, req_cons) ==
		       2048,
	       "xenstore req_cons offset");
_Static_assert(__builtin_offsetof(struct xenstore_domain_interface, rsp_prod) ==
		       2060,
	       "xenstore rsp_prod offset");
_Static_assert(__builtin_offsetof(struct xenstore_domain_interface,
				  server_features) == 2064,
	       "xenstore server_features offset");
_Static_assert(__builtin_offsetof(struct xenstore_domain_interface,
				  connection) == 2068,
	       "xenstore connection offset");
_Static_assert(__builtin_offsetof(struct xenstore_domain_interface, error) ==
		       2072,
	       "xenstore error offset");
_Static_assert(sizeof(struct xenstore_domain_interface) == 2080,
	       "xenstore_domain_interface size");

/* server_features bits. */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR 2
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH 4
#define XENSTORE_SERVER_FEATURE_DOMID_ANY 8

/* connection values. */
#define XENSTORE_CONNECTED 0 /* a zeroed page is a valid, connected ring */
#define XENSTORE_RECONNECT 1 /* the domain asks for a reset */

/* error values. */
#define XENSTORE_ERROR_NONE 0
#define XENSTORE_ERROR_COMM 1 /* communication problem */
#define XENSTORE_ERROR_RINGIDX 2 /* invalid ring index */
#define XENSTORE_ERROR_PROTO 3 /* protocol violation (payload too long) */
