/* SPDX-License-Identifier: MIT */
/*
 * ctl-test: the control interface from dom0 userspace through libsable
 * and privcmd. Builds a domain at run time from an embedded test guest
 * (guests/hello) and waits for it to power off, then loads a 3 MiB ramdisk
 * into a second domain (calls that continue in pieces), and checks the
 * error answers and the console history on the way. One line per check,
 * "ctl-test: ok <what>" or "ctl-test: FAIL <what>: <why>"; the exit
 * status is the number of failures.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libsable.h"

extern const char ctl_guest_image[], ctl_guest_image_end[];

static int failures;

static void report(int ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("ctl-test: ok   %s\n", what);
		return;
	}
	failures++;
	printf("ctl-test: FAIL %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* A call that must fail with @err. */
static void refused(int rc, int err, const char *what)
{
	report(rc == -1 && errno == err, what, "rc %d errno %d (%s)", rc, errno,
	       strerror(errno));
}

static struct sable_ctl_create config(const char *name, uint64_t kernel_size)
{
	struct sable_ctl_create c;

	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "%s", name);
	c.nr_vcpus = 1;
	c.mem_kib = 32 << 10;
	c.kernel_size = kernel_size;
	c.flags = SABLE_CREATE_console | SABLE_CREATE_xenstore;
	return c;
}

static void check_errors(struct sable_handle *h, uint64_t ksize)
{
	struct sable_ctl_physinfo pi;
	struct sable_ctl_create c;

	report(sable_physinfo(h, &pi) == 0 && pi.xen_major == 4 &&
		       pi.xen_minor == 17 && pi.nr_cpus >= 1 && pi.free_kib,
	       "physinfo", "errno %d", errno);
	printf("ctl-test: %u pCPUs, %llu MiB free of %llu, counter %llu kHz\n",
	       pi.nr_cpus, (unsigned long long)(pi.free_kib >> 10),
	       (unsigned long long)(pi.total_kib >> 10),
	       (unsigned long long)pi.cpu_khz);
	c = config("", ksize);
	refused(sable_domain_create(h, &c), EINVAL, "create: empty name");
	c = config("Domain-0", ksize);
	refused(sable_domain_create(h, &c), EBUSY, "create: name in use");
	c = config("novcpu", ksize);
	c.nr_vcpus = 0;
	refused(sable_domain_create(h, &c), EINVAL, "create: no vCPU");
	c = config("huge", ksize);
	c.mem_kib = pi.free_kib + (64 << 10);
	refused(sable_domain_create(h, &c), ENOMEM, "create: above free");
	refused(sable_domain_pause(h, 0), EPERM, "pause: dom0");
	refused(sable_domain_unpause(h, 60), ESRCH, "unpause: no domain");
}

static int wait_shutdown(struct sable_handle *h, uint32_t domid,
			 struct sable_ctl_domain_info *info)
{
	for (int i = 0; i < 200; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (sable_domain_info(h, domid, info) == 0 &&
		    info->domid == domid &&
		    (info->flags & SABLE_DOMINF_shutdown)) {
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* The history holds the guest's line, behind its "(dN) " prefix. */
static void check_history(struct sable_handle *h, uint32_t domid)
{
	static char buf[64 * 1024 + 1];
	char want[64];
	uint64_t index = 0;
	long n = sable_console_read(h, buf, sizeof(buf) - 1, &index, 0);

	if (n >= 0) {
		buf[n] = '\0';
	}
	snprintf(want, sizeof(want), "(d%u) hello: bare-metal guest up", domid);
	report(n > 0 && strstr(buf, want) != NULL,
	       "console history has the guest's output", "n %ld", n);
}

static uint32_t run_guest(struct sable_handle *h)
{
	uint64_t ksize = (uint64_t)(ctl_guest_image_end - ctl_guest_image);
	static const char cmdline[] = "ctl-test";
	struct sable_ctl_create c = config("rt-hello", ksize);
	struct sable_ctl_domain_info info;
	struct sable_ctl_build b;

	report(sable_domain_create(h, &c) == 0, "create rt-hello", "errno %d",
	       errno);
	printf("ctl-test: rt-hello is domain %u\n", c.domid);
	refused(sable_domain_load(h, c.domid, SABLE_LOAD_ramdisk,
				  ctl_guest_image, 64),
		EINVAL, "load: ramdisk before the kernel");
	report(sable_domain_load(h, c.domid, SABLE_LOAD_kernel, ctl_guest_image,
				 ksize) == 0,
	       "load kernel", "errno %d", errno);
	report(sable_domain_load(h, c.domid, SABLE_LOAD_cmdline, cmdline,
				 sizeof(cmdline) - 1) == 0,
	       "load command line", "errno %d", errno);
	report(sable_domain_info(h, c.domid, &info) == 0 &&
		       (info.flags & SABLE_DOMINF_paused) &&
		       !(info.flags & SABLE_DOMINF_built),
	       "created paused, not built", "flags 0x%x", info.flags);
	report(sable_domain_build(h, c.domid, &b) == 0 && b.store_port &&
		       b.console_port && b.console_gfn == 0x39000 &&
		       b.store_gfn == 0x39001,
	       "build", "errno %d", errno);
	printf("ctl-test: console page 0x%llx port %u, xenstore page 0x%llx "
	       "port %u\n",
	       (unsigned long long)b.console_gfn, b.console_port,
	       (unsigned long long)b.store_gfn, b.store_port);
	refused(sable_domain_load(h, c.domid, SABLE_LOAD_kernel,
				  ctl_guest_image, ksize),
		EBUSY, "load after build");
	report(sable_domain_unpause(h, c.domid) == 0, "unpause starts it",
	       "errno %d", errno);
	report(wait_shutdown(h, c.domid, &info) == 0 &&
		       info.shutdown_reason == 0,
	       "guest ran and powered off", "flags 0x%x reason %u", info.flags,
	       info.shutdown_reason);
	return c.domid;
}

/* A 3 MiB ramdisk: three 1 MiB loads, each continued in pieces. */
static void big_load(struct sable_handle *h)
{
	uint64_t ksize = (uint64_t)(ctl_guest_image_end - ctl_guest_image);
	struct sable_ctl_create c = config("rt-big", ksize);
	size_t size = 3u << 20;
	char *rd = malloc(size);

	if (!rd) {
		report(0, "ramdisk buffer", "out of memory");
		return;
	}
	for (size_t i = 0; i < size; i++) {
		rd[i] = (char)(i * 7);
	}
	c.ramdisk_size = size;
	report(sable_domain_create(h, &c) == 0, "create rt-big", "errno %d",
	       errno);
	report(sable_domain_load(h, c.domid, SABLE_LOAD_kernel, ctl_guest_image,
				 ksize) == 0 &&
		       sable_domain_load(h, c.domid, SABLE_LOAD_ramdisk, rd,
					 size) == 0,
	       "load a 3 MiB ramdisk", "errno %d", errno);
	report(sable_domain_build(h, c.domid, NULL) == 0, "build rt-big",
	       "errno %d", errno);
	free(rd);
}

int main(void)
{
	const char *why = "";
	struct sable_handle *h = sable_open(&why);
	uint64_t ksize = (uint64_t)(ctl_guest_image_end - ctl_guest_image);
	uint32_t id;

	if (!h) {
		printf("ctl-test: FAIL open: %s\n", why);
		return 1;
	}
	check_errors(h, ksize);
	id = run_guest(h);
	check_history(h, id);
	big_load(h);
	sable_close(h);
	printf("ctl-test: %s (%d failed)\n", failures ? "FAIL" : "PASS",
	       failures);
	return failures;
}
