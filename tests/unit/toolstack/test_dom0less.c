/* SPDX-License-Identifier: MIT */
/*
 * init-dom0less against a fake hypervisor (fake_sable.c) and either the
 * host xenstored (the node set and its permissions) or the scripted
 * server (introduction, retries, idempotence).
 */
#include <errno.h>
#include <string.h>

#include "dom0less.h"
#include "fake_sable.h"
#include "ts_helpers.h"
#include "ut.h"

#define MAX_RESULTS 8

static struct dom0less_result results[MAX_RESULTS];
static int nresults;

static void collect(const struct dom0less_result *r, void *arg)
{
	(void)arg;
	if (nresults < MAX_RESULTS) {
		results[nresults++] = *r;
	}
}

static int run(const char *xs_path)
{
	nresults = 0;
	memset(results, 0, sizeof(results));
	return dom0less_introduce_all(NULL, xs_path, collect, NULL);
}

static const struct dom0less_result *result_for(uint32_t domid)
{
	int i;

	for (i = 0; i < nresults; i++) {
		if (results[i].info.domid == domid) {
			return &results[i];
		}
	}
	return NULL;
}

static uint64_t store_pfn(uint32_t domid)
{
	return fake_find(domid)->params[HVM_PARAM_STORE_PFN];
}

/* Read @rel below /local/domain/@domid: its value and permissions. */
static void expect_node(struct xs_client *c, uint32_t domid, const char *rel,
			const char *value, const char *perms)
{
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/%u%s%s", domid,
		 *rel ? "/" : "", rel);
	ts_expect_xs(c, path, value, perms);
}

TEST(dom0less_write_nodes_gives_xen_permissions)
{
	struct sable_ctl_domain_info info = {
		.domid = 3,
		.nr_vcpus = 2,
		.mem_kib = 131072,
		.name = "guest3",
	};
	const char *path = ts_daemon();
	struct xs_client c;
	char step[DOM0LESS_STEP_MAX] = "";
	uint32_t tx;

	ASSERT_TRUE(path != NULL);
	ASSERT_EQ(xs_client_open(&c, path, 5), 0);
	ASSERT_EQ(xs_client_txn_start(&c, &tx), 0);
	EXPECT_EQ(dom0less_write_nodes(&c, tx, &info, step), 0);
	EXPECT_STREQ(step, "");
	EXPECT_EQ(xs_client_txn_end(&c, tx, true), 0);

	expect_node(&c, 3, "", "", "n0,r3");
	expect_node(&c, 3, "name", "guest3", "n0,r3");
	expect_node(&c, 3, "domid", "3", "n0,r3");
	expect_node(&c, 3, "memory", "", "n0,r3");
	expect_node(&c, 3, "memory/static-max", "131072", "n0,r3");
	expect_node(&c, 3, "memory/target", "131072", "n0,r3");
	expect_node(&c, 3, "cpu", "", "n0,r3");
	expect_node(&c, 3, "cpu/0/availability", "online", "n0,r3");
	expect_node(&c, 3, "cpu/1", "", "n0,r3");
	expect_node(&c, 3, "cpu/1/availability", "online", "n0,r3");
	expect_node(&c, 3, "control", "", "n0,r3");
	expect_node(&c, 3, "control/shutdown", "", "n3");
	expect_node(&c, 3, "control/feature-poweroff", "", "n3");
	expect_node(&c, 3, "control/feature-reboot", "", "n3");
	expect_node(&c, 3, "control/feature-suspend", "", "n3");
	expect_node(&c, 3, "control/sysrq", "", "n3");
	expect_node(&c, 3, "device", "", "n0,r3");
	expect_node(&c, 3, "data", "", "n3");
	expect_node(&c, 3, "drivers", "", "n3");
	expect_node(&c, 3, "feature", "", "n3");
	expect_node(&c, 3, "attr", "", "n3");
	expect_node(&c, 3, "error", "", "n3");
	xs_client_rm(&c, 0, "/local/domain/3");
	xs_client_close(&c);
}

TEST(dom0less_write_nodes_replaces_stale_nodes)
{
	struct sable_ctl_domain_info info = {
		.domid = 4,
		.nr_vcpus = 1,
		.mem_kib = 1024,
		.name = "guest4",
	};
	const char *path = ts_daemon();
	struct xs_client c;
	char step[DOM0LESS_STEP_MAX] = "", buf[16];

	ASSERT_TRUE(path != NULL);
	ASSERT_EQ(xs_client_open(&c, path, 5), 0);
	EXPECT_EQ(xs_client_write(&c, 0, "/local/domain/4/stale", "x"), 0);
	EXPECT_EQ(dom0less_write_nodes(&c, 0, &info, step), 0);
	EXPECT_EQ(xs_client_read(&c, 0, "/local/domain/4/stale", buf,
				 sizeof(buf)),
		  -ENOENT);
	expect_node(&c, 4, "name", "guest4", "n0,r4");
	xs_client_rm(&c, 0, "/local/domain/4");
	xs_client_close(&c);
}

/* The host daemon cannot map a ring: the domain stays pending. */
TEST(dom0less_failed_introduce_leaves_store_pending)
{
	const char *path = ts_daemon();
	const struct dom0less_result *r;
	struct xs_client c;

	ASSERT_TRUE(path != NULL);
	fake_reset();
	fake_add(0, "Domain-0", 0);
	fake_add(5, "guest5", 9);
	EXPECT_EQ(run(path), 1);
	r = result_for(5);
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(r->status, DOM0LESS_FAILED);
	EXPECT_STREQ(r->step, "INTRODUCE");
	EXPECT_TRUE(r->xs_err[0] != '\0');
	EXPECT_EQ(store_pfn(5), DOM0LESS_STORE_PFN_PENDING);
	ASSERT_EQ(xs_client_open(&c, path, 5), 0);
	expect_node(&c, 5, "name", "guest5", "n0,r5");
	/* Not marked done, so a second run tries again. */
	EXPECT_EQ(run(path), 1);
	EXPECT_EQ(result_for(5)->status, DOM0LESS_FAILED);
	xs_client_rm(&c, 0, "/local/domain/5");
	xs_client_close(&c);
}

TEST(dom0less_introduces_enhanced_domains_only)
{
	const char *path = ts_scripted();
	const struct dom0less_result *r;
	char line[160];

	ASSERT_TRUE(path != NULL);
	fake_reset();
	fake_add(0, "Domain-0", 0);
	fake_add(1, "enhanced", 5);
	fake_add(2, "plain", 0);
	fake_add(3, "stopped", 6)->info.flags |= SABLE_DOMINF_shutdown;
	EXPECT_EQ(run(path), 0);
	EXPECT_EQ(nresults, 3);
	EXPECT_TRUE(result_for(0) == NULL);
	r = result_for(1);
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(r->status, DOM0LESS_INTRODUCED);
	EXPECT_EQ(r->port, 5);
	dom0less_describe(r, line, sizeof(line));
	EXPECT_STREQ(line, "xenstore introduced (port 5)");
	EXPECT_EQ(result_for(2)->status, DOM0LESS_NO_STORE);
	EXPECT_EQ(result_for(3)->status, DOM0LESS_NOT_RUNNING);
	/* INTRODUCE <domid> <gfn 0x39001> <port>, after STORE_PFN was set. */
	EXPECT_STREQ(ts_script.introduce, "1|233473|5|");
	EXPECT_EQ(ts_script.pfn_at_introduce, DOM0LESS_STORE_GFN);
	EXPECT_EQ(store_pfn(1), DOM0LESS_STORE_GFN);
	EXPECT_EQ(store_pfn(3), DOM0LESS_STORE_PFN_PENDING);
	EXPECT_EQ(ts_script.by_type[XS_INTRODUCE], 1);
	EXPECT_EQ(ts_script.by_type[XS_TRANSACTION_START], 1);
	EXPECT_EQ(ts_script.conns, 1);
}

TEST(dom0less_second_run_changes_nothing)
{
	const char *path = ts_scripted();

	ASSERT_TRUE(path != NULL);
	fake_reset();
	fake_add(0, "Domain-0", 0);
	fake_add(1, "enhanced", 5);
	EXPECT_EQ(run(path), 0);
	EXPECT_EQ(result_for(1)->status, DOM0LESS_INTRODUCED);
	ts_scripted(); /* clear the record */
	fake_set_param_calls = 0;
	EXPECT_EQ(run(path), 0);
	EXPECT_EQ(result_for(1)->status, DOM0LESS_ALREADY);
	EXPECT_EQ(ts_script.conns, 0);
	EXPECT_EQ(fake_set_param_calls, 0);
	EXPECT_EQ(store_pfn(1), DOM0LESS_STORE_GFN);
}

TEST(dom0less_skips_domain_xenstored_already_knows)
{
	const char *path = ts_scripted();

	ASSERT_TRUE(path != NULL);
	ts_script.introduced = true;
	fake_reset();
	fake_add(1, "known", 5);
	EXPECT_EQ(run(path), 0);
	EXPECT_EQ(result_for(1)->status, DOM0LESS_ALREADY);
	EXPECT_EQ(ts_script.by_type[XS_WRITE], 0);
	EXPECT_EQ(ts_script.by_type[XS_INTRODUCE], 0);
	EXPECT_EQ(fake_set_param_calls, 0);
}

TEST(dom0less_retries_conflicting_commit)
{
	const char *path = ts_scripted();

	ASSERT_TRUE(path != NULL);
	ts_script.conflicts = 2;
	fake_reset();
	fake_add(1, "busy", 5);
	EXPECT_EQ(run(path), 0);
	EXPECT_EQ(result_for(1)->status, DOM0LESS_INTRODUCED);
	EXPECT_EQ(ts_script.by_type[XS_TRANSACTION_START], 3);
	EXPECT_EQ(ts_script.by_type[XS_INTRODUCE], 1);
}

TEST(dom0less_gives_up_after_repeated_conflicts)
{
	const char *path = ts_scripted();
	const struct dom0less_result *r;
	char line[160];

	ASSERT_TRUE(path != NULL);
	ts_script.conflicts = 100;
	fake_reset();
	fake_add(1, "busy", 5);
	EXPECT_EQ(run(path), 1);
	r = result_for(1);
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(r->status, DOM0LESS_FAILED);
	EXPECT_EQ(r->err, -EAGAIN);
	dom0less_describe(r, line, sizeof(line));
	EXPECT_STREQ(line, "TRANSACTION_END failed: EAGAIN");
	EXPECT_EQ(ts_script.by_type[XS_TRANSACTION_START], 5);
	EXPECT_EQ(ts_script.by_type[XS_INTRODUCE], 0);
	EXPECT_EQ(store_pfn(1), DOM0LESS_STORE_PFN_PENDING);
}

TEST(dom0less_introduce_error_is_named_and_undone)
{
	const char *path = ts_scripted();
	char line[160];

	ASSERT_TRUE(path != NULL);
	ts_script.introduce_error = "EACCES";
	fake_reset();
	fake_add(1, "refused", 5);
	fake_add(2, "also", 6);
	EXPECT_EQ(run(path), 2);
	dom0less_describe(result_for(1), line, sizeof(line));
	EXPECT_STREQ(line, "INTRODUCE failed: EACCES");
	EXPECT_EQ(result_for(2)->status, DOM0LESS_FAILED);
	EXPECT_EQ(store_pfn(1), DOM0LESS_STORE_PFN_PENDING);
	EXPECT_EQ(store_pfn(2), DOM0LESS_STORE_PFN_PENDING);
	EXPECT_EQ(ts_script.conns, 1); /* one connection for both */
}

TEST(dom0less_without_enhanced_domains_needs_no_xenstored)
{
	const char *path = ts_nowhere();

	ASSERT_TRUE(path != NULL);
	fake_reset();
	fake_add(0, "Domain-0", 0);
	fake_add(1, "plain", 0);
	EXPECT_EQ(run(path), 0);
	EXPECT_EQ(result_for(1)->status, DOM0LESS_NO_STORE);
}

TEST(dom0less_unreachable_xenstored_fails_domain)
{
	const char *path = ts_nowhere();
	char line[160];

	ASSERT_TRUE(path != NULL);
	fake_reset();
	fake_add(1, "enhanced", 5);
	EXPECT_EQ(run(path), 1);
	EXPECT_EQ(result_for(1)->err, -ENOENT);
	dom0less_describe(result_for(1), line, sizeof(line));
	EXPECT_TRUE(strncmp(line, "connect to xenstored failed: ", 29) == 0);
	EXPECT_EQ(store_pfn(1), DOM0LESS_STORE_PFN_PENDING);
}

TEST(dom0less_param_error_fails_that_domain_only)
{
	const char *path = ts_scripted();

	ASSERT_TRUE(path != NULL);
	fake_reset();
	fake_add(1, "broken", 5)->param_err = -EPERM;
	fake_add(2, "fine", 6);
	EXPECT_EQ(run(path), 1);
	EXPECT_EQ(result_for(1)->status, DOM0LESS_FAILED);
	EXPECT_EQ(result_for(1)->err, -EPERM);
	EXPECT_STREQ(result_for(1)->step, "HVMOP_get_param STORE_EVTCHN");
	EXPECT_EQ(result_for(2)->status, DOM0LESS_INTRODUCED);
}

TEST(dom0less_domain_list_error_is_returned)
{
	fake_reset();
	fake_add(1, "any", 5);
	fake_list_errno = EACCES;
	EXPECT_EQ(run(ts_nowhere()), -EACCES);
	EXPECT_EQ(nresults, 0);
}
