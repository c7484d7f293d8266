/* SPDX-License-Identifier: MIT */
/*
 * The PV console ring (Xen's public/io/console.h, struct
 * xencons_interface): one page shared with a domain, output from the
 * guest in out[], input to it in in[], free-running 32-bit indices masked
 * on use. Everything in the page is written by the guest too, so every
 * index read from it is checked before use and data is copied out once.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct cons_intf {
	char in[1024]; /* IN to the guest: we produce, it consumes */
	char out[2048]; /* OUT from the guest: it produces, we consume */
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
};
_Static_assert(sizeof(struct cons_intf) == 3088, "xencons_interface size");
_Static_assert(offsetof(struct cons_intf, out) == 1024, "out offset");
_Static_assert(offsetof(struct cons_intf, in_cons) == 3072, "in_cons offset");
_Static_assert(offsetof(struct cons_intf, out_prod) == 3084, "out_prod offset");

#define CONS_IN_SIZE ((uint32_t)sizeof(((struct cons_intf *)0)->in))
#define CONS_OUT_SIZE ((uint32_t)sizeof(((struct cons_intf *)0)->out))

/*
 * Copy at most @max bytes of the guest's output into @buf and hand the
 * slots back. Returns the number of bytes copied, or -EPROTO when the
 * indices claim more than the ring holds (a broken or hostile guest:
 * nothing is read and nothing changes).
 */
int cons_ring_take_out(struct cons_intf *r, char *buf, size_t max);

/* Output left to read: 0 when empty, -EPROTO for bad indices. */
int cons_ring_out_pending(const struct cons_intf *r);

/*
 * Copy at most @len bytes of @buf into the guest's input ring, as many
 * as fit. Returns the number of bytes written (0: full), or -EPROTO for
 * bad indices.
 */
int cons_ring_put_in(struct cons_intf *r, const char *buf, size_t len);

/* Free room in the input ring, or -EPROTO for bad indices. */
int cons_ring_in_space(const struct cons_intf *r);
