// SPDX-License-Identifier: MIT
/*
 * GNTTABOP_copy and GNTTABOP_cache_flush: the hypervisor touches guest frames
 * on a domain's behalf. Copy sides are either a grant (pinned for the
 * duration, exactly like a mapping, so the granter cannot end access
 * meanwhile) or a frame of the caller itself.
 */
#include <sable/errno.h>

#include "gnttab_env.h"
#include "gnttab_internal.h"

struct copy_side {
	struct gnttab_domain *dom; /* looked up domain, or NULL */
	bool gref;
	bool readonly;
	bool held; /* pin or page reference taken */
	grant_ref_t ref;
	mfn_t mfn;
};

/* Acquire one side of a copy. Returns GNTST_*; on error nothing is held. */
static int16_t side_claim(struct gnttab_domain *ld,
			  const struct gnttab_copy_ptr *p, struct copy_side *s)
{
	int16_t st;

	if (!s->gref && p->domid != DOMID_SELF && p->domid != ld->domid) {
		/* Only the local domain may name a frame directly (Xen). */
		return GNTST_permission_denied;
	}
	s->dom = gnttab_lookup(ld, p->domid, true);
	if (!s->dom) {
		return GNTST_bad_domain;
	}
	if (s->gref) {
		s->ref = p->u.ref;
		st = gnttab_pin(s->dom, s->ref, ld->domid, s->readonly, false,
				&s->mfn);
	} else if (gnttab_env_get_page(s->dom, gfn_init(p->u.gmfn),
				       !s->readonly, &s->mfn)) {
		st = GNTST_bad_page;
	} else {
		st = GNTST_okay;
	}
	if (st != GNTST_okay) {
		gnttab_lookup_put(ld, s->dom);
		s->dom = NULL;
		return st;
	}
	s->held = true;
	return GNTST_okay;
}

static void side_release(struct gnttab_domain *ld, struct copy_side *s)
{
	if (!s->held) {
		return;
	}
	if (s->gref) {
		gnttab_unpin(s->dom->table, s->ref, s->readonly);
	} else {
		gnttab_env_put_page(s->mfn);
	}
	gnttab_lookup_put(ld, s->dom);
	s->held = false;
}

/* Copy @len bytes; source and destination may be the same frame. */
static void copy_bytes(uint8_t *dst, const uint8_t *src, unsigned int len)
{
	unsigned int i;

	if (dst + len <= src || src + len <= dst) {
		__builtin_memcpy(dst, src, len);
	} else if (dst < src) {
		for (i = 0; i < len; i++) {
			dst[i] = src[i];
		}
	} else {
		for (i = len; i-- > 0;) {
			dst[i] = src[i];
		}
	}
}

void gnttab_copy_one(struct gnttab_domain *ld, struct gnttab_copy *op)
{
	struct copy_side src = { .gref = (op->flags & GNTCOPY_source_gref) != 0,
				 .readonly = true };
	struct copy_side dst = { .gref = (op->flags & GNTCOPY_dest_gref) != 0,
				 .readonly = false };
	uint8_t *vs, *vd;

	/* Decode: neither side may cross its 4 KiB page. */
	if ((unsigned int)op->source.offset + op->len > PAGE_SIZE ||
	    (unsigned int)op->dest.offset + op->len > PAGE_SIZE) {
		op->status = GNTST_bad_copy_arg;
		return;
	}
	op->status = side_claim(ld, &op->source, &src);
	if (op->status != GNTST_okay) {
		return;
	}
	op->status = side_claim(ld, &op->dest, &dst);
	if (op->status != GNTST_okay) {
		side_release(ld, &src);
		return;
	}
	vs = gnttab_env_map_frame(src.mfn);
	vd = gnttab_env_map_frame(dst.mfn);
	copy_bytes(vd + op->dest.offset, vs + op->source.offset, op->len);
	gnttab_env_unmap_frame(vd);
	gnttab_env_unmap_frame(vs);
	side_release(ld, &dst);
	side_release(ld, &src);
}

/*
 * One cache maintenance request (Xen's cache_flush): the frame must belong
 * to the caller or be mapped by it through a grant. Returns 0 or a negative
 * errno that ends the whole call.
 */
int gnttab_cache_flush_one(struct gnttab_domain *ld,
			   const struct gnttab_cache_flush *op)
{
	mfn_t mfn = pa_to_mfn(pa_init(op->a.dev_bus_addr));
	unsigned int ops = GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL;
	int rc;

	if (op->offset >= PAGE_SIZE || op->length > PAGE_SIZE ||
	    (unsigned int)op->offset + op->length > PAGE_SIZE ||
	    (op->op & ~ops)) {
		return -EINVAL;
	}
	if (op->length == 0 || op->op == 0) {
		return 0;
	}
	if (gnttab_env_get_owned_page(ld, mfn) == 0) {
		rc = gnttab_env_cache_flush(mfn, op->offset, op->length,
					    op->op);
		gnttab_env_put_page(mfn);
		return rc;
	}
	return gnttab_maptrack_flush(ld, mfn, op->offset, op->length, op->op);
}
