/* SPDX-License-Identifier: MIT */
/* The console daemon's domains and event loop (consoled.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <public/io/xs_wire.h>

#include "consoled.h"

/* epoll data: a domain, or one of these two for the shared descriptors. */
static char cd_tag_watch, cd_tag_evtchn;

#define CD_TOKEN_INTRODUCE "introduce"
#define CD_TOKEN_RELEASE "release"

static void cd_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void cd_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("sable-consoled: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int64_t cd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Decimal, no sign, no junk, at most @max. */
static int cd_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s) {
		return -EINVAL;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9' ||
		    v > (max - (uint64_t)(*s - '0')) / 10) {
			return -EINVAL;
		}
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static int cd_read(struct consoled *c, uint32_t domid, const char *leaf,
		   char *buf, size_t size)
{
	char path[96];

	snprintf(path, sizeof(path), "/local/domain/%u%s%s", domid,
		 *leaf ? "/" : "", leaf);
	return xs_client_read(&c->xs, 0, path, buf, size);
}

static int cd_watch_add(struct consoled *c, const char *path, const char *token)
{
	char msg[64];
	size_t a = strlen(path) + 1, b = strlen(token) + 1;

	memcpy(msg, path, a);
	memcpy(msg + a, token, b);
	return xs_client_request(&c->watch, XS_WATCH, 0, msg, a + b, NULL, 0,
				 NULL);
}

static int cd_epoll(struct consoled *c, int op, int fd, uint32_t events,
		    void *tag)
{
	struct epoll_event ev = { .events = events, .data.ptr = tag };

	return epoll_ctl(c->epfd, op, fd, &ev) < 0 ? -errno : 0;
}

int consoled_init(struct consoled *c, struct cons_plat *plat,
		  const struct consoled_opts *opts)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->opts = *opts;
	if (!c->opts.budget) {
		c->opts.budget = CONSOLED_BUDGET;
	}
	if (!c->opts.log_max) {
		c->opts.log_max = CONSOLED_LOG_MAX;
	}
	c->plat = plat;
	c->xs.fd = c->watch.fd = c->epfd = -1;
	c->iobuf = malloc(c->opts.budget);
	if (!c->iobuf) {
		return -ENOMEM;
	}
	rc = xs_client_open(&c->xs, opts->xs_path, 10);
	if (!rc) {
		rc = xs_client_open(&c->watch, opts->xs_path, 10);
	}
	if (rc) {
		cd_say("cannot connect to xenstored: %s", strerror(-rc));
		goto out;
	}
	rc = cd_watch_add(c, "@introduceDomain", CD_TOKEN_INTRODUCE);
	if (!rc) {
		rc = cd_watch_add(c, "@releaseDomain", CD_TOKEN_RELEASE);
	}
	if (rc) {
		cd_say("cannot watch domains: %s", strerror(-rc));
		goto out;
	}
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (c->epfd < 0) {
		rc = -errno;
		goto out;
	}
	rc = cd_epoll(c, EPOLL_CTL_ADD, c->watch.fd, EPOLLIN, &cd_tag_watch);
	if (!rc && plat->event_fd >= 0) {
		rc = cd_epoll(c, EPOLL_CTL_ADD, plat->event_fd, EPOLLIN,
			      &cd_tag_evtchn);
	}
	if (rc) {
		goto out;
	}
	c->scan = true; /* domains that exist already */
	return 0;
out:
	consoled_fini(c);
	return rc;
}

struct cons_dom *consoled_find(struct consoled *c, uint32_t domid)
{
	struct cons_dom *d;

	for (d = c->doms; d; d = d->next) {
		if (d->domid == domid && !d->closing) {
			return d;
		}
	}
	return NULL;
}

/* A pty whose slave the daemon keeps open (so the master never sees a
 * hang-up when a client leaves), raw both ways. */
static int cd_pty(struct cons_dom *d)
{
	struct termios t;

	d->master_fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (d->master_fd < 0 || grantpt(d->master_fd) ||
	    unlockpt(d->master_fd) ||
	    ptsname_r(d->master_fd, d->tty, sizeof(d->tty))) {
		return -errno;
	}
	d->slave_fd = open(d->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (d->slave_fd < 0 || tcgetattr(d->slave_fd, &t)) {
		return -errno;
	}
	cfmakeraw(&t);
	return tcsetattr(d->slave_fd, TCSANOW, &t) ? -errno : 0;
}

/* The tty, first in the console's backend (dom0's; xl console reads it):
 * the guest owns console/ and may rewrite console/tty to another pty. */
static void cd_write_tty(struct consoled *c, struct cons_dom *d)
{
	char path[96], probe[8];
	int rc = 0;

	snprintf(path, sizeof(path), "/local/domain/0/backend/console/%u/0",
		 d->domid);
	if (xs_client_read(&c->xs, 0, path, probe, sizeof(probe)) != -ENOENT) {
		strcat(path, "/tty");
		rc = xs_client_write(&c->xs, 0, path, d->tty);
	}
	snprintf(path, sizeof(path), "/local/domain/%u/console/tty", d->domid);
	rc = rc ? rc : xs_client_write(&c->xs, 0, path, d->tty);
	if (rc) {
		cd_say("domain %u: cannot write its console/tty: %s", d->domid,
		       strerror(-rc));
	}
}

/* Connect the domain's console: page, port, pty, log, tty node. */
static int cd_connect(struct consoled *c, struct cons_dom *d, uint64_t gfn,
		      uint32_t port)
{
	struct cons_plat *p = c->plat;
	void *page;
	int rc;

	page = p->ops->map(p, d->domid, gfn, &d->map_handle);
	if (!page) {
		rc = -errno;
		cd_say("domain %u: cannot map its console page (grant 0): %s",
		       d->domid, strerror(-rc));
		return rc;
	}
	rc = p->ops->bind(p, d->domid, port);
	if (rc < 0) {
		cd_say("domain %u: cannot bind its console port %u: %s",
		       d->domid, port, strerror(-rc));
		p->ops->unmap(p, page, d->map_handle);
		return rc;
	}
	d->intf = page;
	d->lport = (uint32_t)rc;
	rc = cd_pty(d);
	if (!rc) {
		rc = cd_epoll(c, EPOLL_CTL_ADD, d->master_fd, EPOLLIN, d);
	}
	if (rc) {
		cd_say("domain %u: cannot make a pty: %s", d->domid,
		       strerror(-rc));
		return rc;
	}
	d->in_armed = true;
	cd_write_tty(c, d);
	rc = cons_log_open(&d->log, c->opts.log_dir, d->name, c->opts.log_max);
	if (rc) {
		cd_say("domain %u: no log in %s: %s", d->domid, c->opts.log_dir,
		       strerror(-rc));
	}
	cd_say("domain %u (%s): console on %s, log %s", d->domid, d->name,
	       d->tty, d->log.fd >= 0 ? d->log.path : "none");
	/* Output written before we came is waiting; the guest may also
	 * wait for us to empty its ring. */
	d->kick = true;
	p->ops->notify(p, d->lport);
	return 0;
}

/* Output the pty could not take: one line per CONSOLED_NOTE_MS at most
 * per domain (a flood must not flood the daemon's own log), and a last
 * one when the domain goes. */
static void cd_note_drops(struct cons_dom *d, bool final)
{
	int64_t now = cd_now_ms();

	if (d->dropped == d->dropped_noted ||
	    (!final && d->noted_at && now - d->noted_at < CONSOLED_NOTE_MS)) {
		return;
	}
	cd_say("domain %u: %llu bytes of output not shown on %s (nobody "
	       "reading; %llu in all)",
	       d->domid, (unsigned long long)(d->dropped - d->dropped_noted),
	       d->tty, (unsigned long long)d->dropped);
	d->dropped_noted = d->dropped;
	d->noted_at = now;
}

/* Leave the ring: its last output first (bounded), then port and page. */
static void cd_unring(struct consoled *c, struct cons_dom *d)
{
	struct cons_plat *p = c->plat;

	if (!d->intf) {
		return;
	}
	if (!d->failed) {
		consoled_serve(c, d);
	}
	p->ops->unbind(p, d->lport);
	p->ops->unmap(p, d->intf, d->map_handle);
	d->intf = NULL;
}

static void cd_disconnect(struct consoled *c, struct cons_dom *d)
{
	cd_unring(c, d);
	if (d->master_fd >= 0) {
		epoll_ctl(c->epfd, EPOLL_CTL_DEL, d->master_fd, NULL);
		close(d->master_fd);
	}
	if (d->slave_fd >= 0) {
		close(d->slave_fd);
	}
	d->master_fd = d->slave_fd = -1;
	cd_note_drops(d, true);
	cons_log_close(&d->log);
}

static void cd_remove(struct consoled *c, struct cons_dom *d)
{
	struct cons_dom **pp;

	cd_disconnect(c, d);
	for (pp = &c->doms; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	free(d);
}

/*
 * A domain is gone: leave its ring now, keep its pty a moment so that a
 * client reads the last output before the hang-up (which discards what
 * is still unread), then close it.
 */
static void cd_close(struct consoled *c, struct cons_dom *d)
{
	cd_unring(c, d);
	d->closing = true;
	d->more = d->kick = false;
	d->close_at = cd_now_ms() + c->opts.linger_ms;
	if (d->master_fd >= 0) {
		cd_epoll(c, EPOLL_CTL_MOD, d->master_fd, 0, d);
		d->in_armed = false;
	}
	if (c->opts.linger_ms <= 0) {
		cd_remove(c, d);
	}
}

/* Close the ptys whose moment has passed; ms until the next, or -1. */
static int cd_reap(struct consoled *c)
{
	struct cons_dom *d, *next;
	int64_t now = cd_now_ms(), wait = -1;

	for (d = c->doms; d; d = next) {
		next = d->next;
		if (!d->closing) {
			continue;
		}
		if (d->close_at <= now) {
			cd_remove(c, d);
			c->scan = true; /* its id may be in use again */
		} else if (wait < 0 || d->close_at - now < wait) {
			wait = d->close_at - now;
		}
	}
	return (int)wait;
}

/* A domain seen for the first time: connect it if it has a console. */
static void cd_add(struct consoled *c, uint32_t domid)
{
	char ref[32], port[32], name[64] = "";
	uint64_t gfn, lport;
	struct cons_dom *d;
	int rc;

	if (cd_read(c, domid, "console/ring-ref", ref, sizeof(ref)) ||
	    cd_read(c, domid, "console/port", port, sizeof(port))) {
		return; /* no console (yet) */
	}
	rc = c->plat->ops->alive(c->plat, domid);
	if (rc == 0 || rc == 2) {
		return; /* gone, or not built yet: its introduction comes */
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		cd_say("domain %u: out of memory", domid);
		return;
	}
	d->domid = domid;
	d->master_fd = d->slave_fd = d->log.fd = -1;
	d->next = c->doms;
	c->doms = d;
	cd_read(c, domid, "name", name, sizeof(name));
	cons_log_name(name, domid, d->name, sizeof(d->name));
	if (cd_parse_u64(ref, UINT64_MAX, &gfn) ||
	    cd_parse_u64(port, UINT32_MAX, &lport)) {
		cd_say("domain %u: bad console/ring-ref '%s' or port '%s'",
		       domid, ref, port);
		d->gfn = UINT64_MAX;
		d->rport = UINT32_MAX;
		d->failed = true;
		return;
	}
	d->gfn = gfn;
	d->rport = (uint32_t)lport;
	if (cd_connect(c, d, gfn, (uint32_t)lport)) {
		d->failed = true;
		cd_disconnect(c, d);
	}
}

/*
 * A domain already known, seen again on @introduceDomain. Its id may have
 * been reused at once (a boot-time domain rebuilt by the hypervisor keeps
 * its id) and the toolstack may have written its console nodes again
 * after this daemon connected through the old ones (console/tty reset to
 * "", as libxl writes it; or the guest's rewrite): the tty is written
 * again, and a console/ring-ref or console/port that changed is a new
 * console (the old one is left).
 */
static void cd_recheck(struct consoled *c, struct cons_dom *d)
{
	char ref[32], port[32];
	uint64_t gfn, rport;
	uint32_t domid = d->domid;

	if (cd_read(c, domid, "console/ring-ref", ref, sizeof(ref)) ||
	    cd_read(c, domid, "console/port", port, sizeof(port))) {
		return; /* being written again: the next introduction */
	}
	if (cd_parse_u64(ref, UINT64_MAX, &gfn)) {
		gfn = UINT64_MAX;
	}
	if (cd_parse_u64(port, UINT32_MAX, &rport)) {
		rport = UINT32_MAX;
	}
	if (gfn != d->gfn || rport != d->rport) {
		cd_say("domain %u (%s): new console nodes", domid, d->name);
		cd_remove(c, d);
		cd_add(c, domid);
		return;
	}
	if (d->failed && !d->closing) {
		/* Page or port refused: one more try per introduction. */
		cd_say("domain %u (%s): connecting again", domid, d->name);
		cd_remove(c, d);
		cd_add(c, domid);
		return;
	}
	if (d->failed || !d->intf) {
		return;
	}
	cd_write_tty(c, d);
}

/* @introduceDomain: every domain under /local/domain not known yet, and
 * the console nodes of those known checked again. */
static void cd_scan(struct consoled *c)
{
	char list[XENSTORE_PAYLOAD_MAX + 1];
	size_t len, off;
	uint64_t id;
	int rc;

	rc = xs_client_request(&c->xs, XS_DIRECTORY, 0, "/local/domain",
			       sizeof("/local/domain"), list, sizeof(list),
			       &len);
	if (rc) {
		if (rc != -ENOENT) {
			cd_say("cannot list /local/domain: %s", strerror(-rc));
		}
		return;
	}
	for (off = 0; off < len; off += strlen(list + off) + 1) {
		struct cons_dom *d;

		if (cd_parse_u64(list + off, UINT16_MAX, &id) || id == 0) {
			continue;
		}
		d = consoled_find(c, (uint32_t)id);
		if (d) {
			cd_recheck(c, d);
		} else {
			cd_add(c, (uint32_t)id);
		}
	}
}

/* Dying or gone, by the hypervisor's word, else by xenstore's. */
static bool cd_gone(struct consoled *c, uint32_t domid)
{
	char buf[8];
	int alive = c->plat->ops->alive(c->plat, domid);

	if (alive >= 0) {
		return alive == 0;
	}
	return cd_read(c, domid, "", buf, sizeof(buf)) == -ENOENT;
}

/* @releaseDomain: close the consoles of dying and vanished domains. */
static void cd_release(struct consoled *c)
{
	struct cons_dom *d, *next;

	for (d = c->doms; d; d = next) {
		next = d->next;
		if (!d->closing && cd_gone(c, d->domid)) {
			cd_say("domain %u (%s): gone, console closed", d->domid,
			       d->name);
			cd_close(c, d);
		}
	}
}

/* Parse whole messages out of the watch connection's buffer. */
static int cd_watch_parse(struct consoled *c)
{
	struct xsd_sockmsg h;
	size_t off = 0;

	while (c->wlen - off >= sizeof(h)) {
		const char *body = c->wbuf + off + sizeof(h);
		size_t plen;

		memcpy(&h, c->wbuf + off, sizeof(h));
		if (h.len > XENSTORE_PAYLOAD_MAX) {
			return -EPROTO;
		}
		if (c->wlen - off - sizeof(h) < h.len) {
			break;
		}
		if (h.type == XS_WATCH_EVENT) {
			plen = strnlen(body, h.len);
			if (plen + 1 < h.len) {
				const char *tok = body + plen + 1;
				size_t tmax = h.len - plen - 1;

				if (!strncmp(tok, CD_TOKEN_INTRODUCE, tmax)) {
					c->scan = true;
				} else if (!strncmp(tok, CD_TOKEN_RELEASE,
						    tmax)) {
					c->release = true;
				}
			}
		}
		off += sizeof(h) + h.len;
	}
	memmove(c->wbuf, c->wbuf + off, c->wlen - off);
	c->wlen -= off;
	return 0;
}

static int cd_watch_input(struct consoled *c)
{
	ssize_t n = recv(c->watch.fd, c->wbuf + c->wlen,
			 sizeof(c->wbuf) - c->wlen, MSG_DONTWAIT);

	if (n < 0) {
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	}
	if (n == 0) {
		cd_say("xenstored closed the connection");
		return -EIO;
	}
	c->wlen += (size_t)n;
	return cd_watch_parse(c);
}

static void cd_broken(struct cons_dom *d, const char *ring)
{
	cd_say("domain %u: bad %s indices in its console ring; "
	       "not served any more",
	       d->domid, ring);
	d->failed = true;
	d->more = false;
}

/* Guest output: to the log, and to the pty if anyone takes it. */
static void cd_serve_out(struct consoled *c, struct cons_dom *d)
{
	int n = cons_ring_take_out(d->intf, c->iobuf, c->opts.budget);
	ssize_t w;

	if (n < 0) {
		cd_broken(d, "output");
		return;
	}
	if (n > 0) {
		d->out_bytes += (uint64_t)n;
		c->plat->ops->notify(c->plat, d->lport);
		cons_log_write(&d->log, c->iobuf, (size_t)n);
		w = write(d->master_fd, c->iobuf, (size_t)n);
		if (w < n) {
			d->dropped += (uint64_t)(n - (w > 0 ? w : 0));
			cd_note_drops(d, false);
		}
	}
	n = cons_ring_out_pending(d->intf);
	d->more = n > 0;
	if (n < 0) {
		cd_broken(d, "output");
	}
}

/* pty input: into the guest's ring, no more than fits. */
static void cd_serve_in(struct consoled *c, struct cons_dom *d)
{
	int space = cons_ring_in_space(d->intf);
	size_t want;
	ssize_t r;
	bool arm;

	if (space < 0) {
		cd_broken(d, "input");
		return;
	}
	want = (size_t)space < c->opts.budget ? (size_t)space : c->opts.budget;
	if (want > 0) {
		r = read(d->master_fd, c->iobuf, want);
		if (r > 0 &&
		    cons_ring_put_in(d->intf, c->iobuf, (size_t)r) > 0) {
			d->in_bytes += (uint64_t)r;
			c->plat->ops->notify(c->plat, d->lport);
			space -= (int)r;
		}
	}
	/* A full ring: stop polling the pty until the guest reads. */
	arm = space > 0;
	if (arm != d->in_armed && cd_epoll(c, EPOLL_CTL_MOD, d->master_fd,
					   arm ? EPOLLIN : 0, d) == 0) {
		d->in_armed = arm;
	}
}

void consoled_serve(struct consoled *c, struct cons_dom *d)
{
	if (!d->intf || d->failed) {
		return;
	}
	cd_serve_out(c, d);
	if (!d->failed) {
		cd_serve_in(c, d);
	}
}

/*
 * A fired port: one more event in the domain's window. A domain that
 * signals more than CONSOLED_EVENT_ALLOWANCE times in a window keeps its
 * port masked until the window ends (as Xen's xenconsoled does), so a
 * guest signalling without pause costs dom0 a bounded number of wake-ups.
 * Returns whether to unmask the port now.
 */
static bool cd_count_event(struct consoled *c, uint32_t port)
{
	int64_t now = cd_now_ms();
	struct cons_dom *d;

	for (d = c->doms; d; d = d->next) {
		if (d->intf && d->lport == port) {
			break;
		}
	}
	if (!d) {
		return true; /* not ours (any more): nothing to protect */
	}
	if (d->failed) {
		return false; /* a broken ring: its port stays masked */
	}
	d->kick = true;
	if (now - d->window_start >= CONSOLED_EVENT_PERIOD_MS) {
		d->window_start = now;
		d->events = 0;
	}
	if (++d->events <= CONSOLED_EVENT_ALLOWANCE) {
		return true;
	}
	if (!d->limited) {
		cd_say("domain %u: more than %u console events in %u ms; "
		       "its port is held masked in such periods",
		       d->domid, CONSOLED_EVENT_ALLOWANCE,
		       CONSOLED_EVENT_PERIOD_MS);
		d->limited = true;
	}
	d->held = true;
	return false;
}

/* Unmask the ports held past their window; ms until the next, or -1. */
static int cd_release_held(struct consoled *c)
{
	int64_t now = cd_now_ms(), wait = -1, end;
	struct cons_dom *d;

	for (d = c->doms; d; d = d->next) {
		if (!d->held || !d->intf) {
			continue;
		}
		end = d->window_start + CONSOLED_EVENT_PERIOD_MS;
		if (now >= end) {
			d->held = false;
			d->window_start = now;
			d->events = 0;
			d->kick = true; /* it may have written meanwhile */
			c->plat->ops->unmask(c->plat, &d->lport, 1);
		} else if (wait < 0 || end - now < wait) {
			wait = end - now;
		}
	}
	return (int)wait;
}

static void cd_event(struct consoled *c, const struct epoll_event *ev,
		     uint32_t *ports, int *nports, int max)
{
	struct cons_dom *d;
	uint32_t fired[64];
	int i, n;

	if (ev->data.ptr == &cd_tag_evtchn) {
		n = c->plat->ops->pending(c->plat, fired, max - *nports);
		for (i = 0; i < n; i++) {
			if (cd_count_event(c, fired[i])) {
				ports[(*nports)++] = fired[i];
			}
		}
		return;
	}
	d = ev->data.ptr;
	d->kick = true;
	if (ev->events & (EPOLLHUP | EPOLLERR)) {
		/* Not expected while we hold the slave: stop polling it
		 * rather than spin. */
		cd_epoll(c, EPOLL_CTL_MOD, d->master_fd, 0, d);
		d->in_armed = false;
	}
}

/* The smaller of two timeouts, -1 meaning none. */
static int cd_min_timeout(int a, int b)
{
	if (a < 0) {
		return b;
	}
	return b >= 0 && b < a ? b : a;
}

int consoled_step(struct consoled *c, int timeout_ms)
{
	struct epoll_event evs[32];
	uint32_t ports[64];
	struct cons_dom *d;
	int i, n, nports = 0, rc = 0;

	timeout_ms = cd_min_timeout(timeout_ms, cd_reap(c));
	timeout_ms = cd_min_timeout(timeout_ms, cd_release_held(c));
	for (d = c->doms; d; d = d->next) {
		if (d->more || d->kick) {
			timeout_ms = 0;
		}
	}
	if (c->scan || c->release) {
		timeout_ms = 0;
	}
	n = epoll_wait(c->epfd, evs, 32, timeout_ms);
	if (n < 0) {
		return errno == EINTR ? 0 : -errno;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (evs[i].data.ptr == &cd_tag_watch) {
			rc = cd_watch_input(c);
		} else {
			cd_event(c, &evs[i], ports, &nports, 64);
		}
	}
	if (c->release) {
		c->release = false;
		cd_release(c);
	}
	if (c->scan) {
		c->scan = false;
		cd_scan(c);
	}
	/* Every domain with work gets one budget's worth, in turn. */
	for (d = c->doms; d; d = d->next) {
		if (d->kick || d->more) {
			d->kick = false;
			consoled_serve(c, d);
		}
	}
	c->plat->ops->unmask(c->plat, ports, nports);
	cd_reap(c);
	return rc;
}

void consoled_fini(struct consoled *c)
{
	while (c->doms) {
		cd_remove(c, c->doms);
	}
	if (c->epfd >= 0) {
		close(c->epfd);
	}
	c->epfd = -1;
	xs_client_close(&c->xs);
	xs_client_close(&c->watch);
	free(c->iobuf);
	c->iobuf = NULL;
}
