/* SPDX-License-Identifier: MIT */
/*
 * xl.cfg files (Xen's xl.cfg(5) syntax): `key = value` settings, values
 * are strings in single or double quotes, numbers, or lists `[ v, v, ]`
 * that may run over several lines; `#` starts a comment; a later setting
 * of a key replaces an earlier one, so `key=value` words from the command
 * line override the file. The parser does no I/O: text in, a parsed and
 * checked domain configuration (struct xlcfg) out, or one error line
 * "<file>:<line>: <key>: <what>". See docs/toolstack.md, "xl.cfg".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits the hypervisor and the toolstack share. */
#define XLCFG_MAX_VCPUS 8 /* the hypervisor's MAX_VCPUS */
#define XLCFG_NAME_MAX 31 /* sable_ctl name[32] with its NUL */
#define XLCFG_CMDLINE_MAX 1023 /* SABLE_LOAD_cmdline */
#define XLCFG_MAX_DISKS 16
#define XLCFG_MAX_VIFS 8
#define XLCFG_MAX_WARNINGS 16
#define XLCFG_ERR_MAX 320
#define XLCFG_PATH_MAX 256
#define XLCFG_FILE_MAX (1U << 20) /* larger files are refused */

/* Lifecycle actions (on_poweroff, on_reboot, on_crash, on_watchdog). */
enum xlcfg_action {
	XLCFG_DESTROY,
	XLCFG_RESTART,
	XLCFG_PRESERVE,
	XLCFG_RENAME_RESTART,
	XLCFG_COREDUMP_DESTROY,
	XLCFG_COREDUMP_RESTART,
	XLCFG_SOFT_RESET,
};

/* Which event an action answers, indexing xlcfg.on[]. */
enum xlcfg_event {
	XLCFG_ON_POWEROFF,
	XLCFG_ON_REBOOT,
	XLCFG_ON_CRASH,
	XLCFG_ON_WATCHDOG,
	XLCFG_NR_EVENTS,
};

/* One disk (xl-disk-configuration(5)). */
struct xlcfg_disk {
	char target[XLCFG_PATH_MAX]; /* "" for an empty CD-ROM drive */
	char format[16]; /* raw (default), qcow, qcow2, vhd, empty */
	char vdev[16]; /* xvda, hda, sdb, ...: required */
	char backend[32]; /* backend domain, "" for dom0 */
	char backendtype[16]; /* phy, tap, qdisk, "" for automatic */
	char script[128];
	bool readonly; /* access=ro/r */
	bool cdrom; /* devtype=cdrom */
};

/* One network interface (xl-network-configuration(5)). */
struct xlcfg_vif {
	char mac[18]; /* "" for a random 00:16:3e:xx:xx:xx */
	char bridge[64];
	char ip[128];
	char script[128];
	char backend[32];
	char type[16]; /* vif (default) or ioemu */
	char model[32];
	char vifname[32];
	char rate[32];
	bool keep_devid; /* attach as @devid, not as its index in the list */
	uint32_t devid; /* (set by the toolstack, never by a config file) */
};

struct xlcfg {
	char name[XLCFG_NAME_MAX + 1];
	char uuid[37]; /* "" for a random one */
	uint64_t memory_mib; /* memory, default 32 */
	uint64_t maxmem_mib; /* maxmem, default memory */
	uint32_t vcpus; /* online at boot, default 1 */
	uint32_t maxvcpus; /* vCPUs created, default vcpus */
	/*
	 * cpus= and cpus_soft=: hard and soft affinity, bit per pCPU, 0: all.
	 * A string applies to every vCPU (cpus, cpus_soft); a list gives vCPU
	 * i its item i (vcpu_cpus[i], vcpu_cpus_soft[i]; nr_* items, the
	 * vCPUs after them not pinned). xlcfg_vcpu_affinity() reads both.
	 */
	uint64_t cpus;
	uint64_t cpus_soft;
	uint64_t vcpu_cpus[XLCFG_MAX_VCPUS];
	unsigned int nr_vcpu_cpus;
	uint64_t vcpu_cpus_soft[XLCFG_MAX_VCPUS];
	unsigned int nr_vcpu_cpus_soft;
	char kernel[XLCFG_PATH_MAX];
	char ramdisk[XLCFG_PATH_MAX];
	/* The kernel command line from cmdline, or root and extra. */
	char cmdline[XLCFG_CMDLINE_MAX + 1];
	enum xlcfg_action on[XLCFG_NR_EVENTS];
	bool vuart; /* vuart = "sbsa_uart": an emulated PL011 */
	uint32_t cpu_weight; /* 1..65535, default 256 */
	uint32_t cap; /* percent of a pCPU, 0: none */
	uint64_t
		p2m_kib; /* shadow_memory (MiB) as a stage-2 budget, 0: default */
	uint32_t max_grant_frames; /* 0: the default */
	uint32_t max_maptrack_frames;
	uint32_t max_event_channels;
	struct xlcfg_disk disks[XLCFG_MAX_DISKS];
	unsigned int nr_disks;
	struct xlcfg_vif vifs[XLCFG_MAX_VIFS];
	unsigned int nr_vifs;
	/* Not fatal: unknown keys, ignored settings ("<file>:<line>: ..."). */
	char warnings[XLCFG_MAX_WARNINGS][XLCFG_ERR_MAX];
	unsigned int nr_warnings;
};

/*
 * Parse @len bytes of @text (the file @file, used in messages) and the
 * @noverrides command-line words "key=value" (each replaces the file's
 * setting; a value that is not a quoted string, a number or a list is
 * taken as a plain string), then interpret and check every setting into
 * @cfg. 0, or -EINVAL with the message in @err (XLCFG_ERR_MAX bytes):
 * "<file>:<line>: <key>: <what>" (line 0 names the command line:
 * "<command line>: <key>: <what>").
 */
int xlcfg_parse(struct xlcfg *cfg, const char *file, const char *text,
		size_t len, const char *const *overrides,
		unsigned int noverrides, char *err);

/* The name of an action as xl.cfg spells it ("rename-restart"). */
const char *xlcfg_action_name(enum xlcfg_action a);

/*
 * Parse one disk or vif specification string (the items of the disk and
 * vif lists). 0, or -EINVAL with @err (XLCFG_ERR_MAX bytes) saying what is
 * wrong, without file or line.
 */
int xlcfg_parse_disk(const char *spec, struct xlcfg_disk *d, char *err);
int xlcfg_parse_vif(const char *spec, struct xlcfg_vif *v, char *err);

/*
 * The device number of a disk's vdev as libxl computes it (the frontend's
 * virtual-device, its directory name): xvd<letters>[<partition>] and
 * d<disk>p<partition> are Xen's own numbers (202 << 8 | disk << 4 |
 * partition, or 1 << 28 | disk << 8 | partition beyond 16 disks or 15
 * partitions), hd[a-d] and sd[a-p] the IDE and SCSI numbers, a plain
 * number is taken as it is. The number, or -EINVAL.
 */
long xlcfg_disk_devid(const char *vdev);

/*
 * Is @name a valid domain name (1..31 letters, digits, '-', '_', '.', not
 * all digits)? NULL if so, else why not.
 */
const char *xlcfg_name_problem(const char *name);

/*
 * A CPU list ("all", "0-3,^2", "1"): bit per pCPU in @mask; pCPUs at or
 * above 64 are refused. 0 or -EINVAL.
 */
int xlcfg_parse_cpus(const char *s, uint64_t *mask);

/* The hard (*@hard) and soft (*@soft) affinity @cfg gives vCPU @v; 0: all. */
void xlcfg_vcpu_affinity(const struct xlcfg *cfg, unsigned int v,
			 uint64_t *hard, uint64_t *soft);

/*
 * The configuration as text, one "key = value" line per setting, in a
 * fixed order (xl create -n, the golden tests). Returns the length that
 * @buf needed (as snprintf).
 */
size_t xlcfg_dump(const struct xlcfg *cfg, char *buf, size_t size);
