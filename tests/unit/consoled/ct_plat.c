/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ct_plat.h"

#ifndef CT_XENSTORED
#define CT_XENSTORED "build/host/xenstored"
#endif

static struct ct_dom *ct_find(struct ct_plat *p, uint32_t domid)
{
	int i;

	for (i = 0; i < CT_MAX_DOMS; i++) {
		if (p->doms[i].domid == domid && domid) {
			return &p->doms[i];
		}
	}
	return NULL;
}

static void *ct_map(struct cons_plat *cp, uint32_t domid, uint64_t gfn,
		    uint64_t *handle)
{
	struct ct_dom *d = ct_find((struct ct_plat *)cp, domid);

	(void)gfn;
	if (!d) {
		errno = ENOENT;
		return NULL;
	}
	if (((struct ct_plat *)cp)->refuse_map) {
		errno = EINVAL;
		return NULL;
	}
	d->mapped = true;
	*handle = domid;
	return d->page;
}

static void ct_unmap(struct cons_plat *cp, void *page, uint64_t handle)
{
	struct ct_dom *d = ct_find((struct ct_plat *)cp, (uint32_t)handle);

	if (d && d->page == page) {
		d->mapped = false;
	}
}

static int ct_bind(struct cons_plat *cp, uint32_t domid, uint32_t port)
{
	struct ct_plat *p = (struct ct_plat *)cp;
	struct ct_dom *d = ct_find(p, domid);

	if (!d || p->refuse_bind) {
		return -EINVAL;
	}
	d->bound = true;
	d->remote_port = port;
	return CT_PORT_BASE + (int)domid;
}

static void ct_unbind(struct cons_plat *cp, uint32_t port)
{
	struct ct_dom *d = ct_find((struct ct_plat *)cp, port - CT_PORT_BASE);

	if (d) {
		d->bound = false;
	}
}

static void ct_notify(struct cons_plat *cp, uint32_t port)
{
	struct ct_dom *d = ct_find((struct ct_plat *)cp, port - CT_PORT_BASE);

	if (d) {
		d->notified++;
	}
}

static int ct_pending(struct cons_plat *cp, uint32_t *ports, int max)
{
	ssize_t n = read(cp->event_fd, ports, (size_t)max * sizeof(*ports));

	return n > 0 ? (int)(n / 4) : 0;
}

static void ct_unmask(struct cons_plat *cp, const uint32_t *ports, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct ct_dom *d =
			ct_find((struct ct_plat *)cp, ports[i] - CT_PORT_BASE);

		if (d) {
			d->unmasked++;
		}
	}
}

static int ct_alive(struct cons_plat *cp, uint32_t domid)
{
	struct ct_dom *d = ct_find((struct ct_plat *)cp, domid);

	return d ? d->alive : 0;
}

static const struct cons_plat_ops ct_ops = {
	.map = ct_map,
	.unmap = ct_unmap,
	.bind = ct_bind,
	.unbind = ct_unbind,
	.notify = ct_notify,
	.pending = ct_pending,
	.unmask = ct_unmask,
	.alive = ct_alive,
};

void ct_plat_init(struct ct_plat *p)
{
	int fds[2];

	memset(p, 0, sizeof(*p));
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC)) {
		abort();
	}
	p->plat.ops = &ct_ops;
	p->plat.event_fd = fds[0];
	p->pipe_wr = fds[1];
}

void ct_plat_fini(struct ct_plat *p)
{
	int i;

	for (i = 0; i < CT_MAX_DOMS; i++) {
		free(p->doms[i].page);
	}
	close(p->plat.event_fd);
	close(p->pipe_wr);
}

struct ct_dom *ct_plat_add(struct ct_plat *p, uint32_t domid)
{
	int i;

	for (i = 0; i < CT_MAX_DOMS; i++) {
		struct ct_dom *d = &p->doms[i];

		if (!d->domid) {
			d->domid = domid;
			d->alive = 1;
			d->page = aligned_alloc(4096, 4096);
			memset(d->page, 0, 4096);
			return d;
		}
	}
	abort();
}

void ct_plat_fire(struct ct_plat *p, uint32_t domid)
{
	uint32_t port = CT_PORT_BASE + domid;

	if (write(p->pipe_wr, &port, sizeof(port)) != sizeof(port)) {
		abort();
	}
}

void ct_guest_print(struct cons_intf *r, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		r->out[(r->out_prod + i) & (CONS_OUT_SIZE - 1)] = s[i];
	}
	r->out_prod += (uint32_t)len;
}

/* ---- the host xenstored and a scratch directory -------------------- */

static char ct_dir[64];
static char ct_sock[96];
static pid_t ct_pid;

static void ct_rm_tree(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (unlink(path) < 0) {
				ct_rm_tree(path); /* a directory */
			}
		}
	}
	if (d) {
		closedir(d);
	}
	rmdir(dir);
}

static void ct_cleanup(void)
{
	if (ct_pid > 0) {
		kill(ct_pid, SIGTERM);
		waitpid(ct_pid, NULL, 0);
	}
	ct_rm_tree(ct_dir);
}

const char *ct_tmpdir(void)
{
	static int n;
	static char sub[96];

	if (!ct_dir[0]) {
		snprintf(ct_dir, sizeof(ct_dir), "/tmp/sable-consoled-XXXXXX");
		if (!mkdtemp(ct_dir)) {
			perror("mkdtemp");
			abort();
		}
		atexit(ct_cleanup);
	}
	snprintf(sub, sizeof(sub), "%s/d%d", ct_dir, n++);
	if (mkdir(sub, 0700)) {
		abort();
	}
	return sub;
}

const char *ct_xenstored(void)
{
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	struct stat st;
	int i;

	if (ct_pid > 0) {
		return ct_sock;
	}
	snprintf(ct_sock, sizeof(ct_sock), "%s/xenstored", ct_tmpdir());
	ct_pid = fork();
	if (ct_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (!freopen("/dev/null", "w", stdout)) {
			_exit(127);
		}
		execl(CT_XENSTORED, CT_XENSTORED, "--no-dom0-ring", "--socket",
		      ct_sock, (char *)NULL);
		perror("exec " CT_XENSTORED);
		_exit(127);
	}
	for (i = 0; i < 500; i++) {
		if (stat(ct_sock, &st) == 0) {
			return ct_sock;
		}
		if (waitpid(ct_pid, NULL, WNOHANG) == ct_pid) {
			break;
		}
		nanosleep(&pause, NULL);
	}
	ct_pid = 0;
	fprintf(stderr, "  %s did not start\n", CT_XENSTORED);
	return NULL;
}
