/* SPDX-License-Identifier: MIT */
/*
 * Boot-time domains under dom0's toolstack (bootmon.c and the monitor's
 * boot mode): the actions taken from the description, devices read back
 * from libxl's private copy in the host xenstored, and a reboot carried
 * out against the fake hypervisor and the scripted XenStore server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootmon.h"
#include "devnet.h"
#include "dombuild.h"
#include "fake_sable.h"
#include "ts_helpers.h"
#include "ut.h"
#include "xl_create.h"

#define LOG_MAX 8192

static char log_text[LOG_MAX];

TEST(bootmon_absent_actions_reboot_and_preserve)
{
	struct sable_ctl_boot b = { .on = { SABLE_BOOT_ACT_unset } };
	enum xlcfg_action on[XLCFG_NR_EVENTS];

	bootmon_actions(&b, on);
	EXPECT_EQ(on[XLCFG_ON_POWEROFF], XLCFG_PRESERVE);
	EXPECT_EQ(on[XLCFG_ON_REBOOT], XLCFG_RESTART);
	EXPECT_EQ(on[XLCFG_ON_CRASH], XLCFG_PRESERVE);
	EXPECT_EQ(on[XLCFG_ON_WATCHDOG], XLCFG_PRESERVE);
}

TEST(bootmon_given_actions_are_kept_and_the_watchdog_follows_crash)
{
	struct sable_ctl_boot b = { .on = { SABLE_BOOT_ACT_destroy,
					    SABLE_BOOT_ACT_preserve,
					    SABLE_BOOT_ACT_restart } };
	enum xlcfg_action on[XLCFG_NR_EVENTS];

	bootmon_actions(&b, on);
	EXPECT_EQ(on[XLCFG_ON_POWEROFF], XLCFG_DESTROY);
	EXPECT_EQ(on[XLCFG_ON_REBOOT], XLCFG_PRESERVE);
	EXPECT_EQ(on[XLCFG_ON_CRASH], XLCFG_RESTART);
	EXPECT_EQ(on[XLCFG_ON_WATCHDOG], XLCFG_RESTART);
	/* A value the hypervisor does not send counts as absent. */
	b.on[SABLE_BOOT_EV_reboot] = 9;
	bootmon_actions(&b, on);
	EXPECT_EQ(on[XLCFG_ON_REBOOT], XLCFG_RESTART);
}

static void put(struct xs_client *c, const char *path, const char *value)
{
	ASSERT_EQ(xs_client_write(c, 0, path, value), 0);
}

TEST(bootmon_reads_disks_and_vifs_back_from_the_libxl_copy)
{
	const char *sock = ts_daemon();
	struct xlcfg *cfg = calloc(1, sizeof(*cfg));
	char err[DEVNET_ERR_MAX];
	struct xs_client c;
	uint64_t bytes;
	uint32_t usecs;

	ASSERT_TRUE(sock != NULL && cfg != NULL);
	ASSERT_EQ(xs_client_open(&c, sock, 5), 0);
	/* vif 0 with every setting, vif 2 plain, vif 1 half removed. */
	put(&c, "/libxl/5/device/vif/0/mac", "00:16:3e:01:02:03");
	put(&c, "/libxl/5/device/vif/0/bridge", "xenbr1");
	put(&c, "/libxl/5/device/vif/0/ip", "10.0.0.5");
	put(&c, "/libxl/5/device/vif/0/vifname", "db0");
	put(&c, "/libxl/5/device/vif/0/rate", "50000,50000");
	put(&c, "/libxl/5/device/vif/2/mac", "00:16:3e:0a:0b:0c");
	put(&c, "/libxl/5/device/vif/2/bridge", "xenbr0");
	put(&c, "/libxl/5/device/vif/1/frontend",
	    "/local/domain/5/device/vif/1");
	/* A read-only CD-ROM image and a disk; one without its params. */
	put(&c, "/libxl/5/device/vbd/51712/backend",
	    "/local/domain/0/backend/vbd/5/51712");
	put(&c, "/libxl/5/device/vbd/51712/params", "/srv/root.img");
	put(&c, "/libxl/5/device/vbd/51712/dev", "xvda");
	put(&c, "/libxl/5/device/vbd/51712/mode", "w");
	put(&c, "/libxl/5/device/vbd/51712/device-type", "disk");
	put(&c, "/libxl/5/device/vbd/51728/backend",
	    "/local/domain/0/backend/vbd/5/51728");
	put(&c, "/libxl/5/device/vbd/51728/params", "/srv/cd.iso");
	put(&c, "/libxl/5/device/vbd/51728/dev", "xvdb");
	put(&c, "/libxl/5/device/vbd/51728/mode", "r");
	put(&c, "/libxl/5/device/vbd/51728/device-type", "cdrom");
	put(&c, "/libxl/5/device/vbd/51744/backend",
	    "/local/domain/0/backend/vbd/5/51744");
	EXPECT_EQ(bootmon_read_devices(&c, 5, cfg), 4);
	ASSERT_EQ(cfg->nr_disks, 2);
	EXPECT_STREQ(cfg->disks[0].target, "/srv/root.img");
	EXPECT_STREQ(cfg->disks[0].vdev, "xvda");
	EXPECT_FALSE(cfg->disks[0].readonly || cfg->disks[0].cdrom);
	EXPECT_STREQ(cfg->disks[1].target, "/srv/cd.iso");
	EXPECT_STREQ(cfg->disks[1].vdev, "xvdb");
	EXPECT_TRUE(cfg->disks[1].readonly && cfg->disks[1].cdrom);
	ASSERT_EQ(cfg->nr_vifs, 2);
	EXPECT_STREQ(cfg->vifs[0].mac, "00:16:3e:01:02:03");
	EXPECT_STREQ(cfg->vifs[0].bridge, "xenbr1");
	EXPECT_STREQ(cfg->vifs[0].ip, "10.0.0.5");
	EXPECT_STREQ(cfg->vifs[0].vifname, "db0");
	/* The rate goes back into a form the vif parser takes. */
	ASSERT_EQ(devnet_parse_rate(cfg->vifs[0].rate, &bytes, &usecs, err), 0);
	EXPECT_EQ(bytes, 50000);
	EXPECT_EQ(usecs, 50000);
	EXPECT_STREQ(cfg->vifs[1].mac, "00:16:3e:0a:0b:0c");
	/* Each comes back under its own devid, not renumbered from 0. */
	EXPECT_TRUE(cfg->vifs[0].keep_devid && cfg->vifs[1].keep_devid);
	EXPECT_EQ(cfg->vifs[0].devid, 0);
	EXPECT_EQ(cfg->vifs[1].devid, 2);
	EXPECT_STREQ(cfg->vifs[1].rate, "");
	/* A domain with no devices: empty lists. */
	EXPECT_EQ(bootmon_read_devices(&c, 6, cfg), 0);
	EXPECT_EQ(cfg->nr_disks + cfg->nr_vifs, 0);
	xs_client_rm(&c, 0, "/libxl/5");
	xs_client_close(&c);
	free(cfg);
}

/* The domain the monitor restarted is destroyed once it runs. */
static void die_at_once(struct fake_dom *d)
{
	d->info.flags |= SABLE_DOMINF_dying;
}

/* Boot-time domain 3 "bt" (with a store) has shut down for @reason. */
static struct xlcfg *boot_shut_down(uint32_t reason)
{
	struct sable_ctl_boot b = { .on = { SABLE_BOOT_ACT_unset } };
	struct xlcfg *cfg = calloc(1, sizeof(*cfg));
	struct fake_dom *d;

	fake_reset();
	fake_add(0, "Domain-0", 0);
	d = fake_add(3, "bt", 5);
	d->boot = true;
	d->info.flags = SABLE_DOMINF_shutdown | SABLE_DOMINF_built;
	d->info.shutdown_reason = reason;
	d->params[HVM_PARAM_STORE_PFN] = 0x39001;
	snprintf(cfg->name, sizeof(cfg->name), "bt");
	bootmon_actions(&b, cfg->on);
	return cfg;
}

static int run_boot_monitor(struct xlcfg *cfg)
{
	FILE *log = tmpfile();
	size_t n;
	int rc = xl_monitor_run_boot(NULL, ts_scripted(), cfg, 3, log);

	rewind(log);
	n = fread(log_text, 1, LOG_MAX - 1, log);
	log_text[n] = '\0';
	fclose(log);
	free(cfg);
	return rc;
}

TEST(bootmon_reboot_rebuilds_introduces_and_unpauses_the_same_domain)
{
	struct xlcfg *cfg = boot_shut_down(DOMBUILD_REBOOT);

	fake_on_unpause = die_at_once;
	EXPECT_EQ(run_boot_monitor(cfg), 0);
	EXPECT_EQ(fake_boot_restart_calls, 1);
	EXPECT_EQ(fake_unpause_calls, 1);
	EXPECT_EQ(fake_destroy_calls, 0);
	/* Introduced again under its id, with the store page published. */
	EXPECT_EQ(ts_script.by_type[XS_INTRODUCE], 1);
	EXPECT_STREQ(ts_script.introduce, "3|233473|5|");
	EXPECT_EQ(ts_script.pfn_at_introduce, 0x39001);
	EXPECT_TRUE(strstr(log_text, "Action for shutdown reason code 1 is "
				     "restart") != NULL);
	EXPECT_TRUE(strstr(log_text, "domain 3 (bt): xenstore introduced") !=
		    NULL);
	EXPECT_TRUE(strstr(log_text,
			   "Domain 3 (bt) rebuilt from its boot "
			   "modules, 0 disk(s) and 0 vif(s)") != NULL);
	EXPECT_TRUE(strstr(log_text, "Domain 3 has been destroyed.") != NULL);
}

TEST(bootmon_poweroff_without_an_action_leaves_it_shut_down)
{
	struct xlcfg *cfg = boot_shut_down(DOMBUILD_POWEROFF);

	EXPECT_EQ(run_boot_monitor(cfg), 0);
	EXPECT_EQ(fake_boot_restart_calls, 0);
	ASSERT_TRUE(fake_find(3) != NULL);
	EXPECT_TRUE(fake_find(3)->info.flags & SABLE_DOMINF_shutdown);
	EXPECT_TRUE(strstr(log_text, "Domain 3 left shut down") != NULL);
}
