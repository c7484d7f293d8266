/* SPDX-License-Identifier: MIT */
/*
 * Building a domain from an xl.cfg (see dombuild.h): the order of the
 * steps follows sable_ctl.h (create paused, load, build, unpause) and
 * libxl (nodes written after the build, INTRODUCE, then unpause).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "devdisk.h"
#include "dombuild.h"
#include "devnet.h"
#include "domplan.h"
#include "xs_client.h"

/* The arm64 Image header (Linux, Documentation/arm64/booting.rst). */
#define IMAGE_MAGIC_OFFSET 0x38
#define IMAGE_HEADER_SIZE 64
/* The largest image file read (the hypervisor bounds it again). */
#define DOMBUILD_FILE_MAX (512ULL << 20)

const char *dombuild_strerror(int e)
{
	switch (e) {
	case EACCES:
		return "hypervisor control interface version mismatch";
	case EPERM:
		return "not permitted (is this the control domain?)";
	case ENOSYS:
		return "not supported by this hypervisor";
	case ENOMEM:
		return "not enough free memory in the hypervisor";
	case EBUSY:
		return "a domain with that name or id exists";
	case ESRCH:
		return "no such domain";
	default:
		return strerror(e);
	}
}

/* Compressed and other formats people try to boot, by their magic. */
static const struct {
	const char *magic;
	size_t off, len;
	const char *what;
} not_images[] = {
	{ "\x1f\x8b", 0, 2, "gzip-compressed" },
	{ "\x28\xb5\x2f\xfd", 0, 4, "zstd-compressed" },
	{ "\xfd"
	  "7zXZ",
	  0, 5, "xz-compressed" },
	{ "BZh", 0, 3, "bzip2-compressed" },
	{ "\x04\x22\x4d\x18", 0, 4, "lz4-compressed" },
	{ "\x5d\x00\x00", 0, 3, "lzma-compressed" },
	{ "zimg", 4, 4, "an EFI zboot (compressed) image" },
	{ "\x7f"
	  "ELF",
	  0, 4, "an ELF file (vmlinux)" },
};

int dombuild_check_image(const void *buf, size_t len, const char *path,
			 char *err)
{
	const unsigned char *b = buf;
	size_t i;

	for (i = 0; i < sizeof(not_images) / sizeof(not_images[0]); i++) {
		if (len >= not_images[i].off + not_images[i].len &&
		    memcmp(b + not_images[i].off, not_images[i].magic,
			   not_images[i].len) == 0) {
			snprintf(err, DOMBUILD_ERR_MAX,
				 "kernel: %s is %s; Sable loads an "
				 "uncompressed arm64 Image%s",
				 path, not_images[i].what,
				 i < 6 ? " (decompress it first, e.g. "
					 "zcat vmlinuz > Image)"
				       : "");
			return -EINVAL;
		}
	}
	if (len < IMAGE_HEADER_SIZE ||
	    memcmp(b + IMAGE_MAGIC_OFFSET, "ARM\x64", 4) != 0) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "kernel: %s is not an arm64 Image (no \"ARM\\x64\" "
			 "magic at offset 0x38)",
			 path);
		return -EINVAL;
	}
	return 0;
}

int dombuild_read_file(const char *what, const char *path, void **buf,
		       size_t *len, char *err)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	char *b = NULL;
	int fd, rc = 0;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		rc = -errno;
		snprintf(err, DOMBUILD_ERR_MAX, "%s: %s: %s", what, path,
			 strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (unsigned long long)st.st_size > DOMBUILD_FILE_MAX) {
		rc = -EINVAL;
		snprintf(err, DOMBUILD_ERR_MAX, "%s: %s: %s", what, path,
			 !S_ISREG(st.st_mode) ? "not a regular file"
			 : st.st_size <= 0    ? "empty file"
					      : "larger than 512 MiB");
		goto out;
	}
	b = malloc((size_t)st.st_size);
	if (!b) {
		rc = -ENOMEM;
		snprintf(err, DOMBUILD_ERR_MAX, "%s: %s: out of memory", what,
			 path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, b + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			snprintf(err, DOMBUILD_ERR_MAX, "%s: %s: %s", what,
				 path, n < 0 ? strerror(errno) : "file shrank");
			goto out;
		}
		got += (size_t)n;
	}
	*buf = b;
	*len = got;
	b = NULL;
out:
	free(b);
	if (fd >= 0) {
		close(fd);
	}
	return rc;
}

void dombuild_uuid(char out[37])
{
	unsigned char u[16];
	struct timeval tv;
	size_t i;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, u, sizeof(u)) != (ssize_t)sizeof(u)) {
		/* No randomness: time and pid still make it unique here. */
		gettimeofday(&tv, NULL);
		for (i = 0; i < sizeof(u); i++) {
			u[i] = (unsigned char)((unsigned long)tv.tv_usec >>
						       (i % 4 * 8) ^
					       (unsigned long)getpid() >> i);
		}
	}
	if (fd >= 0) {
		close(fd);
	}
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* What a create needs in memory: the images, read and checked first. */
struct images {
	void *kernel, *ramdisk;
	size_t kernel_len, ramdisk_len;
};

static int read_images(const struct xlcfg *cfg, struct images *im, char *err)
{
	int rc;

	rc = dombuild_read_file("kernel", cfg->kernel, &im->kernel,
				&im->kernel_len, err);
	if (!rc) {
		rc = dombuild_check_image(im->kernel, im->kernel_len,
					  cfg->kernel, err);
	}
	if (!rc && cfg->ramdisk[0]) {
		rc = dombuild_read_file("ramdisk", cfg->ramdisk, &im->ramdisk,
					&im->ramdisk_len, err);
	}
	return rc;
}

/* Checks against the host: free memory, the name not taken. */
static int check_host(struct sable_handle *h, const struct xlcfg *cfg,
		      struct sable_ctl_physinfo *phys, char *err)
{
	uint32_t id;

	if (sable_physinfo(h, phys)) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "cannot read the host's information: %s",
			 dombuild_strerror(errno));
		return -errno;
	}
	if (cfg->memory_mib * 1024 > phys->free_kib) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "memory: %llu MiB wanted but only %llu MiB free",
			 (unsigned long long)cfg->memory_mib,
			 (unsigned long long)(phys->free_kib >> 10));
		return -ENOMEM;
	}
	if (sable_domid_by_name(h, cfg->name, &id) == 0) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "name: a domain called \"%s\" exists (id %u)",
			 cfg->name, id);
		return -EEXIST;
	}
	return 0;
}

static int make_domain(struct sable_handle *h, const struct xlcfg *cfg,
		       const struct images *im, uint32_t *domid, char *err)
{
	struct sable_ctl_create c;
	uint32_t cap;

	memset(&c, 0, sizeof(c));
	c.flags = SABLE_CREATE_xenstore | SABLE_CREATE_console |
		  (cfg->vuart ? SABLE_CREATE_vpl011 : 0);
	snprintf(c.name, sizeof(c.name), "%s", cfg->name);
	c.nr_vcpus = cfg->maxvcpus;
	c.max_evtchn_port = cfg->max_event_channels;
	c.mem_kib = cfg->memory_mib * 1024;
	c.max_mem_kib = cfg->maxmem_mib * 1024;
	c.max_grant_frames = cfg->max_grant_frames;
	c.max_maptrack_frames = cfg->max_maptrack_frames;
	c.p2m_mem_kib = (uint32_t)cfg->p2m_kib;
	c.weight = (uint16_t)cfg->cpu_weight;
	/* xl's cap is for the whole domain, Sable's for each vCPU. */
	cap = (cfg->cap + cfg->maxvcpus - 1) / cfg->maxvcpus;
	c.cap = (uint16_t)(cap > 100 ? 100 : cap);
	c.kernel_size = im->kernel_len;
	c.ramdisk_size = im->ramdisk_len;
	if (sable_domain_create(h, &c)) {
		snprintf(err, DOMBUILD_ERR_MAX, "cannot create the domain: %s",
			 dombuild_strerror(errno));
		return -errno;
	}
	*domid = c.domid;
	return 0;
}

static int load_all(struct sable_handle *h, uint32_t domid,
		    const struct xlcfg *cfg, const struct images *im, char *err)
{
	const char *what = "kernel";

	if (sable_domain_load(h, domid, SABLE_LOAD_kernel, im->kernel,
			      im->kernel_len)) {
		goto fail;
	}
	what = "ramdisk";
	if (im->ramdisk_len &&
	    sable_domain_load(h, domid, SABLE_LOAD_ramdisk, im->ramdisk,
			      im->ramdisk_len)) {
		goto fail;
	}
	what = "command line";
	if (cfg->cmdline[0] &&
	    sable_domain_load(h, domid, SABLE_LOAD_cmdline, cfg->cmdline,
			      strlen(cfg->cmdline))) {
		goto fail;
	}
	return 0;
fail:
	snprintf(err, DOMBUILD_ERR_MAX, "cannot load the %s: %s", what,
		 dombuild_strerror(errno));
	return -errno;
}

/*
 * cpus= and cpus_soft=: each vCPU's hard and soft affinity, limited to
 * online pCPUs. A hard affinity naming no online pCPU fails the create; a
 * soft one outside the hard one only means no preference.
 */
static int set_affinity(struct sable_handle *h, uint32_t domid,
			const struct xlcfg *cfg,
			const struct sable_ctl_physinfo *phys, char *err)
{
	uint64_t online =
		phys->nr_cpus >= 64 ? ~0ULL : (1ULL << phys->nr_cpus) - 1;
	uint32_t v;

	for (v = 0; v < cfg->maxvcpus; v++) {
		uint64_t hard, soft;

		xlcfg_vcpu_affinity(cfg, v, &hard, &soft);
		hard = hard ? hard & online : online;
		soft &= online;
		if (soft == online) {
			soft = 0;
		}
		if (!hard) {
			snprintf(err, DOMBUILD_ERR_MAX,
				 "cpus: names no online pCPU for vCPU %u (the "
				 "host has %u)",
				 v, phys->nr_cpus);
			return -EINVAL;
		}
		if (hard == online && !soft) {
			continue; /* as the hypervisor made it */
		}
		if (sable_vcpu_set_affinity(h, domid, v, hard, soft)) {
			snprintf(err, DOMBUILD_ERR_MAX,
				 "cpus: cannot pin vCPU %u: %s", v,
				 dombuild_strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* The nodes, then INTRODUCE (libxl__build_post, then xs_introduce). */
static int publish(struct sable_handle *h, const struct xlcfg *cfg,
		   uint32_t domid, const struct sable_ctl_build *b,
		   const char *uuid, const char *xs_path, char *err)
{
	struct domplan_domain d = {
		.domid = domid,
		.name = cfg->name,
		.uuid = uuid,
		.max_kib = cfg->maxmem_mib * 1024,
		.target_kib = cfg->memory_mib * 1024,
		.vcpus = cfg->vcpus,
		.max_vcpus = cfg->maxvcpus,
		.store_gfn = b->store_gfn,
		.console_gfn = b->console_gfn,
		.store_port = b->store_port,
		.console_port = b->console_port,
		.kernel = cfg->kernel,
		.ramdisk = cfg->ramdisk,
		.cmdline = cfg->cmdline,
	};
	char step[DOMPLAN_STEP_MAX] = "prepare the nodes", start[32];
	struct xs_client c;
	struct domplan p;
	struct timeval tv;
	uint64_t pfn;
	int rc;

	gettimeofday(&tv, NULL);
	snprintf(start, sizeof(start), "%llu.%02u",
		 (unsigned long long)tv.tv_sec, (unsigned)(tv.tv_usec / 10000));
	d.start_time = start;
	domplan_init(&p, domid);
	rc = xs_client_open(&c, xs_path, DOMBUILD_XS_TIMEOUT);
	if (rc) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "cannot connect to xenstored: %s", strerror(-rc));
		goto out;
	}
	rc = domplan_xl(&p, &d);
	if (!rc) {
		rc = domplan_commit(&c, &p, step);
	}
	if (rc) {
		snprintf(err, DOMBUILD_ERR_MAX, "xenstore: %s failed: %s", step,
			 c.err[0] ? c.err : strerror(-rc));
		goto out;
	}
	/* The guest reads where its store is from HVM_PARAM_STORE_PFN. */
	if (sable_hvm_get_param(h, (uint16_t)domid, HVM_PARAM_STORE_PFN,
				&pfn) == 0 &&
	    pfn != b->store_gfn) {
		sable_hvm_set_param(h, (uint16_t)domid, HVM_PARAM_STORE_PFN,
				    b->store_gfn);
	}
	rc = xs_client_introduce(&c, domid, b->store_gfn, b->store_port);
	if (rc) {
		snprintf(err, DOMBUILD_ERR_MAX,
			 "xenstore: INTRODUCE failed: %s",
			 c.err[0] ? c.err : strerror(-rc));
	}
out:
	domplan_free(&p);
	xs_client_close(&c);
	return rc;
}

/* Settings accepted but not acted on, said once at create. */
/* The vifs, before the guest runs (devnet.h); notes join the result's. */
static int attach_vifs(const struct xlcfg *cfg, struct dombuild_result *r,
		       const char *xs_path, char *err)
{
	struct devnet_notes n = { .n = 0 };
	char why[DEVNET_ERR_MAX];
	unsigned int i;
	int rc = devnet_attach_config(cfg, r->domid, xs_path, &n, why);

	if (rc) {
		snprintf(err, DOMBUILD_ERR_MAX, "%s", why);
	}
	for (i = 0; i < n.n && r->nr_notes < 3; i++) {
		snprintf(r->notes[r->nr_notes++], sizeof(r->notes[0]), "%s",
			 n.line[i]);
	}
	return rc;
}

int dombuild_create(struct sable_handle *h, const struct xlcfg *cfg,
		    const struct dombuild_opts *o, struct dombuild_result *r,
		    char *err)
{
	struct sable_ctl_physinfo phys;
	struct sable_ctl_build b;
	struct images im = { 0 };
	char why[DOMBUILD_ERR_MAX];
	bool created = false;
	int rc;

	memset(r, 0, sizeof(*r));
	snprintf(r->uuid, sizeof(r->uuid), "%s", cfg->uuid);
	if (!r->uuid[0]) {
		dombuild_uuid(r->uuid);
	}
	rc = read_images(cfg, &im, err);
	if (!rc) {
		rc = check_host(h, cfg, &phys, err);
	}
	if (!rc) {
		rc = make_domain(h, cfg, &im, &r->domid, err);
		created = rc == 0;
	}
	if (!rc) {
		rc = load_all(h, r->domid, cfg, &im, err);
	}
	if (!rc && sable_domain_build(h, r->domid, &b)) {
		rc = -errno;
		snprintf(err, DOMBUILD_ERR_MAX, "cannot build the domain: %s",
			 dombuild_strerror(errno));
	}
	if (!rc) {
		rc = set_affinity(h, r->domid, cfg, &phys, err);
	}
	if (!rc) {
		rc = publish(h, cfg, r->domid, &b, r->uuid, o->xs_path, err);
	}
	if (!rc) {
		rc = devdisk_attach_cfg(cfg, r->domid, o->xs_path, err);
	}
	if (!rc) {
		rc = attach_vifs(cfg, r, o->xs_path, err);
	}
	if (!rc && !o->paused && sable_domain_unpause(h, r->domid)) {
		rc = -errno;
		snprintf(err, DOMBUILD_ERR_MAX, "cannot unpause the domain: %s",
			 dombuild_strerror(errno));
	}
	if (rc && created) {
		/* Nothing is left behind: the domain and its nodes go. */
		dombuild_destroy(h, r->domid, o->xs_path, why);
	}
	free(im.kernel);
	free(im.ramdisk);
	return rc;
}

/* The /vm/<uuid> path of @domid from its "vm" node, or "". */
static void read_vm_path(struct xs_client *c, uint32_t domid, char *vm,
			 size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	if (xs_client_read(c, 0, path, vm, size) != 0 ||
	    strncmp(vm, "/vm/", 4) != 0 || strchr(vm + 4, '/') || !vm[4]) {
		vm[0] = '\0';
	}
}

static void remove_nodes(struct xs_client *c, uint32_t domid, const char *vm)
{
	char path[64];

	if (vm[0]) {
		xs_client_rm(c, 0, vm);
	}
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	xs_client_rm(c, 0, path);
	snprintf(path, sizeof(path), "/libxl/%u", domid);
	xs_client_rm(c, 0, path);
	snprintf(path, sizeof(path), "/local/domain/0/backend/console/%u",
		 domid);
	xs_client_rm(c, 0, path);
}

/*
 * The hypervisor first: a domain it refuses to destroy keeps its nodes.
 * Then its nodes go (libxl's paths) and xenstored is told at once.
 */
static int destroy_as(struct sable_handle *h, uint32_t domid,
		      const char *xs_path, bool boot_restart, char *err)
{
	struct xs_client c;
	char vm[128] = "";
	bool xs;

	if (domid == 0) {
		snprintf(err, DOMBUILD_ERR_MAX, "cannot destroy Domain-0");
		return -EPERM;
	}
	xs = xs_client_open(&c, xs_path, DOMBUILD_XS_TIMEOUT) == 0;
	if (xs) {
		read_vm_path(&c, domid, vm, sizeof(vm));
	}
	if (boot_restart ? sable_boot_restart(h, domid)
			 : sable_domain_destroy(h, domid)) {
		int e = errno;

		snprintf(err, DOMBUILD_ERR_MAX, "cannot %s domain %u: %s",
			 boot_restart ? "restart" : "destroy", domid,
			 dombuild_strerror(e));
		xs_client_close(&c);
		return -e;
	}
	if (xs) {
		devnet_teardown_domain(&c, domid);
		devdisk_remove_all(&c, domid);
		remove_nodes(&c, domid, vm);
		/* xenstored also releases a dying domain by itself. */
		xs_client_release(&c, domid);
		xs_client_close(&c);
	}
	return 0;
}

int dombuild_destroy(struct sable_handle *h, uint32_t domid,
		     const char *xs_path, char *err)
{
	return destroy_as(h, domid, xs_path, false, err);
}

int dombuild_boot_restart(struct sable_handle *h, uint32_t domid,
			  const char *xs_path, char *err)
{
	return destroy_as(h, domid, xs_path, true, err);
}
