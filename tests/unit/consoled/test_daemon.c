/* SPDX-License-Identifier: MIT */
/*
 * The daemon's domains and loop against the host xenstored, with console
 * pages in memory: connection, the tty node, the log, both directions,
 * fairness under a flood, a hostile ring, drops when nobody reads, and
 * release.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "console_client.h"
#include "consoled.h"
#include "ct_plat.h"
#include "ut.h"

struct ct_env {
	struct ct_plat p;
	struct consoled c;
	struct xs_client xs;
	char log_dir[128];
};

static void ct_node(struct ct_env *e, uint32_t domid, const char *leaf,
		    const char *value)
{
	char path[96];

	snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, leaf);
	ASSERT_EQ(xs_client_write(&e->xs, 0, path, value), 0);
}

/* A domain as `xl create` leaves it: nodes written, page and port made. */
static struct ct_dom *ct_domain(struct ct_env *e, uint32_t domid,
				const char *name)
{
	struct ct_dom *d = ct_plat_add(&e->p, domid);

	ct_node(e, domid, "name", name);
	ct_node(e, domid, "console/ring-ref", "233472");
	ct_node(e, domid, "console/port", "5");
	ct_node(e, domid, "console/type", "xenconsoled");
	return d;
}

static void ct_start(struct ct_env *e, size_t budget)
{
	const char *sock = ct_xenstored();
	struct consoled_opts o = { .budget = budget,
				   .log_max = 1 << 20,
				   .linger_ms = 200 };

	ASSERT_TRUE(sock != NULL);
	memset(e, 0, sizeof(*e));
	ct_plat_init(&e->p);
	snprintf(e->log_dir, sizeof(e->log_dir), "%s", ct_tmpdir());
	o.xs_path = sock;
	o.log_dir = e->log_dir;
	ASSERT_EQ(xs_client_open(&e->xs, sock, 5), 0);
	ASSERT_EQ(consoled_init(&e->c, &e->p.plat, &o), 0);
}

static void ct_stop(struct ct_env *e)
{
	char path[64];
	int i;

	consoled_fini(&e->c);
	for (i = 0; i < CT_MAX_DOMS; i++) {
		if (e->p.doms[i].domid) {
			snprintf(path, sizeof(path), "/local/domain/%u",
				 e->p.doms[i].domid);
			xs_client_rm(&e->xs, 0, path);
		}
	}
	xs_client_close(&e->xs);
	ct_plat_fini(&e->p);
}

static void ct_scan(struct ct_env *e)
{
	e->c.scan = true; /* as @introduceDomain does */
	ASSERT_EQ(consoled_step(&e->c, 0), 0);
}

static long ct_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		return -1;
	}
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static int64_t ct_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read @want bytes from a pty (delivered asynchronously), 2 s at most. */
static ssize_t ct_read_pty(int fd, char *buf, size_t want)
{
	size_t got = 0;
	int i;

	for (i = 0; i < 200 && got < want; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 10) <= 0) {
			continue;
		}
		n = read(fd, buf + got, want - got);
		if (n <= 0) {
			break;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int ct_open_tty(struct cons_dom *d)
{
	int fd = open(d->tty, O_RDWR | O_NOCTTY | O_NONBLOCK);

	ASSERT_TRUE(fd >= 0);
	return fd;
}

/* The domain's console/tty node names the pty the daemon serves @d on. */
static void ct_expect_tty(struct ct_env *e, const struct cons_dom *d)
{
	char path[64], tty[64];

	snprintf(path, sizeof(path), "/local/domain/%u/console/tty", d->domid);
	ASSERT_EQ(xs_client_read(&e->xs, 0, path, tty, sizeof(tty)), 0);
	EXPECT_STREQ(tty, d->tty);
}

TEST(consoled_connects_a_domain_and_writes_its_tty)
{
	struct ct_env e;
	struct ct_dom *g;
	struct cons_dom *d;

	ct_start(&e, 512);
	g = ct_domain(&e, 1, "demo");
	ct_scan(&e);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL);
	EXPECT_FALSE(d->failed);
	EXPECT_TRUE(g->mapped && g->bound);
	EXPECT_EQ(g->remote_port, 5);
	EXPECT_GE(g->notified, 1); /* told once at connection */
	ct_expect_tty(&e, d);
	EXPECT_TRUE(strncmp(d->tty, "/dev/pts/", 9) == 0);
	EXPECT_TRUE(strstr(d->log.path, "/guest-demo.log") != NULL);
	ct_stop(&e);
}

/*
 * The guest owns its console directory and may rewrite console/tty to
 * name another domain's pty: the daemon also publishes the tty in the
 * console's backend directory (dom0's), which xl console reads, and puts
 * it back there at the next introduction if it changed.
 */
TEST(consoled_publishes_the_tty_where_the_guest_cannot_change_it)
{
	const char *be = "/local/domain/0/backend/console/3/0";
	char path[96], tty[64];
	struct ct_env e;
	struct cons_dom *d;

	ct_start(&e, 512);
	ct_domain(&e, 3, "g3");
	ASSERT_EQ(xs_client_write(&e.xs, 0, be, ""), 0);
	ct_scan(&e);
	d = consoled_find(&e.c, 3);
	ASSERT_TRUE(d != NULL && !d->failed);
	ct_expect_tty(&e, d);
	snprintf(path, sizeof(path), "%s/tty", be);
	ASSERT_EQ(xs_client_read(&e.xs, 0, path, tty, sizeof(tty)), 0);
	EXPECT_STREQ(tty, d->tty);
	/* The client takes the backend's copy over the guest's node. */
	ct_node(&e, 3, "console/tty", "/dev/pts/0");
	tty[0] = '\0';
	EXPECT_EQ(sable_console_tty(&e.xs, 3, tty, sizeof(tty), 0), 0);
	EXPECT_STREQ(tty, d->tty);
	/* Lost from the backend: written again at the next introduction. */
	ASSERT_EQ(xs_client_rm(&e.xs, 0, path), 0);
	ct_scan(&e);
	ASSERT_EQ(xs_client_read(&e.xs, 0, path, tty, sizeof(tty)), 0);
	EXPECT_STREQ(tty, d->tty);
	ct_expect_tty(&e, d);
	xs_client_rm(&e.xs, 0, "/local/domain/0/backend/console/3");
	ct_stop(&e);
}

/* A toolstack that writes a domain's nodes again after the daemon
 * connected (a boot-time domain rebuilt under the same id) resets
 * console/tty to "": the next introduction writes it again. */
TEST(consoled_writes_the_tty_again_when_the_toolstack_resets_it)
{
	struct ct_env e;
	struct cons_dom *d;

	ct_start(&e, 512);
	ct_domain(&e, 1, "demo");
	ct_scan(&e);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL && d->intf != NULL);
	ct_node(&e, 1, "console/tty", "");
	ct_scan(&e);
	EXPECT_TRUE(consoled_find(&e.c, 1) == d); /* the same console */
	ct_expect_tty(&e, d);
	ct_stop(&e);
}

/* An id reused with another console page or port is a new console: the
 * old page and port are left, the new ones served, the tty written. */
TEST(consoled_connects_again_when_a_known_id_gets_new_console_nodes)
{
	struct ct_env e;
	struct ct_dom *g;
	struct cons_dom *d;

	ct_start(&e, 512);
	g = ct_domain(&e, 1, "demo");
	ct_scan(&e);
	ASSERT_TRUE(consoled_find(&e.c, 1) != NULL);
	EXPECT_EQ(g->remote_port, 5);
	ct_node(&e, 1, "console/port", "7");
	ct_node(&e, 1, "console/tty", "");
	ct_scan(&e);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL && d->intf != NULL);
	EXPECT_FALSE(d->failed);
	EXPECT_EQ(g->remote_port, 7);
	EXPECT_TRUE(g->mapped && g->bound);
	EXPECT_EQ(e.c.doms, d);
	EXPECT_TRUE(d->next == NULL); /* the old one is gone, not leaked */
	ct_expect_tty(&e, d);
	ct_stop(&e);
}

/*
 * A domain seen between its creation and its build (its console page not
 * granted yet) is left for its introduction; one whose page was refused
 * anyway is tried again at the next introduction, and then connects.
 */
TEST(consoled_waits_for_the_build_and_tries_a_refused_page_again)
{
	struct ct_env e;
	struct ct_dom *g;
	struct cons_dom *d;

	ct_start(&e, 512);
	g = ct_domain(&e, 1, "demo");
	g->alive = 2; /* made, not built */
	ct_scan(&e);
	EXPECT_TRUE(consoled_find(&e.c, 1) == NULL);
	EXPECT_FALSE(g->mapped);
	g->alive = 1;
	e.p.refuse_map = true;
	ct_scan(&e);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL);
	EXPECT_TRUE(d->failed);
	e.p.refuse_map = false;
	ct_scan(&e); /* the next introduction */
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL && d->intf != NULL);
	EXPECT_FALSE(d->failed);
	EXPECT_TRUE(g->mapped && g->bound);
	EXPECT_TRUE(d->next == NULL);
	ct_expect_tty(&e, d);
	ct_stop(&e);
}

TEST(consoled_copies_output_to_log_and_pty_and_input_to_the_ring)
{
	struct ct_env e;
	struct ct_dom *g;
	struct cons_dom *d;
	char buf[256];
	int fd, before, i;

	ct_start(&e, 512);
	g = ct_domain(&e, 1, "demo");
	ct_guest_print(g->page, "early ", 6); /* before the daemon came */
	ct_scan(&e);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL);
	fd = ct_open_tty(d);
	ct_guest_print(g->page, "login: ", 7);
	before = g->notified;
	ct_plat_fire(&e.p, 1);
	ASSERT_EQ(consoled_step(&e.c, 1000), 0);
	EXPECT_GT(g->notified, before);
	EXPECT_EQ(g->page->out_cons, 13);
	EXPECT_EQ(ct_read_pty(fd, buf, 13), 13);
	EXPECT_MEMEQ(buf, "early login: ", 13);
	EXPECT_EQ(ct_read_file(d->log.path, buf, sizeof(buf)), 13);
	/* Typed on the pty: into in[], the guest told. */
	EXPECT_EQ(write(fd, "ls\r", 3), 3);
	before = g->notified;
	for (i = 0; i < 20 && g->page->in_prod < 3; i++) {
		ASSERT_EQ(consoled_step(&e.c, 100), 0);
	}
	EXPECT_EQ(g->page->in_prod, 3);
	EXPECT_MEMEQ(g->page->in, "ls\r", 3);
	EXPECT_GT(g->notified, before);
	close(fd);
	ct_stop(&e);
}

TEST(consoled_input_waits_while_the_guest_ring_is_full)
{
	struct ct_env e;
	struct ct_dom *g;
	struct cons_dom *d;
	char big[1500];
	int fd, i;

	ct_start(&e, 4096);
	g = ct_domain(&e, 1, "demo");
	ct_scan(&e);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL);
	fd = ct_open_tty(d);
	memset(big, 'i', sizeof(big));
	EXPECT_EQ(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	for (i = 0; i < 20 && g->page->in_prod < CONS_IN_SIZE; i++) {
		ASSERT_EQ(consoled_step(&e.c, 100), 0);
	}
	ASSERT_EQ(consoled_step(&e.c, 100), 0);
	EXPECT_EQ(g->page->in_prod, CONS_IN_SIZE); /* full, nothing lost */
	EXPECT_FALSE(d->in_armed);
	g->page->in_cons = CONS_IN_SIZE; /* the guest reads it all */
	ct_plat_fire(&e.p, 1);
	for (i = 0; i < 20 && g->page->in_prod < sizeof(big); i++) {
		ASSERT_EQ(consoled_step(&e.c, 100), 0);
	}
	EXPECT_EQ(g->page->in_prod, sizeof(big));
	EXPECT_TRUE(d->in_armed);
	close(fd);
	ct_stop(&e);
}

TEST(consoled_a_flooding_guest_gets_one_budget_per_iteration)
{
	struct ct_env e;
	struct ct_dom *flood, *quiet;
	struct cons_dom *d;
	char all[CONS_OUT_SIZE];
	int steps = 0;

	ct_start(&e, 512);
	flood = ct_domain(&e, 1, "flood");
	quiet = ct_domain(&e, 2, "quiet");
	ct_scan(&e);
	memset(all, 'f', sizeof(all));
	ct_guest_print(flood->page, all, sizeof(all));
	ct_guest_print(quiet->page, "hi", 2);
	ct_plat_fire(&e.p, 1);
	ct_plat_fire(&e.p, 2);
	ASSERT_EQ(consoled_step(&e.c, 1000), 0);
	EXPECT_EQ(flood->page->out_cons, 512);
	EXPECT_EQ(quiet->page->out_cons, 2); /* served in the same pass */
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL);
	EXPECT_TRUE(d->more);
	/* The rest comes without another event, a budget at a time. */
	while (flood->page->out_cons != flood->page->out_prod && steps < 10) {
		ASSERT_EQ(consoled_step(&e.c, -1), 0);
		steps++;
	}
	EXPECT_EQ(steps, 3);
	EXPECT_FALSE(d->more);
	ct_stop(&e);
}

TEST(consoled_stops_serving_a_ring_with_hostile_indices)
{
	struct ct_env e;
	struct ct_dom *bad, *good;
	struct cons_dom *d;

	ct_start(&e, 512);
	bad = ct_domain(&e, 1, "bad");
	good = ct_domain(&e, 2, "good");
	ct_scan(&e);
	bad->page->out_prod = 0x7fffffff;
	ct_guest_print(good->page, "ok", 2);
	ct_plat_fire(&e.p, 1);
	ct_plat_fire(&e.p, 2);
	ASSERT_EQ(consoled_step(&e.c, 1000), 0);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL);
	EXPECT_TRUE(d->failed);
	EXPECT_EQ(bad->page->out_cons, 0);
	EXPECT_EQ(good->page->out_cons, 2);
	/* Further events from it change nothing. */
	ct_plat_fire(&e.p, 1);
	ASSERT_EQ(consoled_step(&e.c, 1000), 0);
	EXPECT_EQ(bad->page->out_cons, 0);
	EXPECT_EQ(d->out_bytes, 0);
	ct_stop(&e);
}

TEST(consoled_drops_output_nobody_reads_and_counts_it)
{
	struct ct_env e;
	struct ct_dom *g;
	struct cons_dom *d;
	char all[CONS_OUT_SIZE];
	int i;

	ct_start(&e, CONS_OUT_SIZE);
	g = ct_domain(&e, 1, "chatty");
	ct_scan(&e);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL);
	memset(all, 'c', sizeof(all));
	/* Far more than a pty holds, with no reader on it. */
	for (i = 0; i < 200; i++) {
		ct_guest_print(g->page, all, sizeof(all));
		ct_plat_fire(&e.p, 1);
		ASSERT_EQ(consoled_step(&e.c, 1000), 0);
		ASSERT_EQ(g->page->out_cons, g->page->out_prod);
	}
	EXPECT_EQ(d->out_bytes, 200 * CONS_OUT_SIZE);
	EXPECT_GT(d->dropped, 0);
	EXPECT_LT(d->dropped, 200 * CONS_OUT_SIZE);
	/* The log has every byte. */
	EXPECT_EQ(d->log.size, 200 * CONS_OUT_SIZE);
	ct_stop(&e);
}

TEST(consoled_waits_for_console_nodes_and_reports_bad_ones)
{
	struct ct_env e;
	struct cons_dom *d;

	ct_start(&e, 512);
	ct_plat_add(&e.p, 1);
	ct_node(&e, 1, "name", "late");
	ct_scan(&e);
	EXPECT_TRUE(consoled_find(&e.c, 1) == NULL); /* no console yet */
	ct_node(&e, 1, "console/ring-ref", "233472");
	ct_node(&e, 1, "console/port", "5");
	ct_scan(&e);
	EXPECT_TRUE(consoled_find(&e.c, 1) != NULL);
	ct_plat_add(&e.p, 2);
	ct_node(&e, 2, "console/ring-ref", "0x39000");
	ct_node(&e, 2, "console/port", "5");
	ct_scan(&e);
	d = consoled_find(&e.c, 2);
	ASSERT_TRUE(d != NULL);
	EXPECT_TRUE(d->failed);
	EXPECT_FALSE(e.p.doms[1].mapped);
	EXPECT_STREQ(d->name, "domain-2");
	ct_stop(&e);
}

TEST(consoled_a_refused_bind_leaves_nothing_mapped)
{
	struct ct_env e;
	struct ct_dom *g;
	struct cons_dom *d;

	ct_start(&e, 512);
	g = ct_domain(&e, 1, "demo");
	e.p.refuse_bind = true;
	ct_scan(&e);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL);
	EXPECT_TRUE(d->failed);
	EXPECT_FALSE(g->mapped);
	EXPECT_EQ(d->master_fd, -1);
	ct_stop(&e);
}

TEST(consoled_releases_a_dying_domain_and_closes_its_pty)
{
	struct ct_env e;
	struct ct_dom *g, *other;
	struct cons_dom *d;
	char buf[64];
	int fd;

	ct_start(&e, 512);
	g = ct_domain(&e, 1, "demo");
	other = ct_domain(&e, 2, "other");
	ct_scan(&e);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL);
	fd = ct_open_tty(d);
	ct_guest_print(g->page, "bye", 3); /* its last words */
	g->alive = 0;
	e.c.release = true; /* as @releaseDomain does */
	ASSERT_EQ(consoled_step(&e.c, 0), 0);
	EXPECT_TRUE(consoled_find(&e.c, 1) == NULL);
	EXPECT_TRUE(consoled_find(&e.c, 2) != NULL);
	EXPECT_FALSE(g->mapped || g->bound);
	EXPECT_TRUE(other->mapped && other->bound);
	/* The pty stays a moment, so a client reads the last output. */
	EXPECT_EQ(ct_read_pty(fd, buf, 3), 3);
	EXPECT_EQ(e.c.doms->next->closing + e.c.doms->closing, 1);
	/* Then it is closed: a client sees the end. */
	ASSERT_EQ(consoled_step(&e.c, -1), 0);
	EXPECT_TRUE(e.c.doms != NULL && e.c.doms->next == NULL);
	EXPECT_LE(read(fd, buf, sizeof(buf)), 0);
	close(fd);
	ct_stop(&e);
}

TEST(consoled_sleeps_when_there_is_nothing_to_do)
{
	struct ct_env e;
	struct ct_dom *g;
	struct cons_dom *d;
	char buf[64];
	int64_t t0;
	int fd, i;

	ct_start(&e, 512);
	g = ct_domain(&e, 1, "demo");
	ct_scan(&e);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL);
	/* Output, input, and a second opener of the pty come and go. */
	ct_guest_print(g->page, "hi", 2);
	ct_plat_fire(&e.p, 1);
	fd = ct_open_tty(d);
	EXPECT_EQ(write(fd, "x\r", 2), 2);
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(consoled_step(&e.c, 50), 0);
	}
	EXPECT_EQ(ct_read_pty(fd, buf, 2), 2);
	close(fd);
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(consoled_step(&e.c, 50), 0);
	}
	t0 = ct_ms();
	ASSERT_EQ(consoled_step(&e.c, 300), 0);
	EXPECT_GE(ct_ms() - t0, 250);
	ct_stop(&e);
}

TEST(consoled_holds_the_port_of_a_domain_that_signals_without_pause)
{
	struct ct_env e;
	struct ct_dom *g, *quiet;
	struct cons_dom *d;
	int64_t t0;
	int i;

	ct_start(&e, 512);
	g = ct_domain(&e, 1, "noisy");
	quiet = ct_domain(&e, 2, "quiet");
	ct_scan(&e);
	d = consoled_find(&e.c, 1);
	ASSERT_TRUE(d != NULL);
	for (i = 0; i < 40; i++) {
		ct_plat_fire(&e.p, 1);
	}
	ct_plat_fire(&e.p, 2);
	ct_guest_print(quiet->page, "ok", 2);
	ASSERT_EQ(consoled_step(&e.c, 100), 0);
	EXPECT_EQ(g->unmasked, (int)CONSOLED_EVENT_ALLOWANCE);
	EXPECT_TRUE(d->held);
	EXPECT_EQ(quiet->unmasked, 1); /* the other is not held */
	EXPECT_EQ(quiet->page->out_cons, 2);
	/* Output it writes meanwhile still comes, at the window's end. */
	ct_guest_print(g->page, "late", 4);
	t0 = ct_ms();
	while (d->held && ct_ms() - t0 < 1000) {
		ASSERT_EQ(consoled_step(&e.c, -1), 0);
	}
	EXPECT_FALSE(d->held);
	EXPECT_LE(ct_ms() - t0, (int64_t)CONSOLED_EVENT_PERIOD_MS + 50);
	EXPECT_EQ(g->unmasked, (int)CONSOLED_EVENT_ALLOWANCE + 1);
	ASSERT_EQ(consoled_step(&e.c, 0), 0);
	EXPECT_EQ(g->page->out_cons, 4);
	ct_stop(&e);
}

TEST(consoled_keeps_the_port_of_a_broken_ring_masked)
{
	struct ct_env e;
	struct ct_dom *g;

	ct_start(&e, 512);
	g = ct_domain(&e, 1, "bad");
	ct_scan(&e);
	g->page->out_prod = 0x40000;
	ct_plat_fire(&e.p, 1);
	ASSERT_EQ(consoled_step(&e.c, 100), 0);
	/* That event came before the ring was seen broken; none after. */
	EXPECT_EQ(g->unmasked, 1);
	ct_plat_fire(&e.p, 1);
	ct_plat_fire(&e.p, 1);
	ASSERT_EQ(consoled_step(&e.c, 100), 0);
	EXPECT_EQ(g->unmasked, 1);
	ct_stop(&e);
}
