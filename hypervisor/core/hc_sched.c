/* SPDX-License-Identifier: MIT */
/*
 * sched_op: yield, block, poll, shutdown, shutdown_code, remote_shutdown,
 * watchdog.
 */
#include <public/sched.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/guest_access.h>
#include <sable/hypercall.h>
#include <sable/watchdog.h>

static long sched_shutdown_op(struct vcpu *v, uint64_t gva)
{
	struct sched_shutdown s;

	if (copy_from_guest(&s, gva, sizeof(s))) {
		return -EFAULT;
	}
	if (s.reason > SHUTDOWN_soft_reset) {
		return -EINVAL;
	}
	domain_shutdown(v->dom, s.reason);
	/* dom0 or the last domain never gets here: the machine stopped. */
	sched_pause_current();
	return 0;
}

/* Xen's limit on the ports one SCHEDOP_poll names. */
#define POLL_MAX_PORTS 128

/*
 * Xen system time (ns) as a counter value. Sable's system time is the
 * counter guests read (CNTVOFF_EL2 is 0) in nanoseconds.
 */
static uint64_t system_time_to_counter(uint64_t ns)
{
	uint64_t freq = arch_counter_freq();

	return ns / 1000000000ULL * freq +
	       ns % 1000000000ULL * freq / 1000000000ULL;
}

/*
 * Block until one of the ports is pending (at once if one is), or until
 * the timeout (absolute system time in ns, 0: none) passes. Like Xen,
 * masked ports count, and the call completes with 0 whenever the vCPU is
 * woken, by an event, an interrupt or the timeout; the guest checks its
 * ports again.
 */
static long sched_poll_op(struct vcpu *v, uint64_t gva)
{
	uint32_t ports[POLL_MAX_PORTS];
	struct sched_poll p;
	uint64_t until = 0;
	int rc;

	if (copy_from_guest(&p, gva, sizeof(p))) {
		return -EFAULT;
	}
	if (p.nr_ports > POLL_MAX_PORTS) {
		return -EINVAL;
	}
	if (p.nr_ports &&
	    copy_from_guest(ports, p.ports, p.nr_ports * sizeof(ports[0]))) {
		return -EFAULT;
	}
	rc = evtchn_poll_begin(&v->dom->evtchn, v->id, ports, p.nr_ports);
	if (rc) {
		return rc < 0 ? rc : 0;
	}
	if (p.timeout) {
		/* Counter 0 would mean no limit: tick 1 is as long past. */
		until = system_time_to_counter(p.timeout);
		until = until ? until : 1;
	}
	sched_block_current_until(until);
	return 0;
}

static long sched_remote_shutdown_op(struct vcpu *v, uint64_t gva)
{
	struct sched_remote_shutdown s;
	struct domain *d;

	if (copy_from_guest(&s, gva, sizeof(s))) {
		return -EFAULT;
	}
	if (!v->dom->privileged) {
		return -EPERM;
	}
	if (s.reason > SHUTDOWN_soft_reset) {
		return -EINVAL;
	}
	d = domain_lookup(s.domain_id);
	if (!d) {
		return -ESRCH;
	}
	domain_shutdown(d, s.reason);
	return 0;
}

long do_sched_op(struct vcpu *v, const uint64_t args[5])
{
	switch (args[0]) {
	case SCHEDOP_yield:
		/* As a trapped WFE: a preempted sibling first (directed). */
		sched_yield_directed();
		return 0;
	case SCHEDOP_block:
		sched_block_current_until(0);
		return 0;
	case SCHEDOP_poll:
		return sched_poll_op(v, args[1]);
	case SCHEDOP_shutdown:
		return sched_shutdown_op(v, args[1]);
	case SCHEDOP_shutdown_code: {
		struct sched_shutdown s;

		if (copy_from_guest(&s, args[1], sizeof(s))) {
			return -EFAULT;
		}
		v->dom->shutdown_code = (int)s.reason;
		return 0;
	}
	case SCHEDOP_remote_shutdown:
		return sched_remote_shutdown_op(v, args[1]);
	case SCHEDOP_watchdog: {
		struct sched_watchdog w;

		if (copy_from_guest(&w, args[1], sizeof(w))) {
			return -EFAULT;
		}
		return watchdog_op(v->dom, w.id, w.timeout);
	}
	default:
		return -ENOSYS;
	}
}
