/* SPDX-License-Identifier: MIT */
/*
 * A domain's life after it is built: the shutdown request of the PV
 * control protocol (the guest's Linux watches control/shutdown, see
 * xenstore-paths.md) and waiting for the domain to shut down or go,
 * woken by xenstored's @releaseDomain watch (fired when an introduced
 * domain shuts down and when it dies), never by polling.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dombuild.h"
#include "xs_client.h"

int domlife_request(uint32_t domid, const char *what, const char *xs_path,
		    char *err)
{
	struct xs_client c;
	char path[64], probe[8];
	int rc;

	rc = xs_client_open(&c, xs_path, DOMBUILD_XS_TIMEOUT);
	if (rc) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "cannot connect to xenstored: %s", strerror(-rc));
		return rc;
	}
	/* No control directory: the domain has no PV control to ask. */
	snprintf(path, sizeof(path), "/local/domain/%u/control", domid);
	rc = xs_client_read(&c, 0, path, probe, sizeof(probe));
	if (rc == -ENOENT) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "domain %u has no control/shutdown node (not "
			 "introduced to xenstored?)",
			 domid);
	} else if (!rc) {
		snprintf(path, sizeof(path),
			 "/local/domain/%u/control/shutdown", domid);
		rc = xs_client_write(&c, 0, path, what);
		if (rc) {
			snprintf(err, DOMBUILD_ERR_MAX, "cannot write %s: %s",
				 path, c.err[0] ? c.err : strerror(-rc));
		}
	} else {
		snprintf(err, DOMBUILD_ERR_MAX, "cannot read %s: %s", path,
			 c.err[0] ? c.err : strerror(-rc));
	}
	xs_client_close(&c);
	return rc;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Has @domid reached @until? Fills @info and @gone (no longer listed, or
 * for DOMLIFE_SHUTDOWN also dying). 1 if so, 0 if not, -errno on failure.
 */
static int domlife_check(struct sable_handle *h, uint32_t domid,
			 enum domlife_until until,
			 struct sable_ctl_domain_info *info, bool *gone)
{
	bool dying;

	if (sable_domain_info(h, domid, info)) {
		if (errno != ESRCH) {
			return -errno;
		}
		*gone = true;
		return 1;
	}
	*gone = info->domid != domid;
	if (*gone) {
		return 1;
	}
	dying = info->flags & SABLE_DOMINF_dying;
	if (until == DOMLIFE_SHUTDOWN) {
		*gone = dying;
		return dying || (info->flags & SABLE_DOMINF_shutdown);
	}
	return 0;
}

/*
 * A dying domain goes once nothing maps its memory any more; no event
 * marks that moment (xenstored released it when it started dying), so
 * it is looked at again after this long.
 */
#define DOMLIFE_DYING_RECHECK_MS 100

int domlife_wait(struct sable_handle *h, uint32_t domid,
		 enum domlife_until until, int timeout_ms, const char *xs_path,
		 struct sable_ctl_domain_info *info, bool *gone)
{
	long long deadline = now_ms() + timeout_ms, left;
	struct xs_client c;
	int rc;

	memset(info, 0, sizeof(*info));
	rc = xs_client_open(&c, xs_path, DOMBUILD_XS_TIMEOUT);
	if (!rc) {
		rc = xs_client_watch(&c, "@releaseDomain", "xl");
	}
	while (!rc) {
		rc = domlife_check(h, domid, until, info, gone);
		if (rc) {
			rc = rc > 0 ? 0 : rc;
			break;
		}
		left = timeout_ms < 0 ? -1 : deadline - now_ms();
		if (timeout_ms >= 0 && left <= 0) {
			rc = -ETIMEDOUT;
			break;
		}
		if (info->flags & SABLE_DOMINF_dying &&
		    (left < 0 || left > DOMLIFE_DYING_RECHECK_MS)) {
			left = DOMLIFE_DYING_RECHECK_MS;
		}
		rc = xs_client_wait_event(&c, (int)left);
		if (rc == -ETIMEDOUT) {
			rc = 0; /* look again (deadline checked above) */
		}
	}
	xs_client_close(&c);
	return rc;
}

bool domlife_event(uint32_t reason, enum xlcfg_event *ev)
{
	switch (reason) {
	case DOMBUILD_POWEROFF:
		*ev = XLCFG_ON_POWEROFF;
		return true;
	case DOMBUILD_REBOOT:
		*ev = XLCFG_ON_REBOOT;
		return true;
	case DOMBUILD_CRASH:
		*ev = XLCFG_ON_CRASH;
		return true;
	case DOMBUILD_WATCHDOG:
		*ev = XLCFG_ON_WATCHDOG;
		return true;
	default:
		return false;
	}
}
