/* SPDX-License-Identifier: MIT */
/*
 * QEMU's command line for a system: the machine (virt with EL2 and a
 * GICv3, as `make run` and the system tests boot it), the hypervisor image
 * with the generated device tree, and every image loaded raw at its
 * module address by QEMU's generic loader.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sysgen.h"

struct argv_out {
	char **argv;
	unsigned int n, max;
	char *store;
	size_t used, size;
	int rc;
};

__attribute__((format(printf, 2, 3))) static void add(struct argv_out *a,
						      const char *fmt, ...)
{
	va_list ap;
	int len;

	if (a->rc) {
		return;
	}
	va_start(ap, fmt);
	len = vsnprintf(a->store + a->used, a->size - a->used, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= a->size - a->used || a->n == a->max) {
		a->rc = -ENOSPC;
		return;
	}
	a->argv[a->n++] = a->store + a->used;
	a->used += (size_t)len + 1;
}

/* QEMU's option syntax doubles a comma inside a value. */
static void escape(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; *in && n + 2 < size; in++) {
		out[n++] = *in;
		if (*in == ',') {
			out[n++] = ',';
		}
	}
	out[n] = '\0';
}

static void loader(struct argv_out *a, const struct sysgen_module *m)
{
	char path[2 * SYSGEN_PATH_MAX];

	if (!m->size) {
		return;
	}
	escape(m->path, path, sizeof(path));
	add(a, "-device");
	add(a, "loader,file=%s,addr=0x%llx,force-raw=on", path,
	    (unsigned long long)m->addr);
}

int sysgen_qemu_argv(const struct sysgen_system *sys, const char *dumpdtb,
		     const char *hv, const char *dtb, char **argv,
		     unsigned int max, char *store, size_t store_size)
{
	struct argv_out a = {
		.argv = argv, .max = max, .store = store, .size = store_size
	};
	char path[2 * SYSGEN_PATH_MAX];

	add(&a, "qemu-system-aarch64");
	add(&a, "-machine");
	if (dumpdtb) {
		escape(dumpdtb, path, sizeof(path));
		add(&a, "virt,virtualization=on,gic-version=3,dumpdtb=%s",
		    path);
	} else {
		add(&a, "virt,virtualization=on,gic-version=3");
	}
	add(&a, "-cpu");
	add(&a, "%s", sys->cpu_model);
	add(&a, "-smp");
	add(&a, "%u", sys->pcpus);
	add(&a, "-m");
	add(&a, "%llu", (unsigned long long)sys->memory_mib);
	add(&a, "-nographic");
	add(&a, "-nic");
	add(&a, "none");
	if (dumpdtb) {
		return a.rc ? a.rc : (int)a.n;
	}
	add(&a, "-no-reboot");
	add(&a, "-semihosting-config");
	add(&a, "enable=on,target=native");
	add(&a, "-kernel");
	add(&a, "%s", hv);
	add(&a, "-dtb");
	add(&a, "%s", dtb);
	add(&a, "-append");
	add(&a, "%s", sys->cmdline);
	if (sys->has_dom0) {
		loader(&a, &sys->dom0.kernel);
		loader(&a, &sys->dom0.ramdisk);
	}
	for (unsigned int i = 0; i < sys->nr_doms; i++) {
		loader(&a, &sys->doms[i].kernel);
		loader(&a, &sys->doms[i].ramdisk);
	}
	return a.rc ? a.rc : (int)a.n;
}
