/* SPDX-License-Identifier: MIT */
/*
 * console_io: write copies guest bytes to the hypervisor console (dom0
 * raw, other domains filtered, rate-limited and line-prefixed with
 * "(dN) ", console.c); read returns bytes typed on the hypervisor console
 * (dom0 only).
 */
#include <public/xen.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/guest_access.h>
#include <sable/hypercall.h>
#include <sable/lib.h>

#include "console.h"

#define CONSOLE_CHUNK 128

/*
 * Write @count bytes at @gva, CONSOLE_CHUNK at a time. A long write runs
 * in pieces (hypercall_continue() with the rest of the buffer), so its
 * length is not limited; the guest sees one call that returns 0, or
 * -EFAULT when a byte cannot be read (the bytes before it are written).
 */
static long console_write(struct vcpu *v, const uint64_t args[5])
{
	uint64_t count = args[1], gva = args[2];
	struct hypercall_budget b;
	char buf[CONSOLE_CHUNK];

	hypercall_budget_start(&b);
	for (uint64_t done = 0; done < count;) {
		size_t n = (size_t)MIN(count - done, (uint64_t)sizeof(buf));

		if (done && hypercall_preempt_check(&b)) {
			const uint64_t rest[5] = { args[0], count - done,
						   gva + done, args[3],
						   args[4] };

			return hypercall_continue(v, rest);
		}
		if (copy_from_guest(buf, gva + done, n)) {
			return -EFAULT;
		}
		console_guest_output(v->dom, buf, n);
		done += n;
	}
	return 0;
}

static long console_read(struct vcpu *v, uint64_t count, uint64_t gva)
{
	char buf[CONSOLE_CHUNK];
	size_t n;

	if (!v->dom->privileged) {
		return -EPERM;
	}
	n = console_input_read(buf, (size_t)MIN(count, (uint64_t)sizeof(buf)));
	if (n && copy_to_guest(gva, buf, n)) {
		return -EFAULT;
	}
	return (long)n;
}

long do_console_io(struct vcpu *v, const uint64_t args[5])
{
	switch (args[0]) {
	case CONSOLEIO_write:
		return console_write(v, args);
	case CONSOLEIO_read:
		return console_read(v, args[1], args[2]);
	default:
		return -ENOSYS;
	}
}
