/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_event_channel_op: copy the argument in once, dispatch
 * through a static table indexed after a range check (holes: -ENOSYS),
 * copy the whole argument back on success of commands with OUT fields.
 */
#include <sable/errno.h>
#include <sable/guest_access.h>

#include "evtchn_internal.h"

union evtchn_op_arg {
	struct evtchn_alloc_unbound alloc_unbound;
	struct evtchn_bind_interdomain bind_interdomain;
	struct evtchn_bind_virq bind_virq;
	struct evtchn_bind_ipi bind_ipi;
	struct evtchn_close close;
	struct evtchn_send send;
	struct evtchn_status status;
	struct evtchn_bind_vcpu bind_vcpu;
	struct evtchn_unmask unmask;
	struct evtchn_reset reset;
	struct evtchn_init_control init_control;
	struct evtchn_expand_array expand_array;
	struct evtchn_set_priority set_priority;
};

typedef int (*evtchn_op_fn)(struct evtchn_domain *d, union evtchn_op_arg *a);

struct evtchn_op_desc {
	evtchn_op_fn fn;
	uint8_t size; /* bytes of guest argument */
	bool copy_back; /* has OUT fields */
};

static int evtchn_op_bind_interdomain(struct evtchn_domain *d,
				      union evtchn_op_arg *a)
{
	return evtchn_do_bind_interdomain(d, &a->bind_interdomain);
}

static int evtchn_op_bind_virq(struct evtchn_domain *d, union evtchn_op_arg *a)
{
	return evtchn_do_bind_virq(d, &a->bind_virq);
}

static int evtchn_op_close(struct evtchn_domain *d, union evtchn_op_arg *a)
{
	return evtchn_do_close(d, a->close.port);
}

static int evtchn_op_send(struct evtchn_domain *d, union evtchn_op_arg *a)
{
	return evtchn_send(d, a->send.port);
}

static int evtchn_op_status(struct evtchn_domain *d, union evtchn_op_arg *a)
{
	return evtchn_do_status(d, &a->status);
}

static int evtchn_op_alloc_unbound(struct evtchn_domain *d,
				   union evtchn_op_arg *a)
{
	return evtchn_do_alloc_unbound(d, &a->alloc_unbound);
}

static int evtchn_op_bind_ipi(struct evtchn_domain *d, union evtchn_op_arg *a)
{
	return evtchn_do_bind_ipi(d, &a->bind_ipi);
}

static int evtchn_op_bind_vcpu(struct evtchn_domain *d, union evtchn_op_arg *a)
{
	return evtchn_do_bind_vcpu(d, &a->bind_vcpu);
}

static int evtchn_op_unmask(struct evtchn_domain *d, union evtchn_op_arg *a)
{
	return evtchn_do_unmask(d, a->unmask.port);
}

static int evtchn_op_reset(struct evtchn_domain *d, union evtchn_op_arg *a)
{
	return evtchn_do_reset(d, a->reset.dom);
}

static int evtchn_op_init_control(struct evtchn_domain *d,
				  union evtchn_op_arg *a)
{
	return evtchn_fifo_init_control(d, &a->init_control);
}

static int evtchn_op_expand_array(struct evtchn_domain *d,
				  union evtchn_op_arg *a)
{
	return evtchn_fifo_expand_array(d, &a->expand_array);
}

static int evtchn_op_set_priority(struct evtchn_domain *d,
				  union evtchn_op_arg *a)
{
	return evtchn_do_set_priority(d, &a->set_priority);
}

#define EVTCHN_OP(name, out)                                        \
	[EVTCHNOP_##name] = { .fn = evtchn_op_##name,               \
			      .size = sizeof(struct evtchn_##name), \
			      .copy_back = (out) }

/* EVTCHNOP_bind_pirq (2) is a hole: no physical IRQs on arm. */
static const struct evtchn_op_desc evtchn_op_table[] = {
	EVTCHN_OP(bind_interdomain, true), EVTCHN_OP(bind_virq, true),
	EVTCHN_OP(close, false),	   EVTCHN_OP(send, false),
	EVTCHN_OP(status, true),	   EVTCHN_OP(alloc_unbound, true),
	EVTCHN_OP(bind_ipi, true),	   EVTCHN_OP(bind_vcpu, false),
	EVTCHN_OP(unmask, false),	   EVTCHN_OP(reset, false),
	EVTCHN_OP(init_control, true),	   EVTCHN_OP(expand_array, false),
	EVTCHN_OP(set_priority, false),
};

long evtchn_hypercall(struct evtchn_domain *caller, unsigned int vcpu,
		      unsigned int cmd, uint64_t arg_gva)
{
	const struct evtchn_op_desc *op;
	union evtchn_op_arg arg;
	int rc;

	(void)vcpu; /* every command names its vCPUs explicitly */
	if (cmd >= ARRAY_SIZE(evtchn_op_table) || !evtchn_op_table[cmd].fn) {
		return -ENOSYS;
	}
	op = &evtchn_op_table[cmd];
	__builtin_memset(&arg, 0, sizeof(arg));
	if (copy_from_guest(&arg, arg_gva, op->size)) {
		return -EFAULT;
	}
	rc = op->fn(caller, &arg);
	if (!rc && op->copy_back && copy_to_guest(arg_gva, &arg, op->size)) {
		rc = -EFAULT;
	}
	return rc;
}
