// SPDX-License-Identifier: MIT
/*
 * HYPERVISOR_grant_table_op: the dispatch table, the batch loop that copies
 * each operation in and its OUT fields back, and the table-wide operations
 * (query_size, setup_table, versions, swap, status frames, transfer).
 */
#include <sable/errno.h>
#include <sable/guest_access.h>

#include "gnttab_env.h"
#include "gnttab_internal.h"

/*
 * Resolve @dom for @caller. With @any, DOMID_SELF and the caller's own id
 * mean the caller (Xen's rcu_lock_domain_by_any_id); otherwise reserved ids
 * fail. Returns NULL if there is no such live domain.
 */
struct gnttab_domain *gnttab_lookup(struct gnttab_domain *caller, domid_t dom,
				    bool any)
{
	if (dom == caller->domid || (any && dom == DOMID_SELF)) {
		return caller;
	}
	if (dom >= DOMID_FIRST_RESERVED) {
		return NULL;
	}
	return gnttab_env_domain_get(dom);
}

void gnttab_lookup_put(struct gnttab_domain *caller, struct gnttab_domain *d)
{
	if (d && d != caller) {
		gnttab_env_domain_put(d);
	}
}

/* Look up @dom for a table-wide op: the caller, or any domain if privileged. */
static int16_t lookup_target(struct gnttab_domain *caller, domid_t dom,
			     struct gnttab_domain **out)
{
	*out = gnttab_lookup(caller, dom, true);
	if (!*out) {
		return GNTST_bad_domain;
	}
	if (*out != caller && !caller->privileged) {
		gnttab_lookup_put(caller, *out);
		*out = NULL;
		return GNTST_permission_denied;
	}
	return GNTST_okay;
}

static void table_sizes(struct gnttab_table *t, uint32_t *nr, uint32_t *max)
{
	spin_lock(&t->lock);
	*nr = t->nr_frames;
	*max = t->max_frames;
	spin_unlock(&t->lock);
}

/* ---- one operation of a batch; the status goes into the op ------------ */

static int op_map(struct gnttab_domain *caller, void *op)
{
	gnttab_map_one(caller, op);
	return 0;
}

static int op_unmap(struct gnttab_domain *caller, void *op)
{
	gnttab_unmap_one(caller, op);
	return 0;
}

static int op_copy(struct gnttab_domain *caller, void *op)
{
	gnttab_copy_one(caller, op);
	return 0;
}

static int op_cache_flush(struct gnttab_domain *caller, void *op)
{
	return gnttab_cache_flush_one(caller, op);
}

static int op_swap(struct gnttab_domain *caller, void *op)
{
	struct gnttab_swap_grant_ref *s = op;

	s->status = gnttab_swap(caller->table, s->ref_a, s->ref_b);
	return 0;
}

/* Arm cannot steal a page from a translated guest: Xen fails every one. */
static int op_transfer(struct gnttab_domain *caller UNUSED, void *op)
{
	((struct gnttab_transfer *)op)->status = GNTST_general_error;
	return 0;
}

/* ---- single-structure operations -------------------------------------- */

static long op_query_size(struct gnttab_domain *caller, uint64_t arg,
			  unsigned int count)
{
	struct gnttab_query_size q;
	struct gnttab_domain *d;

	if (count != 1) {
		return -EINVAL;
	}
	if (copy_from_guest(&q, arg, sizeof(q))) {
		return -EFAULT;
	}
	q.status = lookup_target(caller, q.dom, &d);
	if (q.status == GNTST_okay) {
		table_sizes(d->table, &q.nr_frames, &q.max_nr_frames);
		gnttab_lookup_put(caller, d);
	}
	return copy_to_guest(arg, &q, sizeof(q)) ? -EFAULT : 0;
}

/* Write the gfns of @nr frames; status bad_virt_addr if the list faults. */
static int16_t put_frame_list(struct gnttab_table *t, uint64_t list,
			      uint32_t nr)
{
	uint64_t gfn;
	uint32_t i;

	for (i = 0; i < nr; i++) {
		spin_lock(&t->lock);
		gfn = t->frame_gfn[i];
		spin_unlock(&t->lock);
		if (copy_to_guest(list + (uint64_t)i * sizeof(gfn), &gfn,
				  sizeof(gfn))) {
			return GNTST_bad_virt_addr;
		}
	}
	return GNTST_okay;
}

/*
 * Auto-translated guests (all of arm): grow the table to nr_frames and
 * report the gfn at which each frame is mapped (all ones if not yet).
 */
static long op_setup_table(struct gnttab_domain *caller, uint64_t arg,
			   unsigned int count)
{
	struct gnttab_setup_table s;
	struct gnttab_domain *d;

	if (count != 1) {
		return -EINVAL;
	}
	if (copy_from_guest(&s, arg, sizeof(s))) {
		return -EFAULT;
	}
	s.status = lookup_target(caller, s.dom, &d);
	if (s.status == GNTST_okay) {
		if (s.nr_frames > d->table->max_frames ||
		    gnttab_grow(d->table, s.nr_frames)) {
			s.status = GNTST_general_error;
		} else {
			s.status = put_frame_list(d->table, s.frame_list,
						  s.nr_frames);
		}
		gnttab_lookup_put(caller, d);
	}
	return copy_to_guest(arg + __builtin_offsetof(typeof(s), status),
			     &s.status, sizeof(s.status))
		       ? -EFAULT
		       : 0;
}

/* Version 2 is disabled on arm (Xen's max_grant_version 1). */
static long op_set_version(struct gnttab_domain *caller UNUSED, uint64_t arg,
			   unsigned int count UNUSED)
{
	struct gnttab_set_version v;
	long rc = 0;

	if (copy_from_guest(&v, arg, sizeof(v))) {
		return -EFAULT;
	}
	if (v.version != 1 && v.version != 2) {
		rc = -EINVAL;
	} else if (v.version == 2) {
		rc = -ENOSYS;
	}
	v.version = 1;
	return copy_to_guest(arg, &v, sizeof(v)) ? -EFAULT : rc;
}

static long op_get_version(struct gnttab_domain *caller, uint64_t arg,
			   unsigned int count UNUSED)
{
	struct gnttab_get_version v;
	struct gnttab_domain *d;
	int16_t st;

	if (copy_from_guest(&v, arg, sizeof(v))) {
		return -EFAULT;
	}
	st = lookup_target(caller, v.dom, &d);
	if (st == GNTST_bad_domain) {
		return -ESRCH;
	}
	if (st != GNTST_okay) {
		return -EPERM;
	}
	gnttab_lookup_put(caller, d);
	v.version = 1;
	return copy_to_guest(arg + __builtin_offsetof(typeof(v), version),
			     &v.version, sizeof(v.version))
		       ? -EFAULT
		       : 0;
}

/* Status frames exist only in version 2: a v1 table has none to give. */
static long op_get_status_frames(struct gnttab_domain *caller, uint64_t arg,
				 unsigned int count)
{
	struct gnttab_get_status_frames g;
	struct gnttab_domain *d;

	if (count != 1) {
		return -EINVAL;
	}
	if (copy_from_guest(&g, arg, sizeof(g))) {
		return -EFAULT;
	}
	g.status = lookup_target(caller, g.dom, &d);
	if (g.status == GNTST_okay) {
		g.status = g.nr_frames ? GNTST_general_error : GNTST_okay;
		gnttab_lookup_put(caller, d);
	}
	return copy_to_guest(arg + __builtin_offsetof(typeof(g), status),
			     &g.status, sizeof(g.status))
		       ? -EFAULT
		       : 0;
}

/* ---- dispatch ---------------------------------------------------------- */

struct gnttab_op_desc {
	/* Batched: size of one op, OUT range copied back after each. */
	int (*one)(struct gnttab_domain *caller, void *op);
	uint32_t size;
	uint32_t out_off;
	uint32_t out_len;
	/* Whole-call operations. */
	long (*whole)(struct gnttab_domain *caller, uint64_t arg,
		      unsigned int count);
};

#define OUT_FROM(type, field)                              \
	.size = sizeof(struct type),                       \
	.out_off = __builtin_offsetof(struct type, field), \
	.out_len =                                         \
		sizeof(struct type) - __builtin_offsetof(struct type, field)

#define OUT_FIELD(type, field)                             \
	.size = sizeof(struct type),                       \
	.out_off = __builtin_offsetof(struct type, field), \
	.out_len = sizeof(((struct type *)0)->field)

static const struct gnttab_op_desc gnttab_ops[] = {
	[GNTTABOP_map_grant_ref] = { .one = op_map,
				     OUT_FROM(gnttab_map_grant_ref, status) },
	[GNTTABOP_unmap_grant_ref] = { .one = op_unmap,
				       OUT_FIELD(gnttab_unmap_grant_ref,
						 status) },
	[GNTTABOP_setup_table] = { .whole = op_setup_table },
	[GNTTABOP_transfer] = { .one = op_transfer,
				OUT_FIELD(gnttab_transfer, status) },
	[GNTTABOP_copy] = { .one = op_copy, OUT_FIELD(gnttab_copy, status) },
	[GNTTABOP_query_size] = { .whole = op_query_size },
	[GNTTABOP_set_version] = { .whole = op_set_version },
	[GNTTABOP_get_status_frames] = { .whole = op_get_status_frames },
	[GNTTABOP_get_version] = { .whole = op_get_version },
	[GNTTABOP_swap_grant_ref] = { .one = op_swap,
				      OUT_FIELD(gnttab_swap_grant_ref,
						status) },
	[GNTTABOP_cache_flush] = { .one = op_cache_flush,
				   .size = sizeof(struct gnttab_cache_flush) },
};

union gnttab_any_op {
	struct gnttab_map_grant_ref map;
	struct gnttab_unmap_grant_ref unmap;
	struct gnttab_transfer transfer;
	struct gnttab_copy copy;
	struct gnttab_swap_grant_ref swap;
	struct gnttab_cache_flush flush;
};

static long run_batch(struct gnttab_domain *caller,
		      const struct gnttab_op_desc *desc, uint64_t arg,
		      unsigned int count, struct gnttab_progress *progress)
{
	union gnttab_any_op buf;
	uint8_t *raw = (uint8_t *)&buf;
	unsigned int i;
	uint64_t at;
	int rc;

	for (i = 0; i < count; i++) {
		at = arg + (uint64_t)i * desc->size;
		if (i && progress && progress->preempt &&
		    progress->preempt(progress->ctx)) {
			progress->next_arg = at;
			progress->left = count - i;
			return GNTTAB_PREEMPTED;
		}
		if (copy_from_guest(&buf, at, desc->size)) {
			return -EFAULT;
		}
		rc = desc->one(caller, &buf);
		if (rc < 0) {
			return rc;
		}
		if (desc->out_len &&
		    copy_to_guest(at + desc->out_off, raw + desc->out_off,
				  desc->out_len)) {
			return -EFAULT;
		}
	}
	return 0;
}

long gnttab_hypercall_preemptible(struct gnttab_domain *caller,
				  unsigned int cmd, uint64_t arg_gva,
				  unsigned int count,
				  struct gnttab_progress *progress)
{
	unsigned int opaque = cmd & ~GNTTABOP_CMD_MASK;
	const struct gnttab_op_desc *desc;

	if ((int)count < 0) {
		return -EINVAL;
	}
	cmd &= GNTTABOP_CMD_MASK;
	/*
	 * Only cache_flush carries a continuation argument (progress inside
	 * one op); each of Sable's flushes is at most a page, done at once,
	 * so it is ignored there. Batches continue through count and arg.
	 */
	if (opaque && cmd != GNTTABOP_cache_flush) {
		return -EINVAL;
	}
	if (cmd >= ARRAY_SIZE(gnttab_ops) || !caller->table) {
		return -ENOSYS;
	}
	desc = &gnttab_ops[cmd];
	if (desc->whole) {
		return desc->whole(caller, arg_gva, count);
	}
	if (desc->one) {
		return run_batch(caller, desc, arg_gva, count, progress);
	}
	return -ENOSYS;
}

long gnttab_hypercall(struct gnttab_domain *caller, unsigned int cmd,
		      uint64_t arg_gva, unsigned int count)
{
	return gnttab_hypercall_preemptible(caller, cmd, arg_gva, count, NULL);
}
