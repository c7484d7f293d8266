/* SPDX-License-Identifier: MIT */
/*
 * The console ring protocol, backend side (see cons_ring.h). Barriers
 * follow Xen's ring discipline: read the producer index, then the data
 * (acquire); finish reading before handing slots back (full barrier);
 * write the data before publishing the producer index (release).
 */
#include <errno.h>
#include <string.h>

#include "cons_ring.h"

static uint32_t cons_load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void cons_store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

int cons_ring_out_pending(const struct cons_intf *r)
{
	uint32_t cons = cons_load(&r->out_cons);
	uint32_t prod = cons_load(&r->out_prod);

	if (prod - cons > CONS_OUT_SIZE) {
		return -EPROTO;
	}
	return (int)(prod - cons);
}

/* Copy @n bytes from @ring (a power-of-two size) starting at index @idx. */
static void cons_copy_from(char *dst, const char *ring, uint32_t size,
			   uint32_t idx, uint32_t n)
{
	uint32_t off = idx & (size - 1);
	uint32_t first = n < size - off ? n : size - off;

	memcpy(dst, ring + off, first);
	memcpy(dst + first, ring, n - first);
}

static void cons_copy_to(char *ring, uint32_t size, uint32_t idx,
			 const char *src, uint32_t n)
{
	uint32_t off = idx & (size - 1);
	uint32_t first = n < size - off ? n : size - off;

	memcpy(ring + off, src, first);
	memcpy(ring, src + first, n - first);
}

int cons_ring_take_out(struct cons_intf *r, char *buf, size_t max)
{
	uint32_t cons = cons_load(&r->out_cons);
	uint32_t prod = cons_load(&r->out_prod);
	uint32_t n = prod - cons;

	if (n > CONS_OUT_SIZE) {
		return -EPROTO;
	}
	if (n > max) {
		n = (uint32_t)max;
	}
	if (n == 0) {
		return 0;
	}
	cons_copy_from(buf, r->out, CONS_OUT_SIZE, cons, n);
	/* The copy is complete before the guest may reuse the slots. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	cons_store(&r->out_cons, cons + n);
	return (int)n;
}

int cons_ring_in_space(const struct cons_intf *r)
{
	uint32_t cons = cons_load(&r->in_cons);
	uint32_t prod = cons_load(&r->in_prod);

	if (prod - cons > CONS_IN_SIZE) {
		return -EPROTO;
	}
	return (int)(CONS_IN_SIZE - (prod - cons));
}

int cons_ring_put_in(struct cons_intf *r, const char *buf, size_t len)
{
	uint32_t cons = cons_load(&r->in_cons);
	uint32_t prod = cons_load(&r->in_prod);
	uint32_t used = prod - cons, n;

	if (used > CONS_IN_SIZE) {
		return -EPROTO;
	}
	n = CONS_IN_SIZE - used;
	if (n > len) {
		n = (uint32_t)len;
	}
	if (n == 0) {
		return 0;
	}
	cons_copy_to(r->in, CONS_IN_SIZE, prod, buf, n);
	/* The data is visible before the index that publishes it. */
	cons_store(&r->in_prod, prod + n);
	return (int)n;
}
